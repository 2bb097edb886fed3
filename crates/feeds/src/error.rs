//! The crate's one error type: a whole document could not be used.
//!
//! A bad station is never an error (it goes into the
//! [`IngestReport`](crate::IngestReport)); these are the failures of a whole response.

use crate::report::Document;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The body is not JSON at all (often an HTML error page from a gateway).
    #[error("{document} is not JSON ({source}); the body starts with {body_start:?}")]
    NotJson {
        document: Document,
        body_start: String,
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not the document expected (no `data.stations`, `row` is not a list, …).
    #[error("{document} has the wrong shape: {detail}")]
    WrongShape { document: Document, detail: String },
    /// The Seoul Open Data API answered with an error code instead of data.
    #[error("Seoul Open Data API error code {code}: {message}")]
    SeoulApi { code: String, message: String },
    /// `gbfs.json` does not list a feed the caller needs.
    #[error("gbfs.json lists no `{feed}` feed")]
    FeedNotListed { feed: String },
}

impl FeedError {
    /// Whether fetching the same document again later may succeed.
    ///
    /// Bodies that are not JSON are usually transient gateway pages; Seoul's `ERROR-5xx`
    /// and `ERROR-6xx` are server and database faults. A wrong shape, a missing feed or a
    /// request error (bad key, bad range) will not fix itself.
    pub fn is_retryable(&self) -> bool {
        match self {
            FeedError::NotJson { .. } => true,
            FeedError::SeoulApi { code, .. } => {
                code.starts_with("ERROR-5") || code.starts_with("ERROR-6")
            }
            FeedError::WrongShape { .. } | FeedError::FeedNotListed { .. } => false,
        }
    }

    pub(crate) fn wrong_shape(document: Document, detail: impl Into<String>) -> Self {
        FeedError::WrongShape {
            document,
            detail: detail.into(),
        }
    }
}

/// How many characters of a non-JSON body the error keeps.
const BODY_START_CHARS: usize = 80;

/// Parses a body as JSON, or says which document was not JSON and how it starts.
pub(crate) fn parse_json(document: Document, body: &[u8]) -> Result<serde_json::Value, FeedError> {
    serde_json::from_slice(body).map_err(|source| FeedError::NotJson {
        document,
        body_start: String::from_utf8_lossy(&body[..body.len().min(BODY_START_CHARS * 4)])
            .chars()
            .take(BODY_START_CHARS)
            .collect(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_json_error_names_the_document_and_shows_the_body_start() {
        let error = parse_json(
            Document::StationStatus,
            b"<html><body>502 Bad Gateway</body></html>",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("station_status is not JSON ("),
            "{message}"
        );
        assert!(
            message.contains("\"<html><body>502 Bad Gateway"),
            "{message}"
        );
        assert!(error.is_retryable());
    }

    #[test]
    fn seoul_codes_say_whether_a_retry_can_help() {
        let api = |code: &str| FeedError::SeoulApi {
            code: code.to_owned(),
            message: String::new(),
        };
        assert!(api("ERROR-500").is_retryable());
        assert!(api("ERROR-601").is_retryable());
        assert!(!api("ERROR-336").is_retryable());
        assert!(!api("INFO-100").is_retryable());
    }
}
