//! End-to-end: the map page, "near" search, and the list and map agreeing.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use sharehub_e2e::{run_app_test, App, LaunchOptions};

const ROW: &str = "[data-test=resource-row]";

/// Markers plus the resources inside clusters, read in one step.
async fn total_on_map(app: &App) -> Result<usize> {
    let value = app
        .js("let n = document.querySelectorAll('[data-test=map-marker]').length;
             for (const c of document.querySelectorAll('[data-test=map-cluster]')) n += Number(c.dataset.count);
             return n;")
        .await?;
    value.as_u64().map(|n| n as usize).context("marker count")
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
                    let kinds: Vec<String> = serde_json::from_value(
                        app.js("return [...document.querySelectorAll('[data-test=resource-row]')].map(r => r.dataset.kind);")
                            .await?,
                    )?;
                    Ok((!kinds.is_empty() && kinds.iter().all(|k| k == "meal")).then_some(kinds.len()))
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
            ensure!(
                app.find_all("[data-test=near-me]").await?.is_empty(),
                "a desktop without a location service offers no 'near me' button"
            );
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
                    let distances: Vec<Option<String>> = serde_json::from_value(
                        app.js("return [...document.querySelectorAll('[data-test=resource-row]')].map(r => r.dataset.distance ?? null);")
                            .await?,
                    )?;
                    let Some(out) = distances
                        .iter()
                        .map(|d| d.as_deref().and_then(|d| d.parse::<f64>().ok()))
                        .collect::<Option<Vec<f64>>>()
                    else {
                        return Ok(None);
                    };
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
            let name = app
                .js("return document.querySelector('[data-test=map-popup] .sh-popup-name').textContent")
                .await?
                .as_str()
                .context("popup name")?
                .to_owned();
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

#[tokio::test]
async fn choosing_a_neighborhood_filters_both_views_and_outlines_it() {
    run_app_test(
        "choosing_a_neighborhood",
        LaunchOptions::default(),
        async |app| {
            let all = listed(app).await?;
            // Pick 마포구 by its label (the list shows each gu with its count), in one step
            // so a re-render cannot slip in between finding and choosing.
            let label = app
                .until("the neighborhood list has loaded", || async {
                    let label = app
                        .js("const select = document.querySelector('[data-test=area-select]');
                             const option = [...select.options].find(o => o.text.startsWith('마포구'));
                             if (!option) return null;
                             select.value = option.value;
                             select.dispatchEvent(new Event('change', {bubbles: true}));
                             return option.text;")
                        .await?;
                    Ok(label.as_str().map(str::to_owned))
                })
                .await?;
            let rows = app
                .until("only Mapo-gu is listed", || async {
                    let texts: Vec<String> = serde_json::from_value(
                        app.js("return [...document.querySelectorAll('[data-test=resource-row] .row-area')].map(r => r.innerText);")
                            .await?,
                    )?;
                    Ok((!texts.is_empty() && texts.iter().all(|t| t.ends_with("마포구"))).then_some(texts.len()))
                })
                .await?;
            ensure!(rows < all, "{rows} of {all}");
            // The label says how many resources the gu has.
            ensure!(
                label.contains(&format!("({rows})")),
                "option {label:?} for {rows} rows"
            );
            app.wait_for("[data-test=tab-map]").await?.click().await?;
            app.wait_for(".sh-selection").await?;
            app.until("the map shows the same set", || async {
                Ok((total_on_map(app).await? == rows).then_some(()))
            })
            .await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn open_at_a_chosen_time_keeps_only_what_is_open_then() {
    run_app_test("open_at_a_chosen_time", LaunchOptions::default(), async |app| {
        let all = listed(app).await?;
        app.wait_for("[data-test=kind-chip][data-kind=parking_space]").await?.click().await?;
        let parking = app
            .until("only parking is listed", || async {
                let kinds: Vec<String> = serde_json::from_value(
                    app.js("return [...document.querySelectorAll('[data-test=resource-row]')].map(r => r.dataset.kind);")
                        .await?,
                )?;
                Ok((!kinds.is_empty() && kinds.iter().all(|k| k == "parking_space")).then_some(kinds.len()))
            })
            .await?;
        ensure!(parking < all);
        // Shared parking is lent while owners are away on weekdays: a Sunday at 3 a.m.
        // (Seoul time) leaves fewer spaces than a Wednesday at 11.
        app.wait_for("[data-test=open-chip][data-open=at]").await?.click().await?;
        let count_at = |when: &'static str| async move {
            app.js(&format!(
                "const i = document.querySelector('[data-test=open-at]');
                 i.value = '{when}'; i.dispatchEvent(new Event('change', {{bubbles: true}}));"
            ))
            .await?;
            let expected = format!("open={}", when.replace(':', "%3A"));
            app.until("the list follows the chosen time", || async {
                let url = app.js("return location.search").await?;
                let url = url.as_str().unwrap_or_default().to_owned();
                if !(url.contains(&expected) || url.contains(&format!("open={when}"))) {
                    return Ok(None);
                }
                // Settled: rows are shown, or the page says there are none (not a list
                // that is still loading).
                let n = app
                    .js("const rows = document.querySelectorAll('[data-test=resource-row]').length;
                         return rows > 0 || document.querySelector('[data-test=no-results]') ? rows : null;")
                    .await?;
                Ok(n.as_u64())
            })
            .await
        };
        let weekday = count_at("2026-11-25T11:00").await?;
        let night = count_at("2026-11-29T03:00").await?;
        ensure!(night < weekday, "{night} at night vs {weekday} on a weekday");
        ensure!(weekday as usize <= parking, "{weekday} of {parking}");
        Ok(())
    })
    .await;
}

/// "Near me" with the device's position. This machine has no GPS receiver: the app's
/// `SHAREHUB_FIXED_POSITION` stands in for it (on a phone the geolocation plugin answers).
#[tokio::test]
async fn near_me_uses_the_devices_position() {
    let options = LaunchOptions {
        locale: "en_US.UTF-8".into(),
        // Exit 1 of Mangwon station, where demo station 102 stands.
        env: vec![(
            "SHAREHUB_FIXED_POSITION".into(),
            "37.554372,126.910035".into(),
        )],
        ..LaunchOptions::default()
    };
    run_app_test("near_me_uses_the_devices_position", options, async |app| {
        listed(app).await?;
        app.wait_for("[data-test=near-me]").await?.click().await?;
        let chosen = app.wait_for("[data-test=near-chosen]").await?.text().await?;
        ensure!(chosen.contains("My location"), "{chosen:?}");
        app.wait_for("[data-test=radius] option[value='500']")
            .await?
            .click()
            .await?;
        let (names, distances) = app
            .until("rows nearest the device first, within 500 m", || async {
                let rows: Vec<(String, Option<String>)> = serde_json::from_value(
                    app.js("return [...document.querySelectorAll('[data-test=resource-row]')].map(r => [r.querySelector('[data-test=resource-name]').innerText, r.dataset.distance ?? null]);")
                        .await?,
                )?;
                let distances: Option<Vec<f64>> = rows
                    .iter()
                    .map(|(_, d)| d.as_deref().and_then(|d| d.parse().ok()))
                    .collect();
                let names: Vec<String> = rows.into_iter().map(|(n, _)| n).collect();
                Ok(distances
                    .filter(|d| !d.is_empty() && d.iter().all(|d| *d <= 500.0))
                    .map(|d| (names, d)))
            })
            .await?;
        ensure!(
            distances.windows(2).all(|w| w[0] <= w[1]),
            "nearest first: {distances:?}"
        );
        ensure!(
            names[0].contains("Mangwon Stn. Exit 1") && distances[0] < 1.0,
            "the station where the device stands comes first: {names:?} {distances:?}"
        );
        Ok(())
    })
    .await;
}
