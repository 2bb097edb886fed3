//! Calendar files of bookings (`/v1/reservations/{id}/calendar.ics`) and each person's
//! private calendar feed (`/v1/calendar-feed`).

use serde::{Deserialize, Serialize};

/// `?lang=ko|en` of a calendar file: the language of its words (Korean by default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, pattern = "^(ko|en)$"))]
    pub lang: Option<crate::text::Language>,
}

/// A person's private calendar feed: subscribe to `path` on this server. Anyone with the
/// path can read the feed: make a new one (the old path stops working) or revoke it when it
/// may have leaked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "/v1/calendar-feeds/3f2a…9c.ics")
    )]
    pub path: String,
}
