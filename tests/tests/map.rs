//! End-to-end: the map page, "near" search, and the list and map agreeing.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use sharehub_e2e::{run_app_test, App, LaunchOptions};

const ROW: &str = "[data-test=resource-row]";

async fn total_on_map(app: &App) -> Result<usize> {
    let mut total = app.find_all("[data-test=map-marker]").await?.len();
    for cluster in app.find_all("[data-test=map-cluster]").await? {
        total += cluster
            .attr("data-count")
            .await?
            .context("cluster without count")?
            .parse::<usize>()?;
    }
    Ok(total)
}

async fn listed(app: &App) -> Result<usize> {
    app.until("the list has loaded", || async {
        let n = app.find_all(ROW).await?.len();
        Ok((n > 0).then_some(n))
    })
    .await
}

#[tokio::test]
async fn map_shows_every_listed_resource_and_works_offline() {
    run_app_test(
        "map_shows_every_listed_resource",
        LaunchOptions::default(),
        async |app| {
            let all = listed(app).await?;
            app.wait_for("[data-test=tab-map]").await?.click().await?;
            app.wait_for("[data-test=map]").await?;
            let on_map = app
                .until(
                    "markers and clusters account for every resource",
                    || async {
                        let n = total_on_map(app).await?;
                        Ok((n == all).then_some(n))
                    },
                )
                .await?;
            ensure!(on_map == all);
            // No network here: the tiles fail, the map says so and still draws the 25 gu.
            app.wait_for("[data-test=map-offline]").await?;
            let outlines = app.find_all(".leaflet-overlay-pane path").await?.len();
            ensure!(outlines >= 25, "only {outlines} outlines drawn");
            let attribution = app
                .wait_for(".leaflet-control-attribution")
                .await?
                .text()
                .await?;
            ensure!(
                attribution.contains("OpenStreetMap"),
                "attribution {attribution:?}"
            );
            app.screenshot("map-page").await?;

            // The same filter narrows both views.
            app.wait_for("[data-test=kind-chip][data-kind=meal]")
                .await?
                .click()
                .await?;
            let meals_on_map = app
                .until("only meals are on the map", || async {
                    let n = total_on_map(app).await?;
                    Ok((n > 0 && n < all).then_some(n))
                })
                .await?;
            app.wait_for("[data-test=tab-list]").await?.click().await?;
            let meals_listed = app
                .until("the list shows the meals", || async {
                    let rows = app.find_all(ROW).await?;
                    let mut kinds = Vec::new();
                    for r in &rows {
                        kinds.push(r.attr("data-kind").await?.unwrap_or_default());
                    }
                    Ok((!rows.is_empty() && kinds.iter().all(|k| k == "meal"))
                        .then_some(rows.len()))
                })
                .await?;
            ensure!(
                meals_listed == meals_on_map,
                "{meals_listed} listed vs {meals_on_map} on the map"
            );
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn near_a_neighborhood_lists_only_what_is_within_the_radius_nearest_first() {
    run_app_test(
        "near_a_neighborhood",
        LaunchOptions::default(),
        async |app| {
            let all = listed(app).await?;
            app.wait_for("[data-test=near-input]")
                .await?
                .send_keys("망원")
                .await?;
            let suggestion = app
                .until("the suggestions are for 망원", || async {
                    let Some(first) = app
                        .find_all("[data-test=place-suggestion]")
                        .await?
                        .into_iter()
                        .next()
                    else {
                        return Ok(None);
                    };
                    Ok(first.text().await?.contains("망원").then_some(first))
                })
                .await?;
            suggestion.click().await?;
            app.wait_for("[data-test=near-chosen]").await?;
            app.wait_for("[data-test=radius] option[value='500']")
                .await?
                .click()
                .await?;
            let distances = app
                .until("rows carry distances within 500 m", || async {
                    let mut out = Vec::new();
                    for row in app.find_all(ROW).await? {
                        match row.attr("data-distance").await? {
                            Some(d) => out.push(d.parse::<f64>()?),
                            None => return Ok(None),
                        }
                    }
                    Ok((!out.is_empty() && out.iter().all(|d| *d <= 500.0)).then_some(out))
                })
                .await?;
            ensure!(distances.len() < all, "{} of {all}", distances.len());
            ensure!(
                distances.windows(2).all(|w| w[0] <= w[1]),
                "not nearest first: {distances:?}"
            );
            let first = app
                .wait_for("[data-test=resource-distance]")
                .await?
                .text()
                .await?;
            ensure!(first.contains("m 거리"), "distance text {first:?}");

            // The map shows the same set; a marker's popup opens the detail page.
            app.wait_for("[data-test=tab-map]").await?.click().await?;
            app.until("the map shows the same set", || async {
                Ok((total_on_map(app).await? == distances.len()).then_some(()))
            })
            .await?;
            app.screenshot("map-near").await?;
            let marker = app
                .until("a single marker is visible", || async {
                    if let Some(marker) = app.find_all("[data-test=map-marker]").await?.into_iter().next() {
                        return Ok(Some(marker));
                    }
                    // Resources at the same spot stay clustered: a click on the cluster
                    // zooms in or spreads them out. Click again only once the map is still.
                    let animating = app
                        .js("return !!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')")
                        .await?;
                    if animating == false {
                        if let Some(cluster) = app.find_all("[data-test=map-cluster]").await?.into_iter().next() {
                            cluster.click().await?;
                        }
                    }
                    Ok(None)
                })
                .await?;
            // Nearby pins can overlap; a DOM click reaches the chosen one wherever it sits.
            app.client.execute("arguments[0].click()", vec![serde_json::to_value(&marker)?]).await?;
            let popup = app.wait_for("[data-test=map-popup]").await?;
            let name = popup
                .find(Locator::Css(".sh-popup-name"))
                .await?
                .text()
                .await?;
            popup
                .find(Locator::Css("[data-test=map-popup-open]"))
                .await?
                .click()
                .await?;
            let detail = app
                .wait_for("[data-test=detail-name]")
                .await?
                .text()
                .await?;
            ensure!(detail == name, "popup {name:?} opened {detail:?}");
            Ok(())
        },
    )
    .await;
}
