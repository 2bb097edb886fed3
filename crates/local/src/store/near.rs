//! "Near me": resources within a radius of a point, nearest first.
//!
//! Three steps, so that a dense city reads few rows:
//!
//! 1. **Boxes.** The R*Tree `resource_rtree` (migration 0003) answers which resources lie
//!    in the bounding box of a circle ([`sharehub_core::geo_point::boxes_around`], computed
//!    on the same sphere as `geo::Haversine`). Only the R*Tree is read here: each entry is a
//!    tiny box (32-bit floats rounded outwards) around the resource's point, which gives a
//!    lower bound of its distance without reading the resource's row.
//! 2. **Nearest first.** Candidates are taken in order of that lower bound; for each, the
//!    row is read (lat/lon and the filters, by rowid) and the exact distance computed with
//!    `geo::Haversine`. This stops as soon as `limit` matches are known and the next lower
//!    bound is beyond the `limit`-th exact distance: no unread candidate can be nearer.
//! 3. **Widening.** The search starts within [`FIRST_RADIUS_M`] and doubles the radius until
//!    it has `limit` matches or reaches the asked radius. Every resource within radius `r`
//!    lies in the box of `r`, so the answer equals a search of the whole radius (the tests
//!    compare it with a scan of every row). Rows already read are not read again.
//!
//! While a first sync runs, the R*Tree is incomplete (`sync_state.boxes_pending`, migration
//! 0006; it is built when the pull ends): step 1 then reads the rows' points instead.
//!
//! The R*Tree is keyed by the resource's rowid, kept by triggers. SQLite's `VACUUM` may
//! renumber the rowids of a table without an `INTEGER PRIMARY KEY`: the store never runs
//! it, and whoever adds it must rebuild `resource_rtree` in the same step.

use std::collections::HashMap;

use geo::{Distance, Haversine, Point};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use sharehub_core::geo_point::boxes_around;
use sharehub_core::ipc::{NearQuery, NearbyResource, PriceChoice};
use sharehub_core::GeoPoint;

use super::resources::{from_ipc, read_summary, Conditions, Filters, SUMMARY_COLUMNS};
use super::Store;
use crate::error::Result;

/// The first radius looked at, in metres, when the asked radius is larger.
const FIRST_RADIUS_M: f64 = 125.0;

/// Slack on the lower bounds, in metres, against rounding.
const BOUND_SLACK_M: f64 = 0.01;

/// Great-circle distance in metres on the sphere the bounding boxes use.
pub(crate) fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

/// An R*Tree entry near the centre.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rowid: i64,
    /// No point of the entry's box is nearer than this.
    lower_bound_m: f64,
}

/// A resource that matches the filters, with its exact distance.
#[derive(Debug, Clone, Copy)]
struct Match {
    rowid: i64,
    distance_m: f64,
}

impl Store {
    /// Resources within `query.radius_m` of `query.center` that match its filters, nearest
    /// first (ties by id), at most `query.limit`. A query that [`NearQuery::check`] refuses
    /// is refused with the same `Error::Invalid`.
    pub fn near(&self, query: &NearQuery) -> Result<Vec<NearbyResource>> {
        query.check().map_err(from_ipc)?;
        let filters = Conditions::for_filters(&Filters {
            kind: query.kind,
            text: query.text.as_deref(),
            area: query.area.as_deref(),
            price: if query.free_only {
                PriceChoice::Free
            } else {
                PriceChoice::Any
            },
            open_at: query.open_at,
        })?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        // One read transaction: every step sees the same snapshot.
        let tx = self.conn.unchecked_transaction()?;
        let mut exact = ExactDistances::new(self, query.center, &filters)?;
        let boxes_pending = super::rtree::boxes_pending(&self.conn)?;
        // Without the R*Tree every step is a scan of the rows: make it one.
        let mut radius = if boxes_pending {
            query.radius_m
        } else {
            query.radius_m.min(FIRST_RADIUS_M)
        };
        let matches = loop {
            let matches =
                self.nearest_within(query.center, radius, limit, boxes_pending, &mut exact)?;
            if matches.len() >= limit || radius >= query.radius_m {
                break matches;
            }
            radius = (radius * 2.0).min(query.radius_m);
        };
        drop(exact);
        let mut summary = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM resource AS r WHERE r.rowid = ?1"
        ))?;
        let mut nearby = Vec::with_capacity(matches.len());
        for m in matches {
            let summary = summary.query_row([m.rowid], |row| Ok(read_summary(row)))??;
            nearby.push(NearbyResource {
                summary,
                distance_m: m.distance_m,
            });
        }
        drop(summary);
        tx.commit()?;
        nearby.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then_with(|| a.summary.id.cmp(&b.summary.id))
        });
        nearby.truncate(limit);
        Ok(nearby)
    }

    /// The nearest matches within `radius_m`: all of them when fewer than `limit`, else the
    /// `limit` nearest plus any as near as the `limit`-th (so that ties can be broken by id).
    fn nearest_within(
        &self,
        center: GeoPoint,
        radius_m: f64,
        limit: usize,
        boxes_pending: bool,
        exact: &mut ExactDistances<'_>,
    ) -> Result<Vec<Match>> {
        let mut candidates = self.candidates(center, radius_m, boxes_pending)?;
        candidates.sort_by(|a, b| a.lower_bound_m.total_cmp(&b.lower_bound_m));
        // Sorted by distance; `matches[limit - 1]` is the bar the rest must reach.
        let mut matches: Vec<Match> = Vec::new();
        for candidate in candidates {
            if candidate.lower_bound_m > radius_m {
                break;
            }
            if matches.len() >= limit && candidate.lower_bound_m > matches[limit - 1].distance_m {
                break;
            }
            let Some(distance_m) = exact.get(candidate.rowid)? else {
                continue;
            };
            if distance_m <= radius_m {
                let at = matches.partition_point(|m| m.distance_m <= distance_m);
                matches.insert(
                    at,
                    Match {
                        rowid: candidate.rowid,
                        distance_m,
                    },
                );
            }
        }
        if let Some(bar) = matches.get(limit.saturating_sub(1)).map(|m| m.distance_m) {
            matches.retain(|m| m.distance_m <= bar);
        }
        Ok(matches)
    }

    /// The R*Tree entries in the boxes of the circle, with a lower bound of their distance.
    fn candidates(
        &self,
        center: GeoPoint,
        radius_m: f64,
        boxes_pending: bool,
    ) -> Result<Vec<Candidate>> {
        let boxes = boxes_around(center, radius_m);
        let mut stmt = self.conn.prepare_cached(if boxes_pending {
            // A first sync is writing rows without boxes (migration 0006): scan the rows,
            // each a box of one point.
            "SELECT rowid, lat, lat, lon, lon FROM resource
             WHERE lat >= ?1 AND lat <= ?2 AND lon >= ?3 AND lon <= ?4"
        } else {
            "SELECT id, min_lat, max_lat, min_lon, max_lon FROM resource_rtree
             WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4"
        })?;
        let mut found = Vec::new();
        for bounds in &boxes {
            let mut rows = stmt.query([
                bounds.min_lat,
                bounds.max_lat,
                bounds.min_lon,
                bounds.max_lon,
            ])?;
            while let Some(row) = rows.next()? {
                let (min_lat, max_lat): (f64, f64) = (row.get(1)?, row.get(2)?);
                let (min_lon, max_lon): (f64, f64) = (row.get(3)?, row.get(4)?);
                let middle = GeoPoint {
                    lat: (min_lat + max_lat) / 2.0,
                    lon: (min_lon + max_lon) / 2.0,
                };
                let corner = GeoPoint {
                    lat: max_lat,
                    lon: max_lon,
                };
                // Triangle inequality: no point of the box is nearer than this.
                let lower_bound_m =
                    distance_m(center, middle) - distance_m(middle, corner) - BOUND_SLACK_M;
                found.push(Candidate {
                    rowid: row.get(0)?,
                    lower_bound_m,
                });
            }
        }
        if boxes.len() > 1 {
            // Two boxes across the antimeridian: a resource is counted once.
            found.sort_by_key(|c| c.rowid);
            found.dedup_by_key(|c| c.rowid);
        }
        Ok(found)
    }
}

/// Reads candidates' rows: `Some(exact distance)` when the resource matches the filters.
/// Each row is read at most once per search, however often the radius widens.
struct ExactDistances<'s> {
    stmt: rusqlite::CachedStatement<'s>,
    center: GeoPoint,
    params: Vec<Value>,
    known: HashMap<i64, Option<f64>>,
}

impl<'s> ExactDistances<'s> {
    fn new(store: &'s Store, center: GeoPoint, filters: &Conditions) -> Result<Self> {
        let stmt = store.conn.prepare_cached(&format!(
            "SELECT r.lat, r.lon FROM resource AS r WHERE {} AND r.rowid = ?",
            filters.where_sql()
        ))?;
        let mut params = filters.params().to_vec();
        params.push(Value::Null); // the rowid, set for each read
        Ok(ExactDistances {
            stmt,
            center,
            params,
            known: HashMap::new(),
        })
    }

    fn get(&mut self, rowid: i64) -> Result<Option<f64>> {
        if let Some(known) = self.known.get(&rowid) {
            return Ok(*known);
        }
        if let Some(last) = self.params.last_mut() {
            *last = Value::Integer(rowid);
        }
        let mut rows = self.stmt.query(params_from_iter(self.params.iter()))?;
        let distance = match rows.next()? {
            Some(row) => Some(distance_m(
                self.center,
                GeoPoint {
                    lat: row.get(0)?,
                    lon: row.get(1)?,
                },
            )),
            None => None,
        };
        self.known.insert(rowid, distance);
        Ok(distance)
    }
}
