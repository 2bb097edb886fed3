//! Shared by the sync tests (`tests/sync_*.rs`) and tools (`src/bin/sync_*.rs`), included
//! with `#[path]`: the real Share Hub server in this process on 127.0.0.1 over a SQLite
//! file (stoppable and restartable on the same file and port), accounts, resources, device
//! databases, and the kill -9 loop. As its own test target it holds no tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharehub_core::resource::Visibility;
use sharehub_core::wire::{AccountId, Change, RegisterRequest, Role, SignedIn};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_local::sync::{ApiClient, EntryStatus, SessionToken, SyncConfig, SyncStore};
use sharehub_server::storage::{SqliteStorage, Storage};
use sharehub_server::{router, serve, AppState, ServerConfig};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A real server over a SQLite file, in this process. `stop` and `start` keep the file
/// and the port, like a server that goes down and comes back.
pub struct Hub {
    pub db: PathBuf,
    pub addr: SocketAddr,
    pub state: Option<AppState>,
    running: Option<(oneshot::Sender<()>, JoinHandle<std::io::Result<()>>)>,
}

impl Hub {
    /// Starts a server on a new port over `db` (created when missing).
    pub async fn start_new(db: &Path) -> Result<Hub> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let mut hub = Hub {
            db: db.to_owned(),
            addr,
            state: None,
            running: None,
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
        let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&self.db).await?);
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
        let task = tokio::spawn(serve(listener, router(state.clone()), shutdown));
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

    /// Starts again on the same file and port.
    pub async fn start(&mut self) -> Result<()> {
        if self.running.is_some() {
            return Ok(());
        }
        // The port was ours a moment ago; another process may grab it in between, rarely.
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

    pub fn state(&self) -> &AppState {
        self.state.as_ref().expect("the server is running")
    }

    /// Registers an account (with `role`, set directly in storage when not resident).
    pub async fn account(&self, name: &str, role: Role) -> Result<SignedIn> {
        let client = ApiClient::new(&self.url())?;
        let mut signed_in = client
            .register(&RegisterRequest {
                email: Some(format!("{name}@sync-test.sharehub.kr")),
                phone: None,
                password: "correct horse battery".into(),
            })
            .await?;
        if role != Role::Resident {
            self.state()
                .storage
                .set_role(signed_in.account.id, role)
                .await?;
            signed_in.account.role = role;
        }
        Ok(signed_in)
    }

    /// How many idempotency receipts the server keeps for `account` (one per mutation it
    /// ever decided), read from its database file.
    pub fn receipts(&self, account: AccountId) -> Result<u64> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(conn.query_row(
            "SELECT count(*) FROM mutation_receipt WHERE account_id = ?1",
            [account.to_string()],
            |r| r.get(0),
        )?)
    }
}

/// Every record `token`'s person may see, as the server's change feed gives them to a new
/// device: id → (record, version).
pub async fn server_view(url: &str, token: &str) -> Result<BTreeMap<ResourceId, (Resource, u64)>> {
    let client = ApiClient::new(url)?;
    let token = SessionToken::new(token);
    let mut since = 0;
    let mut view = BTreeMap::new();
    loop {
        let page = client.changes(&token, since, 5000).await?;
        for change in page.changes {
            match change {
                Change::Resource { record, .. } => {
                    view.insert(record.resource.id, (record.resource, record.version));
                }
                Change::Tombstone { id, .. } => {
                    view.remove(&ResourceId(id));
                }
                Change::Unknown => {
                    panic!("the server sent a change of a kind it was not asked for")
                }
            }
        }
        since = page.next_since;
        if !page.has_more {
            return Ok(view);
        }
    }
}

/// What a device shows: id → (record, server version of the row).
pub fn device_view(store: &SyncStore) -> Result<BTreeMap<ResourceId, (Resource, Option<u64>)>> {
    Ok(store
        .shown_resources()?
        .into_iter()
        .map(|(r, version)| (r.id, (r, version)))
        .collect())
}

/// A valid resource with a fresh id, its texts numbered by `n`.
pub fn resource(n: u64, rng: &mut StdRng) -> Resource {
    let kinds = [
        ResourceKind::Tool,
        ResourceKind::Room,
        ResourceKind::ParkingSpace,
        ResourceKind::Workspace,
        ResourceKind::Meal,
    ];
    let text = |ko: &str, en: &str| LocalizedText::new(format!("{ko} {n}"), format!("{en} {n}"));
    Resource {
        id: ResourceId::new_v7(),
        kind: kinds[rng.random_range(0..kinds.len())],
        name: text("공유 물건", "Shared thing"),
        description: text("설명", "Description"),
        location: GeoPoint {
            lat: 37.45 + rng.random_range(0.0..0.2),
            lon: 126.85 + rng.random_range(0.0..0.3),
        },
        address: text("서울 마포구 월드컵로", "World Cup-ro, Mapo-gu"),
        district: LocalizedText::new("마포구", "Mapo-gu"),
        neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
        owner_name: text("이웃", "Neighbor"),
        pricing: if rng.random_bool(0.5) {
            Pricing::Free
        } else {
            Pricing::PerUse {
                amount_krw: rng.random_range(0..5000),
            }
        },
        capacity: Some(rng.random_range(1..20)),
        schedule: None,
        visibility: Visibility::Public,
    }
}

/// The seed of a randomized test: `SHAREHUB_SEED` when set (to replay), else a new one.
pub fn seed() -> u64 {
    match std::env::var("SHAREHUB_SEED") {
        Ok(text) => text.trim().parse().expect("SHAREHUB_SEED must be a number"),
        Err(_) => rand::rng().random(),
    }
}

pub fn small_pages() -> SyncConfig {
    SyncConfig {
        page_size: 7,
        batch_size: 5,
        ..SyncConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// The kill -9 loop.

/// The worker: opens the device database and syncs in a loop until a sync finds nothing
/// to push or pull (then exits 0). Arguments: `<device.db> <server url> <token>`.
pub async fn worker_main(args: &[String]) -> Result<()> {
    let [db, url, token] = args else {
        bail!("usage: sync_worker <device.db> <server url> <token>");
    };
    let engine = sharehub_local::SyncEngine::open(Path::new(db), url, small_pages())?;
    engine.resume(SessionToken::new(token.clone()));
    loop {
        let report = engine.run_once().await?;
        if report.pushed + report.needs_attention + report.pulled == 0 && report.pending == 0 {
            return Ok(());
        }
    }
}

/// What the device was asked to do, by record: the last intended content (`None`: retired).
type Intents = BTreeMap<ResourceId, Option<Resource>>;

/// Starts the worker process.
pub fn spawn_worker(worker: &[String], db: &Path, url: &str, token: &str) -> Result<Child> {
    let (program, pre) = worker.split_first().context("no worker command")?;
    Ok(Command::new(program)
        .args(pre)
        .arg(db)
        .arg(url)
        .arg(token)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?)
}

/// Checks what must hold whenever the device is at rest (the worker dead or finished):
/// the file is sound; nothing the person did was lost (the device shows every intent:
/// pending or applied); nothing needed attention (a mutation applied twice would have come
/// back rejected or bumped); the server never decided more mutations than were made; and
/// every record with nothing pending is on the server exactly as intended.
pub async fn check_at_rest(
    hub: &Hub,
    db: &Path,
    token: &str,
    account: AccountId,
    intents: &Intents,
    made: u64,
) -> Result<()> {
    let store = SyncStore::open(db)?;
    ensure!(store.integrity_check()? == "ok", "integrity_check failed");
    let entries = store.outbox()?;
    let troubled: Vec<_> = entries
        .iter()
        .filter(|e| e.status == EntryStatus::NeedsAttention)
        .collect();
    ensure!(troubled.is_empty(), "changes need attention: {troubled:#?}");
    let shown = device_view(&store)?;
    let pending: std::collections::HashSet<ResourceId> = entries
        .iter()
        .filter(|e| e.status == EntryStatus::Pending)
        .map(|e| e.change.record())
        .collect();
    let receipts = hub.receipts(account)?;
    ensure!(
        receipts <= made,
        "the server decided {receipts} mutations but only {made} were made"
    );
    let server = server_view(&hub.url(), token).await?;
    for (id, intent) in intents {
        let on_device = shown.get(id).map(|(r, _)| r);
        ensure!(
            on_device == intent.as_ref(),
            "device lost a change of {id}: shows {on_device:?}, intended {intent:?}"
        );
        if !pending.contains(id) {
            let on_server = server.get(id).map(|(r, _)| r);
            ensure!(
                on_server == intent.as_ref(),
                "server has {on_server:?} for {id}, intended {intent:?}"
            );
        }
    }
    Ok(())
}

/// The kill -9 test: `iterations` rounds of local changes (and changes by another account
/// on the server, for the device to pull), a worker started and killed with SIGKILL after a
/// random delay, and the checks of [`check_at_rest`]. Ends with a clean sync and exact
/// comparisons. `worker` is the command that runs [`worker_main`].
pub async fn kill_loop(worker: &[String], iterations: u64, seed: u64) -> Result<KillReport> {
    let dir = tempfile::tempdir()?;
    let mut hub = Hub::start_new(&dir.path().join("hub.db")).await?;
    let me = hub.account("device-owner", Role::Resident).await?;
    let other = hub.account("other-resident", Role::Resident).await?;
    let other_client = ApiClient::new(&hub.url())?;
    let other_token = SessionToken::new(other.token.clone());
    let db = dir.path().join("device.db");
    SyncStore::open(&db)?.set_account(me.account.id)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut intents = Intents::new();
    let mut theirs: Vec<Resource> = Vec::new();
    let mut made = 0u64;
    let mut report = KillReport::default();
    let started = Instant::now();
    for i in 0..iterations {
        // The person works offline: a few changes while the worker is dead.
        {
            let mut store = SyncStore::open(&db)?;
            for _ in 0..rng.random_range(0..4) {
                let alive: Vec<ResourceId> = intents
                    .iter()
                    .filter(|(_, r)| r.is_some())
                    .map(|(id, _)| *id)
                    .collect();
                let roll = rng.random_range(0..10);
                // Creations thin out as records pile up, so a long soak stays fast.
                let create_below = if alive.len() < 100 { 5 } else { 2 };
                if alive.is_empty() || roll < create_below {
                    let r = resource(i, &mut rng);
                    store.create_resource(r.clone())?;
                    intents.insert(r.id, Some(r));
                } else {
                    let id = alive[rng.random_range(0..alive.len())];
                    if roll < 9 {
                        let mut r = intents[&id].clone().context("alive")?;
                        r.name.en = format!("Edited {i} {}", rng.random::<u16>());
                        store.update_resource(r.clone())?;
                        intents.insert(id, Some(r));
                    } else {
                        store.retire_resource(id)?;
                        intents.insert(id, None);
                    }
                }
                made += 1;
            }
        }
        // Someone else adds and edits things (up to 40 of them, last write wins), so the
        // worker has pages to pull.
        let batch: Vec<_> = (0..rng.random_range(0..12))
            .map(|_| {
                let (name, r) = if theirs.len() < 40 {
                    let r = resource(i, &mut rng);
                    theirs.push(r.clone());
                    ("resource.create", r)
                } else {
                    let k = rng.random_range(0..theirs.len());
                    theirs[k].name.en = format!("Their edit {i}");
                    ("resource.update", theirs[k].clone())
                };
                sharehub_core::wire::MutationRequest {
                    idempotency_key: uuid::Uuid::now_v7().to_string(),
                    name: name.into(),
                    args: serde_json::json!({ "resource": r }),
                }
            })
            .collect();
        if !batch.is_empty() {
            other_client.mutations(&other_token, batch).await?;
        }
        let mut child = spawn_worker(worker, &db, &hub.url(), &me.token)?;
        let delay = Duration::from_micros(rng.random_range(1_000..100_000));
        tokio::time::sleep(delay).await;
        match child.try_wait()? {
            Some(status) if !status.success() => {
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
                }
                bail!("iteration {i}: the worker failed ({status}): {stderr}");
            }
            Some(_) => report.finished += 1,
            None => {
                child.kill()?;
                child.wait()?;
                report.killed += 1;
                // Where it was: changes not yet answered, or pages not yet pulled.
                let store = SyncStore::open(&db)?;
                if store.pending_count()? > 0 {
                    report.killed_before_push_done += 1;
                } else {
                    let behind = other_client
                        .changes(&SessionToken::new(me.token.clone()), store.cursor()?, 1)
                        .await?;
                    if behind.changes.is_empty() {
                        report.killed_when_done += 1;
                    } else {
                        report.killed_mid_pull += 1;
                    }
                }
            }
        }
        child.wait()?;
        check_at_rest(&hub, &db, &me.token, me.account.id, &intents, made)
            .await
            .with_context(|| format!("after iteration {i} (seed {seed})"))?;
    }
    // A last, uninterrupted sync: everything arrives, exactly once.
    let status = spawn_worker(worker, &db, &hub.url(), &me.token)?.wait()?;
    ensure!(status.success(), "the final worker run failed: {status}");
    check_at_rest(&hub, &db, &me.token, me.account.id, &intents, made).await?;
    let store = SyncStore::open(&db)?;
    ensure!(
        store.pending_count()? == 0,
        "changes still pending after a clean sync"
    );
    let receipts = hub.receipts(me.account.id)?;
    ensure!(
        receipts == made,
        "the server decided {receipts} mutations; {made} were made"
    );
    let server = server_view(&hub.url(), &me.token).await?;
    let shown = device_view(&store)?;
    ensure!(
        shown.len() == server.len(),
        "device shows {} records, server has {}",
        shown.len(),
        server.len()
    );
    for (id, (r, version)) in &server {
        let (mine, my_version) = shown.get(id).context("record missing on the device")?;
        ensure!(mine == r && *my_version == Some(*version), "{id} differs");
    }
    hub.stop().await?;
    report.mutations = made;
    report.elapsed = started.elapsed();
    Ok(report)
}

#[derive(Debug, Default)]
pub struct KillReport {
    pub killed: u64,
    /// Killed with changes not yet answered (before or during the push).
    pub killed_before_push_done: u64,
    /// Killed after the push, with pages left to pull (before or during the pull).
    pub killed_mid_pull: u64,
    /// Killed with nothing left to do (while checking, or exiting).
    pub killed_when_done: u64,
    pub finished: u64,
    pub mutations: u64,
    pub elapsed: Duration,
}
