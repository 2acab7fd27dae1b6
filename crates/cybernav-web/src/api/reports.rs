//! Two-way sharing (Part 213.50(a)(2)(B)): an authority's report as JSON (the county form's
//! equivalent; tools that speak STIX use the TAXII collection *Reports to the Board*), the
//! reports a caller may list, one report with its objects as the caller's markings allow,
//! and the Program Manager's decision.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::sharing::reports::{
    FormReportInput, ReportDetail, ReportQuery, ReportSummary, Validation,
};
use cybernav_app::sharing::taxii::ReportChannel;
use cybernav_core::sharing::community_report::{ObservationKind, ReportStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        ObservationKind::ALL.map(ObservationKind::as_str),
        "What was seen.",
    )
}

fn status_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        ReportStatus::ALL.map(ReportStatus::as_str),
        "Where the report stands.",
    )
}

fn channel_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(["taxii", "form"], "How the report came.")
}

/// Indicators, as lines of text or as a list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum IndicatorLines {
    /// One a line.
    Text(String),
    /// One an item.
    List(Vec<String>),
}

/// A report of what an election authority observed: the county form's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// What was seen (required; every missing field is named at once).
    #[serde(default)]
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    /// The day it was seen, on the Board's calendar (`YYYY-MM-DD`; required).
    #[serde(default)]
    #[schema(example = "2026-02-10")]
    pub seen_on: String,
    /// About what time, on the Board's clock (`HH:MM`), if known.
    #[serde(default)]
    #[schema(example = "14:30")]
    pub seen_time: Option<String>,
    /// What happened, in the reporter's own words (required; at most 10,000 characters).
    #[serde(default)]
    pub description: String,
    /// Web addresses, IP addresses, e-mail addresses, domains and file hashes, defanged
    /// (`hxxp`, `[.]`, `[at]`) or not: text with one a line, or a list.
    #[serde(default)]
    #[schema(value_type = Option<Object>, example = json!(["hxxp://login-example[.]com/verify", "198.51.100.7"]))]
    pub indicators: Option<IndicatorLines>,
    /// For an e-mail: the sender's address.
    #[serde(default)]
    pub sender: Option<String>,
    /// For an e-mail: its subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Who may see it: `CLEAR`, `GREEN`, `AMBER` (when left out) or `AMBER+STRICT`.
    #[serde(default)]
    #[schema(example = "AMBER")]
    pub tlp: Option<String>,
    /// For Official Use Only: only people with a current need-to-know approval.
    #[serde(default)]
    pub fouo: bool,
}

/// A report as a list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    /// Id.
    pub id: Uuid,
    /// The reference number people quote.
    #[schema(example = "CR-3F2A-9B1C")]
    pub reference: String,
    /// How it came.
    #[schema(schema_with = channel_schema)]
    pub channel: String,
    /// What was seen (reports sent by the form).
    #[schema(schema_with = kind_schema)]
    pub kind: Option<String>,
    /// What was seen, as people read it.
    pub kind_label: String,
    /// The election authority that sent it.
    pub election_authority_id: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// Who sent it.
    pub submitted_by: String,
    /// When it arrived.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub received_at: time::OffsetDateTime,
    /// STIX objects it holds.
    pub object_count: i64,
    /// The combined marking of its objects.
    #[schema(example = "TLP:AMBER")]
    pub marking: String,
    /// Where it stands.
    #[schema(schema_with = status_schema)]
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub decided_at: Option<time::OffsetDateTime>,
    /// The Program Manager's note or reason.
    pub decision_note: Option<String>,
    /// The draft intelligence note started from it (Board staff only).
    pub note_id: Option<Uuid>,
}

impl From<ReportSummary> for ReportItem {
    fn from(s: ReportSummary) -> Self {
        ReportItem {
            id: s.id,
            reference: s.reference,
            channel: s.channel,
            kind: s.kind,
            kind_label: s.kind_label,
            election_authority_id: s.election_authority_id,
            election_authority_name: s.authority_name,
            submitted_by: s.submitted_by,
            received_at: s.received_at,
            object_count: s.object_count,
            marking: s.marking,
            status: s.status,
            decided_by: s.decided_by,
            decided_at: s.decided_at,
            decision_note: s.decision_note,
            note_id: s.note_id,
        }
    }
}

/// One object of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportObjectItem {
    /// STIX id.
    pub id: String,
    /// STIX type.
    #[serde(rename = "type")]
    pub object_type: String,
    /// Its marking.
    pub marking: String,
    /// Its name or heading.
    pub title: Option<String>,
    /// Its description or content.
    pub text: Option<String>,
    /// The indicators its pattern names (`Domain: evil.example`).
    pub indicators: Vec<String>,
    /// The object as received.
    #[schema(value_type = Object)]
    pub object: serde_json::Value,
}

/// A sighting a validated report recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct SightingItem {
    /// The indicator.
    pub indicator_id: Uuid,
    /// Its marking.
    pub marking: String,
    /// When it was seen first.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub first_seen: time::OffsetDateTime,
    /// How many times the report names it.
    pub count: i64,
}

/// One report with its objects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetailItem {
    /// What the list shows.
    #[serde(flatten)]
    pub item: ReportItem,
    /// The objects the caller may see, in the order they came.
    pub objects: Vec<ReportObjectItem>,
    /// How many objects the caller's markings withheld.
    pub withheld: usize,
    /// The sightings it recorded (Board staff only).
    pub sightings: Vec<SightingItem>,
}

impl From<ReportDetail> for ReportDetailItem {
    fn from(d: ReportDetail) -> Self {
        ReportDetailItem {
            item: d.summary.into(),
            objects: d
                .objects
                .into_iter()
                .map(|o| ReportObjectItem {
                    id: o.stix_id,
                    object_type: o.object_type,
                    marking: o.marking,
                    title: o.title,
                    text: o.text,
                    indicators: o.indicators,
                    object: serde_json::from_str(&o.raw).unwrap_or(serde_json::Value::Null),
                })
                .collect(),
            withheld: d.withheld,
            sightings: d
                .sightings
                .into_iter()
                .map(|s| SightingItem {
                    indicator_id: s.indicator_id,
                    marking: s.marking,
                    first_seen: s.first_seen,
                    count: s.count,
                })
                .collect(),
        }
    }
}

/// One report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    /// The report.
    pub report: ReportDetailItem,
}

/// Reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    /// Pending first, then newest first.
    pub reports: Vec<ReportItem>,
    /// Paging.
    pub meta: PageMeta,
}

/// Which reports.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportsQuery {
    /// Only this status (`pending`, `validated`, `rejected`).
    pub status: Option<String>,
    /// Only this authority's (an authority's people always get their own only).
    pub election_authority: Option<Uuid>,
    /// Only those that came this way (`taxii`, `form`).
    pub channel: Option<String>,
    /// How many, 1 to 200 (100 when left out).
    pub limit: Option<i64>,
    /// How many to skip.
    pub offset: Option<i64>,
}

/// The report, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportPath {
    /// The report's id.
    pub id: Uuid,
}

/// A validation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// Also start a draft intelligence note from the report.
    #[serde(default)]
    pub start_note: bool,
    /// A note the sender reads with the decision.
    #[serde(default)]
    pub note: Option<String>,
}

/// What a validation did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationItem {
    /// Indicators the report names, each now a sighting by its authority.
    pub indicators: usize,
    /// Of them, new to intake.
    pub new_indicators: u64,
    /// The intake run that recorded them.
    pub run_id: Option<Uuid>,
    /// The draft intelligence note started from the report.
    pub note_id: Option<Uuid>,
}

impl From<Validation> for ValidationItem {
    fn from(v: Validation) -> Self {
        ValidationItem {
            indicators: v.indicators,
            new_indicators: v.new_indicators,
            run_id: v.run_id,
            note_id: v.note_id,
        }
    }
}

/// The answer to a validation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidateResponse {
    /// The report after the decision.
    pub report: ReportDetailItem,
    /// What the validation did.
    pub validation: ValidationItem,
}

/// A rejection.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why; the sender reads it.
    pub reason: String,
}

async fn detail(
    state: &AppState,
    caller: &ApiCaller,
    id: Uuid,
) -> Result<ReportDetailItem, ApiError> {
    let cap = caller.0.read_reports().ok_or(AppError::Forbidden)?;
    Ok(state.app.read_report(&cap, id).await?.into())
}

/// The validator capability, refusing as forbidden someone who may see the report and as not
/// found someone who may not.
async fn validator<'a>(
    state: &AppState,
    caller: &'a ApiCaller,
    id: Uuid,
) -> Result<cybernav_core::authz::ReportValidator<'a>, ApiError> {
    match caller.0.validate_reports() {
        Some(c) => Ok(c),
        None => {
            detail(state, caller, id).await?;
            Err(AppError::Forbidden.into())
        }
    }
}

/// Report what your office observed.
///
/// The county form as JSON: the people of an election authority, for their own authority.
/// Every problem is named by its field; indicator lines that are not understood are named by
/// number and nothing is stored. The report goes through the same check as a TAXII POST and
/// waits for the Program Manager.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "reports",
    request_body = ReportRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Received; pending the Program Manager's validation", body = ReportResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "Only the people of an election authority report", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_report(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<ReportResponse>), ApiError> {
    let cap = caller.0.submit_report().ok_or(AppError::Forbidden)?;
    let input = FormReportInput {
        kind: b.kind,
        seen_on: b.seen_on,
        seen_time: b.seen_time.unwrap_or_default(),
        description: b.description,
        indicators: match b.indicators {
            None => String::new(),
            Some(IndicatorLines::Text(t)) => t,
            Some(IndicatorLines::List(l)) => l.join("\n"),
        },
        sender: b.sender.unwrap_or_default(),
        subject: b.subject.unwrap_or_default(),
        tlp: b.tlp.unwrap_or_default(),
        fouo: b.fouo,
    };
    let receipt = state.app.submit_form_report(&cap, &input, &meta).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportResponse {
            report: detail(&state, &caller, receipt.report_id).await?,
        }),
    ))
}

/// Reports the caller may list.
///
/// Board staff (the Board, the Program Manager, navigators): every authority's, pending
/// first; the people of an election authority: their own office's, with the status and the
/// Program Manager's note.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    params(ReportsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reports", body = ReportList),
        (status = 400, description = "A parameter is not understood", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role reads no reports", body = ApiErrorBody),
        (status = 422, description = "An unknown status or channel", body = ApiErrorBody),
    )
)]
pub async fn list_reports(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ReportsQuery>,
) -> Result<Json<ReportList>, ApiError> {
    let cap = caller.0.read_reports().ok_or(AppError::Forbidden)?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(ReportStatus::parse(s).map_err(|e| AppError::invalid("status", e))?),
    };
    let channel = match q.channel.as_deref() {
        None => None,
        Some(c) => Some(ReportChannel::parse(c).map_err(|e| AppError::invalid("channel", e))?),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 200);
    let offset = q.offset.unwrap_or(0).max(0);
    let (reports, total) = state
        .app
        .list_reports(
            &cap,
            &ReportQuery {
                status,
                election_authority: q.election_authority,
                channel,
                limit: Some(limit),
                offset: Some(offset),
            },
        )
        .await?;
    Ok(Json(ReportList {
        reports: reports.into_iter().map(Into::into).collect(),
        meta: PageMeta {
            total,
            page: offset / limit + 1,
            per_page: limit,
        },
    }))
}

/// One report, its objects as the caller's markings allow.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    params(ReportPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = ReportResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role reads no reports", body = ApiErrorBody),
        (status = 404, description = "No such report within the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_report(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ReportPath { id }): ApiPath<ReportPath>,
) -> Result<Json<ReportResponse>, ApiError> {
    Ok(Json(ReportResponse {
        report: detail(&state, &caller, id).await?,
    }))
}

/// Validate a report.
///
/// The Program Manager and the Board administrator. Each indicator it names is recorded in
/// intake under the source "Community reports" with the marking the report gave it, and as a
/// sighting by the authority; `start_note` also starts a draft intelligence note from it. The
/// sender is e-mailed the reference number and the decision. Taken once: a decided report
/// answers 409.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/validate",
    tag = "reports",
    params(ReportPath),
    request_body = ValidateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Validated", body = ValidateResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not decide on reports", body = ApiErrorBody),
        (status = 404, description = "No such report within the caller's scope", body = ApiErrorBody),
        (status = 409, description = "Already decided, or holds objects the caller's markings do not let them see", body = ApiErrorBody),
        (status = 422, description = "The note is too long", body = ApiErrorBody),
    )
)]
pub async fn validate_report(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ReportPath { id }): ApiPath<ReportPath>,
    ApiJson(b): ApiJson<ValidateRequest>,
) -> Result<Json<ValidateResponse>, ApiError> {
    let cap = validator(&state, &caller, id).await?;
    let v = state
        .app
        .validate_report(&cap, id, b.start_note, b.note.as_deref(), &meta)
        .await?;
    Ok(Json(ValidateResponse {
        report: detail(&state, &caller, id).await?,
        validation: v.into(),
    }))
}

/// Reject a report.
///
/// The Program Manager and the Board administrator, with the reason, which the sender reads
/// on the report's page (the e-mail names the reference number and the decision only). Taken
/// once: a decided report answers 409.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/reject",
    tag = "reports",
    params(ReportPath),
    request_body = RejectRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = ReportResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not decide on reports", body = ApiErrorBody),
        (status = 404, description = "No such report within the caller's scope", body = ApiErrorBody),
        (status = 409, description = "Already decided", body = ApiErrorBody),
        (status = 422, description = "No reason, or one too long", body = ApiErrorBody),
    )
)]
pub async fn reject_report(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ReportPath { id }): ApiPath<ReportPath>,
    ApiJson(b): ApiJson<RejectRequest>,
) -> Result<Json<ReportResponse>, ApiError> {
    let cap = validator(&state, &caller, id).await?;
    state.app.reject_report(&cap, id, &b.reason, &meta).await?;
    Ok(Json(ReportResponse {
        report: detail(&state, &caller, id).await?,
    }))
}
