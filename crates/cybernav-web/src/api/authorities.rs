//! `/api/v1/election-authorities`: the registry's election authorities and their navigators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::registry::{EaDetail, EaListRequest};
use cybernav_app::store::rows::EaListing;
use cybernav_core::election_authority::ElectionAuthorityInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::contacts::ContactItem;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::{Page, PageMeta, PageRequest, PerPage};
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// An election authority as listings show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ElectionAuthoritySummary {
    /// Id.
    pub id: Uuid,
    /// Official name, e.g. "Adams County Clerk".
    pub name: String,
    /// The kind of office.
    #[schema(schema_with = super::ea_kind_schema)]
    pub kind: String,
    /// County the authority sits in.
    pub county: String,
    /// Five-digit county FIPS code.
    #[schema(example = "17001")]
    pub fips_code: String,
    /// Residents served, when known.
    pub population: Option<i64>,
    /// Navigator zone's id.
    pub zone_id: Option<Uuid>,
    /// Navigator zone's name.
    pub zone: Option<String>,
    /// Names of the navigators assigned, by name.
    pub navigators: Vec<String>,
}

impl From<EaListing> for ElectionAuthoritySummary {
    fn from(l: EaListing) -> Self {
        let navigators = l.navigator_names();
        let a = l.authority;
        ElectionAuthoritySummary {
            id: a.id,
            name: a.name,
            kind: a.kind.as_str().to_string(),
            county: a.county,
            fips_code: a.fips_code.to_string(),
            population: a.population,
            zone_id: a.zone_id,
            zone: l.zone,
            navigators,
        }
    }
}

/// An election authority with its contacts and navigator ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ElectionAuthorityDetail {
    /// Id.
    pub id: Uuid,
    /// Official name.
    pub name: String,
    /// The kind of office.
    #[schema(schema_with = super::ea_kind_schema)]
    pub kind: String,
    /// County.
    pub county: String,
    /// Five-digit county FIPS code.
    #[schema(example = "17001")]
    pub fips_code: String,
    /// Residents served, when known.
    pub population: Option<i64>,
    /// Navigator zone's id.
    pub zone_id: Option<Uuid>,
    /// Navigator zone's name.
    pub zone: Option<String>,
    /// Names of the navigators assigned.
    pub navigators: Vec<String>,
    /// Ids of the navigators assigned (what `PUT …/navigators` replaces).
    pub navigator_ids: Vec<Uuid>,
    /// The people to reach, election official first.
    pub contacts: Vec<ContactItem>,
}

impl From<EaDetail> for ElectionAuthorityDetail {
    fn from(d: EaDetail) -> Self {
        let s = ElectionAuthoritySummary::from(d.listing);
        ElectionAuthorityDetail {
            id: s.id,
            name: s.name,
            kind: s.kind,
            county: s.county,
            fips_code: s.fips_code,
            population: s.population,
            zone_id: s.zone_id,
            zone: s.zone,
            navigators: s.navigators,
            navigator_ids: d.navigator_ids,
            contacts: d.contacts.into_iter().map(ContactItem::from).collect(),
        }
    }
}

/// `{"election_authorities": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionAuthorityListResponse {
    /// One page of authorities, by name.
    pub election_authorities: Vec<ElectionAuthoritySummary>,
    /// Where the page sits.
    pub meta: PageMeta,
}

/// `{"election_authority": {…}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionAuthorityResponse {
    /// The authority.
    pub election_authority: ElectionAuthorityDetail,
}

/// Filters and page of the listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ElectionAuthorityListQuery {
    /// Words to find in the name, county or FIPS code.
    pub q: Option<String>,
    /// Only this zone (id).
    pub zone: Option<Uuid>,
    /// Only authorities assigned to this navigator (account id).
    pub navigator: Option<Uuid>,
    /// Page, from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<Page>,
    /// Rows a page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 25)]
    pub per_page: Option<PerPage>,
}

/// The fields of an election authority, to create one or replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectionAuthorityRequest {
    /// Official name, unique.
    #[schema(example = "Adams County Clerk")]
    pub name: String,
    /// The kind of office.
    #[schema(schema_with = super::ea_kind_schema)]
    pub kind: String,
    /// County.
    #[schema(example = "Adams")]
    pub county: String,
    /// Five-digit county FIPS code.
    #[schema(example = "17001")]
    pub fips_code: String,
    /// Residents served (0 to 20,000,000); omitted or `null` for unknown.
    #[serde(default)]
    pub population: Option<i64>,
    /// Navigator zone by name (created when new); omitted or `null` for none.
    #[serde(default)]
    pub zone: Option<String>,
}

impl From<ElectionAuthorityRequest> for ElectionAuthorityInput {
    fn from(r: ElectionAuthorityRequest) -> Self {
        ElectionAuthorityInput {
            name: r.name,
            kind: r.kind,
            county: r.county,
            fips_code: r.fips_code,
            population: r.population.map(|p| p.to_string()),
            zone: r.zone,
        }
    }
}

/// The navigators to assign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NavigatorAssignmentRequest {
    /// Account ids of navigators; replaces the current assignment (`[]` removes everyone).
    pub navigators: Vec<Uuid>,
}

/// An election authority's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ElectionAuthorityId {
    /// The election authority's id.
    pub id: Uuid,
}

/// The election authority `id`, read back for the caller after a change.
pub(crate) async fn read_back(
    state: &AppState,
    caller: &ApiCaller,
    id: Uuid,
) -> Result<ElectionAuthorityDetail, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    Ok(state.app.election_authority(&reader, id).await?.into())
}

/// List election authorities.
///
/// The authorities the caller may see, by name, a page at a time: every authority for the
/// Board, the Program Manager and auditors; the assigned ones for a navigator; their own for
/// county users. Partners may not read the registry.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities",
    tag = "election authorities",
    params(ElectionAuthorityListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of authorities", body = ElectionAuthorityListResponse),
        (status = 400, description = "A query parameter is malformed or out of range", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
    )
)]
pub async fn list_election_authorities(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ElectionAuthorityListQuery>,
) -> Result<Json<ElectionAuthorityListResponse>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let page = PageRequest::new(query.page, query.per_page);
    let request = EaListRequest {
        q: query.q,
        zone: query.zone,
        navigator: query.navigator,
        page: Some(page.page),
        per_page: Some(page.per_page),
    };
    let (rows, total) = state
        .app
        .list_election_authorities(&reader, &request)
        .await?;
    Ok(Json(ElectionAuthorityListResponse {
        election_authorities: rows.into_iter().map(Into::into).collect(),
        meta: page.meta(total),
    }))
}

/// Get one election authority.
///
/// The authority with its contacts (each marked stale when overdue for re-verification) and
/// its navigators. An authority outside the caller's scope answers 404, as if it did not exist.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}",
    tag = "election authorities",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The authority", body = ElectionAuthorityResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_election_authority(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<ElectionAuthorityResponse>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let detail = state.app.election_authority(&reader, id).await?;
    Ok(Json(ElectionAuthorityResponse {
        election_authority: detail.into(),
    }))
}

/// Create an election authority.
///
/// Board administrators and the Program Manager. A zone named for the first time is created.
/// Answers 201 with the new authority.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities",
    tag = "election authorities",
    request_body = ElectionAuthorityRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ElectionAuthorityResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage the registry", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (one error per field), or the name is taken", body = ApiErrorBody),
    )
)]
pub async fn create_election_authority(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<ElectionAuthorityRequest>,
) -> Result<(StatusCode, Json<ElectionAuthorityResponse>), ApiError> {
    let manager = caller.0.manage_registry().ok_or_else(ApiError::forbidden)?;
    let id = state
        .app
        .create_election_authority(&manager, &body.into(), &meta)
        .await?;
    let election_authority = read_back(&state, &caller, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ElectionAuthorityResponse { election_authority }),
    ))
}

/// Replace an election authority's fields.
///
/// Board administrators and the Program Manager. The body is the whole set of fields, as for
/// create: an optional field left out (`population`, `zone`) is cleared. Contacts and
/// navigators are not touched.
#[utoipa::path(
    patch,
    path = "/api/v1/election-authorities/{id}",
    tag = "election authorities",
    params(ElectionAuthorityId),
    request_body = ElectionAuthorityRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ElectionAuthorityResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid, or the name is taken", body = ApiErrorBody),
    )
)]
pub async fn update_election_authority(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<ElectionAuthorityRequest>,
) -> Result<Json<ElectionAuthorityResponse>, ApiError> {
    let manager = caller.0.manage_registry().ok_or_else(ApiError::forbidden)?;
    state
        .app
        .update_election_authority(&manager, id, &body.into(), &meta)
        .await?;
    let election_authority = read_back(&state, &caller, id).await?;
    Ok(Json(ElectionAuthorityResponse { election_authority }))
}

/// Assign navigators to an election authority.
///
/// Board administrators and the Program Manager. Replaces the authority's navigators with the
/// accounts given; each must hold the navigator role.
#[utoipa::path(
    put,
    path = "/api/v1/election-authorities/{id}/navigators",
    tag = "election authorities",
    params(ElectionAuthorityId),
    request_body = NavigatorAssignmentRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Assigned; the authority as it now stands", body = ElectionAuthorityResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "An id is not a navigator's account", body = ApiErrorBody),
    )
)]
pub async fn assign_navigators(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<NavigatorAssignmentRequest>,
) -> Result<Json<ElectionAuthorityResponse>, ApiError> {
    let manager = caller.0.manage_registry().ok_or_else(ApiError::forbidden)?;
    state
        .app
        .assign_navigators(&manager, id, &body.navigators, &meta)
        .await?;
    let election_authority = read_back(&state, &caller, id).await?;
    Ok(Json(ElectionAuthorityResponse { election_authority }))
}
