//! Bookings: one interval model for every bookable thing (a room, a parking space, a car, a
//! desk, a tool). The owner's [`BookingRules`] travel with the resource's public
//! [`BookingCalendar`] (rules plus anonymous busy spans), so a device can show availability
//! offline; a [`Reservation`] reaches only its booker, the resource's owner and, when booked
//! for an organisation, that organisation's members.
//!
//! The checks are pure functions ([`check_request`]): the server runs them inside its write
//! transaction (the only place a booking is decided), the device runs the same ones to show
//! why a slot cannot be booked before anything is sent.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::resource::{FieldProblem, WeeklySchedule, DEFAULT_ZONE};
use crate::wire::AccountId;
use crate::ResourceId;

mod availability;
mod calendar_file;
mod check;
mod local_time;
mod recurrence;

pub use availability::{
    day_grid, free_slots, nearest_free, FreeSlot, GridDay, GridRow, MAX_GRID_DAYS,
};
pub use calendar_file::{ics_calendar, CalendarEntry, ICS_PRODUCT_ID};
pub use check::{check_request, most_units_held, BookingSituation, Hold};
pub use local_time::{local_day_bounds, open_spans, parse_zone, week_bounds};
pub use recurrence::{
    expand, preview, OccurrencePreview, RecurrenceRule, Until, MAX_OCCURRENCES, MAX_SERIES_DAYS,
};

/// A reservation id: a UUIDv7 made on the device that asked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ReservationId(pub Uuid);

impl ReservationId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for ReservationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ReservationId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Per-person limits. Pending and tentative holds count too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Most hours one person (or one organisation) may hold in one week (Monday to Sunday
    /// in the resource's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 168))]
    pub hours_per_week: Option<u32>,
    /// Most bookings one person (or organisation) may hold that have not ended yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub active_bookings: Option<u32>,
}

impl Quota {
    fn is_empty(&self) -> bool {
        self.hours_per_week.is_none() && self.active_bookings.is_none()
    }
}

/// Days the resource cannot be booked (holidays, repairs), from `from` to `to` inclusive,
/// as dates in the resource's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlockedDates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Why, in the owner's words (shown to people who try to book).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// How check-in works when the owner asks for it: from `opens_before_minutes` before the
/// start until `grace_minutes` after it; a booking not checked in by then is released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRule {
    #[serde(default = "default_check_in_opens")]
    pub opens_before_minutes: u32,
    #[serde(default = "default_check_in_grace")]
    pub grace_minutes: u32,
}

fn default_check_in_opens() -> u32 {
    15
}
fn default_check_in_grace() -> u32 {
    15
}

/// The owner's rules for booking one resource. Every field has a default a person would
/// expect, so `{}` is a valid set of rules (30-minute steps, up to 4 hours, 30 days ahead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRules {
    /// Starts and durations are multiples of this, counted from local midnight.
    #[serde(default = "default_step")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 5, maximum = 1440))]
    pub slot_minutes: u32,
    #[serde(default = "default_step")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 5, maximum = 525600))]
    pub min_minutes: u32,
    /// Longest booking; several days for lending things (a tool, a car).
    #[serde(default = "default_max")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 5, maximum = 525600))]
    pub max_minutes: u32,
    /// How far ahead one may book.
    #[serde(default = "default_ahead")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 730))]
    pub book_ahead_days: u32,
    /// How late: at least this long before the start.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 525600))]
    pub notice_minutes: u32,
    /// Kept free after each booking (cleaning, hand-over).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 1440))]
    pub buffer_minutes: u32,
    /// How many bookings may overlap: 1 for a parking space, 6 for an office with 6 desks.
    #[serde(default = "default_units")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub units: u32,
    /// The owner approves each request (it is held, pending, until then).
    #[serde(default)]
    pub approval_required: bool,
    /// Cancelling is possible until this long before the start.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 525600))]
    pub cancel_minutes_before: u32,
    #[serde(default, skip_serializing_if = "Quota::is_empty")]
    pub per_person: Quota,
    #[serde(default, skip_serializing_if = "Quota::is_empty")]
    pub per_organisation: Quota,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<BlockedDates>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<CheckInRule>,
    /// When not empty, only members of these organisations may book.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only_organisations: Vec<Uuid>,
}

fn default_step() -> u32 {
    30
}
fn default_max() -> u32 {
    240
}
fn default_ahead() -> u32 {
    30
}
fn default_units() -> u32 {
    1
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            slot_minutes: default_step(),
            min_minutes: default_step(),
            max_minutes: default_max(),
            book_ahead_days: default_ahead(),
            notice_minutes: 0,
            buffer_minutes: 0,
            units: default_units(),
            approval_required: false,
            cancel_minutes_before: 0,
            per_person: Quota::default(),
            per_organisation: Quota::default(),
            blocked: Vec::new(),
            check_in: None,
            only_organisations: Vec::new(),
        }
    }
}

impl BookingRules {
    /// Checks every rule a stored set of rules must satisfy; returns every problem found.
    pub fn problems(&self, path: &str) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut range = |field: &str, value: u32, min: u32, max: u32| {
            if value < min || value > max {
                problems.push(FieldProblem::new(
                    format!("{path}.{field}"),
                    format!("must be from {min} to {max}"),
                ));
            }
        };
        range("slot_minutes", self.slot_minutes, 5, 1440);
        range("min_minutes", self.min_minutes, 5, 525_600);
        range("max_minutes", self.max_minutes, 5, 525_600);
        range("book_ahead_days", self.book_ahead_days, 1, 730);
        range("notice_minutes", self.notice_minutes, 0, 525_600);
        range("buffer_minutes", self.buffer_minutes, 0, 1440);
        range("units", self.units, 1, 1000);
        range(
            "cancel_minutes_before",
            self.cancel_minutes_before,
            0,
            525_600,
        );
        for (name, quota) in [
            ("per_person", &self.per_person),
            ("per_organisation", &self.per_organisation),
        ] {
            if let Some(hours) = quota.hours_per_week {
                range(&format!("{name}.hours_per_week"), hours, 1, 168);
            }
            if let Some(count) = quota.active_bookings {
                range(&format!("{name}.active_bookings"), count, 1, 1000);
            }
        }
        if self.max_minutes < self.min_minutes {
            problems.push(FieldProblem::new(
                format!("{path}.max_minutes"),
                "must not be shorter than min_minutes",
            ));
        }
        if self.slot_minutes > 0 && !self.min_minutes.is_multiple_of(self.slot_minutes) {
            problems.push(FieldProblem::new(
                format!("{path}.min_minutes"),
                "must be a multiple of slot_minutes",
            ));
        }
        if self.blocked.len() > 500 {
            problems.push(FieldProblem::new(
                format!("{path}.blocked"),
                "must list at most 500 periods",
            ));
        }
        for (i, blocked) in self.blocked.iter().enumerate() {
            if blocked.to < blocked.from {
                problems.push(FieldProblem::new(
                    format!("{path}.blocked[{i}].to"),
                    "must not be before from",
                ));
            }
            if blocked.reason.chars().count() > 200 {
                problems.push(FieldProblem::new(
                    format!("{path}.blocked[{i}].reason"),
                    "must be at most 200 characters",
                ));
            }
        }
        if let Some(check_in) = &self.check_in {
            if check_in.opens_before_minutes > 1440 || check_in.grace_minutes > 1440 {
                problems.push(FieldProblem::new(
                    format!("{path}.check_in"),
                    "windows must be at most 1440 minutes",
                ));
            }
        }
        if self.only_organisations.len() > 100 {
            problems.push(FieldProblem::new(
                format!("{path}.only_organisations"),
                "must list at most 100 organisations",
            ));
        }
        problems
    }
}

/// Where a reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    /// Waiting for the owner's approval; it holds its slot meanwhile.
    Pending,
    Confirmed,
    /// The owner said no (see `decision_reason`).
    Declined,
    Cancelled,
    /// Not checked in by the end of the grace period: the slot was given back.
    Released,
}

impl ReservationStatus {
    /// Whether it holds its slot (and counts against capacity and quotas).
    pub fn holds(self) -> bool {
        matches!(
            self,
            ReservationStatus::Pending | ReservationStatus::Confirmed
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Pending => "pending",
            ReservationStatus::Confirmed => "confirmed",
            ReservationStatus::Declined => "declined",
            ReservationStatus::Cancelled => "cancelled",
            ReservationStatus::Released => "released",
        }
    }

    pub fn parse(name: &str) -> Option<ReservationStatus> {
        ReservationStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    pub const ALL: [ReservationStatus; 5] = [
        ReservationStatus::Pending,
        ReservationStatus::Confirmed,
        ReservationStatus::Declined,
        ReservationStatus::Cancelled,
        ReservationStatus::Released,
    ];
}

/// Where a booking stands as the device shows it: the server's [`ReservationStatus`], or
/// one of the states only a device knows (its request has not been answered yet, was
/// answered `bumped` because someone else got the time first, or `refused` by a rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    /// Asked for on this device and not yet answered by the server (offline, or queued).
    Tentative,
    Pending,
    Confirmed,
    Declined,
    Cancelled,
    Released,
    /// The server gave the time to someone else first; the person picks another time.
    Bumped,
    /// The server refused the request by a rule (too far ahead, off the steps, not for
    /// this person…); the needs-attention item carries the refusal's code.
    Refused,
}

impl BookingState {
    pub const ALL: [BookingState; 8] = [
        BookingState::Tentative,
        BookingState::Pending,
        BookingState::Confirmed,
        BookingState::Declined,
        BookingState::Cancelled,
        BookingState::Released,
        BookingState::Bumped,
        BookingState::Refused,
    ];

    /// Whether the booking keeps its time on the device (a tentative one does until the
    /// server answers, so the person's own calendar does not offer the time twice).
    pub fn holds(self) -> bool {
        matches!(
            self,
            BookingState::Tentative | BookingState::Pending | BookingState::Confirmed
        )
    }
}

impl From<ReservationStatus> for BookingState {
    fn from(status: ReservationStatus) -> Self {
        match status {
            ReservationStatus::Pending => BookingState::Pending,
            ReservationStatus::Confirmed => BookingState::Confirmed,
            ReservationStatus::Declined => BookingState::Declined,
            ReservationStatus::Cancelled => BookingState::Cancelled,
            ReservationStatus::Released => BookingState::Released,
        }
    }
}

/// One booking, as its booker, the resource's owner and (for an organisation's booking)
/// the organisation's members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reservation {
    pub id: ReservationId,
    pub resource_id: ResourceId,
    pub booker_id: AccountId,
    /// Booked on an organisation's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The resource's IANA zone, for showing the times as the place's clock shows them.
    pub zone: String,
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub units: u32,
    pub status: ReservationStatus,
    /// The owner's words when declining (or approving).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The price at booking time, in won.
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0))]
    pub price_krw: u64,
    /// The booker's note to the owner.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The recurring series it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<Uuid>,
}

/// A span of a resource's time that is taken, with no word of who took it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusySpan {
    pub start: DateTime<Utc>,
    /// The end of the booking plus the owner's buffer.
    pub until: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 1000))]
    pub units: u32,
    /// A booking that needs check-in and has none frees its span at this instant (a
    /// device treats it as free from then on, as the server does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapses_at: Option<DateTime<Utc>>,
}

impl BusySpan {
    /// Whether it still takes its time at `now`.
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.lapses_at.is_none_or(|lapses| lapses > now)
    }

    pub fn hold(&self) -> Hold {
        Hold {
            start: self.start,
            end: self.until,
            until: self.until,
            units: self.units,
        }
    }
}

/// A bookable resource's public calendar: its rules and the spans already taken (pending
/// and confirmed bookings that have not ended). Everyone may receive it; it names no one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingCalendar {
    pub resource_id: ResourceId,
    pub zone: String,
    pub rules: BookingRules,
    pub busy: Vec<BusySpan>,
}

/// Why a booking (or a change to one) was refused, as a code with the numbers a person
/// needs; the device words it in the person's language (`i18n::booking_refusal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BookingRefusal {
    /// The resource takes no bookings (its owner set no rules, or it was retired).
    NotBookable,
    /// The end is not after the start.
    EmptyInterval,
    /// The start has passed, or is closer than the owner's notice.
    TooLate {
        notice_minutes: u32,
    },
    TooFarAhead {
        book_ahead_days: u32,
    },
    /// Starts and durations go in steps of `slot_minutes` from local midnight.
    OffStep {
        slot_minutes: u32,
    },
    TooShort {
        min_minutes: u32,
    },
    TooLong {
        max_minutes: u32,
    },
    /// Part of the time is outside opening hours.
    Closed,
    /// A blocked date (holiday, repair) falls in the time.
    Blocked {
        from: NaiveDate,
        to: NaiveDate,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// More units asked for than the resource has.
    TooManyUnits {
        units: u32,
    },
    /// Every unit is taken for part of the time (buffers included).
    Taken,
    PersonHoursPerWeek {
        hours_per_week: u32,
    },
    PersonActiveBookings {
        active_bookings: u32,
    },
    OrganisationHoursPerWeek {
        hours_per_week: u32,
    },
    OrganisationActiveBookings {
        active_bookings: u32,
    },
    /// Only members of listed organisations may book, or the person is not a member of the
    /// organisation they book for.
    NotForYou,
    /// Cancelling (or moving) was possible until `cancel_minutes_before` before the start.
    CancelDeadlinePassed {
        cancel_minutes_before: u32,
    },
    /// Someone else's booking.
    NotYours,
    /// Only the resource's owner (or a coordinator) decides requests and sets rules.
    NotOwner,
    /// The booking no longer holds a slot (cancelled, declined, released, or ended).
    NotActive,
    /// Not waiting for a decision.
    NotPending,
    /// Check-in opens `opens_before_minutes` before the start and closes `grace_minutes`
    /// after it, and only where the owner asks for check-in.
    CheckInClosed,
    /// No reservation or resource with that id that this person may see.
    NotFound,
}

impl BookingRefusal {
    /// Whether the refusal is about time being taken (the request is bumped with other
    /// times) rather than a rule the person broke.
    pub fn is_taken(&self) -> bool {
        matches!(self, BookingRefusal::Taken)
    }
}

/// The zone of a resource's bookings: its schedule's, or Asia/Seoul.
pub fn zone_of(schedule: Option<&WeeklySchedule>) -> &str {
    schedule.map_or(DEFAULT_ZONE, |schedule| schedule.zone.as_str())
}

/// The price of a booking, in won: every started period, or once per use.
pub fn price_krw(pricing: &crate::Pricing, start: DateTime<Utc>, end: DateTime<Utc>) -> u64 {
    match pricing {
        crate::Pricing::Free => 0,
        crate::Pricing::PerUse { amount_krw } => u64::from(*amount_krw),
        crate::Pricing::PerPeriod {
            amount_krw,
            period_minutes,
        } => {
            let minutes = (end - start).num_minutes().max(0) as u64;
            let period = u64::from((*period_minutes).max(1));
            minutes.div_ceil(period) * u64::from(*amount_krw)
        }
    }
}

/// `end - start` plus `buffer_minutes`: how long a booking keeps its resource taken.
pub fn taken_until(end: DateTime<Utc>, rules: &BookingRules) -> DateTime<Utc> {
    end + Duration::minutes(i64::from(rules.buffer_minutes))
}

/// The zone named `name`, for names read back from storage: an unknown name falls back to
/// Asia/Seoul rather than failing a read (names are checked where they enter).
pub fn zone_or_default(name: &str) -> Tz {
    parse_zone(name).unwrap_or(chrono_tz::Asia::Seoul)
}

#[cfg(test)]
mod tests;
