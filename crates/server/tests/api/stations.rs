//! Public bikes, live (issue 5): feeds served by a local HTTP server become `bike_station`
//! resources (listing and sync) and live counts (`/v1/stations/status`).

use reqwest::StatusCode;
use serde_json::Value;
use sharehub_core::wire::{
    Change, ChangesPage, ResourceListPage, StationStatusList, TombstoneReason,
};
use sharehub_core::{Pricing, ResourceId, ResourceKind};
use sharehub_server::feeds::{
    station_resource_id, FeedIngester, FeedSettings, RefreshSummary, RetireHold, StationFeed,
};

use crate::feed_server::{fixture, FeedServer};
use crate::support::TestServer;

/// Serves the GBFS 3.0 fixtures (discovery pointing at this server) and returns the feed.
fn serve_gbfs(feed: &FeedServer) -> StationFeed {
    let discovery = fixture("gbfs-3.0/gbfs.json").replace("https://bikes.example.org", &feed.base);
    feed.ok("/gbfs/v3/gbfs.json", discovery);
    feed.ok(
        "/gbfs/v3/station_information.json",
        fixture("gbfs-3.0/station_information.json"),
    );
    feed.ok(
        "/gbfs/v3/station_status.json",
        fixture("gbfs-3.0/station_status.json"),
    );
    StationFeed::GbfsDiscovery {
        url: feed.url("/gbfs/v3/gbfs.json"),
    }
}

async fn ingester(server: &TestServer, feed: StationFeed) -> FeedIngester {
    FeedIngester::new(server.state.clone(), feed, FeedSettings::default())
        .await
        .unwrap()
}

async fn refresh(ingester: &FeedIngester) -> RefreshSummary {
    ingester
        .refresh_once()
        .await
        .unwrap_or_else(|e| panic!("refresh failed: {e}"))
}

async fn statuses(server: &TestServer, query: &str) -> StationStatusList {
    server
        .get(&format!("/v1/stations/status{query}"), None)
        .await
        .expect(StatusCode::OK)
        .json()
}

async fn stations_listed(server: &TestServer) -> ResourceListPage {
    server
        .get("/v1/resources?kind=bike_station&limit=500", None)
        .await
        .expect(StatusCode::OK)
        .json()
}

/// All changes after `since` (one page is enough here) and the next cursor.
async fn pull(server: &TestServer, token: &str, since: u64) -> (Vec<Change>, u64) {
    let page: ChangesPage = server
        .get(
            &format!("/v1/sync/changes?since={since}&limit=5000"),
            Some(token),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(!page.has_more);
    (page.changes, page.next_since)
}

fn resource_names(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|change| match change {
            Change::Resource { record, .. } => record.resource.name.en.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

pub async fn gbfs_stations_become_resources_and_live_counts(server: &TestServer) {
    let empty = statuses(server, "").await;
    assert!(empty.stations.is_empty() && empty.next_since_fetched.is_none());
    server
        .get("/v1/stations/status?since_fetched=yesterday", None)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid-query");

    let feed = FeedServer::start().await;
    let source = serve_gbfs(&feed);
    let key = source.key();
    let ingester = ingester(server, source).await;
    let first = refresh(&ingester).await;
    assert_eq!(
        (
            first.stations,
            first.created,
            first.updated,
            first.unchanged
        ),
        (3, 3, 0, 0)
    );
    assert_eq!(first.ttl_seconds, Some(60));

    // In the public listing, with both names, the gu and dong, and the feed's address.
    let listed = stations_listed(server).await;
    assert_eq!(listed.resources.len(), 3);
    let st4 = station_resource_id(&key, "ST-4");
    let mangwon = server
        .get(&format!("/v1/resources/{st4}"), None)
        .await
        .expect(StatusCode::OK)
        .json::<Value>();
    let resource = &mangwon["resource"];
    assert_eq!(resource["kind"], "bike_station");
    assert_eq!(resource["name"]["ko"], "102. 망원역 1번출구 앞");
    assert_eq!(resource["name"]["en"], "102. Mangwon Stn. Exit 1");
    assert_eq!(resource["district"]["ko"], "마포구");
    assert_eq!(resource["address"]["ko"], "서울특별시 마포구 월드컵로 72");
    assert_eq!(resource["capacity"], 15);
    assert_eq!(resource["pricing"]["type"], "free");

    // Through sync, once.
    let user = server.register("cyclist").await;
    let (changes, cursor) = pull(server, &user.token, 0).await;
    assert_eq!(changes.len(), 3);
    assert!(changes.iter().all(|c| matches!(c,
        Change::Resource { record, .. } if record.resource.kind == ResourceKind::BikeStation)));

    // Live counts by resource id, with the feed's time.
    let live = statuses(server, "").await;
    assert_eq!(live.stations.len(), 3);
    let st4_live = live.stations.iter().find(|s| s.id == st4).unwrap();
    assert_eq!(st4_live.bikes_available, Some(16));
    assert_eq!(st4_live.docks_available, Some(0));
    assert_eq!(st4_live.is_renting, Some(true));
    assert_eq!(
        st4_live.feed_last_updated.unwrap().to_rfc3339(),
        "2026-11-26T02:01:00+00:00"
    );
    assert_eq!(st4_live.fetched_at, first.fetched_at);
    assert_eq!(live.next_since_fetched, Some(first.fetched_at));
    let since_first = first
        .fetched_at
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert!(statuses(server, &format!("?since_fetched={since_first}"))
        .await
        .stations
        .is_empty());

    // A status-only refresh: new counts, no change to sync.
    feed.ok(
        "/gbfs/v3/station_status.json",
        fixture("gbfs-3.0/station_status.json")
            .replace(
                "\"num_vehicles_available\": 16",
                "\"num_vehicles_available\": 5",
            )
            .replace("2026-11-26T11:01:00+09:00", "2026-11-26T11:02:00+09:00"),
    );
    let second = refresh(&ingester).await;
    assert_eq!(
        (second.created, second.updated, second.unchanged),
        (0, 0, 3)
    );
    assert!(second.fetched_at > first.fetched_at);
    let (none, same_cursor) = pull(server, &user.token, cursor).await;
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(same_cursor, cursor);
    let newer = statuses(server, &format!("?since_fetched={since_first}")).await;
    assert_eq!(newer.stations.len(), 3);
    assert_eq!(
        newer
            .stations
            .iter()
            .find(|s| s.id == st4)
            .unwrap()
            .bikes_available,
        Some(5)
    );
    assert_eq!(newer.next_since_fetched, Some(second.fetched_at));

    // A renamed station: exactly one change, and none on the next refresh.
    feed.ok(
        "/gbfs/v3/station_information.json",
        fixture("gbfs-3.0/station_information.json")
            .replace("102. Mangwon Stn. Exit 1", "102. Mangwon Station, Exit 1"),
    );
    let renamed = refresh(&ingester).await;
    assert_eq!(
        (renamed.created, renamed.updated, renamed.unchanged),
        (0, 1, 2)
    );
    let (changes, cursor) = pull(server, &user.token, cursor).await;
    assert_eq!(resource_names(&changes), ["102. Mangwon Station, Exit 1"]);
    let again = refresh(&ingester).await;
    assert_eq!((again.created, again.updated), (0, 0));
    assert!(pull(server, &user.token, cursor).await.0.is_empty());
    feed.stop().await;
}

/// Everything a client sees of the stations: the listing and the live counts.
async fn visible_state(server: &TestServer) -> (Value, StationStatusList) {
    let listing: Value = server
        .get("/v1/resources?kind=bike_station&limit=500", None)
        .await
        .expect(StatusCode::OK)
        .json();
    (listing, statuses(server, "").await)
}

pub async fn a_broken_feed_keeps_the_last_good_data(server: &TestServer) {
    let feed = FeedServer::start().await;
    let source = serve_gbfs(&feed);
    let ingester = ingester(server, source).await;
    refresh(&ingester).await;
    let user = server.register("watcher").await;
    let (_, cursor) = pull(server, &user.token, 0).await;
    let good = visible_state(server).await;
    assert_eq!(good.1.stations.len(), 3);

    let failures: [(&str, StatusCode, String, &str); 4] = [
        (
            "/gbfs/v3/station_status.json",
            StatusCode::OK,
            fixture("gbfs-broken/not_json.html"),
            "station_status is not JSON",
        ),
        (
            "/gbfs/v3/station_information.json",
            StatusCode::INTERNAL_SERVER_ERROR,
            "oops".into(),
            "HTTP 500 Internal Server Error",
        ),
        (
            "/gbfs/v3/station_information.json",
            StatusCode::OK,
            fixture("gbfs-broken/station_information_without_data.json"),
            "station_information has the wrong shape",
        ),
        (
            "/gbfs/v3/gbfs.json",
            StatusCode::OK,
            "{\"last_updated\": 0, \"ttl\": 0, \"data\": {\"feeds\": []}}".into(),
            "lists no `station_information` feed",
        ),
    ];
    for (path, status, body, reason) in failures {
        serve_gbfs(&feed);
        feed.set(path, status, body);
        let error = ingester.refresh_once().await.unwrap_err().to_string();
        assert!(error.contains(reason), "{error}");
        assert!(error.contains(&feed.base), "names the feed: {error}");
        assert_eq!(visible_state(server).await, good, "after: {error}");
    }
    feed.stop().await;
    let error = ingester.refresh_once().await.unwrap_err().to_string();
    assert!(error.contains("cannot connect"), "{error}");
    assert_eq!(visible_state(server).await, good);
    assert!(pull(server, &user.token, cursor).await.0.is_empty());
}

/// A bikeList page in the real format: `count` rows with ids from `first_id`.
fn bike_list_page(first_id: usize, count: usize) -> String {
    bike_list(first_id..first_id + count, &[])
}

/// A bikeList page with a row per id (`ST-<n>`); the rows in `without_coordinates` have
/// empty coordinates, as real Seoul rows sometimes do.
fn bike_list(ids: impl IntoIterator<Item = usize>, without_coordinates: &[usize]) -> String {
    let rows: Vec<Value> = ids
        .into_iter()
        .map(|n| {
            let (lat, lon) = if without_coordinates.contains(&n) {
                (String::new(), String::new())
            } else {
                (
                    format!("{:.8}", 37.50 + (n % 100) as f64 * 0.001),
                    format!("{:.8}", 126.95 + (n / 100) as f64 * 0.001),
                )
            };
            serde_json::json!({
                "rackTotCnt": "10",
                "stationName": format!("{n}. 합성 대여소"),
                "parkingBikeTotCnt": format!("{}", n % 7),
                "shared": "70",
                "stationLatitude": lat,
                "stationLongitude": lon,
                "stationId": format!("ST-{n}"),
            })
        })
        .collect();
    serde_json::json!({"rentBikeStatus": {
        "list_total_count": rows.len(),
        "RESULT": {"CODE": "INFO-000", "MESSAGE": "정상 처리되었습니다."},
        "row": rows,
    }})
    .to_string()
}

pub async fn seoul_bike_list_is_paged_priced_and_keeps_its_key_secret(server: &TestServer) {
    let feed = FeedServer::start().await;
    let key = "SECRET-KEY-1234";
    // A full page of 1000 makes the server ask for the next; a short page ends the list.
    feed.ok(
        &format!("/{key}/json/bikeList/1/1000/"),
        bike_list_page(1000, 1000),
    );
    feed.ok(
        &format!("/{key}/json/bikeList/1001/2000/"),
        fixture("seoul/bike_list_1_5.json"),
    );
    let source = StationFeed::SeoulBikeList {
        base_url: feed.base.clone(),
        api_key: key.into(),
    };
    assert!(!format!("{source:?}").contains(key));
    let seoul_key = source.key();
    let ingester = ingester(server, source).await;
    let summary = refresh(&ingester).await;
    assert_eq!((summary.stations, summary.created), (1005, 1005));
    let st4 = station_resource_id(&seoul_key, "ST-4");
    let view: Value = server
        .get(&format!("/v1/resources/{st4}"), None)
        .await
        .expect(StatusCode::OK)
        .json();
    let resource: sharehub_core::Resource =
        serde_json::from_value(view["resource"].clone()).unwrap();
    assert_eq!(resource.name.ko, "102. 망원역 1번출구 앞");
    assert_eq!(
        resource.name.en, resource.name.ko,
        "one language names both"
    );
    assert_eq!(
        resource.pricing,
        Pricing::PerPeriod {
            amount_krw: 1000,
            period_minutes: 60
        }
    );
    let area = sharehub_areas::locate(resource.location).unwrap();
    assert_eq!(resource.district, area.gu.name);
    assert_eq!(resource.neighborhood, area.dong.unwrap().name);
    let live = statuses(server, "").await;
    let st4_live = live.stations.iter().find(|s| s.id == st4).unwrap();
    assert_eq!(
        (st4_live.bikes_available, st4_live.docks_available),
        (Some(16), None)
    );
    assert_eq!(st4_live.feed_last_updated, None);

    // An API error code: named, the key never shown, the data kept.
    feed.ok(
        &format!("/{key}/json/bikeList/1/1000/"),
        fixture("seoul/error_336.json"),
    );
    let before = visible_state(server).await;
    let error = ingester.refresh_once().await.unwrap_err().to_string();
    assert!(error.contains("ERROR-336"), "{error}");
    assert!(
        error.contains("{API_KEY}") && !error.contains(key),
        "{error}"
    );
    assert_eq!(visible_state(server).await, before);
    feed.stop().await;
}

pub async fn the_feed_task_stops_when_the_server_stops(server: &TestServer) {
    let feed = FeedServer::start().await;
    let source = serve_gbfs(&feed);
    let task = tokio::spawn(ingester(server, source).await.run());
    server.state.stopping.begin();
    // Bounded: a task that ignored the signal would make this fail, not hang.
    tokio::time::timeout(std::time::Duration::from_secs(20), task)
        .await
        .expect("the feed task did not stop")
        .unwrap();
    feed.stop().await;
}

/// A GBFS fixture file without some of its stations.
fn gbfs_without(path: &str, gone: &[&str]) -> String {
    let mut file: Value = serde_json::from_str(&fixture(path)).unwrap();
    file["data"]["stations"]
        .as_array_mut()
        .unwrap()
        .retain(|station| !gone.contains(&station["station_id"].as_str().unwrap()));
    file.to_string()
}

/// Serves the GBFS 3.0 fixtures without the `gone` stations (in both files).
fn serve_gbfs_without(feed: &FeedServer, gone: &[&str]) {
    serve_gbfs(feed);
    for file in ["station_information", "station_status"] {
        feed.ok(
            &format!("/gbfs/v3/{file}.json"),
            gbfs_without(&format!("gbfs-3.0/{file}.json"), gone),
        );
    }
}

/// The ids of the listed stations and of those with live counts.
async fn visible_ids(server: &TestServer) -> (Vec<ResourceId>, Vec<ResourceId>) {
    let mut listed: Vec<ResourceId> = stations_listed(server)
        .await
        .resources
        .iter()
        .map(|summary| summary.id)
        .collect();
    listed.sort();
    let live = statuses(server, "")
        .await
        .stations
        .iter()
        .map(|s| s.id)
        .collect();
    (listed, live)
}

fn sorted(mut ids: Vec<ResourceId>) -> Vec<ResourceId> {
    ids.sort();
    ids
}

pub async fn a_station_gone_from_the_feed_is_retired_and_may_come_back(server: &TestServer) {
    let feed = FeedServer::start().await;
    let source = serve_gbfs(&feed);
    let key = source.key();
    let [st4, st5, st6] = ["ST-4", "ST-5", "ST-6"].map(|id| station_resource_id(&key, id));
    let ingester = ingester(server, source).await;
    refresh(&ingester).await;
    let user = server.register("commuter").await;
    let (changes, cursor) = pull(server, &user.token, 0).await;
    assert_eq!(changes.len(), 3);

    // ST-6 is closed: the publisher drops it from both files.
    serve_gbfs_without(&feed, &["ST-6"]);
    let closed = refresh(&ingester).await;
    assert_eq!(
        (closed.stations, closed.unchanged, closed.retired),
        (2, 2, 1)
    );
    assert_eq!(closed.retire_hold, None);
    let both = sorted(vec![st4, st5]);
    assert_eq!(visible_ids(server).await, (both.clone(), both.clone()));
    server
        .get(&format!("/v1/resources/{st6}"), None)
        .await
        .problem(StatusCode::GONE, "retired");
    // A syncing device learns it once, as a tombstone.
    let (changes, cursor) = pull(server, &user.token, cursor).await;
    assert!(
        matches!(changes.as_slice(), [Change::Tombstone { id, reason: TombstoneReason::Deleted, .. }]
            if *id == st6.0),
        "{changes:?}"
    );
    let again = refresh(&ingester).await;
    assert_eq!((again.retired, again.unchanged), (0, 2));
    let (none, cursor) = pull(server, &user.token, cursor).await;
    assert!(none.is_empty(), "{none:?}");

    // It reopens: the same id, listed, counted and synced again.
    serve_gbfs(&feed);
    let reopened = refresh(&ingester).await;
    assert_eq!(
        (
            reopened.created,
            reopened.updated,
            reopened.unchanged,
            reopened.retired
        ),
        (0, 1, 2, 0)
    );
    let all = sorted(vec![st4, st5, st6]);
    assert_eq!(visible_ids(server).await, (all.clone(), all.clone()));
    let (changes, cursor) = pull(server, &user.token, cursor).await;
    assert!(
        matches!(changes.as_slice(), [Change::Resource { record, .. }]
            if record.resource.id == st6 && record.resource.name.en == "104. Hapjeong Stn. Exit 1"),
        "{changes:?}"
    );

    // A feed that parses but lists no station retires nothing.
    serve_gbfs_without(&feed, &["ST-4", "ST-5", "ST-6"]);
    let empty = refresh(&ingester).await;
    assert_eq!((empty.stations, empty.retired), (0, 0));
    assert_eq!(empty.retire_hold, Some(RetireHold::Empty { known: 3 }));
    assert_eq!(visible_ids(server).await, (all.clone(), all));
    assert!(pull(server, &user.token, cursor).await.0.is_empty());
    feed.stop().await;
}

pub async fn a_shrunken_or_empty_seoul_feed_retires_nothing(server: &TestServer) {
    let feed = FeedServer::start().await;
    let key = "SEOUL-KEY";
    let first_page = format!("/{key}/json/bikeList/1/1000/");
    let source = StationFeed::SeoulBikeList {
        base_url: feed.base.clone(),
        api_key: key.into(),
    };
    let seoul_key = source.key();
    let ids = |range: std::ops::RangeInclusive<usize>| -> Vec<ResourceId> {
        sorted(
            range
                .map(|n| station_resource_id(&seoul_key, &format!("ST-{n}")))
                .collect(),
        )
    };
    feed.ok(&first_page, bike_list(1..=10, &[]));
    let ingester = ingester(server, source).await;
    assert_eq!(refresh(&ingester).await.created, 10);
    let user = server.register("rider").await;
    let (_, cursor) = pull(server, &user.token, 0).await;
    let ten = ids(1..=10);
    assert_eq!(visible_ids(server).await, (ten.clone(), ten.clone()));

    // A row with empty coordinates is still in the feed: not retired (its last counts stay).
    feed.ok(&first_page, bike_list(1..=10, &[10]));
    let unplaceable = refresh(&ingester).await;
    assert_eq!(
        (
            unplaceable.stations,
            unplaceable.left_out_by_parser,
            unplaceable.retired
        ),
        (9, 1, 0)
    );
    assert_eq!(unplaceable.retire_hold, None);
    assert_eq!(visible_ids(server).await, (ten.clone(), ten.clone()));

    // 4 of 10 stations: cut short, not a real closure. Nothing is retired.
    feed.ok(&first_page, bike_list(1..=4, &[]));
    let shrunk = refresh(&ingester).await;
    assert_eq!((shrunk.stations, shrunk.retired), (4, 0));
    assert_eq!(
        shrunk.retire_hold,
        Some(RetireHold::Shrunk {
            listed: 4,
            known: 10,
            min_listed_percent: 50
        })
    );
    assert_eq!(visible_ids(server).await, (ten.clone(), ten.clone()));

    // No rows at all (INFO-200 on the first page): nothing is retired.
    feed.ok(&first_page, fixture("seoul/info_200.json"));
    let empty = refresh(&ingester).await;
    assert_eq!((empty.stations, empty.retired), (0, 0));
    assert_eq!(empty.retire_hold, Some(RetireHold::Empty { known: 10 }));
    assert_eq!(visible_ids(server).await, (ten.clone(), ten));
    assert!(pull(server, &user.token, cursor).await.0.is_empty());

    // Half of them (at the threshold) is believed: the other five are retired.
    feed.ok(&first_page, bike_list(1..=5, &[]));
    let halved = refresh(&ingester).await;
    assert_eq!((halved.retired, halved.retire_hold), (5, None));
    let five = ids(1..=5);
    assert_eq!(visible_ids(server).await, (five.clone(), five));
    let (changes, _) = pull(server, &user.token, cursor).await;
    let mut tombstones: Vec<ResourceId> = changes
        .iter()
        .map(|change| match change {
            Change::Tombstone { id, .. } => ResourceId(*id),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    tombstones.sort();
    assert_eq!(tombstones, ids(6..=10));
    feed.stop().await;
}
