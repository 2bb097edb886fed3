//! Public-bike stations, live (`GET /v1/stations/status`).
//!
//! Stations themselves are ordinary `bike_station` resources: they arrive through sync and
//! the listing like every other resource, and change only when their static information
//! (name, place, capacity) changes. Their live counts change every minute, so they travel
//! separately, here, and never through the change log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ResourceId;

/// `GET /v1/stations/status` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct StationStatusQuery {
    /// Only stations refreshed after this instant: send the previous answer's
    /// `next_since_fetched`. Absent: every station.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, format = DateTime, example = "2026-11-26T03:00:00.000Z")
    )]
    pub since_fetched: Option<DateTime<Utc>>,
}

/// The live counts of one station, as its feed last reported them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationLiveStatus {
    /// The station's resource id (kind `bike_station`).
    pub id: ResourceId,
    /// Bikes that can be rented now; `null` when the feed does not say.
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 4294967295_i64))]
    pub bikes_available: Option<u32>,
    /// Free docks; `null` when the feed does not say (Seoul bikeList never does).
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 4294967295_i64))]
    pub docks_available: Option<u32>,
    pub is_renting: Option<bool>,
    pub is_returning: Option<bool>,
    /// When the station last reported to its operator.
    pub last_reported: Option<DateTime<Utc>>,
    /// When the feed says it produced the data (GBFS `last_updated`; Seoul: not given).
    pub feed_last_updated: Option<DateTime<Utc>>,
    /// When this server stored these counts (the refresh that read them): show
    /// "as of 2 min ago" from `feed_last_updated`, else from this.
    pub fetched_at: DateTime<Utc>,
}

/// `GET /v1/stations/status` answer: every station refreshed after `since_fetched`, whole
/// (a city has a few thousand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationStatusList {
    pub stations: Vec<StationLiveStatus>,
    /// The newest `fetched_at` this server holds (of any station): send it as
    /// `since_fetched` next time. `null` when no station has been fetched yet.
    pub next_since_fetched: Option<DateTime<Utc>>,
}
