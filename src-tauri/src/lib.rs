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

/// The invoke handler of every command in core's table: `commands::<name>` answers `<name>`
/// (a declared command without its handler function does not compile).
macro_rules! handlers {
    ($($name:ident: $command:ident($args:ty) -> $output:ty,)*) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

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
        .invoke_handler(sharehub_core::ipc_commands!(handlers))
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Share Hub could not start: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;
    use sharehub_core::ipc::COMMAND_NAMES;

    /// The capabilities and permission manifests tauri-build resolved and the app embeds.
    const CAPABILITIES: &str = include_str!(concat!(env!("OUT_DIR"), "/capabilities.json"));
    const MANIFESTS: &str = include_str!(concat!(env!("OUT_DIR"), "/acl-manifests.json"));

    fn granted() -> BTreeSet<String> {
        let capabilities: Value = serde_json::from_str(CAPABILITIES).unwrap();
        let capabilities = capabilities.as_object().unwrap();
        assert_eq!(
            capabilities.keys().collect::<Vec<_>>(),
            ["default"],
            "one capability"
        );
        let default = &capabilities["default"];
        assert_eq!(default["windows"], serde_json::json!(["main"]));
        default["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p.as_str()
                    .or_else(|| p["identifier"].as_str())
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// Fails when a command is declared without its permission, or a permission is granted
    /// without a declared command (or for any plugin beyond the event listener).
    #[test]
    fn the_window_is_granted_exactly_the_declared_commands() {
        let mut expected: BTreeSet<String> = COMMAND_NAMES
            .iter()
            .map(|name| format!("allow-{}", name.replace('_', "-")))
            .collect();
        expected.insert("core:event:allow-listen".into());
        expected.insert("core:event:allow-unlisten".into());
        assert_eq!(granted(), expected);
    }

    /// Each granted app permission allows exactly its one command, and the app's manifest
    /// knows no command beyond the table.
    #[test]
    fn each_app_permission_allows_exactly_its_command() {
        let manifests: Value = serde_json::from_str(MANIFESTS).unwrap();
        let app = &manifests["__app-acl__"]["permissions"];
        let mut allowed = BTreeSet::new();
        for permission in granted().iter().filter(|p| !p.contains(':')) {
            let commands = &app[permission.as_str()]["commands"]["allow"];
            let commands: Vec<&str> = commands
                .as_array()
                .unwrap_or_else(|| panic!("the app manifest lacks {permission}"))
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            assert_eq!(commands.len(), 1, "{permission} allows {commands:?}");
            assert_eq!(
                permission,
                &format!("allow-{}", commands[0].replace('_', "-"))
            );
            allowed.insert(commands[0].to_owned());
        }
        let declared: BTreeSet<String> = COMMAND_NAMES.iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(allowed, declared);
    }
}
