//! `/v1/resources`: the public listing, and creating, updating and retiring resources.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use sharehub_core::wire::resources::{BoundingBox, DEFAULT_LIST_LIMIT};
use sharehub_core::wire::{
    Mutation, Problem, ResourceCreateArgs, ResourceListPage, ResourceListQuery, ResourceRetireArgs,
    ResourceUpdateArgs, ResourceView,
};
use sharehub_core::{Resource, ResourceId};
use utoipa::IntoParams;

use crate::auth::{MaybeSignedIn, SignedInUser};
use crate::error::{Error, Result};
use crate::request_input::{JsonBody, PathId, QueryParams};
use crate::rules::{Actor, RefusalKind};
use crate::state::AppState;
use crate::storage::{like_pattern, BatchMutation, ResourceFilter, WriteResult};
use crate::visibility::{summary_for, view_for};

/// Optional optimistic-concurrency check for updates and retirements.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BaseVersion {
    /// The `version` the change was made on; a newer version on the server answers 409.
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub base_version: Option<u64>,
}

fn parse_resource_id(text: &str) -> Result<ResourceId> {
    text.parse().map_err(|_| Error::NotFound {
        what: format!("resource {text:?} (ids are UUIDs)"),
    })
}

/// Turns a write's result into the REST answer (the version when applied).
pub(crate) fn applied_version(result: WriteResult) -> Result<u64> {
    match result {
        WriteResult::Applied { version } => Ok(version),
        WriteResult::Refused(refusal) => Err(match refusal.kind {
            RefusalKind::Invalid => Error::Invalid {
                problems: refusal.problems,
            },
            RefusalKind::NotFound => Error::NotFound {
                what: refusal.reason,
            },
            RefusalKind::Forbidden => Error::Forbidden {
                detail: refusal.reason,
            },
            RefusalKind::Gone => Error::Gone {
                what: "this resource".into(),
            },
            RefusalKind::Conflict => Error::Conflict {
                detail: refusal.reason,
            },
        }),
        WriteResult::Bumped {
            current_version, ..
        } => Err(Error::StaleVersion {
            base_version: 0,
            current_version,
        }),
        WriteResult::Repeated(_) => Err(Error::internal("a REST write has no idempotency key")),
    }
}

/// The largest version: 2^53 - 1, so JavaScript clients hold versions exactly.
const MAX_VERSION: u64 = (1 << 53) - 1;

impl BaseVersion {
    fn checked(self) -> Result<Option<u64>> {
        match self.base_version {
            Some(version) if version > MAX_VERSION => Err(Error::invalid(
                "base_version",
                format!("must be at most {MAX_VERSION}: send the version this server gave out"),
            )),
            other => Ok(other),
        }
    }
}

/// A REST write: the same mutation loop as sync, without an idempotency key.
async fn write(state: &AppState, actor: Actor, mutation: Mutation) -> Result<u64> {
    let stale_base = match &mutation {
        Mutation::ResourceUpdate(args) => args.base_version,
        Mutation::ResourceRetire(args) => args.base_version,
        _ => None,
    };
    let result = state
        .storage
        .apply_mutations(
            actor,
            vec![BatchMutation {
                idempotency_key: None,
                mutation: Ok(mutation),
            }],
            state.clock.now(),
        )
        .await?
        .pop()
        .ok_or_else(|| Error::internal("a write gave no answer"))?;
    applied_version(result).map_err(|e| match e {
        Error::StaleVersion {
            current_version, ..
        } => Error::StaleVersion {
            base_version: stale_base.unwrap_or_default(),
            current_version,
        },
        other => other,
    })
}

async fn current_view(state: &AppState, actor: Actor, id: ResourceId) -> Result<ResourceView> {
    let stored = state
        .storage
        .resource(id)
        .await?
        .ok_or_else(|| Error::internal("a resource vanished right after it was written"))?;
    Ok(view_for(actor, &stored))
}

/// The public listing: live resources, filterable by kind, bounding box and text.
#[utoipa::path(get, path = "/v1/resources", tag = "resources",
    params(ResourceListQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of resources, ordered by id", body = ResourceListPage),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent but is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    MaybeSignedIn(user): MaybeSignedIn,
    QueryParams(query): QueryParams<ResourceListQuery>,
) -> Result<Json<ResourceListPage>> {
    let problems = query.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    let bbox = query
        .bbox
        .as_deref()
        .map(BoundingBox::parse)
        .transpose()
        .map_err(|p| Error::Invalid { problems: vec![p] })?;
    let limit = query.limit.unwrap_or(DEFAULT_LIST_LIMIT);
    let viewer = user.as_ref().map(SignedInUser::actor);
    let filter = ResourceFilter {
        viewer,
        kind: query.kind,
        bbox: bbox.map(|b| (b.west, b.south, b.east, b.north)),
        text_pattern: query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(like_pattern),
        after: query.after,
        limit,
    };
    let stored = state.storage.list_resources(&filter).await?;
    let next_after = (stored.len() == limit as usize)
        .then(|| stored.last().map(|s| s.resource.id))
        .flatten();
    Ok(Json(ResourceListPage {
        resources: stored.iter().map(|s| summary_for(viewer, s)).collect(),
        next_after,
    }))
}

/// Share a new resource; you become its owner. The id is made by the client (UUIDv7).
#[utoipa::path(post, path = "/v1/resources", tag = "resources",
    security(("bearer" = [])),
    request_body = Resource,
    responses(
        (status = 201, description = "Created", body = ResourceView),
        (status = 400, description = "Malformed JSON or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role may not add this kind", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: SignedInUser,
    JsonBody(resource): JsonBody<Resource>,
) -> Result<(StatusCode, Json<ResourceView>)> {
    let id = resource.id;
    write(
        &state,
        user.actor(),
        Mutation::ResourceCreate(ResourceCreateArgs { resource }),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(current_view(&state, user.actor(), id).await?),
    ))
}

/// One resource as you may see it (`exact` false: place blurred, no street address).
#[utoipa::path(get, path = "/v1/resources/{id}", tag = "resources",
    params(("id" = String, Path, description = "Resource id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The resource", body = ResourceView),
        (status = 401, description = "A token was sent but is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The resource was retired", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    MaybeSignedIn(user): MaybeSignedIn,
    PathId(id): PathId,
) -> Result<Json<ResourceView>> {
    let id = parse_resource_id(&id)?;
    let stored = state
        .storage
        .resource(id)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("resource {id}"),
        })?;
    if stored.retired {
        return Err(Error::Gone {
            what: format!("resource {id}"),
        });
    }
    Ok(Json(view_for(
        user.as_ref().map(SignedInUser::actor),
        &stored,
    )))
}

/// Replace a resource you own (coordinators: any resource).
#[utoipa::path(put, path = "/v1/resources/{id}", tag = "resources",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Resource id (UUID)"), BaseVersion),
    request_body = Resource,
    responses(
        (status = 200, description = "Updated", body = ResourceView),
        (status = 400, description = "Malformed JSON, not UTF-8 or bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since base_version", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Retired", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
    QueryParams(base): QueryParams<BaseVersion>,
    JsonBody(resource): JsonBody<Resource>,
) -> Result<Json<ResourceView>> {
    let id = parse_resource_id(&id)?;
    if resource.id != id {
        return Err(Error::invalid(
            "id",
            format!("must equal the id in the path ({id})"),
        ));
    }
    write(
        &state,
        user.actor(),
        Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource,
            base_version: base.checked()?,
        }),
    )
    .await?;
    Ok(Json(current_view(&state, user.actor(), id).await?))
}

/// Retire a resource you own (coordinators: any resource). It leaves the listing and
/// devices receive a tombstone.
#[utoipa::path(delete, path = "/v1/resources/{id}", tag = "resources",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Resource id (UUID)"), BaseVersion),
    responses(
        (status = 204, description = "Retired"),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since base_version", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Already retired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`base_version` is out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retire(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
    QueryParams(base): QueryParams<BaseVersion>,
) -> Result<StatusCode> {
    let id = parse_resource_id(&id)?;
    write(
        &state,
        user.actor(),
        Mutation::ResourceRetire(ResourceRetireArgs {
            id,
            base_version: base.checked()?,
        }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
