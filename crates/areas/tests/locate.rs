//! Point-in-polygon lookups on the bundled data: known places, borders, outside points,
//! every area's own interior point, the dong tiling their gu, and random points.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use geo::coordinate_position::CoordPos;
use geo::{Area as _, Coord, CoordinatePosition, InteriorPoint, Polygon};
use proptest::prelude::*;
use sharehub_areas::{atlas, dong_list, gu_list, locate, AreaMatch};
use sharehub_core::GeoPoint;

fn at(lat: f64, lon: f64) -> Option<AreaMatch> {
    locate(GeoPoint { lat, lon })
}

/// (gu code, Korean gu name, Korean dong name) at a point.
fn names(lat: f64, lon: f64) -> Option<(String, String, String)> {
    at(lat, lon).map(|m| {
        (
            m.gu.code,
            m.gu.name.ko,
            m.dong.map(|d| d.name.ko).unwrap_or_default(),
        )
    })
}

fn covers(code: &str, c: Coord) -> bool {
    atlas()
        .polygons(code)
        .iter()
        .any(|p| p.coordinate_position(&c) != CoordPos::Outside)
}

#[test]
fn known_places() {
    // 서울시청 (Seoul City Hall) and 광화문.
    assert_eq!(names(37.5663, 126.9779).map(|n| n.1), Some("중구".into()));
    assert_eq!(names(37.5759, 126.9769).map(|n| n.1), Some("종로구".into()));
    // 롯데월드타워, 잠실.
    let lotte = names(37.5126, 127.1025).unwrap();
    assert_eq!((lotte.1.as_str(), lotte.2.as_str()), ("송파구", "잠실6동"));
    // 국회의사당, 여의도.
    let assembly = names(37.5319, 126.9140).unwrap();
    assert_eq!(
        (assembly.1.as_str(), assembly.2.as_str()),
        ("영등포구", "여의동")
    );
    // 망원역 exit 1 is on 월드컵로, the 망원1동/서교동 border, about 2 m from it in the data
    // (less than the data's accuracy), so either is right; the data says 서교동.
    let station = at(37.5556, 126.9106).unwrap();
    assert_eq!(station.gu.name.ko, "마포구");
    assert_eq!(station.gu.name.en, "Mapo-gu");
    let dong = station.dong.unwrap();
    assert!(
        ["망원1동", "서교동"].contains(&dong.name.ko.as_str()),
        "{dong:?}"
    );
    // 70 m west of it, clearly in 망원1동.
    let mangwon = at(37.5556, 126.9098).unwrap();
    assert_eq!(mangwon.gu.code, "11140");
    let dong = mangwon.dong.unwrap();
    assert_eq!(
        (
            dong.code.as_str(),
            dong.name.ko.as_str(),
            dong.name.en.as_str()
        ),
        ("1114069", "망원1동", "Mangwon 1-dong")
    );
}

#[test]
fn points_outside_seoul_give_none() {
    for (lat, lon, place) in [
        (37.4563, 126.7052, "Incheon city hall"),
        (0.0, 0.0, "null island"),
        (35.1796, 129.0756, "Busan"),
        (37.4292, 126.9876, "Gwacheon (inside Seoul's bounding box)"),
        (
            37.4786,
            126.8646,
            "Gwangmyeong (inside Seoul's bounding box)",
        ),
        (-37.5663, -126.9779, "City hall with both signs flipped"),
        (126.9779, 37.5663, "City hall with lat and lon swapped"),
    ] {
        assert_eq!(at(lat, lon), None, "{place}");
    }
    assert_eq!(at(f64::NAN, 126.9779), None);
}

/// Every vertex that two or more gu share, with the gu that have it.
static SHARED_GU_VERTICES: LazyLock<BTreeMap<(u64, u64), BTreeSet<String>>> = LazyLock::new(|| {
    let mut owners: BTreeMap<(u64, u64), BTreeSet<String>> = BTreeMap::new();
    for gu in gu_list() {
        for polygon in atlas().polygons(&gu.code) {
            for c in polygon.exterior().coords() {
                owners
                    .entry((c.x.to_bits(), c.y.to_bits()))
                    .or_default()
                    .insert(gu.code.clone());
            }
        }
    }
    owners.retain(|_, gu| gu.len() > 1);
    owners
});

/// Every edge two gu share: its end points and the two gu.
static SHARED_GU_EDGES: LazyLock<Vec<(Coord, Coord, String, String)>> = LazyLock::new(|| {
    let mut directed: BTreeMap<[u64; 4], String> = BTreeMap::new();
    for gu in gu_list() {
        for polygon in atlas().polygons(&gu.code) {
            for line in polygon.exterior().lines() {
                let key = [
                    line.start.x.to_bits(),
                    line.start.y.to_bits(),
                    line.end.x.to_bits(),
                    line.end.y.to_bits(),
                ];
                directed.insert(key, gu.code.clone());
            }
        }
    }
    let mut shared = Vec::new();
    for ([x0, y0, x1, y1], gu) in &directed {
        if let Some(other) = directed.get(&[*x1, *y1, *x0, *y0]) {
            if gu < other {
                let c = |x: &u64, y: &u64| Coord {
                    x: f64::from_bits(*x),
                    y: f64::from_bits(*y),
                };
                shared.push((c(x0, y0), c(x1, y1), gu.clone(), other.clone()));
            }
        }
    }
    shared
});

#[test]
fn a_vertex_shared_by_two_gu_goes_to_the_lower_code() {
    // 마포구 (11140) and 서대문구 (11130) share a border; take one of its vertices.
    let (vertex, owners) = SHARED_GU_VERTICES
        .iter()
        .find(|(_, gu)| gu.iter().eq(["11130", "11140"].iter()))
        .unwrap();
    let (lon, lat) = (f64::from_bits(vertex.0), f64::from_bits(vertex.1));
    assert!(owners.iter().all(|gu| covers(gu, Coord { x: lon, y: lat })));
    let found = at(lat, lon).unwrap();
    assert_eq!(found.gu.code, "11130");
    assert_eq!(found.dong.unwrap().code[..5], *"11130");
}

#[test]
fn every_shared_gu_vertex_is_found_and_goes_to_its_lowest_code() {
    assert!(
        SHARED_GU_VERTICES.len() > 500,
        "{}",
        SHARED_GU_VERTICES.len()
    );
    for ((x, y), owners) in SHARED_GU_VERTICES.iter() {
        let (lon, lat) = (f64::from_bits(*x), f64::from_bits(*y));
        let found =
            at(lat, lon).unwrap_or_else(|| panic!("{lat},{lon} on the border of {owners:?}"));
        assert_eq!(Some(&found.gu.code), owners.first(), "{lat},{lon}");
        assert!(found
            .dong
            .is_some_and(|d| d.code.starts_with(&found.gu.code)));
    }
}

#[test]
fn every_area_contains_its_own_interior_point() {
    for gu in gu_list() {
        let polygons = atlas().polygons(&gu.code);
        let p = polygons[0].interior_point().unwrap();
        assert_eq!(
            at(p.y(), p.x()).map(|m| m.gu),
            Some(gu.clone()),
            "gu {}",
            gu.name.ko
        );
        for dong in dong_list(&gu.code) {
            let p = atlas().polygons(&dong.code)[0].interior_point().unwrap();
            let found = at(p.y(), p.x()).unwrap();
            assert_eq!(found.gu, gu, "dong {}", dong.name.ko);
            assert_eq!(found.dong, Some(dong.clone()), "dong {}", dong.name.ko);
        }
    }
}

#[test]
fn the_dong_tile_their_gu() {
    for gu in gu_list() {
        let gu_polygons = atlas().polygons(&gu.code);
        let gu_area: f64 = gu_polygons.iter().map(Polygon::unsigned_area).sum();
        let mut dong_area = 0.0;
        for dong in dong_list(&gu.code) {
            for polygon in atlas().polygons(&dong.code) {
                dong_area += polygon.unsigned_area();
                for c in polygon.exterior().coords() {
                    assert!(
                        covers(&gu.code, *c),
                        "{} vertex {c:?} outside {}",
                        dong.name.ko,
                        gu.name.ko
                    );
                }
            }
        }
        let relative = (dong_area - gu_area).abs() / gu_area;
        assert!(
            relative < 1e-9,
            "{}: dong cover {relative} more or less than the gu",
            gu.name.ko
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any point: the answer is the lowest-code gu covering it, and a dong of that gu
    /// covering it; no answer only when no gu covers it.
    #[test]
    fn locate_agrees_with_an_exhaustive_search(lat in 37.40f64..37.75, lon in 126.70f64..127.30) {
        let c = Coord { x: lon, y: lat };
        let expected_gu = gu_list().into_iter().find(|g| covers(&g.code, c));
        match at(lat, lon) {
            None => prop_assert_eq!(expected_gu, None),
            Some(found) => {
                prop_assert_eq!(Some(&found.gu), expected_gu.as_ref());
                let dong = found.dong.unwrap();
                prop_assert_eq!(&dong.code[..5], found.gu.code.as_str());
                prop_assert!(covers(&dong.code, c));
                let lower = dong_list(&found.gu.code).into_iter().take_while(|d| d.code < dong.code).find(|d| covers(&d.code, c));
                prop_assert_eq!(lower, None);
            }
        }
    }

    /// A point on (or, after rounding, within a hair of) a border two gu share is always found,
    /// in one of the two.
    #[test]
    fn points_on_shared_gu_edges_are_never_lost(index in any::<prop::sample::Index>(), t in 0.0f64..=1.0) {
        let (a, b, left, right) = index.get(&SHARED_GU_EDGES);
        let (lon, lat) = (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
        let found = at(lat, lon);
        prop_assert!(found.is_some(), "{lat},{lon} between {left} and {right}");
        let gu = found.map(|f| f.gu.code).unwrap_or_default();
        prop_assert!(gu == *left || gu == *right, "{gu} not {left}/{right}");
    }
}
