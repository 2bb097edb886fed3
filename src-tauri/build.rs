fn main() {
    // Declaring the app's commands makes Tauri generate one permission per command
    // (`allow-resource-list`, …); capabilities/default.json grants exactly those the UI uses.
    let commands = &[
        "resource_list",
        "resource_get",
        "settings_get",
        "settings_set_language",
        "place_search",
        "area_outline",
        "map_boundaries",
        "resource_near",
        "area_list",
        "station_status",
        "resource_create",
        "account_sign_in",
        "account_register",
        "account_sign_out",
        "sync_status_get",
        "sync_attention_list",
        "sync_attention_retry",
        "sync_attention_edit",
        "resource_page",
        "position_get",
        "sync_attention_discard",
        "map_view",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script failed");
}
