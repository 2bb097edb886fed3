//! Health, readiness, OpenAPI, demo data, shutdown and the binary's command line.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};
use sharehub_core::wire::{ResourceListPage, Role, SignedIn};
use sharehub_server::seed::{demo_login, seed_demo, DEMO_PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{Backend, TestServer};

pub async fn health_and_readiness(server: &TestServer) {
    let health: Value = server
        .get("/healthz", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(health["status"], "ok");
    let ready: Value = server
        .get("/readyz", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["backend"], server.state.storage.backend());
    server
        .get("/v1/nothing-here", None)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    server
        .call(reqwest::Method::PATCH, "/v1/resources", None, None)
        .await
        .problem(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
}

const SMALL_DEMO: &str = include_str!("../fixtures/demo-small.json");

pub async fn demo_seed_is_idempotent_and_demo_accounts_log_in(server: &TestServer) {
    let first = seed_demo(&server.state, SMALL_DEMO).await.unwrap();
    assert_eq!((first.accounts_added, first.resources_added), (4, 3));
    let again = seed_demo(&server.state, SMALL_DEMO).await.unwrap();
    assert_eq!((again.accounts_added, again.resources_added), (0, 0));
    for role in Role::ALL {
        let signed_in: SignedIn = server
            .post(
                "/v1/sessions",
                None,
                json!({"login": demo_login(role), "password": DEMO_PASSWORD}),
            )
            .await
            .expect(StatusCode::CREATED)
            .json();
        assert_eq!(signed_in.account.role, role);
    }
    let page: ResourceListPage = server
        .get("/v1/resources", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(page.resources.len(), 3);
}

#[tokio::test]
async fn the_real_demo_file_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/seoul.json");
    let json = std::fs::read_to_string(path).expect("assets/demo/seoul.json is in the repository");
    let server = TestServer::start(Backend::Sqlite).await;
    let report = seed_demo(&server.state, &json).await.unwrap();
    let demo = sharehub_core::demo::DemoFile::parse(&json).unwrap();
    assert_eq!(report.resources_added, demo.resources.len());
    server.stop().await;
}

#[tokio::test]
async fn openapi_document_is_served_and_equals_the_committed_file() {
    let server = TestServer::start(Backend::Sqlite).await;
    let served: Value = server
        .get("/v1/openapi.json", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(served["openapi"], "3.1.0");
    let generated = serde_json::to_value(sharehub_server::openapi()).unwrap();
    assert_eq!(served, generated);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let pretty = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("SHAREHUB_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == pretty,
        "crates/server/openapi.json differs from the generated document; regenerate it with \
         `SHAREHUB_UPDATE_OPENAPI=1 cargo test -p sharehub-server --test api openapi` and commit it"
    );
    server.stop().await;
}

/// A request that is being answered when shutdown starts still gets its full answer.
#[tokio::test]
async fn shutdown_finishes_requests_in_flight() {
    let server = TestServer::start(Backend::Sqlite).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body = json!({"email": "late@example.kr", "password": "correct horse battery"}).to_string();
    let head = format!(
        "POST /v1/accounts HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server says "100 Continue" when the handler starts reading the body: the request
    // is now in flight.
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).await.unwrap();
    assert!(
        interim.starts_with(b"HTTP/1.1 100 Continue"),
        "{:?}",
        String::from_utf8_lossy(&interim)
    );
    let stopping = tokio::spawn(server.stop());
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201 Created"), "{answer}");
    assert!(answer.contains("\"token\""), "{answer}");
    stopping.await.unwrap();
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sharehub-server"))
}

#[test]
fn demo_accounts_are_refused_on_a_network_address() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub.db");
    for listen in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let output = binary()
            .args(["--seed", "demo", "--listen", listen, "--data"])
            .arg(&data)
            .env_remove("SHAREHUB_ALLOW_DEMO_ON_NETWORK")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{listen}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--seed demo") && stderr.contains("--allow-demo-on-network"),
            "{listen}: {stderr}"
        );
        assert!(!data.exists(), "refused before any database is made");
    }
}

#[test]
fn a_bad_database_url_or_unwritable_data_path_exits_with_a_clear_error() {
    let output = binary()
        .args(["--database-url", "mysql://nope", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("must start with postgres://"), "{stderr}");

    let output = binary()
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot connect to PostgreSQL"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no/such/dir/hub.db");
    let output = binary()
        .args([
            "--data",
            missing_dir.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open or create the database file"),
        "{stderr}"
    );

    let output = binary()
        .args(["--data", dir.path().join("hub.db").to_str().unwrap()])
        .args(["--seed", "demo", "--demo-file", "/no/such/demo.json"])
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read the demo file /no/such/demo.json"),
        "{stderr}"
    );
}

#[test]
fn the_binary_seeds_demo_data_from_any_directory_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = binary()
        .current_dir(dir.path())
        .args([
            "--data",
            "hub.db",
            "--seed",
            "demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("SHAREHUB_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.split("address=").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(format!("GET /v1/resources?limit=1 HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

/// Opening an existing database runs no migration twice and keeps its data.
async fn reopening_keeps_data(choice: sharehub_server::StorageChoice) {
    let first = sharehub_server::open_storage(&choice).await.unwrap();
    let account = sharehub_server::storage::StoredAccount {
        id: sharehub_core::wire::AccountId(uuid::Uuid::now_v7()),
        email: Some("kept@example.kr".into()),
        phone: None,
        password_hash: "not a real hash".into(),
        role: Role::Resident,
        created_at: chrono::DateTime::from_timestamp_millis(1_764_000_000_000).unwrap(),
    };
    first.create_account(&account).await.unwrap();
    drop(first);
    let again = sharehub_server::open_storage(&choice).await.unwrap();
    assert_eq!(
        again.account_by_login("kept@example.kr").await.unwrap(),
        Some(account)
    );
}

#[tokio::test]
async fn sqlite_reopens_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    reopening_keeps_data(sharehub_server::StorageChoice::Sqlite(
        dir.path().join("hub.db"),
    ))
    .await;
}

#[tokio::test]
async fn postgres_reopens_an_existing_database() {
    let url = crate::support::fresh_postgres_database().await;
    reopening_keeps_data(sharehub_server::StorageChoice::Postgres(url)).await;
}
