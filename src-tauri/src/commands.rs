//! Tauri commands, one file per noun. Each is named as in core's command table
//! (`sharehub_core::ipc_commands!`) and registered from it as `commands::<name>`.

mod account;
mod booking;
mod map;
mod place;
mod position;
mod resource;
mod settings;
mod station;
mod sync;

pub use account::*;
pub use booking::*;
pub use map::*;
pub use place::*;
pub use position::*;
pub use resource::*;
pub use settings::*;
pub use station::*;
pub use sync::*;
