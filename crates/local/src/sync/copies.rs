//! The server's copies (`server_copy`, one table for every kind): the last version of each
//! record with pending local changes the device learnt from the server, kept until nothing
//! is pending, so a refused change can be reverted.

use rusqlite::{params, OptionalExtension};

use super::plan;
use super::record::{RecordRef, ServerCopy};
use super::replica::{from_json, to_json, Tx};
use crate::error::{Error, Result};

impl Tx<'_> {
    /// Whether any record has a server copy (checked once per pulled page).
    pub fn copies_exist(&self) -> Result<bool> {
        Ok(
            self.query_row("SELECT EXISTS (SELECT 1 FROM server_copy)", [], |r| {
                r.get(0)
            })?,
        )
    }

    pub fn copy(&self, record: RecordRef) -> Result<Option<ServerCopy>> {
        let row: Option<(Option<i64>, Option<String>, Option<String>)> = self
            .prepare_cached(
                "SELECT version, owner_id, body FROM server_copy WHERE entity = ?1 AND id = ?2",
            )?
            .query_row(
                params![record.entity.as_str(), record.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let id = record.id.to_string();
        row.map(|(version, owner, body)| {
            Ok(ServerCopy {
                version: version.map(|v| v as u64),
                owner: owner
                    .map(|o| o.parse())
                    .transpose()
                    .map_err(|e: uuid::Error| Error::CorruptRow {
                        id: id.clone(),
                        detail: e.to_string(),
                    })?,
                body: body.map(|b| from_json(&id, &b)).transpose()?,
            })
        })
        .transpose()
    }

    pub fn put_copy(&self, record: RecordRef, copy: &ServerCopy) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO server_copy (entity, id, version, owner_id, body)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (entity, id) DO UPDATE SET version = excluded.version,
                 owner_id = excluded.owner_id, body = excluded.body",
        )?
        .execute(params![
            record.entity.as_str(),
            record.id.to_string(),
            copy.version.map(|v| v as i64),
            copy.owner.map(|o| o.to_string()),
            copy.body.as_ref().map(to_json).transpose()?,
        ])?;
        Ok(())
    }

    pub fn drop_copy(&self, record: RecordRef) -> Result<()> {
        self.prepare_cached("DELETE FROM server_copy WHERE entity = ?1 AND id = ?2")?
            .execute(params![record.entity.as_str(), record.id.to_string()])?;
        Ok(())
    }

    /// Records what the server holds, learnt from an answer, unless the device already
    /// knows a newer version; an owner left out stays what it was.
    pub fn learn(&self, record: RecordRef, copy: &ServerCopy) -> Result<()> {
        let known = self.copy(record)?;
        if let Some(known) = &known {
            if copy
                .version
                .is_some_and(|version| !plan::newer(version, known.version))
            {
                return Ok(());
            }
        }
        let owner = copy.owner.or(known.and_then(|k| k.owner));
        self.put_copy(
            record,
            &ServerCopy {
                owner,
                ..copy.clone()
            },
        )
    }

    /// A pulled version (`version`) of a record with pending local changes updates only its
    /// server copy (when newer); the shown row keeps the local change. Returns false when
    /// the record has no copy (nothing pending): the kind shows the pulled version itself.
    pub fn learn_pulled(
        &self,
        record: RecordRef,
        version: u64,
        copy: impl FnOnce() -> Result<ServerCopy>,
    ) -> Result<bool> {
        let Some(known) = self.copy(record)? else {
            return Ok(false);
        };
        if plan::newer(version, known.version) {
            self.put_copy(record, &copy()?)?;
        }
        Ok(true)
    }
}
