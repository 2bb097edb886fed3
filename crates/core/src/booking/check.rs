//! [`check_request`]: may this booking be made, given the rules and what is already held?

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::local_time::{local_date, local_day_bounds, open_spans, week_bounds};
use super::{BookingRefusal, BookingRules};
use crate::resource::WeeklySchedule;

/// A booking that holds time: pending, confirmed, or tentative on a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `end` plus the buffer the rules had when it was booked.
    pub until: DateTime<Utc>,
    pub units: u32,
}

/// Everything a booking decision looks at. The holds exclude the booking being moved.
#[derive(Debug, Clone, Copy)]
pub struct BookingSituation<'a> {
    pub rules: &'a BookingRules,
    pub schedule: Option<&'a WeeklySchedule>,
    pub zone: Tz,
    pub now: DateTime<Utc>,
    /// Every hold on the resource.
    pub resource_holds: &'a [Hold],
    /// The person's holds on the resource.
    pub person_holds: &'a [Hold],
    /// The organisation's holds on the resource, when booking for one.
    pub organisation_holds: &'a [Hold],
    /// The organisations the person belongs to.
    pub member_of: &'a [Uuid],
    /// Booking on this organisation's behalf.
    pub organisation: Option<Uuid>,
}

/// The most units held at any instant of `[start, until)`. A hold whose `until` is not
/// after its `start` holds no time (such a row is broken data, and counting it as negative
/// units would hide real holds).
pub fn most_units_held(holds: &[Hold], start: DateTime<Utc>, until: DateTime<Utc>) -> u32 {
    let mut edges: Vec<(DateTime<Utc>, i64)> = Vec::new();
    for hold in holds {
        if hold.start < hold.until && hold.start < until && start < hold.until {
            edges.push((hold.start.max(start), i64::from(hold.units)));
            edges.push((hold.until.min(until), -i64::from(hold.units)));
        }
    }
    // Ends sort before starts at the same instant: touching spans do not overlap.
    edges.sort_by_key(|&(at, delta)| (at, delta));
    let (mut now, mut most) = (0i64, 0i64);
    for (_, delta) in edges {
        now += delta;
        most = most.max(now);
    }
    most.max(0) as u32
}

fn minutes_in(holds: &[Hold], from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    holds
        .iter()
        .map(|hold| {
            (hold.end.min(to) - hold.start.max(from))
                .num_minutes()
                .max(0)
        })
        .sum()
}

fn covered_by_opening(
    schedule: Option<&WeeklySchedule>,
    zone: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    if schedule.is_none() {
        return true;
    }
    let first = local_date(zone, start);
    let last = local_date(zone, end - Duration::nanoseconds(1));
    let mut spans = Vec::new();
    let mut date = first;
    while date <= last {
        spans.extend(open_spans(schedule, zone, date));
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    let mut reach = start;
    for (opens, closes) in spans {
        if opens > reach {
            break;
        }
        reach = reach.max(closes);
        if reach >= end {
            return true;
        }
    }
    false
}

fn quota_refusal(
    quota: &super::Quota,
    holds: &[Hold],
    situation: &BookingSituation<'_>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    organisation: bool,
) -> Option<BookingRefusal> {
    if let Some(most) = quota.active_bookings {
        let active = holds.iter().filter(|hold| hold.end > situation.now).count();
        if active as u64 + 1 > u64::from(most) {
            return Some(if organisation {
                BookingRefusal::OrganisationActiveBookings {
                    active_bookings: most,
                }
            } else {
                BookingRefusal::PersonActiveBookings {
                    active_bookings: most,
                }
            });
        }
    }
    if let Some(hours) = quota.hours_per_week {
        // Each week the booking touches is checked (a loan can span two).
        let mut from = start;
        while from < end {
            let (week_start, week_end) = week_bounds(situation.zone, from);
            let mine = (end.min(week_end) - start.max(week_start)).num_minutes();
            if minutes_in(holds, week_start, week_end) + mine > i64::from(hours) * 60 {
                return Some(if organisation {
                    BookingRefusal::OrganisationHoursPerWeek {
                        hours_per_week: hours,
                    }
                } else {
                    BookingRefusal::PersonHoursPerWeek {
                        hours_per_week: hours,
                    }
                });
            }
            from = week_end;
        }
    }
    None
}

/// Whether `[start, end)` with `units` may be booked; the first rule that refuses says
/// why. The order is the order a person fixes things in: the time itself, then the rules,
/// then what others hold, then their own quotas.
pub fn check_request(
    situation: &BookingSituation<'_>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    units: u32,
) -> Result<(), BookingRefusal> {
    let rules = situation.rules;
    if end <= start || units == 0 {
        return Err(BookingRefusal::EmptyInterval);
    }
    if start < situation.now + Duration::minutes(i64::from(rules.notice_minutes)) {
        return Err(BookingRefusal::TooLate {
            notice_minutes: rules.notice_minutes,
        });
    }
    if start > situation.now + Duration::days(i64::from(rules.book_ahead_days)) {
        return Err(BookingRefusal::TooFarAhead {
            book_ahead_days: rules.book_ahead_days,
        });
    }
    let step = i64::from(rules.slot_minutes.max(1));
    let (midnight, _) = local_day_bounds(situation.zone, local_date(situation.zone, start));
    let minutes = (end - start).num_minutes();
    let on_step = |instant: DateTime<Utc>| {
        instant.second() == 0
            && instant.nanosecond() == 0
            && (instant - midnight).num_minutes() % step == 0
    };
    if !on_step(start) || !on_step(end) || minutes % step != 0 {
        return Err(BookingRefusal::OffStep {
            slot_minutes: rules.slot_minutes,
        });
    }
    if minutes < i64::from(rules.min_minutes) {
        return Err(BookingRefusal::TooShort {
            min_minutes: rules.min_minutes,
        });
    }
    if minutes > i64::from(rules.max_minutes) {
        return Err(BookingRefusal::TooLong {
            max_minutes: rules.max_minutes,
        });
    }
    if units > rules.units {
        return Err(BookingRefusal::TooManyUnits { units: rules.units });
    }
    if let Some(organisation) = situation.organisation {
        if !situation.member_of.contains(&organisation) {
            return Err(BookingRefusal::NotForYou);
        }
    }
    if !rules.only_organisations.is_empty() {
        let allowed = match situation.organisation {
            Some(organisation) => rules.only_organisations.contains(&organisation),
            None => false,
        };
        if !allowed {
            return Err(BookingRefusal::NotForYou);
        }
    }
    if !covered_by_opening(situation.schedule, situation.zone, start, end) {
        return Err(BookingRefusal::Closed);
    }
    for blocked in &rules.blocked {
        let (blocked_start, _) = local_day_bounds(situation.zone, blocked.from);
        let (_, blocked_end) = local_day_bounds(situation.zone, blocked.to);
        if start < blocked_end && blocked_start < end {
            return Err(BookingRefusal::Blocked {
                from: blocked.from,
                to: blocked.to,
                reason: blocked.reason.clone(),
            });
        }
    }
    let until = super::taken_until(end, rules);
    if most_units_held(situation.resource_holds, start, until) + units > rules.units {
        return Err(BookingRefusal::Taken);
    }
    if let Some(refusal) = quota_refusal(
        &rules.per_person,
        situation.person_holds,
        situation,
        start,
        end,
        false,
    ) {
        return Err(refusal);
    }
    if situation.organisation.is_some() {
        if let Some(refusal) = quota_refusal(
            &rules.per_organisation,
            situation.organisation_holds,
            situation,
            start,
            end,
            true,
        ) {
            return Err(refusal);
        }
    }
    Ok(())
}
