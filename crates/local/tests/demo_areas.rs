//! The demo data names, for every resource, the gu and 행정동 that the bundled boundaries
//! put its location in (`scripts/demo-data/generate.py` places them so), and the store
//! records the same codes.

#![allow(clippy::unwrap_used)] // test set-up helpers

use sharehub_core::demo::DemoFile;
use sharehub_core::ipc::ResourceQuery;
use sharehub_local::Store;

const DEMO: &str = include_str!("../../../assets/demo/seoul.json");

#[test]
fn every_demo_resource_lies_in_the_gu_and_dong_it_names() {
    let demo = DemoFile::parse(DEMO).unwrap();
    let mut wrong = Vec::new();
    for r in &demo.resources {
        let found = sharehub_areas::locate(r.location);
        let names = found
            .as_ref()
            .map(|m| (m.gu.name.clone(), m.dong.as_ref().map(|d| d.name.clone())));
        if names != Some((r.district.clone(), Some(r.neighborhood.clone()))) {
            wrong.push(format!(
                "{} at {:?}: says {} {}, lies in {names:?}",
                r.id, r.location, r.district.ko, r.neighborhood.ko
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn area_filter_finds_each_demo_resource_by_its_gu_and_dong() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("device.db")).unwrap();
    let demo = DemoFile::parse(DEMO).unwrap();
    store.seed_if_empty(&demo).unwrap();
    let areas = store.areas_with_resources().unwrap();
    let total_in_gu: u64 = areas
        .iter()
        .filter(|a| a.code.len() == 5)
        .map(|a| a.count)
        .sum();
    assert_eq!(total_in_gu, demo.resources.len() as u64);
    for area in &areas {
        let listed = store
            .list_resources(&ResourceQuery {
                area: Some(area.code.clone()),
                ..ResourceQuery::default()
            })
            .unwrap();
        assert_eq!(listed.len() as u64, area.count, "{}", area.code);
        let is_gu = area.code.len() == 5;
        for r in &listed {
            let named = if is_gu { &r.district } else { &r.neighborhood };
            assert_eq!(named, &area.name, "{} in {}", r.name.ko, area.code);
        }
    }
}
