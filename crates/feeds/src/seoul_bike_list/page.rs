//! One `bikeList` response, and the snapshot made of all pages.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::paging::PageOutcome;
use crate::error::{parse_json, FeedError};
use crate::lenient;
use crate::report::{Document, IngestReport, SkipReason, Skipped};
use crate::snapshot::{FeedSnapshot, FeedSource, LocalizedName, StationSnapshot};
use crate::station_record::{station_id_of, StationRecord};

const DOCUMENT: Document = Document::SeoulBikeList;

/// The result code of a successful response.
const CODE_OK: &str = "INFO-000";
/// The result code for "no data": past the last row.
const CODE_NO_DATA: &str = "INFO-200";

/// One page of stations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BikeListPage {
    /// Rows in the response, including those dropped or skipped: what paging counts.
    pub rows_received: usize,
    /// As the API reported it (see the module notes: not reliable as a total).
    pub list_total_count: Option<u32>,
    pub stations: Vec<StationSnapshot>,
    pub report: IngestReport,
}

/// A `bikeList` response that is not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BikeListResponse {
    Page(BikeListPage),
    /// `INFO-200`: no rows in the range asked for (the end of the list).
    NoData {
        message: String,
    },
}

impl BikeListResponse {
    /// What paging needs to know about this response.
    pub fn outcome(&self) -> PageOutcome {
        match self {
            BikeListResponse::Page(page) => PageOutcome::Rows(page.rows_received),
            BikeListResponse::NoData { .. } => PageOutcome::NoData,
        }
    }
}

/// Parses one `bikeList` response. An error code (`ERROR-336`, `INFO-100` bad key, …),
/// inside `rentBikeStatus` or at the top level, is a [`FeedError::SeoulApi`].
pub fn parse_bike_list_response(body: &[u8]) -> Result<BikeListResponse, FeedError> {
    let response = parse_json(DOCUMENT, body)?;
    let top = response
        .as_object()
        .ok_or_else(|| FeedError::wrong_shape(DOCUMENT, "the top level is not a JSON object"))?;
    let Some(status) = top.get("rentBikeStatus") else {
        return match top.get("RESULT") {
            Some(result) => match read_result(result)? {
                (code, message) if code == CODE_NO_DATA => Ok(BikeListResponse::NoData { message }),
                (code, message) => Err(FeedError::SeoulApi { code, message }),
            },
            None => Err(FeedError::wrong_shape(
                DOCUMENT,
                "neither `rentBikeStatus` nor `RESULT` at the top level",
            )),
        };
    };
    let status = status
        .as_object()
        .ok_or_else(|| FeedError::wrong_shape(DOCUMENT, "`rentBikeStatus` is not an object"))?;
    if let Some(result) = status.get("RESULT") {
        match read_result(result)? {
            (code, _) if code == CODE_OK => {}
            (code, message) if code == CODE_NO_DATA => {
                return Ok(BikeListResponse::NoData { message })
            }
            (code, message) => return Err(FeedError::SeoulApi { code, message }),
        }
    }
    let rows = match status.get("row") {
        Some(Value::Array(rows)) => rows,
        Some(_) => {
            return Err(FeedError::wrong_shape(
                DOCUMENT,
                "`rentBikeStatus.row` is not a list",
            ))
        }
        None => {
            return Err(FeedError::wrong_shape(
                DOCUMENT,
                "no `rentBikeStatus.row` list",
            ))
        }
    };
    let list_total_count = status
        .get("list_total_count")
        .and_then(|count| lenient::read_count(count).ok());
    let (stations, report) = read_rows(rows);
    Ok(BikeListResponse::Page(BikeListPage {
        rows_received: rows.len(),
        list_total_count,
        stations,
        report,
    }))
}

/// `{"CODE": "...", "MESSAGE": "..."}`.
fn read_result(result: &Value) -> Result<(String, String), FeedError> {
    let text = |field: &str| {
        result
            .get(field)
            .and_then(Value::as_str)
            .map(|text| text.trim().to_owned())
    };
    let code = text("CODE")
        .filter(|code| !code.is_empty())
        .ok_or_else(|| FeedError::wrong_shape(DOCUMENT, "`RESULT` has no `CODE`"))?;
    Ok((code, text("MESSAGE").unwrap_or_default()))
}

fn read_rows(rows: &[Value]) -> (Vec<StationSnapshot>, IngestReport) {
    let mut report = IngestReport::default();
    let mut stations = Vec::with_capacity(rows.len());
    let mut seen = HashSet::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let skip = |station_id: Option<String>, reason| Skipped {
            document: DOCUMENT,
            index,
            station_id,
            reason,
        };
        let (object, station_id) = match station_id_of(row, "stationId") {
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
        match read_row(object, &station_id, &mut report) {
            Ok(Some(station)) => {
                seen.insert(station_id);
                stations.push(station);
            }
            Ok(None) => report.dropped_without_coordinates.push(station_id),
            Err(reason) => report.skipped.push(skip(Some(station_id), reason)),
        }
    }
    (stations, report)
}

/// One row; `Ok(None)` when it has no coordinates.
fn read_row(
    object: &Map<String, Value>,
    station_id: &str,
    report: &mut IngestReport,
) -> Result<Option<StationSnapshot>, SkipReason> {
    let mut record = StationRecord {
        object,
        document: DOCUMENT,
        station_id,
        ignored: &mut report.ignored_fields,
    };
    let Some(position) = record.position("stationLatitude", "stationLongitude")? else {
        return Ok(None);
    };
    let name = record.expected("stationName", lenient::read_text);
    let capacity = record.expected("rackTotCnt", lenient::read_count);
    let bikes_available = record.expected("parkingBikeTotCnt", lenient::read_count);
    let occupancy_percent = record.optional("shared", lenient::read_count);
    let names = name
        .iter()
        .map(|text| LocalizedName {
            text: text.clone(),
            language: Some("ko".to_owned()),
        })
        .collect();
    Ok(Some(StationSnapshot {
        station_id: station_id.to_owned(),
        name: name.unwrap_or_else(|| station_id.to_owned()),
        names,
        position,
        address: None,
        capacity,
        bikes_available,
        docks_available: None,
        is_installed: None,
        is_renting: None,
        is_returning: None,
        last_reported: None,
        occupancy_percent,
    }))
}

/// Combines the pages of one refresh, in order. A station id seen on an earlier page
/// (rows shift while paging) is skipped as a duplicate; `last_updated` is `None` (the
/// API does not say: the caller knows when it fetched).
pub fn snapshot_from_bike_list_pages(
    pages: impl IntoIterator<Item = BikeListPage>,
) -> FeedSnapshot {
    let mut report = IngestReport::default();
    let mut stations: Vec<StationSnapshot> = Vec::new();
    let mut seen = HashSet::new();
    for page in pages {
        report.absorb(page.report);
        for station in page.stations {
            if seen.contains(&station.station_id) {
                report.skipped.push(Skipped {
                    document: DOCUMENT,
                    index: stations.len(),
                    station_id: Some(station.station_id),
                    reason: SkipReason::DuplicateStationId,
                });
            } else {
                seen.insert(station.station_id.clone());
                stations.push(station);
            }
        }
    }
    FeedSnapshot {
        source: FeedSource::SeoulBikeList,
        stations,
        last_updated: None,
        ttl_seconds: None,
        report,
    }
}
