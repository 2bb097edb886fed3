//! `sharehub-server`: the Share Hub API server.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, ValueEnum};
use std::time::Duration;

use sharehub_server::feeds::{self, FeedSettings, StationFeed};
use sharehub_server::{
    open_storage, router, seed, serve, stop_after, AppState, ServerConfig, StorageChoice,
};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The Seoul demo data, built into the binary so `--seed demo` works from any directory.
const EMBEDDED_DEMO: &str = include_str!("../../../assets/demo/seoul.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Seed {
    /// The Seoul demo resources and one demo account per role.
    Demo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The Share Hub API server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address and port to listen on.
    #[arg(long, env = "SHAREHUB_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file (created when missing). The default backend.
    #[arg(
        long,
        env = "SHAREHUB_DATA",
        default_value = "sharehub.db",
        conflicts_with = "database_url"
    )]
    data: PathBuf,
    /// PostgreSQL URL (postgres://user:password@host:port/database) instead of a SQLite file.
    #[arg(long, env = "SHAREHUB_DATABASE_URL")]
    database_url: Option<String>,
    /// Load demo data at start (idempotent).
    #[arg(long, env = "SHAREHUB_SEED")]
    seed: Option<Seed>,
    /// Allow `--seed demo` on an address other machines can reach. The demo accounts'
    /// passwords (the admin's included) are published in the README, so without this flag
    /// the server refuses to load them unless it listens on loopback only.
    #[arg(long, env = "SHAREHUB_ALLOW_DEMO_ON_NETWORK")]
    allow_demo_on_network: bool,
    /// A demo data file (sharehub_core::demo::DemoFile JSON) instead of the built-in
    /// assets/demo/seoul.json.
    #[arg(long, env = "SHAREHUB_DEMO_FILE")]
    demo_file: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "SHAREHUB_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// A GBFS system's gbfs.json (auto-discovery) URL; repeat the flag (or separate with
    /// commas in the variable) for several systems.
    #[arg(long = "gbfs-url", env = "SHAREHUB_GBFS_URL", value_delimiter = ',')]
    gbfs_urls: Vec<String>,
    /// A GBFS system without gbfs.json: its station_information URL (with
    /// --gbfs-station-status-url).
    #[arg(
        long,
        env = "SHAREHUB_GBFS_STATION_INFORMATION_URL",
        requires = "gbfs_station_status_url"
    )]
    gbfs_station_information_url: Option<String>,
    /// Its station_status URL (with --gbfs-station-information-url).
    #[arg(
        long,
        env = "SHAREHUB_GBFS_STATION_STATUS_URL",
        requires = "gbfs_station_information_url"
    )]
    gbfs_station_status_url: Option<String>,
    /// Seoul Open Data API key: reads 따릉이 stations from bikeList.
    #[arg(long, env = "SHAREHUB_SEOUL_BIKE_KEY", hide_env_values = true)]
    seoul_bike_key: Option<String>,
    /// Base URL of the Seoul Open Data API (with --seoul-bike-key).
    #[arg(
        long,
        env = "SHAREHUB_SEOUL_BIKE_URL",
        default_value = sharehub_feeds::seoul_bike_list::SEOUL_OPEN_API_BASE_URL,
    )]
    seoul_bike_url: String,
    /// Seconds between feed refreshes (a feed's longer `ttl` wins).
    #[arg(long, env = "SHAREHUB_FEED_INTERVAL", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    feed_interval: u64,
    /// Seconds a feed request may take (connecting included).
    #[arg(long, env = "SHAREHUB_FEED_TIMEOUT", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    feed_timeout: u64,
    /// Retire stations missing from a feed only when it still lists at least this
    /// percentage of the stations stored for it (0 turns this guard off; a feed that
    /// lists no station never retires any).
    #[arg(long, env = "SHAREHUB_FEED_RETIRE_MIN_PERCENT",
          default_value_t = feeds::retire::DEFAULT_MIN_LISTED_PERCENT,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    feed_retire_min_percent: u8,
}

impl Args {
    fn station_feeds(&self) -> Vec<StationFeed> {
        let mut feeds: Vec<StationFeed> = self
            .gbfs_urls
            .iter()
            .filter(|url| !url.trim().is_empty())
            .map(|url| StationFeed::GbfsDiscovery {
                url: url.trim().to_owned(),
            })
            .collect();
        if let (Some(information), Some(status)) = (
            &self.gbfs_station_information_url,
            &self.gbfs_station_status_url,
        ) {
            feeds.push(StationFeed::GbfsStations {
                station_information_url: information.clone(),
                station_status_url: status.clone(),
            });
        }
        if let Some(key) = self.seoul_bike_key.as_ref().filter(|k| !k.is_empty()) {
            feeds.push(StationFeed::SeoulBikeList {
                base_url: self.seoul_bike_url.clone(),
                api_key: key.clone(),
            });
        }
        feeds
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.seed == Some(Seed::Demo) {
        if args.listen.ip().is_loopback() {
            tracing::info!(listen = %args.listen, "demo accounts enabled: loopback only");
        } else if args.allow_demo_on_network {
            tracing::warn!(
                listen = %args.listen,
                "demo accounts with published passwords (an admin among them) are reachable \
                 from the network (--allow-demo-on-network)"
            );
        } else {
            bail!(
                "--seed demo creates accounts whose passwords are published (an admin among \
                 them), so it is refused on {listen}, which other machines can reach: listen on \
                 127.0.0.1 or [::1], or add --allow-demo-on-network for a throwaway server",
                listen = args.listen
            );
        }
    }
    let choice = match &args.database_url {
        Some(url) => {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                bail!("--database-url must start with postgres:// or postgresql:// (got {url:?})");
            }
            StorageChoice::Postgres(url.clone())
        }
        None => StorageChoice::Sqlite(args.data.clone()),
    };
    let storage = open_storage(&choice)
        .await
        .context("cannot open the database")?;
    tracing::info!(backend = storage.backend(), "database ready");
    let state = AppState::new(storage, ServerConfig::default())?;
    if let Some(Seed::Demo) = args.seed {
        let (json, source) = match &args.demo_file {
            Some(path) => (
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the demo file {}", path.display()))?,
                path.display().to_string(),
            ),
            None => (
                EMBEDDED_DEMO.to_owned(),
                "built-in assets/demo/seoul.json".to_owned(),
            ),
        };
        let report = seed::seed_demo(&state, &json)
            .await
            .with_context(|| format!("cannot load the demo data ({source})"))?;
        tracing::info!(
            source,
            accounts = report.accounts_added,
            resources = report.resources_added,
            "demo data loaded"
        );
    }
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let settings = FeedSettings {
        interval: Duration::from_secs(args.feed_interval),
        request_timeout: Duration::from_secs(args.feed_timeout),
        retire_min_listed_percent: args.feed_retire_min_percent,
        ..FeedSettings::default()
    };
    let feed_tasks = feeds::spawn_all(&state, args.station_feeds(), &settings)
        .await
        .context("cannot start the feeds")?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let stopping = state.stopping.clone();
    serve(
        listener,
        router(state),
        stop_after(stopping, shutdown_signal()),
    )
    .await?;
    for task in feed_tasks {
        task.await.context("a feed task failed")?;
    }
    tracing::info!("stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let filter = EnvFilter::try_from_env("SHAREHUB_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match args.log_format {
        LogFormat::Json => subscriber.json().init(),
        LogFormat::Text => subscriber.init(),
    }
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("sharehub-server: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
