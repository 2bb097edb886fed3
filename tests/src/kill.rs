//! The kill -9 loop: a worker process syncs a device database and is killed with SIGKILL,
//! again and again, at a random moment or on purpose in one of the risky windows (in the
//! middle of a pull; after the server applied a batch and before the device recorded the
//! answer). After every kill the device at rest must have lost nothing, and the server must
//! have applied nothing twice.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharehub_core::wire::{AccountId, EntityKind, MutationRequest, Role};
use sharehub_core::{Resource, ResourceId};
use sharehub_local::sync::{ApiClient, EntryStatus, SessionToken, SyncStore};
use sharehub_local::SyncEngine;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::fixtures::{resource, small_pages};
use crate::hub::{Backend, Hub};
use crate::views::{device_view, server_view};

/// What the worker prints after each page it pulled and committed.
const PAGE_PULLED: &str = "page pulled";

/// The worker: opens the device database and syncs in a loop until a sync finds nothing
/// to push or pull (then exits 0), printing [`PAGE_PULLED`] after every page. Arguments:
/// `<device.db> <server url> <token>`.
pub async fn worker_main(args: &[String]) -> Result<()> {
    let [db, url, token] = args else {
        bail!("usage: sync_worker <device.db> <server url> <token>");
    };
    let engine = SyncEngine::open(Path::new(db), url, small_pages())?;
    engine.resume(SessionToken::new(token.clone()));
    loop {
        let report = engine
            .run_once_with_progress(|_| println!("{PAGE_PULLED}"))
            .await?;
        if report.pushed + report.needs_attention + report.pulled == 0 && report.pending == 0 {
            return Ok(());
        }
    }
}

/// Starts the worker process (`worker` is the command that runs [`worker_main`]).
pub fn spawn_worker(worker: &[String], db: &Path, url: &str, token: &str) -> Result<Child> {
    let (program, pre) = worker.split_first().context("no worker command")?;
    Ok(Command::new(program)
        .args(pre)
        .arg(db)
        .arg(url)
        .arg(token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?)
}

/// Fails with the worker's error output unless it exited successfully.
async fn ensure_success(child: &mut Child, status: std::process::ExitStatus) -> Result<()> {
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr).await?;
        }
        bail!("the worker failed ({status}): {stderr}");
    }
    Ok(())
}

/// What the device was asked to do, by record: the last intended content (`None`: retired).
type Intents = BTreeMap<ResourceId, Option<Resource>>;

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
    let pending: HashSet<ResourceId> = entries
        .iter()
        .filter(|e| e.status == EntryStatus::Pending)
        .map(|e| ResourceId(e.record.id))
        .collect();
    let receipts = hub.receipts(account).await?;
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

/// When a run is killed.
#[derive(Debug, Clone, Copy)]
enum Aim {
    /// After a random delay.
    AtRandom(Duration),
    /// While the server holds its answer to a batch it has applied.
    AfterApply,
    /// Right after the worker says it committed a pulled page.
    AfterAPage,
}

/// The kill -9 test: `iterations` rounds of local changes (and changes by another account
/// on the server, for the device to pull), a worker started and killed with SIGKILL, and
/// the checks of [`check_at_rest`]. Ends with a clean sync and exact comparisons.
pub async fn kill_loop(
    backend: Backend,
    worker: &[String],
    iterations: u64,
    seed: u64,
) -> Result<KillReport> {
    let dir = tempfile::tempdir()?;
    let mut hub = Hub::start_new(backend, dir.path()).await?;
    let me = hub.account("device-owner", Role::Resident).await?;
    let other = hub.account("other-resident", Role::Resident).await?;
    let client = ApiClient::new(&hub.url())?;
    let other_token = SessionToken::new(other.token.clone());
    let my_token = SessionToken::new(me.token.clone());
    let db = dir.path().join("device.db");
    SyncStore::open(&db)?.set_account(me.account.id)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut intents = Intents::new();
    let mut theirs: Vec<Resource> = Vec::new();
    let mut made = 0u64;
    let mut report = KillReport::default();
    let started = Instant::now();
    for i in 0..iterations {
        made += work_offline(&db, &mut rng, &mut intents, i)?;
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
                MutationRequest {
                    idempotency_key: uuid::Uuid::now_v7().to_string(),
                    name: name.into(),
                    args: serde_json::json!({ "resource": r }),
                }
            })
            .collect();
        if !batch.is_empty() {
            client.mutations(&other_token, batch).await?;
        }
        let aim = match rng.random_range(0..3) {
            0 => Aim::AtRandom(Duration::from_micros(rng.random_range(1_000..100_000))),
            1 => Aim::AfterApply,
            _ => Aim::AfterAPage,
        };
        let cursor_before = SyncStore::open(&db)?.cursor()?;
        let decided_before = hub.receipt_keys(me.account.id).await?;
        let killed = run_and_kill(&hub, worker, &db, &me.token, aim)
            .await
            .with_context(|| format!("iteration {i} (seed {seed})"))?;
        if killed {
            report.killed += 1;
            // Where it was, from what the device and the server hold now.
            let store = SyncStore::open(&db)?;
            let pending: Vec<String> = store
                .outbox()?
                .into_iter()
                .filter(|e| e.status == EntryStatus::Pending)
                .map(|e| e.idempotency_key)
                .collect();
            let decided = hub.receipt_keys(me.account.id).await?;
            let cursor = store.cursor()?;
            // Applied in this run (a receipt it made) and not recorded by the device.
            let applied_now = |key: &String| decided.contains(key) && !decided_before.contains(key);
            if pending.iter().any(applied_now) {
                report.killed_after_apply_before_record += 1;
            } else if !pending.is_empty() {
                report.killed_before_push_done += 1;
            } else if client
                .changes(&my_token, cursor, 1, &EntityKind::ALL)
                .await?
                .changes
                .is_empty()
            {
                report.killed_when_done += 1;
            } else if cursor > cursor_before {
                report.killed_mid_pull += 1;
            } else {
                report.killed_before_pull += 1;
            }
        } else {
            report.finished += 1;
        }
        check_at_rest(&hub, &db, &me.token, me.account.id, &intents, made)
            .await
            .with_context(|| format!("after iteration {i} (seed {seed}); {report}"))?;
    }
    // A last, uninterrupted sync: everything arrives, exactly once.
    let mut last = spawn_worker(worker, &db, &hub.url(), &me.token)?;
    let status = last.wait().await?;
    ensure_success(&mut last, status).await?;
    check_at_rest(&hub, &db, &me.token, me.account.id, &intents, made).await?;
    let store = SyncStore::open(&db)?;
    ensure!(
        store.pending_count()? == 0,
        "changes still pending after a clean sync"
    );
    let receipts = hub.receipts(me.account.id).await?;
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

/// The person works offline: a few changes while the worker is dead. Returns how many.
fn work_offline(db: &Path, rng: &mut StdRng, intents: &mut Intents, i: u64) -> Result<u64> {
    let mut store = SyncStore::open(db)?;
    let changes = rng.random_range(0..4);
    for _ in 0..changes {
        let alive: Vec<ResourceId> = intents
            .iter()
            .filter(|(_, r)| r.is_some())
            .map(|(id, _)| *id)
            .collect();
        let roll = rng.random_range(0..10);
        // Creations thin out as records pile up, so a long soak stays fast.
        let create_below = if alive.len() < 100 { 5 } else { 2 };
        if alive.is_empty() || roll < create_below {
            let r = resource(i, rng);
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
    }
    Ok(changes)
}

/// Runs the worker and kills it as `aim` says. Returns whether it was killed (false: it
/// finished first).
async fn run_and_kill(
    hub: &Hub,
    worker: &[String],
    db: &Path,
    token: &str,
    aim: Aim,
) -> Result<bool> {
    let mut held = match aim {
        Aim::AfterApply => Some(hub.gate().hold_next().await),
        _ => None,
    };
    let mut child = spawn_worker(worker, db, &hub.url(), token)?;
    let mut lines = BufReader::new(child.stdout.take().context("worker stdout")?).lines();
    let mut release = None;
    let exited = loop {
        tokio::select! {
            status = child.wait() => break Some(status?),
            answer = async { held.as_mut()?.recv().await }, if held.is_some() => {
                // The server applied a batch and holds its answer: kill now.
                release = answer;
                break None;
            }
            line = lines.next_line() => match line? {
                Some(line) if line == PAGE_PULLED && matches!(aim, Aim::AfterAPage) => break None,
                Some(_) => {}
                // Its output closed: it is exiting.
                None => break Some(child.wait().await?),
            },
            () = async {
                match aim {
                    Aim::AtRandom(delay) => tokio::time::sleep(delay).await,
                    _ => std::future::pending().await,
                }
            } => break None,
        }
    };
    let killed = match exited {
        Some(status) => {
            ensure_success(&mut child, status).await?;
            false
        }
        None => match child.try_wait()? {
            Some(status) => {
                ensure_success(&mut child, status).await?;
                false
            }
            None => {
                child.kill().await?;
                true
            }
        },
    };
    drop(release);
    hub.gate().open().await;
    Ok(killed)
}

#[derive(Debug, Default)]
pub struct KillReport {
    pub killed: u64,
    /// Killed with changes the server had not decided yet (before or during the push).
    pub killed_before_push_done: u64,
    /// Killed after the server applied a batch and before the device recorded the answer
    /// (a pending change whose key got its receipt in this run).
    pub killed_after_apply_before_record: u64,
    /// Killed with everything pushed and nothing of the pull committed yet.
    pub killed_before_pull: u64,
    /// Killed in the middle of a pull: some pages committed, more to come.
    pub killed_mid_pull: u64,
    /// Killed with nothing left to do (while checking, or exiting).
    pub killed_when_done: u64,
    pub finished: u64,
    pub mutations: u64,
    pub elapsed: Duration,
}

impl KillReport {
    /// Fails unless kills landed at least `min` times in each risky window: mid-pull, and
    /// between the server applying a batch and the device recording its answer.
    pub fn ensure_risky_windows_hit(&self, min: u64) -> Result<()> {
        ensure!(
            self.killed_mid_pull >= min && self.killed_after_apply_before_record >= min,
            "kills must land at least {min} times in each risky window: {self}"
        );
        Ok(())
    }
}

impl fmt::Display for KillReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} killed (before the push was decided {}, after the server applied and before \
             the device recorded {}, before the pull {}, mid-pull {}, when done {}), {} \
             finished before the kill, {} mutations",
            self.killed,
            self.killed_before_push_done,
            self.killed_after_apply_before_record,
            self.killed_before_pull,
            self.killed_mid_pull,
            self.killed_when_done,
            self.finished,
            self.mutations
        )
    }
}
