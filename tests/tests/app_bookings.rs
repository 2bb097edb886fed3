//! Booking in the real app against the real server (in this process, over SQLite): the
//! owner sets rules on a room through the API (a device of theirs, not the UI); a resident
//! signs in through the UI, sees the day view with the rules, books a free time and finds
//! it in My bookings; another resident takes a time first, so the app's request for it is
//! bumped, the app shows other times, one tap books one, and My bookings shows it
//! confirmed; cancelling asks first. Everything fits a 390 px phone without sideways scrolling. And an owner
//! signed in to the app approves one request and declines another, with a reason, from
//! the requests inbox; the residents' devices hear the decisions.

use anyhow::{bail, ensure, Context, Result};
use chrono::{Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sharehub_core::booking::ReservationId;
use sharehub_core::booking::{BookingRules, BookingState};
use sharehub_core::ipc::{BookingRulesSetArgs, ReservationRequestArgs};
use sharehub_core::wire::Role;
use sharehub_core::{LocalizedText, Pricing, ResourceKind};
use sharehub_e2e::fixtures::{login, resource, small_pages, PASSWORD};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_e2e::wait::{self, LONG};
use sharehub_e2e::{run_app_test, App, LaunchOptions};
use sharehub_local::SyncEngine;

const ROOM_EN: &str = "Mangwon meeting room";

fn device(hub: &Hub, dir: &tempfile::TempDir, name: &str) -> Result<SyncEngine> {
    Ok(SyncEngine::open(
        &dir.path().join(format!("{name}.db")),
        &hub.url(),
        small_pages(),
    )?)
}

/// Opens the room's page and shows the day `day` days from today with `minutes`.
async fn open_day_view(app: &App, room: &str, day: usize, minutes: u32) -> Result<()> {
    app.navigate(&format!("/resources/{room}")).await?;
    app.until_within("the day view is shown", LONG, async || {
        Ok(app.text_of("[data-test=booking-panel]").await?.map(|_| ()))
    })
    .await?;
    for _ in 0..day {
        app.click("[data-test=day-next]").await?;
    }
    app.wait_for("[data-test=duration-select]")
        .await?
        .select_by_value(&minutes.to_string())
        .await?;
    app.until("the chosen day and duration are shown", async || {
        let day_shown = app
            .js("return document.querySelector('[data-test=day-select]').value")
            .await?;
        let minutes_shown = app
            .js("return document.querySelector('[data-test=duration-select]').value")
            .await?;
        Ok((day_shown.as_str() == Some(&day.to_string())
            && minutes_shown.as_str() == Some(&minutes.to_string()))
        .then_some(()))
    })
    .await
}

/// Chooses the start `time` and presses Book; the state the result shows at once.
async fn book(app: &App, time: &str) -> Result<String> {
    let slot = format!("[data-test=slot][data-time=\"{time}\"]");
    app.click(&slot).await?;
    app.until("the time is chosen", async || {
        Ok((app.attr_of(&slot, "aria-pressed").await?.as_deref() == Some("true")).then_some(()))
    })
    .await?;
    app.click("[data-test=book-button]").await?;
    app.until("the booking is shown", async || {
        if let Some(error) = app.text_of("[data-test=booking-error]").await? {
            bail!("booking failed: {error}");
        }
        app.attr_of("[data-test=booking-result]", "data-state")
            .await
    })
    .await
}

/// The rows of My bookings as (section, state, when) texts.
async fn my_bookings(app: &App) -> Result<Vec<(String, String, String)>> {
    let rows = app
        .js(
            "return [...document.querySelectorAll('[data-test=booking-row]')].map(r => [
                r.closest('section').dataset.test, r.dataset.state,
                r.querySelector('[data-test=booking-when]').innerText])",
        )
        .await?;
    let rows = rows.as_array().context("rows")?;
    Ok(rows
        .iter()
        .map(|row| {
            let text = |i: usize| row[i].as_str().unwrap_or_default().to_owned();
            (text(0), text(1), text(2))
        })
        .collect())
}

async fn fits_a_phone(app: &App, what: &str) -> Result<()> {
    let (scroll, inner) = app.phone_widths().await?;
    ensure!(
        scroll <= inner,
        "{what} is {scroll}px wide in a {inner}px window"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_books_a_room_in_the_app_and_takes_another_time_after_a_bump() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await.unwrap();
    let owner = hub.account("owner", Role::Resident).await.unwrap();
    let resident = hub.account("resident", Role::Resident).await.unwrap();
    let rival = hub.account("rival", Role::Resident).await.unwrap();

    // The owner shares a room and sets its rules from their own device (the API).
    let owners = device(&hub, &dir, "owner").unwrap();
    owners.sign_in(&login(&owner)).await.unwrap();
    let mut room = resource(1, &mut StdRng::seed_from_u64(9));
    room.kind = ResourceKind::Room;
    room.name = LocalizedText::new("망원 회의실", ROOM_EN);
    room.pricing = Pricing::PerPeriod {
        amount_krw: 3000,
        period_minutes: 60,
    };
    room.schedule = None;
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
    let rivals = device(&hub, &dir, "rival").unwrap();
    rivals.sign_in(&login(&rival)).await.unwrap();
    rivals.run_once().await.unwrap();

    // Two days from now (Seoul), so every time of the day is still ahead.
    let day = Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        + Duration::days(2);
    let at = |hour: u32| {
        chrono_tz::Asia::Seoul
            .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let contested = at(10);

    let resident_login = login(&resident).login;
    let room_text = room_id.to_string();
    let (hub_ref, rivals_ref) = (&hub, &rivals);
    run_app_test(
        "a_resident_books_a_room_in_the_app_and_takes_another_time_after_a_bump",
        LaunchOptions {
            locale: "en_US.UTF-8".into(),
            data_dir: None,
            env: vec![("SHAREHUB_SERVER_URL".into(), hub_ref.url())],
        },
        async |app| {
            app.sign_in(&resident_login, PASSWORD).await?;
            app.wait_for("[data-test=signed-in-as]").await?;

            // The day view: the rules, as of the last sync, the price of the length chosen.
            open_day_view(app, &room_text, 2, 60).await?;
            let rules = app
                .text_of("[data-test=booking-rules]")
                .await?
                .unwrap_or_default();
            ensure!(
                rules.contains("Length of a booking")
                    && rules.contains("30 minutes to 4 hours, in steps of 30 minutes")
                    && rules.contains("Bookings are confirmed at once."),
                "rules: {rules:?}"
            );
            let as_of = app.text_of("[data-test=booking-as-of]").await?;
            ensure!(
                as_of.as_deref().is_some_and(|t| t.contains("as of the last sync")
                    && !t.contains("not synced yet")),
                "{as_of:?}"
            );
            app.until("the price of an hour is shown", async || {
                let price = app.text_of("[data-test=booking-price]").await?;
                Ok(price
                    .is_some_and(|p| p.contains("Total price") && p.contains("₩3,000"))
                    .then_some(()))
            })
            .await?;
            let free = app
                .attr_of("[data-test=slot][data-time=\"14:00\"]", "data-free")
                .await?;
            ensure!(free.as_deref() == Some("true"), "14:00 is free: {free:?}");
            // The room is always open: every half hour of the day is a large button.
            let slots = app.find_all("[data-test=slot]").await?;
            ensure!(slots.len() == 48, "{} starts listed", slots.len());
            let height = app
                .js("return document.querySelector('[data-test=slot]').getBoundingClientRect().height")
                .await?
                .as_f64()
                .unwrap_or_default();
            ensure!(height >= 44.0, "a start time is {height}px high");

            // A free time: shown at once, tentative or (already answered) confirmed.
            let state = book(app, "14:00").await?;
            ensure!(
                state == "tentative" || state == "confirmed",
                "the booking shows {state}"
            );
            let words = app
                .text_of("[data-test=booking-result]")
                .await?
                .unwrap_or_default();
            ensure!(
                words.contains("It will be confirmed when you are online.")
                    || words.contains("Your booking is confirmed."),
                "{words:?}"
            );
            app.click("[data-test=to-my-bookings]").await?;
            app.until_within("My bookings shows it confirmed", LONG, async || {
                let rows = my_bookings(app).await?;
                Ok(rows
                    .iter()
                    .any(|(section, state, when)| {
                        section == "bookings-upcoming"
                            && state == "confirmed"
                            && when.contains("14:00–15:00")
                    })
                    .then_some(()))
            })
            .await?;
            let name = app.text_of("[data-test=booking-name]").await?;
            ensure!(name.as_deref() == Some(ROOM_EN), "{name:?}");

            // Someone else takes 10:00 first; the app asks for it too (whether or not it
            // has heard of the other booking yet, the server decides).
            let taken = rivals_ref
                .with_db(move |db| {
                    db.request_booking(&ReservationRequestArgs {
                        resource_id: room_id,
                        start: contested,
                        end: contested + Duration::hours(1),
                        units: 1,
                        organisation_id: None,
                        note: String::new(),
                    })
                })
                .await?;
            ensure!(rivals_ref.run_once().await?.pushed == 1);
            let rival_booking = rivals_ref
                .with_db(move |db| db.store().booking(taken.booking.id))
                .await?;
            ensure!(rival_booking.state == BookingState::Confirmed);

            open_day_view(app, &room_text, 2, 60).await?;
            book(app, "10:00").await?;
            app.navigate("/bookings").await?;
            let alternative = app
                .until_within("the bumped request shows other times", LONG, async || {
                    app.text_of(
                        "[data-test=bookings-needs-attention] [data-test=alternative-words]",
                    )
                    .await
                })
                .await?;
            ensure!(
                alternative.starts_with(ROOM_EN) && !alternative.contains("10:00–11:00"),
                "offered {alternative:?}"
            );
            let bumped = app.text_of("[data-test=bumped-heading]").await?;
            ensure!(
                bumped.as_deref() == Some("Someone else booked that time first"),
                "{bumped:?}"
            );
            let count = app
                .until("the header counts it", async || {
                    app.text_of("[data-test=bookings-attention-count]").await
                })
                .await?;
            ensure!(count == "1", "header says {count:?}");
            app.client.set_window_size(390, 844).await?;
            fits_a_phone(app, "My bookings with other times").await?;
            app.screenshot("bookings-bumped-phone").await?;

            // One tap books the other time; My bookings shows it confirmed.
            let when = alternative
                .split(" · ")
                .nth(1)
                .context("the time of the alternative")?
                .to_owned();
            app.click("[data-test=take-alternative]").await?;
            app.until_within("the other time is confirmed", LONG, async || {
                let rows = my_bookings(app).await?;
                let confirmed = rows.iter().any(|(section, state, shown)| {
                    section == "bookings-upcoming" && state == "confirmed" && *shown == when
                });
                let bumped = rows.iter().any(|(section, ..)| section == "bookings-needs-attention");
                Ok((confirmed && !bumped).then_some(()))
            })
            .await?;
            fits_a_phone(app, "My bookings").await?;
            app.screenshot("bookings-confirmed-phone").await?;

            // Cancelling asks first; "keep" keeps it, confirming cancels it.
            let first = app
                .js("const r = [...document.querySelectorAll('[data-test=booking-row]')]
                        .find(r => r.innerText.includes('14:00–15:00'));
                     return r ? r.dataset.id : null;")
                .await?;
            let row = format!(
                "[data-test=booking-row][data-id=\"{}\"]",
                first.as_str().context("the 14:00 booking's row")?
            );
            app.click(&format!("{row} [data-test=cancel-booking]")).await?;
            let asked = app
                .wait_for(&format!("{row} [data-test=cancel-confirm-step]"))
                .await?
                .text()
                .await?;
            ensure!(asked.contains("Cancel this booking?"), "{asked:?}");
            app.click(&format!("{row} [data-test=cancel-keep]")).await?;
            app.wait_for(&format!("{row} [data-test=cancel-booking]")).await?;
            app.click(&format!("{row} [data-test=cancel-booking]")).await?;
            app.click(&format!("{row} [data-test=cancel-confirm]")).await?;
            app.until_within("the cancelled booking is in the past", LONG, async || {
                let rows = my_bookings(app).await?;
                Ok(rows
                    .iter()
                    .any(|(section, state, when)| {
                        section == "bookings-past"
                            && state == "cancelled"
                            && when.contains("14:00–15:00")
                    })
                    .then_some(()))
            })
            .await?;
            open_day_view(app, &room_text, 2, 60).await?;
            fits_a_phone(app, "the day view").await?;
            app.screenshot("day-view-phone").await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_approves_and_declines_requests_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await.unwrap();
    let owner = hub.account("owner", Role::Resident).await.unwrap();
    let asker = hub.account("asker", Role::Resident).await.unwrap();

    // A room the owner approves each booking of, shared from another device of theirs.
    let owners = device(&hub, &dir, "owner").unwrap();
    owners.sign_in(&login(&owner)).await.unwrap();
    let mut room = resource(2, &mut StdRng::seed_from_u64(11));
    room.kind = ResourceKind::Room;
    room.name = LocalizedText::new("망원 회의실", ROOM_EN);
    room.schedule = None;
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
                    approval_required: true,
                    ..BookingRules::default()
                }),
            })?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(owners.run_once().await.unwrap().pushed, 2);

    // Someone asks for two times; both wait for the owner.
    let askers = device(&hub, &dir, "asker").unwrap();
    askers.sign_in(&login(&asker)).await.unwrap();
    askers.run_once().await.unwrap();
    let day = Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        + Duration::days(3);
    let at = |hour: u32| {
        chrono_tz::Asia::Seoul
            .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let mut asked = Vec::new();
    for (hour, note) in [(9, "동네 모임"), (15, "스터디")] {
        let start = at(hour);
        let requested = askers
            .with_db(move |db| {
                db.request_booking(&ReservationRequestArgs {
                    resource_id: room_id,
                    start,
                    end: start + Duration::hours(1),
                    units: 1,
                    organisation_id: None,
                    note: note.into(),
                })
            })
            .await
            .unwrap();
        asked.push(requested.booking.id);
    }
    assert_eq!(askers.run_once().await.unwrap().pushed, 2);
    let state_of = async |id: ReservationId| {
        askers
            .with_db(move |db| db.store().booking(id))
            .await
            .map(|row| (row.state, row.decision_reason))
    };
    assert_eq!(state_of(asked[0]).await.unwrap().0, BookingState::Pending);

    let owner_login = login(&owner).login;
    let (hub_ref, askers_ref, asked_ref) = (&hub, &askers, &asked);
    run_app_test(
        "an_owner_approves_and_declines_requests_in_the_app",
        LaunchOptions {
            locale: "en_US.UTF-8".into(),
            data_dir: None,
            env: vec![("SHAREHUB_SERVER_URL".into(), hub_ref.url())],
        },
        async |app| {
            app.sign_in(&owner_login, PASSWORD).await?;
            app.wait_for("[data-test=signed-in-as]").await?;
            app.click("[data-test=bookings-link]").await?;
            let request = |id: ReservationId| format!("[data-test=request-row][data-id=\"{id}\"]");
            let (approved, declined) = (request(asked_ref[0]), request(asked_ref[1]));
            app.until_within("both requests are in the inbox", LONG, async || {
                let first = app.text_of(&approved).await?;
                let second = app.text_of(&declined).await?;
                Ok(first.zip(second))
            })
            .await
            .and_then(|(first, second)| {
                ensure!(
                    first.contains(ROOM_EN)
                        && first.contains("09:00–10:00")
                        && first.contains("동네 모임"),
                    "{first:?}"
                );
                ensure!(second.contains("15:00–16:00"), "{second:?}");
                Ok(())
            })?;
            app.client.set_window_size(390, 844).await?;
            fits_a_phone(app, "the requests inbox").await?;

            app.click(&format!("{approved} [data-test=approve]"))
                .await?;
            app.click(&format!("{declined} [data-test=decline]"))
                .await?;
            app.type_into(
                &format!("{declined} [data-test=decline-reason]"),
                "That day the room is being painted",
            )
            .await?;
            app.click(&format!("{declined} [data-test=decline-confirm]"))
                .await?;
            app.until_within("the inbox is empty", LONG, async || {
                Ok(app.text_of("[data-test=no-requests]").await?.map(|_| ()))
            })
            .await?;

            // The asker's device hears both decisions from the server.
            wait::until("the asker's device has both answers", LONG, async || {
                askers_ref.run_once().await?;
                let first = state_of(asked_ref[0]).await?;
                let second = state_of(asked_ref[1]).await?;
                Ok(
                    (first.0 == BookingState::Confirmed && second.0 == BookingState::Declined)
                        .then_some(second.1),
                )
            })
            .await
            .and_then(|reason| {
                ensure!(
                    reason.as_deref() == Some("That day the room is being painted"),
                    "{reason:?}"
                );
                Ok(())
            })
        },
    )
    .await;
}
