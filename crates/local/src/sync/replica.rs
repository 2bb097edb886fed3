//! [`SyncStore`]: the sync side of the device database. It owns one connection (with
//! `synchronous=FULL`: an enqueued change or a recorded answer survives power loss) and
//! keeps three things consistent in every transaction: the rows the app shows (`resource`),
//! the server's copy of records with pending changes (`server_resource`) and the outbox.

use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use sharehub_core::wire::AccountId;
use sharehub_core::{Resource, ResourceId};

use super::plan::ResourceChange;
use crate::error::{Error, Result};
pub(crate) use crate::store::{parse_id, to_json};
use crate::Store;

/// `PRAGMA cache_size` of a sync connection, negative: in KiB.
const SYNC_CACHE_KIB: i64 = -16 * 1024;

/// The device database as sync sees it. Open one for the sync engine and one wherever the
/// app records local changes; SQLite (WAL, `BEGIN IMMEDIATE`) keeps them consistent.
#[derive(Debug)]
pub struct SyncStore {
    store: Store,
}

/// The server's last known version of a record with pending changes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Copy {
    pub version: Option<u64>,
    pub owner: Option<AccountId>,
    /// JSON of the record; `None`: the server has no (visible) record.
    pub body: Option<String>,
}

impl SyncStore {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SyncStore> {
        let store = Store::open(path)?;
        store
            .connection()
            .pragma_update(None, "synchronous", "FULL")?;
        // 16 MiB of page cache (SQLite's default is 2 MiB): a first sync writes the R*Tree
        // and the indexes all over; with the default, their pages are read back again and
        // again. Memory is taken only as pages are read.
        store
            .connection()
            .pragma_update(None, "cache_size", SYNC_CACHE_KIB)?;
        Ok(SyncStore { store })
    }

    /// The plain store on the same connection, for the app's queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        self.store.connection()
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let value = f(&Tx {
            tx: &tx,
            store: &self.store,
        })?;
        tx.commit()?;
        Ok(value)
    }

    /// The account signed in on this device (its changes are in the outbox), if any.
    pub fn account(&self) -> Result<Option<AccountId>> {
        account_in(self.conn())
    }

    /// The pull cursor: the `next_since` of the last applied page.
    pub fn cursor(&self) -> Result<u64> {
        let cursor: i64 =
            self.conn()
                .query_row("SELECT cursor FROM sync_state WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
        Ok(cursor as u64)
    }

    /// Records who signed in. A different account than before first gets a clean device:
    /// the previous account's data and unsent changes are removed (see [`Self::forget_account`]).
    /// Returns true when that happened.
    pub fn set_account(&mut self, account: AccountId) -> Result<bool> {
        self.write(|tx| {
            let previous = account_in(tx.tx)?;
            let wiped = previous.is_some_and(|previous| previous != account);
            if wiped {
                forget_in(tx.tx)?;
            }
            tx.execute(
                "UPDATE sync_state SET account_id = ?1 WHERE id = 1",
                [account.to_string()],
            )?;
            Ok(wiped)
        })
    }

    /// Signing out: removes everything that came from the server or was made by the account
    /// (records, the server copies, the outbox with unsent changes) and the cursor, so the
    /// next person on this device sees none of it. Data bundled with the app stays.
    pub fn forget_account(&mut self) -> Result<()> {
        self.write(|tx| forget_in(tx.tx))
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound database file.
    pub fn integrity_check(&self) -> Result<String> {
        self.store.integrity_check()
    }

    /// The records the app shows, by id, with the server version each row shows (`None`:
    /// a local change not yet confirmed, or bundled data): for tests and diagnostics.
    pub fn shown_resources(&self) -> Result<Vec<(Resource, Option<u64>)>> {
        let ids: Vec<(String, Option<i64>)> = self
            .conn()
            .prepare("SELECT id, server_version FROM resource ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|(id, version)| {
                let id = parse_id(&id)?;
                Ok((self.store.get_resource(id)?, version.map(|v| v as u64)))
            })
            .collect()
    }
}

fn account_in(conn: &rusqlite::Connection) -> Result<Option<AccountId>> {
    let account: Option<String> =
        conn.query_row("SELECT account_id FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })?;
    account
        .map(|a| {
            a.parse().map_err(|e: uuid::Error| Error::CorruptRow {
                id: "sync_state".into(),
                detail: e.to_string(),
            })
        })
        .transpose()
}

fn forget_in(tx: &Transaction<'_>) -> Result<()> {
    let boxes_pending = crate::store::rtree::boxes_pending(tx)?;
    tx.execute_batch(
        "DELETE FROM resource WHERE server_version IS NOT NULL
             OR id IN (SELECT id FROM server_resource)
             OR id IN (SELECT record_id FROM outbox);
         DELETE FROM server_resource;
         DELETE FROM outbox;
         UPDATE sync_state SET account_id = NULL, cursor = 0, full_pull = 0, boxes_pending = 0
             WHERE id = 1;",
    )?;
    if boxes_pending {
        // A first sync stopped half-way: the rows that stay (bundled data) get their boxes.
        crate::store::rtree::rebuild(tx)?;
    }
    Ok(())
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(id: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::CorruptRow {
        id: id.to_owned(),
        detail: e.to_string(),
    })
}

/// A write transaction with the store on the same connection (for its queries).
pub(crate) struct Tx<'a> {
    pub tx: &'a Transaction<'a>,
    pub store: &'a Store,
}

impl std::ops::Deref for Tx<'_> {
    type Target = rusqlite::Connection;
    fn deref(&self) -> &rusqlite::Connection {
        self.tx
    }
}

impl Tx<'_> {
    pub fn account(&self) -> Result<AccountId> {
        account_in(self.tx)?.ok_or(Error::NotSignedIn)
    }

    /// The shown row's server version and owner, if the row exists.
    pub fn shown(&self, id: ResourceId) -> Result<Option<(Option<u64>, Option<AccountId>)>> {
        let row: Option<(Option<i64>, Option<String>)> = self
            .prepare_cached("SELECT server_version, owner_id FROM resource WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(version, owner)| {
            let owner = owner
                .map(|o| {
                    o.parse().map_err(|e: uuid::Error| Error::CorruptRow {
                        id: id.to_string(),
                        detail: e.to_string(),
                    })
                })
                .transpose()?;
            Ok((version.map(|v| v as u64), owner))
        })
        .transpose()
    }

    /// Inserts or replaces a shown row. With `only_if_newer`, a row already showing a newer
    /// server version is kept.
    pub fn put_shown(
        &self,
        r: &Resource,
        server_version: Option<u64>,
        owner: Option<AccountId>,
        only_if_newer: bool,
    ) -> Result<()> {
        let sql = if only_if_newer {
            PUT_SHOWN_IF_NEWER
        } else {
            PUT_SHOWN
        };
        let schedule = r.schedule.as_ref().map(to_json).transpose()?;
        let area = crate::store::areas::AreaCodes::of(r.location);
        self.prepare_cached(sql)?.execute(params![
            r.id.to_string(),
            r.kind.as_str(),
            r.name.ko,
            r.name.en,
            r.description.ko,
            r.description.en,
            r.location.lat,
            r.location.lon,
            r.address.ko,
            r.address.en,
            r.district.ko,
            r.district.en,
            r.neighborhood.ko,
            r.neighborhood.en,
            r.owner_name.ko,
            r.owner_name.en,
            to_json(&r.pricing)?,
            r.capacity,
            schedule,
            to_json(&r.visibility)?,
            server_version.map(|v| v as i64),
            owner.map(|o| o.to_string()),
            area.gu,
            area.dong,
        ])?;
        Ok(())
    }

    pub fn delete_shown(&self, id: ResourceId) -> Result<()> {
        self.prepare_cached("DELETE FROM resource WHERE id = ?1")?
            .execute([id.to_string()])?;
        Ok(())
    }

    pub fn copy(&self, id: ResourceId) -> Result<Option<Copy>> {
        let row: Option<(Option<i64>, Option<String>, Option<String>)> = self
            .prepare_cached("SELECT version, owner_id, body FROM server_resource WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        row.map(|(version, owner, body)| {
            Ok(Copy {
                version: version.map(|v| v as u64),
                owner: owner
                    .map(|o| o.parse())
                    .transpose()
                    .map_err(|e: uuid::Error| Error::CorruptRow {
                        id: id.to_string(),
                        detail: e.to_string(),
                    })?,
                body,
            })
        })
        .transpose()
    }

    pub fn put_copy(&self, id: ResourceId, copy: &Copy) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO server_resource (id, version, owner_id, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version,
                 owner_id = excluded.owner_id, body = excluded.body",
        )?
        .execute(params![
            id.to_string(),
            copy.version.map(|v| v as i64),
            copy.owner.map(|o| o.to_string()),
            copy.body,
        ])?;
        Ok(())
    }

    /// Keeps the server's version of `id` before a local change covers it (once: while
    /// changes are pending the copy is updated by pulls, never from the shown row).
    pub fn ensure_copy(&self, id: ResourceId) -> Result<()> {
        if self.copy(id)?.is_some() {
            return Ok(());
        }
        let copy = match self.shown(id)? {
            Some((version, owner)) => Copy {
                version,
                owner,
                body: Some(to_json(&self.store.get_resource(id)?)?),
            },
            None => Copy {
                version: None,
                owner: None,
                body: None,
            },
        };
        self.put_copy(id, &copy)
    }

    /// The newest pending change of `id`, if any.
    pub fn last_pending(&self, id: ResourceId) -> Result<Option<(ResourceChange, Option<u64>)>> {
        let row: Option<(String, String, String, Option<i64>)> = self
            .prepare_cached(
                "SELECT entry_id, name, args, base_version FROM outbox
                 WHERE record_id = ?1 AND status = 'pending' ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        row.map(|(entry, name, args, base)| {
            Ok((
                super::outbox::change_from(&entry, &name, &args)?,
                base.map(|b| b as u64),
            ))
        })
        .transpose()
    }

    /// Makes the shown row of `id` what it should be: the newest pending change on top of
    /// the server's copy; with nothing pending, the server's copy (which is then dropped).
    pub fn refresh_shown(&self, id: ResourceId) -> Result<()> {
        let copy = self.copy(id)?;
        match self.last_pending(id)? {
            Some((ResourceChange::Create { resource }, _)) => {
                self.put_shown(&resource, None, Some(self.account()?), false)
            }
            Some((ResourceChange::Update { resource }, _)) => {
                let owner = copy.and_then(|c| c.owner);
                self.put_shown(&resource, None, owner, false)
            }
            Some((ResourceChange::Retire { .. }, _)) => self.delete_shown(id),
            None => {
                let Some(copy) = copy else {
                    return Ok(());
                };
                match &copy.body {
                    Some(body) => {
                        let resource: Resource = from_json(&id.to_string(), body)?;
                        self.put_shown(&resource, copy.version, copy.owner, false)?;
                    }
                    None => self.delete_shown(id)?,
                }
                self.prepare_cached("DELETE FROM server_resource WHERE id = ?1")?
                    .execute([id.to_string()])?;
                Ok(())
            }
        }
    }
}

/// Upsert of a shown row, with an optional `WHERE` for the update.
macro_rules! put_shown_sql {
    ($condition:literal) => {
        concat!(
            "INSERT INTO resource (id, kind, name_ko, name_en, description_ko,
                description_en, lat, lon, address_ko, address_en, district_ko, district_en,
                neighborhood_ko, neighborhood_en, owner_name_ko, owner_name_en, pricing,
                capacity, schedule, visibility, server_version, owner_id, gu_code, dong_code)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_ko = excluded.name_ko,
                name_en = excluded.name_en, description_ko = excluded.description_ko,
                description_en = excluded.description_en, lat = excluded.lat,
                lon = excluded.lon, address_ko = excluded.address_ko,
                address_en = excluded.address_en, district_ko = excluded.district_ko,
                district_en = excluded.district_en, neighborhood_ko = excluded.neighborhood_ko,
                neighborhood_en = excluded.neighborhood_en,
                owner_name_ko = excluded.owner_name_ko, owner_name_en = excluded.owner_name_en,
                pricing = excluded.pricing, capacity = excluded.capacity,
                schedule = excluded.schedule, visibility = excluded.visibility,
                server_version = excluded.server_version, owner_id = excluded.owner_id,
                gu_code = excluded.gu_code, dong_code = excluded.dong_code ",
            $condition
        )
    };
}

const PUT_SHOWN: &str = put_shown_sql!("");

/// A row already showing a newer server version is kept (versions only move forward).
const PUT_SHOWN_IF_NEWER: &str = put_shown_sql!(
    "WHERE resource.server_version IS NULL OR excluded.server_version >= resource.server_version"
);
