//! The storage interface and its two backends: a SQLite file (the default) and PostgreSQL.
//!
//! Both backends keep the same tables: accounts, sessions, resources (the record as JSON
//! plus the columns queries need), the change log that sync reads (one row per record: its
//! newest change, with a `seq` that only grows) and mutation receipts (idempotency).
//! Writes of the change log are serialized (SQLite: one writer, `BEGIN IMMEDIATE`;
//! PostgreSQL: a transaction-scoped advisory lock) so `seq` order is commit order and a
//! reader can never skip a change that commits later with a smaller `seq`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{AccountId, MutationOutcome, Role, SessionId};
use sharehub_core::{Resource, ResourceId, ResourceKind};

use crate::error::Result;
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
