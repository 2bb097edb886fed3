//! Applying pulled pages: each page and its cursor in one transaction, so a crash never
//! loses or applies a page twice.

use rusqlite::params;
use sharehub_core::wire::{Change, ChangesPage, EntityKind};
use sharehub_core::ResourceId;

use super::replica::{to_json, Copy, SyncStore, Tx};
use crate::error::Result;

/// What applying one page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageApplied {
    /// Changes in the page (records and tombstones).
    pub changes: u64,
    /// False when the page was skipped because the cursor had moved (another sync applied
    /// it first).
    pub applied: bool,
}

impl SyncStore {
    /// Applies a page fetched with `since`: records are upserted, tombstones delete; records
    /// with pending local changes keep showing them while their server copy is updated. The
    /// cursor moves to `next_since` in the same transaction. When the stored cursor is no
    /// longer `since`, nothing happens (the page is stale).
    pub fn apply_page(&mut self, since: u64, page: &ChangesPage) -> Result<PageApplied> {
        // A pulled page need not survive power loss (it is pulled again, with its cursor):
        // skip the fsync of every commit that `synchronous=FULL` makes for the outbox.
        self.conn().pragma_update(None, "synchronous", "NORMAL")?;
        let applied = self.apply_page_in_transaction(since, page);
        self.conn().pragma_update(None, "synchronous", "FULL")?;
        applied
    }

    fn apply_page_in_transaction(&mut self, since: u64, page: &ChangesPage) -> Result<PageApplied> {
        self.write(|tx| {
            let (cursor, full_pull): (i64, bool) = tx.query_row(
                "SELECT cursor, full_pull FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if cursor as u64 != since {
                return Ok(PageApplied::default());
            }
            let copies_exist: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM server_resource)", [], |r| {
                    r.get(0)
                })?;
            for change in &page.changes {
                apply_change(tx, change, copies_exist)?;
            }
            let full_pull = full_pull || since == 0;
            let finished_full_pull = full_pull && !page.has_more;
            if finished_full_pull {
                // A pull from the start brought every record the server has for this person:
                // rows that are neither from it nor pending local changes are stale
                // (bundled demo data, records deleted while the device was signed out).
                tx.execute(
                    "DELETE FROM resource WHERE server_version IS NULL
                         AND id NOT IN (SELECT id FROM server_resource)",
                    [],
                )?;
            }
            tx.prepare_cached("UPDATE sync_state SET cursor = ?1, full_pull = ?2 WHERE id = 1")?
                .execute(params![
                    page.next_since as i64,
                    full_pull && !finished_full_pull
                ])?;
            Ok(PageApplied {
                changes: page.changes.len() as u64,
                applied: true,
            })
        })
    }
}

fn apply_change(tx: &Tx<'_>, change: &Change, copies_exist: bool) -> Result<()> {
    match change {
        Change::Resource { record, .. } => {
            let id = record.resource.id;
            if copies_exist {
                if let Some(known) = tx.copy(id)? {
                    if super::plan::newer(record.version, known.version) {
                        tx.put_copy(
                            id,
                            &Copy {
                                version: Some(record.version),
                                owner: Some(record.owner_id),
                                body: Some(to_json(&record.resource)?),
                            },
                        )?;
                    }
                    return Ok(());
                }
            }
            tx.put_shown(
                &record.resource,
                Some(record.version),
                Some(record.owner_id),
                true,
            )
        }
        Change::Tombstone {
            seq,
            entity: EntityKind::Resource,
            id,
            ..
        } => {
            let id = ResourceId(*id);
            if copies_exist {
                if let Some(known) = tx.copy(id)? {
                    if super::plan::newer(*seq, known.version) {
                        tx.put_copy(
                            id,
                            &Copy {
                                version: Some(*seq),
                                owner: None,
                                body: None,
                            },
                        )?;
                    }
                    return Ok(());
                }
            }
            tx.prepare_cached(
                "DELETE FROM resource WHERE id = ?1
                     AND (server_version IS NULL OR server_version <= ?2)",
            )?
            .execute(params![id.to_string(), *seq as i64])?;
            Ok(())
        }
    }
}
