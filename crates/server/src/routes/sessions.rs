//! `/v1/sessions`: log in, list and revoke sessions, log out.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use sharehub_core::wire::accounts::{normalize_email, normalize_phone};
use sharehub_core::wire::{
    AccountView, LoginRequest, Problem, SessionId, SessionInfo, SessionList, SignedIn,
};
use uuid::Uuid;

use crate::auth::{token, SignedInUser};
use crate::error::{Error, Result};
use crate::request_input::{JsonBody, PathId};
use crate::state::AppState;
use crate::storage::{StoredAccount, StoredSession};

/// The client's IP address (the TCP peer), for per-address limits.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string()),
        ))
    }
}

/// An account as its owner sees it: in every signed-in answer, and in the account routes
/// (registering, which signs in, builds on this file; this file knows no account route).
pub fn account_view(account: &StoredAccount) -> AccountView {
    AccountView {
        id: account.id,
        email: account.email.clone(),
        phone: account.phone.clone(),
        role: account.role,
        created_at: account.created_at,
    }
}

fn rate_limited(what: &str, wait: std::time::Duration) -> Error {
    Error::RateLimited {
        what: what.to_owned(),
        retry_after_secs: wait.as_secs().max(1),
    }
}

pub(crate) fn check_address_limit(state: &AppState, address: &ClientAddress) -> Result<()> {
    state
        .login_limit_per_address
        .check(&address.0, Instant::now())
        .map_err(|wait| rate_limited("from this network address", wait))
}

fn session_info(session: &StoredSession, current: Option<SessionId>) -> SessionInfo {
    SessionInfo {
        id: session.id,
        created_at: session.created_at,
        expires_at: session.expires_at,
        current: Some(session.id) == current,
    }
}

pub(crate) async fn start_session(state: &AppState, account: &StoredAccount) -> Result<SignedIn> {
    let token = token::generate();
    let now = state.clock.now();
    let lifetime =
        chrono::TimeDelta::from_std(state.config.session_lifetime).map_err(Error::internal)?;
    let session = StoredSession {
        id: SessionId(Uuid::now_v7()),
        account_id: account.id,
        token_hash: token::hash(&token),
        created_at: now,
        expires_at: now + lifetime,
    };
    state.storage.create_session(&session).await?;
    Ok(SignedIn {
        token,
        session: session_info(&session, Some(session.id)),
        account: account_view(account),
    })
}

/// Log in with the e-mail address or phone number and the password.
#[utoipa::path(post, path = "/v1/sessions", tag = "sessions",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Signed in", body = SignedIn),
        (status = 400, description = "Malformed JSON or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts for this login or from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    address: ClientAddress,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<(StatusCode, Json<SignedIn>)> {
    if request.password.chars().count() > sharehub_core::wire::accounts::MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "must be at most 128 characters"));
    }
    let login = if request.login.contains('@') {
        normalize_email(&request.login)
    } else {
        normalize_phone(&request.login)
    }
    .map_err(|problem| Error::invalid("login", problem))?;
    check_address_limit(&state, &address)?;
    state
        .login_limit_per_account
        .check(&login, Instant::now())
        .map_err(|wait| rate_limited("for this login", wait))?;
    let account = state.storage.account_by_login(&login).await?;
    let stored_hash = account.as_ref().map(|a| a.password_hash.clone());
    let matches = state.hasher.verify(request.password, stored_hash).await?;
    match account {
        Some(account) if matches => {
            let signed_in = start_session(&state, &account).await?;
            tracing::info!(account = %account.id, "logged in");
            Ok((StatusCode::CREATED, Json(signed_in)))
        }
        _ => Err(Error::Unauthenticated {
            reason: "the login or the password is wrong".into(),
        }),
    }
}

/// The signed-in account's live sessions, newest first.
#[utoipa::path(get, path = "/v1/sessions", tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions", body = SessionList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, user: SignedInUser) -> Result<Json<SessionList>> {
    let sessions = state
        .storage
        .sessions_of(user.account.id, state.clock.now())
        .await?;
    Ok(Json(SessionList {
        sessions: sessions
            .iter()
            .map(|s| session_info(s, Some(user.session_id)))
            .collect(),
    }))
}

async fn revoke(state: &AppState, user: &SignedInUser, id: SessionId) -> Result<StatusCode> {
    if state
        .storage
        .revoke_session(user.account.id, id, state.clock.now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound {
            what: format!("live session {id} of your account"),
        })
    }
}

/// Log out: revoke the session the request was made with.
#[utoipa::path(delete, path = "/v1/sessions/current", tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_current(
    State(state): State<AppState>,
    user: SignedInUser,
) -> Result<StatusCode> {
    revoke(&state, &user, user.session_id).await
}

/// Revoke one of your sessions (another device).
#[utoipa::path(delete, path = "/v1/sessions/{id}", tag = "sessions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id (UUID)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live session of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
) -> Result<StatusCode> {
    let id = SessionId(Uuid::parse_str(&id).map_err(|_| Error::NotFound {
        what: format!("session {id:?} (ids are UUIDs)"),
    })?);
    revoke(&state, &user, id).await
}
