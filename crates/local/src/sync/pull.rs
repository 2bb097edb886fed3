//! Applying pulled pages: each page and its cursor in one transaction, so a crash never
//! loses or applies a page twice. Each change goes to its kind's module (`sync/kinds/`); a
//! change this build cannot read ([`Change::Unknown`]) is skipped and counted
//! (`sync_state.skipped_changes`). A build that knows kinds the device has not synced first
//! fetches their records from the start ([`SyncStore::catch_up`], [`plan::catch_up`]).
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

use super::kinds;
use super::outbox::now_ms;
use super::plan::{self, Boxes};
use super::replica::{SyncStore, Tx};
use crate::error::Result;
use crate::store::rtree;

/// What applying one page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageApplied {
    /// Changes in the page (records and tombstones, skipped ones too).
    pub changes: u64,
    /// Changes of a kind this build cannot read, skipped.
    pub skipped: u64,
    /// False when the page was skipped because the cursor had moved (another sync applied
    /// it first).
    pub applied: bool,
}

/// WAL pages (4 KiB) after which a commit of a pulled page checkpoints: 40 MB, ten times
/// SQLite's default. The WAL file may grow to about this size during a first sync.
const PULL_CHECKPOINT_PAGES: i64 = 10_000;

/// The names of the kinds this build knows (what its ordinary pull asks for).
fn known_names() -> Vec<&'static str> {
    EntityKind::ALL.iter().map(|kind| kind.as_str()).collect()
}

/// A kinds column (`synced_kinds`, `catch_up_kinds`): names, comma-separated.
fn names(column: &str) -> Vec<&str> {
    column.split(',').filter(|name| !name.is_empty()).collect()
}

impl SyncStore {
    /// Applies a page of the ordinary pull (every kind this build knows) fetched with
    /// `since`: records are upserted, tombstones delete; records with pending local changes
    /// keep showing them while their server copy is updated. The cursor moves to
    /// `next_since` in the same transaction. When the stored cursor is no longer `since`,
    /// nothing happens (the page is stale).
    pub fn apply_page(&mut self, since: u64, page: &ChangesPage) -> Result<PageApplied> {
        self.pulling(|store| store.write(|tx| apply_page_in(tx, since, page)))
    }

    /// Applies a page of a catch-up of `kinds` fetched with `since` (see
    /// [`Self::catch_up`]): like [`Self::apply_page`], but the catch-up keeps its own cursor
    /// and the ordinary one stays. The page that ends it adds `kinds` to the synced kinds.
    pub fn apply_catch_up_page(
        &mut self,
        kinds: &[EntityKind],
        since: u64,
        page: &ChangesPage,
    ) -> Result<PageApplied> {
        let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
        self.pulling(|store| store.write(|tx| apply_catch_up_page_in(tx, &kinds, since, page)))
    }

    /// The kinds this build knows whose records the device has not fetched, and the
    /// `since` to fetch them from (`since=…&kinds=…`), before the ordinary pull.
    pub fn catch_up(&self) -> Result<Option<(Vec<EntityKind>, u64)>> {
        let (cursor, synced, started, started_at): (i64, String, Option<String>, i64) =
            self.conn().query_row(
                "SELECT cursor, synced_kinds, catch_up_kinds, catch_up_cursor
                 FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        let started = started.as_deref().map(names);
        let catch_up = plan::catch_up(
            &known_names(),
            &names(&synced),
            cursor as u64,
            started.as_deref().map(|kinds| (kinds, started_at as u64)),
        );
        Ok(catch_up.map(|catch_up| {
            let kinds = catch_up
                .kinds
                .iter()
                .filter_map(|name| EntityKind::parse(name))
                .collect();
            (kinds, catch_up.since)
        }))
    }

    /// The kinds whose changes up to the cursor the device holds.
    pub fn synced_kinds(&self) -> Result<Vec<String>> {
        let synced: String = self.conn().query_row(
            "SELECT synced_kinds FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        Ok(names(&synced).into_iter().map(str::to_owned).collect())
    }

    /// How many pulled changes were of a kind this build cannot read (skipped), ever.
    pub fn skipped_changes(&self) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT skipped_changes FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    /// Runs `apply` with the connection set for pulling.
    fn pulling<T>(&mut self, apply: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
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
        let applied = apply(self);
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", checkpoint_every)?;
        self.conn().pragma_update(None, "synchronous", "FULL")?;
        applied
    }
}

fn apply_page_in(tx: &Tx<'_>, since: u64, page: &ChangesPage) -> Result<PageApplied> {
    let (cursor, full_pull, boxes_pending, synced): (i64, bool, bool, String) = tx.query_row(
        "SELECT cursor, full_pull, boxes_pending, synced_kinds FROM sync_state WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    if cursor as u64 != since {
        return Ok(PageApplied::default());
    }
    let boxes = plan::boxes_for_page(since, page.has_more, boxes_pending);
    let skipped = apply_changes(tx, page, boxes)?;
    let full_pull = full_pull || since == 0;
    let finished_full_pull = full_pull && !page.has_more;
    if finished_full_pull {
        // A pull from the start brought every record the server has for this person:
        // rows that are neither from it nor pending local changes are stale (bundled demo
        // data, records deleted while the device was signed out).
        for kind in kinds::all() {
            kind.drop_unsynced(tx)?;
        }
    }
    if boxes == Boxes::BuildNow {
        rtree::rebuild(tx)?;
    }
    let synced = plan::synced_after_page(&known_names(), &names(&synced), since);
    // The pull reached the newest change: what the device shows (availability above all)
    // is as of now.
    let pulled_at = (!page.has_more).then(now_ms);
    tx.prepare_cached(
        "UPDATE sync_state SET cursor = ?1, full_pull = ?2, boxes_pending = ?3,
             synced_kinds = ?4, skipped_changes = skipped_changes + ?5,
             pulled_at = coalesce(?6, pulled_at)
         WHERE id = 1",
    )?
    .execute(params![
        page.next_since as i64,
        full_pull && !finished_full_pull,
        boxes == Boxes::Later,
        synced.join(","),
        skipped as i64,
        pulled_at,
    ])?;
    Ok(PageApplied {
        changes: page.changes.len() as u64,
        skipped,
        applied: true,
    })
}

fn apply_catch_up_page_in(
    tx: &Tx<'_>,
    kinds: &[&str],
    since: u64,
    page: &ChangesPage,
) -> Result<PageApplied> {
    let (boxes_pending, synced, started, started_at): (bool, String, Option<String>, i64) = tx
        .query_row(
            "SELECT boxes_pending, synced_kinds, catch_up_kinds, catch_up_cursor
             FROM sync_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let asked = plan::synced_after_catch_up(&[], kinds).join(",");
    let expected = match started {
        Some(started) if started == asked => started_at as u64,
        _ => 0,
    };
    if since != expected {
        return Ok(PageApplied::default());
    }
    // A first sync still waiting for its boxes builds them when it ends.
    let boxes = if boxes_pending {
        Boxes::Later
    } else {
        Boxes::PerPage
    };
    let skipped = apply_changes(tx, page, boxes)?;
    if page.has_more {
        tx.prepare_cached(
            "UPDATE sync_state SET catch_up_kinds = ?1, catch_up_cursor = ?2,
                 skipped_changes = skipped_changes + ?3
             WHERE id = 1",
        )?
        .execute(params![asked, page.next_since as i64, skipped as i64])?;
    } else {
        let synced = plan::synced_after_catch_up(&names(&synced), kinds);
        tx.prepare_cached(
            "UPDATE sync_state SET synced_kinds = ?1, catch_up_kinds = NULL,
                 catch_up_cursor = 0, skipped_changes = skipped_changes + ?2
             WHERE id = 1",
        )?
        .execute(params![synced.join(","), skipped as i64])?;
    }
    Ok(PageApplied {
        changes: page.changes.len() as u64,
        skipped,
        applied: true,
    })
}

/// Applies every change of `page` through its kind's module, keeping the R*Tree as
/// `boxes` says; returns how many changes were skipped (of a kind this build cannot read).
fn apply_changes(tx: &Tx<'_>, page: &ChangesPage, boxes: Boxes) -> Result<u64> {
    let copies_exist = tx.copies_exist()?;
    let apply_all = || -> Result<u64> {
        let mut skipped = 0;
        for change in &page.changes {
            match kinds::of_change(change) {
                Some(kind) => kind.apply(tx, change, copies_exist)?,
                None => skipped += 1,
            }
        }
        Ok(skipped)
    };
    if boxes == Boxes::PerPage {
        rtree::write_with_boxes(tx, &resource_ids(page), apply_all)
    } else {
        let _untriggered = rtree::TriggersOff::new(tx)?;
        apply_all()
    }
}

/// The ids of the resources a page names (whose R*Tree boxes it may move).
fn resource_ids(page: &ChangesPage) -> String {
    rtree::ids_json(page.changes.iter().filter_map(|change| match change {
        Change::Resource { record, .. } => Some(record.resource.id.0),
        Change::Tombstone {
            entity: EntityKind::Resource,
            id,
            ..
        } => Some(*id),
        Change::Reservation { .. }
        | Change::BookingCalendar { .. }
        | Change::Tombstone { .. }
        | Change::Unknown => None,
    }))
}
