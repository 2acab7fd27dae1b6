//! Who is asking: the session cookie for pages, the bearer token for the API.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use cybernav_app::RequestMeta;
use cybernav_app::accounts::{SessionInfo, SessionStage};
use cybernav_core::authz::Actor;

use crate::AppState;
use crate::error::{ApiError, PageError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cybernav_session";

/// The value of cookie `name`, if the request has it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. `max_age`
/// `Some(0)` deletes it.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address and browser, for audit records and rate limits.
#[derive(Debug, Clone)]
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect());
        Ok(Meta(RequestMeta { ip, user_agent }))
    }
}

async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<SessionInfo>, PageError> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(state.app.session(&token).await?)
}

/// A person fully signed in (second factor passed where required). Pages that need a
/// sign-in take this; without one the browser is sent to the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionInfo);

impl SignedIn {
    /// The actor.
    pub fn actor(&self) -> &Actor {
        &self.0.actor
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await? {
            None => Err(PageError::SignIn(
                parts
                    .uri
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            )),
            Some(s) => match s.stage {
                SessionStage::Ready => Ok(SignedIn(s)),
                SessionStage::NeedsMfa => Err(PageError::Mfa),
                SessionStage::NeedsEnrolment => Err(PageError::Enrol),
            },
        }
    }
}

/// A session at any stage (for the second-factor pages).
#[derive(Debug, Clone)]
pub struct AnySession(pub SessionInfo);

impl FromRequestParts<AppState> for AnySession {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        session_of(parts, state)
            .await?
            .map(AnySession)
            .ok_or_else(|| PageError::SignIn(String::new()))
    }
}

/// The session, if there is one (for pages anyone may see, like sign-in).
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<SessionInfo>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(session_of(parts, state).await?))
    }
}

/// An API caller authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Actor);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(ApiError::unauthorized)?;
        match state.app.authenticate_api_token(token).await? {
            Some(actor) => Ok(ApiCaller(actor)),
            None => Err(ApiError::unauthorized()),
        }
    }
}
