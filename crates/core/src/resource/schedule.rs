//! Weekly opening hours (a room) or an owner's weekly schedule (a parking space).

use std::fmt;

use chrono::NaiveTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FieldProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", example = "09:30"))]
pub struct ClockTime(pub NaiveTime);

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "24:00" {
            // End of day, kept as the last representable minute boundary.
            return Ok(ClockTime(NaiveTime::MIN));
        }
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map(ClockTime)
            .map_err(|_| {
                serde::de::Error::custom(format!("{text:?} is not a time of day like \"09:30\""))
            })
    }
}

/// Open on `days` from `opens` to `closes` (local time of the schedule's zone).
/// `closes` of `00:00` means midnight at the end of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpeningSlot {
    pub days: Vec<Day>,
    pub opens: ClockTime,
    pub closes: ClockTime,
}

/// A weekly schedule in an IANA time zone (`Asia/Seoul` by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeeklySchedule {
    #[serde(default = "default_zone")]
    pub zone: String,
    pub slots: Vec<OpeningSlot>,
}

pub const DEFAULT_ZONE: &str = "Asia/Seoul";

fn default_zone() -> String {
    DEFAULT_ZONE.to_owned()
}

impl WeeklySchedule {
    /// Whether the schedule is open on `day` at `time`, both in the schedule's own zone
    /// (the caller converts the instant: chrono-tz natively, `Intl` in the webview).
    /// A slot opens at `opens` inclusive and closes at `closes` exclusive; `closes` of
    /// `00:00` means midnight at the end of `day`.
    pub fn is_open_at_local(&self, day: Day, time: NaiveTime) -> bool {
        self.slots.iter().any(|slot| {
            slot.days.contains(&day)
                && time >= slot.opens.0
                && (slot.closes.0 == NaiveTime::MIN || time < slot.closes.0)
        })
    }

    pub fn problems(&self, path: &str) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if self.zone.trim().is_empty() || !self.zone.contains('/') && self.zone != "UTC" {
            problems.push(FieldProblem::new(
                format!("{path}.zone"),
                "must be an IANA time zone such as Asia/Seoul",
            ));
        }
        if self.slots.is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.slots"),
                "must list at least one opening",
            ));
        }
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.days.is_empty() {
                problems.push(FieldProblem::new(
                    format!("{path}.slots[{i}].days"),
                    "must name at least one day",
                ));
            }
            let closes_at_midnight = slot.closes.0 == NaiveTime::MIN;
            if !closes_at_midnight && slot.closes <= slot.opens {
                problems.push(FieldProblem::new(
                    format!("{path}.slots[{i}].closes"),
                    format!("{} must be after opening time {}", slot.closes, slot.opens),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_slots() {
        let s: WeeklySchedule = serde_json::from_str(
            r#"{"slots":[{"days":["mon","tue"],"opens":"09:00","closes":"18:30"},
                         {"days":["sat"],"opens":"20:00","closes":"08:00"}]}"#,
        )
        .unwrap();
        assert_eq!(s.zone, "Asia/Seoul");
        let problems = s.problems("schedule");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "schedule.slots[1].closes");
        assert_eq!(
            serde_json::to_value(&s.slots[0]).unwrap()["closes"],
            "18:30"
        );
    }

    #[test]
    fn open_at_local_time_table() {
        let s: WeeklySchedule = serde_json::from_str(
            r#"{"slots":[{"days":["mon","tue","wed","thu","fri"],"opens":"09:00","closes":"18:00"},
                         {"days":["sat"],"opens":"20:00","closes":"00:00"}]}"#,
        )
        .unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (day, time, open) in [
            (Day::Mon, t(8, 59), false),
            (Day::Mon, t(9, 0), true),
            (Day::Fri, t(17, 59), true),
            (Day::Fri, t(18, 0), false),
            (Day::Sat, t(12, 0), false),
            (Day::Sat, t(23, 59), true),
            (Day::Sun, t(0, 0), false),
            (Day::Sun, t(10, 0), false),
        ] {
            assert_eq!(s.is_open_at_local(day, time), open, "{day:?} {time}");
        }
    }

    #[test]
    fn bad_time_says_what_is_expected() {
        let err = serde_json::from_str::<OpeningSlot>(
            r#"{"days":["mon"],"opens":"9am","closes":"18:00"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("like \"09:30\""), "{err}");
    }
}
