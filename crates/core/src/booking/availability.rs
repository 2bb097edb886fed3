//! Availability: which starts of a booking of a given length are free, row by row for the
//! day and week views, and the free times nearest a wanted one (for a bumped request).
//!
//! Every answer agrees exactly with [`check_request`] (property tests hold them to it): a
//! start is free here if and only if `check_request` accepts `[start, start + minutes)`.
//! Asking `check_request` step by step would re-read every hold for every step, so the
//! rules are instead prepared once per question ([`SlotSweep`]): the holds that touch the
//! window are turned into a step function of units held over time, opening hours into one
//! sorted list of spans, weeks into their quota minutes, and each step reads those by
//! binary search.
//!
//! [`check_request`]: super::check_request

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::check::{BookingSituation, Hold};
use super::local_time::{local_date, local_day_bounds, open_spans, week_bounds};
use super::{BlockedDates, BookingRefusal, Quota};

/// Most days one [`day_grid`] answers for: six weeks, a month view with its edges.
pub const MAX_GRID_DAYS: usize = 42;

/// A time that can be booked: `[start, end)` with `free_units` still free all through it
/// (and through the buffer after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeSlot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub free_units: u32,
}

/// One row of the day view: a booking of the asked length starting at `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridRow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The start as the resource's clock shows it: the row's label. On the autumn DST day
    /// the hour after the change shows twice (two rows read `01:00`), as the clock does.
    pub local_time: NaiveTime,
    /// Whether the resource is open at `start` (a row can be open and still not bookable:
    /// taken, too late, or closing before the booking would end).
    pub open: bool,
    /// Units nobody holds all through the booking and its buffer (before quotas).
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 1000))]
    pub free_units: u32,
    /// Why this start cannot be booked; absent when it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<BookingRefusal>,
}

impl GridRow {
    pub fn is_bookable(&self) -> bool {
        self.refusal.is_none()
    }
}

/// One local day of the day or week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridDay {
    pub date: NaiveDate,
    /// How many rows can be booked: the week view's "3 free" under each day.
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0))]
    pub bookable: u32,
    /// No row is open: the phone shows one "closed" line instead of the rows.
    pub closed_all_day: bool,
    /// Every step of the day from local midnight, in order (46, 48 or 50 rows of 30
    /// minutes on a DST day, a normal day and the autumn DST day).
    pub rows: Vec<GridRow>,
}

/// Every start on the rules' step (counted from each local midnight) on the local dates
/// `from..=to` where `check_request` accepts `[start, start + minutes)` with `units`.
/// Dates outside the bookable window (notice, book-ahead) are skipped without looking.
pub fn free_slots(
    situation: &BookingSituation<'_>,
    from: NaiveDate,
    to: NaiveDate,
    minutes: u32,
    units: u32,
) -> Vec<FreeSlot> {
    let Some((first, last)) = bookable_dates(situation) else {
        return Vec::new();
    };
    let (from, to) = (from.max(first), to.min(last));
    if from > to {
        return Vec::new();
    }
    let sweep = SlotSweep::new(situation, minutes, units, from, to);
    if sweep.refuses_every_start() {
        return Vec::new();
    }
    sweep
        .days()
        .flat_map(|(day, starts)| {
            let sweep = &sweep;
            starts.map(move |start| (start, sweep.verdict(&day, start)))
        })
        .filter_map(|(start, verdict)| match verdict.refusal {
            None => Some(FreeSlot {
                start,
                end: verdict.end,
                free_units: verdict.free_units,
            }),
            Some(_) => None,
        })
        .collect()
}

/// The day (or week) view: for each local date `from..=to` (at most [`MAX_GRID_DAYS`]),
/// every step from local midnight with whether it is open, how many units are free and,
/// when a booking of `minutes` with `units` cannot start there, the refusal
/// `check_request` would give.
pub fn day_grid(
    situation: &BookingSituation<'_>,
    from: NaiveDate,
    to: NaiveDate,
    minutes: u32,
    units: u32,
) -> Vec<GridDay> {
    let to = match from.checked_add_signed(Duration::days(MAX_GRID_DAYS as i64 - 1)) {
        Some(last) => to.min(last),
        None => to,
    };
    if from > to {
        return Vec::new();
    }
    let sweep = SlotSweep::new(situation, minutes, units, from, to);
    sweep
        .days()
        .map(|(day, starts)| {
            let rows: Vec<GridRow> = starts
                .map(|start| {
                    let verdict = sweep.verdict(&day, start);
                    GridRow {
                        start,
                        end: verdict.end,
                        local_time: start.with_timezone(&situation.zone).time(),
                        open: sweep.is_open_at(start),
                        free_units: verdict.free_units,
                        refusal: verdict.refusal,
                    }
                })
                .collect();
            GridDay {
                date: day.date,
                bookable: rows.iter().filter(|row| row.is_bookable()).count() as u32,
                closed_all_day: !rows.iter().any(|row| row.open),
                rows,
            }
        })
        .collect()
}

/// The `count` free slots of `minutes` nearest in time to `wanted_start`, before or after
/// it (within notice and book-ahead), in time order: the choices offered when a request is
/// bumped. At equal distance the earlier one is preferred.
pub fn nearest_free(
    situation: &BookingSituation<'_>,
    wanted_start: DateTime<Utc>,
    minutes: u32,
    units: u32,
    count: usize,
) -> Vec<FreeSlot> {
    let Some((first, last)) = bookable_dates(situation) else {
        return Vec::new();
    };
    if count == 0 || first > last {
        return Vec::new();
    }
    let zone = situation.zone;
    let wanted_date = local_date(zone, wanted_start).clamp(first, last);
    let distance = |slot: &FreeSlot| (slot.start - wanted_start).abs();
    // Look at a few days around the wanted one, then twice as many, until the `count`-th
    // nearest found is nearer than anything outside what was looked at.
    let mut radius = 1i64;
    loop {
        let from = wanted_date
            .checked_sub_signed(Duration::days(radius))
            .map_or(first, |date| date.max(first));
        let to = wanted_date
            .checked_add_signed(Duration::days(radius))
            .map_or(last, |date| date.min(last));
        let mut found = free_slots(situation, from, to, minutes, units);
        found.sort_by_key(|slot| (distance(slot), slot.start));
        let everything = from == first && to == last;
        let settled = found.len() >= count && {
            let kth = distance(&found[count - 1]);
            let before_is_farther =
                from == first || kth <= wanted_start - local_day_bounds(zone, from).0;
            let after_is_farther = to == last || kth <= local_day_bounds(zone, to).1 - wanted_start;
            before_is_farther && after_is_farther
        };
        if everything || settled {
            found.truncate(count);
            found.sort_by_key(|slot| slot.start);
            return found;
        }
        radius = radius.saturating_mul(2);
    }
}

/// The local dates on which a booking may start: from the notice to the book-ahead limit.
fn bookable_dates(situation: &BookingSituation<'_>) -> Option<(NaiveDate, NaiveDate)> {
    let rules = situation.rules;
    let earliest = situation
        .now
        .checked_add_signed(Duration::minutes(i64::from(rules.notice_minutes)))?;
    let latest = situation
        .now
        .checked_add_signed(Duration::days(i64::from(rules.book_ahead_days)))?;
    Some((
        local_date(situation.zone, earliest),
        local_date(situation.zone, latest),
    ))
}

/// A local date and the instant its midnight is.
struct LocalDay {
    date: NaiveDate,
    midnight: DateTime<Utc>,
}

/// What [`SlotSweep::verdict`] says about one start.
struct StartVerdict {
    end: DateTime<Utc>,
    free_units: u32,
    refusal: Option<BookingRefusal>,
}

/// A person's (or an organisation's) quota, prepared for a window.
struct QuotaSweep {
    /// Refuses every start: the count of active bookings does not depend on the time.
    active: Option<BookingRefusal>,
    /// The weekly hour limit (in minutes) and the minutes already held in each week.
    weekly: Option<(i64, BookingRefusal, Vec<WeekUse>)>,
}

/// One local week (Monday to Monday) and the minutes already held in it.
struct WeekUse {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    held_minutes: i64,
}

impl QuotaSweep {
    fn new(
        quota: &Quota,
        holds: &[Hold],
        situation: &BookingSituation<'_>,
        window: (DateTime<Utc>, DateTime<Utc>),
        organisation: bool,
    ) -> QuotaSweep {
        let active = quota.active_bookings.and_then(|most| {
            let active = holds.iter().filter(|hold| hold.end > situation.now).count();
            (active as u64 + 1 > u64::from(most)).then_some(if organisation {
                BookingRefusal::OrganisationActiveBookings {
                    active_bookings: most,
                }
            } else {
                BookingRefusal::PersonActiveBookings {
                    active_bookings: most,
                }
            })
        });
        let weekly = quota.hours_per_week.map(|hours| {
            let refusal = if organisation {
                BookingRefusal::OrganisationHoursPerWeek {
                    hours_per_week: hours,
                }
            } else {
                BookingRefusal::PersonHoursPerWeek {
                    hours_per_week: hours,
                }
            };
            let (from, to) = window;
            let mut weeks = Vec::new();
            let mut at = from;
            while at < to {
                let (start, end) = week_bounds(situation.zone, at);
                weeks.push(WeekUse {
                    start,
                    end,
                    held_minutes: 0,
                });
                if end <= at {
                    break;
                }
                at = end;
            }
            // Whole weeks count, also the parts before and after the window.
            let (first, last) = match (weeks.first(), weeks.last()) {
                (Some(first), Some(last)) => (first.start, last.end),
                _ => (from, to),
            };
            let nearby: Vec<&Hold> = holds
                .iter()
                .filter(|hold| hold.start < last && first < hold.end)
                .collect();
            for week in &mut weeks {
                // The same sum as `check_request`'s, hold by hold (whole minutes each).
                week.held_minutes = nearby
                    .iter()
                    .map(|hold| {
                        (hold.end.min(week.end) - hold.start.max(week.start))
                            .num_minutes()
                            .max(0)
                    })
                    .sum();
            }
            (i64::from(hours) * 60, refusal, weeks)
        });
        QuotaSweep { active, weekly }
    }

    fn refusal(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<BookingRefusal> {
        if let Some(refusal) = &self.active {
            return Some(refusal.clone());
        }
        let (limit, refusal, weeks) = self.weekly.as_ref()?;
        let first = weeks.partition_point(|week| week.end <= start);
        for week in weeks[first..].iter().take_while(|week| week.start < end) {
            let mine = (end.min(week.end) - start.max(week.start)).num_minutes();
            if week.held_minutes + mine > *limit {
                return Some(refusal.clone());
            }
        }
        None
    }
}

/// The rules and holds of one situation, prepared for the starts of a date window.
struct SlotSweep<'s> {
    situation: &'s BookingSituation<'s>,
    from: NaiveDate,
    to: NaiveDate,
    length: Duration,
    taken_length: Duration,
    step: i64,
    units: u32,
    /// Refuses before anything about the start is looked at.
    empty: bool,
    earliest: DateTime<Utc>,
    latest: DateTime<Utc>,
    /// The refusals that do not depend on the start (too short, too long, too many units,
    /// not for you), checked where `check_request` checks them.
    rules_refusal: Option<BookingRefusal>,
    /// Open spans, sorted and merged where they touch; `None`: always open.
    opening: Option<Vec<(DateTime<Utc>, DateTime<Utc>)>>,
    /// Blocked periods that touch the window, in the rules' order.
    blocked: Vec<(DateTime<Utc>, DateTime<Utc>, &'s BlockedDates)>,
    /// From each instant on (until the next), this many units are held.
    load: Vec<(DateTime<Utc>, i64)>,
    person: QuotaSweep,
    organisation: Option<QuotaSweep>,
}

impl<'s> SlotSweep<'s> {
    fn new(
        situation: &'s BookingSituation<'s>,
        minutes: u32,
        units: u32,
        from: NaiveDate,
        to: NaiveDate,
    ) -> SlotSweep<'s> {
        let rules = situation.rules;
        let zone = situation.zone;
        let length = Duration::minutes(i64::from(minutes));
        let taken_length = length + Duration::minutes(i64::from(rules.buffer_minutes));
        let step = i64::from(rules.slot_minutes.max(1));
        let (window_start, _) = local_day_bounds(zone, from);
        let (_, last_day_end) = local_day_bounds(zone, to);
        // Every instant a booking starting in the window can reach, buffer included.
        let window_end = last_day_end
            .checked_add_signed(taken_length)
            .unwrap_or(last_day_end);
        let window = (window_start, window_end);

        let minutes_i = i64::from(minutes);
        let rules_refusal = if minutes_i < i64::from(rules.min_minutes) {
            Some(BookingRefusal::TooShort {
                min_minutes: rules.min_minutes,
            })
        } else if minutes_i > i64::from(rules.max_minutes) {
            Some(BookingRefusal::TooLong {
                max_minutes: rules.max_minutes,
            })
        } else if units > rules.units {
            Some(BookingRefusal::TooManyUnits { units: rules.units })
        } else if situation
            .organisation
            .is_some_and(|organisation| !situation.member_of.contains(&organisation))
            || !rules.only_organisations.is_empty()
                && !situation
                    .organisation
                    .is_some_and(|organisation| rules.only_organisations.contains(&organisation))
        {
            Some(BookingRefusal::NotForYou)
        } else {
            None
        };

        let opening = situation.schedule.map(|schedule| {
            let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
            let mut date = from;
            let last = local_date(zone, window_end);
            while date <= last {
                for (opens, closes) in open_spans(Some(schedule), zone, date) {
                    match spans.last_mut() {
                        Some(previous) if opens <= previous.1 => {
                            previous.1 = previous.1.max(closes);
                        }
                        _ => spans.push((opens, closes)),
                    }
                }
                match date.succ_opt() {
                    Some(next) => date = next,
                    None => break,
                }
            }
            spans
        });

        let blocked = rules
            .blocked
            .iter()
            .map(|blocked| {
                let (start, _) = local_day_bounds(zone, blocked.from);
                let (_, end) = local_day_bounds(zone, blocked.to);
                (start, end, blocked)
            })
            .filter(|&(start, end, _)| start < window_end && window_start < end)
            .collect();

        let mut edges: Vec<(DateTime<Utc>, i64)> = situation
            .resource_holds
            .iter()
            .filter(|hold| {
                hold.units > 0
                    && hold.start < hold.until
                    && hold.start < window_end
                    && window_start < hold.until
            })
            .flat_map(|hold| {
                let units = i64::from(hold.units);
                [(hold.start, units), (hold.until, -units)]
            })
            .collect();
        edges.sort_unstable_by_key(|&(at, _)| at);
        let mut load: Vec<(DateTime<Utc>, i64)> = Vec::with_capacity(edges.len());
        let mut level = 0i64;
        for (at, delta) in edges {
            level += delta;
            match load.last_mut() {
                Some(last) if last.0 == at => last.1 = level,
                _ => load.push((at, level)),
            }
        }

        let person = QuotaSweep::new(
            &rules.per_person,
            situation.person_holds,
            situation,
            window,
            false,
        );
        let organisation = situation.organisation.map(|_| {
            QuotaSweep::new(
                &rules.per_organisation,
                situation.organisation_holds,
                situation,
                window,
                true,
            )
        });

        SlotSweep {
            situation,
            from,
            to,
            length,
            taken_length,
            step,
            units,
            empty: minutes == 0 || units == 0,
            earliest: situation.now + Duration::minutes(i64::from(rules.notice_minutes)),
            latest: situation.now + Duration::days(i64::from(rules.book_ahead_days)),
            rules_refusal,
            opening,
            blocked,
            load,
            person,
            organisation,
        }
    }

    /// Whether no start at all can be accepted (the answer does not depend on the time).
    fn refuses_every_start(&self) -> bool {
        self.empty
            || self.length.num_minutes() % self.step != 0
            || self.rules_refusal.is_some()
            || self.person.active.is_some()
            || self
                .organisation
                .as_ref()
                .is_some_and(|quota| quota.active.is_some())
    }

    /// Each local date of the window with its starts: every step from its local midnight
    /// up to (not including) the next midnight.
    fn days(&self) -> impl Iterator<Item = (LocalDay, impl Iterator<Item = DateTime<Utc>>)> {
        let zone = self.situation.zone;
        let step = self.step;
        let to = self.to;
        self.from
            .iter_days()
            .take_while(move |date| *date <= to)
            .map(move |date| {
                let (midnight, next_midnight) = local_day_bounds(zone, date);
                let starts = (0i64..)
                    .map(move |k| midnight + Duration::minutes(step * k))
                    .take_while(move |start| *start < next_midnight);
                (LocalDay { date, midnight }, starts)
            })
    }

    fn is_open_at(&self, start: DateTime<Utc>) -> bool {
        match &self.opening {
            None => true,
            Some(spans) => {
                let after = spans.partition_point(|&(opens, _)| opens <= start);
                after > 0 && spans[after - 1].1 > start
            }
        }
    }

    /// Whether `[start, end)` lies inside one run of opening hours.
    fn is_covered(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        match &self.opening {
            None => true,
            Some(spans) => {
                let after = spans.partition_point(|&(opens, _)| opens <= start);
                after > 0 && spans[after - 1].1 >= end
            }
        }
    }

    /// The most units held at any instant of `[start, until)`: `most_units_held` read off
    /// the step function.
    fn most_held(&self, start: DateTime<Utc>, until: DateTime<Utc>) -> u32 {
        let after = self.load.partition_point(|&(at, _)| at <= start);
        let mut most = if after == 0 {
            0
        } else {
            self.load[after - 1].1
        };
        for &(_, level) in self.load[after..].iter().take_while(|&&(at, _)| at < until) {
            most = most.max(level);
        }
        u32::try_from(most.max(0)).unwrap_or(u32::MAX)
    }

    /// What `check_request(situation, start, start + minutes, units)` answers, in the same
    /// order, and the free units.
    fn verdict(&self, day: &LocalDay, start: DateTime<Utc>) -> StartVerdict {
        let end = start + self.length;
        let held = self.most_held(start, start + self.taken_length);
        let free_units = self.situation.rules.units.saturating_sub(held);
        let refusal = self.refusal(day, start, end, held);
        StartVerdict {
            end,
            free_units,
            refusal,
        }
    }

    fn refusal(
        &self,
        day: &LocalDay,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        held: u32,
    ) -> Option<BookingRefusal> {
        let rules = self.situation.rules;
        if self.empty {
            return Some(BookingRefusal::EmptyInterval);
        }
        if start < self.earliest {
            return Some(BookingRefusal::TooLate {
                notice_minutes: rules.notice_minutes,
            });
        }
        if start > self.latest {
            return Some(BookingRefusal::TooFarAhead {
                book_ahead_days: rules.book_ahead_days,
            });
        }
        // Steps count from the midnight of the start's own local date, as in
        // `check_request` (which is the row's day except in zones whose clocks go back
        // across midnight).
        let zone = self.situation.zone;
        let midnight = match local_date(zone, start) {
            date if date == day.date => day.midnight,
            date => local_day_bounds(zone, date).0,
        };
        let on_step = |instant: DateTime<Utc>| {
            instant.second() == 0
                && instant.nanosecond() == 0
                && (instant - midnight).num_minutes() % self.step == 0
        };
        if !on_step(start) || !on_step(end) || self.length.num_minutes() % self.step != 0 {
            return Some(BookingRefusal::OffStep {
                slot_minutes: rules.slot_minutes,
            });
        }
        if let Some(refusal) = &self.rules_refusal {
            return Some(refusal.clone());
        }
        if !self.is_covered(start, end) {
            return Some(BookingRefusal::Closed);
        }
        if let Some(&(_, _, blocked)) = self
            .blocked
            .iter()
            .find(|&&(from, to, _)| start < to && from < end)
        {
            return Some(BookingRefusal::Blocked {
                from: blocked.from,
                to: blocked.to,
                reason: blocked.reason.clone(),
            });
        }
        if u64::from(held) + u64::from(self.units) > u64::from(rules.units) {
            return Some(BookingRefusal::Taken);
        }
        if let Some(refusal) = self.person.refusal(start, end) {
            return Some(refusal);
        }
        self.organisation
            .as_ref()
            .and_then(|quota| quota.refusal(start, end))
    }
}

#[cfg(test)]
mod tests;
