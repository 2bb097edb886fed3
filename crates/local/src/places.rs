//! Finding a place by name, to search near it: neighborhoods (from the bundled Seoul
//! boundaries) and resources people know by name (bike stations).

use geo::InteriorPoint;
use sharehub_areas::{atlas, Area, AreaLevel};
use sharehub_core::ipc::{AreaOutline, Place, PlaceRef, ResourceQuery};
use sharehub_core::{GeoPoint, LocalizedText, ResourceKind};

use crate::error::{Error, Result};
use crate::Store;

/// At most this many places of each sort are returned.
const MAX_EACH: usize = 6;

fn seoul() -> LocalizedText {
    LocalizedText::new("서울특별시", "Seoul")
}

fn area_place(area: &Area) -> Option<Place> {
    let atlas = atlas();
    let point = atlas
        .polygons(&area.code)
        .iter()
        .find_map(|p| p.interior_point())?;
    let context = match area.level() {
        AreaLevel::Gu => seoul(),
        AreaLevel::Dong => atlas
            .area(area.gu_code())
            .map(|gu| gu.name.clone())
            .unwrap_or_else(seoul),
    };
    Some(Place {
        place: PlaceRef::Area {
            code: area.code.clone(),
        },
        name: area.name.clone(),
        location: GeoPoint {
            lat: point.y(),
            lon: point.x(),
        },
        context,
    })
}

/// Neighborhoods first (exact names before partial ones), then bike stations by name.
pub fn search(store: &Store, text: &str) -> Result<Vec<Place>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if text.chars().count() > sharehub_core::ipc::MAX_QUERY_CHARS {
        return Err(Error::Invalid {
            field: "text".into(),
            problem: format!(
                "must be at most {} characters",
                sharehub_core::ipc::MAX_QUERY_CHARS
            ),
        });
    }
    let mut places: Vec<Place> = atlas()
        .find_by_name(text)
        .iter()
        .filter_map(area_place)
        .take(MAX_EACH)
        .collect();
    let stations = store.list_resources(&ResourceQuery {
        kind: Some(ResourceKind::BikeStation),
        text: Some(text.to_owned()),
        ..ResourceQuery::default()
    })?;
    places.extend(stations.into_iter().take(MAX_EACH).map(|s| Place {
        place: PlaceRef::Resource {
            id: s.id,
            kind: s.kind,
        },
        name: s.name,
        location: s.location,
        context: s.district,
    }));
    Ok(places)
}

/// An area's outline for drawing the selected neighborhood.
pub fn area_outline(code: &str) -> Result<AreaOutline> {
    let atlas = atlas();
    let not_found = || Error::Invalid {
        field: "code".into(),
        problem: format!("no gu or dong has the code {code:?}"),
    };
    let area = atlas.area(code).ok_or_else(not_found)?;
    let geometry = atlas.outline(code).ok_or_else(not_found)?;
    Ok(AreaOutline {
        code: area.code.clone(),
        name: area.name.clone(),
        geometry_geojson: geometry.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangwon_finds_its_dongs_with_points_inside_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        let places = search(&store, "망원").unwrap();
        let dongs: Vec<_> = places
            .iter()
            .filter_map(|p| match &p.place {
                PlaceRef::Area { code } => Some((code.clone(), p)),
                PlaceRef::Resource { .. } => None,
            })
            .collect();
        assert!(dongs.len() >= 2, "{places:?}");
        for (code, place) in dongs {
            assert_eq!(place.context.ko, "마포구");
            let found = sharehub_areas::locate(place.location).unwrap();
            assert_eq!(found.dong.map(|d| d.code), Some(code));
        }
        assert!(search(&store, "   ").unwrap().is_empty());
        assert!(matches!(
            search(&store, &"가".repeat(101)),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn outline_of_unknown_code_is_a_clear_error() {
        assert!(area_outline("11140")
            .unwrap()
            .geometry_geojson
            .contains("Polygon"));
        let err = area_outline("99999").unwrap_err();
        assert!(err.to_string().contains("99999"), "{err}");
    }
}
