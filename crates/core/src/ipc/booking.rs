//! Bookings as the UI sees them: a resource's availability (the day grid a 390 px phone
//! shows, one row per slot step), my bookings grouped, the owner's requests inbox, and the
//! changes a person makes (request, cancel, move, check in, decide, set the rules, book an
//! alternative after a bump).
//!
//! The device never decides anything scarce: availability is computed from the resource's
//! public calendar as of the last sync, a request is queued and shown `tentative`, and the
//! server confirms, holds it pending the owner's approval, or bumps it with other times.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::near::invalid;
use super::IpcError;
use crate::booking::{BookingRefusal, BookingRules, BookingState, GridDay, ReservationId};
use crate::{LocalizedText, ResourceId};

/// Most days one availability answer covers.
pub const MAX_AVAILABILITY_DAYS: u8 = 7;
/// Longest note to the owner (and decision reason), in characters (the server's limit).
pub const MAX_BOOKING_NOTE_CHARS: usize = 1000;
/// Most units one booking may ask for (the contract's limit).
pub const MAX_BOOKING_UNITS: u32 = 1000;
/// Longest booking the contract allows, in minutes (a year).
pub const MAX_BOOKING_MINUTES: u32 = 525_600;

/// The day grid of one resource: `days` local days from `from` (in the resource's zone),
/// for a booking of `minutes` and `units`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityArgs {
    pub resource_id: ResourceId,
    pub from: NaiveDate,
    pub days: u8,
    pub minutes: u32,
    #[serde(default = "one_unit")]
    pub units: u32,
}

fn one_unit() -> u32 {
    1
}

impl AvailabilityArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        if !(1..=MAX_AVAILABILITY_DAYS).contains(&self.days) {
            return Err(invalid(
                "days",
                format!("must be from 1 to {MAX_AVAILABILITY_DAYS}"),
            ));
        }
        check_minutes("minutes", self.minutes)?;
        check_units(self.units)
    }
}

fn check_minutes(field: &str, minutes: u32) -> Result<(), IpcError> {
    if !(1..=MAX_BOOKING_MINUTES).contains(&minutes) {
        return Err(invalid(
            field,
            format!("must be from 1 to {MAX_BOOKING_MINUTES}"),
        ));
    }
    Ok(())
}

fn check_units(units: u32) -> Result<(), IpcError> {
    if !(1..=MAX_BOOKING_UNITS).contains(&units) {
        return Err(invalid(
            "units",
            format!("must be from 1 to {MAX_BOOKING_UNITS}"),
        ));
    }
    Ok(())
}

fn check_interval(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), IpcError> {
    if end <= start {
        return Err(invalid("end", "must be after start"));
    }
    if (end - start).num_minutes() > i64::from(MAX_BOOKING_MINUTES) {
        return Err(invalid(
            "end",
            format!("a booking lasts at most {MAX_BOOKING_MINUTES} minutes"),
        ));
    }
    Ok(())
}

fn check_note(field: &str, note: &str) -> Result<(), IpcError> {
    if note.chars().count() > MAX_BOOKING_NOTE_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_BOOKING_NOTE_CHARS} characters"),
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid(
            field,
            "must not contain control characters (only line breaks and tabs)",
        ));
    }
    Ok(())
}

/// A resource's availability as the device knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub resource_id: ResourceId,
    /// The resource's IANA zone; rows are in its days.
    pub zone: String,
    /// False when the device has no booking calendar for it (its owner set no rules, or
    /// the device has not synced it yet): every row says `not_bookable`.
    pub bookable: bool,
    /// The rules' step (rows are this far apart) and the asked booking.
    pub slot_minutes: u32,
    pub minutes: u32,
    pub units: u32,
    /// What a booking of `minutes` and `units` costs, in won (`booking::price_krw` × units).
    pub price_krw: u64,
    /// When the device last pulled every change from the server: the busy times are as of
    /// then ("as of the last sync"). `None`: never synced.
    pub as_of: Option<DateTime<Utc>>,
    /// The person's own bookings the calendar does not hold yet (requests and new times
    /// not answered, bookings newer than the calendar), counted as held.
    pub tentative_held: u32,
    /// The owner's rules as the calendar holds them (`None` when not bookable): the UI's
    /// durations and its rules list (`i18n::booking_rule_lines`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<BookingRules>,
    /// One per local day: every step from local midnight, open or not, free units and
    /// the refusal when a booking cannot start there (`booking::day_grid`).
    pub days: Vec<GridDay>,
}

/// One booking as a list row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRow {
    pub id: ReservationId,
    pub resource_id: ResourceId,
    /// The resource's name, when the device knows the resource.
    pub resource_name: Option<LocalizedText>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub zone: String,
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
    pub units: u32,
    pub state: BookingState,
    /// A change made on this device waits for the server (the row shows it already): the
    /// UI says "will be confirmed when you are online".
    pub waiting_for_server: bool,
    pub price_krw: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Made by the signed-in person (false: a request on a resource they own).
    pub mine: bool,
}

/// The signed-in person's bookings, each group soonest first (past: latest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBookings {
    /// Confirmed and not ended.
    pub upcoming: Vec<BookingRow>,
    /// Waiting for the owner's approval.
    pub pending: Vec<BookingRow>,
    /// Requests not yet answered by the server.
    pub tentative: Vec<BookingRow>,
    /// Bumped or refused requests (see the needs-attention list).
    pub needs_attention: Vec<BookingRow>,
    /// Ended, cancelled, declined or released.
    pub past: Vec<BookingRow>,
}

/// Ask for a booking. The id is made by the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationRequestArgs {
    pub resource_id: ResourceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default = "one_unit")]
    pub units: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl ReservationRequestArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        check_interval(self.start, self.end)?;
        check_units(self.units)?;
        check_note("note", &self.note)
    }
}

/// What a request did on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationRequested {
    /// The tentative booking, as shown now.
    pub booking: BookingRow,
    /// Why the device expects the server to refuse it, from the calendar as of the last
    /// sync (`None`: it looks free). Only a forecast: the request is sent anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<BookingRefusal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationIdArgs {
    pub id: ReservationId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationMoveArgs {
    pub id: ReservationId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl ReservationMoveArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        check_interval(self.start, self.end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationDecideArgs {
    pub id: ReservationId,
    pub approve: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ReservationDecideArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        check_note("reason", self.reason.as_deref().unwrap_or(""))
    }
}

/// The owner sets (or, with `None`, removes) a resource's booking rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRulesSetArgs {
    pub resource_id: ResourceId,
    pub rules: Option<BookingRules>,
}

impl BookingRulesSetArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        match self
            .rules
            .as_ref()
            .and_then(|r| r.problems("rules").into_iter().next())
        {
            Some(problem) => Err(invalid(&problem.field, problem.problem)),
            None => Ok(()),
        }
    }
}

/// "Book this one instead": a new request for one of a bumped change's alternatives (the
/// units and note as typed), and the bumped entry is discarded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeAlternativeArgs {
    /// The needs-attention entry of the bumped change.
    pub entry: Uuid,
    /// The alternative, as the needs-attention item lists it.
    pub resource_id: ResourceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One time (and resource) offered instead of a bumped booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternativeSlot {
    pub resource_id: ResourceId,
    /// From the device's resources; `None` when it does not hold that resource.
    pub resource_name: Option<LocalizedText>,
    /// True when it is the same resource at another time.
    pub same_resource: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
}

/// What a needs-attention item says of a booking change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingAttention {
    /// The booking (for a request: the id it would have had).
    pub reservation: ReservationId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub units: u32,
    /// As typed, kept for "book this one instead".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The time was taken (`alternatives` are offered) rather than a rule refusing.
    pub bumped: bool,
    /// Which rule refused, for the UI to word (`i18n::booking_refusal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<BookingRefusal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<AlternativeSlot>,
}

/// The price of booking `minutes` × `units` of something priced `pricing`, in won.
pub fn booking_price_krw(
    pricing: &crate::Pricing,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    units: u32,
) -> u64 {
    crate::booking::price_krw(pricing, start, end).saturating_mul(u64::from(units))
}

pub struct BookingAvailability;
pub struct BookingRulesSet;
pub struct ReservationRequest;
pub struct ReservationCancel;
pub struct ReservationMove;
pub struct ReservationCheckIn;
pub struct ReservationDecide;
pub struct ReservationList;
pub struct BookingRequests;
pub struct ReservationTakeAlternative;

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn field(result: Result<(), IpcError>) -> String {
        match result {
            Err(IpcError::Invalid { field, problem }) => format!("{field}: {problem}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn availability_args_table() {
        let args = |days, minutes, units| AvailabilityArgs {
            resource_id: ResourceId(Uuid::nil()),
            from: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            days,
            minutes,
            units,
        };
        #[rustfmt::skip]
        let cases = [
            (args(1, 60, 1), "Ok(())"),
            (args(7, 30, 6), "Ok(())"),
            (args(0, 60, 1), "days: must be from 1 to 7"),
            (args(8, 60, 1), "days: must be from 1 to 7"),
            (args(1, 0, 1), "minutes: must be from 1 to 525600"),
            (args(1, 60, 0), "units: must be from 1 to 1000"),
            (args(1, 60, 1001), "units: must be from 1 to 1000"),
        ];
        for (args, expected) in cases {
            assert_eq!(field(args.check()), expected, "{args:?}");
        }
    }

    #[test]
    fn request_args_table() {
        let ok = ReservationRequestArgs {
            resource_id: ResourceId(Uuid::nil()),
            start: utc("2026-12-07T01:00:00Z"),
            end: utc("2026-12-07T02:00:00Z"),
            units: 1,
            organisation_id: None,
            note: "창가 자리 부탁해요\n감사합니다".into(),
        };
        let with = |change: fn(&mut ReservationRequestArgs)| {
            let mut args = ok.clone();
            change(&mut args);
            field(args.check())
        };
        assert_eq!(field(ok.check()), "Ok(())");
        assert_eq!(
            with(|a| a.end = a.start),
            "end: must be after start",
            "empty"
        );
        assert_eq!(with(|a| a.units = 0), "units: must be from 1 to 1000");
        assert_eq!(
            with(|a| a.note = "가".repeat(1001)),
            "note: must be at most 1000 characters"
        );
        assert_eq!(
            with(|a| a.note = "bell\u{7}".into()),
            "note: must not contain control characters (only line breaks and tabs)"
        );
        // Characters, not bytes.
        assert_eq!(with(|a| a.note = "가".repeat(1000)), "Ok(())");
    }

    #[test]
    fn rules_are_checked_with_their_field_path() {
        let args = BookingRulesSetArgs {
            resource_id: ResourceId(Uuid::nil()),
            rules: Some(BookingRules {
                units: 0,
                ..BookingRules::default()
            }),
        };
        assert_eq!(field(args.check()), "rules.units: must be from 1 to 1000");
        let removed = BookingRulesSetArgs {
            rules: None,
            ..args
        };
        assert_eq!(removed.check(), Ok(()));
    }

    #[test]
    fn the_price_counts_every_unit() {
        let pricing = crate::Pricing::PerPeriod {
            amount_krw: 3000,
            period_minutes: 60,
        };
        let (start, end) = (utc("2026-12-07T01:00:00Z"), utc("2026-12-07T02:30:00Z"));
        // Two started hours, two desks.
        assert_eq!(booking_price_krw(&pricing, start, end, 2), 12_000);
        assert_eq!(booking_price_krw(&crate::Pricing::Free, start, end, 2), 0);
    }
}
