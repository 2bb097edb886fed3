//! `/v1/stations`: live counts of public-bike stations (see [`crate::feeds`]).

use axum::extract::State;
use axum::Json;
use sharehub_core::wire::{Problem, StationStatusList, StationStatusQuery};

use crate::error::Result;
use crate::request_input::QueryParams;
use crate::state::AppState;

/// Live counts of public-bike stations (public: no sign-in needed), whole, by resource id.
/// Send the previous answer's `next_since_fetched` as `since_fetched` to get only the
/// stations refreshed since. The stations themselves are `bike_station` resources.
#[utoipa::path(get, path = "/v1/stations/status", tag = "stations",
    params(StationStatusQuery),
    responses(
        (status = 200, description = "Live counts of the stations refreshed after `since_fetched`", body = StationStatusList),
        (status = 400, description = "The query string is malformed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<StationStatusQuery>,
) -> Result<Json<StationStatusList>> {
    let (stations, next_since_fetched) =
        state.storage.station_statuses(query.since_fetched).await?;
    Ok(Json(StationStatusList {
        stations,
        next_since_fetched,
    }))
}
