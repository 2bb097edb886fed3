//! The engine's pull: a catch-up of kinds the device has not synced, then the ordinary
//! pull from the cursor, each page written while the next is fetched.

use std::sync::atomic::Ordering;

use sharehub_core::wire::EntityKind;

use super::{SyncEngine, SyncProgress, SyncReport};
use crate::error::{Error, Result};
use crate::sync::client::SessionToken;

impl SyncEngine {
    pub(super) async fn pull(
        &self,
        token: &SessionToken,
        report: &mut SyncReport,
        progress: &mut (impl FnMut(SyncProgress) + Send),
    ) -> Result<()> {
        self.catch_up(token, report).await?;
        let client = &self.inner.client;
        let limit = self.inner.config.page_size;
        let kinds = &EntityKind::ALL;
        let mut since = self.with_db(|db| db.cursor()).await?;
        let start = since;
        let mut fetched = client.changes(token, since, limit, kinds).await;
        loop {
            let page = fetched?;
            if let Some(latest) = page.latest_seq {
                self.inner.latest_seq.fetch_max(latest, Ordering::Relaxed);
            }
            let (more, next_since) = (page.has_more && page.next_since > since, page.next_since);
            let changes = page.changes.len() as u64;
            let apply = self.with_db(move |db| db.apply_page(since, &page));
            // Fetch the next page while this one is written.
            let applied = if more {
                let (applied, next) =
                    tokio::join!(apply, client.changes(token, next_since, limit, kinds));
                fetched = next;
                applied?
            } else {
                fetched = Err(Error::Invalid {
                    field: "pull".into(),
                    problem: "no page after the last".into(),
                });
                apply.await?
            };
            if !applied.applied {
                // Another sync moved the cursor: it has this page; the next run goes on.
                break;
            }
            report.pulled += changes;
            report.skipped += applied.skipped;
            report.pages += 1;
            since = next_since;
            let latest = self.inner.latest_seq.load(Ordering::Relaxed);
            progress(SyncProgress {
                done: report.pulled,
                total: (latest > start).then(|| report.pulled + latest.saturating_sub(next_since)),
            });
            if !more {
                break;
            }
        }
        report.cursor = since;
        Ok(())
    }

    /// Before the ordinary pull: the records of kinds this build knows but the device has
    /// not synced (an app that learnt a kind, on a device that synced before) are fetched
    /// from the start (`since=0&kinds=<those>`), page by page, resumable. Their changes
    /// after the cursor come again in the ordinary pull; versions only move forward.
    async fn catch_up(&self, token: &SessionToken, report: &mut SyncReport) -> Result<()> {
        let Some((kinds, mut since)) = self.with_db(|db| db.catch_up()).await? else {
            return Ok(());
        };
        let limit = self.inner.config.page_size;
        loop {
            let page = self
                .inner
                .client
                .changes(token, since, limit, &kinds)
                .await?;
            let (more, next_since) = (page.has_more && page.next_since > since, page.next_since);
            let asked = kinds.clone();
            let applied = self
                .with_db(move |db| db.apply_catch_up_page(&asked, since, &page))
                .await?;
            if !applied.applied {
                return Ok(());
            }
            report.pulled += applied.changes;
            report.skipped += applied.skipped;
            report.pages += 1;
            since = next_since;
            if !more {
                return Ok(());
            }
        }
    }
}
