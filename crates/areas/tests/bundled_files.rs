//! RFC 7946 and content checks on the bundled GeoJSON, read as plain JSON (independently of
//! the crate's own parser).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{HashMap, HashSet};

use geo::{Coord, LineString, Polygon, Validation};
use serde_json::Value;
use sharehub_areas::{DONG_GEOJSON, GU_GEOJSON};

/// Seoul's bounding box with a margin: lon 126.7–127.3, lat 37.4–37.75.
const LON: (f64, f64) = (126.7, 127.3);
const LAT: (f64, f64) = (37.4, 37.75);

fn features(json: &str) -> Vec<Value> {
    let file: Value = serde_json::from_str(json).unwrap();
    assert_eq!(file["type"], "FeatureCollection");
    assert!(file.get("crs").is_none(), "RFC 7946 has no crs member");
    file["features"].as_array().unwrap().clone()
}

fn prop<'a>(feature: &'a Value, key: &str) -> &'a str {
    feature["properties"][key].as_str().unwrap_or_default()
}

/// The polygons of a feature as lists of rings of [lon, lat].
fn polygons(feature: &Value) -> Vec<Vec<Vec<[f64; 2]>>> {
    let geometry = &feature["geometry"];
    assert!(geometry.get("crs").is_none());
    let rings = |v: &Value| -> Vec<Vec<[f64; 2]>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|ring| {
                ring.as_array()
                    .unwrap()
                    .iter()
                    .map(|pos| {
                        let pos = pos.as_array().unwrap();
                        assert_eq!(pos.len(), 2, "positions are [lon, lat] without altitude");
                        [pos[0].as_f64().unwrap(), pos[1].as_f64().unwrap()]
                    })
                    .collect()
            })
            .collect()
    };
    match geometry["type"].as_str() {
        Some("Polygon") => vec![rings(&geometry["coordinates"])],
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(rings)
            .collect(),
        other => panic!("{}: unexpected geometry {other:?}", prop(feature, "code")),
    }
}

fn signed_area(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum::<f64>()
        / 2.0
}

fn check_geometry(feature: &Value) {
    let code = prop(feature, "code");
    for polygon in polygons(feature) {
        for (i, ring) in polygon.iter().enumerate() {
            assert!(ring.len() >= 4, "{code}: ring {i} too short");
            assert_eq!(ring.first(), ring.last(), "{code}: ring {i} not closed");
            let area = signed_area(ring);
            if i == 0 {
                assert!(
                    area > 0.0,
                    "{code}: exterior ring must be counter-clockwise"
                );
            } else {
                assert!(area < 0.0, "{code}: hole must be clockwise");
            }
            for &[lon, lat] in ring {
                assert!(
                    (LON.0..=LON.1).contains(&lon),
                    "{code}: lon {lon} (is it [lon, lat]?)"
                );
                assert!((LAT.0..=LAT.1).contains(&lat), "{code}: lat {lat}");
                for v in [lon, lat] {
                    let micro = v * 1e6;
                    assert!(
                        (micro - micro.round()).abs() < 1e-6,
                        "{code}: {v} has more than 6 decimals"
                    );
                }
            }
        }
        let to_ring =
            |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
        let geo_polygon = Polygon::new(
            to_ring(&polygon[0]),
            polygon[1..].iter().map(to_ring).collect(),
        );
        assert!(
            geo_polygon.is_valid(),
            "{code}: polygon is not valid: {:?}",
            geo_polygon.check_validation()
        );
    }
}

fn check_names(feature: &Value, unit: &str) {
    let code = prop(feature, "code");
    let ko = prop(feature, "name_ko");
    let en = prop(feature, "name_en");
    assert!(
        !ko.trim().is_empty() && !en.trim().is_empty(),
        "{code}: empty name"
    );
    assert!(
        ko.chars()
            .all(|c| ('가'..='힣').contains(&c) || c.is_ascii_digit() || c == '·'),
        "{code}: {ko}"
    );
    assert!(en.is_ascii() || en.contains('·'), "{code}: {en}");
    assert!(
        en.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
        "{code}: {en}"
    );
    assert!(en.ends_with(unit), "{code}: {en} should end with {unit}");
    assert!(
        !en.contains("--") && !en.contains("  ") && !en.contains('('),
        "{code}: {en}"
    );
}

#[test]
fn gu_file_has_the_25_gu_valid_and_named() {
    let gu = features(GU_GEOJSON);
    assert_eq!(gu.len(), 25);
    let codes: HashSet<&str> = gu.iter().map(|f| prop(f, "code")).collect();
    assert_eq!(codes.len(), 25, "codes are unique");
    for feature in &gu {
        let code = prop(feature, "code");
        assert!(
            code.len() == 5 && code.starts_with("11") && code.bytes().all(|b| b.is_ascii_digit())
        );
        check_names(feature, "-gu");
        check_geometry(feature);
    }
    let mapo = gu.iter().find(|f| prop(f, "code") == "11140").unwrap();
    assert_eq!(
        (prop(mapo, "name_ko"), prop(mapo, "name_en")),
        ("마포구", "Mapo-gu")
    );
}

#[test]
fn dong_file_is_valid_named_and_linked_to_its_gu() {
    let gu_codes: HashSet<String> = features(GU_GEOJSON)
        .iter()
        .map(|f| prop(f, "code").to_string())
        .collect();
    let dong = features(DONG_GEOJSON);
    assert_eq!(dong.len(), 423);
    let mut seen = HashSet::new();
    let mut per_gu: HashMap<&str, usize> = HashMap::new();
    for feature in &dong {
        let code = prop(feature, "code");
        assert!(seen.insert(code), "{code} twice");
        assert!(
            code.len() == 7 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
        let gu_code = prop(feature, "gu_code");
        assert_eq!(&code[..5], gu_code, "{code}: gu_code");
        assert!(gu_codes.contains(gu_code), "{code}: unknown gu {gu_code}");
        *per_gu.entry(gu_code).or_default() += 1;
        check_names(feature, "-dong");
        check_geometry(feature);
    }
    assert_eq!(per_gu.len(), 25, "every gu has dong");
    let names: HashMap<&str, (&str, &str)> = dong
        .iter()
        .map(|f| (prop(f, "code"), (prop(f, "name_ko"), prop(f, "name_en"))))
        .collect();
    assert_eq!(names["1114069"], ("망원1동", "Mangwon 1-dong"));
    assert_eq!(names["1121069"], ("신림동", "Sillim-dong"));
    assert_eq!(names["1104068"], ("성수2가3동", "Seongsu 2-ga 3-dong"));
    assert_eq!(
        names["1101061"],
        ("종로1·2·3·4가동", "Jongno 1·2·3·4-ga-dong")
    );
    assert_eq!(names["1124071"], ("잠실본동", "Jamsilbon-dong"));
}

#[test]
fn files_are_light_enough_to_bundle() {
    assert!(
        DONG_GEOJSON.len() < 400_000,
        "dong file is {} bytes",
        DONG_GEOJSON.len()
    );
    assert!(
        GU_GEOJSON.len() < 150_000,
        "gu file is {} bytes",
        GU_GEOJSON.len()
    );
}
