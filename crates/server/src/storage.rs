//! The storage interface and its two backends: a SQLite file (the default) and PostgreSQL.
//!
//! Both backends keep the same tables: accounts, sessions, resources (the record as JSON
//! plus the columns queries need), the change log that sync reads (one row per record: its
//! newest change, with a `seq` that only grows) and mutation receipts (idempotency).
//! Writes of the change log are serialized (SQLite: one writer, `BEGIN IMMEDIATE`;
//! PostgreSQL: a transaction-scoped advisory lock) so `seq` order is commit order and a
//! reader can never skip a change that commits later with a smaller `seq`.
//!
//! Public-bike stations (see [`crate::feeds`]) are ordinary resources written by
//! [`Storage::ingest_stations`], which appends to the change log only for stations whose
//! record changed, and a tombstone for each station its feed no longer lists; their live
//! counts go to a table of their own (`station_status`, which also records which feed
//! owns each station) that is rewritten on every refresh and never touches the change log.
//!
//! After a transaction that appended to the change log commits, the backend publishes the
//! newest `seq` on a [`ChangeNotifier`] (`GET /v1/sync/events` listens to it).

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{AccountId, MutationOutcome, Role, SessionId, StationLiveStatus};
use sharehub_core::{Resource, ResourceId, ResourceKind};

use crate::error::Result;
use crate::feeds::retire::{retirement, RetireHold, Retirement};
use crate::rules::{Actor, Refusal, ResourceCommand, StoredResource};

pub mod postgres;
pub mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub id: AccountId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// A session as stored: only the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub id: SessionId,
    pub account_id: AccountId,
    pub token_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Filters of the public listing, already checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceFilter {
    pub kind: Option<ResourceKind>,
    /// `(west, south, east, north)`.
    pub bbox: Option<(f64, f64, f64, f64)>,
    /// A `LIKE` pattern over the lower-cased search text (see [`like_pattern`]).
    pub text_pattern: Option<String>,
    pub after: Option<ResourceId>,
    pub limit: u32,
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub seq: u64,
    pub entity: String,
    pub entity_id: uuid::Uuid,
    pub owner_id: AccountId,
    /// Seen only by its owner, coordinators and confirmed bookers.
    pub restricted: bool,
    /// The JSON of the record; `None` for a tombstone.
    pub body: Option<String>,
}

/// A resource write, with the idempotency key when it came through sync.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceWrite {
    pub actor: Actor,
    pub command: ResourceCommand,
    pub idempotency_key: Option<String>,
}

/// One mutation of a batch: its key, and its command or why it could not be parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchMutation {
    pub idempotency_key: String,
    pub command: std::result::Result<ResourceCommand, String>,
}

/// The answer to a mutation that could not be parsed.
pub(crate) fn unparsable(reason: &str) -> MutationOutcome {
    MutationOutcome::Rejected {
        reason: reason.to_owned(),
        problems: Vec::new(),
    }
}

/// What a resource write did.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteResult {
    Applied {
        version: u64,
    },
    Refused(Refusal),
    Bumped {
        current: Box<StoredResource>,
    },
    /// The idempotency key was seen before: this is the first answer, nothing changed.
    Repeated(MutationOutcome),
}

impl WriteResult {
    /// The sync answer for this result.
    pub fn to_outcome(&self, viewer: Actor) -> MutationOutcome {
        match self {
            WriteResult::Applied { version } => MutationOutcome::Applied { version: *version },
            WriteResult::Refused(refusal) => MutationOutcome::Rejected {
                reason: refusal.reason.clone(),
                problems: refusal.problems.clone(),
            },
            WriteResult::Bumped { current } => MutationOutcome::Bumped {
                reason: format!(
                    "the resource was changed by someone else (now version {}); review the current version and apply your edit again",
                    current.version
                ),
                alternatives: vec![sharehub_core::wire::Alternative::CurrentResource {
                    record: crate::visibility::view_for(viewer, current),
                }],
            },
            WriteResult::Repeated(outcome) => outcome.clone(),
        }
    }
}

/// The live counts of one station in one refresh (what `station_status` holds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCounts {
    pub bikes_available: Option<u32>,
    pub docks_available: Option<u32>,
    pub is_renting: Option<bool>,
    pub is_returning: Option<bool>,
    pub last_reported: Option<DateTime<Utc>>,
}

/// One station of a refresh: its resource as the feed describes it now, and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct StationRecord {
    pub resource: Resource,
    /// The publisher's id (`ST-4`).
    pub station_id: String,
    pub live: LiveCounts,
}

/// Everything one refresh of one feed stores, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct StationBatch {
    /// The feed's stable key (also part of every station's resource id).
    pub source: String,
    /// The system account that owns feed stations.
    pub owner_id: AccountId,
    pub stations: Vec<StationRecord>,
    /// When the feed says it produced the data.
    pub feed_last_updated: Option<DateTime<Utc>>,
    /// When the refresh read the feed. The stored value is made strictly newer than every
    /// `fetched_at` already stored, so `since_fetched` cursors never skip a refresh.
    pub fetched_at: DateTime<Utc>,
    /// Every publisher station id the feed lists, including those not in `stations`
    /// (no coordinates, skipped, not a valid resource): stations stored for this feed
    /// that are not here are retired (see [`crate::feeds::retire`]).
    pub listed_station_ids: HashSet<String>,
    /// The shrink guard: retire nothing when the feed lists fewer than this percentage of
    /// the stations stored for it.
    pub retire_min_listed_percent: u8,
}

/// What [`Storage::ingest_stations`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationBatchResult {
    /// Stations new to this server (one change each).
    pub created: usize,
    /// Stations whose record changed (name, place, capacity, …; one change each).
    pub updated: usize,
    /// Stations whose record is as stored: only their counts were rewritten.
    pub unchanged: usize,
    /// Stations stored for this feed that it no longer lists: retired (one tombstone each)
    /// and their counts removed.
    pub retired: usize,
    /// Why nothing was retired although the feed may have dropped stations (the guard).
    pub retire_hold: Option<RetireHold>,
    /// The `fetched_at` stored for this refresh.
    pub fetched_at: DateTime<Utc>,
}

/// What a station write does to its resource, decided by comparing the stored record
/// (whether it is retired, and its JSON) with the one the feed describes now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StationChange {
    Create,
    Update,
    Unchanged,
}

/// The stations a refresh retires (see [`crate::feeds::retire`]), from what the backend
/// stores for the feed: `(publisher station id, resource id)` pairs.
pub(crate) fn stations_to_retire<'a, T>(
    known: &'a [(String, T)],
    batch: &StationBatch,
) -> std::result::Result<Vec<&'a T>, RetireHold> {
    match retirement(
        known.iter().map(|(station_id, _)| station_id.as_str()),
        &batch.listed_station_ids,
        batch.retire_min_listed_percent,
    ) {
        Retirement::Hold(hold) => Err(hold),
        Retirement::Retire(gone) => {
            let gone: HashSet<String> = gone.into_iter().collect();
            Ok(known
                .iter()
                .filter(|(station_id, _)| gone.contains(station_id))
                .map(|(_, resource_id)| resource_id)
                .collect())
        }
    }
}

pub(crate) fn station_change(stored: Option<(bool, &str)>, new_body: &str) -> StationChange {
    match stored {
        None => StationChange::Create,
        Some((false, body)) if body == new_body => StationChange::Unchanged,
        Some(_) => StationChange::Update,
    }
}

/// A value of the [`ChangeNotifier`]: the newest committed change-log `seq`, and when it
/// was published (right after its commit; benches measure event latency from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub seq: u64,
    pub at: std::time::Instant,
}

/// The newest committed change-log `seq`, for live listeners. Backends publish after the
/// commit is durable; listeners see only the newest value (a slow listener skips values,
/// never misses that something changed).
#[derive(Debug, Clone)]
pub struct ChangeNotifier(Arc<tokio::sync::watch::Sender<Published>>);

impl ChangeNotifier {
    pub fn new(newest_seq: u64) -> ChangeNotifier {
        ChangeNotifier(Arc::new(tokio::sync::watch::Sender::new(Published {
            seq: newest_seq,
            at: std::time::Instant::now(),
        })))
    }

    /// Records that the change log now reaches `seq` (never moves backwards).
    pub fn publish(&self, seq: u64) {
        self.0.send_if_modified(|newest| {
            if seq > newest.seq {
                *newest = Published {
                    seq,
                    at: std::time::Instant::now(),
                };
                true
            } else {
                false
            }
        });
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Published> {
        self.0.subscribe()
    }

    pub fn newest(&self) -> Published {
        *self.0.borrow()
    }
}

/// The storage interface. Every method is safe to call from async code: backends run
/// blocking work off the async runtime.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;
    /// A cheap round trip to the database.
    async fn ping(&self) -> Result<()>;

    /// Stores a new account; `Error::Conflict` when its e-mail or phone is taken.
    async fn create_account(&self, account: &StoredAccount) -> Result<()>;
    /// The account registered with this (normalized) e-mail address or phone number.
    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>>;
    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>>;
    /// Changes an account's role; false when there is no such account.
    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool>;

    async fn create_session(&self, session: &StoredSession) -> Result<()>;
    /// The live (not expired, not revoked) session with this token hash, and its account.
    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>>;
    /// The account's live sessions, newest first.
    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>>;
    /// Revokes one of the account's sessions; false when the account has no such live session.
    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool>;

    async fn resource(&self, id: ResourceId) -> Result<Option<StoredResource>>;
    /// Live (not retired) resources matching the filter, ordered by id.
    async fn list_resources(&self, filter: &ResourceFilter) -> Result<Vec<StoredResource>>;
    /// Runs [`crate::rules::decide`] on the current record inside one write transaction and
    /// applies the decision, with the change log entry and, when a key is given, the receipt.
    async fn write_resource(&self, write: ResourceWrite) -> Result<WriteResult>;
    /// Inserts resources that do not exist yet (demo data), owned by `owner`; returns how
    /// many were added.
    async fn seed_resources(&self, owner: AccountId, resources: &[Resource]) -> Result<usize>;

    /// Stores one refresh of a station feed in one write transaction: creates or updates
    /// the station resources whose record changed (one change-log entry each; unchanged
    /// ones get none; a retired one is revived), rewrites every station's live counts, and
    /// retires the feed's stored stations it no longer lists (a tombstone each, their
    /// counts removed) unless [`crate::feeds::retire::retirement`] holds back.
    async fn ingest_stations(&self, batch: StationBatch) -> Result<StationBatchResult>;
    /// Live counts of stations refreshed after `since_fetched` (all when `None`), of live
    /// resources only, ordered by resource id; and the newest `fetched_at` stored.
    async fn station_statuses(
        &self,
        since_fetched: Option<DateTime<Utc>>,
    ) -> Result<(Vec<StationLiveStatus>, Option<DateTime<Utc>>)>;

    /// The newest committed change-log `seq`, published after each commit that grew it.
    fn change_notifier(&self) -> &ChangeNotifier;

    /// Change log rows with `seq > since`, in `seq` order, at most `limit`.
    async fn changes_since(&self, since: u64, limit: u32) -> Result<Vec<ChangeRow>>;

    /// Applies a batch of mutations in one transaction, each on its own terms: a refused or
    /// unparsable mutation changes nothing but its receipt, and does not stop the others.
    /// A repeated key gets its first answer. Answers come in the batch's order. On a
    /// database error nothing of the batch is kept, so resending it is safe.
    async fn apply_mutations(
        &self,
        actor: Actor,
        batch: Vec<BatchMutation>,
    ) -> Result<Vec<MutationOutcome>>;
}

/// The text a resource is found by: names and places in Korean and English, lower-cased.
pub fn search_text(resource: &Resource) -> String {
    [
        &resource.name,
        &resource.neighborhood,
        &resource.district,
        &resource.address,
    ]
    .iter()
    .flat_map(|text| [text.ko.as_str(), text.en.as_str()])
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

/// `%text%` for `LIKE … ESCAPE '\'`, lower-cased, with `%`, `_` and `\` matched literally.
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
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

pub(crate) fn resource_json(resource: &Resource) -> Result<String> {
    serde_json::to_string(resource).map_err(crate::Error::internal)
}

pub(crate) fn parse_resource(body: &str) -> Result<Resource> {
    serde_json::from_str(body).map_err(crate::Error::corrupt)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards_and_folds_case() {
        assert_eq!(like_pattern("Mang"), "%mang%");
        assert_eq!(like_pattern("100%_\\"), "%100\\%\\_\\\\%");
        assert_eq!(like_pattern("망원"), "%망원%");
    }
}
