//! The local store's resource queries, on a real SQLite file seeded with the real demo data.

#![allow(clippy::unwrap_used)] // test set-up helpers

use sharehub_core::demo::DemoFile;
use sharehub_core::ipc::ResourceQuery;
use sharehub_core::resource::Visibility;
use sharehub_core::{ResourceId, ResourceKind};
use sharehub_local::{Error, Store};

const DEMO: &str = include_str!("../../../assets/demo/seoul.json");

fn seeded() -> (tempfile::TempDir, Store, DemoFile) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("device.db")).unwrap();
    let demo = DemoFile::parse(DEMO).unwrap();
    assert_eq!(store.seed_if_empty(&demo).unwrap(), demo.resources.len());
    (dir, store, demo)
}

fn query(kind: Option<ResourceKind>, text: Option<&str>) -> ResourceQuery {
    ResourceQuery {
        kind,
        text: text.map(str::to_owned),
        ..ResourceQuery::default()
    }
}

#[test]
fn demo_data_is_a_realistic_city() {
    let demo = DemoFile::parse(DEMO).unwrap();
    assert!(
        demo.resources.len() >= 300,
        "{} resources",
        demo.resources.len()
    );
    for kind in ResourceKind::ALL {
        assert!(
            demo.resources.iter().any(|r| r.kind == kind),
            "no {kind:?} in the demo data"
        );
    }
    let districts: std::collections::HashSet<_> =
        demo.resources.iter().map(|r| &r.district.ko).collect();
    assert!(districts.len() >= 15, "only {} gu", districts.len());
    for r in &demo.resources {
        // Inside Seoul's bounding box.
        assert!(
            (37.42..=37.72).contains(&r.location.lat),
            "{} lat {}",
            r.name.en,
            r.location.lat
        );
        assert!(
            (126.76..=127.19).contains(&r.location.lon),
            "{} lon {}",
            r.name.en,
            r.location.lon
        );
    }
    assert!(demo
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::ParkingSpace)
        .all(|r| r.visibility == Visibility::ConfirmedBookers && r.schedule.is_some()));
}

#[test]
fn seeding_twice_adds_nothing() {
    let (_dir, mut store, demo) = seeded();
    assert_eq!(store.seed_if_empty(&demo).unwrap(), 0);
    assert_eq!(
        store.count_resources().unwrap(),
        demo.resources.len() as u64
    );
}

#[test]
fn lists_everything_then_filters_by_kind() {
    let (_dir, store, demo) = seeded();
    assert_eq!(
        store.list_resources(&query(None, None)).unwrap().len(),
        demo.resources.len()
    );
    for kind in ResourceKind::ALL {
        let listed = store.list_resources(&query(Some(kind), None)).unwrap();
        let expected = demo.resources.iter().filter(|r| r.kind == kind).count();
        assert_eq!(listed.len(), expected, "{kind:?}");
        assert!(listed.iter().all(|r| r.kind == kind));
    }
}

#[test]
fn searches_korean_and_english_names_and_places() {
    let (_dir, store, demo) = seeded();
    let korean = store.list_resources(&query(None, Some("망원"))).unwrap();
    let expected = demo
        .resources
        .iter()
        .filter(|r| {
            [
                &r.name.ko,
                &r.neighborhood.ko,
                &r.district.ko,
                &r.address.ko,
            ]
            .iter()
            .any(|t| t.contains("망원"))
        })
        .count();
    assert!(korean.len() >= 3);
    assert_eq!(korean.len(), expected);
    let english = store
        .list_resources(&query(None, Some("  MangWon ")))
        .unwrap();
    assert_eq!(
        english.iter().map(|r| r.id).collect::<Vec<_>>(),
        korean.iter().map(|r| r.id).collect::<Vec<_>>()
    );
    // Wildcards typed by a person are plain text.
    assert!(store
        .list_resources(&query(None, Some("%")))
        .unwrap()
        .is_empty());
    assert!(store
        .list_resources(&query(None, Some("_")))
        .unwrap()
        .is_empty());
    // Kind and text together.
    let rooms = store
        .list_resources(&query(Some(ResourceKind::BikeStation), Some("망원")))
        .unwrap();
    assert!(rooms.iter().all(|r| r.kind == ResourceKind::BikeStation
        && r.name.ko.contains("망원")
        || r.neighborhood.ko.contains("망원")));
}

#[test]
fn get_returns_everything_and_unknown_id_is_not_found() {
    let (_dir, store, demo) = seeded();
    for original in demo.resources.iter().step_by(37) {
        assert_eq!(&store.get_resource(original.id).unwrap(), original);
    }
    let missing: ResourceId = "0190a6c8-0000-7000-8000-00000000ffff".parse().unwrap();
    assert!(
        matches!(store.get_resource(missing), Err(Error::ResourceNotFound(id)) if id == missing)
    );
}

#[test]
fn an_invalid_resource_is_refused_and_nothing_is_written() {
    let (_dir, mut store, demo) = seeded();
    let mut good = demo.resources[0].clone();
    good.id = ResourceId::new_v7();
    let mut bad = demo.resources[1].clone();
    bad.id = ResourceId::new_v7();
    bad.location.lat = 200.0;
    let before = store.count_resources().unwrap();
    let err = store.upsert_resources(&[good, bad]).unwrap_err();
    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "location"),
        "{err}"
    );
    assert_eq!(store.count_resources().unwrap(), before);
}

#[test]
fn language_setting_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.language().unwrap(), None);
    store
        .set_language(sharehub_core::text::Language::En)
        .unwrap();
    drop(store);
    assert_eq!(
        Store::open(&path).unwrap().language().unwrap(),
        Some(sharehub_core::text::Language::En)
    );
}

#[test]
fn open_at_keeps_resources_open_at_that_instant_by_their_schedule() {
    let (_dir, store, demo) = seeded();
    let at = |rfc3339: &str| {
        Some(
            chrono::DateTime::parse_from_rfc3339(rfc3339)
                .unwrap()
                .with_timezone(&chrono::Utc),
        )
    };
    let all = store.list_resources(&query(None, None)).unwrap().len();
    // 03:00 on a Wednesday in Seoul: only what has no schedule or opens at night.
    let night = store
        .list_resources(&ResourceQuery {
            open_at: at("2026-11-24T18:00:00Z"),
            ..ResourceQuery::default()
        })
        .unwrap();
    let always = demo
        .resources
        .iter()
        .filter(|r| r.schedule.is_none())
        .count();
    assert!(
        night.len() >= always && night.len() < all,
        "{} of {all}",
        night.len()
    );
    // Bike stations have no schedule: always listed.
    let stations = demo
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::BikeStation)
        .count();
    assert_eq!(
        night
            .iter()
            .filter(|r| r.kind == ResourceKind::BikeStation)
            .count(),
        stations
    );
    // Every listed resource is open by the same rule the SQL function uses.
    let wednesday_11 = at("2026-11-25T02:00:00Z");
    let day = store
        .list_resources(&ResourceQuery {
            open_at: wednesday_11,
            ..ResourceQuery::default()
        })
        .unwrap();
    let expected = demo
        .resources
        .iter()
        .filter(|r| {
            r.schedule.as_ref().is_none_or(|s| {
                s.is_open_at_local(
                    sharehub_core::resource::Day::Wed,
                    chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
                )
            })
        })
        .count();
    assert_eq!(day.len(), expected);
    assert!(day.len() > night.len());
}

#[test]
fn the_list_comes_a_page_at_a_time_by_name_in_the_persons_language() {
    use sharehub_core::ipc::PriceChoice;
    use sharehub_core::text::Language;

    let (_dir, store, demo) = seeded();
    let all = query(None, None);
    for language in Language::ALL {
        let page = store.list_resources_page(&all, language, 50).unwrap();
        assert_eq!(page.total, demo.resources.len() as u64);
        assert_eq!(page.rows.len(), 50);
        let names: Vec<&str> = page.rows.iter().map(|r| r.name.get(language)).collect();
        assert!(
            names.windows(2).all(|w| w[0] <= w[1]),
            "{language:?}: sorted by name {names:?}"
        );
        // A longer page starts with the shorter one.
        let longer = store.list_resources_page(&all, language, 120).unwrap();
        assert_eq!(longer.rows[..50], page.rows[..]);
    }
    // Filters and the count agree with the whole list; free and paid split it.
    let free = ResourceQuery {
        price: PriceChoice::Free,
        ..query(None, None)
    };
    let paid = ResourceQuery {
        price: PriceChoice::Paid,
        ..query(None, None)
    };
    let (free_rows, paid_rows) = (
        store.list_resources(&free).unwrap(),
        store.list_resources(&paid).unwrap(),
    );
    assert!(free_rows.iter().all(|r| r.pricing.is_free()));
    assert!(paid_rows.iter().all(|r| !r.pricing.is_free()));
    assert!(!free_rows.is_empty() && !paid_rows.is_empty());
    assert_eq!(free_rows.len() + paid_rows.len(), demo.resources.len());
    let mangwon = query(Some(ResourceKind::BikeStation), Some("망원"));
    let page = store
        .list_resources_page(&mangwon, Language::Ko, 10_000)
        .unwrap();
    assert_eq!(page.total as usize, page.rows.len());
    assert_eq!(page.rows, store.list_resources(&mangwon).unwrap());
}
