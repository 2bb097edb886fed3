//! The Share Hub app's Tauri shell. Thin by design: each command unpacks its arguments,
//! calls `sharehub-local` off the main thread and maps the error once (`error.rs`).
//! All rules live in `sharehub-core` and `sharehub-local`.

mod commands;
mod error;
mod state;

use tauri::Manager;

pub use state::{AppState, DATA_DIR_ENV};

pub fn run() {
    let result = tauri::Builder::default()
        .setup(|app| {
            let data_dir = state::data_dir(app.path().app_data_dir().ok());
            app.manage(AppState::open(data_dir, state::system_locale()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::resource::resource_list,
            commands::resource::resource_get,
            commands::resource::resource_near,
            commands::settings::settings_get,
            commands::settings::settings_set_language,
            commands::place::place_search,
            commands::place::area_outline,
            commands::place::map_boundaries,
            commands::place::area_list,
            commands::station::station_status,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Share Hub could not start: {error}");
        std::process::exit(1);
    }
}
