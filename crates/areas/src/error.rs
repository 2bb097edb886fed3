//! The crate's one error type: problems in a boundary file given to [`crate::Atlas`].
//!
//! The bundled files are checked by this crate's tests, so with them these never occur; they
//! matter when an [`crate::Atlas`] is built from other data. A retry cannot help: the data
//! itself must be fixed.

use crate::atlas::Layer;

#[derive(Debug, thiserror::Error)]
pub enum AreasError {
    #[error("the {layer} file is not a GeoJSON FeatureCollection of the expected shape: {source}")]
    Json {
        layer: Layer,
        #[source]
        source: serde_json::Error,
    },
    #[error("{layer} feature {code}: {problem}")]
    Feature {
        layer: Layer,
        code: String,
        problem: String,
    },
    #[error("{layer} code {code} appears more than once")]
    DuplicateCode { layer: Layer, code: String },
    #[error("dong {code} belongs to gu {gu_code}, which is not in the gu file")]
    UnknownGu { code: String, gu_code: String },
}
