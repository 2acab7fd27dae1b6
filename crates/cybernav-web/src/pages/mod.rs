//! HTML pages. Each module owns one area and its routes.

pub mod account;
pub mod assessments;
pub mod attestations;
pub mod audit;
pub mod authorities;
pub mod catalogs;
pub mod dashboard;
pub mod digests;
pub mod directory;
pub mod field_ops;
pub mod fields;
pub mod findings;
pub mod grants;
pub mod icn;
pub mod intake;
pub mod links;
pub mod need_to_know;
pub mod outreach;
pub mod participation;
pub mod partners;
pub mod people;
pub mod products;
pub mod reports;
pub mod session;
pub mod when;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cybernav_app::{AppError, RequestMeta};
use uuid::Uuid;

use crate::AppState;
use crate::error::PageError;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(session::routes())
        .merge(dashboard::routes())
        .merge(authorities::routes())
        .merge(participation::routes())
        .merge(assessments::routes())
        .merge(catalogs::routes())
        .merge(attestations::routes())
        .merge(icn::routes())
        .merge(field_ops::routes())
        .merge(findings::routes())
        .merge(need_to_know::routes())
        .merge(directory::routes())
        .merge(outreach::routes())
        .merge(products::routes())
        .merge(digests::routes())
        .merge(reports::routes())
        .merge(intake::routes())
        .merge(partners::routes())
        .merge(people::routes())
        .merge(account::routes())
        .merge(audit::routes())
        .merge(grants::routes())
        .merge(links::routes())
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// One problem shown at the top of a form and next to its field.
#[derive(Debug, Clone)]
pub struct FormError {
    /// The field's id in the form.
    pub field: String,
    /// The field's label.
    pub label: String,
    /// What is wrong.
    pub message: String,
}

/// Splits a use-case error into form problems to show (for `Invalid`) or a page error.
pub fn form_errors(e: AppError, labels: &[(&str, &str)]) -> Result<Vec<FormError>, PageError> {
    match e {
        AppError::Invalid(fields) => Ok(fields
            .0
            .into_iter()
            .map(|f| {
                let label = labels
                    .iter()
                    .find(|(k, _)| *k == f.field)
                    .map_or_else(|| f.field.clone(), |(_, l)| l.to_string());
                FormError {
                    field: f.field,
                    label,
                    message: f.message,
                }
            })
            .collect()),
        other => Err(PageError::App(other)),
    }
}

/// The message for `field` among `errors`, for showing beside the input.
pub fn error_for<'a>(errors: &'a [FormError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// Redirects after a successful POST, with a notice key for the next page.
/// A `#fragment` in `to` stays at the end, after the notice.
pub fn see_other(to: &str, notice: &str) -> Response {
    let (path, fragment) = match to.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (to, String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{sep}notice={notice}{fragment}")).into_response()
}

/// Parses an id from the path; anything that is not a UUID is simply not found.
pub fn parse_id(raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| PageError::App(AppError::NotFound))
}

/// A page re-rendered after a failed submission: 422 with the form and its errors.
pub fn unprocessable(page: Response) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// Counts an attempt at `what` from this address; refuses when there were too many this
/// minute.
pub fn rate_limit(state: &AppState, what: &str, meta: &RequestMeta) -> Result<(), PageError> {
    if state.limiter.allow(&format!(
        "{what}:{}",
        meta.ip.as_deref().unwrap_or_default()
    )) {
        Ok(())
    } else {
        Err(PageError::TooMany)
    }
}
