//! The kinds of record the device replicates, each in one module implementing
//! [`RecordKind`]: which record a mutation targets, how it shows optimistically, how it is
//! reverted, how a pulled change applies. This file is the one place that maps a mutation or
//! a change to its kind's module; a new kind (reservations, events) is a module here, its
//! table (a migration) and a line in each function below.

mod booking_calendar;
mod reservation;
mod resource;

use sharehub_core::wire::{Change, EntityKind, Mutation};

pub(crate) use reservation::not_changeable;
pub(crate) use resource::resource_mut;

use super::record::RecordRef;
use super::record_kind::RecordKind;
use crate::error::Result;

static RESOURCES: resource::Resources = resource::Resources;
static RESERVATIONS: reservation::Reservations = reservation::Reservations;
static BOOKING_CALENDARS: booking_calendar::BookingCalendars = booking_calendar::BookingCalendars;

/// The module of the kind `entity`.
pub(crate) fn of_entity(entity: EntityKind) -> &'static dyn RecordKind {
    match entity {
        EntityKind::Resource => &RESOURCES,
        EntityKind::Reservation => &RESERVATIONS,
        EntityKind::BookingCalendar => &BOOKING_CALENDARS,
    }
}

/// The module of the kind of record `mutation` changes.
pub(crate) fn of_mutation(mutation: &Mutation) -> &'static dyn RecordKind {
    match mutation {
        Mutation::ResourceCreate(_) | Mutation::ResourceUpdate(_) | Mutation::ResourceRetire(_) => {
            &RESOURCES
        }
        // The rules travel in the resource's public calendar: setting them changes it.
        Mutation::BookingSetRules(_) => &BOOKING_CALENDARS,
        Mutation::ReservationRequest(_)
        | Mutation::ReservationCancel(_)
        | Mutation::ReservationMove(_)
        | Mutation::ReservationCheckIn(_)
        | Mutation::ReservationDecide(_) => &RESERVATIONS,
    }
}

/// The module for a pulled change; `None` for one this build cannot read (skipped).
pub(crate) fn of_change(change: &Change) -> Option<&'static dyn RecordKind> {
    change.entity().map(of_entity)
}

/// Every kind this build knows.
pub(crate) fn all() -> impl Iterator<Item = &'static dyn RecordKind> {
    EntityKind::ALL.into_iter().map(of_entity)
}

/// The record `mutation` changes.
pub(crate) fn record_of(mutation: &Mutation) -> Result<RecordRef> {
    let kind = of_mutation(mutation);
    Ok(RecordRef {
        entity: kind.entity(),
        id: kind.target(mutation)?,
    })
}
