//! The map at city scale: the filtered set inside the map's box, clustered on a grid of
//! screen cells, so the map never loads a city's every row.
//!
//! - **Box.** The R*Tree (`resource_rtree`, migration 0003) answers which rows lie in the
//!   box; the rows' exact points and the list's filters (`Conditions`) decide. While a
//!   first sync is writing rows without boxes (`boxes_pending`) the rows are scanned
//!   instead: the same answer, slower.
//! - **Grid.** Cells are [`CELL_PX`] screen pixels of the Web Mercator world at the view's
//!   zoom, fixed to the world and not to the view, so a pan keeps every cluster that stays
//!   on screen where it was. With at most [`MARKERS_MAX`] resources in view (or from zoom
//!   [`ALL_MARKERS_ZOOM`]) every one is a marker; otherwise each cell with more than one
//!   resource is a cluster and a lone one stays a marker.
//! - **Total.** The count of the whole filtered set uses the same `Conditions` as the list's
//!   `resource_page`, in the same read transaction as the view, so the map and the list say
//!   the same number.

use std::collections::HashMap;

use rusqlite::params_from_iter;
use rusqlite::types::Value;
use sharehub_core::ipc::{MapBox, MapCells, MapCluster, MapViewArgs};

use super::resources::{from_ipc, read_summary, Conditions, Filters, SUMMARY_COLUMNS};
use super::Store;
use crate::error::Result;

/// The side of a cluster's cell, in screen pixels.
pub const CELL_PX: f64 = 60.0;
/// Most resources in view that are all shown as markers.
pub const MARKERS_MAX: usize = 300;
/// From this zoom on (a street or two), every resource in view is a marker.
pub const ALL_MARKERS_ZOOM: u8 = 17;

/// A resource in view: its rowid and exact point.
#[derive(Debug, Clone, Copy)]
struct Point {
    rowid: i64,
    lat: f64,
    lon: f64,
}

impl Store {
    /// The resources matching `args.query` inside `args.view`, as markers or clusters for
    /// `args.zoom`, with the filtered set's total (and extent when asked).
    pub fn map_view(&self, args: &MapViewArgs) -> Result<MapCells> {
        args.check().map_err(from_ipc)?;
        let filters = Conditions::for_filters(&Filters::of(&args.query))?;
        // One read transaction: the total, the view and the markers see the same rows.
        let tx = self.conn.unchecked_transaction()?;
        let boxes_pending = super::rtree::boxes_pending(&self.conn)?;
        let (total, extent) = self.total_and_extent(&filters, args.extent, boxes_pending)?;
        let points = self.points_in(&filters, args.view, boxes_pending)?;
        let (marker_rows, clusters) = cluster(&points, args.zoom);
        let mut summary = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM resource AS r WHERE r.rowid = ?1"
        ))?;
        let mut markers = Vec::with_capacity(marker_rows.len());
        for rowid in marker_rows {
            markers.push(summary.query_row([rowid], |row| Ok(read_summary(row)))??);
        }
        drop(summary);
        tx.finish()?;
        Ok(MapCells {
            total,
            in_view: points.len() as u64,
            markers,
            clusters,
            extent,
        })
    }

    fn total_and_extent(
        &self,
        filters: &Conditions,
        with_extent: bool,
        boxes_pending: bool,
    ) -> Result<(u64, Option<MapBox>)> {
        if !with_extent || (filters.is_empty() && !boxes_pending) {
            let total = self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM resource AS r WHERE {}",
                    filters.where_sql()
                ))?
                .query_row(params_from_iter(filters.params()), |r| r.get(0))?;
            if !with_extent {
                return Ok((total, None));
            }
            // Every row: the R*Tree's boxes hold every point (rounded outwards), and reading
            // them is a fraction of reading the rows.
            let extent = self.conn.query_row(
                "SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM resource_rtree",
                [],
                |r| Ok(map_box(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            return Ok((total, extent));
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT count(*), min(r.lat), min(r.lon), max(r.lat), max(r.lon)
             FROM resource AS r WHERE {}",
            filters.where_sql()
        ))?;
        Ok(stmt.query_row(params_from_iter(filters.params()), |r| {
            let total: u64 = r.get(0)?;
            Ok((total, map_box(r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })?)
    }

    /// Rowid and point of every matching resource inside `view`, by rowid.
    ///
    /// Which resources are inside is decided on their exact points; without filters the
    /// R*Tree alone answers (no row is read): a box wholly inside or outside the view says
    /// where its point is, and only a box the view's edge crosses (its point within float
    /// rounding of the edge) reads its row. The point of a box is its middle, off by at
    /// most a 32-bit float's rounding (under a metre): enough for a cluster's place.
    /// With filters the rows must be read: by rowid from the R*Tree's hits when they are
    /// few, else in one scan of the table (a view of most of the city).
    fn points_in(
        &self,
        filters: &Conditions,
        view: MapBox,
        boxes_pending: bool,
    ) -> Result<Vec<Point>> {
        if boxes_pending {
            return self.rows_in(filters, view, RowsBy::Scan);
        }
        let boxes = self.boxes_in(view)?;
        if !filters.is_empty() {
            let rows: u64 = self
                .conn
                .prepare_cached("SELECT count(*) FROM resource")?
                .query_row([], |r| r.get(0))?;
            let by = if boxes.len() as u64 * SCAN_FRACTION > rows {
                RowsBy::Scan
            } else {
                RowsBy::Rtree
            };
            return self.rows_in(filters, view, by);
        }
        let mut exact = self
            .conn
            .prepare_cached("SELECT lat, lon FROM resource WHERE rowid = ?1")?;
        let mut points = Vec::with_capacity(boxes.len());
        for b in boxes {
            let inside = view.south <= b.min_lat
                && b.max_lat <= view.north
                && view.west <= b.min_lon
                && b.max_lon <= view.east;
            let point = if inside {
                Some(Point {
                    rowid: b.rowid,
                    lat: (b.min_lat + b.max_lat) / 2.0,
                    lon: (b.min_lon + b.max_lon) / 2.0,
                })
            } else {
                let (lat, lon): (f64, f64) =
                    exact.query_row([b.rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                view.contains(lat, lon).then_some(Point {
                    rowid: b.rowid,
                    lat,
                    lon,
                })
            };
            points.extend(point);
        }
        points.sort_unstable_by_key(|p| p.rowid);
        Ok(points)
    }

    /// The R*Tree's boxes that touch `view`.
    fn boxes_in(&self, view: MapBox) -> Result<Vec<RtreeBox>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, min_lat, max_lat, min_lon, max_lon FROM resource_rtree
             WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4",
        )?;
        let rows = stmt.query_map([view.south, view.north, view.west, view.east], |r| {
            Ok(RtreeBox {
                rowid: r.get(0)?,
                min_lat: r.get(1)?,
                max_lat: r.get(2)?,
                min_lon: r.get(3)?,
                max_lon: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Matching rows inside `view` with their exact points, read as `by` says.
    fn rows_in(&self, filters: &Conditions, view: MapBox, by: RowsBy) -> Result<Vec<Point>> {
        let exact = "r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?";
        let sql = match by {
            RowsBy::Scan => format!(
                "SELECT r.rowid, r.lat, r.lon FROM resource AS r WHERE {exact} AND {}",
                filters.where_sql()
            ),
            // CROSS JOIN: the R*Tree drives, each of its hits reads its row by rowid.
            RowsBy::Rtree => format!(
                "SELECT r.rowid, r.lat, r.lon FROM resource_rtree AS t
                 CROSS JOIN resource AS r ON r.rowid = t.id
                 WHERE t.max_lat >= ? AND t.min_lat <= ? AND t.max_lon >= ? AND t.min_lon <= ?
                   AND {exact} AND {}",
                filters.where_sql()
            ),
        };
        let corners = [view.south, view.north, view.west, view.east].map(Value::from);
        let boxes: Vec<&Value> = match by {
            RowsBy::Scan => corners.iter().collect(),
            RowsBy::Rtree => corners.iter().chain(corners.iter()).collect(),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params_from_iter(boxes.into_iter().chain(filters.params())),
            |r| {
                Ok(Point {
                    rowid: r.get(0)?,
                    lat: r.get(1)?,
                    lon: r.get(2)?,
                })
            },
        )?;
        let mut points = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        points.sort_unstable_by_key(|p| p.rowid);
        Ok(points)
    }
}

/// With filters, a view whose R*Tree hits are more than one in this many rows is read by a
/// scan of the table (reading rows one by one by rowid costs more from there on).
const SCAN_FRACTION: u64 = 5;

/// How the rows of a view are read.
#[derive(Debug, Clone, Copy)]
enum RowsBy {
    Scan,
    Rtree,
}

/// An R*Tree entry: a resource's point, as a box of 32-bit floats rounded outwards.
#[derive(Debug, Clone, Copy)]
struct RtreeBox {
    rowid: i64,
    min_lat: f64,
    max_lat: f64,
    min_lon: f64,
    max_lon: f64,
}

/// A box from SQL's `min`/`max` (NULL when no row matched).
fn map_box(
    south: Option<f64>,
    west: Option<f64>,
    north: Option<f64>,
    east: Option<f64>,
) -> Option<MapBox> {
    Some(MapBox {
        south: south?,
        west: west?,
        north: north?,
        east: east?,
    })
}

/// Position on the Web Mercator world of `zoom` (256 px tiles), in pixels.
fn world_px(lat: f64, lon: f64, zoom: u8) -> (f64, f64) {
    let size = 256.0 * 2f64.powi(i32::from(zoom));
    let x = (lon + 180.0) / 360.0 * size;
    // Web Mercator stops at ±85.0511°, as the map does.
    let phi = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// A cell's resources so far.
struct Cell {
    count: u64,
    sum_lat: f64,
    sum_lon: f64,
    bounds: MapBox,
    first: i64,
}

/// The rowids shown as markers, and the clusters (by cell, west to east, north to south).
fn cluster(points: &[Point], zoom: u8) -> (Vec<i64>, Vec<MapCluster>) {
    if points.len() <= MARKERS_MAX || zoom >= ALL_MARKERS_ZOOM {
        return (points.iter().map(|p| p.rowid).collect(), Vec::new());
    }
    let mut cells: HashMap<(i64, i64), Cell> = HashMap::new();
    for p in points {
        let (x, y) = world_px(p.lat, p.lon, zoom);
        let key = ((x / CELL_PX).floor() as i64, (y / CELL_PX).floor() as i64);
        let cell = cells.entry(key).or_insert(Cell {
            count: 0,
            sum_lat: 0.0,
            sum_lon: 0.0,
            bounds: MapBox {
                south: p.lat,
                west: p.lon,
                north: p.lat,
                east: p.lon,
            },
            first: p.rowid,
        });
        cell.count += 1;
        cell.sum_lat += p.lat;
        cell.sum_lon += p.lon;
        let b = &mut cell.bounds;
        b.south = b.south.min(p.lat);
        b.north = b.north.max(p.lat);
        b.west = b.west.min(p.lon);
        b.east = b.east.max(p.lon);
    }
    let mut markers = Vec::new();
    let mut clusters = Vec::new();
    let mut cells: Vec<((i64, i64), Cell)> = cells.into_iter().collect();
    cells.sort_unstable_by_key(|(key, _)| *key);
    for (_, cell) in cells {
        if cell.count == 1 {
            markers.push(cell.first);
        } else {
            clusters.push(MapCluster {
                lat: cell.sum_lat / cell.count as f64,
                lon: cell.sum_lon / cell.count as f64,
                count: cell.count,
                bounds: cell.bounds,
            });
        }
    }
    markers.sort_unstable();
    (markers, clusters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharehub_core::ipc::{ResourcePage, ResourceQuery};
    use sharehub_core::resource::Visibility;
    use sharehub_core::text::Language;
    use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};

    /// `n` resources on a deterministic scatter over central Seoul, every third a room.
    fn city(n: u64) -> Vec<Resource> {
        (0..n)
            .map(|i| {
                // A cheap deterministic scatter (Weyl sequence).
                let a = (i as f64 * 0.618_033_988_75).fract();
                let b = (i as f64 * 0.754_877_666_25).fract();
                let text = |s: &str| LocalizedText::new(format!("{s} {i}"), format!("{s} {i}"));
                Resource {
                    id: ResourceId::new_v7(),
                    kind: if i % 3 == 0 {
                        ResourceKind::Room
                    } else {
                        ResourceKind::Tool
                    },
                    name: text("물건"),
                    description: text("설명"),
                    location: GeoPoint {
                        lat: 37.45 + 0.2 * a,
                        lon: 126.85 + 0.3 * b,
                    },
                    address: text("주소"),
                    district: LocalizedText::new("마포구", "Mapo-gu"),
                    neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
                    owner_name: text("이웃"),
                    pricing: Pricing::Free,
                    capacity: None,
                    schedule: None,
                    visibility: Visibility::Public,
                }
            })
            .collect()
    }

    fn store_with(resources: &[Resource]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("map.db")).unwrap();
        store.upsert_resources(resources).unwrap();
        (dir, store)
    }

    const SEOUL: MapBox = MapBox {
        south: 37.4,
        west: 126.7,
        north: 37.7,
        east: 127.2,
    };

    fn args(query: ResourceQuery, view: MapBox, zoom: u8) -> MapViewArgs {
        MapViewArgs {
            query,
            view,
            zoom,
            extent: true,
        }
    }

    /// Markers and clusters account for exactly the resources in view, each once.
    fn assert_accounts_for(cells: &MapCells, expected_in_view: &[&Resource], view: MapBox) {
        assert_eq!(cells.in_view, expected_in_view.len() as u64);
        let clustered: u64 = cells.clusters.iter().map(|c| c.count).sum();
        assert_eq!(cells.markers.len() as u64 + clustered, cells.in_view);
        for m in &cells.markers {
            assert!(view.contains(m.location.lat, m.location.lon), "{m:?}");
            assert!(expected_in_view.iter().any(|r| r.id == m.id));
        }
        for c in &cells.clusters {
            assert!(c.count >= 2);
            let b = c.bounds;
            assert!(view.contains(b.south, b.west) && view.contains(b.north, b.east));
            assert!(b.contains(c.lat, c.lon), "{c:?}");
        }
    }

    #[test]
    fn a_city_view_is_clusters_that_account_for_every_resource_and_the_total_is_the_lists() {
        let resources = city(3000);
        let (_dir, store) = store_with(&resources);
        for (query, view, zoom) in [
            (ResourceQuery::default(), SEOUL, 11),
            (ResourceQuery::default(), SEOUL, 13),
            (
                ResourceQuery {
                    kind: Some(ResourceKind::Room),
                    ..Default::default()
                },
                SEOUL,
                12,
            ),
            (
                ResourceQuery::default(),
                MapBox {
                    south: 37.5,
                    west: 126.9,
                    north: 37.56,
                    east: 127.0,
                },
                13,
            ),
            // A filter on a small part of the city: rows read by rowid from the R*Tree.
            (
                ResourceQuery {
                    kind: Some(ResourceKind::Room),
                    ..Default::default()
                },
                MapBox {
                    south: 37.5,
                    west: 126.9,
                    north: 37.56,
                    east: 127.0,
                },
                13,
            ),
        ] {
            let cells = store.map_view(&args(query.clone(), view, zoom)).unwrap();
            let matching: Vec<&Resource> = resources
                .iter()
                .filter(|r| query.kind.is_none_or(|k| r.kind == k))
                .collect();
            let in_view: Vec<&Resource> = matching
                .iter()
                .copied()
                .filter(|r| view.contains(r.location.lat, r.location.lon))
                .collect();
            assert_accounts_for(&cells, &in_view, view);
            let ResourcePage { total, .. } =
                store.list_resources_page(&query, Language::Ko, 1).unwrap();
            assert_eq!(cells.total, total);
            assert_eq!(cells.total, matching.len() as u64);
            if in_view.len() > MARKERS_MAX {
                assert!(!cells.clusters.is_empty(), "zoom {zoom}: no clusters");
            }
            let extent = cells.extent.unwrap();
            assert!(matching
                .iter()
                .all(|r| extent.contains(r.location.lat, r.location.lon)));
        }
    }

    #[test]
    fn few_in_view_or_a_street_zoom_are_all_markers() {
        let resources = city(3000);
        let (_dir, store) = store_with(&resources);
        let small = MapBox {
            south: 37.50,
            west: 126.90,
            north: 37.505,
            east: 126.91,
        };
        let cells = store
            .map_view(&args(ResourceQuery::default(), small, 12))
            .unwrap();
        assert!(cells.in_view > 0 && cells.in_view as usize <= MARKERS_MAX);
        assert!(cells.clusters.is_empty());
        assert_eq!(cells.markers.len() as u64, cells.in_view);
        let street = store
            .map_view(&args(ResourceQuery::default(), SEOUL, ALL_MARKERS_ZOOM))
            .unwrap();
        assert_eq!(street.markers.len(), resources.len());
        assert!(street.clusters.is_empty());
    }

    #[test]
    fn a_pan_keeps_the_clusters_that_stay_in_view() {
        let (_dir, store) = store_with(&city(3000));
        let left = MapBox {
            south: 37.45,
            west: 126.85,
            north: 37.65,
            east: 127.05,
        };
        let right = MapBox {
            west: 126.9,
            east: 127.1,
            ..left
        };
        let a = store
            .map_view(&args(ResourceQuery::default(), left, 12))
            .unwrap();
        let b = store
            .map_view(&args(ResourceQuery::default(), right, 12))
            .unwrap();
        // A cluster whose resources lie where both views overlap, away from their edges,
        // is the same cluster in both.
        let inner = |c: &&MapCluster| c.bounds.west > 126.92 && c.bounds.east < 127.03;
        let same: Vec<&MapCluster> = a.clusters.iter().filter(inner).collect();
        assert!(!same.is_empty());
        for c in same {
            assert!(b.clusters.contains(c), "{c:?} moved");
        }
    }

    #[test]
    fn while_boxes_are_pending_the_rows_are_scanned_with_the_same_answer() {
        let (_dir, store) = store_with(&city(2000));
        let query = args(ResourceQuery::default(), SEOUL, 12);
        let with_tree = store.map_view(&query).unwrap();
        store
            .connection()
            .execute_batch(
                "INSERT OR IGNORE INTO sync_state (id) VALUES (1);
                 UPDATE sync_state SET boxes_pending = 1; DELETE FROM resource_rtree;",
            )
            .unwrap();
        let scanned = store.map_view(&query).unwrap();
        assert_eq!(
            (scanned.total, scanned.in_view, &scanned.markers),
            (with_tree.total, with_tree.in_view, &with_tree.markers)
        );
        assert_eq!(scanned.clusters.len(), with_tree.clusters.len());
        // The tree's points are its boxes' middles: within float rounding of the rows'.
        for (a, b) in scanned.clusters.iter().zip(&with_tree.clusters) {
            assert_eq!(a.count, b.count);
            assert!((a.lat - b.lat).abs() < 1e-5 && (a.lon - b.lon).abs() < 1e-5);
        }
    }

    #[test]
    fn a_bad_view_is_refused_with_its_field() {
        let (_dir, store) = store_with(&city(10));
        let upside_down = MapBox {
            south: 37.7,
            north: 37.4,
            ..SEOUL
        };
        let err = store
            .map_view(&args(ResourceQuery::default(), upside_down, 12))
            .unwrap_err();
        assert!(
            matches!(&err, crate::Error::Invalid { field, .. } if field == "view"),
            "{err:?}"
        );
    }
}
