//! Two-way sharing pages (Part 213.50(a)(2)(B)): the county's form for what an office saw,
//! "Reports from my office", the Program Manager's queue with its filters, and a report's page
//! with its objects in words and the Validate and Reject forms.
//!
//! Handlers only translate: the rules are in `cybernav-core::sharing::community_report` and
//! `cybernav-app::sharing::reports`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::sharing::reports::{FormReportInput, ReportDetail, ReportQuery, ReportSummary};
use cybernav_app::sharing::taxii::ReportChannel;
use cybernav_core::sharing::community_report::{
    FORM_DEFAULT_LEVEL, FORM_LEVELS, ObservationKind, ReportStatus,
};
use cybernav_core::sharing::marking::Marking;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::when::When;
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list_page))
        .route("/reports/new", get(new_page).post(create))
        .route("/reports/{id}", get(show_page))
        .route("/reports/{id}/validate", post(validate))
        .route("/reports/{id}/reject", post(reject))
}

fn err(errors: &[FormError], field: &str) -> String {
    crate::pages::error_for(errors, field)
        .unwrap_or_default()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The list: the queue for Board staff, "Reports from my office" for an authority's people

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    layout: Layout,
    board_staff: bool,
    can_report: bool,
    reports: Vec<ReportSummary>,
    total: i64,
    statuses: Vec<(&'static str, &'static str, bool)>,
    channels: Vec<(&'static str, &'static str, bool)>,
    authorities: Vec<(String, String, bool)>,
    filtered: bool,
}

impl ListPage {
    fn when(&self, r: &ReportSummary) -> When {
        When::of(r.received_at)
    }
}

/// The queue's filters, as typed in the address (anything not understood is ignored).
#[derive(Debug, Clone, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    channel: String,
}

/// `GET /reports`: Board staff see every authority's reports, pending first, with filters; an
/// authority's people see their own office's.
async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let cap = session.actor.read_reports().ok_or(AppError::Forbidden)?;
    let status = ReportStatus::parse(&q.status).ok();
    let channel = ReportChannel::parse(&q.channel).ok();
    let authority = Uuid::parse_str(q.authority.trim()).ok();
    let (reports, total) = state
        .app
        .list_reports(
            &cap,
            &ReportQuery {
                status,
                election_authority: authority,
                channel,
                limit: Some(cybernav_app::sharing::reports::PAGE_MAX),
                offset: None,
            },
        )
        .await?;
    let authorities = state
        .app
        .report_authorities(&cap)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name, Some(id) == authority))
        .collect();
    let title = if cap.is_board_staff() {
        "Reports from election authorities"
    } else {
        "Reports from my office"
    };
    Ok(render(&ListPage {
        layout: ctx.layout(title, Some(&session)),
        board_staff: cap.is_board_staff(),
        can_report: session.actor.submit_report().is_some(),
        reports,
        total,
        statuses: ReportStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), Some(*s) == status))
            .collect(),
        channels: vec![
            ("form", "The web form", channel == Some(ReportChannel::Form)),
            (
                "taxii",
                "A tool (TAXII)",
                channel == Some(ReportChannel::Taxii),
            ),
        ],
        authorities,
        filtered: status.is_some() || channel.is_some() || authority.is_some(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The county's form

#[derive(Template)]
#[template(path = "reports/form.html")]
struct FormPage {
    layout: Layout,
    form: ReportForm,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str, &'static str)>,
    errors: Vec<FormError>,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    /// `aria-describedby` for a field with a hint: the hint, and the error when there is one.
    fn described(&self, field: &str) -> String {
        if self.err(field).is_empty() {
            format!("{field}-hint")
        } else {
            format!("{field}-hint {field}-error")
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    seen_on: String,
    #[serde(default)]
    seen_time: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    indicators: String,
    #[serde(default)]
    sender: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    tlp: String,
    #[serde(default)]
    fouo: Option<String>,
}

impl ReportForm {
    fn input(&self) -> FormReportInput {
        FormReportInput {
            kind: self.kind.clone(),
            seen_on: self.seen_on.clone(),
            seen_time: self.seen_time.clone(),
            description: self.description.clone(),
            indicators: self.indicators.clone(),
            sender: self.sender.clone(),
            subject: self.subject.clone(),
            tlp: self.tlp.clone(),
            fouo: self.fouo.as_deref().is_some_and(|v| !v.is_empty()),
        }
    }

    fn fouo_checked(&self) -> bool {
        self.fouo.as_deref().is_some_and(|v| !v.is_empty())
    }
}

/// The form's labels, for the error summary.
const FORM_LABELS: &[(&str, &str)] = &[
    ("kind", "What did you see?"),
    ("seen_on", "Day you saw it"),
    ("seen_time", "About what time"),
    ("description", "What happened"),
    (
        "indicators",
        "Web addresses, IP addresses, e-mail addresses or file hashes",
    ),
    ("sender", "Sender's e-mail address"),
    ("subject", "E-mail subject"),
    ("tlp", "Who may see this report"),
];

fn form_page(
    ctx: &PageCtx,
    session: &SessionInfo,
    form: ReportForm,
    errors: Vec<FormError>,
) -> Response {
    let failing = !errors.is_empty();
    let r = render(&FormPage {
        layout: ctx.layout("Report something you saw", Some(session)),
        form,
        kinds: ObservationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(), k.hint()))
            .collect(),
        levels: FORM_LEVELS
            .iter()
            .map(|(l, words)| (l.as_str(), l.label(), *words))
            .collect(),
        errors,
    });
    if failing { unprocessable(r) } else { r }
}

/// `GET /reports/new`: the empty form, marked TLP:AMBER.
async fn new_page(ctx: PageCtx, SignedIn(session): SignedIn) -> Result<Response, PageError> {
    session.actor.submit_report().ok_or(AppError::Forbidden)?;
    let form = ReportForm {
        tlp: FORM_DEFAULT_LEVEL.as_str().into(),
        ..ReportForm::default()
    };
    Ok(form_page(&ctx, &session, form, Vec::new()))
}

/// `POST /reports/new`: sends the report; its page then shows the reference number.
async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.submit_report().ok_or(AppError::Forbidden)?;
    match state.app.submit_form_report(&cap, &f.input(), &meta).await {
        Ok(r) => Ok(see_other(
            &format!("/reports/{}", r.report_id),
            "report_sent",
        )),
        Err(e) => {
            let errors = form_errors(e, FORM_LABELS)?;
            Ok(form_page(&ctx, &session, f, errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A report

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ShowPage {
    layout: Layout,
    r: ReportDetail,
    board_staff: bool,
    may_decide: bool,
    errors: Vec<FormError>,
    decision: DecisionForm,
}

impl ShowPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    fn received(&self) -> When {
        When::of(self.r.summary.received_at)
    }
    fn decided(&self) -> Option<When> {
        When::maybe(self.r.summary.decided_at)
    }
    fn pending(&self) -> bool {
        self.r.summary.status == ReportStatus::Pending.as_str()
    }
    /// The CSS modifier of a marking label's TLP level.
    fn tlp(&self, label: &str) -> &'static str {
        Marking::parse_label(label)
            .map(|m| crate::pages::products::tlp_class(&m))
            .unwrap_or("red")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    start_note: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
}

async fn show_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    errors: Vec<FormError>,
    decision: DecisionForm,
) -> Result<Response, PageError> {
    let cap = session.actor.read_reports().ok_or(AppError::Forbidden)?;
    let r = state.app.read_report(&cap, id).await?;
    let failing = !errors.is_empty();
    let page = ShowPage {
        layout: ctx.layout(format!("Report {}", r.summary.reference), Some(session)),
        board_staff: cap.is_board_staff(),
        may_decide: session.actor.validate_reports().is_some(),
        r,
        errors,
        decision,
    };
    let resp = render(&page);
    Ok(if failing { unprocessable(resp) } else { resp })
}

/// `GET /reports/{id}`: the report as this person may see it.
async fn show_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    show_view(
        &state,
        &ctx,
        &session,
        id,
        Vec::new(),
        DecisionForm::default(),
    )
    .await
}

/// The validator capability, refusing as forbidden someone who may see the report and as not
/// found someone who may not.
async fn validator<'a>(
    state: &AppState,
    session: &'a SessionInfo,
    id: Uuid,
) -> Result<cybernav_core::authz::ReportValidator<'a>, PageError> {
    match session.actor.validate_reports() {
        Some(c) => Ok(c),
        None => {
            let cap = session.actor.read_reports().ok_or(AppError::Forbidden)?;
            state.app.read_report(&cap, id).await?;
            Err(AppError::Forbidden.into())
        }
    }
}

/// `POST /reports/{id}/validate` (`start_note`, `note`): validates the report.
async fn validate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = validator(&state, &session, id).await?;
    let start_note = f.start_note.as_deref().is_some_and(|v| !v.is_empty());
    match state
        .app
        .validate_report(&cap, id, start_note, Some(&f.note), &meta)
        .await
    {
        Ok(v) => Ok(see_other(
            &format!("/reports/{id}"),
            if v.note_id.is_some() {
                "report_validated_note"
            } else {
                "report_validated"
            },
        )),
        Err(e) => {
            let errors = form_errors(e, &[("note", "Note for the office")])?;
            show_view(&state, &ctx, &session, id, errors, f).await
        }
    }
}

/// `POST /reports/{id}/reject` (`reason`): rejects the report with the reason.
async fn reject(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = validator(&state, &session, id).await?;
    match state.app.reject_report(&cap, id, &f.reason, &meta).await {
        Ok(()) => Ok(see_other(&format!("/reports/{id}"), "report_rejected")),
        Err(e) => {
            let errors = form_errors(e, &[("reason", "Why it is not taken further")])?;
            show_view(&state, &ctx, &session, id, errors, f).await
        }
    }
}
