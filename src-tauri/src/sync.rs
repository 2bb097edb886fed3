//! Background sync in the shell: one [`SyncHub`] per app when a server is set
//! (`SHAREHUB_SERVER_URL`). It owns the `sharehub-local` sync engine and its loop (a tokio
//! task: sync at start, on the engine's timer, after local writes, when the server is
//! reachable again), the session in the OS keyring, a reachability probe, and the one
//! [`SyncStatus`] the UI shows. Every change of the status goes to the UI as the Tauri event
//! `sync-status` (an event rather than polling: the header updates the moment something
//! happens, and an idle app makes no calls).

mod session_keyring;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use sharehub_core::ipc::{
    AttentionEditArgs, AttentionItem, Connection, IpcError, ResourceCreateArgs, SyncStatus,
    SYNC_STATUS_EVENT,
};
use sharehub_core::wire::{LoginRequest, RegisterRequest, SignedIn};
use sharehub_core::ResourceId;
use sharehub_local::sync::{OutboxEntryId, SessionToken, SyncConfig, SyncEvent};
use sharehub_local::{SyncEngine, SyncStore};
use tauri::{AppHandle, Emitter};

use crate::error::to_ipc;
use session_keyring::{SessionKeyring, StoredSession};

/// The Share Hub server to sync with. Unset: offline demo mode (bundled demo data).
pub const SERVER_URL_ENV: &str = "SHAREHUB_SERVER_URL";

/// Demo convenience for `make run`: `1` signs a new device in as the demo resident. Only
/// honoured when the server is on this machine (a loopback address).
pub const DEMO_SIGN_IN_ENV: &str = "SHAREHUB_DEMO_SIGN_IN";
const DEMO_LOGIN: &str = "resident@demo.sharehub.kr";
/// The demo accounts' password, as `sharehub-server --seed demo` creates them.
const DEMO_PASSWORD: &str = "sharehub-demo-2026";

/// How often the reachability probe asks the server while it answers, and while it does not.
const PROBE_ONLINE: Duration = Duration::from_secs(10);
const PROBE_OFFLINE: Duration = Duration::from_secs(2);

/// The server URL from the environment, if one is set.
pub fn server_url() -> Option<String> {
    std::env::var(SERVER_URL_ENV)
        .ok()
        .map(|url| url.trim().to_owned())
        .filter(|url| !url.is_empty())
}

/// The app's sync state, managed by Tauri: `None` in offline demo mode; the error when the
/// engine could not start (shown by the account page).
pub struct SyncSlot(pub Option<Result<SyncHub, IpcError>>);

impl SyncSlot {
    pub fn hub(&self) -> Result<&SyncHub, IpcError> {
        match &self.0 {
            Some(Ok(hub)) => Ok(hub),
            Some(Err(error)) => Err(error.clone()),
            None => Err(IpcError::Invalid {
                field: "server".into(),
                problem: "no Share Hub server is set (offline demo mode)".into(),
            }),
        }
    }

    /// The status; in offline demo mode, one without a server.
    pub fn status(&self) -> SyncStatus {
        match &self.0 {
            Some(Ok(hub)) => hub.status(),
            Some(Err(error)) => SyncStatus {
                server: server_url(),
                last_error: Some(error.clone()),
                ..SyncStatus::default()
            },
            None => SyncStatus::default(),
        }
    }
}

/// Cheap to clone; all clones share the engine and the status.
#[derive(Clone)]
pub struct SyncHub {
    inner: Arc<Inner>,
}

struct Inner {
    engine: SyncEngine,
    keyring: SessionKeyring,
    status: Mutex<SyncStatus>,
    app: AppHandle,
    probe: reqwest::Client,
    health_url: String,
}

impl SyncHub {
    /// Opens the engine on the device database, resumes the kept session and starts the
    /// sync loop and the probe. Call once, from the Tauri setup (needs the async runtime).
    pub fn start(app: AppHandle, data_dir: &Path, server: &str) -> Result<SyncHub, IpcError> {
        let engine = SyncEngine::open(
            &crate::state::db_path(data_dir),
            server,
            SyncConfig::default(),
        )
        .map_err(to_ipc)?;
        let keyring = SessionKeyring::new(data_dir, server);
        let stored = keyring.load();
        if let Some(session) = &stored {
            engine.resume(SessionToken::new(session.token.clone()));
        }
        let probe = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| IpcError::Internal {
                detail: format!("cannot set up HTTPS: {e}"),
            })?;
        let hub = SyncHub {
            inner: Arc::new(Inner {
                engine,
                keyring,
                status: Mutex::new(SyncStatus {
                    server: Some(server.to_owned()),
                    account: stored.as_ref().map(StoredSession::account),
                    ..SyncStatus::default()
                }),
                app,
                probe,
                health_url: format!("{}/healthz", server.trim_end_matches('/')),
            }),
        };
        let looping = hub.clone();
        tauri::async_runtime::spawn(async move {
            let events = looping.clone();
            looping
                .inner
                .engine
                .run(move |event| events.on_event(event))
                .await;
        });
        let probing = hub.clone();
        tauri::async_runtime::spawn(async move { probing.probe_forever().await });
        let counting = hub.clone();
        tauri::async_runtime::spawn(async move { counting.refresh().await });
        if stored.is_none() && demo_sign_in_allowed(server) {
            let demo = hub.clone();
            tauri::async_runtime::spawn(async move {
                let request = LoginRequest {
                    login: DEMO_LOGIN.into(),
                    password: DEMO_PASSWORD.into(),
                };
                if let Err(error) = demo.sign_in(request).await {
                    eprintln!("Share Hub: the demo sign-in failed: {error}");
                }
            });
        }
        Ok(hub)
    }

    pub fn status(&self) -> SyncStatus {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SyncStatus> {
        self.inner
            .status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes the status and sends it to the UI.
    fn update(&self, change: impl FnOnce(&mut SyncStatus)) -> SyncStatus {
        let status = {
            let mut status = self.lock();
            change(&mut status);
            status.revision += 1;
            status.clone()
        };
        if let Err(error) = self.inner.app.emit(SYNC_STATUS_EVENT, &status) {
            eprintln!("Share Hub: cannot send the sync status to the window: {error}");
        }
        status
    }

    /// Called by the sync loop.
    fn on_event(&self, event: SyncEvent) {
        let synced = matches!(event, SyncEvent::Synced(_));
        let session_over = matches!(
            event,
            SyncEvent::Failed {
                error: sharehub_local::Error::Unauthorized { .. },
                ..
            }
        );
        if session_over {
            // The server ended the session (expired, revoked): forget the token, so the
            // account page asks to sign in again. The data stays until then.
            if let Err(error) = self.inner.keyring.delete() {
                eprintln!("Share Hub: cannot remove the ended session: {error}");
            }
        }
        self.update(|s| apply_event(s, event, Utc::now()));
        if synced {
            self.refresh_later();
        }
    }

    fn refresh_later(&self) {
        let hub = self.clone();
        tauri::async_runtime::spawn(async move { hub.refresh().await });
    }

    /// Re-reads the counts from the database and sends the status.
    pub async fn refresh(&self) -> SyncStatus {
        let counts = self
            .inner
            .engine
            .with_db(|db| {
                Ok((
                    db.pending_count()?,
                    db.needs_attention_count()?,
                    db.store().count_resources()?,
                ))
            })
            .await;
        match counts {
            Ok((pending, needs_attention, local_resources)) => self.update(|s| {
                s.pending = pending;
                s.needs_attention = needs_attention;
                s.local_resources = local_resources;
            }),
            Err(error) => {
                let error = to_ipc(error);
                self.update(|s| s.last_error = Some(error))
            }
        }
    }

    /// Asks the server's `/healthz` now and then: shows online/offline even between syncs
    /// and wakes the sync loop when the server answers again.
    async fn probe_forever(&self) {
        loop {
            let reachable = self
                .inner
                .probe
                .get(&self.inner.health_url)
                .send()
                .await
                .is_ok_and(|answer| answer.status().is_success());
            let before = self.lock().connection;
            let now = if reachable {
                Connection::Online
            } else {
                Connection::Offline
            };
            if before != now {
                self.update(|s| s.connection = now);
                if reachable {
                    self.inner.engine.notify_network_back();
                }
            }
            tokio::time::sleep(if reachable {
                PROBE_ONLINE
            } else {
                PROBE_OFFLINE
            })
            .await;
        }
    }

    pub async fn sign_in(&self, request: LoginRequest) -> Result<SyncStatus, IpcError> {
        let signed_in = self.inner.engine.sign_in(&request).await.map_err(to_ipc)?;
        self.keep_session(&request.login, &signed_in).await
    }

    pub async fn register(&self, request: RegisterRequest) -> Result<SyncStatus, IpcError> {
        let login = request.email.clone().unwrap_or_default();
        let signed_in = self.inner.engine.register(&request).await.map_err(to_ipc)?;
        self.keep_session(&login, &signed_in).await
    }

    async fn keep_session(
        &self,
        login: &str,
        signed_in: &SignedIn,
    ) -> Result<SyncStatus, IpcError> {
        let session = StoredSession {
            token: signed_in.token.clone(),
            login: signed_in
                .account
                .email
                .clone()
                .or_else(|| signed_in.account.phone.clone())
                .unwrap_or_else(|| login.to_owned()),
            role: signed_in.account.role,
        };
        let lifetime = (signed_in.session.expires_at - Utc::now()).to_std().ok();
        self.inner.keyring.save(&session, lifetime)?;
        self.update(|s| {
            s.account = Some(session.account());
            s.connection = Connection::Online;
            s.last_error = None;
            s.data_version += 1;
        });
        Ok(self.refresh().await)
    }

    /// Ends the session (on the server when reachable), removes the account's data from the
    /// device and the token from the keyring.
    pub async fn sign_out(&self) -> Result<SyncStatus, IpcError> {
        self.inner.engine.sign_out().await.map_err(to_ipc)?;
        let forgotten = self.inner.keyring.delete();
        self.update(|s| {
            s.account = None;
            s.last_synced = None;
            s.last_error = None;
            s.data_version += 1;
        });
        forgotten?;
        Ok(self.refresh().await)
    }

    /// The refused and bumped changes, oldest first.
    pub async fn attention_list(&self) -> Result<Vec<AttentionItem>, IpcError> {
        self.inner
            .engine
            .with_db(|db| db.attention_items())
            .await
            .map_err(to_ipc)
    }

    /// Runs a local change on the engine's connection, wakes the loop and updates the status.
    async fn local_change<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut SyncStore) -> Result<T, sharehub_local::Error> + Send + 'static,
    ) -> Result<(T, SyncStatus), IpcError> {
        let value = self.inner.engine.with_db(change).await.map_err(to_ipc)?;
        self.inner.engine.notify_local_write();
        // No `data_version` bump: the change is made on the account page, and every other
        // page reads the data afresh when it is opened.
        Ok((value, self.refresh().await))
    }

    /// The engine's Share Hub API client (for the live bike counts).
    pub fn client(&self) -> &sharehub_local::sync::ApiClient {
        self.inner.engine.client()
    }

    pub async fn retry(&self, entry: uuid::Uuid) -> Result<SyncStatus, IpcError> {
        let changed = self.local_change(move |db| db.retry(OutboxEntryId(entry)));
        changed.await.map(|((), status)| status)
    }

    /// Sends a refused change again with a new name and description.
    pub async fn edit(&self, args: AttentionEditArgs) -> Result<SyncStatus, IpcError> {
        let changed = self.local_change(move |db| db.edit_typed_and_retry(&args));
        changed.await.map(|((), status)| status)
    }

    pub async fn discard(&self, entry: uuid::Uuid) -> Result<SyncStatus, IpcError> {
        let changed = self.local_change(move |db| db.discard(OutboxEntryId(entry)));
        changed.await.map(|((), status)| status)
    }

    /// A booking change (request, cancel, move, check-in, decision, rules, an alternative
    /// taken) on the engine's connection: shown at once, sent by the loop.
    pub async fn booking_change<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut SyncStore) -> Result<T, sharehub_local::Error> + Send + 'static,
    ) -> Result<(T, SyncStatus), IpcError> {
        self.local_change(change).await
    }

    /// Shares what the form describes (shown at once, sent by the loop).
    pub async fn share(&self, form: ResourceCreateArgs) -> Result<ResourceId, IpcError> {
        let shared = self.local_change(move |db| db.share(&form));
        shared.await.map(|(id, _)| id)
    }
}

/// What a sync event changes in the status (pure, so it is tested without a window).
fn apply_event(s: &mut SyncStatus, event: SyncEvent, now: chrono::DateTime<Utc>) {
    match event {
        SyncEvent::Progress(progress) => {
            s.connection = Connection::Online;
            // A routine sync that finds nothing new shows no "downloading 0".
            if progress.done == 0 {
                return;
            }
            s.progress = Some(progress);
        }
        SyncEvent::Synced(report) => {
            s.connection = Connection::Online;
            s.progress = None;
            s.last_error = None;
            s.last_synced = Some(now);
            s.pending = report.pending;
            if report.pulled > 0 || report.pushed > 0 || report.needs_attention > 0 {
                s.data_version += 1;
            }
        }
        SyncEvent::Failed { error, .. } => {
            s.progress = None;
            match &error {
                sharehub_local::Error::Offline { .. } => s.connection = Connection::Offline,
                sharehub_local::Error::Unauthorized { .. } => s.account = None,
                _ => {}
            }
            // Not being signed in is shown as such, not as an error.
            let not_signed_in = matches!(error, sharehub_local::Error::NotSignedIn);
            s.last_error = (!not_signed_in).then(|| to_ipc(error));
        }
    }
}

/// The demo sign-in only ever goes to a server on this machine.
fn demo_sign_in_allowed(server: &str) -> bool {
    std::env::var(DEMO_SIGN_IN_ENV).is_ok_and(|v| v == "1") && is_loopback(server)
}

fn is_loopback(server: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(server) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use sharehub_core::ipc::AccountSummary;
    use sharehub_core::wire::Role;
    use sharehub_local::sync::{SyncProgress as Pulled, SyncReport};

    use super::*;

    fn signed_in() -> SyncStatus {
        SyncStatus {
            server: Some("http://127.0.0.1:8787".into()),
            account: Some(AccountSummary {
                login: "resident@demo.sharehub.kr".into(),
                role: Role::Resident,
            }),
            ..SyncStatus::default()
        }
    }

    fn failed(error: sharehub_local::Error) -> SyncEvent {
        SyncEvent::Failed {
            error,
            next_try: None,
        }
    }

    #[test]
    fn events_move_the_status() {
        let now = Utc::now();
        let mut s = signed_in();
        apply_event(
            &mut s,
            SyncEvent::Progress(Pulled {
                done: 5000,
                total: Some(12000),
            }),
            now,
        );
        assert_eq!(s.connection, Connection::Online);
        assert_eq!(
            s.progress.map(|p| (p.done, p.total)),
            Some((5000, Some(12000)))
        );

        let mut idle = signed_in();
        apply_event(
            &mut idle,
            SyncEvent::Progress(Pulled {
                done: 0,
                total: None,
            }),
            now,
        );
        assert_eq!(idle.progress, None, "nothing received, no progress shown");

        let offline = sharehub_local::Error::Offline {
            detail: "connection refused".into(),
        };
        apply_event(&mut s, failed(offline), now);
        assert_eq!(s.connection, Connection::Offline);
        assert_eq!(s.progress, None);
        assert_eq!(s.last_error, Some(IpcError::Offline));

        let report = SyncReport {
            pushed: 1,
            pending: 2,
            ..SyncReport::default()
        };
        apply_event(&mut s, SyncEvent::Synced(report), now);
        assert_eq!(s.connection, Connection::Online);
        assert_eq!(
            (s.last_error.clone(), s.last_synced, s.pending),
            (None, Some(now), 2)
        );
        assert_eq!(
            s.data_version, 1,
            "a sync that moved data bumps the version"
        );
        apply_event(&mut s, SyncEvent::Synced(SyncReport::default()), now);
        assert_eq!(s.data_version, 1, "an empty sync does not");

        apply_event(&mut s, failed(sharehub_local::Error::NotSignedIn), now);
        assert_eq!(s.last_error, None, "not signed in is no error");

        let ended = sharehub_local::Error::Unauthorized {
            detail: "session expired".into(),
        };
        apply_event(&mut s, failed(ended), now);
        assert_eq!(s.account, None, "an ended session signs out");
        assert_eq!(s.last_error, Some(IpcError::Unauthorized));
    }

    #[test]
    fn only_loopback_servers_get_the_demo_sign_in() {
        for (url, loopback) in [
            ("http://127.0.0.1:8787", true),
            ("http://localhost:8787/", true),
            ("http://[::1]:8787", true),
            ("http://127.8.0.1", true),
            ("https://hub.example.kr", false),
            ("http://10.0.0.2:8787", false),
            ("http://localhost.example.kr", false),
            ("not a url", false),
        ] {
            assert_eq!(is_loopback(url), loopback, "{url}");
        }
    }
}
