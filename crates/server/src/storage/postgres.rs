//! The PostgreSQL backend (`--database-url postgres://…`): a deadpool connection pool over
//! tokio-postgres. Writes to the change log take a transaction-scoped advisory lock first,
//! so `seq` values become visible in order. One file per noun (`postgres/accounts.rs`, …)
//! implements that noun's storage trait.

use std::str::FromStr;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::{ChangeNotifier, Storage};
use crate::error::{Error, Result};

mod accounts;
mod change_log;
mod reservations;
mod resources;
mod sessions;
mod stations;

/// Append-only, numbered migrations: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("postgres/0001_initial.sql")),
    (2, include_str!("postgres/0002_station_status.sql")),
    (3, include_str!("postgres/0003_change_audience.sql")),
    (4, include_str!("postgres/0004_resource_shown_place.sql")),
    (5, include_str!("postgres/0005_reservations.sql")),
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

pub(crate) fn unavailable(e: impl std::fmt::Display) -> Error {
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

    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object> {
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
        resources::fill_shown_columns(&tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A write transaction holding the change-log lock, for the shared mutation loop's
/// transaction traits.
pub(crate) struct PgTx<'a> {
    pub tx: &'a deadpool_postgres::Transaction<'a>,
    change_log_locked: bool,
}

impl<'a> PgTx<'a> {
    /// A mutation batch's transaction, not yet holding the change-log lock.
    pub fn new(tx: &'a deadpool_postgres::Transaction<'a>) -> PgTx<'a> {
        PgTx {
            tx,
            change_log_locked: false,
        }
    }

    /// Takes the change-log lock ([`CHANGE_LOG_LOCK`]) before this transaction's first
    /// append, and keeps it to the commit: `seq` order stays commit order, while reads,
    /// decisions and refusals (most of a contended booking's work) run side by side.
    pub async fn lock_change_log(&mut self) -> Result<()> {
        if !self.change_log_locked {
            self.tx
                .execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOG_LOCK])
                .await?;
            self.change_log_locked = true;
        }
        Ok(())
    }
}

/// Whether a transaction failed only because of others running at the same time
/// (deadlock detected, serialization failure): running it again can succeed.
pub(crate) fn is_retryable(error: &Error) -> bool {
    use tokio_postgres::error::SqlState;
    matches!(error, Error::Postgres(e) if e.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED)
        || e.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE))
}

/// The newest `seq` in the change log (the newest change of a record is always kept, so the
/// largest stored `seq` is the last one handed out). Exact while the change-log lock is held.
pub(crate) async fn newest_seq(client: &impl GenericClient) -> Result<u64> {
    let seq: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM change", &[])
        .await?
        .get(0);
    Ok(seq as u64)
}

/// A write transaction holding the change-log lock (writers of the log go one at a time,
/// so `seq` is handed out in commit order); end it with [`commit_and_publish`].
pub(crate) async fn begin_change_log(
    client: &mut deadpool_postgres::Object,
) -> Result<deadpool_postgres::Transaction<'_>> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOG_LOCK])
        .await?;
    Ok(tx)
}

/// Commits a transaction that holds the change-log lock, then publishes the newest `seq`.
pub(crate) async fn commit_and_publish(
    tx: deadpool_postgres::Transaction<'_>,
    changes: &ChangeNotifier,
) -> Result<()> {
    let newest = newest_seq(&tx).await?;
    tx.commit().await?;
    changes.publish(newest);
    Ok(())
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
}
