//! Live updates (issue 4): `GET /v1/sync/events` as a client sees it, read with reqwest
//! streaming.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use sharehub_core::wire::{ResourceView, SyncEvent};
use sharehub_server::ServerConfig;

use crate::support::{resource_json, Backend, TestServer};

/// A bound on waiting for the server, so a broken stream fails the test instead of hanging
/// it (the tests never wait for time to pass).
const PATIENCE: Duration = Duration::from_secs(20);

/// One server-sent event, or a comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Event {
        name: String,
        id: String,
        data: String,
    },
    Comment(String),
}

/// Reads a `text/event-stream` frame by frame.
pub struct EventReader {
    body: futures_util::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl EventReader {
    pub fn new(response: reqwest::Response) -> EventReader {
        EventReader {
            body: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next frame; `None` when the server ended the stream.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut id, mut data) = (String::new(), String::new(), Vec::new());
                for line in block.lines() {
                    if let Some(comment) = line.strip_prefix(':') {
                        return Some(Frame::Comment(comment.trim().to_owned()));
                    }
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value).to_owned();
                    match field {
                        "event" => name = value,
                        "id" => id = value,
                        "data" => data.push(value),
                        _ => {}
                    }
                }
                return Some(Frame::Event {
                    name,
                    id,
                    data: data.join("\n"),
                });
            }
            let chunk = tokio::time::timeout(PATIENCE, self.body.next())
                .await
                .expect("the event stream stayed silent")?;
            self.buffer
                .push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        }
    }

    /// The next event (skipping keep-alive comments), as `SyncEvent`, checking its name and id.
    pub async fn next_event(&mut self) -> SyncEvent {
        loop {
            match self.next_frame().await.expect("the stream ended") {
                Frame::Comment(_) => continue,
                Frame::Event { name, id, data } => {
                    assert_eq!(name, "changes");
                    let event: SyncEvent = serde_json::from_str(&data).unwrap();
                    assert_eq!(id, event.seq.to_string());
                    return event;
                }
            }
        }
    }
}

pub async fn connect(
    server: &TestServer,
    token: &str,
    query: &str,
    last_event_id: Option<&str>,
) -> EventReader {
    let mut request = server
        .http
        .get(server.url(&format!("/v1/sync/events{query}")))
        .bearer_auth(token);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    EventReader::new(response)
}

async fn create(server: &TestServer, token: &str, name: &str) -> ResourceView {
    server
        .post("/v1/resources", Some(token), resource_json(name))
        .await
        .expect(StatusCode::CREATED)
        .json()
}

pub async fn a_commit_by_another_user_reaches_an_open_stream(server: &TestServer) {
    let listener = server.register("listener").await;
    let author = server.register("author").await;
    let mut events = connect(server, &listener.token, "", None).await;

    let created = create(server, &author.token, "Ladder").await;
    let event = events.next_event().await;
    assert_eq!(event.seq, created.version);

    // The pull the event asks for carries the new record.
    let page: serde_json::Value = server
        .get(
            &format!("/v1/sync/changes?since={}", event.seq - 1),
            Some(&listener.token),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(
        page["changes"][0]["record"]["resource"]["id"],
        created.resource.id.to_string()
    );

    let again = create(server, &author.token, "Saw").await;
    assert_eq!(events.next_event().await.seq, again.version);

    // Ending the server ends the stream (graceful shutdown does not wait for it).
    server.state.stopping.begin();
    assert_eq!(events.next_frame().await, None);
}

pub async fn a_reconnecting_client_learns_at_once_what_it_missed(server: &TestServer) {
    let user = server.register("reconnecting").await;
    let first = create(server, &user.token, "Tent").await;
    let missed = create(server, &user.token, "Stove").await;

    // Last-Event-ID older than the log: an event at once, with the newest seq.
    let mut behind = connect(server, &user.token, "", Some(&first.version.to_string())).await;
    assert_eq!(behind.next_event().await.seq, missed.version);
    // `since` does the same; Last-Event-ID wins over it.
    let mut by_query = connect(
        server,
        &user.token,
        &format!("?since={}", first.version),
        None,
    )
    .await;
    assert_eq!(by_query.next_event().await.seq, missed.version);
    let mut both = connect(
        server,
        &user.token,
        "?since=0",
        Some(&missed.version.to_string()),
    )
    .await;
    // Up to date: nothing until the next commit.
    let next = create(server, &user.token, "Lantern").await;
    assert_eq!(both.next_event().await.seq, next.version);

    server
        .get("/v1/sync/events", None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let bad_id = server
        .http
        .get(server.url("/v1/sync/events"))
        .bearer_auth(&user.token)
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), StatusCode::UNPROCESSABLE_ENTITY);
    server
        .get("/v1/sync/events?since=9007199254740992", Some(&user.token))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
}

/// An idle stream sends keep-alive comments (here every 50 ms instead of 15 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_streams_get_keep_alive_comments() {
    let server = TestServer::start_with(
        Backend::Sqlite,
        ServerConfig {
            event_keep_alive: Duration::from_millis(50),
            ..ServerConfig::default()
        },
    )
    .await;
    let user = server.register("idle").await;
    let mut events = connect(&server, &user.token, "", None).await;
    assert_eq!(
        events.next_frame().await,
        Some(Frame::Comment("keep-alive".into()))
    );
    drop(events);
    server.stop().await;
}
