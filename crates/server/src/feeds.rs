//! Public bikes, live: the server reads public-bike feeds (GBFS 2.x/3.x, Seoul Open Data
//! `bikeList`) and serves their stations as `bike_station` resources plus live counts.
//!
//! One [`FeedIngester`] per configured [`StationFeed`]; [`FeedIngester::run`] refreshes it
//! every `interval` (or the feed's `ttl` when that is longer) until the server stops.
//! A refresh ([`FeedIngester::refresh_once`]) fetches (reqwest, rustls, timeouts), parses
//! with `sharehub-feeds` (pure), turns stations into resources ([`stations`]) and stores
//! them in one transaction ([`crate::storage::StationStore::ingest_stations`]):
//!
//! - a station's resource id is derived from the feed's key and the publisher's station id
//!   ([`station_resource_id`]), so it is the same on every refresh and every server;
//! - a resource is written (and synced) only when its record changes; the counts go to
//!   `station_status` on every refresh, outside the change log;
//! - a station the feed no longer lists is retired (a tombstone in sync, its counts
//!   removed) in the same transaction; one that comes back gets its old id and is live
//!   again. A feed that lists no stations, or suspiciously fewer than are stored for it,
//!   retires nothing and says so in a `WARN` ([`retire`]);
//! - a feed that fails (unreachable, HTTP error, not JSON, wrong shape, API error) changes
//!   nothing: the last good stations and counts stay, and the error is logged with the
//!   feed and the reason.
//!
//! Feed stations are owned by a system account ([`FEED_OWNER_LOGIN`], role coordinator)
//! that nobody can log in as or register. This module does not decide resource rules: a
//! feed write is a system write, checked only for a valid record ([`stations`]).

mod fetch;
pub mod ingest;
pub mod retire;
pub mod stations;

use std::collections::HashSet;
use std::time::Duration;

use sharehub_core::wire::{AccountId, Role};
use sharehub_feeds::IngestReport;
use uuid::Uuid;

pub use retire::RetireHold;
pub use stations::station_resource_id;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::StoredAccount;
use ingest::StationBatch;

/// The login of the system account that owns feed stations. Its domain has no dot, so
/// registration refuses it: nobody can claim it.
pub const FEED_OWNER_LOGIN: &str = "public-bikes@sharehub-system";

/// How many reasons a log line lists before it only counts.
const REASONS_LOGGED: usize = 3;

/// A configured source of public-bike stations.
#[derive(Clone, PartialEq, Eq)]
pub enum StationFeed {
    /// A GBFS system, found through its `gbfs.json` (auto-discovery).
    GbfsDiscovery { url: String },
    /// A GBFS system given by its two station files.
    GbfsStations {
        station_information_url: String,
        station_status_url: String,
    },
    /// Seoul Open Data `bikeList` (따릉이), paged by 1000 rows.
    SeoulBikeList { base_url: String, api_key: String },
}

impl std::fmt::Debug for StationFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key.
        f.write_str(&self.label())
    }
}

impl StationFeed {
    /// The stable key of this feed: part of every station's resource id, so changing it
    /// makes new stations. A GBFS feed is known by its URL; Seoul's by its name (its key
    /// and base URL may change, its stations do not).
    pub fn key(&self) -> String {
        match self {
            StationFeed::GbfsDiscovery { url } => format!("gbfs:{url}"),
            StationFeed::GbfsStations {
                station_information_url,
                ..
            } => format!("gbfs:{station_information_url}"),
            StationFeed::SeoulBikeList { .. } => "seoul:bikeList".to_owned(),
        }
    }

    /// How logs name this feed (without secrets).
    pub fn label(&self) -> String {
        match self {
            StationFeed::GbfsDiscovery { url } => format!("GBFS {url}"),
            StationFeed::GbfsStations {
                station_information_url,
                ..
            } => format!("GBFS {station_information_url}"),
            StationFeed::SeoulBikeList { base_url, .. } => {
                format!("Seoul bikeList {}", base_url.trim_end_matches('/'))
            }
        }
    }
}

/// How often and how patiently feeds are read.
#[derive(Debug, Clone)]
pub struct FeedSettings {
    /// Time between refreshes; a feed's `ttl` is used instead when it is longer.
    pub interval: Duration,
    /// Limit for connecting and for each whole request.
    pub request_timeout: Duration,
    /// Largest accepted response body.
    pub max_body_bytes: usize,
    /// The shrink guard of station retirement, in percent (0–100): a refresh that lists
    /// fewer stations than this share of those stored for its feed retires nothing (a
    /// feed that lists no station never retires anything). 0 turns the shrink guard off.
    /// Default 50 ([`retire::DEFAULT_MIN_LISTED_PERCENT`]).
    pub retire_min_listed_percent: u8,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            interval: Duration::from_secs(60),
            request_timeout: Duration::from_secs(20),
            max_body_bytes: 32 * 1024 * 1024,
            retire_min_listed_percent: retire::DEFAULT_MIN_LISTED_PERCENT,
        }
    }
}

/// What one successful refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshSummary {
    /// Stations stored (created, updated or unchanged).
    pub stations: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Stations the feed gave that do not make a valid resource (logged).
    pub rejected: usize,
    /// Entries the parser left out (skipped stations, rows without coordinates).
    pub left_out_by_parser: usize,
    /// Stations stored for this feed that it no longer lists, retired by this refresh.
    pub retired: usize,
    /// Why this refresh retired nothing: the feed lists no stations, or too few
    /// ([`FeedSettings::retire_min_listed_percent`]). Logged as a `WARN`.
    pub retire_hold: Option<RetireHold>,
    /// The feed's `ttl`, if it gave one.
    pub ttl_seconds: Option<u32>,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
}

/// Reads one feed into the store.
#[derive(Debug)]
pub struct FeedIngester {
    state: AppState,
    feed: StationFeed,
    settings: FeedSettings,
    http: reqwest::Client,
    owner: AccountId,
}

impl FeedIngester {
    /// Prepares a feed: builds its HTTP client and makes sure the system account exists.
    pub async fn new(
        state: AppState,
        feed: StationFeed,
        settings: FeedSettings,
    ) -> Result<FeedIngester> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.request_timeout)
            .timeout(settings.request_timeout)
            // A fresh connection per request: refreshes are a minute apart, and a kept-alive
            // connection the feed's server has meanwhile closed fails the next refresh with
            // "connection closed before message completed" instead of working.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("sharehub-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config {
                detail: format!("cannot build the HTTP client for feeds: {e}"),
            })?;
        let owner = feed_owner(&state).await?;
        Ok(FeedIngester {
            state,
            feed,
            settings,
            http,
            owner,
        })
    }

    /// Fetches, parses and stores the feed once. On any failure nothing is stored and the
    /// error names the feed and the reason.
    pub async fn refresh_once(&self) -> Result<RefreshSummary> {
        let fetched_at = self.state.clock.now();
        let snapshot = fetch::snapshot(&self.http, &self.feed, self.settings.max_body_bytes)
            .await
            .map_err(|detail| Error::Feed {
                feed: self.feed.label(),
                detail,
            })?;
        log_parse_report(&self.feed, &snapshot.report);
        let converted = stations::records(&self.feed, &snapshot);
        if !converted.rejected.is_empty() {
            tracing::warn!(
                feed = %self.feed.label(),
                rejected = converted.rejected.len(),
                first = ?first_reasons(converted.rejected.iter()),
                "stations that do not make a valid resource were left out",
            );
        }
        let stations = converted.records.len();
        // Everything the feed mentions counts as still there, even what cannot be stored.
        let listed_station_ids: HashSet<String> = snapshot
            .stations
            .iter()
            .map(|station| station.station_id.as_str())
            .chain(snapshot.report.left_out_station_ids())
            .map(str::to_owned)
            .collect();
        let result = self
            .state
            .storage
            .ingest_stations(StationBatch {
                source: self.feed.key(),
                owner_id: self.owner,
                stations: converted.records,
                feed_last_updated: snapshot.last_updated,
                fetched_at,
                listed_station_ids,
                retire_min_listed_percent: self.settings.retire_min_listed_percent,
            })
            .await?;
        if let Some(hold) = &result.retire_hold {
            tracing::warn!(
                feed = %self.feed.label(),
                reason = %hold,
                "stations missing from the feed were not retired: the feed looks broken or cut short",
            );
        }
        Ok(RefreshSummary {
            stations,
            created: result.created,
            updated: result.updated,
            unchanged: result.unchanged,
            rejected: converted.rejected.len(),
            left_out_by_parser: snapshot.report.skipped.len()
                + snapshot.report.dropped_without_coordinates.len(),
            retired: result.retired,
            retire_hold: result.retire_hold,
            ttl_seconds: snapshot.ttl_seconds,
            fetched_at: result.fetched_at,
        })
    }

    /// Refreshes until the server stops ([`crate::state::Stopping`]); a refresh in flight
    /// is abandoned then (its transaction is never half-applied).
    pub async fn run(self) {
        let stopping = self.state.stopping.clone();
        loop {
            let wait = tokio::select! {
                outcome = self.refresh_once() => self.after(outcome),
                () = stopping.wait() => break,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = stopping.wait() => break,
            }
        }
        tracing::info!(feed = %self.feed.label(), "feed task stopped");
    }

    /// Logs a refresh and says how long to wait for the next one.
    fn after(&self, outcome: Result<RefreshSummary>) -> Duration {
        match outcome {
            Ok(summary) => {
                tracing::info!(
                    feed = %self.feed.label(),
                    stations = summary.stations,
                    created = summary.created,
                    updated = summary.updated,
                    retired = summary.retired,
                    rejected = summary.rejected,
                    left_out_by_parser = summary.left_out_by_parser,
                    "feed refreshed"
                );
                next_refresh_in(self.settings.interval, summary.ttl_seconds)
            }
            Err(error) => {
                tracing::error!(
                    feed = %self.feed.label(),
                    error = %error,
                    "feed refresh failed; the last good data stays"
                );
                next_refresh_in(self.settings.interval, None)
            }
        }
    }
}

/// The wait before the next refresh: the interval, or the feed's `ttl` when it is longer
/// (a failed refresh has no `ttl`: it is retried after the interval).
pub fn next_refresh_in(interval: Duration, ttl_seconds: Option<u32>) -> Duration {
    interval.max(Duration::from_secs(ttl_seconds.map_or(0, u64::from)))
}

/// Starts one task per feed; each ends when the server stops.
pub async fn spawn_all(
    state: &AppState,
    feeds: Vec<StationFeed>,
    settings: &FeedSettings,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::with_capacity(feeds.len());
    for feed in feeds {
        tracing::info!(feed = %feed.label(), interval_s = settings.interval.as_secs(), "feed configured");
        let ingester = FeedIngester::new(state.clone(), feed, settings.clone()).await?;
        tasks.push(tokio::spawn(ingester.run()));
    }
    Ok(tasks)
}

/// The system account that owns feed stations, created on first use.
async fn feed_owner(state: &AppState) -> Result<AccountId> {
    if let Some(account) = state.storage.account_by_login(FEED_OWNER_LOGIN).await? {
        return Ok(account.id);
    }
    // A password nobody knows: random, hashed, thrown away.
    let secret = hex::encode(rand::random::<[u8; 32]>());
    let account = StoredAccount {
        id: AccountId(Uuid::now_v7()),
        email: Some(FEED_OWNER_LOGIN.to_owned()),
        phone: None,
        password_hash: state.hasher.hash(secret).await?,
        role: Role::Coordinator,
        created_at: state.clock.now(),
    };
    match state.storage.create_account(&account).await {
        Ok(()) => Ok(account.id),
        // Another feed made it first.
        Err(Error::Conflict { .. }) => state
            .storage
            .account_by_login(FEED_OWNER_LOGIN)
            .await?
            .map(|account| account.id)
            .ok_or_else(|| Error::internal("the feed owner account vanished")),
        Err(e) => Err(e),
    }
}

fn first_reasons<T: ToString>(reasons: impl Iterator<Item = T>) -> Vec<String> {
    reasons
        .take(REASONS_LOGGED)
        .map(|r| r.to_string())
        .collect()
}

/// Logs what the parser left out: counts, and the first few reasons.
fn log_parse_report(feed: &StationFeed, report: &IngestReport) {
    if report.is_clean() {
        return;
    }
    tracing::warn!(
        feed = %feed.label(),
        skipped = report.skipped.len(),
        ignored_fields = report.ignored_fields.len(),
        dropped_without_coordinates = report.dropped_without_coordinates.len(),
        stations_without_status = report.stations_without_status,
        first_skipped = ?first_reasons(report.skipped.iter()),
        first_ignored_fields = ?first_reasons(report.ignored_fields.iter()),
        "the feed left stations or fields out"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longer_of_interval_and_ttl_wins() {
        let minute = Duration::from_secs(60);
        let cases = [
            (None, 60),
            (Some(0), 60),
            (Some(30), 60),
            (Some(60), 60),
            (Some(300), 300),
        ];
        for (ttl, expected) in cases {
            assert_eq!(
                next_refresh_in(minute, ttl),
                Duration::from_secs(expected),
                "{ttl:?}"
            );
        }
    }

    #[test]
    fn seoul_feeds_are_known_by_name_and_never_show_their_key() {
        let seoul = StationFeed::SeoulBikeList {
            base_url: "http://openapi.seoul.go.kr:8088/".into(),
            api_key: "SECRET".into(),
        };
        assert_eq!(seoul.key(), "seoul:bikeList");
        assert_eq!(
            seoul.label(),
            "Seoul bikeList http://openapi.seoul.go.kr:8088"
        );
        assert!(!format!("{seoul:?}").contains("SECRET"));
    }
}
