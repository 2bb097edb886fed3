//! Extractors for request input that answer every mistake with a specific problem: JSON
//! bodies (media type, size, UTF-8, syntax, shape with the field's path, unknown fields) and
//! query strings.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::state::AppState;

/// A JSON body, parsed into `T`.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses JSON text, naming the field and what is wrong with it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => Error::WrongShape {
                field: if path == "." {
                    String::new()
                } else {
                    path.clone()
                },
                detail: if path == "." {
                    inner.to_string()
                } else {
                    format!("at `{path}`: {inner}")
                },
            },
            _ => Error::MalformedJson {
                detail: inner.to_string(),
            },
        }
    })?;
    deserializer.end().map_err(|e| Error::MalformedJson {
        detail: format!("unexpected text after the JSON value: {e}"),
    })?;
    Ok(value)
}

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Error> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !is_json(content_type) {
            return Err(Error::UnsupportedMediaType);
        }
        let limit = state.config.body_limit_bytes;
        let bytes = read_body(request, limit).await?;
        Ok(JsonBody(parse_json(&bytes)?))
    }
}

/// How much of a too-large body is still read (and dropped) before answering 413, so the
/// client has sent its body and reads the answer instead of a reset connection.
const DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// The body, at most `limit` bytes. A larger one is read on (up to [`DRAIN_BYTES`] more,
/// discarded) and refused with 413.
async fn read_body(request: Request, limit: usize) -> Result<Vec<u8>, Error> {
    let mut chunks = request.into_body().into_data_stream();
    let mut body = Vec::new();
    let mut over = None::<usize>;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| Error::MalformedJson {
            detail: format!("the body could not be read: {e}"),
        })?;
        match over.as_mut() {
            Some(drained) => {
                *drained += chunk.len();
                if *drained > DRAIN_BYTES {
                    break;
                }
            }
            None if body.len() + chunk.len() > limit => {
                over = Some(0);
                body = Vec::new();
            }
            None => body.extend_from_slice(&chunk),
        }
    }
    match over {
        Some(_) => Err(Error::BodyTooLarge { limit_bytes: limit }),
        None => Ok(body),
    }
}

/// A query string, parsed into `T` (unknown parameters are refused when `T` says so).
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Error> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|e| Error::InvalidQuery {
                detail: e.to_string(),
            })
    }
}

/// The one `{id}` segment of a path, as text; each handler parses it into its id type.
/// A segment that is not valid percent-encoded UTF-8 is answered as "not found".
#[derive(Debug, Clone)]
pub struct PathId(pub String);

impl FromRequestParts<AppState> for PathId {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| PathId(id))
            .map_err(|rejection| Error::NotFound {
                what: format!("this path ({rejection})"),
            })
    }
}

#[cfg(test)]
mod tests {
    use sharehub_core::wire::LoginRequest;

    use super::*;

    #[test]
    fn json_mistakes_are_specific() {
        let wrong_type = parse_json::<LoginRequest>(br#"{"login": 5, "password": "x"}"#);
        assert!(
            matches!(&wrong_type, Err(Error::WrongShape { field, .. }) if field == "login"),
            "{wrong_type:?}"
        );
        let unknown = parse_json::<LoginRequest>(br#"{"login":"a","password":"b","x":1}"#);
        assert!(
            matches!(&unknown, Err(Error::WrongShape { detail, .. }) if detail.contains("unknown field `x`")),
            "{unknown:?}"
        );
        assert!(matches!(
            parse_json::<LoginRequest>(b"{\"login\":"),
            Err(Error::MalformedJson { .. })
        ));
        assert!(matches!(
            parse_json::<LoginRequest>(b"{\"login\":\"\xff\"}"),
            Err(Error::InvalidUtf8 { offset: 10 })
        ));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("text/plain"));
    }
}
