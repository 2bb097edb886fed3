//! GBFS 2.x (2.0–2.3) and 3.x (3.0, 3.1-RC): `gbfs.json` discovery, `station_information`
//! and `station_status`, merged into a [`FeedSnapshot`](crate::FeedSnapshot).
//!
//! The version a file declares is recorded but not trusted: every field is read in
//! either version's form (names as text or `[{text, language}]`, timestamps as POSIX
//! seconds or RFC 3339, `num_bikes_available` or `num_vehicles_available`), because real
//! feeds mix them.

mod discovery;
mod merge;
mod station_information;
mod station_status;

pub use discovery::{parse_gbfs_discovery, DiscoveredFeed, DiscoveryLanguage, GbfsDiscovery};
pub use merge::{merge_station_files, parse_gbfs_stations};
pub use station_information::{
    parse_station_information, StationInformation, StationInformationFile,
};
pub use station_status::{parse_station_status, StationStatus, StationStatusFile};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FeedError;
use crate::lenient::{self, InvalidValue};
use crate::report::{Document, FieldProblem, IgnoredField};

/// The fields every GBFS file carries next to `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHeader {
    /// As declared (`2.3`, `3.0`, `3.1-RC`); GBFS 1.x files have none.
    pub version: Option<String>,
    /// When the publisher last updated the file.
    pub last_updated: Option<DateTime<Utc>>,
    /// Seconds before the file should be fetched again.
    pub ttl_seconds: Option<u32>,
}

/// Reads a GBFS file's header and returns it with its `data` object.
fn read_gbfs_file<'a>(
    document: Document,
    file: &'a Value,
    ignored: &mut Vec<IgnoredField>,
) -> Result<(FileHeader, &'a Map<String, Value>), FeedError> {
    let top = file
        .as_object()
        .ok_or_else(|| FeedError::wrong_shape(document, "the top level is not a JSON object"))?;
    let data = top
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| FeedError::wrong_shape(document, "no `data` object"))?;
    let header = FileHeader {
        last_updated: header_field(
            document,
            top,
            "last_updated",
            lenient::read_instant,
            ignored,
        ),
        ttl_seconds: header_field(document, top, "ttl", lenient::read_count, ignored),
        version: top
            .get("version")
            .and_then(|value| lenient::read_text(value).ok()),
    };
    Ok((header, data))
}

/// A required file-level field; missing or unreadable is noted.
fn header_field<T>(
    document: Document,
    top: &Map<String, Value>,
    field: &str,
    read: fn(&Value) -> Result<T, InvalidValue>,
    ignored: &mut Vec<IgnoredField>,
) -> Option<T> {
    let problem = match top.get(field).filter(|value| !value.is_null()) {
        None => FieldProblem::Missing,
        Some(value) => match read(value) {
            Ok(read) => return Some(read),
            Err(problem) => FieldProblem::Invalid { problem },
        },
    };
    ignored.push(file_field_problem(document, field, problem));
    None
}

fn file_field_problem(document: Document, field: &str, problem: FieldProblem) -> IgnoredField {
    IgnoredField {
        document,
        station_id: None,
        field: field.to_owned(),
        problem,
    }
}

/// The `data.stations` list of a station file.
fn stations_list(document: Document, data: &Map<String, Value>) -> Result<&[Value], FeedError> {
    match data.get("stations") {
        Some(Value::Array(stations)) => Ok(stations),
        Some(_) => Err(FeedError::wrong_shape(
            document,
            "`data.stations` is not a list",
        )),
        None => Err(FeedError::wrong_shape(document, "no `data.stations` list")),
    }
}
