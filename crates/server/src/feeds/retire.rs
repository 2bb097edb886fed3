//! Retiring stations a feed no longer lists, and the guard that keeps a broken feed from
//! wiping them. Pure: the storage backends read what they know of a feed inside the
//! refresh's transaction, ask [`retirement`] and apply the answer.
//!
//! - A station is *listed* when the feed mentions its id at all: as a station of the
//!   snapshot (even one that does not make a valid resource), as a row dropped for having
//!   no coordinates, or as a skipped entry with a usable id. Only a station the feed does
//!   not mention any more is retired.
//! - The guard: a feed that lists no station, or fewer than `min_listed_percent` % of the
//!   stations stored for it, retires nothing (the refresh still stores what it lists).
//!   Such a feed is far more likely broken (a truncated file, a failed page, an outage
//!   answered with an empty list) than a real closure of most of a system overnight.

use std::collections::HashSet;
use std::fmt;

/// The default of [`super::FeedSettings::retire_min_listed_percent`].
pub const DEFAULT_MIN_LISTED_PERCENT: u8 = 50;

/// Why a refresh retired nothing although stations it knew are missing from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetireHold {
    /// The feed lists no station at all.
    Empty { known: usize },
    /// The feed lists fewer than `min_listed_percent` % of the `known` stations.
    Shrunk {
        listed: usize,
        known: usize,
        min_listed_percent: u8,
    },
}

impl fmt::Display for RetireHold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetireHold::Empty { known } => write!(
                f,
                "the feed lists no stations; none of the {known} stored is retired"
            ),
            RetireHold::Shrunk {
                listed,
                known,
                min_listed_percent,
            } => write!(
                f,
                "the feed lists {listed} stations, fewer than {min_listed_percent}% of the \
                 {known} stored; none is retired"
            ),
        }
    }
}

/// What a refresh does to the stations stored for its feed that it does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retirement {
    /// Retire these publisher station ids (sorted; often none).
    Retire(Vec<String>),
    /// The feed looks broken: retire nothing.
    Hold(RetireHold),
}

/// Decides which of the `known` stations (publisher ids stored for a feed) a refresh that
/// lists `listed` retires, or that the guard holds it back.
///
/// `min_listed_percent` 0 turns the shrink guard off; an empty feed is always held back.
pub fn retirement<'a>(
    known: impl IntoIterator<Item = &'a str>,
    listed: &HashSet<String>,
    min_listed_percent: u8,
) -> Retirement {
    let known: HashSet<&str> = known.into_iter().collect();
    if listed.is_empty() {
        return Retirement::Hold(RetireHold::Empty { known: known.len() });
    }
    // Integers: 3 of 6 at 50 % is enough, 2 of 5 is not.
    if listed.len() * 100 < known.len() * usize::from(min_listed_percent) {
        return Retirement::Hold(RetireHold::Shrunk {
            listed: listed.len(),
            known: known.len(),
            min_listed_percent,
        });
    }
    let mut gone: Vec<String> = known
        .into_iter()
        .filter(|id| !listed.contains(*id))
        .map(str::to_owned)
        .collect();
    gone.sort_unstable();
    Retirement::Retire(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|n| format!("ST-{n}")).collect()
    }

    #[test]
    fn the_table() {
        struct Case {
            name: &'static str,
            known: Vec<String>,
            listed: Vec<String>,
            percent: u8,
            expected: Retirement,
        }
        let retire =
            |list: &[&str]| Retirement::Retire(list.iter().map(|s| s.to_string()).collect());
        let cases = [
            Case {
                name: "first refresh: nothing known, nothing to retire",
                known: vec![],
                listed: ids(0..3),
                percent: 50,
                expected: retire(&[]),
            },
            Case {
                name: "the same stations",
                known: ids(0..3),
                listed: ids(0..3),
                percent: 50,
                expected: retire(&[]),
            },
            Case {
                name: "one station gone, one new",
                known: ids(0..3),
                listed: ids(1..4),
                percent: 50,
                expected: retire(&["ST-0"]),
            },
            Case {
                name: "exactly the threshold is enough (5 of 10 at 50 %)",
                known: ids(0..10),
                listed: ids(0..5),
                percent: 50,
                expected: retire(&["ST-5", "ST-6", "ST-7", "ST-8", "ST-9"]),
            },
            Case {
                name: "just under the threshold holds (4 of 10 at 50 %)",
                known: ids(0..10),
                listed: ids(0..4),
                percent: 50,
                expected: Retirement::Hold(RetireHold::Shrunk {
                    listed: 4,
                    known: 10,
                    min_listed_percent: 50,
                }),
            },
            Case {
                name: "new stations count as listed (renumbered system: all old ones go)",
                known: ids(0..4),
                listed: ids(10..14),
                percent: 50,
                expected: retire(&["ST-0", "ST-1", "ST-2", "ST-3"]),
            },
            Case {
                name: "an empty feed holds",
                known: ids(0..3),
                listed: vec![],
                percent: 50,
                expected: Retirement::Hold(RetireHold::Empty { known: 3 }),
            },
            Case {
                name: "an empty feed holds even with the shrink guard off",
                known: ids(0..3),
                listed: vec![],
                percent: 0,
                expected: Retirement::Hold(RetireHold::Empty { known: 3 }),
            },
            Case {
                name: "an empty feed with nothing known is still reported",
                known: vec![],
                listed: vec![],
                percent: 50,
                expected: Retirement::Hold(RetireHold::Empty { known: 0 }),
            },
            Case {
                name: "shrink guard off: 1 of 10 retires the other 9",
                known: ids(0..10),
                listed: ids(0..1),
                percent: 0,
                expected: Retirement::Retire(ids(1..10)),
            },
            Case {
                name: "100 %: any shrink holds",
                known: ids(0..10),
                listed: ids(0..9),
                percent: 100,
                expected: Retirement::Hold(RetireHold::Shrunk {
                    listed: 9,
                    known: 10,
                    min_listed_percent: 100,
                }),
            },
            Case {
                name: "100 %: a swap of one station is not a shrink",
                known: ids(0..10),
                listed: ids(1..11),
                percent: 100,
                expected: retire(&["ST-0"]),
            },
            Case {
                name: "a big system losing a few stations",
                known: ids(0..3000),
                listed: ids(3..3000),
                percent: 50,
                expected: retire(&["ST-0", "ST-1", "ST-2"]),
            },
        ];
        for case in cases {
            let listed: HashSet<String> = case.listed.into_iter().collect();
            assert_eq!(
                retirement(case.known.iter().map(String::as_str), &listed, case.percent),
                case.expected,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn holds_say_what_they_saw() {
        assert_eq!(
            RetireHold::Shrunk {
                listed: 4,
                known: 10,
                min_listed_percent: 50
            }
            .to_string(),
            "the feed lists 4 stations, fewer than 50% of the 10 stored; none is retired"
        );
        assert_eq!(
            RetireHold::Empty { known: 3 }.to_string(),
            "the feed lists no stations; none of the 3 stored is retired"
        );
    }
}
