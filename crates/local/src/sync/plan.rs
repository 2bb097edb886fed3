//! Pure sync decisions: which outbox entries to send next, and what to do with each answer.
//! No I/O: the engine and the outbox code carry them out; the tables below test them.

use serde::{Deserialize, Serialize};
use sharehub_core::wire::{AccountId, Alternative, MutationOutcome, MutationResult};
use sharehub_core::{Resource, ResourceId};

/// An outbox entry as the batch choice sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// Position in the outbox (older first).
    pub seq: i64,
    pub record: ResourceId,
}

/// The pending entries to send in the next batch, oldest first, at most `max`.
///
/// Only the oldest pending entry of each record goes: a later change of the same record was
/// made on top of it and is sent with the version the first one produces (its
/// `base_version`), which is known only after the server's answer.
pub fn next_batch(pending: &[Queued], max: usize) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    let mut batch = Vec::new();
    for entry in pending {
        if batch.len() == max {
            break;
        }
        if seen.insert(entry.record) {
            batch.push(entry.seq);
        }
    }
    batch
}

/// A change the person made to a shared resource, as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ResourceChange {
    Create { resource: Resource },
    Update { resource: Resource },
    Retire { id: ResourceId },
}

impl ResourceChange {
    pub fn record(&self) -> ResourceId {
        match self {
            ResourceChange::Create { resource } | ResourceChange::Update { resource } => {
                resource.id
            }
            ResourceChange::Retire { id } => *id,
        }
    }
}

/// What the server now holds for a record, learnt from an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerCopy {
    /// The record at `version`; `owner` `None`: unchanged from what the device knew.
    Put {
        resource: Box<Resource>,
        version: u64,
        owner: Option<AccountId>,
    },
    /// Retired at `version`.
    Gone { version: u64 },
}

impl ServerCopy {
    pub fn version(&self) -> u64 {
        match self {
            ServerCopy::Put { version, .. } | ServerCopy::Gone { version } => *version,
        }
    }
}

/// What to do with one sent entry once the batch's answers are in.
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    /// The server applied it: mark applied, record the server's copy, and give later changes
    /// of the same record `version` as their base.
    Confirm { version: u64, copy: ServerCopy },
    /// Rejected or bumped: mark "needs attention" with the server's words, show the record
    /// as the server has it (updated from `copy` when the answer carries it).
    NeedsAttention {
        outcome: MutationOutcome,
        copy: Option<ServerCopy>,
    },
    /// No usable answer for it: it stays pending and is sent again (same key) later.
    StayPending,
}

/// Decides, for each sent entry (its idempotency key and effect), what its answer means.
/// Answers are matched by key, not by position; a missing, repeated or unknown key never
/// loses or double-counts a change.
pub fn settle(
    sent: &[(&str, &ResourceChange)],
    answers: &[MutationResult],
    me: AccountId,
) -> Vec<Settle> {
    sent.iter()
        .map(|(key, effect)| {
            let mut matching = answers.iter().filter(|a| a.idempotency_key == *key);
            match (matching.next(), matching.next()) {
                (Some(answer), None) => settle_one(effect, &answer.outcome, me),
                // Two different answers for one key: trust neither; the key makes resending safe.
                (Some(first), Some(second)) if first.outcome != second.outcome => {
                    Settle::StayPending
                }
                (Some(answer), Some(_)) => settle_one(effect, &answer.outcome, me),
                (None, _) => Settle::StayPending,
            }
        })
        .collect()
}

fn settle_one(effect: &ResourceChange, outcome: &MutationOutcome, me: AccountId) -> Settle {
    match outcome {
        MutationOutcome::Applied { version } => Settle::Confirm {
            version: *version,
            copy: match effect {
                ResourceChange::Create { resource } => ServerCopy::Put {
                    resource: Box::new(resource.clone()),
                    version: *version,
                    owner: Some(me),
                },
                ResourceChange::Update { resource } => ServerCopy::Put {
                    resource: Box::new(resource.clone()),
                    version: *version,
                    owner: None,
                },
                ResourceChange::Retire { .. } => ServerCopy::Gone { version: *version },
            },
        },
        MutationOutcome::Rejected { .. } => Settle::NeedsAttention {
            outcome: outcome.clone(),
            copy: None,
        },
        MutationOutcome::Bumped { alternatives, .. } => Settle::NeedsAttention {
            outcome: outcome.clone(),
            // The current record, when the server sent it in full and it is this record.
            copy: alternatives
                .iter()
                .find_map(|alternative| match alternative {
                    Alternative::CurrentResource { record }
                        if record.exact && record.resource.id == effect.record() =>
                    {
                        Some(ServerCopy::Put {
                            resource: Box::new(record.resource.clone()),
                            version: record.version,
                            owner: Some(record.owner_id),
                        })
                    }
                    Alternative::CurrentResource { .. } => None,
                }),
        },
    }
}

/// Whether a copy learnt from the server may replace the one the device has: versions only
/// move forward, so an old answer never overwrites newer data.
pub fn newer(incoming: u64, known: Option<u64>) -> bool {
    known.is_none_or(|known| incoming >= known)
}

/// How a pulled page keeps the R*Tree of "near me" (`resource_rtree`) in step with its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boxes {
    /// Replace the boxes of the page's records in the page's transaction.
    PerPage,
    /// Write no boxes: the R*Tree is built once when the pull ends (`boxes_pending` stays 1).
    Later,
    /// The pull ends with this page: build the R*Tree from every row, in its transaction.
    BuildNow,
}

/// A pull from the start that has more than one page (a first sync, or a device signed in
/// again) builds the R*Tree at its end; so does any pull that ends while boxes are pending
/// (one resumed after a crash or going offline). Everything else keeps it page by page.
pub fn boxes_for_page(since: u64, has_more: bool, boxes_pending: bool) -> Boxes {
    match (boxes_pending || (since == 0 && has_more), has_more) {
        (false, _) => Boxes::PerPage,
        (true, true) => Boxes::Later,
        (true, false) => Boxes::BuildNow,
    }
}

#[cfg(test)]
mod tests {
    use sharehub_core::resource::Visibility;
    use sharehub_core::wire::ResourceView;
    use sharehub_core::{GeoPoint, LocalizedText, Pricing, ResourceKind};
    use uuid::Uuid;

    use super::*;

    fn id(n: u128) -> ResourceId {
        ResourceId(Uuid::from_u128(n))
    }

    fn resource(n: u128, name: &str) -> Resource {
        let text = LocalizedText::new(name, name);
        Resource {
            id: id(n),
            kind: ResourceKind::Tool,
            name: text.clone(),
            description: text.clone(),
            location: GeoPoint {
                lat: 37.55,
                lon: 126.91,
            },
            address: text.clone(),
            district: text.clone(),
            neighborhood: text.clone(),
            owner_name: text,
            pricing: Pricing::Free,
            capacity: None,
            schedule: None,
            visibility: Visibility::Public,
        }
    }

    const ME: AccountId = AccountId(Uuid::from_u128(7));
    const OTHER: AccountId = AccountId(Uuid::from_u128(8));

    #[test]
    fn boxes_table() {
        use Boxes::*;
        // (since, has_more, boxes pending) → what the page does with the R*Tree
        let table = [
            ((0, true, false), Later),       // first page of a first sync
            ((0, false, false), PerPage),    // a first sync of one page
            ((5000, true, true), Later),     // on with it, or resumed after a crash
            ((5000, false, true), BuildNow), // its last page
            ((0, false, true), BuildNow),    // started again from 0 and done in one page
            ((0, true, true), Later),
            ((5000, true, false), PerPage), // catching up after being away
            ((5000, false, false), PerPage), // an ordinary sync
        ];
        for ((since, has_more, pending), expected) in table {
            assert_eq!(
                boxes_for_page(since, has_more, pending),
                expected,
                "since {since}, has_more {has_more}, pending {pending}"
            );
        }
    }

    #[test]
    fn next_batch_table() {
        let q = |seq, record| Queued {
            seq,
            record: id(record),
        };
        #[rustfmt::skip]
        let cases: Vec<(&str, Vec<Queued>, usize, Vec<i64>)> = vec![
            ("empty outbox", vec![], 10, vec![]),
            ("in order", vec![q(1, 1), q(2, 2), q(3, 3)], 10, vec![1, 2, 3]),
            ("capped", vec![q(1, 1), q(2, 2), q(3, 3)], 2, vec![1, 2]),
            ("one per record", vec![q(1, 1), q(2, 1), q(3, 2)], 10, vec![1, 3]),
            ("later change waits even when room", vec![q(4, 9), q(5, 9), q(6, 9)], 10, vec![4]),
            ("interleaved", vec![q(1, 1), q(2, 2), q(3, 1), q(4, 3), q(5, 2)], 10, vec![1, 2, 4]),
            ("cap counts sent entries only", vec![q(1, 1), q(2, 1), q(3, 2), q(4, 3)], 2, vec![1, 3]),
            ("zero max", vec![q(1, 1)], 0, vec![]),
        ];
        for (name, pending, max, expected) in cases {
            assert_eq!(next_batch(&pending, max), expected, "{name}");
        }
    }

    fn answer(key: &str, outcome: MutationOutcome) -> MutationResult {
        MutationResult {
            idempotency_key: key.into(),
            outcome,
        }
    }

    fn rejected(reason: &str) -> MutationOutcome {
        MutationOutcome::Rejected {
            reason: reason.into(),
            problems: vec![],
        }
    }

    fn bumped(record: ResourceView) -> MutationOutcome {
        MutationOutcome::Bumped {
            reason: "changed by someone else".into(),
            alternatives: vec![Alternative::CurrentResource { record }],
        }
    }

    fn view(n: u128, version: u64, exact: bool) -> ResourceView {
        ResourceView {
            resource: resource(n, "theirs"),
            owner_id: OTHER,
            version,
            exact,
        }
    }

    #[test]
    fn settle_table() {
        let create = ResourceChange::Create {
            resource: resource(1, "mine"),
        };
        let update = ResourceChange::Update {
            resource: resource(1, "mine"),
        };
        let retire = ResourceChange::Retire { id: id(1) };
        let applied = |v| MutationOutcome::Applied { version: v };
        #[rustfmt::skip]
        let cases: Vec<(&str, &ResourceChange, Vec<MutationResult>, Settle)> = vec![
            ("create applied: I own it", &create, vec![answer("k", applied(5))],
             Settle::Confirm { version: 5, copy: ServerCopy::Put { resource: Box::new(resource(1, "mine")), version: 5, owner: Some(ME) } }),
            ("update applied: owner unchanged", &update, vec![answer("k", applied(6))],
             Settle::Confirm { version: 6, copy: ServerCopy::Put { resource: Box::new(resource(1, "mine")), version: 6, owner: None } }),
            ("retire applied: gone", &retire, vec![answer("k", applied(7))],
             Settle::Confirm { version: 7, copy: ServerCopy::Gone { version: 7 } }),
            ("rejected: needs attention, copy unchanged", &update, vec![answer("k", rejected("no"))],
             Settle::NeedsAttention { outcome: rejected("no"), copy: None }),
            ("bumped: keep the current record", &update, vec![answer("k", bumped(view(1, 9, true)))],
             Settle::NeedsAttention { outcome: bumped(view(1, 9, true)),
                 copy: Some(ServerCopy::Put { resource: Box::new(resource(1, "theirs")), version: 9, owner: Some(OTHER) }) }),
            ("bumped with a blurred record: not a copy", &update, vec![answer("k", bumped(view(1, 9, false)))],
             Settle::NeedsAttention { outcome: bumped(view(1, 9, false)), copy: None }),
            ("bumped about another record: not a copy", &update, vec![answer("k", bumped(view(2, 9, true)))],
             Settle::NeedsAttention { outcome: bumped(view(2, 9, true)), copy: None }),
            ("no answer: resend later", &update, vec![answer("other", applied(3))], Settle::StayPending),
            ("empty answer list", &create, vec![], Settle::StayPending),
            ("same answer twice", &retire, vec![answer("k", applied(7)), answer("k", applied(7))],
             Settle::Confirm { version: 7, copy: ServerCopy::Gone { version: 7 } }),
            ("conflicting answers: resend", &retire, vec![answer("k", applied(7)), answer("k", rejected("x"))],
             Settle::StayPending),
        ];
        for (name, effect, answers, expected) in cases {
            assert_eq!(
                settle(&[("k", effect)], &answers, ME),
                vec![expected],
                "{name}"
            );
        }
    }

    #[test]
    fn answers_are_matched_by_key_not_position() {
        let a = ResourceChange::Retire { id: id(1) };
        let b = ResourceChange::Retire { id: id(2) };
        let answers = vec![
            answer("b", MutationOutcome::Applied { version: 2 }),
            answer("a", rejected("gone")),
        ];
        let settled = settle(&[("a", &a), ("b", &b)], &answers, ME);
        assert!(matches!(settled[0], Settle::NeedsAttention { .. }));
        assert_eq!(
            settled[1],
            Settle::Confirm {
                version: 2,
                copy: ServerCopy::Gone { version: 2 }
            }
        );
    }

    #[test]
    fn versions_only_move_forward() {
        #[rustfmt::skip]
        let cases = [(5, None, true), (5, Some(4), true), (5, Some(5), true), (5, Some(6), false)];
        for (incoming, known, expected) in cases {
            assert_eq!(
                newer(incoming, known),
                expected,
                "{incoming} over {known:?}"
            );
        }
    }
}
