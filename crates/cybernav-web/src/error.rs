//! Turning use-case errors into answers: an HTML page for people, one JSON envelope for the
//! API (`{"errors": [{"detail": …, "field": …}]}`). Internal errors are logged once here,
//! without request data, and answered without detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cybernav_app::AppError;
use serde::Serialize;

use crate::layout::{ErrorPage, render};

/// One problem in an API answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorItem {
    /// What is wrong, in words a person can act on.
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The error envelope of every API answer that is not a success.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// Every problem found.
    pub errors: Vec<ApiErrorItem>,
}

/// An API error: a status and the envelope.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Problems.
    pub errors: Vec<ApiErrorItem>,
}

impl ApiError {
    /// 400 with one message.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }
    /// 401.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "send a valid API token as 'Authorization: Bearer <token>'; create one under My account, or with 'cybernav token create'",
        )
    }
    /// 403.
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "your role may not do this")
    }
    /// 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not found")
    }
    /// Any status with one message.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![ApiErrorItem {
                detail: detail.into(),
                field: None,
            }],
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(fields) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                errors: fields
                    .0
                    .into_iter()
                    .map(|f| ApiErrorItem {
                        detail: format!("{}: {}", f.field, f.message),
                        field: Some(f.field),
                    })
                    .collect(),
            },
            AppError::BadCredentials | AppError::Unauthenticated => ApiError::unauthorized(),
            AppError::Forbidden => ApiError::forbidden(),
            AppError::NotFound => ApiError::not_found(),
            AppError::Conflict(what) => ApiError::new(StatusCode::CONFLICT, what),
            AppError::LinkInvalid => {
                ApiError::new(StatusCode::GONE, "this link is no longer valid")
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "storage error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; try again in a minute",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ApiErrorBody {
                errors: self.errors,
            }),
        )
            .into_response()
    }
}

/// An error while serving a page.
#[derive(Debug)]
pub enum PageError {
    /// A use case refused or failed.
    App(AppError),
    /// Not signed in: go to the sign-in page, then come back.
    SignIn(String),
    /// Must pass the second factor first.
    Mfa,
    /// Must set up the second factor first.
    Enrol,
    /// Too many attempts from this address.
    TooMany,
    /// The form's CSRF token was missing or wrong.
    Csrf,
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl From<cybernav_core::authz::Refusal> for PageError {
    fn from(r: cybernav_core::authz::Refusal) -> Self {
        PageError::App(AppError::from(r))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::SignIn(next) => {
                let target = if next.is_empty() || next == "/" { "/login".to_string() } else { format!("/login?next={}", urlencode(&next)) };
                return Redirect::to(&target).into_response();
            }
            PageError::Mfa => return Redirect::to("/login/mfa").into_response(),
            PageError::Enrol => return Redirect::to("/account/mfa/setup").into_response(),
            PageError::TooMany => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", "There were too many attempts from your network in the last minute. Wait a minute, then try again.".to_string()),
            PageError::Csrf => (StatusCode::FORBIDDEN, "This form has expired", "For your security, forms expire. Go back, reload the page and submit it again.".to_string()),
            PageError::App(e) => match e {
                AppError::NotFound => (StatusCode::NOT_FOUND, "Page not found", "There is nothing here, or you do not have access to it. Check the address, or go back to the dashboard.".to_string()),
                AppError::Forbidden => (StatusCode::FORBIDDEN, "Not available to your role", "Your role does not give access to this page. If you need it, ask your Program Manager.".to_string()),
                AppError::Unauthenticated | AppError::BadCredentials => return Redirect::to("/login").into_response(),
                AppError::Invalid(fields) => (StatusCode::BAD_REQUEST, "Please check your input", fields.to_string()),
                AppError::Conflict(what) => (StatusCode::CONFLICT, "That cannot be done", what),
                AppError::LinkInvalid => (StatusCode::GONE, "This link is no longer valid", "Links in our e-mails work once and expire. Ask for a new invitation, or request a new password-reset link from the sign-in page.".to_string()),
                AppError::Store(e) => {
                    tracing::error!(error = %e, "storage error");
                    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Something went wrong on our side and nothing was changed. Try again in a minute; if it keeps happening, tell your Board's IT staff.".to_string())
                }
            },
        };
        let page = ErrorPage::new(title, message);
        (status, render(&page)).into_response()
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
