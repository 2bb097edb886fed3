//! Tauri commands, one file per noun. Names are `<noun>_<verb>` and equal the
//! `sharehub_core::ipc::Command::NAME` of their contract type.

pub mod account;
pub mod map;
pub mod place;
pub mod position;
pub mod resource;
pub mod settings;
pub mod station;
pub mod sync;
