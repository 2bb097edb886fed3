//! The library's one error type, and its single conversion into an RFC 9457
//! `application/problem+json` answer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sharehub_core::resource::FieldProblem;
use sharehub_core::wire::Problem;

/// Everything that can go wrong in the server library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request body is not valid JSON: {detail}")]
    MalformedJson { detail: String },
    #[error("the request body is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("the request body does not have the expected shape: {detail}")]
    WrongShape { field: String, detail: String },
    #[error("the request body is larger than the limit of {limit_bytes} bytes")]
    BodyTooLarge { limit_bytes: usize },
    #[error("send the body as JSON with `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("the query string is invalid: {detail}")]
    InvalidQuery { detail: String },
    #[error("{}", join_problems(.problems))]
    Invalid { problems: Vec<FieldProblem> },
    #[error("sign in first: {reason}")]
    Unauthenticated { reason: String },
    #[error("{detail}")]
    Forbidden { detail: String },
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("{what} was retired and is no longer available")]
    Gone { what: String },
    #[error("{detail}")]
    Conflict { detail: String },
    #[error("the record changed since version {base_version}; it is now at version {current_version}: reload it and apply the edit again")]
    StaleVersion {
        base_version: u64,
        current_version: u64,
    },
    #[error("too many attempts: {what}; try again in {retry_after_secs} s")]
    RateLimited { what: String, retry_after_secs: u64 },
    #[error("this method is not allowed on this path; see /v1/openapi.json")]
    MethodNotAllowed,
    #[error("the database cannot be reached: {detail}")]
    Unavailable { detail: String },
    #[error("SQLite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("SQLite migration failed: {0}")]
    SqliteMigration(#[from] rusqlite_migration::Error),
    #[error("PostgreSQL error: {}", postgres_detail(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("a stored record cannot be read back: {detail}")]
    Corrupt { detail: String },
    #[error("invalid configuration: {detail}")]
    Config { detail: String },
    /// A public-bike feed could not be fetched or used (never an HTTP answer: the refresh
    /// task logs it and keeps the last good data).
    #[error("feed {feed}: {detail}")]
    Feed { feed: String, detail: String },
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The server's message for database errors (tokio-postgres only says "db error").
fn postgres_detail(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => error.to_string(),
    }
}

fn join_problems(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(FieldProblem::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Error {
        Error::Invalid {
            problems: vec![FieldProblem::new(field, problem)],
        }
    }

    pub fn internal(detail: impl ToString) -> Error {
        Error::Internal {
            detail: detail.to_string(),
        }
    }

    pub fn corrupt(detail: impl ToString) -> Error {
        Error::Corrupt {
            detail: detail.to_string(),
        }
    }

    /// The stable problem `type` slug, the HTTP status and a short title.
    fn kind(&self) -> (&'static str, StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            Error::MalformedJson { .. } => ("malformed-json", S::BAD_REQUEST, "Malformed JSON"),
            Error::InvalidUtf8 { .. } => ("invalid-utf8", S::BAD_REQUEST, "Body is not UTF-8"),
            Error::WrongShape { .. } => (
                "wrong-shape",
                S::UNPROCESSABLE_ENTITY,
                "Unexpected JSON shape",
            ),
            Error::BodyTooLarge { .. } => (
                "body-too-large",
                S::PAYLOAD_TOO_LARGE,
                "Request body too large",
            ),
            Error::UnsupportedMediaType => (
                "unsupported-media-type",
                S::UNSUPPORTED_MEDIA_TYPE,
                "Body must be JSON",
            ),
            Error::InvalidQuery { .. } => ("invalid-query", S::BAD_REQUEST, "Invalid query"),
            Error::Invalid { .. } => ("invalid-field", S::UNPROCESSABLE_ENTITY, "Invalid field"),
            Error::Unauthenticated { .. } => ("unauthenticated", S::UNAUTHORIZED, "Sign-in needed"),
            Error::Forbidden { .. } => ("forbidden", S::FORBIDDEN, "Not allowed"),
            Error::NotFound { .. } => ("not-found", S::NOT_FOUND, "Not found"),
            Error::Gone { .. } => ("retired", S::GONE, "Retired"),
            Error::Conflict { .. } => ("conflict", S::CONFLICT, "Conflict"),
            Error::StaleVersion { .. } => ("stale-version", S::CONFLICT, "Edited on old data"),
            Error::RateLimited { .. } => {
                ("rate-limited", S::TOO_MANY_REQUESTS, "Too many attempts")
            }
            Error::MethodNotAllowed => (
                "method-not-allowed",
                S::METHOD_NOT_ALLOWED,
                "Method not allowed",
            ),
            Error::Unavailable { .. } => (
                "database-unavailable",
                S::SERVICE_UNAVAILABLE,
                "Database unavailable",
            ),
            Error::Sqlite(_)
            | Error::SqliteMigration(_)
            | Error::Postgres(_)
            | Error::Corrupt { .. }
            | Error::Config { .. }
            | Error::Feed { .. }
            | Error::Internal { .. } => (
                "internal",
                S::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ),
        }
    }

    /// The problem body for this error. Internal details stay in the log, not the answer.
    pub fn to_problem(&self) -> Problem {
        let (slug, status, title) = self.kind();
        let detail = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            "Something went wrong on the server; it has been logged. Try again later.".to_owned()
        } else {
            self.to_string()
        };
        let problems = match self {
            Error::Invalid { problems } => problems.clone(),
            Error::WrongShape { field, detail } if !field.is_empty() => {
                vec![FieldProblem::new(field.clone(), detail.clone())]
            }
            _ => Vec::new(),
        };
        Problem {
            problem_type: problem_type_uri(slug),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            problems,
        }
    }
}

/// The `type` URI of a problem kind.
pub fn problem_type_uri(slug: &str) -> String {
    format!("urn:sharehub:problem:{slug}")
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let problem = self.to_problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, "request refused");
        }
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        match &self {
            Error::Unauthenticated { .. } => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Error::RateLimited {
                retry_after_secs, ..
            } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            _ => {}
        }
        response
    }
}
