//! Who is asking: passwords (argon2id on a bounded blocking pool), session tokens (128-bit
//! random, stored as SHA-256), login rate limits, and the extractors handlers use.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sharehub_core::wire::SessionId;

use crate::error::{Error, Result};
use crate::rules::Actor;
use crate::state::AppState;
use crate::storage::StoredAccount;

pub mod password;
pub mod rate_limit;
pub mod token;

/// A signed-in request: the account and the session the token belongs to.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub account: StoredAccount,
    pub session_id: SessionId,
}

impl SignedInUser {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.account.id,
            role: self.account.role,
        }
    }
}

fn bearer_token(parts: &Parts) -> Result<Option<&str>> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| Error::Unauthenticated {
        reason: "the Authorization header is not readable text".into(),
    })?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(Error::Unauthenticated {
            reason: "send the session token as `Authorization: Bearer <token>`".into(),
        }),
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<SignedInUser>> {
    let Some(token) = bearer_token(parts)? else {
        return Ok(None);
    };
    let hash = token::hash(token);
    match state
        .storage
        .session_by_token_hash(hash, state.clock.now())
        .await?
    {
        Some((session, account)) => Ok(Some(SignedInUser {
            account,
            session_id: session.id,
        })),
        None => Err(Error::Unauthenticated {
            reason: "the session token is unknown, expired or was revoked; log in again".into(),
        }),
    }
}

impl FromRequestParts<AppState> for SignedInUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        authenticate(parts, state)
            .await?
            .ok_or_else(|| Error::Unauthenticated {
                reason: "this needs a session token in `Authorization: Bearer <token>`; get one from POST /v1/sessions".into(),
            })
    }
}

/// Signed in or anonymous; a token that is sent must still be valid.
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<SignedInUser>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(MaybeSignedIn(authenticate(parts, state).await?))
    }
}
