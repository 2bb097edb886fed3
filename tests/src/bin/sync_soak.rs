//! `cargo run -p sharehub-e2e --bin sync_soak -- [iterations] [seed]`: the kill -9 sync test
//! (tests/sync_kill.rs) for as long as you like, e.g. 10,000 iterations. The worker is this
//! same binary (`sync_soak worker …`). Replay a failure with the printed seed.

#[path = "../../tests/sync_support.rs"]
mod sync_support;

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("worker") {
        return sync_support::worker_main(&args[1..]).await;
    }
    let iterations: u64 = match args.first() {
        Some(n) => n.parse().context("iterations must be a number")?,
        None => 10_000,
    };
    let seed = match args.get(1) {
        Some(seed) => seed.parse().context("seed must be a number")?,
        None => sync_support::seed(),
    };
    println!("sync soak: {iterations} kill -9 iterations, seed {seed} (replay: sync_soak {iterations} {seed})");
    let me = std::env::current_exe()?.to_string_lossy().into_owned();
    let report = sync_support::kill_loop(&[me, "worker".into()], iterations, seed)
        .await
        .with_context(|| format!("seed {seed}"))?;
    println!(
        "ok: {} killed, {} finished before the kill, {} mutations each applied once, {:.1} s",
        report.killed,
        report.finished,
        report.mutations,
        report.elapsed.as_secs_f64()
    );
    Ok(())
}
