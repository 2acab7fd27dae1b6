//! Cross-site request forgery protection for every state-changing request to a page.
//!
//! A random token lives in an HttpOnly, SameSite=Strict cookie; every form carries the same
//! value in a hidden `csrf` field (htmx sends it as the `X-CSRF-Token` header, and multipart
//! uploads in the `csrf` query parameter). A POST whose token is missing or differs is
//! refused before any handler runs. The JSON API takes bearer tokens, never cookies, so it
//! needs no CSRF token.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cybernav_core::secret::{constant_time_eq, generate_token};

use crate::AppState;
use crate::auth::cookie;
use crate::error::PageError;

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "cybernav_csrf";
/// The form field and query parameter.
pub const CSRF_FIELD: &str = "csrf";
/// The header htmx sends.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The current request's CSRF token, for templates.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn is_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn presented_in_query(req: &Request) -> Option<String> {
    let q = req.uri().query()?;
    let map: HashMap<String, String> = serde_urlencoded::from_str(q).ok()?;
    map.get(CSRF_FIELD).cloned()
}

/// The middleware.
pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| is_token(c));
    let token = existing.clone().unwrap_or_else(generate_token);
    // The API and the TAXII server authenticate with tokens only, never cookies.
    let is_api = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/taxii2");
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method && !is_api {
        let mut presented = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| presented_in_query(&req));
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if presented.is_none() && is_form {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
                return (
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "the form is too large",
                )
                    .into_response();
            };
            let fields: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            presented = fields
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v);
            req = Request::from_parts(parts, Body::from(bytes));
        }
        let ok = matches!((&existing, &presented), (Some(c), Some(p)) if constant_time_eq(c, p));
        if !ok {
            return PageError::Csrf.into_response();
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    // API answers never set cookies: the API authenticates with bearer tokens only.
    if existing.is_none() && !is_api {
        let mut value = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        if state.app.config.secure_cookies {
            value.push_str("; Secure");
        }
        if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
