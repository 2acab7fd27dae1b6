//! `/api/v1/zones`: the geographic zones navigators cover.

use axum::Json;
use axum::extract::State;
use cybernav_core::election_authority::Zone;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiErrorBody};

/// A navigator zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ZoneItem {
    /// Id.
    pub id: Uuid,
    /// Name, e.g. "Northeast".
    pub name: String,
}

impl From<Zone> for ZoneItem {
    fn from(z: Zone) -> Self {
        ZoneItem {
            id: z.id,
            name: z.name,
        }
    }
}

/// `{"zones": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneListResponse {
    /// Every zone, by name.
    pub zones: Vec<ZoneItem>,
    /// The whole collection on one page.
    pub meta: PageMeta,
}

/// List navigator zones.
///
/// Every zone, by name. Any signed-in role.
#[utoipa::path(
    get,
    path = "/api/v1/zones",
    tag = "zones",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The zones", body = ZoneListResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_zones(
    _caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<ZoneListResponse>, ApiError> {
    let zones: Vec<ZoneItem> = state
        .app
        .zones()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(ZoneListResponse {
        meta: PageMeta::whole(zones.len()),
        zones,
    }))
}
