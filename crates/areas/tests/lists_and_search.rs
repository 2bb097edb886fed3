//! Lists, name search and outlines on the bundled data.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use serde_json::Value;
use sharehub_areas::{dong_list, find_by_name, gu_list, outline, Area, AreaLevel};

fn codes(areas: Vec<Area>) -> Vec<String> {
    areas.into_iter().map(|a| a.code).collect()
}

#[test]
fn gu_list_is_the_25_gu_by_code() {
    let gu = gu_list();
    assert_eq!(gu.len(), 25);
    assert!(gu.windows(2).all(|w| w[0].code < w[1].code));
    assert_eq!(
        (
            gu[0].code.as_str(),
            gu[0].name.ko.as_str(),
            gu[0].name.en.as_str()
        ),
        ("11010", "종로구", "Jongno-gu")
    );
    assert!(gu
        .iter()
        .all(|g| g.level() == AreaLevel::Gu && !g.name.is_incomplete()));
}

#[test]
fn dong_list_gives_a_gu_s_dong_by_code() {
    let mapo = dong_list("11140");
    assert_eq!(mapo.len(), 16);
    assert!(mapo.windows(2).all(|w| w[0].code < w[1].code));
    assert!(mapo
        .iter()
        .all(|d| d.gu_code() == "11140" && d.level() == AreaLevel::Dong));
    assert!(mapo
        .iter()
        .any(|d| d.name.ko == "망원1동" && d.name.en == "Mangwon 1-dong"));
    assert!(
        dong_list("11440").is_empty(),
        "MOIS codes are not KOSTAT codes"
    );
    assert!(dong_list("").is_empty());
}

#[test]
fn finds_by_korean_or_english_name_ignoring_case_and_spacing() {
    let mangwon = ["1114069", "1114070"];
    assert_eq!(codes(find_by_name("망원")), mangwon);
    assert_eq!(codes(find_by_name("mangwon")), mangwon);
    assert_eq!(codes(find_by_name("MANGWON")), mangwon);
    assert_eq!(codes(find_by_name(" Mangwon 1-dong ")), ["1114069"]);
    assert_eq!(codes(find_by_name("망원 1동")), ["1114069"]);
    // The legal-dong name people use finds the 행정동 it was split into.
    assert_eq!(codes(find_by_name("망원동")), mangwon);
    assert_eq!(codes(find_by_name("Mangwon-dong")), mangwon);
    // Gu first, then names that start with the text, then others.
    assert_eq!(codes(find_by_name("마포")), ["11140"]);
    assert_eq!(codes(find_by_name("mapo-gu")), ["11140"]);
    let jung = codes(find_by_name("jung"));
    assert_eq!(&jung[..2], ["11020", "11070"], "Jung-gu, Jungnang-gu");
    assert!(jung.contains(&"1121061".to_string()), "Jungang-dong");
    // Two 신사동 (강남구, 관악구): both, by code.
    assert_eq!(codes(find_by_name("신사동")), ["1121068", "1123051"]);
    assert_eq!(codes(find_by_name("Sinsa-dong")), ["1121068", "1123051"]);
    assert!(find_by_name("").is_empty());
    assert!(find_by_name(" - ").is_empty());
    assert!(find_by_name("Gangnam Station").is_empty());
}

#[test]
fn outline_is_a_geojson_geometry_for_gu_and_dong() {
    for code in ["11140", "1114069"] {
        let geometry: Value = serde_json::from_str(outline(code).unwrap()).unwrap();
        assert_eq!(geometry["type"], "Polygon", "{code}");
        let ring = geometry["coordinates"][0].as_array().unwrap();
        assert!(ring.len() >= 4);
        let lon = ring[0][0].as_f64().unwrap();
        assert!((126.7..127.3).contains(&lon), "[lon, lat] order");
    }
    assert_eq!(outline("11440"), None);
    assert_eq!(outline("1114099"), None);
    assert_eq!(outline(""), None);
}
