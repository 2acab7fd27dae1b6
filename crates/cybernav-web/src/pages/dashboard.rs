//! The dashboard: what needs attention, for the person's role and scope.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use cybernav_app::registry::EaListRequest;
use cybernav_app::store::rows::EaListing;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

/// Contacts by freshness, for the bar.
struct Freshness {
    total: i64,
    stale: i64,
    current_pct: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    first_name: String,
    role: &'static str,
    authorities_total: Option<i64>,
    /// For county users and navigators: their authorities (first page).
    mine: Vec<EaListing>,
    freshness: Option<Freshness>,
    stale_days: i64,
    sees_registry: bool,
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let mut page = DashboardPage {
        layout: ctx.layout("Dashboard", Some(&session)),
        first_name: session
            .name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        role: actor.role.label(),
        authorities_total: None,
        mine: Vec::new(),
        freshness: None,
        stale_days: state.app.config.contact_stale_days,
        sees_registry: false,
    };
    if let Some(reader) = actor.read_registry() {
        page.sees_registry = true;
        let (rows, total) = state
            .app
            .list_election_authorities(
                &reader,
                &EaListRequest {
                    per_page: Some(12),
                    ..Default::default()
                },
            )
            .await?;
        page.authorities_total = Some(total);
        if matches!(actor.ea_scope(), cybernav_core::authz::EaScope::Only(_)) {
            page.mine = rows;
        }
        let (total, stale) = state.app.contact_health(&reader).await?;
        let current_pct = if total == 0 {
            100
        } else {
            (total - stale) * 100 / total
        };
        page.freshness = Some(Freshness {
            total,
            stale,
            current_pct,
        });
    }
    Ok(render(&page))
}
