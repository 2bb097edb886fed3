use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::booking::local_time::local_date;
use crate::booking::{check_request, parse_zone, BookingRules, Quota};

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn new_york() -> Tz {
    parse_zone("America/New_York").unwrap()
}

fn weekly(weekdays: &[Day], start: NaiveTime, minutes: u32, until: Until) -> RecurrenceRule {
    RecurrenceRule {
        every_weeks: 1,
        weekdays: weekdays.to_vec(),
        start_local: start,
        minutes,
        until,
    }
}

fn situation<'a>(rules: &'a BookingRules, zone: Tz, now: DateTime<Utc>) -> BookingSituation<'a> {
    BookingSituation {
        rules,
        schedule: None,
        zone,
        now,
        resource_holds: &[],
        person_holds: &[],
        organisation_holds: &[],
        member_of: &[],
        organisation: None,
    }
}

#[test]
fn ten_oclock_in_new_york_stays_ten_oclock_across_both_dst_changes() {
    let rule = weekly(&[Day::Thu], hm(10, 0), 60, Until::Count(2));
    // Thursday 2026-03-05 is EST (UTC-5); Thursday 2026-03-12 is EDT (UTC-4).
    assert_eq!(
        expand(&rule, new_york(), date(2026, 3, 5)),
        [
            (utc("2026-03-05T15:00:00Z"), utc("2026-03-05T16:00:00Z")),
            (utc("2026-03-12T14:00:00Z"), utc("2026-03-12T15:00:00Z")),
        ]
    );
    // And back on 2026-11-01.
    assert_eq!(
        expand(&rule, new_york(), date(2026, 10, 29)),
        [
            (utc("2026-10-29T14:00:00Z"), utc("2026-10-29T15:00:00Z")),
            (utc("2026-11-05T15:00:00Z"), utc("2026-11-05T16:00:00Z")),
        ]
    );
    // Seoul keeps one offset all year.
    let seoul = parse_zone("Asia/Seoul").unwrap();
    let starts: Vec<_> = expand(&rule, seoul, date(2026, 3, 5))
        .into_iter()
        .map(|(start, _)| start)
        .collect();
    assert_eq!(
        starts,
        [utc("2026-03-05T01:00:00Z"), utc("2026-03-12T01:00:00Z")]
    );
}

#[test]
fn a_start_in_the_spring_gap_moves_past_it() {
    let rule = weekly(&[Day::Sun], hm(2, 30), 30, Until::Count(2));
    let occurrences = expand(&rule, new_york(), date(2026, 3, 1));
    // 02:30 EST on 1 March; on 8 March 02:30 does not exist, so 03:00 EDT.
    assert_eq!(occurrences[0].0, utc("2026-03-01T07:30:00Z"));
    assert_eq!(occurrences[1].0, utc("2026-03-08T07:00:00Z"));
}

#[test]
fn the_first_date_need_not_be_a_chosen_weekday() {
    // From Wednesday 2026-12-02, every other week on Monday and Friday, until 21 December.
    let rule = RecurrenceRule {
        every_weeks: 2,
        weekdays: vec![Day::Fri, Day::Mon],
        start_local: hm(9, 0),
        minutes: 60,
        until: Until::Date(date(2026, 12, 21)),
    };
    let seoul = parse_zone("Asia/Seoul").unwrap();
    let dates: Vec<NaiveDate> = expand(&rule, seoul, date(2026, 12, 2))
        .into_iter()
        .map(|(start, _)| local_date(seoul, start))
        .collect();
    // The week of the 2nd (Mon 30 Nov is before the first date), then the week of the 14th.
    assert_eq!(
        dates,
        [date(2026, 12, 4), date(2026, 12, 14), date(2026, 12, 18)]
    );
}

#[test]
fn rules_parse_from_json_and_refuse_unknown_fields() {
    let rule: RecurrenceRule = serde_json::from_str(
        r#"{"weekdays":["tue","thu"],"start_local":"10:00","minutes":90,"until":{"count":8}}"#,
    )
    .unwrap();
    assert_eq!(rule.every_weeks, 1);
    assert_eq!(rule.until, Until::Count(8));
    assert_eq!(serde_json::to_value(&rule).unwrap()["start_local"], "10:00");
    let until_date: RecurrenceRule = serde_json::from_str(
        r#"{"weekdays":["sat"],"start_local":"07:30","minutes":60,"until":{"date":"2027-01-31"}}"#,
    )
    .unwrap();
    assert_eq!(until_date.until, Until::Date(date(2027, 1, 31)));
    let unknown = serde_json::from_str::<RecurrenceRule>(
        r#"{"weekdays":["tue"],"start_local":"10:00","minutes":90,"until":{"count":8},"forever":true}"#,
    );
    assert!(unknown.unwrap_err().to_string().contains("forever"));
    let bad_time = serde_json::from_str::<RecurrenceRule>(
        r#"{"weekdays":["tue"],"start_local":"10am","minutes":90,"until":{"count":8}}"#,
    );
    assert!(bad_time.unwrap_err().to_string().contains("like \"10:00\""));
}

#[test]
fn problems_name_the_field() {
    let first = date(2026, 12, 2);
    let fields = |rule: &RecurrenceRule| -> Vec<String> {
        rule.problems("series", first)
            .into_iter()
            .map(|problem| problem.field)
            .collect()
    };
    let good = weekly(&[Day::Tue, Day::Thu], hm(10, 0), 60, Until::Count(10));
    assert!(good.problems("series", first).is_empty());
    let bad = RecurrenceRule {
        every_weeks: 0,
        weekdays: vec![],
        minutes: 0,
        until: Until::Count(101),
        ..good.clone()
    };
    assert_eq!(
        fields(&bad),
        [
            "series.every_weeks",
            "series.weekdays",
            "series.minutes",
            "series.until.count"
        ]
    );
    let twice = weekly(&[Day::Tue, Day::Tue], hm(10, 0), 60, Until::Count(3));
    assert_eq!(fields(&twice), ["series.weekdays"]);
    let seconds = weekly(
        &[Day::Tue],
        NaiveTime::from_hms_opt(10, 0, 30).unwrap(),
        60,
        Until::Count(3),
    );
    assert_eq!(fields(&seconds), ["series.start_local"]);
    let before = weekly(&[Day::Tue], hm(10, 0), 60, Until::Date(date(2026, 12, 1)));
    assert_eq!(fields(&before), ["series.until.date"]);
    let far = weekly(&[Day::Tue], hm(10, 0), 60, Until::Date(date(2029, 1, 1)));
    assert_eq!(fields(&far), ["series.until.date"]);
    let yearly = RecurrenceRule {
        every_weeks: 52,
        ..weekly(&[Day::Tue], hm(10, 0), 60, Until::Count(3))
    };
    assert_eq!(fields(&yearly), ["series.until.count"]);
    assert_eq!(expand(&yearly, new_york(), first).len(), 3);
    // Every day for a year is 365 dates: too many to book at once.
    let daily = weekly(&Day::ALL, hm(10, 0), 60, Until::Date(date(2027, 12, 1)));
    let problems = daily.problems("series", first);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "series.until.date");
    assert!(problems[0].problem.contains("more than 100"));
    assert_eq!(expand(&daily, new_york(), first).len(), 100);
    // Exactly 100 is fine: Monday to Friday for 20 weeks.
    let weekdays = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];
    let hundred = weekly(&weekdays, hm(10, 0), 60, Until::Date(date(2027, 4, 18)));
    assert_eq!(expand(&hundred, new_york(), date(2026, 11, 30)).len(), 100);
    assert!(hundred.problems("series", date(2026, 11, 30)).is_empty());
    // A date before the first chosen weekday leaves nothing.
    let none = weekly(&[Day::Fri], hm(10, 0), 60, Until::Date(date(2026, 12, 3)));
    assert_eq!(fields(&none), ["series.until"]);
    assert!(expand(&none, new_york(), first).is_empty());
}

#[test]
fn a_series_cannot_beat_its_own_quota_or_capacity() {
    let rules = BookingRules {
        slot_minutes: 60,
        min_minutes: 60,
        book_ahead_days: 60,
        per_person: Quota {
            hours_per_week: Some(3),
            active_bookings: Some(4),
        },
        ..BookingRules::default()
    };
    let zone = parse_zone("Asia/Seoul").unwrap();
    let now = utc("2026-12-01T00:00:00Z");
    let situation = situation(&rules, zone, now);
    // Tuesdays and Thursdays, two hours each: the Thursday of each week goes past 3 hours.
    let rule = weekly(&[Day::Tue, Day::Thu], hm(10, 0), 120, Until::Count(8));
    let occurrences = expand(&rule, zone, date(2026, 12, 2));
    let previews = preview(&situation, &occurrences, 1);
    let verdicts: Vec<Result<(), BookingRefusal>> =
        previews.iter().map(|p| p.verdict.clone()).collect();
    let hours = Err(BookingRefusal::PersonHoursPerWeek { hours_per_week: 3 });
    let active = Err(BookingRefusal::PersonActiveBookings { active_bookings: 4 });
    // Thu 3, Tue 8, Thu 10 (over 3 hours that week), Tue 15, Thu 17 (hours), Tue 22; then
    // four bookings are held, and the count is checked before the hours.
    assert_eq!(
        verdicts,
        [
            Ok(()),
            Ok(()),
            hours.clone(),
            Ok(()),
            hours,
            Ok(()),
            active.clone(),
            active
        ]
    );
    // The same series twice over the same slot: the second copy is all taken.
    let doubled: Vec<_> = occurrences.iter().chain(&occurrences).copied().collect();
    let open_rules = BookingRules {
        per_person: Quota::default(),
        ..rules.clone()
    };
    let open = self::situation(&open_rules, zone, now);
    let previews = preview(&open, &doubled, 1);
    assert!(previews[..8].iter().all(OccurrencePreview::is_bookable));
    assert!(previews[8..]
        .iter()
        .all(|p| p.verdict == Err(BookingRefusal::Taken)));
}

#[test]
fn previews_serialise_the_verdict_as_a_refusal() {
    let booked = OccurrencePreview {
        start: utc("2026-12-03T01:00:00Z"),
        end: utc("2026-12-03T02:00:00Z"),
        verdict: Ok(()),
    };
    let json = serde_json::to_value(&booked).unwrap();
    assert_eq!(json["refusal"], serde_json::Value::Null);
    let taken = OccurrencePreview {
        verdict: Err(BookingRefusal::Taken),
        ..booked.clone()
    };
    let json = serde_json::to_value(&taken).unwrap();
    assert_eq!(json["refusal"], serde_json::json!({"code": "taken"}));
    let back: OccurrencePreview = serde_json::from_value(json).unwrap();
    assert_eq!(back, taken);
    let absent: OccurrencePreview =
        serde_json::from_str(r#"{"start":"2026-12-03T01:00:00Z","end":"2026-12-03T02:00:00Z"}"#)
            .unwrap();
    assert_eq!(absent, booked);
}

fn day_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

proptest! {
    /// Occurrences fall on the chosen weekdays of every `every_weeks`-th week from the
    /// first date's week, at the chosen local time, strictly in order, and are exactly the
    /// dates a day-by-day walk finds (up to the count, the date, and 100).
    #[test]
    fn occurrences_follow_the_rule(
        new_york_zone in any::<bool>(),
        first_offset in 0i64..400,
        every_weeks in 1u32..5,
        weekdays in prop::collection::btree_set(0usize..7, 1..5),
        start_half_hours in 0u32..48,
        minutes in prop::sample::select(vec![30u32, 60, 90, 180]),
        until in prop_oneof![
            (1u32..=120).prop_map(Until::Count),
            (0i64..500).prop_map(|days| Until::Date(date(2026, 1, 1) + Duration::days(days))),
        ],
    ) {
        let zone = if new_york_zone { new_york() } else { parse_zone("Asia/Seoul").unwrap() };
        let first = date(2026, 1, 1) + Duration::days(first_offset);
        let rule = RecurrenceRule {
            every_weeks,
            weekdays: weekdays.iter().map(|&i| Day::ALL[i]).collect(),
            start_local: hm(start_half_hours / 2, 30 * (start_half_hours % 2)),
            minutes,
            until,
        };
        let occurrences = expand(&rule, zone, first);
        let first_monday = first - Duration::days(day_index(first) as i64);
        let mut walked = Vec::new();
        let mut day = first;
        while walked.len() < MAX_OCCURRENCES as usize {
            if matches!(until, Until::Date(last) if day > last) {
                break;
            }
            if matches!(until, Until::Count(count) if walked.len() >= count as usize) {
                break;
            }
            let week = (day - first_monday).num_days() / 7;
            if weekdays.contains(&day_index(day)) && week % i64::from(every_weeks) == 0 {
                walked.push(day);
            }
            day += Duration::days(1);
        }
        let dates: Vec<NaiveDate> =
            occurrences.iter().map(|&(start, _)| local_date(zone, start)).collect();
        prop_assert_eq!(&dates, &walked);
        prop_assert!(occurrences.len() <= MAX_OCCURRENCES as usize);
        if let Until::Count(count) = until {
            prop_assert_eq!(occurrences.len(), count.min(MAX_OCCURRENCES) as usize);
        }
        for pair in occurrences.windows(2) {
            prop_assert!(pair[0].0 < pair[1].0);
        }
        for &(start, end) in &occurrences {
            prop_assert_eq!(end - start, Duration::minutes(i64::from(minutes)));
            let local = start.with_timezone(&zone);
            // 02:00 and 02:30 do not exist on a New York spring day (8 March 2026,
            // 14 March 2027).
            let wanted = local.date_naive().and_time(rule.start_local);
            let in_gap = zone.from_local_datetime(&wanted).earliest().is_none();
            prop_assert_eq!(in_gap, new_york_zone && (4..6).contains(&start_half_hours)
                && local.month() == 3 && local.weekday() == chrono::Weekday::Sun
                && (8..=14).contains(&local.day()));
            if in_gap {
                prop_assert_eq!(local.time(), hm(3, 0));
            } else {
                prop_assert_eq!(local.time(), rule.start_local);
            }
            let week = (local.date_naive() - first_monday).num_days() / 7;
            prop_assert_eq!(week % i64::from(every_weeks), 0);
        }
    }

    /// With the accepted occurrences of a preview booked on top of what was held, no
    /// minute holds more units than the resource has, buffers included.
    #[test]
    fn accepted_occurrences_never_exceed_capacity(
        units in 1u32..3,
        want in 1u32..3,
        buffer in prop::sample::select(vec![0u32, 30]),
        held in prop::collection::vec((0i64..(14 * 48), 1i64..6, 1u32..3), 0..20),
        weekdays in prop::collection::btree_set(0usize..7, 1..4),
        start_half_hours in 16u32..40,
        steps in 1u32..5,
        count in 1u32..20,
        series_copies in 1usize..3,
    ) {
        let zone = parse_zone("Asia/Seoul").unwrap();
        let rules = BookingRules { units, buffer_minutes: buffer, book_ahead_days: 30, ..BookingRules::default() };
        let now = utc("2026-12-01T00:00:00Z");
        let base = utc("2026-12-01T15:00:00Z"); // local midnight of the 2nd
        let holds: Vec<Hold> = held
            .iter()
            .map(|&(slot, length, units)| {
                let start = base + Duration::minutes(30 * slot);
                let end = start + Duration::minutes(30 * length);
                Hold { start, end, until: taken_until(end, &rules), units }
            })
            .collect();
        let situation = BookingSituation { resource_holds: &holds, ..situation(&rules, zone, now) };
        let rule = RecurrenceRule {
            every_weeks: 1,
            weekdays: weekdays.iter().map(|&i| Day::ALL[i]).collect(),
            start_local: hm(start_half_hours / 2, 30 * (start_half_hours % 2)),
            minutes: 30 * steps,
            until: Until::Count(count),
        };
        let once = expand(&rule, zone, date(2026, 12, 2));
        let occurrences: Vec<_> = (0..series_copies).flat_map(|_| once.iter().copied()).collect();
        let previews = preview(&situation, &occurrences, want);
        prop_assert_eq!(previews.len(), occurrences.len());
        let mut all = holds.clone();
        for p in previews.iter().filter(|p| p.is_bookable()) {
            all.push(Hold { start: p.start, end: p.end, until: taken_until(p.end, &rules), units: want });
        }
        let mut minute = base;
        while minute < base + Duration::days(30) {
            let taken: u32 = all
                .iter()
                .filter(|h| h.start <= minute && minute < h.until)
                .map(|h| h.units)
                .sum();
            prop_assert!(taken <= units.max(holds_at(&holds, minute)), "{} units at {}", taken, minute);
            minute += Duration::minutes(30);
        }
        // Each verdict is the check against what was held plus the accepted ones before it.
        let mut before = holds.clone();
        for p in &previews {
            let with_before = BookingSituation { resource_holds: &before, ..situation };
            prop_assert_eq!(&check_request(&with_before, p.start, p.end, want), &p.verdict);
            if p.is_bookable() {
                before.push(Hold { start: p.start, end: p.end, until: taken_until(p.end, &rules), units: want });
            }
        }
        if series_copies > 1 && units == want {
            // The second copy of a series asks for what the first one just took.
            for (first, second) in previews[..once.len()].iter().zip(&previews[once.len()..]) {
                if first.is_bookable() {
                    prop_assert_eq!(&second.verdict, &Err(BookingRefusal::Taken));
                }
            }
        }
    }
}

/// Units the existing holds put on one instant (they may overbook: they were not checked).
fn holds_at(holds: &[Hold], at: DateTime<Utc>) -> u32 {
    holds
        .iter()
        .filter(|h| h.start <= at && at < h.until)
        .map(|h| h.units)
        .sum()
}
