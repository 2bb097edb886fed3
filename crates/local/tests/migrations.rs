//! Migrations are append-only: a database created by an old version and upgraded must be
//! exactly what a fresh install creates, and keep its data.

use sharehub_core::ipc::ResourceQuery;
use sharehub_local::store::MIGRATIONS_COUNT;
use sharehub_local::Store;

#[test]
fn v1_fixture_upgraded_equals_fresh_install_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("fixtures/schema-v1.sql"))
            .unwrap();
    }
    let upgraded = Store::open(&old).unwrap();
    let fresh = Store::open(&dir.path().join("fresh.db")).unwrap();
    assert_eq!(
        upgraded.schema_dump().unwrap(),
        fresh.schema_dump().unwrap()
    );
    let version: usize = upgraded
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS_COUNT);

    // The old row is still there and reachable through the new search column.
    let hits = upgraded
        .list_resources(&ResourceQuery {
            text: Some("MANGWON".into()),
            ..ResourceQuery::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].name.ko, "망원동 주민센터 다목적실");
    assert_eq!(upgraded.integrity_check().unwrap(), "ok");
}

#[test]
fn every_intermediate_version_upgrades_to_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(&dir.path().join("fresh.db"))
        .unwrap()
        .schema_dump()
        .unwrap();
    for version in 0..MIGRATIONS_COUNT {
        let path = dir.path().join(format!("v{version}.db"));
        drop(Store::open_at_version(&path, version).unwrap());
        let upgraded = Store::open(&path).unwrap();
        assert_eq!(
            upgraded.schema_dump().unwrap(),
            fresh,
            "upgrade from version {version}"
        );
    }
}

#[test]
fn a_database_from_a_newer_app_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", MIGRATIONS_COUNT + 5)
        .unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("schema"), "{err}");
}

#[test]
fn v1_rows_get_area_codes_and_a_near_me_box_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("fixtures/schema-v1.sql"))
            .unwrap();
    }
    let upgraded = Store::open(&old).unwrap();
    // The fixture's room, 37.5559 126.9052 (Mangwon, Mapo-gu).
    let at = sharehub_core::GeoPoint {
        lat: 37.5559,
        lon: 126.9052,
    };
    let area = sharehub_areas::locate(at).unwrap();
    let (gu, dong): (Option<String>, Option<String>) = upgraded
        .connection()
        .query_row("SELECT gu_code, dong_code FROM resource", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (gu, dong),
        (Some(area.gu.code.clone()), area.dong.map(|d| d.code))
    );
    let in_gu = upgraded
        .list_resources(&ResourceQuery {
            area: Some(area.gu.code),
            ..ResourceQuery::default()
        })
        .unwrap();
    assert_eq!(in_gu.len(), 1);
    let near = upgraded
        .near(&sharehub_core::ipc::NearQuery::new(at, 200.0))
        .unwrap();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].summary.name.ko, "망원동 주민센터 다목적실");
}
