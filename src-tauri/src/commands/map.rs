use sharehub_core::ipc::{IpcError, MapCells, MapViewArgs};
use tauri::State;

use crate::AppState;

/// What the map's visible area needs: markers or clusters of the filtered set, and its
/// total (`sharehub_local::Store::map_view`).
#[tauri::command]
pub async fn map_view(state: State<'_, AppState>, args: MapViewArgs) -> Result<MapCells, IpcError> {
    args.check()?;
    state.with_store(move |store| store.map_view(&args)).await
}
