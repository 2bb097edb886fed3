//! Bookings on the device, on real SQLite files: pulled reservations and calendars, the
//! outbox's tentative requests and what each server answer makes of them, "book this one
//! instead", signing out, an upgraded database catching up, and availability against core's
//! `check_request`. Server answers are written out as the wire types the server sends.
// Test helpers unwrap like tests do (clippy.toml allows it only inside test functions).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sharehub_core::booking::{
    check_request, BookingCalendar, BookingRefusal, BookingRules, BookingSituation, BookingState,
    BusySpan, Hold, Reservation, ReservationId, ReservationStatus,
};
use sharehub_core::ipc::{
    AvailabilityArgs, BookingRulesSetArgs, ChangeAction, ReservationMoveArgs,
    ReservationRequestArgs, TakeAlternativeArgs,
};
use sharehub_core::resource::{Visibility, WeeklySchedule};
use sharehub_core::wire::{
    AccountId, Alternative, Change, ChangesPage, EntityKind, Mutation, MutationOutcome,
    MutationRequest, MutationResult, ResourceView, TombstoneReason,
};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_local::{Store, SyncStore};
use uuid::Uuid;

const ME: AccountId = AccountId(Uuid::from_u128(0xA));
const OWNER: AccountId = AccountId(Uuid::from_u128(0xB));
const ROOM: ResourceId = ResourceId(Uuid::from_u128(1));
const OTHER_ROOM: ResourceId = ResourceId(Uuid::from_u128(2));

fn seoul(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Seoul
        .from_local_datetime(&date.and_hms_opt(hour, minute, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A Seoul date a few days ahead (inside every rule's booking window).
fn soon() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        + Duration::days(3)
}

fn room(id: ResourceId, name: &str) -> Resource {
    let text = LocalizedText::new(format!("{name} 회의실"), format!("{name} room"));
    Resource {
        id,
        kind: ResourceKind::Room,
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
        pricing: Pricing::PerPeriod {
            amount_krw: 5000,
            period_minutes: 60,
        },
        capacity: Some(8),
        schedule: Some(
            serde_json::from_value(serde_json::json!({
                "zone": "Asia/Seoul",
                "slots": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                           "opens": "08:00", "closes": "22:00"}]
            }))
            .unwrap(),
        ),
        visibility: Visibility::Public,
    }
}

fn rules() -> BookingRules {
    BookingRules {
        slot_minutes: 30,
        min_minutes: 30,
        max_minutes: 240,
        buffer_minutes: 0,
        units: 1,
        ..BookingRules::default()
    }
}

fn resource_change(seq: u64, r: Resource, owner: AccountId) -> Change {
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

fn calendar_change(
    seq: u64,
    resource: ResourceId,
    rules: BookingRules,
    busy: Vec<BusySpan>,
) -> Change {
    Change::BookingCalendar {
        seq,
        record: Box::new(BookingCalendar {
            resource_id: resource,
            zone: "Asia/Seoul".into(),
            rules,
            busy,
        }),
    }
}

fn booking(id: u128, booker: AccountId, start: DateTime<Utc>, hours: i64) -> Reservation {
    Reservation {
        id: ReservationId(Uuid::from_u128(id)),
        resource_id: ROOM,
        booker_id: booker,
        organisation_id: None,
        start,
        end: start + Duration::hours(hours),
        zone: "Asia/Seoul".into(),
        units: 1,
        status: ReservationStatus::Confirmed,
        decision_reason: None,
        checked_in_at: None,
        price_krw: 5000 * hours as u64,
        note: String::new(),
        series_id: None,
    }
}

fn reservation_change(seq: u64, r: Reservation) -> Change {
    Change::Reservation {
        seq,
        record: Box::new(r),
    }
}

fn span(start: DateTime<Utc>, until: DateTime<Utc>) -> BusySpan {
    BusySpan {
        start,
        until,
        units: 1,
        lapses_at: None,
    }
}

fn page(changes: Vec<Change>) -> ChangesPage {
    ChangesPage {
        next_since: changes.iter().filter_map(Change::seq).max().unwrap_or(0),
        changes,
        has_more: false,
        latest_seq: None,
    }
}

fn apply(store: &mut SyncStore, changes: Vec<Change>) {
    let since = store.cursor().unwrap();
    let mut page = page(changes);
    page.next_since = page.next_since.max(since);
    assert!(store.apply_page(since, &page).unwrap().applied);
}

/// A signed-in device holding the two rooms (owned by OWNER) and ROOM's calendar.
fn device() -> (tempfile::TempDir, SyncStore) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SyncStore::open(&dir.path().join("device.db")).unwrap();
    store.set_account(ME).unwrap();
    apply(
        &mut store,
        vec![
            resource_change(1, room(ROOM, "망원"), OWNER),
            resource_change(2, room(OTHER_ROOM, "합정"), OWNER),
            calendar_change(3, ROOM, rules(), vec![]),
            calendar_change(4, OTHER_ROOM, rules(), vec![]),
        ],
    );
    (dir, store)
}

fn answer_all(outcome: MutationOutcome) -> impl FnOnce(&[MutationRequest]) -> Vec<MutationResult> {
    move |requests| {
        requests
            .iter()
            .map(|request| MutationResult {
                idempotency_key: request.idempotency_key.clone(),
                outcome: outcome.clone(),
            })
            .collect()
    }
}

fn request_args(start: DateTime<Utc>, hours: i64) -> ReservationRequestArgs {
    ReservationRequestArgs {
        resource_id: ROOM,
        start,
        end: start + Duration::hours(hours),
        units: 1,
        organisation_id: None,
        note: "프로젝터 써도 될까요?".into(),
    }
}

fn week(resource: ResourceId, from: NaiveDate) -> AvailabilityArgs {
    AvailabilityArgs {
        resource_id: resource,
        from,
        days: 7,
        minutes: 60,
        units: 1,
    }
}

/// The availability row starting at `start` (60-minute bookings).
fn row_at(
    store: &Store,
    resource: ResourceId,
    start: DateTime<Utc>,
) -> (bool, Option<BookingRefusal>) {
    let date = start.with_timezone(&chrono_tz::Asia::Seoul).date_naive();
    let availability = store
        .availability(
            &AvailabilityArgs {
                days: 1,
                ..week(resource, date)
            },
            Utc::now(),
        )
        .unwrap();
    let row = availability.days[0]
        .rows
        .iter()
        .find(|row| row.start == start)
        .unwrap();
    (row.is_bookable(), row.refusal.clone())
}

#[test]
fn pulled_bookings_show_grouped_and_tombstones_remove_them() {
    let (_dir, mut store) = device();
    let day = soon();
    let upcoming = booking(10, ME, seoul(day, 10, 0), 1);
    let pending = Reservation {
        status: ReservationStatus::Pending,
        ..booking(11, ME, seoul(day, 14, 0), 2)
    };
    let past = booking(12, ME, seoul(day - Duration::days(10), 10, 0), 1);
    let theirs = booking(13, OWNER, seoul(day, 16, 0), 1);
    apply(
        &mut store,
        vec![
            reservation_change(20, upcoming.clone()),
            reservation_change(21, pending.clone()),
            reservation_change(22, past.clone()),
            reservation_change(23, theirs),
        ],
    );
    let mine = store.store().my_bookings(Utc::now()).unwrap();
    let ids =
        |rows: &[sharehub_core::ipc::BookingRow]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(&mine.upcoming), [upcoming.id]);
    assert_eq!(ids(&mine.pending), [pending.id]);
    assert_eq!(ids(&mine.past), [past.id]);
    assert!(mine.tentative.is_empty() && mine.needs_attention.is_empty());
    let row = &mine.upcoming[0];
    assert_eq!(row.resource_name.as_ref().unwrap().en, "망원 room");
    assert_eq!(row.local_start.to_string(), format!("{day} 10:00:00"));
    assert!(row.mine && !row.waiting_for_server);

    // A newer version wins, an older one never does.
    let cancelled = Reservation {
        status: ReservationStatus::Cancelled,
        ..upcoming.clone()
    };
    apply(&mut store, vec![reservation_change(30, cancelled)]);
    apply(
        &mut store,
        vec![reservation_change(
            31,
            booking(99, OWNER, seoul(day, 8, 0), 1),
        )],
    );
    let stale = ChangesPage {
        changes: vec![reservation_change(25, upcoming.clone())],
        next_since: 31,
        has_more: false,
        latest_seq: None,
    };
    store.apply_page(31, &stale).unwrap();
    assert_eq!(
        store.store().booking(upcoming.id).unwrap().state,
        BookingState::Cancelled
    );

    apply(
        &mut store,
        vec![Change::Tombstone {
            seq: 40,
            entity: EntityKind::Reservation,
            id: pending.id.0,
            reason: TombstoneReason::NoLongerVisible,
        }],
    );
    assert!(
        store.store().booking(pending.id).is_err(),
        "the tombstone removed it"
    );
    apply(
        &mut store,
        vec![Change::Tombstone {
            seq: 41,
            entity: EntityKind::BookingCalendar,
            id: ROOM.0,
            reason: TombstoneReason::Deleted,
        }],
    );
    let gone = store
        .store()
        .availability(&week(ROOM, day), Utc::now())
        .unwrap();
    assert!(!gone.bookable, "no rules: not bookable");
    assert!(gone.days.iter().all(|d| d.rows.is_empty()));
    assert_eq!(gone.days.len(), 7);
}

#[test]
fn the_owner_sees_pending_requests_on_their_resources() {
    let dir = tempfile::tempdir().unwrap();
    let mut owner = SyncStore::open(&dir.path().join("owner.db")).unwrap();
    owner.set_account(OWNER).unwrap();
    let day = soon();
    let waiting = Reservation {
        status: ReservationStatus::Pending,
        ..booking(10, ME, seoul(day, 10, 0), 1)
    };
    apply(
        &mut owner,
        vec![
            resource_change(1, room(ROOM, "망원"), OWNER),
            resource_change(2, room(OTHER_ROOM, "합정"), ME),
            calendar_change(3, ROOM, rules(), vec![]),
            reservation_change(4, waiting.clone()),
            reservation_change(5, booking(11, ME, seoul(day, 12, 0), 1)),
            reservation_change(
                6,
                Reservation {
                    resource_id: OTHER_ROOM,
                    status: ReservationStatus::Pending,
                    ..booking(12, OWNER, seoul(day, 12, 0), 1)
                },
            ),
        ],
    );
    let inbox = owner.store().booking_requests(Utc::now()).unwrap();
    assert_eq!(inbox.iter().map(|r| r.id).collect::<Vec<_>>(), [waiting.id]);
    assert!(!inbox[0].mine);

    let decided = owner
        .decide_booking(&sharehub_core::ipc::ReservationDecideArgs {
            id: waiting.id,
            approve: false,
            reason: Some("그날은 청소해요".into()),
        })
        .unwrap();
    assert_eq!(
        (decided.state, decided.waiting_for_server),
        (BookingState::Declined, true),
        "declined at once, waiting for the server"
    );
    assert!(owner
        .store()
        .booking_requests(Utc::now())
        .unwrap()
        .is_empty());
    // Deciding again is refused on the device: it is no longer waiting.
    assert!(owner
        .decide_booking(&sharehub_core::ipc::ReservationDecideArgs {
            id: waiting.id,
            approve: true,
            reason: None,
        })
        .is_err());
}

#[test]
fn a_request_is_tentative_and_holds_its_time_until_the_server_confirms_it() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    assert_eq!(row_at(store.store(), ROOM, start), (true, None));
    let requested = store.request_booking(&request_args(start, 2)).unwrap();
    let id = requested.booking.id;
    assert_eq!(requested.forecast, None, "it looked free");
    assert_eq!(requested.booking.state, BookingState::Tentative);
    assert!(requested.booking.waiting_for_server);
    assert_eq!(requested.booking.price_krw, 10_000, "two started hours");
    assert_eq!(
        store.store().my_bookings(Utc::now()).unwrap().tentative[0].id,
        id
    );
    // The device's own request holds its time in its availability.
    assert_eq!(
        row_at(store.store(), ROOM, start + Duration::hours(1)),
        (false, Some(BookingRefusal::Taken))
    );
    let held_week = store
        .store()
        .availability(&week(ROOM, soon()), Utc::now())
        .unwrap();
    assert_eq!(held_week.tentative_held, 1);

    let sent = store
        .push_with(|requests| {
            assert_eq!(requests[0].name, "reservation.request");
            assert_eq!(requests[0].args["id"], serde_json::json!(id));
            assert_eq!(requests[0].args["note"], "프로젝터 써도 될까요?");
            answer_all(MutationOutcome::Applied { version: 50 })(requests)
        })
        .unwrap();
    assert_eq!(sent, 1);
    let answered = store.store().booking(id).unwrap();
    assert_eq!(
        (answered.state, answered.waiting_for_server),
        (BookingState::Confirmed, false),
        "applied: the server's booking, until the pull brings it"
    );
    // The calendar on the device is older than the booking: its time still counts as held.
    assert_eq!(
        row_at(store.store(), ROOM, start + Duration::hours(1)),
        (false, Some(BookingRefusal::Taken))
    );
    // The pull brings the record (pending: the owner approves each request) and the
    // calendar with its busy span.
    let pulled = Reservation {
        id,
        status: ReservationStatus::Pending,
        note: "프로젝터 써도 될까요?".into(),
        series_id: None,
        ..booking(0, ME, start, 2)
    };
    apply(
        &mut store,
        vec![
            reservation_change(50, pulled),
            calendar_change(
                51,
                ROOM,
                rules(),
                vec![span(start, start + Duration::hours(2))],
            ),
        ],
    );
    let mine = store.store().my_bookings(Utc::now()).unwrap();
    assert_eq!(mine.pending.iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
    assert!(mine.tentative.is_empty());
    assert_eq!(
        row_at(store.store(), ROOM, start + Duration::hours(1)),
        (false, Some(BookingRefusal::Taken)),
        "now held by the calendar"
    );
    let held_week = store
        .store()
        .availability(&week(ROOM, soon()), Utc::now())
        .unwrap();
    assert_eq!(held_week.tentative_held, 0);
    assert!(held_week.as_of.is_some(), "as of the last pull");
    assert_eq!(store.pending_count().unwrap(), 0);
}

#[test]
fn a_bumped_request_keeps_what_was_typed_and_books_an_alternative_in_one_step() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    let mut args = request_args(start, 1);
    args.units = 1;
    let id = store.request_booking(&args).unwrap().booking.id;
    let later = (start + Duration::hours(2), start + Duration::hours(3));
    store
        .push_with(answer_all(MutationOutcome::Bumped {
            reason: "every unit is taken for part of the time".into(),
            alternatives: vec![
                Alternative::Slot {
                    resource_id: ROOM,
                    start: later.0,
                    end: later.1,
                },
                Alternative::Slot {
                    resource_id: OTHER_ROOM,
                    start,
                    end: start + Duration::hours(1),
                },
            ],
            code: Some(BookingRefusal::Taken),
        }))
        .unwrap();
    let bumped = store.store().booking(id).unwrap();
    assert_eq!(bumped.state, BookingState::Bumped);
    assert_eq!(
        bumped.note, "프로젝터 써도 될까요?",
        "nothing typed is lost"
    );
    let mine = store.store().my_bookings(Utc::now()).unwrap();
    assert_eq!(
        mine.needs_attention
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [id]
    );
    assert_eq!(
        row_at(store.store(), ROOM, start),
        (true, None),
        "a bumped request holds nothing"
    );
    assert!(store.cancel_booking(id).is_err(), "it was never made");

    let items = store.attention_items().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].action, ChangeAction::Book);
    let attention = items[0].booking.as_ref().unwrap();
    assert!(attention.bumped);
    assert_eq!(attention.code, Some(BookingRefusal::Taken));
    assert_eq!(attention.note, "프로젝터 써도 될까요?");
    let offered: Vec<(bool, Option<String>)> = attention
        .alternatives
        .iter()
        .map(|a| {
            (
                a.same_resource,
                a.resource_name.as_ref().map(|n| n.en.clone()),
            )
        })
        .collect();
    assert_eq!(
        offered,
        [
            (true, Some("망원 room".into())),
            (false, Some("합정 room".into()))
        ]
    );
    assert_eq!(
        attention.alternatives[0].local_start.to_string(),
        format!("{} 12:00:00", soon())
    );

    // A time that was not offered is refused, and the entry stays.
    let entry = items[0].entry;
    let not_offered = TakeAlternativeArgs {
        entry,
        resource_id: OTHER_ROOM,
        start: later.0,
        end: later.1,
    };
    assert!(store.take_alternative(&not_offered).is_err());
    assert_eq!(store.needs_attention_count().unwrap(), 1);

    let taken = store
        .take_alternative(&TakeAlternativeArgs {
            entry,
            resource_id: OTHER_ROOM,
            start,
            end: start + Duration::hours(1),
        })
        .unwrap();
    assert_eq!(store.needs_attention_count().unwrap(), 0);
    assert!(
        store.store().booking(id).is_err(),
        "the bumped request is gone"
    );
    let new = taken.booking;
    assert_ne!(new.id, id);
    assert_eq!(
        (new.resource_id, new.state, new.units, new.note.as_str()),
        (
            OTHER_ROOM,
            BookingState::Tentative,
            1,
            "프로젝터 써도 될까요?"
        )
    );
    assert_eq!(new.resource_name.unwrap().en, "합정 room");
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(
        matches!(&outbox[0].change, Mutation::ReservationRequest(a) if a.resource_id == OTHER_ROOM && a.id == new.id)
    );
}

#[test]
fn a_refused_request_carries_its_code_until_discarded() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    let id = store
        .request_booking(&request_args(start, 1))
        .unwrap()
        .booking
        .id;
    store
        .push_with(answer_all(MutationOutcome::Rejected {
            reason: "bookable at most 30 days ahead".into(),
            problems: vec![],
            code: Some(BookingRefusal::TooFarAhead {
                book_ahead_days: 30,
            }),
        }))
        .unwrap();
    assert_eq!(
        store.store().booking(id).unwrap().state,
        BookingState::Refused
    );
    let item = &store.attention_items().unwrap()[0];
    let attention = item.booking.as_ref().unwrap();
    assert!(!attention.bumped);
    assert_eq!(
        attention.code,
        Some(BookingRefusal::TooFarAhead {
            book_ahead_days: 30
        })
    );
    assert!(
        store
            .take_alternative(&TakeAlternativeArgs {
                entry: item.entry,
                resource_id: ROOM,
                start,
                end: start + Duration::hours(1),
            })
            .is_err(),
        "a refusal offers no other times"
    );
    store
        .discard(sharehub_local::sync::OutboxEntryId(item.entry))
        .unwrap();
    assert!(store.store().booking(id).is_err());
    assert!(store.outbox().unwrap().is_empty());
}

#[test]
fn a_move_shows_the_new_time_and_the_old_one_again_when_bumped() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    let held = booking(10, ME, start, 1);
    apply(
        &mut store,
        vec![
            reservation_change(20, held.clone()),
            calendar_change(
                21,
                ROOM,
                rules(),
                vec![span(start, start + Duration::hours(1))],
            ),
        ],
    );
    let later = start + Duration::hours(4);
    let moved = store
        .move_booking(&ReservationMoveArgs {
            id: held.id,
            start: later,
            end: later + Duration::hours(2),
        })
        .unwrap();
    assert_eq!(
        (
            moved.start,
            moved.state,
            moved.waiting_for_server,
            moved.price_krw
        ),
        (later, BookingState::Confirmed, true, 10_000)
    );
    assert_eq!(
        row_at(store.store(), ROOM, later),
        (false, Some(BookingRefusal::Taken)),
        "the new time is held on the device"
    );
    store
        .push_with(answer_all(MutationOutcome::Bumped {
            reason: "taken".into(),
            alternatives: vec![Alternative::Slot {
                resource_id: ROOM,
                start: later + Duration::hours(2),
                end: later + Duration::hours(4),
            }],
            code: Some(BookingRefusal::Taken),
        }))
        .unwrap();
    let back = store.store().booking(held.id).unwrap();
    assert_eq!(
        (back.start, back.state, back.waiting_for_server),
        (start, BookingState::Confirmed, false),
        "the old time again"
    );
    let item = &store.attention_items().unwrap()[0];
    assert_eq!(item.action, ChangeAction::MoveBooking);
    // Taking the other time of the same room moves the booking again.
    store
        .take_alternative(&TakeAlternativeArgs {
            entry: item.entry,
            resource_id: ROOM,
            start: later + Duration::hours(2),
            end: later + Duration::hours(4),
        })
        .unwrap();
    let outbox = store.outbox().unwrap();
    assert!(matches!(
        &outbox.last().unwrap().change,
        Mutation::ReservationMove(m) if m.id == held.id && m.start == later + Duration::hours(2)
    ));
    assert_eq!(
        store.store().booking(held.id).unwrap().start,
        later + Duration::hours(2)
    );
}

#[test]
fn cancelling_shows_at_once_and_a_pulled_calendar_frees_the_time() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    let held = booking(10, ME, start, 1);
    apply(
        &mut store,
        vec![
            reservation_change(20, held.clone()),
            calendar_change(
                21,
                ROOM,
                rules(),
                vec![span(start, start + Duration::hours(1))],
            ),
        ],
    );
    let cancelled = store.cancel_booking(held.id).unwrap();
    assert_eq!(
        (cancelled.state, cancelled.waiting_for_server),
        (BookingState::Cancelled, true)
    );
    assert_eq!(
        store.store().my_bookings(Utc::now()).unwrap().past[0].id,
        held.id
    );
    // While the cancel is pending, a pulled version updates the server's copy; the row
    // keeps showing the cancel on top of it.
    let noted = Reservation {
        decision_reason: Some("see you".into()),
        ..held.clone()
    };
    apply(&mut store, vec![reservation_change(22, noted)]);
    let shown = store.store().booking(held.id).unwrap();
    assert_eq!(
        (shown.state, shown.decision_reason.as_deref()),
        (BookingState::Cancelled, Some("see you"))
    );
    store
        .push_with(answer_all(MutationOutcome::Applied { version: 30 }))
        .unwrap();
    let answered = store.store().booking(held.id).unwrap();
    assert_eq!(
        (
            answered.state,
            answered.waiting_for_server,
            answered.decision_reason.as_deref()
        ),
        (BookingState::Cancelled, false, Some("see you"))
    );
    apply(&mut store, vec![calendar_change(31, ROOM, rules(), vec![])]);
    assert_eq!(row_at(store.store(), ROOM, start), (true, None));
}

#[test]
fn rules_set_on_the_device_show_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut owner = SyncStore::open(&dir.path().join("owner.db")).unwrap();
    owner.set_account(OWNER).unwrap();
    apply(
        &mut owner,
        vec![resource_change(1, room(ROOM, "망원"), OWNER)],
    );
    let day = soon();
    assert!(
        !owner
            .store()
            .availability(&week(ROOM, day), Utc::now())
            .unwrap()
            .bookable
    );
    owner
        .set_booking_rules(&BookingRulesSetArgs {
            resource_id: ROOM,
            rules: Some(BookingRules {
                slot_minutes: 60,
                min_minutes: 60,
                units: 6,
                ..BookingRules::default()
            }),
        })
        .unwrap();
    let shown = owner
        .store()
        .availability(&week(ROOM, day), Utc::now())
        .unwrap();
    assert!(shown.bookable);
    assert_eq!(shown.slot_minutes, 60);
    assert_eq!(shown.days[0].rows.len(), 24);
    assert_eq!(shown.days[0].rows[12].free_units, 6);
    assert_eq!(shown.price_krw, 5000);
    owner
        .push_with(|requests| {
            assert_eq!(requests[0].name, "booking.set_rules");
            answer_all(MutationOutcome::Applied { version: 9 })(requests)
        })
        .unwrap();
    assert_eq!(owner.pending_count().unwrap(), 0);
    assert!(
        owner
            .store()
            .availability(&week(ROOM, day), Utc::now())
            .unwrap()
            .bookable
    );
    // Removing the rules: not bookable at once.
    owner
        .set_booking_rules(&BookingRulesSetArgs {
            resource_id: ROOM,
            rules: None,
        })
        .unwrap();
    assert!(
        !owner
            .store()
            .availability(&week(ROOM, day), Utc::now())
            .unwrap()
            .bookable
    );
    assert!(
        owner
            .set_booking_rules(&BookingRulesSetArgs {
                resource_id: ROOM,
                rules: Some(BookingRules {
                    units: 0,
                    ..BookingRules::default()
                }),
            })
            .is_err(),
        "rules with problems are refused on the device"
    );
}

#[test]
fn signing_out_forgets_bookings_and_calendars() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    apply(
        &mut store,
        vec![reservation_change(20, booking(10, ME, start, 1))],
    );
    store
        .request_booking(&request_args(start + Duration::hours(3), 1))
        .unwrap();
    store.forget_account().unwrap();
    let count = |table: &str| -> i64 {
        store
            .store()
            .connection()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    for table in ["reservation", "booking_calendar", "booking_busy", "outbox"] {
        assert_eq!(count(table), 0, "{table}");
    }
    assert_eq!(store.store().pulled_at().unwrap(), None);
}

#[test]
fn a_database_from_before_bookings_catches_up_on_them_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.db");
    {
        let old = Store::open_at_version(&path, 7).unwrap();
        old.connection()
            .execute(
                "UPDATE sync_state SET account_id = ?1, cursor = 42, synced_kinds = 'resource'",
                [ME.to_string()],
            )
            .unwrap();
    }
    let mut store = SyncStore::open(&path).unwrap();
    let new_kinds = vec![EntityKind::BookingCalendar, EntityKind::Reservation];
    assert_eq!(
        store.catch_up().unwrap(),
        Some((new_kinds.clone(), 0)),
        "the new kinds from since=0"
    );
    let start = seoul(soon(), 10, 0);
    let first = ChangesPage {
        changes: vec![reservation_change(7, booking(10, ME, start, 1))],
        next_since: 7,
        has_more: true,
        latest_seq: Some(60),
    };
    assert!(
        store
            .apply_catch_up_page(&new_kinds, 0, &first)
            .unwrap()
            .applied
    );
    assert_eq!(
        store.catch_up().unwrap(),
        Some((new_kinds.clone(), 7)),
        "resumable"
    );
    let last = ChangesPage {
        changes: vec![calendar_change(
            55,
            ROOM,
            rules(),
            vec![span(start, start + Duration::hours(1))],
        )],
        next_since: 55,
        has_more: false,
        latest_seq: Some(60),
    };
    store.apply_catch_up_page(&new_kinds, 7, &last).unwrap();
    assert_eq!(store.catch_up().unwrap(), None);
    assert_eq!(
        store.synced_kinds().unwrap(),
        ["booking_calendar", "reservation", "resource"]
    );
    assert_eq!(store.cursor().unwrap(), 42, "the ordinary cursor stays");
    assert_eq!(
        store
            .store()
            .my_bookings(Utc::now())
            .unwrap()
            .upcoming
            .len(),
        1
    );
    assert!(
        store
            .store()
            .availability(&week(ROOM, soon()), Utc::now())
            .unwrap()
            .bookable
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// A tiny deterministic generator for the agreement test.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % bound
    }
}

#[test]
fn availability_agrees_with_check_request() {
    let day = soon();
    let now = Utc::now();
    let mut rng = SplitMix(9);
    for round in 0..6 {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SyncStore::open(&dir.path().join("device.db")).unwrap();
        store.set_account(ME).unwrap();
        let rules = BookingRules {
            slot_minutes: [15, 30, 60][round % 3],
            min_minutes: [15, 30, 60][round % 3],
            max_minutes: 180,
            buffer_minutes: [0, 15, 30][round % 3],
            units: 1 + (round as u32 % 3),
            notice_minutes: 60,
            per_person: sharehub_core::booking::Quota {
                hours_per_week: Some(6),
                active_bookings: None,
            },
            ..BookingRules::default()
        };
        let mut busy = Vec::new();
        for _ in 0..30 {
            let start = seoul(day, 0, 0) + Duration::minutes(15 * rng.next(7 * 24 * 4) as i64);
            let until = start + Duration::minutes(15 * (1 + rng.next(12)) as i64);
            busy.push(BusySpan {
                start,
                until,
                units: 1 + rng.next(u64::from(rules.units)) as u32,
                // Some lapse before now (no longer held), some after.
                lapses_at: match rng.next(4) {
                    0 => Some(now - Duration::minutes(5)),
                    1 => Some(until),
                    _ => None,
                },
            });
        }
        // My own confirmed booking (in the calendar too) counts against my weekly hours.
        let mine = booking(10, ME, seoul(day, 9, 0), 3);
        let mut in_calendar = busy.clone();
        in_calendar.push(span(
            mine.start,
            mine.end + Duration::minutes(i64::from(rules.buffer_minutes)),
        ));
        apply(
            &mut store,
            vec![
                resource_change(1, room(ROOM, "망원"), OWNER),
                // The server writes a booking, then its calendar.
                reservation_change(2, mine.clone()),
                calendar_change(3, ROOM, rules.clone(), in_calendar.clone()),
            ],
        );
        let args = AvailabilityArgs {
            minutes: 60,
            units: 1,
            ..week(ROOM, day - Duration::days(3))
        };
        let availability = store.store().availability(&args, now).unwrap();
        let resource_holds: Vec<Hold> = in_calendar
            .iter()
            .filter(|span| span.holds_at(now))
            .map(BusySpan::hold)
            .collect();
        let person_holds = [Hold {
            start: mine.start,
            end: mine.end,
            until: mine.end + Duration::minutes(i64::from(rules.buffer_minutes)),
            units: 1,
        }];
        let schedule: WeeklySchedule = room(ROOM, "망원").schedule.unwrap();
        let situation = BookingSituation {
            rules: &rules,
            schedule: Some(&schedule),
            zone: chrono_tz::Asia::Seoul,
            now,
            resource_holds: &resource_holds,
            person_holds: &person_holds,
            organisation_holds: &[],
            member_of: &[],
            organisation: None,
        };
        let mut rows = 0;
        let mut kinds = std::collections::HashSet::new();
        for day in &availability.days {
            for row in &day.rows {
                let expected = check_request(&situation, row.start, row.end, 1);
                assert_eq!(
                    row.refusal.clone(),
                    expected.clone().err(),
                    "round {round} at {}",
                    row.start
                );
                assert_eq!(row.is_bookable(), expected.is_ok());
                kinds.insert(row.refusal.as_ref().map(std::mem::discriminant));
                rows += 1;
            }
        }
        assert_eq!(rows, 7 * 24 * 60 / rules.slot_minutes as usize);
        assert!(
            kinds.len() >= 3,
            "round {round} covers several verdicts: {kinds:?}"
        );
    }
}

#[test]
fn an_applied_request_shows_what_the_owner_s_rules_make_of_it_until_the_pull() {
    let approval = BookingRules {
        approval_required: true,
        ..rules()
    };
    let start = seoul(soon(), 10, 0);
    // (who asks, expected state once applied): the owner approves others' requests, not
    // their own.
    for (asker, expected) in [
        (ME, BookingState::Pending),
        (OWNER, BookingState::Confirmed),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SyncStore::open(&dir.path().join("device.db")).unwrap();
        store.set_account(asker).unwrap();
        apply(
            &mut store,
            vec![
                resource_change(1, room(ROOM, "망원"), OWNER),
                calendar_change(2, ROOM, approval.clone(), vec![]),
            ],
        );
        let id = store
            .request_booking(&request_args(start, 1))
            .unwrap()
            .booking
            .id;
        assert_eq!(
            store.store().booking(id).unwrap().state,
            BookingState::Tentative
        );
        store
            .push_with(answer_all(MutationOutcome::Applied { version: 9 }))
            .unwrap();
        let answered = store.store().booking(id).unwrap();
        assert_eq!(
            (answered.state, answered.price_krw),
            (expected, 5000),
            "{asker:?}"
        );
    }
}

#[test]
fn a_forecast_says_why_the_server_will_likely_refuse_but_the_request_is_sent() {
    let (_dir, mut store) = device();
    let start = seoul(soon(), 10, 0);
    // 10:15 is off the 30-minute steps.
    let requested = store
        .request_booking(&request_args(start + Duration::minutes(15), 1))
        .unwrap();
    assert_eq!(
        requested.forecast,
        Some(BookingRefusal::OffStep { slot_minutes: 30 })
    );
    assert_eq!(requested.booking.state, BookingState::Tentative);
    assert_eq!(store.pending_count().unwrap(), 1, "queued anyway");
    let unknown = ReservationRequestArgs {
        resource_id: ResourceId(Uuid::from_u128(77)),
        ..request_args(start, 1)
    };
    assert_eq!(
        store.request_booking(&unknown).unwrap().forecast,
        Some(BookingRefusal::NotBookable),
        "no calendar on the device"
    );
}
