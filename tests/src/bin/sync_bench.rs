//! `cargo run --release -p sharehub-e2e --bin sync_bench -- [resources]`: the first sync of
//! a new device against a server holding 100,000 resources (default), plus an idle re-sync
//! and a push of 1,000 local changes. Server and device run in this process over real
//! SQLite files and HTTP on 127.0.0.1, so they share the machine's cores.

use std::time::Instant;

use anyhow::{ensure, Context};
use rand::SeedableRng;
use sharehub_core::wire::{EntityKind, Role};
use sharehub_e2e::fixtures::resource;
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_local::sync::{SessionToken, SyncConfig};
use sharehub_local::SyncEngine;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .context("the number of resources must be a number")?,
        None => 100_000,
    };
    let dir = tempfile::tempdir()?;
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await?;
    let owner = hub.account("bench-owner", Role::Coordinator).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let seeding = Instant::now();
    let resources: Vec<_> = (0..count as u64).map(|n| resource(n, &mut rng)).collect();
    for chunk in resources.chunks(10_000) {
        hub.state()?
            .storage
            .seed_resources(owner.account.id, chunk)
            .await?;
    }
    println!(
        "server: {count} resources seeded in {:.2} s",
        seeding.elapsed().as_secs_f64()
    );

    let engine = SyncEngine::open(
        &dir.path().join("device.db"),
        &hub.url(),
        SyncConfig::default(),
    )?;
    engine.resume(SessionToken::new(owner.token.clone()));
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    let mut first_page = None;
    let report = engine
        .run_once_with_progress(|p| {
            first_page.get_or_insert((started.elapsed(), p.done));
        })
        .await?;
    let elapsed = started.elapsed();
    let cpu = process_cpu_seconds() - cpu_before;
    ensure!(
        report.pulled as usize == count,
        "pulled {} of {count}",
        report.pulled
    );
    let shown = engine.with_db(|db| db.store().count_resources()).await?;
    ensure!(
        shown as usize == count,
        "the device shows {shown} of {count}"
    );
    println!(
        "initial sync: {count} resources in {:.3} s ({:.2} s of CPU for server and device together; {:.0} resources/s, {} pages of {}; first page after {:.0} ms)",
        elapsed.as_secs_f64(),
        cpu,
        count as f64 / elapsed.as_secs_f64(),
        report.pages,
        SyncConfig::default().page_size,
        first_page.map_or(0.0, |(t, _)| t.as_secs_f64() * 1000.0),
    );

    // Where the time goes: fetching (server, HTTP, JSON) and applying (SQLite), apart.
    let client = engine.client().clone();
    let token = SessionToken::new(owner.token.clone());
    let started = Instant::now();
    let mut pages = Vec::new();
    let mut since = 0;
    loop {
        let page = client
            .changes(
                &token,
                since,
                SyncConfig::default().page_size,
                &EntityKind::ALL,
            )
            .await?;
        let more = page.has_more;
        pages.push((since, page));
        since = pages.last().map_or(0, |(_, p)| p.next_since);
        if !more {
            break;
        }
    }
    let fetching = started.elapsed();
    let fresh = dir.path().join("fresh.db");
    let mut store = sharehub_local::SyncStore::open(&fresh)?;
    store.set_account(owner.account.id)?;
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    for (since, page) in &pages {
        store.apply_page(*since, page)?;
    }
    let applying = started.elapsed();
    let applying_cpu = process_cpu_seconds() - cpu_before;
    let size = |name: &str| std::fs::metadata(dir.path().join(name)).map_or(0, |m| m.len());
    println!(
        "  apart: fetching all pages {:.3} s, applying them {:.3} s ({:.2} s of CPU); device database {:.0} MB (+ WAL {:.0} MB)",
        fetching.as_secs_f64(),
        applying.as_secs_f64(),
        applying_cpu,
        size("fresh.db") as f64 / 1e6,
        size("fresh.db-wal") as f64 / 1e6,
    );

    // The floor: the same records through the store's own bulk insert (no sync bookkeeping).
    let plain: Vec<_> = pages
        .iter()
        .flat_map(|(_, page)| page.changes.iter())
        .filter_map(|change| match change {
            sharehub_core::wire::Change::Resource { record, .. } => Some(record.resource.clone()),
            _ => None,
        })
        .collect();
    let mut floor = sharehub_local::Store::open(&dir.path().join("floor.db"))?;
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    for chunk in plain.chunks(5000) {
        floor.upsert_resources(chunk)?;
    }
    println!(
        "  the store's own bulk insert of the same records: {:.3} s ({:.2} s of CPU)",
        started.elapsed().as_secs_f64(),
        process_cpu_seconds() - cpu_before
    );

    let started = Instant::now();
    let idle = engine.run_once().await?;
    println!(
        "idle re-sync: {:.1} ms ({} changes)",
        started.elapsed().as_secs_f64() * 1000.0,
        idle.pulled
    );

    let writes = 1000;
    let local: Vec<_> = (0..writes).map(|n| resource(n, &mut rng)).collect();
    let started = Instant::now();
    engine
        .with_db(move |db| {
            for r in local {
                db.create_resource(r)?;
            }
            Ok(())
        })
        .await?;
    let recorded = started.elapsed();
    let started = Instant::now();
    let pushed = engine.run_once().await?;
    ensure!(
        pushed.pushed == writes,
        "pushed {} of {writes}",
        pushed.pushed
    );
    println!(
        "local changes: {writes} recorded in {:.0} ms ({:.2} ms each, one transaction each); pushed and confirmed in {:.0} ms ({} batches of 100)",
        recorded.as_secs_f64() * 1000.0,
        recorded.as_secs_f64() * 1000.0 / writes as f64,
        started.elapsed().as_secs_f64() * 1000.0,
        writes / 100,
    );
    Ok(())
}

/// CPU time (user + system) this process has used, from /proc (Linux): the figure that does
/// not depend on what else the machine is doing.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
