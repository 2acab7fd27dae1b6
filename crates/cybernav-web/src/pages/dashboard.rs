//! The dashboard: what needs attention, for the person's role and scope.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use cybernav_app::registry::EaListRequest;
use cybernav_app::store::rows::EaListing;

use cybernav_app::sharing::reports::ReportQuery;
use cybernav_app::statewide::Standing;
use cybernav_core::authz::Actor;
use cybernav_core::sharing::community_report::ReportStatus;

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
    /// Each grant cycle with a deadline ahead or in the last year, as the person may see it.
    cycles: Vec<CycleSummary>,
    /// For those who validate counties' reports: how many wait for a decision.
    reports_pending: Option<i64>,
}

/// One grant cycle on the dashboard: the statewide counts (for those who see them) or the
/// person's own authority's standing.
struct CycleSummary {
    name: String,
    countdown: String,
    href: String,
    /// (label, key, count, percent) by standing, for the statewide bar.
    standings: Vec<(&'static str, &'static str, usize, usize)>,
    total: usize,
    certified: usize,
    /// For county users: their authority's standing and open items.
    own: Option<(Standing, usize)>,
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
        cycles: Vec::new(),
        reports_pending: None,
    };
    page.cycles = cycle_summaries(&state, actor).await?;
    if actor.validate_reports().is_some()
        && let Some(reader) = actor.read_reports()
    {
        let (_, pending) = state
            .app
            .list_reports(
                &reader,
                &ReportQuery {
                    status: Some(ReportStatus::Pending),
                    election_authority: None,
                    channel: None,
                    limit: Some(1),
                    offset: None,
                },
            )
            .await?;
        page.reports_pending = Some(pending);
    }
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

/// The cycles worth a look: deadline ahead, or passed within the last year.
async fn cycle_summaries(state: &AppState, actor: &Actor) -> Result<Vec<CycleSummary>, PageError> {
    let now = cybernav_app::store::now();
    let mut out = Vec::new();
    for c in state.app.grant_cycles().await? {
        let days_left = c.deadline()?.days_left(now);
        if days_left < -365 {
            continue;
        }
        let countdown = crate::pages::participation::countdown(days_left);
        if let Some(reader) = actor.read_statewide() {
            let s = state.app.statewide(&reader, c.row.id).await?;
            out.push(CycleSummary {
                name: c.row.name.clone(),
                countdown,
                href: format!("/participation/{}", c.row.id),
                standings: Standing::ALL
                    .into_iter()
                    .map(|st| {
                        let n = s.rows.iter().filter(|r| r.standing == st).count();
                        (st.label(), st.as_str(), n, s.counts.percent(n))
                    })
                    .collect(),
                total: s.counts.total,
                certified: s.counts.certified,
                own: None,
            });
        } else if let (Some(ea), Some(reader)) =
            (actor.election_authority_id, actor.read_registry())
        {
            let p = state.app.participation(&reader, ea, c.row.id).await?;
            out.push(CycleSummary {
                name: c.row.name.clone(),
                countdown,
                href: format!(
                    "/election-authorities/{ea}/participation?cycle={}",
                    c.row.id
                ),
                standings: Vec::new(),
                total: 1,
                certified: usize::from(p.certification.is_some()),
                own: Some((Standing::of(&p.eligibility), p.eligibility.unmet())),
            });
        }
    }
    Ok(out)
}
