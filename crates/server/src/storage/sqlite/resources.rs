//! Resources in SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sharehub_core::wire::{AccountId, EntityKind};
use sharehub_core::{Resource, ResourceId};

use super::change_log::append_change;
use super::{parse_uuid, SqliteStorage, SqliteTx};
use crate::error::Result;
use crate::rules::StoredResource;
use crate::storage::resources::{
    exact_filtering, parse_resource, resource_json, shown_columns, ResourceTx,
};
use crate::storage::{search_text, ResourceFilter, ResourceStore};
use crate::visibility::{audience_of, is_restricted};

const RESOURCE_COLUMNS: &str = "owner_id, version, retired, body";

fn read_resource(row: &Row<'_>) -> Result<StoredResource> {
    let owner: String = row.get(0)?;
    let body: String = row.get(3)?;
    Ok(StoredResource {
        owner_id: AccountId(parse_uuid(&owner)?),
        version: row.get::<_, i64>(1)? as u64,
        retired: row.get::<_, i64>(2)? != 0,
        resource: parse_resource(&body)?,
    })
}

pub(super) fn resource_in(conn: &Connection, id: ResourceId) -> Result<Option<StoredResource>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESOURCE_COLUMNS} FROM resource WHERE id = ?1"
    ))?;
    stmt.query_row([id.to_string()], |row| Ok(read_resource(row)))
        .optional()?
        .transpose()
}

pub(super) fn put_resource(
    tx: &rusqlite::Transaction<'_>,
    resource: &Resource,
    owner_id: AccountId,
) -> Result<u64> {
    let id = resource.id.to_string();
    let body = resource_json(resource)?;
    let restricted = is_restricted(resource);
    let shown = shown_columns(resource);
    let seq = append_change(
        tx,
        EntityKind::Resource.as_str(),
        &id,
        owner_id,
        &audience_of(resource),
        Some(&body),
    )?;
    tx.prepare_cached(
        "INSERT INTO resource (id, owner_id, kind, lat, lon, restricted, retired, version, search_text, body,
                               shown_lat, shown_lon, shown_search_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, kind = excluded.kind,
             lat = excluded.lat, lon = excluded.lon, restricted = excluded.restricted,
             retired = excluded.retired, version = excluded.version,
             search_text = excluded.search_text, body = excluded.body,
             shown_lat = excluded.shown_lat, shown_lon = excluded.shown_lon,
             shown_search_text = excluded.shown_search_text",
    )?
    .execute(params![
        id,
        owner_id.to_string(),
        resource.kind.as_str(),
        resource.location.lat,
        resource.location.lon,
        restricted,
        seq as i64,
        search_text(resource),
        body,
        shown.lat,
        shown.lon,
        shown.search_text,
    ])?;
    Ok(seq)
}

/// Retires a stored resource: a tombstone in the change log, the row kept as retired.
/// The one retire path, for users' retires and for stations a feed no longer lists.
pub(super) fn retire_in(tx: &rusqlite::Transaction<'_>, current: &StoredResource) -> Result<u64> {
    let id = current.resource.id.to_string();
    let seq = append_change(
        tx,
        EntityKind::Resource.as_str(),
        &id,
        current.owner_id,
        &audience_of(&current.resource),
        None,
    )?;
    tx.prepare_cached("UPDATE resource SET retired = 1, version = ?2 WHERE id = ?1")?
        .execute(params![id, seq as i64])?;
    Ok(seq)
}

impl ResourceTx for SqliteTx<'_> {
    async fn resource(&mut self, id: ResourceId) -> Result<Option<StoredResource>> {
        resource_in(self.tx, id)
    }

    async fn put_resource(&mut self, resource: &Resource, owner: AccountId) -> Result<u64> {
        put_resource(self.tx, resource, owner)
    }

    async fn retire_resource(&mut self, current: &StoredResource) -> Result<u64> {
        retire_in(self.tx, current)
    }

    async fn republish_resource(
        &mut self,
        current: &StoredResource,
        audience: &crate::audience::Audience,
    ) -> Result<u64> {
        let id = current.resource.id.to_string();
        let seq = append_change(
            self.tx,
            EntityKind::Resource.as_str(),
            &id,
            current.owner_id,
            audience,
            Some(&resource_json(&current.resource)?),
        )?;
        self.tx
            .prepare_cached("UPDATE resource SET version = ?2 WHERE id = ?1")?
            .execute(params![id, seq as i64])?;
        Ok(seq)
    }
}

#[async_trait]
impl ResourceStore for SqliteStorage {
    async fn resource(&self, id: ResourceId) -> Result<Option<StoredResource>> {
        self.read(move |conn| resource_in(conn, id)).await
    }

    async fn list_resources(&self, filter: &ResourceFilter) -> Result<Vec<StoredResource>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let (west, south, east, north) = match filter.bbox {
                Some((w, s, e, n)) => (Some(w), Some(s), Some(e), Some(n)),
                None => (None, None, None, None),
            };
            let (staff, viewer) = exact_filtering(filter.viewer);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {RESOURCE_COLUMNS} FROM resource
                 WHERE retired = 0
                   AND (?1 IS NULL OR kind = ?1)
                   AND (?2 IS NULL OR CASE WHEN restricted = 0 OR ?9 OR owner_id = ?10
                       THEN lon BETWEEN ?2 AND ?4 AND lat BETWEEN ?3 AND ?5
                       ELSE shown_lon BETWEEN ?2 AND ?4 AND shown_lat BETWEEN ?3 AND ?5 END)
                   AND (?6 IS NULL OR CASE WHEN restricted = 0 OR ?9 OR owner_id = ?10
                       THEN search_text ELSE shown_search_text END LIKE ?6 ESCAPE '\\')
                   AND (?7 IS NULL OR id > ?7)
                 ORDER BY id LIMIT ?8"
            ))?;
            let rows = stmt.query_map(
                params![
                    filter.kind.map(|k| k.as_str()),
                    west,
                    south,
                    east,
                    north,
                    filter.text_pattern,
                    filter.after.map(|id| id.to_string()),
                    filter.limit,
                    staff,
                    viewer.map(|id| id.to_string()),
                ],
                |row| Ok(read_resource(row)),
            )?;
            rows.map(|row| row?).collect()
        })
        .await
    }

    async fn seed_resources(&self, owner: AccountId, resources: &[Resource]) -> Result<usize> {
        let resources = resources.to_vec();
        self.write(move |tx| {
            let mut added = 0;
            for resource in &resources {
                if resource_in(tx, resource.id)?.is_none() {
                    put_resource(tx, resource, owner)?;
                    added += 1;
                }
            }
            Ok(added)
        })
        .await
    }
}

/// Fills the shown columns (migration 0004) of rows written before they existed.
pub(super) fn fill_shown_columns(conn: &Connection) -> Result<usize> {
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT id, body FROM resource WHERE shown_search_text IS NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare(
        "UPDATE resource SET shown_lat = ?2, shown_lon = ?3, shown_search_text = ?4 WHERE id = ?1",
    )?;
    for (id, body) in &rows {
        let shown = shown_columns(&parse_resource(body)?);
        update.execute(params![id, shown.lat, shown.lon, shown.search_text])?;
    }
    Ok(rows.len())
}
