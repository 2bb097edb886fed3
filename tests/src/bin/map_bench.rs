//! `cargo run -p sharehub-e2e --bin map-bench -- [resources] [runs]`: the map at city scale
//! in the real app. A device holding `resources` (100,000 by default; written into its data
//! folder through the store's bulk insert before the app starts) opens the map tab; the
//! figures are the page's own clock (`performance.now()`), from the click to the first
//! clustered view drawn and to the view fitted to the whole set, then for pans of the map
//! (300 px, not animated) to their redraw. Prints figures.

use std::time::Instant;

use anyhow::{ensure, Context, Result};
use sharehub_e2e::city;
use sharehub_e2e::{App, LaunchOptions};

const PANS: usize = 12;

/// The page clock of the map's last redraw and how many there were.
async fn drawn(app: &App) -> Result<(u64, f64)> {
    let v = app
        .js("const el = document.querySelector('[data-test=map]');
             if (!el || !el.dataset.drawn) return [0, 0];
             return [Number(el.dataset.drawn), el.shareHubDrawnAt];")
        .await?;
    Ok((v[0].as_u64().unwrap_or(0), v[1].as_f64().unwrap_or(0.0)))
}

struct Run {
    list_ms: u128,
    first_clustered_ms: f64,
    fitted_ms: f64,
    total: u64,
    pans_ms: Vec<f64>,
}

async fn once(data_dir: &std::path::Path, resources: usize) -> Result<Run> {
    let options = LaunchOptions {
        data_dir: Some(data_dir.to_path_buf()),
        ..LaunchOptions::default()
    };
    let app = App::launch_with(options).await?;
    app.wait_for("[data-test=resource-row]").await?;
    let list_ms = app.since_launch().as_millis();
    app.wait_for("[data-test=tab-map]").await?;
    // Click and start the page clock in one step.
    let clicked: f64 = app
        .js("const t = performance.now(); document.querySelector('[data-test=tab-map]').click(); return t;")
        .await?
        .as_f64()
        .context("click time")?;
    // The first redraw with the store's clusters (the glue lists every redraw).
    let first = app
        .until("the first clustered view is drawn", || async {
            let at = app
                .js("const el = document.querySelector('[data-test=map]');
                     const d = el && el.shareHubDraws && el.shareHubDraws.find(d => d.clusters > 0);
                     return d ? d.at : null;")
                .await?;
            Ok(at.as_f64())
        })
        .await?;
    let (fitted, total) = app
        .until("the map fits the whole set", || async {
            let v = app
                .js(&format!(
                    "const inView = document.querySelector('[data-test=map-in-view]');
                     const count = document.querySelector('[data-test=result-count]');
                     if (!inView || !count || !count.dataset.total) return null;
                     const onMap = (() => {{ {} }})();
                     return [Number(inView.dataset.count), Number(count.dataset.total), onMap];",
                    city::ON_MAP_JS
                ))
                .await?;
            if v.is_null() {
                return Ok(None);
            }
            let (in_view, total, on_map) = (v[0].as_u64(), v[1].as_u64(), v[2].as_u64());
            let (_, at) = drawn(&app).await?;
            Ok((in_view == total && on_map == total).then_some((at, total.unwrap_or(0))))
        })
        .await?;
    ensure!(
        total == resources as u64,
        "the map says {total} of {resources}"
    );

    let mut pans_ms = Vec::with_capacity(PANS);
    for i in 0..PANS {
        let (before, _) = drawn(&app).await?;
        let (dx, dy) = [(300, 0), (0, 300), (-300, 0), (0, -300)][i % 4];
        let started = app
            .js(&format!(
                "const t = performance.now();
                 document.querySelector('[data-test=map]').shareHubMap.map.panBy([{dx}, {dy}], {{ animate: false }});
                 return t;"
            ))
            .await?
            .as_f64()
            .context("pan time")?;
        let at = app
            .until("the pan is redrawn", || async {
                let (n, at) = drawn(&app).await?;
                Ok((n > before).then_some(at))
            })
            .await?;
        pans_ms.push(at - started);
    }
    app.close().await?;
    Ok(Run {
        list_ms,
        first_clustered_ms: first - clicked,
        fitted_ms: fitted - clicked,
        total,
        pans_ms,
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let resources: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let dir = tempfile::tempdir()?;
    let seeding = Instant::now();
    city::seed_data_dir(dir.path(), &city::resources(resources, 2026))?;
    println!(
        "{resources} resources written into the device database in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    for run in 1..=runs {
        let r = once(dir.path(), resources).await?;
        let mut pans = r.pans_ms.clone();
        pans.sort_by(f64::total_cmp);
        println!(
            "run {run}: {} on the map; list visible {} ms after launch; map tab to first clustered view {:.0} ms, to the whole set fitted {:.0} ms; {} pans redrawn in median {:.0} ms, max {:.0} ms",
            r.total,
            r.list_ms,
            r.first_clustered_ms,
            r.fitted_ms,
            pans.len(),
            pans[pans.len() / 2],
            pans.last().copied().unwrap_or(0.0),
        );
    }
    Ok(())
}
