//! `cargo run --release -p sharehub-e2e --bin sync_latency -- [changes]`: how long a change
//! made on one device takes to show on another, both online (issue 4's goal: p50 ≤ 50 ms,
//! p99 ≤ 250 ms). Two device databases of two people, each with its engine's loop running
//! (push after a local write; pull when the server's event stream announces a change), the
//! real server in-process on 127.0.0.1. The clock runs from the local write on device A to
//! the record being readable on device B.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::SeedableRng;
use sharehub_core::wire::Role;
use sharehub_e2e::engine_loop::EngineLoop;
use sharehub_e2e::fixtures::resource;
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_local::sync::{SessionToken, SyncConfig};
use sharehub_local::SyncEngine;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let changes: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .context("the number of changes must be a number")?,
        None => 200,
    };
    let dir = tempfile::tempdir()?;
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await?;
    let writer = hub.account("latency-writer", Role::Resident).await?;
    let reader = hub.account("latency-reader", Role::Resident).await?;
    let a = SyncEngine::open(&dir.path().join("a.db"), &hub.url(), SyncConfig::default())?;
    let b = SyncEngine::open(&dir.path().join("b.db"), &hub.url(), SyncConfig::default())?;
    a.resume(SessionToken::new(writer.token.clone()));
    b.resume(SessionToken::new(reader.token.clone()));
    a.run_once().await?;
    b.run_once().await?;
    let loops = [EngineLoop::spawn(&a), EngineLoop::spawn(&b)];

    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut samples = Vec::with_capacity(changes);
    for n in 0..changes as u64 {
        let resource = resource(n, &mut rng);
        let id = resource.id;
        let started = Instant::now();
        a.with_db(move |db| db.create_resource(resource)).await?;
        a.notify_local_write();
        loop {
            let seen = b
                .with_db(move |db| Ok(db.store().get_resource(id).is_ok()))
                .await?;
            if seen {
                break;
            }
            if started.elapsed() > Duration::from_secs(10) {
                bail!("change {n} did not reach the other device within 10 s");
            }
            // Measuring, not synchronising: look again a millisecond later.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        samples.push(started.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "device A write → visible on device B, {} changes: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    for running in loops {
        running.stop().await?;
    }
    Ok(())
}
