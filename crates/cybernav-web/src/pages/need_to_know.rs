//! Need-to-know pages (Part 213.30(a)(5)): "Need-to-know" for everyone (apply, see where one's
//! application stands, accept the handling agreement) and the roster for the Program Manager,
//! the Board and auditors (the queue of applications to decide, every approval with its
//! expiry, renew and revoke, export).
//!
//! Handlers only translate: the rules are in `cybernav-core::need_to_know` and
//! `cybernav-app::need_to_know`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::need_to_know::{ApplyInput, NtkEntry, RosterFilter};
use cybernav_core::need_to_know::{AGREEMENT_TEXT, AGREEMENT_VERSION, Decision, Standing};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/need-to-know", get(mine_page))
        .route("/need-to-know/apply", post(apply))
        .route("/need-to-know/{id}/accept", post(accept))
        .route("/need-to-know/roster", get(roster_page))
        .route("/need-to-know/roster.csv", get(roster_csv))
        .route("/need-to-know/{id}/decision", post(decide))
        .route("/need-to-know/{id}/renew", post(renew))
        .route("/need-to-know/{id}/revoke", post(revoke))
}

fn when(t: &Option<OffsetDateTime>) -> String {
    t.map_or_else(|| "—".into(), |t| t.date().to_string())
}

fn err(errors: &[FormError], field: &str) -> String {
    crate::pages::error_for(errors, field)
        .unwrap_or_default()
        .to_string()
}

/// What the expiry column says, in words (never colour alone).
fn expiry_text(e: &NtkEntry) -> String {
    match (e.standing, e.listing.row.expires_at, e.days_left) {
        (Standing::Expired, Some(t), _) => format!("Expired on {}", t.date()),
        (_, Some(t), Some(d)) if e.expires_soon.is_some() => {
            format!("{} — expires in {d} day(s)", t.date())
        }
        (_, Some(t), _) => t.date().to_string(),
        _ => "—".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// The person's own page

#[derive(Template)]
#[template(path = "need_to_know/mine.html")]
struct MinePage {
    layout: Layout,
    /// The open application, if any.
    open: Option<NtkEntry>,
    /// Every application, newest first.
    history: Vec<NtkEntry>,
    agreement: &'static [&'static str],
    agreement_version: &'static str,
    can_read_roster: bool,
    period_days: u32,
    errors: Vec<FormError>,
    form: ApplyForm,
}

impl MinePage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    fn when(&self, t: &Option<OffsetDateTime>) -> String {
        when(t)
    }
    fn expiry(&self, e: &NtkEntry) -> String {
        expiry_text(e)
    }
    fn awaiting_agreement(&self, e: &NtkEntry) -> bool {
        e.standing == Standing::Approved
    }
    fn pending(&self, e: &NtkEntry) -> bool {
        e.standing == Standing::Pending
    }
    fn expired(&self, e: &NtkEntry) -> bool {
        e.standing == Standing::Expired
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    sponsor_name: String,
    #[serde(default)]
    sponsor_email: String,
}

const APPLY_LABELS: &[(&str, &str)] = &[
    ("organisation", "Organisation"),
    ("title", "Your role or title"),
    ("justification", "Why your work needs FOUO information"),
    ("sponsor_name", "Sponsor's name"),
    ("sponsor_email", "Sponsor's e-mail"),
    ("agree", "Handling agreement"),
    ("agreement_version", "Handling agreement"),
];

async fn mine_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    errors: Vec<FormError>,
    form: ApplyForm,
) -> Result<Response, PageError> {
    let cap = session.actor.apply_need_to_know();
    let history = state
        .app
        .my_need_to_know(&cap, cybernav_app::store::now())
        .await?;
    let open = history
        .iter()
        .find(|e| {
            matches!(
                e.standing,
                Standing::Pending | Standing::Approved | Standing::Active | Standing::Expired
            )
        })
        .cloned();
    let failing = !errors.is_empty();
    let page = MinePage {
        layout: ctx.layout("Need-to-know", Some(session)),
        open,
        history,
        agreement: &AGREEMENT_TEXT,
        agreement_version: AGREEMENT_VERSION,
        can_read_roster: session.actor.read_need_to_know_roster().is_some(),
        period_days: state.app.config.need_to_know_days,
        errors,
        form,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /need-to-know`: where the person's application stands, and what to do next.
async fn mine_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    mine_view(&state, &ctx, &session, Vec::new(), ApplyForm::default()).await
}

/// `POST /need-to-know/apply`: applies for oneself.
async fn apply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<ApplyForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.apply_need_to_know();
    let input = ApplyInput {
        organisation: f.organisation.clone(),
        title: f.title.clone(),
        justification: f.justification.clone(),
        sponsor_name: f.sponsor_name.clone(),
        sponsor_email: f.sponsor_email.clone(),
    };
    match state.app.apply_need_to_know(&cap, &input, &meta).await {
        Ok(_) => Ok(see_other("/need-to-know", "ntk_applied")),
        Err(e) => {
            let errors = form_errors(e, APPLY_LABELS)?;
            mine_view(&state, &ctx, &session, errors, f).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct AcceptForm {
    #[serde(default)]
    agree: String,
    #[serde(default)]
    agreement_version: String,
}

/// `POST /need-to-know/{id}/accept`: the applicant accepts the handling agreement.
async fn accept(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<AcceptForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    // Whether the person may act on it is decided before the checkbox is looked at, so a
    // refusal does not depend on the form.
    let entry = state
        .app
        .need_to_know_entry(&session.actor, id, cybernav_app::store::now())
        .await?;
    session
        .actor
        .accept_need_to_know(entry.listing.row.user_id)?;
    if f.agree != "yes" {
        let errors = vec![FormError {
            field: "agree".into(),
            label: "Handling agreement".into(),
            message: "tick the box to say you have read the agreement and accept it".into(),
        }];
        return mine_view(&state, &ctx, &session, errors, ApplyForm::default()).await;
    }
    match state
        .app
        .accept_need_to_know_agreement(&session.actor, id, &f.agreement_version, &meta)
        .await
    {
        Ok(()) => Ok(see_other("/need-to-know", "ntk_accepted")),
        Err(e) => {
            let errors = form_errors(e, APPLY_LABELS)?;
            mine_view(&state, &ctx, &session, errors, ApplyForm::default()).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The roster

#[derive(Template)]
#[template(path = "need_to_know/roster.html")]
struct RosterPage {
    layout: Layout,
    pending: Vec<NtkEntry>,
    roster: Vec<NtkEntry>,
    can_decide: bool,
    me: uuid::Uuid,
    filter: String,
    filters: Vec<(&'static str, &'static str)>,
}

impl RosterPage {
    fn when(&self, t: &Option<OffsetDateTime>) -> String {
        when(t)
    }
    fn applied(&self, e: &NtkEntry) -> String {
        e.listing.row.applied_at.date().to_string()
    }
    fn expiry(&self, e: &NtkEntry) -> String {
        expiry_text(e)
    }
    /// Whether this reader may decide, renew or revoke `e` (never their own).
    fn may_act(&self, e: &NtkEntry) -> bool {
        self.can_decide && e.listing.row.user_id != self.me
    }
    fn renewable(&self, e: &NtkEntry) -> bool {
        self.may_act(e)
            && matches!(
                e.standing,
                Standing::Approved | Standing::Active | Standing::Expired
            )
    }
    fn role_label(&self, e: &NtkEntry) -> &'static str {
        cybernav_core::role::Role::parse(&e.listing.user_role).map_or("Unknown role", |r| r.label())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RosterQuery {
    #[serde(default)]
    state: Option<String>,
}

const FILTERS: [(&str, &str); 7] = [
    ("", "Every application"),
    ("pending", "Waiting for a decision"),
    ("approved", "Approved, agreement not yet accepted"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("denied", "Denied"),
    ("revoked", "Revoked"),
];

/// `GET /need-to-know/roster`: the queue of applications to decide and the roster.
async fn roster_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Query(q): Query<RosterQuery>,
) -> Result<Response, PageError> {
    let reader = session
        .actor
        .read_need_to_know_roster()
        .ok_or(AppError::Forbidden)?;
    let filter = RosterFilter::parse(q.state.as_deref())?;
    let at = cybernav_app::store::now();
    let all = state
        .app
        .need_to_know_roster(&reader, RosterFilter::default(), at)
        .await?;
    let pending = all
        .iter()
        .filter(|e| e.standing == Standing::Pending)
        .cloned()
        .collect();
    let roster = all
        .into_iter()
        .filter(|e| filter.standing.is_none_or(|s| s == e.standing))
        .collect();
    Ok(render(&RosterPage {
        layout: ctx.layout("Need-to-know roster", Some(&session)),
        pending,
        roster,
        can_decide: session
            .actor
            .decide_need_to_know(session.actor.user_id)
            .is_ok(),
        me: session.actor.user_id,
        filter: q.state.unwrap_or_default(),
        filters: FILTERS.to_vec(),
    }))
}

/// `GET /need-to-know/roster.csv`: the roster as CSV.
async fn roster_csv(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(q): Query<RosterQuery>,
) -> Result<Response, PageError> {
    let reader = session
        .actor
        .read_need_to_know_roster()
        .ok_or(AppError::Forbidden)?;
    let filter = RosterFilter::parse(q.state.as_deref())?;
    let csv = state
        .app
        .need_to_know_csv(&reader, filter, cybernav_app::store::now())
        .await?;
    Ok(crate::api::need_to_know::csv_response(csv))
}

/// The applicant of an application, to decide how to refuse someone who may not act on it.
async fn applicant_of(state: &AppState, id: uuid::Uuid) -> Result<uuid::Uuid, PageError> {
    let mut tx = state.app.store.read().await.map_err(AppError::from)?;
    Ok(tx.get_ntk(id).await.map_err(AppError::from)?.row.user_id)
}

#[derive(Debug, Clone, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /need-to-know/{id}/decision`: approves or denies.
async fn decide(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session
        .actor
        .decide_need_to_know(applicant_of(&state, id).await?)?;
    let decision = Decision::parse(&f.decision).map_err(|e| AppError::invalid("decision", e))?;
    state
        .app
        .decide_need_to_know(&cap, id, decision, Some(&f.note), &meta)
        .await?;
    Ok(see_other(
        "/need-to-know/roster",
        match decision {
            Decision::Approve => "ntk_approved",
            Decision::Deny => "ntk_denied",
        },
    ))
}

/// `POST /need-to-know/{id}/renew`: renews an approval.
async fn renew(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session
        .actor
        .decide_need_to_know(applicant_of(&state, id).await?)?;
    state.app.renew_need_to_know(&cap, id, &meta).await?;
    Ok(see_other("/need-to-know/roster", "ntk_renewed"))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RevokeForm {
    #[serde(default)]
    reason: String,
}

/// `POST /need-to-know/{id}/revoke`: revokes an approval, with a reason.
async fn revoke(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session
        .actor
        .decide_need_to_know(applicant_of(&state, id).await?)?;
    state
        .app
        .revoke_need_to_know(&cap, id, &f.reason, &meta)
        .await?;
    Ok(see_other("/need-to-know/roster", "ntk_revoked"))
}
