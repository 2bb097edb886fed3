//! The typed contract between the Leptos UI and the Tauri shell.
//!
//! Each command is a zero-sized type implementing [`Command`]: its name (the Tauri command,
//! `<noun>_<verb>`), its argument type and its output type. The UI calls `call::<C>(args)`;
//! the shell's handler takes `args: C::Args` and returns `Result<C::Output, IpcError>`.
//! Both sides compile against these types, so they cannot drift apart.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::text::Language;
use crate::{Resource, ResourceId, ResourceKind, ResourceSummary};

mod account;
mod booking;
mod command_table;
mod map;
mod near;
mod places;
pub use account::*;
pub use booking::*;
pub use map::*;
pub use near::*;
pub use places::*;

/// One IPC command. Implemented only by the table in `ipc/command_table.rs`, which declares
/// every command once (its name, contract type, arguments and answer).
pub trait Command {
    /// The Tauri command name.
    const NAME: &'static str;
    type Args: Serialize + DeserializeOwned;
    type Output: Serialize + DeserializeOwned;
}

macro_rules! implement_commands {
    ($($name:ident: $command:ident($args:ty) -> $output:ty,)*) => {
        $(impl Command for $command {
            const NAME: &'static str = stringify!($name);
            type Args = $args;
            type Output = $output;
        })*

        /// Every command's name, in the table's order.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}
crate::ipc_commands!(implement_commands);

/// Every error that crosses the IPC boundary. The UI turns each kind into a message in the
/// person's language; `detail` is for logs and support, not for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IpcError {
    #[error("not found: {what}")]
    NotFound { what: String },
    #[error("invalid {field}: {problem}")]
    Invalid { field: String, problem: String },
    #[error("conflict: {detail}")]
    Conflict { detail: String },
    #[error("the Share Hub server cannot be reached")]
    Offline,
    #[error("sign-in needed")]
    Unauthorized,
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

/// Filters for the resource list. Empty filters list everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceQuery {
    #[serde(default)]
    pub kind: Option<ResourceKind>,
    /// Matches names, neighborhoods, districts and addresses in Korean and English.
    #[serde(default)]
    pub text: Option<String>,
    /// Only resources in this gu (5-digit KOSTAT code) or 행정동 (7 digits); see
    /// [`AreaList`].
    #[serde(default)]
    pub area: Option<String>,
    /// Only resources open at this instant by their schedule (no schedule: always open).
    #[serde(default)]
    pub open_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub price: PriceChoice,
}

/// Free of charge, paid, or either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceChoice {
    #[default]
    Any,
    Free,
    Paid,
}

/// Longest accepted search text, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

impl ResourceQuery {
    pub fn check(&self) -> Result<(), IpcError> {
        near::check_text(self.text.as_deref())?;
        check_area_code(self.area.as_deref())
    }
}

pub struct ResourceList;

/// Most rows one [`ResourcePageGet`] returns.
pub const MAX_PAGE_ROWS: u32 = 10_000;

/// The first `limit` rows of the list for `query`, by name in `language`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourcePageArgs {
    pub query: ResourceQuery,
    pub language: Language,
    pub limit: u32,
}

impl ResourcePageArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        self.query.check()?;
        if !(1..=MAX_PAGE_ROWS).contains(&self.limit) {
            return Err(IpcError::Invalid {
                field: "limit".into(),
                problem: format!("must be between 1 and {MAX_PAGE_ROWS}"),
            });
        }
        Ok(())
    }
}

/// Rows of the list and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourcePage {
    pub rows: Vec<ResourceSummary>,
    pub total: u64,
}

/// The list a page at a time: a city holds more resources than one answer should carry.
pub struct ResourcePageGet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceGetArgs {
    pub id: ResourceId,
}

pub struct ResourceGet;

/// The person's app settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub language: Language,
    /// Map tiles (configurable: `SHAREHUB_TILE_URL`, `SHAREHUB_TILE_ATTRIBUTION`).
    #[serde(default)]
    pub map_tiles: TileSource,
    /// The device can tell where it is (a phone's location service), so "near me" is
    /// offered; desktops choose a point on the map or type a place.
    #[serde(default)]
    pub device_position: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoArgs {}

pub struct SettingsGet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsSetLanguageArgs {
    pub language: Language,
}

pub struct SettingsSetLanguage;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_tagged_by_kind() {
        let json = serde_json::to_value(IpcError::Invalid {
            field: "text".into(),
            problem: "too long".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid", "field": "text", "problem": "too long"})
        );
        let back: IpcError =
            serde_json::from_value(serde_json::json!({"kind": "offline"})).unwrap();
        assert_eq!(back, IpcError::Offline);
    }

    #[test]
    fn command_names_are_unique_noun_verb_and_match_their_types() {
        let mut names = COMMAND_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMAND_NAMES.len(), "a name is declared twice");
        for name in COMMAND_NAMES {
            assert!(
                name.contains('_') && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name} is not <noun>_<verb>"
            );
        }
        assert!(COMMAND_NAMES.contains(&ResourcePageGet::NAME));
        assert_eq!(SyncAttentionDiscard::NAME, "sync_attention_discard");
    }

    #[test]
    fn long_query_is_invalid() {
        let q = ResourceQuery {
            text: Some("가".repeat(101)),
            ..ResourceQuery::default()
        };
        assert!(matches!(q.check(), Err(IpcError::Invalid { .. })));
        assert!(ResourceQuery {
            text: Some("망원".into()),
            ..ResourceQuery::default()
        }
        .check()
        .is_ok());
    }

    #[test]
    fn area_filter_is_a_gu_or_dong_code_and_optional_in_json() {
        let old: ResourceQuery = serde_json::from_value(serde_json::json!({"kind": null})).unwrap();
        assert_eq!(old, ResourceQuery::default());
        let dong = ResourceQuery {
            area: Some("1114069".into()),
            ..ResourceQuery::default()
        };
        assert!(dong.check().is_ok());
        let bad = ResourceQuery {
            area: Some("mapo".into()),
            ..ResourceQuery::default()
        };
        assert!(matches!(bad.check(), Err(IpcError::Invalid { field, .. }) if field == "area"));
    }
}
