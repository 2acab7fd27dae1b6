//! The need-to-know roster (Part 213.30(a)(5)): apply, one's own applications, the roster,
//! decisions, the handling agreement, renewal, revocation and the CSV export.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cybernav_app::AppError;
use cybernav_app::need_to_know::{ApplyInput, NtkEntry, RosterFilter};
use cybernav_core::need_to_know::Decision;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn standing_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        [
            "pending", "approved", "active", "expired", "denied", "revoked",
        ],
        "Where the application stands now; `expired` is an approval past its expiry.",
    )
}

fn decision_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(["approve", "deny"], "The decision.")
}

/// One need-to-know application.
#[derive(Debug, Serialize, ToSchema)]
pub struct NtkItem {
    /// Id.
    pub id: Uuid,
    /// The applicant's account.
    pub user: Uuid,
    /// The applicant's name.
    pub name: String,
    /// The applicant's e-mail.
    pub email: String,
    /// Their organisation.
    pub organisation: String,
    /// Their role or title there.
    pub title: String,
    /// Why they need FOUO information.
    pub justification: String,
    /// Who vouches for them.
    pub sponsor_name: String,
    /// The sponsor's e-mail.
    pub sponsor_email: String,
    /// Where it stands now.
    #[schema(schema_with = standing_schema)]
    pub state: String,
    /// Whether the person may receive FOUO information now.
    pub current: bool,
    /// When they applied.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub applied_at: OffsetDateTime,
    /// When it was approved or denied.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub decided_at: Option<OffsetDateTime>,
    /// The decider's name.
    pub decided_by: Option<String>,
    /// The decider's note.
    pub decision_note: Option<String>,
    /// The handling agreement version accepted.
    pub agreement_version: Option<String>,
    /// When it was accepted.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub agreement_accepted_at: Option<OffsetDateTime>,
    /// When the approval ends.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub expires_at: Option<OffsetDateTime>,
    /// Whole days until it expires, while approved or active.
    pub days_left: Option<i64>,
    /// When it was revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub revoked_at: Option<OffsetDateTime>,
    /// Why.
    pub revoke_reason: Option<String>,
}

impl From<NtkEntry> for NtkItem {
    fn from(e: NtkEntry) -> Self {
        let current = e.standing == cybernav_core::need_to_know::Standing::Active;
        let l = e.listing;
        let r = l.row;
        NtkItem {
            id: r.id,
            user: r.user_id,
            name: l.user_name,
            email: l.user_email,
            organisation: r.organisation,
            title: r.title,
            justification: r.justification,
            sponsor_name: r.sponsor_name,
            sponsor_email: r.sponsor_email,
            state: e.standing.as_str().into(),
            current,
            applied_at: r.applied_at,
            decided_at: r.decided_at,
            decided_by: l.decided_by_name,
            decision_note: r.decision_note,
            agreement_version: r.agreement_version,
            agreement_accepted_at: r.agreement_accepted_at,
            expires_at: r.expires_at,
            days_left: e.days_left,
            revoked_at: r.revoked_at,
            revoke_reason: r.revoke_reason,
        }
    }
}

/// One application.
#[derive(Debug, Serialize, ToSchema)]
pub struct NtkResponse {
    /// The application.
    pub application: NtkItem,
}

/// Applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NtkList {
    /// Newest first.
    pub applications: Vec<NtkItem>,
    /// How many.
    pub meta: PageMeta,
}

/// What a person sends to apply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// Their organisation.
    #[schema(example = "Adams County Clerk's Office")]
    pub organisation: String,
    /// Their role or title there.
    #[schema(example = "Deputy clerk for elections")]
    pub title: String,
    /// Why their work needs FOUO information.
    pub justification: String,
    /// Who vouches for them.
    pub sponsor_name: String,
    /// The sponsor's e-mail.
    pub sponsor_email: String,
}

/// A decision on a pending application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Approve or deny.
    #[schema(schema_with = decision_schema)]
    pub decision: String,
    /// A note kept with the application (not in the audit log).
    #[serde(default)]
    pub note: Option<String>,
}

/// The applicant's acceptance of the handling agreement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRequest {
    /// The version of the agreement accepted; must be the one in force.
    #[schema(example = "fouo-handling-2026-1")]
    pub agreement_version: String,
}

/// A revocation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevocationRequest {
    /// Why the approval is revoked (kept with the application, not in the audit log).
    pub reason: String,
}

/// The roster's filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterQuery {
    /// `pending`, `approved`, `active`, `expired`, `denied` or `revoked`; all when left out.
    pub state: Option<String>,
}

/// The application, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NtkPath {
    /// The application's id.
    pub id: Uuid,
}

async fn entry(state: &AppState, caller: &ApiCaller, id: Uuid) -> Result<NtkItem, ApiError> {
    Ok(state
        .app
        .need_to_know_entry(&caller.0, id, cybernav_app::store::now())
        .await?
        .into())
}

/// The applicant of an application, to decide how to refuse someone who may not act on it.
async fn applicant_of(state: &AppState, id: Uuid) -> Result<Uuid, ApiError> {
    let mut tx = state.app.store.read().await.map_err(AppError::from)?;
    Ok(tx.get_ntk(id).await.map_err(AppError::from)?.row.user_id)
}

/// Apply for need-to-know approval.
///
/// For oneself, to receive For Official Use Only information (Part 213.30(a)(5)). A person has
/// at most one open application (pending, approved or active).
#[utoipa::path(
    post,
    path = "/api/v1/need-to-know/applications",
    tag = "need-to-know",
    request_body = ApplyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Applied", body = NtkResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 409, description = "The caller already has an open application", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn apply_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<ApplyRequest>,
) -> Result<(StatusCode, Json<NtkResponse>), ApiError> {
    let cap = caller.0.apply_need_to_know();
    let input = ApplyInput {
        organisation: body.organisation,
        title: body.title,
        justification: body.justification,
        sponsor_name: body.sponsor_name,
        sponsor_email: body.sponsor_email,
    };
    let id = state.app.apply_need_to_know(&cap, &input, &meta).await?;
    let application = entry(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, Json(NtkResponse { application })))
}

/// The caller's own applications.
///
/// Newest first, with where each stands now.
#[utoipa::path(
    get,
    path = "/api/v1/need-to-know/mine",
    tag = "need-to-know",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's applications", body = NtkList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_my_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<NtkList>, ApiError> {
    let cap = caller.0.apply_need_to_know();
    let applications: Vec<NtkItem> = state
        .app
        .my_need_to_know(&cap, cybernav_app::store::now())
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(NtkList {
        meta: PageMeta::whole(applications.len()),
        applications,
    }))
}

/// The need-to-know roster.
///
/// Every application, newest first, filtered by where it stands now. The Board, the Program
/// Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/need-to-know/applications",
    tag = "need-to-know",
    params(RosterQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roster", body = NtkList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the roster", body = ApiErrorBody),
        (status = 422, description = "Unknown state", body = ApiErrorBody),
    )
)]
pub async fn list_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Json<NtkList>, ApiError> {
    let reader = caller
        .0
        .read_need_to_know_roster()
        .ok_or(AppError::Forbidden)?;
    let filter = RosterFilter::parse(q.state.as_deref())?;
    let applications: Vec<NtkItem> = state
        .app
        .need_to_know_roster(&reader, filter, cybernav_app::store::now())
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(NtkList {
        meta: PageMeta::whole(applications.len()),
        applications,
    }))
}

/// The roster as CSV.
///
/// One row per application with where it stands now; no justifications or notes. Cells a
/// spreadsheet would run as a formula start with `'`. The Board, the Program Manager and
/// auditors.
#[utoipa::path(
    get,
    path = "/api/v1/need-to-know/export.csv",
    tag = "need-to-know",
    params(RosterQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv"),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the roster", body = ApiErrorBody),
        (status = 422, description = "Unknown state", body = ApiErrorBody),
    )
)]
pub async fn export_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Response, ApiError> {
    let reader = caller
        .0
        .read_need_to_know_roster()
        .ok_or(AppError::Forbidden)?;
    let filter = RosterFilter::parse(q.state.as_deref())?;
    let csv = state
        .app
        .need_to_know_csv(&reader, filter, cybernav_app::store::now())
        .await?;
    Ok(csv_response(csv))
}

/// A CSV download of the roster.
pub(crate) fn csv_response(csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"need-to-know-roster.csv\"".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        csv,
    )
        .into_response()
}

/// Approve or deny a pending application.
///
/// The Board and the Program Manager, never on their own application. Approval starts the
/// period (`CYBERNAV_NEED_TO_KNOW_DAYS`); the person then accepts the handling agreement.
#[utoipa::path(
    post,
    path = "/api/v1/need-to-know/applications/{id}/decision",
    tag = "need-to-know",
    params(NtkPath),
    request_body = DecisionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided", body = NtkResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the application but not decide it", body = ApiErrorBody),
        (status = 404, description = "No such application visible to the caller", body = ApiErrorBody),
        (status = 409, description = "Not pending, or the caller's own application", body = ApiErrorBody),
        (status = 422, description = "Unknown decision, or the note is too long", body = ApiErrorBody),
    )
)]
pub async fn decide_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(NtkPath { id }): ApiPath<NtkPath>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<NtkResponse>, ApiError> {
    let applicant = applicant_of(&state, id).await?;
    let cap = caller
        .0
        .decide_need_to_know(applicant)
        .map_err(AppError::from)?;
    let decision = Decision::parse(&body.decision).map_err(|e| AppError::invalid("decision", e))?;
    state
        .app
        .decide_need_to_know(&cap, id, decision, body.note.as_deref(), &meta)
        .await?;
    Ok(Json(NtkResponse {
        application: entry(&state, &caller, id).await?,
    }))
}

/// Accept the handling agreement.
///
/// The applicant only, for an approval not yet expired: it becomes active. The version must be
/// the one in force (`fouo-handling-2026-1`); its text is on the Need-to-know page.
#[utoipa::path(
    post,
    path = "/api/v1/need-to-know/applications/{id}/acceptance",
    tag = "need-to-know",
    params(NtkPath),
    request_body = AcceptanceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted: the approval is active", body = NtkResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the application but is not its applicant", body = ApiErrorBody),
        (status = 404, description = "No such application visible to the caller", body = ApiErrorBody),
        (status = 409, description = "Not approved, or the approval expired", body = ApiErrorBody),
        (status = 422, description = "Not the agreement version in force", body = ApiErrorBody),
    )
)]
pub async fn accept_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(NtkPath { id }): ApiPath<NtkPath>,
    ApiJson(body): ApiJson<AcceptanceRequest>,
) -> Result<Json<NtkResponse>, ApiError> {
    state
        .app
        .accept_need_to_know_agreement(&caller.0, id, &body.agreement_version, &meta)
        .await?;
    Ok(Json(NtkResponse {
        application: entry(&state, &caller, id).await?,
    }))
}

/// Renew an approval.
///
/// The new expiry is the period after the later of now and the current expiry. The Board and
/// the Program Manager, never their own.
#[utoipa::path(
    post,
    path = "/api/v1/need-to-know/applications/{id}/renewal",
    tag = "need-to-know",
    params(NtkPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Renewed", body = NtkResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the application but not renew it", body = ApiErrorBody),
        (status = 404, description = "No such application visible to the caller", body = ApiErrorBody),
        (status = 409, description = "Not approved or active, or the caller's own", body = ApiErrorBody),
    )
)]
pub async fn renew_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(NtkPath { id }): ApiPath<NtkPath>,
) -> Result<Json<NtkResponse>, ApiError> {
    let applicant = applicant_of(&state, id).await?;
    let cap = caller
        .0
        .decide_need_to_know(applicant)
        .map_err(AppError::from)?;
    state.app.renew_need_to_know(&cap, id, &meta).await?;
    Ok(Json(NtkResponse {
        application: entry(&state, &caller, id).await?,
    }))
}

/// Revoke an approval.
///
/// At once; a reason is required. The Board and the Program Manager, never their own.
#[utoipa::path(
    post,
    path = "/api/v1/need-to-know/applications/{id}/revocation",
    tag = "need-to-know",
    params(NtkPath),
    request_body = RevocationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = NtkResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the application but not revoke it", body = ApiErrorBody),
        (status = 404, description = "No such application visible to the caller", body = ApiErrorBody),
        (status = 409, description = "Not approved or active, or the caller's own", body = ApiErrorBody),
        (status = 422, description = "The reason is missing or too long", body = ApiErrorBody),
    )
)]
pub async fn revoke_need_to_know(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(NtkPath { id }): ApiPath<NtkPath>,
    ApiJson(body): ApiJson<RevocationRequest>,
) -> Result<Json<NtkResponse>, ApiError> {
    let applicant = applicant_of(&state, id).await?;
    let cap = caller
        .0
        .decide_need_to_know(applicant)
        .map_err(AppError::from)?;
    state
        .app
        .revoke_need_to_know(&cap, id, &body.reason, &meta)
        .await?;
    Ok(Json(NtkResponse {
        application: entry(&state, &caller, id).await?,
    }))
}
