//! The Share Hub API server as a library: [`router`] builds the axum application over a
//! [`storage::Storage`] backend, [`serve`] runs it on a listener until a shutdown signal.
//! The `sharehub-server` binary (src/main.rs) is a thin command line around these.
//!
//! This crate never depends on tauri, leptos or the app's local store.

pub mod audience;
pub mod auth;
pub mod error;
pub mod feeds;
pub mod request_input;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod state;
pub mod storage;
pub mod visibility;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub use error::{Error, Result};
pub use routes::{openapi, router};
pub use state::{AppState, Clock, ServerConfig, Stopping};
use storage::{PostgresStorage, SqliteStorage, Storage};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageChoice {
    /// A SQLite file, created when missing.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL URL (`postgres://…`).
    Postgres(String),
}

/// Opens the chosen backend and migrates it.
pub async fn open_storage(choice: &StorageChoice) -> Result<Arc<dyn Storage>> {
    Ok(match choice {
        StorageChoice::Sqlite(path) => Arc::new(SqliteStorage::open(Path::new(path)).await?),
        StorageChoice::Postgres(url) => Arc::new(PostgresStorage::connect(url, 16).await?),
    })
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in
/// flight and returns. Event streams never finish on their own: make `shutdown` call
/// [`Stopping::begin`] on the app's state (see [`stop_after`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes after `shutdown`, having told event streams and feed tasks to stop: pass it to
/// [`serve`] as its shutdown future.
pub async fn stop_after(stopping: Stopping, shutdown: impl Future<Output = ()>) {
    shutdown.await;
    stopping.begin();
}
