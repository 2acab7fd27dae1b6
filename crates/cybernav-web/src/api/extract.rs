//! Extractors for the JSON API that answer every bad input with the error envelope.
//!
//! axum's own `Json`, `Query` and `Path` reject with plain-text bodies. These wrappers parse
//! the same way but turn each rejection into [`ApiError`], naming the field or parameter at
//! fault and keeping serde's own words (which say what was expected and where, such as
//! "unknown field `x`, expected one of `name`, `kind` at line 1 column 12").
//!
//! | Problem                                        | Status |
//! |------------------------------------------------|--------|
//! | body is not JSON (syntax, truncated, trailing) | 400    |
//! | body is JSON of the wrong shape (missing, unknown or mistyped field) | 422 |
//! | `Content-Type` is not JSON                     | 415    |
//! | body over [`crate::BODY_LIMIT`]                | 413    |
//! | query parameter unknown, repeated or malformed | 400    |
//! | path parameter malformed (an id that is not a UUID) | 400 |

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiErrorItem};

/// A JSON request body, parsed into `T` (request types use `#[serde(deny_unknown_fields)]`).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

/// Query parameters, parsed into `T` (query types use `#[serde(deny_unknown_fields)]`).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

/// Path parameters, parsed into `T`.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

fn one(status: StatusCode, detail: String, field: Option<String>) -> ApiError {
    ApiError {
        status,
        errors: vec![ApiErrorItem { detail, field }],
    }
}

/// True for `application/json` and `application/<something>+json`, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The name inside the first pair of backticks of serde's "missing field `x`", "duplicate
/// field `x`" and "unknown field `x`, expected …" messages.
fn backticked_field(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))
        .or_else(|| message.strip_prefix("duplicate field `"))?;
    rest.split('`').next()
}

/// The field a deserialisation error is about: the path serde was at, completed with the
/// name of a missing or unknown field. `None` when the error is about the whole input.
fn field_of(path: &serde_path_to_error::Path, message: &str) -> Option<String> {
    let at = path.to_string();
    let at = (at != ".").then_some(at);
    match (at, backticked_field(message)) {
        // serde_path_to_error has already stepped into an unknown or repeated key.
        (Some(at), Some(name)) if at == name || at.ends_with(&format!(".{name}")) => Some(at),
        (Some(at), Some(name)) => Some(format!("{at}.{name}")),
        (Some(at), None) => Some(at),
        (None, Some(name)) => Some(name.to_string()),
        (None, None) => None,
    }
}

/// Parses a JSON body, answering malformed JSON with 400 and JSON of the wrong shape with
/// 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let not_json = |e: serde_json::Error| {
        one(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
            None,
        )
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.classify() != serde_json::error::Category::Data {
            return not_json(e.into_inner());
        }
        let message = inner.to_string();
        let field = field_of(e.path(), &message);
        let detail = match &field {
            Some(f) if backticked_field(&message).is_none() => format!("{f}: {message}"),
            _ => message,
        };
        one(StatusCode::UNPROCESSABLE_ENTITY, detail, field)
    })?;
    // Trailing characters after the value make the body malformed too.
    de.end().map_err(not_json)?;
    Ok(value)
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(one(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON, with 'Content-Type: application/json'".into(),
                None,
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "the body is larger than the limit of {} MiB",
                    crate::BODY_LIMIT / (1024 * 1024)
                )
            } else {
                format!("the body could not be read: {}", rejection.body_text())
            };
            one(status, detail, None)
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a query string, answering every problem with 400 naming the parameter.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let message = e.inner().to_string();
        let field = field_of(e.path(), &message);
        let detail = match &field {
            Some(f) if backticked_field(&message).is_none() => {
                format!("query parameter {f}: {message}")
            }
            _ => format!("query: {message}"),
        };
        one(StatusCode::BAD_REQUEST, detail, field)
    })
}

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let (field, detail) = match e.kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => (
                        Some(key.clone()),
                        format!("path parameter {key}: '{value}' is not a valid {expected_type}"),
                    ),
                    ErrorKind::DeserializeError {
                        key,
                        value,
                        message,
                    } => (
                        Some(key.clone()),
                        format!("path parameter {key}: '{value}' is not valid: {message}"),
                    ),
                    ErrorKind::InvalidUtf8InPathParam { key } => (
                        Some(key.clone()),
                        format!("path parameter {key}: not valid UTF-8"),
                    ),
                    other => (None, format!("path: {other}")),
                };
                if e.status().is_server_error() {
                    tracing::error!(error = %detail, "API path parameters do not fit the handler");
                    return Err(ApiError::new(
                        e.status(),
                        "something went wrong on our side",
                    ));
                }
                Err(one(StatusCode::BAD_REQUEST, detail, field))
            }
            Err(other) => {
                tracing::error!(error = %other.body_text(), "API path parameters missing");
                Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialised")]
    struct Body {
        name: String,
        population: Option<i64>,
        ids: Option<Vec<uuid::Uuid>>,
    }

    fn err(body: &str) -> ApiError {
        parse_json::<Body>(body.as_bytes()).expect_err("should not parse")
    }

    #[test]
    fn json_errors_name_their_field() {
        let e = err(r#"{"name": "x", "colour": 1}"#);
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.errors[0].field.as_deref(), Some("colour"));
        assert!(
            e.errors[0]
                .detail
                .contains("unknown field `colour`, expected one of"),
            "{}",
            e.errors[0].detail
        );
        assert!(e.errors[0].detail.contains("line 1 column"));

        let e = err(r#"{"population": 3}"#);
        assert_eq!(e.errors[0].field.as_deref(), Some("name"));
        assert!(e.errors[0].detail.contains("missing field `name`"));

        let e = err(r#"{"name": "x", "population": "many"}"#);
        assert_eq!(e.errors[0].field.as_deref(), Some("population"));
        assert!(
            e.errors[0].detail.starts_with("population: invalid type"),
            "{}",
            e.errors[0].detail
        );

        let e = err(r#"{"name": "x", "ids": ["not-a-uuid"]}"#);
        assert_eq!(e.errors[0].field.as_deref(), Some("ids[0]"));
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        for body in [r#"{"name": "#, "", "not json", r#"{"name": "x"} trailing"#] {
            let e = err(body);
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(e.errors[0].detail.starts_with("the body is not valid JSON"));
            assert_eq!(e.errors[0].field, None);
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialised")]
    struct Query {
        page: Option<u32>,
        zone: Option<uuid::Uuid>,
    }

    #[test]
    fn query_errors_name_their_parameter() {
        let e = parse_query::<Query>("page=abc").expect_err("bad page");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.errors[0].field.as_deref(), Some("page"));
        let e = parse_query::<Query>("zone=nope").expect_err("bad zone");
        assert_eq!(e.errors[0].field.as_deref(), Some("zone"));
        let e = parse_query::<Query>("colour=red").expect_err("unknown");
        assert_eq!(e.errors[0].field.as_deref(), Some("colour"));
        let e = parse_query::<Query>("page=1&page=2").expect_err("repeated");
        assert!(
            e.errors[0].detail.contains("duplicate field `page`"),
            "{}",
            e.errors[0].detail
        );
        assert!(parse_query::<Query>("").is_ok());
    }
}
