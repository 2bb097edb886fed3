//! `station_information`: where the stations are and what they are called.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sharehub_core::GeoPoint;

use super::{read_gbfs_file, stations_list, FileHeader};
use crate::error::{parse_json, FeedError};
use crate::lenient::{self, InvalidValue};
use crate::report::{Document, FieldProblem, IngestReport, SkipReason, Skipped};
use crate::snapshot::{preferred_name, LocalizedName};
use crate::station_record::{station_id_of, StationRecord};

const DOCUMENT: Document = Document::StationInformation;

/// The lasting facts about one station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationInformation {
    pub station_id: String,
    /// Display name: Korean, else English, else the first; the station id when the feed
    /// gives none (noted in the report).
    pub name: String,
    /// All names given (GBFS 2.x: one, without language).
    pub names: Vec<LocalizedName>,
    pub position: GeoPoint,
    pub address: Option<String>,
    pub capacity: Option<u32>,
}

/// A parsed `station_information` file. Fetch it rarely (its `ttl` is usually long) and
/// merge it with each new [`StationStatusFile`](super::StationStatusFile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationInformationFile {
    pub header: FileHeader,
    /// Stations that could be read, in the file's order, ids unique.
    pub stations: Vec<StationInformation>,
    pub report: IngestReport,
}

/// Parses `station_information.json` of GBFS 2.x or 3.x.
pub fn parse_station_information(body: &[u8]) -> Result<StationInformationFile, FeedError> {
    let file = parse_json(DOCUMENT, body)?;
    let mut report = IngestReport::default();
    let (header, data) = read_gbfs_file(DOCUMENT, &file, &mut report.ignored_fields)?;
    let entries = stations_list(DOCUMENT, data)?;
    let mut stations = Vec::with_capacity(entries.len());
    let mut seen = HashSet::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let skip = |station_id: Option<String>, reason| Skipped {
            document: DOCUMENT,
            index,
            station_id,
            reason,
        };
        let (object, station_id) = match station_id_of(entry, "station_id") {
            Ok(found) => found,
            Err(reason) => {
                report.skipped.push(skip(None, reason));
                continue;
            }
        };
        if seen.contains(&station_id) {
            report
                .skipped
                .push(skip(Some(station_id), SkipReason::DuplicateStationId));
            continue;
        }
        let mut record = StationRecord {
            object,
            document: DOCUMENT,
            station_id: &station_id,
            ignored: &mut report.ignored_fields,
        };
        let position = match record.position("lat", "lon") {
            Ok(Some(position)) => position,
            Ok(None) => {
                seen.insert(station_id.clone());
                report.dropped_without_coordinates.push(station_id);
                continue;
            }
            Err(reason) => {
                report.skipped.push(skip(Some(station_id), reason));
                continue;
            }
        };
        let names = match record.value("name") {
            None => {
                record.note("name", FieldProblem::Missing);
                Vec::new()
            }
            Some(value) => read_names(value).unwrap_or_else(|problem| {
                record.note("name", FieldProblem::Invalid { problem });
                Vec::new()
            }),
        };
        let address = match record.value("address") {
            None => None,
            Some(value) => match read_names(value) {
                Ok(addresses) => preferred_name(&addresses).map(|address| address.text.clone()),
                Err(problem) => {
                    record.note("address", FieldProblem::Invalid { problem });
                    None
                }
            },
        };
        let capacity = record.optional("capacity", lenient::read_count);
        let name =
            preferred_name(&names).map_or_else(|| station_id.clone(), |name| name.text.clone());
        seen.insert(station_id.clone());
        stations.push(StationInformation {
            station_id,
            name,
            names,
            position,
            address,
            capacity,
        });
    }
    Ok(StationInformationFile {
        header,
        stations,
        report,
    })
}

/// Reads a GBFS 2.x text or a GBFS 3.x localized string `[{text, language}]`. Entries
/// without text are left out; a list with no usable entry is invalid.
fn read_names(value: &Value) -> Result<Vec<LocalizedName>, InvalidValue> {
    if let Value::Array(entries) = value {
        let names: Vec<LocalizedName> = entries
            .iter()
            .filter_map(|entry| {
                let text = lenient::read_text(entry.get("text")?).ok()?;
                let language = entry
                    .get("language")
                    .and_then(|language| lenient::read_text(language).ok());
                Some(LocalizedName { text, language })
            })
            .collect();
        if names.is_empty() {
            return Err(InvalidValue {
                expected: "text or a list of {text, language}".to_owned(),
                found: format!("a list of {} entries without text", entries.len()),
            });
        }
        return Ok(names);
    }
    lenient::read_text(value)
        .map(|text| {
            vec![LocalizedName {
                text,
                language: None,
            }]
        })
        .map_err(|mut problem| {
            problem.expected = "text or a list of {text, language}".to_owned();
            problem
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_in_both_versions() {
        assert_eq!(
            read_names(&json!("망원역")).unwrap(),
            vec![LocalizedName {
                text: "망원역".to_owned(),
                language: None
            }]
        );
        let v3 = read_names(&json!([
            {"text": "Mangwon Stn.", "language": "en"},
            {"text": "망원역", "language": "ko"},
            {"language": "ja"}
        ]))
        .unwrap();
        assert_eq!(v3.len(), 2);
        assert_eq!(preferred_name(&v3).unwrap().text, "망원역");
        assert!(read_names(&json!([])).is_err());
        assert!(read_names(&json!({"text": "x"})).is_err());
    }
}
