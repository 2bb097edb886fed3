//! A server database from the first release (migrations 0001 and 0002, with rows as that
//! release wrote them) opened by today's server: its data is intact and usable (the account
//! signs in, the old session works, the records are served and synced, an old idempotency
//! key still gets its first answer, new writes work), and its schema equals a fresh
//! install's. On SQLite and PostgreSQL.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sharehub_server::storage::{PostgresStorage, SqliteStorage, Storage};
use sharehub_server::ServerConfig;

use crate::support::{fresh_postgres_database, TestServer};

const ACCOUNT: &str = "018f7a00-0000-7000-8000-000000000001";
const EMAIL: &str = "old-timer@example.kr";
const PASSWORD: &str = "correct horse battery";
/// A session token of the old release (32 hex digits); the database holds its SHA-256.
const TOKEN: &str = "00112233445566778899aabbccddeeff";
const DRILL: &str = "018f7a00-0000-7000-8000-0000000000d1";
const RETIRED: &str = "018f7a00-0000-7000-8000-0000000000d2";
const OLD_KEY: &str = "018f7a00-0000-7000-8000-00000000beef";
/// 2026-01-01 and 2036-01-01, in UTC milliseconds.
const CREATED_AT: i64 = 1_767_225_600_000;
const EXPIRES_AT: i64 = 2_082_758_400_000;

/// The drill as the first release stored it (JSON of `sharehub_core::Resource`).
const DRILL_BODY: &str = r#"{"id":"018f7a00-0000-7000-8000-0000000000d1","kind":"tool","name":{"ko":"전동 드릴","en":"Power drill"},"description":{"ko":"주말에 빌려 드려요","en":"Lent on weekends"},"location":{"lat":37.5559,"lon":126.9052},"address":{"ko":"서울 마포구 망원로 1","en":"1 Mangwon-ro, Mapo-gu"},"district":{"ko":"마포구","en":"Mapo-gu"},"neighborhood":{"ko":"망원1동","en":"Mangwon 1-dong"},"owner_name":{"ko":"이웃","en":"Neighbor"},"pricing":{"type":"free"},"capacity":1,"visibility":"public"}"#;
const DRILL_SEARCH: &str = "전동 드릴 power drill 망원1동 mangwon 1-dong 마포구 mapo-gu";

fn password_hash() -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
    argon2::Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

fn token_hash() -> Vec<u8> {
    Sha256::digest(TOKEN.as_bytes()).to_vec()
}

/// The first release's rows, in SQL of either backend (`$TRUE`/`$FALSE` for booleans).
fn old_rows(yes: &str, no: &str) -> String {
    format!(
        "INSERT INTO account (id, email, phone, password_hash, role, created_at)
             VALUES ('{ACCOUNT}', '{EMAIL}', NULL, '{hash}', 'resident', {CREATED_AT});
         INSERT INTO resource (id, owner_id, kind, lat, lon, restricted, retired, version, search_text, body)
             VALUES ('{DRILL}', '{ACCOUNT}', 'tool', 37.5559, 126.9052, {no}, {no}, 1, '{DRILL_SEARCH}', '{DRILL_BODY}'),
                    ('{RETIRED}', '{ACCOUNT}', 'tool', 37.5559, 126.9052, {no}, {yes}, 2, 'old saw', '{retired_body}');
         INSERT INTO change (entity, entity_id, owner_id, restricted, body)
             VALUES ('resource', '{DRILL}', '{ACCOUNT}', {no}, '{DRILL_BODY}'),
                    ('resource', '{RETIRED}', '{ACCOUNT}', {no}, NULL);
         INSERT INTO mutation_receipt (account_id, idempotency_key, outcome, created_at)
             VALUES ('{ACCOUNT}', '{OLD_KEY}', '{{\"status\":\"applied\",\"version\":1}}', {CREATED_AT});",
        hash = password_hash(),
        retired_body = DRILL_BODY
            .replace(DRILL, RETIRED)
            .replace("Power drill", "Old saw"),
    )
}

/// Checks through the API that the upgraded data is intact and usable.
async fn check_upgraded(storage: Arc<dyn Storage>, dir: tempfile::TempDir) {
    let server = TestServer::over(storage, ServerConfig::default(), dir);
    // The old session still works, and the password still signs in.
    let me: Value = server
        .get("/v1/accounts/me", Some(TOKEN))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(me["email"], EMAIL);
    assert_eq!(me["id"], ACCOUNT);
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": EMAIL, "password": PASSWORD}),
        )
        .await
        .expect(StatusCode::CREATED);
    // The records are served and synced; the retired one is not.
    let drill: Value = server
        .get(&format!("/v1/resources/{DRILL}"), Some(TOKEN))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(drill["resource"]["name"]["ko"], "전동 드릴");
    assert_eq!(drill["version"], 1);
    let page: Value = server
        .get("/v1/sync/changes?since=0", Some(TOKEN))
        .await
        .expect(StatusCode::OK)
        .json();
    let ids: Vec<&str> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["record"]["resource"]["id"].as_str())
        .collect();
    assert_eq!(ids, [DRILL], "{page}");
    let found: Value = server
        .get("/v1/resources?q=drill", Some(TOKEN))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(
        found["resources"].as_array().map(Vec::len),
        Some(1),
        "{found}"
    );
    // The old key gets its first answer; a new edit applies after the old change.
    let mut edited: Value = serde_json::from_str(DRILL_BODY).unwrap();
    edited["name"]["en"] = "Cordless drill".into();
    let again: Value = server
        .post(
            "/v1/sync/mutations",
            Some(TOKEN),
            json!({"mutations": [{"idempotency_key": OLD_KEY, "name": "resource.update",
                                  "args": {"resource": edited}}]}),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(
        again["results"][0]["outcome"],
        json!({"status": "applied", "version": 1})
    );
    let fresh_key = uuid::Uuid::now_v7().to_string();
    let applied: Value = server
        .post(
            "/v1/sync/mutations",
            Some(TOKEN),
            json!({"mutations": [{"idempotency_key": fresh_key, "name": "resource.update",
                                  "args": {"resource": edited, "base_version": 1}}]}),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    let version = applied["results"][0]["outcome"]["version"].as_u64();
    assert!(version.is_some_and(|v| v > 2), "{applied}");
    let drill: Value = server
        .get(&format!("/v1/resources/{DRILL}"), None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(drill["resource"]["name"]["en"], "Cordless drill");
    server.stop().await;
}

fn sqlite_schema(path: &std::path::Path) -> Vec<(String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut statement = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let schema = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let mut schema: Vec<_> = schema;
    schema.push(("user_version".into(), version.to_string(), None));
    schema
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_of_the_first_release_upgrades_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("../../src/storage/sqlite/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(include_str!(
            "../../src/storage/sqlite/0002_station_status.sql"
        ))
        .unwrap();
        // rusqlite_migration counts applied migrations in user_version.
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(&old_rows("1", "0")).unwrap();
        conn.execute(
            "INSERT INTO session (id, account_id, token_hash, created_at, expires_at, revoked_at)
             VALUES ('018f7a00-0000-7000-8000-0000000005e1', ?1, ?2, ?3, ?4, NULL)",
            rusqlite::params![ACCOUNT, token_hash(), CREATED_AT, EXPIRES_AT],
        )
        .unwrap();
    }
    let upgraded = SqliteStorage::open(&old).await.unwrap();
    drop(
        SqliteStorage::open(&dir.path().join("fresh.db"))
            .await
            .unwrap(),
    );
    assert_eq!(
        sqlite_schema(&old),
        sqlite_schema(&dir.path().join("fresh.db")),
        "the upgraded schema differs from a fresh install's"
    );
    check_upgraded(Arc::new(upgraded), dir).await;
}

async fn postgres_schema(url: &str) -> Vec<String> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut schema = Vec::new();
    for query in [
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
             || ' ' || coalesce(column_default, '')
         FROM information_schema.columns WHERE table_schema = 'public'
         ORDER BY table_name, column_name",
        "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
         ORDER BY indexname",
        "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migration",
    ] {
        for row in client.query(query, &[]).await.unwrap() {
            schema.push(row.get::<_, String>(0));
        }
    }
    schema
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_of_the_first_release_upgrades_with_its_data() {
    let old = fresh_postgres_database().await;
    {
        let (client, connection) = tokio_postgres::connect(&old, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute(include_str!("../../src/storage/postgres/0001_initial.sql"))
            .await
            .unwrap();
        client
            .batch_execute(include_str!(
                "../../src/storage/postgres/0002_station_status.sql"
            ))
            .await
            .unwrap();
        // How the first release counted its migrations.
        client
            .batch_execute(
                "CREATE TABLE schema_migration (version integer PRIMARY KEY);
                 INSERT INTO schema_migration (version) VALUES (1), (2);",
            )
            .await
            .unwrap();
        client
            .batch_execute(&old_rows("true", "false"))
            .await
            .unwrap();
        client
            .execute(
                "INSERT INTO session (id, account_id, token_hash, created_at, expires_at, revoked_at)
                 VALUES ('018f7a00-0000-7000-8000-0000000005e1', $1::text::uuid, $2, $3, $4, NULL)",
                &[&ACCOUNT, &token_hash(), &CREATED_AT, &EXPIRES_AT],
            )
            .await
            .unwrap();
    }
    let upgraded = PostgresStorage::connect(&old, 4).await.unwrap();
    let fresh = fresh_postgres_database().await;
    drop(PostgresStorage::connect(&fresh, 2).await.unwrap());
    assert_eq!(
        postgres_schema(&old).await,
        postgres_schema(&fresh).await,
        "the upgraded schema differs from a fresh install's"
    );
    check_upgraded(Arc::new(upgraded), tempfile::tempdir().unwrap()).await;
}
