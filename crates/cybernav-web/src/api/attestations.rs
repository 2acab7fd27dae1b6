//! Written verification (Part 213.50(b)): signing an attestation for an authority, listing its
//! attestations (with whether the facts changed since), downloading the signed file and its
//! printable letter, and the platform's public key for verifiers.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cybernav_app::AppError;
use cybernav_app::attestation::{ListedAttestation, StoredAttestation};
use cybernav_core::attestation::AttestationKind;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use super::participation::CycleQuery;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// An attestation, without its file.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationItem {
    /// Id.
    pub id: Uuid,
    /// `navigator_a3` (a navigator verifies 213.50(a)(3) to the Program Manager) or
    /// `program_manager_a` (the Program Manager verifies 213.50(a) to the Board).
    #[schema(example = "navigator_a3")]
    pub kind: String,
    /// The authority.
    pub election_authority: Uuid,
    /// The grant cycle.
    pub cycle: Uuid,
    /// The grant cycle's name when signed.
    pub cycle_name: String,
    /// Who signed: name.
    pub signer_name: String,
    /// Who signed: e-mail.
    pub signer_email: String,
    /// Who signed: role.
    pub signer_role: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub signed_at: OffsetDateTime,
    /// SHA-256 of the facts signed.
    pub facts_digest: String,
    /// SHA-256 of the same facts as recorded now.
    pub current_facts_digest: String,
    /// The facts changed since signing: the attestation no longer describes what is recorded.
    pub stale: bool,
    /// Fingerprint of the key that signed.
    pub key_fingerprint: String,
    /// Where to download the signed file.
    pub file_url: String,
    /// Where to download the printable letter.
    pub letter_url: String,
}

impl AttestationItem {
    fn new(a: StoredAttestation, current: String, stale: bool) -> Self {
        let d = &a.file.document;
        AttestationItem {
            id: a.row.id,
            kind: a.row.kind.clone(),
            election_authority: a.row.election_authority_id,
            cycle: a.row.cycle_id,
            cycle_name: d.grant_cycle.name.clone(),
            signer_name: d.signer.name.clone(),
            signer_email: d.signer.email.clone(),
            signer_role: d.signer.role.clone(),
            signed_at: a.row.signed_at,
            facts_digest: a.row.facts_digest.clone(),
            current_facts_digest: current,
            stale,
            key_fingerprint: a.row.key_fingerprint.clone(),
            file_url: format!("/api/v1/attestations/{}", a.row.id),
            letter_url: format!("/api/v1/attestations/{}/letter.pdf", a.row.id),
        }
    }
}

impl From<ListedAttestation> for AttestationItem {
    fn from(l: ListedAttestation) -> Self {
        AttestationItem::new(l.attestation, l.current_digest, l.stale)
    }
}

/// An authority's attestations, latest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationList {
    /// The attestations.
    pub attestations: Vec<AttestationItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One attestation.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationResponse {
    /// The attestation.
    pub attestation: AttestationItem,
}

/// What to verify.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestationRequest {
    /// `navigator_a3` or `program_manager_a`.
    #[schema(example = "navigator_a3")]
    pub kind: String,
}

/// Sign an attestation.
///
/// `navigator_a3`: a navigator assigned to the authority verifies to the Program Manager that
/// it met 213.50(a)(3) (213.50(b)(2)). `program_manager_a`: the Program Manager verifies to the
/// Board that it met all of 213.50(a) (213.50(b)(1)). Refused with 422, one error per unmet
/// requirement with its reasons, while the facts do not support it.
#[utoipa::path(
    post,
    path = "/api/v1/election-authorities/{id}/attestations",
    tag = "participation",
    params(ElectionAuthorityId, CycleQuery),
    request_body = AttestationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Signed", body = AttestationResponse),
        (status = 400, description = "The id or cycle is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may see the authority but may not give this verification", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope, or no such cycle", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Unknown kind, or requirements not met (each listed with its reasons)", body = ApiErrorBody),
    )
)]
pub async fn create_attestation(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiQuery(q): ApiQuery<CycleQuery>,
    ApiJson(body): ApiJson<AttestationRequest>,
) -> Result<(StatusCode, Json<AttestationResponse>), ApiError> {
    let kind = AttestationKind::parse(&body.kind).map_err(|e| AppError::invalid("kind", e))?;
    let stored = match kind {
        AttestationKind::NavigatorA3 => {
            let cap = caller.0.attest_as_navigator(id).map_err(AppError::from)?;
            state.app.attest_navigator(&cap, q.cycle, &meta).await?
        }
        AttestationKind::ProgramManagerA => {
            let cap = caller
                .0
                .attest_as_program_manager(id)
                .map_err(AppError::from)?;
            state
                .app
                .attest_program_manager(&cap, q.cycle, &meta)
                .await?
        }
    };
    let digest = stored.row.facts_digest.clone();
    Ok((
        StatusCode::CREATED,
        Json(AttestationResponse {
            attestation: AttestationItem::new(stored, digest, false),
        }),
    ))
}

/// List an authority's attestations.
///
/// Latest first, each with `stale` set when the facts it rests on changed since it was signed.
/// Everyone who may read the authority.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/attestations",
    tag = "participation",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The attestations", body = AttestationList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_attestations(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<AttestationList>, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let items: Vec<AttestationItem> = state
        .app
        .list_attestations(&reader, id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(AttestationList {
        meta: PageMeta::whole(items.len()),
        attestations: items,
    }))
}

/// An attestation's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AttestationId {
    /// The attestation's id.
    pub id: Uuid,
}

/// Download the signed attestation file.
///
/// The JSON file exactly as signed: the document, the public key, its fingerprint and the
/// Ed25519 signature. Check it with `cybernav attestation verify FILE`.
#[utoipa::path(
    get,
    path = "/api/v1/attestations/{id}",
    tag = "participation",
    params(AttestationId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed file (sent as an attachment)", content_type = "application/json", body = String),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such attestation for an authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_attestation_file(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(AttestationId { id }): ApiPath<AttestationId>,
) -> Result<Response, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let a = state.app.get_attestation(&reader, id).await?;
    Ok(attachment(
        "application/json",
        &format!("attestation-{id}.json"),
        a.row.file.into_bytes(),
    ))
}

/// Download the attestation's letter.
///
/// A one-page PDF letter to the addressee with the statement, the requirements and facts, the
/// signer and the fingerprints to check the signed file with.
#[utoipa::path(
    get,
    path = "/api/v1/attestations/{id}/letter.pdf",
    tag = "participation",
    params(AttestationId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The letter (sent as an attachment)", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such attestation for an authority in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn get_attestation_letter(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(AttestationId { id }): ApiPath<AttestationId>,
) -> Result<Response, ApiError> {
    let reader = caller.0.read_registry().ok_or_else(ApiError::forbidden)?;
    let pdf = state.app.attestation_letter(&reader, id).await?;
    Ok(attachment(
        "application/pdf",
        &format!("attestation-{id}.pdf"),
        pdf,
    ))
}

fn attachment(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The platform's attestation key.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationKeyItem {
    /// Always `Ed25519`.
    #[schema(example = "Ed25519")]
    pub algorithm: String,
    /// The public key, base64 (pass it to `cybernav attestation verify --public-key`).
    pub public_key: String,
    /// `sha256:` and the hex SHA-256 of the key bytes.
    pub fingerprint: String,
}

/// The key envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestationKeyResponse {
    /// The key.
    pub attestation_key: AttestationKeyItem,
}

/// The public key attestations are signed with.
///
/// Everyone signed in. Publish it so that anyone holding a signed file can check who signed it.
#[utoipa::path(
    get,
    path = "/api/v1/attestation-key",
    tag = "participation",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The key", body = AttestationKeyResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn get_attestation_key(
    _caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<AttestationKeyResponse>, ApiError> {
    let k = state.app.attestation_public_key().await?;
    Ok(Json(AttestationKeyResponse {
        attestation_key: AttestationKeyItem {
            algorithm: "Ed25519".into(),
            public_key: k.public_key,
            fingerprint: k.fingerprint,
        },
    }))
}
