//! Sync with the Share Hub server: server-authoritative mutations (the Replicache /
//! PowerSync pattern).
//!
//! - The app records a change (any wire [`sharehub_core::wire::Mutation`]) with
//!   [`SyncStore::record`] (or [`SyncStore::create_resource`], …`update_`, `retire_`): one
//!   `BEGIN IMMEDIATE` transaction queues it in the outbox with an idempotency key (UUIDv7)
//!   and shows it at once. The server's last known version of the record is kept
//!   (`server_copy`) until the server answers.
//! - What differs between kinds of record (which record a mutation changes, how it shows,
//!   how a pulled change applies) lives in one module per kind (`sync/kinds/`, implementing
//!   `record_kind::RecordKind`); the outbox, the settling of answers and the pull are the same
//!   for every kind.
//! - [`SyncEngine::run_once`] pushes the outbox in batches (`POST /v1/sync/mutations`): an
//!   applied change is confirmed; a rejected or bumped one is reverted to the server's
//!   version and listed in [`SyncStore::needs_attention`] with the server's reason (retry,
//!   edit and retry, or discard). A crash between sending and recording is harmless: the
//!   same key gets the first answer again.
//! - Then it pulls (`GET /v1/sync/changes`, asking for the kinds this build knows) page
//!   by page; each page and the cursor are written in one transaction. Kinds the build
//!   knows but the device has not synced are first fetched from the start.
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
//! the UI:     ui_db.pending_count()?, ui_db.attention_items()?,
//!             ui_db.retry(entry)?, ui_db.edit_typed_and_retry(&args)?, ui_db.discard(entry)?
//!             (then notify_local_write)
//! network:    engine.notify_network_back();   // on the OS's "online" event
//! timer:      nothing to do: the loop polls every `RetryPolicy::poll_every`
//! sign out:   engine.sign_out().await?; keyring_delete();
//! quit:       engine.shutdown();
//! ```

mod account;
mod booking_changes;
mod client;
mod copies;
mod engine;
mod entry;
mod kinds;
mod outbox;
pub mod plan;
mod pull;
mod push;
mod record;
mod record_kind;
mod replica;
mod resource_changes;
pub mod schedule;

pub use client::{ApiClient, EventStream, SessionToken};
pub use engine::{SignedOut, SyncConfig, SyncEngine, SyncEvent, SyncProgress, SyncReport};
pub use entry::{EntryStatus, NeedsAttention, OutboxEntry, OutboxEntryId};
pub use pull::PageApplied;
pub use record::{RecordRef, ServerCopy};
pub use replica::SyncStore;
pub use schedule::{RetryPolicy, Trigger};

#[cfg(test)]
mod tests;
