//! Declares the app's commands to Tauri and generates the window's capability, both from
//! core's command table (`crates/core/src/ipc/command_table.rs`), so a command is declared
//! once: Tauri makes one permission per command (`allow-resource-list`, …) and the main
//! window is granted exactly those, plus the event permissions the UI's status listener needs.

use std::path::{Path, PathBuf};

include!("../crates/core/src/ipc/command_table.rs");

macro_rules! command_names {
    ($($name:ident: $command:ident($args:ty) -> $output:ty,)*) => {
        &[$(stringify!($name)),*]
    };
}

/// What the window may use besides the app's own commands: listening to the shell's
/// `sync-status` event. Nothing of any plugin (the geolocation plugin is called by the shell).
const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

const TABLE: &str = "../crates/core/src/ipc/command_table.rs";

fn main() {
    let commands: &[&str] = ipc_commands!(command_names);
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let capabilities = write_capability(&out_dir, commands);
    println!("cargo:rerun-if-changed={TABLE}");
    println!("cargo:rerun-if-changed=build.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands))
            .capabilities_path_pattern(capabilities),
    )
    .expect("tauri build script failed");
}

/// `OUT_DIR/capabilities/default.json`: the main window may call exactly the declared
/// commands. Returns the path pattern Tauri reads capabilities from.
fn write_capability(out_dir: &Path, commands: &[&str]) -> &'static str {
    let dir = out_dir.join("capabilities");
    std::fs::create_dir_all(&dir).expect("cannot create OUT_DIR/capabilities");
    let permissions: Vec<String> = commands
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .chain(CORE_PERMISSIONS.iter().map(|p| (*p).to_owned()))
        .collect();
    let capability = format!(
        "{{\n  \"identifier\": \"default\",\n  \"description\": \"The main window may call exactly \
         the Share Hub commands of core's command table, nothing else.\",\n  \"windows\": \
         [\"main\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        permissions
            .iter()
            .map(|p| format!("    \"{p}\""))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    std::fs::write(dir.join("default.json"), capability)
        .expect("cannot write OUT_DIR/capabilities/default.json");
    Box::leak(format!("{}/*.json", dir.display()).into_boxed_str())
}
