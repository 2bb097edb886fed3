//! `sharehub_open_at(schedule_json, unix_seconds)`: a SQL function that tells whether a
//! resource's weekly schedule is open at an instant, so "available now / at a time" is one
//! `WHERE` condition shared by the list and the near search.
//!
//! The instant is turned into the schedule's own zone with chrono-tz (DST included); the
//! rule itself is `WeeklySchedule::is_open_at_local` in sharehub-core. No schedule means
//! always open. A schedule whose zone this build does not know is treated as open rather
//! than hiding the resource.

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Tz;
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use sharehub_core::resource::{Day, WeeklySchedule};

pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "sharehub_open_at",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let schedule: Option<String> = ctx.get(0)?;
            let seconds: i64 = ctx.get(1)?;
            let Some(schedule) = schedule else {
                return Ok(true);
            };
            let schedule: WeeklySchedule = serde_json::from_str(&schedule)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            let instant = DateTime::<Utc>::from_timestamp(seconds, 0).ok_or_else(|| {
                rusqlite::Error::UserFunctionError(
                    format!("{seconds} is not a valid instant").into(),
                )
            })?;
            Ok(is_open_at(&schedule, instant))
        },
    )
}

fn day_of(weekday: Weekday) -> Day {
    match weekday {
        Weekday::Mon => Day::Mon,
        Weekday::Tue => Day::Tue,
        Weekday::Wed => Day::Wed,
        Weekday::Thu => Day::Thu,
        Weekday::Fri => Day::Fri,
        Weekday::Sat => Day::Sat,
        Weekday::Sun => Day::Sun,
    }
}

/// Whether `schedule` is open at `instant`, judged in the schedule's own zone.
pub fn is_open_at(schedule: &WeeklySchedule, instant: DateTime<Utc>) -> bool {
    let Ok(zone) = schedule.zone.parse::<Tz>() else {
        return true;
    };
    let local = instant.with_timezone(&zone);
    schedule.is_open_at_local(day_of(local.weekday()), local.time())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(zone: &str) -> WeeklySchedule {
        serde_json::from_value(serde_json::json!({
            "zone": zone,
            "slots": [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "18:00"}]
        }))
        .unwrap()
    }

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn seoul_has_no_daylight_saving() {
        let s = schedule("Asia/Seoul");
        for (instant, open) in [
            ("2026-11-26T00:00:00Z", true),  // Thu 09:00 KST
            ("2026-11-25T23:59:00Z", false), // Thu 08:59 KST
            ("2026-11-26T08:59:00Z", true),  // Thu 17:59 KST
            ("2026-11-26T09:00:00Z", false), // Thu 18:00 KST
            ("2026-11-28T03:00:00Z", false), // Sat 12:00 KST
            ("2026-07-01T00:30:00Z", true),  // summer is the same: Wed 09:30 KST
        ] {
            assert_eq!(is_open_at(&s, at(instant)), open, "{instant}");
        }
    }

    #[test]
    fn berlin_follows_daylight_saving() {
        // Summer time starts on Sunday 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
        let s = schedule("Europe/Berlin");
        for (instant, open) in [
            ("2026-03-27T07:30:00Z", false), // Fri 08:30 CET
            ("2026-03-27T08:30:00Z", true),  // Fri 09:30 CET
            ("2026-03-30T07:30:00Z", true),  // Mon 09:30 CEST
            ("2026-03-30T16:30:00Z", false), // Mon 18:30 CEST
        ] {
            assert_eq!(is_open_at(&s, at(instant)), open, "{instant}");
        }
    }

    #[test]
    fn the_sql_function_filters_rows() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let json = serde_json::to_string(&schedule("Asia/Seoul")).unwrap();
        let thursday_10_kst = at("2026-11-26T01:00:00Z").timestamp();
        let saturday_10_kst = at("2026-11-28T01:00:00Z").timestamp();
        let open = |s: Option<&str>, t: i64| -> bool {
            conn.query_row(
                "SELECT sharehub_open_at(?1, ?2)",
                rusqlite::params![s, t],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert!(open(Some(&json), thursday_10_kst));
        assert!(!open(Some(&json), saturday_10_kst));
        assert!(open(None, saturday_10_kst), "no schedule: always open");
        let broken = conn.query_row("SELECT sharehub_open_at('not json', 0)", [], |r| {
            r.get::<_, bool>(0)
        });
        assert!(broken.is_err());
    }
}
