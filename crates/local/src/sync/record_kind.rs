//! [`RecordKind`]: what one kind of record must tell sync, implemented once per kind in
//! `sync/kinds/`.

use sharehub_core::ipc::AttentionItem;
use sharehub_core::wire::{AccountId, Alternative, Change, EntityKind, Mutation};
use uuid::Uuid;

use super::entry::NeedsAttention;
use super::record::ServerCopy;
use super::replica::Tx;
use crate::error::Result;
use crate::Store;

/// What one kind of record must tell sync. Everything else (the outbox, settling answers,
/// server copies, pages and cursors) is the same for every kind. A new kind is one module in
/// `sync/kinds/` implementing this, its table (a migration) and a line in `sync/kinds.rs`.
/// What the device knew of a record when the server applied a change of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Known {
    /// The server's copy kept while changes were pending.
    pub copy: Option<ServerCopy>,
    /// The shown row (the pending changes on top of the copy).
    pub shown: Option<ServerCopy>,
}

pub(crate) trait RecordKind: Sync {
    fn entity(&self) -> EntityKind;

    /// The record `mutation` (one of this kind's) changes.
    fn target(&self, mutation: &Mutation) -> Result<Uuid>;

    /// `mutation` as sent on top of the server version `base` (its `base_version`, if its
    /// arguments have one); `None` takes it out, as the outbox stores it.
    fn on_base(&self, mutation: Mutation, base: Option<u64>) -> Result<Mutation>;

    /// Refuses a change the device can already tell is wrong, before it is queued; `shown`:
    /// the record is on the device.
    fn check(&self, mutation: &Mutation, shown: bool) -> Result<()>;

    /// What the server holds once it applied `mutation` as `version` (pure), given what
    /// the device knew of the record (a change that names only the record, such as
    /// cancelling a booking, is applied to the server's copy).
    fn applied(
        &self,
        mutation: &Mutation,
        version: u64,
        me: AccountId,
        known: &Known,
    ) -> Result<ServerCopy>;

    /// The record as the server has it now, from a bumped answer, when the answer carries
    /// it in full (pure).
    fn current(
        &self,
        mutation: &Mutation,
        alternatives: &[Alternative],
    ) -> Result<Option<ServerCopy>>;

    /// The shown record as a copy (its server version, owner and body), if it is shown.
    fn shown(&self, tx: &Tx<'_>, id: Uuid) -> Result<Option<ServerCopy>>;

    /// Shows `mutation` (pending) on top of the server's `copy`: the optimistic row.
    fn show_pending(
        &self,
        tx: &Tx<'_>,
        mutation: &Mutation,
        copy: Option<&ServerCopy>,
    ) -> Result<()>;

    /// Shows the server's copy again (one without a body: the record goes).
    fn show_copy(&self, tx: &Tx<'_>, id: Uuid, copy: &ServerCopy) -> Result<()>;

    /// Nothing of the record is pending any more (answered, discarded): a kind may keep
    /// showing a refused change while it needs attention (a bumped booking stays in the
    /// list, marked, until the person books another time or discards it).
    fn show_settled(&self, _tx: &Tx<'_>, _id: Uuid) -> Result<()> {
        Ok(())
    }

    /// Applies one pulled change of this kind; `copies_exist`: some record has a server
    /// copy (pending local changes), which a pulled version updates instead of the row.
    fn apply(&self, tx: &Tx<'_>, change: &Change, copies_exist: bool) -> Result<()>;

    /// When a pull from the start is complete: drops shown rows that are neither from the
    /// server nor pending local changes (bundled data, records deleted meanwhile).
    fn drop_unsynced(&self, tx: &Tx<'_>) -> Result<()>;

    /// Signing out: removes the rows that came from the server or from the account's
    /// changes (before the copies and the outbox go).
    fn forget(&self, tx: &Tx<'_>) -> Result<()>;

    /// The needs-attention list's item for a refused or bumped change of this kind.
    fn attention_item(&self, store: &Store, entry: &NeedsAttention) -> Result<AttentionItem>;
}
