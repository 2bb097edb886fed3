//! Bookings through the real server (in this process, over a SQLite file and over
//! PostgreSQL): rules set on the owner's device reach everyone's calendar; a request made
//! while not yet synced is tentative until the server answers; one that lost the time to
//! someone else is bumped with other times, and "book this one instead" gets one.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sharehub_core::booking::{BookingRules, BookingState};
use sharehub_core::ipc::{
    AvailabilityArgs, BookingRulesSetArgs, ChangeAction, ReservationRequestArgs,
    TakeAlternativeArgs,
};
use sharehub_core::wire::Role;
use sharehub_e2e::fixtures::{login, resource, small_pages};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_local::SyncEngine;

async fn device(hub: &Hub, dir: &tempfile::TempDir, name: &str) -> SyncEngine {
    SyncEngine::open(
        &dir.path().join(format!("{name}.db")),
        &hub.url(),
        small_pages(),
    )
    .unwrap()
}

async fn a_lost_time_is_bumped_with_other_times_and_one_of_them_is_booked(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let owner = hub.account("owner", Role::Resident).await.unwrap();
    let first = hub.account("first", Role::Resident).await.unwrap();
    let late = hub.account("late", Role::Resident).await.unwrap();

    let owners = device(&hub, &dir, "owner").await;
    owners.sign_in(&login(&owner)).await.unwrap();
    let room = resource(1, &mut StdRng::seed_from_u64(4));
    let room_id = room.id;
    owners
        .with_db(move |db| {
            db.create_resource(room)?;
            db.set_booking_rules(&BookingRulesSetArgs {
                resource_id: room_id,
                rules: Some(BookingRules {
                    slot_minutes: 30,
                    min_minutes: 30,
                    max_minutes: 240,
                    units: 1,
                    ..BookingRules::default()
                }),
            })?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(owners.run_once().await.unwrap().pushed, 2);

    let firsts = device(&hub, &dir, "first").await;
    firsts.sign_in(&login(&first)).await.unwrap();
    firsts.run_once().await.unwrap();
    let lates = device(&hub, &dir, "late").await;
    lates.sign_in(&login(&late)).await.unwrap();
    lates.run_once().await.unwrap();

    // Both ask for 10:00–11:00 (Seoul) the day after tomorrow; "late" has not synced since.
    let day = Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        + Duration::days(2);
    let start = chrono_tz::Asia::Seoul
        .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let ask = move || ReservationRequestArgs {
        resource_id: room_id,
        start,
        end: start + Duration::hours(1),
        units: 1,
        organisation_id: None,
        note: "회의 4명".into(),
    };
    let late_request = lates
        .with_db(move |db| db.request_booking(&ask()))
        .await
        .unwrap();
    assert_eq!(late_request.booking.state, BookingState::Tentative);
    assert_eq!(late_request.forecast, None, "free as of its last sync");
    let first_request = firsts
        .with_db(move |db| db.request_booking(&ask()))
        .await
        .unwrap();
    assert_eq!(firsts.run_once().await.unwrap().pushed, 1);
    let confirmed = firsts
        .with_db(move |db| db.store().booking(first_request.booking.id))
        .await
        .unwrap();
    assert_eq!(
        (confirmed.state, confirmed.waiting_for_server),
        (BookingState::Confirmed, false)
    );

    // "late" syncs: bumped, with other times of the same room, and the calendar now says
    // the asked time is taken.
    let report = lates.run_once().await.unwrap();
    assert_eq!(report.needs_attention, 1, "{report:?}");
    let (bumped, items, grid) = lates
        .with_db(move |db| {
            let grid = db.store().availability(
                &AvailabilityArgs {
                    resource_id: room_id,
                    from: day,
                    days: 1,
                    minutes: 60,
                    units: 1,
                },
                Utc::now(),
            )?;
            Ok((
                db.store().booking(late_request.booking.id)?,
                db.attention_items()?,
                grid,
            ))
        })
        .await
        .unwrap();
    assert_eq!(bumped.state, BookingState::Bumped);
    assert_eq!(bumped.note, "회의 4명");
    let asked_row = grid.days[0]
        .rows
        .iter()
        .find(|row| row.start == start)
        .unwrap();
    assert!(!asked_row.is_bookable(), "{asked_row:?}");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].action, ChangeAction::Book);
    let attention = items[0].booking.clone().unwrap();
    assert!(attention.bumped);
    assert!(!attention.alternatives.is_empty(), "{attention:?}");
    let other = attention.alternatives[0].clone();
    assert!(other.same_resource && other.start != start, "{other:?}");
    assert!(
        other.resource_name.is_some(),
        "named from the device's resources"
    );

    let taken = lates
        .with_db(move |db| {
            db.take_alternative(&TakeAlternativeArgs {
                entry: items[0].entry,
                resource_id: other.resource_id,
                start: other.start,
                end: other.end,
            })
        })
        .await
        .unwrap();
    assert_eq!(taken.booking.state, BookingState::Tentative);
    assert_eq!(taken.booking.note, "회의 4명", "kept as typed");
    assert_eq!(lates.run_once().await.unwrap().pushed, 1);
    let booked = lates
        .with_db(move |db| db.store().my_bookings(Utc::now()))
        .await
        .unwrap();
    assert_eq!(
        booked.upcoming.iter().map(|r| r.id).collect::<Vec<_>>(),
        [taken.booking.id]
    );
    assert!(booked.needs_attention.is_empty() && booked.tentative.is_empty());

    // The owner's device holds both bookings on its room.
    owners.run_once().await.unwrap();
    let seen = owners
        .with_db(move |db| {
            Ok(db
                .store()
                .connection()
                .query_row("SELECT count(*) FROM reservation", [], |r| {
                    r.get::<_, i64>(0)
                })?)
        })
        .await
        .unwrap();
    assert_eq!(seen, 2);
}

macro_rules! backend_suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

backend_suite!(a_lost_time_is_bumped_with_other_times_and_one_of_them_is_booked);
