//! The one mutation loop, shared by both backends and by the REST writes: for each
//! mutation, the receipt check, the pure rule, the write and the receipt, inside the
//! caller's write transaction.
//!
//! Backends implement small transaction traits over their own transaction type
//! ([`ReceiptTx`] here, [`super::resources::ResourceTx`] for resources, one per kind of
//! record); [`apply_batch`] is written once over them. A new mutation is a new
//! [`Mutation`] variant (core) and one arm in [`apply_one`] calling its kind's executor.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use sharehub_core::booking::BookingRefusal;
use sharehub_core::wire::{AccountId, Alternative, Mutation, MutationOutcome};

use super::reservations::{self, ReservationTx};
use super::resources::{self, ResourceTx};
use crate::error::{Error, Result};
use crate::rules::{Actor, Refusal, RefusalKind};

/// One mutation of a batch: its idempotency key (REST writes have none), and the mutation
/// or why it could not be parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchMutation {
    pub idempotency_key: Option<String>,
    pub mutation: std::result::Result<Mutation, String>,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteResult {
    Applied {
        version: u64,
    },
    Refused(Refusal),
    /// Someone else got there first: nothing changed; `alternatives` are what the person
    /// may pick instead (the current record, other slots, …).
    Bumped {
        current_version: u64,
        reason: String,
        alternatives: Vec<Alternative>,
        code: Option<BookingRefusal>,
    },
    /// The idempotency key was seen before: this is the first answer, nothing changed.
    Repeated(MutationOutcome),
}

impl WriteResult {
    /// The sync answer for this result.
    pub fn to_outcome(&self) -> MutationOutcome {
        match self {
            WriteResult::Applied { version } => MutationOutcome::Applied { version: *version },
            WriteResult::Refused(refusal) => MutationOutcome::Rejected {
                reason: refusal.reason.clone(),
                problems: refusal.problems.clone(),
                code: refusal.code.clone(),
            },
            WriteResult::Bumped {
                reason,
                alternatives,
                code,
                ..
            } => MutationOutcome::Bumped {
                reason: reason.clone(),
                alternatives: alternatives.clone(),
                code: code.clone(),
            },
            WriteResult::Repeated(outcome) => outcome.clone(),
        }
    }
}

/// Idempotency receipts, keyed by (account, key), written in the mutation's transaction.
pub(crate) trait ReceiptTx {
    /// The first answer given to this account's key, if any.
    async fn receipt(&mut self, account: AccountId, key: &str) -> Result<Option<MutationOutcome>>;
    async fn put_receipt(
        &mut self,
        account: AccountId,
        key: &str,
        outcome: &MutationOutcome,
    ) -> Result<()>;
}

/// Everything a mutation may touch, inside one write transaction.
pub(crate) trait MutationTx: ReceiptTx + ResourceTx + ReservationTx {}

impl<T: ReceiptTx + ResourceTx + ReservationTx> MutationTx for T {}

/// Applies the batch in order, each mutation on its own: a refused or unparsable one writes
/// only its receipt. Errors are database errors: the caller rolls the transaction back.
/// `now` is the server's clock, read once per batch (rules that look at time use it).
pub(crate) async fn apply_batch<T: MutationTx>(
    tx: &mut T,
    actor: Actor,
    batch: Vec<BatchMutation>,
    now: DateTime<Utc>,
) -> Result<Vec<WriteResult>> {
    let mut results = Vec::with_capacity(batch.len());
    for mutation in batch {
        let key = mutation.idempotency_key.as_deref();
        if let Some(key) = key {
            if let Some(first) = tx.receipt(actor.id, key).await? {
                results.push(WriteResult::Repeated(first));
                continue;
            }
        }
        let result = match mutation.mutation {
            Ok(mutation) => apply_one(tx, actor, mutation, now).await?,
            Err(reason) => WriteResult::Refused(Refusal::new(RefusalKind::Invalid, reason)),
        };
        if let Some(key) = key {
            tx.put_receipt(actor.id, key, &result.to_outcome()).await?;
        }
        results.push(result);
    }
    Ok(results)
}

/// One mutation: its kind's executor runs the rule and writes.
async fn apply_one<T: MutationTx>(
    tx: &mut T,
    actor: Actor,
    mutation: Mutation,
    now: DateTime<Utc>,
) -> Result<WriteResult> {
    match mutation {
        Mutation::ResourceCreate(args) => resources::create(tx, actor, args).await,
        Mutation::ResourceUpdate(args) => {
            let id = args.resource.id;
            let result = resources::update(tx, actor, args).await?;
            reservations::keep_bookers_after_edit(tx, id, result, now).await
        }
        Mutation::ResourceRetire(args) => resources::retire(tx, actor, args).await,
        Mutation::BookingSetRules(args) => reservations::set_rules(tx, actor, args, now).await,
        Mutation::ReservationRequest(args) => reservations::request(tx, actor, args, now).await,
        Mutation::ReservationCancel(args) => reservations::cancel(tx, actor, args, now).await,
        Mutation::ReservationMove(args) => reservations::move_to(tx, actor, args, now).await,
        Mutation::ReservationCheckIn(args) => reservations::check_in(tx, actor, args, now).await,
        Mutation::ReservationDecide(args) => reservations::decide(tx, actor, args, now).await,
    }
}

/// Runs a future that never waits to completion: the SQLite backend's transaction traits
/// are synchronous calls behind `async fn`, so the shared loop runs on its blocking thread.
pub(crate) fn run_now<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => Err(Error::internal(
            "a SQLite storage step waited; SQLite steps must not await",
        )),
    }
}
