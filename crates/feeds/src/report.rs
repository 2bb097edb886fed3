//! What an ingestion left out, and why: one record per station or field, never silence.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lenient::InvalidValue;

/// Which document a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// GBFS `gbfs.json` (auto-discovery).
    GbfsDiscovery,
    /// GBFS `station_information.json`.
    StationInformation,
    /// GBFS `station_status.json`.
    StationStatus,
    /// Seoul Open Data `bikeList` response.
    SeoulBikeList,
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Document::GbfsDiscovery => "gbfs.json",
            Document::StationInformation => "station_information",
            Document::StationStatus => "station_status",
            Document::SeoulBikeList => "Seoul bikeList",
        })
    }
}

/// Why a whole station (or status entry, or row) was left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// The list entry is not a JSON object.
    NotAnObject,
    /// No usable `station_id` / `stationId`.
    MissingStationId { problem: Option<InvalidValue> },
    /// A field the station cannot be shown without is absent.
    MissingField { field: String },
    /// A field the station cannot be shown without has an unreadable value.
    InvalidField {
        field: String,
        problem: InvalidValue,
    },
    /// Latitude or longitude outside WGS84 bounds.
    CoordinatesOutOfRange { lat: f64, lon: f64 },
    /// An earlier entry in the same snapshot has this station id; the first one is kept.
    DuplicateStationId,
    /// A `station_status` entry whose station is not in `station_information`.
    StatusWithoutInformation,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotAnObject => f.write_str("entry is not a JSON object"),
            SkipReason::MissingStationId { problem: None } => f.write_str("no station id"),
            SkipReason::MissingStationId {
                problem: Some(problem),
            } => write!(f, "unusable station id: {problem}"),
            SkipReason::MissingField { field } => write!(f, "required field `{field}` is missing"),
            SkipReason::InvalidField { field, problem } => {
                write!(f, "field `{field}`: {problem}")
            }
            SkipReason::CoordinatesOutOfRange { lat, lon } => {
                write!(f, "coordinates ({lat}, {lon}) are outside WGS84 bounds")
            }
            SkipReason::DuplicateStationId => {
                f.write_str("station id already seen; the first entry is kept")
            }
            SkipReason::StatusWithoutInformation => {
                f.write_str("status for a station that station_information does not list")
            }
        }
    }
}

/// A station left out of the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub document: Document,
    /// Index in the document's list (`stations[]`, `row[]`); for a duplicate found
    /// across Seoul pages, the index in the combined list.
    pub index: usize,
    /// `None` when the entry had no usable id.
    pub station_id: Option<String>,
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.station_id {
            Some(id) => write!(
                f,
                "{} station {id} (entry {}): {}",
                self.document, self.index, self.reason
            ),
            None => write!(f, "{} entry {}: {}", self.document, self.index, self.reason),
        }
    }
}

/// What was wrong with a field that was left empty while its station was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    /// The specification requires it and the feed left it out.
    Missing,
    Invalid {
        problem: InvalidValue,
    },
}

/// A field read as "unknown" because its value was missing or unreadable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredField {
    pub document: Document,
    /// `None` for a file-level field (`last_updated`, `ttl`).
    pub station_id: Option<String>,
    pub field: String,
    pub problem: FieldProblem,
}

impl fmt::Display for IgnoredField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.station_id {
            Some(id) => write!(f, "{} station {id}: `{}` ", self.document, self.field)?,
            None => write!(f, "{}: `{}` ", self.document, self.field)?,
        }
        match &self.problem {
            FieldProblem::Missing => f.write_str("is missing"),
            FieldProblem::Invalid { problem } => write!(f, "ignored: {problem}"),
        }
    }
}

/// Everything an ingestion left out. Empty for a clean feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Stations (or status entries, or rows) left out entirely.
    pub skipped: Vec<Skipped>,
    /// Fields set to unknown on stations that were kept.
    pub ignored_fields: Vec<IgnoredField>,
    /// The ids of stations left out because they have no coordinates (empty, or `0`):
    /// common in Seoul data, so logged as a count rather than one reason each. They are
    /// still in the feed (a consumer must not take them for removed stations).
    pub dropped_without_coordinates: Vec<String>,
    /// GBFS stations in `station_information` with no `station_status` entry: kept, with
    /// unknown availability.
    pub stations_without_status: usize,
}

impl IngestReport {
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty()
            && self.ignored_fields.is_empty()
            && self.dropped_without_coordinates.is_empty()
            && self.stations_without_status == 0
    }

    /// Adds another report's findings to this one.
    pub fn absorb(&mut self, other: IngestReport) {
        self.skipped.extend(other.skipped);
        self.ignored_fields.extend(other.ignored_fields);
        self.dropped_without_coordinates
            .extend(other.dropped_without_coordinates);
        self.stations_without_status += other.stations_without_status;
    }

    /// Every station id the feed mentions but left out of the snapshot: stations without
    /// coordinates and skipped entries that had a usable id. With the snapshot's stations
    /// these are all the stations the feed still lists.
    pub fn left_out_station_ids(&self) -> impl Iterator<Item = &str> {
        self.dropped_without_coordinates
            .iter()
            .map(String::as_str)
            .chain(
                self.skipped
                    .iter()
                    .filter_map(|skipped| skipped.station_id.as_deref()),
            )
    }

    /// The skipped entry for a station id, if any (for tests and admin views).
    pub fn skipped_station(&self, station_id: &str) -> Option<&Skipped> {
        self.skipped
            .iter()
            .find(|skipped| skipped.station_id.as_deref() == Some(station_id))
    }
}
