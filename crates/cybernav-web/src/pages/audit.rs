//! Pages of this area (being written).

use axum::Router;

use crate::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
