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

/// A device from before migration 0007 (server copies in `server_resource`, outbox rows
/// without a kind) keeps its unsent change, the server's copy and its sync state.
#[test]
fn a_sync_database_from_before_many_kinds_keeps_its_copies_and_outbox() {
    use sharehub_core::resource::Visibility;
    use sharehub_core::wire::{AccountId, EntityKind, Mutation};
    use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
    use sharehub_local::sync::RecordRef;
    use sharehub_local::SyncStore;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    let account = AccountId("0190a6c8-0000-7000-8000-00000000000a".parse().unwrap());
    let text = LocalizedText::new("망원 공구", "Mangwon tools");
    let resource = Resource {
        id: ResourceId("0190a6c8-0000-7000-8000-000000000001".parse().unwrap()),
        kind: ResourceKind::Tool,
        name: text.clone(),
        description: text.clone(),
        location: GeoPoint {
            lat: 37.5559,
            lon: 126.9052,
        },
        address: text.clone(),
        district: LocalizedText::new("마포구", "Mapo-gu"),
        neighborhood: LocalizedText::new("망원1동", "Mangwon 1"),
        owner_name: text,
        pricing: Pricing::Free,
        capacity: None,
        schedule: None,
        visibility: Visibility::Public,
    };
    {
        // Retiring the resource was refused; the row is hidden, the server's copy kept.
        let old = Store::open_at_version(&path, 6).unwrap();
        let conn = old.connection();
        conn.execute(
            "UPDATE sync_state SET account_id = ?1, cursor = 42",
            [account.to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO server_resource (id, version, owner_id, body) VALUES (?1, 3, ?2, ?3)",
            [
                resource.id.to_string(),
                account.to_string(),
                serde_json::to_string(&resource).unwrap(),
            ],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO outbox (entry_id, idempotency_key, account_id, name, record_id, args,
                 base_version, status, outcome, created_at, updated_at)
             VALUES ('0190a6c8-0000-7000-8000-0000000000e1', 'k1', ?1, 'resource.retire', ?2,
                 ?3, 3, 'needs_attention',
                 '{\"status\":\"rejected\",\"reason\":\"no\"}', 0, 0)",
            [
                account.to_string(),
                resource.id.to_string(),
                serde_json::json!({ "id": resource.id }).to_string(),
            ],
        )
        .unwrap();
    }
    let mut store = SyncStore::open(&path).unwrap();
    let entries = store.outbox().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].record,
        RecordRef {
            entity: EntityKind::Resource,
            id: resource.id.0
        }
    );
    assert!(matches!(entries[0].change, Mutation::ResourceRetire(_)));
    assert_eq!(
        (store.cursor().unwrap(), store.account().unwrap()),
        (42, Some(account))
    );
    assert_eq!(store.synced_kinds().unwrap(), ["resource"]);
    // It synced resources, the one kind its build knew; this build knows bookings too.
    assert_eq!(
        store.catch_up().unwrap(),
        Some((
            vec![EntityKind::BookingCalendar, EntityKind::Reservation],
            0
        ))
    );
    // Discarding the refused change shows the server's copy again.
    store.discard(entries[0].entry).unwrap();
    assert_eq!(store.shown_resources().unwrap(), [(resource, Some(3))]);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
