use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::check::most_units_held;
use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn seoul() -> Tz {
    parse_zone("Asia/Seoul").unwrap()
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

struct Case<'a> {
    rules: BookingRules,
    schedule: Option<WeeklySchedule>,
    resource: Vec<Hold>,
    person: Vec<Hold>,
    organisation: Vec<Hold>,
    member_of: Vec<Uuid>,
    for_organisation: Option<Uuid>,
    zone: &'a str,
    now: DateTime<Utc>,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            rules: BookingRules::default(),
            schedule: None,
            resource: Vec::new(),
            person: Vec::new(),
            organisation: Vec::new(),
            member_of: Vec::new(),
            for_organisation: None,
            zone: "Asia/Seoul",
            // Thursday 2026-12-03 09:00 in Seoul.
            now: utc("2026-12-03T00:00:00Z"),
        }
    }
}

impl Case<'_> {
    fn check(&self, start: &str, end: &str, units: u32) -> Result<(), BookingRefusal> {
        let situation = BookingSituation {
            rules: &self.rules,
            schedule: self.schedule.as_ref(),
            zone: parse_zone(self.zone).unwrap(),
            now: self.now,
            resource_holds: &self.resource,
            person_holds: &self.person,
            organisation_holds: &self.organisation,
            member_of: &self.member_of,
            organisation: self.for_organisation,
        };
        check_request(&situation, utc(start), utc(end), units)
    }
}

fn weekdays_9_to_18(zone: &str) -> WeeklySchedule {
    serde_json::from_value(serde_json::json!({
        "zone": zone,
        "slots": [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "18:00"}]
    }))
    .unwrap()
}

#[test]
fn empty_rules_are_the_documented_defaults_and_valid() {
    let rules: BookingRules = serde_json::from_str("{}").unwrap();
    assert_eq!(rules, BookingRules::default());
    assert_eq!(rules.slot_minutes, 30);
    assert_eq!(rules.max_minutes, 240);
    assert_eq!(rules.problems("booking"), vec![]);
    assert_eq!(serde_json::to_value(&rules).unwrap()["units"], 1);
}

#[test]
fn rule_problems_name_the_field() {
    let rules = BookingRules {
        slot_minutes: 0,
        min_minutes: 45,
        max_minutes: 30,
        units: 0,
        blocked: vec![BlockedDates {
            from: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            reason: String::new(),
        }],
        ..BookingRules::default()
    };
    let fields: Vec<String> = rules
        .problems("booking")
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(
        fields,
        [
            "booking.slot_minutes",
            "booking.units",
            "booking.max_minutes",
            "booking.blocked[0].to"
        ]
    );
}

#[test]
fn each_rule_refuses_with_its_own_code() {
    let case = Case {
        rules: BookingRules {
            notice_minutes: 60,
            min_minutes: 60,
            max_minutes: 120,
            book_ahead_days: 14,
            units: 2,
            ..BookingRules::default()
        },
        ..Case::default()
    };
    // Seoul is UTC+9: 01:00Z is 10:00 local.
    let table = [
        (
            "2026-12-04T01:00:00Z",
            "2026-12-04T01:00:00Z",
            1,
            Err(BookingRefusal::EmptyInterval),
        ),
        (
            "2026-12-03T00:30:00Z",
            "2026-12-03T01:30:00Z",
            1,
            Err(BookingRefusal::TooLate { notice_minutes: 60 }),
        ),
        (
            "2026-12-02T01:00:00Z",
            "2026-12-02T02:00:00Z",
            1,
            Err(BookingRefusal::TooLate { notice_minutes: 60 }),
        ),
        (
            "2026-12-18T01:00:00Z",
            "2026-12-18T02:00:00Z",
            1,
            Err(BookingRefusal::TooFarAhead {
                book_ahead_days: 14,
            }),
        ),
        (
            "2026-12-04T01:10:00Z",
            "2026-12-04T02:10:00Z",
            1,
            Err(BookingRefusal::OffStep { slot_minutes: 30 }),
        ),
        (
            "2026-12-04T01:00:00Z",
            "2026-12-04T01:30:00Z",
            1,
            Err(BookingRefusal::TooShort { min_minutes: 60 }),
        ),
        (
            "2026-12-04T01:00:00Z",
            "2026-12-04T03:30:00Z",
            1,
            Err(BookingRefusal::TooLong { max_minutes: 120 }),
        ),
        (
            "2026-12-04T01:00:00Z",
            "2026-12-04T02:00:00Z",
            3,
            Err(BookingRefusal::TooManyUnits { units: 2 }),
        ),
        ("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z", 2, Ok(())),
        ("2026-12-03T01:00:00Z", "2026-12-03T02:00:00Z", 1, Ok(())),
    ];
    for (start, end, units, expected) in table {
        assert_eq!(
            case.check(start, end, units),
            expected,
            "{start}..{end} x{units}"
        );
    }
}

#[test]
fn steps_count_from_local_midnight() {
    // New York is UTC-5 in December: local 10:00 is 15:00Z, on a 60-minute step.
    let case = Case {
        zone: "America/New_York",
        rules: BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            ..BookingRules::default()
        },
        ..Case::default()
    };
    assert_eq!(
        case.check("2026-12-04T15:00:00Z", "2026-12-04T16:00:00Z", 1),
        Ok(())
    );
    // India is UTC+5:30: whole UTC hours are half past the local hour.
    let india = Case {
        zone: "Asia/Kolkata",
        ..case
    };
    assert_eq!(
        india.check("2026-12-04T05:00:00Z", "2026-12-04T06:00:00Z", 1),
        Err(BookingRefusal::OffStep { slot_minutes: 60 })
    );
    assert_eq!(
        india.check("2026-12-04T04:30:00Z", "2026-12-04T05:30:00Z", 1),
        Ok(())
    );
}

#[test]
fn opening_hours_and_blocked_dates_refuse() {
    let case = Case {
        schedule: Some(weekdays_9_to_18("Asia/Seoul")),
        rules: BookingRules {
            blocked: vec![BlockedDates {
                from: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
                reason: "수리 / repairs".into(),
            }],
            ..BookingRules::default()
        },
        ..Case::default()
    };
    // Friday 2026-12-04 17:00–18:00 local is open; 17:30–18:30 is not; Saturday is closed.
    assert_eq!(
        case.check("2026-12-04T08:00:00Z", "2026-12-04T09:00:00Z", 1),
        Ok(())
    );
    assert_eq!(
        case.check("2026-12-04T08:30:00Z", "2026-12-04T09:30:00Z", 1),
        Err(BookingRefusal::Closed)
    );
    assert_eq!(
        case.check("2026-12-05T01:00:00Z", "2026-12-05T02:00:00Z", 1),
        Err(BookingRefusal::Closed)
    );
    assert_eq!(
        case.check("2026-12-24T01:00:00Z", "2026-12-24T02:00:00Z", 1),
        Err(BookingRefusal::Blocked {
            from: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
            reason: "수리 / repairs".into(),
        })
    );
    // Saturday 26th is closed by the schedule, not blocked; Monday 28th is open again.
    assert_eq!(
        case.check("2026-12-28T01:00:00Z", "2026-12-28T02:00:00Z", 1),
        Ok(())
    );
}

#[test]
fn opening_hours_in_new_york_hold_across_both_dst_changes() {
    let mut schedule = weekdays_9_to_18("America/New_York");
    schedule.slots[0].days = crate::resource::Day::ALL.to_vec();
    let case = Case {
        zone: "America/New_York",
        schedule: Some(schedule),
        rules: BookingRules {
            book_ahead_days: 365,
            ..BookingRules::default()
        },
        now: utc("2026-01-01T00:00:00Z"),
        ..Case::default()
    };
    // 09:00 local is 14:00Z in winter (EST) and 13:00Z in summer (EDT).
    for (start, end, expected) in [
        ("2026-03-07T14:00:00Z", "2026-03-07T15:00:00Z", Ok(())),
        ("2026-03-08T13:00:00Z", "2026-03-08T14:00:00Z", Ok(())),
        (
            "2026-03-08T12:30:00Z",
            "2026-03-08T13:30:00Z",
            Err(BookingRefusal::Closed),
        ),
        ("2026-10-31T13:00:00Z", "2026-10-31T14:00:00Z", Ok(())),
        (
            "2026-11-01T13:30:00Z",
            "2026-11-01T14:30:00Z",
            Err(BookingRefusal::Closed),
        ),
        ("2026-11-01T14:00:00Z", "2026-11-01T15:00:00Z", Ok(())),
        // 17:00–18:00 local on the autumn Sunday is 22:00–23:00Z.
        ("2026-11-01T22:00:00Z", "2026-11-01T23:00:00Z", Ok(())),
        (
            "2026-11-01T22:30:00Z",
            "2026-11-01T23:30:00Z",
            Err(BookingRefusal::Closed),
        ),
    ] {
        assert_eq!(case.check(start, end, 1), expected, "{start}");
    }
}

#[test]
fn buffers_keep_time_free_after_each_booking() {
    let case = Case {
        rules: BookingRules {
            buffer_minutes: 30,
            ..BookingRules::default()
        },
        resource: vec![hold("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z", 30, 1)],
        ..Case::default()
    };
    assert_eq!(
        case.check("2026-12-04T02:00:00Z", "2026-12-04T03:00:00Z", 1),
        Err(BookingRefusal::Taken)
    );
    assert_eq!(
        case.check("2026-12-04T02:30:00Z", "2026-12-04T03:00:00Z", 1),
        Ok(())
    );
    // A booking before it must leave its own buffer too.
    assert_eq!(
        case.check("2026-12-04T00:00:00Z", "2026-12-04T01:00:00Z", 1),
        Err(BookingRefusal::Taken)
    );
    assert_eq!(
        case.check("2026-12-04T00:00:00Z", "2026-12-04T00:30:00Z", 1),
        Ok(())
    );
}

#[test]
fn capacity_counts_concurrent_units() {
    let case = Case {
        rules: BookingRules {
            units: 3,
            ..BookingRules::default()
        },
        resource: vec![
            hold("2026-12-04T01:00:00Z", "2026-12-04T03:00:00Z", 0, 2),
            hold("2026-12-04T02:00:00Z", "2026-12-04T04:00:00Z", 0, 1),
        ],
        ..Case::default()
    };
    assert_eq!(
        case.check("2026-12-04T02:30:00Z", "2026-12-04T03:00:00Z", 1),
        Err(BookingRefusal::Taken)
    );
    assert_eq!(
        case.check("2026-12-04T03:00:00Z", "2026-12-04T04:00:00Z", 2),
        Ok(())
    );
    assert_eq!(
        case.check("2026-12-04T00:00:00Z", "2026-12-04T01:00:00Z", 3),
        Ok(())
    );
}

#[test]
fn quotas_count_every_hold_of_the_person_and_the_organisation() {
    let org = Uuid::from_u128(7);
    let mut case = Case {
        rules: BookingRules {
            units: 10,
            per_person: Quota {
                hours_per_week: Some(3),
                active_bookings: Some(2),
            },
            per_organisation: Quota {
                hours_per_week: None,
                active_bookings: Some(1),
            },
            ..BookingRules::default()
        },
        person: vec![hold("2026-12-04T01:00:00Z", "2026-12-04T03:00:00Z", 0, 1)],
        ..Case::default()
    };
    assert_eq!(
        case.check("2026-12-05T01:00:00Z", "2026-12-05T02:00:00Z", 1),
        Ok(())
    );
    assert_eq!(
        case.check("2026-12-05T01:00:00Z", "2026-12-05T02:30:00Z", 1),
        Err(BookingRefusal::PersonHoursPerWeek { hours_per_week: 3 })
    );
    // Monday 7th (local) starts a new week: the hours are free again.
    assert_eq!(
        case.check("2026-12-07T01:00:00Z", "2026-12-07T04:00:00Z", 1),
        Ok(())
    );
    case.person
        .push(hold("2026-12-08T01:00:00Z", "2026-12-08T02:00:00Z", 0, 1));
    assert_eq!(
        case.check("2026-12-09T01:00:00Z", "2026-12-09T02:00:00Z", 1),
        Err(BookingRefusal::PersonActiveBookings { active_bookings: 2 })
    );
    case.person.clear();
    case.member_of = vec![org];
    case.for_organisation = Some(org);
    case.organisation = vec![hold("2026-12-08T01:00:00Z", "2026-12-08T02:00:00Z", 0, 1)];
    assert_eq!(
        case.check("2026-12-09T01:00:00Z", "2026-12-09T02:00:00Z", 1),
        Err(BookingRefusal::OrganisationActiveBookings { active_bookings: 1 })
    );
}

#[test]
fn organisations_must_be_the_persons_and_listed() {
    let (listed, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let mut case = Case {
        rules: BookingRules {
            only_organisations: vec![listed],
            ..BookingRules::default()
        },
        member_of: vec![other],
        ..Case::default()
    };
    let (start, end) = ("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z");
    assert_eq!(case.check(start, end, 1), Err(BookingRefusal::NotForYou));
    case.for_organisation = Some(listed);
    assert_eq!(case.check(start, end, 1), Err(BookingRefusal::NotForYou));
    case.member_of.push(listed);
    assert_eq!(case.check(start, end, 1), Ok(()));
}

#[test]
fn prices_count_started_periods() {
    let pricing = crate::Pricing::PerPeriod {
        amount_krw: 600,
        period_minutes: 30,
    };
    let start = utc("2026-12-04T01:00:00Z");
    assert_eq!(
        price_krw(&pricing, start, start + Duration::minutes(90)),
        1800
    );
    assert_eq!(
        price_krw(&pricing, start, start + Duration::minutes(100)),
        2400
    );
    assert_eq!(
        price_krw(&crate::Pricing::Free, start, start + Duration::hours(2)),
        0
    );
}

#[test]
fn refusal_codes_are_tagged_for_the_device() {
    let json = serde_json::to_value(BookingRefusal::TooLong { max_minutes: 120 }).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "too_long", "max_minutes": 120})
    );
}

proptest! {
    /// Requests accepted one after another never put more units on any instant than the
    /// resource has, counted independently minute by minute.
    #[test]
    fn accepted_requests_never_exceed_capacity(
        units in 1u32..4,
        buffer in prop::sample::select(vec![0u32, 30, 60]),
        requests in prop::collection::vec((0i64..96, 1i64..8, 1u32..4), 1..40),
    ) {
        let rules = BookingRules {
            units,
            buffer_minutes: buffer,
            max_minutes: 8 * 30,
            ..BookingRules::default()
        };
        let zone = seoul();
        let now = utc("2026-12-03T00:00:00Z");
        let day = utc("2026-12-03T15:00:00Z"); // local midnight of the 4th
        let mut held: Vec<Hold> = Vec::new();
        for (slot, length, want) in requests {
            let start = day + Duration::minutes(slot * 30);
            let end = start + Duration::minutes(length * 30);
            let situation = BookingSituation {
                rules: &rules,
                schedule: None,
                zone,
                now,
                resource_holds: &held,
                person_holds: &[],
                organisation_holds: &[],
                member_of: &[],
                organisation: None,
            };
            let answer = check_request(&situation, start, end, want);
            let until = taken_until(end, &rules);
            let fits = most_units_held(&held, start, until) + want <= units;
            prop_assert_eq!(answer.is_ok(), fits && want <= units);
            if answer.is_ok() {
                held.push(Hold { start, end, until, units: want });
            }
        }
        // Minute by minute, what is held (buffers included) fits.
        let mut minute = day;
        while minute < day + Duration::hours(30) {
            let taken: u32 = held
                .iter()
                .filter(|h| h.start <= minute && minute < h.until)
                .map(|h| h.units)
                .sum();
            prop_assert!(taken <= units, "{} units at {}", taken, minute);
            minute += Duration::minutes(1);
        }
        // With a buffer and one unit, consecutive bookings are at least `buffer` apart.
        if units == 1 {
            let mut sorted = held.clone();
            sorted.sort_by_key(|h| h.start);
            for pair in sorted.windows(2) {
                prop_assert!(pair[1].start >= pair[0].end + Duration::minutes(i64::from(buffer)));
            }
        }
    }

    /// Overlap is symmetric and touching spans never overlap.
    #[test]
    fn overlap_is_symmetric(a in 0i64..100, la in 1i64..20, b in 0i64..100, lb in 1i64..20) {
        let base = utc("2026-12-04T00:00:00Z");
        let span = |s: i64, l: i64| Hold {
            start: base + Duration::minutes(s),
            end: base + Duration::minutes(s + l),
            until: base + Duration::minutes(s + l),
            units: 1,
        };
        let (x, y) = (span(a, la), span(b, lb));
        let xy = most_units_held(&[x], y.start, y.until);
        let yx = most_units_held(&[y], x.start, x.until);
        prop_assert_eq!(xy, yx);
        prop_assert_eq!(xy == 1, a < b + lb && b < a + la);
    }
}
