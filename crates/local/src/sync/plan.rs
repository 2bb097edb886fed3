//! Pure sync decisions: which outbox entries to send next, and what to do with each answer.
//! No I/O: the engine and the outbox code carry them out; the tables below test them.

use sharehub_core::wire::{MutationOutcome, MutationResult};

use super::record::RecordRef;

/// An outbox entry as the batch choice sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// Position in the outbox (older first).
    pub seq: i64,
    pub record: RecordRef,
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

/// What to do with one sent entry once the batch's answers are in. What the server now
/// holds follows from the answer and the mutation, as its kind's module says
/// (`RecordKind::applied`, `RecordKind::current`).
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    /// The server applied it as `version`: mark applied, record the server's copy, and give
    /// later changes of the same record `version` as their base.
    Confirm { version: u64 },
    /// Rejected or bumped: mark "needs attention" with the server's words, show the record
    /// as the server has it (updated from a bumped answer's current record).
    NeedsAttention { outcome: MutationOutcome },
    /// No usable answer for it: it stays pending and is sent again (same key) later.
    StayPending,
}

/// Decides, for each sent entry (by its idempotency key), what its answer means. Answers
/// are matched by key, not by position; a missing, repeated or unknown key never loses or
/// double-counts a change.
pub fn settle(sent: &[&str], answers: &[MutationResult]) -> Vec<Settle> {
    sent.iter()
        .map(|key| {
            let mut matching = answers.iter().filter(|a| a.idempotency_key == *key);
            match (matching.next(), matching.next()) {
                (Some(answer), None) => settle_one(&answer.outcome),
                // Two different answers for one key: trust neither; the key makes resending safe.
                (Some(first), Some(second)) if first.outcome != second.outcome => {
                    Settle::StayPending
                }
                (Some(answer), Some(_)) => settle_one(&answer.outcome),
                (None, _) => Settle::StayPending,
            }
        })
        .collect()
}

fn settle_one(outcome: &MutationOutcome) -> Settle {
    match outcome {
        MutationOutcome::Applied { version } => Settle::Confirm { version: *version },
        MutationOutcome::Rejected { .. } | MutationOutcome::Bumped { .. } => {
            Settle::NeedsAttention {
                outcome: outcome.clone(),
            }
        }
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

/// Kinds of record a pull must first fetch from the start (`since=0&kinds=…`), before the
/// ordinary pull from the cursor: a build that knows more kinds than the device has synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchUp {
    /// Kind names, sorted.
    pub kinds: Vec<String>,
    /// Where to fetch from: 0, or where a catch-up of the same kinds stopped.
    pub since: u64,
}

/// The kinds this build knows (`known`) that the device has not synced up to its cursor
/// (`synced`), if any. A device that has pulled nothing yet (`cursor` 0) needs no catch-up:
/// its ordinary pull starts at 0 and asks for every known kind. `started`: a catch-up that
/// stopped half-way (its kinds and cursor), resumed when it is for the same kinds, else
/// begun again from 0.
pub fn catch_up(
    known: &[&str],
    synced: &[&str],
    cursor: u64,
    started: Option<(&[&str], u64)>,
) -> Option<CatchUp> {
    let kinds = sorted(known.iter().filter(|kind| !synced.contains(*kind)));
    if cursor == 0 || kinds.is_empty() {
        return None;
    }
    let since = match started {
        Some((started, since)) if sorted(started.iter()) == kinds => since,
        _ => 0,
    };
    Some(CatchUp { kinds, since })
}

/// The kinds synced up to the cursor once an ordinary page that asked for `asked` from
/// `since` is applied: from 0, exactly those; later, those synced before that were asked for
/// again (a kind left out, by an older build, misses its changes from then on).
pub fn synced_after_page(asked: &[&str], synced: &[&str], since: u64) -> Vec<String> {
    if since == 0 {
        sorted(asked.iter())
    } else {
        sorted(synced.iter().filter(|kind| asked.contains(*kind)))
    }
}

/// The kinds synced once a catch-up of `caught` is complete.
pub fn synced_after_catch_up(synced: &[&str], caught: &[&str]) -> Vec<String> {
    sorted(synced.iter().chain(caught))
}

fn sorted<'a>(kinds: impl Iterator<Item = &'a &'a str>) -> Vec<String> {
    let mut kinds: Vec<String> = kinds.map(|kind| (*kind).to_owned()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

#[cfg(test)]
mod tests {
    use sharehub_core::wire::{Alternative, EntityKind};
    use uuid::Uuid;

    use super::*;

    fn record(n: u128) -> RecordRef {
        RecordRef {
            entity: EntityKind::Resource,
            id: Uuid::from_u128(n),
        }
    }

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
        let q = |seq, n| Queued {
            seq,
            record: record(n),
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
            code: None,
        }
    }

    #[test]
    fn settle_table() {
        let applied = |v| MutationOutcome::Applied { version: v };
        let bumped = MutationOutcome::Bumped {
            reason: "changed by someone else".into(),
            alternatives: Vec::<Alternative>::new(),
            code: None,
        };
        let attention = |outcome: &MutationOutcome| Settle::NeedsAttention {
            outcome: outcome.clone(),
        };
        #[rustfmt::skip]
        let cases: Vec<(&str, Vec<MutationResult>, Settle)> = vec![
            ("applied", vec![answer("k", applied(5))], Settle::Confirm { version: 5 }),
            ("rejected: needs attention", vec![answer("k", rejected("no"))], attention(&rejected("no"))),
            ("bumped: needs attention", vec![answer("k", bumped.clone())], attention(&bumped)),
            ("no answer: resend later", vec![answer("other", applied(3))], Settle::StayPending),
            ("empty answer list", vec![], Settle::StayPending),
            ("same answer twice", vec![answer("k", applied(7)), answer("k", applied(7))],
             Settle::Confirm { version: 7 }),
            ("conflicting answers: resend", vec![answer("k", applied(7)), answer("k", rejected("x"))],
             Settle::StayPending),
        ];
        for (name, answers, expected) in cases {
            assert_eq!(settle(&["k"], &answers), vec![expected], "{name}");
        }
    }

    #[test]
    fn answers_are_matched_by_key_not_position() {
        let answers = vec![
            answer("b", MutationOutcome::Applied { version: 2 }),
            answer("a", rejected("gone")),
        ];
        let settled = settle(&["a", "b"], &answers);
        assert!(matches!(settled[0], Settle::NeedsAttention { .. }));
        assert_eq!(settled[1], Settle::Confirm { version: 2 });
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

    #[test]
    fn catch_up_table() {
        let up = |kinds: &[&str], since| {
            Some(CatchUp {
                kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
                since,
            })
        };
        let known = ["resource", "reservation", "event"];
        #[rustfmt::skip]
        // (case, synced, cursor, a stopped catch-up, expected)
        type Case<'a> = (&'a str, &'a [&'a str], u64, Option<(&'a [&'a str], u64)>, Option<CatchUp>);
        let cases: Vec<Case> = vec![
            (
                "all synced",
                &["event", "reservation", "resource"],
                900,
                None,
                None,
            ),
            (
                "a new build learnt two kinds",
                &["resource"],
                900,
                None,
                up(&["event", "reservation"], 0),
            ),
            (
                "nothing pulled yet: the ordinary pull asks for all",
                &[],
                0,
                None,
                None,
            ),
            (
                "one kind missing",
                &["event", "resource"],
                900,
                None,
                up(&["reservation"], 0),
            ),
            (
                "resumed where it stopped",
                &["resource"],
                900,
                Some((&["reservation", "event"], 400)),
                up(&["event", "reservation"], 400),
            ),
            (
                "a stopped catch-up of other kinds starts again",
                &["resource"],
                900,
                Some((&["reservation"], 400)),
                up(&["event", "reservation"], 0),
            ),
            (
                "kinds this build does not know are no reason",
                &["event", "poll", "reservation", "resource"],
                900,
                None,
                None,
            ),
        ];
        for (name, synced, cursor, started, expected) in cases {
            assert_eq!(
                catch_up(&known, synced, cursor, started),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn synced_kinds_table() {
        let names = |kinds: &[&str]| kinds.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        #[rustfmt::skip]
        // (case, asked, synced, since, expected)
        type Page<'a> = (&'a str, &'a [&'a str], &'a [&'a str], u64, Vec<String>);
        let pages: Vec<Page> = vec![
            (
                "a pull from 0 syncs what it asks for",
                &["resource", "event"],
                &[],
                0,
                names(&["event", "resource"]),
            ),
            (
                "later pages keep what was synced",
                &["event", "resource"],
                &["event", "resource"],
                70,
                names(&["event", "resource"]),
            ),
            (
                "a kind not asked for falls out",
                &["resource"],
                &["event", "resource"],
                70,
                names(&["resource"]),
            ),
            (
                "a kind asked for but not synced stays out",
                &["event", "resource"],
                &["resource"],
                70,
                names(&["resource"]),
            ),
        ];
        for (name, asked, synced, since, expected) in pages {
            assert_eq!(synced_after_page(asked, synced, since), expected, "{name}");
        }
        assert_eq!(
            synced_after_catch_up(&["resource"], &["reservation", "event", "resource"]),
            names(&["event", "reservation", "resource"])
        );
    }
}
