//! Shared resources over HTTP: the public listing and one resource as a person may see it.

use serde::{Deserialize, Serialize};

use super::AccountId;
use crate::resource::FieldProblem;
use crate::{Resource, ResourceId, ResourceKind, ResourceSummary};

/// One resource as the requesting person may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceView {
    pub resource: Resource,
    pub owner_id: AccountId,
    /// The sync `seq` of the last change: send it back as `base_version` when updating,
    /// so an edit made on stale data is bumped instead of overwriting newer data.
    pub version: u64,
    /// False when the resource is shown only to confirmed bookers and the person is not
    /// one: `location` is then rounded to about 1 km and `address` names only the area.
    pub exact: bool,
}

/// Longest accepted search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Most resources in one listing page.
pub const MAX_LIST_LIMIT: u32 = 500;
/// Resources in a listing page when `limit` is not given.
pub const DEFAULT_LIST_LIMIT: u32 = 100;

/// `GET /v1/resources` query: all filters are optional and combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ResourceListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ResourceKind>,
    /// `west,south,east,north` in degrees (GeoJSON order: longitude first),
    /// e.g. `126.90,37.54,126.93,37.57`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(example = "126.90,37.54,126.93,37.57"))]
    pub bbox: Option<String>,
    /// Matches names, neighborhoods, districts and addresses, in Korean or English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 100, example = "망원"))]
    pub q: Option<String>,
    /// Resources after this id (the previous page's `next_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ResourceId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u32>,
}

/// A rectangle in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BoundingBox {
    /// Parses `west,south,east,north`, naming what is wrong.
    pub fn parse(text: &str) -> Result<BoundingBox, FieldProblem> {
        let bad = |problem: String| FieldProblem::new("bbox", problem);
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(bad(format!(
                "must be four numbers west,south,east,north (like 126.90,37.54,126.93,37.57); got {} part(s)",
                parts.len()
            )));
        }
        let mut numbers = [0.0; 4];
        for (i, (part, name)) in parts
            .iter()
            .zip(["west", "south", "east", "north"])
            .enumerate()
        {
            numbers[i] = part
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| bad(format!("{name} {part:?} is not a number")))?;
        }
        let [west, south, east, north] = numbers;
        for (name, value, limit) in [
            ("west", west, 180.0),
            ("east", east, 180.0),
            ("south", south, 90.0),
            ("north", north, 90.0),
        ] {
            if !(-limit..=limit).contains(&value) {
                return Err(bad(format!("{name} {value} is outside -{limit}..={limit}")));
            }
        }
        if south > north {
            return Err(bad(format!("south {south} is north of north {north}")));
        }
        if west > east {
            return Err(bad(format!(
                "west {west} is east of east {east} (boxes across the antimeridian are not supported)"
            )));
        }
        Ok(BoundingBox {
            west,
            south,
            east,
            north,
        })
    }
}

impl ResourceListQuery {
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if let Some(bbox) = &self.bbox {
            if let Err(problem) = BoundingBox::parse(bbox) {
                problems.push(problem);
            }
        }
        if let Some(q) = &self.q {
            if q.chars().count() > MAX_SEARCH_CHARS {
                problems.push(FieldProblem::new(
                    "q",
                    format!("must be at most {MAX_SEARCH_CHARS} characters"),
                ));
            }
        }
        if let Some(limit) = self.limit {
            if !(1..=MAX_LIST_LIMIT).contains(&limit) {
                problems.push(FieldProblem::new(
                    "limit",
                    format!("must be between 1 and {MAX_LIST_LIMIT}"),
                ));
            }
        }
        problems
    }
}

/// One page of the public listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceListPage {
    pub resources: Vec<ResourceSummary>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<ResourceId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounding_box_problems_are_specific() {
        assert!(BoundingBox::parse("126.9,37.5,127.0,37.6").is_ok());
        for (text, expected) in [
            ("1,2,3", "got 3 part(s)"),
            ("a,2,3,4", "west \"a\" is not a number"),
            ("0,95,1,96", "south 95 is outside -90..=90"),
            ("0,10,1,5", "south 10 is north of north 5"),
            ("NaN,1,2,3", "not a number"),
        ] {
            let problem = BoundingBox::parse(text).unwrap_err();
            assert!(problem.problem.contains(expected), "{text}: {problem}");
        }
    }
}
