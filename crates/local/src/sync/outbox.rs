//! The outbox: local changes (any [`Mutation`]) recorded with an idempotency key, shown at
//! once (optimistically, as the record's kind says) and kept until the server answers; the
//! "needs attention" list and what the person can do with it (retry, edit and retry,
//! discard). Sending and settling answers: `sync/push.rs`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sharehub_core::ipc::AttentionItem;
use sharehub_core::wire::{EntityKind, Mutation, MutationOutcome};
use uuid::Uuid;

use super::entry::{EntryStatus, NeedsAttention, OutboxEntry, OutboxEntryId};
use super::kinds;
use super::record::{RecordRef, ServerCopy};
use super::replica::{from_json, to_json, SyncStore, Tx};
use crate::error::{Error, Result};

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Reads a stored change back (its name and args as made, without `base_version`).
pub(crate) fn read_mutation(entry: &str, name: &str, args: &str) -> Result<Mutation> {
    let args: serde_json::Value = from_json(entry, args)?;
    Mutation::parse(name, &args).map_err(|detail| Error::CorruptRow {
        id: entry.to_owned(),
        detail,
    })
}

/// An outbox row's record, from its `entity` and `record_id` columns.
pub(crate) fn read_record(entity: &str, id: &str) -> Result<RecordRef> {
    let corrupt = |detail: String| Error::CorruptRow {
        id: id.to_owned(),
        detail,
    };
    Ok(RecordRef {
        entity: EntityKind::parse(entity)
            .ok_or_else(|| corrupt(format!("no kind of record is named {entity:?}")))?,
        id: id
            .parse()
            .map_err(|e: uuid::Error| corrupt(e.to_string()))?,
    })
}

fn entry_id(entry: &str) -> Result<OutboxEntryId> {
    Ok(OutboxEntryId(entry.parse().map_err(|e: uuid::Error| {
        Error::CorruptRow {
            id: entry.to_owned(),
            detail: e.to_string(),
        }
    })?))
}

impl Tx<'_> {
    /// The version a new change of `record` is made on: the base of the newest pending
    /// change of the record (it builds on that one), else the version the device shows.
    fn base_for(&self, record: RecordRef) -> Result<Option<u64>> {
        if let Some((_, base)) = self.last_pending(record)? {
            return Ok(base);
        }
        let shown = kinds::of_entity(record.entity).shown(self, record.id)?;
        Ok(shown.and_then(|copy| copy.version))
    }

    /// Adds a pending entry (at the end of the queue) and shows its effect.
    pub(crate) fn enqueue(&self, entry: OutboxEntryId, change: &Mutation) -> Result<()> {
        let kind = kinds::of_mutation(change);
        let record = kinds::record_of(change)?;
        let account = self.account()?;
        let base = self.base_for(record)?;
        self.ensure_copy(record)?;
        let stored = kind.on_base(change.clone(), None)?;
        let now = now_ms();
        self.prepare_cached(
            "INSERT INTO outbox (entry_id, idempotency_key, account_id, name, entity, record_id,
                 args, base_version, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)",
        )?
        .execute(params![
            entry.to_string(),
            Uuid::now_v7().to_string(),
            account.to_string(),
            stored.name(),
            record.entity.as_str(),
            record.id.to_string(),
            to_json(&stored.args_json())?,
            base.map(|b| b as i64),
            now,
        ])?;
        self.refresh_shown(record)
    }

    /// Refuses a change its kind can already tell is wrong.
    pub(crate) fn check_change(&self, change: &Mutation) -> Result<()> {
        let kind = kinds::of_mutation(change);
        let shown = kind.shown(self, kind.target(change)?)?.is_some();
        kind.check(change, shown)
    }

    /// The entry's seq, change and status.
    fn entry(&self, entry: OutboxEntryId) -> Result<(i64, Mutation, EntryStatus)> {
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
            read_mutation(&entry.to_string(), &name, &args)?,
            EntryStatus::from_column(&status),
        ))
    }

    fn needing_attention(&self, entry: OutboxEntryId) -> Result<(i64, Mutation)> {
        match self.entry(entry)? {
            (seq, change, EntryStatus::NeedsAttention) => Ok((seq, change)),
            _ => Err(Error::OutboxEntry {
                id: entry.to_string(),
                needs:
                    "needs attention (only refused or bumped changes can be retried or discarded)",
            }),
        }
    }

    /// Keeps the server's version of `record` before a local change covers it (once: while
    /// changes are pending the copy is updated by pulls and answers, never from the row).
    fn ensure_copy(&self, record: RecordRef) -> Result<()> {
        if self.copy(record)?.is_some() {
            return Ok(());
        }
        let shown = kinds::of_entity(record.entity).shown(self, record.id)?;
        self.put_copy(record, &shown.unwrap_or(ServerCopy::gone(None)))
    }

    /// The newest pending change of `record` and its base, if any.
    fn last_pending(&self, record: RecordRef) -> Result<Option<(Mutation, Option<u64>)>> {
        let row: Option<(String, String, String, Option<i64>)> = self
            .prepare_cached(
                "SELECT entry_id, name, args, base_version FROM outbox
                 WHERE entity = ?1 AND record_id = ?2 AND status = 'pending'
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row(
                params![record.entity.as_str(), record.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(entry, name, args, base)| {
            Ok((read_mutation(&entry, &name, &args)?, base.map(|b| b as u64)))
        })
        .transpose()
    }

    /// Makes the shown row of `record` what it should be: the newest pending change on top
    /// of the server's copy; with nothing pending, the server's copy (which is then dropped).
    pub(crate) fn refresh_shown(&self, record: RecordRef) -> Result<()> {
        let kind = kinds::of_entity(record.entity);
        let copy = self.copy(record)?;
        match self.last_pending(record)? {
            Some((change, _)) => kind.show_pending(self, &change, copy.as_ref()),
            None => {
                if let Some(copy) = copy {
                    kind.show_copy(self, record.id, &copy)?;
                    self.drop_copy(record)?;
                }
                kind.show_settled(self, record.id)
            }
        }
    }

    /// The pending changes of `record`, oldest first (a kind whose changes name only the
    /// record shows them all on top of the server's copy).
    /// Each with the instant it was made.
    pub(crate) fn pending_changes(
        &self,
        record: RecordRef,
    ) -> Result<Vec<(Mutation, DateTime<Utc>)>> {
        let mut stmt = self.prepare_cached(
            "SELECT entry_id, name, args, created_at FROM outbox
             WHERE entity = ?1 AND record_id = ?2 AND status = 'pending' ORDER BY seq",
        )?;
        let rows = stmt.query_map(
            params![record.entity.as_str(), record.id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )?;
        let mut changes = Vec::new();
        for row in rows {
            let (entry, name, args, made_at) = row?;
            changes.push((
                read_mutation(&entry, &name, &args)?,
                DateTime::from_timestamp_millis(made_at).unwrap_or_default(),
            ));
        }
        Ok(changes)
    }

    /// The newest change named `name` (`reservation.request`, …) of `record` that needs
    /// attention, with the server's answer.
    pub(crate) fn attention_of(
        &self,
        record: RecordRef,
        name: &str,
    ) -> Result<Option<(Mutation, Option<MutationOutcome>)>> {
        let row: Option<(String, String, String, Option<String>)> = self
            .prepare_cached(
                "SELECT entry_id, name, args, outcome FROM outbox
                 WHERE entity = ?1 AND record_id = ?2 AND status = 'needs_attention'
                     AND name = ?3
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row(
                params![record.entity.as_str(), record.id.to_string(), name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(entry, name, args, outcome)| {
            Ok((
                read_mutation(&entry, &name, &args)?,
                outcome.map(|o| from_json(&entry, &o)).transpose()?,
            ))
        })
        .transpose()
    }

    /// Takes a refused or bumped change out of the outbox (for the person's choice of
    /// what to do instead): its change and the server's answer. The record is not
    /// refreshed here.
    pub(crate) fn take_attention(
        &self,
        entry: OutboxEntryId,
    ) -> Result<(Mutation, Option<MutationOutcome>)> {
        let (seq, change) = self.needing_attention(entry)?;
        let outcome: Option<String> = self
            .prepare_cached("SELECT outcome FROM outbox WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))?;
        let outcome = outcome
            .map(|o| from_json(&entry.to_string(), &o))
            .transpose()?;
        self.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        Ok((change, outcome))
    }
}

impl SyncStore {
    /// Records any change; one `BEGIN IMMEDIATE` transaction checks it, queues it and
    /// shows it. A `base_version` in its arguments is replaced by the version the change
    /// is made on, when it is sent.
    pub fn record(&mut self, change: Mutation) -> Result<OutboxEntryId> {
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
            "SELECT entry_id, name, entity, record_id, args, outcome, created_at FROM outbox
             WHERE status = 'needs_attention' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        let mut list = Vec::new();
        for row in rows {
            let (entry, name, entity, record, args, outcome, created_at) = row?;
            let outcome: Option<MutationOutcome> =
                outcome.map(|o| from_json(&entry, &o)).transpose()?;
            let (reason, problems, alternatives, bumped, code) = match outcome {
                Some(MutationOutcome::Rejected {
                    reason,
                    problems,
                    code,
                }) => (reason, problems, Vec::new(), false, code),
                Some(MutationOutcome::Bumped {
                    reason,
                    alternatives,
                    code,
                }) => (reason, Vec::new(), alternatives, true, code),
                Some(MutationOutcome::Applied { .. }) | None => {
                    (String::new(), Vec::new(), Vec::new(), false, None)
                }
            };
            list.push(NeedsAttention {
                change: read_mutation(&entry, &name, &args)?,
                entry: entry_id(&entry)?,
                record: read_record(&entity, &record)?,
                reason,
                problems,
                alternatives,
                bumped,
                code,
                made_at: DateTime::from_timestamp_millis(created_at).unwrap_or_default(),
            });
        }
        Ok(list)
    }

    /// The needs-attention list as the app shows it, each item described by its kind.
    pub fn attention_items(&self) -> Result<Vec<AttentionItem>> {
        self.needs_attention()?
            .iter()
            .map(|entry| kinds::of_entity(entry.record.entity).attention_item(self.store(), entry))
            .collect()
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

    /// Like [`Self::retry`] after `edit` changed the change as made, in one transaction; it
    /// must still change the same record.
    pub fn edit_change_and_retry(
        &mut self,
        entry: OutboxEntryId,
        edit: impl FnOnce(&mut Mutation) -> Result<()>,
    ) -> Result<()> {
        self.write(|tx| {
            let (seq, mut change) = tx.needing_attention(entry)?;
            let record = kinds::record_of(&change)?;
            edit(&mut change)?;
            if kinds::record_of(&change)? != record {
                return Err(Error::Invalid {
                    field: "id".into(),
                    problem: "the edited change must keep its record's id".into(),
                });
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
            tx.refresh_shown(kinds::record_of(&change)?)
        })
    }

    /// Every entry, oldest first: for diagnostics and tests.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entry_id, idempotency_key, name, entity, record_id, args, base_version,
                 status, attempts, outcome
             FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (entry, key, name, entity, record, args, base, status, attempts, outcome) = row?;
            entries.push(OutboxEntry {
                change: read_mutation(&entry, &name, &args)?,
                record: read_record(&entity, &record)?,
                outcome: outcome.map(|o| from_json(&entry, &o)).transpose()?,
                entry: entry_id(&entry)?,
                idempotency_key: key,
                base_version: base.map(|b| b as u64),
                status: EntryStatus::from_column(&status),
                attempts: attempts as u32,
            });
        }
        Ok(entries)
    }
}
