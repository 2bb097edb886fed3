use sharehub_core::ipc::{
    AttentionEditArgs, AttentionEntryArgs, AttentionItem, IpcError, NoArgs, SyncStatus,
};
use tauri::State;

use crate::sync::SyncSlot;

#[tauri::command]
pub async fn sync_status_get(
    sync: State<'_, SyncSlot>,
    args: NoArgs,
) -> Result<SyncStatus, IpcError> {
    let NoArgs {} = args;
    Ok(sync.status())
}

#[tauri::command]
pub async fn sync_attention_list(
    sync: State<'_, SyncSlot>,
    args: NoArgs,
) -> Result<Vec<AttentionItem>, IpcError> {
    let NoArgs {} = args;
    sync.hub()?.attention_list().await
}

#[tauri::command]
pub async fn sync_attention_retry(
    sync: State<'_, SyncSlot>,
    args: AttentionEntryArgs,
) -> Result<SyncStatus, IpcError> {
    sync.hub()?.retry(args.entry).await
}

#[tauri::command]
pub async fn sync_attention_edit(
    sync: State<'_, SyncSlot>,
    args: AttentionEditArgs,
) -> Result<SyncStatus, IpcError> {
    sync.hub()?.edit(args).await
}

#[tauri::command]
pub async fn sync_attention_discard(
    sync: State<'_, SyncSlot>,
    args: AttentionEntryArgs,
) -> Result<SyncStatus, IpcError> {
    sync.hub()?.discard(args.entry).await
}
