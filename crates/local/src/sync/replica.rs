//! [`SyncStore`]: the sync side of the device database. It owns one connection (with
//! `synchronous=FULL`: an enqueued change or a recorded answer survives power loss) and
//! keeps three things consistent in every transaction: the rows the app shows (each kind's
//! table, `resource`, …), the server's copy of records with pending changes (`server_copy`)
//! and the outbox. This file is the ground floor: the connection, its transactions and the
//! sync state row; the kinds, copies, outbox and pull build on it.

use std::path::Path;

use rusqlite::{Transaction, TransactionBehavior};
use sharehub_core::wire::AccountId;
use sharehub_core::Resource;

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

pub(crate) fn account_in(conn: &rusqlite::Connection) -> Result<Option<AccountId>> {
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
}
