//! Bookings: availability and lists read the app's store; changes go through the sync
//! engine's connection (shown at once, sent by the loop; the server decides).

use chrono::Utc;
use sharehub_core::ipc::{
    Availability, AvailabilityArgs, BookingRow, BookingRulesSetArgs, IpcError, MyBookings, NoArgs,
    ReservationDecideArgs, ReservationIdArgs, ReservationMoveArgs, ReservationRequestArgs,
    ReservationRequested, SyncStatus, TakeAlternativeArgs,
};
use tauri::State;

use crate::sync::SyncSlot;
use crate::AppState;

/// A resource's day grid as of the last sync, with the person's unsent requests held.
#[tauri::command]
pub async fn booking_availability(
    state: State<'_, AppState>,
    args: AvailabilityArgs,
) -> Result<Availability, IpcError> {
    args.check()?;
    state
        .with_store(move |store| store.availability(&args, Utc::now()))
        .await
}

#[tauri::command]
pub async fn booking_rules_set(
    sync: State<'_, SyncSlot>,
    args: BookingRulesSetArgs,
) -> Result<SyncStatus, IpcError> {
    args.check()?;
    let changed = sync
        .hub()?
        .booking_change(move |db| db.set_booking_rules(&args));
    changed.await.map(|(_, status)| status)
}

/// The owner's inbox: requests waiting for their decision.
#[tauri::command]
pub async fn booking_requests(
    state: State<'_, AppState>,
    args: NoArgs,
) -> Result<Vec<BookingRow>, IpcError> {
    let NoArgs {} = args;
    state
        .with_store(|store| store.booking_requests(Utc::now()))
        .await
}

#[tauri::command]
pub async fn reservation_list(
    state: State<'_, AppState>,
    args: NoArgs,
) -> Result<MyBookings, IpcError> {
    let NoArgs {} = args;
    state
        .with_store(|store| store.my_bookings(Utc::now()))
        .await
}

#[tauri::command]
pub async fn reservation_request(
    sync: State<'_, SyncSlot>,
    args: ReservationRequestArgs,
) -> Result<ReservationRequested, IpcError> {
    args.check()?;
    let changed = sync
        .hub()?
        .booking_change(move |db| db.request_booking(&args));
    changed.await.map(|(requested, _)| requested)
}

#[tauri::command]
pub async fn reservation_cancel(
    sync: State<'_, SyncSlot>,
    args: ReservationIdArgs,
) -> Result<BookingRow, IpcError> {
    let changed = sync
        .hub()?
        .booking_change(move |db| db.cancel_booking(args.id));
    changed.await.map(|(row, _)| row)
}

#[tauri::command]
pub async fn reservation_move(
    sync: State<'_, SyncSlot>,
    args: ReservationMoveArgs,
) -> Result<BookingRow, IpcError> {
    args.check()?;
    let changed = sync.hub()?.booking_change(move |db| db.move_booking(&args));
    changed.await.map(|(row, _)| row)
}

#[tauri::command]
pub async fn reservation_check_in(
    sync: State<'_, SyncSlot>,
    args: ReservationIdArgs,
) -> Result<BookingRow, IpcError> {
    let changed = sync
        .hub()?
        .booking_change(move |db| db.check_in_booking(args.id));
    changed.await.map(|(row, _)| row)
}

#[tauri::command]
pub async fn reservation_decide(
    sync: State<'_, SyncSlot>,
    args: ReservationDecideArgs,
) -> Result<BookingRow, IpcError> {
    args.check()?;
    let changed = sync
        .hub()?
        .booking_change(move |db| db.decide_booking(&args));
    changed.await.map(|(row, _)| row)
}

/// "Book this one instead" after a bump: the new request, and the bumped entry is gone.
#[tauri::command]
pub async fn reservation_take_alternative(
    sync: State<'_, SyncSlot>,
    args: TakeAlternativeArgs,
) -> Result<ReservationRequested, IpcError> {
    let changed = sync
        .hub()?
        .booking_change(move |db| db.take_alternative(&args));
    changed.await.map(|(requested, _)| requested)
}
