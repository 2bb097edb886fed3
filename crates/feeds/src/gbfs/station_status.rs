//! `station_status`: what is available at each station now.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{read_gbfs_file, stations_list, FileHeader};
use crate::error::{parse_json, FeedError};
use crate::lenient;
use crate::report::{Document, IngestReport, SkipReason, Skipped};
use crate::station_record::{station_id_of, StationRecord};

const DOCUMENT: Document = Document::StationStatus;

/// The live state of one station. Unknown values are `None` (and noted in the report
/// when the specification requires them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationStatus {
    pub station_id: String,
    /// v2 `num_bikes_available`, v3 `num_vehicles_available`.
    pub bikes_available: Option<u32>,
    pub docks_available: Option<u32>,
    pub is_installed: Option<bool>,
    pub is_renting: Option<bool>,
    pub is_returning: Option<bool>,
    pub last_reported: Option<DateTime<Utc>>,
}

/// A parsed `station_status` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationStatusFile {
    pub header: FileHeader,
    /// Entries that could be read, in the file's order, ids unique.
    pub stations: Vec<StationStatus>,
    pub report: IngestReport,
}

/// Parses `station_status.json` of GBFS 2.x or 3.x.
pub fn parse_station_status(body: &[u8]) -> Result<StationStatusFile, FeedError> {
    let file = parse_json(DOCUMENT, body)?;
    let mut report = IngestReport::default();
    let (header, data) = read_gbfs_file(DOCUMENT, &file, &mut report.ignored_fields)?;
    let entries = stations_list(DOCUMENT, data)?;
    let mut stations = Vec::with_capacity(entries.len());
    let mut seen = HashSet::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let (object, station_id) = match station_id_of(entry, "station_id") {
            Ok(found) => found,
            Err(reason) => {
                report.skipped.push(Skipped {
                    document: DOCUMENT,
                    index,
                    station_id: None,
                    reason,
                });
                continue;
            }
        };
        if seen.contains(&station_id) {
            report.skipped.push(Skipped {
                document: DOCUMENT,
                index,
                station_id: Some(station_id),
                reason: SkipReason::DuplicateStationId,
            });
            continue;
        }
        let mut record = StationRecord {
            object,
            document: DOCUMENT,
            station_id: &station_id,
            ignored: &mut report.ignored_fields,
        };
        let bikes_available = record.expected_any(
            &["num_vehicles_available", "num_bikes_available"],
            lenient::read_count,
        );
        let docks_available = record.optional("num_docks_available", lenient::read_count);
        let is_installed = record.expected("is_installed", lenient::read_bool);
        let is_renting = record.expected("is_renting", lenient::read_bool);
        let is_returning = record.expected("is_returning", lenient::read_bool);
        let last_reported = record.expected("last_reported", lenient::read_instant);
        seen.insert(station_id.clone());
        stations.push(StationStatus {
            station_id,
            bikes_available,
            docks_available,
            is_installed,
            is_renting,
            is_returning,
            last_reported,
        });
    }
    Ok(StationStatusFile {
        header,
        stations,
        report,
    })
}
