//! What a person's records are, as the server's change feed gives them to a new device and
//! as a device shows them.

use std::collections::BTreeMap;

use anyhow::Result;
use sharehub_core::wire::{Change, EntityKind};
use sharehub_core::{Resource, ResourceId};
use sharehub_local::sync::{ApiClient, SessionToken, SyncStore};

/// Every resource `token`'s person may see, pulled from the start: id → (record, version).
pub async fn server_view(url: &str, token: &str) -> Result<BTreeMap<ResourceId, (Resource, u64)>> {
    let client = ApiClient::new(url)?;
    let token = SessionToken::new(token);
    let mut since = 0;
    let mut view = BTreeMap::new();
    loop {
        let page = client
            .changes(&token, since, 5000, &EntityKind::ALL)
            .await?;
        for change in page.changes {
            match change {
                Change::Resource { record, .. } => {
                    view.insert(record.resource.id, (record.resource, record.version));
                }
                Change::Tombstone {
                    entity: EntityKind::Resource,
                    id,
                    ..
                } => {
                    view.remove(&ResourceId(id));
                }
                // The views compare resources; bookings have their own tests.
                Change::Reservation { .. }
                | Change::BookingCalendar { .. }
                | Change::Tombstone { .. } => {}
                Change::Unknown => {
                    anyhow::bail!("the server sent a change of a kind it was not asked for")
                }
            }
        }
        since = page.next_since;
        if !page.has_more {
            return Ok(view);
        }
    }
}

/// What a device shows: id → (record, server version of the row).
pub fn device_view(store: &SyncStore) -> Result<BTreeMap<ResourceId, (Resource, Option<u64>)>> {
    Ok(store
        .shown_resources()?
        .into_iter()
        .map(|(r, version)| (r.id, (r, version)))
        .collect())
}
