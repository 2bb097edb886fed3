use sharehub_core::ipc::{IpcError, LiveBikes, NoArgs};
use sharehub_local::sync::ApiClient;
use tauri::State;

use crate::error::to_ipc;
use crate::AppState;

/// Live bike counts: refreshed from the server when one is set and reachable, else the
/// last ones this device stored (with the reason they may be old).
#[tauri::command]
pub async fn station_status(
    state: State<'_, AppState>,
    args: NoArgs,
) -> Result<LiveBikes, IpcError> {
    let NoArgs {} = args;
    let refresh_error = match crate::sync::server_url() {
        None => Some(IpcError::Offline),
        Some(url) => {
            let cursor = state
                .with_store(|store| store.station_status_cursor())
                .await?;
            let fetched = async { ApiClient::new(&url)?.station_status(cursor).await }.await;
            match fetched {
                Ok(list) => {
                    state
                        .with_store(move |store| store.save_station_status(&list))
                        .await?;
                    None
                }
                Err(error) => Some(to_ipc(error)),
            }
        }
    };
    let stations = state.with_store(|store| store.station_status()).await?;
    Ok(LiveBikes {
        stations,
        refresh_error,
    })
}
