//! The end-to-end harness, one library for every test and tool of this crate:
//! - the app under WebDriver (this file): a private Xvfb display and tauri-driver (which
//!   starts WebKitWebDriver), then the real `sharehub-app` binary in a WebDriver session,
//!   with its own app-data directory; on a failed test a screenshot is saved under
//!   `target/e2e-screenshots/`. Steps a person takes in it: [`ui`];
//! - the server in this process over SQLite or PostgreSQL ([`hub`]) or as its own process
//!   ([`server_process`]);
//! - waiting for a condition with a deadline ([`wait`]); test data ([`fixtures`]); what a
//!   person's records are on the server and on a device ([`views`]); a device's sync loop
//!   ([`engine_loop`]); the kill -9 loop ([`kill`]).
//!
//! Needs: `Xvfb`, `tauri-driver`, `WebKitWebDriver` on PATH and a built app
//! (`target/debug/sharehub-app`, or `SHAREHUB_APP_BIN`). `make test` provides all of them.
//! PostgreSQL: `SHAREHUB_TEST_DATABASE_URL`, set by `scripts/with-postgres.sh`.

pub mod city;
pub mod engine_loop;
pub mod fixtures;
pub mod hub;
pub mod kill;
pub mod server_process;
pub mod ui;
pub mod views;
pub mod wait;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a UI condition may take before a test fails.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

pub fn app_binary() -> PathBuf {
    std::env::var_os("SHAREHUB_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/sharehub-app"))
}

/// What the app is started with.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// System locale the app sees (`ko_KR.UTF-8` makes Korean the default language).
    pub locale: String,
    /// Reuse an app-data directory (to test what survives a restart).
    pub data_dir: Option<PathBuf>,
    /// More environment for the app (e.g. `SHAREHUB_SEED_FILE`).
    pub env: Vec<(String, String)>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            locale: "ko_KR.UTF-8".into(),
            data_dir: None,
            env: Vec::new(),
        }
    }
}

/// A running app under WebDriver. Call [`App::close`] at the end; dropping it also stops
/// the processes.
pub struct App {
    pub client: Client,
    pub data_dir: PathBuf,
    /// Time from asking for the session (which starts the app) to the session being ready.
    pub session_started_in: Duration,
    launched_at: Instant,
    _own_data_dir: Option<tempfile::TempDir>,
    driver: Child,
    xvfb: Child,
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn start_xvfb() -> Result<(Child, String)> {
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start Xvfb (apt-get install xvfb; `make test` installs it)")?;
    let stdout = xvfb.stdout.take().context("Xvfb stdout")?;
    let mut line = String::new();
    // Xvfb writes the display number once it accepts connections.
    tokio::time::timeout(UI_TIMEOUT, BufReader::new(stdout).read_line(&mut line))
        .await
        .context("Xvfb did not report a display in time")??;
    let display = line.trim();
    if display.is_empty() {
        bail!("Xvfb exited without a display");
    }
    Ok((xvfb, format!(":{display}")))
}

/// Waits until tauri-driver and the WebKitWebDriver it starts both accept connections.
async fn wait_for_driver(ports: [u16; 2], driver: &mut Child) -> Result<()> {
    let what = format!("tauri-driver listens on ports {ports:?}");
    wait::until(&what, UI_TIMEOUT, async || {
        for port in ports {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                if let Some(status) = driver.try_wait()? {
                    bail!("tauri-driver exited early with {status}");
                }
                return Ok(None);
            }
        }
        Ok(Some(()))
    })
    .await
}

impl App {
    pub async fn launch() -> Result<App> {
        Self::launch_with(LaunchOptions::default()).await
    }

    pub async fn launch_with(options: LaunchOptions) -> Result<App> {
        let binary = app_binary();
        if !binary.exists() {
            bail!(
                "app binary {} is missing: run `cargo build -p sharehub-app` (make test does)",
                binary.display()
            );
        }
        let (own_data_dir, data_dir) = match options.data_dir {
            Some(dir) => (None, dir),
            None => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
        };
        let (xvfb, display) = start_xvfb().await?;
        let port = free_port()?;
        let native_port = free_port()?;
        let mut driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("SHAREHUB_DATA_DIR", &data_dir)
            .env("LANG", &options.locale)
            .env("LC_ALL", &options.locale)
            .env("LANGUAGE", &options.locale)
            .envs(options.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context(
                "cannot start tauri-driver (cargo install tauri-driver; `make test` installs it)",
            )?;
        let launched = async {
            wait_for_driver([port, native_port], &mut driver).await?;
            let mut caps = serde_json::Map::new();
            caps.insert("browserName".into(), "wry".into());
            caps.insert(
                "tauri:options".into(),
                serde_json::json!({ "application": binary.canonicalize()? }),
            );
            let launched_at = Instant::now();
            let client =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await
                    .context("WebDriver session could not start the app")?;
            anyhow::Ok((client, launched_at))
        }
        .await;
        let (client, launched_at) = match launched {
            Ok(started) => started,
            Err(error) => {
                stop(&mut driver).await;
                return Err(error);
            }
        };
        Ok(App {
            client,
            data_dir,
            session_started_in: launched_at.elapsed(),
            launched_at,
            _own_data_dir: own_data_dir,
            driver,
            xvfb,
        })
    }

    /// Time since the app was asked to start.
    pub fn since_launch(&self) -> Duration {
        self.launched_at.elapsed()
    }

    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element {css:?} appeared"))
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    /// Waits until `check` returns `Some`, up to UI_TIMEOUT (see [`wait::until`]).
    pub async fn until<T>(
        &self,
        what: &str,
        check: impl AsyncFnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        self.until_within(what, UI_TIMEOUT, check).await
    }

    /// [`App::until`] with a limit of its own, for what waits on the network.
    pub async fn until_within<T>(
        &self,
        what: &str,
        limit: Duration,
        mut check: impl AsyncFnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        wait::until(what, limit, async || match check().await {
            // An element re-rendered while it was being read: the page has not settled
            // yet, so look again (any other error fails at once).
            Err(error) if is_stale_element(&error) => Ok(None),
            answer => answer,
        })
        .await
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Goes to an in-app route without reloading (the router listens to popstate).
    pub async fn navigate(&self, path: &str) -> Result<()> {
        self.client
            .execute(
                "history.pushState({}, '', arguments[0]); window.dispatchEvent(new PopStateEvent('popstate'));",
                vec![path.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session (closing the app) and stops tauri-driver and Xvfb.
    pub async fn close(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        stop(&mut self.driver).await;
        let _ = self.xvfb.kill().await;
        closed?;
        Ok(())
    }
}

fn is_stale_element(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<fantoccini::error::CmdError>(),
            Some(fantoccini::error::CmdError::Standard(e))
                if matches!(e.error, fantoccini::error::ErrorStatus::StaleElementReference
                    | fantoccini::error::ErrorStatus::NoSuchElement)
        ) || cause.to_string().contains("was not found")
    })
}

/// SIGTERM lets tauri-driver stop its WebKitWebDriver; SIGKILL would orphan it.
async fn stop(driver: &mut Child) {
    if let Some(pid) = driver.id() {
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
        if tokio::time::timeout(Duration::from_secs(5), driver.wait())
            .await
            .is_ok()
        {
            return;
        }
    }
    let _ = driver.kill().await;
}

/// Runs one end-to-end test against a freshly launched app; on failure saves a screenshot
/// as `target/e2e-screenshots/<name>.png` and fails with the error.
pub async fn run_app_test<F>(name: &str, options: LaunchOptions, test: F)
where
    F: AsyncFnOnce(&App) -> Result<()>,
{
    let app = match App::launch_with(options).await {
        Ok(app) => app,
        Err(error) => panic!("{name}: could not launch the app: {error:#}"),
    };
    let outcome = test(&app).await;
    if let Err(error) = &outcome {
        let shot = app.screenshot(name).await;
        let _ = app.close().await;
        match shot {
            Ok(path) => panic!("{name} failed: {error:#}\nscreenshot: {}", path.display()),
            Err(shot_error) => panic!("{name} failed: {error:#}\n(no screenshot: {shot_error})"),
        }
    }
    if let Err(error) = app.close().await {
        panic!("{name}: closing the app failed: {error:#}");
    }
}
