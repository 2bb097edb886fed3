//! The Share Hub app's Tauri shell. Thin by design: each command unpacks its arguments,
//! calls `sharehub-local` off the main thread and maps the error once (`error.rs`).
//! All rules live in `sharehub-core` and `sharehub-local`.

mod commands;
mod error;
mod state;
mod sync;
mod tiles;

use tauri::Manager;

pub use state::{AppState, DATA_DIR_ENV};

pub fn run() {
    // Map tiles come through the shell from the one tile server configured at start.
    let tiles = std::sync::Arc::new(tiles::TileProxy::from_env());
    let tiles_for_setup = tiles.clone();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_geolocation::init())
        .register_asynchronous_uri_scheme_protocol(
            tiles::SCHEME,
            move |_ctx, request, responder| {
                let tiles = tiles.clone();
                let path = request.uri().path().to_owned();
                tauri::async_runtime::spawn(
                    async move { responder.respond(tiles.answer(&path).await) },
                );
            },
        )
        .setup(move |app| {
            let data_dir = state::data_dir(app.path().app_data_dir().ok());
            if let Some(dir) = &data_dir {
                tiles_for_setup.open_cache(dir);
            }
            // With a server, a new device's data comes from sync; without one (offline demo
            // mode) it is seeded from the bundled demo data.
            let server = sync::server_url();
            // An explicit seed file (SHAREHUB_SEED_FILE: benchmarks, tests) always seeds.
            let seeding = match server {
                Some(_) if std::env::var_os(state::SEED_FILE_ENV).is_none() => {
                    state::Seeding::FromSync
                }
                _ => state::Seeding::DemoData,
            };
            let state = AppState::open(data_dir.clone(), state::system_locale(), seeding);
            let hub = server.map(|server| match (&data_dir, state.is_open()) {
                (Some(dir), true) => sync::SyncHub::start(app.handle().clone(), dir, &server),
                _ => Err(state.open_error()),
            });
            app.manage(state);
            app.manage(sync::SyncSlot(hub));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::resource::resource_list,
            commands::resource::resource_page,
            commands::resource::resource_get,
            commands::resource::resource_near,
            commands::map::map_view,
            commands::settings::settings_get,
            commands::settings::settings_set_language,
            commands::place::place_search,
            commands::place::area_outline,
            commands::place::map_boundaries,
            commands::place::area_list,
            commands::station::station_status,
            commands::position::position_get,
            commands::resource::resource_create,
            commands::account::account_sign_in,
            commands::account::account_register,
            commands::account::account_sign_out,
            commands::sync::sync_status_get,
            commands::sync::sync_attention_list,
            commands::sync::sync_attention_retry,
            commands::sync::sync_attention_edit,
            commands::sync::sync_attention_discard,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Share Hub could not start: {error}");
        std::process::exit(1);
    }
}
