//! The PostgreSQL backend (`--database-url postgres://…`): a deadpool connection pool over
//! tokio-postgres. Writes to the change log take a transaction-scoped advisory lock first,
//! so `seq` values become visible in order.

use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use sharehub_core::wire::{AccountId, MutationOutcome, Role, SessionId, StationLiveStatus};
use sharehub_core::{Resource, ResourceId};
use tokio_postgres::{NoTls, Row};

use super::{
    from_millis, from_millis_opt, millis, outcome_json, parse_outcome, parse_resource, parse_role,
    resource_json, search_text, station_change, stations_to_retire, unparsable, BatchMutation,
    ChangeNotifier, ChangeRow, ResourceFilter, ResourceWrite, StationBatch, StationBatchResult,
    StationChange, Storage, StoredAccount, StoredSession, WriteResult,
};
use crate::error::{Error, Result};
use crate::rules::{decide, Actor, Decision, ResourceCommand, StoredResource};
use crate::visibility::is_restricted;

/// Append-only, numbered migrations: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("postgres/0001_initial.sql")),
    (2, include_str!("postgres/0002_station_status.sql")),
];

/// The advisory lock every change-log writer holds until it commits.
const CHANGE_LOG_LOCK: i64 = 0x5348_4355_4200; // "SHCUB"

pub struct PostgresStorage {
    pool: Pool,
    changes: ChangeNotifier,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStorage").finish_non_exhaustive()
    }
}

fn unavailable(e: impl std::fmt::Display) -> Error {
    Error::Unavailable {
        detail: e.to_string(),
    }
}

impl PostgresStorage {
    /// Connects, checks the connection and brings the schema up to date.
    pub async fn connect(url: &str, max_connections: usize) -> Result<PostgresStorage> {
        let config = tokio_postgres::Config::from_str(url).map_err(|e| Error::Config {
            detail: format!(
                "the database URL is not a valid PostgreSQL URL (postgres://user:password@host:port/database): {e}"
            ),
        })?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections)
            .build()
            .map_err(|e| Error::Config {
                detail: format!("cannot build the PostgreSQL connection pool: {e}"),
            })?;
        let mut storage = PostgresStorage {
            pool,
            changes: ChangeNotifier::new(0),
        };
        storage.migrate().await.map_err(|e| match e {
            Error::Unavailable { detail } => Error::Config {
                detail: format!("cannot connect to PostgreSQL: {detail}"),
            },
            other => other,
        })?;
        let newest = newest_seq(&storage.client().await?).await?;
        storage.changes = ChangeNotifier::new(newest);
        Ok(storage)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(unavailable)
    }

    async fn migrate(&self) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(unavailable)?;
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(5348);
             CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY)",
        )
        .await?;
        let applied: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migration",
                &[],
            )
            .await?
            .get(0);
        for (version, sql) in MIGRATIONS {
            if *version > applied {
                tx.batch_execute(sql).await?;
                tx.execute(
                    "INSERT INTO schema_migration (version) VALUES ($1)",
                    &[version],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

const ACCOUNT_COLUMNS: &str = "id, email, phone, password_hash, role, created_at";

fn read_account(row: &Row, offset: usize) -> Result<StoredAccount> {
    let role: String = row.try_get(offset + 4)?;
    Ok(StoredAccount {
        id: AccountId(row.try_get(offset)?),
        email: row.try_get(offset + 1)?,
        phone: row.try_get(offset + 2)?,
        password_hash: row.try_get(offset + 3)?,
        role: parse_role(&role)?,
        created_at: from_millis(row.try_get(offset + 5)?)?,
    })
}

const SESSION_COLUMNS: &str = "s.id, s.account_id, s.token_hash, s.created_at, s.expires_at";

fn read_session(row: &Row) -> Result<StoredSession> {
    let hash: Vec<u8> = row.try_get(2)?;
    Ok(StoredSession {
        id: SessionId(row.try_get(0)?),
        account_id: AccountId(row.try_get(1)?),
        token_hash: hash
            .try_into()
            .map_err(|_| Error::corrupt("a session token hash is not 32 bytes"))?,
        created_at: from_millis(row.try_get(3)?)?,
        expires_at: from_millis(row.try_get(4)?)?,
    })
}

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

async fn resource_in(
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

/// The newest `seq` in the change log (the newest change of a record is always kept, so the
/// largest stored `seq` is the last one handed out). Exact while the change-log lock is held.
async fn newest_seq(client: &impl GenericClient) -> Result<u64> {
    let seq: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM change", &[])
        .await?
        .get(0);
    Ok(seq as u64)
}

/// A write transaction holding the change-log lock (writers of the log go one at a time,
/// so `seq` is handed out in commit order); end it with [`commit_and_publish`].
async fn begin_change_log(
    client: &mut deadpool_postgres::Object,
) -> Result<deadpool_postgres::Transaction<'_>> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOG_LOCK])
        .await?;
    Ok(tx)
}

/// Commits a transaction that holds the change-log lock, then publishes the newest `seq`.
async fn commit_and_publish(
    tx: deadpool_postgres::Transaction<'_>,
    changes: &ChangeNotifier,
) -> Result<()> {
    let newest = newest_seq(&tx).await?;
    tx.commit().await?;
    changes.publish(newest);
    Ok(())
}

async fn append_change(
    tx: &impl GenericClient,
    entity_id: uuid::Uuid,
    owner_id: AccountId,
    restricted: bool,
    body: Option<&str>,
) -> Result<u64> {
    tx.execute(
        "DELETE FROM change WHERE entity = 'resource' AND entity_id = $1",
        &[&entity_id],
    )
    .await?;
    let seq: i64 = tx
        .query_one(
            "INSERT INTO change (entity, entity_id, owner_id, restricted, body)
             VALUES ('resource', $1, $2, $3, $4) RETURNING seq",
            &[&entity_id, &owner_id.0, &restricted, &body],
        )
        .await?
        .get(0);
    Ok(seq as u64)
}

async fn put_resource(
    tx: &impl GenericClient,
    resource: &Resource,
    owner_id: AccountId,
) -> Result<u64> {
    let body = resource_json(resource)?;
    let restricted = is_restricted(resource);
    let seq = append_change(tx, resource.id.0, owner_id, restricted, Some(&body)).await?;
    tx.execute(
        "INSERT INTO resource (id, owner_id, kind, lat, lon, restricted, retired, version, search_text, body)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, kind = excluded.kind,
             lat = excluded.lat, lon = excluded.lon, restricted = excluded.restricted,
             retired = excluded.retired, version = excluded.version,
             search_text = excluded.search_text, body = excluded.body",
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
        ],
    )
    .await?;
    Ok(seq)
}

async fn receipt_in(
    client: &impl GenericClient,
    account: AccountId,
    key: &str,
) -> Result<Option<MutationOutcome>> {
    let row = client
        .query_opt(
            "SELECT outcome FROM mutation_receipt WHERE account_id = $1 AND idempotency_key = $2",
            &[&account.0, &key],
        )
        .await?;
    row.map(|row| parse_outcome(row.get::<_, &str>(0)))
        .transpose()
}

async fn insert_receipt(
    client: &impl GenericClient,
    account: AccountId,
    key: &str,
    outcome: &MutationOutcome,
) -> Result<()> {
    client
        .execute(
            "INSERT INTO mutation_receipt (account_id, idempotency_key, outcome, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[
                &account.0,
                &key,
                &outcome_json(outcome)?,
                &millis(Utc::now()),
            ],
        )
        .await?;
    Ok(())
}

/// Retires a stored resource: a tombstone in the change log, the row kept as retired.
/// The one retire path, for users' retires and for stations a feed no longer lists.
async fn retire_in(tx: &impl GenericClient, current: &StoredResource) -> Result<u64> {
    let seq = append_change(
        tx,
        current.resource.id.0,
        current.owner_id,
        is_restricted(&current.resource),
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

/// One resource write inside a write transaction that holds the change-log lock: the
/// receipt check, the rules, the change, the receipt.
async fn write_in(
    tx: &deadpool_postgres::Transaction<'_>,
    actor: Actor,
    command: ResourceCommand,
    key: Option<&str>,
) -> Result<WriteResult> {
    if let Some(key) = key {
        if let Some(outcome) = receipt_in(tx, actor.id, key).await? {
            return Ok(WriteResult::Repeated(outcome));
        }
    }
    let current = resource_in(tx, command.target()).await?;
    let result = match decide(actor, command, current.as_ref()) {
        Decision::Put { resource, owner_id } => WriteResult::Applied {
            version: put_resource(tx, &resource, owner_id).await?,
        },
        Decision::Retire => {
            let current = current.ok_or_else(|| Error::internal("retire without record"))?;
            WriteResult::Applied {
                version: retire_in(tx, &current).await?,
            }
        }
        Decision::Refuse(refusal) => WriteResult::Refused(refusal),
        Decision::Bump { current } => WriteResult::Bumped {
            current: Box::new(current),
        },
    };
    if let Some(key) = key {
        insert_receipt(tx, actor.id, key, &result.to_outcome(actor)).await?;
    }
    Ok(result)
}

/// One refresh of a station feed inside a write transaction that holds the change-log lock
/// (see [`Storage::ingest_stations`]).
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
impl Storage for PostgresStorage {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        self.client()
            .await?
            .query_one("SELECT 1", &[])
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn create_account(&self, account: &StoredAccount) -> Result<()> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                &format!("INSERT INTO account ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
                &[
                    &account.id.0,
                    &account.email,
                    &account.phone,
                    &account.password_hash,
                    &account.role.as_str(),
                    &millis(account.created_at),
                ],
            )
            .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                Err(Error::Conflict {
                    detail: "an account with this e-mail address or phone number already exists; log in instead".into(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>> {
        self.client()
            .await?
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE email = $1 OR phone = $1"),
                &[&login],
            )
            .await?
            .map(|row| read_account(&row, 0))
            .transpose()
    }

    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>> {
        self.client()
            .await?
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = $1"),
                &[&id.0],
            )
            .await?
            .map(|row| read_account(&row, 0))
            .transpose()
    }

    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE account SET role = $2 WHERE id = $1",
                &[&id.0, &role.as_str()],
            )
            .await?
            == 1)
    }

    async fn create_session(&self, session: &StoredSession) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO session (id, account_id, token_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &session.id.0,
                    &session.account_id.0,
                    &session.token_hash.as_slice(),
                    &millis(session.created_at),
                    &millis(session.expires_at),
                ],
            )
            .await?;
        Ok(())
    }

    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!(
                    "SELECT {SESSION_COLUMNS}, a.id, a.email, a.phone, a.password_hash, a.role, a.created_at
                     FROM session s JOIN account a ON a.id = s.account_id
                     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"
                ),
                &[&token_hash.as_slice(), &millis(now)],
            )
            .await?;
        row.map(|row| Ok((read_session(&row)?, read_account(&row, 5)?)))
            .transpose()
    }

    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>> {
        self.client()
            .await?
            .query(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM session s
                     WHERE s.account_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
                     ORDER BY s.created_at DESC, s.id DESC"
                ),
                &[&account.0, &millis(now)],
            )
            .await?
            .iter()
            .map(read_session)
            .collect()
    }

    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE session SET revoked_at = $3
                 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL AND expires_at > $3",
                &[&session.0, &account.0, &millis(now)],
            )
            .await?
            == 1)
    }

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
        self.client()
            .await?
            .query(
                &format!(
                    "SELECT {RESOURCE_COLUMNS} FROM resource
                     WHERE NOT retired
                       AND ($1::text IS NULL OR kind = $1)
                       AND ($2::float8 IS NULL OR (lon BETWEEN $2 AND $4 AND lat BETWEEN $3 AND $5))
                       AND ($6::text IS NULL OR search_text LIKE $6 ESCAPE '\\')
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
                ],
            )
            .await?
            .iter()
            .map(read_resource)
            .collect()
    }

    async fn write_resource(&self, write: ResourceWrite) -> Result<WriteResult> {
        let mut client = self.client().await?;
        let tx = begin_change_log(&mut client).await?;
        let result = write_in(
            &tx,
            write.actor,
            write.command,
            write.idempotency_key.as_deref(),
        )
        .await?;
        commit_and_publish(tx, &self.changes).await?;
        Ok(result)
    }

    async fn apply_mutations(
        &self,
        actor: Actor,
        batch: Vec<BatchMutation>,
    ) -> Result<Vec<MutationOutcome>> {
        let mut client = self.client().await?;
        let tx = begin_change_log(&mut client).await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for mutation in batch {
            let key = mutation.idempotency_key.as_str();
            let outcome = match mutation.command {
                Ok(command) => write_in(&tx, actor, command, Some(key))
                    .await?
                    .to_outcome(actor),
                Err(reason) => match receipt_in(&tx, actor.id, key).await? {
                    Some(first) => first,
                    None => {
                        let rejected = unparsable(&reason);
                        insert_receipt(&tx, actor.id, key, &rejected).await?;
                        rejected
                    }
                },
            };
            outcomes.push(outcome);
        }
        commit_and_publish(tx, &self.changes).await?;
        Ok(outcomes)
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

    fn change_notifier(&self) -> &ChangeNotifier {
        &self.changes
    }

    async fn changes_since(&self, since: u64, limit: u32) -> Result<Vec<ChangeRow>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, entity, entity_id, owner_id, restricted, body FROM change
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&(since as i64), &i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ChangeRow {
                    seq: row.try_get::<_, i64>(0)? as u64,
                    entity: row.try_get(1)?,
                    entity_id: row.try_get(2)?,
                    owner_id: AccountId(row.try_get(3)?),
                    restricted: row.try_get(4)?,
                    body: row.try_get(5)?,
                })
            })
            .collect()
    }
}
