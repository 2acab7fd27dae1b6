//! What every handler can reach.

use std::sync::Arc;

use cybernav_app::App;

use crate::rate_limit::RateLimiter;

/// Shared state: the application and the in-memory rate limiter.
#[derive(Clone)]
pub struct AppState {
    /// Use cases and settings.
    pub app: App,
    /// Per-IP limits on sign-in and other guessable forms.
    pub limiter: Arc<RateLimiter>,
}

impl AppState {
    /// State with the default limits (10 attempts a minute per address).
    pub fn new(app: App) -> Self {
        AppState {
            app,
            limiter: Arc::new(RateLimiter::new(10, std::time::Duration::from_secs(60))),
        }
    }
}
