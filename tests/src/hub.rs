//! The real Share Hub server in this process on 127.0.0.1, over a SQLite file or a
//! PostgreSQL database: stoppable and restartable on the same data and port, with accounts,
//! the server's own receipts read from its database, and a gate that can hold the answer to
//! a batch of mutations after the server has applied it.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use sharehub_core::wire::{AccountId, RegisterRequest, Role, SignedIn};
use sharehub_local::sync::ApiClient;
use sharehub_server::{open_storage, router, serve, AppState, ServerConfig, StorageChoice};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinHandle;

use crate::fixtures::PASSWORD;

/// Where the server keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests (set by `scripts/with-postgres.sh`).
pub const DATABASE_URL_VAR: &str = "SHAREHUB_TEST_DATABASE_URL";

/// A real server in this process. `stop` and `start` keep the data and the port, like a
/// server that goes down and comes back.
pub struct Hub {
    pub storage: StorageChoice,
    pub addr: SocketAddr,
    state: Option<AppState>,
    running: Option<(oneshot::Sender<()>, JoinHandle<std::io::Result<()>>)>,
    gate: Arc<AnswerGate>,
}

impl Hub {
    /// A server on a new port over new data: a SQLite file in `dir`, or a database of its
    /// own on the PostgreSQL server of [`DATABASE_URL_VAR`].
    pub async fn start_new(backend: Backend, dir: &Path) -> Result<Hub> {
        let storage = match backend {
            Backend::Sqlite => StorageChoice::Sqlite(dir.join("hub.db")),
            Backend::Postgres => StorageChoice::Postgres(fresh_postgres_database().await?),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let mut hub = Hub {
            storage,
            addr: listener.local_addr()?,
            state: None,
            running: None,
            gate: Arc::new(AnswerGate::default()),
        };
        hub.serve_on(listener).await?;
        Ok(hub)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn is_up(&self) -> bool {
        self.running.is_some()
    }

    async fn serve_on(&mut self, listener: TcpListener) -> Result<()> {
        let storage = open_storage(&self.storage).await?;
        let config = ServerConfig {
            hashing_threads: 1,
            ..ServerConfig::default()
        };
        let state = AppState::new(storage, config)?;
        let (tx, rx) = oneshot::channel::<()>();
        // Event streams end when the server begins to stop (`stop_after`), so stopping
        // never waits on a device's open stream.
        let shutdown = sharehub_server::stop_after(state.stopping.clone(), async move {
            let _ = rx.await;
        });
        let app = router(state.clone()).layer(axum::middleware::from_fn_with_state(
            self.gate.clone(),
            hold_mutation_answer,
        ));
        let task = tokio::spawn(serve(listener, app, shutdown));
        self.state = Some(state);
        self.running = Some((tx, task));
        Ok(())
    }

    /// Stops accepting, finishes requests in flight, and closes the database.
    pub async fn stop(&mut self) -> Result<()> {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            task.await??;
        }
        self.state = None;
        Ok(())
    }

    /// Starts again on the same data and port.
    pub async fn start(&mut self) -> Result<()> {
        if self.is_up() {
            return Ok(());
        }
        // The port was ours a moment ago; another process may take it only in theory.
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(e) if tries < 50 => {
                    tries += 1;
                    tokio::task::yield_now().await;
                    if tries == 50 {
                        bail!("cannot listen on {} again: {e}", self.addr);
                    }
                }
                Err(e) => bail!("cannot listen on {} again: {e}", self.addr),
            }
        };
        self.serve_on(listener).await
    }

    /// The running server's state (its storage, for seeding and roles).
    pub fn state(&self) -> Result<&AppState> {
        self.state.as_ref().context("the server is not running")
    }

    /// Registers an account (with `role`, set directly in storage when not resident).
    pub async fn account(&self, name: &str, role: Role) -> Result<SignedIn> {
        let client = ApiClient::new(&self.url())?;
        let mut signed_in = client
            .register(&RegisterRequest {
                email: Some(format!("{name}@sync-test.sharehub.kr")),
                phone: None,
                password: PASSWORD.into(),
            })
            .await?;
        if role != Role::Resident {
            self.state()?
                .storage
                .set_role(signed_in.account.id, role)
                .await?;
            signed_in.account.role = role;
        }
        Ok(signed_in)
    }

    /// The idempotency keys of every mutation the server ever decided for `account` (one
    /// receipt each), read from its database.
    pub async fn receipt_keys(&self, account: AccountId) -> Result<BTreeSet<String>> {
        match &self.storage {
            StorageChoice::Sqlite(path) => {
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )?;
                conn.busy_timeout(Duration::from_secs(5))?;
                let mut statement = conn.prepare(
                    "SELECT idempotency_key FROM mutation_receipt WHERE account_id = ?1",
                )?;
                let keys = statement
                    .query_map([account.to_string()], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(keys)
            }
            StorageChoice::Postgres(url) => {
                let client = connect_postgres(url).await?;
                let rows = client
                    .query(
                        "SELECT idempotency_key FROM mutation_receipt WHERE account_id = $1",
                        &[&account.0],
                    )
                    .await?;
                Ok(rows.iter().map(|row| row.get(0)).collect())
            }
        }
    }

    /// How many mutations the server ever decided for `account`.
    pub async fn receipts(&self, account: AccountId) -> Result<u64> {
        Ok(self.receipt_keys(account).await?.len() as u64)
    }

    /// The gate on answers to `POST /v1/sync/mutations` (see [`AnswerGate`]).
    pub fn gate(&self) -> &AnswerGate {
        &self.gate
    }
}

/// Holds the answer to one batch of mutations after the server has applied it (committed,
/// receipts written), until the test lets it go: the moment between the server deciding
/// and the device recording the answer, made to last. Unarmed, it changes nothing.
#[derive(Default)]
pub struct AnswerGate {
    armed: AtomicBool,
    held: Mutex<Option<mpsc::Sender<oneshot::Sender<()>>>>,
}

impl AnswerGate {
    /// Holds the next answer: the receiver gets, once it is applied and held, the sender
    /// that lets it go (dropping it lets it go too).
    pub async fn hold_next(&self) -> mpsc::Receiver<oneshot::Sender<()>> {
        let (tx, rx) = mpsc::channel(1);
        *self.held.lock().await = Some(tx);
        self.armed.store(true, Ordering::SeqCst);
        rx
    }

    /// Holds nothing any more.
    pub async fn open(&self) {
        self.armed.store(false, Ordering::SeqCst);
        self.held.lock().await.take();
    }
}

async fn hold_mutation_answer(
    axum::extract::State(gate): axum::extract::State<Arc<AnswerGate>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_batch = request.method() == axum::http::Method::POST
        && request.uri().path() == "/v1/sync/mutations";
    let answer = next.run(request).await;
    if is_batch && gate.armed.swap(false, Ordering::SeqCst) {
        if let Some(tell) = gate.held.lock().await.take() {
            let (release, released) = oneshot::channel();
            if tell.send(release).await.is_ok() {
                let _ = released.await;
            }
        }
    }
    answer
}

async fn connect_postgres(url: &str) -> Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {url}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// A new, empty database on the server of [`DATABASE_URL_VAR`]; its URL.
pub async fn fresh_postgres_database() -> Result<String> {
    let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
        bail!(
            "{DATABASE_URL_VAR} is not set: the PostgreSQL half needs a server. Run the tests \
             as `scripts/with-postgres.sh cargo test -p sharehub-e2e …`, which starts a \
             throwaway PostgreSQL and sets it."
        );
    };
    let name = format!("sharehub_e2e_{}", uuid::Uuid::now_v7().simple());
    connect_postgres(&url)
        .await?
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    // postgres://user@host:port/database?params → the same with the new database.
    let (base, params) = url.split_once('?').unwrap_or((&url, ""));
    let authority = base
        .strip_prefix("postgres://")
        .or_else(|| base.strip_prefix("postgresql://"))
        .with_context(|| format!("{DATABASE_URL_VAR} must be a postgres:// URL"))?
        .split('/')
        .next()
        .unwrap_or_default();
    let params = if params.is_empty() {
        String::new()
    } else {
        format!("?{params}")
    };
    Ok(format!("postgres://{authority}/{name}{params}"))
}
