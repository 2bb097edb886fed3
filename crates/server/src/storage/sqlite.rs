//! The SQLite backend: one file, zero set-up. WAL mode; one writer connection behind an
//! async mutex (every write transaction `BEGIN IMMEDIATE`), a few reader connections; all
//! SQLite calls run on tokio's blocking pool, never on the async workers. One file per noun
//! (`sqlite/accounts.rs`, …) implements that noun's storage trait.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::{ChangeNotifier, Storage};
use crate::error::{Error, Result};

mod accounts;
mod change_log;
mod reservations;
mod resources;
mod sessions;
mod stations;

/// Append-only, numbered migrations.
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("sqlite/0001_initial.sql")),
        M::up(include_str!("sqlite/0002_station_status.sql")),
        M::up(include_str!("sqlite/0003_change_audience.sql")),
        M::up(include_str!("sqlite/0004_resource_shown_place.sql")),
        M::up(include_str!("sqlite/0005_reservations.sql")),
    ])
});

/// Reader connections kept open.
const READERS: usize = 4;

pub struct SqliteStorage {
    path: PathBuf,
    writer: Arc<tokio::sync::Mutex<Connection>>,
    idle_readers: Arc<Mutex<Vec<Connection>>>,
    reader_permits: Arc<Semaphore>,
    changes: ChangeNotifier,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("path", &self.path)
            .finish()
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sessions, receipts and resource edits are confirmations people rely on.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStorage> {
        let path = path.to_path_buf();
        let opened = path.clone();
        let writer = tokio::task::spawn_blocking(move || -> Result<(Connection, u64)> {
            let mut conn = Connection::open(&opened).map_err(|e| Error::Config {
                detail: format!(
                    "cannot open or create the database file {}: {e}",
                    opened.display()
                ),
            })?;
            configure(&conn).map_err(|e| Error::Config {
                detail: format!(
                    "cannot use the database file {} (is it writable?): {e}",
                    opened.display()
                ),
            })?;
            MIGRATIONS.to_latest(&mut conn)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            resources::fill_shown_columns(&tx)?;
            tx.commit()?;
            let newest = newest_seq(&conn)?;
            Ok((conn, newest))
        })
        .await
        .map_err(Error::internal)??;
        let (writer, newest) = writer;
        Ok(SqliteStorage {
            path,
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            idle_readers: Arc::new(Mutex::new(Vec::new())),
            reader_permits: Arc::new(Semaphore::new(READERS)),
            changes: ChangeNotifier::new(newest),
        })
    }

    /// Runs `f` on a reader connection, on the blocking pool.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .reader_permits
            .acquire()
            .await
            .map_err(Error::internal)?;
        let idle = self.idle_readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let taken = idle.lock().map_err(Error::internal)?.pop();
            let conn = match taken {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_timeout(Duration::from_secs(5))?;
                    conn
                }
            };
            let value = f(&conn);
            idle.lock().map_err(Error::internal)?.push(conn);
            value
        })
        .await
        .map_err(Error::internal)?
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the one writer connection; after the
    /// commit, publishes the change log's newest `seq`.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let mut conn = self.writer.clone().lock_owned().await;
        let changes = self.changes.clone();
        tokio::task::spawn_blocking(move || {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            let newest = newest_seq(&tx)?;
            tx.commit()?;
            // `synchronous=FULL`: the commit is durable here.
            changes.publish(newest);
            Ok(value)
        })
        .await
        .map_err(Error::internal)?
    }
}

/// A write transaction, for the shared mutation loop's transaction traits.
pub(crate) struct SqliteTx<'a> {
    pub tx: &'a rusqlite::Transaction<'a>,
}

/// The newest `seq` in the change log (the newest change of a record is always kept, so
/// the largest stored `seq` is the last one handed out).
pub(crate) fn newest_seq(conn: &Connection) -> Result<u64> {
    let seq: i64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM change")?
        .query_row([], |row| row.get(0))?;
    Ok(seq as u64)
}

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::corrupt(format!("stored id {text:?}: {e}")))
}

pub(crate) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[async_trait]
impl Storage for SqliteStorage {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        self.read(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
