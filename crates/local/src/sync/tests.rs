//! The outbox and the pulled pages on real SQLite files, with server answers written out as
//! the wire types the server sends (the end-to-end tests in `tests/` use the real server).

use std::collections::HashSet;

use sharehub_core::resource::Visibility;
use sharehub_core::wire::{
    AccountId, Alternative, Change, ChangesPage, EntityKind, Mutation, MutationOutcome,
    MutationResult, ResourceView, TombstoneReason,
};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use uuid::Uuid;

use super::*;

mod many_kinds;

const ME: AccountId = AccountId(Uuid::from_u128(0xA));
const OTHER: AccountId = AccountId(Uuid::from_u128(0xB));

fn resource(n: u128, name: &str) -> Resource {
    let text = LocalizedText::new(format!("{name} 공구"), format!("{name} tool"));
    Resource {
        id: ResourceId(Uuid::from_u128(n)),
        kind: ResourceKind::Tool,
        name: text.clone(),
        description: text.clone(),
        location: GeoPoint {
            lat: 37.5556,
            lon: 126.9106,
        },
        address: text.clone(),
        district: LocalizedText::new("마포구", "Mapo-gu"),
        neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
        owner_name: text,
        pricing: Pricing::Free,
        capacity: None,
        schedule: None,
        visibility: Visibility::Public,
    }
}

fn open() -> (tempfile::TempDir, SyncStore) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SyncStore::open(&dir.path().join("device.db")).unwrap();
    store.set_account(ME).unwrap();
    (dir, store)
}

fn page(since: u64, changes: Vec<Change>, has_more: bool) -> ChangesPage {
    let next_since = changes
        .iter()
        .filter_map(Change::seq)
        .max()
        .unwrap_or(since);
    ChangesPage {
        changes,
        next_since,
        has_more,
        latest_seq: None,
    }
}

fn record(seq: u64, r: Resource, owner: AccountId) -> Change {
    Change::Resource {
        seq,
        record: Box::new(ResourceView {
            resource: r,
            owner_id: owner,
            version: seq,
            exact: true,
        }),
    }
}

fn tombstone(seq: u64, n: u128) -> Change {
    Change::Tombstone {
        seq,
        entity: EntityKind::Resource,
        id: Uuid::from_u128(n),
        reason: TombstoneReason::Deleted,
    }
}

/// Sends the next batch and answers every entry with `answer(change)`.
fn push(
    store: &mut SyncStore,
    answer: impl Fn(&Mutation) -> MutationOutcome,
) -> Vec<serde_json::Value> {
    let batch = store.next_batch(100, &HashSet::new()).unwrap();
    let answers: Vec<MutationResult> = batch
        .iter()
        .map(|o| MutationResult {
            idempotency_key: o.key.clone(),
            outcome: answer(&o.change),
        })
        .collect();
    store.settle(&batch, &answers).unwrap();
    batch.into_iter().map(|o| o.request.args).collect()
}

fn shown(store: &SyncStore, n: u128) -> Option<(String, Option<u64>)> {
    store
        .shown_resources()
        .unwrap()
        .into_iter()
        .find(|(r, _)| r.id == ResourceId(Uuid::from_u128(n)))
        .map(|(r, version)| (r.name.en, version))
}

fn copies(store: &SyncStore) -> u64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM server_copy", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_create_shows_at_once_and_is_confirmed_by_the_server() {
    let (_dir, mut store) = open();
    store.create_resource(resource(1, "drill")).unwrap();
    assert_eq!(shown(&store, 1), Some(("drill tool".into(), None)));
    assert_eq!(store.pending_count().unwrap(), 1);
    let args = push(&mut store, |_| MutationOutcome::Applied { version: 5 });
    assert!(args[0].get("base_version").is_none(), "{:?}", args[0]);
    assert_eq!(shown(&store, 1), Some(("drill tool".into(), Some(5))));
    assert_eq!(store.pending_count().unwrap(), 0);
    assert_eq!(copies(&store), 0, "no copy once nothing is pending");
    assert_eq!(store.outbox().unwrap()[0].status, EntryStatus::Applied);
}

#[test]
fn later_edits_of_a_record_wait_and_build_on_the_version_the_first_one_makes() {
    let (_dir, mut store) = open();
    store
        .apply_page(0, &page(0, vec![record(3, resource(1, "v3"), ME)], false))
        .unwrap();
    store.update_resource(resource(1, "edit 1")).unwrap();
    store.update_resource(resource(1, "edit 2")).unwrap();
    assert_eq!(shown(&store, 1), Some(("edit 2 tool".into(), None)));
    let args = push(&mut store, |_| MutationOutcome::Applied { version: 6 });
    assert_eq!(args.len(), 1, "one change per record per batch");
    assert_eq!(args[0]["base_version"], 3);
    assert_eq!(args[0]["resource"]["name"]["en"], "edit 1 tool");
    assert_eq!(shown(&store, 1), Some(("edit 2 tool".into(), None)));
    let args = push(&mut store, |_| MutationOutcome::Applied { version: 7 });
    assert_eq!(
        args[0]["base_version"], 6,
        "built on the first edit's version"
    );
    assert_eq!(shown(&store, 1), Some(("edit 2 tool".into(), Some(7))));
}

#[test]
fn a_rejected_change_is_reverted_and_needs_attention_until_discarded_or_retried() {
    let (_dir, mut store) = open();
    store
        .apply_page(
            0,
            &page(0, vec![record(3, resource(1, "server"), OTHER)], false),
        )
        .unwrap();
    let entry = store.update_resource(resource(1, "mine")).unwrap();
    push(&mut store, |_| MutationOutcome::Rejected {
        reason: "only the resource's owner or a coordinator may change it".into(),
        problems: vec![],
        code: None,
    });
    assert_eq!(shown(&store, 1), Some(("server tool".into(), Some(3))));
    let attention = store.needs_attention().unwrap();
    assert_eq!(attention.len(), 1);
    assert_eq!(attention[0].entry, entry);
    assert!(attention[0].reason.contains("owner"), "{attention:?}");
    assert_eq!(store.pending_count().unwrap(), 0);

    // Retry: shown again, a new key, pending.
    let old_key = store.outbox().unwrap()[0].idempotency_key.clone();
    store.retry(entry).unwrap();
    assert_eq!(shown(&store, 1), Some(("mine tool".into(), None)));
    let entries = store.outbox().unwrap();
    assert_eq!(
        (entries.len(), entries[0].status),
        (1, EntryStatus::Pending)
    );
    assert_ne!(entries[0].idempotency_key, old_key);
    assert!(
        store.retry(entry).is_err(),
        "a pending change cannot be retried"
    );

    push(&mut store, |_| MutationOutcome::Rejected {
        reason: "still no".into(),
        problems: vec![],
        code: None,
    });
    store.discard(entry).unwrap();
    assert!(store.outbox().unwrap().is_empty());
    assert_eq!(shown(&store, 1), Some(("server tool".into(), Some(3))));
}

#[test]
fn a_rejected_create_disappears_and_can_be_edited_and_retried() {
    let (_dir, mut store) = open();
    let entry = store.create_resource(resource(1, "<b>bold</b>")).unwrap();
    push(&mut store, |_| MutationOutcome::Rejected {
        reason: "must be plain text".into(),
        problems: vec![],
        code: None,
    });
    assert_eq!(shown(&store, 1), None);
    assert!(store
        .edit_and_retry(entry, resource(2, "other id"))
        .is_err());
    store.edit_and_retry(entry, resource(1, "plain")).unwrap();
    assert_eq!(shown(&store, 1), Some(("plain tool".into(), None)));
    push(&mut store, |_| MutationOutcome::Applied { version: 4 });
    assert_eq!(shown(&store, 1), Some(("plain tool".into(), Some(4))));
}

#[test]
fn a_bumped_edit_keeps_the_current_record_and_retries_on_top_of_it() {
    let (_dir, mut store) = open();
    store
        .apply_page(0, &page(0, vec![record(3, resource(1, "v3"), ME)], false))
        .unwrap();
    let entry = store.update_resource(resource(1, "mine")).unwrap();
    let current = ResourceView {
        resource: resource(1, "theirs"),
        owner_id: ME,
        version: 9,
        exact: true,
    };
    let bumped = MutationOutcome::Bumped {
        reason: "changed by someone else".into(),
        alternatives: vec![Alternative::CurrentResource {
            record: current.clone(),
        }],
        code: None,
    };
    push(&mut store, |_| bumped.clone());
    assert_eq!(shown(&store, 1), Some(("theirs tool".into(), Some(9))));
    assert_eq!(
        store.needs_attention().unwrap()[0].alternatives,
        [Alternative::CurrentResource { record: current }]
    );
    store.retry(entry).unwrap();
    let args = push(&mut store, |_| MutationOutcome::Applied { version: 10 });
    assert_eq!(args[0]["base_version"], 9);
    assert_eq!(shown(&store, 1), Some(("mine tool".into(), Some(10))));
}

#[test]
fn pulled_changes_update_the_server_copy_under_a_pending_change() {
    let (_dir, mut store) = open();
    store
        .apply_page(0, &page(0, vec![record(3, resource(1, "v3"), ME)], false))
        .unwrap();
    store.update_resource(resource(1, "mine")).unwrap();
    store
        .apply_page(3, &page(3, vec![record(8, resource(1, "v8"), ME)], false))
        .unwrap();
    assert_eq!(
        shown(&store, 1),
        Some(("mine tool".into(), None)),
        "local change still shown"
    );
    push(&mut store, |_| MutationOutcome::Rejected {
        reason: "no".into(),
        problems: vec![],
        code: None,
    });
    assert_eq!(
        shown(&store, 1),
        Some(("v8 tool".into(), Some(8))),
        "reverted to the newest"
    );

    // A retire applied by the server and the later tombstone agree.
    store
        .retire_resource(ResourceId(Uuid::from_u128(1)))
        .unwrap();
    assert_eq!(shown(&store, 1), None);
    push(&mut store, |_| MutationOutcome::Applied { version: 12 });
    store
        .apply_page(8, &page(8, vec![tombstone(12, 1)], false))
        .unwrap();
    assert_eq!(shown(&store, 1), None);
    assert_eq!(copies(&store), 0);
}

#[test]
fn pages_apply_once_in_cursor_order_and_old_versions_never_win() {
    let (_dir, mut store) = open();
    let first = page(
        0,
        vec![
            record(2, resource(1, "a"), OTHER),
            record(4, resource(2, "b"), OTHER),
        ],
        true,
    );
    assert!(store.apply_page(0, &first).unwrap().applied);
    assert_eq!(store.cursor().unwrap(), 4);
    assert!(
        !store.apply_page(0, &first).unwrap().applied,
        "a stale page is skipped"
    );
    let second = page(
        4,
        vec![record(6, resource(1, "a2"), OTHER), tombstone(7, 2)],
        false,
    );
    store.apply_page(4, &second).unwrap();
    assert_eq!(shown(&store, 1), Some(("a2 tool".into(), Some(6))));
    assert_eq!(shown(&store, 2), None);
    assert_eq!(store.cursor().unwrap(), 7);
}

#[test]
fn a_full_pull_drops_bundled_rows_the_server_does_not_have_but_keeps_pending_ones() {
    let (_dir, mut store) = open();
    store
        .store_mut()
        .upsert_resources(&[resource(1, "bundled"), resource(2, "also")])
        .unwrap();
    store.create_resource(resource(3, "mine")).unwrap();
    store
        .apply_page(
            0,
            &page(0, vec![record(5, resource(2, "server"), OTHER)], true),
        )
        .unwrap();
    assert!(
        shown(&store, 1).is_some(),
        "not before the pull is complete"
    );
    store.apply_page(5, &page(5, vec![], false)).unwrap();
    assert_eq!(shown(&store, 1), None);
    assert_eq!(shown(&store, 2), Some(("server tool".into(), Some(5))));
    assert_eq!(shown(&store, 3), Some(("mine tool".into(), None)));
}

#[test]
fn signing_out_or_switching_account_removes_the_accounts_data() {
    let (_dir, mut store) = open();
    store
        .store_mut()
        .upsert_resources(&[resource(1, "bundled")])
        .unwrap();
    store
        .apply_page(
            0,
            &page(0, vec![record(5, resource(2, "server"), OTHER)], true),
        )
        .unwrap();
    store.create_resource(resource(3, "mine")).unwrap();
    assert!(
        !store.set_account(ME).unwrap(),
        "same account: nothing removed"
    );
    assert!(store.set_account(OTHER).unwrap());
    let left: Vec<_> = store
        .shown_resources()
        .unwrap()
        .into_iter()
        .map(|(r, _)| r.name.en)
        .collect();
    assert_eq!(left, ["bundled tool"]);
    assert_eq!(
        (store.cursor().unwrap(), store.pending_count().unwrap()),
        (0, 0)
    );
    store.forget_account().unwrap();
    assert_eq!(store.account().unwrap(), None);
    assert!(matches!(
        store.create_resource(resource(4, "x")),
        Err(crate::Error::NotSignedIn)
    ));
}

#[test]
fn local_changes_are_checked_before_they_are_queued() {
    let (_dir, mut store) = open();
    let mut bad = resource(1, "x");
    bad.name.en = " ".into();
    assert!(matches!(
        store.create_resource(bad),
        Err(crate::Error::Invalid { .. })
    ));
    assert!(matches!(
        store.update_resource(resource(9, "nowhere")),
        Err(crate::Error::ResourceNotFound(_))
    ));
    store.create_resource(resource(1, "x")).unwrap();
    assert!(store.create_resource(resource(1, "again")).is_err());
    assert_eq!(store.pending_count().unwrap(), 1);
}

#[test]
fn unanswered_entries_stay_pending_with_the_same_key() {
    let (_dir, mut store) = open();
    store.create_resource(resource(1, "x")).unwrap();
    let batch = store.next_batch(100, &HashSet::new()).unwrap();
    store.settle(&batch, &[]).unwrap();
    let again = store.next_batch(100, &HashSet::new()).unwrap();
    assert_eq!(again[0].key, batch[0].key);
    assert_eq!(store.outbox().unwrap()[0].attempts, 2);
    let excluded: HashSet<i64> = again.iter().map(|o| o.seq).collect();
    assert!(store.next_batch(100, &excluded).unwrap().is_empty());
}

/// `resource(n)` at another place.
fn at(mut r: Resource, lat: f64, lon: f64) -> Resource {
    r.location = GeoPoint { lat, lon };
    r
}

fn boxes_pending(store: &SyncStore) -> bool {
    crate::store::rtree::boxes_pending(store.conn()).unwrap()
}

/// Problems of the R*Tree against the rows: every row has exactly one box that contains its
/// point, no box is left without a row, and `rtreecheck` finds the tree sound.
fn box_problems(store: &SyncStore) -> Vec<String> {
    let conn = store.conn();
    let mut problems: Vec<String> = conn
        .prepare(
            "SELECT r.id FROM resource AS r LEFT JOIN resource_rtree AS t ON t.id = r.rowid
             WHERE t.id IS NULL OR t.min_lat > r.lat OR t.max_lat < r.lat
                 OR t.min_lon > r.lon OR t.max_lon < r.lon",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|id| format!("no box around {}", id.unwrap()))
        .collect();
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM resource_rtree WHERE id NOT IN (SELECT rowid FROM resource)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if orphans > 0 {
        problems.push(format!("{orphans} boxes without a row"));
    }
    let check: String = conn
        .query_row("SELECT rtreecheck('resource_rtree')", [], |r| r.get(0))
        .unwrap();
    if check != "ok" {
        problems.push(check);
    }
    problems
}

#[test]
fn pulled_pages_keep_the_rtree_in_step_with_the_rows() {
    let (_dir, mut store) = open();
    // Bundled rows and a pending local change are there before the pull.
    store
        .store_mut()
        .upsert_resources(&[resource(1, "bundled")])
        .unwrap();
    store
        .create_resource(at(resource(2, "mine"), 37.50, 126.95))
        .unwrap();
    let first = page(
        0,
        vec![
            record(10, at(resource(3, "c"), 37.51, 126.91), OTHER),
            record(11, at(resource(4, "d"), 37.52, 126.92), OTHER),
            record(12, at(resource(5, "e"), 37.53, 126.93), OTHER),
            // Under the pending change: only the server copy changes.
            record(13, at(resource(2, "theirs"), 37.60, 127.00), OTHER),
        ],
        false,
    );
    store.apply_page(0, &first).unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
    // The pull finished from 0: the bundled row went, with its box.
    assert_eq!(shown(&store, 1), None);
    let second = page(
        13,
        vec![
            // Moves, a delete of the newest row (its rowid is free again) and new rows that
            // may take it, an old version that must not win, a move and delete of one record.
            record(14, at(resource(3, "c moved"), 37.41, 127.11), OTHER),
            tombstone(15, 5),
            record(16, at(resource(6, "f"), 37.56, 126.96), OTHER),
            record(17, at(resource(7, "g"), 37.57, 126.97), OTHER),
            record(18, at(resource(4, "d moved"), 37.42, 127.12), OTHER),
            tombstone(19, 4),
            record(20, at(resource(8, "h"), 37.58, 126.98), OTHER),
        ],
        true,
    );
    store.apply_page(13, &second).unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
    let stale = page(
        20,
        vec![record(21, at(resource(6, "f"), 37.0, 127.5), OTHER)],
        false,
    );
    store
        .conn()
        .execute(
            "UPDATE resource SET server_version = 99 WHERE id = ?1",
            [ResourceId(Uuid::from_u128(6)).to_string()],
        )
        .unwrap();
    store.apply_page(20, &stale).unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
    let lat: f64 = store
        .conn()
        .query_row(
            "SELECT lat FROM resource WHERE id = ?1",
            [ResourceId(Uuid::from_u128(6)).to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lat, 37.56, "a newer row is kept, and so is its box");
    assert!(!boxes_pending(&store));
}

#[test]
fn triggers_are_back_on_after_a_page_applied_or_failed() {
    let (_dir, mut store) = open();
    store
        .apply_page(0, &page(0, vec![record(1, resource(1, "a"), OTHER)], false))
        .unwrap();
    store
        .create_resource(at(resource(2, "b"), 37.4, 127.1))
        .unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
    // A record SQLite refuses (latitude out of range) fails the page half-way.
    let broken = page(
        1,
        vec![
            record(2, at(resource(3, "c"), 37.5, 127.0), OTHER),
            record(3, at(resource(4, "d"), 100.0, 127.0), OTHER),
        ],
        true,
    );
    assert!(store.apply_page(1, &broken).is_err());
    assert_eq!(store.cursor().unwrap(), 1, "nothing of the page was kept");
    assert_eq!(shown(&store, 3), None);
    store
        .update_resource(at(resource(2, "b"), 37.45, 127.15))
        .unwrap();
    store
        .create_resource(at(resource(5, "e"), 37.6, 126.9))
        .unwrap();
    store
        .retire_resource(ResourceId(Uuid::from_u128(1)))
        .unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
}

/// "Near me" around a few centres, as (id, distance) lists.
fn near_answers(store: &SyncStore) -> Vec<Vec<(ResourceId, f64)>> {
    [(37.50, 126.95), (37.56, 126.97), (37.48, 127.03)]
        .into_iter()
        .map(|(lat, lon)| {
            store
                .store()
                .near(&sharehub_core::ipc::NearQuery {
                    center: GeoPoint { lat, lon },
                    radius_m: 5000.0,
                    limit: 50,
                    kind: None,
                    free_only: false,
                    area: None,
                    text: None,
                    open_at: None,
                })
                .unwrap()
                .into_iter()
                .map(|n| (n.summary.id, n.distance_m))
                .collect()
        })
        .collect()
}

/// Resources spread over a few km around 37.5, 127.0 (reproducible).
fn spread(from: u128, count: u128, name: &str) -> Vec<Resource> {
    (from..from + count)
        .map(|n| {
            let (a, b) = ((n * 7919 % 1000) as f64, (n * 104_729 % 1000) as f64);
            at(
                resource(n, name),
                37.45 + a / 10_000.0,
                126.95 + b / 10_000.0,
            )
        })
        .collect()
}

fn records(first_seq: u64, resources: Vec<Resource>) -> Vec<Change> {
    resources
        .into_iter()
        .enumerate()
        .map(|(i, r)| record(first_seq + i as u64, r, OTHER))
        .collect()
}

#[test]
fn a_first_sync_builds_the_rtree_when_the_pull_ends_and_near_scans_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let mut store = SyncStore::open(&path).unwrap();
    store.set_account(ME).unwrap();
    store
        .store_mut()
        .upsert_resources(&spread(1, 30, "bundled"))
        .unwrap();
    store
        .apply_page(0, &page(0, records(1, spread(100, 200, "first")), true))
        .unwrap();
    assert!(boxes_pending(&store), "boxes wait for the end of the pull");
    let scanned = near_answers(&store);
    assert!(scanned.iter().all(|answer| !answer.is_empty()));
    // Meanwhile the app writes through its own connection, with triggers.
    let mut app = SyncStore::open(&path).unwrap();
    app.create_resource(at(resource(9000, "mine"), 37.5, 126.99))
        .unwrap();
    // A crash: the pull resumes on a new connection from the stored cursor.
    drop(store);
    let mut store = SyncStore::open(&path).unwrap();
    assert!(boxes_pending(&store));
    let cursor = store.cursor().unwrap();
    let mut second = records(cursor + 1, spread(300, 200, "second"));
    // Moves, deletes (rowids freed and taken again), an edit of a bundled record.
    second.push(record(
        1000,
        at(resource(100, "moved"), 37.51, 127.01),
        OTHER,
    ));
    second.push(tombstone(1001, 101));
    second.push(tombstone(1002, 299));
    second.push(record(
        1003,
        at(resource(5, "now theirs"), 37.52, 127.02),
        OTHER,
    ));
    second.extend(records(1004, spread(600, 10, "after deletes")));
    store
        .apply_page(cursor, &page(cursor, second, true))
        .unwrap();
    assert!(boxes_pending(&store));
    let during = near_answers(&store);
    let cursor = store.cursor().unwrap();
    store
        .apply_page(
            cursor,
            &page(cursor, records(cursor + 1, spread(700, 50, "last")), false),
        )
        .unwrap();
    assert!(!boxes_pending(&store), "the last page built the R*Tree");
    assert_eq!(box_problems(&store), Vec::<String>::new());
    assert_eq!(shown(&store, 1), None, "bundled rows the server lacks went");
    assert!(
        shown(&store, 9000).is_some(),
        "the pending local change stays"
    );
    let built = near_answers(&store);
    assert_ne!(during, built, "the last page added nearer resources");
    // The R*Tree's answers are those of a scan (the same query while boxes are pending).
    store
        .conn()
        .execute("UPDATE sync_state SET boxes_pending = 1", [])
        .unwrap();
    assert_eq!(near_answers(&store), built);
    store
        .conn()
        .execute("UPDATE sync_state SET boxes_pending = 0", [])
        .unwrap();
    // Later pages and local writes keep it in step, box by box.
    let cursor = store.cursor().unwrap();
    let mut later = records(cursor + 1, spread(800, 20, "later"));
    later.push(tombstone(cursor + 100, 701));
    store
        .apply_page(cursor, &page(cursor, later, false))
        .unwrap();
    app.update_resource(at(resource(9000, "mine moved"), 37.46, 126.96))
        .unwrap();
    assert_eq!(box_problems(&store), Vec::<String>::new());
}

#[test]
fn signing_out_in_the_middle_of_a_first_sync_leaves_a_complete_rtree() {
    let (_dir, mut store) = open();
    store
        .store_mut()
        .upsert_resources(&spread(1, 20, "bundled"))
        .unwrap();
    store
        .apply_page(0, &page(0, records(1, spread(100, 100, "first")), true))
        .unwrap();
    assert!(boxes_pending(&store));
    store.forget_account().unwrap();
    assert!(!boxes_pending(&store));
    assert_eq!(store.store().count_resources().unwrap(), 20);
    assert_eq!(box_problems(&store), Vec::<String>::new());
}
