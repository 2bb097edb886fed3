//! The SQLite backend: one file, zero set-up. WAL mode; one writer connection behind an
//! async mutex (every write transaction `BEGIN IMMEDIATE`), a few reader connections; all
//! SQLite calls run on tokio's blocking pool, never on the async workers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use sharehub_core::wire::{AccountId, MutationOutcome, Role, SessionId, StationLiveStatus};
use sharehub_core::{Resource, ResourceId};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::{
    from_millis, from_millis_opt, millis, outcome_json, parse_outcome, parse_resource, parse_role,
    resource_json, search_text, station_change, stations_to_retire, unparsable, BatchMutation,
    ChangeNotifier, ChangeRow, ResourceFilter, ResourceWrite, StationBatch, StationBatchResult,
    StationChange, Storage, StoredAccount, StoredSession, WriteResult,
};
use crate::error::{Error, Result};
use crate::rules::{decide, Actor, Decision, ResourceCommand, StoredResource};
use crate::visibility::is_restricted;

/// Append-only, numbered migrations.
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("sqlite/0001_initial.sql")),
        M::up(include_str!("sqlite/0002_station_status.sql")),
    ])
});

/// Reader connections kept open.
const READERS: usize = 4;

pub struct SqliteStorage {
    path: PathBuf,
    writer: Arc<tokio::sync::Mutex<Connection>>,
    idle_readers: Arc<Mutex<Vec<Connection>>>,
    reader_permits: Arc<Semaphore>,
    changes: ChangeNotifier,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("path", &self.path)
            .finish()
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sessions, receipts and resource edits are confirmations people rely on.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStorage> {
        let path = path.to_path_buf();
        let opened = path.clone();
        let writer = tokio::task::spawn_blocking(move || -> Result<(Connection, u64)> {
            let mut conn = Connection::open(&opened).map_err(|e| Error::Config {
                detail: format!(
                    "cannot open or create the database file {}: {e}",
                    opened.display()
                ),
            })?;
            configure(&conn).map_err(|e| Error::Config {
                detail: format!(
                    "cannot use the database file {} (is it writable?): {e}",
                    opened.display()
                ),
            })?;
            MIGRATIONS.to_latest(&mut conn)?;
            let newest = newest_seq(&conn)?;
            Ok((conn, newest))
        })
        .await
        .map_err(Error::internal)??;
        let (writer, newest) = writer;
        Ok(SqliteStorage {
            path,
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            idle_readers: Arc::new(Mutex::new(Vec::new())),
            reader_permits: Arc::new(Semaphore::new(READERS)),
            changes: ChangeNotifier::new(newest),
        })
    }

    /// Runs `f` on a reader connection, on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .reader_permits
            .acquire()
            .await
            .map_err(Error::internal)?;
        let idle = self.idle_readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let taken = idle.lock().map_err(Error::internal)?.pop();
            let conn = match taken {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_timeout(Duration::from_secs(5))?;
                    conn
                }
            };
            let value = f(&conn);
            idle.lock().map_err(Error::internal)?.push(conn);
            value
        })
        .await
        .map_err(Error::internal)?
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the one writer connection; after the
    /// commit, publishes the change log's newest `seq`.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let mut conn = self.writer.clone().lock_owned().await;
        let changes = self.changes.clone();
        tokio::task::spawn_blocking(move || {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            let newest = newest_seq(&tx)?;
            tx.commit()?;
            // `synchronous=FULL`: the commit is durable here.
            changes.publish(newest);
            Ok(value)
        })
        .await
        .map_err(Error::internal)?
    }
}

/// The newest `seq` in the change log (the newest change of a record is always kept, so
/// the largest stored `seq` is the last one handed out).
fn newest_seq(conn: &Connection) -> Result<u64> {
    let seq: i64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM change")?
        .query_row([], |row| row.get(0))?;
    Ok(seq as u64)
}

fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::corrupt(format!("stored id {text:?}: {e}")))
}

const ACCOUNT_COLUMNS: &str = "id, email, phone, password_hash, role, created_at";

fn read_account(row: &Row<'_>, offset: usize) -> Result<StoredAccount> {
    let id: String = row.get(offset)?;
    let role: String = row.get(offset + 4)?;
    Ok(StoredAccount {
        id: AccountId(parse_uuid(&id)?),
        email: row.get(offset + 1)?,
        phone: row.get(offset + 2)?,
        password_hash: row.get(offset + 3)?,
        role: parse_role(&role)?,
        created_at: from_millis(row.get(offset + 5)?)?,
    })
}

const SESSION_COLUMNS: &str = "s.id, s.account_id, s.token_hash, s.created_at, s.expires_at";

fn read_session(row: &Row<'_>) -> Result<StoredSession> {
    let id: String = row.get(0)?;
    let account_id: String = row.get(1)?;
    let hash: Vec<u8> = row.get(2)?;
    Ok(StoredSession {
        id: SessionId(parse_uuid(&id)?),
        account_id: AccountId(parse_uuid(&account_id)?),
        token_hash: hash
            .try_into()
            .map_err(|_| Error::corrupt("a session token hash is not 32 bytes"))?,
        created_at: from_millis(row.get(3)?)?,
        expires_at: from_millis(row.get(4)?)?,
    })
}

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

fn resource_in(conn: &Connection, id: ResourceId) -> Result<Option<StoredResource>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESOURCE_COLUMNS} FROM resource WHERE id = ?1"
    ))?;
    stmt.query_row([id.to_string()], |row| Ok(read_resource(row)))
        .optional()?
        .transpose()
}

/// Appends a change for a record, replacing its previous change; returns the new `seq`.
fn append_change(
    tx: &rusqlite::Transaction<'_>,
    entity_id: &str,
    owner_id: AccountId,
    restricted: bool,
    body: Option<&str>,
) -> Result<u64> {
    tx.prepare_cached("DELETE FROM change WHERE entity = 'resource' AND entity_id = ?1")?
        .execute([entity_id])?;
    tx.prepare_cached(
        "INSERT INTO change (entity, entity_id, owner_id, restricted, body)
         VALUES ('resource', ?1, ?2, ?3, ?4)",
    )?
    .execute(params![entity_id, owner_id.to_string(), restricted, body])?;
    Ok(tx.last_insert_rowid() as u64)
}

fn put_resource(
    tx: &rusqlite::Transaction<'_>,
    resource: &Resource,
    owner_id: AccountId,
) -> Result<u64> {
    let id = resource.id.to_string();
    let body = resource_json(resource)?;
    let restricted = is_restricted(resource);
    let seq = append_change(tx, &id, owner_id, restricted, Some(&body))?;
    tx.prepare_cached(
        "INSERT INTO resource (id, owner_id, kind, lat, lon, restricted, retired, version, search_text, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, kind = excluded.kind,
             lat = excluded.lat, lon = excluded.lon, restricted = excluded.restricted,
             retired = excluded.retired, version = excluded.version,
             search_text = excluded.search_text, body = excluded.body",
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
    ])?;
    Ok(seq)
}

fn receipt_in(conn: &Connection, account: AccountId, key: &str) -> Result<Option<MutationOutcome>> {
    let outcome: Option<String> = conn
        .prepare_cached(
            "SELECT outcome FROM mutation_receipt WHERE account_id = ?1 AND idempotency_key = ?2",
        )?
        .query_row(params![account.to_string(), key], |r| r.get(0))
        .optional()?;
    outcome.as_deref().map(parse_outcome).transpose()
}

fn insert_receipt(
    conn: &Connection,
    account: AccountId,
    key: &str,
    outcome: &MutationOutcome,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO mutation_receipt (account_id, idempotency_key, outcome, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        account.to_string(),
        key,
        outcome_json(outcome)?,
        millis(Utc::now())
    ])?;
    Ok(())
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// Retires a stored resource: a tombstone in the change log, the row kept as retired.
/// The one retire path, for users' retires and for stations a feed no longer lists.
fn retire_in(tx: &rusqlite::Transaction<'_>, current: &StoredResource) -> Result<u64> {
    let id = current.resource.id.to_string();
    let seq = append_change(
        tx,
        &id,
        current.owner_id,
        is_restricted(&current.resource),
        None,
    )?;
    tx.prepare_cached("UPDATE resource SET retired = 1, version = ?2 WHERE id = ?1")?
        .execute(params![id, seq as i64])?;
    Ok(seq)
}

/// One resource write inside a write transaction: the receipt check, the rules, the change,
/// the receipt.
fn write_in(
    tx: &rusqlite::Transaction<'_>,
    actor: Actor,
    command: ResourceCommand,
    key: Option<&str>,
) -> Result<WriteResult> {
    if let Some(key) = key {
        if let Some(outcome) = receipt_in(tx, actor.id, key)? {
            return Ok(WriteResult::Repeated(outcome));
        }
    }
    let current = resource_in(tx, command.target())?;
    let result = match decide(actor, command, current.as_ref()) {
        Decision::Put { resource, owner_id } => WriteResult::Applied {
            version: put_resource(tx, &resource, owner_id)?,
        },
        Decision::Retire => {
            let current = current.ok_or_else(|| Error::internal("retire without record"))?;
            WriteResult::Applied {
                version: retire_in(tx, &current)?,
            }
        }
        Decision::Refuse(refusal) => WriteResult::Refused(refusal),
        Decision::Bump { current } => WriteResult::Bumped {
            current: Box::new(current),
        },
    };
    if let Some(key) = key {
        insert_receipt(tx, actor.id, key, &result.to_outcome(actor))?;
    }
    Ok(result)
}

/// One refresh of a station feed inside a write transaction (see
/// [`Storage::ingest_stations`]).
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
impl Storage for SqliteStorage {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        self.read(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await?;
        Ok(())
    }

    async fn create_account(&self, account: &StoredAccount) -> Result<()> {
        let account = account.clone();
        self.write(move |tx| {
            let inserted = tx
                .prepare_cached(&format!(
                    "INSERT INTO account ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ))?
                .execute(params![
                    account.id.to_string(),
                    account.email,
                    account.phone,
                    account.password_hash,
                    account.role.as_str(),
                    millis(account.created_at),
                ]);
            match inserted {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(Error::Conflict {
                    detail: "an account with this e-mail address or phone number already exists; log in instead".into(),
                }),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>> {
        let login = login.to_owned();
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM account WHERE email = ?1 OR phone = ?1"
            ))?
            .query_row([login], |row| Ok(read_account(row, 0)))
            .optional()?
            .transpose()
        })
        .await
    }

    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = ?1"
            ))?
            .query_row([id.to_string()], |row| Ok(read_account(row, 0)))
            .optional()?
            .transpose()
        })
        .await
    }

    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool> {
        self.write(move |tx| {
            Ok(tx
                .prepare_cached("UPDATE account SET role = ?2 WHERE id = ?1")?
                .execute(params![id.to_string(), role.as_str()])?
                == 1)
        })
        .await
    }

    async fn create_session(&self, session: &StoredSession) -> Result<()> {
        let session = session.clone();
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO session (id, account_id, token_hash, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                session.id.to_string(),
                session.account_id.to_string(),
                session.token_hash.as_slice(),
                millis(session.created_at),
                millis(session.expires_at),
            ])?;
            Ok(())
        })
        .await
    }

    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS}, a.id, a.email, a.phone, a.password_hash, a.role, a.created_at
                 FROM session s JOIN account a ON a.id = s.account_id
                 WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2"
            ))?
            .query_row(params![token_hash.as_slice(), millis(now)], |row| {
                Ok(read_session(row).and_then(|s| Ok((s, read_account(row, 5)?))))
            })
            .optional()?
            .transpose()
        })
        .await
    }

    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM session s
                 WHERE s.account_id = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
                 ORDER BY s.created_at DESC, s.id DESC"
            ))?;
            let rows = stmt.query_map(params![account.to_string(), millis(now)], |row| {
                Ok(read_session(row))
            })?;
            rows.map(|row| row?).collect()
        })
        .await
    }

    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        self.write(move |tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE session SET revoked_at = ?3
                     WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL AND expires_at > ?3",
                )?
                .execute(params![
                    session.to_string(),
                    account.to_string(),
                    millis(now)
                ])?
                == 1)
        })
        .await
    }

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
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {RESOURCE_COLUMNS} FROM resource
                 WHERE retired = 0
                   AND (?1 IS NULL OR kind = ?1)
                   AND (?2 IS NULL OR (lon BETWEEN ?2 AND ?4 AND lat BETWEEN ?3 AND ?5))
                   AND (?6 IS NULL OR search_text LIKE ?6 ESCAPE '\\')
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
                ],
                |row| Ok(read_resource(row)),
            )?;
            rows.map(|row| row?).collect()
        })
        .await
    }

    async fn write_resource(&self, write: ResourceWrite) -> Result<WriteResult> {
        self.write(move |tx| {
            write_in(
                tx,
                write.actor,
                write.command,
                write.idempotency_key.as_deref(),
            )
        })
        .await
    }

    async fn apply_mutations(
        &self,
        actor: Actor,
        batch: Vec<BatchMutation>,
    ) -> Result<Vec<MutationOutcome>> {
        self.write(move |tx| {
            let mut outcomes = Vec::with_capacity(batch.len());
            for mutation in batch {
                let key = mutation.idempotency_key.as_str();
                let outcome = match mutation.command {
                    Ok(command) => write_in(tx, actor, command, Some(key))?.to_outcome(actor),
                    Err(reason) => match receipt_in(tx, actor.id, key)? {
                        Some(first) => first,
                        None => {
                            let rejected = unparsable(&reason);
                            insert_receipt(tx, actor.id, key, &rejected)?;
                            rejected
                        }
                    },
                };
                outcomes.push(outcome);
            }
            Ok(outcomes)
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

    fn change_notifier(&self) -> &ChangeNotifier {
        &self.changes
    }

    async fn changes_since(&self, since: u64, limit: u32) -> Result<Vec<ChangeRow>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, entity, entity_id, owner_id, restricted, body FROM change
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![since as i64, limit], |row| {
                let entity_id: String = row.get(2)?;
                let owner_id: String = row.get(3)?;
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    entity_id,
                    owner_id,
                    row.get::<_, bool>(4)?,
                    row.get::<_, Option<String>>(5)?,
                ))
            })?;
            let mut changes = Vec::with_capacity(limit as usize);
            for row in rows {
                let (seq, entity, entity_id, owner_id, restricted, body) = row?;
                changes.push(ChangeRow {
                    seq: seq as u64,
                    entity,
                    entity_id: parse_uuid(&entity_id)?,
                    owner_id: AccountId(parse_uuid(&owner_id)?),
                    restricted,
                    body,
                });
            }
            Ok(changes)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
