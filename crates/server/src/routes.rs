//! The HTTP API: every route, registered once for routing and for the OpenAPI document.

use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::state::AppState;

pub mod accounts;
pub mod health;
pub mod reservations;
pub mod resources;
pub mod sessions;
pub mod stations;
pub mod sync;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Share Hub API",
        description = "Shared bikes, cars, parking, rooms, workspaces, tools and meals for the residents of a sharing city. Errors are RFC 9457 problem details.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(sharehub_core::wire::Problem, sharehub_core::wire::Mutation)),
    tags(
        (name = "accounts", description = "Registration, profiles and roles"),
        (name = "sessions", description = "Logging in and out; listing and revoking sessions"),
        (name = "resources", description = "Shared resources and the public listing"),
        (name = "sync", description = "Pulling changes, pushing mutations and live events"),
        (name = "stations", description = "Live counts of public-bike stations"),
        (name = "bookings", description = "Bookings as calendar files and private calendar feeds (bookings are made through sync)"),
        (name = "operations", description = "Health and readiness")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::get))
        .routes(routes!(accounts::set_role))
        .routes(routes!(sessions::create, sessions::list))
        .routes(routes!(sessions::delete_current))
        .routes(routes!(sessions::delete))
        .routes(routes!(resources::list, resources::create))
        .routes(routes!(
            resources::get,
            resources::update,
            resources::retire
        ))
        .routes(routes!(sync::changes))
        .routes(routes!(sync::mutations))
        .routes(routes!(sync::events::events))
        .routes(gzipped(routes!(stations::status)))
        .routes(routes!(reservations::calendar_file))
        .routes(routes!(
            reservations::feed_create,
            reservations::feed_revoke
        ))
        .routes(routes!(reservations::feed))
}

/// Answers gzip-compressed to clients that accept it (large JSON that changes every minute).
fn gzipped(
    (schemas, paths, method): utoipa_axum::router::UtoipaMethodRouter<AppState>,
) -> utoipa_axum::router::UtoipaMethodRouter<AppState> {
    (
        schemas,
        paths,
        method.layer(tower_http::compression::CompressionLayer::new().gzip(true)),
    )
}

/// The OpenAPI document, as served at `/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (router, spec) = api().split_for_parts();
    let limit = state.config.body_limit_bytes;
    router
        .route(
            "/v1/openapi.json",
            get(move || {
                let spec = spec.clone();
                async move { Json(spec) }
            }),
        )
        .fallback(|| async {
            Error::NotFound {
                what: "this path".into(),
            }
            .into_response()
        })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed.into_response() })
        .layer(DefaultBodyLimit::max(limit))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}
