//! `sharehub-server`: the Share Hub API server.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, ValueEnum};
use sharehub_server::{open_storage, router, seed, serve, AppState, ServerConfig, StorageChoice};
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
    /// A demo data file (sharehub_core::demo::DemoFile JSON) instead of the built-in
    /// assets/demo/seoul.json.
    #[arg(long, env = "SHAREHUB_DEMO_FILE")]
    demo_file: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "SHAREHUB_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
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
    tracing::info!(address = %listener.local_addr()?, "listening");
    serve(listener, router(state), shutdown_signal()).await?;
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
