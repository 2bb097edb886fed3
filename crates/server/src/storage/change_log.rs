//! The change log sync reads: one row per record of every kind (its newest change), with
//! the record's audience and whom it reached before ([`crate::audience`]), and the
//! [`ChangeNotifier`] that tells live listeners how far it reaches.

use std::sync::Arc;

use async_trait::async_trait;
use sharehub_core::wire::{AccountId, EntityKind};
use uuid::Uuid;

use super::mutations::{BatchMutation, WriteResult};
use crate::audience::Audience;
use crate::error::{Error, Result};
use crate::rules::Actor;

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub seq: u64,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    pub owner_id: AccountId,
    /// Who may receive the record now.
    pub audience: Audience,
    /// Who the record reached before this change (see [`Audience::reached_after`]), as
    /// stored: read it with [`ChangeRow::reached`], only when the audience is not enough.
    pub reached_json: String,
    /// The JSON of the record; `None` for a tombstone.
    pub body: Option<String>,
}

impl ChangeRow {
    pub fn reached(&self) -> Result<Audience> {
        parse_audience(&self.reached_json)
    }
}

/// What a backend knows of a record's previous change when it appends a new one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreviousChange {
    pub owner_id: AccountId,
    pub audience: Audience,
    pub reached: Audience,
}

/// Whom a record reached before the change being appended.
pub(crate) fn reached_before(previous: Option<PreviousChange>) -> Audience {
    previous.map_or_else(Audience::default, |previous| {
        Audience::reached_after(previous.reached, previous.audience, previous.owner_id)
    })
}

/// `{"public":true}`: the audience of most rows, read without parsing.
const PUBLIC_JSON: &str = r#"{"public":true}"#;

pub(crate) fn audience_json(audience: &Audience) -> Result<String> {
    if *audience == Audience::public() {
        return Ok(PUBLIC_JSON.to_owned());
    }
    serde_json::to_string(audience).map_err(Error::internal)
}

pub(crate) fn parse_audience(json: &str) -> Result<Audience> {
    if json == PUBLIC_JSON {
        return Ok(Audience::public());
    }
    serde_json::from_str(json).map_err(Error::corrupt)
}

pub(crate) fn parse_kind(name: &str) -> Result<EntityKind> {
    EntityKind::parse(name)
        .ok_or_else(|| Error::corrupt(format!("the change log names an unknown kind {name:?}")))
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

#[async_trait]
pub trait SyncStore {
    /// The newest committed change-log `seq`, published after each commit that grew it.
    fn change_notifier(&self) -> &ChangeNotifier;

    /// Change log rows of these kinds with `seq > since`, in `seq` order, at most `limit`.
    async fn changes_since(
        &self,
        since: u64,
        limit: u32,
        kinds: &[EntityKind],
    ) -> Result<Vec<ChangeRow>>;

    /// The organisations this account is a member of (for audiences).
    async fn organisations_of(&self, account: AccountId) -> Result<Vec<Uuid>>;

    /// Makes an account a member of an organisation (idempotent).
    async fn add_organisation_member(&self, organisation: Uuid, account: AccountId) -> Result<()>;

    /// Applies a batch of mutations in one transaction, each on its own terms (see
    /// [`super::mutations::apply_batch`]): a refused or unparsable mutation changes nothing
    /// but its receipt, and does not stop the others. A repeated key gets its first answer.
    /// Answers come in the batch's order. On a database error nothing of the batch is kept,
    /// so resending it is safe.
    /// `now` is the server clock's time, which rules about time (notice, deadlines,
    /// check-in windows, no-shows) use.
    async fn apply_mutations(
        &self,
        actor: Actor,
        batch: Vec<BatchMutation>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<WriteResult>>;

    /// Test support (feature `test-support`): appends a change of any kind name with any
    /// audience, as that kind's writer would, so tests can hold kinds and audiences no
    /// writer of this build makes yet.
    #[cfg(feature = "test-support")]
    async fn append_change_for_tests(
        &self,
        entity: String,
        entity_id: Uuid,
        owner: AccountId,
        audience: Audience,
        body: Option<String>,
    ) -> Result<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_audience_is_stored_in_its_short_form_and_others_round_trip() {
        assert_eq!(audience_json(&Audience::public()).unwrap(), PUBLIC_JSON);
        assert_eq!(
            serde_json::to_string(&Audience::public()).unwrap(),
            PUBLIC_JSON
        );
        let people = Audience::people([AccountId(Uuid::from_u128(7))]).and(Audience::staff());
        assert_eq!(
            parse_audience(&audience_json(&people).unwrap()).unwrap(),
            people
        );
        assert!(parse_audience("[").is_err());
    }

    #[test]
    fn a_record_reaches_its_earlier_audiences_and_owners() {
        let owner = AccountId(Uuid::from_u128(1));
        assert_eq!(reached_before(None), Audience::default());
        let reached = reached_before(Some(PreviousChange {
            owner_id: owner,
            audience: Audience::public(),
            reached: Audience::staff(),
        }));
        assert!(reached.public && reached.staff && reached.accounts.contains(&owner));
    }
}
