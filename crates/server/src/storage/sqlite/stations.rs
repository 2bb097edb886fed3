//! Public-bike stations in SQLite: one refresh of a feed in one transaction, and the live
//! counts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sharehub_core::wire::StationLiveStatus;
use sharehub_core::ResourceId;

use super::resources::{put_resource, resource_in, retire_in};
use super::{parse_uuid, SqliteStorage};
use crate::error::Result;
use crate::feeds::ingest::{
    station_change, stations_to_retire, StationBatch, StationBatchResult, StationChange,
};
use crate::storage::resources::resource_json;
use crate::storage::{from_millis, from_millis_opt, millis, StationStore};

/// One refresh of a station feed inside a write transaction (see
/// [`StationStore::ingest_stations`]).
fn ingest_in(tx: &rusqlite::Transaction<'_>, batch: StationBatch) -> Result<StationBatchResult> {
    let newest_fetch: Option<i64> = tx
        .prepare_cached("SELECT max(fetched_at) FROM station_status")?
        .query_row([], |row| row.get(0))?;
    let fetched_at = millis(batch.fetched_at).max(newest_fetch.map_or(i64::MIN, |ms| ms + 1));
    // What this feed had before the refresh: `(station id, resource id)`.
    let known: Vec<(String, String)> = tx
        .prepare_cached("SELECT station_id, resource_id FROM station_status WHERE source = ?1")?
        .query_map([&batch.source], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let feed_last_updated = batch.feed_last_updated.map(millis);
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for station in &batch.stations {
        let id = station.resource.id.to_string();
        let body = resource_json(&station.resource)?;
        let stored: Option<(bool, String)> = tx
            .prepare_cached("SELECT retired, body FROM resource WHERE id = ?1")?
            .query_row([&id], |row| Ok((row.get::<_, i64>(0)? != 0, row.get(1)?)))
            .optional()?;
        let change = station_change(
            stored
                .as_ref()
                .map(|(retired, body)| (*retired, body.as_str())),
            &body,
        );
        match change {
            StationChange::Unchanged => unchanged += 1,
            StationChange::Create | StationChange::Update => {
                put_resource(tx, &station.resource, batch.owner_id)?;
                // A station back in the feed is live again (the upsert clears `retired`).
                if change == StationChange::Create {
                    created += 1;
                } else {
                    updated += 1;
                }
            }
        }
        let live = &station.live;
        tx.prepare_cached(
            "INSERT INTO station_status (resource_id, source, station_id, bikes_available,
                 docks_available, is_renting, is_returning, last_reported, feed_last_updated,
                 fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (resource_id) DO UPDATE SET bikes_available = excluded.bikes_available,
                 docks_available = excluded.docks_available, is_renting = excluded.is_renting,
                 is_returning = excluded.is_returning, last_reported = excluded.last_reported,
                 feed_last_updated = excluded.feed_last_updated, fetched_at = excluded.fetched_at",
        )?
        .execute(params![
            id,
            batch.source,
            station.station_id,
            live.bikes_available,
            live.docks_available,
            live.is_renting,
            live.is_returning,
            live.last_reported.map(millis),
            feed_last_updated,
            fetched_at,
        ])?;
    }
    let (mut retired, mut retire_hold) = (0, None);
    match stations_to_retire(&known, &batch) {
        Err(hold) => retire_hold = Some(hold),
        Ok(gone) => {
            for resource_id in gone {
                let id = ResourceId(parse_uuid(resource_id)?);
                match resource_in(tx, id)? {
                    // Already retired (by a coordinator): no second tombstone.
                    Some(current) if !current.retired => {
                        retire_in(tx, &current)?;
                        retired += 1;
                    }
                    _ => {}
                }
                tx.prepare_cached("DELETE FROM station_status WHERE resource_id = ?1")?
                    .execute([resource_id])?;
            }
        }
    }
    Ok(StationBatchResult {
        created,
        updated,
        unchanged,
        retired,
        retire_hold,
        fetched_at: from_millis(fetched_at)?,
    })
}

#[async_trait]
impl StationStore for SqliteStorage {
    async fn ingest_stations(&self, batch: StationBatch) -> Result<StationBatchResult> {
        self.write(move |tx| ingest_in(tx, batch)).await
    }

    async fn station_statuses(
        &self,
        since_fetched: Option<DateTime<Utc>>,
    ) -> Result<(Vec<StationLiveStatus>, Option<DateTime<Utc>>)> {
        self.read(move |conn| {
            let newest: Option<i64> = conn
                .prepare_cached("SELECT max(fetched_at) FROM station_status")?
                .query_row([], |row| row.get(0))?;
            let mut stmt = conn.prepare_cached(
                "SELECT s.resource_id, s.bikes_available, s.docks_available, s.is_renting,
                        s.is_returning, s.last_reported, s.feed_last_updated, s.fetched_at
                 FROM station_status s JOIN resource r ON r.id = s.resource_id
                 WHERE r.retired = 0 AND s.fetched_at > ?1
                 ORDER BY s.resource_id",
            )?;
            let rows = stmt.query_map([since_fetched.map_or(i64::MIN, millis)], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<u32>>(1)?,
                    row.get::<_, Option<u32>>(2)?,
                    row.get::<_, Option<bool>>(3)?,
                    row.get::<_, Option<bool>>(4)?,
                    row.get::<_, Option<i64>>(5)?,
                    row.get::<_, Option<i64>>(6)?,
                    row.get::<_, i64>(7)?,
                ))
            })?;
            let mut statuses = Vec::new();
            for row in rows {
                let (id, bikes, docks, renting, returning, reported, updated, fetched) = row?;
                statuses.push(StationLiveStatus {
                    id: ResourceId(parse_uuid(&id)?),
                    bikes_available: bikes,
                    docks_available: docks,
                    is_renting: renting,
                    is_returning: returning,
                    last_reported: from_millis_opt(reported)?,
                    feed_last_updated: from_millis_opt(updated)?,
                    fetched_at: from_millis(fetched)?,
                });
            }
            Ok((statuses, from_millis_opt(newest)?))
        })
        .await
    }
}
