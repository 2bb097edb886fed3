//! Resources in PostgreSQL.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sharehub_core::wire::{AccountId, EntityKind};
use sharehub_core::{Resource, ResourceId};
use tokio_postgres::Row;

use super::change_log::append_change;
use super::{begin_change_log, commit_and_publish, PgTx, PostgresStorage};
use crate::error::Result;
use crate::rules::StoredResource;
use crate::storage::resources::{
    exact_filtering, parse_resource, resource_json, shown_columns, ResourceTx,
};
use crate::storage::{search_text, ResourceFilter, ResourceStore};
use crate::visibility::{audience_of, is_restricted};

const RESOURCE_COLUMNS: &str = "owner_id, version, retired, body";

fn read_resource(row: &Row) -> Result<StoredResource> {
    let body: String = row.try_get(3)?;
    Ok(StoredResource {
        owner_id: AccountId(row.try_get(0)?),
        version: row.try_get::<_, i64>(1)? as u64,
        retired: row.try_get(2)?,
        resource: parse_resource(&body)?,
    })
}

pub(super) async fn resource_in(
    client: &impl GenericClient,
    id: ResourceId,
) -> Result<Option<StoredResource>> {
    client
        .query_opt(
            &format!("SELECT {RESOURCE_COLUMNS} FROM resource WHERE id = $1"),
            &[&id.0],
        )
        .await?
        .as_ref()
        .map(read_resource)
        .transpose()
}

pub(super) async fn put_resource(
    tx: &impl GenericClient,
    resource: &Resource,
    owner_id: AccountId,
) -> Result<u64> {
    let body = resource_json(resource)?;
    let restricted = is_restricted(resource);
    let shown = shown_columns(resource);
    let seq = append_change(
        tx,
        EntityKind::Resource.as_str(),
        resource.id.0,
        owner_id,
        &audience_of(resource),
        Some(&body),
    )
    .await?;
    tx.execute(
        "INSERT INTO resource (id, owner_id, kind, lat, lon, restricted, retired, version, search_text, body,
                               shown_lat, shown_lon, shown_search_text)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, kind = excluded.kind,
             lat = excluded.lat, lon = excluded.lon, restricted = excluded.restricted,
             retired = excluded.retired, version = excluded.version,
             search_text = excluded.search_text, body = excluded.body,
             shown_lat = excluded.shown_lat, shown_lon = excluded.shown_lon,
             shown_search_text = excluded.shown_search_text",
        &[
            &resource.id.0,
            &owner_id.0,
            &resource.kind.as_str(),
            &resource.location.lat,
            &resource.location.lon,
            &restricted,
            &(seq as i64),
            &search_text(resource),
            &body,
            &shown.lat,
            &shown.lon,
            &shown.search_text,
        ],
    )
    .await?;
    Ok(seq)
}

/// Retires a stored resource: a tombstone in the change log, the row kept as retired.
/// The one retire path, for users' retires and for stations a feed no longer lists.
pub(super) async fn retire_in(tx: &impl GenericClient, current: &StoredResource) -> Result<u64> {
    let seq = append_change(
        tx,
        EntityKind::Resource.as_str(),
        current.resource.id.0,
        current.owner_id,
        &audience_of(&current.resource),
        None,
    )
    .await?;
    tx.execute(
        "UPDATE resource SET retired = true, version = $2 WHERE id = $1",
        &[&current.resource.id.0, &(seq as i64)],
    )
    .await?;
    Ok(seq)
}

impl ResourceTx for PgTx<'_> {
    async fn resource(&mut self, id: ResourceId) -> Result<Option<StoredResource>> {
        resource_in(self.tx, id).await
    }

    async fn put_resource(&mut self, resource: &Resource, owner: AccountId) -> Result<u64> {
        self.lock_change_log().await?;
        put_resource(self.tx, resource, owner).await
    }

    async fn retire_resource(&mut self, current: &StoredResource) -> Result<u64> {
        self.lock_change_log().await?;
        retire_in(self.tx, current).await
    }

    async fn republish_resource(
        &mut self,
        current: &StoredResource,
        audience: &crate::audience::Audience,
    ) -> Result<u64> {
        self.lock_change_log().await?;
        let seq = append_change(
            self.tx,
            EntityKind::Resource.as_str(),
            current.resource.id.0,
            current.owner_id,
            audience,
            Some(&resource_json(&current.resource)?),
        )
        .await?;
        self.tx
            .execute(
                "UPDATE resource SET version = $2 WHERE id = $1",
                &[&current.resource.id.0, &(seq as i64)],
            )
            .await?;
        Ok(seq)
    }
}

#[async_trait]
impl ResourceStore for PostgresStorage {
    async fn resource(&self, id: ResourceId) -> Result<Option<StoredResource>> {
        resource_in(&self.client().await?, id).await
    }

    async fn list_resources(&self, filter: &ResourceFilter) -> Result<Vec<StoredResource>> {
        let (west, south, east, north) = match filter.bbox {
            Some((w, s, e, n)) => (Some(w), Some(s), Some(e), Some(n)),
            None => (None, None, None, None),
        };
        let kind = filter.kind.map(|k| k.as_str());
        let after = filter.after.map(|id| id.0);
        let limit = i64::from(filter.limit);
        let (staff, viewer) = exact_filtering(filter.viewer);
        let viewer = viewer.map(|id| id.0);
        self.client()
            .await?
            .query(
                &format!(
                    "SELECT {RESOURCE_COLUMNS} FROM resource
                     WHERE NOT retired
                       AND ($1::text IS NULL OR kind = $1)
                       AND ($2::float8 IS NULL OR CASE WHEN NOT restricted OR $9 OR owner_id = $10
                           THEN lon BETWEEN $2 AND $4 AND lat BETWEEN $3 AND $5
                           ELSE shown_lon BETWEEN $2 AND $4 AND shown_lat BETWEEN $3 AND $5 END)
                       AND ($6::text IS NULL OR CASE WHEN NOT restricted OR $9 OR owner_id = $10
                           THEN search_text ELSE shown_search_text END LIKE $6 ESCAPE '\\')
                       AND ($7::uuid IS NULL OR id > $7)
                     ORDER BY id LIMIT $8"
                ),
                &[
                    &kind,
                    &west,
                    &south,
                    &east,
                    &north,
                    &filter.text_pattern,
                    &after,
                    &limit,
                    &staff,
                    &viewer,
                ],
            )
            .await?
            .iter()
            .map(read_resource)
            .collect()
    }

    async fn seed_resources(&self, owner: AccountId, resources: &[Resource]) -> Result<usize> {
        let mut client = self.client().await?;
        let tx = begin_change_log(&mut client).await?;
        let mut added = 0;
        for resource in resources {
            if resource_in(&tx, resource.id).await?.is_none() {
                put_resource(&tx, resource, owner).await?;
                added += 1;
            }
        }
        commit_and_publish(tx, &self.changes).await?;
        Ok(added)
    }
}

/// Fills the shown columns (migration 0004) of rows written before they existed.
pub(super) async fn fill_shown_columns(tx: &impl GenericClient) -> Result<usize> {
    let rows = tx
        .query(
            "SELECT id, body FROM resource WHERE shown_search_text IS NULL",
            &[],
        )
        .await?;
    for row in &rows {
        let id: uuid::Uuid = row.try_get(0)?;
        let shown = shown_columns(&parse_resource(row.try_get(1)?)?);
        tx.execute(
            "UPDATE resource SET shown_lat = $2, shown_lon = $3, shown_search_text = $4 WHERE id = $1",
            &[&id, &shown.lat, &shown.lon, &shown.search_text],
        )
        .await?;
    }
    Ok(rows.len())
}
