//! End-to-end: the real app in a real webview (WebKitWebDriver via tauri-driver, Xvfb).

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use sharehub_e2e::{run_app_test, App, LaunchOptions};

const ROW: &str = "[data-test=resource-row]";

/// Every listed row as (kind, text), read in one step so a re-render cannot interleave.
async fn rows(app: &App) -> Result<Vec<(String, String)>> {
    let value = app
        .js(
            "return [...document.querySelectorAll('[data-test=resource-row]')]
                 .map(r => [r.dataset.kind || '', r.innerText]);",
        )
        .await?;
    Ok(serde_json::from_value(value)?)
}

/// Waits until the list shows rows that all satisfy `ok`, and at least one.
async fn rows_until(
    app: &App,
    what: &str,
    ok: impl Fn(&(String, String)) -> bool,
) -> Result<Vec<(String, String)>> {
    app.until(what, || async {
        let rows = rows(app).await?;
        Ok((!rows.is_empty() && rows.iter().all(&ok)).then_some(rows))
    })
    .await
}

async fn seeded_count(app: &App) -> Result<usize> {
    app.wait_for(ROW).await?;
    app.until("the full seeded list is shown", || async {
        let n = app.find_all(ROW).await?.len();
        Ok((n >= 300).then_some(n))
    })
    .await
}

#[tokio::test]
async fn app_starts_and_shows_the_seeded_list() {
    run_app_test(
        "app_starts_and_shows_the_seeded_list",
        LaunchOptions::default(),
        async |app| {
            app.wait_for(ROW).await?;
            let visible_after = app.since_launch();
            println!(
                "figure: process start to list visible {} ms (session up in {} ms)",
                visible_after.as_millis(),
                app.session_started_in.as_millis()
            );
            let n = seeded_count(app).await?;
            let count_text = app
                .wait_for("[data-test=result-count]")
                .await?
                .text()
                .await?;
            ensure!(
                count_text.contains(&n.to_string().chars().take(1).collect::<String>()),
                "count {count_text:?} vs {n} rows"
            );
            // A Korean system locale means Korean words.
            let heading = app.wait_for("h1").await?.text().await?;
            ensure!(heading == "공유 자원", "heading is {heading:?}");
            let html_lang = app.js("return document.documentElement.lang").await?;
            ensure!(html_lang == "ko", "lang attribute {html_lang}");
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn filtering_by_kind_shows_only_that_kind() {
    run_app_test(
        "filtering_by_kind_shows_only_that_kind",
        LaunchOptions::default(),
        async |app| {
            let all = seeded_count(app).await?;
            app.wait_for("[data-test=kind-chip][data-kind=room]")
                .await?
                .click()
                .await?;
            let rooms =
                rows_until(app, "only rooms are listed", |(kind, _)| kind == "room").await?;
            ensure!(rooms.len() < all, "{} rooms of {all}", rooms.len());
            let pressed = app
                .wait_for("[data-test=kind-chip][data-kind=room]")
                .await?
                .attr("aria-pressed")
                .await?;
            ensure!(
                pressed.as_deref() == Some("true"),
                "room chip not pressed: {pressed:?}"
            );
            app.wait_for("[data-test=kind-chip][data-kind=bike_station]")
                .await?
                .click()
                .await?;
            rows_until(app, "only bike stations are listed", |(kind, _)| {
                kind == "bike_station"
            })
            .await?;
            app.wait_for("[data-test=kind-chip][data-kind=all]")
                .await?
                .click()
                .await?;
            app.until("every kind is back", || async {
                Ok((app.find_all(ROW).await?.len() == all).then_some(()))
            })
            .await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn opening_a_resource_shows_its_details_and_back_keeps_the_filter() {
    run_app_test(
        "opening_a_resource_shows_its_details",
        LaunchOptions::default(),
        async |app| {
            seeded_count(app).await?;
            app.wait_for("[data-test=kind-chip][data-kind=parking_space]")
                .await?
                .click()
                .await?;
            rows_until(app, "only parking is listed", |(kind, _)| {
                kind == "parking_space"
            })
            .await?;
            // Read the first row's name and open it in one step (no re-render in between).
            let name = app
                .js(
                    "const row = document.querySelector('[data-test=resource-row]');
                     row.querySelector('a').click();
                     return row.querySelector('[data-test=resource-name]').innerText;",
                )
                .await?;
            let name = name.as_str().context("row name")?.to_owned();
            let detail_name = app
                .wait_for("[data-test=detail-name]")
                .await?
                .text()
                .await?;
            ensure!(
                detail_name == name,
                "detail shows {detail_name:?}, row was {name:?}"
            );
            for field in [
                "detail-price",
                "detail-hours",
                "detail-area",
                "detail-address",
                "detail-owner",
            ] {
                let text = app
                    .wait_for(&format!("[data-test={field}]"))
                    .await?
                    .text()
                    .await?;
                ensure!(!text.trim().is_empty(), "{field} is empty");
            }
            // Shared parking hides the exact spot until a booking is confirmed.
            let address = app
                .wait_for("[data-test=detail-address]")
                .await?
                .text()
                .await?;
            ensure!(
                address.contains("예약이 확정된 뒤"),
                "address note missing: {address:?}"
            );
            app.wait_for("[data-test=back]").await?.click().await?;
            rows_until(app, "the parking filter is still applied", |(kind, _)| {
                kind == "parking_space"
            })
            .await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn searching_mangwon_finds_mangwon_in_korean_and_english() {
    run_app_test(
        "searching_mangwon_finds_mangwon",
        LaunchOptions::default(),
        async |app| {
            let all = seeded_count(app).await?;
            app.wait_for("[data-test=search]")
                .await?
                .send_keys("망원")
                .await?;
            let found = rows_until(app, "only Mangwon resources are listed", |(_, text)| {
                text.contains("망원")
            })
            .await?;
            ensure!(
                found.len() >= 3 && found.len() < all,
                "{} Mangwon rows",
                found.len()
            );

            app.wait_for("[data-test=language-switch]")
                .await?
                .click()
                .await?;
            app.until("the page speaks English", || async {
                Ok((app.wait_for("h1").await?.text().await? == "Shared resources").then_some(()))
            })
            .await?;
            let search = app.wait_for("[data-test=search]").await?;
            search.clear().await?;
            search.send_keys("mangwon").await?;
            let english = rows_until(app, "English search finds Mangwon", |(_, text)| {
                text.to_lowercase().contains("mangwon")
            })
            .await?;
            ensure!(
                english.len() == found.len(),
                "{} English rows vs {} Korean rows",
                english.len(),
                found.len()
            );
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn chosen_language_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let options = LaunchOptions {
        locale: "ko_KR.UTF-8".into(),
        data_dir: Some(data.path().to_path_buf()),
        ..LaunchOptions::default()
    };
    run_app_test(
        "chosen_language_survives_a_restart_1",
        options.clone(),
        async |app| {
            seeded_count(app).await?;
            app.wait_for("[data-test=language-switch]")
                .await?
                .click()
                .await?;
            app.until("the page speaks English", || async {
                Ok((app.wait_for("h1").await?.text().await? == "Shared resources").then_some(()))
            })
            .await
        },
    )
    .await;
    run_app_test(
        "chosen_language_survives_a_restart_2",
        options,
        async |app| {
            seeded_count(app).await?;
            let heading = app.wait_for("h1").await?.text().await?;
            ensure!(
                heading == "Shared resources",
                "after restart the heading is {heading:?}"
            );
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn english_system_locale_starts_in_english() {
    let options = LaunchOptions {
        locale: "en_US.UTF-8".into(),
        ..LaunchOptions::default()
    };
    run_app_test(
        "english_system_locale_starts_in_english",
        options,
        async |app| {
            seeded_count(app).await?;
            let heading = app.wait_for("h1").await?.text().await?;
            ensure!(heading == "Shared resources", "heading {heading:?}");
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_bad_link_shows_a_clear_error_not_a_blank_page() {
    run_app_test(
        "a_bad_link_shows_a_clear_error",
        LaunchOptions::default(),
        async |app| {
            seeded_count(app).await?;
            app.navigate("/resources/not-a-resource").await?;
            let error = app.wait_for("[data-test=error]").await?.text().await?;
            ensure!(
                error.contains("문제가 생겼어요") && error.contains("입력한 내용을 확인"),
                "error text {error:?}"
            );
            app.navigate("/resources/0190a6c8-0000-7000-8000-00000000ffff")
                .await?;
            app.until("a not-found message is shown", || async {
                let text = app.wait_for("[data-test=error]").await?.text().await?;
                Ok(text.contains("찾는 항목이 없어요").then_some(()))
            })
            .await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn phone_width_has_no_sideways_scrolling() {
    run_app_test(
        "phone_width_has_no_sideways_scrolling",
        LaunchOptions::default(),
        async |app| {
            app.client.set_window_size(390, 844).await?;
            seeded_count(app).await?;
            let (scroll, inner) = app.phone_widths().await?;
            ensure!(
                scroll <= inner,
                "page is {scroll}px wide in a {inner}px window"
            );
            app.wait_for(ROW)
                .await?
                .find(Locator::Css("a"))
                .await?
                .click()
                .await?;
            app.wait_for("[data-test=resource-detail]").await?;
            let scroll = app
                .js("return document.documentElement.scrollWidth")
                .await?;
            ensure!(
                scroll.as_u64() <= Some(inner),
                "detail page is {scroll}px wide"
            );
            Ok(())
        },
    )
    .await;
}
