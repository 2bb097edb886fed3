//! Bounding boxes of a circle on the Earth: the cheap first step of "near me" searches
//! (an R*Tree answers which points lie in the boxes; exact distances are computed after).

use super::GeoPoint;

/// The mean radius of the GRS80 ellipsoid (R₁), in metres: the sphere the `geo` crate's
/// `Haversine` measures on. Boxes are computed on the same sphere, so a point that
/// `Haversine` puts within a radius always lies in the radius's box.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Extra room on every side of a box, in degrees (about 1 cm), against rounding.
const MARGIN_DEG: f64 = 1e-7;

/// A latitude/longitude box, edges included. `min_lon <= max_lon` always: a circle that
/// crosses the antimeridian is covered by two boxes (see [`boxes_around`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

impl GeoBox {
    /// The whole world.
    pub const WORLD: GeoBox = GeoBox {
        min_lat: -90.0,
        max_lat: 90.0,
        min_lon: -180.0,
        max_lon: 180.0,
    };

    pub fn contains(&self, point: GeoPoint) -> bool {
        (self.min_lat..=self.max_lat).contains(&point.lat)
            && (self.min_lon..=self.max_lon).contains(&point.lon)
    }
}

/// One or two boxes that together contain every point within `radius_m` metres
/// (great-circle distance on the sphere of [`EARTH_RADIUS_M`]) of `center`.
///
/// The boxes are tight (the circle touches their edges) plus about a centimetre. Near a
/// pole the box spans all longitudes; across the antimeridian there are two boxes. Never
/// panics: a NaN centre or an infinite radius gives [`GeoBox::WORLD`], a NaN or negative
/// radius counts as 0.
pub fn boxes_around(center: GeoPoint, radius_m: f64) -> Vec<GeoBox> {
    if !center.lat.is_finite() || !center.lon.is_finite() {
        return vec![GeoBox::WORLD];
    }
    let radius_m = if radius_m.is_nan() || radius_m < 0.0 {
        0.0
    } else {
        radius_m
    };
    // Angular radius, in radians, a hair larger than exact.
    let delta = radius_m / EARTH_RADIUS_M * (1.0 + 1e-9);
    if delta >= std::f64::consts::PI {
        return vec![GeoBox::WORLD];
    }
    let lat = center.lat.clamp(-90.0, 90.0);
    let min_lat = lat - delta.to_degrees() - MARGIN_DEG;
    let max_lat = lat + delta.to_degrees() + MARGIN_DEG;
    if min_lat <= -90.0 || max_lat >= 90.0 {
        // The circle reaches a pole: every longitude.
        return vec![GeoBox {
            min_lat: min_lat.max(-90.0),
            max_lat: max_lat.min(90.0),
            min_lon: -180.0,
            max_lon: 180.0,
        }];
    }
    // Widest longitude difference on a circle that does not contain a pole
    // (sin δ < cos φ here, since |φ| + δ < 90°).
    let ratio = (delta.sin() / lat.to_radians().cos()).min(1.0);
    let half_width = ratio.asin().to_degrees() + MARGIN_DEG;
    let full = |min_lon: f64, max_lon: f64| GeoBox {
        min_lat,
        max_lat,
        min_lon,
        max_lon,
    };
    if half_width >= 180.0 {
        return vec![full(-180.0, 180.0)];
    }
    let lon = center.lon.clamp(-180.0, 180.0);
    let (west, east) = (lon - half_width, lon + half_width);
    if west < -180.0 {
        vec![full(west + 360.0, 180.0), full(-180.0, east)]
    } else if east > 180.0 {
        vec![full(west, 180.0), full(-180.0, east - 360.0)]
    } else {
        vec![full(west, east)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint { lat, lon }
    }

    #[test]
    fn a_seoul_box_is_about_the_radius_wide() {
        let boxes = boxes_around(p(37.5555, 126.9104), 500.0);
        assert_eq!(boxes.len(), 1);
        let b = boxes[0];
        // 500 m is 0.0045° of latitude; at 37.56° a degree of longitude is ~88 km.
        assert!(
            (b.max_lat - b.min_lat - 2.0 * 0.004_496_6).abs() < 1e-5,
            "{b:?}"
        );
        assert!(
            (b.max_lon - b.min_lon - 2.0 * 0.005_68).abs() < 1e-4,
            "{b:?}"
        );
        assert!(b.contains(p(37.5555, 126.9104)));
        assert!(!b.contains(p(37.5555 + 0.005, 126.9104)));
    }

    #[test]
    fn zero_radius_still_contains_the_centre() {
        for radius in [0.0, -5.0, f64::NAN] {
            let boxes = boxes_around(p(37.5, 127.0), radius);
            assert_eq!(boxes.len(), 1);
            assert!(boxes[0].contains(p(37.5, 127.0)));
        }
    }

    #[test]
    fn across_the_antimeridian_there_are_two_boxes() {
        let east = boxes_around(p(0.0, 179.999), 5000.0);
        assert_eq!(east.len(), 2, "{east:?}");
        assert!(east.iter().any(|b| b.contains(p(0.0, -179.99))));
        assert!(east.iter().any(|b| b.contains(p(0.0, 179.97))));
        let west = boxes_around(p(0.0, -180.0), 5000.0);
        assert_eq!(west.len(), 2, "{west:?}");
        assert!(west.iter().any(|b| b.contains(p(0.0, 179.99))));
        for b in east.iter().chain(&west) {
            assert!(b.min_lon <= b.max_lon && b.min_lon >= -180.0 && b.max_lon <= 180.0);
        }
    }

    #[test]
    fn near_a_pole_every_longitude() {
        for lat in [90.0, 89.99, -89.999, -90.0] {
            let boxes = boxes_around(p(lat, 10.0), 5000.0);
            assert_eq!(boxes.len(), 1);
            let b = boxes[0];
            assert_eq!((b.min_lon, b.max_lon), (-180.0, 180.0), "{lat}");
            assert!(b.min_lat >= -90.0 && b.max_lat <= 90.0);
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for center in [p(f64::NAN, 0.0), p(0.0, f64::INFINITY)] {
            assert_eq!(boxes_around(center, 100.0), vec![GeoBox::WORLD]);
        }
        assert_eq!(
            boxes_around(p(1.0, 2.0), f64::INFINITY),
            vec![GeoBox::WORLD]
        );
        assert_eq!(boxes_around(p(1.0, 2.0), 1e12), vec![GeoBox::WORLD]);
        // Half the planet: reaches both poles.
        let half = boxes_around(p(0.0, 0.0), EARTH_RADIUS_M * 3.0);
        assert_eq!(half[0].min_lon, -180.0);
    }
}
