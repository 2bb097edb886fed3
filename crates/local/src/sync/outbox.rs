//! The outbox: local changes recorded with an idempotency key, shown at once (optimistically)
//! and kept until the server answers; the "needs attention" list and what the person can do
//! with it (retry, edit and retry, discard).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::{
    Alternative, Mutation, MutationOutcome, MutationRequest, MutationResult, ResourceView,
};
use sharehub_core::{Resource, ResourceId};
use uuid::Uuid;

use super::plan::{self, Queued, ResourceChange, ServerCopy, Settle};
use super::replica::{from_json, parse_id, to_json, Copy, SyncStore, Tx};
use crate::error::{Error, Result};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedsAttention {
    pub entry: OutboxEntryId,
    pub change: ResourceChange,
    /// Why, in the server's words.
    pub reason: String,
    /// The fields the server found wrong, when it says.
    pub problems: Vec<FieldProblem>,
    /// For a bumped change: the record as it is now on the server, to compare with.
    pub current: Option<ResourceView>,
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

/// One outbox entry, for diagnostics and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub entry: OutboxEntryId,
    pub idempotency_key: String,
    pub change: ResourceChange,
    pub base_version: Option<u64>,
    pub status: EntryStatus,
    pub attempts: u32,
    pub outcome: Option<MutationOutcome>,
}

/// A pending entry on its way to the server.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outgoing {
    pub seq: i64,
    pub key: String,
    pub change: ResourceChange,
    pub request: MutationRequest,
}

/// What recording a batch's answers did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Settled {
    pub applied: u64,
    pub needs_attention: u64,
    pub still_pending: u64,
}

const APPLIED_KEPT: i64 = 200;

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn name_of(change: &ResourceChange) -> &'static str {
    match change {
        ResourceChange::Create { .. } => "resource.create",
        ResourceChange::Update { .. } => "resource.update",
        ResourceChange::Retire { .. } => "resource.retire",
    }
}

fn args_of(change: &ResourceChange) -> serde_json::Value {
    match change {
        ResourceChange::Create { resource } | ResourceChange::Update { resource } => {
            serde_json::json!({ "resource": resource })
        }
        ResourceChange::Retire { id } => serde_json::json!({ "id": id }),
    }
}

/// Reads a stored change back (its name and args as sent, without `base_version`).
pub(crate) fn change_from(entry: &str, name: &str, args: &str) -> Result<ResourceChange> {
    let args: serde_json::Value = from_json(entry, args)?;
    let corrupt = |detail: String| Error::CorruptRow {
        id: entry.to_owned(),
        detail,
    };
    Ok(match Mutation::parse(name, &args).map_err(corrupt)? {
        Mutation::ResourceCreate(a) => ResourceChange::Create {
            resource: a.resource,
        },
        Mutation::ResourceUpdate(a) => ResourceChange::Update {
            resource: a.resource,
        },
        Mutation::ResourceRetire(a) => ResourceChange::Retire { id: a.id },
    })
}

fn status_from(status: &str) -> EntryStatus {
    match status {
        "pending" => EntryStatus::Pending,
        "applied" => EntryStatus::Applied,
        _ => EntryStatus::NeedsAttention,
    }
}

fn invalid(problem: FieldProblem) -> Error {
    Error::Invalid {
        field: problem.field,
        problem: problem.problem,
    }
}

impl Tx<'_> {
    /// The version a new change of `id` is made on: the base of the newest pending change
    /// of the record (it builds on that one), else the version the device shows.
    fn base_for(&self, id: ResourceId) -> Result<Option<u64>> {
        if let Some((_, base)) = self.last_pending(id)? {
            return Ok(base);
        }
        Ok(self.shown(id)?.and_then(|(version, _)| version))
    }

    /// Adds a pending entry (at the end of the queue) and shows its effect.
    fn enqueue(&self, entry: OutboxEntryId, change: &ResourceChange) -> Result<()> {
        let id = change.record();
        let account = self.account()?;
        let base = self.base_for(id)?;
        self.ensure_copy(id)?;
        let now = now_ms();
        self.prepare_cached(
            "INSERT INTO outbox (entry_id, idempotency_key, account_id, name, record_id, args,
                 base_version, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?8)",
        )?
        .execute(params![
            entry.to_string(),
            Uuid::now_v7().to_string(),
            account.to_string(),
            name_of(change),
            id.to_string(),
            to_json(&args_of(change))?,
            base.map(|b| b as i64),
            now,
        ])?;
        self.refresh_shown(id)
    }

    fn check_change(&self, change: &ResourceChange) -> Result<()> {
        let id = change.record();
        let shown = self.shown(id)?.is_some();
        match change {
            ResourceChange::Create { resource } => {
                if let Some(problem) = resource.problems().into_iter().next() {
                    return Err(invalid(problem));
                }
                if shown {
                    return Err(invalid(FieldProblem::new(
                        "id",
                        format!("a resource with id {id} already exists; make a new id"),
                    )));
                }
            }
            ResourceChange::Update { resource } => {
                if let Some(problem) = resource.problems().into_iter().next() {
                    return Err(invalid(problem));
                }
                if !shown {
                    return Err(Error::ResourceNotFound(id));
                }
            }
            ResourceChange::Retire { .. } if !shown => return Err(Error::ResourceNotFound(id)),
            ResourceChange::Retire { .. } => {}
        }
        Ok(())
    }

    /// The entry's seq, record, change and status.
    fn entry(&self, entry: OutboxEntryId) -> Result<(i64, ResourceChange, EntryStatus)> {
        let row: Option<(i64, String, String, String)> = self
            .prepare_cached("SELECT seq, name, args, status FROM outbox WHERE entry_id = ?1")?
            .query_row([entry.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((seq, name, args, status)) = row else {
            return Err(Error::OutboxEntry {
                id: entry.to_string(),
                needs: "exists",
            });
        };
        Ok((
            seq,
            change_from(&entry.to_string(), &name, &args)?,
            status_from(&status),
        ))
    }

    fn needing_attention(&self, entry: OutboxEntryId) -> Result<(i64, ResourceChange)> {
        match self.entry(entry)? {
            (seq, change, EntryStatus::NeedsAttention) => Ok((seq, change)),
            _ => Err(Error::OutboxEntry {
                id: entry.to_string(),
                needs:
                    "needs attention (only refused or bumped changes can be retried or discarded)",
            }),
        }
    }

    /// Records what the server holds, unless the device already knows a newer version.
    fn learn(&self, id: ResourceId, copy: &ServerCopy) -> Result<()> {
        let known = self.copy(id)?;
        if known
            .as_ref()
            .is_some_and(|k| !plan::newer(copy.version(), k.version))
        {
            return Ok(());
        }
        let previous_owner = known.and_then(|k| k.owner);
        let new = match copy {
            ServerCopy::Put {
                resource,
                version,
                owner,
            } => Copy {
                version: Some(*version),
                owner: owner.or(previous_owner),
                body: Some(to_json(resource)?),
            },
            ServerCopy::Gone { version } => Copy {
                version: Some(*version),
                owner: None,
                body: None,
            },
        };
        self.put_copy(id, &new)
    }
}

impl SyncStore {
    /// Records a new shared resource: shown at once, sent to the server by the engine.
    pub fn create_resource(&mut self, resource: Resource) -> Result<OutboxEntryId> {
        self.record(ResourceChange::Create { resource })
    }

    /// Records an edit of a resource (the whole new record).
    pub fn update_resource(&mut self, resource: Resource) -> Result<OutboxEntryId> {
        self.record(ResourceChange::Update { resource })
    }

    /// Records retiring a resource: it disappears at once.
    pub fn retire_resource(&mut self, id: ResourceId) -> Result<OutboxEntryId> {
        self.record(ResourceChange::Retire { id })
    }

    /// Records any change; one `BEGIN IMMEDIATE` transaction checks it, queues it and
    /// shows it.
    pub fn record(&mut self, change: ResourceChange) -> Result<OutboxEntryId> {
        let entry = OutboxEntryId(Uuid::now_v7());
        self.write(|tx| {
            tx.check_change(&change)?;
            tx.enqueue(entry, &change)
        })?;
        Ok(entry)
    }

    /// How many local changes wait for the server.
    pub fn pending_count(&self) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many local changes the server refused or bumped.
    pub fn needs_attention_count(&self) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM outbox WHERE status = 'needs_attention'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The local changes the server refused or bumped, oldest first.
    pub fn needs_attention(&self) -> Result<Vec<NeedsAttention>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entry_id, name, args, outcome, created_at FROM outbox
             WHERE status = 'needs_attention' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut list = Vec::new();
        for row in rows {
            let (entry, name, args, outcome, created_at) = row?;
            let change = change_from(&entry, &name, &args)?;
            let outcome: Option<MutationOutcome> =
                outcome.map(|o| from_json(&entry, &o)).transpose()?;
            let (reason, problems, current) = match outcome {
                Some(MutationOutcome::Rejected { reason, problems }) => (reason, problems, None),
                Some(MutationOutcome::Bumped {
                    reason,
                    alternatives,
                }) => {
                    let current = alternatives.into_iter().map(|a| match a {
                        Alternative::CurrentResource { record } => record,
                    });
                    (reason, Vec::new(), current.into_iter().next())
                }
                Some(MutationOutcome::Applied { .. }) | None => (String::new(), Vec::new(), None),
            };
            list.push(NeedsAttention {
                entry: OutboxEntryId(entry.parse().map_err(|e: uuid::Error| {
                    Error::CorruptRow {
                        id: entry.clone(),
                        detail: e.to_string(),
                    }
                })?),
                change,
                reason,
                problems,
                current,
                made_at: DateTime::from_timestamp_millis(created_at).unwrap_or_default(),
            });
        }
        Ok(list)
    }

    /// Sends a refused or bumped change again as it is, with a new idempotency key (the old
    /// key would only get the old answer), on top of the server's current version.
    pub fn retry(&mut self, entry: OutboxEntryId) -> Result<()> {
        self.write(|tx| {
            let (seq, change) = tx.needing_attention(entry)?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            tx.enqueue(entry, &change)
        })
    }

    /// Like [`Self::retry`] with an edited record (same id; not for retiring).
    pub fn edit_and_retry(&mut self, entry: OutboxEntryId, resource: Resource) -> Result<()> {
        self.edit_in_place_and_retry(entry, |old| *old = resource)
    }

    /// Like [`Self::retry`] after `edit` changed the record as sent, in one transaction
    /// (the id must stay; retiring has nothing to edit).
    pub fn edit_in_place_and_retry(
        &mut self,
        entry: OutboxEntryId,
        edit: impl FnOnce(&mut Resource),
    ) -> Result<()> {
        self.write(|tx| {
            let (seq, mut change) = tx.needing_attention(entry)?;
            let resource = match &mut change {
                ResourceChange::Create { resource } | ResourceChange::Update { resource } => {
                    resource
                }
                ResourceChange::Retire { .. } => {
                    return Err(invalid(FieldProblem::new(
                        "resource",
                        "retiring has nothing to edit: retry or discard it",
                    )))
                }
            };
            let id = resource.id;
            edit(resource);
            if resource.id != id {
                return Err(invalid(FieldProblem::new(
                    "id",
                    "the edited resource must keep its id",
                )));
            }
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            tx.check_change(&change)?;
            tx.enqueue(entry, &change)
        })
    }

    /// Drops a refused or bumped change; the record shows the server's version.
    pub fn discard(&mut self, entry: OutboxEntryId) -> Result<()> {
        self.write(|tx| {
            let (seq, change) = tx.needing_attention(entry)?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            tx.refresh_shown(change.record())
        })
    }

    /// Every entry, oldest first: for diagnostics and tests.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entry_id, idempotency_key, name, args, base_version, status, attempts, outcome
             FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (entry, key, name, args, base, status, attempts, outcome) = row?;
            entries.push(OutboxEntry {
                entry: OutboxEntryId(entry.parse().map_err(|e: uuid::Error| {
                    Error::CorruptRow {
                        id: entry.clone(),
                        detail: e.to_string(),
                    }
                })?),
                change: change_from(&entry, &name, &args)?,
                idempotency_key: key,
                base_version: base.map(|b| b as u64),
                status: status_from(&status),
                attempts: attempts as u32,
                outcome: outcome.map(|o| from_json(&entry, &o)).transpose()?,
            });
        }
        Ok(entries)
    }

    /// The next batch to send (see [`plan::next_batch`]), counting the attempt; entries in
    /// `exclude` (sent already in this sync) wait for the next sync.
    pub(crate) fn next_batch(
        &mut self,
        max: usize,
        exclude: &std::collections::HashSet<i64>,
    ) -> Result<Vec<Outgoing>> {
        self.write(|tx| {
            let queued: Vec<Queued> = tx
                .prepare_cached(
                    "SELECT seq, record_id FROM outbox WHERE status = 'pending' ORDER BY seq",
                )?
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                .map(|row| {
                    let (seq, record) = row?;
                    Ok(Queued {
                        seq,
                        record: parse_id(&record)?,
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
                let change = change_from(&key, &name, &args)?;
                let mut args = args_of(&change);
                if let (Some(base), Some(object)) = (base, args.as_object_mut()) {
                    object.insert("base_version".into(), base.into());
                }
                batch.push(Outgoing {
                    seq,
                    key: key.clone(),
                    change,
                    request: MutationRequest {
                        idempotency_key: key,
                        name,
                        args,
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
            let pairs: Vec<(&str, &ResourceChange)> =
                sent.iter().map(|o| (o.key.as_str(), &o.change)).collect();
            let decisions = plan::settle(&pairs, answers, me);
            let mut settled = Settled::default();
            for (outgoing, decision) in sent.iter().zip(decisions) {
                let still_pending: bool = tx
                    .prepare_cached(
                        "SELECT count(*) FROM outbox
                         WHERE seq = ?1 AND idempotency_key = ?2 AND status = 'pending'",
                    )?
                    .query_row(params![outgoing.seq, outgoing.key], |r| r.get(0))?;
                if !still_pending {
                    continue;
                }
                let id = outgoing.change.record();
                match decision {
                    Settle::Confirm { version, copy } => {
                        tx.learn(id, &copy)?;
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
                            "UPDATE outbox SET base_version = ?3
                             WHERE record_id = ?1 AND seq > ?2 AND status = 'pending'",
                        )?
                        .execute(params![
                            id.to_string(),
                            outgoing.seq,
                            version as i64
                        ])?;
                        settled.applied += 1;
                    }
                    Settle::NeedsAttention { outcome, copy } => {
                        if let Some(copy) = copy {
                            tx.learn(id, &copy)?;
                        }
                        mark_needs_attention(tx, outgoing.seq, &outcome)?;
                        settled.needs_attention += 1;
                    }
                    Settle::StayPending => {
                        settled.still_pending += 1;
                        continue;
                    }
                }
                tx.refresh_shown(id)?;
            }
            tx.execute(
                "DELETE FROM outbox WHERE status = 'applied' AND seq NOT IN
                     (SELECT seq FROM outbox WHERE status = 'applied' ORDER BY seq DESC LIMIT ?1)",
                [APPLIED_KEPT],
            )?;
            Ok(settled)
        })
    }

    /// The server refused a batch holding only this entry as a whole (not one of its
    /// mutations): the person must see it, as if the mutation had been rejected.
    pub(crate) fn refuse(&mut self, outgoing: &Outgoing, reason: String) -> Result<()> {
        self.write(|tx| {
            let pending: bool = tx.query_row(
                "SELECT count(*) FROM outbox
                 WHERE seq = ?1 AND idempotency_key = ?2 AND status = 'pending'",
                params![outgoing.seq, outgoing.key],
                |r| r.get(0),
            )?;
            if pending {
                let outcome = MutationOutcome::Rejected {
                    reason,
                    problems: Vec::new(),
                };
                mark_needs_attention(tx, outgoing.seq, &outcome)?;
                tx.refresh_shown(outgoing.change.record())?;
            }
            Ok(())
        })
    }
}

fn mark_needs_attention(tx: &Tx<'_>, seq: i64, outcome: &MutationOutcome) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'needs_attention', outcome = ?2, updated_at = ?3
         WHERE seq = ?1",
    )?
    .execute(params![seq, to_json(outcome)?, now_ms()])?;
    Ok(())
}
