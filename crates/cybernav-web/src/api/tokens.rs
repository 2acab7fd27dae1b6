//! `/api/v1/tokens`: the caller's own API tokens (metadata only; a token's secret is shown
//! once, when it is created, and stored only as a hash).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::store::users::ApiTokenRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::ApiPath;
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// An API token's metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenItem {
    /// Id.
    pub id: Uuid,
    /// Name its owner gave it.
    pub name: String,
    /// Created (RFC 3339, UTC).
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub created_at: OffsetDateTime,
    /// Last used, at a minute's precision (RFC 3339, UTC).
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub last_used_at: Option<OffsetDateTime>,
    /// Revoked (RFC 3339, UTC); a revoked token no longer authenticates.
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<ApiTokenRow> for TokenItem {
    fn from(t: ApiTokenRow) -> Self {
        TokenItem {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// `{"tokens": […], "meta": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenListResponse {
    /// The caller's tokens, newest first, revoked ones included.
    pub tokens: Vec<TokenItem>,
    /// The whole collection on one page.
    pub meta: PageMeta,
}

/// A token's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenId {
    /// The token's id.
    pub id: Uuid,
}

/// List the caller's API tokens.
///
/// The caller's own tokens, metadata only, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens", body = TokenListResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_tokens(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<TokenListResponse>, ApiError> {
    let tokens: Vec<TokenItem> = state
        .app
        .list_api_tokens(&caller.0)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(TokenListResponse {
        meta: PageMeta::whole(tokens.len()),
        tokens,
    }))
}

/// Revoke one of the caller's API tokens.
///
/// The token stops working at once (the one making this request too, if it is the one
/// revoked). Another person's token, or one already revoked, answers 404.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "account",
    params(TokenId),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such live token of the caller's", body = ApiErrorBody),
    )
)]
pub async fn revoke_token(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(TokenId { id }): ApiPath<TokenId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_api_token(&caller.0, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
