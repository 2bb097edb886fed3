//! Writing many rows without the R*Tree triggers of migration 0003, and keeping
//! `resource_rtree` right all the same.
//!
//! - [`write_with_boxes`]: a batch of rows written with the connection's triggers off, then
//!   the boxes of the rows it names replaced in two statements. With a trigger on the table,
//!   SQLite keeps a statement journal (a copy of every page each row touches) for each row.
//! - [`rebuild`]: the whole R*Tree from every row at once, for the end of a first sync:
//!   packed bottom-up (Sort-Tile-Recursive) and written straight into the R*Tree's shadow
//!   tables, instead of one `INSERT` per row (about 4.5 µs each, nearly half of applying a
//!   first sync).
//!
//! The shadow tables are SQLite's documented, stable R*Tree file format (`%_node`,
//! `%_rowid`, `%_parent`; a node is a blob: depth (root only) and cell count as big-endian
//! 16-bit integers, then cells of a big-endian 64-bit id and the box as big-endian 32-bit
//! floats, min/max of each dimension). Boxes are rounded outwards from the point exactly as
//! the R*Tree's own `INSERT` rounds them. `rtreecheck` checks the result in the tests.

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection};

use crate::error::Result;

/// Turns a connection's triggers off until dropped (also on an error or a panic, before
/// the transaction rolls back). `SQLITE_DBCONFIG_ENABLE_TRIGGER` is that connection's
/// alone and never stored; toggling it expires the connection's prepared statements, so
/// none keeps the other setting.
pub(crate) struct TriggersOff<'a> {
    conn: &'a Connection,
}

impl<'a> TriggersOff<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Result<TriggersOff<'a>> {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff { conn })
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        if let Err(e) = self
            .conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)
        {
            // Cannot fail for a valid option; never go on silently without triggers.
            panic!("could not turn the database triggers back on: {e}");
        }
    }
}

/// Runs `write` (inserts, upserts, deletes of `resource` rows whose ids are all in `ids`, a
/// JSON array from [`ids_json`]) with the connection's triggers off, then puts the R*Tree
/// right: the boxes of those ids' rows before `write` go, and each of those rows that
/// exists after it gets its box. A rowid a deleted row frees can only be taken by a row
/// `write` inserts, whose id is in `ids`, so no other box can be wrong. Call it inside the
/// caller's write transaction.
pub(crate) fn write_with_boxes<T>(
    conn: &Connection,
    ids: &str,
    write: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let _untriggered = TriggersOff::new(conn)?;
    conn.prepare_cached(
        "DELETE FROM resource_rtree WHERE id IN
             (SELECT rowid FROM resource WHERE id IN (SELECT value FROM json_each(?1)))",
    )?
    .execute([ids])?;
    let value = write()?;
    conn.prepare_cached(
        "INSERT INTO resource_rtree (id, min_lat, max_lat, min_lon, max_lon)
             SELECT rowid, lat, lat, lon, lon FROM resource
             WHERE id IN (SELECT value FROM json_each(?1))",
    )?
    .execute([ids])?;
    Ok(value)
}

/// Record ids as a JSON array of their text form (as `resource.id` stores them).
/// Whether a first sync is writing rows without their boxes (migration 0006): until it ends,
/// the R*Tree misses rows and "near me" scans the rows instead.
pub(crate) fn boxes_pending(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT boxes_pending FROM sync_state WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

pub(crate) fn ids_json(ids: impl IntoIterator<Item = uuid::Uuid>) -> String {
    let mut json = String::from("[");
    for (n, id) in ids.into_iter().enumerate() {
        if n > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(
            id.hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer()),
        );
        json.push('"');
    }
    json.push(']');
    json
}

/// Bytes of one cell: the id and two dimensions of (min, max) as 32-bit floats.
const CELL_BYTES: usize = 8 + 4 * 4;

/// SQLite's own limit on the cells of one R*Tree node (`RTREE_MAXCELLS`).
const MAX_CELLS: usize = 51;

/// One cell: a resource's box (leaves) or a child node's bounding box (above).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    id: i64,
    min_lat: f32,
    max_lat: f32,
    min_lon: f32,
    max_lon: f32,
}

impl Cell {
    fn around(id: i64, lat: f64, lon: f64) -> Cell {
        Cell {
            id,
            min_lat: round_down(lat),
            max_lat: round_up(lat),
            min_lon: round_down(lon),
            max_lon: round_up(lon),
        }
    }

    fn middle(&self) -> (f32, f32) {
        (
            (self.min_lat + self.max_lat) / 2.0,
            (self.min_lon + self.max_lon) / 2.0,
        )
    }

    /// The bounding box of `cells` (not empty), as the cell of node `id`.
    fn bounding(id: i64, cells: &[Cell]) -> Cell {
        let mut b = Cell {
            id,
            min_lat: f32::INFINITY,
            max_lat: f32::NEG_INFINITY,
            min_lon: f32::INFINITY,
            max_lon: f32::NEG_INFINITY,
        };
        for c in cells {
            b.min_lat = b.min_lat.min(c.min_lat);
            b.max_lat = b.max_lat.max(c.max_lat);
            b.min_lon = b.min_lon.min(c.min_lon);
            b.max_lon = b.max_lon.max(c.max_lon);
        }
        b
    }
}

/// SQLite's `RNDTOWARDS` and `RNDAWAY` (rtree.c).
const ROUND_TOWARDS: f64 = 1.0 - 1.0 / 8_388_608.0;
const ROUND_AWAY: f64 = 1.0 + 1.0 / 8_388_608.0;

/// As rtree.c's `rtreeValueDown`: a float no larger than `d`.
fn round_down(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) > d {
        (d * if d < 0.0 { ROUND_AWAY } else { ROUND_TOWARDS }) as f32
    } else {
        f
    }
}

/// As rtree.c's `rtreeValueUp`: a float no smaller than `d`.
fn round_up(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) < d {
        (d * if d < 0.0 { ROUND_TOWARDS } else { ROUND_AWAY }) as f32
    } else {
        f
    }
}

/// Replaces `resource_rtree` with a tree of one box per `resource` row. Run it inside the
/// caller's write transaction; the R*Tree is complete when that commits.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    let node_bytes: i64 = conn.query_row(
        "SELECT length(data) FROM resource_rtree_node WHERE nodeno = 1",
        [],
        |r| r.get(0),
    )?;
    let node_bytes = usize::try_from(node_bytes).unwrap_or(0);
    let per_node = (node_bytes.saturating_sub(4) / CELL_BYTES).min(MAX_CELLS);
    if per_node < 3 {
        // Not a tree this code knows how to write: let the R*Tree insert row by row.
        return rebuild_row_by_row(conn);
    }
    let mut level: Vec<Cell> = conn
        .prepare("SELECT rowid, lat, lon FROM resource")?
        .query_map([], |r| Ok(Cell::around(r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    conn.execute_batch(
        "DELETE FROM resource_rtree_node;
         DELETE FROM resource_rtree_rowid;
         DELETE FROM resource_rtree_parent;",
    )?;
    let mut write_node =
        conn.prepare("INSERT INTO resource_rtree_node (nodeno, data) VALUES (?1, ?2)")?;
    let mut write_parent =
        conn.prepare("INSERT INTO resource_rtree_parent (nodeno, parentnode) VALUES (?1, ?2)")?;
    // (resource rowid, leaf), written sorted by rowid at the end: appends to the table.
    let mut leaf_of: Vec<(i64, i64)> = Vec::with_capacity(level.len());
    let mut next_node: i64 = 2;
    let mut depth: u16 = 0;
    while level.len() > per_node {
        let mut parents = Vec::with_capacity(level.len() / per_node + 1);
        for group in tiles(&mut level, per_node) {
            let node = next_node;
            next_node += 1;
            write_node.execute(params![node, node_blob(node_bytes, 0, group)])?;
            for cell in group {
                if depth == 0 {
                    leaf_of.push((cell.id, node));
                } else {
                    write_parent.execute(params![cell.id, node])?;
                }
            }
            parents.push(Cell::bounding(node, group));
        }
        level = parents;
        depth += 1;
    }
    write_node.execute(params![1, node_blob(node_bytes, depth, &level)])?;
    for cell in &level {
        if depth == 0 {
            leaf_of.push((cell.id, 1));
        } else {
            write_parent.execute(params![cell.id, 1])?;
        }
    }
    leaf_of.sort_unstable();
    let mut write_rowid =
        conn.prepare("INSERT INTO resource_rtree_rowid (rowid, nodeno) VALUES (?1, ?2)")?;
    for (rowid, node) in leaf_of {
        write_rowid.execute(params![rowid, node])?;
    }
    Ok(())
}

/// The slow way, through the R*Tree itself.
fn rebuild_row_by_row(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM resource_rtree;
         INSERT INTO resource_rtree (id, min_lat, max_lat, min_lon, max_lon)
             SELECT rowid, lat, lat, lon, lon FROM resource;",
    )?;
    Ok(())
}

/// Sort-Tile-Recursive: orders `cells` into vertical slices by longitude, each by latitude,
/// and cuts them into groups of at most `per_node` neighbours, as even as possible.
fn tiles(cells: &mut [Cell], per_node: usize) -> Vec<&[Cell]> {
    let nodes = cells.len().div_ceil(per_node);
    let slices = (nodes as f64).sqrt().ceil().max(1.0) as usize;
    cells.sort_unstable_by(|a, b| a.middle().1.total_cmp(&b.middle().1));
    let mut slice_ranges = Vec::with_capacity(slices);
    for k in 0..slices {
        let (from, to) = (k * cells.len() / slices, (k + 1) * cells.len() / slices);
        cells[from..to].sort_unstable_by(|a, b| a.middle().0.total_cmp(&b.middle().0));
        slice_ranges.push((from, to));
    }
    let cells: &[Cell] = cells;
    let mut groups = Vec::with_capacity(nodes);
    for (from, to) in slice_ranges {
        let slice = &cells[from..to];
        let count = slice.len().div_ceil(per_node);
        for k in 0..count {
            let (a, b) = (k * slice.len() / count, (k + 1) * slice.len() / count);
            groups.push(&slice[a..b]);
        }
    }
    groups
}

/// One node as the R*Tree stores it.
fn node_blob(node_bytes: usize, depth: u16, cells: &[Cell]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(node_bytes);
    blob.extend_from_slice(&depth.to_be_bytes());
    blob.extend_from_slice(&(cells.len() as u16).to_be_bytes());
    for c in cells {
        blob.extend_from_slice(&c.id.to_be_bytes());
        for v in [c.min_lat, c.max_lat, c.min_lon, c.max_lon] {
            blob.extend_from_slice(&v.to_bits().to_be_bytes());
        }
    }
    blob.resize(node_bytes, 0);
    blob
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn store_with_points(points: &[(f64, f64)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.db")).unwrap();
        let mut insert = store
            .connection()
            .prepare(
                "INSERT INTO resource (id, kind, name_ko, name_en, description_ko,
                     description_en, lat, lon, address_ko, address_en, district_ko,
                     district_en, neighborhood_ko, neighborhood_en, owner_name_ko,
                     owner_name_en, pricing, visibility)
                 VALUES (?1, 'tool', '', '', '', '', ?2, ?3, '', '', '', '', '', '', '', '',
                     '{\"type\":\"free\"}', '{\"type\":\"public\"}')",
            )
            .unwrap();
        for (n, (lat, lon)) in points.iter().enumerate() {
            insert.execute(params![format!("r{n}"), lat, lon]).unwrap();
        }
        drop(insert);
        (dir, store)
    }

    /// Writes here turn every trigger off and do the R*Tree triggers' work themselves. A
    /// migration that adds another trigger must teach [`write_with_boxes`] and [`rebuild`]
    /// its work too, or batch writes and first syncs would silently skip it.
    #[test]
    fn the_only_triggers_are_the_ones_this_module_stands_in_for() {
        let (_dir, store) = store_with_points(&[]);
        let mut names: Vec<String> = store
            .connection()
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        names.sort();
        assert_eq!(
            names,
            [
                "resource_rtree_after_delete",
                "resource_rtree_after_insert",
                "resource_rtree_after_move",
            ],
            "a new trigger: make store/rtree.rs do its work when triggers are off"
        );
    }

    /// Every box as the R*Tree returns it, by id.
    fn boxes(store: &Store) -> Vec<(i64, f64, f64, f64, f64)> {
        store
            .connection()
            .prepare(
                "SELECT id, min_lat, max_lat, min_lon, max_lon FROM resource_rtree ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn check(store: &Store) -> String {
        store
            .connection()
            .query_row("SELECT rtreecheck('resource_rtree')", [], |r| r.get(0))
            .unwrap()
    }

    fn points(count: usize) -> Vec<(f64, f64)> {
        let mut state = 7_u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..count)
            .map(|_| (-89.0 + next() * 178.0, -179.0 + next() * 358.0))
            .collect()
    }

    #[test]
    fn a_built_tree_holds_the_same_boxes_as_one_the_triggers_made() {
        for count in [0, 1, 2, 50, 51, 52, 2_600, 3_000] {
            let (_dir, store) = store_with_points(&points(count));
            let by_triggers = boxes(&store);
            assert_eq!(by_triggers.len(), count);
            rebuild(store.connection()).unwrap();
            assert_eq!(check(&store), "ok", "{count} boxes");
            assert_eq!(boxes(&store), by_triggers, "{count} boxes");
        }
    }

    #[test]
    fn a_built_tree_answers_box_queries_and_takes_later_writes() {
        let (_dir, store) = store_with_points(&points(5_000));
        rebuild(store.connection()).unwrap();
        let conn = store.connection();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let in_box = "SELECT count(*) FROM resource_rtree
             WHERE max_lat >= 10 AND min_lat <= 30 AND max_lon >= -40 AND min_lon <= 20";
        let scanned = "SELECT count(*) FROM resource
             WHERE lat >= 10 AND lat <= 30 AND lon >= -40 AND lon <= 20";
        assert_eq!(count(in_box), count(scanned));
        assert!(count(in_box) > 0);
        // The triggers go on from the built tree: moves, deletes, inserts.
        conn.execute_batch(
            "UPDATE resource SET lat = 20, lon = 0 WHERE rowid % 7 = 0;
             DELETE FROM resource WHERE rowid % 5 = 0;
             INSERT INTO resource (id, kind, name_ko, name_en, description_ko, description_en,
                 lat, lon, address_ko, address_en, district_ko, district_en, neighborhood_ko,
                 neighborhood_en, owner_name_ko, owner_name_en, pricing, visibility)
             SELECT 'copy ' || id, kind, name_ko, name_en, description_ko, description_en,
                 lat / 2, lon / 2, address_ko, address_en, district_ko, district_en,
                 neighborhood_ko, neighborhood_en, owner_name_ko, owner_name_en, pricing,
                 visibility
             FROM resource WHERE rowid % 3 = 0;",
        )
        .unwrap();
        assert_eq!(check(&store), "ok");
        assert_eq!(count(in_box), count(scanned));
        assert_eq!(
            count("SELECT count(*) FROM resource_rtree"),
            count("SELECT count(*) FROM resource")
        );
    }

    /// Rows without exactly their box, plus boxes without a row.
    fn out_of_step(store: &Store) -> i64 {
        store
            .connection()
            .query_row(
                "SELECT (SELECT count(*) FROM resource AS r
                     LEFT JOIN resource_rtree AS t ON t.id = r.rowid
                     WHERE t.id IS NULL OR t.min_lat > r.lat OR t.max_lat < r.lat
                         OR t.min_lon > r.lon OR t.max_lon < r.lon)
                 + (SELECT count(*) FROM resource_rtree
                     WHERE id NOT IN (SELECT rowid FROM resource))",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn upserts_without_triggers_keep_every_row_boxed() {
        use sharehub_core::resource::Visibility;
        use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId};
        let resource = |n: u128, lat: f64, lon: f64| Resource {
            id: ResourceId(uuid::Uuid::from_u128(n)),
            kind: sharehub_core::ResourceKind::Tool,
            name: LocalizedText::new("공구", "tool"),
            description: LocalizedText::new("설명", "description"),
            location: GeoPoint { lat, lon },
            address: LocalizedText::new("주소", "address"),
            district: LocalizedText::new("마포구", "Mapo-gu"),
            neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
            owner_name: LocalizedText::new("이웃", "neighbour"),
            pricing: Pricing::Free,
            capacity: None,
            schedule: None,
            visibility: Visibility::Public,
        };
        let (_dir, mut store) = store_with_points(&points(100));
        let first: Vec<_> = (1..=300)
            .map(|n| resource(n, 37.0 + n as f64 / 1000.0, 127.0))
            .collect();
        store.upsert_resources(&first).unwrap();
        assert_eq!(out_of_step(&store), 0);
        // Replaced rows get new rowids; an id twice in one batch; new ids.
        let mut second: Vec<_> = (200..=400)
            .map(|n| resource(n, 36.0, 126.0 + n as f64 / 1000.0))
            .collect();
        second.push(resource(250, 35.5, 125.5));
        store.upsert_resources(&second).unwrap();
        assert_eq!(out_of_step(&store), 0);
        assert_eq!(check(&store), "ok");
        assert_eq!(store.count_resources().unwrap(), 500);
        // The triggers are back on for the next writer.
        store
            .connection()
            .execute("DELETE FROM resource WHERE rowid % 2 = 0", [])
            .unwrap();
        assert_eq!(out_of_step(&store), 0);
    }

    #[test]
    fn rounding_is_outwards_like_the_rtree() {
        // (Like rtree.c, this is not outwards for subnormal floats; no coordinate is one.)
        for d in [
            37.5665,
            -37.5665,
            126.978,
            -0.1,
            0.0,
            1e-30,
            89.999_999_9,
            -180.0,
        ] {
            assert!(f64::from(round_down(d)) <= d, "{d}");
            assert!(f64::from(round_up(d)) >= d, "{d}");
        }
    }
}
