//! What every handler shares: storage, the password hasher, rate limiters, the clock and
//! the limits.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::error::Result;
use crate::storage::Storage;

/// Tunable limits; [`ServerConfig::default`] is what production uses.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest accepted request body.
    pub body_limit_bytes: usize,
    pub session_lifetime: Duration,
    /// Login attempts per login (e-mail or phone).
    pub login_limit_per_account: Limit,
    /// Login and registration attempts per client address.
    pub login_limit_per_address: Limit,
    /// Password hashes computed at once (each takes 19 MiB and most of a core).
    pub hashing_threads: usize,
    /// Time between keep-alive comments on an idle `/v1/sync/events` stream.
    pub event_keep_alive: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ServerConfig {
            body_limit_bytes: 1024 * 1024,
            session_lifetime: Duration::from_secs(30 * 24 * 3600),
            login_limit_per_account: Limit {
                burst: 10,
                refill_every: Duration::from_secs(6),
            },
            login_limit_per_address: Limit {
                burst: 30,
                refill_every: Duration::from_secs(1),
            },
            // Leave a core for everything else.
            hashing_threads: cores.saturating_sub(1).max(1),
            event_keep_alive: Duration::from_secs(15),
        }
    }
}

/// The server's clock: the system clock plus an offset tests can move forward.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Tells long-running work (event streams, feed refreshes) that the server is stopping, so
/// graceful shutdown does not wait for streams that never end.
#[derive(Debug, Clone)]
pub struct Stopping(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Stopping {
    fn default() -> Self {
        Stopping(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Stopping {
    /// Asks every stream and feed task to finish.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Completes once [`Stopping::begin`] was called (at once if it was already).
    pub async fn wait(&self) {
        let mut receiver = self.0.subscribe();
        // The sender lives in `self`: the channel cannot close while we wait.
        let _ = receiver.wait_for(|stopping| *stopping).await;
    }
}

#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub config: Arc<ServerConfig>,
    pub hasher: PasswordHasher,
    pub login_limit_per_account: Arc<RateLimiter>,
    pub login_limit_per_address: Arc<RateLimiter>,
    pub clock: Clock,
    /// Set when the server begins to shut down (see [`crate::serve`]).
    pub stopping: Stopping,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.storage.backend())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, config: ServerConfig) -> Result<AppState> {
        Ok(AppState {
            storage,
            hasher: PasswordHasher::new(config.hashing_threads)?,
            login_limit_per_account: Arc::new(RateLimiter::new(config.login_limit_per_account)),
            login_limit_per_address: Arc::new(RateLimiter::new(config.login_limit_per_address)),
            config: Arc::new(config),
            clock: Clock::default(),
            stopping: Stopping::default(),
        })
    }
}
