//! The daily digest (Part 213.30(a)(8)): the runs and what one person received, for the
//! Program Manager, the Board and auditors (receipts are item ids and marking labels, never
//! content); and each person's own choice to receive it.

use axum::Json;
use axum::extract::State;
use cybernav_app::AppError;
use cybernav_app::sharing::digest::ReceivedDigest;
use cybernav_app::store::digest::DigestRunRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// How many to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DigestLimitQuery {
    /// How many, 1 to 200 for runs and 1 to 100 for a person's digests (30 when left out).
    pub limit: Option<i64>,
}

/// Digest runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct DigestRunList {
    /// Paging.
    pub meta: PageMeta,
    /// Newest first: date, window, when, counts (`recipients`, `sent`, `skipped`, `items`).
    #[schema(value_type = Vec<Object>)]
    pub runs: Vec<DigestRunRow>,
}

/// The last digest runs.
///
/// Each run's date, window and counts, newest first. The Board, the Program Manager and
/// auditors.
#[utoipa::path(
    get,
    path = "/api/v1/digest/runs",
    tag = "sharing",
    params(DigestLimitQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The runs", body = DigestRunList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the digest history", body = ApiErrorBody),
    )
)]
pub async fn list_digest_runs(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DigestLimitQuery>,
) -> Result<Json<DigestRunList>, ApiError> {
    let cap = caller.0.read_digest_history().ok_or(AppError::Forbidden)?;
    let runs = state.app.digest_runs(&cap, q.limit.unwrap_or(30)).await?;
    Ok(Json(DigestRunList {
        meta: PageMeta::whole(runs.len()),
        runs,
    }))
}

/// The person, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DigestPersonPath {
    /// The person's account id.
    pub id: Uuid,
}

/// What one person received.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedDigestList {
    /// Paging.
    pub meta: PageMeta,
    /// Newest first: each digest (`send`: date, address, subject marking, item count) with its
    /// `receipts` (`item_kind`, `item_id`, `marking`) in message order.
    #[schema(value_type = Vec<Object>)]
    pub digests: Vec<ReceivedDigest>,
}

/// What one person received in their digests.
///
/// Each digest sent to the person, with a receipt per item: its kind (`product`,
/// `indicator`), id and the marking label it carried. Never the content. The Board, the
/// Program Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/digest/people/{id}/receipts",
    tag = "sharing",
    params(DigestPersonPath, DigestLimitQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The digests and receipts", body = ReceivedDigestList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the digest history", body = ApiErrorBody),
        (status = 404, description = "No such person", body = ApiErrorBody),
    )
)]
pub async fn list_digest_receipts(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(DigestPersonPath { id }): ApiPath<DigestPersonPath>,
    ApiQuery(q): ApiQuery<DigestLimitQuery>,
) -> Result<Json<ReceivedDigestList>, ApiError> {
    let cap = caller.0.read_digest_history().ok_or(AppError::Forbidden)?;
    let digests = state
        .app
        .digests_received(&cap, id, q.limit.unwrap_or(30))
        .await?;
    Ok(Json(ReceivedDigestList {
        meta: PageMeta::whole(digests.len()),
        digests,
    }))
}

/// The caller's digest setting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DigestSetting {
    /// Whether the caller receives the daily digest (on unless turned off).
    pub receive: bool,
}

/// My daily digest setting.
#[utoipa::path(
    get,
    path = "/api/v1/me/digest",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The setting", body = DigestSetting),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn get_my_digest(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<DigestSetting>, ApiError> {
    Ok(Json(DigestSetting {
        receive: state.app.receives_digest(&caller.0).await?,
    }))
}

/// Turn my daily digest on or off.
#[utoipa::path(
    put,
    path = "/api/v1/me/digest",
    tag = "account",
    request_body = DigestSetting,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The setting as stored", body = DigestSetting),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 422, description = "The body is not {\"receive\": true|false}", body = ApiErrorBody),
    )
)]
pub async fn put_my_digest(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<DigestSetting>,
) -> Result<Json<DigestSetting>, ApiError> {
    state
        .app
        .set_receives_digest(&caller.0, body.receive, &meta)
        .await?;
    Ok(Json(DigestSetting {
        receive: body.receive,
    }))
}
