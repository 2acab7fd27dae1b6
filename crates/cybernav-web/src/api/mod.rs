//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//!
//! Routes and their OpenAPI entries are registered together (`routes!`), so the document
//! cannot drift from the router. Conventions are in `docs/API-DESIGN.md`.

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cybernav API",
        description = "The JSON API of cybernav, the Cyber Navigator Program workspace. Authenticate with 'Authorization: Bearer <token>'."
    ),
    components(schemas(crate::error::ApiErrorBody, crate::error::ApiErrorItem))
)]
struct ApiDoc;

/// The API routes with their OpenAPI entries.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// Every API route, and the document.
pub fn routes() -> Router<AppState> {
    let (router, doc) = api_router().split_for_parts();
    let json = doc.to_pretty_json().unwrap_or_default();
    router.route(
        "/api/openapi.json",
        get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                json,
            )
        }),
    )
}
