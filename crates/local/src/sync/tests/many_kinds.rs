//! Sync for more kinds than this build knows, and for kinds it learns later: changes it
//! cannot read are skipped and counted; kinds the device has not synced are fetched from
//! the start before the ordinary pull, without moving its cursor.

use sharehub_core::wire::{Change, ChangesPage, EntityKind};

use super::{open, page, record, resource, shown, tombstone, OTHER};
use crate::sync::SyncStore;

/// A page as a newer server would send it, with a change of a kind this build lacks.
fn page_with_a_poll_vote(since: u64, resource_seq: u64) -> ChangesPage {
    let mut page: ChangesPage = serde_json::from_value(serde_json::json!({
        "changes": [{"type": "poll_vote", "seq": since + 1, "record": {"choice": "yes"}}],
        "next_since": resource_seq,
        "has_more": false,
    }))
    .unwrap();
    page.changes
        .push(record(resource_seq, resource(1, "drill"), OTHER));
    page
}

fn set_synced(store: &SyncStore, kinds: &str) {
    store
        .conn()
        .execute("UPDATE sync_state SET synced_kinds = ?1", [kinds])
        .unwrap();
}

#[test]
fn a_change_of_a_kind_this_build_cannot_read_is_skipped_and_counted() {
    let (_dir, mut store) = open();
    let first = page_with_a_poll_vote(0, 3);
    assert_eq!(first.changes[0], Change::Unknown);
    let applied = store.apply_page(0, &first).unwrap();
    assert_eq!(
        (applied.applied, applied.changes, applied.skipped),
        (true, 2, 1)
    );
    assert_eq!(shown(&store, 1), Some(("drill tool".into(), Some(3))));
    assert_eq!(store.cursor().unwrap(), 3, "the cursor moves past it");
    assert_eq!(store.skipped_changes().unwrap(), 1);
    store.apply_page(3, &page_with_a_poll_vote(3, 6)).unwrap();
    assert_eq!(store.skipped_changes().unwrap(), 2, "counted across pages");
    assert!(
        !store
            .apply_page(3, &page_with_a_poll_vote(3, 6))
            .unwrap()
            .applied,
        "a stale page counts nothing"
    );
    assert_eq!(store.skipped_changes().unwrap(), 2);
}

#[test]
fn the_synced_kinds_are_what_the_pulls_asked_for() {
    let (_dir, mut store) = open();
    set_synced(&store, "");
    store
        .apply_page(0, &page(0, vec![record(2, resource(1, "a"), OTHER)], true))
        .unwrap();
    assert_eq!(
        store.synced_kinds().unwrap(),
        ["booking_calendar", "reservation", "resource"],
        "a pull from 0"
    );
    // A kind this build does not ask for (synced by a newer build) misses the changes
    // from here on: it is no longer synced.
    set_synced(&store, "booking_calendar,poll_vote,reservation,resource");
    store.apply_page(2, &page(2, vec![], false)).unwrap();
    assert_eq!(
        store.synced_kinds().unwrap(),
        ["booking_calendar", "reservation", "resource"]
    );
    assert_eq!(store.catch_up().unwrap(), None);
}

#[test]
fn a_kind_the_device_had_not_synced_is_fetched_from_the_start_without_moving_the_cursor() {
    let (_dir, mut store) = open();
    // The device pulled up to 10 while its build did not ask for resources (as a device
    // that learns reservations will have pulled without them): it has none of them.
    store.apply_page(0, &page(0, vec![], false)).unwrap();
    store
        .conn()
        .execute("UPDATE sync_state SET cursor = 10, synced_kinds = ''", [])
        .unwrap();
    let resources = vec![
        EntityKind::BookingCalendar,
        EntityKind::Reservation,
        EntityKind::Resource,
    ];
    assert_eq!(store.catch_up().unwrap(), Some((resources.clone(), 0)));

    let first = page(0, vec![record(4, resource(1, "a"), OTHER)], true);
    assert!(
        store
            .apply_catch_up_page(&resources, 0, &first)
            .unwrap()
            .applied
    );
    assert_eq!(store.cursor().unwrap(), 10, "the ordinary cursor stays");
    assert_eq!(shown(&store, 1), Some(("a tool".into(), Some(4))));
    // Stopped here (killed, offline): it resumes where it was, and a stale page is skipped.
    assert_eq!(store.catch_up().unwrap(), Some((resources.clone(), 4)));
    assert!(
        !store
            .apply_catch_up_page(&resources, 0, &first)
            .unwrap()
            .applied
    );

    // Records newer than the cursor come in the catch-up too; the ordinary pull brings them
    // again, and older versions never win.
    let last = page(
        4,
        vec![
            record(12, resource(2, "b"), OTHER),
            record(14, resource(1, "a2"), OTHER),
        ],
        false,
    );
    store.apply_catch_up_page(&resources, 4, &last).unwrap();
    assert_eq!(store.catch_up().unwrap(), None, "caught up");
    assert_eq!(
        store.synced_kinds().unwrap(),
        ["booking_calendar", "reservation", "resource"]
    );
    assert_eq!(store.cursor().unwrap(), 10);
    let ordinary = page(
        10,
        vec![record(12, resource(2, "b"), OTHER), tombstone(13, 9)],
        false,
    );
    store.apply_page(10, &ordinary).unwrap();
    assert_eq!(shown(&store, 1), Some(("a2 tool".into(), Some(14))));
    assert_eq!(shown(&store, 2), Some(("b tool".into(), Some(12))));
    assert_eq!(store.cursor().unwrap(), 13);
}

#[test]
fn signing_out_during_a_catch_up_forgets_it() {
    let (_dir, mut store) = open();
    store
        .conn()
        .execute("UPDATE sync_state SET cursor = 10, synced_kinds = ''", [])
        .unwrap();
    let resources = vec![EntityKind::Resource];
    let first = page(0, vec![record(4, resource(1, "a"), OTHER)], true);
    store.apply_catch_up_page(&resources, 0, &first).unwrap();
    store.forget_account().unwrap();
    assert_eq!(shown(&store, 1), None);
    assert_eq!(
        (store.cursor().unwrap(), store.catch_up().unwrap()),
        (0, None)
    );
    let stale_state: (Option<String>, i64) = store
        .conn()
        .query_row(
            "SELECT catch_up_kinds, catch_up_cursor FROM sync_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stale_state, (None, 0));
}
