//! kill -9 during push and pull: a worker process syncs a device database and is killed
//! with SIGKILL (seeded), again and again: after a random delay, while the server holds its
//! answer to a batch it has applied, or right after a pulled page. After each kill nothing
//! is lost, nothing is applied twice on the server, and the file is sound; the kills must
//! have landed in each risky window. On SQLite and PostgreSQL.
//! `cargo run -p sharehub-e2e --bin sync_soak -- 10000` runs the same for longer.

use anyhow::{ensure, Result};
use rand::{Rng, SeedableRng};
use sharehub_core::wire::Role;
use sharehub_e2e::fixtures::{resource, seed};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_e2e::kill::{kill_loop, spawn_worker};
use sharehub_local::SyncStore;

/// Each risky window is hit at least this often in 200 iterations (about 30 times in a
/// typical run).
const MIN_KILLS_PER_WINDOW: u64 = 10;

async fn killed_workers_lose_nothing(backend: Backend) {
    let seed = seed();
    eprintln!("seed {seed} (replay with SHAREHUB_SEED={seed})");
    let worker = vec![env!("CARGO_BIN_EXE_sync_worker").to_owned()];
    let report = kill_loop(backend, &worker, 200, seed)
        .await
        .and_then(|report| {
            report.ensure_risky_windows_hit(MIN_KILLS_PER_WINDOW)?;
            Ok(report)
        })
        .unwrap_or_else(|e| panic!("{backend:?}, seed {seed}: {e:#}"));
    eprintln!("{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_workers_lose_nothing_and_apply_nothing_twice_on_sqlite() {
    killed_workers_lose_nothing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_workers_lose_nothing_and_apply_nothing_twice_on_postgres() {
    killed_workers_lose_nothing(Backend::Postgres).await;
}

/// A first sync writes rows without R*Tree boxes and builds the R*Tree when its pull ends
/// (`sync_state.boxes_pending`). Killed at random points of that, again and again, each
/// file at rest is sound and consistent: while boxes are pending the R*Tree is whatever it
/// was and near me scans; otherwise every row has exactly its box. Resumed, the pull ends
/// with a complete R*Tree whose answers are those of the scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_killed_while_its_boxes_wait_resumes_and_builds_them() {
    let seed = seed();
    eprintln!("seed {seed} (replay with SHAREHUB_SEED={seed})");
    let worker = vec![env!("CARGO_BIN_EXE_sync_worker").to_owned()];
    let killed_while_pending = first_sync_kill_loop(&worker, 2_000, 6, seed)
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: {e:#}"));
    eprintln!("killed while boxes were pending: {killed_while_pending}");
    assert!(
        killed_while_pending >= 3,
        "most first syncs should be killed in their bulk phase: {killed_while_pending}"
    );
}

/// `rounds` new devices each pull `count` resources (pages of 7) with a worker killed
/// after random delays until one run finishes. Returns how many kills left boxes pending.
async fn first_sync_kill_loop(
    worker: &[String],
    count: u64,
    rounds: u64,
    seed: u64,
) -> Result<u64> {
    let dir = tempfile::tempdir()?;
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await?;
    let me = hub.account("device-owner", Role::Resident).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let resources: Vec<_> = (0..count).map(|n| resource(n, &mut rng)).collect();
    hub.state()?
        .storage
        .seed_resources(me.account.id, &resources)
        .await?;
    let mut killed_while_pending = 0;
    for round in 0..rounds {
        let db = dir.path().join(format!("device-{round}.db"));
        SyncStore::open(&db)?.set_account(me.account.id)?;
        let mut cursor = 0;
        let mut stalled = 0u32;
        for run in 0.. {
            let mut child = spawn_worker(worker, &db, &hub.url(), &me.token)?;
            // A run killed before it committed anything (a loaded machine starts the worker
            // slowly) doubles the next run's window, so the pull always gets on.
            let window = 150_000u64 << stalled.min(6);
            let delay = std::time::Duration::from_micros(rng.random_range(1_000..window));
            // The kill's moment (not a synchronisation): the worker is killed wherever it is.
            let finished = match tokio::time::timeout(delay, child.wait()).await {
                Ok(status) => {
                    let status = status?;
                    ensure!(status.success(), "round {round} run {run}: {status}");
                    true
                }
                Err(_) => {
                    child.kill().await?;
                    false
                }
            };
            let store = SyncStore::open(&db)?;
            let at = format!("round {round}, run {run}");
            ensure!(store.integrity_check()? == "ok", "{at}: integrity_check");
            let conn = store.store().connection();
            let check: String =
                conn.query_row("SELECT rtreecheck('resource_rtree')", [], |r| r.get(0))?;
            ensure!(check == "ok", "{at}: rtreecheck: {check}");
            let now = store.cursor()?;
            ensure!(
                now >= cursor,
                "{at}: the cursor went back from {cursor} to {now}"
            );
            stalled = if now == cursor { stalled + 1 } else { 0 };
            cursor = now;
            let pending: bool =
                conn.query_row("SELECT boxes_pending FROM sync_state", [], |r| r.get(0))?;
            if pending {
                killed_while_pending += 1;
            } else {
                let unboxed: i64 = conn.query_row(
                    "SELECT (SELECT count(*) FROM resource AS r
                         LEFT JOIN resource_rtree AS t ON t.id = r.rowid
                         WHERE t.id IS NULL OR t.min_lat > r.lat OR t.max_lat < r.lat
                             OR t.min_lon > r.lon OR t.max_lon < r.lon)
                     + (SELECT count(*) FROM resource_rtree
                         WHERE id NOT IN (SELECT rowid FROM resource))",
                    [],
                    |r| r.get(0),
                )?;
                ensure!(unboxed == 0, "{at}: {unboxed} rows or boxes out of step");
            }
            if finished {
                ensure!(!pending, "{at}: the pull ended with boxes pending");
                ensure!(
                    store.store().count_resources()? == count,
                    "{at}: not every resource arrived"
                );
                let near = |store: &SyncStore| -> Result<Vec<_>> {
                    let mut answers = Vec::new();
                    for r in resources.iter().take(5) {
                        let query = sharehub_core::ipc::NearQuery {
                            center: r.location,
                            radius_m: 3000.0,
                            limit: 30,
                            kind: None,
                            free_only: false,
                            area: None,
                            text: None,
                            open_at: None,
                        };
                        answers.push(store.store().near(&query)?);
                    }
                    Ok(answers)
                };
                let by_rtree = near(&store)?;
                conn.execute("UPDATE sync_state SET boxes_pending = 1", [])?;
                let by_scan = near(&store)?;
                conn.execute("UPDATE sync_state SET boxes_pending = 0", [])?;
                ensure!(by_rtree == by_scan, "{at}: near me differs from a scan");
                ensure!(
                    by_rtree.iter().all(|a| !a.is_empty()),
                    "{at}: near me found nothing"
                );
                break;
            }
            ensure!(run < 500, "{at}: the first sync never finished");
        }
    }
    Ok(killed_while_pending)
}
