//! End-to-end sync (issue 4): the real app against the real `sharehub-server` binary with
//! the demo data, on a free loopback port. Sign in through the UI, see the synced list, lose
//! the server, change something while offline, get the server back and see the change
//! confirmed there; a new device that cannot reach the server; needs-attention (retry,
//! edit, discard) and sign-out.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, ensure, Result};
use fantoccini::Locator;
use sharehub_core::demo::DemoFile;
use sharehub_core::resource::Visibility;
use sharehub_e2e::server_process::{http_get, ServerProcess};
use sharehub_e2e::{run_app_test, App, LaunchOptions, UI_TIMEOUT};

const ROW: &str = "[data-test=resource-row]";
const DEMO_LOGIN: &str = "resident@demo.sharehub.kr";
const DEMO_PASSWORD: &str = "sharehub-demo-2026";

/// The real server binary with the demo data, in `dir`.
async fn demo_server(dir: &Path) -> Result<ServerProcess> {
    ServerProcess::start_new(dir, &["--seed", "demo"]).await
}

fn options(server_url: &str, locale: &str, extra: &[(&str, &str)]) -> LaunchOptions {
    let mut env = vec![("SHAREHUB_SERVER_URL".to_owned(), server_url.to_owned())];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    LaunchOptions {
        locale: locale.into(),
        data_dir: None,
        env,
    }
}

async fn row_count(app: &App) -> Result<usize> {
    Ok(app.find_all(ROW).await?.len())
}

async fn sign_in_through_the_ui(app: &App) -> Result<()> {
    app.sign_in(DEMO_LOGIN, DEMO_PASSWORD).await?;
    let who = app
        .wait_for("[data-test=signed-in-as]")
        .await?
        .text()
        .await?;
    ensure!(who.contains(DEMO_LOGIN), "signed in as {who:?}");
    Ok(())
}

/// What the server lets a resident see of the demo data: every public resource ("confirmed
/// bookers only" ones are never synced to others).
fn public_demo_resources() -> Result<usize> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/seoul.json");
    let demo = DemoFile::parse(&std::fs::read_to_string(path)?)?;
    Ok(demo
        .resources
        .iter()
        .filter(|r| r.visibility == Visibility::Public)
        .count())
}

async fn synced_list(app: &App) -> Result<usize> {
    let expected = public_demo_resources()?;
    ensure!(
        expected >= 250,
        "the demo data has {expected} public resources"
    );
    app.navigate("/").await?;
    app.until_within("the synced list is shown", UI_TIMEOUT * 2, async || {
        let n = row_count(app).await?;
        Ok((n == expected).then_some(n))
    })
    .await
}

async fn connection_is(app: &App, state: &str, limit: Duration) -> Result<()> {
    app.until_within(&format!("the status says {state}"), limit, async || {
        Ok((app
            .attr_of("[data-test=sync-connection]", "data-state")
            .await?
            .as_deref()
            == Some(state))
        .then_some(()))
    })
    .await
}

/// Shares a tool from the account page (the change is recorded on the device).
async fn share(app: &App, name: &str) -> Result<()> {
    app.navigate("/account").await?;
    app.type_into("[data-test=share-name]", name).await?;
    app.type_into("[data-test=share-description]", "Lent on weekends")
        .await?;
    app.type_into("[data-test=share-neighborhood]", "망원1동")
        .await?;
    app.click("[data-test=share-button]").await?;
    let answer = app
        .until_within("sharing answers", UI_TIMEOUT, async || {
            let done = app.text_of("[data-test=share-done]").await?;
            let error = app.text_of("[data-test=share-error]").await?;
            Ok(done.map(Ok).or(error.map(Err)))
        })
        .await?;
    if let Err(error) = answer {
        bail!("sharing failed: {error}");
    }
    Ok(())
}

/// The id of the listed resource named `name`.
async fn listed_id(app: &App, name: &str) -> Result<String> {
    app.navigate("/").await?;
    app.until_within("the shared tool is listed", UI_TIMEOUT, async || {
        let id = app
            .js(&format!(
                "const r = [...document.querySelectorAll('{ROW}')].find(r => r.innerText.includes('{name}'));
                 return r ? r.dataset.id : null;"
            ))
            .await?;
        Ok(id.as_str().map(str::to_owned))
    })
    .await
}

#[tokio::test]
async fn signed_in_app_syncs_works_offline_and_sends_the_change_when_the_server_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = demo_server(dir.path()).await.unwrap();
    let url = server.url();
    let port = server.port;
    let server_ref = &mut server;
    run_app_test(
        "signed_in_app_syncs_works_offline_and_sends_the_change_when_the_server_is_back",
        options(&url, "en_US.UTF-8", &[]),
        async |app| {
            // A new device with a server: no bundled data, it says to sign in.
            app.wait_for("[data-test=first-sync-empty]").await?;
            ensure!(
                row_count(app).await? == 0,
                "a new device shows no demo data"
            );
            sign_in_through_the_ui(app).await?;
            let n = synced_list(app).await?;
            println!("figure: {n} resources synced");
            connection_is(app, "online", UI_TIMEOUT).await?;
            let last = app
                .until_within(
                    "the status says when it synced",
                    UI_TIMEOUT * 2,
                    async || {
                        if let Some(error) = app.attr_of("[data-test=sync-error]", "title").await? {
                            bail!("sync failed: {error}");
                        }
                        app.text_of("[data-test=sync-last]").await
                    },
                )
                .await?;
            ensure!(last.starts_with("last synced"), "{last:?}");

            server_ref.stop().await?;
            connection_is(app, "offline", UI_TIMEOUT * 2).await?;
            let offline = app.text_of("[data-test=sync-connection]").await?;
            ensure!(offline.as_deref() == Some("Offline"), "{offline:?}");

            let name = format!("E2E drill {port}");
            share(app, &name).await?;
            let id = listed_id(app, &name).await?;
            app.until_within("one change waits", UI_TIMEOUT, async || {
                let pending = app.text_of("[data-test=sync-pending]").await?;
                Ok((pending.as_deref() == Some("1 waiting")).then_some(()))
            })
            .await?;
            ensure!(
                http_get(port, &format!("/v1/resources/{id}"))
                    .await
                    .is_err(),
                "the server is down"
            );

            server_ref.start().await?;
            connection_is(app, "online", UI_TIMEOUT * 2).await?;
            app.until_within("the change is confirmed", UI_TIMEOUT * 2, async || {
                let count = app
                    .attr_of("[data-test=sync-pending]", "data-count")
                    .await?;
                Ok((count.as_deref() == Some("0")).then_some(()))
            })
            .await?;
            let (status, body) = http_get(port, &format!("/v1/resources/{id}")).await?;
            ensure!(status == 200, "GET /v1/resources/{id}: {status} {body}");
            ensure!(body.contains(&name), "the server has the change: {body}");
            Ok(())
        },
    )
    .await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn first_start_without_the_server_says_what_to_do() {
    // A socket bound but never listening keeps the port ours: connections are refused.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());
    run_app_test(
        "first_start_without_the_server_says_what_to_do",
        options(&url, "ko_KR.UTF-8", &[]),
        async |app| {
            let offline = app.wait_for("[data-test=first-sync-offline]").await?;
            let text = offline.text().await?;
            ensure!(text.contains("인터넷 연결을 확인해"), "{text:?}");
            app.wait_for("[data-test=first-sync-sign-in]").await?;
            connection_is(app, "offline", UI_TIMEOUT).await?;
            ensure!(
                row_count(app).await? == 0,
                "no bundled data with a server set"
            );
            // Signing in while offline says so, in plain words.
            sign_in_attempt_fails_offline(app).await
        },
    )
    .await;
    drop(socket);
}

async fn sign_in_attempt_fails_offline(app: &App) -> Result<()> {
    app.click("[data-test=first-sync-sign-in]").await?;
    app.type_into("[data-test=login-input]", DEMO_LOGIN).await?;
    app.type_into("[data-test=password-input]", DEMO_PASSWORD)
        .await?;
    app.click("[data-test=sign-in-button]").await?;
    let error = app
        .wait_for("[data-test=account-error]")
        .await?
        .text()
        .await?;
    ensure!(error.contains("서버에 연결할 수 없어요"), "{error:?}");
    Ok(())
}

/// Replaces the text of the input or textarea at `css` (select all, then type).
async fn retype(app: &App, css: &str, text: &str) -> Result<()> {
    let field = app.wait_for(css).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

#[tokio::test]
async fn refused_change_needs_attention_and_sign_out_removes_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = demo_server(dir.path()).await.unwrap();
    let url = server.url();
    let server_ref = &server;
    run_app_test(
        "refused_change_needs_attention_and_sign_out_removes_the_data",
        // The demo convenience of `make run`: signed in as the demo resident at start.
        options(&url, "en_US.UTF-8", &[("SHAREHUB_DEMO_SIGN_IN", "1")]),
        async |app| {
            synced_list(app).await?;
            // Markup in a name passes on the device but the server refuses it.
            share(app, "<b>Loud drill</b>").await?;
            app.click("[data-test=sync-attention]").await?;
            let reason = app
                .wait_for("[data-test=attention-reason]")
                .await?
                .text()
                .await?;
            ensure!(reason.contains("plain text"), "{reason:?}");
            let explained = app.text_of("[data-test=attention-explained]").await?;
            ensure!(
                explained.is_some_and(|e| e.contains("did not accept")),
                "the list says in plain words what it is"
            );
            let sent = server_ref.receipts()?;

            // Retry: sent again (a new idempotency key), refused again for the same reason.
            app.click("[data-test=attention-retry]").await?;
            app.until_within("the retry is answered", UI_TIMEOUT, async || {
                let again = app.text_of("[data-test=attention-reason]").await?;
                let pending = app.attr_of("[data-test=sync-pending]", "data-count").await?;
                let flagged = app.text_of("[data-test=sync-attention]").await?;
                Ok((server_ref.receipts()? == sent + 1
                    && pending.as_deref() == Some("0")
                    && flagged.is_some()
                    && again.is_some_and(|r| r.contains("plain text")))
                .then_some(()))
            })
            .await?;

            // Edit: the form holds what was sent; fixing the name gets it accepted.
            app.click("[data-test=attention-edit]").await?;
            let shown = app
                .js("return document.querySelector('[data-test=attention-edit-name]').value")
                .await?;
            ensure!(
                shown.as_str() == Some("<b>Loud drill</b>"),
                "the edit form shows {shown:?}"
            );
            // The open form fits a phone.
            app.client.set_window_size(390, 844).await?;
            let (scroll, inner) = app.phone_widths().await?;
            ensure!(scroll <= inner, "the edit form is {scroll:?}px wide in {inner:?}px");
            app.screenshot("attention-edit-phone").await?;
            retype(app, "[data-test=attention-edit-name]", "   ").await?;
            app.click("[data-test=attention-edit-send]").await?;
            let error = app
                .wait_for("[data-test=attention-edit-error]")
                .await?
                .text()
                .await?;
            ensure!(
                error.contains("Name: must not be empty"),
                "a blank name is refused, naming the field: {error:?}"
            );
            retype(app, "[data-test=attention-edit-name]", "Loud drill").await?;
            app.click("[data-test=attention-edit-send]").await?;
            app.wait_for("[data-test=nothing-needs-attention]").await?;
            app.until_within("the edited change is confirmed", UI_TIMEOUT * 2, async || {
                let count = app.attr_of("[data-test=sync-pending]", "data-count").await?;
                Ok((count.as_deref() == Some("0")).then_some(()))
            })
            .await?;
            let id = listed_id(app, "Loud drill").await?;
            let (status, body) = http_get(server_ref.port, &format!("/v1/resources/{id}")).await?;
            ensure!(status == 200, "GET /v1/resources/{id}: {status} {body}");
            ensure!(
                body.contains("\"Loud drill\""),
                "the server has the edited name: {body}"
            );

            // Discard: the refused change is dropped and the device shows the server's view.
            share(app, "<i>Noisy saw</i>").await?;
            app.click("[data-test=sync-attention]").await?;
            app.wait_for("[data-test=attention-reason]").await?;
            app.click("[data-test=attention-discard]").await?;
            app.wait_for("[data-test=nothing-needs-attention]").await?;
            app.navigate("/").await?;
            synced_list_has(app, "Loud drill").await?;
            let names = app
                .js(&format!(
                    "return [...document.querySelectorAll('{ROW}')].map(r => r.innerText).join('\\n')"
                ))
                .await?;
            ensure!(
                !names.as_str().unwrap_or_default().contains("Noisy saw"),
                "a discarded new resource is gone from the list"
            );

            app.click("[data-test=account-link]").await?;
            app.click("[data-test=sign-out-button]").await?;
            app.wait_for("[data-test=sign-in-form]").await?;
            app.wait_for("[data-test=first-sync-empty]").await?;
            app.navigate("/").await?;
            app.until("the synced data is gone", || async {
                Ok((row_count(app).await? == 0).then_some(()))
            })
            .await?;
            let rows = app.client.find_all(Locator::Css(ROW)).await?;
            ensure!(rows.is_empty());
            Ok(())
        },
    )
    .await;
    server.stop().await.unwrap();
}

/// Waits until the list shows a row containing `name`.
async fn synced_list_has(app: &App, name: &str) -> Result<()> {
    app.until_within("the list shows the resource", UI_TIMEOUT, async || {
        let found = app
            .js(&format!(
                "return [...document.querySelectorAll('{ROW}')].some(r => r.innerText.includes('{name}'))"
            ))
            .await?;
        Ok((found.as_bool() == Some(true)).then_some(()))
    })
    .await
}

#[tokio::test]
async fn registering_a_new_account_signs_in_and_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = demo_server(dir.path()).await.unwrap();
    let url = server.url();
    let email = format!("new-{}@e2e.sharehub.kr", server.port);
    run_app_test(
        "registering_a_new_account_signs_in_and_syncs",
        options(&url, "ko_KR.UTF-8", &[]),
        async |app| {
            app.click("[data-test=account-link]").await?;
            app.type_into("[data-test=register-email]", &email).await?;
            app.type_into("[data-test=register-password]", "correct horse battery")
                .await?;
            app.click("[data-test=register-button]").await?;
            let who = app
                .wait_for("[data-test=signed-in-as]")
                .await?
                .text()
                .await?;
            ensure!(who.contains(&email) && who.contains("주민"), "{who:?}");
            synced_list(app).await?;
            let last = app.wait_for("[data-test=sync-last]").await?.text().await?;
            ensure!(last.ends_with("동기화"), "{last:?}");
            // The status and the account page fit a phone.
            app.client.set_window_size(390, 844).await?;
            for page in ["/", "/account"] {
                app.navigate(page).await?;
                app.wait_for("[data-test=sync-status]").await?;
                let (scroll, inner) = app.phone_widths().await?;
                ensure!(
                    scroll <= inner,
                    "{page} is {scroll:?}px wide in {inner:?}px"
                );
            }
            Ok(())
        },
    )
    .await;
    server.stop().await.unwrap();
}
