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
