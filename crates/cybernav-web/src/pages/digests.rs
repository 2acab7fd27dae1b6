//! The daily digest's runs (213.30(a)(8)) for the Board, the Program Manager and auditors:
//! when each ran, how many people it considered, how many digests it queued and how the
//! e-mails fared. Who received what stays in the API (`/api/v1/digest/people/{id}/receipts`);
//! each person sees their own digests on their account page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use cybernav_app::AppError;
use cybernav_app::sharing::digest::DigestRunView;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::when::When;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/sharing/digests", get(runs_page))
}

/// One run as the table shows it.
struct RunLine {
    date: String,
    started: When,
    finished: Option<When>,
    started_by: String,
    recipients: i32,
    sent: i32,
    skipped: i32,
    items: i32,
    delivered: i64,
    waiting: i64,
    failed: i64,
}

impl From<DigestRunView> for RunLine {
    fn from(v: DigestRunView) -> Self {
        let d = v.delivery;
        RunLine {
            date: v.run.digest_date.to_string(),
            started: When::of(v.run.started_at),
            finished: When::maybe(v.run.finished_at),
            started_by: v
                .started_by
                .unwrap_or_else(|| "The daily schedule".to_string()),
            recipients: v.run.recipients,
            sent: v.run.sent,
            skipped: v.run.skipped,
            items: v.run.items,
            delivered: d.map_or(0, |d| d.delivered),
            waiting: d.map_or(0, |d| d.waiting),
            failed: d.map_or(0, |d| d.failed),
        }
    }
}

#[derive(Template)]
#[template(path = "sharing/digests.html")]
struct RunsPage {
    layout: Layout,
    runs: Vec<RunLine>,
}

/// `GET /sharing/digests`: the latest 60 runs, newest first.
async fn runs_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let cap = session
        .actor
        .read_digest_history()
        .ok_or(AppError::Forbidden)?;
    let runs = state.app.digest_run_history(&cap, 60).await?;
    Ok(render(&RunsPage {
        layout: ctx.layout("Daily digest runs", Some(&session)),
        runs: runs.into_iter().map(RunLine::from).collect(),
    }))
}
