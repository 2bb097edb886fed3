//! Time to the first full map view with a city of 5,000 resources: the app is seeded from a
//! generated demo file (the bundled Seoul resources repeated with new ids, spread a little),
//! the map tab is opened, and the clock stops when markers and clusters account for every
//! resource. Prints figures.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sharehub_e2e::{App, LaunchOptions};

const RESOURCES: usize = 5000;

fn city_of(n: usize) -> Result<serde_json::Value> {
    let bundled: serde_json::Value =
        serde_json::from_str(include_str!("../../../assets/demo/seoul.json"))?;
    let originals = bundled["resources"]
        .as_array()
        .context("resources")?
        .clone();
    let mut resources = Vec::with_capacity(n);
    for i in 0..n {
        let mut r = originals[i % originals.len()].clone();
        // A valid, unique UUIDv7-shaped id and a small deterministic offset.
        r["id"] = format!("01900000-0000-7000-8000-{i:012x}").into();
        let step = (i / originals.len()) as f64;
        let lat = r["location"]["lat"].as_f64().context("lat")? + 0.0007 * step;
        let lon = r["location"]["lon"].as_f64().context("lon")? + 0.0009 * step;
        r["location"] = serde_json::json!({ "lat": lat, "lon": lon });
        resources.push(r);
    }
    Ok(serde_json::json!({ "version": 1, "about": "benchmark city", "resources": resources }))
}

async fn total_on_map(app: &App) -> Result<usize> {
    let value = app
        .js("let n = document.querySelectorAll('[data-test=map-marker]').length;
             for (const c of document.querySelectorAll('[data-test=map-cluster]')) n += Number(c.dataset.count);
             return n;")
        .await?;
    Ok(value.as_u64().unwrap_or(0) as usize)
}

async fn once(seed: &std::path::Path) -> Result<(Duration, Duration)> {
    let options = LaunchOptions {
        env: vec![("SHAREHUB_SEED_FILE".into(), seed.display().to_string())],
        ..LaunchOptions::default()
    };
    let app = App::launch_with(options).await?;
    app.wait_for("[data-test=resource-row]").await?;
    let list_visible = app.since_launch();
    let tab = app.wait_for("[data-test=tab-map]").await?;
    let started = Instant::now();
    tab.click().await?;
    app.until("every resource is on the map", || async {
        Ok((total_on_map(&app).await? == RESOURCES).then_some(()))
    })
    .await?;
    let map_ready = started.elapsed();
    app.close().await?;
    Ok((list_visible, map_ready))
}

#[tokio::main]
async fn main() -> Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir()?;
    let seed = dir.path().join("city.json");
    std::fs::write(&seed, serde_json::to_vec(&city_of(RESOURCES)?)?)?;
    for run in 1..=runs {
        let (list, map) = once(&seed).await?;
        println!(
            "run {run}: {RESOURCES} resources: list visible {} ms after launch; map tab to all {RESOURCES} on the map {} ms",
            list.as_millis(),
            map.as_millis()
        );
    }
    Ok(())
}
