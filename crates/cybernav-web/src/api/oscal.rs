//! OSCAL exports (NIST OSCAL 1.1.2, docs/OSCAL.md): a validated assessment's results and an
//! authority's plan of action and milestones, for the state's GRC tools and federal partners.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use cybernav_app::AppError;

use super::assessments::AssessmentId;
use super::authorities::ElectionAuthorityId;
use super::extract::ApiPath;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiErrorBody};

/// An OSCAL JSON document as an attachment named `file_name`.
fn oscal_reply(file_name: String, doc: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        doc,
    )
}

/// Export a validated assessment as OSCAL assessment results.
///
/// One observation per item in scope (satisfied at the finding threshold or more, 50 % unless
/// `CYBERNAV_FINDING_THRESHOLD_PERCENT` says otherwise; not satisfied below; not applicable
/// with its justification), evidence by SHA-256, and the findings raised from the
/// assessment as risks. UUIDs are derived from our ids, so a re-export is identical. Whoever
/// may read the assessment; refused (422) until it is validated.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/oscal/assessment-results",
    tag = "assessments",
    params(AssessmentId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OSCAL assessment-results JSON", body = Object, content_type = "application/json"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 422, description = "The assessment is not validated yet", body = ApiErrorBody),
    )
)]
pub async fn get_assessment_results(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
) -> Result<impl IntoResponse, ApiError> {
    let doc = state.app.oscal_assessment_results(&caller.0, id).await?;
    Ok(oscal_reply(format!("assessment-results-{id}.json"), doc))
}

/// Export an authority's findings as an OSCAL plan of action and milestones.
///
/// One POA&M item per finding, open or closed, with its status, target date, CVE and KEV flag,
/// host and port, who fixes it and any risk acceptance. Everyone who may read the authority's
/// findings (not partners).
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/oscal/poam",
    tag = "findings",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OSCAL plan-of-action-and-milestones JSON", body = Object, content_type = "application/json"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read findings", body = ApiErrorBody),
        (status = 404, description = "No such authority the caller may see", body = ApiErrorBody),
    )
)]
pub async fn get_poam(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<impl IntoResponse, ApiError> {
    let reader = caller.0.read_findings_of(id).map_err(AppError::from)?;
    let doc = state.app.oscal_poam(&reader).await?;
    Ok(oscal_reply(format!("poam-{id}.json"), doc))
}
