//! Who may see what of a resource.
//!
//! A public resource is seen in full by everyone. A resource shown only to confirmed bookers
//! (shared parking, a neighbor's home) is seen in full by its owner, coordinators and admins
//! and its confirmed bookers (through sync, while their booking has not ended: see
//! `storage::reservations::publish_to_bookers`); everyone else finds it in the
//! public listing with its place blurred to about 1 km and no street address, and never
//! receives it through sync.

use sharehub_core::resource::Visibility;
use sharehub_core::wire::{AccountId, ResourceView};
use sharehub_core::{GeoPoint, LocalizedText, Resource, ResourceSummary};

use crate::audience::Audience;
use crate::rules::{Actor, StoredResource};

/// True when `viewer` (if signed in) may see the exact record.
pub fn sees_exact(viewer: Option<Actor>, owner_id: AccountId, restricted: bool) -> bool {
    !restricted
        || viewer.is_some_and(|viewer| viewer.id == owner_id || viewer.role.manages_all_resources())
}

pub fn is_restricted(resource: &Resource) -> bool {
    resource.visibility == Visibility::ConfirmedBookers
}

/// Who receives a resource through sync: everyone, or (shown only to confirmed bookers)
/// its owner and staff — the same people [`sees_exact`] lets see it in full.
pub fn audience_of(resource: &Resource) -> Audience {
    if is_restricted(resource) {
        Audience::staff()
    } else {
        Audience::public()
    }
}

/// The place rounded to two decimals (about 1 km).
fn blurred(point: GeoPoint) -> GeoPoint {
    GeoPoint {
        lat: (point.lat * 100.0).round() / 100.0,
        lon: (point.lon * 100.0).round() / 100.0,
    }
}

/// A restricted resource as those who may not see it exactly see it: the place blurred,
/// the address only the area. Listing filters for them use exactly this (see
/// [`crate::storage::resources::shown_columns`]), so no filter reveals more than this view.
pub fn as_strangers_see(resource: &Resource) -> Resource {
    let mut resource = resource.clone();
    if is_restricted(&resource) {
        resource.location = blurred(resource.location);
        resource.address = LocalizedText::new(
            format!("{} {}", resource.district.ko, resource.neighborhood.ko),
            format!("{}, {}", resource.neighborhood.en, resource.district.en),
        );
    }
    resource
}

/// The record as `viewer` may see it.
pub fn view_for(viewer: impl Into<Option<Actor>>, stored: &StoredResource) -> ResourceView {
    let exact = sees_exact(
        viewer.into(),
        stored.owner_id,
        is_restricted(&stored.resource),
    );
    let resource = if exact {
        stored.resource.clone()
    } else {
        as_strangers_see(&stored.resource)
    };
    ResourceView {
        resource,
        owner_id: stored.owner_id,
        version: stored.version,
        exact,
    }
}

/// The listing row as `viewer` may see it.
pub fn summary_for(viewer: Option<Actor>, stored: &StoredResource) -> ResourceSummary {
    let mut summary = stored.resource.summary();
    if !sees_exact(viewer, stored.owner_id, is_restricted(&stored.resource)) {
        summary.location = blurred(summary.location);
    }
    summary
}
