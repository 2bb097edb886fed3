//! `cargo run -p sharehub-e2e --bin sync_soak -- [iterations] [seed]`: the kill -9 sync test
//! (tests/sync_kill.rs) for as long as you like, e.g. 10,000 iterations, on SQLite (or on
//! PostgreSQL with `SHAREHUB_SOAK_BACKEND=postgres` under scripts/with-postgres.sh). The
//! worker is this same binary (`sync_soak worker …`). Replay a failure with the printed seed.
//! It fails unless kills landed in each risky window at least once per 20 iterations.

use anyhow::Context;
use sharehub_e2e::fixtures::seed;
use sharehub_e2e::hub::Backend;
use sharehub_e2e::kill::{kill_loop, worker_main};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("worker") {
        return worker_main(&args[1..]).await;
    }
    let iterations: u64 = match args.first() {
        Some(n) => n.parse().context("iterations must be a number")?,
        None => 10_000,
    };
    let seed = match args.get(1) {
        Some(seed) => seed.parse().context("seed must be a number")?,
        None => seed(),
    };
    let backend = match std::env::var("SHAREHUB_SOAK_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => anyhow::bail!("SHAREHUB_SOAK_BACKEND must be sqlite or postgres, not {other}"),
    };
    println!("sync soak: {iterations} kill -9 iterations on {backend:?}, seed {seed} (replay: sync_soak {iterations} {seed})");
    let me = std::env::current_exe()?.to_string_lossy().into_owned();
    let report = kill_loop(backend, &[me, "worker".into()], iterations, seed)
        .await
        .with_context(|| format!("seed {seed}"))?;
    println!(
        "{report}, each applied once, {:.1} s",
        report.elapsed.as_secs_f64()
    );
    report.ensure_risky_windows_hit(iterations / 20)?;
    println!("ok");
    Ok(())
}
