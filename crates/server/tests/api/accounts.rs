//! Registration, logging in and out, sessions, roles.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sharehub_core::wire::{AccountView, Role, SessionList, SignedIn};

use crate::support::TestServer;

pub async fn register_login_list_and_revoke_sessions(server: &TestServer) {
    let registered: SignedIn = server
        .post(
            "/v1/accounts",
            None,
            json!({"email": " Jimin@Example.KR ", "password": "correct horse battery"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .json();
    assert_eq!(
        registered.account.email.as_deref(),
        Some("jimin@example.kr")
    );
    assert_eq!(registered.account.role, Role::Resident);
    assert_eq!(registered.token.len(), 32);
    let me: AccountView = server
        .get("/v1/accounts/me", Some(&registered.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(me.id, registered.account.id);

    let phone: SignedIn = server
        .post(
            "/v1/accounts",
            None,
            json!({"phone": "010-1234-5678", "password": "another long password"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .json();
    assert_eq!(phone.account.phone.as_deref(), Some("01012345678"));
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "010 1234 5678", "password": "another long password"}),
        )
        .await
        .expect(StatusCode::CREATED);

    let second: SignedIn = server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "jimin@example.kr", "password": "correct horse battery"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .json();
    let sessions: SessionList = server
        .get("/v1/sessions", Some(&second.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(sessions.sessions.len(), 2);
    assert_eq!(sessions.sessions.iter().filter(|s| s.current).count(), 1);
    assert!(sessions
        .sessions
        .iter()
        .any(|s| s.current && s.id == second.session.id));

    // Revoke the first session from the second device.
    server
        .delete(
            &format!("/v1/sessions/{}", registered.session.id),
            Some(&second.token),
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    server
        .get("/v1/accounts/me", Some(&registered.token))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Log out.
    server
        .delete("/v1/sessions/current", Some(&second.token))
        .await
        .expect(StatusCode::NO_CONTENT);
    let answer = server.get("/v1/sessions", Some(&second.token)).await;
    assert_eq!(answer.headers.get("www-authenticate").unwrap(), "Bearer");
    answer.problem(StatusCode::UNAUTHORIZED, "unauthenticated");

    // The same e-mail cannot register twice (even written differently).
    server
        .post(
            "/v1/accounts",
            None,
            json!({"email": "JIMIN@example.kr", "password": "correct horse battery"}),
        )
        .await
        .problem(StatusCode::CONFLICT, "conflict");
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "jimin@example.kr", "password": "wrong password!"}),
        )
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "nobody@example.kr", "password": "wrong password!"}),
        )
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    server
        .get("/v1/sessions", Some("0123456789abcdef0123456789abcdef"))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    server
        .get("/v1/sessions", None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

pub async fn registration_problems_name_the_field(server: &TestServer) {
    for (body, field) in [
        (
            json!({"email": "not-an-address", "password": "correct horse battery"}),
            "email",
        ),
        (
            json!({"email": "a@example.kr", "password": "short"}),
            "password",
        ),
        (
            json!({"phone": "12", "password": "correct horse battery"}),
            "phone",
        ),
        (json!({"password": "correct horse battery"}), "email"),
        (
            json!({"email": "a@example.kr", "phone": "010-1111-2222", "password": "correct horse battery"}),
            "phone",
        ),
    ] {
        let problem = server
            .post("/v1/accounts", None, body.clone())
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
        assert_eq!(problem["problems"][0]["field"], field, "{body} → {problem}");
    }
}

pub async fn wrong_passwords_are_rate_limited_per_account(server: &TestServer) {
    let account = server.register("limited").await;
    let login = account.account.email.unwrap();
    let burst = server.state.config.login_limit_per_account.burst;
    for _ in 0..burst {
        server
            .post(
                "/v1/sessions",
                None,
                json!({"login": login, "password": "not the password"}),
            )
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let answer = server
        .post(
            "/v1/sessions",
            None,
            json!({"login": login, "password": "correct horse battery"}),
        )
        .await;
    let retry_after: u64 = answer.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    answer.problem(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
    // Another account from the same address is not affected.
    let other = server.register("unaffected").await;
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": other.account.email.unwrap(), "password": "correct horse battery"}),
        )
        .await
        .expect(StatusCode::CREATED);
}

pub async fn sessions_expire(server: &TestServer) {
    let account = server.register("expiring").await;
    server
        .get("/v1/accounts/me", Some(&account.token))
        .await
        .expect(StatusCode::OK);
    assert!(account.session.expires_at > account.session.created_at);
    server
        .state
        .clock
        .advance(server.state.config.session_lifetime + Duration::from_secs(1));
    server
        .get("/v1/accounts/me", Some(&account.token))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

async fn admin_token(server: &TestServer) -> String {
    sharehub_server::seed::seed_demo(&server.state, include_str!("../fixtures/demo-small.json"))
        .await
        .unwrap();
    let admin: SignedIn = server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "admin@demo.sharehub.kr", "password": sharehub_server::seed::DEMO_PASSWORD}),
        )
        .await
        .expect(StatusCode::CREATED)
        .json();
    admin.token
}

pub async fn roles_are_changed_only_by_admins(server: &TestServer) {
    let resident = server.register("resident").await;
    let other = server.register("other").await;
    let path = format!("/v1/accounts/{}/role", resident.account.id);
    server
        .put(&path, Some(&resident.token), json!({"role": "admin"}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    server
        .put(&path, Some(&other.token), json!({"role": "coordinator"}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let admin = admin_token(server).await;
    let changed: AccountView = server
        .put(&path, Some(&admin), json!({"role": "organizer"}))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(changed.role, Role::Organizer);
    let me: AccountView = server
        .get("/v1/accounts/me", Some(&resident.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(me.role, Role::Organizer);
    let problem = server
        .put(&path, Some(&admin), json!({"role": "mayor"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    assert_eq!(problem["problems"][0]["field"], "role");
    server
        .put(
            &format!("/v1/accounts/{}/role", uuid::Uuid::now_v7()),
            Some(&admin),
            json!({"role": "organizer"}),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

pub async fn another_user_can_neither_read_nor_change_my_account_or_sessions(server: &TestServer) {
    let mine = server.register("mine").await;
    let theirs = server.register("theirs").await;
    // Reading my account.
    server
        .get(
            &format!("/v1/accounts/{}", mine.account.id),
            Some(&theirs.token),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let own: Value = server
        .get(
            &format!("/v1/accounts/{}", mine.account.id),
            Some(&mine.token),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(own["id"], mine.account.id.to_string());
    // Listing sessions shows only one's own.
    let listed: SessionList = server
        .get("/v1/sessions", Some(&theirs.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(listed.sessions.iter().all(|s| s.id != mine.session.id));
    // Revoking my session.
    server
        .delete(
            &format!("/v1/sessions/{}", mine.session.id),
            Some(&theirs.token),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    server
        .get("/v1/accounts/me", Some(&mine.token))
        .await
        .expect(StatusCode::OK);
    // Changing my role.
    server
        .put(
            &format!("/v1/accounts/{}/role", mine.account.id),
            Some(&theirs.token),
            json!({"role": "admin"}),
        )
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let me: AccountView = server
        .get("/v1/accounts/me", Some(&mine.token))
        .await
        .json();
    assert_eq!(me.role, Role::Resident);
}

/// The limiter is in memory, the same for both backends: tested once, on SQLite.
#[tokio::test]
async fn logins_and_registrations_are_rate_limited_per_address() {
    use sharehub_server::auth::rate_limit::Limit;
    let config = sharehub_server::ServerConfig {
        login_limit_per_address: Limit {
            burst: 3,
            refill_every: Duration::from_secs(3600),
        },
        ..sharehub_server::ServerConfig::default()
    };
    let server = TestServer::start_with(crate::support::Backend::Sqlite, config).await;
    let account = server.register("first").await;
    let login = account.account.email.unwrap();
    for _ in 0..2 {
        server
            .post(
                "/v1/sessions",
                None,
                json!({"login": login, "password": "not the password"}),
            )
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let problem = server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "someone.else@example.kr", "password": "whatever password"}),
        )
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("from this network address"),
        "{problem}"
    );
    server
        .post(
            "/v1/accounts",
            None,
            json!({"email": "new@example.kr", "password": "correct horse battery"}),
        )
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
    server.stop().await;
}
