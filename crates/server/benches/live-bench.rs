//! Figures for live data (not a timed test):
//!
//! - feed ingestion: a 3,000-station GBFS 2.3 feed, served by a local HTTP server, read by
//!   the real `FeedIngester` into the real storage: the first refresh (3,000 stations
//!   created), steady state (only counts change: no change-log writes), and a refresh where
//!   30 stations were renamed;
//! - live events: latency from a commit (the moment it is published, right after it is
//!   durable) to the `changes` event at an SSE client over HTTP, p50/p99 over 200 changes.
//!
//! `cargo bench -p sharehub-server --bench live-bench` runs it on SQLite; with
//! `SHAREHUB_BENCH_DATABASE_URL` set (e.g. under `scripts/with-postgres.sh`) on PostgreSQL
//! too. Load generator, feed server and server share the same cores: the figures are a floor.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use futures_util::StreamExt;
use serde_json::json;
use sharehub_core::wire::{ResourceView, SignedIn, SyncEvent};
use sharehub_server::auth::rate_limit::Limit;
use sharehub_server::feeds::{FeedIngester, FeedSettings, StationFeed};
use sharehub_server::{
    open_storage, router, serve, stop_after, AppState, ServerConfig, StorageChoice,
};
use tokio::net::TcpListener;

const STATIONS: usize = 3000;
const STEADY_REFRESHES: usize = 10;
const RENAMED: usize = 30;
const EVENTS: usize = 200;

/// The two GBFS files the feed server serves.
#[derive(Default)]
struct FeedFiles {
    information: String,
    status: String,
}

type Files = Arc<RwLock<FeedFiles>>;

fn station_information(renamed: usize) -> String {
    let stations: Vec<_> = (0..STATIONS)
        .map(|n| {
            let suffix = if n < renamed { " (이전)" } else { "" };
            json!({
                "station_id": format!("B-{n}"),
                "name": format!("{n}. 벤치 대여소{suffix}"),
                "lat": 37.46 + (n % 60) as f64 * 0.003,
                "lon": 126.86 + (n / 60) as f64 * 0.005,
                "address": format!("서울특별시 벤치로 {n}"),
                "capacity": 10 + n % 15,
            })
        })
        .collect();
    json!({"last_updated": 1795658400, "ttl": 86400, "version": "2.3",
           "data": {"stations": stations}})
    .to_string()
}

fn station_status(round: usize) -> String {
    let stations: Vec<_> = (0..STATIONS)
        .map(|n| {
            json!({
                "station_id": format!("B-{n}"),
                "num_bikes_available": (n + round) % 20,
                "num_docks_available": (n + 2 * round) % 15,
                "is_installed": true,
                "is_renting": true,
                "is_returning": !(n + round).is_multiple_of(50),
                "last_reported": 1795658400 + round * 60,
            })
        })
        .collect();
    json!({"last_updated": 1795658400 + round * 60, "ttl": 60, "version": "2.3",
           "data": {"stations": stations}})
    .to_string()
}

async fn start_feed_server(files: Files) -> anyhow::Result<String> {
    let app = Router::new()
        .route(
            "/station_information.json",
            get(|State(files): State<Files>| async move {
                files
                    .read()
                    .map(|f| f.information.clone())
                    .unwrap_or_default()
            }),
        )
        .route(
            "/station_status.json",
            get(|State(files): State<Files>| async move {
                files.read().map(|f| f.status.clone()).unwrap_or_default()
            }),
        )
        .with_state(files);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn ingestion(state: &AppState) -> anyhow::Result<()> {
    let files: Files = Arc::default();
    {
        let mut f = files.write().map_err(|_| anyhow::anyhow!("poisoned"))?;
        f.information = station_information(0);
        f.status = station_status(0);
    }
    let base = start_feed_server(files.clone()).await?;
    let feed = StationFeed::GbfsStations {
        station_information_url: format!("{base}/station_information.json"),
        station_status_url: format!("{base}/station_status.json"),
    };
    let ingester = FeedIngester::new(state.clone(), feed, FeedSettings::default()).await?;

    let (information, status) = {
        let f = files.read().map_err(|_| anyhow::anyhow!("poisoned"))?;
        (f.information.clone(), f.status.clone())
    };
    let parsing = Instant::now();
    let parsed =
        sharehub_feeds::gbfs::parse_gbfs_stations(information.as_bytes(), status.as_bytes())?;
    println!(
        "feed: {} stations, {} + {} bytes; parsing alone {}",
        parsed.stations.len(),
        information.len(),
        status.len(),
        ms(parsing.elapsed())
    );

    let started = Instant::now();
    let first = ingester.refresh_once().await?;
    let first_time = started.elapsed();
    if first.created != STATIONS {
        bail!("first refresh created {} stations", first.created);
    }
    println!(
        "first refresh (fetch + parse + {STATIONS} resources created + counts): {}",
        ms(first_time)
    );

    let mut steady = Vec::new();
    for round in 1..=STEADY_REFRESHES {
        files
            .write()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .status = station_status(round);
        let started = Instant::now();
        let summary = ingester.refresh_once().await?;
        steady.push(started.elapsed());
        if summary.created + summary.updated != 0 {
            bail!("a status-only refresh changed resources: {summary:?}");
        }
    }
    steady.sort();
    println!(
        "steady state (counts only, no change-log writes), {STEADY_REFRESHES} refreshes: min {}, median {}, max {}",
        ms(steady[0]),
        ms(percentile(&steady, 0.5)),
        ms(steady[steady.len() - 1])
    );

    files
        .write()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .information = station_information(RENAMED);
    let started = Instant::now();
    let renamed = ingester.refresh_once().await?;
    if renamed.updated != RENAMED {
        bail!("expected {RENAMED} updates, got {renamed:?}");
    }
    println!(
        "refresh with {RENAMED} renamed stations ({RENAMED} changes): {}",
        ms(started.elapsed())
    );
    Ok(())
}

async fn event_latency(state: &AppState, base: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for who in ["listener", "author"] {
        let signed_in: SignedIn = http
            .post(format!("{base}/v1/accounts"))
            .json(&json!({
                "email": format!("{who}-{}@example.kr", uuid::Uuid::now_v7().simple()),
                "password": "bench password 2026"
            }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        tokens.push(signed_in.token);
    }
    let response = http
        .get(format!("{base}/v1/sync/events"))
        .bearer_auth(&tokens[0])
        .send()
        .await?
        .error_for_status()?;
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    let mut latencies = Vec::with_capacity(EVENTS);
    let notifier = state.storage.change_notifier().clone();
    for n in 0..EVENTS {
        let resource = json!({
            "id": uuid::Uuid::now_v7(),
            "kind": "tool",
            "name": {"ko": format!("공구 {n}"), "en": format!("Tool {n}")},
            "description": {"ko": "벤치", "en": "Bench"},
            "location": {"lat": 37.5556, "lon": 126.9106},
            "address": {"ko": "서울 마포구", "en": "Mapo-gu, Seoul"},
            "district": {"ko": "마포구", "en": "Mapo-gu"},
            "neighborhood": {"ko": "망원동", "en": "Mangwon-dong"},
            "owner_name": {"ko": "벤치", "en": "Bench"},
            "pricing": {"type": "free"},
            "visibility": "public"
        });
        let created: ResourceView = http
            .post(format!("{base}/v1/resources"))
            .bearer_auth(&tokens[1])
            .json(&resource)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        // Read frames until the event for this commit.
        let arrived = loop {
            if let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                let arrived = Instant::now();
                if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                    let event: SyncEvent = serde_json::from_str(data)?;
                    if event.seq >= created.version {
                        break arrived;
                    }
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), body.next())
                .await
                .context("no event within 30 s")?
                .context("the stream ended")??;
            buffer.push_str(std::str::from_utf8(&chunk)?);
        };
        let published = notifier.newest();
        if published.seq != created.version {
            bail!(
                "published {} but created {}",
                published.seq,
                created.version
            );
        }
        latencies.push(arrived.saturating_duration_since(published.at));
    }
    latencies.sort();
    println!(
        "live events: commit -> SSE event at the client over {EVENTS} changes: p50 {}, p99 {}, max {}",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies[latencies.len() - 1])
    );
    Ok(())
}

async fn run(choice: StorageChoice, label: &str) -> anyhow::Result<()> {
    println!("== {label}");
    let storage = open_storage(&choice).await?;
    let unlimited = Limit {
        burst: 1_000_000,
        refill_every: Duration::from_millis(1),
    };
    let state = AppState::new(
        storage,
        ServerConfig {
            login_limit_per_account: unlimited,
            login_limit_per_address: unlimited,
            ..ServerConfig::default()
        },
    )?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        router(state.clone()),
        stop_after(state.stopping.clone(), async move {
            let _ = stopped.await;
        }),
    ));
    ingestion(&state).await?;
    let started = Instant::now();
    let whole: serde_json::Value = reqwest::get(format!("{base}/v1/stations/status"))
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!(
        "GET /v1/stations/status, whole ({} stations): {}",
        whole["stations"].as_array().map_or(0, Vec::len),
        ms(started.elapsed())
    );
    event_latency(&state, &base).await?;
    let _ = stop.send(());
    server.await??;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    run(
        StorageChoice::Sqlite(dir.path().join("live-bench.db")),
        "SQLite (file in a temporary directory)",
    )
    .await?;
    if let Ok(url) = std::env::var("SHAREHUB_BENCH_DATABASE_URL") {
        run(StorageChoice::Postgres(url), "PostgreSQL").await?;
    }
    Ok(())
}
