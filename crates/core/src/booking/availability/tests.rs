use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::booking::check::most_units_held;
use crate::booking::{check_request, parse_zone, taken_until, BookingRules};
use crate::resource::{Day, WeeklySchedule};

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn hold(start: &str, end: &str, buffer: i64, units: u32) -> Hold {
    let (start, end) = (utc(start), utc(end));
    Hold {
        start,
        end,
        until: end + Duration::minutes(buffer),
        units,
    }
}

/// Everything a situation borrows, owned.
struct Fixture {
    rules: BookingRules,
    schedule: Option<WeeklySchedule>,
    zone: Tz,
    now: DateTime<Utc>,
    resource: Vec<Hold>,
    person: Vec<Hold>,
    organisation: Vec<Hold>,
    member_of: Vec<Uuid>,
    for_organisation: Option<Uuid>,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture {
            rules: BookingRules::default(),
            schedule: None,
            zone: parse_zone("Asia/Seoul").unwrap(),
            // Thursday 2026-12-03 09:00 in Seoul.
            now: utc("2026-12-03T00:00:00Z"),
            resource: Vec::new(),
            person: Vec::new(),
            organisation: Vec::new(),
            member_of: Vec::new(),
            for_organisation: None,
        }
    }
}

impl Fixture {
    fn situation(&self) -> BookingSituation<'_> {
        BookingSituation {
            rules: &self.rules,
            schedule: self.schedule.as_ref(),
            zone: self.zone,
            now: self.now,
            resource_holds: &self.resource,
            person_holds: &self.person,
            organisation_holds: &self.organisation,
            member_of: &self.member_of,
            organisation: self.for_organisation,
        }
    }
}

fn weekdays_9_to_18(zone: &str) -> WeeklySchedule {
    serde_json::from_value(serde_json::json!({
        "zone": zone,
        "slots": [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "18:00"}]
    }))
    .unwrap()
}

fn local_starts(slots: &[FreeSlot], zone: Tz) -> Vec<String> {
    slots
        .iter()
        .map(|slot| slot.start.with_timezone(&zone).format("%H:%M").to_string())
        .collect()
}

#[test]
fn free_slots_skip_closed_taken_and_buffered_times() {
    let fixture = Fixture {
        schedule: Some(weekdays_9_to_18("Asia/Seoul")),
        rules: BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            buffer_minutes: 30,
            ..BookingRules::default()
        },
        // Friday 2026-12-04 11:00–12:00 local (02:00–03:00Z), kept until 12:30.
        resource: vec![hold("2026-12-04T02:00:00Z", "2026-12-04T03:00:00Z", 30, 1)],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let friday = free_slots(&situation, date(2026, 12, 4), date(2026, 12, 4), 60, 1);
    // 10:00 would run into the hold once its own buffer is added; 12:00 starts inside the
    // hold's buffer; 17:00 is the last hour before closing.
    assert_eq!(
        local_starts(&friday, fixture.zone),
        ["09:00", "13:00", "14:00", "15:00", "16:00", "17:00"]
    );
    assert!(friday.iter().all(|slot| slot.free_units == 1));
    assert_eq!(friday[0].end - friday[0].start, Duration::hours(1));
    // Saturday and Sunday are closed.
    assert!(free_slots(&situation, date(2026, 12, 5), date(2026, 12, 6), 60, 1).is_empty());
    // A length off the step, or too long, gives nothing at all.
    assert!(free_slots(&situation, date(2026, 12, 4), date(2026, 12, 4), 90, 1).is_empty());
    assert!(free_slots(&situation, date(2026, 12, 4), date(2026, 12, 4), 300, 1).is_empty());
}

#[test]
fn free_slots_stay_inside_notice_and_book_ahead() {
    let fixture = Fixture {
        rules: BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            notice_minutes: 120,
            book_ahead_days: 2,
            ..BookingRules::default()
        },
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let slots = free_slots(&situation, date(2026, 11, 1), date(2026, 12, 31), 60, 1);
    // Now is 09:00 on the 3rd: the first start is 11:00, the last exactly two days on.
    assert_eq!(slots[0].start, utc("2026-12-03T02:00:00Z"));
    assert_eq!(slots.last().unwrap().start, utc("2026-12-05T00:00:00Z"));
    assert_eq!(slots.len(), 13 + 24 + 10);
}

#[test]
fn capacity_shows_as_free_units() {
    let fixture = Fixture {
        rules: BookingRules {
            units: 3,
            ..BookingRules::default()
        },
        resource: vec![
            hold("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z", 0, 2),
            hold("2026-12-04T01:30:00Z", "2026-12-04T02:30:00Z", 0, 1),
        ],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let grid = day_grid(&situation, date(2026, 12, 4), date(2026, 12, 4), 30, 1);
    let row = |local: NaiveTime| {
        grid[0]
            .rows
            .iter()
            .find(|row| row.local_time == local)
            .unwrap()
            .clone()
    };
    assert_eq!(row(hm(9, 30)).free_units, 3);
    assert_eq!(row(hm(10, 0)).free_units, 1);
    assert_eq!(row(hm(10, 30)).free_units, 0);
    assert_eq!(row(hm(10, 30)).refusal, Some(BookingRefusal::Taken));
    assert_eq!(row(hm(11, 0)).free_units, 2);
    // Asking for two units: 10:00 has only one free.
    let two = free_slots(&situation, date(2026, 12, 4), date(2026, 12, 4), 30, 2);
    assert!(two.iter().all(|slot| slot.free_units >= 2));
    assert!(!two
        .iter()
        .any(|slot| slot.start == utc("2026-12-04T01:00:00Z")));
    assert!(two
        .iter()
        .any(|slot| slot.start == utc("2026-12-04T02:00:00Z")));
}

#[test]
fn the_day_grid_says_why_each_row_cannot_be_booked() {
    let fixture = Fixture {
        schedule: Some(weekdays_9_to_18("Asia/Seoul")),
        rules: BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            book_ahead_days: 3,
            blocked: vec![crate::booking::BlockedDates {
                from: date(2026, 12, 4),
                to: date(2026, 12, 4),
                reason: "청소 / cleaning".into(),
            }],
            ..BookingRules::default()
        },
        resource: vec![hold("2026-12-03T03:00:00Z", "2026-12-03T04:00:00Z", 0, 1)],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let grid = day_grid(&situation, date(2026, 12, 3), date(2026, 12, 7), 60, 1);
    assert_eq!(grid.len(), 5);
    assert!(grid.iter().all(|day| day.rows.len() == 24));
    let thursday = &grid[0];
    let refusal = |day: &GridDay, hour: u32| day.rows[hour as usize].refusal.clone();
    assert_eq!(
        refusal(thursday, 8),
        Some(BookingRefusal::TooLate { notice_minutes: 0 })
    );
    assert_eq!(refusal(thursday, 9), None);
    assert_eq!(refusal(thursday, 12), Some(BookingRefusal::Taken));
    assert_eq!(refusal(thursday, 17), None);
    assert_eq!(refusal(thursday, 18), Some(BookingRefusal::Closed));
    assert!(thursday.rows[17].open && !thursday.rows[18].open);
    assert_eq!(thursday.bookable, 8);
    assert!(!thursday.closed_all_day);
    let friday = &grid[1];
    assert!(matches!(
        refusal(friday, 10),
        Some(BookingRefusal::Blocked { ref reason, .. }) if reason == "청소 / cleaning"
    ));
    assert_eq!(friday.bookable, 0);
    assert!(grid[2].closed_all_day && grid[3].closed_all_day);
    // Monday the 7th is past the three days ahead from Thursday 09:00.
    let monday = &grid[4];
    assert_eq!(
        refusal(monday, 10),
        Some(BookingRefusal::TooFarAhead { book_ahead_days: 3 })
    );
    assert_eq!(grid[0].date, date(2026, 12, 3));
    assert_eq!(grid[0].rows[10].local_time, hm(10, 0));
}

#[test]
fn new_york_days_have_their_dst_length_and_local_steps() {
    let new_york = parse_zone("America/New_York").unwrap();
    let fixture = Fixture {
        zone: new_york,
        rules: BookingRules {
            book_ahead_days: 365,
            ..BookingRules::default()
        },
        now: utc("2026-01-01T00:00:00Z"),
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let spring = day_grid(&situation, date(2026, 3, 7), date(2026, 3, 8), 30, 1);
    assert_eq!(spring[0].rows.len(), 48);
    assert_eq!(spring[1].rows.len(), 46);
    let labels: Vec<NaiveTime> = spring[1].rows[2..6].iter().map(|r| r.local_time).collect();
    // 02:00–03:00 does not exist on 2026-03-08.
    assert_eq!(labels, [hm(1, 0), hm(1, 30), hm(3, 0), hm(3, 30)]);
    assert_eq!(spring[1].rows[0].start, utc("2026-03-08T05:00:00Z"));
    assert_eq!(spring[1].rows[20].local_time, hm(11, 0));

    let autumn = day_grid(&situation, date(2026, 11, 1), date(2026, 11, 1), 30, 1);
    let labels: Vec<NaiveTime> = autumn[0].rows[2..7].iter().map(|r| r.local_time).collect();
    // 01:00–02:00 happens twice on 2026-11-01.
    assert_eq!(labels, [hm(1, 0), hm(1, 30), hm(1, 0), hm(1, 30), hm(2, 0)]);
    assert_eq!(autumn[0].rows.len(), 50);
    assert!(autumn[0].rows.iter().all(|row| row.is_bookable()));
    // Every free slot agrees with the request check, both repeated hours included.
    let slots = free_slots(&situation, date(2026, 11, 1), date(2026, 11, 1), 60, 1);
    assert_eq!(slots.len(), 50);
    for slot in &slots {
        assert_eq!(check_request(&situation, slot.start, slot.end, 1), Ok(()));
    }
}

#[test]
fn seoul_days_are_always_48_half_hours() {
    let fixture = Fixture {
        rules: BookingRules {
            book_ahead_days: 365,
            ..BookingRules::default()
        },
        now: utc("2026-01-01T00:00:00Z"),
        ..Fixture::default()
    };
    let situation = fixture.situation();
    for day in [date(2026, 3, 8), date(2026, 11, 1)] {
        let grid = day_grid(&situation, day, day, 30, 1);
        assert_eq!(grid[0].rows.len(), 48);
        assert_eq!(grid[0].rows[0].local_time, hm(0, 0));
        assert_eq!(grid[0].rows[47].local_time, hm(23, 30));
    }
}

#[test]
fn the_grid_is_at_most_six_weeks() {
    let fixture = Fixture::default();
    let situation = fixture.situation();
    let grid = day_grid(&situation, date(2026, 12, 1), date(2027, 12, 1), 30, 1);
    assert_eq!(grid.len(), MAX_GRID_DAYS);
    assert!(day_grid(&situation, date(2026, 12, 2), date(2026, 12, 1), 30, 1).is_empty());
}

#[test]
fn quotas_refuse_in_the_grid_as_in_the_check() {
    let fixture = Fixture {
        rules: BookingRules {
            units: 5,
            per_person: crate::booking::Quota {
                hours_per_week: Some(2),
                active_bookings: None,
            },
            ..BookingRules::default()
        },
        person: vec![hold("2026-12-04T01:00:00Z", "2026-12-04T02:30:00Z", 0, 1)],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    // 90 minutes held this week: 30 more fit, 60 do not; next week (from Monday 7th) is free.
    assert_eq!(
        free_slots(&situation, date(2026, 12, 5), date(2026, 12, 5), 30, 1).len(),
        48
    );
    let grid = day_grid(&situation, date(2026, 12, 6), date(2026, 12, 7), 60, 1);
    assert_eq!(
        grid[0].rows[0].refusal,
        Some(BookingRefusal::PersonHoursPerWeek { hours_per_week: 2 })
    );
    // Sunday 23:30 runs 30 minutes into the new week: only the Sunday half counts.
    assert_eq!(grid[0].rows[47].refusal, None);
    assert_eq!(grid[1].bookable, 48);
}

#[test]
fn nearest_free_offers_times_on_both_sides() {
    let fixture = Fixture {
        rules: BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            ..BookingRules::default()
        },
        // Friday the 4th 10:00–14:00 local is taken.
        resource: vec![hold("2026-12-04T01:00:00Z", "2026-12-04T05:00:00Z", 0, 1)],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let wanted = utc("2026-12-04T02:00:00Z"); // 11:00
    let near = nearest_free(&situation, wanted, 60, 1, 3);
    // 09:00 is 2 h before (10:00 and 12:00 are taken); 08:00 and 14:00 are both 3 h away
    // and both fit in three; 07:00 (4 h) does not.
    assert_eq!(
        near.iter().map(|slot| slot.start).collect::<Vec<_>>(),
        [
            utc("2026-12-03T23:00:00Z"),
            utc("2026-12-04T00:00:00Z"),
            utc("2026-12-04T05:00:00Z"),
        ]
    );
    // A free wanted time comes back itself.
    let free = utc("2026-12-05T02:00:00Z");
    assert_eq!(nearest_free(&situation, free, 60, 1, 1)[0].start, free);
    assert!(nearest_free(&situation, wanted, 60, 1, 0).is_empty());
    // A wanted time in the past gets the first times from now on.
    let past = nearest_free(&situation, utc("2026-11-01T00:00:00Z"), 60, 1, 2);
    assert_eq!(past[0].start, utc("2026-12-03T00:00:00Z"));
    assert_eq!(past[1].start, utc("2026-12-03T01:00:00Z"));
}

#[test]
fn nearest_free_reaches_far_when_the_near_days_are_full() {
    let fixture = Fixture {
        rules: BookingRules {
            book_ahead_days: 60,
            ..BookingRules::default()
        },
        // Everything taken for the next 20 days.
        resource: vec![hold("2026-12-01T00:00:00Z", "2026-12-23T00:00:00Z", 0, 1)],
        ..Fixture::default()
    };
    let situation = fixture.situation();
    let near = nearest_free(&situation, utc("2026-12-05T00:00:00Z"), 30, 1, 2);
    assert_eq!(
        near.iter().map(|slot| slot.start).collect::<Vec<_>>(),
        [utc("2026-12-23T00:00:00Z"), utc("2026-12-23T00:30:00Z")]
    );
}

#[test]
fn slots_serialise_for_the_ui() {
    let slot = FreeSlot {
        start: utc("2026-12-04T01:00:00Z"),
        end: utc("2026-12-04T02:00:00Z"),
        free_units: 2,
    };
    assert_eq!(
        serde_json::to_value(slot).unwrap(),
        serde_json::json!({"start": "2026-12-04T01:00:00Z", "end": "2026-12-04T02:00:00Z", "free_units": 2})
    );
    let row = GridRow {
        start: slot.start,
        end: slot.end,
        local_time: hm(10, 0),
        open: false,
        free_units: 0,
        refusal: Some(BookingRefusal::Closed),
    };
    let json = serde_json::to_value(&row).unwrap();
    assert_eq!(json["refusal"], serde_json::json!({"code": "closed"}));
    assert_eq!(json["local_time"], "10:00:00");
}

/// A random situation near one of the 2026 DST changes (or none, in Seoul).
#[derive(Debug, Clone)]
struct RandomCase {
    new_york: bool,
    now_offset_minutes: i64,
    now_seconds: u32,
    spring: bool,
    slot_minutes: u32,
    min_steps: u32,
    extra_steps: u32,
    ahead_days: u32,
    notice_minutes: u32,
    buffer_minutes: u32,
    units: u32,
    blocked: Vec<(i64, i64)>,
    person_quota: (Option<u32>, Option<u32>),
    organisation_quota: (Option<u32>, Option<u32>),
    schedule: Option<Vec<(Vec<usize>, u32, u32)>>,
    holds: Vec<(i64, i64, i64, u32, u8)>,
    organisation: Option<(bool, bool)>,
    request_minutes: u32,
    request_units: u32,
}

fn random_case() -> impl Strategy<Value = RandomCase> {
    let quota = || {
        (
            prop::option::weighted(0.3, 1u32..6),
            prop::option::weighted(0.2, 1u32..5),
        )
    };
    (
        (
            any::<bool>(),
            0i64..(3 * 1440),
            prop::sample::select(vec![0u32, 0, 17]),
            any::<bool>(),
            prop::sample::select(vec![15u32, 30, 45, 60]),
            1u32..3,
            0u32..5,
            1u32..6,
            prop::sample::select(vec![0u32, 30, 90, 1440]),
            prop::sample::select(vec![0u32, 15, 30]),
        ),
        (
            prop::sample::select(vec![1u32, 1, 2, 3]),
            prop::collection::vec((0i64..8, 0i64..2), 0..3),
            quota(),
            quota(),
            prop::option::weighted(
                0.5,
                prop::collection::vec(
                    (prop::collection::vec(0usize..7, 1..6), 0u32..44, 1u32..48),
                    1..4,
                ),
            ),
            // start (minutes from base), length, buffer, units, which lists hold it
            prop::collection::vec(
                (0i64..(7 * 1440), -30i64..400, 0i64..60, 0u32..3, 0u8..8),
                0..40,
            ),
            prop::option::weighted(0.3, (prop::bool::weighted(0.8), prop::bool::weighted(0.3))),
            // Mostly a length the rules allow; sometimes anything.
            (
                0u32..8,
                prop::sample::select(vec![7u32, 15, 30, 45, 60, 90, 120]),
            ),
            prop::sample::select(vec![1u32, 1, 1, 1, 1, 2, 2, 0, 4]),
        ),
    )
        .prop_map(|(a, b)| RandomCase {
            new_york: a.0,
            now_offset_minutes: a.1,
            now_seconds: a.2,
            spring: a.3,
            slot_minutes: a.4,
            min_steps: a.5,
            extra_steps: a.6,
            ahead_days: a.7,
            notice_minutes: a.8,
            buffer_minutes: a.9,
            units: b.0,
            blocked: b.1,
            person_quota: b.2,
            organisation_quota: b.3,
            schedule: b.4,
            holds: b.5,
            organisation: b.6,
            request_minutes: match b.7 {
                (steps, _) if steps < 7 => a.4 * (a.5 + steps % (a.6 + 1)),
                (_, minutes) => minutes,
            },
            request_units: b.8,
        })
}

impl RandomCase {
    fn fixture(&self) -> Fixture {
        let zone_name = if self.new_york {
            "America/New_York"
        } else {
            "Asia/Seoul"
        };
        let zone = parse_zone(zone_name).unwrap();
        // Three days before 2026-03-08 or 2026-11-01, the New York changes.
        let base = if self.spring {
            utc("2026-03-05T00:00:00Z")
        } else {
            utc("2026-10-29T00:00:00Z")
        };
        let base_date = base.date_naive();
        let now = base
            + Duration::minutes(self.now_offset_minutes)
            + Duration::seconds(i64::from(self.now_seconds));
        let quota = |(hours, active): (Option<u32>, Option<u32>)| crate::booking::Quota {
            hours_per_week: hours,
            active_bookings: active,
        };
        let organisation = Uuid::from_u128(42);
        let rules = BookingRules {
            slot_minutes: self.slot_minutes,
            min_minutes: self.slot_minutes * self.min_steps,
            max_minutes: self.slot_minutes * (self.min_steps + self.extra_steps),
            book_ahead_days: self.ahead_days,
            notice_minutes: self.notice_minutes,
            buffer_minutes: self.buffer_minutes,
            units: self.units,
            per_person: quota(self.person_quota),
            per_organisation: quota(self.organisation_quota),
            blocked: self
                .blocked
                .iter()
                .map(|&(from, days)| crate::booking::BlockedDates {
                    from: base_date + Duration::days(from),
                    to: base_date + Duration::days(from + days),
                    reason: String::new(),
                })
                .collect(),
            only_organisations: match self.organisation {
                Some((_, true)) => vec![organisation],
                _ => Vec::new(),
            },
            ..BookingRules::default()
        };
        let schedule = self.schedule.as_ref().map(|slots| {
            let slots: Vec<serde_json::Value> = slots
                .iter()
                .map(|(days, opens, length)| {
                    // Half-hour marks; a close at or past 24:00 closes at midnight.
                    let opens = opens * 30;
                    let closes = (opens + length * 30).min(1440);
                    let days: Vec<Day> = days.iter().map(|&d| Day::ALL[d]).collect();
                    serde_json::json!({
                        "days": days,
                        "opens": format!("{:02}:{:02}", opens / 60, opens % 60),
                        "closes": format!("{:02}:{:02}", closes / 60, closes % 60),
                    })
                })
                .collect();
            serde_json::from_value::<WeeklySchedule>(
                serde_json::json!({"zone": zone_name, "slots": slots}),
            )
            .unwrap()
        });
        let mut fixture = Fixture {
            rules,
            schedule,
            zone,
            now,
            member_of: match self.organisation {
                Some((true, _)) => vec![organisation],
                _ => Vec::new(),
            },
            for_organisation: self.organisation.map(|_| organisation),
            ..Fixture::default()
        };
        for &(start, length, buffer, units, lists) in &self.holds {
            let start = base - Duration::days(1) + Duration::minutes(start);
            let end = start + Duration::minutes(length);
            let hold = Hold {
                start,
                end,
                until: end + Duration::minutes(buffer),
                units,
            };
            if lists & 1 == 0 {
                fixture.resource.push(hold);
            }
            if lists & 2 != 0 {
                fixture.person.push(hold);
            }
            if lists & 4 != 0 {
                fixture.organisation.push(hold);
            }
        }
        fixture
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every row of the grid carries exactly `check_request`'s answer, the free slots are
    /// exactly the bookable rows, and the rows step from local midnight through the day.
    #[test]
    fn availability_agrees_with_check_request(case in random_case()) {
        let fixture = case.fixture();
        let situation = fixture.situation();
        let zone = fixture.zone;
        let first = local_date(zone, fixture.now) - Duration::days(1);
        let last = first + Duration::days(i64::from(case.ahead_days) + 3);
        let (minutes, units) = (case.request_minutes, case.request_units);
        let grid = day_grid(&situation, first, last, minutes, units);
        prop_assert_eq!(grid.len() as i64, (last - first).num_days() + 1);
        let mut bookable = Vec::new();
        for day in &grid {
            let (midnight, next) = local_day_bounds(zone, day.date);
            prop_assert_eq!(day.rows[0].start, midnight);
            let step = Duration::minutes(i64::from(case.slot_minutes));
            for pair in day.rows.windows(2) {
                prop_assert_eq!(pair[1].start - pair[0].start, step);
            }
            let last_row = day.rows.last().unwrap();
            prop_assert!(last_row.start < next && last_row.start + step >= next);
            for row in &day.rows {
                let end = row.start + Duration::minutes(i64::from(minutes));
                prop_assert_eq!(row.end, end);
                let expected = check_request(&situation, row.start, end, units);
                prop_assert_eq!(&row.refusal, &expected.clone().err(), "at {}", row.start);
                let held = most_units_held(
                    &fixture.resource,
                    row.start,
                    taken_until(end, &fixture.rules),
                );
                prop_assert_eq!(row.free_units, fixture.rules.units.saturating_sub(held));
                prop_assert_eq!(row.local_time, row.start.with_timezone(&zone).time());
                if expected.is_ok() {
                    bookable.push(FreeSlot { start: row.start, end, free_units: row.free_units });
                }
            }
            prop_assert_eq!(day.bookable as usize, day.rows.iter().filter(|r| r.is_bookable()).count());
        }
        prop_assert_eq!(free_slots(&situation, first, last, minutes, units), bookable);
    }

    /// The nearest free slots are the `count` free slots with the smallest distance to the
    /// wanted start (earlier first at a tie), found by looking at every bookable day.
    #[test]
    fn nearest_free_is_the_nearest_of_all_free_slots(
        case in random_case(),
        wanted_offset in -1440i64..(8 * 1440),
        count in 1usize..5,
    ) {
        let fixture = case.fixture();
        let situation = fixture.situation();
        let wanted = fixture.now + Duration::minutes(wanted_offset);
        let (minutes, units) = (case.request_minutes, case.request_units);
        let first = local_date(fixture.zone, fixture.now) - Duration::days(1);
        let mut all = free_slots(&situation, first, first + Duration::days(40), minutes, units);
        all.sort_by_key(|slot| ((slot.start - wanted).abs(), slot.start));
        all.truncate(count);
        all.sort_by_key(|slot| slot.start);
        prop_assert_eq!(nearest_free(&situation, wanted, minutes, units, count), all);
    }
}
