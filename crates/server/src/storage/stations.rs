//! Public-bike stations: the refresh of a feed and the live counts (the types of a refresh
//! are in [`crate::feeds::ingest`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::StationLiveStatus;

use crate::error::Result;
use crate::feeds::ingest::{StationBatch, StationBatchResult};

#[async_trait]
pub trait StationStore {
    /// Stores one refresh of a station feed in one write transaction: creates or updates
    /// the station resources whose record changed (one change-log entry each; unchanged
    /// ones get none; a retired one is revived), rewrites every station's live counts, and
    /// retires the feed's stored stations it no longer lists (a tombstone each, their
    /// counts removed) unless [`crate::feeds::retire::retirement`] holds back.
    async fn ingest_stations(&self, batch: StationBatch) -> Result<StationBatchResult>;
    /// Live counts of stations refreshed after `since_fetched` (all when `None`), of live
    /// resources only, ordered by resource id; and the newest `fetched_at` stored.
    async fn station_statuses(
        &self,
        since_fetched: Option<DateTime<Utc>>,
    ) -> Result<(Vec<StationLiveStatus>, Option<DateTime<Utc>>)>;
}
