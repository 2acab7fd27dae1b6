//! The ledger page of a grant cycle: how its funds split between the Navigator Program and the
//! grants to election authorities, and where the money went. Board administrators, the Program
//! Manager and auditors.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use cybernav_app::AppError;
use cybernav_core::grants::{Cents, format_dollars};
use uuid::Uuid;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/grant-cycles/{id}/ledger", get(ledger_page))
}

/// One figure of the ledger, in dollars.
struct Line {
    label: &'static str,
    amount: String,
}

/// One EAC category row.
struct CategoryRow {
    label: &'static str,
    federal: String,
    matching: String,
}

#[derive(Template)]
#[template(path = "grants/ledger.html")]
struct LedgerPage {
    layout: Layout,
    cycle_id: Uuid,
    cycle_name: String,
    funds: String,
    allocated: bool,
    /// The share as a whole percentage of the funds (for the bar's width class).
    share_pct: i64,
    share: String,
    pool: String,
    navigator: Vec<Line>,
    grants: Vec<Line>,
    categories: Vec<CategoryRow>,
    sub_awards: Vec<Line>,
}

/// `part` of `whole` as a whole percentage, 0 to 100 (rounded down, so 50% shows as half).
fn percent(part: Cents, whole: Cents) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (i128::from(part) * 100 / i128::from(whole)).clamp(0, 100) as i64
}

/// `GET /grant-cycles/{id}/ledger`.
async fn ledger_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_grants().ok_or(AppError::Forbidden)?;
    let view = state.app.ledger(&reader, id).await?;
    let l = &view.ledger;
    let d = format_dollars;
    let line = |label, amount| Line {
        label,
        amount: d(amount),
    };
    let page = LedgerPage {
        layout: ctx.layout(format!("Ledger: {}", view.cycle.name), Some(&session)),
        cycle_id: view.cycle.id,
        cycle_name: view.cycle.name.clone(),
        funds: d(l.funds),
        allocated: l.allocated,
        share_pct: percent(l.navigator.share, l.funds),
        share: d(l.navigator.share),
        pool: d(l.grants.pool),
        navigator: vec![
            line("Share allotted", l.navigator.share),
            line(
                "Smallest share allowed (half the funds)",
                l.navigator.minimum,
            ),
            line("Spent (federal)", l.navigator.spent),
            line("Spent (match)", l.navigator.spent_match),
            line("Remaining (federal)", l.navigator.remaining),
        ],
        grants: vec![
            line("Grants pool", l.grants.pool),
            line("Awarded", l.grants.awarded),
            line("Not yet awarded", l.grants.unawarded),
            line("Claimed (not rejected)", l.grants.claimed),
            line("Approved or paid", l.grants.approved),
            line("Paid", l.grants.paid),
            line("Remaining (pool less paid)", l.grants.remaining),
        ],
        categories: l
            .eac_categories
            .iter()
            .map(|c| CategoryRow {
                label: c.label,
                federal: d(c.federal),
                matching: d(c.matching),
            })
            .collect(),
        sub_awards: view
            .sub_awards_to_report
            .iter()
            .map(|a| Line {
                label: "",
                amount: format!("{}: {}", a.election_authority_name, d(a.amount_cents)),
            })
            .collect(),
    };
    Ok(render(&page))
}
