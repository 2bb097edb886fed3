//! A long first sync seen through the UI (issue 4): a server holding 20,000 resources, a new
//! device signs in, and the header shows how far the download has got (done, rising, of a
//! total) until the device holds everything; the list then comes a page at a time. The server runs in this process on loopback
//! over a real SQLite file; the app is the real binary in the real webview.
#![allow(clippy::unwrap_used)]

use anyhow::ensure;
use rand::SeedableRng;
use sharehub_core::wire::Role;
use sharehub_e2e::fixtures::{resource, PASSWORD};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_e2e::{run_app_test, LaunchOptions};

const RESOURCES: u64 = 20_000;

/// Records every text the progress indicator shows, in order, from now on (the download is
/// too quick to sample by polling; a MutationObserver sees each render).
const RECORD_PROGRESS: &str = r#"
    window.__progressSeen = [];
    const note = () => {
        const e = document.querySelector('[data-test=sync-progress]');
        const text = e ? e.innerText.trim() : null;
        const seen = window.__progressSeen;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(note).observe(document.body,
        { childList: true, subtree: true, characterData: true });
    return true;
"#;

/// The numbers in a progress text ("Downloading 5,000 of 20,000" → [5000, 20000]).
fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit() && c != ',')
        .filter_map(|n| n.replace(',', "").parse().ok())
        .collect()
}

#[tokio::test]
async fn a_long_first_sync_shows_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(Backend::Sqlite, dir.path()).await.unwrap();
    let owner = hub.account("first-sync", Role::Coordinator).await.unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let resources: Vec<_> = (0..RESOURCES).map(|n| resource(n, &mut rng)).collect();
    for chunk in resources.chunks(5000) {
        hub.state()
            .unwrap()
            .storage
            .seed_resources(owner.account.id, chunk)
            .await
            .unwrap();
    }
    let login = owner.account.email.clone().unwrap();
    let options = LaunchOptions {
        locale: "en_US.UTF-8".into(),
        env: vec![("SHAREHUB_SERVER_URL".into(), hub.url())],
        ..LaunchOptions::default()
    };
    run_app_test(
        "a_long_first_sync_shows_its_progress",
        options,
        async |app| {
            app.wait_for("[data-test=first-sync-empty]").await?;
            app.js(RECORD_PROGRESS).await?;
            app.sign_in(&login, PASSWORD).await?;
            // Done when the device says it synced and the indicator is gone.
            app.until("the first sync finishes", || async {
                let last = app
                    .js(
                        "const e = document.querySelector('[data-test=sync-last]'); \
                         return e && !document.querySelector('[data-test=sync-progress]') \
                         ? e.innerText : null",
                    )
                    .await?;
                Ok(last.as_str().map(str::to_owned))
            })
            .await?;
            let seen: Vec<String> =
                serde_json::from_value(app.js("return window.__progressSeen").await?)?;
            println!("progress shown: {seen:?}");
            let done: Vec<u64> = seen
                .iter()
                .filter_map(|t| numbers(t).first().copied())
                .collect();
            ensure!(
                done.len() >= 2,
                "the progress was shown while downloading, more than once: {seen:?}"
            );
            ensure!(
                done.windows(2).all(|w| w[0] < w[1]) && done.iter().all(|&d| d <= RESOURCES),
                "the count only rises, up to {RESOURCES}: {seen:?}"
            );
            ensure!(
                seen.iter().all(|t| t.starts_with("Downloading")),
                "plain words: {seen:?}"
            );
            let total = seen
                .iter()
                .filter_map(|t| numbers(t).get(1).copied())
                .next_back();
            ensure!(
                total.is_some_and(|t| t >= RESOURCES),
                "a total is shown (at least the {RESOURCES} resources): {seen:?}"
            );

            // The list of a city this size comes a page at a time, not all at once.
            app.navigate("/").await?;
            let count = app
                .wait_for("[data-test=result-count]")
                .await?
                .text()
                .await?;
            ensure!(count == "20,000 places", "{count:?}");
            let rows =
                || async { anyhow::Ok(app.find_all("[data-test=resource-row]").await?.len()) };
            ensure!(rows().await? == 500, "the first page has 500 rows");
            let more = app.wait_for("[data-test=show-more]").await?;
            ensure!(more.text().await? == "Show more (19,500 more)");
            more.click().await?;
            app.until("the next page is shown", || async {
                Ok((rows().await? == 1000).then_some(()))
            })
            .await?;
            let more = app.wait_for("[data-test=show-more]").await?.text().await?;
            ensure!(more == "Show more (19,000 more)", "{more:?}");
            Ok(())
        },
    )
    .await;
}
