//! kill -9 at random points during push and pull: a worker process syncs a device database
//! and is killed with SIGKILL after a random delay (seeded), again and again. After each
//! restart nothing is lost, nothing is applied twice on the server, and the file is sound.
//! `cargo run -p sharehub-e2e --bin sync_soak -- 10000` runs the same for longer.
#![allow(clippy::unwrap_used)]

mod sync_support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_workers_lose_nothing_and_apply_nothing_twice() {
    let seed = sync_support::seed();
    eprintln!("seed {seed} (replay with SHAREHUB_SEED={seed})");
    let worker = vec![env!("CARGO_BIN_EXE_sync_worker").to_owned()];
    let report = sync_support::kill_loop(&worker, 200, seed)
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: {e:#}"));
    eprintln!("{report:?}");
    assert!(
        report.killed >= 50,
        "most runs should be killed mid-way: {report:?}"
    );
}

/// A first sync writes rows without R*Tree boxes and builds the R*Tree when its pull ends
/// (`sync_state.boxes_pending`). Killed at random points of that, again and again, each
/// file at rest is sound and consistent: while boxes are pending the R*Tree is whatever it
/// was and near me scans; otherwise every row has exactly its box. Resumed, the pull ends
/// with a complete R*Tree whose answers are those of the scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_killed_while_its_boxes_wait_resumes_and_builds_them() {
    let seed = sync_support::seed();
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
) -> anyhow::Result<u64> {
    use anyhow::ensure;
    use rand::{Rng, SeedableRng};
    use sharehub_core::wire::Role;
    use sharehub_local::SyncStore;

    let dir = tempfile::tempdir()?;
    let hub = sync_support::Hub::start_new(&dir.path().join("hub.db")).await?;
    let me = hub.account("device-owner", Role::Resident).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let resources: Vec<_> = (0..count)
        .map(|n| sync_support::resource(n, &mut rng))
        .collect();
    hub.state()
        .storage
        .seed_resources(me.account.id, &resources)
        .await?;
    let mut killed_while_pending = 0;
    for round in 0..rounds {
        let db = dir.path().join(format!("device-{round}.db"));
        SyncStore::open(&db)?.set_account(me.account.id)?;
        let mut cursor = 0;
        for run in 0.. {
            let mut child = sync_support::spawn_worker(worker, &db, &hub.url(), &me.token)?;
            let delay = std::time::Duration::from_micros(rng.random_range(1_000..150_000));
            tokio::time::sleep(delay).await;
            let finished = match child.try_wait()? {
                Some(status) => {
                    ensure!(status.success(), "round {round} run {run}: {status}");
                    true
                }
                None => {
                    child.kill()?;
                    child.wait()?;
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
                let near = |store: &SyncStore| -> anyhow::Result<Vec<_>> {
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
