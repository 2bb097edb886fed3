use sharehub_core::ipc::{IpcError, LiveBikes, NoArgs};
use tauri::State;

use crate::error::to_ipc;
use crate::sync::SyncSlot;
use crate::AppState;

/// Live bike counts: refreshed from the server when one is set and reachable, else the
/// last ones this device stored (with the reason they may be old).
#[tauri::command]
pub async fn station_status(
    state: State<'_, AppState>,
    sync: State<'_, SyncSlot>,
    args: NoArgs,
) -> Result<LiveBikes, IpcError> {
    let NoArgs {} = args;
    // The sync engine's client: one connection pool for sync and live counts.
    let fetched = match sync.hub() {
        Ok(hub) => {
            let cursor = state
                .with_store(|store| store.station_status_cursor())
                .await?;
            hub.client().station_status(cursor).await.map_err(to_ipc)
        }
        // No server set (offline demo mode): only what this device stored.
        Err(_) if crate::sync::server_url().is_none() => Err(IpcError::Offline),
        Err(error) => Err(error),
    };
    let refresh_error = fetched.as_ref().err().cloned();
    let stations = state
        .with_store(move |store| {
            if let Ok(list) = &fetched {
                store.save_station_status(list)?;
            }
            store.station_status()
        })
        .await?;
    Ok(LiveBikes {
        stations,
        refresh_error,
    })
}
