//! "Near me" and neighborhoods for the map: resources within a radius of a point, nearest
//! first, and the areas (gu and 행정동) that have resources.

use serde::{Deserialize, Serialize};

use super::{IpcError, MAX_QUERY_CHARS};
use crate::{GeoPoint, LocalizedText, ResourceKind, ResourceSummary};

/// Smallest search radius, in metres.
pub const MIN_NEAR_RADIUS_M: f64 = 200.0;
/// Largest search radius, in metres.
pub const MAX_NEAR_RADIUS_M: f64 = 5000.0;
/// How many resources a near search returns when the caller does not say.
pub const DEFAULT_NEAR_LIMIT: u32 = 20;
/// Most resources one near search returns.
pub const MAX_NEAR_LIMIT: u32 = 200;

/// Resources within `radius_m` metres (great-circle distance) of `center`, nearest first,
/// at most `limit`, optionally filtered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearQuery {
    pub center: GeoPoint,
    /// `MIN_NEAR_RADIUS_M..=MAX_NEAR_RADIUS_M`.
    pub radius_m: f64,
    /// `1..=MAX_NEAR_LIMIT`.
    #[serde(default = "default_near_limit")]
    pub limit: u32,
    #[serde(default)]
    pub kind: Option<ResourceKind>,
    /// Only resources that cost nothing (`Pricing::Free`).
    #[serde(default)]
    pub free_only: bool,
    /// Only resources in this gu (5-digit KOSTAT code) or 행정동 (7 digits).
    #[serde(default)]
    pub area: Option<String>,
    /// Matches names, neighborhoods, districts and addresses in Korean and English, like
    /// [`super::ResourceQuery::text`].
    #[serde(default)]
    pub text: Option<String>,
    /// Only resources open at this instant by their schedule (no schedule: always open).
    #[serde(default)]
    pub open_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn default_near_limit() -> u32 {
    DEFAULT_NEAR_LIMIT
}

impl NearQuery {
    /// The `DEFAULT_NEAR_LIMIT` nearest resources of any kind within `radius_m` of `center`.
    pub fn new(center: GeoPoint, radius_m: f64) -> Self {
        NearQuery {
            center,
            radius_m,
            limit: DEFAULT_NEAR_LIMIT,
            kind: None,
            free_only: false,
            area: None,
            text: None,
            open_at: None,
        }
    }

    pub fn check(&self) -> Result<(), IpcError> {
        if let Err(e) = self.center.validate() {
            return Err(invalid("center", e.to_string()));
        }
        if !(MIN_NEAR_RADIUS_M..=MAX_NEAR_RADIUS_M).contains(&self.radius_m) {
            return Err(invalid(
                "radius_m",
                format!(
                    "must be between {MIN_NEAR_RADIUS_M} and {MAX_NEAR_RADIUS_M} metres, not {}",
                    self.radius_m
                ),
            ));
        }
        if !(1..=MAX_NEAR_LIMIT).contains(&self.limit) {
            return Err(invalid(
                "limit",
                format!("must be between 1 and {MAX_NEAR_LIMIT}, not {}", self.limit),
            ));
        }
        check_text(self.text.as_deref())?;
        check_area_code(self.area.as_deref())
    }
}

/// One resource found near a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearbyResource {
    pub summary: ResourceSummary,
    /// Great-circle (haversine) distance from the query's centre, in metres.
    pub distance_m: f64,
}

pub struct ResourceNear;

/// A gu or 행정동 and how many resources lie in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaResourceCount {
    /// KOSTAT 2013 code: 5 digits for a gu, 7 for a 행정동 (its first 5 are its gu).
    pub code: String,
    pub name: LocalizedText,
    pub count: u64,
}

/// The gu and 행정동 that have at least one resource, by code (each gu is followed by its
/// dong): for offering neighborhoods to filter by.
pub struct AreaList;

pub(super) fn invalid(field: &str, problem: impl Into<String>) -> IpcError {
    IpcError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

pub(super) fn check_text(text: Option<&str>) -> Result<(), IpcError> {
    match text {
        Some(text) if text.chars().count() > MAX_QUERY_CHARS => Err(invalid(
            "text",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        )),
        _ => Ok(()),
    }
}

/// An area filter is a 5-digit gu or a 7-digit 행정동 KOSTAT code.
pub fn check_area_code(area: Option<&str>) -> Result<(), IpcError> {
    match area {
        Some(code) if !is_area_code(code) => Err(invalid(
            "area",
            format!("must be a 5-digit gu or 7-digit dong code, not {code:?}"),
        )),
        _ => Ok(()),
    }
}

fn is_area_code(code: &str) -> bool {
    matches!(code.len(), 5 | 7) && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mangwon() -> GeoPoint {
        GeoPoint {
            lat: 37.5556,
            lon: 126.9104,
        }
    }

    fn field_of(q: &NearQuery) -> Option<String> {
        match q.check() {
            Err(IpcError::Invalid { field, .. }) => Some(field),
            Err(other) => panic!("{other:?}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn radius_limit_area_and_centre_are_checked() {
        let ok = NearQuery::new(mangwon(), 500.0);
        assert_eq!(field_of(&ok), None);
        for radius in [200.0, 5000.0] {
            assert_eq!(field_of(&NearQuery::new(mangwon(), radius)), None);
        }
        for radius in [199.9, 5000.1, 0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                field_of(&NearQuery::new(mangwon(), radius)).as_deref(),
                Some("radius_m"),
                "{radius}"
            );
        }
        for limit in [0, MAX_NEAR_LIMIT + 1] {
            let q = NearQuery {
                limit,
                ..ok.clone()
            };
            assert_eq!(field_of(&q).as_deref(), Some("limit"));
        }
        for area in ["1114", "111406", "11140a9", "１１１４０"] {
            let q = NearQuery {
                area: Some(area.into()),
                ..ok.clone()
            };
            assert_eq!(field_of(&q).as_deref(), Some("area"), "{area}");
        }
        for area in ["11140", "1114069"] {
            let q = NearQuery {
                area: Some(area.into()),
                ..ok.clone()
            };
            assert_eq!(field_of(&q), None);
        }
        let far = NearQuery::new(
            GeoPoint {
                lat: 91.0,
                lon: 0.0,
            },
            500.0,
        );
        assert_eq!(field_of(&far).as_deref(), Some("center"));
        let long = NearQuery {
            text: Some("가".repeat(MAX_QUERY_CHARS + 1)),
            ..ok
        };
        assert_eq!(field_of(&long).as_deref(), Some("text"));
    }

    #[test]
    fn old_callers_get_defaults() {
        let q: NearQuery = serde_json::from_value(serde_json::json!({
            "center": {"lat": 37.5556, "lon": 126.9104}, "radius_m": 500
        }))
        .unwrap();
        assert_eq!(q, NearQuery::new(mangwon(), 500.0));
    }
}
