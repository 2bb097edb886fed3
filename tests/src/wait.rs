//! Waiting for a condition with a deadline: the only way the tests wait (never a sleep
//! standing in for synchronisation).

use std::time::{Duration, Instant};

use anyhow::{bail, Result};

/// How often a condition is looked at again.
pub const POLL_EVERY: Duration = Duration::from_millis(50);

/// A condition that waits on the network or a server start (longer than a UI change).
pub const LONG: Duration = Duration::from_secs(60);

/// Evaluates `check` every [`POLL_EVERY`] until it returns `Some`, for at most `limit`. An
/// error from `check` fails at once.
pub async fn until<T>(
    what: &str,
    limit: Duration,
    mut check: impl AsyncFnMut() -> Result<Option<T>>,
) -> Result<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if Instant::now() > deadline {
            bail!("timed out after {limit:?} waiting until {what}");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// [`until`] for a check that cannot fail: `None` means "not yet" (a server not listening
/// yet, an answer not there yet).
pub async fn eventually<T>(
    what: &str,
    limit: Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> Result<T> {
    until(what, limit, async || Ok(check().await)).await
}
