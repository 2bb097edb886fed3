//! Public-bike stations in PostgreSQL: one refresh of a feed in one transaction, and the
//! live counts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::StationLiveStatus;
use sharehub_core::ResourceId;

use super::resources::{put_resource, resource_in, retire_in};
use super::{begin_change_log, commit_and_publish, PostgresStorage};
use crate::error::{Error, Result};
use crate::feeds::ingest::{
    station_change, stations_to_retire, StationBatch, StationBatchResult, StationChange,
};
use crate::storage::resources::resource_json;
use crate::storage::{from_millis, from_millis_opt, millis, StationStore};

/// One refresh of a station feed inside a write transaction that holds the change-log lock
/// (see [`StationStore::ingest_stations`]).
async fn ingest_in(
    tx: &deadpool_postgres::Transaction<'_>,
    batch: StationBatch,
) -> Result<StationBatchResult> {
    let newest_fetch: Option<i64> = tx
        .query_one("SELECT max(fetched_at) FROM station_status", &[])
        .await?
        .get(0);
    let fetched_at = millis(batch.fetched_at).max(newest_fetch.map_or(i64::MIN, |ms| ms + 1));
    // What this feed had before the refresh: `(station id, resource id)`.
    let known: Vec<(String, uuid::Uuid)> = tx
        .query(
            "SELECT station_id, resource_id FROM station_status WHERE source = $1",
            &[&batch.source],
        )
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_>>()?;
    let ids: Vec<uuid::Uuid> = batch.stations.iter().map(|s| s.resource.id.0).collect();
    let mut stored: std::collections::HashMap<uuid::Uuid, (bool, String)> = tx
        .query(
            "SELECT id, retired, body FROM resource WHERE id = ANY($1)",
            &[&ids],
        )
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
        .collect::<Result<_>>()?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for station in &batch.stations {
        let body = resource_json(&station.resource)?;
        let current = stored.remove(&station.resource.id.0);
        let change = station_change(
            current
                .as_ref()
                .map(|(retired, body)| (*retired, body.as_str())),
            &body,
        );
        match change {
            StationChange::Unchanged => unchanged += 1,
            StationChange::Create | StationChange::Update => {
                put_resource(tx, &station.resource, batch.owner_id).await?;
                // A station back in the feed is live again (the upsert clears `retired`).
                if change == StationChange::Create {
                    created += 1;
                } else {
                    updated += 1;
                }
            }
        }
    }
    // The counts of every station in one statement.
    let count = |value: Option<u32>| value.map(i64::from);
    let stations = &batch.stations;
    let station_ids: Vec<&str> = stations.iter().map(|s| s.station_id.as_str()).collect();
    let bikes: Vec<Option<i64>> = stations
        .iter()
        .map(|s| count(s.live.bikes_available))
        .collect();
    let docks: Vec<Option<i64>> = stations
        .iter()
        .map(|s| count(s.live.docks_available))
        .collect();
    let renting: Vec<Option<bool>> = stations.iter().map(|s| s.live.is_renting).collect();
    let returning: Vec<Option<bool>> = stations.iter().map(|s| s.live.is_returning).collect();
    let reported: Vec<Option<i64>> = stations
        .iter()
        .map(|s| s.live.last_reported.map(millis))
        .collect();
    let feed_last_updated = batch.feed_last_updated.map(millis);
    tx.execute(
        "INSERT INTO station_status (resource_id, source, station_id, bikes_available,
             docks_available, is_renting, is_returning, last_reported, feed_last_updated,
             fetched_at)
         SELECT id, $2, station_id, bikes, docks, can_rent, can_return, reported, $8, $9
         FROM unnest($1::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::boolean[],
                     $7::boolean[], $10::bigint[])
              AS t (id, station_id, bikes, docks, can_rent, can_return, reported)
         ON CONFLICT (resource_id) DO UPDATE SET bikes_available = excluded.bikes_available,
             docks_available = excluded.docks_available, is_renting = excluded.is_renting,
             is_returning = excluded.is_returning, last_reported = excluded.last_reported,
             feed_last_updated = excluded.feed_last_updated, fetched_at = excluded.fetched_at",
        &[
            &ids,
            &batch.source,
            &station_ids,
            &bikes,
            &docks,
            &renting,
            &returning,
            &feed_last_updated,
            &fetched_at,
            &reported,
        ],
    )
    .await?;
    let (mut retired, mut retire_hold) = (0, None);
    match stations_to_retire(&known, &batch) {
        Err(hold) => retire_hold = Some(hold),
        Ok(gone) => {
            for &resource_id in &gone {
                match resource_in(tx, ResourceId(*resource_id)).await? {
                    // Already retired (by a coordinator): no second tombstone.
                    Some(current) if !current.retired => {
                        retire_in(tx, &current).await?;
                        retired += 1;
                    }
                    _ => {}
                }
            }
            let gone: Vec<uuid::Uuid> = gone.into_iter().copied().collect();
            tx.execute(
                "DELETE FROM station_status WHERE resource_id = ANY($1)",
                &[&gone],
            )
            .await?;
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
impl StationStore for PostgresStorage {
    async fn ingest_stations(&self, batch: StationBatch) -> Result<StationBatchResult> {
        let mut client = self.client().await?;
        let tx = begin_change_log(&mut client).await?;
        let result = ingest_in(&tx, batch).await?;
        commit_and_publish(tx, &self.changes).await?;
        Ok(result)
    }

    async fn station_statuses(
        &self,
        since_fetched: Option<DateTime<Utc>>,
    ) -> Result<(Vec<StationLiveStatus>, Option<DateTime<Utc>>)> {
        let client = self.client().await?;
        let newest: Option<i64> = client
            .query_one("SELECT max(fetched_at) FROM station_status", &[])
            .await?
            .get(0);
        let since = since_fetched.map_or(i64::MIN, millis);
        let count = |value: Option<i64>| -> Result<Option<u32>> {
            value
                .map(|v| u32::try_from(v).map_err(Error::corrupt))
                .transpose()
        };
        let statuses = client
            .query(
                "SELECT s.resource_id, s.bikes_available, s.docks_available, s.is_renting,
                        s.is_returning, s.last_reported, s.feed_last_updated, s.fetched_at
                 FROM station_status s JOIN resource r ON r.id = s.resource_id
                 WHERE NOT r.retired AND s.fetched_at > $1
                 ORDER BY s.resource_id",
                &[&since],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(StationLiveStatus {
                    id: ResourceId(row.try_get(0)?),
                    bikes_available: count(row.try_get(1)?)?,
                    docks_available: count(row.try_get(2)?)?,
                    is_renting: row.try_get(3)?,
                    is_returning: row.try_get(4)?,
                    last_reported: from_millis_opt(row.try_get(5)?)?,
                    feed_last_updated: from_millis_opt(row.try_get(6)?)?,
                    fetched_at: from_millis(row.try_get(7)?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((statuses, from_millis_opt(newest)?))
    }
}
