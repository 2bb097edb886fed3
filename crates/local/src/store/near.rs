//! "Near me": resources within a radius of a point, nearest first.
//!
//! The R*Tree `resource_rtree` (migration 0003) answers which resources lie in the
//! bounding box of a circle ([`sharehub_core::geo_point::boxes_around`], computed on the
//! same sphere as `geo::Haversine`); the exact great-circle distance of each candidate is
//! then computed here with `geo::Haversine`, and only those within the radius count.
//!
//! The search widens in steps: it first looks within a small radius and doubles it until
//! it has `limit` matches or reaches the asked radius. Every resource within radius `r` lies
//! in the box of `r`, so once `limit` matches lie within `r`, nothing outside `r` can be
//! nearer than the `limit`-th: the answer equals a search of the whole radius, but a dense
//! city only reads the few candidates around the centre.

use geo::{Distance, Haversine, Point};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use sharehub_core::geo_point::boxes_around;
use sharehub_core::ipc::{NearQuery, NearbyResource};
use sharehub_core::GeoPoint;

use super::resources::{from_ipc, read_summary, Conditions, Filters, SUMMARY_COLUMNS};
use super::Store;
use crate::error::Result;

/// The first radius looked at, in metres, when the asked radius is larger.
const FIRST_RADIUS_M: f64 = 125.0;

/// A resource in a box, with its exact distance.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rowid: i64,
    distance_m: f64,
}

/// Great-circle distance in metres on the sphere the bounding boxes use.
pub(crate) fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

impl Store {
    /// Resources within `query.radius_m` of `query.center` that match its filters, nearest
    /// first (ties by id), at most `query.limit`. A query that
    /// [`NearQuery::check`] refuses is refused with the same `Error::Invalid`.
    pub fn near(&self, query: &NearQuery) -> Result<Vec<NearbyResource>> {
        query.check().map_err(from_ipc)?;
        let filters = Conditions::for_filters(&Filters {
            kind: query.kind,
            text: query.text.as_deref(),
            area: query.area.as_deref(),
            free_only: query.free_only,
        })?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        // One read transaction: both steps see the same snapshot.
        let tx = self.conn.unchecked_transaction()?;
        let mut radius = query.radius_m.min(FIRST_RADIUS_M);
        let mut found = loop {
            let found = self.within(query.center, radius, &filters)?;
            if found.len() >= limit || radius >= query.radius_m {
                break found;
            }
            radius = (radius * 2.0).min(query.radius_m);
        };
        found.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        // Everything as near as the `limit`-th, so that ties are broken by id below.
        if let Some(last) = found.get(limit.saturating_sub(1)).map(|c| c.distance_m) {
            found.retain(|c| c.distance_m <= last);
        }
        let mut summary = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM resource AS r WHERE r.rowid = ?1"
        ))?;
        let mut nearby = Vec::with_capacity(found.len());
        for candidate in found {
            let summary = summary.query_row([candidate.rowid], |row| Ok(read_summary(row)))??;
            nearby.push(NearbyResource {
                summary,
                distance_m: candidate.distance_m,
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

    /// The matching resources within `radius_m` of `center`, unordered.
    fn within(
        &self,
        center: GeoPoint,
        radius_m: f64,
        filters: &Conditions,
    ) -> Result<Vec<Candidate>> {
        let boxes = boxes_around(center, radius_m);
        let mut found = Vec::new();
        for bounds in &boxes {
            // CROSS JOIN keeps the R*Tree as the outer loop.
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT r.rowid, r.lat, r.lon
                 FROM resource_rtree AS t CROSS JOIN resource AS r ON r.rowid = t.id
                 WHERE t.max_lat >= ? AND t.min_lat <= ? AND t.max_lon >= ? AND t.min_lon <= ?
                   AND {}",
                filters.where_sql()
            ))?;
            let params = [
                Value::Real(bounds.min_lat),
                Value::Real(bounds.max_lat),
                Value::Real(bounds.min_lon),
                Value::Real(bounds.max_lon),
            ];
            let mut rows = stmt.query(params_from_iter(params.iter().chain(filters.params())))?;
            while let Some(row) = rows.next()? {
                let at = GeoPoint {
                    lat: row.get(1)?,
                    lon: row.get(2)?,
                };
                let distance_m = distance_m(center, at);
                if distance_m <= radius_m {
                    found.push(Candidate {
                        rowid: row.get(0)?,
                        distance_m,
                    });
                }
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
