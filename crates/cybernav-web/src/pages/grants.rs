//! The ledger page of a grant cycle: how its funds split between the Navigator Program and the
//! grants to election authorities, and where the money went. Board administrators, the Program
//! Manager and auditors.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::grants::{ClaimInput, ExpenditureInput};
use cybernav_app::registry::EaListRequest;
use cybernav_core::grants::{Cents, EAC_CATEGORIES, format_dollars};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/grant-cycles/{id}/ledger", get(ledger_page))
        .route("/grant-cycles/{id}/ledger/share", post(set_share))
        .route("/grant-cycles/{id}/ledger/awards", post(make_award))
        .route(
            "/grant-cycles/{id}/ledger/expenditures",
            post(record_expenditure),
        )
        .route(
            "/grant-cycles/{id}/ledger/claims/{claim}/decision",
            post(decide_claim),
        )
        .route(
            "/grant-cycles/{id}/claims",
            get(claims_page).post(submit_claim),
        )
}

/// One authority in the award form's select.
struct AuthorityOpt {
    id: String,
    name: String,
}

/// One line of the equal-split proposal, which the Board applies row by row.
struct ProposalRow {
    ea_id: String,
    name: String,
    amount: String,
}

/// One claim as the Board decides it.
struct ClaimView {
    id: String,
    authority: String,
    spent_on: String,
    federal: String,
    description: String,
    status: String,
    reason: String,
    /// Still open to a decision (submitted or approved).
    open: bool,
}

/// The fields of a claim decision.
#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

/// What the ledger's forms sent, to show again after a refusal.
#[derive(Debug, Clone, Default, Deserialize)]
struct LedgerForm {
    #[serde(default)]
    navigator_share: String,
    #[serde(default)]
    election_authority: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    spent_on: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    eac_category: String,
    #[serde(default)]
    federal: String,
    #[serde(default)]
    matching: String,
    #[serde(default)]
    description: String,
}

/// A choice of a select.
struct Opt {
    value: &'static str,
    label: &'static str,
}

/// The Navigator Program's spending categories.
const SPENDING: &[Opt] = &[
    Opt {
        value: "payroll",
        label: "Payroll",
    },
    Opt {
        value: "travel",
        label: "Travel",
    },
    Opt {
        value: "equipment",
        label: "Equipment",
    },
    Opt {
        value: "other",
        label: "Other",
    },
];

const LEDGER_LABELS: &[(&str, &str)] = &[
    ("navigator_share", "Navigator Program share"),
    ("election_authority", "Election authority"),
    ("amount", "Amount"),
    ("spent_on", "Spent on"),
    ("category", "Category"),
    ("eac_category", "EAC category"),
    ("federal", "Federal amount"),
    ("matching", "Match amount"),
    ("description", "What it was"),
];

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
    /// The Board and the Program Manager get the forms.
    can_manage: bool,
    authorities: Vec<AuthorityOpt>,
    proposal: Vec<ProposalRow>,
    form: LedgerForm,
    spending: &'static [Opt],
    claims: Vec<ClaimView>,
    eac: Vec<Opt>,
    errors: Vec<FormError>,
}

impl LedgerPage {
    /// The error beside `field`, or "".
    fn err(&self, field: &str) -> String {
        crate::pages::error_for(&self.errors, field)
            .unwrap_or_default()
            .to_string()
    }
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
    ledger_view(
        &state,
        &ctx,
        &session,
        id,
        LedgerForm::default(),
        Vec::new(),
    )
    .await
}

/// `POST /grant-cycles/{id}/ledger/share`: sets the Navigator Program share; a share under
/// half the funds is refused with the figures.
async fn set_share(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
    Form(f): Form<LedgerForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_grants().ok_or(AppError::Forbidden)?;
    match state
        .app
        .set_navigator_share(&cap, id, &f.navigator_share, &meta)
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("/grant-cycles/{id}/ledger"),
            "share_set",
        )),
        Err(e) => {
            let errors = form_errors(e, LEDGER_LABELS)?;
            ledger_view(&state, &ctx, &session, id, f, errors).await
        }
    }
}

/// `POST /grant-cycles/{id}/ledger/expenditures`: records a Navigator Program expenditure,
/// which must fit in what is left of the share.
async fn record_expenditure(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
    Form(f): Form<LedgerForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_grants().ok_or(AppError::Forbidden)?;
    let input = ExpenditureInput {
        spent_on: f.spent_on.clone(),
        category: f.category.clone(),
        eac_category: f.eac_category.clone(),
        federal: f.federal.clone(),
        matching: f.matching.clone(),
        description: f.description.clone(),
    };
    match state.app.record_expenditure(&cap, id, &input, &meta).await {
        Ok(_) => Ok(see_other(
            &format!("/grant-cycles/{id}/ledger"),
            "expenditure_recorded",
        )),
        Err(e) => {
            let errors = form_errors(e, LEDGER_LABELS)?;
            ledger_view(&state, &ctx, &session, id, f, errors).await
        }
    }
}

/// `POST /grant-cycles/{id}/ledger/claims/{claim}/decision`: approves, pays or rejects a
/// claim (a rejection needs its reason).
async fn decide_claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, claim)): Path<(Uuid, Uuid)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_grants().ok_or(AppError::Forbidden)?;
    let reason = Some(f.reason.trim()).filter(|r| !r.is_empty());
    match state
        .app
        .decide_claim(&cap, id, claim, &f.status, reason, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/grant-cycles/{id}/ledger#claims"),
            "claim_decided",
        )),
        Err(e) => {
            let mut errors = form_errors(e, &[("status", "Decision"), ("reason", "Reason")])?;
            for e in &mut errors {
                e.field = format!("claim{claim}-{}", e.field);
            }
            ledger_view(&state, &ctx, &session, id, LedgerForm::default(), errors).await
        }
    }
}

/// `POST /grant-cycles/{id}/ledger/awards`: awards an amount to an authority; one that does
/// not participate or is not eligible is refused with the reasons.
async fn make_award(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
    Form(f): Form<LedgerForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_grants().ok_or(AppError::Forbidden)?;
    let Ok(ea) = Uuid::parse_str(f.election_authority.trim()) else {
        let errors = form_errors(
            AppError::invalid("election_authority", "choose an election authority"),
            LEDGER_LABELS,
        )?;
        return ledger_view(&state, &ctx, &session, id, f, errors).await;
    };
    match state.app.make_award(&cap, id, ea, &f.amount, &meta).await {
        Ok(_) => Ok(see_other(
            &format!("/grant-cycles/{id}/ledger"),
            "award_made",
        )),
        Err(e) => {
            let errors = form_errors(e, LEDGER_LABELS)?;
            ledger_view(&state, &ctx, &session, id, f, errors).await
        }
    }
}

/// Draws the ledger, with the forms for those who manage grants, at 422 when `errors`.
async fn ledger_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    form: LedgerForm,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_grants().ok_or(AppError::Forbidden)?;
    let view = state.app.ledger(&reader, id).await?;
    let manager = session.actor.manage_grants();
    let (authorities, proposal) = match (&manager, session.actor.read_registry()) {
        (Some(cap), Some(registry)) => {
            let req = EaListRequest {
                per_page: Some(200),
                ..Default::default()
            };
            let (rows, _) = state.app.list_election_authorities(&registry, &req).await?;
            let authorities = rows
                .into_iter()
                .map(|r| AuthorityOpt {
                    id: r.authority.id.to_string(),
                    name: r.authority.name,
                })
                .collect();
            let proposal = if view.ledger.allocated {
                state
                    .app
                    .propose_equal_split(cap, id)
                    .await?
                    .into_iter()
                    .map(|p| ProposalRow {
                        ea_id: p.election_authority_id.to_string(),
                        name: p.election_authority_name,
                        amount: format_dollars(p.amount_cents),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (authorities, proposal)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let claims: Vec<ClaimView> = if manager.is_some() {
        state
            .app
            .claims(&reader, id)
            .await?
            .into_iter()
            .map(|c| ClaimView {
                id: c.id.to_string(),
                authority: authorities
                    .iter()
                    .find(|a| a.id == c.election_authority_id.to_string())
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                spent_on: c.spent_on.to_string(),
                federal: format_dollars(c.federal_cents),
                description: c.description,
                open: c.status == "submitted" || c.status == "approved",
                status: c.status,
                reason: c.reason.unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let l = &view.ledger;
    let d = format_dollars;
    let line = |label, amount| Line {
        label,
        amount: d(amount),
    };
    let page = LedgerPage {
        layout: ctx.layout(format!("Ledger: {}", view.cycle.name), Some(session)),
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
        can_manage: manager.is_some(),
        authorities,
        proposal,
        form,
        spending: SPENDING,
        claims,
        eac: EAC_CATEGORIES
            .iter()
            .map(|c| Opt {
                value: c.id,
                label: c.label,
            })
            .collect(),
        errors,
    };
    let failing = !page.errors.is_empty();
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

// ---------------------------------------------------------------------------------------------
// The county official's claims

#[derive(Template)]
#[template(path = "grants/claims.html")]
struct ClaimsPage {
    layout: Layout,
    cycle_id: Uuid,
    awards: Vec<Line>,
    claims: Vec<ClaimView>,
    form: ClaimForm,
    eac: Vec<Opt>,
    errors: Vec<FormError>,
}

impl ClaimsPage {
    /// The error beside `field`, or "".
    fn err(&self, field: &str) -> String {
        crate::pages::error_for(&self.errors, field)
            .unwrap_or_default()
            .to_string()
    }
}

/// The fields of the claim form.
#[derive(Debug, Clone, Default, Deserialize)]
struct ClaimForm {
    #[serde(default)]
    spent_on: String,
    #[serde(default)]
    eac_category: String,
    #[serde(default)]
    federal: String,
    #[serde(default)]
    matching: String,
    #[serde(default)]
    description: String,
}

async fn claims_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    cycle: Uuid,
    form: ClaimForm,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let cap = session.actor.own_claimant().ok_or(AppError::Forbidden)?;
    let awards = state.app.awards_of(&cap, cycle).await?;
    let claims = state.app.claims_of(&cap, cycle).await?;
    let failing = !errors.is_empty();
    let r = render(&ClaimsPage {
        layout: ctx.layout("Reimbursement claims", Some(session)),
        cycle_id: cycle,
        awards: awards
            .iter()
            .map(|a| Line {
                label: "",
                amount: format!(
                    "{}: {}",
                    a.election_authority_name,
                    format_dollars(a.amount_cents)
                ),
            })
            .collect(),
        claims: claims
            .into_iter()
            .map(|c| ClaimView {
                id: c.id.to_string(),
                authority: String::new(),
                spent_on: c.spent_on.to_string(),
                federal: format_dollars(c.federal_cents),
                description: c.description,
                open: false,
                status: c.status,
                reason: c.reason.unwrap_or_default(),
            })
            .collect(),
        form,
        eac: EAC_CATEGORIES
            .iter()
            .map(|c| Opt {
                value: c.id,
                label: c.label,
            })
            .collect(),
        errors,
    });
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /grant-cycles/{id}/claims`: a county official's award and claims in a cycle.
async fn claims_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let form = ClaimForm {
        eac_category: "cyber_security".into(),
        ..Default::default()
    };
    claims_view(&state, &ctx, &session, id, form, Vec::new()).await
}

/// `POST /grant-cycles/{id}/claims`: the official claims reimbursement against its award.
async fn submit_claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<Uuid>,
    Form(f): Form<ClaimForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.own_claimant().ok_or(AppError::Forbidden)?;
    let input = ClaimInput {
        spent_on: f.spent_on.clone(),
        eac_category: f.eac_category.clone(),
        federal: f.federal.clone(),
        matching: f.matching.clone(),
        description: f.description.clone(),
    };
    match state.app.submit_claim(&cap, id, &input, &meta).await {
        Ok(_) => Ok(see_other(
            &format!("/grant-cycles/{id}/claims"),
            "claim_submitted",
        )),
        Err(e) => {
            let errors = form_errors(e, LEDGER_LABELS)?;
            claims_view(&state, &ctx, &session, id, f, errors).await
        }
    }
}
