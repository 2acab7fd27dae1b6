//! Participation (Part 213.50): grant cycles, an authority's standing in a cycle, the facts
//! behind it, and certifications of participation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::participation::{FactInput, GrantCycle, GrantCycleInput, Participation};
use cybernav_app::store::participation::CertificationRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// A grant cycle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantCycleItem {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The grant program it funds from.
    pub grant_program: String,
    /// Funds in cents.
    pub funds_cents: i64,
    /// Requirement set id.
    pub requirement_set: String,
    /// Requirement set version.
    pub requirement_set_version: String,
    /// The certification deadline: the last day that counts, on the Board's clock.
    #[schema(format = Date, example = "2019-03-15")]
    pub deadline: String,
    /// The Board's time zone (IANA name).
    #[schema(example = "America/Chicago")]
    pub time_zone: String,
}

impl From<GrantCycle> for GrantCycleItem {
    fn from(c: GrantCycle) -> Self {
        let r = c.row;
        GrantCycleItem {
            id: r.id,
            name: r.name,
            grant_program: r.grant_program,
            funds_cents: r.funds_cents,
            requirement_set: r.set_id,
            requirement_set_version: r.set_version,
            deadline: super::date_string(r.deadline),
            time_zone: r.time_zone,
        }
    }
}

/// Grant cycles, latest deadline first.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantCycleList {
    /// The cycles.
    pub grant_cycles: Vec<GrantCycleItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One grant cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantCycleResponse {
    /// The cycle.
    pub grant_cycle: GrantCycleItem,
}

/// A new grant cycle.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantCycleRequest {
    /// Name, unique.
    #[schema(example = "2018 HAVA Election Security")]
    pub name: String,
    /// The grant program.
    #[schema(example = "HAVA Election Security Grant (EAC)")]
    pub grant_program: String,
    /// Funds in dollars and cents.
    #[schema(example = "13,903,208.00")]
    pub funds: String,
    /// Requirement set id (default: the shipped Illinois set).
    #[serde(default)]
    pub requirement_set: String,
    /// Requirement set version (default: the shipped one).
    #[serde(default)]
    pub requirement_set_version: String,
    /// The certification deadline, `YYYY-MM-DD`.
    #[schema(example = "2019-03-15")]
    pub deadline: String,
    /// The Board's time zone.
    #[schema(example = "America/Chicago")]
    pub time_zone: String,
}

/// List grant cycles.
///
/// Every role that reads the registry.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles",
    tag = "participation",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycles", body = GrantCycleList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
    )
)]
pub async fn list_grant_cycles(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<GrantCycleList>, ApiError> {
    caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let cycles: Vec<GrantCycleItem> = state
        .app
        .grant_cycles()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(GrantCycleList {
        meta: PageMeta::whole(cycles.len()),
        grant_cycles: cycles,
    }))
}

/// Open a grant cycle.
///
/// Board administrators and the Program Manager. The deadline is the last day a certification
/// of participation counts, on the Board's clock in `time_zone`.
#[utoipa::path(
    post,
    path = "/api/v1/grant-cycles",
    tag = "participation",
    request_body = GrantCycleRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened", body = GrantCycleResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not run grant cycles", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (one error per field)", body = ApiErrorBody),
    )
)]
pub async fn create_grant_cycle(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<GrantCycleRequest>,
) -> Result<(StatusCode, Json<GrantCycleResponse>), ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let input = GrantCycleInput {
        name: body.name,
        grant_program: body.grant_program,
        funds: body.funds,
        set_id: body.requirement_set,
        set_version: body.requirement_set_version,
        deadline: body.deadline,
        time_zone: body.time_zone,
    };
    let id = state
        .app
        .create_grant_cycle(&manager, &input, &meta)
        .await?;
    let cycle = state
        .app
        .grant_cycles()
        .await?
        .into_iter()
        .find(|c| c.row.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok((
        StatusCode::CREATED,
        Json(GrantCycleResponse {
            grant_cycle: cycle.into(),
        }),
    ))
}

/// Which cycle to evaluate.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CycleQuery {
    /// The grant cycle's id.
    pub cycle: Uuid,
}

/// One requirement's standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementItem {
    /// The requirement's id in its set.
    pub id: String,
    /// The clause it comes from.
    pub clause: String,
    /// Short title.
    pub title: String,
    /// Who must act: `election_office`, `county_it`, `vendor` or `board`.
    pub owner: String,
    /// `met`, `open` (not met, not yet due) or `overdue`.
    pub status: String,
    /// When it is due.
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// Why it is not met, in plain language.
    pub reasons: Vec<String>,
}

/// A certification of participation as received.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificationItem {
    /// The cycle.
    pub cycle: Uuid,
    /// The authority.
    pub election_authority: Uuid,
    /// When the Board received it.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub received_at: OffsetDateTime,
    /// Whether it made the deadline on the Board's clock.
    pub on_time: bool,
    /// Who signed it.
    pub signer_name: String,
}

impl From<CertificationRow> for CertificationItem {
    fn from(c: CertificationRow) -> Self {
        CertificationItem {
            cycle: c.cycle_id,
            election_authority: c.election_authority_id,
            received_at: c.received_at,
            on_time: c.on_time,
            signer_name: c.signer_name,
        }
    }
}

/// An authority's standing in a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationItem {
    /// Every requirement met.
    pub eligible: bool,
    /// Requirement by requirement, in the set's order.
    pub requirements: Vec<RequirementItem>,
    /// The cycle.
    pub cycle: GrantCycleItem,
    /// The certification, when one was received.
    pub certification: Option<CertificationItem>,
    /// Days left to the certification deadline on the Board's clock; negative after it.
    pub days_left: i64,
}

impl From<Participation> for ParticipationItem {
    fn from(p: Participation) -> Self {
        let requirements = p
            .eligibility
            .requirements
            .into_iter()
            .map(|r| {
                let req = p.set.requirement(&r.id);
                RequirementItem {
                    title: req.map(|q| q.title.clone()).unwrap_or_default(),
                    owner: req.map(|q| q.owner.as_str()).unwrap_or_default().into(),
                    id: r.id,
                    clause: r.clause,
                    status: r.status.as_str().into(),
                    due_on: r.due_on.map(super::date_string),
                    reasons: r.reasons,
                }
            })
            .collect();
        ParticipationItem {
            eligible: p.eligibility.eligible,
            requirements,
            cycle: p.cycle.into(),
            certification: p.certification.map(Into::into),
            days_left: p.days_left,
        }
    }
}

/// The participation envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationResponse {
    /// The authority's standing.
    pub participation: ParticipationItem,
}

/// An authority's participation in a grant cycle.
///
/// Whether it is eligible, and every requirement with its status and, when unmet, the reasons
/// in plain language. Everyone who may read the authority.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/participation",
    tag = "participation",
    params(ElectionAuthorityId, CycleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The standing", body = ParticipationResponse),
        (status = 400, description = "The id or cycle is not a UUID, or a parameter is unknown", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such cycle", body = ApiErrorBody),
    )
)]
pub async fn get_participation(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiQuery(q): ApiQuery<CycleQuery>,
) -> Result<Json<ParticipationResponse>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let p = state.app.participation(&reader, id, q.cycle).await?;
    Ok(Json(ParticipationResponse {
        participation: p.into(),
    }))
}

/// The authority and the fact, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FactPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The fact's name, e.g. `icn.connected` (see docs/REQUIREMENT-SETS.md).
    pub fact: String,
}

/// A fact's new value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactRequest {
    /// Whether it holds.
    pub holds: bool,
    /// Since when, `YYYY-MM-DD` (training and assessment dates).
    #[schema(format = Date)]
    #[serde(default)]
    pub on: Option<String>,
    /// A note: the ISAC's name, a waiver's reason (required for `isac.waived`).
    #[serde(default)]
    pub note: Option<String>,
}

/// Record a participation fact.
///
/// The Board, the Program Manager and the authority's navigators. Answers 204.
#[utoipa::path(
    put,
    path = "/api/v1/election-authorities/{id}/facts/{fact}",
    tag = "participation",
    params(FactPath),
    request_body = FactRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not record its facts", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Unknown fact, a date in the future, a waiver without its reason", body = ApiErrorBody),
    )
)]
pub async fn put_fact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(FactPath { id, fact }): ApiPath<FactPath>,
    ApiJson(body): ApiJson<FactRequest>,
) -> Result<StatusCode, ApiError> {
    let recorder = caller.0.record_facts_of(id).map_err(AppError::from)?;
    let on = match body.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).map_err(
                |_| AppError::invalid("on", "write the date as YYYY-MM-DD, such as 2026-03-02"),
            )?,
        ),
        None => None,
    };
    let input = FactInput {
        holds: body.holds,
        on,
        note: body.note,
    };
    state
        .app
        .record_fact(&recorder, &fact, &input, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A certification of participation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationRequest {
    /// The grant cycle.
    pub cycle: Uuid,
    /// Who signs it.
    pub signer_name: String,
    /// For the Board recording a certification received on paper: when it arrived. The
    /// authority's own official leaves it out (received now).
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
}

/// The certification envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificationResponse {
    /// The certification as received.
    pub certification: CertificationItem,
}

/// Submit a certification of participation.
///
/// The authority's own election official submits it online; it is refused after the deadline
/// on the Board's clock. Board administrators and the Program Manager record one received on
/// paper, with `received_at`; it is marked on time or late.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/certifications",
    tag = "participation",
    params(ElectionAuthorityId),
    request_body = CertificationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Received", body = CertificationResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not certify for it", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such cycle", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Past the deadline, or a field is invalid", body = ApiErrorBody),
    )
)]
pub async fn create_certification(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<CertificationRequest>,
) -> Result<(StatusCode, Json<CertificationResponse>), ApiError> {
    let actor = &caller.0;
    let row = match (actor.manage_grants(), body.received_at) {
        (Some(manager), Some(at)) => {
            state
                .app
                .record_certification(&manager, body.cycle, id, &body.signer_name, at, &meta)
                .await?
        }
        (Some(_), None) => {
            return Err(AppError::invalid(
                "received_at",
                "give the time the Board received the certification (RFC 3339)",
            )
            .into());
        }
        (None, at) => {
            let certifier = actor.certify_for(id).map_err(AppError::from)?;
            if at.is_some() {
                return Err(AppError::invalid(
                    "received_at",
                    "leave received_at out: a certification submitted here is received now",
                )
                .into());
            }
            state
                .app
                .submit_certification(&certifier, body.cycle, &body.signer_name, &meta)
                .await?
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(CertificationResponse {
            certification: row.into(),
        }),
    ))
}
