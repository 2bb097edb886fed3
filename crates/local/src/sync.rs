//! Sync with the Share Hub server: server-authoritative mutations (the Replicache /
//! PowerSync pattern).
//!
//! - The app records a change with [`SyncStore::create_resource`] (…`update_`, `retire_`):
//!   one `BEGIN IMMEDIATE` transaction queues it in the outbox with an idempotency key
//!   (UUIDv7) and shows it at once. The server's last known version of the record is kept
//!   (`server_resource`) until the server answers.
//! - [`SyncEngine::run_once`] pushes the outbox in batches (`POST /v1/sync/mutations`): an
//!   applied change is confirmed; a rejected or bumped one is reverted to the server's
//!   version and listed in [`SyncStore::needs_attention`] with the server's reason (retry,
//!   edit and retry, or discard). A crash between sending and recording is harmless: the
//!   same key gets the first answer again.
//! - Then it pulls (`GET /v1/sync/changes`) page by page; each page and the cursor are
//!   written in one transaction.
//! - [`SyncEngine::run`] is the long-running loop: triggers (start, timer, local write,
//!   network back, sign-in) and exponential backoff with full jitter.
//!
//! Decisions are pure functions in [`plan`] and [`schedule`], tested with tables; the
//! engine only carries them out.
//!
//! # Driving it from the app shell
//!
//! ```text
//! start-up:   let engine = SyncEngine::open(&db_path, server_url, SyncConfig::default())?;
//!             let ui_db = SyncStore::open(&db_path)?;        // for the UI's changes and lists
//!             if let Some(t) = keyring_token() { engine.resume(SessionToken::new(t)); }
//!             spawn(engine.clone().run(|event| forward_to_ui(event)));  // tokio task
//! sign in:    let signed_in = engine.sign_in(&LoginRequest { .. }).await?;   // or register
//!             keyring_store(&signed_in.token);             // the engine keeps it in memory only
//! a change:   ui_db.create_resource(r)? / update_resource(r)? / retire_resource(id)?;
//!             engine.notify_local_write();
//! the UI:     ui_db.pending_count()?, ui_db.needs_attention()?,
//!             ui_db.retry(entry)?, ui_db.edit_and_retry(entry, r)?, ui_db.discard(entry)?
//!             (then notify_local_write)
//! network:    engine.notify_network_back();   // on the OS's "online" event
//! timer:      nothing to do: the loop polls every `RetryPolicy::poll_every`
//! sign out:   engine.sign_out().await?; keyring_delete();
//! quit:       engine.shutdown();
//! ```

mod client;
mod engine;
mod outbox;
pub mod plan;
mod pull;
mod replica;
pub mod schedule;

pub use client::{ApiClient, EventStream, SessionToken};
pub use engine::{SignedOut, SyncConfig, SyncEngine, SyncEvent, SyncProgress, SyncReport};
pub use outbox::{EntryStatus, NeedsAttention, OutboxEntry, OutboxEntryId};
pub use plan::ResourceChange;
pub use pull::PageApplied;
pub use replica::SyncStore;
pub use schedule::{RetryPolicy, Trigger};

#[cfg(test)]
mod tests;
