use sharehub_core::ipc::{
    AreaOutline, AreaOutlineArgs, AreaResourceCount, IpcError, NoArgs, Place, PlaceSearchArgs,
};
use sharehub_local::places;
use tauri::State;

use crate::error::to_ipc;
use crate::AppState;

#[tauri::command]
pub async fn place_search(
    state: State<'_, AppState>,
    args: PlaceSearchArgs,
) -> Result<Vec<Place>, IpcError> {
    state
        .with_store(move |store| places::search(store, &args.text))
        .await
}

#[tauri::command]
pub async fn area_outline(args: AreaOutlineArgs) -> Result<AreaOutline, IpcError> {
    places::area_outline(&args.code).map_err(to_ipc)
}

#[tauri::command]
pub async fn map_boundaries(args: NoArgs) -> Result<String, IpcError> {
    let NoArgs {} = args;
    Ok(sharehub_areas::GU_GEOJSON.to_owned())
}

#[tauri::command]
pub async fn area_list(
    state: State<'_, AppState>,
    args: NoArgs,
) -> Result<Vec<AreaResourceCount>, IpcError> {
    let NoArgs {} = args;
    state.with_store(|store| store.areas_with_resources()).await
}
