//! Seoul Open Data `bikeList`: real-time rental status of 따릉이 (Ttareungyi) stations.
//!
//! The API serves at most 1000 rows per request (`/json/bikeList/1/1000/`, then
//! `/1001/2000/`, …). The caller fetches pages with [`bike_list_url`], parses each with
//! [`parse_bike_list_response`], asks [`next_bike_list_range`] whether to go on, and
//! combines the pages with [`snapshot_from_bike_list_pages`].
//!
//! Quirks handled: every value is text; `shared` (percent) can exceed 100; rows with
//! empty or `0` coordinates are dropped and counted; errors come either inside
//! `rentBikeStatus.RESULT` or as a top-level `RESULT`; `INFO-200` means "no data" (the
//! end of the list), not an error. `list_total_count` is recorded but not used for
//! paging: the API has been seen to report the page's row count there, not the total.

mod page;
mod paging;
mod url;

pub use page::{
    parse_bike_list_response, snapshot_from_bike_list_pages, BikeListPage, BikeListResponse,
};
pub use paging::{
    next_bike_list_range, PageOutcome, PagingDecision, PagingStop, RowRange, BIKE_LIST_PAGE_SIZE,
    BIKE_LIST_ROW_LIMIT,
};
pub use url::{
    bike_list_url, redacted_bike_list_url, API_KEY_PLACEHOLDER, SEOUL_OPEN_API_BASE_URL,
};
