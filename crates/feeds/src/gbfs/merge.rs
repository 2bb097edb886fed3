//! Joining `station_information` and `station_status` into one snapshot.

use std::collections::{HashMap, HashSet};

use super::{
    parse_station_information, parse_station_status, StationInformationFile, StationStatus,
    StationStatusFile,
};
use crate::error::FeedError;
use crate::report::{Document, SkipReason, Skipped};
use crate::snapshot::{FeedSnapshot, FeedSource, StationSnapshot};

/// Joins the two files by `station_id`, in `station_information`'s order.
///
/// A station without a status entry is kept with unknown availability (counted in
/// `stations_without_status`); a status entry without its station is skipped (unless
/// the station itself was already skipped in `station_information`, which is reported
/// once). `last_updated` and `ttl_seconds` are the status file's (the live half); the
/// version is the status file's, else the information file's.
pub fn merge_station_files(
    information: &StationInformationFile,
    status: &StationStatusFile,
) -> FeedSnapshot {
    let mut report = information.report.clone();
    report.absorb(status.report.clone());

    let status_by_id: HashMap<&str, &StationStatus> = status
        .stations
        .iter()
        .map(|entry| (entry.station_id.as_str(), entry))
        .collect();

    let mut stations = Vec::with_capacity(information.stations.len());
    for station in &information.stations {
        let live = status_by_id.get(station.station_id.as_str()).copied();
        if live.is_none() {
            report.stations_without_status += 1;
        }
        stations.push(StationSnapshot {
            station_id: station.station_id.clone(),
            name: station.name.clone(),
            names: station.names.clone(),
            position: station.position,
            address: station.address.clone(),
            capacity: station.capacity,
            bikes_available: live.and_then(|live| live.bikes_available),
            docks_available: live.and_then(|live| live.docks_available),
            is_installed: live.and_then(|live| live.is_installed),
            is_renting: live.and_then(|live| live.is_renting),
            is_returning: live.and_then(|live| live.is_returning),
            last_reported: live.and_then(|live| live.last_reported),
            occupancy_percent: None,
        });
    }

    let known: HashSet<&str> = information
        .stations
        .iter()
        .map(|station| station.station_id.as_str())
        .chain(information.report.left_out_station_ids())
        .collect();
    for (index, entry) in status.stations.iter().enumerate() {
        if !known.contains(entry.station_id.as_str()) {
            report.skipped.push(Skipped {
                document: Document::StationStatus,
                index,
                station_id: Some(entry.station_id.clone()),
                reason: SkipReason::StatusWithoutInformation,
            });
        }
    }

    FeedSnapshot {
        source: FeedSource::Gbfs {
            version: status
                .header
                .version
                .clone()
                .or_else(|| information.header.version.clone()),
        },
        stations,
        last_updated: status
            .header
            .last_updated
            .or(information.header.last_updated),
        ttl_seconds: status.header.ttl_seconds,
        report,
    }
}

/// Parses both station files and merges them: the usual refresh in one call.
pub fn parse_gbfs_stations(
    station_information: &[u8],
    station_status: &[u8],
) -> Result<FeedSnapshot, FeedError> {
    let information = parse_station_information(station_information)?;
    let status = parse_station_status(station_status)?;
    Ok(merge_station_files(&information, &status))
}
