//! Field operations pages (Part 213.40): an authority's documents on file and their reviews,
//! its field visits (list, form, page with follow-ups), a navigator's own "My work", and the
//! "Workload & balance" page where the Program Manager or the Board compares the need-weighted
//! workload of the navigator pairs with the suggested assignment and applies it.
//!
//! Handlers only translate: the rules are in `cybernav-core::field_ops`, `cybernav-core::need`
//! and `cybernav-app::field_ops`.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::field_ops::{
    AssignmentPlan, Document, DocumentInput, FollowUpInput, ReviewInput, Visit, VisitInput,
    Workload,
};
use cybernav_app::findings::{FindingFilter, FindingView};
use cybernav_core::evidence::{accepted_extensions, human_size};
use cybernav_core::field_ops::{DocumentKind, ReviewOutcome, VisitPurpose};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::participation::EVIDENCE_BODY_LIMIT;
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/election-authorities/{id}/documents",
            get(documents_page).post(add_document),
        )
        .route(
            "/election-authorities/{id}/documents/{document}/file",
            post(attach_file).layer(DefaultBodyLimit::max(EVIDENCE_BODY_LIMIT)),
        )
        .route(
            "/election-authorities/{id}/documents/{document}/reviews",
            post(review_document),
        )
        .route("/election-authorities/{id}/visits", get(visits_page))
        .route(
            "/election-authorities/{id}/visits/new",
            get(new_visit_page).post(record_visit),
        )
        .route("/election-authorities/{id}/visits/{visit}", get(visit_page))
        .route(
            "/election-authorities/{id}/visits/{visit}/follow-ups",
            post(add_follow_up),
        )
        .route(
            "/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}/done",
            post(follow_up_done),
        )
        .route("/my-work", get(my_work_page))
        .route("/workload", get(workload_page))
        .route("/workload/apply", post(apply_suggestion))
}

/// One choice of a select.
struct Opt {
    value: &'static str,
    label: &'static str,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter()
        .map(|k| {
            let (value, label) = f(*k);
            Opt { value, label }
        })
        .collect()
}

fn date_or_dash(d: Option<time::Date>) -> String {
    d.map_or_else(|| "—".into(), |d| d.to_string())
}

fn err(errors: &[FormError], field: &str) -> String {
    crate::pages::error_for(errors, field)
        .unwrap_or_default()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Documents

#[derive(Template)]
#[template(path = "field/documents.html")]
struct DocumentsPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    documents: Vec<Document>,
    can_record: bool,
    kinds: Vec<Opt>,
    outcomes: Vec<Opt>,
    review_months: u32,
    accept: String,
    max_size: String,
    errors: Vec<FormError>,
    form: DocumentForm,
}

impl DocumentsPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    fn outcome_label(&self, id: &str) -> &'static str {
        ReviewOutcome::parse(id).map_or("Unknown", ReviewOutcome::label)
    }
    fn dash(&self, d: &Option<time::Date>) -> String {
        date_or_dash(*d)
    }
    fn size(&self, bytes: &i64) -> String {
        human_size(*bytes as usize)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct DocumentForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    document_date: String,
}

fn blank(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn documents_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    errors: Vec<FormError>,
    form: DocumentForm,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let reader = actor.read_field_of(ea)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let documents = state.app.documents(&reader).await?;
    let failing = !errors.is_empty();
    let name = detail.listing.authority.name.clone();
    let page = DocumentsPage {
        layout: ctx.layout(format!("Documents on file — {name}"), Some(session)),
        ea_id: ea.to_string(),
        ea_name: name,
        documents,
        can_record: actor.record_field_of(ea).is_ok(),
        kinds: opts(DocumentKind::ALL, |k| (k.as_str(), k.label())),
        outcomes: opts(ReviewOutcome::ALL, |k| (k.as_str(), k.label())),
        review_months: state.app.config.document_review_months,
        accept: accepted_extensions()
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(","),
        max_size: human_size(state.app.config.evidence_max_bytes),
        errors,
        form,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

fn documents_href(ea: Uuid) -> String {
    format!("/election-authorities/{ea}/documents")
}

/// `GET /election-authorities/{id}/documents`.
async fn documents_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    documents_view(
        &state,
        &ctx,
        &session,
        ea,
        Vec::new(),
        DocumentForm::default(),
    )
    .await
}

const DOCUMENT_LABELS: &[(&str, &str)] = &[
    ("kind", "Kind of document"),
    ("title", "Title"),
    ("version", "Version"),
    ("document_date", "Document date"),
];

/// `POST /election-authorities/{id}/documents`: records a document.
async fn add_document(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<DocumentForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session.actor.record_field_of(ea)?;
    let input = DocumentInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        version: blank(&f.version),
        document_date: blank(&f.document_date),
    };
    match state.app.add_document(&cap, &input, &meta).await {
        Ok(doc) => Ok(see_other(
            &format!("{}#document-{doc}", documents_href(ea)),
            "document_added",
        )),
        Err(e) => {
            let errors = form_errors(e, DOCUMENT_LABELS)?;
            documents_view(&state, &ctx, &session, ea, errors, f).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    reviewed_on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    problems: String,
}

/// `POST /election-authorities/{id}/documents/{document}/reviews`: records a review.
async fn review_document(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, document)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let document = parse_id(&document)?;
    let cap = session.actor.record_field_of(ea)?;
    let input = ReviewInput {
        reviewed_on: blank(&f.reviewed_on),
        outcome: f.outcome,
        problems: blank(&f.problems),
    };
    match state
        .app
        .review_document(&cap, document, &input, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("{}#document-{document}", documents_href(ea)),
            "review_recorded",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[
                    ("reviewed_on", "Reviewed on"),
                    ("outcome", "Outcome"),
                    ("problems", "What was wrong"),
                ],
            )?;
            documents_view(&state, &ctx, &session, ea, errors, DocumentForm::default()).await
        }
    }
}

/// `POST /election-authorities/{id}/documents/{document}/file?csrf=…` (multipart: `file`).
async fn attach_file(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, document)): Path<(String, String)>,
    RawQuery(_query): RawQuery,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let document = parse_id(&document)?;
    let cap = session.actor.record_field_of(ea)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut problem = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(_) => {
                        problem = Some(
                            "The file did not arrive whole; choose it again and upload it once more",
                        );
                        break;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                problem = Some("The file is too large or did not arrive whole; choose it again");
                break;
            }
        }
    }
    let result = match (problem, file) {
        (Some(p), _) => Err(AppError::invalid("file", p)),
        (None, None) => Err(AppError::invalid("file", "choose a file to upload")),
        (None, Some((name, bytes))) => state
            .app
            .attach_document_file(&cap, document, &name, &bytes, &meta)
            .await
            .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(see_other(
            &format!("{}#document-{document}", documents_href(ea)),
            "document_file_added",
        )),
        Err(e) => {
            let errors = form_errors(e, &[("file", "File")])?;
            documents_view(&state, &ctx, &session, ea, errors, DocumentForm::default()).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Visits

fn visits_href(ea: Uuid) -> String {
    format!("/election-authorities/{ea}/visits")
}

#[derive(Template)]
#[template(path = "field/visits.html")]
struct VisitsPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    visits: Vec<Visit>,
    can_record: bool,
}

impl VisitsPage {
    fn names(&self, v: &Visit) -> String {
        v.navigators
            .iter()
            .map(|n| n.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn open(&self, v: &Visit) -> usize {
        v.follow_ups.iter().filter(|f| !f.done).count()
    }
}

/// `GET /election-authorities/{id}/visits`.
async fn visits_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let actor = &session.actor;
    let reader = actor.read_field_of(ea)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let visits = state.app.visits(&reader).await?;
    let name = detail.listing.authority.name.clone();
    Ok(render(&VisitsPage {
        layout: ctx.layout(format!("Field visits — {name}"), Some(&session)),
        ea_id: ea.to_string(),
        ea_name: name,
        visits,
        can_record: actor.record_field_of(ea).is_ok(),
    }))
}

#[derive(Template)]
#[template(path = "field/visit_form.html")]
struct VisitFormPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    purposes: Vec<Opt>,
    navigators: Vec<(String, String, bool)>,
    /// The authority's open findings to choose from: (id, title, severity, ticked).
    findings: Vec<(String, String, &'static str, bool)>,
    errors: Vec<FormError>,
    form: VisitForm,
}

impl VisitFormPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
}

#[derive(Debug, Clone, Default)]
struct VisitForm {
    visited_on: String,
    purpose: String,
    attendees: String,
    notes: String,
    internal_notes: String,
    /// Finding ids ticked (the form sends `finding=<id>` once per box).
    findings: Vec<String>,
    /// Navigator ids ticked (the form sends `navigator=<id>` once per box).
    navigator: Vec<String>,
}

impl VisitForm {
    /// The form from its fields, with one `navigator` per ticked box.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = VisitForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "visited_on" => f.visited_on = v.clone(),
                "purpose" => f.purpose = v.clone(),
                "attendees" => f.attendees = v.clone(),
                "notes" => f.notes = v.clone(),
                "internal_notes" => f.internal_notes = v.clone(),
                "finding" => f.findings.push(v.clone()),
                "navigator" => f.navigator.push(v.clone()),
                _ => {}
            }
        }
        f
    }
}

async fn visit_form(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    errors: Vec<FormError>,
    form: VisitForm,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    actor.record_field_of(ea)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let failing = !errors.is_empty();
    let name = detail.listing.authority.name.clone();
    let navigators = detail
        .listing
        .navigators
        .iter()
        .map(|n| {
            let id = n.id.to_string();
            let ticked = if failing {
                form.navigator.contains(&id)
            } else {
                n.id == actor.user_id
            };
            (id, n.name.clone(), ticked)
        })
        .collect();
    let findings = authority_findings(state, session, ea)
        .await?
        .into_iter()
        .filter(|v| v.status().is_open())
        .map(|v| {
            let id = v.row.id.to_string();
            let ticked = form.findings.contains(&id);
            let severity = v.severity().label();
            (id, v.row.title, severity, ticked)
        })
        .collect();
    let page = VisitFormPage {
        layout: ctx.layout(format!("Record a visit — {name}"), Some(session)),
        ea_id: ea.to_string(),
        ea_name: name,
        purposes: opts(VisitPurpose::ALL, |k| (k.as_str(), k.label())),
        navigators,
        findings,
        errors,
        form,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /election-authorities/{id}/visits/new`.
async fn new_visit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let form = VisitForm {
        visited_on: time::OffsetDateTime::now_utc().date().to_string(),
        ..Default::default()
    };
    visit_form(&state, &ctx, &session, ea, Vec::new(), form).await
}

/// `POST /election-authorities/{id}/visits/new`: records a visit.
async fn record_visit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let f = VisitForm::from_pairs(&pairs);
    let cap = session.actor.record_field_of(ea)?;
    // Only ids are checked here; that they are this authority's findings is the app's rule
    // (`record_visit`), which names any that are not.
    let mut bad = Vec::new();
    let mut findings = Vec::new();
    for part in f
        .findings
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        match Uuid::parse_str(part) {
            Ok(id) => findings.push(id),
            _ => bad.push(part.to_string()),
        }
    }
    let result = if !bad.is_empty() {
        Err(AppError::invalid(
            "findings",
            format!(
                "{} is not a finding of this authority; choose from the list",
                bad.join(", ")
            ),
        ))
    } else {
        let input = VisitInput {
            visited_on: f.visited_on.clone(),
            purpose: f.purpose.clone(),
            navigators: f
                .navigator
                .iter()
                .filter_map(|n| Uuid::parse_str(n).ok())
                .collect(),
            attendees: blank(&f.attendees),
            notes: blank(&f.notes),
            internal_notes: blank(&f.internal_notes),
            findings,
        };
        state.app.record_visit(&cap, &input, &meta).await
    };
    match result {
        Ok(visit) => Ok(see_other(
            &format!("{}/{visit}", visits_href(ea)),
            "visit_recorded",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[
                    ("visited_on", "Date of the visit"),
                    ("purpose", "Purpose"),
                    ("navigators", "Navigators"),
                    ("attendees", "Who attended"),
                    ("notes", "Notes"),
                    ("internal_notes", "Navigator-only notes"),
                    ("findings", "Findings raised"),
                ],
            )?;
            visit_form(&state, &ctx, &session, ea, errors, f).await
        }
    }
}

/// A finding raised at a visit, as the visit page shows it.
struct FindingLink {
    id: Uuid,
    /// Its title; empty when it is not on file (or not readable by this person).
    title: String,
    severity: &'static str,
    status: &'static str,
}

impl FindingLink {
    fn of(id: Uuid, on_file: &[FindingView]) -> FindingLink {
        match on_file.iter().find(|v| v.row.id == id) {
            Some(v) => FindingLink {
                id,
                title: v.row.title.clone(),
                severity: v.severity().label(),
                status: v.status().label(),
            },
            None => FindingLink {
                id,
                title: String::new(),
                severity: "",
                status: "",
            },
        }
    }
}

/// The authority's findings, for those who may read them (everyone who reads the visits may;
/// anyone else gets none rather than a refusal of the whole page).
async fn authority_findings(
    state: &AppState,
    session: &SessionInfo,
    ea: Uuid,
) -> Result<Vec<FindingView>, PageError> {
    match session.actor.read_findings_of(ea) {
        Ok(reader) => Ok(state
            .app
            .findings(&reader, &FindingFilter::default())
            .await?),
        Err(_) => Ok(Vec::new()),
    }
}

#[derive(Template)]
#[template(path = "field/visit.html")]
struct VisitPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    visit: Visit,
    /// The findings raised, as links where they are on file.
    findings: Vec<FindingLink>,
    can_record: bool,
    internal: bool,
    today: String,
    errors: Vec<FormError>,
}

impl VisitPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    fn overdue(&self, due: &time::Date, done: &bool) -> bool {
        !*done && due.to_string() < self.today
    }
}

async fn visit_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    visit: Uuid,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let reader = actor.read_field_of(ea)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let visit = state.app.visit(&reader, visit).await?;
    let on_file = if visit.findings.is_empty() {
        Vec::new()
    } else {
        authority_findings(state, session, ea).await?
    };
    let findings = visit
        .findings
        .iter()
        .map(|id| FindingLink::of(*id, &on_file))
        .collect();
    let failing = !errors.is_empty();
    let name = detail.listing.authority.name.clone();
    let page = VisitPage {
        findings,
        layout: ctx.layout(
            format!("Visit of {} — {name}", visit.row.visited_on),
            Some(session),
        ),
        ea_id: ea.to_string(),
        ea_name: name,
        can_record: actor.record_field_of(ea).is_ok(),
        internal: reader.sees_internal_notes(),
        today: time::OffsetDateTime::now_utc().date().to_string(),
        visit,
        errors,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /election-authorities/{id}/visits/{visit}`.
async fn visit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path((id, visit)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let visit = parse_id(&visit)?;
    visit_view(&state, &ctx, &session, ea, visit, Vec::new()).await
}

/// `POST /election-authorities/{id}/visits/{visit}/follow-ups`.
async fn add_follow_up(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, visit)): Path<(String, String)>,
    Form(f): Form<FollowUpInput>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let visit = parse_id(&visit)?;
    let cap = session.actor.record_field_of(ea)?;
    match state.app.add_follow_up(&cap, visit, &f, &meta).await {
        Ok(_) => Ok(see_other(
            &format!("{}/{visit}#follow-ups", visits_href(ea)),
            "follow_up_added",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[("description", "What is to be done"), ("due_on", "Due by")],
            )?;
            visit_view(&state, &ctx, &session, ea, visit, errors).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct DoneForm {
    #[serde(default)]
    done: String,
}

/// `POST /election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}/done`.
async fn follow_up_done(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, visit, follow_up)): Path<(String, String, String)>,
    Form(f): Form<DoneForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let visit = parse_id(&visit)?;
    let follow_up = parse_id(&follow_up)?;
    let cap = session.actor.record_field_of(ea)?;
    state
        .app
        .set_follow_up_done(&cap, visit, follow_up, f.done != "no", &meta)
        .await?;
    Ok(see_other(
        &format!("{}/{visit}#follow-ups", visits_href(ea)),
        "follow_up_saved",
    ))
}

// ---------------------------------------------------------------------------------------------
// My work and the balance

#[derive(Template)]
#[template(path = "field/my_work.html")]
struct MyWorkPage {
    layout: Layout,
    work: Workload,
}

/// `GET /my-work`: a navigator's own workload, what is due.
async fn my_work_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let work = state.app.my_work(&session.actor).await?;
    Ok(render(&MyWorkPage {
        layout: ctx.layout("My work", Some(&session)),
        work,
    }))
}

/// One bar of the chart.
struct Bar {
    label: String,
    current: f64,
    suggested: f64,
    /// Bar lengths in pixels.
    current_px: u32,
    suggested_px: u32,
    y: u32,
}

struct ZoneView {
    name: String,
    current_cv: f64,
    suggested_cv: f64,
    current_ratio: String,
    suggested_ratio: String,
    bars: Vec<Bar>,
    moves: Vec<(String, String, String)>,
    height: u32,
}

#[derive(Template)]
#[template(path = "field/workload.html")]
struct WorkloadPage {
    layout: Layout,
    zones: Vec<ZoneView>,
    workloads: Vec<Workload>,
    needs: Vec<cybernav_app::field_ops::AuthorityNeed>,
    worst_current: f64,
    worst_suggested: f64,
    moves: usize,
    can_apply: bool,
    fingerprint: String,
    left_out: Vec<String>,
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "— (a pair has none)".into(), |r| format!("{r:.2}"))
}

fn zone_views(plan: &AssignmentPlan) -> Vec<ZoneView> {
    plan.plan
        .zones
        .iter()
        .map(|z| {
            let max = z
                .teams
                .iter()
                .map(|t| t.current.max(t.suggested))
                .fold(0.0, f64::max)
                .max(0.01);
            let px = |v: f64| ((v / max) * 360.0).round() as u32;
            let bars: Vec<Bar> = z
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| Bar {
                    label: plan.team_label(&t.team),
                    current: t.current,
                    suggested: t.suggested,
                    current_px: px(t.current),
                    suggested_px: px(t.suggested),
                    y: i as u32 * 56,
                })
                .collect();
            ZoneView {
                name: plan
                    .zone_names
                    .get(&z.zone)
                    .cloned()
                    .unwrap_or_else(|| z.zone.to_string()),
                current_cv: z.current.cv,
                suggested_cv: z.suggested.cv,
                current_ratio: ratio(z.current.max_min_ratio),
                suggested_ratio: ratio(z.suggested.max_min_ratio),
                height: bars.len() as u32 * 56 + 8,
                bars,
                moves: z
                    .moves
                    .iter()
                    .map(|m| {
                        (
                            plan.authority_name(m.authority),
                            plan.team_label(&m.from),
                            plan.team_label(&m.to),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `GET /workload`: the balance of need-weighted workload, now and suggested.
async fn workload_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_workload().ok_or(AppError::Forbidden)?;
    let plan = state.app.assignment_plan(&reader).await?;
    let workloads = state.app.workloads(&reader).await?;
    let (worst_current, worst_suggested) = plan.plan.worst();
    let left_out = plan
        .plan
        .left_out
        .iter()
        .map(|a| plan.authority_name(*a))
        .collect();
    Ok(render(&WorkloadPage {
        layout: ctx.layout("Workload & balance", Some(&session)),
        zones: zone_views(&plan),
        moves: plan.plan.moves().count(),
        can_apply: session.actor.manage_registry().is_some(),
        fingerprint: plan.fingerprint.clone(),
        needs: plan.needs.clone(),
        workloads,
        worst_current,
        worst_suggested,
        left_out,
    }))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    fingerprint: String,
}

/// `POST /workload/apply`: applies the suggestion shown (the Program Manager or the Board).
async fn apply_suggestion(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<ApplyForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_registry().ok_or(AppError::Forbidden)?;
    state
        .app
        .apply_assignment(&cap, &f.fingerprint, &meta)
        .await?;
    Ok(see_other("/workload", "assignment_applied"))
}
