//! `/api/v1/people` and `/api/v1/invitations`: accounts, their roles, and inviting people.
//!
//! Answers never carry password hashes, TOTP secrets or tokens: [`PersonItem`] has no field
//! for them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::people::{InvitationInput, Person};
use cybernav_app::store::users::UserQuery;
use cybernav_core::role::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// A person with an account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonItem {
    /// Account id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role.
    #[schema(schema_with = super::role_schema)]
    pub role: String,
    /// Own election authority's id (election officials and election authority IT).
    pub election_authority_id: Option<Uuid>,
    /// Own election authority's name.
    pub election_authority: Option<String>,
    /// Partner organisation's id (vetted partners).
    pub partner_org_id: Option<Uuid>,
    /// `invited`, `active` or `disabled`.
    #[schema(example = "active")]
    pub status: String,
    /// Whether a second factor is set up.
    pub mfa_enabled: bool,
    /// Last sign-in (RFC 3339, UTC).
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub last_login_at: Option<OffsetDateTime>,
}

impl From<Person> for PersonItem {
    fn from(p: Person) -> Self {
        PersonItem {
            id: p.id,
            email: p.email,
            name: p.name,
            role: p.role.as_str().to_string(),
            election_authority_id: p.election_authority_id,
            election_authority: p.election_authority,
            partner_org_id: p.partner_org_id,
            status: p.status,
            mfa_enabled: p.mfa_enabled,
            last_login_at: p.last_login_at,
        }
    }
}

/// `{"people": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonListResponse {
    /// The people matching, by name.
    pub people: Vec<PersonItem>,
    /// The whole collection on one page.
    pub meta: PageMeta,
}

/// Filters of the people listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonListQuery {
    /// Only people with this role.
    #[param(schema_with = super::role_schema)]
    pub role: Option<Role>,
    /// Only people of this election authority (id).
    pub election_authority: Option<Uuid>,
}

/// An invitation: the account is created without a password and the person is e-mailed a
/// link to choose one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// E-mail address; must not have an account yet.
    #[schema(example = "clerk@adams.example.gov")]
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role. The Program Manager may invite navigators, county users and partners; only a
    /// Board administrator gives the other roles.
    #[schema(schema_with = super::role_schema)]
    pub role: String,
    /// Own election authority: required for `ea_official` and `ea_it`, refused otherwise.
    #[serde(default)]
    pub election_authority_id: Option<Uuid>,
    /// Partner organisation: required for `partner`, refused otherwise.
    #[serde(default)]
    pub partner_org_id: Option<Uuid>,
}

impl From<InvitationRequest> for InvitationInput {
    fn from(r: InvitationRequest) -> Self {
        InvitationInput {
            email: r.email,
            name: r.name,
            role: r.role,
            election_authority_id: r.election_authority_id.map(|id| id.to_string()),
            partner_org_id: r.partner_org_id.map(|id| id.to_string()),
        }
    }
}

/// `{"user_id": …}`: the invited person's new account.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    /// The new account's id.
    pub user_id: Uuid,
}

/// List people.
///
/// Board administrators, the Program Manager and auditors. Every account, by name.
#[utoipa::path(
    get,
    path = "/api/v1/people",
    tag = "people",
    params(PersonListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The people", body = PersonListResponse),
        (status = 400, description = "A query parameter is malformed", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not list people", body = ApiErrorBody),
    )
)]
pub async fn list_people(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PersonListQuery>,
) -> Result<Json<PersonListResponse>, ApiError> {
    let reader = caller.0.read_people().ok_or_else(ApiError::forbidden)?;
    let filter = UserQuery {
        role: query.role.map(|r| r.as_str().to_string()),
        election_authority_id: query.election_authority,
    };
    let people: Vec<PersonItem> = state
        .app
        .list_people(&reader, &filter)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(PersonListResponse {
        meta: PageMeta::whole(people.len()),
        people,
    }))
}

/// Invite a person.
///
/// Board administrators and the Program Manager. Creates the account and e-mails an
/// invitation link. Answers 201 with the new account's id.
#[utoipa::path(
    post,
    path = "/api/v1/invitations",
    tag = "people",
    request_body = InvitationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited", body = InvitationResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not invite people", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid, the role may not be given by the caller, or the e-mail has an account", body = ApiErrorBody),
    )
)]
pub async fn create_invitation(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<InvitationRequest>,
) -> Result<(StatusCode, Json<InvitationResponse>), ApiError> {
    let manager = caller.0.manage_people().ok_or_else(ApiError::forbidden)?;
    let user_id = state.app.invite(&manager, &body.into(), &meta).await?;
    Ok((StatusCode::CREATED, Json(InvitationResponse { user_id })))
}
