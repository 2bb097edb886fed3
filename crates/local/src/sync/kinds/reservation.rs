//! Reservations as sync sees them: the `reservation` table (what the app shows: the
//! server's bookings with this device's pending changes on top, and the states only the
//! device has: tentative, bumped, refused) and the mutations `reservation.request`,
//! `.cancel`, `.move`, `.check_in` and `.decide`.
//!
//! Most of these changes name only the booking (cancelling carries just its id), so the
//! shown row is every pending change folded onto the server's copy in order
//! ([`shown_after`], pure). Nothing scarce is decided here: a request shows `tentative`
//! until the server confirms it, holds it pending, or bumps it; a bumped or refused request
//! stays shown, marked, while it needs attention, so nothing the person typed is lost.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sharehub_core::booking::{
    zone_of, BookingRules, BookingState, Reservation, ReservationId, ReservationStatus,
};
use sharehub_core::ipc::{
    booking_price_krw, AlternativeSlot, AttentionItem, BookingAttention, ChangeAction,
};
use sharehub_core::wire::{
    AccountId, Alternative, Change, EntityKind, Mutation, MutationOutcome, ReservationRequestArgs,
};
use sharehub_core::{Pricing, ResourceId};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::bookings::{local, read_shown, state_name};
use crate::sync::entry::NeedsAttention;
use crate::sync::record::{from_value, not_of_kind, to_value, RecordRef, ServerCopy};
use crate::sync::record_kind::{Known, RecordKind};
use crate::sync::replica::{from_json, to_json, Tx};
use crate::Store;

/// The reservation kind's module (see [`RecordKind`]).
pub(crate) struct Reservations;

fn at(id: ReservationId) -> RecordRef {
    RecordRef {
        entity: EntityKind::Reservation,
        id: id.0,
    }
}

fn target_of(mutation: &Mutation) -> Result<ReservationId> {
    match mutation {
        Mutation::ReservationRequest(args) => Ok(args.id),
        Mutation::ReservationCancel(args) => Ok(args.id),
        Mutation::ReservationMove(args) => Ok(args.id),
        Mutation::ReservationCheckIn(args) => Ok(args.id),
        Mutation::ReservationDecide(args) => Ok(args.id),
        other => Err(not_of_kind(EntityKind::Reservation, other)),
    }
}

fn invalid(field: &str, problem: impl Into<String>) -> Error {
    Error::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

/// What the device expects the server to make of a request, from what it holds of the
/// resource: its zone, its price and whether its owner approves each request.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RequestGuess {
    pub zone: Option<String>,
    pub pricing: Option<Pricing>,
    pub approval_required: bool,
}

/// The booking a request asks for, as the server would make it if the time is free.
pub(crate) fn requested_reservation(
    args: &ReservationRequestArgs,
    me: AccountId,
    guess: &RequestGuess,
) -> Reservation {
    Reservation {
        id: args.id,
        resource_id: args.resource_id,
        booker_id: me,
        organisation_id: args.organisation_id,
        start: args.start,
        end: args.end,
        zone: guess
            .zone
            .clone()
            .unwrap_or_else(|| zone_of(None).to_owned()),
        units: args.units,
        status: if guess.approval_required {
            ReservationStatus::Pending
        } else {
            ReservationStatus::Confirmed
        },
        decision_reason: None,
        checked_in_at: None,
        price_krw: guess.pricing.as_ref().map_or(0, |pricing| {
            booking_price_krw(pricing, args.start, args.end, args.units)
        }),
        note: args.note.clone(),
        series_id: args.series_id,
    }
}

/// The booking as shown once `changes` (pending, oldest first, each with the instant it was
/// made) are made on top of the server's `base`; `None`: nothing to show (a change of a
/// booking the device does not hold). A request not yet answered shows as tentative.
pub(crate) fn shown_after(
    base: Option<Reservation>,
    changes: &[(Mutation, DateTime<Utc>)],
    me: AccountId,
    guess: &RequestGuess,
) -> Option<(Reservation, BookingState)> {
    let mut shown = base;
    let mut requested = false;
    for (change, made_at) in changes {
        match (change, shown.as_mut()) {
            (Mutation::ReservationRequest(args), None) => {
                shown = Some(requested_reservation(args, me, guess));
                requested = true;
            }
            (Mutation::ReservationCancel(_), Some(r)) => r.status = ReservationStatus::Cancelled,
            (Mutation::ReservationMove(args), Some(r)) => {
                r.start = args.start;
                r.end = args.end;
                r.checked_in_at = None;
                if let Some(pricing) = &guess.pricing {
                    r.price_krw = booking_price_krw(pricing, args.start, args.end, r.units);
                }
                if guess.approval_required && r.status == ReservationStatus::Confirmed {
                    r.status = ReservationStatus::Pending;
                }
            }
            (Mutation::ReservationCheckIn(_), Some(r)) => r.checked_in_at = Some(*made_at),
            (Mutation::ReservationDecide(args), Some(r)) => {
                r.status = if args.approve {
                    ReservationStatus::Confirmed
                } else {
                    ReservationStatus::Declined
                };
                r.decision_reason = args.reason.clone();
            }
            // A second request of a shown id (refused when made), or a change of nothing.
            _ => {}
        }
    }
    shown.map(|r| {
        let state = if requested && r.status.holds() {
            BookingState::Tentative
        } else {
            BookingState::from(r.status)
        };
        (r, state)
    })
}

/// What the server holds after it applied `change` (pure): a request as the tentative row
/// guessed it (zone, price, approval), a change of a booking applied to the server's copy.
pub(crate) fn answered(
    change: &Mutation,
    me: AccountId,
    base: Option<Reservation>,
    shown: Option<Reservation>,
) -> Option<Reservation> {
    match change {
        Mutation::ReservationRequest(args) => {
            let mut made = requested_reservation(args, me, &RequestGuess::default());
            if let Some(guessed) = shown.filter(|r| r.id == args.id) {
                made.zone = guessed.zone;
                if guessed.status == ReservationStatus::Pending {
                    made.status = ReservationStatus::Pending;
                }
                if (guessed.start, guessed.end, guessed.units) == (args.start, args.end, args.units)
                {
                    made.price_krw = guessed.price_krw;
                }
            }
            Some(made)
        }
        _ => {
            let shown_now = shown.clone();
            let made_at = shown_now
                .as_ref()
                .and_then(|r| r.checked_in_at)
                .unwrap_or_default();
            let base = base.or(shown)?;
            let (mut next, _) = shown_after(
                Some(base),
                &[(change.clone(), made_at)],
                me,
                &RequestGuess::default(),
            )?;
            // The price of a new time is the one the row showed for it.
            if let (Mutation::ReservationMove(args), Some(shown)) = (change, shown_now) {
                if (shown.start, shown.end) == (args.start, args.end) {
                    next.price_krw = shown.price_krw;
                    next.status = shown.status;
                }
            }
            Some(next)
        }
    }
}

/// The guess for a request on `resource`, from the device's resource and calendar rows.
fn guess_for(tx: &Tx<'_>, resource: ResourceId, me: AccountId) -> Result<RequestGuess> {
    let resource_row = tx.store.get_resource(resource).ok();
    let owner: Option<String> = tx
        .prepare_cached("SELECT owner_id FROM resource WHERE id = ?1")?
        .query_row([resource.to_string()], |r| r.get(0))
        .optional()?
        .flatten();
    let calendar: Option<(String, String)> = tx
        .prepare_cached("SELECT zone, rules FROM booking_calendar WHERE resource_id = ?1")?
        .query_row([resource.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (zone, rules) = match calendar {
        Some((zone, rules)) => {
            let rules = from_json::<BookingRules>(&resource.to_string(), &rules)?;
            (Some(zone), Some(rules))
        }
        None => (None, None),
    };
    let mine = owner.is_some_and(|owner| owner == me.to_string());
    Ok(RequestGuess {
        zone: zone.or_else(|| {
            resource_row
                .as_ref()
                .map(|r| zone_of(r.schedule.as_ref()).to_owned())
        }),
        pricing: resource_row.map(|r| r.pricing),
        approval_required: rules.is_some_and(|rules| rules.approval_required) && !mine,
    })
}

fn put_row(
    tx: &Tx<'_>,
    r: &Reservation,
    state: BookingState,
    pending_change: Option<&str>,
    server_version: Option<u64>,
    only_if_newer: bool,
) -> Result<()> {
    let sql = if only_if_newer {
        PUT_ROW_IF_NEWER
    } else {
        PUT_ROW
    };
    tx.prepare_cached(sql)?.execute(params![
        r.id.to_string(),
        r.resource_id.to_string(),
        r.booker_id.to_string(),
        r.organisation_id.map(|o| o.to_string()),
        r.start.timestamp_millis(),
        r.end.timestamp_millis(),
        r.units,
        state_name(state),
        pending_change,
        server_version.map(|v| v as i64),
        to_json(r)?,
    ])?;
    Ok(())
}

fn delete_row(tx: &Tx<'_>, id: ReservationId) -> Result<()> {
    tx.prepare_cached("DELETE FROM reservation WHERE id = ?1")?
        .execute([id.to_string()])?;
    Ok(())
}

macro_rules! put_row_sql {
    ($condition:literal) => {
        concat!(
            "INSERT INTO reservation (id, resource_id, booker_id, organisation_id, start_ms,
                end_ms, units, status, pending_change, server_version, body)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT (id) DO UPDATE SET resource_id = excluded.resource_id,
                booker_id = excluded.booker_id, organisation_id = excluded.organisation_id,
                start_ms = excluded.start_ms, end_ms = excluded.end_ms, units = excluded.units,
                status = excluded.status, pending_change = excluded.pending_change,
                server_version = excluded.server_version, body = excluded.body ",
            $condition
        )
    };
}

const PUT_ROW: &str = put_row_sql!("");

/// A row already showing a newer server version is kept (versions only move forward).
const PUT_ROW_IF_NEWER: &str = put_row_sql!(
    "WHERE reservation.server_version IS NULL
        OR excluded.server_version >= reservation.server_version"
);

fn body_of(record: RecordRef, copy: Option<&ServerCopy>) -> Result<Option<Reservation>> {
    copy.and_then(|c| c.body.as_ref())
        .map(|body| from_value(record, body))
        .transpose()
}

impl RecordKind for Reservations {
    fn entity(&self) -> EntityKind {
        EntityKind::Reservation
    }

    fn target(&self, mutation: &Mutation) -> Result<Uuid> {
        target_of(mutation).map(|id| id.0)
    }

    fn on_base(&self, mutation: Mutation, _base: Option<u64>) -> Result<Mutation> {
        // Booking changes carry no base version: the server decides on its current state.
        target_of(&mutation)?;
        Ok(mutation)
    }

    fn check(&self, mutation: &Mutation, shown: bool) -> Result<()> {
        match mutation {
            Mutation::ReservationRequest(args) => {
                if shown {
                    return Err(invalid(
                        "id",
                        format!(
                            "a booking with id {} already exists; make a new id",
                            args.id
                        ),
                    ));
                }
                if args.end <= args.start {
                    return Err(invalid("end", "must be after start"));
                }
                if args.units == 0 {
                    return Err(invalid("units", "must be at least 1"));
                }
                Ok(())
            }
            other if !shown => Err(Error::ReservationNotFound(target_of(other)?)),
            Mutation::ReservationMove(args) if args.end <= args.start => {
                Err(invalid("end", "must be after start"))
            }
            other => target_of(other).map(|_| ()),
        }
    }

    fn applied(
        &self,
        mutation: &Mutation,
        version: u64,
        me: AccountId,
        known: &Known,
    ) -> Result<ServerCopy> {
        let record = at(target_of(mutation)?);
        let base = body_of(record, known.copy.as_ref())?;
        let shown = body_of(record, known.shown.as_ref())?;
        Ok(match answered(mutation, me, base, shown) {
            Some(made) => ServerCopy {
                version: Some(version),
                owner: Some(made.booker_id),
                body: Some(to_value(&made)?),
            },
            None => ServerCopy::gone(Some(version)),
        })
    }

    fn current(
        &self,
        _mutation: &Mutation,
        _alternatives: &[Alternative],
    ) -> Result<Option<ServerCopy>> {
        // A bumped booking change offers other times, never the current booking.
        Ok(None)
    }

    fn shown(&self, tx: &Tx<'_>, id: Uuid) -> Result<Option<ServerCopy>> {
        // A bumped or refused request was never made: there is nothing to change.
        read_shown(tx, ReservationId(id))?
            .filter(|row| !matches!(row.state, BookingState::Bumped | BookingState::Refused))
            .map(|row| {
                Ok(ServerCopy {
                    version: row.server_version,
                    owner: Some(row.reservation.booker_id),
                    body: Some(to_value(&row.reservation)?),
                })
            })
            .transpose()
    }

    fn show_pending(
        &self,
        tx: &Tx<'_>,
        mutation: &Mutation,
        copy: Option<&ServerCopy>,
    ) -> Result<()> {
        let id = target_of(mutation)?;
        let record = at(id);
        let changes = tx.pending_changes(record)?;
        let base = body_of(record, copy)?;
        let resource = base.as_ref().map(|r| r.resource_id).or_else(|| {
            changes.iter().find_map(|(change, _)| match change {
                Mutation::ReservationRequest(args) => Some(args.resource_id),
                _ => None,
            })
        });
        let me = tx.account()?;
        let guess = match resource {
            Some(resource) => guess_for(tx, resource, me)?,
            None => RequestGuess::default(),
        };
        match shown_after(base, &changes, me, &guess) {
            Some((reservation, state)) => put_row(
                tx,
                &reservation,
                state,
                changes.last().map(|(change, _)| change.name()),
                copy.and_then(|c| c.version),
                false,
            ),
            None => delete_row(tx, id),
        }
    }

    fn show_copy(&self, tx: &Tx<'_>, id: Uuid, copy: &ServerCopy) -> Result<()> {
        let id = ReservationId(id);
        match body_of(at(id), Some(copy))? {
            Some(r) => put_row(
                tx,
                &r,
                BookingState::from(r.status),
                None,
                copy.version,
                false,
            ),
            None => delete_row(tx, id),
        }
    }

    fn show_settled(&self, tx: &Tx<'_>, id: Uuid) -> Result<()> {
        let id = ReservationId(id);
        match tx.attention_of(at(id), "reservation.request")? {
            Some((Mutation::ReservationRequest(args), outcome)) => {
                if read_shown(tx, id)?.is_some_and(|row| row.server_version.is_some()) {
                    return Ok(());
                }
                let me = tx.account()?;
                let guess = guess_for(tx, args.resource_id, me)?;
                let asked = requested_reservation(&args, me, &guess);
                let state = match outcome {
                    Some(MutationOutcome::Bumped { .. }) => BookingState::Bumped,
                    _ => BookingState::Refused,
                };
                put_row(tx, &asked, state, None, None, false)
            }
            _ => {
                // Discarded, or taken care of: a booking never made goes.
                tx.prepare_cached(
                    "DELETE FROM reservation WHERE id = ?1 AND server_version IS NULL
                         AND status IN ('tentative', 'bumped', 'refused')",
                )?
                .execute([id.to_string()])?;
                Ok(())
            }
        }
    }

    fn apply(&self, tx: &Tx<'_>, change: &Change, copies_exist: bool) -> Result<()> {
        match change {
            Change::Reservation { seq, record } => {
                let here = at(record.id);
                let pending = copies_exist
                    && tx.learn_pulled(here, *seq, || {
                        Ok(ServerCopy {
                            version: Some(*seq),
                            owner: Some(record.booker_id),
                            body: Some(to_value(&**record)?),
                        })
                    })?;
                if pending {
                    // The local changes show on top of the server's new version.
                    return tx.refresh_shown(here);
                }
                put_row(
                    tx,
                    record,
                    BookingState::from(record.status),
                    None,
                    Some(*seq),
                    true,
                )
            }
            Change::Tombstone { seq, id, .. } => {
                let here = at(ReservationId(*id));
                let pending = copies_exist
                    && tx.learn_pulled(here, *seq, || Ok(ServerCopy::gone(Some(*seq))))?;
                if pending {
                    return tx.refresh_shown(here);
                }
                tx.prepare_cached(
                    "DELETE FROM reservation WHERE id = ?1
                         AND (server_version IS NULL OR server_version <= ?2)",
                )?
                .execute(params![id.to_string(), *seq as i64])?;
                Ok(())
            }
            Change::Resource { .. } | Change::BookingCalendar { .. } | Change::Unknown => Ok(()),
        }
    }

    fn drop_unsynced(&self, tx: &Tx<'_>) -> Result<()> {
        tx.execute(
            "DELETE FROM reservation WHERE server_version IS NULL
                 AND id NOT IN (SELECT id FROM server_copy WHERE entity = 'reservation')
                 AND id NOT IN (SELECT record_id FROM outbox WHERE entity = 'reservation')",
            [],
        )?;
        Ok(())
    }

    fn forget(&self, tx: &Tx<'_>) -> Result<()> {
        // Every booking on the device came from the account (its own or its resources').
        tx.execute("DELETE FROM reservation", [])?;
        Ok(())
    }

    fn attention_item(&self, store: &Store, entry: &NeedsAttention) -> Result<AttentionItem> {
        let id = target_of(&entry.change)?;
        let row = read_shown(store.connection(), id)?.map(|row| row.reservation);
        let (action, asked) = match &entry.change {
            Mutation::ReservationRequest(args) => (
                ChangeAction::Book,
                Some(requested_reservation(
                    args,
                    AccountId(Uuid::nil()),
                    &RequestGuess {
                        zone: row.as_ref().map(|r| r.zone.clone()),
                        ..RequestGuess::default()
                    },
                )),
            ),
            Mutation::ReservationCancel(_) => (ChangeAction::CancelBooking, row),
            Mutation::ReservationMove(args) => (
                ChangeAction::MoveBooking,
                row.map(|r| Reservation {
                    start: args.start,
                    end: args.end,
                    ..r
                }),
            ),
            Mutation::ReservationCheckIn(_) => (ChangeAction::CheckIn, row),
            Mutation::ReservationDecide(_) => (ChangeAction::DecideBooking, row),
            other => return Err(not_of_kind(EntityKind::Reservation, other)),
        };
        let resource = asked
            .as_ref()
            .map_or(ResourceId(Uuid::nil()), |r| r.resource_id);
        let zone = asked
            .as_ref()
            .map_or_else(|| zone_of(None).to_owned(), |r| r.zone.clone());
        let alternatives = entry
            .alternatives
            .iter()
            .filter_map(|alternative| match alternative {
                Alternative::Slot {
                    resource_id,
                    start,
                    end,
                } => Some((*resource_id, *start, *end)),
                Alternative::CurrentResource { .. } => None,
            })
            .map(|(resource_id, start, end)| {
                let other = store.get_resource(resource_id).ok();
                let zone = other
                    .as_ref()
                    .map_or(zone.clone(), |r| zone_of(r.schedule.as_ref()).to_owned());
                AlternativeSlot {
                    resource_id,
                    resource_name: other.map(|r| r.name),
                    same_resource: resource_id == resource,
                    start,
                    end,
                    local_start: local(&zone, start),
                    local_end: local(&zone, end),
                }
            })
            .collect();
        Ok(AttentionItem {
            entry: entry.entry.0,
            action,
            resource,
            name: store.get_resource(resource).ok().map(|r| r.name),
            description: None,
            reason: entry.reason.clone(),
            made_at: entry.made_at,
            booking: asked.map(|r| BookingAttention {
                reservation: id,
                start: r.start,
                end: r.end,
                units: r.units,
                note: r.note,
                bumped: entry.bumped,
                code: entry.code.clone(),
                alternatives,
            }),
        })
    }
}

/// Why a booking in `state` cannot be changed (cancelled, moved, checked in, decided).
pub(crate) fn not_changeable(state: BookingState) -> Option<Error> {
    match state {
        BookingState::Bumped | BookingState::Refused => Some(invalid(
            "id",
            "this booking was not made: book another time or discard it",
        )),
        BookingState::Declined | BookingState::Cancelled | BookingState::Released => {
            Some(invalid("id", "this booking no longer holds its time"))
        }
        BookingState::Tentative | BookingState::Pending | BookingState::Confirmed => None,
    }
}

#[cfg(test)]
mod tests {
    use sharehub_core::wire::{
        ReservationCancelArgs, ReservationCheckInArgs, ReservationDecideArgs, ReservationMoveArgs,
    };

    use super::*;

    const ME: AccountId = AccountId(Uuid::from_u128(7));

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn request() -> ReservationRequestArgs {
        ReservationRequestArgs {
            id: ReservationId(Uuid::from_u128(1)),
            resource_id: ResourceId(Uuid::from_u128(2)),
            start: utc("2026-12-07T01:00:00Z"),
            end: utc("2026-12-07T02:00:00Z"),
            units: 2,
            organisation_id: None,
            note: "창가 자리".into(),
            series_id: None,
        }
    }

    fn hourly() -> RequestGuess {
        RequestGuess {
            zone: Some("Asia/Seoul".into()),
            pricing: Some(Pricing::PerPeriod {
                amount_krw: 5000,
                period_minutes: 60,
            }),
            approval_required: false,
        }
    }

    fn booked(status: ReservationStatus) -> Reservation {
        Reservation {
            status,
            ..requested_reservation(&request(), ME, &hourly())
        }
    }

    #[test]
    fn what_a_booking_shows_with_its_pending_changes_table() {
        let made = utc("2026-12-06T10:00:00Z");
        let req = Mutation::ReservationRequest(request());
        let id = request().id;
        let cancel = Mutation::ReservationCancel(ReservationCancelArgs { id });
        let later = (utc("2026-12-07T03:00:00Z"), utc("2026-12-07T05:00:00Z"));
        let mv = Mutation::ReservationMove(ReservationMoveArgs {
            id,
            start: later.0,
            end: later.1,
        });
        let check_in = Mutation::ReservationCheckIn(ReservationCheckInArgs { id });
        let approve = Mutation::ReservationDecide(ReservationDecideArgs {
            id,
            approve: true,
            reason: Some("welcome".into()),
        });
        let decline = Mutation::ReservationDecide(ReservationDecideArgs {
            id,
            approve: false,
            reason: None,
        });
        let approval = RequestGuess {
            approval_required: true,
            ..hourly()
        };
        let confirmed = || Some(booked(ReservationStatus::Confirmed));
        let pending = || Some(booked(ReservationStatus::Pending));
        // (case, server's copy, pending changes, guess, expected state and what to check)
        type Case<'a> = (
            &'a str,
            Option<Reservation>,
            Vec<Mutation>,
            RequestGuess,
            Option<(BookingState, u64, DateTime<Utc>, Option<DateTime<Utc>>)>,
        );
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("a request shows tentative, priced per started hour and unit",
             None, vec![req.clone()], hourly(),
             Some((BookingState::Tentative, 10_000, request().start, None))),
            ("a request that needs approval is tentative too",
             None, vec![req.clone()], approval.clone(),
             Some((BookingState::Tentative, 10_000, request().start, None))),
            ("a request cancelled before it was sent",
             None, vec![req.clone(), cancel.clone()], hourly(),
             Some((BookingState::Cancelled, 10_000, request().start, None))),
            ("a request moved before it was sent stays tentative at the new time",
             None, vec![req.clone(), mv.clone()], hourly(),
             Some((BookingState::Tentative, 20_000, later.0, None))),
            ("cancelling a confirmed booking",
             confirmed(), vec![cancel.clone()], hourly(),
             Some((BookingState::Cancelled, 10_000, request().start, None))),
            ("moving shows the new time and its price",
             confirmed(), vec![mv.clone()], hourly(),
             Some((BookingState::Confirmed, 20_000, later.0, None))),
            ("moving where the owner approves waits for approval again",
             confirmed(), vec![mv.clone()], approval.clone(),
             Some((BookingState::Pending, 20_000, later.0, None))),
            ("checking in shows when",
             confirmed(), vec![check_in.clone()], hourly(),
             Some((BookingState::Confirmed, 10_000, request().start, Some(made)))),
            ("a move after checking in clears the check-in",
             confirmed(), vec![check_in.clone(), mv.clone()], hourly(),
             Some((BookingState::Confirmed, 20_000, later.0, None))),
            ("the owner approves", pending(), vec![approve.clone()], hourly(),
             Some((BookingState::Confirmed, 10_000, request().start, None))),
            ("the owner declines", pending(), vec![decline], hourly(),
             Some((BookingState::Declined, 10_000, request().start, None))),
            ("a change of a booking the device does not hold shows nothing",
             None, vec![cancel.clone()], hourly(), None),
            ("a second request of a held id changes nothing",
             confirmed(), vec![req.clone()], hourly(),
             Some((BookingState::Confirmed, 10_000, request().start, None))),
        ];
        for (name, base, changes, guess, expected) in cases {
            let changes: Vec<_> = changes.into_iter().map(|c| (c, made)).collect();
            let shown = shown_after(base, &changes, ME, &guess);
            let got = shown
                .as_ref()
                .map(|(r, state)| (*state, r.price_krw, r.start, r.checked_in_at));
            assert_eq!(got, expected, "{name}");
        }
        let (approved, _) = shown_after(pending(), &[(approve, made)], ME, &hourly()).unwrap();
        assert_eq!(approved.decision_reason.as_deref(), Some("welcome"));
        let (asked, _) = shown_after(None, &[(req, made)], ME, &approval).unwrap();
        assert_eq!(
            (
                asked.status,
                asked.booker_id,
                asked.note.as_str(),
                asked.units
            ),
            (ReservationStatus::Pending, ME, "창가 자리", 2),
            "what the person typed is kept"
        );
    }

    #[test]
    fn what_the_server_holds_after_an_applied_answer_table() {
        let id = request().id;
        let req = Mutation::ReservationRequest(request());
        let guessed_pending = booked(ReservationStatus::Pending);
        let made = answered(&req, ME, None, Some(guessed_pending.clone())).unwrap();
        assert_eq!(made, guessed_pending, "the tentative row's guess is kept");
        let blind = answered(&req, ME, None, None).unwrap();
        assert_eq!(
            (blind.status, blind.price_krw, blind.zone.as_str()),
            (ReservationStatus::Confirmed, 0, "Asia/Seoul"),
            "without a row: the request as asked"
        );

        let cancel = Mutation::ReservationCancel(ReservationCancelArgs { id });
        let server = booked(ReservationStatus::Confirmed);
        let cancelled = answered(&cancel, ME, Some(server.clone()), None).unwrap();
        assert_eq!(cancelled.status, ReservationStatus::Cancelled);

        let later = (utc("2026-12-07T03:00:00Z"), utc("2026-12-07T05:00:00Z"));
        let mv = Mutation::ReservationMove(ReservationMoveArgs {
            id,
            start: later.0,
            end: later.1,
        });
        let shown_moved = Reservation {
            start: later.0,
            end: later.1,
            price_krw: 20_000,
            ..server.clone()
        };
        let moved = answered(&mv, ME, Some(server.clone()), Some(shown_moved)).unwrap();
        assert_eq!(
            (moved.start, moved.end, moved.price_krw),
            (later.0, later.1, 20_000)
        );
        let checked = Reservation {
            checked_in_at: Some(utc("2026-12-07T00:55:00Z")),
            ..server.clone()
        };
        let check_in = Mutation::ReservationCheckIn(ReservationCheckInArgs { id });
        assert_eq!(
            answered(&check_in, ME, Some(server), Some(checked.clone())),
            Some(checked),
            "checked in when the row says"
        );
        assert_eq!(answered(&cancel, ME, None, None), None, "nothing known");
    }

    #[test]
    fn local_times_follow_the_zone() {
        let instant = utc("2026-12-07T01:30:00Z");
        assert_eq!(
            local("Asia/Seoul", instant).to_string(),
            "2026-12-07 10:30:00"
        );
        assert_eq!(
            local("America/New_York", instant).to_string(),
            "2026-12-06 20:30:00"
        );
        assert_eq!(
            local("Mars/Olympus", instant).to_string(),
            "2026-12-07 10:30:00",
            "unknown zones read as Seoul"
        );
    }
}
