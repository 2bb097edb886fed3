//! Figures for the Share Hub API server (not a timed test):
//!
//! - pull of 100,000 changes: rows/s served through `GET /v1/sync/changes`;
//! - mutation batches: mutations/s applied through `POST /v1/sync/mutations`;
//! - p50/p99 latency of `/healthz` and of a small listing while logins run at full speed.
//!
//! `cargo bench -p sharehub-server` runs it on SQLite; with `SHAREHUB_BENCH_DATABASE_URL`
//! set (e.g. under `scripts/with-postgres.sh`, which sets SHAREHUB_TEST_DATABASE_URL: pass
//! that on) it runs on PostgreSQL too. The load generator runs in the same process on the
//! same cores as the server, so the figures are a floor.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::json;
use sharehub_core::resource::Visibility;
use sharehub_core::wire::SignedIn;
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_server::auth::rate_limit::Limit;
use sharehub_server::{open_storage, router, serve, AppState, ServerConfig, StorageChoice};
use tokio::net::TcpListener;

const CHANGES: usize = 100_000;
const PULL_PAGE: u32 = 5000;
const BATCHES: usize = 30;
const BATCH_SIZE: usize = 100;
const LOGIN_WORKERS: usize = 4;
const LOAD_SECONDS: u64 = 6;

fn resource(n: usize) -> Resource {
    let text = |ko: String, en: String| LocalizedText::new(ko, en);
    Resource {
        id: ResourceId::new_v7(),
        // Every kind a resident may add (bike stations are for coordinators).
        kind: ResourceKind::ALL[1 + n % (ResourceKind::ALL.len() - 1)],
        name: text(format!("공유 물건 {n}"), format!("Shared thing {n}")),
        description: text("벤치마크용".into(), "For the benchmark".into()),
        location: GeoPoint {
            lat: 37.45 + (n % 1000) as f64 * 0.0002,
            lon: 126.85 + (n / 1000) as f64 * 0.002,
        },
        address: text(format!("서울 마포구 {n}"), format!("{n} Mapo-gu, Seoul")),
        district: text("마포구".into(), "Mapo-gu".into()),
        neighborhood: text("망원동".into(), "Mangwon-dong".into()),
        owner_name: text("벤치".into(), "Bench".into()),
        pricing: Pricing::PerUse { amount_krw: 1000 },
        capacity: Some(1 + (n % 10) as u32),
        schedule: None,
        visibility: Visibility::Public,
    }
}

#[derive(Deserialize)]
struct PageCount {
    changes: Vec<serde::de::IgnoredAny>,
    next_since: u64,
    has_more: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn run(choice: StorageChoice, label: &str) -> anyhow::Result<()> {
    println!("== {label}");
    let storage = open_storage(&choice).await?;
    let config = ServerConfig {
        login_limit_per_account: Limit {
            burst: 1_000_000,
            refill_every: Duration::from_millis(1),
        },
        login_limit_per_address: Limit {
            burst: 1_000_000,
            refill_every: Duration::from_millis(1),
        },
        ..ServerConfig::default()
    };
    let state = AppState::new(storage, config)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router(state.clone()), async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();

    let email = format!("bench-{}@example.kr", uuid::Uuid::now_v7().simple());
    let password = "bench password 2026";
    let signed_in: SignedIn = http
        .post(format!("{base}/v1/accounts"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = signed_in.token;

    // 1. Pull of 100,000 changes.
    let seeding = Instant::now();
    let resources: Vec<Resource> = (0..CHANGES).map(resource).collect();
    for chunk in resources.chunks(10_000) {
        state
            .storage
            .seed_resources(signed_in.account.id, chunk)
            .await?;
    }
    println!(
        "seeded {CHANGES} resources in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let (mut since, mut rows, mut pages) = (0u64, 0usize, 0usize);
    loop {
        let body = http
            .get(format!(
                "{base}/v1/sync/changes?since={since}&limit={PULL_PAGE}"
            ))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let page: PageCount = serde_json::from_slice(&body)?;
        rows += page.changes.len();
        pages += 1;
        since = page.next_since;
        if !page.has_more {
            break;
        }
    }
    let elapsed = started.elapsed();
    if rows < CHANGES {
        bail!("pulled only {rows} changes");
    }
    println!(
        "pull: {rows} changes in {pages} pages of {PULL_PAGE} in {:.2} s = {:.0} rows/s (goal >= 70,000)",
        elapsed.as_secs_f64(),
        rows as f64 / elapsed.as_secs_f64()
    );

    // 2. Mutation batches.
    let started = Instant::now();
    let mut applied = 0usize;
    for batch in 0..BATCHES {
        let mutations: Vec<_> = (0..BATCH_SIZE)
            .map(|n| {
                json!({
                    "idempotency_key": format!("bench-{batch}-{n}"),
                    "name": "resource.create",
                    "args": {"resource": resource(batch * BATCH_SIZE + n)},
                })
            })
            .collect();
        let answer: serde_json::Value = http
            .post(format!("{base}/v1/sync/mutations"))
            .bearer_auth(&token)
            .json(&json!({ "mutations": mutations }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        applied += answer["results"]
            .as_array()
            .context("results")?
            .iter()
            .filter(|r| r["outcome"]["status"] == "applied")
            .count();
    }
    let elapsed = started.elapsed();
    println!(
        "mutations: {applied} applied in {BATCHES} batches of {BATCH_SIZE} in {:.2} s = {:.0} mutations/s",
        elapsed.as_secs_f64(),
        applied as f64 / elapsed.as_secs_f64()
    );

    // 3. Latency of cheap endpoints while logins run at full speed.
    let running = Arc::new(AtomicBool::new(true));
    let logins = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..LOGIN_WORKERS {
        let (http, base, email, running, logins) = (
            http.clone(),
            base.clone(),
            email.clone(),
            running.clone(),
            logins.clone(),
        );
        workers.push(tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                let answer = http
                    .post(format!("{base}/v1/sessions"))
                    .json(&json!({"login": email, "password": password}))
                    .send()
                    .await;
                if matches!(answer, Ok(a) if a.status().is_success()) {
                    logins.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    let (mut health, mut listing) = (Vec::new(), Vec::new());
    while started.elapsed() < Duration::from_secs(LOAD_SECONDS) {
        let t = Instant::now();
        http.get(format!("{base}/healthz"))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        health.push(t.elapsed());
        let t = Instant::now();
        http.get(format!("{base}/v1/resources?kind=room&limit=20"))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        listing.push(t.elapsed());
    }
    running.store(false, Ordering::Relaxed);
    for worker in workers {
        worker.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    health.sort();
    listing.sort();
    println!(
        "logins at full speed ({LOGIN_WORKERS} clients): {:.1} logins/s",
        logins.load(Ordering::Relaxed) as f64 / seconds
    );
    println!(
        "  /healthz meanwhile: {} requests, p50 {}, p99 {}, max {} (goal p99 < 20 ms)",
        health.len(),
        ms(percentile(&health, 0.5)),
        ms(percentile(&health, 0.99)),
        ms(percentile(&health, 1.0)),
    );
    println!(
        "  /v1/resources?kind=room&limit=20 meanwhile: {} requests, p50 {}, p99 {}, max {}",
        listing.len(),
        ms(percentile(&listing, 0.5)),
        ms(percentile(&listing, 0.99)),
        ms(percentile(&listing, 1.0)),
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let dir = tempfile::tempdir()?;
    run(
        StorageChoice::Sqlite(dir.path().join("bench.db")),
        "SQLite (file in a temporary directory)",
    )
    .await?;
    if let Ok(url) = std::env::var("SHAREHUB_BENCH_DATABASE_URL") {
        run(StorageChoice::Postgres(url), "PostgreSQL").await?;
    }
    Ok(())
}
