//! Findings (Part 213.40): an authority's findings with filters, one finding with its history
//! and evidence, recording and changing them, status changes (with risk acceptance),
//! comments, evidence of a fix, the CSV export, CyHy imports per authority, the KEV catalog
//! and the statewide overview.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use cybernav_app::AppError;
use cybernav_app::findings::{
    FindingDetail, FindingFilter, FindingInput, FindingView, FindingsOverview, ImportCounts,
    KevImport, TransitionInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn item(v: &FindingView) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// An authority's findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingList {
    /// Open before closed, overdue first, then severity.
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<serde_json::Value>,
    /// How many.
    pub meta: PageMeta,
}

/// One finding with its history and evidence.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingResponse {
    /// The finding, its `history` (oldest first) and `evidence`.
    #[schema(value_type = Object)]
    pub finding: serde_json::Value,
}

fn detail(d: &FindingDetail) -> FindingResponse {
    let mut v = serde_json::to_value(&d.finding).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "history".into(),
            serde_json::to_value(&d.history).unwrap_or_default(),
        );
        o.insert(
            "evidence".into(),
            serde_json::to_value(&d.evidence).unwrap_or_default(),
        );
    }
    FindingResponse { finding: v }
}

/// Filters for the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    /// Status id (`identified`, `confirmed`, `assigned`, `in_progress`, `mitigated`,
    /// `verified`, `risk_accepted`).
    pub status: Option<String>,
    /// Severity id (`informational` … `critical`).
    pub severity: Option<String>,
    /// Only overdue (`true`) or not overdue (`false`).
    pub overdue: Option<bool>,
    /// Only KEV (`true`) or not (`false`).
    pub kev: Option<bool>,
    /// Only open (`true`) or closed (`false`).
    pub open: Option<bool>,
}

impl From<FindingQuery> for FindingFilter {
    fn from(q: FindingQuery) -> Self {
        FindingFilter {
            status: q.status,
            severity: q.severity,
            overdue: q.overdue,
            kev: q.kev,
            open: q.open,
        }
    }
}

/// A finding's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingRequest {
    /// `navigator_assessment`, `vulnerability_scan`, `sensor_alert`, `penetration_test`,
    /// `self_report`.
    pub source: String,
    /// `informational`, `low`, `medium`, `high`, `critical`.
    pub severity: String,
    /// Short title.
    pub title: String,
    /// What was found (FOUO).
    pub description: String,
    /// What to do.
    #[serde(default)]
    pub recommendation: Option<String>,
    /// A recommendation template (`patching`, `secure_email`, `anti_malware`, `mfa`,
    /// `close_service`, `backups`, `unsupported_software`) whose text fills an empty
    /// recommendation.
    #[serde(default)]
    pub recommendation_template: Option<String>,
    /// IP address or host name.
    #[serde(default)]
    pub host: Option<String>,
    /// Port.
    #[serde(default)]
    pub port: Option<u16>,
    /// `tcp`, `udp`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// `CVE-YYYY-NNNN`.
    #[serde(default)]
    pub cve: Option<String>,
    /// `election_office`, `county_it`, `vendor`.
    pub owner: String,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    #[schema(format = Date)]
    pub identified_on: Option<String>,
    /// The day it is to be fixed by, `YYYY-MM-DD`, not before it was found; left out, the day
    /// found plus the remediation window of its severity.
    #[serde(default)]
    #[schema(format = Date)]
    pub target_date: Option<String>,
    /// The assessment it was raised from.
    #[serde(default)]
    pub assessment_id: Option<Uuid>,
    /// The catalog item of that assessment.
    #[serde(default)]
    pub catalog_item_id: Option<String>,
}

impl From<FindingRequest> for FindingInput {
    fn from(b: FindingRequest) -> Self {
        FindingInput {
            source: b.source,
            severity: b.severity,
            title: b.title,
            description: b.description,
            recommendation: b.recommendation,
            recommendation_template: b.recommendation_template,
            host: b.host,
            port: b.port.map(|p| p.to_string()),
            protocol: b.protocol,
            cve: b.cve,
            owner: b.owner,
            identified_on: b.identified_on,
            target_date: b.target_date,
            assessment_id: b.assessment_id.map(|a| a.to_string()),
            catalog_item_id: b.catalog_item_id,
        }
    }
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The new status.
    pub to: String,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
    /// For `risk_accepted`: who approves (a named person).
    #[serde(default)]
    pub approver: Option<String>,
    /// For `risk_accepted`: until when, `YYYY-MM-DD` (at most a year ahead).
    #[serde(default)]
    #[schema(format = Date)]
    pub expires_on: Option<String>,
}

/// A comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// The comment.
    pub body: String,
}

/// An evidence file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    /// The file's name (its extension says its kind: pdf, png, jpg, docx, xlsx, txt, csv).
    pub file_name: String,
    /// Its content, base64.
    pub content_base64: String,
}

/// One Cyber Hygiene file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CyhyFileRequest {
    /// Its name (`findings.csv`, `mitigated-vulnerabilities.csv`,
    /// `potentially-risky-services.csv`); the kind is told by the name, else the header.
    pub name: String,
    /// The CSV text.
    pub content: String,
}

/// Cyber Hygiene files to import for one authority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CyhyImportRequest {
    /// The files, imported together in one transaction.
    pub files: Vec<CyhyFileRequest>,
}

/// What a CyHy import did, file by file.
#[derive(Debug, Serialize, ToSchema)]
pub struct CyhyImportResponse {
    /// Per file: `file`, `kind`, `rows`, `created`, `updated`, `closed`, `unchanged`.
    #[schema(value_type = Vec<Object>)]
    pub imports: Vec<ImportCounts>,
}

/// What a KEV import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct KevImportResponse {
    /// `catalog_version`, `entries`, `flagged`.
    #[schema(value_type = Object)]
    pub kev: KevImport,
}

/// The statewide overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewResponse {
    /// `total` counts, `authorities` (each with its counts), `kev_version`, `kev_entries`.
    #[schema(value_type = Object)]
    pub overview: FindingsOverview,
}

/// The finding, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FindingId {
    /// The finding's id.
    pub id: Uuid,
}

/// Findings of an authority.
///
/// Everyone who may read the authority (partners none). Filters: status, severity, overdue,
/// kev, open.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/findings",
    tag = "findings",
    params(ElectionAuthorityId, FindingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The findings", body = FindingList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read findings", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "An unknown status or severity", body = ApiErrorBody),
    )
)]
pub async fn list_findings(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiQuery(q): ApiQuery<FindingQuery>,
) -> Result<Json<FindingList>, ApiError> {
    let reader = caller.0.read_findings_of(id).map_err(AppError::from)?;
    let list = state.app.findings(&reader, &q.into()).await?;
    Ok(Json(FindingList {
        meta: PageMeta::whole(list.len()),
        findings: list.iter().map(item).collect(),
    }))
}

/// Record a finding.
///
/// The Board, the Program Manager and the authority's navigators. Its target date, unless one
/// is given, follows the remediation window of its severity; a CVE on the KEV list is flagged
/// at once.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/findings",
    tag = "findings",
    params(ElectionAuthorityId),
    request_body = FindingRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its findings", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_finding(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<FindingRequest>,
) -> Result<(StatusCode, Json<FindingResponse>), ApiError> {
    let cap = caller.0.manage_findings_of(id).map_err(AppError::from)?;
    let finding = state.app.create_finding(&cap, &body.into(), &meta).await?;
    let reader = caller.0.read_findings_of(id).map_err(AppError::from)?;
    let d = state.app.finding(&reader, finding).await?;
    Ok((StatusCode::CREATED, Json(detail(&d))))
}

/// The authority of finding `id`, as the caller may know it: a finding outside the caller's
/// scope does not exist for them.
async fn authority_of(state: &AppState, caller: &ApiCaller, id: Uuid) -> Result<Uuid, ApiError> {
    let ea = state.app.finding_authority(id).await?;
    caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok(ea)
}

/// One finding.
///
/// With its history (who changed what, when and why) and its evidence.
#[utoipa::path(
    get,
    path = "/api/v1/findings/{id}",
    tag = "findings",
    params(FindingId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The finding", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read findings", body = ApiErrorBody),
        (status = 404, description = "No such finding in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_finding(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(FindingId { id }): ApiPath<FindingId>,
) -> Result<Json<FindingResponse>, ApiError> {
    let ea = authority_of(&state, &caller, id).await?;
    let reader = caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok(Json(detail(&state.app.finding(&reader, id).await?)))
}

/// Change a finding.
///
/// Every field is given again. The status changes through `transitions`.
#[utoipa::path(
    patch,
    path = "/api/v1/findings/{id}",
    tag = "findings",
    params(FindingId),
    request_body = FindingRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the finding but not manage it", body = ApiErrorBody),
        (status = 404, description = "No such finding in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn update_finding(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FindingId { id }): ApiPath<FindingId>,
    ApiJson(body): ApiJson<FindingRequest>,
) -> Result<Json<FindingResponse>, ApiError> {
    let ea = authority_of(&state, &caller, id).await?;
    let cap = caller.0.manage_findings_of(ea).map_err(AppError::from)?;
    state
        .app
        .update_finding(&cap, id, &body.into(), &meta)
        .await?;
    let reader = caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok(Json(detail(&state.app.finding(&reader, id).await?)))
}

/// Change a finding's status.
///
/// identified → confirmed → assigned → in_progress → mitigated → verified (a re-test), or
/// risk_accepted by a named approver until an expiry date. The authority's own official and
/// IT person may move it to in_progress or mitigated; everything else is for the Board, the
/// Program Manager and its navigators.
#[utoipa::path(
    post,
    path = "/api/v1/findings/{id}/transitions",
    tag = "findings",
    params(FindingId),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the finding but not change it", body = ApiErrorBody),
        (status = 404, description = "No such finding in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "The change is not allowed from the current status, or for the caller", body = ApiErrorBody),
    )
)]
pub async fn transition_finding(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FindingId { id }): ApiPath<FindingId>,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> Result<Json<FindingResponse>, ApiError> {
    let ea = authority_of(&state, &caller, id).await?;
    let cap = caller.0.work_on_findings_of(ea).map_err(AppError::from)?;
    let input = TransitionInput {
        to: body.to,
        note: body.note,
        approver: body.approver,
        expires_on: body.expires_on,
    };
    state
        .app
        .transition_finding(&cap, id, &input, &meta)
        .await?;
    let reader = caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok(Json(detail(&state.app.finding(&reader, id).await?)))
}

/// Comment on a finding.
///
/// The Board, the Program Manager, its navigators, and the authority's own official and IT
/// person.
#[utoipa::path(
    post,
    path = "/api/v1/findings/{id}/comments",
    tag = "findings",
    params(FindingId),
    request_body = CommentRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the finding but not comment", body = ApiErrorBody),
        (status = 404, description = "No such finding in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "The comment is empty or too long", body = ApiErrorBody),
    )
)]
pub async fn comment_finding(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FindingId { id }): ApiPath<FindingId>,
    ApiJson(body): ApiJson<CommentRequest>,
) -> Result<(StatusCode, Json<FindingResponse>), ApiError> {
    let ea = authority_of(&state, &caller, id).await?;
    let cap = caller.0.work_on_findings_of(ea).map_err(AppError::from)?;
    state
        .app
        .comment_finding(&cap, id, &body.body, &meta)
        .await?;
    let reader = caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&state.app.finding(&reader, id).await?)),
    ))
}

/// File evidence of a fix.
///
/// The same checks as checklist evidence: size, kind, content; its SHA-256 is recorded.
#[utoipa::path(
    post,
    path = "/api/v1/findings/{id}/evidence",
    tag = "findings",
    params(FindingId),
    request_body = EvidenceRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Filed", body = FindingResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the finding but not file evidence", body = ApiErrorBody),
        (status = 404, description = "No such finding in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "The file is too large, of a refused kind, or not base64", body = ApiErrorBody),
    )
)]
pub async fn add_finding_evidence(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FindingId { id }): ApiPath<FindingId>,
    ApiJson(body): ApiJson<EvidenceRequest>,
) -> Result<(StatusCode, Json<FindingResponse>), ApiError> {
    let ea = authority_of(&state, &caller, id).await?;
    let cap = caller.0.work_on_findings_of(ea).map_err(AppError::from)?;
    let content = base64::engine::general_purpose::STANDARD
        .decode(body.content_base64.trim())
        .map_err(|_| AppError::invalid("content_base64", "the content is not base64"))?;
    state
        .app
        .upload_finding_evidence(&cap, id, &body.file_name, &content, &meta)
        .await?;
    let reader = caller.0.read_findings_of(ea).map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&state.app.finding(&reader, id).await?)),
    ))
}

/// Findings of an authority as CSV.
///
/// The same filters as the list; one row per finding; cells a spreadsheet would run as a
/// formula start with `'`.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/findings.csv",
    tag = "findings",
    params(ElectionAuthorityId, FindingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv"),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read findings", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn export_findings(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiQuery(q): ApiQuery<FindingQuery>,
) -> Result<Response, ApiError> {
    let reader = caller.0.read_findings_of(id).map_err(AppError::from)?;
    let csv = state.app.findings_csv(&reader, &q.into()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"findings.csv\"".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        csv,
    )
        .into_response())
}

/// Import Cyber Hygiene files for an authority.
///
/// The Board, the Program Manager and the authority's navigators. Rows are matched to the
/// findings on file by (address, port, protocol, plugin id or else CVE): a re-import updates,
/// mitigated rows close, new rows create findings. With any problem in any file, nothing is
/// stored and every problem is listed by file, line and column.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/cyhy-imports",
    tag = "findings",
    params(ElectionAuthorityId),
    request_body = CyhyImportRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Imported", body = CyhyImportResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not import for it", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 422, description = "A file is refused; each problem names file, line and column", body = ApiErrorBody),
    )
)]
pub async fn import_cyhy(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<CyhyImportRequest>,
) -> Result<(StatusCode, Json<CyhyImportResponse>), ApiError> {
    let cap = caller.0.manage_findings_of(id).map_err(AppError::from)?;
    let files: Vec<(String, Vec<u8>)> = body
        .files
        .into_iter()
        .map(|f| (f.name, f.content.into_bytes()))
        .collect();
    let imports = state
        .app
        .import_cyhy(&cap, &files, &meta, &|_, _| {})
        .await?;
    Ok((StatusCode::CREATED, Json(CyhyImportResponse { imports })))
}

/// Import the CISA KEV catalog.
///
/// The body is the catalog JSON as CISA publishes it. The Board and the Program Manager. It
/// replaces the catalog on file and flags every finding whose CVE it lists.
#[utoipa::path(
    put,
    path = "/api/v1/kev-catalog",
    tag = "findings",
    request_body(content = Object, description = "CISA's known_exploited_vulnerabilities.json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stored", body = KevImportResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not keep the KEV catalog", body = ApiErrorBody),
        (status = 422, description = "The catalog is refused; each problem names the entry and field", body = ApiErrorBody),
    )
)]
pub async fn put_kev_catalog(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<KevImportResponse>, ApiError> {
    let cap = caller.0.manage_kev().ok_or(AppError::Forbidden)?;
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let kev = state
        .app
        .import_kev(&cap, "known_exploited_vulnerabilities.json", &bytes, &meta)
        .await?;
    Ok(Json(KevImportResponse { kev }))
}

/// The statewide findings overview.
///
/// Counts by severity and status, overdue and KEV, authority by authority. The Board, the
/// Program Manager and auditors (every authority); navigators (their own).
#[utoipa::path(
    get,
    path = "/api/v1/findings-overview",
    tag = "findings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The overview", body = OverviewResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the overview", body = ApiErrorBody),
    )
)]
pub async fn get_findings_overview(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<OverviewResponse>, ApiError> {
    let reader = caller
        .0
        .read_findings_overview()
        .ok_or(AppError::Forbidden)?;
    Ok(Json(OverviewResponse {
        overview: state.app.findings_overview(&reader).await?,
    }))
}
