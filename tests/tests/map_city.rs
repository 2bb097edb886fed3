//! End-to-end: the map at city scale. A device with a generated city (3,000 resources,
//! written into its data folder before the app starts) shows the filtered set's total on
//! the map, equal to the list's; the visible area's markers and the store's clusters
//! account for exactly the resources inside the map's bounds, also after a filter and a
//! zoom into a cluster.

use anyhow::{ensure, Context, Result};
use serde_json::Value;
use sharehub_core::ipc::MapBox;
use sharehub_core::{Resource, ResourceKind};
use sharehub_e2e::city::{self, ON_MAP_JS};
use sharehub_e2e::{run_app_test, App, LaunchOptions};

const RESOURCES: usize = 3_000;

/// The digits of a count as shown ("3,000곳" → 3000).
fn number_in(text: &str) -> Option<u64> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The list's total as it says it.
async fn list_total(app: &App) -> Result<u64> {
    app.until("the list shows its total", || async {
        let rows = app.find_all("[data-test=resource-row]").await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let text = app
            .wait_for("[data-test=result-count]")
            .await?
            .text()
            .await?;
        Ok(number_in(&text))
    })
    .await
}

/// What the map page shows once a redraw has settled: its total, the in-view count, what
/// markers and clusters add up to, the store's clusters, and the map's bounds.
#[derive(Debug)]
struct MapShown {
    total: u64,
    in_view: u64,
    on_map: u64,
    store_clusters: usize,
    bounds: MapBox,
}

async fn map_shown(app: &App, what: &str, ok: impl Fn(&MapShown) -> bool) -> Result<MapShown> {
    app.until(what, || async {
        let v: Value = app
            .js(&format!(
                "const el = document.querySelector('[data-test=map]');
                 const count = document.querySelector('[data-test=result-count]');
                 const inView = document.querySelector('[data-test=map-in-view]');
                 if (!el || !el.shareHubMap || !count || !count.dataset.total || !inView) return null;
                 const b = el.shareHubMap.map.getBounds();
                 const onMap = (() => {{ {ON_MAP_JS} }})();
                 return {{ total: Number(count.dataset.total), inView: Number(inView.dataset.count), onMap,
                          storeClusters: el.querySelectorAll('.sh-store-cluster [data-test=map-cluster]').length,
                          south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast(),
                          moving: !!document.querySelector('.leaflet-zoom-anim') }};"
            ))
            .await?;
        if v.is_null() || v["moving"] == true {
            return Ok(None);
        }
        let n = |k: &str| v[k].as_f64().context(k.to_owned());
        let shown = MapShown {
            total: n("total")? as u64,
            in_view: n("inView")? as u64,
            on_map: n("onMap")? as u64,
            store_clusters: n("storeClusters")? as usize,
            bounds: MapBox {
                south: n("south")?,
                west: n("west")?,
                north: n("north")?,
                east: n("east")?,
            },
        };
        Ok((shown.on_map == shown.in_view && ok(&shown)).then_some(shown))
    })
    .await
}

/// How many of `resources` (of `kind`) lie inside `bounds`, as the store compares.
fn inside(resources: &[Resource], kind: Option<ResourceKind>, bounds: MapBox) -> u64 {
    resources
        .iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .filter(|r| bounds.contains(r.location.lat, r.location.lon))
        .count() as u64
}

#[tokio::test]
async fn the_map_shows_the_lists_total_and_accounts_for_every_resource_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let resources = city::resources(RESOURCES, 8);
    city::seed_data_dir(dir.path(), &resources).unwrap();
    let rooms = resources
        .iter()
        .filter(|r| r.kind == ResourceKind::Room)
        .count() as u64;
    let options = LaunchOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..LaunchOptions::default()
    };
    run_app_test("map_city_counts", options, async |app| {
        let listed = list_total(app).await?;
        ensure!(listed == RESOURCES as u64, "the list says {listed}");

        app.wait_for("[data-test=tab-map]").await?.click().await?;
        // Opened, the map fits the whole set: every resource is in view, mostly clustered.
        let all = map_shown(app, "the map fits the whole city", |s| {
            s.in_view == s.total && s.store_clusters > 0
        })
        .await?;
        ensure!(all.total == listed, "map {} vs list {listed}", all.total);
        let text = app
            .wait_for("[data-test=result-count]")
            .await?
            .text()
            .await?;
        ensure!(number_in(&text) == Some(listed), "the map says {text:?}");
        ensure!(
            inside(&resources, None, all.bounds) == all.in_view,
            "{all:?}"
        );

        // A filter narrows the total on the map and the list alike.
        app.wait_for("[data-test=kind-chip][data-kind=room]")
            .await?
            .click()
            .await?;
        let filtered = map_shown(app, "the map shows the rooms", |s| s.total == rooms).await?;
        ensure!(
            inside(&resources, Some(ResourceKind::Room), filtered.bounds) == filtered.in_view,
            "{filtered:?}"
        );

        // Into one of the store's clusters: a part of the city, its count exactly the rooms
        // inside the new bounds, the total unchanged.
        let before = filtered.bounds;
        app.js("document.querySelector('.sh-store-cluster').click()")
            .await?;
        let zoomed = map_shown(app, "the map shows the cluster's part of the city", |s| {
            s.bounds != before && s.total == rooms && s.in_view < rooms
        })
        .await?;
        ensure!(
            inside(&resources, Some(ResourceKind::Room), zoomed.bounds) == zoomed.in_view,
            "{zoomed:?}"
        );
        ensure!(zoomed.in_view > 0, "{zoomed:?}");

        app.wait_for("[data-test=tab-list]").await?.click().await?;
        let listed_rooms = app
            .until("the list shows the rooms' total", || async {
                let text = app
                    .wait_for("[data-test=result-count]")
                    .await?
                    .text()
                    .await?;
                Ok(number_in(&text).filter(|n| *n == rooms))
            })
            .await?;
        ensure!(listed_rooms == zoomed.total);
        Ok(())
    })
    .await;
}
