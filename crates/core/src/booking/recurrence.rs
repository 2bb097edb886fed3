//! Repeated bookings ("every Tuesday and Thursday at 10:00 until June"): a
//! [`RecurrenceRule`] expands to occurrences on the local clock, and [`preview`] says
//! which of them can be booked before anything is sent, each accepted one counting as held
//! for the ones after it.
//!
//! A series is booked as one request per occurrence (the server decides each one); the
//! rule itself is not stored, so there is no open-ended series and no exception list to
//! keep in step: at most [`MAX_OCCURRENCES`] dates, all known when the person books.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::check::{check_request, BookingSituation, Hold};
use super::local_time::instant_of;
use super::{taken_until, BookingRefusal};
use crate::resource::{Day, FieldProblem};

/// Most occurrences one series may have: enough for twice a week for a year.
pub const MAX_OCCURRENCES: u32 = 100;
/// Furthest a series may run past its first date (the longest book-ahead there is).
pub const MAX_SERIES_DAYS: i64 = 730;

/// When a series stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Until {
    /// The last local date an occurrence may fall on (inclusive).
    Date(NaiveDate),
    /// How many occurrences in all, from 1 to [`MAX_OCCURRENCES`].
    Count(u32),
}

/// "Every `every_weeks` weeks on `weekdays`, at `start_local` for `minutes`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecurrenceRule {
    /// 1 every week, 2 every other week; weeks run Monday to Sunday, counted from the week
    /// of the first date.
    #[serde(default = "one_week")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 52))]
    pub every_weeks: u32,
    pub weekdays: Vec<Day>,
    /// The start on the resource's clock, kept across DST changes (10:00 stays 10:00).
    #[serde(with = "clock_minutes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "10:00"))]
    pub start_local: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 5, maximum = 525600))]
    pub minutes: u32,
    pub until: Until,
}

fn one_week() -> u32 {
    1
}

/// `NaiveTime` as `HH:MM`, the way opening hours are written.
mod clock_minutes {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&time.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| {
            serde::de::Error::custom(format!("{text:?} is not a time of day like \"10:00\""))
        })
    }
}

impl RecurrenceRule {
    /// Every problem with the rule for a series starting on `first_date`, fields named
    /// under `path`.
    pub fn problems(&self, path: &str, first_date: NaiveDate) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if !(1..=52).contains(&self.every_weeks) {
            problems.push(FieldProblem::new(
                format!("{path}.every_weeks"),
                "must be from 1 to 52",
            ));
        }
        if self.weekdays.is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.weekdays"),
                "must name at least one day",
            ));
        }
        let mut days = self.weekdays.clone();
        days.sort();
        days.dedup();
        if days.len() != self.weekdays.len() {
            problems.push(FieldProblem::new(
                format!("{path}.weekdays"),
                "must not name a day twice",
            ));
        }
        if self.start_local.second() != 0 || self.start_local.nanosecond() != 0 {
            problems.push(FieldProblem::new(
                format!("{path}.start_local"),
                "must be a whole minute",
            ));
        }
        if !(5..=525_600).contains(&self.minutes) {
            problems.push(FieldProblem::new(
                format!("{path}.minutes"),
                "must be from 5 to 525600",
            ));
        }
        match self.until {
            Until::Count(count) => {
                if !(1..=MAX_OCCURRENCES).contains(&count) {
                    problems.push(FieldProblem::new(
                        format!("{path}.until.count"),
                        format!("must be from 1 to {MAX_OCCURRENCES}"),
                    ));
                } else if problems.is_empty() {
                    let dates = occurrence_dates(self, first_date, MAX_OCCURRENCES);
                    if dates
                        .last()
                        .is_some_and(|last| (*last - first_date).num_days() > MAX_SERIES_DAYS)
                    {
                        problems.push(FieldProblem::new(
                            format!("{path}.until.count"),
                            format!(
                                "runs more than {MAX_SERIES_DAYS} days past the first date;                                  choose fewer times"
                            ),
                        ));
                    }
                }
            }
            Until::Date(last) => {
                if last < first_date {
                    problems.push(FieldProblem::new(
                        format!("{path}.until.date"),
                        "must not be before the first date",
                    ));
                } else if (last - first_date).num_days() > MAX_SERIES_DAYS {
                    problems.push(FieldProblem::new(
                        format!("{path}.until.date"),
                        format!("must be at most {MAX_SERIES_DAYS} days after the first date"),
                    ));
                } else if problems.is_empty() {
                    let dates = occurrence_dates(self, first_date, MAX_OCCURRENCES + 1);
                    if dates.len() > MAX_OCCURRENCES as usize {
                        problems.push(FieldProblem::new(
                            format!("{path}.until.date"),
                            format!(
                                "gives more than {MAX_OCCURRENCES} dates; choose an earlier \
                                 date or fewer days"
                            ),
                        ));
                    }
                }
            }
        }
        if problems.is_empty() && occurrence_dates(self, first_date, 1).is_empty() {
            problems.push(FieldProblem::new(
                format!("{path}.until"),
                "leaves no date: the first chosen weekday comes after it",
            ));
        }
        problems
    }
}

/// The local dates of a series, at most `limit` of them.
fn occurrence_dates(rule: &RecurrenceRule, first_date: NaiveDate, limit: u32) -> Vec<NaiveDate> {
    let mut weekdays = rule.weekdays.clone();
    weekdays.sort();
    weekdays.dedup();
    let limit = match rule.until {
        Until::Count(count) => count.min(limit),
        Until::Date(_) => limit,
    } as usize;
    let mut dates = Vec::new();
    if weekdays.is_empty() || limit == 0 {
        return dates;
    }
    let every = i64::from(rule.every_weeks.clamp(1, 52));
    let first_monday =
        first_date - Duration::days(i64::from(first_date.weekday().num_days_from_monday()));
    // Every week from the first one on gives at least one date, so the count (or the
    // limit) ends the walk, or the last date does.
    for week in 0.. {
        let Some(monday) = first_monday.checked_add_signed(Duration::weeks(week * every)) else {
            return dates;
        };
        for day in &weekdays {
            let offset = Day::ALL.iter().position(|d| d == day).unwrap_or(0);
            let Some(date) = monday.checked_add_signed(Duration::days(offset as i64)) else {
                return dates;
            };
            if date < first_date {
                continue;
            }
            if matches!(rule.until, Until::Date(last) if date > last) {
                return dates;
            }
            dates.push(date);
            if dates.len() >= limit {
                return dates;
            }
        }
    }
    dates
}

/// The occurrences of `rule` from `first_date` on, as UTC `[start, end)` in order: each at
/// `start_local` on the resource's clock in `zone` (a start in the hour skipped in spring
/// moves to the end of the gap), `minutes` long. Never more than [`MAX_OCCURRENCES`], even
/// for a rule with problems.
pub fn expand(
    rule: &RecurrenceRule,
    zone: Tz,
    first_date: NaiveDate,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let length = Duration::minutes(i64::from(rule.minutes));
    occurrence_dates(rule, first_date, MAX_OCCURRENCES)
        .into_iter()
        .map(|date| {
            let start = instant_of(zone, date.and_time(rule.start_local));
            (start, start + length)
        })
        .collect()
}

/// One occurrence of a series and whether it can be booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrencePreview {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Sent as `refusal` (absent when it can be booked), like the day grid's rows.
    #[serde(
        rename = "refusal",
        default = "bookable",
        skip_serializing_if = "Result::is_ok",
        with = "verdict_as_refusal"
    )]
    pub verdict: Result<(), BookingRefusal>,
}

fn bookable() -> Result<(), BookingRefusal> {
    Ok(())
}

impl OccurrencePreview {
    pub fn is_bookable(&self) -> bool {
        self.verdict.is_ok()
    }
}

mod verdict_as_refusal {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::booking::BookingRefusal;

    pub fn serialize<S: Serializer>(
        verdict: &Result<(), BookingRefusal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        verdict.as_ref().err().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Result<(), BookingRefusal>, D::Error> {
        Ok(match Option::<BookingRefusal>::deserialize(d)? {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        })
    }
}

/// Whether each occurrence can be booked with `units`, in order, as `check_request` would
/// answer if the accepted ones before it were already held: a series cannot beat its own
/// capacity, buffer or quotas. The person then books the accepted ones ("skip the
/// conflicting dates") or changes the rule.
pub fn preview(
    situation: &BookingSituation<'_>,
    occurrences: &[(DateTime<Utc>, DateTime<Utc>)],
    units: u32,
) -> Vec<OccurrencePreview> {
    let mut resource_holds = situation.resource_holds.to_vec();
    let mut person_holds = situation.person_holds.to_vec();
    let mut organisation_holds = situation.organisation_holds.to_vec();
    let mut previews = Vec::with_capacity(occurrences.len());
    for &(start, end) in occurrences {
        let with_series = BookingSituation {
            resource_holds: &resource_holds,
            person_holds: &person_holds,
            organisation_holds: &organisation_holds,
            ..*situation
        };
        let verdict = check_request(&with_series, start, end, units);
        if verdict.is_ok() {
            let hold = Hold {
                start,
                end,
                until: taken_until(end, situation.rules),
                units,
            };
            resource_holds.push(hold);
            person_holds.push(hold);
            if situation.organisation.is_some() {
                organisation_holds.push(hold);
            }
        }
        previews.push(OccurrencePreview {
            start,
            end,
            verdict,
        });
    }
    previews
}

#[cfg(test)]
mod tests;
