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
