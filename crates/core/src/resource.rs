//! Shared resources: the things residents share (bike stations, parking spaces, rooms, …).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{GeoPoint, LocalizedText};

mod schedule;
pub use schedule::{Day, OpeningSlot, WeeklySchedule, DEFAULT_ZONE};

/// A resource id: a UUIDv7 made where the resource was first created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ResourceId(pub Uuid);

impl ResourceId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ResourceId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// What kind of thing is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    BikeStation,
    Bike,
    Car,
    ParkingSpace,
    Room,
    Workspace,
    Tool,
    Meal,
    Other,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 9] = [
        ResourceKind::BikeStation,
        ResourceKind::Bike,
        ResourceKind::Car,
        ResourceKind::ParkingSpace,
        ResourceKind::Room,
        ResourceKind::Workspace,
        ResourceKind::Tool,
        ResourceKind::Meal,
        ResourceKind::Other,
    ];

    /// The stable name used in storage, URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::BikeStation => "bike_station",
            ResourceKind::Bike => "bike",
            ResourceKind::Car => "car",
            ResourceKind::ParkingSpace => "parking_space",
            ResourceKind::Room => "room",
            ResourceKind::Workspace => "workspace",
            ResourceKind::Tool => "tool",
            ResourceKind::Meal => "meal",
            ResourceKind::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// What using a resource costs, in Korean won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Pricing {
    Free,
    /// `amount_krw` for every started period of `period_minutes`.
    PerPeriod {
        #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 4294967295_i64))]
        amount_krw: u32,
        #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 4294967295_i64))]
        period_minutes: u32,
    },
    /// `amount_krw` once per use (a meal, a tool loan).
    PerUse {
        #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 4294967295_i64))]
        amount_krw: u32,
    },
}

impl Pricing {
    pub fn is_free(&self) -> bool {
        matches!(self, Pricing::Free)
    }
}

/// Who may see a resource's exact details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone sees everything.
    #[default]
    Public,
    /// The exact spot and address are shown only to people with a confirmed booking
    /// (shared parking, home addresses).
    ConfirmedBookers,
}

/// A shared resource with everything the detail page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub location: GeoPoint,
    pub address: LocalizedText,
    /// The gu (자치구), e.g. 마포구 / Mapo-gu.
    pub district: LocalizedText,
    /// The dong (동), e.g. 망원동 / Mangwon-dong.
    pub neighborhood: LocalizedText,
    /// Who offers it, as people know them (a city office, a neighbor's first name).
    pub owner_name: LocalizedText,
    pub pricing: Pricing,
    /// How many at once: docks, seats, people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 1, maximum = 4294967295_i64))]
    pub capacity: Option<u32>,
    /// Opening hours, or the owner's weekly schedule. `None`: always available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<WeeklySchedule>,
    #[serde(default)]
    pub visibility: Visibility,
}

/// One specific problem with a field, as a person can act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    /// A JSON-pointer-like path, e.g. `name.en` or `schedule.slots[0].closes`.
    pub field: String,
    pub problem: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Longest accepted name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted description or address, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

impl Resource {
    /// Checks every rule a stored resource must satisfy; returns every problem found.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut text = |field: &str, value: &LocalizedText, max: usize| {
            for (lang, s) in [("ko", &value.ko), ("en", &value.en)] {
                if s.trim().is_empty() {
                    problems.push(FieldProblem::new(
                        format!("{field}.{lang}"),
                        "must not be empty",
                    ));
                } else if s.chars().count() > max {
                    problems.push(FieldProblem::new(
                        format!("{field}.{lang}"),
                        format!("must be at most {max} characters"),
                    ));
                }
            }
        };
        text("name", &self.name, MAX_NAME_CHARS);
        text("description", &self.description, MAX_TEXT_CHARS);
        text("address", &self.address, MAX_TEXT_CHARS);
        text("district", &self.district, MAX_NAME_CHARS);
        text("neighborhood", &self.neighborhood, MAX_NAME_CHARS);
        text("owner_name", &self.owner_name, MAX_NAME_CHARS);
        if let Err(e) = self.location.validate() {
            problems.push(FieldProblem::new("location", e.to_string()));
        }
        if let Pricing::PerPeriod {
            period_minutes: 0, ..
        } = self.pricing
        {
            problems.push(FieldProblem::new(
                "pricing.period_minutes",
                "must be at least 1",
            ));
        }
        if self.capacity == Some(0) {
            problems.push(FieldProblem::new(
                "capacity",
                "must be at least 1 when given",
            ));
        }
        if let Some(schedule) = &self.schedule {
            problems.extend(schedule.problems("schedule"));
        }
        problems
    }

    pub fn summary(&self) -> ResourceSummary {
        ResourceSummary {
            id: self.id,
            kind: self.kind,
            name: self.name.clone(),
            district: self.district.clone(),
            neighborhood: self.neighborhood.clone(),
            location: self.location,
            pricing: self.pricing.clone(),
            capacity: self.capacity,
        }
    }
}

/// What a list row shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceSummary {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub name: LocalizedText,
    pub district: LocalizedText,
    pub neighborhood: LocalizedText,
    pub location: GeoPoint,
    pub pricing: Pricing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Resource {
        Resource {
            id: "0190a6c8-0000-7000-8000-000000000001".parse().unwrap(),
            kind: ResourceKind::Room,
            name: LocalizedText::new("망원 공유회의실", "Mangwon shared meeting room"),
            description: LocalizedText::new("10명까지", "Up to 10 people"),
            location: GeoPoint {
                lat: 37.5556,
                lon: 126.9106,
            },
            address: LocalizedText::new("서울 마포구 월드컵로 1", "1 World Cup-ro, Mapo-gu, Seoul"),
            district: LocalizedText::new("마포구", "Mapo-gu"),
            neighborhood: LocalizedText::new("망원동", "Mangwon-dong"),
            owner_name: LocalizedText::new("마포구청", "Mapo-gu Office"),
            pricing: Pricing::Free,
            capacity: Some(10),
            schedule: None,
            visibility: Visibility::Public,
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in ResourceKind::ALL {
            assert_eq!(ResourceKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(ResourceKind::parse("spaceship"), None);
    }

    #[test]
    fn valid_resource_has_no_problems() {
        assert_eq!(sample().problems(), vec![]);
    }

    #[test]
    fn problems_name_the_field() {
        let mut r = sample();
        r.name.en = "  ".into();
        r.location.lat = 123.0;
        r.capacity = Some(0);
        r.pricing = Pricing::PerPeriod {
            amount_krw: 500,
            period_minutes: 0,
        };
        let fields: Vec<_> = r.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["name.en", "location", "pricing.period_minutes", "capacity"]
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut json = serde_json::to_value(sample()).unwrap();
        json["colour"] = "red".into();
        let err = serde_json::from_value::<Resource>(json).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
