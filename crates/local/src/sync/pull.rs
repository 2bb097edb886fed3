//! Applying pulled pages: each page and its cursor in one transaction, so a crash never
//! loses or applies a page twice.
//!
//! The page's rows are written with the connection's triggers off
//! (`SQLITE_DBCONFIG_ENABLE_TRIGGER`, this connection only, never stored): with a trigger,
//! SQLite keeps a statement journal (a copy of every page each row touches) for every row.
//! The R*Tree boxes ([`plan::boxes_for_page`]) are then either put right for the page's
//! records in two statements of the same transaction, or, during a pull from the start,
//! left out (`sync_state.boxes_pending`, committed with the page: "near me" scans the rows
//! meanwhile) and built from every row by the page that ends the pull
//! (`store::rtree::rebuild`). Either way each committed page leaves a consistent file that
//! a resumed pull carries on from.

use rusqlite::params;
use sharehub_core::wire::{Change, ChangesPage, EntityKind};
use sharehub_core::ResourceId;

use super::plan::{self, Boxes};
use super::replica::{to_json, Copy, SyncStore, Tx};
use crate::error::Result;
use crate::store::rtree;

/// What applying one page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageApplied {
    /// Changes in the page (records and tombstones).
    pub changes: u64,
    /// False when the page was skipped because the cursor had moved (another sync applied
    /// it first).
    pub applied: bool,
}

/// WAL pages (4 KiB) after which a commit of a pulled page checkpoints: 40 MB, ten times
/// SQLite's default. The WAL file may grow to about this size during a first sync.
const PULL_CHECKPOINT_PAGES: i64 = 10_000;

impl SyncStore {
    /// Applies a page fetched with `since`: records are upserted, tombstones delete; records
    /// with pending local changes keep showing them while their server copy is updated. The
    /// cursor moves to `next_since` in the same transaction. When the stored cursor is no
    /// longer `since`, nothing happens (the page is stale).
    pub fn apply_page(&mut self, since: u64, page: &ChangesPage) -> Result<PageApplied> {
        // A pulled page need not survive power loss (it is pulled again, with its cursor):
        // skip the fsync of every commit that `synchronous=FULL` makes for the outbox.
        // Checkpoint less often while pulling: each checkpoint costs two fsyncs, and every
        // page's transaction rewrites the same index and R*Tree pages, which a later
        // checkpoint then copies once instead of several times.
        let checkpoint_every: i64 =
            self.conn()
                .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
        self.conn().pragma_update(None, "synchronous", "NORMAL")?;
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", PULL_CHECKPOINT_PAGES)?;
        let applied = self.apply_page_in_transaction(since, page);
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", checkpoint_every)?;
        self.conn().pragma_update(None, "synchronous", "FULL")?;
        applied
    }

    fn apply_page_in_transaction(&mut self, since: u64, page: &ChangesPage) -> Result<PageApplied> {
        self.write(|tx| {
            let (cursor, full_pull, boxes_pending): (i64, bool, bool) = tx.query_row(
                "SELECT cursor, full_pull, boxes_pending FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if cursor as u64 != since {
                return Ok(PageApplied::default());
            }
            let boxes = plan::boxes_for_page(since, page.has_more, boxes_pending);
            let copies_exist: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM server_resource)", [], |r| {
                    r.get(0)
                })?;
            let apply_all = || -> Result<()> {
                for change in &page.changes {
                    apply_change(tx, change, copies_exist)?;
                }
                Ok(())
            };
            if boxes == Boxes::PerPage {
                rtree::write_with_boxes(tx, &page_ids(page), apply_all)?;
            } else {
                let _untriggered = rtree::TriggersOff::new(tx)?;
                apply_all()?;
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
            if boxes == Boxes::BuildNow {
                rtree::rebuild(tx)?;
            }
            tx.prepare_cached(
                "UPDATE sync_state SET cursor = ?1, full_pull = ?2, boxes_pending = ?3
                 WHERE id = 1",
            )?
            .execute(params![
                page.next_since as i64,
                full_pull && !finished_full_pull,
                boxes == Boxes::Later
            ])?;
            Ok(PageApplied {
                changes: page.changes.len() as u64,
                applied: true,
            })
        })
    }
}

/// The ids of the records a page names.
fn page_ids(page: &ChangesPage) -> String {
    rtree::ids_json(page.changes.iter().filter_map(|change| match change {
        Change::Resource { record, .. } => Some(record.resource.id.0),
        Change::Tombstone { id, .. } => Some(*id),
        Change::Unknown => None,
    }))
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
        // Only kinds this build asks for arrive; one it cannot read is skipped.
        Change::Unknown => Ok(()),
    }
}
