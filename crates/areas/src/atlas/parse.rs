//! Reading the boundary files: a GeoJSON FeatureCollection whose features carry `code`,
//! `name_ko`, `name_en` (and `gu_code` for dong) and a Polygon or MultiPolygon.

use geo::{BoundingRect, Coord, LineString, Polygon, Rect};
use serde::Deserialize;
use serde_json::value::RawValue;
use sharehub_core::LocalizedText;

use super::{Layer, Region};
use crate::area::{Area, DONG_CODE_LEN, GU_CODE_LEN};
use crate::AreasError;

#[derive(Deserialize)]
struct FeatureCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Box<RawValue>,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
    name_ko: String,
    name_en: String,
    #[serde(default)]
    gu_code: Option<String>,
}

type Position = [f64; 2];
type RingPositions = Vec<Position>;

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<RingPositions>),
    MultiPolygon(Vec<Vec<RingPositions>>),
}

/// A parsed feature: the region and, for a dong, the code of its gu.
pub(super) struct ParsedRegion {
    pub region: Region,
    pub gu_code: Option<String>,
}

pub(super) fn parse_layer(json: &str, layer: Layer) -> Result<Vec<ParsedRegion>, AreasError> {
    let collection: FeatureCollection =
        serde_json::from_str(json).map_err(|source| AreasError::Json { layer, source })?;
    if collection.kind != "FeatureCollection" {
        return Err(AreasError::Feature {
            layer,
            code: String::new(),
            problem: format!(
                "top-level type is {:?}, not FeatureCollection",
                collection.kind
            ),
        });
    }
    collection
        .features
        .into_iter()
        .map(|feature| parse_feature(feature, layer))
        .collect()
}

fn parse_feature(feature: Feature, layer: Layer) -> Result<ParsedRegion, AreasError> {
    let Properties {
        code,
        name_ko,
        name_en,
        gu_code,
    } = feature.properties;
    let problem = |problem: String| AreasError::Feature {
        layer,
        code: code.clone(),
        problem,
    };
    let expected_len = match layer {
        Layer::Gu => GU_CODE_LEN,
        Layer::Dong => DONG_CODE_LEN,
    };
    if code.len() != expected_len || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem(format!("the code must be {expected_len} digits")));
    }
    let name = LocalizedText::new(name_ko.trim(), name_en.trim());
    if name.is_incomplete() {
        return Err(problem("a name is empty in Korean or English".into()));
    }
    let gu_code = match (layer, gu_code) {
        (Layer::Gu, _) => None,
        (Layer::Dong, Some(gu)) if code.starts_with(&gu) && gu.len() == GU_CODE_LEN => Some(gu),
        (Layer::Dong, _) => {
            return Err(problem(
                "a dong needs gu_code, the first five digits of its code".into(),
            ))
        }
    };
    let outline = feature.geometry.get().to_owned();
    let geometry: Geometry = serde_json::from_str(&outline)
        .map_err(|e| problem(format!("geometry is not a Polygon or MultiPolygon: {e}")))?;
    let polygon_positions = match geometry {
        Geometry::Polygon(rings) => vec![rings],
        Geometry::MultiPolygon(polygons) => polygons,
    };
    let mut polygons = Vec::with_capacity(polygon_positions.len());
    for rings in polygon_positions {
        polygons.push(to_polygon(rings).map_err(problem)?);
    }
    let bounds = bounds_of(polygons.iter().map(|(rect, _)| *rect))
        .ok_or_else(|| problem("the geometry has no polygon".into()))?;
    Ok(ParsedRegion {
        region: Region {
            area: Area { code, name },
            bounds,
            polygons,
            outline,
        },
        gu_code,
    })
}

fn to_polygon(rings: Vec<RingPositions>) -> Result<(Rect, Polygon), String> {
    let mut rings = rings.into_iter().map(to_ring);
    let exterior = rings
        .next()
        .ok_or_else(|| "a polygon has no rings".to_string())??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    let polygon = Polygon::new(exterior, interiors);
    let rect = polygon
        .bounding_rect()
        .ok_or_else(|| "a polygon is empty".to_string())?;
    Ok((rect, polygon))
}

fn to_ring(positions: RingPositions) -> Result<LineString, String> {
    if positions.len() < 4 {
        return Err(format!(
            "a ring has {} positions; at least 4 are needed",
            positions.len()
        ));
    }
    if positions.first() != positions.last() {
        return Err("a ring is not closed".into());
    }
    if positions.iter().flatten().any(|v| !v.is_finite()) {
        return Err("a position is not a finite number".into());
    }
    Ok(LineString::new(
        positions.into_iter().map(|[x, y]| Coord { x, y }).collect(),
    ))
}

pub(super) fn bounds_of(rects: impl IntoIterator<Item = Rect>) -> Option<Rect> {
    rects.into_iter().reduce(|a, b| {
        Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )
    })
}
