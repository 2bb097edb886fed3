//! `cargo run --release -p sharehub-local --example availability_bench -- [bookings]`: the
//! day grid of one resource's week (`Store::availability`, 7 days × 30-minute steps,
//! 60-minute bookings) on a device holding 10,000 bookings by default: half of them on
//! that resource (a 6-desk office, so its public calendar has that many busy spans), a
//! tenth of all of them the person's own (weekly-hours quota), a few tentative requests.
//! Target: ≤ 1 ms.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use sharehub_core::booking::{
    BookingCalendar, BookingRules, BusySpan, Quota, Reservation, ReservationId, ReservationStatus,
};
use sharehub_core::ipc::{AvailabilityArgs, ReservationRequestArgs};
use sharehub_core::resource::{Pricing, Visibility};
use sharehub_core::wire::{AccountId, Change, ChangesPage, ResourceView};
use sharehub_core::{GeoPoint, LocalizedText, Resource, ResourceId, ResourceKind};
use sharehub_local::SyncStore;

const RESOURCES: u128 = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10_000);
    let me = AccountId(uuid::Uuid::from_u128(0xA));
    let owner = AccountId(uuid::Uuid::from_u128(0xB));
    let mut state = 2026_u64;
    let mut random = move |bound: u64| {
        // SplitMix64: reproducible without a dependency.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % bound.max(1)
    };
    let dir = tempfile::tempdir()?;
    let mut store = SyncStore::open(&dir.path().join("device.db"))?;
    store.set_account(me)?;

    let schedule: sharehub_core::resource::WeeklySchedule =
        serde_json::from_value(serde_json::json!({"zone": "Asia/Seoul", "slots": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "08:00", "closes": "22:00"},
            {"days": ["sat", "sun"], "opens": "10:00", "closes": "18:00"}]}))?;
    let rules = BookingRules {
        slot_minutes: 30,
        min_minutes: 30,
        max_minutes: 240,
        book_ahead_days: 365,
        buffer_minutes: 15,
        units: 6,
        per_person: Quota {
            hours_per_week: Some(40),
            active_bookings: None,
        },
        ..BookingRules::default()
    };
    let resource_id = |n: u128| ResourceId(uuid::Uuid::from_u128(0x1000 + n));
    let mut changes: Vec<Change> = Vec::new();
    let mut seq = 0;
    let next = |seq: &mut u64| {
        *seq += 1;
        *seq
    };
    for n in 0..RESOURCES {
        let text =
            |ko: &str, en: &str| LocalizedText::new(format!("{ko} {n}"), format!("{en} {n}"));
        changes.push(Change::Resource {
            seq: next(&mut seq),
            record: Box::new(ResourceView {
                resource: Resource {
                    id: resource_id(n),
                    kind: ResourceKind::Workspace,
                    name: text("공유 오피스", "Shared office"),
                    description: text("책상 6개", "Six desks"),
                    location: GeoPoint {
                        lat: 37.55,
                        lon: 126.91,
                    },
                    address: text("서울 마포구 월드컵로", "World Cup-ro, Mapo-gu"),
                    district: LocalizedText::new("마포구", "Mapo-gu"),
                    neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
                    owner_name: text("이웃", "Neighbor"),
                    pricing: Pricing::PerPeriod {
                        amount_krw: 3000,
                        period_minutes: 60,
                    },
                    capacity: Some(6),
                    schedule: Some(schedule.clone()),
                    visibility: Visibility::Public,
                },
                owner_id: owner,
                version: seq,
                exact: true,
            }),
        });
    }
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive();
    let midnight = |days: i64| {
        chrono_tz::Asia::Seoul
            .from_local_datetime(
                &(today + Duration::days(days))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
            )
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    let target = resource_id(0);
    let mut busy: Vec<Vec<BusySpan>> = vec![Vec::new(); RESOURCES as usize];
    for n in 0..count {
        // Half on the target resource, over the next year, 1–4 hours from 08:00.
        let on = if n % 2 == 0 {
            0
        } else {
            1 + u128::from(random(RESOURCES as u64 - 1))
        };
        let start =
            midnight(random(365) as i64 + 1) + Duration::minutes(8 * 60 + 30 * random(24) as i64);
        let end = start + Duration::minutes(30 * (2 + random(7)) as i64);
        let booker = if random(10) == 0 { me } else { owner };
        let units = 1 + random(2) as u32;
        busy[on as usize].push(BusySpan {
            start,
            until: end + Duration::minutes(15),
            units,
            lapses_at: None,
        });
        changes.push(Change::Reservation {
            seq: next(&mut seq),
            record: Box::new(Reservation {
                id: ReservationId(uuid::Uuid::from_u128(0x10_0000 + u128::from(n))),
                resource_id: resource_id(on),
                booker_id: booker,
                organisation_id: None,
                start,
                end,
                zone: "Asia/Seoul".into(),
                units,
                status: ReservationStatus::Confirmed,
                decision_reason: None,
                checked_in_at: None,
                price_krw: 3000,
                note: String::new(),
                series_id: None,
            }),
        });
    }
    for (n, spans) in busy.into_iter().enumerate() {
        changes.push(Change::BookingCalendar {
            seq: next(&mut seq),
            record: Box::new(BookingCalendar {
                resource_id: resource_id(n as u128),
                zone: "Asia/Seoul".into(),
                rules: rules.clone(),
                busy: spans,
            }),
        });
    }
    let loaded = Instant::now();
    let mut since = 0;
    for chunk in changes.chunks(5000) {
        let next_since = chunk.iter().filter_map(Change::seq).max().unwrap_or(since);
        let page = ChangesPage {
            changes: chunk.to_vec(),
            next_since,
            has_more: next_since < seq,
            latest_seq: Some(seq),
        };
        store.apply_page(since, &page)?;
        since = next_since;
    }
    let load_time = loaded.elapsed();
    // A few requests of the person's, not sent yet (they count as held).
    for day in [10, 11, 12] {
        let start = midnight(day) + Duration::hours(9);
        store.request_booking(&ReservationRequestArgs {
            resource_id: target,
            start,
            end: start + Duration::hours(2),
            units: 1,
            organisation_id: None,
            note: String::new(),
        })?;
    }
    let args = AvailabilityArgs {
        resource_id: target,
        from: today + Duration::days(9),
        days: 7,
        minutes: 60,
        units: 1,
    };
    let app = sharehub_local::Store::open(&dir.path().join("device.db"))?;
    let runs = 500;
    let mut timings = Vec::with_capacity(runs);
    let mut rows = 0;
    let mut free = 0;
    for _ in 0..runs {
        let now = Utc::now();
        let started = Instant::now();
        let availability = app.availability(&args, now)?;
        timings.push(started.elapsed());
        rows = availability
            .days
            .iter()
            .map(|d| d.rows.len())
            .sum::<usize>();
        free = availability
            .days
            .iter()
            .flat_map(|d| &d.rows)
            .filter(|r| r.is_bookable())
            .count();
        assert_eq!(availability.tentative_held, 3);
    }
    timings.sort();
    let at = |q: f64| timings[((timings.len() - 1) as f64 * q) as usize];
    let busy_spans: i64 = app.connection().query_row(
        "SELECT count(*) FROM booking_busy WHERE resource_id = ?1",
        [target.to_string()],
        |r| r.get(0),
    )?;
    let stored: i64 = app
        .connection()
        .query_row("SELECT count(*) FROM reservation", [], |r| r.get(0))?;
    println!(
        "{stored} bookings stored ({busy_spans} busy spans on the resource, loaded in {:.2} s); \
         availability of one week ({rows} rows, {free} free), {runs} runs: \
         p50 {:.0} µs, p95 {:.0} µs, min {:.0} µs, max {:.0} µs (target ≤ 1000 µs)",
        load_time.as_secs_f64(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.95).as_secs_f64() * 1e6,
        timings[0].as_secs_f64() * 1e6,
        timings[timings.len() - 1].as_secs_f64() * 1e6,
    );
    Ok(())
}
