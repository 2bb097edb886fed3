//! `GET /v1/sync/events`: live updates as server-sent events.
//!
//! Every commit that grows the change log publishes its newest `seq` (see
//! [`crate::storage::ChangeNotifier`]); each open stream sends `{"seq": N}` (SSE `id: N`)
//! when that value moves past what the client has. Visibility is coarse on purpose: any
//! commit notifies every signed-in listener, and the pull that follows
//! (`/v1/sync/changes?since=`) decides what this person may see. That costs a few empty
//! pulls and keeps the notifier free of per-person state; the seq reveals only that
//! something changed somewhere.
//!
//! The stream ends when the server begins to shut down, so graceful shutdown can finish.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use sharehub_core::wire::{Problem, SyncEvent, SyncEventsQuery, SYNC_EVENT_NAME};

use super::MAX_CURSOR;
use crate::auth::SignedInUser;
use crate::error::{Error, Result};
use crate::request_input::QueryParams;
use crate::state::AppState;

fn event(seq: u64) -> Event {
    let data = serde_json::to_string(&SyncEvent { seq }).unwrap_or_default();
    Event::default()
        .event(SYNC_EVENT_NAME)
        .id(seq.to_string())
        .data(data)
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<u64>> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let parsed = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());
    match parsed {
        Some(seq) if seq <= MAX_CURSOR => Ok(Some(seq)),
        _ => Err(Error::invalid(
            "Last-Event-ID",
            "must be the id of an event this server sent (a seq)",
        )),
    }
}

/// Live updates: an event `changes` with `{"seq": N}` whenever a change is committed (then
/// pull `/v1/sync/changes?since=`), and a `: keep-alive` comment every 15 s when idle. With
/// `Last-Event-ID` or `since`, an event comes at once when the log is already past it.
#[utoipa::path(get, path = "/v1/sync/events", tag = "sync",
    security(("bearer" = [])),
    params(SyncEventsQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received (a seq); wins over `since`")),
    responses(
        (status = 200, description = "An endless `text/event-stream`: `event: changes`, `id: <seq>`, `data: {\"seq\": <seq>}`", body = SyncEvent, content_type = "text/event-stream"),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`since` or `Last-Event-ID` is out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(
    State(state): State<AppState>,
    _user: SignedInUser,
    headers: HeaderMap,
    QueryParams(query): QueryParams<SyncEventsQuery>,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    if query.since.is_some_and(|since| since > MAX_CURSOR) {
        return Err(Error::invalid(
            "since",
            format!("must be at most {MAX_CURSOR}: send the seq this server gave out"),
        ));
    }
    let since = last_event_id(&headers)?.or(query.since);
    // Subscribe before reading the newest seq: a commit in between is never lost.
    let mut newest = state.storage.change_notifier().subscribe();
    let seen = since.unwrap_or(newest.borrow_and_update().seq);
    let stopping = state.stopping.clone();
    let events = futures_util::stream::unfold(
        (newest, seen, stopping),
        |(mut newest, mut seen, stopping)| async move {
            loop {
                let seq = newest.borrow_and_update().seq;
                if seq > seen {
                    seen = seq;
                    return Some((Ok(event(seq)), (newest, seen, stopping)));
                }
                tokio::select! {
                    changed = newest.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                    () = stopping.wait() => return None,
                }
            }
        },
    );
    let keep_alive = KeepAlive::new()
        .interval(state.config.event_keep_alive)
        .text("keep-alive");
    Ok(Sse::new(events).keep_alive(keep_alive))
}
