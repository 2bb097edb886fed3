//! End-to-end: a public-bike feed served on loopback → the real server ingests it → the
//! app shows each station's live counts in the map popup and on the detail page.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sharehub_core::demo::DemoFile;
use sharehub_core::wire::{ResourceListPage, ResourceView, StationStatusList};
use sharehub_e2e::server_process::ServerProcess;
use sharehub_e2e::wait::eventually;
use sharehub_e2e::{free_port, run_app_test, LaunchOptions};
use tokio::process::{Child, Command};

/// How long the server may take to fetch the feed (it does at start).
const FEED_WAIT: Duration = Duration::from_secs(30);

struct Services {
    feed: Child,
    server: ServerProcess,
    base: String,
}

impl Services {
    async fn stop(mut self) {
        let _ = self.server.stop().await;
        let _ = self.feed.kill().await;
    }
}

/// The GBFS 2.3 fixture (3 Seoul stations) served by Python's http.server, and the real
/// server reading it.
async fn start(dir: &Path) -> Result<Services> {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/feeds/tests/fixtures/gbfs-2.3");
    let feed_dir = dir.join("feed");
    std::fs::create_dir_all(&feed_dir)?;
    for file in ["station_information.json", "station_status.json"] {
        std::fs::copy(fixtures.join(file), feed_dir.join(file))?;
    }
    let feed_port = free_port()?;
    let feed = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &feed_port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&feed_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("python3 -m http.server")?;
    // The server reads the feed once at start: the feed must be up first.
    eventually("the feed server listens", FEED_WAIT, async || {
        tokio::net::TcpStream::connect(("127.0.0.1", feed_port))
            .await
            .ok()
    })
    .await?;
    let feed_url = format!("http://127.0.0.1:{feed_port}");
    let information = format!("{feed_url}/station_information.json");
    let status = format!("{feed_url}/station_status.json");
    let server = ServerProcess::start_new(
        dir,
        &[
            "--gbfs-station-information-url",
            &information,
            "--gbfs-station-status-url",
            &status,
        ],
    )
    .await?;
    let base = server.url();
    Ok(Services { feed, server, base })
}

#[tokio::test]
async fn a_bike_station_popup_shows_live_counts_from_the_feed() {
    let dir = tempfile::tempdir().unwrap();
    let services = start(dir.path()).await.unwrap();
    let http = reqwest::Client::new();
    let base = services.base.clone();

    // The server ingests the feed: three stations with live counts.
    let status: StationStatusList =
        eventually("the server has live counts", FEED_WAIT, async || {
            let answer = http
                .get(format!("{base}/v1/stations/status"))
                .send()
                .await
                .ok()?;
            let list: StationStatusList = answer.json().await.ok()?;
            (list.stations.len() == 3).then_some(list)
        })
        .await
        .unwrap();
    let page: ResourceListPage = http
        .get(format!("{base}/v1/resources?kind=bike_station"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut stations = Vec::new();
    for summary in &page.resources {
        let view: ResourceView = http
            .get(format!("{base}/v1/resources/{}", summary.id))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        stations.push(view.resource);
    }
    assert_eq!(stations.len(), 3);
    // The device knows the stations (as sync would give them) and asks the server for counts.
    let seed = dir.path().join("stations.json");
    let demo = DemoFile {
        version: 1,
        about: "feed stations".into(),
        resources: stations.clone(),
    };
    std::fs::write(&seed, serde_json::to_string(&demo).unwrap()).unwrap();
    let busiest = status
        .stations
        .iter()
        .max_by_key(|s| s.bikes_available)
        .unwrap()
        .clone();
    let name = stations
        .iter()
        .find(|r| r.id == busiest.id)
        .unwrap()
        .name
        .ko
        .clone();

    let options = LaunchOptions {
        env: vec![
            ("SHAREHUB_SEED_FILE".into(), seed.display().to_string()),
            ("SHAREHUB_SERVER_URL".into(), base.clone()),
        ],
        ..LaunchOptions::default()
    };
    let expected_bikes = format!("자전거 {}대", busiest.bikes_available.unwrap());
    let id = busiest.id.to_string();
    run_app_test("a_bike_station_popup_shows_live_counts", options, async |app| {
        app.wait_for("[data-test=resource-row]").await?;
        app.wait_for("[data-test=tab-map]").await?.click().await?;
        // Open the busiest station's popup (a DOM click: pins may overlap).
        let popup_text = app
            .until("the popup shows live counts", || async {
                let text = app
                    .client
                    .execute(
                        "const pin = document.querySelector(`[data-test=map-marker][data-id='${arguments[0]}']`);
                         if (!pin) { const c = document.querySelector('[data-test=map-cluster]'); if (c) c.click(); return null; }
                         const popup = document.querySelector('[data-test=map-popup]');
                         if (!popup) { pin.click(); return null; }
                         return popup.innerText;",
                        vec![id.clone().into()],
                    )
                    .await?;
                Ok(text.as_str().map(str::to_owned))
            })
            .await?;
        ensure!(popup_text.contains(&name), "popup {popup_text:?} is not {name:?}");
        ensure!(popup_text.contains(&expected_bikes), "popup {popup_text:?} lacks {expected_bikes:?}");
        ensure!(popup_text.contains("기준"), "popup {popup_text:?} does not say how fresh it is");
        app.js("document.querySelector('[data-test=map-popup-open]').click()").await?;
        let live = app.wait_for("[data-test=detail-live]").await?.text().await?;
        ensure!(live.contains(&expected_bikes), "detail {live:?}");
        Ok(())
    })
    .await;
    services.stop().await;
}
