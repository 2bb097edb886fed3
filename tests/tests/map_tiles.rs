//! End-to-end: the map shows streets. A tile server on 127.0.0.1 (started here) is the
//! configured `SHAREHUB_TILE_URL`: its tiles load and show through the shell, a resource's
//! page shows its place on a small map, another origin is refused (by the content security
//! policy in the webview, and by the shell's tile scheme, which takes nothing but z/x/y),
//! the shell keeps the tiles on the device, and once the tile server is gone the map shows
//! the kept ones and says so in its corner.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use sharehub_e2e::{run_app_test, App, LaunchOptions};
use sharehub_local::store::tile_cache::{TileCache, DEFAULT_MAX_BYTES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A real PNG (the app's icon) stands in for every street tile.
const TILE_PNG: &[u8] = include_bytes!("../../src-tauri/icons/128x128.png");

/// A minimal HTTP/1.1 server on 127.0.0.1 that answers every GET with the PNG and counts
/// the requests it was sent.
struct TileServer {
    port: u16,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TileServer {
    async fn start() -> Result<TileServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        TILE_PNG.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.write_all(TILE_PNG).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Ok(TileServer {
            port,
            requests,
            task,
        })
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Stops listening: the port refuses connections from now on.
    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Tiles drawn on the map page that loaded as images, by where they came from.
async fn tiles_shown(app: &App, css: &str, source: &str) -> Result<usize> {
    let n = app
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0] + ' img.leaflet-tile-loaded')]
                 .filter(i => i.complete && i.naturalWidth > 0 && i.dataset.tileSource === arguments[1]).length;",
            vec![css.into(), source.into()],
        )
        .await?;
    n.as_u64().map(|n| n as usize).context("tile count")
}

/// Loads `url` as an image and with fetch in the page: what each did.
async fn probe(app: &App, url: &str) -> Result<(String, String)> {
    app.client
        .execute(
            "window.__probe = { img: 'pending', fetch: 'pending' };
             const img = new Image();
             img.onload = () => { window.__probe.img = 'loaded'; };
             img.onerror = () => { window.__probe.img = 'refused'; };
             img.src = arguments[0];
             fetch(arguments[0]).then(r => { window.__probe.fetch = 'status ' + r.status; },
                                      () => { window.__probe.fetch = 'refused'; });",
            vec![url.into()],
        )
        .await?;
    app.until("the probe has settled", || async {
        let v = app.js("return window.__probe").await?;
        let img = v["img"].as_str().unwrap_or("pending").to_owned();
        let fetch = v["fetch"].as_str().unwrap_or("pending").to_owned();
        Ok((img != "pending" && fetch != "pending").then_some((img, fetch)))
    })
    .await
}

#[tokio::test]
async fn tiles_from_the_configured_server_show_are_kept_and_show_offline() {
    let tiles = TileServer::start().await.unwrap();
    let other = TileServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = LaunchOptions {
        data_dir: Some(dir.path().to_path_buf()),
        env: vec![
            (
                "SHAREHUB_TILE_URL".into(),
                format!("{}/{{z}}/{{x}}/{{y}}.png", tiles.origin()),
            ),
            ("SHAREHUB_TILE_ATTRIBUTION".into(), "Test streets".into()),
        ],
        ..LaunchOptions::default()
    };
    let data_dir = dir.path().to_path_buf();
    let tiles_origin = tiles.origin();
    let other_origin = other.origin();
    let tiles_ref = &tiles;
    run_app_test("map_tiles", options, async |app| {
        app.wait_for("[data-test=resource-row]").await?;
        app.wait_for("[data-test=tab-map]").await?.click().await?;
        let shown = app
            .until("street tiles show on the map", || async {
                let n = tiles_shown(app, "[data-test=map]", "live").await?;
                Ok((n >= 4).then_some(n))
            })
            .await?;
        ensure!(
            tiles_ref.requests() >= shown,
            "{} requests for {shown} tiles",
            tiles_ref.requests()
        );
        ensure!(
            app.find_all("[data-test=map-offline]").await?.is_empty(),
            "the map says it is offline"
        );
        ensure!(
            app.find_all("[data-test=map-kept-tiles]").await?.is_empty(),
            "live tiles are not kept ones"
        );
        let attribution = app
            .wait_for(".leaflet-control-attribution")
            .await?
            .text()
            .await?;
        ensure!(
            attribution.contains("Test streets"),
            "attribution {attribution:?}"
        );
        app.screenshot("map-tiles-live").await?;

        // Another origin is refused, as image and as fetch; so is the tile server itself
        // when asked directly: the webview reaches tiles only through the shell.
        for origin in [&other_origin, &tiles_origin] {
            let (img, fetch) = probe(app, &format!("{origin}/11/1745/793.png")).await?;
            ensure!(
                img == "refused" && fetch == "refused",
                "{origin}: image {img}, fetch {fetch}"
            );
        }
        // The shell's tile scheme takes only z/x/y: a URL smuggled into it is refused.
        let tile_url = app
            .js("return document.querySelector('[data-test=map] img.leaflet-tile').dataset.tile")
            .await?;
        // "<scheme base>/{z}/{x}/{y}.png": the base is what is left of the last three parts.
        let scheme_base = tile_url
            .as_str()
            .and_then(|u| u.rsplitn(4, '/').nth(3).map(str::to_owned))
            .context("tile url")?;
        let smuggled = format!("{scheme_base}/{other_origin}/11/1745/793.png");
        let (_, fetch) = probe(app, &smuggled).await?;
        ensure!(fetch == "status 400", "{smuggled}: {fetch}");
        ensure!(
            other.requests() == 0,
            "the other origin was asked {} times",
            other.requests()
        );

        // Tiles seen are kept on the device.
        let kept = TileCache::open(&data_dir.join("tiles.db"), DEFAULT_MAX_BYTES)?.len()?;
        ensure!(kept as usize >= shown, "{kept} tiles kept of {shown} shown");

        // A resource's page shows its place on a small map with streets.
        app.wait_for("[data-test=tab-list]").await?.click().await?;
        app.wait_for("[data-test=resource-row] a")
            .await?
            .click()
            .await?;
        app.wait_for("[data-test=spot-map] [data-test=spot-marker]")
            .await?;
        app.until("the small map shows streets", || async {
            Ok((tiles_shown(app, "[data-test=spot-map]", "live").await? > 0).then_some(()))
        })
        .await?;
        ensure!(
            app.find_all("[data-test=detail-location]")
                .await?
                .is_empty(),
            "bare coordinates are still shown"
        );
        Ok(())
    })
    .await;

    // The tile server goes away; the person opens the app and its map again.
    tiles.stop().await;
    let options = LaunchOptions {
        data_dir: Some(dir.path().to_path_buf()),
        env: vec![(
            "SHAREHUB_TILE_URL".into(),
            format!("{tiles_origin}/{{z}}/{{x}}/{{y}}.png"),
        )],
        ..LaunchOptions::default()
    };
    run_app_test("map_tiles_offline", options, async |app| {
        app.wait_for("[data-test=resource-row]").await?;
        app.wait_for("[data-test=tab-map]").await?.click().await?;
        app.until("kept street tiles show on the map", || async {
            Ok((tiles_shown(app, "[data-test=map]", "kept").await? >= 4).then_some(()))
        })
        .await?;
        let corner = app
            .wait_for("[data-test=map-kept-tiles]")
            .await?
            .text()
            .await?;
        ensure!(corner.contains("저장해 둔 지도"), "corner says {corner:?}");
        ensure!(
            app.find_all("[data-test=map-offline]").await?.is_empty(),
            "kept tiles are shown, not 'offline'"
        );
        app.screenshot("map-tiles-kept").await?;
        Ok(())
    })
    .await;
    drop(other);
}
