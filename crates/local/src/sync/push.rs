//! Sending the outbox: the next batch of named mutations (`Mutation::name` /
//! `Mutation::args_json`, on top of the version each was made on) and recording the
//! server's answers, each settled as [`plan::settle`] decides and learnt as the record's
//! kind says.

use std::collections::HashSet;

use rusqlite::params;
use sharehub_core::wire::sync::MAX_BATCH_MUTATIONS;
use sharehub_core::wire::{Mutation, MutationOutcome, MutationRequest, MutationResult};

use super::kinds;
use super::outbox::{now_ms, read_mutation, read_record};
use super::plan::{self, Queued, Settle};
use super::record::RecordRef;
use super::record_kind::Known;
use super::replica::{to_json, SyncStore, Tx};
use crate::error::Result;

/// A pending entry on its way to the server.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outgoing {
    pub seq: i64,
    pub key: String,
    pub record: RecordRef,
    /// The change as made (without `base_version`).
    pub change: Mutation,
    pub request: MutationRequest,
}

/// What recording a batch's answers did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Settled {
    pub applied: u64,
    pub needs_attention: u64,
    pub still_pending: u64,
}

/// Applied entries kept for diagnostics.
const APPLIED_KEPT: i64 = 200;

impl SyncStore {
    /// The next batch to send (see [`plan::next_batch`]), counting the attempt; entries in
    /// `exclude` (sent already in this sync) wait for the next sync.
    pub(crate) fn next_batch(
        &mut self,
        max: usize,
        exclude: &HashSet<i64>,
    ) -> Result<Vec<Outgoing>> {
        self.write(|tx| {
            let queued: Vec<Queued> = tx
                .prepare_cached(
                    "SELECT seq, entity, record_id FROM outbox WHERE status = 'pending'
                     ORDER BY seq",
                )?
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .map(|row| {
                    let (seq, entity, record) = row?;
                    Ok(Queued {
                        seq,
                        record: read_record(&entity, &record)?,
                    })
                })
                .collect::<Result<_>>()?;
            // An excluded entry still holds back later changes of its record.
            let mut batch = Vec::new();
            let chosen = plan::next_batch(&queued, max.saturating_add(exclude.len()));
            for seq in chosen
                .into_iter()
                .filter(|seq| !exclude.contains(seq))
                .take(max)
            {
                let (key, name, args, base): (String, String, String, Option<i64>) = tx
                    .prepare_cached(
                        "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1
                         RETURNING idempotency_key, name, args, base_version",
                    )?
                    .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                let change = read_mutation(&key, &name, &args)?;
                let sent =
                    kinds::of_mutation(&change).on_base(change.clone(), base.map(|b| b as u64))?;
                batch.push(Outgoing {
                    seq,
                    key: key.clone(),
                    record: kinds::record_of(&change)?,
                    change,
                    request: MutationRequest {
                        idempotency_key: key,
                        name: sent.name().to_owned(),
                        args: sent.args_json(),
                    },
                });
            }
            Ok(batch)
        })
    }

    /// Records the server's answers to a sent batch, in one transaction. An entry whose
    /// key changed meanwhile (retried) or that is gone (signed out) is left alone.
    pub(crate) fn settle(
        &mut self,
        sent: &[Outgoing],
        answers: &[MutationResult],
    ) -> Result<Settled> {
        self.write(|tx| {
            let me = tx.account()?;
            let keys: Vec<&str> = sent.iter().map(|o| o.key.as_str()).collect();
            let decisions = plan::settle(&keys, answers);
            let mut settled = Settled::default();
            for (outgoing, decision) in sent.iter().zip(decisions) {
                if !still_pending(tx, outgoing)? {
                    continue;
                }
                let kind = kinds::of_entity(outgoing.record.entity);
                let record = outgoing.record;
                match decision {
                    Settle::Confirm { version } => {
                        let known = Known {
                            copy: tx.copy(record)?,
                            shown: kind.shown(tx, record.id)?,
                        };
                        let copy = kind.applied(&outgoing.change, version, me, &known)?;
                        tx.learn(record, &copy)?;
                        tx.prepare_cached(
                            "UPDATE outbox SET status = 'applied', outcome = ?2, updated_at = ?3
                             WHERE seq = ?1",
                        )?
                        .execute(params![
                            outgoing.seq,
                            to_json(&MutationOutcome::Applied { version })?,
                            now_ms()
                        ])?;
                        // Later changes of the record were made on top of this one.
                        tx.prepare_cached(
                            "UPDATE outbox SET base_version = ?4
                             WHERE entity = ?1 AND record_id = ?2 AND seq > ?3
                                 AND status = 'pending'",
                        )?
                        .execute(params![
                            record.entity.as_str(),
                            record.id.to_string(),
                            outgoing.seq,
                            version as i64
                        ])?;
                        settled.applied += 1;
                    }
                    Settle::NeedsAttention { outcome } => {
                        if let MutationOutcome::Bumped { alternatives, .. } = &outcome {
                            if let Some(copy) = kind.current(&outgoing.change, alternatives)? {
                                tx.learn(record, &copy)?;
                            }
                        }
                        mark_needs_attention(tx, outgoing.seq, &outcome)?;
                        settled.needs_attention += 1;
                    }
                    Settle::StayPending => {
                        settled.still_pending += 1;
                        continue;
                    }
                }
                tx.refresh_shown(record)?;
            }
            tx.execute(
                "DELETE FROM outbox WHERE status = 'applied' AND seq NOT IN
                     (SELECT seq FROM outbox WHERE status = 'applied' ORDER BY seq DESC LIMIT ?1)",
                [APPLIED_KEPT],
            )?;
            Ok(settled)
        })
    }

    /// One push with `server` standing in for the network: sends the next batch (as
    /// [`SyncEngine::run_once`](super::SyncEngine::run_once) does) and records its answers.
    /// Returns how many changes were sent. For tests of the outbox on real database files.
    #[doc(hidden)]
    pub fn push_with(
        &mut self,
        server: impl FnOnce(&[MutationRequest]) -> Vec<MutationResult>,
    ) -> Result<usize> {
        let batch = self.next_batch(MAX_BATCH_MUTATIONS, &HashSet::new())?;
        let requests: Vec<MutationRequest> = batch.iter().map(|o| o.request.clone()).collect();
        let answers = server(&requests);
        self.settle(&batch, &answers)?;
        Ok(batch.len())
    }

    /// The server refused a batch holding only this entry as a whole (not one of its
    /// mutations): the person must see it, as if the mutation had been rejected.
    pub(crate) fn refuse(&mut self, outgoing: &Outgoing, reason: String) -> Result<()> {
        self.write(|tx| {
            if still_pending(tx, outgoing)? {
                let outcome = MutationOutcome::Rejected {
                    reason,
                    problems: Vec::new(),
                    code: None,
                };
                mark_needs_attention(tx, outgoing.seq, &outcome)?;
                tx.refresh_shown(outgoing.record)?;
            }
            Ok(())
        })
    }
}

/// Whether the sent entry is still pending with the key it was sent with.
fn still_pending(tx: &Tx<'_>, outgoing: &Outgoing) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT count(*) FROM outbox
             WHERE seq = ?1 AND idempotency_key = ?2 AND status = 'pending'",
        )?
        .query_row(params![outgoing.seq, outgoing.key], |r| r.get(0))?)
}

fn mark_needs_attention(tx: &Tx<'_>, seq: i64, outcome: &MutationOutcome) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'needs_attention', outcome = ?2, updated_at = ?3
         WHERE seq = ?1",
    )?
    .execute(params![seq, to_json(outcome)?, now_ms()])?;
    Ok(())
}
