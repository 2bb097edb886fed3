//! A tiny HTTP server on 127.0.0.1:0 playing a public-bike feed: it serves whatever body and
//! status a test sets for a path (real-format fixture files from crates/feeds/tests/fixtures,
//! or edited copies of them).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

type Files = Arc<Mutex<HashMap<String, (StatusCode, Vec<u8>)>>>;

/// A fixture file of the feeds crate, as text.
pub fn fixture(path: &str) -> String {
    let full = format!(
        "{}/../feeds/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

pub struct FeedServer {
    pub base: String,
    files: Files,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

async fn answer(State(files): State<Files>, uri: Uri) -> impl IntoResponse {
    let found = files.lock().unwrap().get(uri.path()).cloned();
    match found {
        Some((status, body)) => (status, body).into_response(),
        None => (StatusCode::NOT_FOUND, "no such feed file").into_response(),
    }
}

impl FeedServer {
    pub async fn start() -> FeedServer {
        let files: Files = Arc::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(answer).with_state(files.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        FeedServer {
            base,
            files,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Serves `body` with `status` at `path` from now on.
    pub fn set(&self, path: &str, status: StatusCode, body: impl Into<Vec<u8>>) {
        self.files
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, body.into()));
    }

    pub fn ok(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.set(path, StatusCode::OK, body);
    }

    /// Stops answering: the port is closed when this returns.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
