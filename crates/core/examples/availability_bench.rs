//! How long availability takes for one resource's week with 10,000 holds stored.
//!
//! `cargo run --release -p sharehub-core --example availability_bench`
//!
//! The target is at most 1 ms for a week (`free_slots` or `day_grid` over seven days). Two
//! spreads of holds: a year of bookings (past and future) around the week of a six-desk
//! room, and every hold crowded into the 30 days one may book ahead (a 60-desk floor).

use std::hint::black_box;
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sharehub_core::booking::{
    day_grid, free_slots, nearest_free, parse_zone, BookingRules, BookingSituation, Hold, Quota,
};
use sharehub_core::resource::WeeklySchedule;

const HOLDS: usize = 10_000;

/// A small deterministic generator (no dependency for a bench).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn holds_spread(first: DateTime<Utc>, days: u64, seed: u64) -> Vec<Hold> {
    let mut random = Lcg(seed);
    (0..HOLDS)
        .map(|_| {
            let start = first + Duration::minutes((random.next(days * 48) * 30) as i64);
            let end = start + Duration::minutes(30 * (1 + random.next(6)) as i64);
            Hold {
                start,
                end,
                until: end + Duration::minutes(15),
                units: 1 + random.next(2) as u32,
            }
        })
        .collect()
}

/// The median of `runs` timings of `work`.
fn median(runs: usize, mut work: impl FnMut()) -> Elapsed {
    let mut times: Vec<Elapsed> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let zone = parse_zone("Asia/Seoul").expect("a known zone");
    let schedule: WeeklySchedule = serde_json::from_str(
        r#"{"slots":[{"days":["mon","tue","wed","thu","fri"],"opens":"08:00","closes":"22:00"},
                     {"days":["sat","sun"],"opens":"10:00","closes":"18:00"}]}"#,
    )
    .expect("a valid schedule");
    let six_desks = BookingRules {
        slot_minutes: 30,
        min_minutes: 30,
        max_minutes: 240,
        book_ahead_days: 30,
        buffer_minutes: 15,
        units: 6,
        per_person: Quota {
            hours_per_week: Some(20),
            active_bookings: None,
        },
        ..BookingRules::default()
    };
    let now: DateTime<Utc> = "2026-12-03T00:00:00Z".parse().expect("an instant");
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date");
    let sunday = monday + Duration::days(6);

    // Crowded into 30 days, 10,000 holds keep about 36 units busy: a 60-desk floor.
    let sixty_desks = BookingRules {
        units: 60,
        ..six_desks.clone()
    };
    let spreads = [
        (
            "a year around the week",
            &six_desks,
            holds_spread(now - Duration::days(180), 365, 1),
        ),
        (
            "all in the 30 days ahead",
            &sixty_desks,
            holds_spread(now, 30, 2),
        ),
    ];
    println!("availability of one resource's week, {HOLDS} holds stored, 30-minute steps");
    for (name, rules, holds) in &spreads {
        let person: Vec<Hold> = holds.iter().step_by(500).copied().collect();
        let situation = BookingSituation {
            rules,
            schedule: Some(&schedule),
            zone,
            now,
            resource_holds: holds,
            person_holds: &person,
            organisation_holds: &[],
            member_of: &[],
            organisation: None,
        };
        let slots = free_slots(&situation, monday, sunday, 60, 1);
        let free = median(201, || {
            black_box(free_slots(black_box(&situation), monday, sunday, 60, 1));
        });
        let grid = median(201, || {
            black_box(day_grid(black_box(&situation), monday, sunday, 60, 1));
        });
        let wanted = now + Duration::days(5) + Duration::hours(2);
        let nearest = median(201, || {
            black_box(nearest_free(black_box(&situation), wanted, 60, 1, 3));
        });
        println!(
            "{name:>26}: free_slots {:>7.1} µs ({} free), day_grid {:>7.1} µs, nearest_free(3) {:>7.1} µs",
            free.as_secs_f64() * 1e6,
            slots.len(),
            grid.as_secs_f64() * 1e6,
            nearest.as_secs_f64() * 1e6,
        );
    }
}
