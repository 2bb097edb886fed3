use sharehub_core::ipc::{IpcError, NoArgs, Settings, SettingsSetLanguageArgs};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>, args: NoArgs) -> Result<Settings, IpcError> {
    let NoArgs {} = args;
    let system_language = state.system_language();
    state
        .with_store(move |store| {
            Ok(Settings {
                language: store.language()?.unwrap_or(system_language),
                map_tiles: crate::tiles::tile_source(),
                device_position: super::position::device_can_locate(),
            })
        })
        .await
}

#[tauri::command]
pub async fn settings_set_language(
    state: State<'_, AppState>,
    args: SettingsSetLanguageArgs,
) -> Result<Settings, IpcError> {
    state
        .with_store(move |store| {
            store.set_language(args.language)?;
            Ok(Settings {
                language: args.language,
                map_tiles: crate::tiles::tile_source(),
                device_position: super::position::device_can_locate(),
            })
        })
        .await
}
