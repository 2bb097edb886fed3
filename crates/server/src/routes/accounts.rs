//! `/v1/accounts`: registration, the signed-in account, roles.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sharehub_core::wire::accounts::{normalize_email, normalize_phone};
use sharehub_core::wire::{AccountId, AccountView, Problem, RegisterRequest, RoleChange, SignedIn};
use uuid::Uuid;

use super::sessions::{account_view, check_address_limit, start_session, ClientAddress};
use crate::auth::SignedInUser;
use crate::error::{Error, Result};
use crate::request_input::{JsonBody, PathId};
use crate::state::AppState;
use crate::storage::StoredAccount;

pub(crate) fn parse_account_id(text: &str) -> Result<AccountId> {
    text.parse().map_err(|_| Error::NotFound {
        what: format!("account {text:?} (ids are UUIDs)"),
    })
}

/// Register with an e-mail address or a phone number; answers with a new session.
#[utoipa::path(post, path = "/v1/accounts", tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in", body = SignedIn),
        (status = 400, description = "Malformed JSON or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail address or phone number is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    address: ClientAddress,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<SignedIn>)> {
    let problems = request.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    check_address_limit(&state, &address)?;
    let email = request.email.as_deref().map(normalize_email).transpose();
    let phone = request.phone.as_deref().map(normalize_phone).transpose();
    let (email, phone) = match (email, phone) {
        (Ok(email), Ok(phone)) => (email, phone),
        (Err(problem), _) => return Err(Error::invalid("email", problem)),
        (_, Err(problem)) => return Err(Error::invalid("phone", problem)),
    };
    let password_hash = state.hasher.hash(request.password).await?;
    let account = StoredAccount {
        id: AccountId(Uuid::now_v7()),
        email,
        phone,
        password_hash,
        role: sharehub_core::wire::Role::Resident,
        created_at: state.clock.now(),
    };
    state.storage.create_account(&account).await?;
    tracing::info!(account = %account.id, "account registered");
    let signed_in = start_session(&state, &account).await?;
    Ok((StatusCode::CREATED, Json(signed_in)))
}

/// The signed-in account.
#[utoipa::path(get, path = "/v1/accounts/me", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account", body = AccountView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(user: SignedInUser) -> Json<AccountView> {
    Json(account_view(&user.account))
}

/// One account: your own, or any account for admins.
#[utoipa::path(get, path = "/v1/accounts/{id}", tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id (UUID)")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
) -> Result<Json<AccountView>> {
    let id = parse_account_id(&id)?;
    let not_found = || Error::NotFound {
        what: format!("account {id}"),
    };
    // Another person's account is "not found", not "forbidden": ids are not confirmed.
    if id != user.account.id && user.account.role != sharehub_core::wire::Role::Admin {
        return Err(not_found());
    }
    let account = state.storage.account(id).await?.ok_or_else(not_found)?;
    Ok(Json(account_view(&account)))
}

/// Change an account's role (admins only).
#[utoipa::path(put, path = "/v1/accounts/{id}/role", tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id (UUID)")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The account with its new role", body = AccountView),
        (status = 400, description = "Malformed JSON or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins change roles", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_role(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
    JsonBody(change): JsonBody<RoleChange>,
) -> Result<Json<AccountView>> {
    let id = parse_account_id(&id)?;
    if user.account.role != sharehub_core::wire::Role::Admin {
        return Err(Error::Forbidden {
            detail: "only admins may change roles; ask an admin of your Share Hub".into(),
        });
    }
    if !state.storage.set_role(id, change.role).await? {
        return Err(Error::NotFound {
            what: format!("account {id}"),
        });
    }
    tracing::info!(account = %id, role = change.role.as_str(), by = %user.account.id, "role changed");
    let account = state
        .storage
        .account(id)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("account {id}"),
        })?;
    Ok(Json(account_view(&account)))
}
