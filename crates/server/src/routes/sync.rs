//! `/v1/sync`: the change feed a device pulls, the mutation batches it pushes, and the
//! live events that tell it when to pull ([`events`]).

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::sync::{
    DEFAULT_CHANGES_LIMIT, MAX_BATCH_MUTATIONS, MAX_CHANGES_LIMIT, MAX_IDEMPOTENCY_KEY_CHARS,
};
use sharehub_core::wire::{
    AccountId, ChangesPage, ChangesQuery, EntityKind, Mutation, MutationBatch, MutationResult,
    MutationResults, Problem, TombstoneReason,
};
use uuid::Uuid;

pub mod events;

use crate::audience::{delivery, Addressed, Delivery, Viewer};
use crate::auth::SignedInUser;
use crate::error::{Error, Result};
use crate::request_input::{JsonBody, QueryParams};
use crate::state::AppState;
use crate::storage::{BatchMutation, ChangeRow};

/// The longest `kinds` list, in characters (as the OpenAPI document says).
const MAX_KINDS_CHARS: usize = 500;

/// The largest cursor: 2^53 - 1, so JavaScript clients hold cursors exactly.
const MAX_CURSOR: u64 = (1 << 53) - 1;

/// The wire shape of [`sharehub_core::wire::Change`], written without re-parsing the stored
/// record JSON (pulls serve tens of thousands of rows a second). One variant per kind of
/// record, as in the contract.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ChangeOut<'a> {
    Resource {
        seq: u64,
        record: ResourceOut<'a>,
    },
    Reservation {
        seq: u64,
        record: &'a RawValue,
    },
    BookingCalendar {
        seq: u64,
        record: &'a RawValue,
    },
    Tombstone {
        seq: u64,
        entity: EntityKind,
        id: Uuid,
        reason: TombstoneReason,
    },
}

/// [`sharehub_core::wire::ResourceView`] over the stored JSON.
#[derive(Serialize)]
struct ResourceOut<'a> {
    resource: &'a RawValue,
    owner_id: AccountId,
    version: u64,
    exact: bool,
}

/// The record of a live change as it goes out: the kind's variant over the stored JSON.
fn record_out(row: &ChangeRow) -> Result<ChangeOut<'_>> {
    let body = row
        .body
        .as_deref()
        .ok_or_else(|| Error::internal("a tombstone delivered as a record"))?;
    Ok(match row.entity {
        EntityKind::Resource => ChangeOut::Resource {
            seq: row.seq,
            record: ResourceOut {
                resource: serde_json::from_str(body).map_err(Error::corrupt)?,
                owner_id: row.owner_id,
                version: row.seq,
                exact: true,
            },
        },
        EntityKind::Reservation => ChangeOut::Reservation {
            seq: row.seq,
            record: serde_json::from_str(body).map_err(Error::corrupt)?,
        },
        EntityKind::BookingCalendar => ChangeOut::BookingCalendar {
            seq: row.seq,
            record: serde_json::from_str(body).map_err(Error::corrupt)?,
        },
    })
}

#[derive(Serialize)]
struct PageOut<'a> {
    changes: Vec<ChangeOut<'a>>,
    next_since: u64,
    has_more: bool,
    latest_seq: u64,
}

/// The changes you may see after `since`, in `seq` order: records to upsert and tombstones
/// for records that were deleted or that you may no longer see.
#[utoipa::path(get, path = "/v1/sync/changes", tag = "sync",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "One page of changes", body = ChangesPage),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` is out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn changes(
    State(state): State<AppState>,
    user: SignedInUser,
    QueryParams(query): QueryParams<ChangesQuery>,
) -> Result<Response> {
    let since = query.since.unwrap_or(0);
    if since > MAX_CURSOR {
        return Err(Error::invalid(
            "since",
            format!("must be at most {MAX_CURSOR}: send the next_since this server gave out"),
        ));
    }
    let limit = query.limit.unwrap_or(DEFAULT_CHANGES_LIMIT);
    if !(1..=MAX_CHANGES_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_CHANGES_LIMIT}"),
        ));
    }
    if query
        .kinds
        .as_ref()
        .is_some_and(|kinds| kinds.chars().count() > MAX_KINDS_CHARS)
    {
        return Err(Error::invalid(
            "kinds",
            format!("must be at most {MAX_KINDS_CHARS} characters: kind names, comma-separated"),
        ));
    }
    let kinds = query.kinds();
    let actor = user.actor();
    let viewer = Viewer::new(actor, state.storage.organisations_of(actor.id).await?);
    let latest_seq = state.storage.change_notifier().newest().seq;
    let rows = state.storage.changes_since(since, limit, &kinds).await?;
    let has_more = rows.len() == limit as usize;
    // A short page read everything committed up to `latest_seq` (published only after
    // commit), so the cursor may move there even past changes of kinds not asked for.
    let next_since = match rows.last() {
        Some(row) if has_more => row.seq,
        last => last.map_or(since, |row| row.seq).max(latest_seq),
    };
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let reached = match row.audience.includes(&viewer, row.owner_id) {
            // In the audience: whom it reached before does not matter.
            true => Default::default(),
            false => row.reached()?,
        };
        let addressed = Addressed {
            owner: row.owner_id,
            audience: &row.audience,
            reached: &reached,
            live: row.body.is_some(),
        };
        match delivery(&viewer, addressed, since == 0) {
            Delivery::Record => changes.push(record_out(row)?),
            Delivery::Tombstone(reason) => changes.push(ChangeOut::Tombstone {
                seq: row.seq,
                entity: row.entity,
                id: row.entity_id,
                reason,
            }),
            Delivery::Nothing => {}
        }
    }
    let body = serde_json::to_vec(&PageOut {
        changes,
        next_since,
        has_more,
        // Changes committed after the notifier was read may be on this page too.
        latest_seq: latest_seq.max(next_since),
    })
    .map_err(Error::internal)?;
    Ok((
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response())
}

/// Apply a batch of named mutations, each on its own: the answer lists, in order, whether
/// each was applied, rejected (with a reason) or bumped (with alternatives). A repeated
/// idempotency key gets its first answer again and changes nothing.
#[utoipa::path(post, path = "/v1/sync/mutations", tag = "sync",
    security(("bearer" = [])),
    request_body = MutationBatch,
    responses(
        (status = 200, description = "One answer per mutation", body = MutationResults),
        (status = 400, description = "Malformed JSON or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The batch does not have the expected shape or is too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mutations(
    State(state): State<AppState>,
    user: SignedInUser,
    JsonBody(batch): JsonBody<MutationBatch>,
) -> Result<Json<MutationResults>> {
    if batch.mutations.len() > MAX_BATCH_MUTATIONS {
        return Err(Error::invalid(
            "mutations",
            format!(
                "a batch holds at most {MAX_BATCH_MUTATIONS} mutations; send the rest in another batch"
            ),
        ));
    }
    // A key that cannot be remembered cannot make the mutation safe to resend: refuse the
    // batch before doing anything, naming the mutation.
    let bad_keys: Vec<FieldProblem> = batch
        .mutations
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let chars = m.idempotency_key.chars().count();
            chars == 0 || chars > MAX_IDEMPOTENCY_KEY_CHARS
        })
        .map(|(i, _)| {
            FieldProblem::new(
                format!("mutations[{i}].idempotency_key"),
                format!("must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters"),
            )
        })
        .collect();
    if !bad_keys.is_empty() {
        return Err(Error::Invalid { problems: bad_keys });
    }
    let keys: Vec<String> = batch
        .mutations
        .iter()
        .map(|m| m.idempotency_key.clone())
        .collect();
    let parsed = batch
        .mutations
        .into_iter()
        .map(|m| BatchMutation {
            mutation: Mutation::parse(&m.name, &m.args),
            idempotency_key: Some(m.idempotency_key),
        })
        .collect();
    let outcomes = state
        .storage
        .apply_mutations(user.actor(), parsed, state.clock.now())
        .await?;
    let results = keys
        .into_iter()
        .zip(outcomes)
        .map(|(idempotency_key, result)| MutationResult {
            idempotency_key,
            outcome: result.to_outcome(),
        })
        .collect();
    Ok(Json(MutationResults { results }))
}
