//! Seoul's 25 gu (자치구) and 423 행정동 (KOSTAT 2013), bundled in the binary.
//!
//! Answers "which gu and dong is this point in?" ([`locate`]), lists areas ([`gu_list`],
//! [`dong_list`]), finds them by Korean or English name ([`find_by_name`]) and gives their
//! outline as GeoJSON for drawing ([`outline`]).
//!
//! The data is `assets/geo/seoul-gu.geojson` and `seoul-dong.geojson`, produced by
//! `scripts/areas/build.py` from southkorea/seoul-maps (Apache-2.0; see `assets/geo/NOTICE`).
//! It is embedded with `include_str!` and parsed once, on first use. Each gu is the union of
//! its dong, so the two layers always agree.
//!
//! This crate does no I/O and starts no threads: it builds for `wasm32-unknown-unknown`.
//! It does NOT know addresses, MOIS (juso) codes or boundary changes after 2013.

mod area;
mod atlas;
mod error;

use std::sync::OnceLock;

use sharehub_core::GeoPoint;

pub use area::{Area, AreaLevel, AreaMatch};
pub use atlas::{Atlas, Layer};
pub use error::AreasError;

/// The bundled gu file (RFC 7946 GeoJSON FeatureCollection).
pub const GU_GEOJSON: &str = include_str!("../../../assets/geo/seoul-gu.geojson");
/// The bundled 행정동 file (RFC 7946 GeoJSON FeatureCollection).
pub const DONG_GEOJSON: &str = include_str!("../../../assets/geo/seoul-dong.geojson");

/// The atlas of the bundled files, parsed on first use.
///
/// # Panics
/// Only if the bundled files are invalid, which this crate's tests rule out
/// (`bundled_atlas_loads` and `tests/bundled_files.rs`).
pub fn atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(|| match Atlas::from_geojson(GU_GEOJSON, DONG_GEOJSON) {
        Ok(atlas) => atlas,
        Err(error) => panic!("the bundled Seoul boundaries are invalid: {error}"),
    })
}

/// The gu and 행정동 a point lies in; `None` outside Seoul. A point on a border belongs to
/// the area with the lowest code (see [`Atlas`]).
pub fn locate(point: GeoPoint) -> Option<AreaMatch> {
    atlas().locate(point)
}

/// The 25 gu, by code.
pub fn gu_list() -> Vec<Area> {
    atlas().gu_list()
}

/// The 행정동 of a gu (by its 5-digit KOSTAT code), by code; empty for an unknown code.
pub fn dong_list(gu_code: &str) -> Vec<Area> {
    atlas().dong_list(gu_code)
}

/// Gu and dong whose Korean or English name matches `text`, best first
/// (see [`Atlas::find_by_name`]).
pub fn find_by_name(text: &str) -> Vec<Area> {
    atlas().find_by_name(text)
}

/// The GeoJSON geometry object of a gu or dong, for drawing it; `None` for an unknown code.
pub fn outline(code: &str) -> Option<&'static str> {
    atlas().outline(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_atlas_loads() {
        let atlas = Atlas::from_geojson(GU_GEOJSON, DONG_GEOJSON).unwrap();
        assert_eq!(atlas.gu_list().len(), 25);
        assert_eq!(
            atlas
                .gu_list()
                .iter()
                .map(|g| atlas.dong_list(&g.code).len())
                .sum::<usize>(),
            423
        );
    }
}
