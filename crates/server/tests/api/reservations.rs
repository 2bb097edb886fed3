//! Bookings through the real `/v1/sync/mutations` and `/v1/sync/changes` routes, on both
//! backends: rules set by the owner, requests confirmed, held for approval or bumped with
//! free alternatives, moves that keep the old time when refused, deadlines, check-in and
//! no-shows, who sees what, and racing clients that never double-book.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sharehub_core::booking::{
    most_units_held, BookingCalendar, BookingRefusal, Hold, Reservation, ReservationStatus,
};
use sharehub_core::wire::{
    Alternative, Change, ChangesPage, MutationOutcome, MutationResults, SignedIn,
};
use uuid::Uuid;

use crate::support::{resource_json, TestServer};

/// `HH:MM` Seoul time, `days` after today (Seoul), as a UTC instant.
fn seoul(days: i64, time: &str) -> DateTime<Utc> {
    let zone = chrono_tz::Asia::Seoul;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    zone.from_local_datetime(&(today + Duration::days(days)).and_time(time))
        .unwrap()
        .with_timezone(&Utc)
}

async fn mutate(server: &TestServer, token: &str, name: &str, args: Value) -> MutationOutcome {
    let results: MutationResults = server
        .post(
            "/v1/sync/mutations",
            Some(token),
            json!({"mutations": [{"idempotency_key": Uuid::now_v7().to_string(), "name": name, "args": args}]}),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    results.results.into_iter().next().unwrap().outcome
}

fn applied(outcome: &MutationOutcome) {
    assert!(
        matches!(outcome, MutationOutcome::Applied { .. }),
        "expected applied: {outcome:?}"
    );
}

fn refused_with(outcome: &MutationOutcome) -> BookingRefusal {
    match outcome {
        MutationOutcome::Rejected {
            code: Some(code),
            reason,
            ..
        } => {
            assert!(!reason.is_empty());
            code.clone()
        }
        other => panic!("expected a refusal with a code: {other:?}"),
    }
}

/// A room owned by `owner`, open 09:00–18:00 every day in Seoul, with these rules.
async fn bookable_room(server: &TestServer, owner: &str, rules: Value) -> Uuid {
    let mut room = resource_json("Meeting room");
    room["kind"] = json!("room");
    room["pricing"] = json!({"type": "per_period", "amount_krw": 1000, "period_minutes": 30});
    room["schedule"] = json!({"zone": "Asia/Seoul", "slots": [{
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "opens": "09:00", "closes": "18:00"}]});
    let id: Uuid = serde_json::from_value(room["id"].clone()).unwrap();
    server
        .post("/v1/resources", Some(owner), room)
        .await
        .expect(StatusCode::CREATED);
    applied(
        &mutate(
            server,
            owner,
            "booking.set_rules",
            json!({"resource_id": id, "rules": rules}),
        )
        .await,
    );
    id
}

fn request(resource: Uuid, start: DateTime<Utc>, end: DateTime<Utc>) -> (Uuid, Value) {
    let id = Uuid::now_v7();
    (
        id,
        json!({"id": id, "resource_id": resource, "start": start, "end": end}),
    )
}

async fn pull(server: &TestServer, token: &str, kinds: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut since = 0;
    loop {
        let page: ChangesPage = server
            .get(
                &format!("/v1/sync/changes?since={since}&limit=500&kinds={kinds}"),
                Some(token),
            )
            .await
            .expect(StatusCode::OK)
            .json();
        changes.extend(page.changes);
        since = page.next_since;
        if !page.has_more {
            return changes;
        }
    }
}

async fn reservations_seen(server: &TestServer, token: &str) -> Vec<Reservation> {
    pull(server, token, "reservation")
        .await
        .into_iter()
        .filter_map(|change| match change {
            Change::Reservation { record, .. } => Some(*record),
            _ => None,
        })
        .collect()
}

async fn calendar(server: &TestServer, token: &str, resource: Uuid) -> Option<BookingCalendar> {
    pull(server, token, "booking_calendar")
        .await
        .into_iter()
        .find_map(|change| match change {
            Change::BookingCalendar { record, .. } if record.resource_id.0 == resource => {
                Some(*record)
            }
            _ => None,
        })
}

pub async fn rules_are_the_owners_and_reach_everyone_as_a_calendar(server: &TestServer) {
    let owner = server.register("owner").await;
    let neighbor = server.register("neighbor").await;
    let room = bookable_room(server, &owner.token, json!({"slot_minutes": 30})).await;
    // Only the owner sets rules; invalid rules name the field.
    let refused = mutate(
        server,
        &neighbor.token,
        "booking.set_rules",
        json!({"resource_id": room, "rules": {}}),
    )
    .await;
    assert_eq!(refused_with(&refused), BookingRefusal::NotOwner);
    match mutate(
        server,
        &owner.token,
        "booking.set_rules",
        json!({"resource_id": room, "rules": {"units": 0}}),
    )
    .await
    {
        MutationOutcome::Rejected { problems, .. } => {
            assert_eq!(problems[0].field, "rules.units")
        }
        other => panic!("{other:?}"),
    }
    // Everyone gets the calendar: rules and zone, no bookings yet.
    let seen = calendar(server, &neighbor.token, room).await.unwrap();
    assert_eq!(seen.zone, "Asia/Seoul");
    assert_eq!(seen.rules.slot_minutes, 30);
    assert!(seen.busy.is_empty());
    // Removing the rules stops bookings and tombstones the calendar.
    applied(
        &mutate(
            server,
            &owner.token,
            "booking.set_rules",
            json!({"resource_id": room, "rules": null}),
        )
        .await,
    );
    assert_eq!(calendar(server, &neighbor.token, room).await, None);
    let (_, args) = request(room, seoul(1, "10:00"), seoul(1, "11:00"));
    let refused = mutate(server, &neighbor.token, "reservation.request", args).await;
    assert_eq!(refused_with(&refused), BookingRefusal::NotBookable);
}

pub async fn a_taken_time_is_bumped_with_free_alternatives(server: &TestServer) {
    let owner = server.register("owner").await;
    let first = server.register("first").await;
    let second = server.register("second").await;
    let room = bookable_room(server, &owner.token, json!({"buffer_minutes": 30})).await;
    let (start, end) = (seoul(1, "10:00"), seoul(1, "11:00"));
    let (mine, args) = request(room, start, end);
    applied(&mutate(server, &first.token, "reservation.request", args).await);
    // The same hour, and one that starts inside the buffer, are taken.
    for (start, end) in [(start, end), (seoul(1, "11:00"), seoul(1, "12:00"))] {
        let (_, args) = request(room, start, end);
        match mutate(server, &second.token, "reservation.request", args).await {
            MutationOutcome::Bumped {
                code, alternatives, ..
            } => {
                assert_eq!(code, Some(BookingRefusal::Taken));
                assert!(!alternatives.is_empty() && alternatives.len() <= 3);
                for alternative in &alternatives {
                    let Alternative::Slot {
                        resource_id,
                        start: free_start,
                        end: free_end,
                    } = alternative
                    else {
                        panic!("{alternative:?}")
                    };
                    assert_eq!(resource_id.0, room);
                    assert_eq!(*free_end - *free_start, Duration::hours(1));
                    // Free: clear of the first booking and its buffer.
                    assert!(
                        *free_start >= end + Duration::minutes(30)
                            || *free_end + Duration::minutes(30) <= start
                    );
                }
                // Take the first alternative with one more request.
                if let Alternative::Slot { start, end, .. } = &alternatives[0] {
                    let (_, args) = request(room, *start, *end);
                    applied(&mutate(server, &second.token, "reservation.request", args).await);
                }
            }
            other => panic!("expected bumped: {other:?}"),
        }
    }
    // The booker sees their booking confirmed with its price (2 × 1,000 won per hour).
    let seen = reservations_seen(server, &first.token).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].id.0, mine);
    assert_eq!(seen[0].status, ReservationStatus::Confirmed);
    assert_eq!(seen[0].price_krw, 2000);
    // The public calendar names nobody and shows three busy spans with buffers.
    let public = calendar(server, &second.token, room).await.unwrap();
    assert_eq!(public.busy.len(), 3);
    assert!(public
        .busy
        .iter()
        .all(|span| span.until - span.start == Duration::minutes(90)));
    let text = serde_json::to_string(&public).unwrap();
    assert!(!text.contains(&first.account.id.to_string()));
}

pub async fn requests_wait_for_the_owners_decision(server: &TestServer) {
    let owner = server.register("owner").await;
    let booker = server.register("booker").await;
    let other = server.register("other").await;
    let room = bookable_room(server, &owner.token, json!({"approval_required": true})).await;
    let (pending, args) = request(room, seoul(2, "13:00"), seoul(2, "14:00"));
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    // Pending holds its time: another request for it is bumped.
    let (_, args) = request(room, seoul(2, "13:00"), seoul(2, "14:00"));
    assert!(matches!(
        mutate(server, &other.token, "reservation.request", args).await,
        MutationOutcome::Bumped { .. }
    ));
    // The owner sees the request; the booker cannot decide it; a stranger is told nothing.
    let owners_view = reservations_seen(server, &owner.token).await;
    assert_eq!(owners_view.len(), 1);
    assert_eq!(owners_view[0].status, ReservationStatus::Pending);
    let decide =
        |approve: bool| json!({"id": pending, "approve": approve, "reason": "방이 수리 중이에요"});
    assert_eq!(
        refused_with(&mutate(server, &booker.token, "reservation.decide", decide(true)).await),
        BookingRefusal::NotOwner
    );
    assert_eq!(
        refused_with(&mutate(server, &other.token, "reservation.decide", decide(true)).await),
        BookingRefusal::NotFound
    );
    applied(&mutate(server, &owner.token, "reservation.decide", decide(false)).await);
    let seen = reservations_seen(server, &booker.token).await;
    assert_eq!(seen[0].status, ReservationStatus::Declined);
    assert_eq!(
        seen[0].decision_reason.as_deref(),
        Some("방이 수리 중이에요")
    );
    assert_eq!(
        refused_with(&mutate(server, &owner.token, "reservation.decide", decide(true)).await),
        BookingRefusal::NotPending
    );
    // Declined frees the time; the owner's own booking needs no approval.
    let (_, args) = request(room, seoul(2, "13:00"), seoul(2, "14:00"));
    applied(&mutate(server, &owner.token, "reservation.request", args).await);
    let owners_view = reservations_seen(server, &owner.token).await;
    assert!(owners_view
        .iter()
        .any(|r| r.booker_id == owner.account.id && r.status == ReservationStatus::Confirmed));
}

pub async fn moves_keep_the_old_time_when_refused_and_deadlines_hold(server: &TestServer) {
    let owner = server.register("owner").await;
    let booker = server.register("booker").await;
    let other = server.register("other").await;
    let room = bookable_room(
        server,
        &owner.token,
        json!({"cancel_minutes_before": 1440, "book_ahead_days": 60}),
    )
    .await;
    let (mine, args) = request(room, seoul(3, "10:00"), seoul(3, "11:00"));
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    let (theirs, args) = request(room, seoul(3, "14:00"), seoul(3, "15:00"));
    applied(&mutate(server, &other.token, "reservation.request", args).await);
    // Moving onto the other booking is bumped and keeps the old time.
    let onto = json!({"id": mine, "start": seoul(3, "14:30"), "end": seoul(3, "15:30")});
    assert!(matches!(
        mutate(server, &booker.token, "reservation.move", onto).await,
        MutationOutcome::Bumped { .. }
    ));
    let seen = reservations_seen(server, &booker.token).await;
    assert_eq!(seen[0].start, seoul(3, "10:00"));
    // Someone else's booking can be neither moved nor cancelled (it "does not exist").
    let theirs_move = json!({"id": theirs, "start": seoul(3, "16:00"), "end": seoul(3, "17:00")});
    assert_eq!(
        refused_with(&mutate(server, &booker.token, "reservation.move", theirs_move).await),
        BookingRefusal::NotFound
    );
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &booker.token,
                "reservation.cancel",
                json!({"id": theirs})
            )
            .await
        ),
        BookingRefusal::NotFound
    );
    // A move to a free time is one step: the old hour is free right after.
    let free = json!({"id": mine, "start": seoul(3, "12:00"), "end": seoul(3, "13:30")});
    applied(&mutate(server, &booker.token, "reservation.move", free).await);
    let (_, args) = request(room, seoul(3, "10:00"), seoul(3, "11:00"));
    applied(&mutate(server, &other.token, "reservation.request", args).await);
    let seen = reservations_seen(server, &booker.token).await;
    assert_eq!(
        (seen[0].start, seen[0].price_krw),
        (seoul(3, "12:00"), 3000)
    );
    // Cancelling closes a day before the start for the booker (12 hours before, now); the
    // owner may still cancel.
    let to_half_a_day_before = (seoul(3, "12:00") - Duration::hours(12)) - Utc::now();
    server
        .state
        .clock
        .advance(to_half_a_day_before.to_std().unwrap());
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &booker.token,
                "reservation.cancel",
                json!({"id": mine})
            )
            .await
        ),
        BookingRefusal::CancelDeadlinePassed {
            cancel_minutes_before: 1440
        }
    );
    applied(
        &mutate(
            server,
            &owner.token,
            "reservation.cancel",
            json!({"id": mine}),
        )
        .await,
    );
    let seen = reservations_seen(server, &booker.token).await;
    assert_eq!(seen[0].status, ReservationStatus::Cancelled);
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &owner.token,
                "reservation.cancel",
                json!({"id": mine})
            )
            .await
        ),
        BookingRefusal::NotActive
    );
}

pub async fn an_unchecked_booking_is_released_after_its_grace_period(server: &TestServer) {
    let owner = server.register("owner").await;
    let late = server.register("late").await;
    let punctual = server.register("punctual").await;
    let next = server.register("next").await;
    let room = bookable_room(
        server,
        &owner.token,
        json!({"check_in": {"opens_before_minutes": 15, "grace_minutes": 15}}),
    )
    .await;
    let (start, end) = (seoul(1, "10:00"), seoul(1, "11:00"));
    let (no_show, args) = request(room, start, end);
    applied(&mutate(server, &late.token, "reservation.request", args).await);
    let (kept, args) = request(room, seoul(1, "12:00"), seoul(1, "13:00"));
    applied(&mutate(server, &punctual.token, "reservation.request", args).await);
    // Too early to check in.
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &late.token,
                "reservation.check_in",
                json!({"id": no_show})
            )
            .await
        ),
        BookingRefusal::CheckInClosed
    );
    // The clock moves to 10:20 on the day: the grace period (until 10:15) is over.
    let until_then = (start + Duration::minutes(20)) - Utc::now();
    server.state.clock.advance(until_then.to_std().unwrap());
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &late.token,
                "reservation.check_in",
                json!({"id": no_show})
            )
            .await
        ),
        BookingRefusal::NotActive
    );
    // The slot is bookable again (10:30–11:00 is still ahead).
    let (_, args) = request(room, seoul(1, "10:30"), seoul(1, "11:00"));
    applied(&mutate(server, &next.token, "reservation.request", args).await);
    let seen = reservations_seen(server, &late.token).await;
    assert_eq!(seen[0].status, ReservationStatus::Released);
    // At 11:50 the punctual booker checks in, and keeps the booking past 12:15.
    server
        .state
        .clock
        .advance(std::time::Duration::from_secs(90 * 60));
    applied(
        &mutate(
            server,
            &punctual.token,
            "reservation.check_in",
            json!({"id": kept}),
        )
        .await,
    );
    server
        .state
        .clock
        .advance(std::time::Duration::from_secs(30 * 60));
    let (_, args) = request(room, seoul(1, "12:30"), seoul(1, "13:00"));
    assert!(matches!(
        mutate(server, &next.token, "reservation.request", args).await,
        MutationOutcome::Bumped { .. }
    ));
    let seen = reservations_seen(server, &punctual.token).await;
    assert_eq!(seen[0].status, ReservationStatus::Confirmed);
    assert!(seen[0].checked_in_at.is_some());
}

pub async fn a_booking_reaches_only_its_booker_and_the_owner(server: &TestServer) {
    let owner = server.register("owner").await;
    let booker = server.register("booker").await;
    let stranger = server.register("stranger").await;
    let room = bookable_room(server, &owner.token, json!({})).await;
    let (id, mut args) = request(room, seoul(1, "15:00"), seoul(1, "16:00"));
    args["note"] = json!("생일 파티 / birthday party");
    let series = Uuid::now_v7();
    args["series_id"] = json!(series);
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    for token in [&booker.token, &owner.token] {
        let seen = reservations_seen(server, token).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].id.0, id);
        assert_eq!(seen[0].series_id, Some(series));
    }
    // The stranger gets no record, no tombstone, and no word of the note anywhere.
    let all = pull(
        server,
        &stranger.token,
        "resource,reservation,booking_calendar",
    )
    .await;
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains(&id.to_string()), "{text}");
    assert!(!text.contains("birthday"), "{text}");
    assert!(!text.contains(&booker.account.id.to_string()), "{text}");
    // Nor can they check it in.
    assert_eq!(
        refused_with(
            &mutate(
                server,
                &stranger.token,
                "reservation.check_in",
                json!({"id": id})
            )
            .await
        ),
        BookingRefusal::NotFound
    );
    // Cancelled, it stays with its people as cancelled; the stranger still learns nothing.
    applied(
        &mutate(
            server,
            &booker.token,
            "reservation.cancel",
            json!({"id": id}),
        )
        .await,
    );
    let text = serde_json::to_string(&pull(server, &stranger.token, "reservation").await).unwrap();
    assert!(!text.contains(&id.to_string()), "{text}");
    assert_eq!(
        reservations_seen(server, &owner.token).await[0].status,
        ReservationStatus::Cancelled
    );
}

/// Clients racing through HTTP for overlapping times of a room with `units` units: the
/// owner's view of every booking afterwards never has more than `units` at one instant.
async fn race(
    server: &TestServer,
    owner: &SignedIn,
    people: &[Arc<SignedIn>],
    units: u32,
    clients: usize,
) {
    let room = bookable_room(server, &owner.token, json!({"units": units})).await;
    let people = &people[..clients.min(people.len())];
    let base = seoul(1, "09:00");
    let mut tasks = Vec::new();
    for i in 0..clients {
        let person = people[i % people.len()].clone();
        let http = server.http.clone();
        let url = server.url("/v1/sync/mutations");
        // Overlapping hours starting every 30 minutes over a 3-hour window.
        let start = base + Duration::minutes(30 * (i % 6) as i64);
        let (_, args) = request(room, start, start + Duration::hours(1));
        tasks.push(tokio::spawn(async move {
            let body = json!({"mutations": [{"idempotency_key": Uuid::now_v7().to_string(),
                "name": "reservation.request", "args": args}]});
            let answer: MutationResults = http
                .post(url)
                .bearer_auth(&person.token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer.results[0].outcome.clone()
        }));
    }
    let mut confirmed = 0;
    for task in tasks {
        match task.await.unwrap() {
            MutationOutcome::Applied { .. } => confirmed += 1,
            MutationOutcome::Bumped { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    let held: Vec<Hold> = reservations_seen(server, &owner.token)
        .await
        .iter()
        .filter(|r| r.resource_id.0 == room && r.status.holds())
        .map(|r| Hold {
            start: r.start,
            end: r.end,
            until: r.end,
            units: r.units,
        })
        .collect();
    assert_eq!(held.len(), confirmed);
    assert!(confirmed >= 1);
    let most = most_units_held(&held, base, base + Duration::hours(4));
    assert!(
        most <= units,
        "{most} units held at once of {units}, {clients} clients"
    );
    if clients >= 8 {
        // Enough requests came for every unit to be taken at some instant.
        assert_eq!(most, units, "{clients} clients");
    }
}

pub async fn racing_clients_never_double_book(server: &TestServer) {
    let owner = server.register("owner").await;
    // A handful of people (registering is slow and rate-limited by design), racing with
    // many requests at once.
    let mut people = Vec::new();
    for i in 0..8 {
        people.push(Arc::new(server.register(&format!("racer{i}")).await));
    }
    for units in [1, 3] {
        for clients in [1, 8, 64, 256] {
            race(server, &owner, &people, units, clients).await;
        }
    }
}

/// Reads a calendar file with Python's icalendar (`SHAREHUB_PYTHON`, set by
/// scripts/test.sh from scripts/test-venv.sh), which also checks CRLF and line lengths.
fn parsed_by_icalendar(file: &[u8]) -> Value {
    let python = std::env::var("SHAREHUB_PYTHON").unwrap_or_else(|_| {
        panic!(
            "SHAREHUB_PYTHON is not set: the calendar tests read files with Python's icalendar. \
             Run `export SHAREHUB_PYTHON=$(scripts/test-venv.sh)` first (scripts/test.sh does)."
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bookings.ics");
    std::fs::write(&path, file).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check_ics.py");
    let output = std::process::Command::new(python)
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "icalendar refused the file: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(file)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

pub async fn bookings_download_as_calendar_files_and_a_private_feed(server: &TestServer) {
    let owner = server.register("owner").await;
    let booker = server.register("booker").await;
    let stranger = server.register("stranger").await;
    let room = bookable_room(server, &owner.token, json!({})).await;
    let (kept, args) = request(room, seoul(1, "10:00"), seoul(1, "11:30"));
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    let (cancelled, args) = request(room, seoul(2, "14:00"), seoul(2, "15:00"));
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    applied(
        &mutate(
            server,
            &booker.token,
            "reservation.cancel",
            json!({"id": cancelled}),
        )
        .await,
    );

    // One booking's file, in English: the booker and the owner may fetch it, no one else.
    let path = format!("/v1/reservations/{kept}/calendar.ics?lang=en");
    let file = server
        .get(&path, Some(&booker.token))
        .await
        .expect(StatusCode::OK);
    assert!(
        file.content_type.starts_with("text/calendar"),
        "{}",
        file.content_type
    );
    let read = parsed_by_icalendar(&file.body);
    assert_eq!(read["version"], "2.0");
    assert_eq!(read["events"].as_array().unwrap().len(), 1);
    let event = &read["events"][0];
    assert_eq!(event["uid"], format!("{kept}@sharehub"));
    assert_eq!(event["summary"], "Meeting room");
    assert_eq!(event["status"], "CONFIRMED");
    let start: DateTime<Utc> = event["start"].as_str().unwrap().parse().unwrap();
    assert_eq!(start, seoul(1, "10:00"));
    server
        .get(&path, Some(&owner.token))
        .await
        .expect(StatusCode::OK);
    server
        .get(&path, Some(&stranger.token))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    server
        .get(&path, None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");

    // The private feed: both bookings, the cancelled one as cancelled with a higher
    // SEQUENCE; a move bumps the SEQUENCE and keeps the UID.
    let feed: sharehub_core::wire::CalendarFeed = server
        .post("/v1/calendar-feed", Some(&booker.token), json!({}))
        .await
        .expect(StatusCode::CREATED)
        .json();
    let events = |body: &[u8]| {
        parsed_by_icalendar(body)["events"]
            .as_array()
            .unwrap()
            .clone()
    };
    let first = events(
        &server
            .get(&feed.path, None)
            .await
            .expect(StatusCode::OK)
            .body,
    );
    assert_eq!(first.len(), 2);
    let by_uid = |events: &[Value], id: Uuid| {
        events
            .iter()
            .find(|e| e["uid"] == format!("{id}@sharehub"))
            .cloned()
            .unwrap()
    };
    assert_eq!(by_uid(&first, cancelled)["status"], "CANCELLED");
    assert_eq!(by_uid(&first, kept)["summary"], "공구 Meeting room");
    let moved = json!({"id": kept, "start": seoul(1, "12:00"), "end": seoul(1, "13:00")});
    applied(&mutate(server, &booker.token, "reservation.move", moved).await);
    let second = events(
        &server
            .get(&feed.path, None)
            .await
            .expect(StatusCode::OK)
            .body,
    );
    assert!(by_uid(&second, kept)["sequence"].as_i64() > by_uid(&first, kept)["sequence"].as_i64());
    // A new feed replaces the old path; revoking ends it; a made-up path finds nothing.
    let renewed: sharehub_core::wire::CalendarFeed = server
        .post("/v1/calendar-feed", Some(&booker.token), json!({}))
        .await
        .expect(StatusCode::CREATED)
        .json();
    assert_ne!(renewed.path, feed.path);
    server
        .get(&feed.path, None)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    server
        .delete("/v1/calendar-feed", Some(&booker.token))
        .await
        .expect(StatusCode::NO_CONTENT);
    server
        .get(&renewed.path, None)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    server
        .get(
            "/v1/calendar-feeds/00000000000000000000000000000000.ics",
            None,
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

/// What a pull since `since` says of resource `id`: `Some(Ok(address))` the record with
/// its address, `Some(Err(reason))` a tombstone, `None` nothing.
async fn resource_news(
    server: &TestServer,
    token: &str,
    since: u64,
    id: Uuid,
) -> (
    Option<Result<String, sharehub_core::wire::TombstoneReason>>,
    u64,
) {
    let page: ChangesPage = server
        .get(
            &format!("/v1/sync/changes?since={since}&limit=5000&kinds=resource"),
            Some(token),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    let news = page
        .changes
        .into_iter()
        .rev()
        .find_map(|change| match change {
            Change::Resource { record, .. } if record.resource.id.0 == id => {
                Some(Ok(record.resource.address.en.clone()))
            }
            Change::Tombstone {
                id: gone, reason, ..
            } if gone == id => Some(Err(reason)),
            _ => None,
        });
    (news, page.next_since)
}

pub async fn the_exact_spot_reaches_only_people_with_a_confirmed_booking(server: &TestServer) {
    let owner = server.register("owner").await;
    let booker = server.register("booker").await;
    let stranger = server.register("stranger").await;
    let mut spot = resource_json("Parking behind the bakery");
    spot["kind"] = json!("parking_space");
    spot["visibility"] = json!("confirmed_bookers");
    spot["address"]["en"] = json!("12 Secret-gil, gate code 4711");
    let id: Uuid = serde_json::from_value(spot["id"].clone()).unwrap();
    server
        .post("/v1/resources", Some(&owner.token), spot.clone())
        .await
        .expect(StatusCode::CREATED);
    applied(
        &mutate(
            server,
            &owner.token,
            "booking.set_rules",
            json!({"resource_id": id, "rules": {"approval_required": true}}),
        )
        .await,
    );
    // Before any booking, neither resident receives it.
    let (news, mut cursor) = resource_news(server, &booker.token, 0, id).await;
    assert_eq!(news, None);
    // A pending request is not enough; the owner's approval is.
    let (booking, args) = request(id, seoul(1, "10:00"), seoul(1, "12:00"));
    applied(&mutate(server, &booker.token, "reservation.request", args).await);
    let (news, next) = resource_news(server, &booker.token, cursor, id).await;
    assert_eq!(news, None);
    cursor = next;
    let approve = json!({"id": booking, "approve": true});
    applied(&mutate(server, &owner.token, "reservation.decide", approve).await);
    let (news, next) = resource_news(server, &booker.token, cursor, id).await;
    assert_eq!(news, Some(Ok("12 Secret-gil, gate code 4711".to_owned())));
    cursor = next;
    // The owner's edit still reaches the booker; the stranger never hears of the spot.
    spot["address"]["en"] = json!("12 Secret-gil, gate code 9090");
    server
        .put(&format!("/v1/resources/{id}"), Some(&owner.token), spot)
        .await
        .expect(StatusCode::OK);
    let (news, next) = resource_news(server, &booker.token, cursor, id).await;
    assert_eq!(news, Some(Ok("12 Secret-gil, gate code 9090".to_owned())));
    cursor = next;
    let all = pull(
        server,
        &stranger.token,
        "resource,reservation,booking_calendar",
    )
    .await;
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains("Secret-gil") && !text.contains("bakery"),
        "{text}"
    );
    // Cancelled: the booker's device is told to drop it.
    applied(
        &mutate(
            server,
            &booker.token,
            "reservation.cancel",
            json!({"id": booking}),
        )
        .await,
    );
    let (news, _) = resource_news(server, &booker.token, cursor, id).await;
    assert_eq!(
        news,
        Some(Err(sharehub_core::wire::TombstoneReason::NoLongerVisible))
    );
}
