//! [`Atlas`]: the gu and dong layers in memory, and the lookups over them.

mod parse;
mod search;

use std::collections::HashSet;
use std::fmt;

use geo::coordinate_position::CoordPos;
use geo::{Coord, CoordinatePosition, Polygon, Rect};
use sharehub_core::GeoPoint;

use crate::{Area, AreaMatch, AreasError};
use search::Rank;

/// Which of the two boundary files something refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Gu,
    Dong,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Gu => "gu",
            Layer::Dong => "dong",
        })
    }
}

/// One area with its geometry.
struct Region {
    area: Area,
    /// Bounding box of all polygons, for the cheap first test.
    bounds: Rect,
    /// Each polygon with its own bounding box.
    polygons: Vec<(Rect, Polygon)>,
    /// The GeoJSON geometry object as it appears in the file.
    outline: String,
}

impl Region {
    /// True when the point is inside the area or on its border (areas are closed sets).
    fn covers(&self, c: Coord) -> bool {
        rect_covers(self.bounds, c)
            && self.polygons.iter().any(|(rect, polygon)| {
                rect_covers(*rect, c) && polygon.coordinate_position(&c) != CoordPos::Outside
            })
    }

    fn search_keys(&self) -> [String; 2] {
        [
            search::normalize(&self.area.name.ko),
            search::normalize(&self.area.name.en),
        ]
    }
}

fn rect_covers(rect: Rect, c: Coord) -> bool {
    rect.min().x <= c.x && c.x <= rect.max().x && rect.min().y <= c.y && c.y <= rect.max().y
}

/// Seoul's gu and 행정동 with their boundaries.
///
/// # Lookup rule
/// An area is a closed set: a point on its border belongs to it. Areas are kept sorted by
/// code, and [`Atlas::locate`] answers the first (lowest-code) gu that covers the point, then
/// the lowest-code dong of that gu that covers it. So a point exactly on the border of two gu
/// (or two dong) gets the one with the lower code — deterministically, and never `None`
/// while it lies in Seoul.
pub struct Atlas {
    /// Sorted by code.
    gu: Vec<Region>,
    /// Sorted by code, so each gu's dong are contiguous.
    dong: Vec<Region>,
    /// For each gu (same index), the range of its dong in `dong`.
    dong_ranges: Vec<std::ops::Range<usize>>,
    /// Bounding box of all gu.
    bounds: Rect,
}

impl fmt::Debug for Atlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Atlas")
            .field("gu", &self.gu.len())
            .field("dong", &self.dong.len())
            .finish_non_exhaustive()
    }
}

impl Atlas {
    /// Builds an atlas from a gu and a dong GeoJSON FeatureCollection (see
    /// `scripts/areas/README.md` for the properties).
    pub fn from_geojson(gu_json: &str, dong_json: &str) -> Result<Atlas, AreasError> {
        let mut gu: Vec<Region> = parse::parse_layer(gu_json, Layer::Gu)?
            .into_iter()
            .map(|parsed| parsed.region)
            .collect();
        gu.sort_by(|a, b| a.area.code.cmp(&b.area.code));
        check_unique(&gu, Layer::Gu)?;
        let mut dong = Vec::new();
        for parsed in parse::parse_layer(dong_json, Layer::Dong)? {
            let gu_code = parsed.gu_code.unwrap_or_default();
            if gu
                .binary_search_by(|g| g.area.code.as_str().cmp(&gu_code))
                .is_err()
            {
                return Err(AreasError::UnknownGu {
                    code: parsed.region.area.code,
                    gu_code,
                });
            }
            dong.push(parsed.region);
        }
        dong.sort_by(|a, b| a.area.code.cmp(&b.area.code));
        check_unique(&dong, Layer::Dong)?;
        let dong_ranges = gu
            .iter()
            .map(|g| {
                let start = dong.partition_point(|d| d.area.gu_code() < g.area.code.as_str());
                let end = dong.partition_point(|d| d.area.gu_code() <= g.area.code.as_str());
                start..end
            })
            .collect();
        let bounds =
            parse::bounds_of(gu.iter().map(|g| g.bounds)).ok_or_else(|| AreasError::Feature {
                layer: Layer::Gu,
                code: String::new(),
                problem: "the gu file has no features".into(),
            })?;
        Ok(Atlas {
            gu,
            dong,
            dong_ranges,
            bounds,
        })
    }

    /// The gu and 행정동 a point lies in, or `None` outside Seoul (or for a NaN position).
    /// See the lookup rule on [`Atlas`].
    pub fn locate(&self, point: GeoPoint) -> Option<AreaMatch> {
        let c = Coord {
            x: point.lon,
            y: point.lat,
        };
        if !rect_covers(self.bounds, c) {
            return None;
        }
        let gu_index = self.gu.iter().position(|g| g.covers(c))?;
        let dong = self.dong[self.dong_ranges[gu_index].clone()]
            .iter()
            .find(|d| d.covers(c));
        Some(AreaMatch {
            gu: self.gu[gu_index].area.clone(),
            dong: dong.map(|d| d.area.clone()),
        })
    }

    /// All gu, by code.
    pub fn gu_list(&self) -> Vec<Area> {
        self.gu.iter().map(|g| g.area.clone()).collect()
    }

    /// The 행정동 of a gu, by code; empty for an unknown gu code.
    pub fn dong_list(&self, gu_code: &str) -> Vec<Area> {
        match self
            .gu
            .binary_search_by(|g| g.area.code.as_str().cmp(gu_code))
        {
            Ok(index) => self.dong[self.dong_ranges[index].clone()]
                .iter()
                .map(|d| d.area.clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The gu or dong with this code.
    pub fn area(&self, code: &str) -> Option<&Area> {
        self.region(code).map(|r| &r.area)
    }

    /// Areas whose Korean or English name contains `text` (case, spaces, hyphens and dots
    /// ignored): exact matches first, then names starting with it, then the rest; within
    /// each, gu before dong and by code. "망원동" or "Mangwon-dong", which name no
    /// 행정동, find the dong named after them (망원1동, 망원2동).
    pub fn find_by_name(&self, text: &str) -> Vec<Area> {
        let query = search::normalize(text);
        if query.is_empty() {
            return Vec::new();
        }
        let found = self.search(&query, None);
        if !found.is_empty() {
            return found;
        }
        match search::legal_dong_stem(&query) {
            Some(stem) => self.search(stem, Some(Layer::Dong)),
            None => found,
        }
    }

    fn search(&self, query: &str, only: Option<Layer>) -> Vec<Area> {
        let layers = [(Layer::Gu, &self.gu), (Layer::Dong, &self.dong)];
        let mut hits: Vec<(Rank, Layer, &Area)> = layers
            .into_iter()
            .filter(|(layer, _)| only.is_none_or(|o| o == *layer))
            .flat_map(|(layer, regions)| {
                regions.iter().filter_map(move |r| {
                    search::rank(query, &r.search_keys()).map(|rank| (rank, layer, &r.area))
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            (a.0, a.1 == Layer::Dong, &a.2.code).cmp(&(b.0, b.1 == Layer::Dong, &b.2.code))
        });
        hits.into_iter().map(|(_, _, area)| area.clone()).collect()
    }

    /// The GeoJSON geometry (a Polygon or MultiPolygon object, `[lon, lat]`) of a gu or dong,
    /// for drawing it on a map.
    pub fn outline(&self, code: &str) -> Option<&str> {
        self.region(code).map(|r| r.outline.as_str())
    }

    fn region(&self, code: &str) -> Option<&Region> {
        let layer = if code.len() == crate::area::GU_CODE_LEN {
            &self.gu
        } else {
            &self.dong
        };
        layer
            .binary_search_by(|r| r.area.code.as_str().cmp(code))
            .ok()
            .map(|i| &layer[i])
    }

    /// The polygons of a gu or dong (`x` = longitude, `y` = latitude); empty for an unknown
    /// code.
    pub fn polygons(&self, code: &str) -> Vec<Polygon> {
        self.region(code)
            .map(|r| r.polygons.iter().map(|(_, p)| p.clone()).collect())
            .unwrap_or_default()
    }
}

fn check_unique(regions: &[Region], layer: Layer) -> Result<(), AreasError> {
    let mut seen = HashSet::new();
    for r in regions {
        if !seen.insert(r.area.code.as_str()) {
            return Err(AreasError::DuplicateCode {
                layer,
                code: r.area.code.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feature with one rectangular polygon, counter-clockwise.
    fn square(code: &str, ko: &str, en: &str, gu_code: Option<&str>, x0: f64, x1: f64) -> String {
        let gu = gu_code
            .map(|g| format!(r#","gu_code":"{g}""#))
            .unwrap_or_default();
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name_ko":"{ko}","name_en":"{en}"{gu}}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},0.0],[{x1},0.0],[{x1},1.0],[{x0},1.0],[{x0},0.0]]]}}}}"#
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    /// Two gu side by side, sharing the edge x = 1; each has one dong covering it, and the
    /// higher-code gu is listed first to show that file order does not matter.
    fn two_squares() -> Atlas {
        let gu = collection(&[
            square("11020", "중구", "Jung-gu", None, 1.0, 2.0),
            square("11010", "종로구", "Jongno-gu", None, 0.0, 1.0),
        ]);
        let dong = collection(&[
            square("1102055", "명동", "Myeong-dong", Some("11020"), 1.0, 2.0),
            square("1101053", "사직동", "Sajik-dong", Some("11010"), 0.0, 1.0),
        ]);
        Atlas::from_geojson(&gu, &dong).unwrap()
    }

    fn at(atlas: &Atlas, lon: f64, lat: f64) -> Option<(String, Option<String>)> {
        atlas
            .locate(GeoPoint { lat, lon })
            .map(|m| (m.gu.code, m.dong.map(|d| d.code)))
    }

    fn some(gu: &str, dong: &str) -> Option<(String, Option<String>)> {
        Some((gu.to_string(), Some(dong.to_string())))
    }

    #[test]
    fn a_point_on_a_shared_border_goes_to_the_lowest_code() {
        let atlas = two_squares();
        assert_eq!(at(&atlas, 0.5, 0.5), some("11010", "1101053"));
        assert_eq!(at(&atlas, 1.5, 0.5), some("11020", "1102055"));
        // On the shared edge, at a shared corner, at the shared bottom vertex.
        assert_eq!(at(&atlas, 1.0, 0.5), some("11010", "1101053"));
        assert_eq!(at(&atlas, 1.0, 1.0), some("11010", "1101053"));
        assert_eq!(at(&atlas, 1.0, 0.0), some("11010", "1101053"));
        // On an outer border that only one area has.
        assert_eq!(at(&atlas, 2.0, 0.5), some("11020", "1102055"));
        assert_eq!(at(&atlas, 0.0, 0.0), some("11010", "1101053"));
    }

    #[test]
    fn outside_and_nan_give_none() {
        let atlas = two_squares();
        assert_eq!(at(&atlas, 2.000_001, 0.5), None);
        assert_eq!(at(&atlas, 0.5, -0.1), None);
        assert_eq!(at(&atlas, f64::NAN, 0.5), None);
        assert_eq!(at(&atlas, 0.5, f64::INFINITY), None);
    }

    #[test]
    fn lists_search_and_outline_on_small_data() {
        let atlas = two_squares();
        let codes = |areas: Vec<Area>| areas.into_iter().map(|a| a.code).collect::<Vec<_>>();
        assert_eq!(codes(atlas.gu_list()), ["11010", "11020"]);
        assert_eq!(codes(atlas.dong_list("11020")), ["1102055"]);
        assert!(atlas.dong_list("11030").is_empty());
        assert_eq!(codes(atlas.find_by_name("jung")), ["11020"]);
        assert_eq!(codes(atlas.find_by_name("  ")), Vec::<String>::new());
        assert!(atlas
            .outline("1101053")
            .is_some_and(|o| o.starts_with(r#"{"type":"Polygon""#)));
        assert_eq!(atlas.outline("1101099"), None);
        assert_eq!(
            atlas.area("11010").map(|a| a.name.ko.as_str()),
            Some("종로구")
        );
    }

    #[test]
    fn rejects_bad_files() {
        let gu = collection(&[square("11010", "종로구", "Jongno-gu", None, 0.0, 1.0)]);
        let dong = collection(&[square(
            "1101053",
            "사직동",
            "Sajik-dong",
            Some("11010"),
            0.0,
            1.0,
        )]);
        assert!(Atlas::from_geojson(&gu, &dong).is_ok());

        let twice = collection(&[
            square("11010", "종로구", "Jongno-gu", None, 0.0, 1.0),
            square("11010", "종로구", "Jongno-gu", None, 1.0, 2.0),
        ]);
        assert!(matches!(
            Atlas::from_geojson(&twice, &dong),
            Err(AreasError::DuplicateCode {
                layer: Layer::Gu,
                ..
            })
        ));

        let orphan = collection(&[square(
            "1102055",
            "명동",
            "Myeong-dong",
            Some("11020"),
            0.0,
            1.0,
        )]);
        assert!(matches!(
            Atlas::from_geojson(&gu, &orphan),
            Err(AreasError::UnknownGu { .. })
        ));

        let no_english = collection(&[square("11010", "종로구", " ", None, 0.0, 1.0)]);
        let err = Atlas::from_geojson(&no_english, &dong).unwrap_err();
        assert!(err.to_string().contains("name is empty"), "{err}");

        let open_ring = gu.replace("[0,0.0]]]", "[0,0.5]]]");
        assert_ne!(open_ring, gu);
        let err = Atlas::from_geojson(&open_ring, &dong).unwrap_err();
        assert!(err.to_string().contains("not closed"), "{err}");

        let bad_code = gu.replace("11010", "1101");
        let err = Atlas::from_geojson(&bad_code, &dong).unwrap_err();
        assert!(err.to_string().contains("5 digits"), "{err}");

        assert!(matches!(
            Atlas::from_geojson("{", &dong),
            Err(AreasError::Json {
                layer: Layer::Gu,
                ..
            })
        ));
        let point = gu.replace(
            r#""type":"Polygon","coordinates":[[[0,0.0],[1,0.0],[1,1.0],[0,1.0],[0,0.0]]]"#,
            r#""type":"Point","coordinates":[0,0]"#,
        );
        assert_ne!(point, gu);
        let err = Atlas::from_geojson(&point, &dong).unwrap_err();
        assert!(err.to_string().contains("not a Polygon"), "{err}");
    }
}
