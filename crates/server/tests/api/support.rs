//! A real server on 127.0.0.1, port 0, in this process, over either backend; and a small
//! HTTP client for tests.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sharehub_core::wire::SignedIn;
use sharehub_server::storage::{PostgresStorage, SqliteStorage, Storage};
use sharehub_server::{router, serve, stop_after, AppState, ServerConfig};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests use (set by scripts/with-postgres.sh).
pub const DATABASE_URL_VAR: &str = "SHAREHUB_TEST_DATABASE_URL";

/// A PostgreSQL database of its own for one test, made on the server in
/// `SHAREHUB_TEST_DATABASE_URL`.
pub async fn fresh_postgres_database() -> String {
    let url = std::env::var(DATABASE_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{DATABASE_URL_VAR} is not set: the PostgreSQL half of the suite needs a server. \
             Run the tests as `scripts/with-postgres.sh cargo test -p sharehub-server`, which \
             starts a throwaway PostgreSQL and sets it."
        )
    });
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {DATABASE_URL_VAR}={url}: {e}"));
    tokio::spawn(connection);
    let name = format!("sharehub_test_{}", uuid::Uuid::now_v7().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, params) = match url.split_once('?') {
        Some((base, params)) => (base.to_owned(), format!("?{params}")),
        None => (url.clone(), String::new()),
    };
    let without_path = match base
        .strip_prefix("postgres://")
        .or_else(|| base.strip_prefix("postgresql://"))
    {
        Some(rest) => match rest.split_once('/') {
            Some((authority, _)) => format!("postgres://{authority}"),
            None => format!("postgres://{rest}"),
        },
        None => panic!("{DATABASE_URL_VAR} must be a postgres:// URL"),
    };
    format!("{without_path}/{name}{params}")
}

pub async fn open(backend: Backend, dir: &tempfile::TempDir) -> Arc<dyn Storage> {
    match backend {
        Backend::Sqlite => Arc::new(
            SqliteStorage::open(&dir.path().join("hub.db"))
                .await
                .unwrap(),
        ),
        Backend::Postgres => Arc::new(
            PostgresStorage::connect(&fresh_postgres_database().await, 8)
                .await
                .unwrap(),
        ),
    }
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, ServerConfig::default()).await
    }

    pub async fn start_with(backend: Backend, config: ServerConfig) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let storage = open(backend, &dir).await;
        Self::over(storage, config, dir)
    }

    /// A server over `storage` (already open), keeping `dir` as long as it runs.
    pub fn over(
        storage: Arc<dyn Storage>,
        config: ServerConfig,
        dir: tempfile::TempDir,
    ) -> TestServer {
        let state = AppState::new(storage, config).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let listener = TcpListener::from_std(listener).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        let stopped = async move {
            let _ = rx.await;
        };
        let task = tokio::spawn(serve(
            listener,
            app,
            stop_after(state.stopping.clone(), stopped),
        ));
        TestServer {
            base,
            state,
            http: reqwest::Client::new(),
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Asks the server to stop and waits until it has finished its requests.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request; `body` as JSON when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    /// Registers a new resident with a unique e-mail; returns the token and account.
    pub async fn register(&self, name: &str) -> SignedIn {
        let email = format!("{name}-{}@example.kr", uuid::Uuid::now_v7().simple());
        let answer = self
            .post(
                "/v1/accounts",
                None,
                json!({"email": email, "password": "correct horse battery"}),
            )
            .await;
        answer.expect(StatusCode::CREATED).json()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    async fn from(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.unwrap().to_vec();
        Answer {
            status,
            content_type,
            headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn expect(self, status: StatusCode) -> Answer {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text());
        self
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", self.text()))
    }

    /// Checks that this is a problem+json answer of `status` with the given `type` slug;
    /// returns the problem.
    pub fn problem(self, status: StatusCode, slug: &str) -> Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text());
        assert_eq!(
            self.content_type,
            "application/problem+json",
            "{}",
            self.text()
        );
        let problem: Value = self.json();
        assert_eq!(
            problem["type"],
            format!("urn:sharehub:problem:{slug}"),
            "{problem}"
        );
        assert_eq!(problem["status"], status.as_u16());
        assert!(!problem["detail"].as_str().unwrap_or_default().is_empty());
        problem
    }
}

/// A valid resource as JSON, with a fresh id.
pub fn resource_json(name_en: &str) -> Value {
    json!({
        "id": uuid::Uuid::now_v7(),
        "kind": "tool",
        "name": {"ko": format!("공구 {name_en}"), "en": name_en},
        "description": {"ko": "전동 드릴", "en": "Power drill"},
        "location": {"lat": 37.5556, "lon": 126.9106},
        "address": {"ko": "서울 마포구 월드컵로 1", "en": "1 World Cup-ro, Mapo-gu, Seoul"},
        "district": {"ko": "마포구", "en": "Mapo-gu"},
        "neighborhood": {"ko": "망원동", "en": "Mangwon-dong"},
        "owner_name": {"ko": "지민", "en": "Jimin"},
        "pricing": {"type": "free"},
        "capacity": 1,
        "visibility": "public"
    })
}
