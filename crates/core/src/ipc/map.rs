//! The map at city scale: what the visible area needs, clustered by the device's store.
//!
//! The UI asks for the resources of the filtered set inside the map's bounds at its zoom;
//! the store answers either every one of them as a marker (few in view) or clusters on a
//! grid of screen cells (many), with the filtered set's total so the map and the list say
//! the same number.

use serde::{Deserialize, Serialize};

use super::near::invalid;
use super::{IpcError, ResourceQuery};
use crate::ResourceSummary;

/// Deepest zoom a map view may ask for (Leaflet's maximum with OpenStreetMap tiles is 19).
pub const MAX_MAP_ZOOM: u8 = 22;

/// A box on the map in degrees (WGS84), `south <= north`, `west <= east`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl MapBox {
    pub fn check(&self) -> Result<(), IpcError> {
        let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
        let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
        if !(lat_ok(self.south) && lat_ok(self.north) && self.south <= self.north) {
            return Err(invalid(
                "view",
                format!(
                    "latitudes must lie in -90..=90 with south <= north, not {}..{}",
                    self.south, self.north
                ),
            ));
        }
        if !(lon_ok(self.west) && lon_ok(self.east) && self.west <= self.east) {
            return Err(invalid(
                "view",
                format!(
                    "longitudes must lie in -180..=180 with west <= east, not {}..{}",
                    self.west, self.east
                ),
            ));
        }
        Ok(())
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lon)
    }
}

/// The filtered set (the list's query) inside `view` at `zoom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapViewArgs {
    pub query: ResourceQuery,
    pub view: MapBox,
    /// The map's zoom level, `0..=MAX_MAP_ZOOM`: it sets the size of a cluster's cell.
    pub zoom: u8,
    /// Also answer the box around the whole filtered set (to fit the map to it).
    #[serde(default)]
    pub extent: bool,
}

impl MapViewArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        self.query.check()?;
        self.view.check()?;
        if self.zoom > MAX_MAP_ZOOM {
            return Err(invalid(
                "zoom",
                format!("must be between 0 and {MAX_MAP_ZOOM}, not {}", self.zoom),
            ));
        }
        Ok(())
    }
}

/// Resources close together on the screen, drawn as one numbered circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapCluster {
    /// The mean of its resources' points.
    pub lat: f64,
    pub lon: f64,
    pub count: u64,
    /// The box around its resources (a click zooms to it).
    pub bounds: MapBox,
}

/// What the map draws: every resource of `in_view` is either one of `markers` or counted
/// in one of `clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapCells {
    /// How many resources match the filters in all (the list's total).
    pub total: u64,
    /// How many of them lie inside the view.
    pub in_view: u64,
    pub markers: Vec<ResourceSummary>,
    pub clusters: Vec<MapCluster>,
    /// The box around every matching resource, when asked for and there is one.
    #[serde(default)]
    pub extent: Option<MapBox>,
}

/// What the map's visible area needs (`map_view`).
pub struct MapViewGet;

#[cfg(test)]
mod tests {
    use super::*;

    fn view(south: f64, west: f64, north: f64, east: f64) -> MapBox {
        MapBox {
            south,
            west,
            north,
            east,
        }
    }

    #[test]
    fn boxes_outside_the_world_or_upside_down_are_refused_by_field() {
        assert!(view(37.4, 126.7, 37.7, 127.2).check().is_ok());
        for bad in [
            view(37.7, 126.7, 37.4, 127.2),
            view(37.4, 127.2, 37.7, 126.7),
            view(-91.0, 0.0, 0.0, 1.0),
            view(0.0, -181.0, 1.0, 1.0),
            view(f64::NAN, 0.0, 1.0, 1.0),
        ] {
            let err = bad.check().unwrap_err();
            assert!(
                matches!(&err, IpcError::Invalid { field, .. } if field == "view"),
                "{bad:?}: {err:?}"
            );
        }
    }

    #[test]
    fn zoom_beyond_the_deepest_is_refused() {
        let mut args = MapViewArgs {
            query: ResourceQuery::default(),
            view: view(37.4, 126.7, 37.7, 127.2),
            zoom: MAX_MAP_ZOOM,
            extent: false,
        };
        assert!(args.check().is_ok());
        args.zoom = MAX_MAP_ZOOM + 1;
        assert!(matches!(args.check(), Err(IpcError::Invalid { field, .. }) if field == "zoom"));
    }
}
