//! Findings pages (Part 213.40): an authority's findings (filters, overdue and KEV named in
//! words, the form to record one with a recommendation template, the Cyber Hygiene upload),
//! one finding with its history and the forms to change its details, move it on or comment,
//! and the statewide
//! overview with the KEV catalog upload. Handlers only translate; the rules are in
//! `cybernav-app::findings`.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::findings::{
    FindingCounts, FindingDetail, FindingFilter, FindingInput, FindingView, FindingsOverview,
    ImportCounts, KevImport, TransitionInput,
};
use cybernav_app::store::findings::FindingRow;
use cybernav_core::finding::{Owner, RECOMMENDATIONS, Recommendation, Severity, Source, Status};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// The largest upload (CyHy files, KEV catalog) accepted by the pages.
const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/election-authorities/{id}/findings",
            get(list_page).post(create_finding),
        )
        .route(
            "/election-authorities/{id}/findings/cyhy",
            post(upload_cyhy).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/findings", get(overview_page))
        .route(
            "/findings/kev",
            post(upload_kev).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/findings/{id}", get(finding_page))
        .route("/findings/{id}/edit", post(edit_finding))
        .route("/findings/{id}/transition", post(transition))
        .route("/findings/{id}/comment", post(comment))
        .route(
            "/findings/{id}/evidence",
            post(upload_evidence).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/election-authorities/{id}/findings.csv", get(export_csv))
}

/// One finding as a row of the list.
struct Row {
    id: Uuid,
    title: String,
    severity: &'static str,
    status: &'static str,
    host: String,
    cve: String,
    due: String,
    overdue: bool,
    kev: bool,
    ransomware: bool,
    expired: bool,
}

impl From<&FindingView> for Row {
    fn from(v: &FindingView) -> Self {
        let r = &v.row;
        Row {
            id: r.id,
            title: r.title.clone(),
            severity: v.severity().label(),
            status: v.status().label(),
            host: match (&r.host, r.port, &r.protocol) {
                (Some(h), Some(p), Some(pr)) => format!("{h}:{p}/{pr}"),
                (Some(h), Some(p), None) => format!("{h}:{p}"),
                (Some(h), _, _) => h.clone(),
                _ => String::new(),
            },
            cve: r.cve.clone().unwrap_or_default(),
            due: v
                .due_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            overdue: v.overdue,
            kev: r.kev,
            ransomware: r.ransomware,
            expired: v.acceptance_expired,
        }
    }
}

/// A choice of a select.
struct Opt {
    value: &'static str,
    label: &'static str,
}

fn opts<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: value(*v),
            label: label(*v),
        })
        .collect()
}

/// The list's filters, as typed into its form.
#[derive(Debug, Clone, Default, Deserialize)]
struct FilterForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    show: String,
}

impl FilterForm {
    fn filter(&self) -> FindingFilter {
        let s = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
        FindingFilter {
            status: s(&self.status),
            severity: s(&self.severity),
            overdue: (self.show == "overdue").then_some(true),
            kev: (self.show == "kev").then_some(true),
            open: (self.show == "open").then_some(true),
        }
    }
}

/// The new-finding form.
#[derive(Debug, Clone, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    source: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    recommendation: String,
    #[serde(default)]
    recommendation_template: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    cve: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    identified_on: String,
}

impl NewForm {
    fn input(&self) -> FindingInput {
        let o = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        FindingInput {
            source: self.source.clone(),
            severity: self.severity.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            recommendation: o(&self.recommendation),
            recommendation_template: o(&self.recommendation_template),
            host: o(&self.host),
            port: o(&self.port),
            protocol: o(&self.protocol),
            cve: o(&self.cve),
            owner: self.owner.clone(),
            identified_on: o(&self.identified_on),
            target_date: None,
            assessment_id: None,
            catalog_item_id: None,
        }
    }
}

const NEW_LABELS: &[(&str, &str)] = &[
    ("source", "Where it came from"),
    ("severity", "Severity"),
    ("title", "Title"),
    ("description", "What was found"),
    ("recommendation", "What to do"),
    ("recommendation_template", "Start from advice"),
    ("host", "Computer or address"),
    ("port", "Port"),
    ("protocol", "Protocol"),
    ("cve", "CVE"),
    ("owner", "Who fixes it"),
    ("identified_on", "Found on"),
];

/// The form that changes a finding's details on its page. Where it came from, the day it was
/// found and the assessment it was raised from are not on the form: they are kept as stored.
#[derive(Debug, Clone, Default, Deserialize)]
struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    cve: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    target_date: String,
    #[serde(default)]
    recommendation: String,
    #[serde(default)]
    recommendation_template: String,
}

impl EditForm {
    /// The form filled from the finding as stored. The target date is shown only when it was
    /// set by hand (differs from the remediation window's), so that changing the severity
    /// with the field left empty moves the date with the window.
    fn of(row: &FindingRow, window: Option<time::Date>) -> Self {
        let o = |s: &Option<String>| s.clone().unwrap_or_default();
        EditForm {
            title: row.title.clone(),
            description: row.description.clone(),
            severity: row.severity.clone(),
            host: o(&row.host),
            port: row.port.map(|p| p.to_string()).unwrap_or_default(),
            protocol: o(&row.protocol),
            cve: o(&row.cve),
            owner: row.owner.clone(),
            target_date: row
                .target_date
                .filter(|d| Some(*d) != window)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            recommendation: o(&row.recommendation),
            recommendation_template: String::new(),
        }
    }

    /// What the form asks for, with the fields it does not show kept as stored.
    fn input(&self, row: &FindingRow) -> FindingInput {
        let o = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        FindingInput {
            source: row.source.clone(),
            severity: self.severity.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            recommendation: o(&self.recommendation),
            recommendation_template: o(&self.recommendation_template),
            host: o(&self.host),
            port: o(&self.port),
            protocol: o(&self.protocol),
            cve: o(&self.cve),
            owner: self.owner.clone(),
            identified_on: Some(row.identified_on.to_string()),
            target_date: o(&self.target_date),
            assessment_id: row.assessment_id.map(|a| a.to_string()),
            catalog_item_id: row.catalog_item_id.clone(),
        }
    }
}

const EDIT_LABELS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("description", "What was found"),
    ("severity", "Severity"),
    ("host", "Computer or address"),
    ("port", "Port"),
    ("protocol", "Protocol"),
    ("cve", "CVE"),
    ("owner", "Who fixes it"),
    ("target_date", "Fix by"),
    ("recommendation", "What to do"),
    ("recommendation_template", "Start from advice"),
    // Kept as stored, but named should a stored value no longer pass.
    ("source", "Where it came from"),
    ("identified_on", "Found on"),
    ("assessment_id", "Raised from"),
    ("catalog_item_id", "Raised from"),
];

#[derive(Template)]
#[template(path = "findings/list.html")]
struct ListPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    rows: Vec<Row>,
    counts: FindingCounts,
    filter: FilterForm,
    statuses: Vec<Opt>,
    severities: Vec<Opt>,
    sources: Vec<Opt>,
    owners: Vec<Opt>,
    templates: &'static [Recommendation],
    can_manage: bool,
    form: NewForm,
    errors: Vec<FormError>,
    imported: Vec<ImportCounts>,
}

impl ListPage {
    fn err(&self, id: &str) -> String {
        crate::pages::error_for(&self.errors, id)
            .unwrap_or_default()
            .to_string()
    }

    fn open_count(&self) -> usize {
        self.counts.open()
    }

    fn severity_count(&self, i: &usize) -> usize {
        self.counts
            .open_by_severity
            .get(*i)
            .copied()
            .unwrap_or_default()
    }
}

async fn show_list(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    filter: FilterForm,
    form: NewForm,
    errors: Vec<FormError>,
    imported: Vec<ImportCounts>,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let reader = actor.read_findings_of(ea)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let views = match state.app.findings(&reader, &filter.filter()).await {
        Ok(v) => v,
        Err(AppError::Invalid(_)) => {
            state
                .app
                .findings(&reader, &FindingFilter::default())
                .await?
        }
        Err(e) => return Err(e.into()),
    };
    let counts = state.app.finding_counts(&reader).await?;
    let name = detail.listing.authority.name.clone();
    let failing = !errors.is_empty();
    let page = ListPage {
        layout: ctx.layout(format!("Findings — {name}"), Some(session)),
        ea_id: ea.to_string(),
        ea_name: name,
        rows: views.iter().map(Row::from).collect(),
        counts,
        filter,
        statuses: opts(Status::ALL, Status::as_str, Status::label),
        severities: opts(Severity::ALL, Severity::as_str, Severity::label),
        sources: opts(Source::ALL, Source::as_str, Source::label),
        owners: opts(Owner::ALL, Owner::as_str, Owner::label),
        templates: RECOMMENDATIONS,
        can_manage: actor.manage_findings_of(ea).is_ok(),
        form,
        errors,
        imported,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /election-authorities/{id}/findings`.
async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(filter): Query<FilterForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    show_list(
        &state,
        &ctx,
        &session,
        ea,
        filter,
        NewForm::default(),
        Vec::new(),
        Vec::new(),
    )
    .await
}

/// `POST /election-authorities/{id}/findings`: records a finding.
async fn create_finding(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session.actor.manage_findings_of(ea)?;
    match state.app.create_finding(&cap, &f.input(), &meta).await {
        Ok(id) => Ok(see_other(&format!("/findings/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, NEW_LABELS)?;
            show_list(
                &state,
                &ctx,
                &session,
                ea,
                FilterForm::default(),
                f,
                errors,
                Vec::new(),
            )
            .await
        }
    }
}

/// The files of a multipart upload (`file` fields), or why it failed.
async fn files_of(multipart: &mut Multipart) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut files = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| {
                    AppError::invalid("file", "the file did not arrive whole; choose it again")
                })?;
                if !name.is_empty() || !bytes.is_empty() {
                    files.push((name, bytes.to_vec()));
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::invalid(
                    "file",
                    "the upload did not arrive whole or is too large; choose the files again",
                ));
            }
        }
    }
    if files.is_empty() {
        return Err(AppError::invalid("file", "choose a file to upload"));
    }
    Ok(files)
}

/// `POST /election-authorities/{id}/findings/cyhy?csrf=…` (multipart: `file`, one or more):
/// imports Cyber Hygiene files and shows the counts.
async fn upload_cyhy(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    RawQuery(_query): RawQuery,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session.actor.manage_findings_of(ea)?;
    let result = match files_of(&mut multipart).await {
        Ok(files) => state.app.import_cyhy(&cap, &files, &meta, &|_, _| {}).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(counts) => {
            show_list(
                &state,
                &ctx,
                &session,
                ea,
                FilterForm::default(),
                NewForm::default(),
                Vec::new(),
                counts,
            )
            .await
        }
        Err(e) => {
            let errors = form_errors(e, &[("file", "Cyber Hygiene files")])?;
            show_list(
                &state,
                &ctx,
                &session,
                ea,
                FilterForm::default(),
                NewForm::default(),
                errors,
                Vec::new(),
            )
            .await
        }
    }
}

/// One entry of a finding's history as the page shows it.
struct HistoryLine {
    at: String,
    who: String,
    what: String,
    note: String,
}

#[derive(Template)]
#[template(path = "findings/show.html")]
struct FindingPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    f: Row,
    source: &'static str,
    owner: &'static str,
    description: String,
    recommendation: String,
    identified_on: String,
    target_date: String,
    kev_due: String,
    latest_detection: String,
    closed_on: String,
    risk: String,
    assessment: String,
    history: Vec<HistoryLine>,
    evidence: Vec<(Uuid, String, String)>,
    next: Vec<Opt>,
    can_comment: bool,
    can_edit: bool,
    edit: EditForm,
    severities: Vec<Opt>,
    owners: Vec<Opt>,
    templates: &'static [Recommendation],
    windows: String,
    errors: Vec<FormError>,
}

impl FindingPage {
    fn err(&self, id: &str) -> String {
        crate::pages::error_for(&self.errors, id)
            .unwrap_or_default()
            .to_string()
    }
}

async fn show_finding(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    errors: Vec<FormError>,
    edit: Option<EditForm>,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let ea = state.app.finding_authority(id).await?;
    let reader = actor.read_findings_of(ea)?;
    let d: FindingDetail = state.app.finding(&reader, id).await?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, ea).await?;
    let worker = actor.work_on_findings_of(ea).ok();
    let status = d.finding.status();
    let next = status
        .next()
        .iter()
        .filter(|s| worker.as_ref().is_some_and(|w| w.may_move_to(**s)))
        .map(|s| Opt {
            value: s.as_str(),
            label: s.label(),
        })
        .collect();
    let r = &d.finding.row;
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let name = detail.listing.authority.name.clone();
    let windows = &state.app.config.remediation_windows;
    let window = Severity::parse(&r.severity)
        .ok()
        .and_then(|s| windows.target_date(s, r.identified_on));
    let page = FindingPage {
        layout: ctx.layout(format!("Finding — {}", r.title), Some(session)),
        ea_id: ea.to_string(),
        ea_name: name,
        f: Row::from(&d.finding),
        source: Source::parse(&r.source).map(Source::label).unwrap_or("—"),
        owner: Owner::parse(&r.owner).map(Owner::label).unwrap_or("—"),
        description: r.description.clone(),
        recommendation: r.recommendation.clone().unwrap_or_default(),
        identified_on: r.identified_on.to_string(),
        target_date: date(r.target_date),
        kev_due: date(r.kev_due_date),
        latest_detection: date(r.latest_detection),
        closed_on: date(r.closed_on),
        risk: match (&r.risk_approver, r.risk_expires_on) {
            (Some(a), Some(u)) => format!("Accepted by {a} until {u}"),
            _ => String::new(),
        },
        assessment: match (r.assessment_id, &r.catalog_item_id) {
            (Some(a), Some(i)) => format!("Assessment {a}, item {i}"),
            _ => String::new(),
        },
        history: d
            .history
            .iter()
            .map(|h| HistoryLine {
                at: crate::pages::when::When::of(h.at).text,
                who: h.actor_label.clone(),
                what: match (h.kind.as_str(), &h.from_status, &h.to_status) {
                    ("status" | "scan", Some(from), Some(to)) => format!(
                        "Status: {} → {}",
                        Status::parse(from).map(Status::label).unwrap_or("?"),
                        Status::parse(to).map(Status::label).unwrap_or("?")
                    ),
                    ("created", _, _) => "Recorded".into(),
                    ("comment", _, _) => "Comment".into(),
                    ("evidence", _, _) => "Evidence".into(),
                    ("kev", _, _) => "Known exploited".into(),
                    ("scan", _, _) => "Scan".into(),
                    _ => "Changed".into(),
                },
                note: h.note.clone().unwrap_or_default(),
            })
            .collect(),
        evidence: d
            .evidence
            .iter()
            .map(|e| (e.id, e.file_name.clone(), e.sha256.clone()))
            .collect(),
        next,
        can_comment: worker.is_some(),
        can_edit: actor.manage_findings_of(ea).is_ok(),
        edit: edit.unwrap_or_else(|| EditForm::of(r, window)),
        severities: opts(Severity::ALL, Severity::as_str, Severity::label),
        owners: opts(Owner::ALL, Owner::as_str, Owner::label),
        templates: RECOMMENDATIONS,
        windows: Severity::ALL
            .iter()
            .filter_map(|s| {
                windows
                    .target_date(*s, r.identified_on)
                    .map(|d| format!("{} {}", s.label().to_lowercase(), d))
            })
            .collect::<Vec<_>>()
            .join(", "),
        errors: errors.clone(),
    };
    let r = render(&page);
    Ok(if errors.is_empty() {
        r
    } else {
        unprocessable(r)
    })
}

/// `GET /findings/{id}`.
async fn finding_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    show_finding(&state, &ctx, &session, id, Vec::new(), None).await
}

/// `POST /findings/{id}/edit`: changes a finding's details (the Board, the Program Manager
/// and the authority's navigators). Problems are shown beside their fields and nothing
/// changes.
async fn edit_finding(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let ea = state.app.finding_authority(id).await?;
    let reader = session.actor.read_findings_of(ea)?;
    let cap = session.actor.manage_findings_of(ea)?;
    let stored = state.app.finding(&reader, id).await?;
    match state
        .app
        .update_finding(&cap, id, &f.input(&stored.finding.row), &meta)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/findings/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, EDIT_LABELS)?;
            show_finding(&state, &ctx, &session, id, errors, Some(f)).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct TransitionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    expires_on: String,
}

/// `POST /findings/{id}/transition`.
async fn transition(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let ea = state.app.finding_authority(id).await?;
    session.actor.read_findings_of(ea)?;
    let cap = session.actor.work_on_findings_of(ea)?;
    let o = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = TransitionInput {
        to: f.to.clone(),
        note: o(&f.note),
        approver: o(&f.approver),
        expires_on: o(&f.expires_on),
    };
    match state.app.transition_finding(&cap, id, &input, &meta).await {
        Ok(()) => Ok(see_other(&format!("/findings/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(
                e,
                &[
                    ("to", "New status"),
                    ("note", "Why"),
                    ("approver", "Approved by"),
                    ("expires_on", "Accepted until"),
                ],
            )?;
            show_finding(&state, &ctx, &session, id, errors, None).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /findings/{id}/comment`.
async fn comment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let ea = state.app.finding_authority(id).await?;
    session.actor.read_findings_of(ea)?;
    let cap = session.actor.work_on_findings_of(ea)?;
    match state.app.comment_finding(&cap, id, &f.body, &meta).await {
        Ok(()) => Ok(see_other(&format!("/findings/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, &[("body", "Comment")])?;
            show_finding(&state, &ctx, &session, id, errors, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "findings/overview.html")]
struct OverviewPage {
    layout: Layout,
    o: FindingsOverview,
    severities: Vec<Opt>,
    can_kev: bool,
    kev: Option<KevImport>,
    errors: Vec<FormError>,
}

impl OverviewPage {
    fn sev(&self, c: &FindingCounts, i: &usize) -> usize {
        c.open_by_severity.get(*i).copied().unwrap_or_default()
    }
}

async fn show_overview(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    kev: Option<KevImport>,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let reader = session
        .actor
        .read_findings_overview()
        .ok_or(AppError::Forbidden)?;
    let o = state.app.findings_overview(&reader).await?;
    let page = OverviewPage {
        layout: ctx.layout("Findings across the state", Some(session)),
        o,
        severities: opts(Severity::ALL, Severity::as_str, Severity::label),
        can_kev: session.actor.manage_kev().is_some(),
        kev,
        errors: errors.clone(),
    };
    let r = render(&page);
    Ok(if errors.is_empty() {
        r
    } else {
        unprocessable(r)
    })
}

/// `GET /findings`: the statewide overview.
async fn overview_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    show_overview(&state, &ctx, &session, None, Vec::new()).await
}

/// `POST /findings/kev?csrf=…` (multipart: `file`): imports the KEV catalog.
async fn upload_kev(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_kev().ok_or(AppError::Forbidden)?;
    let result = match files_of(&mut multipart).await {
        Ok(files) => {
            let (name, bytes) = files.into_iter().next().unwrap_or_default();
            state.app.import_kev(&cap, &name, &bytes, &meta).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(k) => show_overview(&state, &ctx, &session, Some(k), Vec::new()).await,
        Err(e) => {
            let errors = form_errors(e, &[("file", "KEV catalog file")])?;
            show_overview(&state, &ctx, &session, None, errors).await
        }
    }
}

/// `POST /findings/{id}/evidence?csrf=…` (multipart: `file`): files evidence of the fix.
async fn upload_evidence(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let ea = state.app.finding_authority(id).await?;
    session.actor.read_findings_of(ea)?;
    let cap = session.actor.work_on_findings_of(ea)?;
    let result = match files_of(&mut multipart).await {
        Ok(files) => {
            let (name, bytes) = files.into_iter().next().unwrap_or_default();
            state
                .app
                .upload_finding_evidence(&cap, id, &name, &bytes, &meta)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/findings/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, &[("file", "Evidence file")])?;
            show_finding(&state, &ctx, &session, id, errors, None).await
        }
    }
}

/// `GET /election-authorities/{id}/findings.csv`: the list as CSV, with the list's filters.
async fn export_csv(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(filter): Query<FilterForm>,
) -> Result<Response, PageError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let id = id.trim_end_matches(".csv");
    let ea = parse_id(id)?;
    let reader = session.actor.read_findings_of(ea)?;
    let csv = state.app.findings_csv(&reader, &filter.filter()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"findings.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}
