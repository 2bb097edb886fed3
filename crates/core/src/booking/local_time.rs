//! Local days, weeks and opening hours as UTC instants, DST-correct: a local time that
//! does not exist (the hour skipped in spring) moves to the first instant after the gap; one
//! that exists twice (autumn) is its earlier instant.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::resource::{Day, WeeklySchedule};

/// An IANA zone name, or `None` when chrono-tz does not know it.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// The instant a local wall-clock time names in `zone`.
pub(crate) fn instant_of(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    if let Some(instant) = zone.from_local_datetime(&local).earliest() {
        return instant.with_timezone(&Utc);
    }
    // In a gap: the first minute after it (gaps are at most a few hours).
    let mut probe = local;
    for _ in 0..(24 * 60) {
        probe += Duration::minutes(1);
        if let Some(instant) = zone.from_local_datetime(&probe).earliest() {
            return instant.with_timezone(&Utc);
        }
    }
    Utc.from_utc_datetime(&local)
}

/// The local date `instant` falls on in `zone`.
pub(crate) fn local_date(zone: Tz, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// `[start, end)` of a local day in `zone` (23 or 25 hours long on DST days).
pub fn local_day_bounds(zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = instant_of(zone, date.and_time(NaiveTime::MIN));
    let next = date.succ_opt().unwrap_or(date);
    (start, instant_of(zone, next.and_time(NaiveTime::MIN)))
}

/// `[Monday 00:00, next Monday 00:00)` of the local week `instant` falls in.
pub fn week_bounds(zone: Tz, instant: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let date = local_date(zone, instant);
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let (start, _) = local_day_bounds(zone, monday);
    let (end, _) = local_day_bounds(zone, monday + Duration::days(7));
    (start, end)
}

pub(crate) fn day_of(date: NaiveDate) -> Day {
    Day::ALL[date.weekday().num_days_from_monday() as usize]
}

/// The open spans of a local date, as UTC `[opens, closes)` in order, merged where they
/// touch. No schedule: the whole day.
pub fn open_spans(
    schedule: Option<&WeeklySchedule>,
    zone: Tz,
    date: NaiveDate,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let Some(schedule) = schedule else {
        return vec![local_day_bounds(zone, date)];
    };
    let day = day_of(date);
    let (_, day_end) = local_day_bounds(zone, date);
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = schedule
        .slots
        .iter()
        .filter(|slot| slot.days.contains(&day))
        .map(|slot| {
            let opens = instant_of(zone, date.and_time(slot.opens.0));
            let closes = if slot.closes.0 == NaiveTime::MIN {
                day_end
            } else {
                instant_of(zone, date.and_time(slot.closes.0))
            };
            (opens, closes)
        })
        .filter(|(opens, closes)| opens < closes)
        .collect();
    spans.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(spans.len());
    for (opens, closes) in spans {
        match merged.last_mut() {
            Some(last) if opens <= last.1 => last.1 = last.1.max(closes),
            _ => merged.push((opens, closes)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn seoul_days_are_24_hours_and_new_york_dst_days_are_not() {
        let seoul = parse_zone("Asia/Seoul").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let (start, end) = local_day_bounds(seoul, day);
        assert_eq!(start, utc("2026-03-07T15:00:00Z"));
        assert_eq!(end - start, Duration::hours(24));

        let new_york = parse_zone("America/New_York").unwrap();
        // 2026-03-08: clocks go from 02:00 to 03:00; 2026-11-01: from 02:00 back to 01:00.
        let (start, end) = local_day_bounds(new_york, day);
        assert_eq!(start, utc("2026-03-08T05:00:00Z"));
        assert_eq!(end - start, Duration::hours(23));
        let autumn = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let (start, end) = local_day_bounds(new_york, autumn);
        assert_eq!(start, utc("2026-11-01T04:00:00Z"));
        assert_eq!(end - start, Duration::hours(25));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_past_it() {
        let new_york = parse_zone("America/New_York").unwrap();
        let local = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        // 02:30 does not exist; 03:00 EDT is 07:00 UTC.
        assert_eq!(instant_of(new_york, local), utc("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn weeks_start_on_local_monday() {
        let seoul = parse_zone("Asia/Seoul").unwrap();
        // Sunday 2026-12-06 23:30 in Seoul is 14:30 UTC.
        let (start, end) = week_bounds(seoul, utc("2026-12-06T14:30:00Z"));
        assert_eq!(start, utc("2026-11-29T15:00:00Z"));
        assert_eq!(end, utc("2026-12-06T15:00:00Z"));
    }

    #[test]
    fn opening_hours_follow_the_local_clock_across_dst() {
        let schedule: WeeklySchedule = serde_json::from_str(
            r#"{"zone":"America/New_York","slots":[
                {"days":["sun"],"opens":"09:00","closes":"12:00"},
                {"days":["sun"],"opens":"12:00","closes":"00:00"}]}"#,
        )
        .unwrap();
        let zone = parse_zone(&schedule.zone).unwrap();
        let before = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(
            open_spans(Some(&schedule), zone, before),
            vec![(utc("2026-03-01T14:00:00Z"), utc("2026-03-02T05:00:00Z"))]
        );
        assert_eq!(
            open_spans(Some(&schedule), zone, after),
            vec![(utc("2026-03-08T13:00:00Z"), utc("2026-03-09T04:00:00Z"))]
        );
        assert_eq!(
            open_spans(None, zone, after),
            vec![local_day_bounds(zone, after)]
        );
    }
}
