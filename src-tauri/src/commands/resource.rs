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
pub async fn resource_page(
    state: State<'_, AppState>,
    args: sharehub_core::ipc::ResourcePageArgs,
) -> Result<sharehub_core::ipc::ResourcePage, IpcError> {
    args.check()?;
    state
        .with_store(move |store| store.list_resources_page(&args.query, args.language, args.limit))
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

/// Shares something new from the form (kind, name, description, neighborhood): shown at
/// once, sent by sync (`sharehub_local::share_form` fills in the rest).
#[tauri::command]
pub async fn resource_create(
    sync: State<'_, crate::sync::SyncSlot>,
    args: sharehub_core::ipc::ResourceCreateArgs,
) -> Result<sharehub_core::ResourceId, IpcError> {
    args.check()?;
    sync.hub()?.share(args).await
}
