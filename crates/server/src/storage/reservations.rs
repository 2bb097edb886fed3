//! Bookings: the transaction steps a booking write needs ([`ReservationTx`]) and the
//! executors of `booking.set_rules` and the five `reservation.*` mutations, written once for
//! both backends.
//!
//! Never double-booked: every booking write of a resource first takes that resource's
//! booking lock ([`ReservationTx::lock_bookable`]: SQLite's single `BEGIN IMMEDIATE`
//! writer; a row lock on PostgreSQL), then reads the holds, decides and writes in the same
//! transaction. PostgreSQL also refuses overlapping holds of a one-unit resource with an
//! exclusion constraint, so even a write that skipped the lock could not double-book.
//!
//! Each write also rewrites the resource's public [`BookingCalendar`] (rules plus anonymous
//! busy spans) in the change log, so every device can show availability offline.

use chrono::{DateTime, Duration, Utc};
use sharehub_core::booking::{
    nearest_free, zone_of, zone_or_default, BookingCalendar, BookingRefusal, BookingRules,
    BookingSituation, BusySpan, Hold, Reservation, ReservationId,
};
use sharehub_core::wire::{
    AccountId, Alternative, BookingSetRulesArgs, EntityKind, ReservationCancelArgs,
    ReservationCheckInArgs, ReservationDecideArgs, ReservationMoveArgs, ReservationRequestArgs,
};
use sharehub_core::{GeoPoint, ResourceId, ResourceKind};
use uuid::Uuid;

use super::resources::ResourceTx;
use super::WriteResult;
use crate::audience::Audience;
use crate::error::Result;
use crate::rules::reservations::{
    decide_cancel, decide_check_in, decide_decide, decide_move, decide_request, decide_set_rules,
    lapsed, released, Bookable, HeldSlot, Holdings, RulesDecision,
};
use crate::rules::{Actor, ReservationDecision, StoredReservation, StoredResource};
use crate::visibility::{audience_of, is_restricted};

/// A reservation as read for a person: the stored record, how often it changed (a
/// calendar's `SEQUENCE`) and its resource.
#[derive(Debug, Clone, PartialEq)]
pub struct BookedReservation {
    pub stored: StoredReservation,
    pub revision: u32,
    pub resource: StoredResource,
}

/// Booking reads, outside the mutation loop: calendar files and feeds.
#[async_trait::async_trait]
pub trait ReservationStore {
    async fn booked_reservation(&self, id: ReservationId) -> Result<Option<BookedReservation>>;
    /// Every reservation `booker` made, cancelled ones too, by start.
    async fn reservations_booked_by(&self, booker: AccountId) -> Result<Vec<BookedReservation>>;
    /// Replaces the account's calendar feed token (its SHA-256).
    async fn set_calendar_feed(
        &self,
        account: AccountId,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Removes the account's feed; false when it had none.
    async fn revoke_calendar_feed(&self, account: AccountId) -> Result<bool>;
    /// Whose feed a token opens.
    async fn calendar_feed_account(&self, token_hash: [u8; 32]) -> Result<Option<AccountId>>;
}

/// A reservation's JSON, as both backends store it.
pub(crate) fn reservation_json(reservation: &Reservation) -> Result<String> {
    serde_json::to_string(reservation).map_err(crate::Error::internal)
}

/// Booking rules read back from either backend.
pub(crate) fn parse_rules(json: &str) -> Result<BookingRules> {
    serde_json::from_str(json).map_err(crate::Error::corrupt)
}

/// How far back holds are read: the start of the oldest week a quota can look at.
const HOLDS_LOOK_BACK: Duration = Duration::days(8);
/// Most other resources of the same kind asked for a bumped booking's alternatives.
const NEARBY_CANDIDATES: u32 = 8;
/// Alternatives offered for a bumped booking.
const ALTERNATIVES: usize = 3;

/// The steps of a booking write, inside a write transaction.
pub(crate) trait ReservationTx {
    /// Takes the resource's booking lock for the rest of the transaction and reads its
    /// rules (`None`: it takes no bookings).
    async fn lock_bookable(&mut self, resource: ResourceId) -> Result<Option<BookingRules>>;
    /// Stores (or with `None` removes) the rules.
    async fn put_booking_rules(
        &mut self,
        resource: &StoredResource,
        rules: Option<&BookingRules>,
    ) -> Result<()>;
    async fn reservation(&mut self, id: ReservationId) -> Result<Option<StoredReservation>>;
    /// Reservations of the resource that hold time ending after `after`, by start.
    async fn holds_on(
        &mut self,
        resource: ResourceId,
        after: DateTime<Utc>,
    ) -> Result<Vec<HeldSlot>>;
    /// Inserts or replaces the reservation, with its change; returns the new version.
    /// `single_unit`: the resource has one unit (PostgreSQL's exclusion constraint covers
    /// those bookings).
    async fn put_reservation(
        &mut self,
        stored: &StoredReservation,
        audience: &Audience,
        single_unit: bool,
    ) -> Result<u64>;
    async fn count_no_show(&mut self, account: AccountId) -> Result<()>;
    /// People with a confirmed booking of the resource that has not ended at `now`.
    async fn confirmed_bookers(
        &mut self,
        resource: ResourceId,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountId>>;
    async fn organisations_of_member(&mut self, account: AccountId) -> Result<Vec<Uuid>>;
    /// Live bookable resources of `kind` nearest to `near`, with their rules.
    async fn nearby_bookable(
        &mut self,
        kind: ResourceKind,
        near: GeoPoint,
        limit: u32,
    ) -> Result<Vec<(StoredResource, BookingRules)>>;
    /// Appends the calendar's change (a tombstone with `None`); returns its `seq`.
    async fn put_calendar_change(
        &mut self,
        resource: &StoredResource,
        calendar: Option<&BookingCalendar>,
    ) -> Result<u64>;
}

/// Everything a booking write touches.
pub(crate) trait BookingTx: ReservationTx + ResourceTx {}

impl<T: ReservationTx + ResourceTx> BookingTx for T {}

/// Who receives a reservation: its booker (the change's owner), the resource's owner and,
/// for an organisation's booking, its members.
pub fn reservation_audience(reservation: &Reservation, resource: &StoredResource) -> Audience {
    let audience = Audience::people([resource.owner_id]);
    match reservation.organisation_id {
        Some(organisation) => audience.and(Audience::organisation(organisation)),
        None => audience,
    }
}

/// Re-appends a resource shown only to confirmed bookers with its audience now: staff and
/// the people whose confirmed booking has not ended. Someone whose booking was cancelled or
/// declined gets a "no longer visible" tombstone on their next pull, and the exact spot
/// leaves their device; returns the new version.
pub(crate) async fn publish_to_bookers<T: BookingTx>(
    tx: &mut T,
    resource: &StoredResource,
    now: DateTime<Utc>,
) -> Result<u64> {
    let bookers = tx.confirmed_bookers(resource.resource.id, now).await?;
    let audience = audience_of(&resource.resource).and(Audience::people(bookers));
    tx.republish_resource(resource, &audience).await
}

/// After an applied `resource.update`: a resource shown only to confirmed bookers keeps
/// reaching the people who booked it (the plain write gives it its owner-and-staff
/// audience). Returns the answer to give.
pub(crate) async fn keep_bookers_after_edit<T: BookingTx>(
    tx: &mut T,
    resource: ResourceId,
    result: WriteResult,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    if !matches!(result, WriteResult::Applied { .. }) {
        return Ok(result);
    }
    match tx.resource(resource).await? {
        Some(stored) if is_restricted(&stored.resource) => Ok(WriteResult::Applied {
            version: publish_to_bookers(tx, &stored, now).await?,
        }),
        _ => Ok(result),
    }
}

/// The public calendar of a resource from its rules and holds at `now`.
pub fn calendar_of(
    resource: &StoredResource,
    rules: &BookingRules,
    holds: &[HeldSlot],
    now: DateTime<Utc>,
) -> BookingCalendar {
    let mut busy: Vec<BusySpan> = holds
        .iter()
        .filter(|slot| slot.holds_at(now) && slot.until > now)
        .map(|slot| BusySpan {
            start: slot.start,
            until: slot.until,
            units: slot.units,
            lapses_at: slot.lapses_at,
        })
        .collect();
    busy.sort_by_key(|span| (span.start, span.until));
    BookingCalendar {
        resource_id: resource.resource.id,
        zone: zone_of(resource.resource.schedule.as_ref()).to_owned(),
        rules: rules.clone(),
        busy,
    }
}

/// The booking state of one resource, read under its lock.
struct Locked {
    resource: StoredResource,
    rules: BookingRules,
    holds: Vec<HeldSlot>,
}

impl Locked {
    fn bookable(&self) -> Bookable<'_> {
        Bookable {
            resource: &self.resource,
            rules: &self.rules,
        }
    }
}

/// Locks the resource, reads it, its rules and holds, and releases lapsed no-shows first
/// (decided here, when a booking is made or changed: no background job can miss it).
async fn lock<T: BookingTx>(
    tx: &mut T,
    resource_id: ResourceId,
    now: DateTime<Utc>,
) -> Result<Option<Locked>> {
    let Some(rules) = tx.lock_bookable(resource_id).await? else {
        return Ok(None);
    };
    let Some(resource) = tx.resource(resource_id).await? else {
        return Ok(None);
    };
    let mut holds = tx.holds_on(resource_id, now - HOLDS_LOOK_BACK).await?;
    let lapsed = lapsed(&holds, now);
    for id in &lapsed {
        let Some(stored) = tx.reservation(*id).await? else {
            continue;
        };
        let stored = released(&stored);
        tx.put_reservation(
            &stored,
            &reservation_audience(&stored.reservation, &resource),
            rules.units == 1,
        )
        .await?;
        tx.count_no_show(stored.reservation.booker_id).await?;
    }
    if !lapsed.is_empty() {
        holds.retain(|slot| !lapsed.contains(&slot.id));
    }
    Ok(Some(Locked {
        resource,
        rules,
        holds,
    }))
}

/// Writes a decided reservation and the resource's new calendar.
async fn put_and_publish<T: BookingTx>(
    tx: &mut T,
    locked: &mut Locked,
    stored: StoredReservation,
    now: DateTime<Utc>,
) -> Result<u64> {
    let audience = reservation_audience(&stored.reservation, &locked.resource);
    let version = tx
        .put_reservation(&stored, &audience, locked.rules.units == 1)
        .await?;
    locked.holds.retain(|slot| slot.id != stored.reservation.id);
    if stored.reservation.status.holds() {
        locked.holds.push(HeldSlot::from(&stored));
    }
    let calendar = calendar_of(&locked.resource, &locked.rules, &locked.holds, now);
    tx.put_calendar_change(&locked.resource, Some(&calendar))
        .await?;
    if is_restricted(&locked.resource.resource) {
        publish_to_bookers(tx, &locked.resource, now).await?;
    }
    Ok(version)
}

fn situation_holds(holds: &[HeldSlot], now: DateTime<Utc>) -> Vec<Hold> {
    holds
        .iter()
        .filter(|slot| slot.holds_at(now))
        .map(HeldSlot::hold)
        .collect()
}

/// Other times for a bumped booking: the nearest free times of the same resource, then
/// the same kind of resource nearby at the asked time.
async fn alternatives<T: BookingTx>(
    tx: &mut T,
    locked: &Locked,
    (start, end, units): (DateTime<Utc>, DateTime<Utc>, u32),
    now: DateTime<Utc>,
) -> Result<Vec<Alternative>> {
    let minutes = (end - start).num_minutes().max(1) as u32;
    let holds = situation_holds(&locked.holds, now);
    let schedule = locked.resource.resource.schedule.as_ref();
    let situation = BookingSituation {
        rules: &locked.rules,
        schedule,
        zone: zone_or_default(zone_of(schedule)),
        now,
        resource_holds: &holds,
        person_holds: &[],
        organisation_holds: &[],
        member_of: &[],
        organisation: None,
    };
    let mut found: Vec<Alternative> =
        nearest_free(&situation, start, minutes, units, ALTERNATIVES - 1)
            .into_iter()
            .map(|slot| Alternative::Slot {
                resource_id: locked.resource.resource.id,
                start: slot.start,
                end: slot.end,
            })
            .collect();
    let here = &locked.resource.resource;
    for (other, rules) in tx
        .nearby_bookable(here.kind, here.location, NEARBY_CANDIDATES)
        .await?
    {
        if found.len() >= ALTERNATIVES {
            break;
        }
        if other.resource.id == here.id || other.retired {
            continue;
        }
        let other_holds = tx
            .holds_on(other.resource.id, now - HOLDS_LOOK_BACK)
            .await?;
        let other_holds = situation_holds(&other_holds, now);
        let schedule = other.resource.schedule.as_ref();
        let situation = BookingSituation {
            rules: &rules,
            schedule,
            zone: zone_or_default(zone_of(schedule)),
            resource_holds: &other_holds,
            ..situation
        };
        if sharehub_core::booking::check_request(&situation, start, end, units).is_ok() {
            found.push(Alternative::Slot {
                resource_id: other.resource.id,
                start,
                end,
            });
        }
    }
    // Fill up with more times of the same resource when nothing nearby is free.
    if found.len() < ALTERNATIVES {
        let more = nearest_free(&situation, start, minutes, units, ALTERNATIVES);
        for slot in more {
            let alternative = Alternative::Slot {
                resource_id: here.id,
                start: slot.start,
                end: slot.end,
            };
            if found.len() < ALTERNATIVES && !found.contains(&alternative) {
                found.push(alternative);
            }
        }
    }
    Ok(found)
}

async fn carry_out<T: BookingTx>(
    tx: &mut T,
    locked: &mut Locked,
    decision: ReservationDecision,
    wanted: Option<(DateTime<Utc>, DateTime<Utc>, u32)>,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    Ok(match decision {
        ReservationDecision::Put(stored) => WriteResult::Applied {
            version: put_and_publish(tx, locked, *stored, now).await?,
        },
        ReservationDecision::Refuse(refusal) => WriteResult::Refused(refusal),
        ReservationDecision::Bump(refusal) => {
            let alternatives = match wanted {
                Some(wanted) => alternatives(tx, locked, wanted, now).await?,
                None => Vec::new(),
            };
            WriteResult::Bumped {
                current_version: 0,
                reason: refusal.reason,
                alternatives,
                code: refusal.code,
            }
        }
    })
}

fn not_bookable() -> WriteResult {
    WriteResult::Refused(crate::rules::reservations::refusal(
        BookingRefusal::NotBookable,
    ))
}

fn not_found() -> WriteResult {
    WriteResult::Refused(crate::rules::reservations::refusal(
        BookingRefusal::NotFound,
    ))
}

/// `reservation.request`.
pub(crate) async fn request<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: ReservationRequestArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    let Some(mut locked) = lock(tx, args.resource_id, now).await? else {
        return Ok(not_bookable());
    };
    let existing = tx.reservation(args.id).await?;
    let member_of = tx.organisations_of_member(actor.id).await?;
    let wanted = (args.start, args.end, args.units);
    let decision = decide_request(
        actor,
        args,
        Some(locked.bookable()),
        existing.as_ref(),
        Holdings {
            on_resource: &locked.holds,
            member_of: &member_of,
        },
        now,
    );
    carry_out(tx, &mut locked, decision, Some(wanted), now).await
}

/// The reservation and its resource, locked; `None` when either is missing.
async fn lock_reservation<T: BookingTx>(
    tx: &mut T,
    id: ReservationId,
    now: DateTime<Utc>,
) -> Result<Option<(StoredReservation, Locked)>> {
    let Some(current) = tx.reservation(id).await? else {
        return Ok(None);
    };
    let Some(locked) = lock(tx, current.reservation.resource_id, now).await? else {
        return Ok(None);
    };
    // Read again under the lock: it may have been released as a no-show just now.
    let current = tx.reservation(id).await?.unwrap_or(current);
    Ok(Some((current, locked)))
}

/// `reservation.cancel`.
pub(crate) async fn cancel<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: ReservationCancelArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    let Some((current, mut locked)) = lock_reservation(tx, args.id, now).await? else {
        return Ok(not_found());
    };
    let decision = decide_cancel(actor, Some(&current), Some(locked.bookable()), now);
    carry_out(tx, &mut locked, decision, None, now).await
}

/// `reservation.move`.
pub(crate) async fn move_to<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: ReservationMoveArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    let Some((current, mut locked)) = lock_reservation(tx, args.id, now).await? else {
        return Ok(not_found());
    };
    let member_of = tx.organisations_of_member(actor.id).await?;
    let wanted = (args.start, args.end, current.reservation.units);
    let decision = decide_move(
        actor,
        args,
        Some(&current),
        Some(locked.bookable()),
        Holdings {
            on_resource: &locked.holds,
            member_of: &member_of,
        },
        now,
    );
    carry_out(tx, &mut locked, decision, Some(wanted), now).await
}

/// `reservation.check_in`.
pub(crate) async fn check_in<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: ReservationCheckInArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    let Some((current, mut locked)) = lock_reservation(tx, args.id, now).await? else {
        return Ok(not_found());
    };
    let decision = decide_check_in(actor, Some(&current), Some(locked.bookable()), now);
    carry_out(tx, &mut locked, decision, None, now).await
}

/// `reservation.decide`.
pub(crate) async fn decide<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: ReservationDecideArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    let Some((current, mut locked)) = lock_reservation(tx, args.id, now).await? else {
        return Ok(not_found());
    };
    let decision = decide_decide(actor, args, Some(&current), Some(locked.bookable()), now);
    carry_out(tx, &mut locked, decision, None, now).await
}

/// `booking.set_rules`.
pub(crate) async fn set_rules<T: BookingTx>(
    tx: &mut T,
    actor: Actor,
    args: BookingSetRulesArgs,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    // Take the lock first (when the resource already takes bookings), so no booking is
    // decided against rules being replaced.
    let _ = tx.lock_bookable(args.resource_id).await?;
    let resource = tx.resource(args.resource_id).await?;
    match decide_set_rules(actor, args, resource.as_ref()) {
        RulesDecision::Refuse(refusal) => Ok(WriteResult::Refused(refusal)),
        RulesDecision::Put(rules) => {
            let resource =
                resource.ok_or_else(|| crate::Error::internal("rules without resource"))?;
            tx.put_booking_rules(&resource, rules.as_ref()).await?;
            let version = match &rules {
                Some(rules) => {
                    let holds = tx.holds_on(resource.resource.id, now).await?;
                    let calendar = calendar_of(&resource, rules, &holds, now);
                    tx.put_calendar_change(&resource, Some(&calendar)).await?
                }
                None => tx.put_calendar_change(&resource, None).await?,
            };
            Ok(WriteResult::Applied { version })
        }
    }
}

/// The change-log kind and id of a resource's calendar.
pub(crate) fn calendar_entity(resource: ResourceId) -> (&'static str, Uuid) {
    (EntityKind::BookingCalendar.as_str(), resource.0)
}
