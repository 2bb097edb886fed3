//! What one refresh of a station feed stores, in one transaction
//! ([`crate::storage::StationStore::ingest_stations`]), and the pure decisions the backends
//! make while storing it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sharehub_core::wire::AccountId;
use sharehub_core::Resource;

use super::retire::{retirement, RetireHold, Retirement};

/// The live counts of one station in one refresh (what `station_status` holds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCounts {
    pub bikes_available: Option<u32>,
    pub docks_available: Option<u32>,
    pub is_renting: Option<bool>,
    pub is_returning: Option<bool>,
    pub last_reported: Option<DateTime<Utc>>,
}

/// One station of a refresh: its resource as the feed describes it now, and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct StationRecord {
    pub resource: Resource,
    /// The publisher's id (`ST-4`).
    pub station_id: String,
    pub live: LiveCounts,
}

/// Everything one refresh of one feed stores, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct StationBatch {
    /// The feed's stable key (also part of every station's resource id).
    pub source: String,
    /// The system account that owns feed stations.
    pub owner_id: AccountId,
    pub stations: Vec<StationRecord>,
    /// When the feed says it produced the data.
    pub feed_last_updated: Option<DateTime<Utc>>,
    /// When the refresh read the feed. The stored value is made strictly newer than every
    /// `fetched_at` already stored, so `since_fetched` cursors never skip a refresh.
    pub fetched_at: DateTime<Utc>,
    /// Every publisher station id the feed lists, including those not in `stations`
    /// (no coordinates, skipped, not a valid resource): stations stored for this feed
    /// that are not here are retired (see [`super::retire`]).
    pub listed_station_ids: HashSet<String>,
    /// The shrink guard: retire nothing when the feed lists fewer than this percentage of
    /// the stations stored for it.
    pub retire_min_listed_percent: u8,
}

/// What [`crate::storage::StationStore::ingest_stations`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationBatchResult {
    /// Stations new to this server (one change each).
    pub created: usize,
    /// Stations whose record changed (name, place, capacity, …; one change each).
    pub updated: usize,
    /// Stations whose record is as stored: only their counts were rewritten.
    pub unchanged: usize,
    /// Stations stored for this feed that it no longer lists: retired (one tombstone each)
    /// and their counts removed.
    pub retired: usize,
    /// Why nothing was retired although the feed may have dropped stations (the guard).
    pub retire_hold: Option<RetireHold>,
    /// The `fetched_at` stored for this refresh.
    pub fetched_at: DateTime<Utc>,
}

/// What a station write does to its resource, decided by comparing the stored record
/// (whether it is retired, and its JSON) with the one the feed describes now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StationChange {
    Create,
    Update,
    Unchanged,
}

/// The stations a refresh retires (see [`super::retire`]), from what the backend
/// stores for the feed: `(publisher station id, resource id)` pairs.
pub(crate) fn stations_to_retire<'a, T>(
    known: &'a [(String, T)],
    batch: &StationBatch,
) -> std::result::Result<Vec<&'a T>, RetireHold> {
    match retirement(
        known.iter().map(|(station_id, _)| station_id.as_str()),
        &batch.listed_station_ids,
        batch.retire_min_listed_percent,
    ) {
        Retirement::Hold(hold) => Err(hold),
        Retirement::Retire(gone) => {
            let gone: HashSet<String> = gone.into_iter().collect();
            Ok(known
                .iter()
                .filter(|(station_id, _)| gone.contains(station_id))
                .map(|(_, resource_id)| resource_id)
                .collect())
        }
    }
}

pub(crate) fn station_change(stored: Option<(bool, &str)>, new_body: &str) -> StationChange {
    match stored {
        None => StationChange::Create,
        Some((false, body)) if body == new_body => StationChange::Unchanged,
        Some(_) => StationChange::Update,
    }
}
