//! End-to-end: reloading the webview (WebDriver's refresh, as F5 does) on any route shows
//! that route's content again, with its filters.

use anyhow::{ensure, Context, Result};
use sharehub_e2e::{run_app_test, App, LaunchOptions};

/// Waits until the page shows what `route` shows.
async fn shows(app: &App, route: &str, detail_name: &str) -> Result<()> {
    let path = route.split('?').next().unwrap_or(route);
    match path {
        "/" => {
            app.until("the list shows its rows", || async {
                let kinds: Vec<String> = serde_json::from_value(
                    app.js("return [...document.querySelectorAll('[data-test=resource-row]')].map(r => r.dataset.kind);")
                        .await?,
                )?;
                let filtered = !route.contains("kind=meal") || kinds.iter().all(|k| k == "meal");
                Ok((!kinds.is_empty() && filtered).then_some(()))
            })
            .await
        }
        "/map" => {
            app.until("the map is drawn", || async {
                let drawn = app
                    .js("const el = document.querySelector('[data-test=map]'); return el ? Number(el.dataset.drawn || 0) : 0;")
                    .await?;
                Ok((drawn.as_u64().unwrap_or(0) > 0).then_some(()))
            })
            .await
        }
        "/account" => app.wait_for("[data-test=offline-demo-mode]").await.map(drop),
        _ => {
            let name = app.wait_for("[data-test=detail-name]").await?.text().await?;
            ensure!(name == detail_name, "detail shows {name:?}, not {detail_name:?}");
            Ok(())
        }
    }
}

#[tokio::test]
async fn reloading_any_route_shows_that_route_again() {
    run_app_test(
        "reload_every_route",
        LaunchOptions::default(),
        async |app| {
            let row = app.wait_for("[data-test=resource-row]").await?;
            let id = row.attr("data-id").await?.context("row id")?;
            let name = app
                .wait_for("[data-test=resource-row] [data-test=resource-name]")
                .await?
                .text()
                .await?;
            let detail = format!("/resources/{id}");
            for route in [
                "/",
                "/?kind=meal",
                "/map",
                "/map?kind=meal",
                detail.as_str(),
                "/account",
            ] {
                app.navigate(route).await?;
                shows(app, route, &name).await?;
                // A mark the reload must wipe: proof that the page really loaded again.
                app.js("window.__beforeReload = true").await?;
                app.client.refresh().await?;
                app.until("the page has loaded again", || async {
                    let v = app
                        .js("return document.readyState === 'complete' && !window.__beforeReload")
                        .await?;
                    Ok((v == true).then_some(()))
                })
                .await?;
                shows(app, route, &name)
                    .await
                    .with_context(|| format!("after reloading {route}"))?;
                let at = app.js("return location.pathname + location.search").await?;
                ensure!(at.as_str() == Some(route), "reloaded {route}, now at {at}");
            }
            Ok(())
        },
    )
    .await;
}
