//! The one output of every source: a snapshot of stations and what happened on the way.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sharehub_core::GeoPoint;

use crate::report::IngestReport;

/// A station name in one language, as the feed gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedName {
    pub text: String,
    /// BCP 47 tag (`ko`, `en`, `ko-KR`); `None` when the feed does not say (GBFS 2.x).
    pub language: Option<String>,
}

/// One station at one moment, the same for every source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationSnapshot {
    /// The publisher's id (`ST-4`, `station1`), unique within one snapshot.
    pub station_id: String,
    /// The name to show: Korean, else English, else the first one given.
    pub name: String,
    /// Every name the feed gave, in its order.
    pub names: Vec<LocalizedName>,
    /// WGS84, validated.
    pub position: GeoPoint,
    pub address: Option<String>,
    /// Docks or parking places at the station.
    pub capacity: Option<u32>,
    /// Bikes that can be rented now (GBFS `num_bikes_available` / `num_vehicles_available`,
    /// Seoul `parkingBikeTotCnt`).
    pub bikes_available: Option<u32>,
    /// Free docks (GBFS `num_docks_available`; Seoul does not say).
    pub docks_available: Option<u32>,
    pub is_installed: Option<bool>,
    pub is_renting: Option<bool>,
    pub is_returning: Option<bool>,
    /// When the station last reported to the operator.
    pub last_reported: Option<DateTime<Utc>>,
    /// Bikes parked as a percentage of capacity (Seoul `shared`; may exceed 100).
    pub occupancy_percent: Option<u32>,
}

/// Where a snapshot came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedSource {
    /// A GBFS system; `version` as the feed declares it (`2.3`, `3.0`, `3.1-RC`), if it does.
    Gbfs { version: Option<String> },
    /// Seoul Open Data `bikeList` (따릉이 real-time rental status).
    SeoulBikeList,
}

impl fmt::Display for FeedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedSource::Gbfs {
                version: Some(version),
            } => write!(f, "GBFS {version}"),
            FeedSource::Gbfs { version: None } => f.write_str("GBFS (version not given)"),
            FeedSource::SeoulBikeList => f.write_str("Seoul bikeList"),
        }
    }
}

/// All stations of one refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedSnapshot {
    pub source: FeedSource,
    /// In the publisher's order; station ids are unique.
    pub stations: Vec<StationSnapshot>,
    /// When the publisher says the data was produced (GBFS: `station_status`'s
    /// `last_updated`). Seoul bikeList does not say: the caller knows when it fetched.
    pub last_updated: Option<DateTime<Utc>>,
    /// Seconds until the publisher expects new data (GBFS `station_status` `ttl`).
    pub ttl_seconds: Option<u32>,
    pub report: IngestReport,
}

impl FeedSnapshot {
    pub fn station(&self, station_id: &str) -> Option<&StationSnapshot> {
        self.stations
            .iter()
            .find(|station| station.station_id == station_id)
    }
}

/// Picks the display name: Korean, else English, else the first. A tag matches its
/// primary language (`ko-KR` is Korean).
pub(crate) fn preferred_name(names: &[LocalizedName]) -> Option<&LocalizedName> {
    let in_language = |wanted: &str| {
        names.iter().find(|name| {
            name.language.as_deref().is_some_and(|tag| {
                tag.split(['-', '_'])
                    .next()
                    .is_some_and(|primary| primary.eq_ignore_ascii_case(wanted))
            })
        })
    };
    in_language("ko")
        .or_else(|| in_language("en"))
        .or_else(|| names.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str, language: Option<&str>) -> LocalizedName {
        LocalizedName {
            text: text.to_owned(),
            language: language.map(str::to_owned),
        }
    }

    #[test]
    fn preferred_name_is_korean_then_english_then_first() {
        let all = [
            name("Mangwon", Some("en")),
            name("望遠", Some("ja")),
            name("망원", Some("ko-KR")),
        ];
        assert_eq!(preferred_name(&all).unwrap().text, "망원");
        assert_eq!(preferred_name(&all[..2]).unwrap().text, "Mangwon");
        assert_eq!(preferred_name(&all[1..2]).unwrap().text, "望遠");
        assert_eq!(
            preferred_name(&[name("x", None), name("y", Some("EN"))])
                .unwrap()
                .text,
            "y"
        );
        assert!(preferred_name(&[]).is_none());
    }
}
