//! Field operations (Part 213.40): an authority's documents on file and their reviews
//! (213.40(a)(2)), its field visits and follow-ups, the navigators' workload, every authority's
//! need score, and the suggested assignment of authorities to navigator pairs with its balance.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::field_ops::{
    AssignmentPlan, AuthorityNeed, Document, DocumentInput, FollowUpInput, ReviewInput, Visit,
    VisitInput, Workload,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn document_kind_schema() -> utoipa::openapi::schema::Object {
    use cybernav_core::field_ops::DocumentKind;
    super::enum_schema(
        DocumentKind::ALL.iter().map(|k| k.as_str()),
        "What kind of system or network document it is.",
    )
}

fn outcome_schema() -> utoipa::openapi::schema::Object {
    use cybernav_core::field_ops::ReviewOutcome;
    super::enum_schema(
        ReviewOutcome::ALL.iter().map(|k| k.as_str()),
        "What the review found.",
    )
}

fn purpose_schema() -> utoipa::openapi::schema::Object {
    use cybernav_core::field_ops::VisitPurpose;
    super::enum_schema(
        VisitPurpose::ALL.iter().map(|k| k.as_str()),
        "Why the navigators visited.",
    )
}

/// The file on record for a document (an evidence file).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentFileItem {
    /// The evidence file's id (download at `/evidence/{id}` in the web pages).
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// A review of a document for accuracy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    /// Id.
    pub id: Uuid,
    /// When it was checked.
    #[schema(format = Date)]
    pub reviewed_on: String,
    /// What it found.
    #[schema(schema_with = outcome_schema)]
    pub outcome: String,
    /// What was wrong.
    pub problems: Option<String>,
    /// The reviewer's name.
    pub reviewer: String,
}

/// A document on file, with its reviews (newest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority: Uuid,
    /// Kind.
    #[schema(schema_with = document_kind_schema)]
    pub kind: String,
    /// Title.
    pub title: String,
    /// Version, as the document names it.
    pub version: Option<String>,
    /// The document's date.
    #[schema(format = Date)]
    pub document_date: Option<String>,
    /// The file on record.
    pub file: Option<DocumentFileItem>,
    /// Whether a review is due (never reviewed, or the last review is older than the interval).
    pub review_due: bool,
    /// When the next review is due; `null` when never reviewed.
    #[schema(format = Date)]
    pub review_due_on: Option<String>,
    /// Every review, newest first.
    pub reviews: Vec<ReviewItem>,
}

impl From<Document> for DocumentItem {
    fn from(d: Document) -> Self {
        DocumentItem {
            id: d.row.id,
            election_authority: d.row.election_authority_id,
            kind: d.kind.as_str().into(),
            title: d.row.title,
            version: d.row.version,
            document_date: d.row.document_date.map(super::date_string),
            file: d.file.map(|f| DocumentFileItem {
                id: f.id,
                file_name: f.file_name,
                content_type: f.content_type,
                size_bytes: f.size_bytes,
                sha256: f.sha256,
            }),
            review_due: d.review_due,
            review_due_on: d.review_due_on.map(super::date_string),
            reviews: d
                .reviews
                .into_iter()
                .map(|r| ReviewItem {
                    id: r.id,
                    reviewed_on: super::date_string(r.reviewed_on),
                    outcome: r.outcome,
                    problems: r.problems,
                    reviewer: r.reviewer_name,
                })
                .collect(),
        }
    }
}

/// An authority's documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    /// By kind and title.
    pub documents: Vec<DocumentItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One document.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    /// The document.
    pub document: DocumentItem,
}

/// A document's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRequest {
    /// Kind.
    #[schema(schema_with = document_kind_schema)]
    pub kind: String,
    /// Title.
    #[schema(example = "County network diagram")]
    pub title: String,
    /// Version.
    #[serde(default)]
    pub version: Option<String>,
    /// The document's date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    #[serde(default)]
    pub document_date: Option<String>,
}

/// A review's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// When it was checked, `YYYY-MM-DD`; today when left out.
    #[schema(format = Date)]
    #[serde(default)]
    pub reviewed_on: Option<String>,
    /// What it found.
    #[schema(schema_with = outcome_schema)]
    pub outcome: String,
    /// What was wrong; required unless `accurate`.
    #[serde(default)]
    pub problems: Option<String>,
}

/// The authority and the document, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DocumentPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The document's id.
    pub document: Uuid,
}

async fn document_back(
    state: &AppState,
    caller: &ApiCaller,
    ea: Uuid,
    document: Uuid,
) -> Result<DocumentItem, ApiError> {
    let reader = caller.0.read_field_of(ea).map_err(AppError::from)?;
    state
        .app
        .documents(&reader)
        .await?
        .into_iter()
        .find(|d| d.row.id == document)
        .map(Into::into)
        .ok_or_else(ApiError::not_found)
}

/// List an authority's documents on file.
///
/// With their reviews and whether a review is due (213.40(a)(2)). Everyone who may read the
/// authority.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/documents",
    tag = "field operations",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The documents", body = DocumentList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_documents(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<DocumentList>, ApiError> {
    let reader = caller.0.read_field_of(id).map_err(AppError::from)?;
    let documents: Vec<DocumentItem> = state
        .app
        .documents(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(DocumentList {
        meta: PageMeta::whole(documents.len()),
        documents,
    }))
}

/// Record a document on file.
///
/// The Board, the Program Manager and the authority's navigators. Files are attached on the
/// authority's documents page (the same checks as every evidence file).
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/documents",
    tag = "field operations",
    params(ElectionAuthorityId),
    request_body = DocumentRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = DocumentResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not record its documents", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_document(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<DocumentRequest>,
) -> Result<(StatusCode, Json<DocumentResponse>), ApiError> {
    let cap = caller.0.record_field_of(id).map_err(AppError::from)?;
    let input = DocumentInput {
        kind: body.kind,
        title: body.title,
        version: body.version,
        document_date: body.document_date,
    };
    let doc = state.app.add_document(&cap, &input, &meta).await?;
    let item = document_back(&state, &caller, id, doc).await?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentResponse { document: item }),
    ))
}

/// Record a review of a document.
///
/// When a navigator checked it for accuracy, the outcome, and what was wrong. Reviews are kept
/// as history. Answers with the document.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/documents/{document}/reviews",
    tag = "field operations",
    params(DocumentPath),
    request_body = ReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = DocumentResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not review its documents", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such document of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Unknown outcome, a date in the future, or what was wrong is missing", body = ApiErrorBody),
    )
)]
pub async fn create_review(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(DocumentPath { id, document }): ApiPath<DocumentPath>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<(StatusCode, Json<DocumentResponse>), ApiError> {
    let cap = caller.0.record_field_of(id).map_err(AppError::from)?;
    let input = ReviewInput {
        reviewed_on: body.reviewed_on,
        outcome: body.outcome,
        problems: body.problems,
    };
    state
        .app
        .review_document(&cap, document, &input, &meta)
        .await?;
    let item = document_back(&state, &caller, id, document).await?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentResponse { document: item }),
    ))
}

/// A follow-up of a visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpItem {
    /// Id.
    pub id: Uuid,
    /// What is to be done.
    pub description: String,
    /// By when.
    #[schema(format = Date)]
    pub due_on: String,
    /// Whether it is done.
    pub done: bool,
}

/// A field visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority: Uuid,
    /// When.
    #[schema(format = Date)]
    pub visited_on: String,
    /// Why.
    #[schema(schema_with = purpose_schema)]
    pub purpose: String,
    /// The navigators who went.
    pub navigators: Vec<Uuid>,
    /// Who attended (names and roles).
    pub attendees: Option<String>,
    /// Notes (FOUO).
    pub notes: Option<String>,
    /// Navigator-internal notes (FOUO); always `null` for county users.
    pub internal_notes: Option<String>,
    /// Ids of the findings raised.
    pub findings: Vec<Uuid>,
    /// Follow-ups, by due date.
    pub follow_ups: Vec<FollowUpItem>,
}

impl From<Visit> for VisitItem {
    fn from(v: Visit) -> Self {
        VisitItem {
            id: v.row.id,
            election_authority: v.row.election_authority_id,
            visited_on: super::date_string(v.row.visited_on),
            purpose: v.purpose.as_str().into(),
            navigators: v.navigators.iter().map(|n| n.id).collect(),
            attendees: v.row.attendees,
            notes: v.row.notes,
            internal_notes: v.row.internal_notes,
            findings: v.findings,
            follow_ups: v
                .follow_ups
                .into_iter()
                .map(|f| FollowUpItem {
                    id: f.id,
                    description: f.description,
                    due_on: super::date_string(f.due_on),
                    done: f.done,
                })
                .collect(),
        }
    }
}

/// An authority's visits.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitList {
    /// Newest first.
    pub visits: Vec<VisitItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitResponse {
    /// The visit.
    pub visit: VisitItem,
}

/// A visit's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitRequest {
    /// When, `YYYY-MM-DD` (not in the future).
    #[schema(format = Date)]
    pub visited_on: String,
    /// Why.
    #[schema(schema_with = purpose_schema)]
    pub purpose: String,
    /// The navigators who went, each assigned to the authority; a navigator who leaves this
    /// out went alone.
    #[serde(default)]
    pub navigators: Vec<Uuid>,
    /// Who attended (names and roles).
    #[serde(default)]
    pub attendees: Option<String>,
    /// Notes (FOUO), shown to the county.
    #[serde(default)]
    pub notes: Option<String>,
    /// Navigator-internal notes (FOUO), not shown to the county.
    #[serde(default)]
    pub internal_notes: Option<String>,
    /// Ids of the findings raised.
    #[serde(default)]
    pub findings: Vec<Uuid>,
}

/// A follow-up's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    /// What is to be done.
    pub description: String,
    /// By when, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub due_on: String,
}

/// A follow-up's state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpStateRequest {
    /// Whether it is done.
    pub done: bool,
}

/// The authority and the visit, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VisitPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The visit's id.
    pub visit: Uuid,
}

/// The authority, the visit and the follow-up, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FollowUpPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The visit's id.
    pub visit: Uuid,
    /// The follow-up's id.
    pub follow_up: Uuid,
}

async fn visit_back(
    state: &AppState,
    caller: &ApiCaller,
    ea: Uuid,
    visit: Uuid,
) -> Result<VisitItem, ApiError> {
    let reader = caller.0.read_field_of(ea).map_err(AppError::from)?;
    Ok(state.app.visit(&reader, visit).await?.into())
}

/// List an authority's field visits.
///
/// Everyone who may read the authority; county users get no navigator-internal notes.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/visits",
    tag = "field operations",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The visits", body = VisitList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_visits(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<VisitList>, ApiError> {
    let reader = caller.0.read_field_of(id).map_err(AppError::from)?;
    let visits: Vec<VisitItem> = state
        .app
        .visits(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(VisitList {
        meta: PageMeta::whole(visits.len()),
        visits,
    }))
}

/// Record a field visit.
///
/// The Board, the Program Manager and the authority's navigators.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/visits",
    tag = "field operations",
    params(ElectionAuthorityId),
    request_body = VisitRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = VisitResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not record visits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid, or a navigator is not assigned to the authority", body = ApiErrorBody),
    )
)]
pub async fn create_visit(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<VisitRequest>,
) -> Result<(StatusCode, Json<VisitResponse>), ApiError> {
    let cap = caller.0.record_field_of(id).map_err(AppError::from)?;
    let input = VisitInput {
        visited_on: body.visited_on,
        purpose: body.purpose,
        navigators: body.navigators,
        attendees: body.attendees,
        notes: body.notes,
        internal_notes: body.internal_notes,
        findings: body.findings,
    };
    let visit = state.app.record_visit(&cap, &input, &meta).await?;
    let item = visit_back(&state, &caller, id, visit).await?;
    Ok((StatusCode::CREATED, Json(VisitResponse { visit: item })))
}

/// Add a follow-up to a visit.
///
/// Answers with the visit.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups",
    tag = "field operations",
    params(VisitPath),
    request_body = FollowUpRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = VisitResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not record visits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such visit of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_follow_up(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(VisitPath { id, visit }): ApiPath<VisitPath>,
    ApiJson(body): ApiJson<FollowUpRequest>,
) -> Result<(StatusCode, Json<VisitResponse>), ApiError> {
    let cap = caller.0.record_field_of(id).map_err(AppError::from)?;
    let input = FollowUpInput {
        description: body.description,
        due_on: body.due_on,
    };
    state.app.add_follow_up(&cap, visit, &input, &meta).await?;
    let item = visit_back(&state, &caller, id, visit).await?;
    Ok((StatusCode::CREATED, Json(VisitResponse { visit: item })))
}

/// Mark a follow-up done or not done.
///
/// Answers with the visit.
#[utoipa::path(
    put,
    path = "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}",
    tag = "field operations",
    params(FollowUpPath),
    request_body = FollowUpStateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = VisitResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not record visits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such visit or follow-up of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The body is invalid", body = ApiErrorBody),
    )
)]
pub async fn put_follow_up(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FollowUpPath {
        id,
        visit,
        follow_up,
    }): ApiPath<FollowUpPath>,
    ApiJson(body): ApiJson<FollowUpStateRequest>,
) -> Result<Json<VisitResponse>, ApiError> {
    let cap = caller.0.record_field_of(id).map_err(AppError::from)?;
    state
        .app
        .set_follow_up_done(&cap, visit, follow_up, body.done, &meta)
        .await?;
    let item = visit_back(&state, &caller, id, visit).await?;
    Ok(Json(VisitResponse { visit: item }))
}

/// One navigator's workload.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadItem {
    /// The navigator's account.
    pub navigator: Uuid,
    /// Their name.
    pub name: String,
    /// The authorities assigned.
    pub election_authorities: Vec<Uuid>,
    /// Visits they went on in the last 90 days.
    pub visits_90_days: usize,
    /// Visits this calendar year.
    pub visits_this_year: usize,
    /// Open follow-ups at their authorities due today or later.
    pub upcoming_follow_ups: usize,
    /// Open follow-ups past due.
    pub overdue_follow_ups: usize,
    /// Documents at their authorities due for review.
    pub reviews_due: usize,
    /// Σ need of their authorities, each shared among its navigators.
    pub need_weighted: f64,
}

impl From<Workload> for WorkloadItem {
    fn from(w: Workload) -> Self {
        WorkloadItem {
            navigator: w.navigator_id,
            name: w.name,
            election_authorities: w.authorities.into_iter().map(|(id, _)| id).collect(),
            visits_90_days: w.visits_90_days,
            visits_this_year: w.visits_this_year,
            upcoming_follow_ups: w.upcoming.len(),
            overdue_follow_ups: w.overdue.len(),
            reviews_due: w.reviews_due.len(),
            need_weighted: w.need_weighted,
        }
    }
}

/// Navigators' workloads.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadList {
    /// By name.
    pub workloads: Vec<WorkloadItem>,
    /// How many.
    pub meta: PageMeta,
}

/// The navigators' workload.
///
/// The Board, the Program Manager and auditors get every navigator's; a navigator gets their
/// own.
#[utoipa::path(
    get,
    path = "/api/v1/workload",
    tag = "field operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workloads", body = WorkloadList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role has no workload to see", body = ApiErrorBody),
    )
)]
pub async fn get_workload(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<WorkloadList>, ApiError> {
    let workloads: Vec<WorkloadItem> = match caller.0.read_workload() {
        Some(reader) => state.app.workloads(&reader).await?,
        None => vec![state.app.my_work(&caller.0).await?],
    }
    .into_iter()
    .map(Into::into)
    .collect();
    Ok(Json(WorkloadList {
        meta: PageMeta::whole(workloads.len()),
        workloads,
    }))
}

/// An authority's need score, component by component.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedItem {
    /// The election authority.
    pub election_authority: Uuid,
    /// Its name.
    pub name: String,
    /// Its zone.
    pub zone: Option<String>,
    /// The latest overall assessment score used, 0–100; `null` when not assessed.
    pub overall_score: Option<f64>,
    /// Residents served, when known.
    pub population: Option<i64>,
    /// Base need (equal support).
    pub base: f64,
    /// From the overall score (the middle of the scale when not assessed).
    pub posture: f64,
    /// Whether the authority has been assessed.
    pub assessed: bool,
    /// From open findings, capped.
    pub findings: f64,
    /// From size.
    pub size: f64,
    /// The need score: base + posture + findings + size.
    pub total: f64,
}

impl From<AuthorityNeed> for NeedItem {
    fn from(n: AuthorityNeed) -> Self {
        NeedItem {
            election_authority: n.election_authority_id,
            name: n.name,
            zone: n.zone,
            overall_score: n.input.score,
            population: n.input.population,
            base: n.score.base,
            posture: n.score.posture,
            assessed: n.score.assessed,
            findings: n.score.findings,
            size: n.score.size,
            total: n.score.total,
        }
    }
}

/// Every authority's need score.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedList {
    /// By authority name.
    pub need_scores: Vec<NeedItem>,
    /// How many.
    pub meta: PageMeta,
}

/// Every authority's need score.
///
/// The Board, the Program Manager and auditors. The formula is in docs/FIELD-OPERATIONS.md.
#[utoipa::path(
    get,
    path = "/api/v1/need-scores",
    tag = "field operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The scores", body = NeedList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the balance of workload", body = ApiErrorBody),
    )
)]
pub async fn list_need_scores(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<NeedList>, ApiError> {
    let reader = caller.0.read_workload().ok_or(AppError::Forbidden)?;
    let scores: Vec<NeedItem> = state
        .app
        .need_scores(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(NeedList {
        meta: PageMeta::whole(scores.len()),
        need_scores: scores,
    }))
}

/// A team's workload.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamItem {
    /// The navigators of the pair.
    pub navigators: Vec<Uuid>,
    /// Σ need now.
    pub current: f64,
    /// Σ need if the suggestion is applied.
    pub suggested: f64,
}

/// One suggested move.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveItem {
    /// The authority.
    pub election_authority: Uuid,
    /// Its navigators now.
    pub from: Vec<Uuid>,
    /// Its navigators suggested.
    pub to: Vec<Uuid>,
}

/// One zone's balance and moves.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneBalanceItem {
    /// The zone.
    pub zone: Uuid,
    /// Its name.
    pub name: String,
    /// Coefficient of variation of the pairs' workloads now (0 is even).
    pub current_cv: f64,
    /// The same if the suggestion is applied.
    pub suggested_cv: f64,
    /// Largest ÷ smallest workload now; `null` when a pair has none.
    pub current_max_min_ratio: Option<f64>,
    /// The same if the suggestion is applied.
    pub suggested_max_min_ratio: Option<f64>,
    /// The pairs.
    pub teams: Vec<TeamItem>,
    /// The moves.
    pub moves: Vec<MoveItem>,
}

/// The suggested assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionResponse {
    /// By zone.
    pub zones: Vec<ZoneBalanceItem>,
    /// Authorities with no zone, or in a zone with no navigators.
    pub left_out: Vec<Uuid>,
    /// Quote this to apply exactly this suggestion.
    pub fingerprint: String,
}

impl From<AssignmentPlan> for SuggestionResponse {
    fn from(p: AssignmentPlan) -> Self {
        SuggestionResponse {
            zones: p
                .plan
                .zones
                .iter()
                .map(|z| ZoneBalanceItem {
                    zone: z.zone,
                    name: p.zone_names.get(&z.zone).cloned().unwrap_or_default(),
                    current_cv: z.current.cv,
                    suggested_cv: z.suggested.cv,
                    current_max_min_ratio: z.current.max_min_ratio,
                    suggested_max_min_ratio: z.suggested.max_min_ratio,
                    teams: z
                        .teams
                        .iter()
                        .map(|t| TeamItem {
                            navigators: t.team.clone(),
                            current: t.current,
                            suggested: t.suggested,
                        })
                        .collect(),
                    moves: z
                        .moves
                        .iter()
                        .map(|m| MoveItem {
                            election_authority: m.authority,
                            from: m.from.clone(),
                            to: m.to.clone(),
                        })
                        .collect(),
                })
                .collect(),
            left_out: p.plan.left_out.clone(),
            fingerprint: p.fingerprint,
        }
    }
}

/// The suggested assignment of authorities to navigator pairs.
///
/// Balances need-weighted workload within each zone; the Board, the Program Manager and
/// auditors.
#[utoipa::path(
    get,
    path = "/api/v1/assignment-suggestion",
    tag = "field operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The suggestion", body = SuggestionResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the balance of workload", body = ApiErrorBody),
    )
)]
pub async fn get_assignment_suggestion(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<SuggestionResponse>, ApiError> {
    let reader = caller.0.read_workload().ok_or(AppError::Forbidden)?;
    Ok(Json(state.app.assignment_plan(&reader).await?.into()))
}

/// Which suggestion to apply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The fingerprint of the suggestion that was read.
    pub fingerprint: String,
}

/// What applying did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyResponse {
    /// How many authorities changed navigators.
    pub moves_applied: usize,
}

/// Apply the suggested assignment.
///
/// The Board and the Program Manager. Each move changes the authority's navigators (audited as
/// any assignment); refused with 409 when the suggestion changed since it was read.
#[utoipa::path(
    post,
    path = "/api/v1/assignment-suggestion/apply",
    tag = "field operations",
    request_body = ApplyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied", body = ApplyResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not change navigator assignments", body = ApiErrorBody),
        (status = 409, description = "The suggestion changed since it was read", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The body is invalid", body = ApiErrorBody),
    )
)]
pub async fn apply_assignment_suggestion(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<ApplyRequest>,
) -> Result<Json<ApplyResponse>, ApiError> {
    let cap = caller.0.manage_registry().ok_or(AppError::Forbidden)?;
    let n = state
        .app
        .apply_assignment(&cap, &body.fingerprint, &meta)
        .await?;
    Ok(Json(ApplyResponse { moves_applied: n }))
}
