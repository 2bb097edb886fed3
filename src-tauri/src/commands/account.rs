use sharehub_core::ipc::{IpcError, NoArgs, RegisterArgs, SignInArgs, SyncStatus};
use sharehub_core::wire::{LoginRequest, RegisterRequest};
use tauri::State;

use crate::sync::SyncSlot;

#[tauri::command]
pub async fn account_sign_in(
    sync: State<'_, SyncSlot>,
    args: SignInArgs,
) -> Result<SyncStatus, IpcError> {
    let SignInArgs { login, password } = args;
    sync.hub()?
        .sign_in(LoginRequest {
            login: login.trim().to_owned(),
            password,
        })
        .await
}

#[tauri::command]
pub async fn account_register(
    sync: State<'_, SyncSlot>,
    args: RegisterArgs,
) -> Result<SyncStatus, IpcError> {
    let RegisterArgs { email, password } = args;
    sync.hub()?
        .register(RegisterRequest {
            email: Some(email.trim().to_owned()),
            phone: None,
            password,
        })
        .await
}

#[tauri::command]
pub async fn account_sign_out(
    sync: State<'_, SyncSlot>,
    args: NoArgs,
) -> Result<SyncStatus, IpcError> {
    let NoArgs {} = args;
    sync.hub()?.sign_out().await
}
