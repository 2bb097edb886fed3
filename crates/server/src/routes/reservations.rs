//! Bookings as calendar files (RFC 5545): one booking's `.ics`, and each person's private,
//! revocable feed of all their bookings (cancelled ones as `STATUS:CANCELLED`; a booking's
//! `UID` never changes and its `SEQUENCE` goes up with every change). Bookings themselves are
//! made and changed through sync (`POST /v1/sync/mutations`, `reservation.*`).

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sharehub_core::booking::{ics_calendar, CalendarEntry, ReservationId, ReservationStatus};
use sharehub_core::i18n::reservation_status;
use sharehub_core::text::Language;
use sharehub_core::wire::{CalendarFeed, CalendarQuery, Problem};

use crate::auth::{token, SignedInUser};
use crate::error::{Error, Result};
use crate::request_input::{PathId, QueryParams};
use crate::rules::Actor;
use crate::state::AppState;
use crate::storage::BookedReservation;
use crate::visibility::{as_strangers_see, is_restricted, sees_exact};

/// Who may read a booking: its booker and whoever runs its resource.
fn may_read(actor: Actor, booked: &BookedReservation) -> bool {
    booked.stored.reservation.booker_id == actor.id
        || booked.resource.owner_id == actor.id
        || actor.role.manages_all_resources()
}

/// The calendar event of a booking as `actor` may see it: the exact place only for who
/// runs the resource, or for the booker of a confirmed booking.
fn entry(actor: Actor, booked: &BookedReservation, language: Language) -> CalendarEntry {
    let reservation = &booked.stored.reservation;
    let stored = &booked.resource;
    let confirmed_booker =
        reservation.booker_id == actor.id && reservation.status == ReservationStatus::Confirmed;
    let exact = confirmed_booker
        || sees_exact(
            Some(actor),
            stored.owner_id,
            is_restricted(&stored.resource),
        );
    let resource = if exact {
        stored.resource.clone()
    } else {
        as_strangers_see(&stored.resource)
    };
    let pick = |text: &sharehub_core::LocalizedText| match language {
        Language::Ko => text.ko.clone(),
        Language::En => text.en.clone(),
    };
    let mut description = format!(
        "{} · {}",
        reservation_status(reservation.status, language),
        pick(&resource.owner_name)
    );
    if let Some(reason) = &reservation.decision_reason {
        description.push_str(&format!("\n{reason}"));
    }
    CalendarEntry {
        uid: format!("{}@sharehub", reservation.id),
        sequence: booked.revision,
        start: reservation.start,
        end: reservation.end,
        stamp: chrono::Utc::now(),
        summary: pick(&resource.name),
        location: pick(&resource.address),
        description,
        cancelled: !reservation.status.holds(),
        geo: Some(resource.location),
    }
}

fn calendar_response(file: String, filename: &str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        file,
    )
        .into_response()
}

fn calendar_name(language: Language) -> &'static str {
    match language {
        Language::Ko => "셰어 허브 예약",
        Language::En => "Share Hub bookings",
    }
}

/// One booking as a calendar file (its booker, or whoever runs the resource).
#[utoipa::path(get, path = "/v1/reservations/{id}/calendar.ics", tag = "bookings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Reservation id (UUID)"), CalendarQuery),
    responses(
        (status = 200, description = "An RFC 5545 calendar with the one booking", content_type = "text/calendar", body = String),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No booking of yours with that id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn calendar_file(
    State(state): State<AppState>,
    user: SignedInUser,
    PathId(id): PathId,
    QueryParams(query): QueryParams<CalendarQuery>,
) -> Result<Response> {
    let not_found = || Error::NotFound {
        what: format!("reservation {id}"),
    };
    let reservation: ReservationId = id.parse().map_err(|_| not_found())?;
    let booked = state
        .storage
        .booked_reservation(reservation)
        .await?
        .filter(|booked| may_read(user.actor(), booked))
        .ok_or_else(not_found)?;
    let language = query.lang.unwrap_or_default();
    let file = ics_calendar(
        calendar_name(language),
        &[entry(user.actor(), &booked, language)],
    );
    Ok(calendar_response(
        file,
        &format!("booking-{reservation}.ics"),
    ))
}

/// Makes your private calendar feed (a new path each time: the previous one stops working).
#[utoipa::path(post, path = "/v1/calendar-feed", tag = "bookings",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The feed's new private path", body = CalendarFeed),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn feed_create(
    State(state): State<AppState>,
    user: SignedInUser,
) -> Result<(StatusCode, Json<CalendarFeed>)> {
    let secret = token::generate();
    state
        .storage
        .set_calendar_feed(user.account.id, token::hash(&secret), state.clock.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeed {
            path: format!("/v1/calendar-feeds/{secret}.ics"),
        }),
    ))
}

/// Revokes your calendar feed: its path stops working.
#[utoipa::path(delete, path = "/v1/calendar-feed", tag = "bookings",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "You have no calendar feed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn feed_revoke(State(state): State<AppState>, user: SignedInUser) -> Result<StatusCode> {
    if state.storage.revoke_calendar_feed(user.account.id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound {
            what: "a calendar feed of yours".into(),
        })
    }
}

/// A person's calendar feed: every booking they made, cancelled ones as cancelled. The
/// path is the key (calendar apps cannot sign in); it is made and revoked by its owner.
#[utoipa::path(get, path = "/v1/calendar-feeds/{file}", tag = "bookings",
    params(("file" = String, Path, description = "The feed's secret followed by `.ics`"), CalendarQuery),
    responses(
        (status = 200, description = "An RFC 5545 calendar of the person's bookings", content_type = "text/calendar", body = String),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such feed (never made, replaced or revoked)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn feed(
    State(state): State<AppState>,
    PathId(file): PathId,
    QueryParams(query): QueryParams<CalendarQuery>,
) -> Result<Response> {
    let not_found = || Error::NotFound {
        what: "this calendar feed".into(),
    };
    let secret = file.strip_suffix(".ics").ok_or_else(not_found)?;
    let account = state
        .storage
        .calendar_feed_account(token::hash(secret))
        .await?
        .ok_or_else(not_found)?;
    let owner = state
        .storage
        .account(account)
        .await?
        .ok_or_else(not_found)?;
    let actor = Actor {
        id: owner.id,
        role: owner.role,
    };
    let language = query.lang.unwrap_or_default();
    let entries: Vec<CalendarEntry> = state
        .storage
        .reservations_booked_by(account)
        .await?
        .iter()
        .map(|booked| entry(actor, booked, language))
        .collect();
    Ok(calendar_response(
        ics_calendar(calendar_name(language), &entries),
        "sharehub-bookings.ics",
    ))
}
