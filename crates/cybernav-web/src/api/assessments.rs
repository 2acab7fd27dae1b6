//! Navigator risk assessments (Part 213.40): catalogs, assessments with their answers, the
//! workflow, scores, trends, the anonymised peer comparison and the statewide roll-up.
//! Scales, methods and who may do what: docs/ASSESSMENTS.md.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use cybernav_app::AppError;
use cybernav_app::assessments::{
    AnswerInput, AnswersInput, AssessmentInput, AssessmentView, Origin, answers_csv,
};
use cybernav_core::assessment::Transition;
use cybernav_core::catalog::Catalog;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// A loaded catalog, without its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItem {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Terms of use.
    pub licence: String,
    /// `shipped` or `imported`.
    pub origin: String,
    /// SHA-256 of the source file.
    pub source_sha256: String,
    /// How many items.
    pub items: i64,
}

impl From<cybernav_app::store::assessments::CatalogRow> for CatalogItem {
    fn from(r: cybernav_app::store::assessments::CatalogRow) -> Self {
        CatalogItem {
            id: r.id,
            version: r.version,
            title: r.title,
            publisher: r.publisher,
            licence: r.licence,
            origin: r.origin,
            source_sha256: r.source_sha256,
            items: r.item_count,
        }
    }
}

/// The catalogs loaded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogList {
    /// By id, then version.
    pub catalogs: Vec<CatalogItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One catalog with its groups and items.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogResponse {
    /// The catalog.
    pub catalog: CatalogItem,
    /// Its groups and items, in the shape of docs/ASSESSMENTS.md.
    #[schema(value_type = Object)]
    pub body: Option<serde_json::Value>,
}

/// A catalog to load: a file (OSCAL catalog JSON or CSAT CSV) as text, or a catalog in
/// cybernav's own shape.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogRequest {
    /// The file's name, for messages.
    #[serde(default)]
    pub file_name: Option<String>,
    /// The file's text.
    #[serde(default)]
    pub source: Option<String>,
    /// Or: the catalog in cybernav's own shape (id, version, title, publisher, licence,
    /// groups of items).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub catalog: Option<serde_json::Value>,
}

/// The catalog, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CatalogPath {
    /// The catalog's id.
    pub id: String,
    /// Its version.
    pub version: String,
}

/// The assessment, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AssessmentId {
    /// The assessment's id.
    pub id: Uuid,
}

/// A catalog id, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CatalogId {
    /// The catalog's id.
    pub id: String,
}

/// Which catalog's scores.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoresQuery {
    /// The catalog's id.
    pub catalog: String,
}

/// Creating an assessment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// The authority.
    pub election_authority: Uuid,
    /// The grant cycle.
    pub cycle: Uuid,
    /// The catalog's id.
    pub catalog: String,
    /// The catalog's version.
    pub catalog_version: String,
    /// `ig1`, `ig2`, `ig3` or `all`.
    pub scope: String,
    /// `csat-4d-v1` or `simple-5-v1`.
    pub method: String,
    /// The navigators who answer it.
    #[serde(default)]
    pub navigators: Vec<Uuid>,
}

/// One item's answer. Four dimensions 0–4 (`csat-4d-v1`), or a score 1–5 (`simple-5-v1`), or
/// not applicable with a justification; all empty clears the item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// The item id.
    pub item: String,
    /// 0–4.
    #[serde(default)]
    pub policy_defined: Option<u8>,
    /// 0–4.
    #[serde(default)]
    pub control_implemented: Option<u8>,
    /// 0–4.
    #[serde(default)]
    pub control_automated: Option<u8>,
    /// 0–4.
    #[serde(default)]
    pub control_reported: Option<u8>,
    /// 1–5.
    #[serde(default)]
    pub score: Option<u8>,
    /// Not applicable (left out of every average).
    #[serde(default)]
    pub not_applicable: bool,
    /// Why not applicable (required with it).
    #[serde(default)]
    pub justification: Option<String>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Answers saved together; refused whole if any is wrong.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersRequest {
    /// The answers.
    pub answers: Vec<AnswerRequest>,
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// `start`, `complete`, `validate` or `send_back`.
    pub action: String,
    /// Why (required to send back).
    #[serde(default)]
    pub note: Option<String>,
}

/// An assessment with its answers and scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentResponse {
    /// The assessment: id, authority, cycle, catalog, scope, method, state, answers, scores,
    /// workflow events, evidence.
    #[schema(value_type = Object)]
    pub assessment: serde_json::Value,
}

/// An authority's assessments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentList {
    /// Newest first: id, cycle, catalog, state, overall score.
    #[schema(value_type = Vec<Object>)]
    pub assessments: Vec<serde_json::Value>,
    /// How many.
    pub meta: PageMeta,
}

/// An authority's scores across cycles and where it stands among its peers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoresResponse {
    /// Validated overall scores by cycle, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub trend: Vec<serde_json::Value>,
    /// `compared` with the figures, `not_assessed`, or `too_few_peers`.
    #[schema(value_type = Object)]
    pub peers: serde_json::Value,
}

/// The statewide roll-up of a catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatewideScoresResponse {
    /// Per authority, the latest validated overall score; the distribution.
    #[schema(value_type = Object)]
    pub statewide_scores: serde_json::Value,
}

/// Saved answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswersSaved {
    /// How many items changed.
    pub changed: usize,
    /// The assessment as it now stands.
    #[schema(value_type = Object)]
    pub assessment: serde_json::Value,
}

fn view_json(v: &AssessmentView) -> serde_json::Value {
    let r = &v.row;
    serde_json::json!({
        "id": r.id,
        "election_authority": r.election_authority_id,
        "election_authority_name": v.authority_name,
        "cycle": r.cycle_id,
        "cycle_name": v.cycle_name,
        "catalog": r.catalog_id,
        "catalog_version": r.catalog_version,
        "scope": v.scope,
        "method": v.method.as_str(),
        "state": v.state,
        "scores_count": v.scores_count,
        "navigators": v.navigators,
        "answers": v.answers.values().collect::<Vec<_>>(),
        "scores": v.scores,
        "events": v.events.iter().map(|e| serde_json::json!({
            "action": e.action, "from": e.from_state, "to": e.to_state, "note": e.note,
            "by": e.actor_id,
            "at": e.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "evidence": v.evidence.iter().map(|(item, files)| serde_json::json!({
            "item": item,
            "files": files.iter().map(|f| serde_json::json!({
                "id": f.id, "file_name": f.file_name, "content_type": f.content_type,
                "size_bytes": f.size_bytes, "sha256": f.sha256, "uploaded_by": f.uploaded_by,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// List catalogs.
///
/// Everyone but partners.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs",
    tag = "assessments",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogs", body = CatalogList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read catalogs", body = ApiErrorBody),
    )
)]
pub async fn list_catalogs(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<CatalogList>, ApiError> {
    let reader = caller.0.read_catalogs().ok_or_else(ApiError::forbidden)?;
    let items: Vec<CatalogItem> = state
        .app
        .catalogs(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(CatalogList {
        meta: PageMeta::whole(items.len()),
        catalogs: items,
    }))
}

/// Load a catalog.
///
/// Board administrators and the Program Manager. Send a file (`file_name`, `source`: OSCAL
/// catalog JSON or a CSAT CSV export) or a catalog in cybernav's own shape (`catalog`). A
/// catalog with problems is refused whole, each problem named; the same id and version loads
/// once (the same content again is accepted and changes nothing; other content is refused).
#[utoipa::path(
    post,
    path = "/api/v1/catalogs",
    tag = "assessments",
    request_body = CatalogRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Loaded", body = CatalogResponse),
        (status = 200, description = "Already loaded with the same content", body = CatalogResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not load catalogs", body = ApiErrorBody),
        (status = 409, description = "The id and version are loaded with other content", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The catalog has problems (each named)", body = ApiErrorBody),
    )
)]
pub async fn create_catalog(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<CatalogRequest>,
) -> Result<(StatusCode, Json<CatalogResponse>), ApiError> {
    let manager = caller.0.manage_catalogs().ok_or_else(ApiError::forbidden)?;
    let (catalog, source): (Catalog, Option<Vec<u8>>) = match (body.catalog, body.source) {
        (Some(c), None) => {
            let c: Catalog = serde_json::from_value(c)
                .map_err(|e| AppError::invalid("catalog", format!("not a catalog: {e}")))?;
            (c, None)
        }
        (None, Some(source)) => {
            let name = body.file_name.unwrap_or_else(|| "catalog".into());
            let c = cybernav_app::assessments::read_catalog_file(&name, source.as_bytes())?;
            (c, Some(source.into_bytes()))
        }
        _ => {
            return Err(AppError::invalid(
                "source",
                "send either a file (file_name and source) or a catalog, not both",
            )
            .into());
        }
    };
    let outcome = state
        .app
        .load_catalog(
            &manager,
            &catalog,
            Origin::Imported,
            source.as_deref(),
            &meta,
        )
        .await?;
    let reader = caller.0.read_catalogs().ok_or_else(ApiError::forbidden)?;
    let (row, _) = state
        .app
        .catalog(&reader, &catalog.id, &catalog.version)
        .await?;
    let status = match outcome {
        cybernav_app::assessments::LoadOutcome::Loaded => StatusCode::CREATED,
        cybernav_app::assessments::LoadOutcome::AlreadyLoaded => StatusCode::OK,
    };
    Ok((
        status,
        Json(CatalogResponse {
            catalog: row.into(),
            body: None,
        }),
    ))
}

/// Get a catalog with its items.
///
/// Everyone but partners.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs/{id}/versions/{version}",
    tag = "assessments",
    params(CatalogPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalog", body = CatalogResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read catalogs", body = ApiErrorBody),
        (status = 404, description = "No such catalog", body = ApiErrorBody),
    )
)]
pub async fn get_catalog(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CatalogPath { id, version }): ApiPath<CatalogPath>,
) -> Result<Json<CatalogResponse>, ApiError> {
    let reader = caller.0.read_catalogs().ok_or_else(ApiError::forbidden)?;
    let (row, catalog) = state.app.catalog(&reader, &id, &version).await?;
    Ok(Json(CatalogResponse {
        catalog: row.into(),
        body: Some(to_json(&catalog)),
    }))
}

/// Create an assessment.
///
/// Board administrators and the Program Manager: an authority, a cycle, a loaded catalog, a
/// scope, a scoring method and the navigators who answer it. One per authority, cycle and
/// catalog.
#[utoipa::path(
    post,
    path = "/api/v1/assessments",
    tag = "assessments",
    request_body = AssessmentRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AssessmentResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not create assessments", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_assessment(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<AssessmentRequest>,
) -> Result<(StatusCode, Json<AssessmentResponse>), ApiError> {
    let manager = caller
        .0
        .manage_assessments()
        .ok_or_else(ApiError::forbidden)?;
    let input = AssessmentInput {
        election_authority_id: body.election_authority,
        cycle_id: body.cycle,
        catalog_id: body.catalog,
        catalog_version: body.catalog_version,
        scope: body.scope,
        method: body.method,
        navigators: body.navigators,
    };
    let id = state.app.create_assessment(&manager, &input, &meta).await?;
    let view = state.app.assessment(&caller.0, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(AssessmentResponse {
            assessment: view_json(&view),
        }),
    ))
}

/// Get an assessment with its answers and scores.
///
/// The Board, the Program Manager and auditors; the authority's navigators; its official and
/// IT person once it is complete or validated. Scores count (`scores_count`) only once it is
/// validated.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(AssessmentId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The assessment", body = AssessmentResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
    )
)]
pub async fn get_assessment(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
) -> Result<Json<AssessmentResponse>, ApiError> {
    let view = state.app.assessment(&caller.0, id).await?;
    Ok(Json(AssessmentResponse {
        assessment: view_json(&view),
    }))
}

/// Save answers.
///
/// The navigators assigned to the assessment, the Board and the Program Manager, while it is
/// assigned or in progress. The whole set is checked first; one wrong answer refuses all, each
/// problem naming the item and field. The first save starts the assessment.
#[utoipa::path(
    put,
    path = "/api/v1/assessments/{id}/answers",
    tag = "assessments",
    params(AssessmentId),
    request_body = AnswersRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = AnswersSaved),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not answer it", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "An answer is invalid, or the assessment is closed", body = ApiErrorBody),
    )
)]
pub async fn put_answers(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
    ApiJson(body): ApiJson<AnswersRequest>,
) -> Result<Json<AnswersSaved>, ApiError> {
    let view = state.app.assessment(&caller.0, id).await?;
    let cap = caller
        .0
        .answer_assessments_of(view.row.election_authority_id)
        .map_err(AppError::from)?;
    let input = AnswersInput {
        answers: body
            .answers
            .into_iter()
            .map(|a| AnswerInput {
                item: a.item,
                policy_defined: a.policy_defined,
                control_implemented: a.control_implemented,
                control_automated: a.control_automated,
                control_reported: a.control_reported,
                score: a.score,
                not_applicable: a.not_applicable,
                justification: a.justification,
                comment: a.comment,
            })
            .collect(),
    };
    let changed = state.app.save_answers(&cap, id, &input, &meta).await?;
    let view = state.app.assessment(&caller.0, id).await?;
    Ok(Json(AnswersSaved {
        changed,
        assessment: view_json(&view),
    }))
}

/// Take a workflow step.
///
/// `start` and `complete`: whoever may answer (complete needs every item in scope answered).
/// `validate` and `send_back` (with a note): the Program Manager or a Board administrator who
/// did not mark it complete. Validating records the participation facts of 213.50(a)(3).
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/transitions",
    tag = "assessments",
    params(AssessmentId),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Done", body = AssessmentResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not take this step", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The step may not be taken now", body = ApiErrorBody),
    )
)]
pub async fn create_transition(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> Result<Json<AssessmentResponse>, ApiError> {
    let step = Transition::parse(body.action.trim()).map_err(|e| AppError::invalid("action", e))?;
    state
        .app
        .transition_assessment(&caller.0, id, step, body.note.as_deref(), &meta)
        .await?;
    let view = state.app.assessment(&caller.0, id).await?;
    Ok(Json(AssessmentResponse {
        assessment: view_json(&view),
    }))
}

/// Export an assessment's answers (CSV).
///
/// One line per catalog item: group, item, title, Implementation Group, function, in scope,
/// the four dimensions or the score, not applicable and why, percent, comment, when. Whoever
/// may read the assessment.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/answers.csv",
    tag = "assessments",
    params(AssessmentId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The answers as CSV", body = String, content_type = "text/csv"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
    )
)]
pub async fn export_answers(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state.app.assessment(&caller.0, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"assessment-{id}.csv\""),
            ),
        ],
        answers_csv(&view),
    ))
}

/// List an authority's assessments.
///
/// Everyone who may see the authority but partners; county users see complete and validated
/// ones only.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/assessments",
    tag = "assessments",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The assessments", body = AssessmentList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read assessments", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_assessments(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<AssessmentList>, ApiError> {
    let reader = caller.0.read_assessments_of(id).map_err(AppError::from)?;
    let list: Vec<serde_json::Value> = state
        .app
        .assessments_of(&reader)
        .await?
        .into_iter()
        .map(|s| {
            serde_json::json!({
                "id": s.row.id,
                "cycle": s.row.cycle_id,
                "cycle_name": s.cycle_name,
                "catalog": s.row.catalog_id,
                "catalog_version": s.row.catalog_version,
                "catalog_title": s.catalog_title,
                "scope": s.row.scope,
                "method": s.row.method,
                "state": s.row.state,
                "overall": s.overall,
            })
        })
        .collect();
    Ok(Json(AssessmentList {
        meta: PageMeta::whole(list.len()),
        assessments: list,
    }))
}

/// An authority's scores across cycles, and where it stands among its peers.
///
/// Validated assessments only. The peer comparison names no other authority and is withheld
/// (`too_few_peers`) when fewer than five others are assessed.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/scores",
    tag = "assessments",
    params(ElectionAuthorityId, ScoresQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Trend and peer comparison", body = ScoresResponse),
        (status = 400, description = "The id is not a UUID, or no catalog is given", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read assessments", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_scores(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiQuery(q): ApiQuery<ScoresQuery>,
) -> Result<Json<ScoresResponse>, ApiError> {
    let reader = caller.0.read_assessments_of(id).map_err(AppError::from)?;
    let trend = state.app.assessment_trend(&reader, &q.catalog).await?;
    let peers = state.app.peer_comparison(&reader, &q.catalog).await?;
    Ok(Json(ScoresResponse {
        trend: trend.iter().map(to_json).collect(),
        peers: to_json(&peers),
    }))
}

/// The statewide roll-up of a catalog.
///
/// Every authority's latest validated overall score, by name, and their distribution. Board
/// administrators, the Program Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs/{id}/statewide-scores",
    tag = "assessments",
    params(CatalogId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roll-up", body = StatewideScoresResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the statewide roll-up", body = ApiErrorBody),
    )
)]
pub async fn get_statewide_scores(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CatalogId { id }): ApiPath<CatalogId>,
) -> Result<Json<StatewideScoresResponse>, ApiError> {
    let reader = caller
        .0
        .read_statewide_scores()
        .ok_or_else(ApiError::forbidden)?;
    let s = state.app.statewide_scores(&reader, &id).await?;
    Ok(Json(StatewideScoresResponse {
        statewide_scores: to_json(&s),
    }))
}

/// An item of an assessment, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ItemPath {
    /// The assessment's id.
    pub id: Uuid,
    /// The catalog item's id (`4.1`).
    pub item: String,
}

/// One evidence file of an item, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ItemEvidencePath {
    /// The assessment's id.
    pub id: Uuid,
    /// The catalog item's id.
    pub item: String,
    /// The evidence file's id.
    pub evidence: Uuid,
}

/// A new scope.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeRequest {
    /// `ig1`, `ig2`, `ig3` or `all` (catalogs without Implementation Groups: `all`).
    pub scope: String,
}

/// Which items to raise findings from.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseFindingsRequest {
    /// Item ids; left out or empty: every item scored below the threshold.
    #[serde(default)]
    pub items: Option<Vec<String>>,
}

/// An item and its finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemFindingItem {
    /// The catalog item.
    pub item: String,
    /// The finding (`/api/v1/findings/{id}`).
    pub finding: Uuid,
}

/// What raising findings did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RaiseFindingsResponse {
    /// The threshold the items were measured against, in percent.
    pub threshold_percent: f64,
    /// How many findings were raised.
    pub raised_count: usize,
    /// How many items already had an open finding and were left alone.
    pub skipped_count: usize,
    /// The items raised, with their new findings.
    pub raised: Vec<ItemFindingItem>,
    /// The items skipped, with the open finding each already has.
    pub skipped: Vec<ItemFindingItem>,
}

/// An evidence file of an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceItem {
    /// Id (download at `/api/v1/assessments/{id}/items/{item}/evidence/{evidence}`).
    pub id: Uuid,
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// SHA-256 of its content, hex.
    pub sha256: String,
    /// Who filed it.
    pub uploaded_by: Option<Uuid>,
    /// When, RFC 3339 UTC.
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: time::OffsetDateTime,
}

impl From<cybernav_app::store::checklist::EvidenceMeta> for EvidenceItem {
    fn from(e: cybernav_app::store::checklist::EvidenceMeta) -> Self {
        EvidenceItem {
            id: e.id,
            file_name: e.file_name,
            content_type: e.content_type,
            size_bytes: e.size_bytes,
            sha256: e.sha256,
            uploaded_by: e.uploaded_by,
            uploaded_at: e.uploaded_at,
        }
    }
}

/// A filed evidence file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceResponse {
    /// The file's record.
    pub evidence: EvidenceItem,
}

/// An item's evidence files.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceList {
    /// Oldest first.
    pub evidence: Vec<EvidenceItem>,
    /// How many.
    pub meta: PageMeta,
}

/// The upload form: one file in the part named `file`.
// It describes the form in the OpenAPI document; the handler reads the parts itself.
#[derive(Debug, ToSchema)]
pub struct EvidenceUpload {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Change an assessment's scope.
///
/// Board administrators and the Program Manager, while the assessment is assigned or in
/// progress. Answers outside the new scope are kept (they only stop counting), so widening it
/// again brings them back.
#[utoipa::path(
    put,
    path = "/api/v1/assessments/{id}/scope",
    tag = "assessments",
    params(AssessmentId),
    request_body = ScopeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = AssessmentResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not change scopes", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The scope is unknown, does not fit the catalog, or the assessment is closed", body = ApiErrorBody),
    )
)]
pub async fn put_scope(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
    ApiJson(body): ApiJson<ScopeRequest>,
) -> Result<Json<AssessmentResponse>, ApiError> {
    // Reading first: an assessment the caller may not see is not found, before any refusal.
    state.app.assessment(&caller.0, id).await?;
    let manager = caller
        .0
        .manage_assessments()
        .ok_or_else(ApiError::forbidden)?;
    state
        .app
        .set_assessment_scope(&manager, id, &body.scope, &meta)
        .await?;
    let view = state.app.assessment(&caller.0, id).await?;
    Ok(Json(AssessmentResponse {
        assessment: view_json(&view),
    }))
}

/// Raise findings from items scored below the threshold.
///
/// Whoever manages the authority's findings (Board administrators, the Program Manager, the
/// authority's navigators), once the assessment is complete or validated. Name items, or send
/// none to raise every item below the threshold (`CYBERNAV_FINDING_THRESHOLD_PERCENT`, default
/// 50 %). Each finding: source navigator assessment, linked to the item, severity high below
/// 25 % and medium otherwise, owner the election office, target date from the remediation
/// windows. An item with an open finding already is skipped; not-applicable items are never
/// raised. All in one transaction.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/findings",
    tag = "assessments",
    params(AssessmentId),
    request_body = RaiseFindingsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Raised (and skipped) items", body = RaiseFindingsResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not raise the authority's findings", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A named item cannot be raised, or the assessment is not complete", body = ApiErrorBody),
    )
)]
pub async fn raise_findings(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(AssessmentId { id }): ApiPath<AssessmentId>,
    ApiJson(body): ApiJson<RaiseFindingsRequest>,
) -> Result<Json<RaiseFindingsResponse>, ApiError> {
    let out = state
        .app
        .raise_assessment_findings(&caller.0, id, body.items.as_deref(), &meta)
        .await?;
    let pairs = |v: Vec<cybernav_app::assessment_findings::ItemFinding>| {
        v.into_iter()
            .map(|r| ItemFindingItem {
                item: r.item,
                finding: r.finding_id,
            })
            .collect::<Vec<_>>()
    };
    Ok(Json(RaiseFindingsResponse {
        threshold_percent: out.threshold_percent,
        raised_count: out.raised.len(),
        skipped_count: out.skipped.len(),
        raised: pairs(out.raised),
        skipped: pairs(out.skipped),
    }))
}

/// File an evidence file for an item.
///
/// Multipart, one file in the part `file`. The navigators assigned to the assessment, the
/// Board and the Program Manager. The same limits as the page's upload: the configured largest
/// size (`CYBERNAV_EVIDENCE_MAX_BYTES`, default 10 MiB), the accepted kinds (PDF, images,
/// text, office documents), and the SHA-256 of the content stored with who and when.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/items/{item}/evidence",
    tag = "assessments",
    params(ItemPath),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Filed", body = EvidenceResponse),
        (status = 400, description = "The body is not a multipart form", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not answer the assessment", body = ApiErrorBody),
        (status = 404, description = "No such assessment the caller may see", body = ApiErrorBody),
        (status = 413, description = "The request is larger than the server reads", body = ApiErrorBody),
        (status = 422, description = "No file, an empty or too large file, a refused kind, or an unknown item", body = ApiErrorBody),
    )
)]
pub async fn upload_item_evidence(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ItemPath { id, item }): ApiPath<ItemPath>,
    mut multipart: axum::extract::Multipart,
) -> Result<(StatusCode, Json<EvidenceResponse>), ApiError> {
    let view = state.app.assessment(&caller.0, id).await?;
    let cap = caller
        .0
        .answer_assessments_of(view.row.election_authority_id)
        .map_err(AppError::from)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    AppError::invalid("file", crate::pages::participation::upload_failed(&e))
                })?;
                file = Some((name, bytes.to_vec()));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return Err(AppError::invalid(
                    "file",
                    crate::pages::participation::upload_failed(&e),
                )
                .into());
            }
        }
    }
    let Some((name, bytes)) = file else {
        return Err(
            AppError::invalid("file", "send the file in a multipart part named file").into(),
        );
    };
    let filed = state
        .app
        .upload_assessment_evidence(&cap, id, &item, &name, &bytes, &meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(EvidenceResponse {
            evidence: filed.into(),
        }),
    ))
}

/// List an item's evidence files.
///
/// Whoever may read the assessment.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/items/{item}/evidence",
    tag = "assessments",
    params(ItemPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files", body = EvidenceList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such assessment or item the caller may see", body = ApiErrorBody),
    )
)]
pub async fn list_item_evidence(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ItemPath { id, item }): ApiPath<ItemPath>,
) -> Result<Json<EvidenceList>, ApiError> {
    let files: Vec<EvidenceItem> = state
        .app
        .assessment_item_evidence(&caller.0, id, &item)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(EvidenceList {
        meta: PageMeta::whole(files.len()),
        evidence: files,
    }))
}

/// Download an evidence file of an item.
///
/// Whoever may read the assessment. Always as an attachment, never shown inline.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/items/{item}/evidence/{evidence}",
    tag = "assessments",
    params(ItemEvidencePath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 400, description = "An id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such file of this item the caller may see", body = ApiErrorBody),
    )
)]
pub async fn get_item_evidence(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ItemEvidencePath { id, item, evidence }): ApiPath<ItemEvidencePath>,
) -> Result<impl IntoResponse, ApiError> {
    let (meta, content) = state
        .app
        .assessment_evidence_file(&caller.0, id, &item, evidence)
        .await?;
    let safe_name: String = meta
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        content,
    ))
}
