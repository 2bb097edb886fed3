//! Seoul Open Data bikeList: pages, the paging loop, API errors and broken rows.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::HashMap;

use sharehub_feeds::seoul_bike_list::{
    bike_list_url, next_bike_list_range, parse_bike_list_response, snapshot_from_bike_list_pages,
    BikeListPage, BikeListResponse, PageOutcome, PagingDecision, PagingStop, RowRange,
};
use sharehub_feeds::{FeedError, FeedSource, SkipReason};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/seoul/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|error| panic!("{full}: {error}"))
}

fn page(path: &str) -> BikeListPage {
    match parse_bike_list_response(&fixture(path)).unwrap() {
        BikeListResponse::Page(page) => page,
        other => panic!("{path}: expected a page, got {other:?}"),
    }
}

#[test]
fn a_page_of_stations() {
    let page = page("bike_list_1_5.json");
    assert_eq!(page.rows_received, 5);
    assert_eq!(page.list_total_count, Some(5));
    assert!(page.report.is_clean(), "{:?}", page.report);
    let mangwon = &page.stations[0];
    assert_eq!(mangwon.station_id, "ST-4");
    assert_eq!(mangwon.name, "102. 망원역 1번출구 앞");
    assert_eq!(mangwon.names[0].language.as_deref(), Some("ko"));
    assert_eq!(mangwon.position.lat, 37.5556488);
    assert_eq!(mangwon.position.lon, 126.91062927);
    assert_eq!(mangwon.capacity, Some(15));
    assert_eq!(mangwon.bikes_available, Some(16));
    assert_eq!(mangwon.occupancy_percent, Some(107));
    assert_eq!(mangwon.docks_available, None);
    assert_eq!(page.stations[3].occupancy_percent, Some(240));
}

/// The paging loop a server runs, with the fetch replaced by fixtures: ranges of 5 rows
/// (as with the API's sample key), a full page, then a short last page.
#[test]
fn paging_loop_over_fixtures_stops_on_the_short_page() {
    let responses: HashMap<(u32, u32), &str> = HashMap::from([
        ((1, 5), "bike_list_1_5.json"),
        ((6, 10), "bike_list_6_10.json"),
    ]);
    let mut range = RowRange { first: 1, last: 5 };
    let mut pages = Vec::new();
    let mut requested = Vec::new();
    let stop = loop {
        requested.push(bike_list_url("http://localhost:8088", "KEY", range));
        let body = fixture(responses[&(range.first, range.last)]);
        let response = parse_bike_list_response(&body).unwrap();
        let decision = next_bike_list_range(range, response.outcome());
        if let BikeListResponse::Page(page) = response {
            pages.push(page);
        }
        match decision {
            PagingDecision::Fetch(next) => range = next,
            PagingDecision::Stop(stop) => break stop,
        }
    };
    assert_eq!(stop, PagingStop::ShortPage);
    assert_eq!(
        requested,
        [
            "http://localhost:8088/KEY/json/bikeList/1/5/",
            "http://localhost:8088/KEY/json/bikeList/6/10/",
        ]
    );
    let snapshot = snapshot_from_bike_list_pages(pages);
    assert_eq!(snapshot.source, FeedSource::SeoulBikeList);
    assert_eq!(snapshot.stations.len(), 7);
    assert_eq!(snapshot.stations[6].station_id, "ST-11");
    assert_eq!(snapshot.last_updated, None);
    assert!(snapshot.report.is_clean());
}

#[test]
fn info_200_is_the_end_not_an_error() {
    let response = parse_bike_list_response(&fixture("info_200.json")).unwrap();
    assert_eq!(
        response,
        BikeListResponse::NoData {
            message: "해당하는 데이터가 없습니다.".into()
        }
    );
    assert_eq!(response.outcome(), PageOutcome::NoData);
    assert_eq!(
        next_bike_list_range(
            RowRange {
                first: 3001,
                last: 4000
            },
            response.outcome()
        ),
        PagingDecision::Stop(PagingStop::NoData)
    );
}

#[test]
fn api_error_codes_are_typed_errors() {
    let error = parse_bike_list_response(&fixture("error_336.json")).unwrap_err();
    assert!(
        matches!(&error, FeedError::SeoulApi { code, .. } if code == "ERROR-336"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "Seoul Open Data API error code ERROR-336: 데이터요청은 한번에 최대 1000건을 넘을 수 없습니다."
    );
    assert!(!error.is_retryable());

    let inside = parse_bike_list_response(&fixture("error_500_inside.json")).unwrap_err();
    assert!(matches!(&inside, FeedError::SeoulApi { code, .. } if code == "ERROR-500"));
    assert!(inside.is_retryable());
}

#[test]
fn broken_rows_are_dropped_counted_and_reported() {
    let page = page("bike_list_broken_rows.json");
    assert_eq!(page.rows_received, 8);
    let ids: Vec<&str> = page
        .stations
        .iter()
        .map(|station| station.station_id.as_str())
        .collect();
    assert_eq!(ids, ["ST-4", "ST-903", "ST-905"]);
    // Empty, "0" and "0.00000000" coordinates: left out, their ids kept (still listed).
    assert_eq!(
        page.report.dropped_without_coordinates,
        ["ST-900", "ST-901", "ST-902"]
    );
    let left_out: Vec<&str> = page.report.left_out_station_ids().collect();
    assert_eq!(left_out, ["ST-900", "ST-901", "ST-902", "ST-904"]);
    let reasons: Vec<String> = page
        .report
        .skipped
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        reasons,
        [
            "Seoul bikeList station ST-904 (entry 5): coordinates (37.56, 226.92) are outside WGS84 bounds",
            "Seoul bikeList entry 6: unusable station id: expected non-empty text, found \"\"",
        ]
    );
    assert!(matches!(
        page.report.skipped[0].reason,
        SkipReason::CoordinatesOutOfRange { .. }
    ));
    // Unreadable numbers become unknown, each noted.
    let bad_numbers = &page.stations[1];
    assert_eq!(bad_numbers.capacity, None);
    assert_eq!(bad_numbers.bikes_available, None);
    assert_eq!(bad_numbers.occupancy_percent, None);
    let fields: Vec<&str> = page
        .report
        .ignored_fields
        .iter()
        .map(|field| field.field.as_str())
        .collect();
    assert_eq!(fields, ["rackTotCnt", "parkingBikeTotCnt", "shared"]);
    // Numbers that are not text are read too.
    assert_eq!(page.stations[2].capacity, Some(10));
    assert_eq!(page.stations[2].position.lat, 37.561);
}

#[test]
fn whole_response_errors() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"<html>Service Unavailable</html>",
            "Seoul bikeList is not JSON (expected value at line 1 column 1); the body starts with \"<html>Service Unavailable</html>\"",
        ),
        (br#"{"foo":1}"#, "Seoul bikeList has the wrong shape: neither `rentBikeStatus` nor `RESULT` at the top level"),
        (
            br#"{"rentBikeStatus":{"RESULT":{"CODE":"INFO-000","MESSAGE":""}}}"#,
            "Seoul bikeList has the wrong shape: no `rentBikeStatus.row` list",
        ),
        (
            br#"{"rentBikeStatus":{"row":{}}}"#,
            "Seoul bikeList has the wrong shape: `rentBikeStatus.row` is not a list",
        ),
        (
            br#"{"RESULT":{"MESSAGE":"?"}}"#,
            "Seoul bikeList has the wrong shape: `RESULT` has no `CODE`",
        ),
    ];
    for (body, message) in cases {
        assert_eq!(
            parse_bike_list_response(body).unwrap_err().to_string(),
            message
        );
    }
}

/// Rows shift while paging: a station seen on an earlier page is kept once.
#[test]
fn duplicates_across_pages_are_kept_once() {
    let snapshot =
        snapshot_from_bike_list_pages([page("bike_list_1_5.json"), page("bike_list_1_5.json")]);
    assert_eq!(snapshot.stations.len(), 5);
    assert_eq!(snapshot.report.skipped.len(), 5);
    assert!(snapshot
        .report
        .skipped
        .iter()
        .all(|skipped| skipped.reason == SkipReason::DuplicateStationId));
}
