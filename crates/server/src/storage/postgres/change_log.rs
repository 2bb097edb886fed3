//! The change log and mutation receipts in PostgreSQL, and the mutation batch: the shared
//! loop ([`crate::storage::mutations::apply_batch`]) inside one transaction holding the
//! change-log lock.

use async_trait::async_trait;
use chrono::Utc;
use deadpool_postgres::GenericClient;
use sharehub_core::wire::{AccountId, EntityKind, MutationOutcome};
use uuid::Uuid;

use super::{commit_and_publish, PgTx, PostgresStorage};
use crate::audience::Audience;
use crate::error::Result;
use crate::rules::Actor;
use crate::storage::change_log::{
    audience_json, parse_audience, parse_kind, reached_before, PreviousChange,
};
use crate::storage::mutations::{apply_batch, ReceiptTx};
use crate::storage::{
    millis, outcome_json, parse_outcome, BatchMutation, ChangeNotifier, ChangeRow, SyncStore,
    WriteResult,
};

/// Appends a change for a record of any kind, replacing its previous change; returns the
/// new `seq`. The caller holds the change-log lock. Whom the record reached before is
/// carried over (see [`reached_before`]).
pub(super) async fn append_change(
    tx: &impl GenericClient,
    entity: &str,
    entity_id: Uuid,
    owner_id: AccountId,
    audience: &Audience,
    body: Option<&str>,
) -> Result<u64> {
    let previous = tx
        .query_opt(
            "DELETE FROM change WHERE entity = $1 AND entity_id = $2
             RETURNING owner_id, audience, reached",
            &[&entity, &entity_id],
        )
        .await?
        .map(|row| -> Result<PreviousChange> {
            Ok(PreviousChange {
                owner_id: AccountId(row.try_get(0)?),
                audience: parse_audience(row.try_get(1)?)?,
                reached: parse_audience(row.try_get(2)?)?,
            })
        })
        .transpose()?;
    let reached = reached_before(previous);
    let seq: i64 = tx
        .query_one(
            "INSERT INTO change (entity, entity_id, owner_id, audience, reached, body)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
            &[
                &entity,
                &entity_id,
                &owner_id.0,
                &audience_json(audience)?,
                &audience_json(&reached)?,
                &body,
            ],
        )
        .await?
        .get(0);
    Ok(seq as u64)
}

async fn receipt_in(
    client: &impl GenericClient,
    account: AccountId,
    key: &str,
) -> Result<Option<MutationOutcome>> {
    let row = client
        .query_opt(
            "SELECT outcome FROM mutation_receipt WHERE account_id = $1 AND idempotency_key = $2",
            &[&account.0, &key],
        )
        .await?;
    row.map(|row| parse_outcome(row.get::<_, &str>(0)))
        .transpose()
}

async fn insert_receipt(
    client: &impl GenericClient,
    account: AccountId,
    key: &str,
    outcome: &MutationOutcome,
) -> Result<()> {
    client
        .execute(
            "INSERT INTO mutation_receipt (account_id, idempotency_key, outcome, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[
                &account.0,
                &key,
                &outcome_json(outcome)?,
                &millis(Utc::now()),
            ],
        )
        .await?;
    Ok(())
}

impl ReceiptTx for PgTx<'_> {
    async fn receipt(&mut self, account: AccountId, key: &str) -> Result<Option<MutationOutcome>> {
        receipt_in(self.tx, account, key).await
    }

    async fn put_receipt(
        &mut self,
        account: AccountId,
        key: &str,
        outcome: &MutationOutcome,
    ) -> Result<()> {
        insert_receipt(self.tx, account, key, outcome).await
    }
}

#[async_trait]
impl SyncStore for PostgresStorage {
    fn change_notifier(&self) -> &ChangeNotifier {
        &self.changes
    }

    async fn changes_since(
        &self,
        since: u64,
        limit: u32,
        kinds: &[EntityKind],
    ) -> Result<Vec<ChangeRow>> {
        let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, entity, entity_id, owner_id, audience, reached, body FROM change
                 WHERE seq > $1 AND entity = ANY($3) ORDER BY seq LIMIT $2",
                &[&(since as i64), &i64::from(limit), &kinds],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ChangeRow {
                    seq: row.try_get::<_, i64>(0)? as u64,
                    entity: parse_kind(row.try_get(1)?)?,
                    entity_id: row.try_get(2)?,
                    owner_id: AccountId(row.try_get(3)?),
                    audience: parse_audience(row.try_get(4)?)?,
                    reached_json: row.try_get(5)?,
                    body: row.try_get(6)?,
                })
            })
            .collect()
    }

    async fn organisations_of(&self, account: AccountId) -> Result<Vec<Uuid>> {
        self.client()
            .await?
            .query(
                "SELECT organisation_id FROM organisation_member WHERE account_id = $1",
                &[&account.0],
            )
            .await?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
    }

    async fn add_organisation_member(&self, organisation: Uuid, account: AccountId) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO organisation_member (organisation_id, account_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&organisation, &account.0],
            )
            .await?;
        Ok(())
    }

    async fn apply_mutations(
        &self,
        actor: Actor,
        batch: Vec<BatchMutation>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<WriteResult>> {
        // A batch whose transaction lost a deadlock (two batches locking resources in
        // opposite orders while one holds the change-log lock) is run again: nothing of it
        // was kept.
        let mut attempt = 1;
        loop {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let run = async {
                let mut pg = PgTx::new(&tx);
                let results = apply_batch(&mut pg, actor, batch.clone(), now).await?;
                Ok::<_, crate::Error>(results)
            }
            .await;
            match run {
                Ok(results) => {
                    commit_and_publish(tx, &self.changes).await?;
                    return Ok(results);
                }
                Err(error) if attempt < 5 && super::is_retryable(&error) => {
                    drop(tx);
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    #[cfg(feature = "test-support")]
    async fn append_change_for_tests(
        &self,
        entity: String,
        entity_id: Uuid,
        owner: AccountId,
        audience: Audience,
        body: Option<String>,
    ) -> Result<u64> {
        let mut client = self.client().await?;
        let tx = super::begin_change_log(&mut client).await?;
        let seq = append_change(&tx, &entity, entity_id, owner, &audience, body.as_deref()).await?;
        commit_and_publish(tx, &self.changes).await?;
        Ok(seq)
    }
}
