//! What sync knows of any kind of record: which record a change is about ([`RecordRef`])
//! and the server's copy of it ([`ServerCopy`]). What each kind's module tells the outbox,
//! the pull and the needs-attention list is `sync/record_kind.rs`.

use serde::{Deserialize, Serialize};
use sharehub_core::wire::{AccountId, EntityKind, Mutation};
use uuid::Uuid;

use crate::error::{Error, Result};

/// One record of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub entity: EntityKind,
    pub id: Uuid,
}

/// The server's version of one record as the device knows it: what the shown row goes back
/// to when the server refuses a local change.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerCopy {
    /// The server's version; `None`: none the device knows (a record made on this device).
    pub version: Option<u64>,
    /// The record's owner. In a copy learnt from an answer, `None` means "unchanged from
    /// what the device knew".
    pub owner: Option<AccountId>,
    /// The record (JSON of the kind's type); `None`: the server has no record this person
    /// may see (not yet created, retired, or no longer visible).
    pub body: Option<serde_json::Value>,
}

impl ServerCopy {
    /// "The server has nothing" at `version`.
    pub fn gone(version: Option<u64>) -> ServerCopy {
        ServerCopy {
            version,
            owner: None,
            body: None,
        }
    }
}

/// A record as JSON, for a server copy.
pub(crate) fn to_value<T: Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::Invalid {
        field: "json".into(),
        problem: e.to_string(),
    })
}

/// A server copy's body back as the kind's type.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(
    record: RecordRef,
    body: &serde_json::Value,
) -> Result<T> {
    T::deserialize(body).map_err(|e| Error::CorruptRow {
        id: record.id.to_string(),
        detail: e.to_string(),
    })
}

/// The error for a mutation handed to another kind's module (the registry in
/// `sync/kinds.rs` never does that).
pub(crate) fn not_of_kind(entity: EntityKind, mutation: &Mutation) -> Error {
    Error::Invalid {
        field: "mutation".into(),
        problem: format!("{} is not a {} mutation", mutation.name(), entity.as_str()),
    }
}
