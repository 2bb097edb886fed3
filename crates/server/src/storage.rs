//! The storage interface and its two backends: a SQLite file (the default) and PostgreSQL.
//!
//! The interface is one trait per noun ([`AccountStore`], [`SessionStore`],
//! [`ResourceStore`], [`StationStore`], [`SyncStore`]) gathered in [`Storage`]; each backend
//! implements each in a file of the same name (`sqlite/accounts.rs`, `postgres/accounts.rs`,
//! …). Both keep the same tables: accounts, sessions, resources (the record as JSON plus the
//! columns queries need), the change log that sync reads (one row per record of every kind:
//! its newest change, its audience and whom it reached before, with a `seq` that only
//! grows) and mutation receipts (idempotency).
//!
//! Writes of the change log are serialized (SQLite: one writer, `BEGIN IMMEDIATE`;
//! PostgreSQL: a transaction-scoped advisory lock) so `seq` order is commit order and a
//! reader can never skip a change that commits later with a smaller `seq`. After a
//! transaction that appended to the change log commits, the backend publishes the newest
//! `seq` on a [`ChangeNotifier`] (`GET /v1/sync/events` listens to it).
//!
//! Mutations (sync batches and the REST writes alike) run through one loop,
//! [`mutations::apply_batch`]: receipt → the pure rule ([`crate::rules`]) → write → receipt.
//! It is written once, over the small transaction traits each backend implements
//! ([`mutations::ReceiptTx`], [`resources::ResourceTx`], …). A new kind of record adds its
//! noun file here and in each backend, its transaction trait, and one arm per mutation.
//!
//! Public-bike stations (see [`crate::feeds`]) are ordinary resources written by
//! [`StationStore::ingest_stations`], which appends to the change log only for stations
//! whose record changed, and a tombstone for each station its feed no longer lists; their
//! live counts go to a table of their own (`station_status`, which also records which feed
//! owns each station) that is rewritten on every refresh and never touches the change log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{MutationOutcome, Role};

use crate::error::Result;

pub mod accounts;
pub mod change_log;
pub mod mutations;
pub mod postgres;
pub mod reservations;
pub mod resources;
pub mod sessions;
pub mod sqlite;
pub mod stations;

pub use accounts::{AccountStore, StoredAccount};
pub use change_log::{ChangeNotifier, ChangeRow, Published, SyncStore};
pub use mutations::{BatchMutation, WriteResult};
pub use postgres::PostgresStorage;
pub use reservations::{BookedReservation, ReservationStore};
pub use resources::{like_pattern, search_text, ResourceFilter, ResourceStore};
pub use sessions::{SessionStore, StoredSession};
pub use sqlite::SqliteStorage;
pub use stations::StationStore;

/// The whole storage interface. Every method is safe to call from async code: backends run
/// blocking work off the async runtime.
#[async_trait]
pub trait Storage:
    AccountStore
    + SessionStore
    + ResourceStore
    + ReservationStore
    + StationStore
    + SyncStore
    + Send
    + Sync
    + 'static
{
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;
    /// A cheap round trip to the database.
    async fn ping(&self) -> Result<()>;
}

pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| crate::Error::corrupt(format!("timestamp {ms} ms is out of range")))
}

pub(crate) fn from_millis_opt(ms: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    ms.map(from_millis).transpose()
}

pub(crate) fn outcome_json(outcome: &MutationOutcome) -> Result<String> {
    serde_json::to_string(outcome).map_err(crate::Error::internal)
}

pub(crate) fn parse_outcome(body: &str) -> Result<MutationOutcome> {
    serde_json::from_str(body).map_err(crate::Error::corrupt)
}

pub(crate) fn parse_role(name: &str) -> Result<Role> {
    Role::parse(name).ok_or_else(|| crate::Error::corrupt(format!("unknown role {name:?}")))
}
