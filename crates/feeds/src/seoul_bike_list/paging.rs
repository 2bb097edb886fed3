//! Which rows to ask for next: a pure decision on the page just received.

use serde::{Deserialize, Serialize};

/// Rows per request: the API's maximum (more gives `ERROR-336`).
pub const BIKE_LIST_PAGE_SIZE: u32 = 1000;

/// Never ask beyond this row, whatever the API says: Seoul has about 3,000 stations, so
/// a feed still sending full pages here is misbehaving, and paging must end.
pub const BIKE_LIST_ROW_LIMIT: u32 = 50_000;

/// A 1-based, inclusive range of rows, as the API's URL takes it (`/1/1000/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRange {
    pub first: u32,
    pub last: u32,
}

impl RowRange {
    /// Rows 1 to 1000.
    pub fn first_page() -> Self {
        Self {
            first: 1,
            last: BIKE_LIST_PAGE_SIZE,
        }
    }

    /// How many rows the range asks for.
    pub fn len(self) -> u32 {
        if self.last < self.first {
            0
        } else {
            (self.last - self.first).saturating_add(1)
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The range of the same size right after this one.
    pub fn following(self) -> Self {
        let first = self.last.saturating_add(1);
        Self {
            first,
            last: first.saturating_add(self.len().max(1) - 1),
        }
    }
}

/// What a page brought, as far as paging cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOutcome {
    /// Rows received, counting rows that were later dropped or skipped.
    Rows(usize),
    /// `INFO-200`: no data in the range asked for.
    NoData,
}

/// Why paging ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingStop {
    /// Fewer rows than asked for: this was the last page.
    ShortPage,
    /// `INFO-200`: the range was past the end.
    NoData,
    /// The next range would pass [`BIKE_LIST_ROW_LIMIT`].
    RowLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingDecision {
    Fetch(RowRange),
    Stop(PagingStop),
}

/// Given the range just requested and what came back: the next range, or why to stop.
pub fn next_bike_list_range(requested: RowRange, outcome: PageOutcome) -> PagingDecision {
    match outcome {
        PageOutcome::NoData => PagingDecision::Stop(PagingStop::NoData),
        PageOutcome::Rows(rows) if rows < requested.len() as usize || rows == 0 => {
            PagingDecision::Stop(PagingStop::ShortPage)
        }
        PageOutcome::Rows(_) => {
            let next = requested.following();
            if next.last > BIKE_LIST_ROW_LIMIT || next.first <= requested.last {
                PagingDecision::Stop(PagingStop::RowLimit)
            } else {
                PagingDecision::Fetch(next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(first: u32, last: u32) -> RowRange {
        RowRange { first, last }
    }

    #[test]
    fn paging_table() {
        use PageOutcome::{NoData, Rows};
        use PagingDecision::{Fetch, Stop};
        let cases = [
            // A full first page: ask for the next thousand.
            (range(1, 1000), Rows(1000), Fetch(range(1001, 2000))),
            (range(1001, 2000), Rows(1000), Fetch(range(2001, 3000))),
            // A short page is the last one.
            (range(2001, 3000), Rows(734), Stop(PagingStop::ShortPage)),
            (range(1, 1000), Rows(5), Stop(PagingStop::ShortPage)),
            (range(1, 1000), Rows(0), Stop(PagingStop::ShortPage)),
            // INFO-200 past the end (the total was a multiple of 1000).
            (range(3001, 4000), NoData, Stop(PagingStop::NoData)),
            (range(1, 1000), NoData, Stop(PagingStop::NoData)),
            // More rows than asked for still counts as full.
            (range(1, 1000), Rows(1001), Fetch(range(1001, 2000))),
            // Smaller pages keep their size.
            (range(1, 5), Rows(5), Fetch(range(6, 10))),
            // Never past the row limit.
            (
                range(49_001, 50_000),
                Rows(1000),
                Stop(PagingStop::RowLimit),
            ),
            (
                range(48_001, 49_000),
                Rows(1000),
                Fetch(range(49_001, 50_000)),
            ),
            // Overflow cannot loop.
            (
                range(u32::MAX - 9, u32::MAX),
                Rows(10),
                Stop(PagingStop::RowLimit),
            ),
        ];
        for (requested, outcome, expected) in cases {
            assert_eq!(
                next_bike_list_range(requested, outcome),
                expected,
                "{requested:?} {outcome:?}"
            );
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(RowRange::first_page(), range(1, 1000));
        assert_eq!(RowRange::first_page().len(), 1000);
        assert_eq!(range(5, 4).len(), 0);
        assert!(range(5, 4).is_empty());
    }
}
