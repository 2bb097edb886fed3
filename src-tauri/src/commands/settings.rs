use sharehub_core::ipc::{IpcError, NoArgs, Settings, SettingsSetLanguageArgs, TileSource};
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
                map_tiles: tile_source(),
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
                map_tiles: tile_source(),
                device_position: super::position::device_can_locate(),
            })
        })
        .await
}

/// Map tiles: OpenStreetMap unless `SHAREHUB_TILE_URL` (and `SHAREHUB_TILE_ATTRIBUTION`)
/// name another source, e.g. a city's own tile server.
fn tile_source() -> TileSource {
    let mut source = TileSource::default();
    if let Some(url) = std::env::var("SHAREHUB_TILE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        source.url_template = url;
        source.attribution = std::env::var("SHAREHUB_TILE_ATTRIBUTION").unwrap_or_default();
    }
    source
}
