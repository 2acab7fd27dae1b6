//! `/api/v1/audit-events`: the hash-chained audit log, newest first.

use axum::Json;
use axum::extract::State;
use cybernav_app::store::audit::AuditQuery;
use cybernav_core::audit::AuditRecord;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::ApiQuery;
use super::pagination::{Page, PageMeta, PageRequest, PerPage};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiErrorBody};

/// One record of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventItem {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Record id.
    pub id: Uuid,
    /// When it happened (RFC 3339, UTC).
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub occurred_at: OffsetDateTime,
    /// Who acted; `null` for the system.
    pub actor_id: Option<Uuid>,
    /// The actor's e-mail at the time, or `system`.
    pub actor_label: String,
    /// What was done, as `noun.verb`, e.g. `election_authority.update`.
    #[schema(example = "election_authority.update")]
    pub action: String,
    /// The kind of thing changed, e.g. `election_authority`.
    pub entity_type: String,
    /// Which one.
    pub entity_id: Option<String>,
    /// The client address, when the change came from a request.
    pub ip: Option<String>,
    /// The fields that changed, as `{"field": {"from": …, "to": …}}`.
    pub changes: serde_json::Value,
    /// The previous record's hash (hex SHA-256).
    pub prev_hash: String,
    /// This record's hash (hex SHA-256).
    pub hash: String,
}

impl From<AuditRecord> for AuditEventItem {
    fn from(r: AuditRecord) -> Self {
        AuditEventItem {
            seq: r.seq,
            id: r.id,
            occurred_at: r.occurred_at,
            actor_id: r.event.actor_id,
            actor_label: r.event.actor_label,
            action: r.event.action,
            entity_type: r.event.entity_type,
            entity_id: r.event.entity_id,
            ip: r.event.ip,
            changes: r.event.changes,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// `{"audit_events": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventListResponse {
    /// One page of records, newest first.
    pub audit_events: Vec<AuditEventItem>,
    /// Where the page sits.
    pub meta: PageMeta,
}

/// Parses an optional RFC 3339 instant, naming the expected form when it does not parse.
fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let raw = String::deserialize(d)?;
    OffsetDateTime::parse(raw.trim(), &Rfc3339).map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "'{raw}' is not an RFC 3339 instant: write it like 2026-03-15T14:00:00Z (percent-encode a '+' offset as %2B)"
        ))
    })
}

/// Filters and page of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditEventListQuery {
    /// Actor e-mail contains this (case-insensitive).
    pub actor: Option<String>,
    /// Action starts with this, e.g. `contact.` or `election_authority.update`.
    pub action: Option<String>,
    /// Entity type equals this, e.g. `election_authority`.
    pub entity_type: Option<String>,
    /// Entity id equals this.
    pub entity_id: Option<String>,
    /// At or after this instant (RFC 3339).
    #[serde(default, deserialize_with = "rfc3339")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<OffsetDateTime>,
    /// Before this instant (RFC 3339).
    #[serde(default, deserialize_with = "rfc3339")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<OffsetDateTime>,
    /// Page, from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<Page>,
    /// Rows a page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 25)]
    pub per_page: Option<PerPage>,
}

/// List audit events.
///
/// Board administrators and auditors. The audit log, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/audit-events",
    tag = "audit",
    params(AuditEventListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit events", body = AuditEventListResponse),
        (status = 400, description = "A query parameter is malformed or out of range", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the audit log", body = ApiErrorBody),
    )
)]
pub async fn list_audit_events(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AuditEventListQuery>,
) -> Result<Json<AuditEventListResponse>, ApiError> {
    let reader = caller.0.read_audit().ok_or_else(ApiError::forbidden)?;
    let page = PageRequest::new(query.page, query.per_page);
    let filter = AuditQuery {
        actor: query.actor,
        action: query.action,
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        from: query.from,
        until: query.until,
        page: page.page,
        per_page: page.per_page,
    };
    let (records, total) =
        cybernav_app::audit::list_audit(&state.app.store, &reader, &filter).await?;
    Ok(Json(AuditEventListResponse {
        audit_events: records.into_iter().map(Into::into).collect(),
        meta: page.meta(total),
    }))
}
