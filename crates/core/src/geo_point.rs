//! A WGS84 position. Stored and sent as `{lat, lon}`; GeoJSON order is `[lon, lat]`.

use serde::{Deserialize, Serialize};

mod radius_box;
pub use radius_box::{boxes_around, GeoBox, EARTH_RADIUS_M};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoPoint {
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub lat: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoPointError {
    #[error("latitude {0} is outside -90..=90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..=180")]
    Longitude(f64),
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeoPointError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoPointError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoPointError::Longitude(lon));
        }
        Ok(Self { lat, lon })
    }

    pub fn validate(self) -> Result<Self, GeoPointError> {
        Self::new(self.lat, self.lon)
    }

    /// GeoJSON position order.
    pub fn to_geojson_position(self) -> [f64; 2] {
        [self.lon, self.lat]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_nan() {
        assert!(GeoPoint::new(37.55, 126.91).is_ok());
        assert_eq!(GeoPoint::new(91.0, 0.0), Err(GeoPointError::Latitude(91.0)));
        assert!(matches!(
            GeoPoint::new(0.0, -180.5),
            Err(GeoPointError::Longitude(_))
        ));
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert_eq!(
            GeoPoint::new(37.5, 127.0).unwrap().to_geojson_position(),
            [127.0, 37.5]
        );
    }
}
