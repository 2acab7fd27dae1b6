//! The incident-response directory (Part 213.30(a)(9)): entries the caller sees, their
//! changes, verification and the CSV export (the JSON export is the listing itself).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cybernav_app::AppError;
use cybernav_app::directory::DirectoryEntry;
use cybernav_core::directory::{EntryInput, EntryKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        EntryKind::ALL.map(EntryKind::as_str),
        "What the organisation is.",
    )
}

fn scope_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        ["statewide", "zone", "authority"],
        "Where the entry applies: every authority, one zone's (scope_id names the zone) or one authority (scope_id names it).",
    )
}

/// A directory entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryItem {
    /// Id.
    pub id: Uuid,
    /// The organisation.
    pub organisation: String,
    /// Kind.
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    /// Scope.
    #[schema(schema_with = scope_schema)]
    pub scope: String,
    /// The zone or authority of a zone or authority scope.
    pub scope_id: Option<Uuid>,
    /// "Statewide", the zone's or the authority's name.
    pub scope_name: String,
    /// The 24/7 number.
    pub phone_24x7: Option<String>,
    /// The business-hours number.
    pub business_phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Secure channel (HSIN, Signal, a portal).
    pub secure_channel: Option<String>,
    /// What to call them for.
    pub call_for: Option<String>,
    /// Escalation order, 1 called first.
    pub escalation_order: i32,
    /// When the details were last confirmed.
    #[schema(format = Date)]
    pub last_verified_on: Option<String>,
    /// Who confirmed them.
    pub verified_by: Option<String>,
    /// Not verified for more than 180 days, or never.
    pub needs_checking: bool,
}

impl From<DirectoryEntry> for DirectoryItem {
    fn from(e: DirectoryEntry) -> Self {
        let r = e.row;
        DirectoryItem {
            id: r.id,
            organisation: r.organisation,
            kind: r.kind,
            scope: r.scope_kind,
            scope_id: e.scope.id(),
            scope_name: e.scope_name,
            phone_24x7: r.phone_24x7,
            business_phone: r.business_phone,
            email: r.email,
            secure_channel: r.secure_channel,
            call_for: r.call_for,
            escalation_order: r.escalation_order,
            last_verified_on: r.last_verified_on.map(super::date_string),
            verified_by: r.verified_by_name,
            needs_checking: e.needs_checking,
        }
    }
}

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryResponse {
    /// The entry.
    pub entry: DirectoryItem,
}

/// Entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryList {
    /// In escalation order.
    pub entries: Vec<DirectoryItem>,
    /// How many.
    pub meta: PageMeta,
}

/// An entry, as sent to create or replace one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryRequest {
    /// The organisation.
    #[schema(example = "Statewide Terrorism and Intelligence Center")]
    pub organisation: String,
    /// Kind.
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    /// Scope.
    #[schema(schema_with = scope_schema)]
    pub scope: String,
    /// The zone or authority, for a zone or authority scope.
    #[serde(default)]
    pub scope_id: Option<String>,
    /// The 24/7 number: E.164 (`+12175550100`) or the usual way, with an optional extension.
    #[serde(default)]
    pub phone_24x7: Option<String>,
    /// The business-hours number.
    #[serde(default)]
    pub business_phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Secure channel, free text.
    #[serde(default)]
    pub secure_channel: Option<String>,
    /// What to call them for.
    #[serde(default)]
    pub call_for: Option<String>,
    /// Escalation order, 1 to 99, 1 first.
    pub escalation_order: i64,
    /// When the details were last confirmed (`YYYY-MM-DD`).
    #[serde(default)]
    pub last_verified_on: Option<String>,
}

impl From<DirectoryRequest> for EntryInput {
    fn from(b: DirectoryRequest) -> Self {
        EntryInput {
            organisation: b.organisation,
            kind: b.kind,
            scope: b.scope,
            scope_id: b.scope_id,
            phone_24x7: b.phone_24x7,
            business_phone: b.business_phone,
            email: b.email,
            secure_channel: b.secure_channel,
            call_for: b.call_for,
            escalation_order: Some(b.escalation_order.to_string()),
            last_verified_on: b.last_verified_on,
        }
    }
}

/// The entry, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryPath {
    /// The entry's id.
    pub id: Uuid,
}

async fn item(state: &AppState, caller: &ApiCaller, id: Uuid) -> Result<DirectoryItem, ApiError> {
    let reader = caller.0.read_directory();
    Ok(state.app.directory_entry(&reader, id).await?.into())
}

#[utoipa::path(
    get,
    path = "/api/v1/directory",
    tag = "directory",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entries that apply to the caller, in escalation order", body = DirectoryList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_directory(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<DirectoryList>, ApiError> {
    let reader = caller.0.read_directory();
    let entries: Vec<DirectoryItem> = state
        .app
        .directory(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(DirectoryList {
        meta: PageMeta::whole(entries.len()),
        entries,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/directory",
    tag = "directory",
    request_body = DirectoryRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = DirectoryResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not edit the directory", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_directory_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<DirectoryRequest>,
) -> Result<(StatusCode, Json<DirectoryResponse>), ApiError> {
    let cap = caller.0.edit_directory().ok_or(AppError::Forbidden)?;
    let id = state
        .app
        .create_directory_entry(&cap, &body.into(), &meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DirectoryResponse {
            entry: item(&state, &caller, id).await?,
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/directory/export.csv",
    tag = "directory",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entries that apply to the caller, as CSV", content_type = "text/csv"),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn export_directory(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let reader = caller.0.read_directory();
    let csv = state.app.directory_csv(&reader).await?;
    Ok(csv_response(csv))
}

/// The CSV download of the directory.
pub(crate) fn csv_response(csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incident-response-directory.csv\"".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        csv,
    )
        .into_response()
}

#[utoipa::path(
    get,
    path = "/api/v1/directory/{id}",
    tag = "directory",
    params(EntryPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entry", body = DirectoryResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such entry that applies to the caller", body = ApiErrorBody),
    )
)]
pub async fn get_directory_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(EntryPath { id }): ApiPath<EntryPath>,
) -> Result<Json<DirectoryResponse>, ApiError> {
    Ok(Json(DirectoryResponse {
        entry: item(&state, &caller, id).await?,
    }))
}

#[utoipa::path(
    put,
    path = "/api/v1/directory/{id}",
    tag = "directory",
    params(EntryPath),
    request_body = DirectoryRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced", body = DirectoryResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller sees the entry but may not edit it", body = ApiErrorBody),
        (status = 404, description = "No such entry that applies to the caller", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn put_directory_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(EntryPath { id }): ApiPath<EntryPath>,
    ApiJson(body): ApiJson<DirectoryRequest>,
) -> Result<Json<DirectoryResponse>, ApiError> {
    item(&state, &caller, id).await?;
    let cap = caller.0.edit_directory().ok_or(AppError::Forbidden)?;
    state
        .app
        .update_directory_entry(&cap, id, &body.into(), &meta)
        .await?;
    Ok(Json(DirectoryResponse {
        entry: item(&state, &caller, id).await?,
    }))
}

#[utoipa::path(
    delete,
    path = "/api/v1/directory/{id}",
    tag = "directory",
    params(EntryPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller sees the entry but may not edit it", body = ApiErrorBody),
        (status = 404, description = "No such entry that applies to the caller", body = ApiErrorBody),
    )
)]
pub async fn delete_directory_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(EntryPath { id }): ApiPath<EntryPath>,
) -> Result<StatusCode, ApiError> {
    item(&state, &caller, id).await?;
    let cap = caller.0.edit_directory().ok_or(AppError::Forbidden)?;
    state.app.delete_directory_entry(&cap, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/directory/{id}/verification",
    tag = "directory",
    params(EntryPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Marked verified today by the caller", body = DirectoryResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller sees the entry but may not verify it", body = ApiErrorBody),
        (status = 404, description = "No such entry that applies to the caller", body = ApiErrorBody),
    )
)]
pub async fn verify_directory_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(EntryPath { id }): ApiPath<EntryPath>,
) -> Result<Json<DirectoryResponse>, ApiError> {
    item(&state, &caller, id).await?;
    let cap = caller.0.verify_directory().ok_or(AppError::Forbidden)?;
    state.app.verify_directory_entry(&cap, id, &meta).await?;
    Ok(Json(DirectoryResponse {
        entry: item(&state, &caller, id).await?,
    }))
}
