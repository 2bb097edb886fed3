//! The day grid (pure): for each local day, one row per slot step, a booking of the asked
//! length and units starting there, free or refused with the first rule that refuses
//! (core's `check_request`, the check the server runs).
//!
//! Stand-in until core's own grid (`booking::availability`, being written on the `pure`
//! branch) is merged: then this becomes a call to it.

use chrono::{Duration, NaiveDate};
use sharehub_core::booking::{
    check_request, local_day_bounds, most_units_held, taken_until, BookingSituation, Hold,
};
use sharehub_core::ipc::{AvailabilityDay, SlotRow};

/// The grid of `dates` (local days in the situation's zone) for bookings of `minutes` and
/// `units`.
pub(crate) fn day_grid(
    situation: &BookingSituation<'_>,
    dates: &[NaiveDate],
    minutes: u32,
    units: u32,
) -> Vec<AvailabilityDay> {
    let rules = situation.rules;
    let step = Duration::minutes(i64::from(rules.slot_minutes.max(1)));
    let length = Duration::minutes(i64::from(minutes));
    let reach = length + Duration::minutes(i64::from(rules.buffer_minutes));
    dates
        .iter()
        .map(|&date| {
            let (day_start, day_end) = local_day_bounds(situation.zone, date);
            // Only the holds a booking starting this day can meet (the same answers,
            // each row looks at a day's holds instead of the week's).
            let day_holds: Vec<Hold> = situation
                .resource_holds
                .iter()
                .filter(|hold| hold.start < day_end + reach && hold.until > day_start)
                .copied()
                .collect();
            let situation = &BookingSituation {
                resource_holds: &day_holds,
                ..*situation
            };
            let mut rows = Vec::new();
            let mut start = day_start;
            while start < day_end {
                let end = start + length;
                let verdict = check_request(situation, start, end, units);
                let held =
                    most_units_held(situation.resource_holds, start, taken_until(end, rules));
                rows.push(SlotRow {
                    start,
                    end,
                    local_start: start.with_timezone(&situation.zone).naive_local(),
                    local_end: end.with_timezone(&situation.zone).naive_local(),
                    free: verdict.is_ok(),
                    refusal: verdict.err(),
                    free_units: rules.units.saturating_sub(held),
                });
                start += step;
            }
            AvailabilityDay { date, rows }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use sharehub_core::booking::{BookingRefusal, BookingRules};
    use sharehub_core::resource::WeeklySchedule;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn row_at<'a>(days: &'a [AvailabilityDay], local: &str) -> &'a SlotRow {
        days.iter()
            .flat_map(|day| &day.rows)
            .find(|row| row.local_start.to_string() == local)
            .unwrap_or_else(|| panic!("no row at {local}"))
    }

    #[test]
    fn rows_say_free_or_why_not_table() {
        let rules = BookingRules {
            slot_minutes: 30,
            min_minutes: 30,
            max_minutes: 120,
            buffer_minutes: 30,
            units: 2,
            ..BookingRules::default()
        };
        let schedule: WeeklySchedule = serde_json::from_str(
            r#"{"zone":"Asia/Seoul","slots":[{"days":["mon"],"opens":"08:00","closes":"18:00"}]}"#,
        )
        .unwrap();
        // 10:00–11:00 Seoul (01:00–02:00 UTC), both desks, buffer until 11:30.
        let holds = [Hold {
            start: utc("2026-12-07T01:00:00Z"),
            end: utc("2026-12-07T02:00:00Z"),
            until: utc("2026-12-07T02:30:00Z"),
            units: 2,
        }];
        let situation = BookingSituation {
            rules: &rules,
            schedule: Some(&schedule),
            zone: chrono_tz::Asia::Seoul,
            now: utc("2026-12-06T00:00:00Z"),
            resource_holds: &holds,
            person_holds: &[],
            organisation_holds: &[],
            member_of: &[],
            organisation: None,
        };
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let days = day_grid(&situation, &[monday], 60, 1);
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].rows.len(), 48, "a Seoul day in 30-minute steps");
        #[rustfmt::skip]
        let cases = [
            ("2026-12-07 07:30:00", Some(BookingRefusal::Closed), 2),
            ("2026-12-07 08:00:00", None, 2),
            // Its end plus the buffer touches the held hour: still free.
            ("2026-12-07 08:30:00", None, 2),
            // Its buffer reaches into the held hour: taken.
            ("2026-12-07 09:00:00", Some(BookingRefusal::Taken), 0),
            ("2026-12-07 10:00:00", Some(BookingRefusal::Taken), 0),
            ("2026-12-07 11:00:00", Some(BookingRefusal::Taken), 0),  // the held buffer
            ("2026-12-07 11:30:00", None, 2),
            ("2026-12-07 17:00:00", None, 2),
            ("2026-12-07 17:30:00", Some(BookingRefusal::Closed), 2),
        ];
        for (local, refusal, free_units) in cases {
            let row = row_at(&days, local);
            assert_eq!(
                (row.free, row.refusal.clone(), row.free_units),
                (refusal.is_none(), refusal, free_units),
                "{local}"
            );
            assert_eq!(row.end - row.start, Duration::minutes(60));
        }
    }

    #[test]
    fn a_dst_day_has_its_own_number_of_steps() {
        let rules = BookingRules {
            slot_minutes: 60,
            min_minutes: 60,
            ..BookingRules::default()
        };
        let situation = BookingSituation {
            rules: &rules,
            schedule: None,
            zone: chrono_tz::America::New_York,
            now: utc("2026-03-01T00:00:00Z"),
            resource_holds: &[],
            person_holds: &[],
            organisation_holds: &[],
            member_of: &[],
            organisation: None,
        };
        let spring = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let autumn = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let days = day_grid(&situation, &[spring], 60, 1);
        assert_eq!(days[0].rows.len(), 23);
        assert_eq!(
            days[0].rows[2].local_start.to_string(),
            "2026-03-08 03:00:00",
            "02:00 does not exist"
        );
        let situation = BookingSituation {
            now: utc("2026-10-20T00:00:00Z"),
            ..situation
        };
        assert_eq!(day_grid(&situation, &[autumn], 60, 1)[0].rows.len(), 25);
    }
}
