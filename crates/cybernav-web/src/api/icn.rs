//! ICN connectivity (Part 213.20): each authority's circuits, their protections and allowlist
//! entries, the Board's switch to private addressing only, and the combined allowlist.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cybernav_app::AppError;
use cybernav_app::icn::{
    AddedEntry, AllowlistEntry, Circuit, CircuitInput, IcnSettings, ProtectionInput,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// Schema: a circuit's status.
fn circuit_status_schema() -> utoipa::openapi::schema::Object {
    use cybernav_core::icn::CircuitStatus;
    super::enum_schema(
        CircuitStatus::ALL.map(CircuitStatus::as_str),
        "Where the circuit stands.",
    )
}

/// Schema: a protection.
fn protection_schema() -> utoipa::openapi::schema::Object {
    use cybernav_core::icn::Protection;
    super::enum_schema(
        Protection::ALL.map(Protection::as_str),
        "A protective service on the connection (213.20(d)).",
    )
}

/// One protection of a circuit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtectionItem {
    /// Which.
    #[schema(schema_with = protection_schema)]
    pub protection: String,
    /// Whether it is in place; `null` when nothing was recorded yet.
    pub in_place: Option<bool>,
    /// Since when.
    #[schema(format = Date)]
    pub since: Option<String>,
    /// For the intrusion-detection sensor: its kind, e.g. "Albert".
    pub kind: Option<String>,
    /// For the intrusion-detection sensor: its id.
    pub sensor_id: Option<String>,
}

/// An allowlist entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowlistEntryItem {
    /// Id.
    pub id: Uuid,
    /// The network, normalised (`10.1.2.0/24`; a single address is `/32` or `/128`).
    #[schema(example = "10.1.2.0/24")]
    pub network: String,
    /// What it is.
    pub description: Option<String>,
    /// Public addressing: flagged, and refused once the Board requires private addressing.
    pub public: bool,
}

impl From<AllowlistEntry> for AllowlistEntryItem {
    fn from(e: AllowlistEntry) -> Self {
        AllowlistEntryItem {
            id: e.id,
            network: e.network.to_string(),
            description: e.description,
            public: e.public,
        }
    }
}

/// An ICN circuit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CircuitItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority: Uuid,
    /// DoIT's circuit id or the Board's reference.
    pub reference: String,
    /// Status.
    #[schema(schema_with = circuit_status_schema)]
    pub status: String,
    /// When the agreement to connect was signed.
    #[schema(format = Date)]
    pub agreement_signed_on: Option<String>,
    /// When it was connected.
    #[schema(format = Date)]
    pub connected_on: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Every protection, recorded or not.
    pub protections: Vec<ProtectionItem>,
    /// The allowlist entries, in address order.
    pub allowlist: Vec<AllowlistEntryItem>,
}

impl From<Circuit> for CircuitItem {
    fn from(c: Circuit) -> Self {
        let r = c.row;
        CircuitItem {
            id: r.id,
            election_authority: r.election_authority_id,
            reference: r.reference,
            status: c.status.as_str().to_string(),
            agreement_signed_on: r.agreement_signed_on.map(super::date_string),
            connected_on: r.connected_on.map(super::date_string),
            notes: r.notes,
            protections: c
                .protections
                .into_iter()
                .map(|p| ProtectionItem {
                    protection: p.protection.as_str().to_string(),
                    in_place: p.recorded.as_ref().map(|r| r.in_place),
                    since: p
                        .recorded
                        .as_ref()
                        .and_then(|r| r.since)
                        .map(super::date_string),
                    kind: p.recorded.as_ref().and_then(|r| r.kind.clone()),
                    sensor_id: p.recorded.and_then(|r| r.sensor_id),
                })
                .collect(),
            allowlist: c.entries.into_iter().map(Into::into).collect(),
        }
    }
}

/// An authority's circuits.
#[derive(Debug, Serialize, ToSchema)]
pub struct CircuitList {
    /// The circuits, by reference.
    pub icn_circuits: Vec<CircuitItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One circuit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CircuitResponse {
    /// The circuit.
    pub icn_circuit: CircuitItem,
}

/// A circuit's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitRequest {
    /// DoIT's circuit id or the Board's reference, unique.
    #[schema(example = "ICN-ADAMS-01")]
    pub reference: String,
    /// Status.
    #[schema(schema_with = circuit_status_schema)]
    pub status: String,
    /// When the agreement to connect was signed, `YYYY-MM-DD`.
    #[schema(format = Date)]
    #[serde(default)]
    pub agreement_signed_on: Option<String>,
    /// When it was connected, `YYYY-MM-DD`; today when the status is `connected` and this is
    /// left out.
    #[schema(format = Date)]
    #[serde(default)]
    pub connected_on: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
}

impl From<CircuitRequest> for CircuitInput {
    fn from(b: CircuitRequest) -> Self {
        CircuitInput {
            reference: b.reference,
            status: b.status,
            agreement_signed_on: b.agreement_signed_on,
            connected_on: b.connected_on,
            notes: b.notes,
        }
    }
}

/// The authority and the circuit, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CircuitPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The circuit's id.
    pub circuit: Uuid,
}

/// The authority, the circuit and the protection, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProtectionPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The circuit's id.
    pub circuit: Uuid,
    /// `firewall`, `ddos`, `soc` or `intrusion_detection`.
    pub protection: String,
}

/// The authority, the circuit and the allowlist entry, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryPath {
    /// The election authority's id.
    pub id: Uuid,
    /// The circuit's id.
    pub circuit: Uuid,
    /// The allowlist entry's id.
    pub entry: Uuid,
}

/// The circuit `circuit` of authority `ea`, read back for the caller.
async fn read_back(
    state: &AppState,
    caller: &ApiCaller,
    ea: Uuid,
    circuit: Uuid,
) -> Result<CircuitItem, ApiError> {
    let reader = caller.0.read_icn_of(ea).map_err(AppError::from)?;
    state
        .app
        .icn_circuits(&reader)
        .await?
        .into_iter()
        .find(|c| c.row.id == circuit)
        .map(Into::into)
        .ok_or_else(ApiError::not_found)
}

/// List an authority's ICN circuits.
///
/// With their protections and allowlist entries. Everyone who may read the authority.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/icn-circuits",
    tag = "icn",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The circuits", body = CircuitList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_icn_circuits(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<CircuitList>, ApiError> {
    let reader = caller.0.read_icn_of(id).map_err(AppError::from)?;
    let circuits: Vec<CircuitItem> = state
        .app
        .icn_circuits(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(CircuitList {
        meta: PageMeta::whole(circuits.len()),
        icn_circuits: circuits,
    }))
}

/// Record an ICN circuit.
///
/// The Board, the Program Manager and the authority's navigators. A circuit that is
/// `connected`, or has an agreement date, records the participation facts `icn.connected` and
/// `icn.agreement_signed` with it.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/icn-circuits",
    tag = "icn",
    params(ElectionAuthorityId),
    request_body = CircuitRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = CircuitResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its circuits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid, or the reference is taken", body = ApiErrorBody),
    )
)]
pub async fn create_icn_circuit(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(body): ApiJson<CircuitRequest>,
) -> Result<(StatusCode, Json<CircuitResponse>), ApiError> {
    let manager = caller.0.manage_icn_of(id).map_err(AppError::from)?;
    let circuit = state
        .app
        .create_circuit(&manager, &body.into(), &meta)
        .await?;
    let item = read_back(&state, &caller, id, circuit).await?;
    Ok((
        StatusCode::CREATED,
        Json(CircuitResponse { icn_circuit: item }),
    ))
}

/// Change an ICN circuit.
///
/// Every field is given again (as when it was recorded). The participation facts follow the
/// status and the agreement date.
#[utoipa::path(
    patch,
    path = "/api/v1/election-authorities/{id}/icn-circuits/{circuit}",
    tag = "icn",
    params(CircuitPath),
    request_body = CircuitRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = CircuitResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its circuits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such circuit of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid, or the reference is taken", body = ApiErrorBody),
    )
)]
pub async fn update_icn_circuit(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CircuitPath { id, circuit }): ApiPath<CircuitPath>,
    ApiJson(body): ApiJson<CircuitRequest>,
) -> Result<Json<CircuitResponse>, ApiError> {
    let manager = caller.0.manage_icn_of(id).map_err(AppError::from)?;
    state
        .app
        .update_circuit(&manager, circuit, &body.into(), &meta)
        .await?;
    let item = read_back(&state, &caller, id, circuit).await?;
    Ok(Json(CircuitResponse { icn_circuit: item }))
}

/// A protection's new value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtectionRequest {
    /// Whether it is in place.
    pub in_place: bool,
    /// Since when, `YYYY-MM-DD`.
    #[schema(format = Date)]
    #[serde(default)]
    pub since: Option<String>,
    /// For `intrusion_detection` only: the sensor's kind, e.g. "Albert".
    #[serde(default)]
    pub kind: Option<String>,
    /// For `intrusion_detection` only: the sensor's id.
    #[serde(default)]
    pub sensor_id: Option<String>,
}

/// Record a protection of a circuit.
///
/// Firewall, DDoS protection, 24/7 SOC monitoring, or the intrusion-detection sensor with its
/// kind and id (213.20(d)). Answers with the circuit.
#[utoipa::path(
    put,
    path = "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/protections/{protection}",
    tag = "icn",
    params(ProtectionPath),
    request_body = ProtectionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = CircuitResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its circuits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such circuit of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Unknown protection, a date in the future, a sensor kind on another protection", body = ApiErrorBody),
    )
)]
pub async fn put_icn_protection(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ProtectionPath {
        id,
        circuit,
        protection,
    }): ApiPath<ProtectionPath>,
    ApiJson(body): ApiJson<ProtectionRequest>,
) -> Result<Json<CircuitResponse>, ApiError> {
    let manager = caller.0.manage_icn_of(id).map_err(AppError::from)?;
    let input = ProtectionInput {
        in_place: body.in_place,
        since: body.since,
        kind: body.kind,
        sensor_id: body.sensor_id,
    };
    state
        .app
        .set_protection(&manager, circuit, &protection, &input, &meta)
        .await?;
    let item = read_back(&state, &caller, id, circuit).await?;
    Ok(Json(CircuitResponse { icn_circuit: item }))
}

/// A network to allowlist.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowlistEntryRequest {
    /// One address or a CIDR network, IPv4 or IPv6, with no host bits set.
    #[schema(example = "10.1.2.0/24")]
    pub network: String,
    /// What it is (the clerk's office LAN, the tabulation room).
    #[serde(default)]
    pub description: Option<String>,
}

/// The entry just added.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowlistEntryResponse {
    /// The entry.
    pub allowlist_entry: AllowlistEntryItem,
    /// For public addressing: why it is flagged and what to plan for.
    pub warning: Option<String>,
}

impl From<AddedEntry> for AllowlistEntryResponse {
    fn from(a: AddedEntry) -> Self {
        AllowlistEntryResponse {
            allowlist_entry: a.entry.into(),
            warning: a.warning,
        }
    }
}

/// Add a network to a circuit's allowlist.
///
/// Refused (422, field `network`): not an address or network; host bits set (the answer names
/// the network meant); loopback, link-local, multicast and the like; overlapping another
/// authority's entry (named) or one of this authority's (a duplicate); public addressing while
/// the Board requires private addressing only (213.20(a)(2)). Public addressing is otherwise
/// accepted with a `warning`.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/allowlist",
    tag = "icn",
    params(CircuitPath),
    request_body = AllowlistEntryRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = AllowlistEntryResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its circuits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such circuit of it", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The network is invalid, overlaps another entry, or is public while only private addressing is allowed", body = ApiErrorBody),
    )
)]
pub async fn create_allowlist_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CircuitPath { id, circuit }): ApiPath<CircuitPath>,
    ApiJson(body): ApiJson<AllowlistEntryRequest>,
) -> Result<(StatusCode, Json<AllowlistEntryResponse>), ApiError> {
    let manager = caller.0.manage_icn_of(id).map_err(AppError::from)?;
    let added = state
        .app
        .add_allowlist_entry(
            &manager,
            circuit,
            &body.network,
            body.description.as_deref(),
            &meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(added.into())))
}

/// Remove a network from a circuit's allowlist.
#[utoipa::path(
    delete,
    path = "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/allowlist/{entry}",
    tag = "icn",
    params(EntryPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "An id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but not manage its circuits", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such circuit or entry of it", body = ApiErrorBody),
    )
)]
pub async fn delete_allowlist_entry(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(EntryPath { id, circuit, entry }): ApiPath<EntryPath>,
) -> Result<StatusCode, ApiError> {
    let manager = caller.0.manage_icn_of(id).map_err(AppError::from)?;
    state
        .app
        .remove_allowlist_entry(&manager, circuit, entry, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The Board's ICN settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct IcnSettingsItem {
    /// Only private addressing may be allowlisted (213.20(a)(2)).
    pub private_addressing_only: bool,
    /// When it was last changed; `null` if never.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub updated_at: Option<OffsetDateTime>,
}

impl From<IcnSettings> for IcnSettingsItem {
    fn from(s: IcnSettings) -> Self {
        IcnSettingsItem {
            private_addressing_only: s.private_addressing_only,
            updated_at: s.updated_at,
        }
    }
}

/// The settings envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct IcnSettingsResponse {
    /// The settings.
    pub icn_settings: IcnSettingsItem,
}

/// New settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IcnSettingsRequest {
    /// Only private addressing may be allowlisted.
    pub private_addressing_only: bool,
}

/// Read the Board's ICN settings.
///
/// Every role that reads the registry.
#[utoipa::path(
    get,
    path = "/api/v1/icn/settings",
    tag = "icn",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = IcnSettingsResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
    )
)]
pub async fn get_icn_settings(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<IcnSettingsResponse>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let s = state.app.icn_settings(&reader).await?;
    Ok(Json(IcnSettingsResponse {
        icn_settings: s.into(),
    }))
}

/// Change the Board's ICN settings.
///
/// Board administrators and the Program Manager. Turning `private_addressing_only` on is
/// refused (422) while public entries remain; the answer counts them and names the first few.
#[utoipa::path(
    put,
    path = "/api/v1/icn/settings",
    tag = "icn",
    request_body = IcnSettingsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = IcnSettingsResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not change the settings", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Public entries remain", body = ApiErrorBody),
    )
)]
pub async fn put_icn_settings(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<IcnSettingsRequest>,
) -> Result<Json<IcnSettingsResponse>, ApiError> {
    let manager = caller
        .0
        .manage_icn_settings()
        .ok_or_else(ApiError::forbidden)?;
    let s = state
        .app
        .set_private_addressing_only(&manager, body.private_addressing_only, &meta)
        .await?;
    Ok(Json(IcnSettingsResponse {
        icn_settings: s.into(),
    }))
}

/// The export's format.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AllowlistFormat {
    /// JSON.
    #[default]
    Json,
    /// Plain text: one network per line, `#` comment lines per authority and circuit.
    Text,
}

/// How to export the allowlist.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AllowlistQuery {
    /// `json` (the default) or `text`.
    #[serde(default)]
    pub format: AllowlistFormat,
}

/// One line of the combined allowlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowlistExportItem {
    /// The network, normalised.
    #[schema(example = "10.1.2.0/24")]
    pub network: String,
    /// The authority's name.
    pub election_authority: String,
    /// The circuit's reference.
    pub circuit: String,
    /// Public addressing.
    pub public: bool,
}

/// The combined allowlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowlistExport {
    /// By authority, circuit and address.
    pub allowlist: Vec<AllowlistExportItem>,
    /// When it was read.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub generated_at: OffsetDateTime,
}

/// Export the combined allowlist.
///
/// Every authority's networks, for firewalls and log scanners: JSON, or with `format=text`
/// plain text with one network per line and a `# authority — circuit` comment line per group.
/// The Board, the Program Manager and auditors. `cybernav allowlist export` prints the same.
#[utoipa::path(
    get,
    path = "/api/v1/icn/allowlist",
    tag = "icn",
    params(AllowlistQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The allowlist: JSON, or text with `format=text`", content(
            (AllowlistExport = "application/json"),
            (String = "text/plain"),
        )),
        (status = 400, description = "Unknown format or parameter", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the combined allowlist", body = ApiErrorBody),
    )
)]
pub async fn get_allowlist(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AllowlistQuery>,
) -> Result<Response, ApiError> {
    let reader = caller.0.read_allowlist().ok_or_else(ApiError::forbidden)?;
    let list = state.app.allowlist(&reader).await?;
    Ok(match q.format {
        AllowlistFormat::Text => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            list.to_text(),
        )
            .into_response(),
        AllowlistFormat::Json => Json(AllowlistExport {
            allowlist: list
                .allowlist
                .into_iter()
                .map(|i| AllowlistExportItem {
                    network: i.network.to_string(),
                    election_authority: i.election_authority,
                    circuit: i.circuit,
                    public: i.public,
                })
                .collect(),
            generated_at: list.generated_at,
        })
        .into_response(),
    })
}
