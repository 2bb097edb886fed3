//! [`SyncEngine`]: the I/O side of sync. It pushes the outbox, pulls changes and drives the
//! long-running loop; every decision it acts on comes from [`super::plan`] and
//! [`super::schedule`].

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sharehub_core::wire::{LoginRequest, RegisterRequest, SignedIn};
use tokio::sync::mpsc;

mod pulling;

use super::client::{ApiClient, SessionToken};
use super::replica::SyncStore;
use super::schedule::{
    retry_delay, Attempt, Failure, JitterSource, RetryPolicy, Scheduler, SplitMix64, Trigger,
};
use crate::error::{Error, Result};

/// Sizes and pacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncConfig {
    /// Changes per pulled page (the server allows up to 5,000).
    pub page_size: u32,
    /// Mutations per pushed batch (the server allows up to 100).
    pub batch_size: usize,
    pub policy: RetryPolicy,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            page_size: sharehub_core::wire::sync::MAX_CHANGES_LIMIT,
            batch_size: sharehub_core::wire::sync::MAX_BATCH_MUTATIONS,
            policy: RetryPolicy::default(),
        }
    }
}

/// How far a pull is, for a progress bar during a long first sync: changes applied so far
/// and, estimated from the newest `seq` the server gave (an upper bound: it counts changes
/// this person cannot see), all of this sync's. The IPC contract's own type.
pub use sharehub_core::ipc::SyncProgress;

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Local changes the server applied.
    pub pushed: u64,
    /// Local changes the server refused or bumped (now in the needs-attention list).
    pub needs_attention: u64,
    /// Local changes still waiting (written during the sync, or not answered).
    pub pending: u64,
    /// Changes pulled and applied (a catch-up's too).
    pub pulled: u64,
    /// Pulled changes of a kind this build cannot read, skipped (also counted in
    /// `SyncStore::skipped_changes`).
    pub skipped: u64,
    pub pages: u32,
    /// The pull cursor afterwards.
    pub cursor: u64,
    pub elapsed: Duration,
}

/// What signing out did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedOut {
    /// False when the server could not be told (offline): the session ends when it expires.
    pub ended_on_server: bool,
}

/// What the loop tells the app.
#[derive(Debug)]
pub enum SyncEvent {
    Progress(SyncProgress),
    Synced(SyncReport),
    /// The attempt failed; `next_try` is when the loop tries again (`None`: after sign-in).
    Failed {
        error: Error,
        next_try: Option<Duration>,
    },
}

enum Command {
    Trigger(Trigger),
    Shutdown,
}

/// The sync engine of one device database and one server. Cheap to clone; all clones
/// share the session, the loop and the database connection.
#[derive(Clone)]
pub struct SyncEngine {
    inner: Arc<Inner>,
}

struct Inner {
    client: ApiClient,
    db: Arc<Mutex<SyncStore>>,
    token: RwLock<Option<SessionToken>>,
    /// One sync (or sign-in/out) at a time.
    busy: tokio::sync::Mutex<()>,
    commands: mpsc::UnboundedSender<Command>,
    inbox: tokio::sync::Mutex<mpsc::UnboundedReceiver<Command>>,
    config: SyncConfig,
    /// Woken when the session changes (the event stream reconnects with the new one).
    session_changed: tokio::sync::Notify,
    /// The newest change-log `seq` the server announced (0: none yet).
    latest_seq: AtomicU64,
    /// Whether the session's account was checked against the one the database holds.
    account_checked: AtomicBool,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("server", &self.inner.client.base())
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl SyncEngine {
    /// An engine for the database at `db_path` (its own connection) and the server at
    /// `server` (e.g. `https://hub.example.kr`). No session yet: see [`Self::resume`].
    pub fn open(db_path: &Path, server: &str, config: SyncConfig) -> Result<SyncEngine> {
        let db = SyncStore::open(db_path)?;
        let (commands, inbox) = mpsc::unbounded_channel();
        Ok(SyncEngine {
            inner: Arc::new(Inner {
                client: ApiClient::new(server)?,
                db: Arc::new(Mutex::new(db)),
                token: RwLock::new(None),
                busy: tokio::sync::Mutex::new(()),
                commands,
                inbox: tokio::sync::Mutex::new(inbox),
                config,
                session_changed: tokio::sync::Notify::new(),
                latest_seq: AtomicU64::new(0),
                account_checked: AtomicBool::new(false),
            }),
        })
    }

    pub fn client(&self) -> &ApiClient {
        &self.inner.client
    }

    /// Runs `f` on the engine's database connection, off the async workers.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut SyncStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let db = self.inner.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut store)
        })
        .await
        .map_err(|e| Error::Invalid {
            field: "sync".into(),
            problem: format!("a database task failed: {e}"),
        })?
    }

    fn token(&self) -> Option<SessionToken> {
        self.inner
            .token
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set_token(&self, token: Option<SessionToken>) {
        *self
            .inner
            .token
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = token;
        self.inner.account_checked.store(false, Ordering::SeqCst);
        self.inner.session_changed.notify_waiters();
        self.trigger(Trigger::SessionChanged);
    }

    /// Wakes the loop (see [`Trigger`]); does nothing when no loop runs.
    pub fn trigger(&self, trigger: Trigger) {
        let _ = self.inner.commands.send(Command::Trigger(trigger));
    }

    /// Call after every local change (`SyncStore::create_resource`, …).
    pub fn notify_local_write(&self) {
        self.trigger(Trigger::LocalWrite);
    }

    /// Call when the system reports the network is back.
    pub fn notify_network_back(&self) {
        self.trigger(Trigger::NetworkBack);
    }

    /// Stops [`Self::run`] after its current attempt.
    pub fn shutdown(&self) {
        let _ = self.inner.commands.send(Command::Shutdown);
    }

    /// At start-up, with the token the app kept in the keyring.
    pub fn resume(&self, token: SessionToken) {
        self.set_token(Some(token));
    }

    /// Whether a session token is set.
    pub fn has_session(&self) -> bool {
        self.token().is_some()
    }

    /// Registers an account; the new session is used from now on. The caller keeps
    /// `SignedIn::token` (in the keyring): the engine holds it in memory only.
    pub async fn register(&self, request: &RegisterRequest) -> Result<SignedIn> {
        let signed_in = self.inner.client.register(request).await?;
        self.start_session(&signed_in).await?;
        Ok(signed_in)
    }

    /// Logs in. Signing in with another account than the device had first removes the
    /// previous account's data (as signing out does).
    pub async fn sign_in(&self, request: &LoginRequest) -> Result<SignedIn> {
        let signed_in = self.inner.client.login(request).await?;
        self.start_session(&signed_in).await?;
        Ok(signed_in)
    }

    async fn start_session(&self, signed_in: &SignedIn) -> Result<()> {
        let _busy = self.inner.busy.lock().await;
        let account = signed_in.account.id;
        self.with_db(move |db| db.set_account(account)).await?;
        self.set_token(Some(SessionToken::new(signed_in.token.clone())));
        self.inner.account_checked.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Signs out: ends the session on the server when it can be reached, forgets the token
    /// and removes the account's data and unsent changes from the device (check
    /// `SyncStore::pending_count` first to warn the person).
    pub async fn sign_out(&self) -> Result<SignedOut> {
        let _busy = self.inner.busy.lock().await;
        let token = self.token();
        let ended_on_server = match &token {
            Some(token) => match self.inner.client.logout(token).await {
                Ok(()) | Err(Error::Unauthorized { .. }) => true,
                Err(_) => false,
            },
            None => false,
        };
        self.with_db(|db| db.forget_account()).await?;
        *self
            .inner
            .token
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        self.inner.session_changed.notify_waiters();
        self.trigger(Trigger::SessionChanged);
        Ok(SignedOut { ended_on_server })
    }

    /// One full sync: push the outbox, then pull every change.
    pub async fn run_once(&self) -> Result<SyncReport> {
        self.run_once_with_progress(|_| {}).await
    }

    /// [`Self::run_once`], reporting pull progress.
    pub async fn run_once_with_progress(
        &self,
        mut progress: impl FnMut(SyncProgress) + Send,
    ) -> Result<SyncReport> {
        let _busy = self.inner.busy.lock().await;
        let started = tokio::time::Instant::now();
        let token = self.token().ok_or(Error::NotSignedIn)?;
        if !self.inner.account_checked.load(Ordering::SeqCst) {
            // A resumed session (a token from the keyring) may belong to another account
            // than the database's: never send one person's changes with another's token.
            let me = self.inner.client.me(&token).await?;
            self.with_db(move |db| db.set_account(me.id)).await?;
            self.inner.account_checked.store(true, Ordering::SeqCst);
        }
        let mut report = SyncReport::default();
        self.push(&token, &mut report).await?;
        self.pull(&token, &mut report, &mut progress).await?;
        report.pending = self.with_db(|db| db.pending_count()).await?;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    async fn push(&self, token: &SessionToken, report: &mut SyncReport) -> Result<()> {
        let mut batch_size = self.inner.config.batch_size.max(1);
        let mut sent = HashSet::new();
        loop {
            let exclude = sent.clone();
            let batch = self
                .with_db(move |db| db.next_batch(batch_size, &exclude))
                .await?;
            if batch.is_empty() {
                return Ok(());
            }
            let requests = batch.iter().map(|o| o.request.clone()).collect();
            match self.inner.client.mutations(token, requests).await {
                Ok(answers) => {
                    sent.extend(batch.iter().map(|o| o.seq));
                    let settled = self
                        .with_db(move |db| db.settle(&batch, &answers.results))
                        .await?;
                    report.pushed += settled.applied;
                    report.needs_attention += settled.needs_attention;
                }
                Err(e) if e.failure() == Failure::Permanent => {
                    if batch.len() > 1 {
                        // One of them makes the server refuse the whole batch: send one at
                        // a time to find it, the rest still go through.
                        batch_size = 1;
                        continue;
                    }
                    sent.extend(batch.iter().map(|o| o.seq));
                    let reason = format!("the server refused this change: {e}");
                    self.with_db(move |db| db.refuse(&batch[0], reason)).await?;
                    report.needs_attention += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The sync loop, until [`Self::shutdown`]: syncs at start, then when a trigger or the
    /// timer says (see [`Scheduler`]); failures back off with full jitter and never stop it.
    /// Only one loop runs per engine at a time.
    pub async fn run(&self, on_event: impl FnMut(SyncEvent) + Send) {
        self.run_with_jitter(Box::new(SplitMix64::from_time()), on_event)
            .await;
    }

    /// [`Self::run`] with a given jitter source (tests).
    pub async fn run_with_jitter(
        &self,
        rng: Box<dyn JitterSource>,
        on_event: impl FnMut(SyncEvent) + Send,
    ) {
        let mut inbox = self.inner.inbox.lock().await;
        let on_event = Mutex::new(on_event);
        let events = &on_event;
        let emit = move |event: SyncEvent| {
            let mut on_event = events
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            on_event(event);
        };
        let policy = self.inner.config.policy;
        let mut listener_rng = SplitMix64::new(u64::from(std::process::id()) ^ 0x5EED);
        tokio::select! {
            () = drive(
                policy,
                rng,
                &mut inbox,
                move || self.run_once_with_progress(move |p| emit(SyncEvent::Progress(p))),
                emit,
            ) => {}
            () = self.listen(&mut listener_rng) => {}
        }
    }

    /// Keeps the server's event stream open while signed in and turns each announced
    /// change past the cursor into [`Trigger::RemoteChange`]. Reconnects with backoff;
    /// waits for a new session after a 401. Runs until the loop ends.
    async fn listen(&self, rng: &mut dyn JitterSource) {
        let policy = self.inner.config.policy;
        let mut failures = 0u32;
        loop {
            let session_changed = self.inner.session_changed.notified();
            tokio::pin!(session_changed);
            let Some(token) = self.token() else {
                session_changed.await;
                continue;
            };
            let since = self.with_db(|db| db.cursor()).await.unwrap_or(0);
            let opened = tokio::select! {
                opened = self.inner.client.events(&token, since) => opened,
                () = &mut session_changed => continue,
            };
            let error = match opened {
                Ok(mut stream) => loop {
                    let next = tokio::select! {
                        next = stream.next_seq() => next,
                        // Reconnect with the new session (or none).
                        () = &mut session_changed => break None,
                    };
                    match next {
                        Ok(Some(seq)) => {
                            failures = 0;
                            self.inner.latest_seq.fetch_max(seq, Ordering::Relaxed);
                            let cursor = self.with_db(|db| db.cursor()).await.unwrap_or(0);
                            if seq > cursor {
                                self.trigger(Trigger::RemoteChange);
                            }
                        }
                        Ok(None) => {
                            break Some(Error::Offline {
                                detail: "the server closed the event stream".into(),
                            })
                        }
                        Err(e) => break Some(e),
                    }
                },
                Err(e) => Some(e),
            };
            let Some(error) = error else {
                continue;
            };
            if error.failure() == Failure::Unauthorized {
                session_changed.await;
                continue;
            }
            failures = failures.saturating_add(1);
            let wait = retry_delay(&policy, failures, rng).max(policy.base);
            tracing::debug!(%error, ?wait, "event stream closed; reconnecting");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut session_changed => {}
            }
        }
    }
}

/// The loop itself, over any attempt: waits for a trigger or the scheduler's timer, runs
/// the attempt when the scheduler says, and reports. Time is tokio's (pausable in tests).
async fn drive<Fut>(
    policy: RetryPolicy,
    mut rng: Box<dyn JitterSource>,
    inbox: &mut mpsc::UnboundedReceiver<Command>,
    mut attempt: impl FnMut() -> Fut,
    mut emit: impl FnMut(SyncEvent),
) where
    Fut: std::future::Future<Output = Result<SyncReport>>,
{
    let now = || tokio::time::Instant::now().into_std();
    let mut scheduler = Scheduler::new(policy, now());
    let mut run_now = scheduler.on_trigger(Trigger::Start, now());
    // Triggers from before the start (a sign-in, writes) are covered by the start sync.
    while let Ok(command) = inbox.try_recv() {
        if let Command::Shutdown = command {
            return;
        }
    }
    loop {
        if run_now {
            let result = attempt().await;
            let outcome = match &result {
                Ok(report) => Attempt::Done {
                    more: report.pending > 0 && report.pushed + report.needs_attention > 0,
                },
                Err(e) => Attempt::Failed(e.failure()),
            };
            scheduler.after(outcome, now(), rng.as_mut());
            let next_try = scheduler
                .next_wake()
                .map(|at| at.saturating_duration_since(now()));
            match &result {
                Ok(report) => tracing::debug!(?report, "synced"),
                Err(error) => tracing::warn!(%error, ?next_try, "sync failed"),
            }
            emit(match result {
                Ok(report) => SyncEvent::Synced(report),
                Err(error) => SyncEvent::Failed { error, next_try },
            });
        }
        let command = match scheduler.next_wake() {
            Some(at) => tokio::select! {
                () = tokio::time::sleep_until(tokio::time::Instant::from_std(at)) => {
                    Some(Command::Trigger(Trigger::Timer))
                }
                command = inbox.recv() => command,
            },
            None => inbox.recv().await,
        };
        run_now = match command {
            Some(Command::Trigger(trigger)) => scheduler.on_trigger(trigger, now()),
            Some(Command::Shutdown) | None => return,
        };
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// Jitter at the top of the window, so the schedule is exact.
    struct Top;
    impl JitterSource for Top {
        fn up_to(&mut self, bound: u64) -> u64 {
            bound
        }
    }

    fn offline() -> Result<SyncReport> {
        Err(Error::Offline {
            detail: "connection refused".into(),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_runs_on_triggers_and_backs_off_in_virtual_time() {
        let policy = RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(8),
            poll_every: Duration::from_secs(60),
        };
        let (tx, mut inbox) = mpsc::unbounded_channel();
        let t0 = tokio::time::Instant::now();
        let runs = Mutex::new(Vec::new());
        let results = Mutex::new(VecDeque::from([offline(), offline()]));
        let events = Mutex::new(Vec::new());
        let attempt = || {
            runs.lock().unwrap().push(t0.elapsed().as_secs());
            let result = results
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(SyncReport::default()));
            async move { result }
        };
        let at = |s| tokio::time::sleep_until(t0 + Duration::from_secs(s));
        let script = async {
            at(2).await; // backing off: a write waits for the retry at 3 s
            tx.send(Command::Trigger(Trigger::LocalWrite)).unwrap();
            at(10).await; // healthy again: a write syncs at once
            tx.send(Command::Trigger(Trigger::LocalWrite)).unwrap();
            at(100).await; // nothing happens: the poll timer at 70 s fired
            tx.send(Command::Trigger(Trigger::NetworkBack)).unwrap();
            at(101).await;
            tx.send(Command::Shutdown).unwrap();
        };
        let emit = |event: SyncEvent| {
            events.lock().unwrap().push(match event {
                SyncEvent::Failed { next_try, .. } => next_try.map(|d| d.as_secs()),
                _ => None,
            })
        };
        tokio::join!(
            drive(policy, Box::new(Top), &mut inbox, attempt, emit),
            script
        );
        assert_eq!(*runs.lock().unwrap(), [0, 1, 3, 10, 70, 100]);
        assert_eq!(
            events.lock().unwrap()[..2],
            [Some(1), Some(2)],
            "the failures said when the next try is"
        );
    }
}
