//! Map tiles a person has seen, kept on the device so the streets they know still show
//! offline. Bounded in bytes; the least recently used tiles go first.
//!
//! The tiles live in their own SQLite file (`tiles.db` next to the device database), not
//! in the store: they are a disposable cache of up to 100 MB of images that must not grow
//! the synced data's file, its WAL or its backups, and the map's tile requests must not
//! wait behind the store's queries. Its schema is versioned by `user_version`; a cache of
//! another version is emptied and started again (nothing in it is anyone's data).

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::Result;

/// How much a device keeps: 100 MB, about 5,000 street tiles.
pub const DEFAULT_MAX_BYTES: u64 = 100 * 1024 * 1024;

const SCHEMA_VERSION: i64 = 1;

/// `used` (a counter, not a clock: ties and clock changes cannot reorder it) and `size`
/// come before the image, so the eviction index covers them and no image is read to total.
const SCHEMA: &str = "
    CREATE TABLE tile (
        source       TEXT NOT NULL,
        z            INTEGER NOT NULL,
        x            INTEGER NOT NULL,
        y            INTEGER NOT NULL,
        used         INTEGER NOT NULL,
        size         INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        bytes        BLOB NOT NULL,
        PRIMARY KEY (source, z, x, y)
    ) STRICT;
    CREATE INDEX tile_by_use ON tile (used, size);";

/// A tile's place in the tile pyramid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileKey {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// A kept tile: the image as the tile server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptTile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The device's tile cache (one connection; callers serialize access).
#[derive(Debug)]
pub struct TileCache {
    conn: Connection,
    max_bytes: u64,
}

impl TileCache {
    /// Opens (creating if needed) the cache at `path`, keeping at most `max_bytes` of tiles.
    pub fn open(path: &Path, max_bytes: u64) -> Result<TileCache> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; DROP TABLE IF EXISTS tile; {SCHEMA}
                 PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))?;
        }
        Ok(TileCache { conn, max_bytes })
    }

    /// The kept tile of `source` (the tile server's URL template) at `key`, marked as just
    /// used.
    pub fn get(&mut self, source: &str, key: TileKey) -> Result<Option<KeptTile>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let tile = tx
            .prepare_cached(
                "SELECT content_type, bytes FROM tile
                 WHERE source = ?1 AND z = ?2 AND x = ?3 AND y = ?4",
            )?
            .query_row(params![source, key.z, key.x, key.y], |r| {
                Ok(KeptTile {
                    content_type: r.get(0)?,
                    bytes: r.get(1)?,
                })
            })
            .optional()?;
        if tile.is_some() {
            tx.prepare_cached(
                "UPDATE tile SET used = (SELECT coalesce(max(used), 0) + 1 FROM tile)
                 WHERE source = ?1 AND z = ?2 AND x = ?3 AND y = ?4",
            )?
            .execute(params![source, key.z, key.x, key.y])?;
        }
        tx.commit()?;
        Ok(tile)
    }

    /// Keeps `tile` as the newest used, then lets the least recently used tiles go until
    /// the cache holds at most its bound. A tile larger than the bound is not kept.
    pub fn put(&mut self, source: &str, key: TileKey, tile: &KeptTile) -> Result<()> {
        let size = tile.bytes.len() as u64;
        if size > self.max_bytes {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO tile (source, z, x, y, used, size, content_type, bytes)
             VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(used), 0) + 1 FROM tile), ?5, ?6, ?7)",
        )?
        .execute(params![
            source,
            key.z,
            key.x,
            key.y,
            size,
            tile.content_type,
            tile.bytes
        ])?;
        let mut kept: u64 = tx.query_row("SELECT total(size) FROM tile", [], |r| {
            r.get::<_, f64>(0).map(|t| t as u64)
        })?;
        if kept > self.max_bytes {
            let mut oldest = tx.prepare_cached("SELECT used, size FROM tile ORDER BY used")?;
            let mut rows = oldest.query([])?;
            let mut last_evicted = None;
            while kept > self.max_bytes {
                let Some(row) = rows.next()? else { break };
                let used: i64 = row.get(0)?;
                let size: u64 = row.get(1)?;
                kept = kept.saturating_sub(size);
                last_evicted = Some(used);
            }
            drop(rows);
            drop(oldest);
            if let Some(used) = last_evicted {
                tx.execute("DELETE FROM tile WHERE used <= ?1", [used])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Bytes of images kept.
    pub fn size_bytes(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT total(size) FROM tile", [], |r| r.get::<_, f64>(0))?
            as u64)
    }

    /// How many tiles are kept.
    pub fn len(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM tile", [], |r| r.get(0))?)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OSM: &str = "https://tile.example.org/{z}/{x}/{y}.png";

    fn tile(n: u8, size: usize) -> KeptTile {
        KeptTile {
            content_type: "image/png".into(),
            bytes: vec![n; size],
        }
    }

    fn key(x: u32) -> TileKey {
        TileKey {
            z: 15,
            x,
            y: 12_000,
        }
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound_and_lets_the_least_recently_used_go() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = TileCache::open(&dir.path().join("tiles.db"), 5_000).unwrap();
        for x in 0..5 {
            cache.put(OSM, key(x), &tile(x as u8, 1_000)).unwrap();
        }
        assert_eq!(cache.size_bytes().unwrap(), 5_000);
        // Tile 0 is seen again: now tile 1 is the least recently used.
        assert_eq!(cache.get(OSM, key(0)).unwrap(), Some(tile(0, 1_000)));
        cache.put(OSM, key(5), &tile(5, 1_000)).unwrap();
        assert_eq!(cache.size_bytes().unwrap(), 5_000);
        assert_eq!(cache.get(OSM, key(1)).unwrap(), None);
        for x in [0, 2, 3, 4, 5] {
            assert!(cache.get(OSM, key(x)).unwrap().is_some(), "tile {x}");
        }
        // A big tile pushes out as many old ones as it needs, oldest first.
        cache.put(OSM, key(6), &tile(6, 2_500)).unwrap();
        assert!(cache.size_bytes().unwrap() <= 5_000);
        assert_eq!(cache.len().unwrap(), 3);
        for gone in [0, 2, 3] {
            assert_eq!(cache.get(OSM, key(gone)).unwrap(), None, "tile {gone}");
        }
        for kept in [4, 5, 6] {
            assert!(cache.get(OSM, key(kept)).unwrap().is_some(), "tile {kept}");
        }
    }

    #[test]
    fn a_tile_larger_than_the_bound_is_not_kept_and_evicts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = TileCache::open(&dir.path().join("tiles.db"), 1_000).unwrap();
        cache.put(OSM, key(0), &tile(0, 600)).unwrap();
        cache.put(OSM, key(1), &tile(1, 1_001)).unwrap();
        assert_eq!(cache.get(OSM, key(1)).unwrap(), None);
        assert_eq!(cache.get(OSM, key(0)).unwrap(), Some(tile(0, 600)));
    }

    #[test]
    fn tiles_are_kept_per_source_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiles.db");
        let mut cache = TileCache::open(&path, DEFAULT_MAX_BYTES).unwrap();
        cache.put(OSM, key(7), &tile(7, 100)).unwrap();
        cache.put(OSM, key(7), &tile(8, 120)).unwrap();
        drop(cache);
        let mut cache = TileCache::open(&path, DEFAULT_MAX_BYTES).unwrap();
        assert_eq!(cache.get(OSM, key(7)).unwrap(), Some(tile(8, 120)));
        assert_eq!(cache.size_bytes().unwrap(), 120);
        assert_eq!(
            cache
                .get("https://other.example/{z}/{x}/{y}", key(7))
                .unwrap(),
            None
        );
    }
}
