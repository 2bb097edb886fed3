use sharehub_core::ipc::{IpcError, NearQuery, NearbyResource, ResourceGetArgs, ResourceQuery};
use sharehub_core::{Resource, ResourceSummary};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn resource_list(
    state: State<'_, AppState>,
    args: ResourceQuery,
) -> Result<Vec<ResourceSummary>, IpcError> {
    args.check()?;
    state
        .with_store(move |store| store.list_resources(&args))
        .await
}

#[tauri::command]
pub async fn resource_get(
    state: State<'_, AppState>,
    args: ResourceGetArgs,
) -> Result<Resource, IpcError> {
    state
        .with_store(move |store| store.get_resource(args.id))
        .await
}

#[tauri::command]
pub async fn resource_near(
    state: State<'_, AppState>,
    args: NearQuery,
) -> Result<Vec<NearbyResource>, IpcError> {
    args.check()?;
    state.with_store(move |store| store.near(&args)).await
}
