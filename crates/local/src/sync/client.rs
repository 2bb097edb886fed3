//! The Share Hub API client (reqwest, rustls): the few calls sync and sign-in need. Every
//! failure becomes an [`Error`] that says whether retrying can help.

use std::time::Duration;

use reqwest::header::RETRY_AFTER;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use sharehub_core::wire::{
    AccountView, ChangesPage, ChangesQuery, EntityKind, LoginRequest, MutationBatch,
    MutationRequest, MutationResults, Problem, RegisterRequest, SignedIn,
};

use crate::error::{Error, Result};

/// A session token as the server issued it. Kept in memory only: the app stores it in the
/// OS keyring, never in the database. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(token: impl Into<String>) -> Self {
        SessionToken(token.into())
    }

    /// The secret, for the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// Checks a server address: `Ok(true)` for a server on this machine (plain `http://` is
/// allowed there), `Ok(false)` for an `https://` server elsewhere; anything else is refused.
pub fn server_address_checked(base: &str) -> Result<bool> {
    let invalid = |problem: String| Error::Invalid {
        field: "server address".into(),
        problem,
    };
    let url = reqwest::Url::parse(base.trim())
        .map_err(|e| invalid(format!("{base:?} is not a web address ({e})")))?;
    let on_this_machine = match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(invalid(format!("{base:?} names no server"))),
    };
    match url.scheme() {
        "https" => Ok(on_this_machine),
        "http" if on_this_machine => Ok(true),
        "http" => Err(invalid(format!(
            "{base:?} is not encrypted: use https:// for a server on another machine"
        ))),
        other => Err(invalid(format!(
            "{base:?} starts with {other}://; use https://"
        ))),
    }
}

/// Talks to one Share Hub server.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// For the long-lived event stream: no overall timeout, only one between reads (the
    /// server sends a keep-alive every ~15 s).
    streaming: reqwest::Client,
    base: String,
}

impl ApiClient {
    /// A client for the server at `base` (e.g. `https://hub.example.kr`), with connect and
    /// request timeouts so a dead network fails instead of hanging.
    ///
    /// A server on this machine (`localhost`, `127.0.0.1`, `[::1]`) is reached directly,
    /// never through a proxy from `HTTP_PROXY`/`HTTPS_PROXY`; any other server must be
    /// `https://`, so a password or token never crosses a network in the clear.
    pub fn new(base: &str) -> Result<ApiClient> {
        let on_this_machine = server_address_checked(base)?;
        let builder = || {
            let builder = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .user_agent(concat!("sharehub-local/", env!("CARGO_PKG_VERSION")));
            if on_this_machine {
                builder.no_proxy()
            } else {
                builder
            }
        };
        let http = builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Offline {
                detail: format!("cannot set up HTTPS: {e}"),
            })?;
        let streaming = builder()
            .read_timeout(Duration::from_secs(45))
            .build()
            .map_err(|e| Error::Offline {
                detail: format!("cannot set up HTTPS: {e}"),
            })?;
        Ok(ApiClient {
            http,
            streaming,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /v1/accounts`.
    pub async fn register(&self, request: &RegisterRequest) -> Result<SignedIn> {
        let builder = self.http.post(self.url("/v1/accounts")).json(request);
        decode(send(builder).await?).await
    }

    /// `POST /v1/sessions`.
    pub async fn login(&self, request: &LoginRequest) -> Result<SignedIn> {
        let builder = self.http.post(self.url("/v1/sessions")).json(request);
        decode(send(builder).await?).await
    }

    /// `GET /v1/accounts/me`.
    pub async fn me(&self, token: &SessionToken) -> Result<AccountView> {
        let builder = self.http.get(self.url("/v1/accounts/me"));
        decode(send(builder.bearer_auth(token.expose())).await?).await
    }

    /// `DELETE /v1/sessions/current`: ends the session on the server.
    pub async fn logout(&self, token: &SessionToken) -> Result<()> {
        let builder = self.http.delete(self.url("/v1/sessions/current"));
        send(builder.bearer_auth(token.expose())).await?;
        Ok(())
    }

    /// `GET /v1/sync/changes?since=&limit=&kinds=`: changes of `kinds` only (the ordinary
    /// pull asks for `EntityKind::ALL`, every kind this build knows).
    pub async fn changes(
        &self,
        token: &SessionToken,
        since: u64,
        limit: u32,
        kinds: &[EntityKind],
    ) -> Result<ChangesPage> {
        let builder = self.http.get(self.url("/v1/sync/changes")).query(&[
            ("since", since.to_string()),
            ("limit", limit.to_string()),
            ("kinds", ChangesQuery::kinds_param(kinds)),
        ]);
        decode(send(builder.bearer_auth(token.expose())).await?).await
    }

    /// `POST /v1/sync/mutations`.
    pub async fn mutations(
        &self,
        token: &SessionToken,
        mutations: Vec<MutationRequest>,
    ) -> Result<MutationResults> {
        let builder = self
            .http
            .post(self.url("/v1/sync/mutations"))
            .json(&MutationBatch { mutations });
        decode(send(builder.bearer_auth(token.expose())).await?).await
    }
}

impl ApiClient {
    /// `GET /v1/stations/status?since_fetched=`: live public-bike counts (public, no token).
    pub async fn station_status(
        &self,
        since_fetched: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<sharehub_core::wire::StationStatusList> {
        let mut builder = self.http.get(self.url("/v1/stations/status"));
        if let Some(since) = since_fetched {
            builder = builder.query(&[("since_fetched", since.to_rfc3339())]);
        }
        decode(send(builder).await?).await
    }
}

impl ApiClient {
    /// `GET /v1/sync/events?since=`: the live stream of "the change log reached `seq`".
    pub async fn events(&self, token: &SessionToken, since: u64) -> Result<EventStream> {
        let builder = self
            .streaming
            .get(self.url("/v1/sync/events"))
            .query(&[("since", since.to_string())])
            .header(reqwest::header::ACCEPT, "text/event-stream");
        Ok(EventStream {
            response: send(builder.bearer_auth(token.expose())).await?,
            pending: Vec::new(),
        })
    }
}

/// An open `text/event-stream` of [`sharehub_core::wire::SyncEvent`]s.
#[derive(Debug)]
pub struct EventStream {
    response: Response,
    /// Bytes after the last complete line.
    pending: Vec<u8>,
}

impl EventStream {
    /// The next `seq` the server announces; `None` when the server ended the stream.
    /// Comments (keep-alives), `event:` and `id:` lines are skipped.
    pub async fn next_seq(&mut self) -> Result<Option<u64>> {
        loop {
            while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                if let Some(seq) = parse_event_line(&line) {
                    return Ok(Some(seq));
                }
            }
            match self.response.chunk().await.map_err(transport)? {
                Some(bytes) => self.pending.extend_from_slice(&bytes),
                None => return Ok(None),
            }
        }
    }
}

/// The `seq` of an SSE `data:` line carrying a `SyncEvent`, if it is one.
fn parse_event_line(line: &[u8]) -> Option<u64> {
    let line = std::str::from_utf8(line)
        .ok()?
        .trim_end_matches(['\r', '\n']);
    let data = line.strip_prefix("data:")?.trim_start();
    serde_json::from_str::<sharehub_core::wire::SyncEvent>(data)
        .ok()
        .map(|event| event.seq)
}

/// Sends a request; a non-success status becomes an error with the server's words.
async fn send(builder: RequestBuilder) -> Result<Response> {
    let response = builder.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after_secs = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let body = response.bytes().await.unwrap_or_default();
    let detail = match serde_json::from_slice::<Problem>(&body) {
        Ok(problem) => problem.detail,
        Err(_) => status
            .canonical_reason()
            .unwrap_or("unexpected status")
            .to_owned(),
    };
    Err(status_error(status, detail, retry_after_secs))
}

fn status_error(status: StatusCode, detail: String, retry_after_secs: Option<u64>) -> Error {
    use super::schedule::{classify_status, Failure};
    match classify_status(status.as_u16(), None) {
        Failure::Unauthorized => Error::Unauthorized { detail },
        failure => Error::Server {
            status: status.as_u16(),
            detail,
            transient: matches!(failure, Failure::Transient { .. }),
            retry_after_secs,
        },
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T> {
    let body = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&body).map_err(|e| Error::BadAnswer {
        detail: e.to_string(),
    })
}

/// A request that did not get an answer: offline, refused, timed out, cut off.
fn transport(error: reqwest::Error) -> Error {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Offline { detail }
}

#[cfg(test)]
mod tests {
    use super::{parse_event_line, server_address_checked};

    #[test]
    fn server_addresses_table() {
        #[rustfmt::skip]
        let cases: [(&str, Option<bool>); 12] = [
            ("http://127.0.0.1:8080", Some(true)),
            ("http://localhost:8080/", Some(true)),
            ("http://LOCALHOST", Some(true)),
            ("http://app.localhost", Some(true)),
            ("http://[::1]:8080", Some(true)),
            ("http://127.9.9.9", Some(true)),
            ("https://hub.example.kr", Some(false)),
            ("https://127.0.0.1", Some(true)),
            ("http://hub.example.kr", None),
            ("http://192.168.0.10:8080", None),
            ("ftp://hub.example.kr", None),
            ("hub.example.kr", None),
        ];
        for (base, expected) in cases {
            let got = server_address_checked(base);
            assert_eq!(got.as_ref().ok().copied(), expected, "{base}: {got:?}");
            if let Err(e) = got {
                assert!(e.to_string().starts_with("invalid server address"), "{e}");
            }
        }
    }

    #[test]
    fn event_lines_table() {
        #[rustfmt::skip]
        let cases: [(&str, Option<u64>); 8] = [
            ("data: {\"seq\":1234}\n", Some(1234)),
            ("data:{\"seq\":7}\r\n", Some(7)),
            ("event: changes\n", None),
            ("id: 1234\n", None),
            (": keep-alive\n", None),
            ("\n", None),
            ("data: not json\n", None),
            ("data: {\"seq\":-1}\n", None),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_event_line(line.as_bytes()), expected, "{line:?}");
        }
    }
}
