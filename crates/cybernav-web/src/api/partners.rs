//! `/api/v1/partner-organisations`: vetted partner organisations, the "who to contact"
//! directory of 213.30(a)(9).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::store::rows::PartnerOrg;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::ApiJson;
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// A vetted partner organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerOrganisationItem {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// What the organisation is.
    #[schema(schema_with = super::partner_kind_schema)]
    pub kind: String,
    /// Free notes (how to reach them in an incident).
    pub notes: Option<String>,
}

impl From<PartnerOrg> for PartnerOrganisationItem {
    fn from(p: PartnerOrg) -> Self {
        PartnerOrganisationItem {
            id: p.id,
            name: p.name,
            kind: p.kind.as_str().to_string(),
            notes: p.notes,
        }
    }
}

/// `{"partner_organisations": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOrganisationListResponse {
    /// Every partner organisation, by name.
    pub partner_organisations: Vec<PartnerOrganisationItem>,
    /// The whole collection on one page.
    pub meta: PageMeta,
}

/// `{"partner_organisation": {…}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOrganisationResponse {
    /// The organisation.
    pub partner_organisation: PartnerOrganisationItem,
}

/// A new partner organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerOrganisationRequest {
    /// Name, unique.
    #[schema(example = "Statewide Terrorism and Intelligence Center")]
    pub name: String,
    /// What the organisation is.
    #[schema(schema_with = super::partner_kind_schema)]
    pub kind: String,
    /// Free notes (how to reach them in an incident).
    #[serde(default)]
    pub notes: Option<String>,
}

/// List partner organisations.
///
/// Every vetted partner organisation, by name. Any signed-in role.
#[utoipa::path(
    get,
    path = "/api/v1/partner-organisations",
    tag = "partner organisations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisations", body = PartnerOrganisationListResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_partner_organisations(
    _caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<PartnerOrganisationListResponse>, ApiError> {
    let orgs: Vec<PartnerOrganisationItem> = state
        .app
        .partner_orgs()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(PartnerOrganisationListResponse {
        meta: PageMeta::whole(orgs.len()),
        partner_organisations: orgs,
    }))
}

/// Add a partner organisation.
///
/// Board administrators and the Program Manager. Answers 201 with the new organisation.
#[utoipa::path(
    post,
    path = "/api/v1/partner-organisations",
    tag = "partner organisations",
    request_body = PartnerOrganisationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = PartnerOrganisationResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage the registry", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid, or the name is taken", body = ApiErrorBody),
    )
)]
pub async fn create_partner_organisation(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<PartnerOrganisationRequest>,
) -> Result<(StatusCode, Json<PartnerOrganisationResponse>), ApiError> {
    let manager = caller.0.manage_registry().ok_or_else(ApiError::forbidden)?;
    let id = state
        .app
        .create_partner_org(
            &manager,
            &body.name,
            &body.kind,
            body.notes.as_deref(),
            &meta,
        )
        .await?;
    let created = state
        .app
        .partner_orgs()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok((
        StatusCode::CREATED,
        Json(PartnerOrganisationResponse {
            partner_organisation: created.into(),
        }),
    ))
}
