//! Resources: the shared things themselves. The listing's filter, the search text, the
//! transaction steps a resource write needs ([`ResourceTx`]) and the executors of the three
//! resource mutations, written once for both backends.

use async_trait::async_trait;
use sharehub_core::wire::{AccountId, ResourceCreateArgs, ResourceRetireArgs, ResourceUpdateArgs};
use sharehub_core::{Resource, ResourceId, ResourceKind};

use super::WriteResult;
use crate::error::{Error, Result};
use crate::rules::resources::{decide_create, decide_retire, decide_update};
use crate::rules::{Actor, ResourceDecision, StoredResource};
use crate::visibility::view_for;

/// Filters of the public listing, already checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceFilter {
    /// Who asks: the place and words of a restricted resource are filtered as this person
    /// sees them ([`crate::visibility::sees_exact`]), so a box or a search never finds
    /// more than the blurred cell and the public words.
    pub viewer: Option<Actor>,
    pub kind: Option<ResourceKind>,
    /// `(west, south, east, north)`.
    pub bbox: Option<(f64, f64, f64, f64)>,
    /// A `LIKE` pattern over the lower-cased search text (see [`like_pattern`]).
    pub text_pattern: Option<String>,
    pub after: Option<ResourceId>,
    pub limit: u32,
}

#[async_trait]
pub trait ResourceStore {
    async fn resource(&self, id: ResourceId) -> Result<Option<StoredResource>>;
    /// Live (not retired) resources matching the filter, ordered by id.
    async fn list_resources(&self, filter: &ResourceFilter) -> Result<Vec<StoredResource>>;
    /// Inserts resources that do not exist yet (demo data), owned by `owner`; returns how
    /// many were added.
    async fn seed_resources(&self, owner: AccountId, resources: &[Resource]) -> Result<usize>;
}

/// The place and search text a listing filters on for someone who may not see the resource
/// exactly: those of [`crate::visibility::as_strangers_see`] (exact for public resources).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownColumns {
    pub lat: f64,
    pub lon: f64,
    pub search_text: String,
}

pub fn shown_columns(resource: &Resource) -> ShownColumns {
    let shown = crate::visibility::as_strangers_see(resource);
    ShownColumns {
        lat: shown.location.lat,
        lon: shown.location.lon,
        search_text: search_text(&shown),
    }
}

/// Whether the listing filters `viewer`'s search on exact columns for every resource
/// (staff), and the account whose own resources it filters exactly.
pub(crate) fn exact_filtering(viewer: Option<Actor>) -> (bool, Option<AccountId>) {
    (
        viewer.is_some_and(|v| v.role.manages_all_resources()),
        viewer.map(|v| v.id),
    )
}

/// The steps of a resource write, inside a write transaction.
pub(crate) trait ResourceTx {
    async fn resource(&mut self, id: ResourceId) -> Result<Option<StoredResource>>;
    /// Inserts or replaces the record (live), with its change; returns the new version.
    async fn put_resource(&mut self, resource: &Resource, owner: AccountId) -> Result<u64>;
    /// Marks the record retired, with a tombstone; returns the new version.
    async fn retire_resource(&mut self, current: &StoredResource) -> Result<u64>;
    /// Appends the live record's change again with `audience` (a resource shown only to
    /// confirmed bookers gains or loses a booker); returns the new version.
    async fn republish_resource(
        &mut self,
        current: &StoredResource,
        audience: &crate::audience::Audience,
    ) -> Result<u64>;
}

/// `resource.create`.
pub(crate) async fn create<T: ResourceTx>(
    tx: &mut T,
    actor: Actor,
    args: ResourceCreateArgs,
) -> Result<WriteResult> {
    let current = tx.resource(args.resource.id).await?;
    let decision = decide_create(actor, args, current.as_ref());
    carry_out(tx, actor, decision, current).await
}

/// `resource.update`.
pub(crate) async fn update<T: ResourceTx>(
    tx: &mut T,
    actor: Actor,
    args: ResourceUpdateArgs,
) -> Result<WriteResult> {
    let current = tx.resource(args.resource.id).await?;
    let decision = decide_update(actor, args, current.as_ref());
    carry_out(tx, actor, decision, current).await
}

/// `resource.retire`.
pub(crate) async fn retire<T: ResourceTx>(
    tx: &mut T,
    actor: Actor,
    args: ResourceRetireArgs,
) -> Result<WriteResult> {
    let current = tx.resource(args.id).await?;
    let decision = decide_retire(actor, args, current.as_ref());
    carry_out(tx, actor, decision, current).await
}

async fn carry_out<T: ResourceTx>(
    tx: &mut T,
    actor: Actor,
    decision: ResourceDecision,
    current: Option<StoredResource>,
) -> Result<WriteResult> {
    Ok(match decision {
        ResourceDecision::Put { resource, owner_id } => WriteResult::Applied {
            version: tx.put_resource(&resource, owner_id).await?,
        },
        ResourceDecision::Retire => {
            let current = current.ok_or_else(|| Error::internal("retire without record"))?;
            WriteResult::Applied {
                version: tx.retire_resource(&current).await?,
            }
        }
        ResourceDecision::Refuse(refusal) => WriteResult::Refused(refusal),
        ResourceDecision::Bump { current } => WriteResult::Bumped {
            current_version: current.version,
            reason: format!(
                "the resource was changed by someone else (now version {}); review the current version and apply your edit again",
                current.version
            ),
            alternatives: vec![sharehub_core::wire::Alternative::CurrentResource {
                record: view_for(actor, &current),
            }],
            code: None,
        },
    })
}

/// The text a resource is found by: names and places in Korean and English, lower-cased.
pub fn search_text(resource: &Resource) -> String {
    [
        &resource.name,
        &resource.neighborhood,
        &resource.district,
        &resource.address,
    ]
    .iter()
    .flat_map(|text| [text.ko.as_str(), text.en.as_str()])
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

/// `%text%` for `LIKE … ESCAPE '\'`, lower-cased, with `%`, `_` and `\` matched literally.
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub(crate) fn resource_json(resource: &Resource) -> Result<String> {
    serde_json::to_string(resource).map_err(crate::Error::internal)
}

pub(crate) fn parse_resource(body: &str) -> Result<Resource> {
    serde_json::from_str(body).map_err(crate::Error::corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards_and_folds_case() {
        assert_eq!(like_pattern("Mang"), "%mang%");
        assert_eq!(like_pattern("100%_\\"), "%100\\%\\_\\\\%");
        assert_eq!(like_pattern("망원"), "%망원%");
    }
}
