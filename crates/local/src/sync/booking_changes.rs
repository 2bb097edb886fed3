//! The app's booking changes, in its words: each is a wire [`Mutation`] recorded by the
//! outbox ([`SyncStore::record`]) and shown at once (a request as `tentative`); the
//! server decides. After a bump, [`SyncStore::take_alternative`] books one of the offered
//! times in one step, keeping what the person typed.

use chrono::Utc;
use sharehub_core::booking::{BookingState, ReservationId};
use sharehub_core::ipc::{
    BookingRow, BookingRulesSetArgs, ReservationDecideArgs, ReservationMoveArgs,
    ReservationRequestArgs, ReservationRequested, TakeAlternativeArgs,
};
use sharehub_core::wire::{self, Alternative, Mutation, MutationOutcome};
use uuid::Uuid;

use super::entry::OutboxEntryId;
use super::kinds::{self, not_changeable};
use super::replica::SyncStore;
use crate::error::{Error, Result};
use crate::store::bookings::read_shown;

fn invalid(field: &str, problem: &str) -> Error {
    Error::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

impl SyncStore {
    /// Asks for a booking: queued and shown at once as tentative, with the device's
    /// forecast of the server's answer (sent anyway: the server decides).
    pub fn request_booking(
        &mut self,
        args: &ReservationRequestArgs,
    ) -> Result<ReservationRequested> {
        args.check()?;
        let id = ReservationId::new_v7();
        let forecast = self.store().booking_forecast(
            args.resource_id,
            (args.start, args.end),
            args.units,
            args.organisation_id,
            Utc::now(),
        )?;
        self.record(Mutation::ReservationRequest(wire::ReservationRequestArgs {
            id,
            resource_id: args.resource_id,
            start: args.start,
            end: args.end,
            units: args.units,
            organisation_id: args.organisation_id,
            note: args.note.clone(),
            series_id: None,
        }))?;
        Ok(ReservationRequested {
            booking: self.store().booking(id)?,
            forecast,
        })
    }

    /// Records a change of a shown booking that still holds its time.
    fn change_booking(
        &mut self,
        id: ReservationId,
        allowed: impl FnOnce(BookingState) -> Option<Error>,
        change: Mutation,
    ) -> Result<BookingRow> {
        let shown = self.store().booking(id)?;
        if let Some(refused) = not_changeable(shown.state).or_else(|| allowed(shown.state)) {
            return Err(refused);
        }
        self.record(change)?;
        self.store().booking(id)
    }

    /// Cancels a booking (shown cancelled at once).
    pub fn cancel_booking(&mut self, id: ReservationId) -> Result<BookingRow> {
        self.change_booking(
            id,
            |_| None,
            Mutation::ReservationCancel(wire::ReservationCancelArgs { id }),
        )
    }

    /// Moves a booking to a new time (shown at once, waiting for the server; bumped or
    /// refused, the old time shows again).
    pub fn move_booking(&mut self, args: &ReservationMoveArgs) -> Result<BookingRow> {
        args.check()?;
        self.change_booking(
            args.id,
            |_| None,
            Mutation::ReservationMove(wire::ReservationMoveArgs {
                id: args.id,
                start: args.start,
                end: args.end,
            }),
        )
    }

    /// Says the person is there.
    pub fn check_in_booking(&mut self, id: ReservationId) -> Result<BookingRow> {
        self.change_booking(
            id,
            |_| None,
            Mutation::ReservationCheckIn(wire::ReservationCheckInArgs { id }),
        )
    }

    /// The owner approves or declines a pending request.
    pub fn decide_booking(&mut self, args: &ReservationDecideArgs) -> Result<BookingRow> {
        args.check()?;
        self.change_booking(
            args.id,
            |state| {
                (state != BookingState::Pending)
                    .then(|| invalid("id", "only a request waiting for approval is decided"))
            },
            Mutation::ReservationDecide(wire::ReservationDecideArgs {
                id: args.id,
                approve: args.approve,
                reason: args.reason.clone(),
            }),
        )
    }

    /// The owner sets (or removes) a resource's booking rules; the calendar shows them at
    /// once.
    pub fn set_booking_rules(&mut self, args: &BookingRulesSetArgs) -> Result<OutboxEntryId> {
        args.check()?;
        self.store().get_resource(args.resource_id)?;
        self.record(Mutation::BookingSetRules(wire::BookingSetRulesArgs {
            resource_id: args.resource_id,
            rules: args.rules.clone(),
        }))
    }

    /// "Book this one instead": in one transaction, the bumped change leaves the
    /// needs-attention list and a new request for the chosen alternative is queued with the
    /// units, organisation and note as typed. A bumped move to another time of the same
    /// resource becomes a new move; to another resource, a new request (the old booking
    /// stays until the person cancels it).
    pub fn take_alternative(&mut self, args: &TakeAlternativeArgs) -> Result<ReservationRequested> {
        let chosen = (args.resource_id, args.start, args.end);
        let next = self.write(|tx| {
            let (change, outcome) = tx.take_attention(OutboxEntryId(args.entry))?;
            let Some(MutationOutcome::Bumped { alternatives, .. }) = outcome else {
                return Err(invalid("entry", "only a bumped booking offers other times"));
            };
            let offered = alternatives.iter().any(|alternative| match alternative {
                Alternative::Slot {
                    resource_id,
                    start,
                    end,
                } => (*resource_id, *start, *end) == chosen,
                Alternative::CurrentResource { .. } => false,
            });
            if !offered {
                return Err(invalid(
                    "start",
                    "not one of the times offered for this booking",
                ));
            }
            let request = |units, organisation_id, note| {
                Mutation::ReservationRequest(wire::ReservationRequestArgs {
                    id: ReservationId::new_v7(),
                    resource_id: args.resource_id,
                    start: args.start,
                    end: args.end,
                    units,
                    organisation_id,
                    note,
                    series_id: None,
                })
            };
            let next = match &change {
                Mutation::ReservationRequest(asked) => {
                    request(asked.units, asked.organisation_id, asked.note.clone())
                }
                Mutation::ReservationMove(moved) => {
                    let held = read_shown(tx, moved.id)?
                        .ok_or(Error::ReservationNotFound(moved.id))?
                        .reservation;
                    if held.resource_id == args.resource_id {
                        Mutation::ReservationMove(wire::ReservationMoveArgs {
                            id: moved.id,
                            start: args.start,
                            end: args.end,
                        })
                    } else {
                        request(held.units, held.organisation_id, held.note)
                    }
                }
                _ => return Err(invalid("entry", "only a booking offers other times")),
            };
            tx.refresh_shown(kinds::record_of(&change)?)?;
            tx.check_change(&next)?;
            tx.enqueue(OutboxEntryId(Uuid::now_v7()), &next)?;
            Ok(next)
        })?;
        // A new time of the same booking gets no forecast: the calendar still counts its
        // old time, which the device cannot tell from others' (busy spans name no one).
        let (id, forecast) = match &next {
            Mutation::ReservationRequest(asked) => (
                asked.id,
                self.store().booking_forecast(
                    asked.resource_id,
                    (asked.start, asked.end),
                    asked.units,
                    asked.organisation_id,
                    Utc::now(),
                )?,
            ),
            Mutation::ReservationMove(moved) => (moved.id, None),
            _ => return Err(invalid("entry", "only a booking offers other times")),
        };
        Ok(ReservationRequested {
            booking: self.store().booking(id)?,
            forecast,
        })
    }
}
