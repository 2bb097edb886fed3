//! RFC 9457 problem details: the body of every error answer (`application/problem+json`).

use serde::{Deserialize, Serialize};

use crate::resource::FieldProblem;

/// An error answer. `type` is stable per kind of error (a URI under
/// `https://sharehub.kr/problems/`); `detail` tells a person what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// One entry per invalid field, when the error is about the request's content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FieldProblem>,
}
