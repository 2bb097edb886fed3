//! The rules for bookings: `booking.set_rules` and `reservation.request`, `.cancel`,
//! `.move`, `.check_in`, `.decide`. Each is a pure function of who acts, what they ask and
//! the state read inside the write transaction (the resource, its rules, its holds); the
//! time rules themselves are `sharehub_core::booking::check_request`, shared with the device.

use chrono::{DateTime, Duration, Utc};
use sharehub_core::booking::{
    check_request, parse_zone, price_krw, taken_until, zone_of, zone_or_default, BookingRefusal,
    BookingRules, BookingSituation, Hold, Reservation, ReservationStatus,
};
use sharehub_core::i18n::booking_refusal;
use sharehub_core::text::Language;
use sharehub_core::wire::{
    AccountId, BookingSetRulesArgs, ReservationDecideArgs, ReservationMoveArgs,
    ReservationRequestArgs,
};
use uuid::Uuid;

use super::{Actor, Refusal, RefusalKind, StoredResource};

/// Longest note or decision reason, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// A reservation as stored: the record, and what the database indexes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReservation {
    pub reservation: Reservation,
    /// The end plus the buffer the rules had when it was booked.
    pub until: DateTime<Utc>,
    /// A booking that needs check-in and has none is released at this instant.
    pub lapses_at: Option<DateTime<Utc>>,
}

impl StoredReservation {
    pub fn hold(&self) -> Hold {
        Hold {
            start: self.reservation.start,
            end: self.reservation.end,
            until: self.until,
            units: self.reservation.units,
        }
    }

    /// Whether it still holds its slot at `now` (a lapsed one does not, even before the
    /// database says released).
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.reservation.status.holds() && self.lapses_at.is_none_or(|lapses| lapses > now)
    }
}

/// What a decision needs of a reservation that holds time (pending or confirmed), read from
/// the table's columns: checks read many of these, and parsing each one's JSON was most of
/// a bumped request's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldSlot {
    pub id: sharehub_core::booking::ReservationId,
    pub booker_id: AccountId,
    pub organisation_id: Option<Uuid>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub units: u32,
    pub lapses_at: Option<DateTime<Utc>>,
}

impl HeldSlot {
    pub fn hold(&self) -> Hold {
        Hold {
            start: self.start,
            end: self.end,
            until: self.until,
            units: self.units,
        }
    }

    /// Whether it still holds at `now` (a lapsed one does not, even before it is released).
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.lapses_at.is_none_or(|lapses| lapses > now)
    }
}

impl From<&StoredReservation> for HeldSlot {
    fn from(stored: &StoredReservation) -> HeldSlot {
        let reservation = &stored.reservation;
        HeldSlot {
            id: reservation.id,
            booker_id: reservation.booker_id,
            organisation_id: reservation.organisation_id,
            start: reservation.start,
            end: reservation.end,
            until: stored.until,
            units: reservation.units,
            lapses_at: stored.lapses_at,
        }
    }
}

/// A bookable resource: the stored resource and its rules.
#[derive(Debug, Clone, Copy)]
pub struct Bookable<'a> {
    pub resource: &'a StoredResource,
    pub rules: &'a BookingRules,
}

/// What to do with a booking mutation.
#[derive(Debug, Clone, PartialEq)]
pub enum ReservationDecision {
    /// Store this reservation (insert or replace).
    Put(Box<StoredReservation>),
    Refuse(Refusal),
    /// The time is taken: nothing changes; offer other times.
    Bump(Refusal),
}

/// The words and HTTP-ish kind of a booking refusal. The device words `code` itself.
pub fn refusal(code: BookingRefusal) -> Refusal {
    let kind = match code {
        BookingRefusal::NotFound => RefusalKind::NotFound,
        BookingRefusal::NotYours | BookingRefusal::NotOwner | BookingRefusal::NotForYou => {
            RefusalKind::Forbidden
        }
        BookingRefusal::NotBookable => RefusalKind::Gone,
        BookingRefusal::Taken
        | BookingRefusal::NotActive
        | BookingRefusal::NotPending
        | BookingRefusal::CancelDeadlinePassed { .. }
        | BookingRefusal::CheckInClosed => RefusalKind::Conflict,
        _ => RefusalKind::Invalid,
    };
    Refusal {
        kind,
        reason: booking_refusal(&code, Language::En),
        problems: Vec::new(),
        code: Some(code),
    }
}

fn refuse(code: BookingRefusal) -> ReservationDecision {
    ReservationDecision::Refuse(refusal(code))
}

/// Whether `actor` runs the resource: its owner, a coordinator or an admin.
fn runs(actor: Actor, resource: &StoredResource) -> bool {
    resource.owner_id == actor.id || actor.role.manages_all_resources()
}

fn text_refusal(field: &str, text: &str) -> Option<ReservationDecision> {
    let problem = if text.chars().count() > MAX_NOTE_CHARS {
        Some(format!("must be at most {MAX_NOTE_CHARS} characters"))
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Some("must not contain control characters (only line breaks and tabs)".to_owned())
    } else {
        None
    };
    problem.map(|problem| {
        ReservationDecision::Refuse(Refusal {
            kind: RefusalKind::Invalid,
            reason: format!("{field}: {problem}"),
            problems: vec![sharehub_core::resource::FieldProblem::new(field, problem)],
            code: None,
        })
    })
}

/// What a request is checked against: the holds others and the person have on the
/// resource (lapsed ones no longer count), the person's organisations.
#[derive(Debug, Clone, Copy)]
pub struct Holdings<'a> {
    /// Every reservation on the resource that holds time in the window looked at.
    pub on_resource: &'a [HeldSlot],
    pub member_of: &'a [Uuid],
}

fn check(
    bookable: Bookable<'_>,
    holdings: Holdings<'_>,
    booker: AccountId,
    organisation: Option<Uuid>,
    moving: Option<sharehub_core::booking::ReservationId>,
    (start, end, units): (DateTime<Utc>, DateTime<Utc>, u32),
    now: DateTime<Utc>,
) -> Result<(), BookingRefusal> {
    let live: Vec<&HeldSlot> = holdings
        .on_resource
        .iter()
        .filter(|slot| slot.holds_at(now) && Some(slot.id) != moving)
        .collect();
    let resource_holds: Vec<Hold> = live.iter().map(|slot| slot.hold()).collect();
    let person_holds: Vec<Hold> = live
        .iter()
        .filter(|slot| slot.booker_id == booker)
        .map(|slot| slot.hold())
        .collect();
    let organisation_holds: Vec<Hold> = live
        .iter()
        .filter(|slot| organisation.is_some() && slot.organisation_id == organisation)
        .map(|slot| slot.hold())
        .collect();
    let schedule = bookable.resource.resource.schedule.as_ref();
    let situation = BookingSituation {
        rules: bookable.rules,
        schedule,
        zone: zone_or_default(zone_of(schedule)),
        now,
        resource_holds: &resource_holds,
        person_holds: &person_holds,
        organisation_holds: &organisation_holds,
        member_of: holdings.member_of,
        organisation,
    };
    check_request(&situation, start, end, units)
}

fn verdict(result: Result<(), BookingRefusal>) -> Option<ReservationDecision> {
    match result {
        Ok(()) => None,
        Err(BookingRefusal::Taken) => {
            Some(ReservationDecision::Bump(refusal(BookingRefusal::Taken)))
        }
        Err(code) => Some(refuse(code)),
    }
}

fn lapses_at(rules: &BookingRules, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    rules
        .check_in
        .as_ref()
        .map(|check_in| start + Duration::minutes(i64::from(check_in.grace_minutes)))
}

/// `reservation.request`.
pub fn decide_request(
    actor: Actor,
    args: ReservationRequestArgs,
    bookable: Option<Bookable<'_>>,
    existing: Option<&StoredReservation>,
    holdings: Holdings<'_>,
    now: DateTime<Utc>,
) -> ReservationDecision {
    let Some(bookable) = bookable.filter(|bookable| !bookable.resource.retired) else {
        return refuse(BookingRefusal::NotBookable);
    };
    if existing.is_some() {
        return ReservationDecision::Refuse(Refusal::new(
            RefusalKind::Conflict,
            format!(
                "a reservation with id {} already exists; make a new id (UUIDv7) for a new booking",
                args.id
            ),
        ));
    }
    if let Some(refused) = text_refusal("note", &args.note) {
        return refused;
    }
    let wanted = (args.start, args.end, args.units);
    if let Some(refused) = verdict(check(
        bookable,
        holdings,
        actor.id,
        args.organisation_id,
        None,
        wanted,
        now,
    )) {
        return refused;
    }
    let resource = &bookable.resource.resource;
    // The owner blocking their own resource needs no approval from themselves.
    let status = if bookable.rules.approval_required && !runs(actor, bookable.resource) {
        ReservationStatus::Pending
    } else {
        ReservationStatus::Confirmed
    };
    let zone = zone_of(resource.schedule.as_ref());
    ReservationDecision::Put(Box::new(StoredReservation {
        until: taken_until(args.end, bookable.rules),
        lapses_at: lapses_at(bookable.rules, args.start),
        reservation: Reservation {
            id: args.id,
            resource_id: resource.id,
            booker_id: actor.id,
            organisation_id: args.organisation_id,
            start: args.start,
            end: args.end,
            zone: parse_zone(zone).map_or_else(|| "Asia/Seoul".to_owned(), |_| zone.to_owned()),
            units: args.units,
            status,
            decision_reason: None,
            checked_in_at: None,
            price_krw: price_krw(&resource.pricing, args.start, args.end) * u64::from(args.units),
            note: args.note,
            series_id: args.series_id,
        },
    }))
}

/// Who may act on a reservation at all; strangers are told it does not exist, so ids of
/// other people's bookings cannot be probed.
fn visible_to(actor: Actor, stored: &StoredReservation, resource: &StoredResource) -> bool {
    stored.reservation.booker_id == actor.id || runs(actor, resource)
}

fn before_deadline(rules: &BookingRules, stored: &StoredReservation, now: DateTime<Utc>) -> bool {
    now + Duration::minutes(i64::from(rules.cancel_minutes_before)) <= stored.reservation.start
}

/// `reservation.cancel`: the booker until the cancellation deadline; the owner (or a
/// coordinator) at any time while it holds.
pub fn decide_cancel(
    actor: Actor,
    current: Option<&StoredReservation>,
    bookable: Option<Bookable<'_>>,
    now: DateTime<Utc>,
) -> ReservationDecision {
    let (Some(current), Some(bookable)) = (current, bookable) else {
        return refuse(BookingRefusal::NotFound);
    };
    if !visible_to(actor, current, bookable.resource) {
        return refuse(BookingRefusal::NotFound);
    }
    if !current.holds_at(now) || current.reservation.end <= now {
        return refuse(BookingRefusal::NotActive);
    }
    if !runs(actor, bookable.resource) && !before_deadline(bookable.rules, current, now) {
        return refuse(BookingRefusal::CancelDeadlinePassed {
            cancel_minutes_before: bookable.rules.cancel_minutes_before,
        });
    }
    let mut next = current.clone();
    next.reservation.status = ReservationStatus::Cancelled;
    ReservationDecision::Put(Box::new(next))
}

/// `reservation.move`: the booker changes the time; refused or bumped, the old time stays.
pub fn decide_move(
    actor: Actor,
    args: ReservationMoveArgs,
    current: Option<&StoredReservation>,
    bookable: Option<Bookable<'_>>,
    holdings: Holdings<'_>,
    now: DateTime<Utc>,
) -> ReservationDecision {
    let (Some(current), Some(bookable)) = (current, bookable) else {
        return refuse(BookingRefusal::NotFound);
    };
    if !visible_to(actor, current, bookable.resource) {
        return refuse(BookingRefusal::NotFound);
    }
    if current.reservation.booker_id != actor.id {
        return refuse(BookingRefusal::NotYours);
    }
    if bookable.resource.retired {
        return refuse(BookingRefusal::NotBookable);
    }
    if !current.holds_at(now) || current.reservation.end <= now {
        return refuse(BookingRefusal::NotActive);
    }
    if !before_deadline(bookable.rules, current, now) {
        return refuse(BookingRefusal::CancelDeadlinePassed {
            cancel_minutes_before: bookable.rules.cancel_minutes_before,
        });
    }
    let units = current.reservation.units;
    if let Some(refused) = verdict(check(
        bookable,
        holdings,
        actor.id,
        current.reservation.organisation_id,
        Some(current.reservation.id),
        (args.start, args.end, units),
        now,
    )) {
        return refused;
    }
    let mut next = current.clone();
    let reservation = &mut next.reservation;
    reservation.start = args.start;
    reservation.end = args.end;
    reservation.price_krw =
        price_krw(&bookable.resource.resource.pricing, args.start, args.end) * u64::from(units);
    reservation.checked_in_at = None;
    if bookable.rules.approval_required && !runs(actor, bookable.resource) {
        reservation.status = ReservationStatus::Pending;
    }
    next.until = taken_until(args.end, bookable.rules);
    next.lapses_at = lapses_at(bookable.rules, args.start);
    ReservationDecision::Put(Box::new(next))
}

/// `reservation.check_in`: the booker, inside the check-in window of a confirmed booking.
pub fn decide_check_in(
    actor: Actor,
    current: Option<&StoredReservation>,
    bookable: Option<Bookable<'_>>,
    now: DateTime<Utc>,
) -> ReservationDecision {
    let (Some(current), Some(bookable)) = (current, bookable) else {
        return refuse(BookingRefusal::NotFound);
    };
    if !visible_to(actor, current, bookable.resource) {
        return refuse(BookingRefusal::NotFound);
    }
    if current.reservation.booker_id != actor.id {
        return refuse(BookingRefusal::NotYours);
    }
    if current.reservation.status != ReservationStatus::Confirmed || !current.holds_at(now) {
        return refuse(BookingRefusal::NotActive);
    }
    let Some(rule) = &bookable.rules.check_in else {
        return refuse(BookingRefusal::CheckInClosed);
    };
    let start = current.reservation.start;
    let opens = start - Duration::minutes(i64::from(rule.opens_before_minutes));
    let closes = start + Duration::minutes(i64::from(rule.grace_minutes));
    if now < opens || now >= closes.min(current.reservation.end) {
        return refuse(BookingRefusal::CheckInClosed);
    }
    let mut next = current.clone();
    next.reservation.checked_in_at.get_or_insert(now);
    next.lapses_at = None;
    ReservationDecision::Put(Box::new(next))
}

/// `reservation.decide`: the resource's owner (or a coordinator) approves or declines.
pub fn decide_decide(
    actor: Actor,
    args: ReservationDecideArgs,
    current: Option<&StoredReservation>,
    bookable: Option<Bookable<'_>>,
    now: DateTime<Utc>,
) -> ReservationDecision {
    let (Some(current), Some(bookable)) = (current, bookable) else {
        return refuse(BookingRefusal::NotFound);
    };
    if !visible_to(actor, current, bookable.resource) {
        return refuse(BookingRefusal::NotFound);
    }
    if !runs(actor, bookable.resource) {
        return refuse(BookingRefusal::NotOwner);
    }
    if current.reservation.status != ReservationStatus::Pending {
        return refuse(BookingRefusal::NotPending);
    }
    if args.approve && current.reservation.end <= now {
        return refuse(BookingRefusal::NotActive);
    }
    let reason = args.reason.unwrap_or_default();
    if let Some(refused) = text_refusal("reason", &reason) {
        return refused;
    }
    let mut next = current.clone();
    next.reservation.status = if args.approve {
        ReservationStatus::Confirmed
    } else {
        ReservationStatus::Declined
    };
    next.reservation.decision_reason = (!reason.trim().is_empty()).then_some(reason);
    ReservationDecision::Put(Box::new(next))
}

/// What to do with `booking.set_rules`.
#[derive(Debug, Clone, PartialEq)]
pub enum RulesDecision {
    Put(Option<BookingRules>),
    Refuse(Refusal),
}

/// `booking.set_rules`: the resource's owner or a coordinator.
pub fn decide_set_rules(
    actor: Actor,
    args: BookingSetRulesArgs,
    resource: Option<&StoredResource>,
) -> RulesDecision {
    let Some(resource) = resource.filter(|resource| !resource.retired) else {
        return RulesDecision::Refuse(refusal(BookingRefusal::NotFound));
    };
    if !runs(actor, resource) {
        return RulesDecision::Refuse(refusal(BookingRefusal::NotOwner));
    }
    if let Some(rules) = &args.rules {
        let problems = rules.problems("rules");
        if !problems.is_empty() {
            return RulesDecision::Refuse(Refusal {
                kind: RefusalKind::Invalid,
                reason: format!(
                    "the booking rules are invalid: {}",
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                problems,
                code: None,
            });
        }
    }
    RulesDecision::Put(args.rules)
}

/// Bookings that needed a check-in and got none by the end of the grace period: they are
/// released (and counted as no-shows) before anything else is decided.
pub fn lapsed(
    holds: &[HeldSlot],
    now: DateTime<Utc>,
) -> Vec<sharehub_core::booking::ReservationId> {
    holds
        .iter()
        .filter(|slot| !slot.holds_at(now))
        .map(|slot| slot.id)
        .collect()
}

/// `stored`, released as a no-show.
pub fn released(stored: &StoredReservation) -> StoredReservation {
    let mut released = stored.clone();
    released.reservation.status = ReservationStatus::Released;
    released.lapses_at = None;
    released
}

#[cfg(test)]
mod tests;
