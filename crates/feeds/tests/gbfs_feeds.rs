//! GBFS 2.3 and 3.0 feeds for a few Seoul stations, and broken ones.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use chrono::{DateTime, Utc};
use sharehub_feeds::gbfs::{
    merge_station_files, parse_gbfs_discovery, parse_gbfs_stations, parse_station_information,
    parse_station_status,
};
use sharehub_feeds::{
    Document, FeedError, FeedSnapshot, FeedSource, FieldProblem, SkipReason, StationSnapshot,
};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|error| panic!("{full}: {error}"))
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

fn snapshot(folder: &str) -> FeedSnapshot {
    parse_gbfs_stations(
        &fixture(&format!("{folder}/station_information.json")),
        &fixture(&format!("{folder}/station_status.json")),
    )
    .unwrap()
}

fn station<'a>(snapshot: &'a FeedSnapshot, id: &str) -> &'a StationSnapshot {
    snapshot
        .station(id)
        .unwrap_or_else(|| panic!("station {id} missing"))
}

/// 2.3 and 3.0 describe the same three stations at the same moment: one result.
#[test]
fn gbfs_2_3_and_3_0_give_the_same_stations() {
    let v2 = snapshot("gbfs-2.3");
    let v3 = snapshot("gbfs-3.0");
    for snapshot in [&v2, &v3] {
        assert!(snapshot.report.is_clean(), "{:?}", snapshot.report);
        assert_eq!(snapshot.stations.len(), 3);
        assert_eq!(snapshot.last_updated, Some(instant("2026-11-26T02:01:00Z")));
        assert_eq!(snapshot.ttl_seconds, Some(60));

        let mangwon = station(snapshot, "ST-4");
        assert_eq!(mangwon.name, "102. 망원역 1번출구 앞");
        assert_eq!(mangwon.position.lat, 37.5556488);
        assert_eq!(mangwon.position.lon, 126.91062927);
        assert_eq!(
            mangwon.address.as_deref(),
            Some("서울특별시 마포구 월드컵로 72")
        );
        assert_eq!(mangwon.capacity, Some(15));
        assert_eq!(mangwon.bikes_available, Some(16));
        assert_eq!(mangwon.docks_available, Some(0));
        assert_eq!(mangwon.is_installed, Some(true));
        assert_eq!(mangwon.is_renting, Some(true));
        assert_eq!(mangwon.last_reported, Some(instant("2026-11-26T02:00:30Z")));

        let hapjeong = station(snapshot, "ST-6");
        assert_eq!(hapjeong.is_renting, Some(false));
        assert_eq!(
            hapjeong.last_reported,
            Some(instant("2026-11-26T01:55:00Z"))
        );
        assert_eq!(station(snapshot, "ST-5").is_returning, Some(false));
    }
    assert_eq!(
        v2.source,
        FeedSource::Gbfs {
            version: Some("2.3".into())
        }
    );
    assert_eq!(
        v3.source,
        FeedSource::Gbfs {
            version: Some("3.0".into())
        }
    );
    // v3 keeps every language; v2 has one name without a language.
    let names = &station(&v3, "ST-4").names;
    assert_eq!(names.len(), 2);
    assert_eq!(names[0].text, "102. Mangwon Stn. Exit 1");
    assert_eq!(names[0].language.as_deref(), Some("en"));
    assert_eq!(station(&v2, "ST-4").names[0].language, None);
    // Everything but the names agrees.
    let comparable = |snapshot: &FeedSnapshot| {
        snapshot
            .stations
            .iter()
            .map(|station| StationSnapshot {
                names: Vec::new(),
                ..station.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(comparable(&v2), comparable(&v3));
}

#[test]
fn discovery_in_both_versions_prefers_korean() {
    let v2 = parse_gbfs_discovery(&fixture("gbfs-2.3/gbfs.json")).unwrap();
    assert_eq!(v2.languages.len(), 2);
    assert_eq!(
        v2.station_information_url().unwrap(),
        "https://bikes.example.org/gbfs/ko/station_information.json"
    );
    assert_eq!(
        v2.station_status_url().unwrap(),
        "https://bikes.example.org/gbfs/ko/station_status.json"
    );
    assert_eq!(v2.header.ttl_seconds, Some(3600));

    let v3 = parse_gbfs_discovery(&fixture("gbfs-3.0/gbfs.json")).unwrap();
    assert_eq!(
        v3.station_status_url().unwrap(),
        "https://bikes.example.org/gbfs/v3/station_status.json"
    );
    assert_eq!(
        v3.header.last_updated,
        Some(instant("2026-11-26T02:00:00Z"))
    );
    let missing = v3.feed_url("vehicle_status").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "gbfs.json lists no `vehicle_status` feed"
    );
}

/// Real feeds: 0/1 booleans, numbers as text, integer timestamps in 3.0, missing and
/// out-of-range fields. Bad stations are skipped with a reason, never the feed.
#[test]
fn broken_feed_keeps_good_stations_and_reports_the_rest() {
    let snapshot = snapshot("gbfs-broken");
    let ids: Vec<&str> = snapshot
        .stations
        .iter()
        .map(|station| station.station_id.as_str())
        .collect();
    assert_eq!(ids, ["ST-4", "ST-5", "ST-6", "1234"]);

    // Text numbers and 0/1 booleans, integer timestamps in a 3.0 file.
    let mangwon = station(&snapshot, "ST-4");
    assert_eq!(mangwon.position.lat, 37.5556488);
    assert_eq!(mangwon.capacity, Some(15));
    assert_eq!(mangwon.bikes_available, Some(16));
    assert_eq!(mangwon.docks_available, Some(0));
    assert_eq!(mangwon.is_installed, Some(true));
    assert_eq!(mangwon.is_returning, Some(false));
    assert_eq!(mangwon.last_reported, Some(instant("2026-11-26T02:00:30Z")));
    assert_eq!(snapshot.last_updated, Some(instant("2026-11-26T02:01:00Z")));
    assert_eq!(snapshot.ttl_seconds, Some(60));

    // Kept with unknowns: negative capacity, "maybe", v2 field name in a v3 file.
    let second = station(&snapshot, "ST-5");
    assert_eq!(second.capacity, None);
    assert_eq!(second.bikes_available, Some(3));
    assert_eq!(second.is_renting, None);
    assert_eq!(second.is_installed, Some(true));
    // No name: shown by id. A fractional count is unknown.
    let nameless = station(&snapshot, "ST-6");
    assert_eq!(nameless.name, "ST-6");
    assert_eq!(nameless.bikes_available, None);
    // Numeric id and ko-KR name.
    let numeric = station(&snapshot, "1234");
    assert_eq!(numeric.name, "1234. 숫자 아이디");
    assert_eq!(numeric.address.as_deref(), Some("Seoul"));
    assert_eq!(numeric.bikes_available, None);

    let report = &snapshot.report;
    let reason = |id: &str| &report.skipped_station(id).unwrap().reason;
    assert_eq!(
        reason("ST-7"),
        &SkipReason::CoordinatesOutOfRange {
            lat: 137.55,
            lon: 126.91
        }
    );
    assert_eq!(
        reason("ST-9"),
        &SkipReason::MissingField {
            field: "lat".into()
        }
    );
    assert!(matches!(reason("ST-10"), SkipReason::InvalidField { field, .. } if field == "lat"));
    assert_eq!(reason("ST-404"), &SkipReason::StatusWithoutInformation);
    assert_eq!(report.dropped_without_coordinates, ["ST-8"], "at (0, 0)");
    assert_eq!(report.stations_without_status, 1, "1234");

    let skipped: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        [
            "station_information station ST-7 (entry 3): coordinates (137.55, 126.91) are outside WGS84 bounds",
            "station_information station ST-9 (entry 5): required field `lat` is missing",
            "station_information station ST-10 (entry 6): field `lat`: expected a finite decimal number, found \"north\"",
            "station_information entry 7: no station id",
            "station_information station ST-4 (entry 8): station id already seen; the first entry is kept",
            "station_information entry 9: entry is not a JSON object",
            "station_status entry 6: no station id",
            "station_status station ST-4 (entry 7): station id already seen; the first entry is kept",
            "station_status station ST-404 (entry 5): status for a station that station_information does not list",
        ]
    );

    let ignored: Vec<String> = report
        .ignored_fields
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        ignored,
        [
            "station_information: `ttl` is missing",
            "station_information station ST-5: `capacity` ignored: expected a whole number from 0 to 4294967295, found -3",
            "station_information station ST-6: `name` is missing",
            "station_status station ST-5: `is_renting` ignored: expected true/false or 0/1, found \"maybe\"",
            "station_status station ST-6: `num_vehicles_available` ignored: expected a whole number from 0 to 4294967295, found 2.5",
            "station_status station ST-6: `last_reported` is missing",
        ]
    );
    assert!(report.ignored_fields.iter().all(
        |field| field.problem != FieldProblem::Missing || field.field != "num_docks_available"
    ));
}

#[test]
fn information_is_parsed_once_and_merged_with_each_status() {
    let information =
        parse_station_information(&fixture("gbfs-2.3/station_information.json")).unwrap();
    assert_eq!(information.header.ttl_seconds, Some(86400));
    let first = parse_station_status(&fixture("gbfs-2.3/station_status.json")).unwrap();
    let later = parse_station_status(&fixture("gbfs-3.0/station_status.json")).unwrap();
    let a = merge_station_files(&information, &first);
    let b = merge_station_files(&information, &later);
    assert_eq!(a.stations, b.stations);
    assert_eq!(
        b.source,
        FeedSource::Gbfs {
            version: Some("3.0".into())
        }
    );
}

#[test]
fn whole_document_errors_are_specific() {
    let not_json = parse_station_status(&fixture("gbfs-broken/not_json.html")).unwrap_err();
    assert!(matches!(
        not_json,
        FeedError::NotJson {
            document: Document::StationStatus,
            ..
        }
    ));
    assert!(
        not_json.to_string().contains("<!DOCTYPE html>"),
        "{not_json}"
    );

    let without_data = parse_station_information(&fixture(
        "gbfs-broken/station_information_without_data.json",
    ))
    .unwrap_err();
    assert_eq!(
        without_data.to_string(),
        "station_information has the wrong shape: no `data` object"
    );
    assert!(!without_data.is_retryable());

    let cases: [(&[u8], &str); 4] = [
        (b"[]", "station_status has the wrong shape: the top level is not a JSON object"),
        (br#"{"data":{}}"#, "station_status has the wrong shape: no `data.stations` list"),
        (
            br#"{"data":{"stations":{}}}"#,
            "station_status has the wrong shape: `data.stations` is not a list",
        ),
        (b"", "station_status is not JSON (EOF while parsing a value at line 1 column 0); the body starts with \"\""),
    ];
    for (body, message) in cases {
        assert_eq!(parse_station_status(body).unwrap_err().to_string(), message);
    }
    assert_eq!(
        parse_gbfs_discovery(br#"{"data":{}}"#)
            .unwrap_err()
            .to_string(),
        "gbfs.json has the wrong shape: `data` has neither `feeds` (v3) nor language entries (v2)"
    );
}

#[test]
fn snapshot_round_trips_through_json() {
    let snapshot = snapshot("gbfs-broken");
    let json = serde_json::to_string(&snapshot).unwrap();
    let back: FeedSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, snapshot);
}
