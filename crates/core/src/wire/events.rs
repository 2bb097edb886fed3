//! Live updates (`GET /v1/sync/events`, `text/event-stream`).
//!
//! The stream carries no records: an event says "the change log grew to `seq`", and the
//! device then pulls `/v1/sync/changes?since=` as usual. Every event has the SSE `id:` set
//! to the seq, so a reconnecting client's `Last-Event-ID` (or `?since=`) lets the server
//! answer at once when something was missed. A comment line (`: keep-alive`) comes every
//! ~15 s when nothing happens.

use serde::{Deserialize, Serialize};

/// The SSE `event:` name of [`SyncEvent`].
pub const SYNC_EVENT_NAME: &str = "changes";

/// `GET /v1/sync/events` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SyncEventsQuery {
    /// The newest seq the device has pulled; when the log is already past it, the first
    /// event comes at once. `Last-Event-ID` does the same and wins when both are sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0, maximum = 9007199254740991_i64)
    )]
    pub since: Option<u64>,
}

/// The `data:` of an event: the newest committed change-log seq. It is a hint that covers
/// every change (the server does not filter by person); the pull decides what is visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncEvent {
    pub seq: u64,
}
