//! The statewide standing of a grant cycle, the report card the Board publishes, and loading a
//! state's own requirement set (Part 213.50).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::statewide::{Counts, ReportCard, Statewide, ZoneCounts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::grants::CycleId;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// Counts of authorities by standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsItem {
    /// Every requirement met.
    pub eligible: usize,
    /// Items open, none past due.
    pub in_progress: usize,
    /// Something past due.
    pub overdue: usize,
    /// Certifications received.
    pub certified: usize,
    /// Authorities counted.
    pub total: usize,
}

impl From<&Counts> for CountsItem {
    fn from(c: &Counts) -> Self {
        CountsItem {
            eligible: c.eligible,
            in_progress: c.in_progress,
            overdue: c.overdue,
            certified: c.certified,
            total: c.total,
        }
    }
}

/// A zone's counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneItem {
    /// The zone's name ("No zone" for authorities without one).
    pub zone: String,
    /// Its counts.
    pub counts: CountsItem,
}

impl From<&ZoneCounts> for ZoneItem {
    fn from(z: &ZoneCounts) -> Self {
        ZoneItem {
            zone: z.zone.clone(),
            counts: (&z.counts).into(),
        }
    }
}

/// One authority's row.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatewideAuthority {
    /// The authority.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its zone.
    pub zone: Option<String>,
    /// `eligible`, `in_progress` or `overdue`.
    pub standing: String,
    /// Whether its certification arrived, and on time.
    pub certified: bool,
    /// Whether the certification made the deadline.
    pub certified_on_time: bool,
    /// Requirements not met.
    pub open_items: usize,
}

/// The statewide standing of a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatewideItem {
    /// The cycle.
    pub cycle: Uuid,
    /// Days to the certification deadline on the Board's clock (negative after it).
    pub days_left: i64,
    /// Counts over every authority the caller may see.
    pub counts: CountsItem,
    /// Counts per zone.
    pub zones: Vec<ZoneItem>,
    /// Each authority, by name.
    pub election_authorities: Vec<StatewideAuthority>,
}

impl From<Statewide> for StatewideItem {
    fn from(s: Statewide) -> Self {
        StatewideItem {
            cycle: s.cycle.row.id,
            days_left: s.days_left,
            counts: (&s.counts).into(),
            zones: s.zones.iter().map(Into::into).collect(),
            election_authorities: s
                .rows
                .into_iter()
                .map(|r| StatewideAuthority {
                    id: r.id,
                    name: r.name,
                    zone: r.zone,
                    standing: r.standing.as_str().to_string(),
                    certified: r.certification.is_some(),
                    certified_on_time: r.certification.is_some_and(|c| c.on_time),
                    open_items: r.unmet,
                })
                .collect(),
        }
    }
}

/// The statewide standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatewideResponse {
    /// The standing.
    pub statewide: StatewideItem,
}

/// One authority on the published report card.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCardAuthority {
    /// Its name.
    pub name: String,
    /// Its zone.
    pub zone: Option<String>,
    /// `eligible`, `in_progress` or `overdue`.
    pub standing: String,
    /// Requirements met.
    pub met: usize,
    /// Requirements in the set.
    pub of: usize,
}

/// A report card as the Board published it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCardItem {
    /// The cycle's name.
    pub cycle_name: String,
    /// The certification deadline.
    #[schema(format = Date)]
    pub deadline: String,
    /// When it was published.
    #[schema(format = DateTime)]
    pub published_at: String,
    /// Counts statewide.
    pub counts: CountsItem,
    /// Counts per zone.
    pub zones: Vec<ZoneItem>,
    /// Each authority.
    pub election_authorities: Vec<ReportCardAuthority>,
}

impl From<ReportCard> for ReportCardItem {
    fn from(c: ReportCard) -> Self {
        ReportCardItem {
            cycle_name: c.cycle_name,
            deadline: super::date_string(c.deadline),
            published_at: c
                .published_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            counts: (&c.counts).into(),
            zones: c.zones.iter().map(Into::into).collect(),
            election_authorities: c
                .authorities
                .into_iter()
                .map(|a| ReportCardAuthority {
                    name: a.name,
                    zone: a.zone,
                    standing: a.standing.as_str().to_string(),
                    met: a.met,
                    of: a.of,
                })
                .collect(),
        }
    }
}

/// The latest published report card, or null before the first publication.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCardResponse {
    /// The report card.
    pub report_card: Option<ReportCardItem>,
}

/// Every authority's standing in a cycle.
///
/// The Board, the Program Manager and auditors see every authority; navigators their own.
/// County users and partners see the published report card instead.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/statewide",
    tag = "participation",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The standing", body = StatewideResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role sees only the published report card", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn get_statewide(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<StatewideResponse>, ApiError> {
    let reader = caller.0.read_statewide().ok_or_else(ApiError::forbidden)?;
    let s = state.app.statewide(&reader, id).await?;
    Ok(Json(StatewideResponse {
        statewide: s.into(),
    }))
}

/// The published report card.
///
/// Everyone with an API token: the figures the Board chose to publish, never the reasons.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/report-card",
    tag = "participation",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The latest report card, or null", body = ReportCardResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn get_report_card(
    _caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<ReportCardResponse>, ApiError> {
    let card = state.app.report_card(id).await?;
    Ok(Json(ReportCardResponse {
        report_card: card.map(Into::into),
    }))
}

/// Publish the report card as the cycle stands now.
///
/// Board administrators and the Program Manager; recorded in the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/grant-cycles/{id}/report-card",
    tag = "participation",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Published", body = ReportCardResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not publish", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn publish_report_card(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<(StatusCode, Json<ReportCardResponse>), ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let card = state.app.publish_report_card(&manager, id, &meta).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportCardResponse {
            report_card: Some(card.into()),
        }),
    ))
}

/// A requirement set to load.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementSetRequest {
    /// The file's name, for messages (`ohio-2026.toml`).
    #[schema(example = "ohio-2026.toml")]
    pub file_name: String,
    /// The TOML text (the format of docs/REQUIREMENT-SETS.md).
    pub source: String,
}

/// A loaded requirement set.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementSetItem {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its title.
    pub title: String,
    /// How many requirements.
    pub requirements: usize,
}

/// The loaded set.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementSetResponse {
    /// The set.
    pub requirement_set: RequirementSetItem,
}

/// Load a state's own requirement set.
///
/// Board administrators and the Program Manager. A set with problems is refused whole, with
/// one error per problem naming the file and line; an id and version already loaded is refused.
#[utoipa::path(
    post,
    path = "/api/v1/requirement-sets",
    tag = "participation",
    request_body = RequirementSetRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Loaded", body = RequirementSetResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not load requirement sets", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The set has problems (each with file and line) or is loaded already", body = ApiErrorBody),
    )
)]
pub async fn create_requirement_set(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<RequirementSetRequest>,
) -> Result<(StatusCode, Json<RequirementSetResponse>), ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let set = state
        .app
        .load_requirement_set(&manager, &body.file_name, &body.source, &meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(RequirementSetResponse {
            requirement_set: RequirementSetItem {
                requirements: set.requirements.len(),
                id: set.id,
                version: set.version,
                title: set.title,
            },
        }),
    ))
}
