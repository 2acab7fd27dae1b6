//! The web door of cybernav: server-rendered HTML pages (askama, htmx, the U.S. Web Design
//! System look), the JSON API under `/api/v1` with its OpenAPI document, sessions, CSRF,
//! rate limits and security headers.
//!
//! Handlers parse input, call one use case in `cybernav-app`, and render its result. They
//! hold no rules: permission checks are capabilities from `cybernav-core::authz`, obtained in
//! the handler and required by the use case.

pub mod api;
pub mod assets;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod layout;
pub mod pages;
pub mod rate_limit;
pub mod security;
pub mod state;
pub mod taxii;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use tower_http::timeout::TimeoutLayer;

pub use state::AppState;

/// Largest request body accepted (CSV imports are the largest legitimate bodies).
pub const BODY_LIMIT: usize = 5 * 1024 * 1024;

/// Builds the whole application: pages, API, assets, and the layers every request passes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(taxii::routes())
        .merge(assets::routes())
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
