//! The app's changes of resources, in its words: each is a [`Mutation`] recorded by the
//! outbox ([`SyncStore::record`]), which works the same for every kind.

use sharehub_core::ipc::{AttentionEditArgs, ResourceCreateArgs};
use sharehub_core::wire::{
    Mutation, ResourceCreateArgs as Create, ResourceRetireArgs, ResourceUpdateArgs,
};
use sharehub_core::{LocalizedText, Resource, ResourceId};

use super::entry::OutboxEntryId;
use super::kinds::resource_mut;
use super::replica::SyncStore;
use crate::error::Result;
use crate::share_form::resource_from_form;

impl SyncStore {
    /// Records a new shared resource: shown at once, sent to the server by the engine.
    pub fn create_resource(&mut self, resource: Resource) -> Result<OutboxEntryId> {
        self.record(Mutation::ResourceCreate(Create { resource }))
    }

    /// Records an edit of a resource (the whole new record), made on the version shown.
    pub fn update_resource(&mut self, resource: Resource) -> Result<OutboxEntryId> {
        self.record(Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource,
            base_version: None,
        }))
    }

    /// Records retiring a resource: it disappears at once.
    pub fn retire_resource(&mut self, id: ResourceId) -> Result<OutboxEntryId> {
        self.record(Mutation::ResourceRetire(ResourceRetireArgs {
            id,
            base_version: None,
        }))
    }

    /// Shares what the app's form describes (see [`resource_from_form`]): one new resource,
    /// recorded like [`Self::create_resource`]. Returns its id.
    pub fn share(&mut self, form: &ResourceCreateArgs) -> Result<ResourceId> {
        let resource = resource_from_form(self.store(), form, ResourceId::new_v7())?;
        let id = resource.id;
        self.create_resource(resource)?;
        Ok(id)
    }

    /// Like [`Self::retry`] with an edited record (same id; not for retiring).
    pub fn edit_and_retry(&mut self, entry: OutboxEntryId, resource: Resource) -> Result<()> {
        self.edit_in_place_and_retry(entry, |old| *old = resource)
    }

    /// Like [`Self::retry`] after `edit` changed the resource as sent, in one transaction
    /// (the id must stay; retiring has nothing to edit).
    pub fn edit_in_place_and_retry(
        &mut self,
        entry: OutboxEntryId,
        edit: impl FnOnce(&mut Resource),
    ) -> Result<()> {
        self.edit_change_and_retry(entry, |change| {
            edit(resource_mut(change)?);
            Ok(())
        })
    }

    /// The needs-attention list's Edit: the name and description as the person typed them
    /// (into both languages, as when sharing), sent again.
    pub fn edit_typed_and_retry(&mut self, args: &AttentionEditArgs) -> Result<()> {
        args.check()?;
        self.edit_in_place_and_retry(OutboxEntryId(args.entry), |resource| {
            resource.name = LocalizedText::typed(&args.name);
            resource.description = LocalizedText::typed(&args.description);
        })
    }
}
