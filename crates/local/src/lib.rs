//! The device's replica of Share Hub data: a SQLite store (rusqlite, bundled SQLite) with
//! append-only migrations and the queries the app needs.
//!
//! This crate never depends on tauri, leptos or axum: the Tauri shell calls it, and its
//! tests open real SQLite files.

mod error;
pub mod places;
pub mod share_form;
pub mod store;
pub mod sync;

pub use error::Error;
pub use store::Store;
pub use sync::{SyncEngine, SyncStore};
