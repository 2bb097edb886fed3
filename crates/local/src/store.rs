//! The SQLite store: opening, pragmas and migrations. Queries live in the submodules.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::error::Result;

pub(crate) mod areas;
pub mod bookings;
mod map_view;
mod near;
mod opening_hours;
mod resources;
pub(crate) mod rtree;
mod settings;
mod stations;
pub mod tile_cache;

/// Append-only, numbered migrations. Never edit or reorder an entry that has shipped;
/// add a new file instead. `tests/migrations.rs` checks that an old database upgraded
/// step by step has exactly the schema of a fresh install.
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("store/migrations/0001_resources.sql")),
        M::up(include_str!(
            "store/migrations/0002_settings_and_search.sql"
        )),
        M::up_with_hook(
            include_str!("store/migrations/0003_areas_and_near.sql"),
            areas::fill_area_codes,
        ),
        M::up(include_str!("store/migrations/0004_sync.sql")),
        M::up(include_str!("store/migrations/0005_station_status.sql")),
        M::up(include_str!("store/migrations/0006_boxes_after_pull.sql")),
        M::up(include_str!("store/migrations/0007_sync_many_kinds.sql")),
        M::up(include_str!("store/migrations/0008_bookings.sql")),
    ])
});

/// Number of migrations this build knows: the newest schema version.
pub const MIGRATIONS_COUNT: usize = 8;

/// One connection to the device's database file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_at_version(path, MIGRATIONS_COUNT)
    }

    /// Opens the database and migrates it only up to `version`: for migration tests.
    #[doc(hidden)]
    pub fn open_at_version(path: &Path, version: usize) -> Result<Store> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        MIGRATIONS.to_version(&mut conn, version)?;
        Ok(Store { conn })
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so
    /// a concurrent writer waits (busy timeout) instead of failing half-way.
    fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The schema as SQLite stores it (`sqlite_schema`), sorted: for migration tests.
    #[doc(hidden)]
    pub fn schema_dump(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_schema
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound database file.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Direct access for tests that need to shape a database by hand.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The JSON the store keeps in a text column (pricing, schedule, visibility, sync's copies
/// and outbox arguments).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| crate::Error::Invalid {
        field: "json".into(),
        problem: e.to_string(),
    })
}

/// A record id as stored (text), back to a [`sharehub_core::ResourceId`].
pub(crate) fn parse_id(id: &str) -> Result<sharehub_core::ResourceId> {
    id.parse()
        .map_err(|e: uuid::Error| crate::Error::CorruptRow {
            id: id.to_owned(),
            detail: e.to_string(),
        })
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // The delete half of an `INSERT OR REPLACE` fires delete triggers only with this on;
    // the R*Tree of migration 0003 relies on them.
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    opening_hours::register(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
        let mut conn = Connection::open_in_memory().unwrap();
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(
            version, MIGRATIONS_COUNT,
            "MIGRATIONS_COUNT must equal the number of migrations"
        );
    }

    #[test]
    fn opens_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.db")).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), fk), ("wal", 1));
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
