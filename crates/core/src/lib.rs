//! Share Hub's domain vocabulary, pure rules and the contracts between the layers.
//!
//! This crate does no I/O and must build for `wasm32-unknown-unknown`: it is shared by the
//! Leptos UI (wasm), the Tauri shell, the local store and the server. It never depends on
//! tokio, rusqlite, reqwest, axum, tauri or leptos.

pub mod booking;
pub mod demo;
pub mod geo_point;
pub mod i18n;
pub mod ipc;
pub mod resource;
pub mod text;
pub mod wire;

pub use geo_point::GeoPoint;
pub use resource::{Pricing, Resource, ResourceId, ResourceKind, ResourceSummary};
pub use text::LocalizedText;
