//! Places for the map: neighborhoods (gu and dong), their outlines, and finding a place by
//! name to search "near" it.

use serde::{Deserialize, Serialize};

use crate::{GeoPoint, LocalizedText, ResourceId, ResourceKind};

/// What a found place is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlaceRef {
    /// A gu or dong, by its KOSTAT code.
    Area { code: String },
    /// A shared resource (e.g. a bike station people know by name).
    Resource { id: ResourceId, kind: ResourceKind },
}

/// A place a person can search near.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub place: PlaceRef,
    pub name: LocalizedText,
    /// Where it is, for a dong or gu a point inside it.
    pub location: GeoPoint,
    /// The gu (or, for a gu, "Seoul"), to tell places with the same name apart.
    pub context: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceSearchArgs {
    pub text: String,
}

/// Neighborhoods and well-known resources whose name matches, best first.
pub struct PlaceSearch;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaOutlineArgs {
    pub code: String,
}

/// An area's name and outline (a GeoJSON geometry, `[lon, lat]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaOutline {
    pub code: String,
    pub name: LocalizedText,
    pub geometry_geojson: String,
}

pub struct AreaOutlineGet;

/// The 25 gu as one GeoJSON FeatureCollection: the map's background when tiles are offline.
pub struct MapBoundaries;

/// Where map tiles come from, and the attribution their licence requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileSource {
    /// e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    pub url_template: String,
    pub attribution: String,
}

impl Default for TileSource {
    fn default() -> Self {
        TileSource {
            url_template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            attribution: "© OpenStreetMap contributors".into(),
        }
    }
}

/// Live public-bike counts the device knows, refreshed from the server when it can be
/// reached. `refresh_error` says why this answer may be old (offline, no server set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveBikes {
    pub stations: Vec<crate::wire::StationLiveStatus>,
    pub refresh_error: Option<super::IpcError>,
}

pub struct StationStatusGet;

/// Where the device is, from its location service ("near me" on a phone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DevicePosition {
    Found {
        location: GeoPoint,
        /// Radius of the uncertainty, in metres.
        accuracy_m: f64,
    },
    /// The person has not allowed the app to use their location.
    Denied,
    /// This device has no location service the app can use (a desktop): tap the map or
    /// type a place instead.
    Unsupported,
    /// The location service did not answer (location turned off, no signal indoors…).
    Failed { detail: String },
}

/// Asks the device where it is (on a phone, the first time, the system asks the person).
pub struct PositionGet;
