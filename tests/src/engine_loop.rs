//! A device's sync loop (`SyncEngine::run`) on a tokio task, with its events on a channel.

use std::time::Duration;

use anyhow::{Context, Result};
use sharehub_local::sync::{SyncEvent, SyncReport};
use sharehub_local::SyncEngine;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

/// How long a test waits for the loop's next event.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(20);

pub struct EngineLoop {
    engine: SyncEngine,
    events: UnboundedReceiver<SyncEvent>,
    task: JoinHandle<()>,
}

impl EngineLoop {
    /// Starts `engine`'s loop (it syncs at once, then on its triggers).
    pub fn spawn(engine: &SyncEngine) -> EngineLoop {
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        let runner = engine.clone();
        let task = tokio::spawn(async move {
            runner
                .run(move |event| {
                    let _ = tx.send(event);
                })
                .await;
        });
        EngineLoop {
            engine: engine.clone(),
            events,
            task,
        }
    }

    /// The loop's next event, within [`EVENT_TIMEOUT`].
    pub async fn next(&mut self) -> Result<SyncEvent> {
        tokio::time::timeout(EVENT_TIMEOUT, self.events.recv())
            .await
            .with_context(|| format!("no sync event within {EVENT_TIMEOUT:?}"))?
            .context("the sync loop has ended")
    }

    /// Waits for the first finished sync whose report satisfies `wanted`.
    pub async fn synced(&mut self, wanted: impl Fn(&SyncReport) -> bool) -> Result<SyncReport> {
        loop {
            if let SyncEvent::Synced(report) = self.next().await? {
                if wanted(&report) {
                    return Ok(report);
                }
            }
        }
    }

    /// Stops the loop and waits until it has ended.
    pub async fn stop(self) -> Result<()> {
        self.engine.shutdown();
        Ok(self.task.await?)
    }
}
