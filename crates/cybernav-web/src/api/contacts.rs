//! Contacts of an election authority: `/api/v1/election-authorities/{id}/contacts` and
//! `/api/v1/contacts/{id}`.
//!
//! Reading follows the registry's scope. Editing needs the [`ContactEditor`] capability for
//! the contact's authority: the Board, the Program Manager, the authority's navigators and its
//! own election official. A caller who may see the authority but not edit it (its IT person, an
//! auditor) is answered 403; a caller who may not see it at all, 404.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::registry::ContactView;
use cybernav_core::authz::{Actor, ContactEditor};
use cybernav_core::contact::ContactInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// A contact at an election authority.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority_id: Uuid,
    /// Full name.
    pub name: String,
    /// Why the contact matters.
    #[schema(schema_with = super::contact_role_schema)]
    pub role: String,
    /// Employer, when not the authority itself (county IT, a vendor).
    pub organisation: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// When someone last confirmed these details (`YYYY-MM-DD`).
    #[schema(value_type = Option<String>, format = Date)]
    pub last_verified_on: Option<String>,
    /// Overdue for re-verification (never verified, or verified too long ago).
    pub stale: bool,
}

impl From<ContactView> for ContactItem {
    fn from(v: ContactView) -> Self {
        let c = v.contact;
        ContactItem {
            id: c.id,
            election_authority_id: c.election_authority_id,
            name: c.name,
            role: c.role.as_str().to_string(),
            organisation: c.organisation,
            phone: c.phone,
            email: c.email.map(|e| e.as_str().to_string()),
            last_verified_on: c.last_verified_on.map(super::date_string),
            stale: v.stale,
        }
    }
}

/// `{"contacts": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactListResponse {
    /// Every contact of the authority, election official first.
    pub contacts: Vec<ContactItem>,
    /// The whole collection on one page.
    pub meta: PageMeta,
}

/// `{"contact": {…}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactResponse {
    /// The contact.
    pub contact: ContactItem,
}

/// The fields of a contact, to add one or replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// Full name.
    #[schema(example = "Pat Example")]
    pub name: String,
    /// Why the contact matters.
    #[schema(schema_with = super::contact_role_schema)]
    pub role: String,
    /// Employer, when not the authority itself.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Phone number, 7 to 15 digits with the usual separators and an optional extension.
    #[serde(default)]
    #[schema(example = "217-555-0100")]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// When the details were last confirmed (`YYYY-MM-DD`, not in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub last_verified_on: Option<String>,
}

impl From<ContactRequest> for ContactInput {
    fn from(r: ContactRequest) -> Self {
        ContactInput {
            name: r.name,
            role: r.role,
            organisation: r.organisation,
            phone: r.phone,
            email: r.email,
            last_verified_on: r.last_verified_on,
        }
    }
}

/// A contact's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ContactId {
    /// The contact's id.
    pub id: Uuid,
}

/// The contact editor for authority `ea`, or the refusal the core rule chooses
/// ([`Actor::contact_editor_for`]): 403 in scope, 404 outside it.
fn contact_editor(actor: &Actor, ea: Uuid) -> Result<ContactEditor<'_>, ApiError> {
    Ok(actor.contact_editor_for(ea).map_err(AppError::from)?)
}

/// The authority of contact `id`, for a caller who may read the registry (403 first for a
/// role that may not, so such a caller learns nothing about which contacts exist).
async fn authority_of(state: &AppState, actor: &Actor, id: Uuid) -> Result<Uuid, ApiError> {
    actor.read_registry().ok_or_else(ApiError::forbidden)?;
    Ok(state.app.contact_authority(id).await?)
}

/// Contact `id` of authority `ea`, read back for the caller after a change.
async fn read_back(
    state: &AppState,
    caller: &ApiCaller,
    ea: Uuid,
    id: Uuid,
) -> Result<ContactItem, ApiError> {
    let authority = super::authorities::read_back(state, caller, ea).await?;
    authority
        .contacts
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(ApiError::not_found)
}

/// List an election authority's contacts.
///
/// Every contact of one authority in the caller's scope, election official first.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/contacts",
    tag = "contacts",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contacts", body = ContactListResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_contacts(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<ContactListResponse>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let detail = state.app.election_authority(&reader, id).await?;
    let contacts: Vec<ContactItem> = detail.contacts.into_iter().map(Into::into).collect();
    Ok(Json(ContactListResponse {
        meta: PageMeta::whole(contacts.len()),
        contacts,
    }))
}

/// Add a contact to an election authority.
///
/// The Board, the Program Manager, the authority's navigators and its election official.
/// Answers 201 with the new contact.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/contacts",
    tag = "contacts",
    params(ElectionAuthorityId),
    request_body = ContactRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = ContactResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not edit its contacts", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (one error per field)", body = ApiErrorBody),
    )
)]
pub async fn create_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<ContactRequest>,
) -> Result<(StatusCode, Json<ContactResponse>), ApiError> {
    let editor = contact_editor(&caller.0, id)?;
    let contact_id = state
        .app
        .add_contact(&editor, id, &body.into(), &meta)
        .await?;
    let contact = read_back(&state, &caller, id, contact_id).await?;
    Ok((StatusCode::CREATED, Json(ContactResponse { contact })))
}

/// Get one contact.
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(ContactId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contact", body = ContactResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such contact in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ContactId { id }): ApiPath<ContactId>,
) -> Result<Json<ContactResponse>, ApiError> {
    let ea = authority_of(&state, &caller.0, id).await?;
    let contact = read_back(&state, &caller, ea, id).await?;
    Ok(Json(ContactResponse { contact }))
}

/// Replace a contact's fields.
///
/// The body is the whole set of fields, as for adding one: an optional field left out is
/// cleared.
#[utoipa::path(
    patch,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(ContactId),
    request_body = ContactRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ContactResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the contact but not edit it", body = ApiErrorBody),
        (status = 404, description = "No such contact in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (one error per field)", body = ApiErrorBody),
    )
)]
pub async fn update_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ContactId { id }): ApiPath<ContactId>,
    ApiJson(body): ApiJson<ContactRequest>,
) -> Result<Json<ContactResponse>, ApiError> {
    let ea = authority_of(&state, &caller.0, id).await?;
    let editor = contact_editor(&caller.0, ea)?;
    state
        .app
        .update_contact(&editor, id, &body.into(), &meta)
        .await?;
    let contact = read_back(&state, &caller, ea, id).await?;
    Ok(Json(ContactResponse { contact }))
}

/// Remove a contact.
#[utoipa::path(
    delete,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(ContactId),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the contact but not edit it", body = ApiErrorBody),
        (status = 404, description = "No such contact in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn delete_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ContactId { id }): ApiPath<ContactId>,
) -> Result<StatusCode, ApiError> {
    let ea = authority_of(&state, &caller.0, id).await?;
    let editor = contact_editor(&caller.0, ea)?;
    state.app.delete_contact(&editor, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record that a contact's details were confirmed today.
///
/// Sets `last_verified_on` to today (UTC), which makes the contact no longer stale.
#[utoipa::path(
    post,
    path = "/api/v1/contacts/{id}/verify",
    tag = "contacts",
    params(ContactId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Verified", body = ContactResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the contact but not edit it", body = ApiErrorBody),
        (status = 404, description = "No such contact in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn verify_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ContactId { id }): ApiPath<ContactId>,
) -> Result<Json<ContactResponse>, ApiError> {
    let ea = authority_of(&state, &caller.0, id).await?;
    let editor = contact_editor(&caller.0, ea)?;
    state.app.verify_contact(&editor, id, &meta).await?;
    let contact = read_back(&state, &caller, ea, id).await?;
    Ok(Json(ContactResponse { contact }))
}
