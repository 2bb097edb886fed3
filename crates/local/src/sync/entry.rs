//! Local changes as the outbox lists them: for the needs-attention list, diagnostics and
//! tests. The change itself is the wire's [`Mutation`], whatever kind of record it changes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sharehub_core::booking::BookingRefusal;
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{Alternative, Mutation, MutationOutcome};
use uuid::Uuid;

use super::record::RecordRef;

/// Names a local change for the UI; stays the same when the change is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OutboxEntryId(pub Uuid);

impl std::fmt::Display for OutboxEntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A local change the server refused or bumped, for the person to decide on.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedsAttention {
    pub entry: OutboxEntryId,
    pub record: RecordRef,
    /// The change as it was made (without `base_version`).
    pub change: Mutation,
    /// Why, in the server's words.
    pub reason: String,
    /// The fields the server found wrong, when it says.
    pub problems: Vec<FieldProblem>,
    /// For a bumped change: what the person can choose instead (the record as it is now
    /// on the server, to compare with; other times for a booking).
    pub alternatives: Vec<Alternative>,
    /// Bumped (someone else got there first) rather than refused.
    pub bumped: bool,
    /// For a booking change: which rule refused, for the app to word.
    pub code: Option<BookingRefusal>,
    pub made_at: DateTime<Utc>,
}

/// Where a local change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Pending,
    NeedsAttention,
    Applied,
}

impl EntryStatus {
    /// From the `outbox.status` column.
    pub(crate) fn from_column(status: &str) -> EntryStatus {
        match status {
            "pending" => EntryStatus::Pending,
            "applied" => EntryStatus::Applied,
            _ => EntryStatus::NeedsAttention,
        }
    }
}

/// One outbox entry, for diagnostics and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub entry: OutboxEntryId,
    pub idempotency_key: String,
    pub record: RecordRef,
    /// The change as it was made (without `base_version`, which is `base_version` here).
    pub change: Mutation,
    pub base_version: Option<u64>,
    pub status: EntryStatus,
    pub attempts: u32,
    pub outcome: Option<MutationOutcome>,
}
