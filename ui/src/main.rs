//! Share Hub's user interface: Leptos (client-side rendering) compiled to wasm32, shown in
//! the Tauri webview. It reaches the device's data only through `ipc::call`.

mod app;
mod booking;
mod filter_bar;
mod filters;
mod format;
mod ipc;
mod live_bikes;
mod map;
mod pages;
mod spot_map;
mod sync_status;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
