//! Pure parsers for live public-bike data: GBFS 2.x/3.x station feeds and Seoul Open
//! Data `bikeList`, both turned into one [`FeedSnapshot`] of [`StationSnapshot`]s with an
//! [`IngestReport`] of everything left out and why.
//!
//! This crate does no I/O: the server fetches (and picks the clock), this crate parses.
//! It never depends on tokio, reqwest, axum or rusqlite.
//!
//! Parsing is lenient where real feeds are sloppy (see [`lenient`]): a bad station is
//! skipped and reported, never the whole feed. Only a document that cannot be used at
//! all (not JSON, wrong shape, an API error code) is a [`FeedError`].

mod error;
pub mod gbfs;
pub mod lenient;
mod report;
pub mod seoul_bike_list;
mod snapshot;
mod station_record;

pub use error::FeedError;
pub use report::{Document, FieldProblem, IgnoredField, IngestReport, SkipReason, Skipped};
pub use snapshot::{FeedSnapshot, FeedSource, LocalizedName, StationSnapshot};
