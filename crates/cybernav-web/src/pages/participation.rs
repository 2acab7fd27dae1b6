//! Participation pages (Part 213.50): the grant cycles, the statewide dashboard of a cycle, the
//! report card the Board publishes, and each authority's checklist, which the county sees and
//! answers first.
//!
//! Handlers only translate: the rules are in `cybernav-core` (eligibility, evidence) and the
//! use cases in `cybernav-app` (`participation`, `checklist`, `statewide`).

use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::checklist::{Checklist, NOTE_MAX_CHARS};
use cybernav_app::participation::{FactInput, GrantCycle, GrantCycleInput};
use cybernav_app::statewide::{ReportCard, Standing, Statewide};
use cybernav_core::authz::Actor;
use cybernav_core::eligibility::{Status, long_date};
use cybernav_core::evidence::{accepted_extensions, human_size};
use cybernav_core::requirements::FactKey;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::attestations::AttestationView;
use crate::pages::fields::{Field, with_errors};
use crate::pages::when::When;
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// The largest request the evidence upload route reads (the app then applies the configured
/// file limit, which may be lower).
pub const EVIDENCE_BODY_LIMIT: usize = 26 * 1024 * 1024;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/participation", get(cycles_page).post(create_cycle))
        .route("/participation/{cycle}", get(statewide_page))
        .route("/participation/{cycle}/publish", post(publish))
        .route("/participation/{cycle}/report-card", get(report_card_page))
        .route(
            "/election-authorities/{id}/participation",
            get(checklist_page),
        )
        .route(
            "/election-authorities/{id}/participation/facts",
            post(record_fact),
        )
        .route(
            "/election-authorities/{id}/participation/check",
            post(check_item),
        )
        .route(
            "/election-authorities/{id}/participation/certify",
            post(certify),
        )
        .route(
            "/election-authorities/{id}/participation/paper-certification",
            post(record_paper_certification),
        )
        .route(
            "/election-authorities/{id}/participation/notes",
            post(add_note),
        )
        .route(
            "/election-authorities/{id}/participation/evidence",
            post(upload_evidence).layer(DefaultBodyLimit::max(EVIDENCE_BODY_LIMIT)),
        )
        .route("/evidence/{id}", get(download_evidence))
}

fn forbidden() -> PageError {
    PageError::App(AppError::Forbidden)
}

/// `15 March 2027`.
fn day(d: Date) -> String {
    long_date(d)
}

/// "12 days left", "Last day today", "Closed 3 days ago".
pub fn countdown(days_left: i64) -> String {
    match days_left {
        0 => "Last day today".into(),
        1 => "1 day left".into(),
        n if n > 1 => format!("{n} days left"),
        -1 => "Closed yesterday".into(),
        n => format!("Closed {} days ago", -n),
    }
}

/// The checklist of `ea` in `cycle`.
pub(crate) fn checklist_href(ea: Uuid, cycle: Uuid) -> String {
    format!("/election-authorities/{ea}/participation?cycle={cycle}")
}

fn query_id(raw: Option<&str>, key: &str) -> Option<Uuid> {
    raw.and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| Uuid::parse_str(v.trim()).ok())
}

// ---------------------------------------------------------------------------------------------
// Cycles

struct CycleView {
    id: Uuid,
    name: String,
    grant_program: String,
    funds: String,
    deadline: String,
    time_zone: String,
    countdown: String,
    set: String,
}

impl CycleView {
    fn new(c: &GrantCycle, days_left: i64) -> Self {
        CycleView {
            id: c.row.id,
            name: c.row.name.clone(),
            grant_program: c.row.grant_program.clone(),
            funds: dollars(c.row.funds_cents),
            deadline: day(c.row.deadline),
            time_zone: c.row.time_zone.clone(),
            countdown: countdown(days_left),
            set: format!("{} {}", c.row.set_id, c.row.set_version),
        }
    }
}

/// `1390320800` cents as `$13,903,208.00`.
pub fn dollars(cents: i64) -> String {
    let whole = (cents / 100).unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${out}.{:02}", (cents % 100).unsigned_abs())
}

#[derive(Template)]
#[template(path = "participation/cycles.html")]
struct CyclesPage {
    layout: Layout,
    errors: Vec<FormError>,
    cycles: Vec<CycleView>,
    /// For county users: their authority, whose checklists the cycles link to.
    own_authority: Option<Uuid>,
    sees_statewide: bool,
    can_manage: bool,
    /// Links each cycle's ledger.
    reads_grants: bool,
    /// Links the county official's claims in each cycle.
    can_claim: bool,
    fields: Vec<Field>,
}

fn cycle_fields(form: &GrantCycleInput, errors: &[FormError]) -> Vec<Field> {
    with_errors(
        vec![
            Field::text("name", "Name", &form.name)
                .hint("For example: 2027 HAVA Election Security")
                .required(),
            Field::text("grant_program", "Grant program", &form.grant_program)
                .hint("For example: HAVA Election Security Grant (EAC)")
                .required(),
            Field::text("funds", "Funds", &form.funds)
                .hint("In dollars, for example 13,903,208.00")
                .inputmode("decimal")
                .required(),
            Field::text("deadline", "Certification deadline", &form.deadline)
                .kind("date")
                .hint("The last day a certification counts (YYYY-MM-DD)")
                .required(),
            Field::text("time_zone", "Board's time zone", &form.time_zone)
                .hint("The IANA name of the Board's zone, such as America/Chicago; the deadline day ends at midnight there")
                .required(),
        ],
        errors,
    )
}

const CYCLE_LABELS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("grant_program", "Grant program"),
    ("funds", "Funds"),
    ("set_id", "Requirement set"),
    ("deadline", "Certification deadline"),
    ("time_zone", "Board's time zone"),
];

async fn cycles_view(state: &AppState, actor: &Actor) -> Result<Vec<CycleView>, PageError> {
    let now = cybernav_app::store::now();
    let mut out = Vec::new();
    for c in state.app.grant_cycles().await? {
        let days = c.deadline()?.days_left(now);
        out.push(CycleView::new(&c, days));
    }
    let _ = actor;
    Ok(out)
}

fn cycles_page_for(
    ctx: &PageCtx,
    session: &SessionInfo,
    cycles: Vec<CycleView>,
    form: GrantCycleInput,
    errors: Vec<FormError>,
) -> CyclesPage {
    let a = &session.actor;
    CyclesPage {
        layout: ctx.layout("Participation and grants", Some(session)),
        cycles,
        own_authority: a.election_authority_id,
        sees_statewide: a.read_statewide().is_some(),
        can_manage: a.manage_grants().is_some(),
        reads_grants: a.read_grants().is_some(),
        can_claim: a.own_claimant().is_some(),
        fields: cycle_fields(&form, &errors),
        errors,
    }
}

async fn cycles_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let cycles = cycles_view(&state, &session.actor).await?;
    let form = GrantCycleInput {
        time_zone: "America/Chicago".into(),
        ..Default::default()
    };
    Ok(render(&cycles_page_for(
        &ctx,
        &session,
        cycles,
        form,
        Vec::new(),
    )))
}

async fn create_cycle(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(input): Form<GrantCycleInput>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_grants().ok_or_else(forbidden)?;
    match state.app.create_grant_cycle(&cap, &input, &meta).await {
        Ok(id) => Ok(see_other(&format!("/participation/{id}"), "cycle_created")),
        Err(e) => {
            let errors = form_errors(e, CYCLE_LABELS)?;
            let cycles = cycles_view(&state, &session.actor).await?;
            Ok(unprocessable(render(&cycles_page_for(
                &ctx, &session, cycles, input, errors,
            ))))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Statewide

struct StandingCount {
    label: &'static str,
    key: &'static str,
    count: usize,
    percent: usize,
}

struct RowView {
    href: String,
    name: String,
    zone: String,
    navigators: String,
    certification: String,
    standing: Standing,
    unmet: usize,
    /// The Program Manager's verification to the Board: its letter, when signed, and whether
    /// the facts changed since.
    verification: Option<(String, When, bool)>,
}

#[derive(Template)]
#[template(path = "participation/statewide.html")]
struct StatewidePage {
    layout: Layout,
    cycle: CycleView,
    s: Statewide,
    standings: Vec<StandingCount>,
    rows: Vec<RowView>,
    filter: Option<Standing>,
    can_publish: bool,
    /// Links the cycle's ledger.
    reads_grants: bool,
    published: Option<When>,
    requirements_total: usize,
}

async fn statewide_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(cycle): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let cycle = parse_id(&cycle)?;
    // County users and partners see what the Board published, not the live status.
    let reader = session.actor.read_statewide().ok_or_else(forbidden)?;
    let s = state.app.statewide(&reader, cycle).await?;
    let published = state.app.report_card(cycle).await?;
    let filter = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "standing")
        .and_then(|(_, v)| Standing::ALL.into_iter().find(|s| s.as_str() == v));
    let standings = Standing::ALL
        .into_iter()
        .map(|st| {
            let count = s.rows.iter().filter(|r| r.standing == st).count();
            StandingCount {
                label: st.label(),
                key: st.as_str(),
                count,
                percent: s.counts.percent(count),
            }
        })
        .collect();
    let rows = s
        .rows
        .iter()
        .filter(|r| filter.is_none_or(|f| r.standing == f))
        .map(|r| RowView {
            href: checklist_href(r.id, cycle),
            name: r.name.clone(),
            zone: r.zone.clone().unwrap_or_else(|| "Not set".into()),
            navigators: if r.navigators.is_empty() {
                "None".into()
            } else {
                r.navigators.join(", ")
            },
            certification: match &r.certification {
                None => "Not received".into(),
                Some(c) if c.on_time => format!("On time, {}", day(c.received_at.date())),
                Some(c) => format!("Late, {}", day(c.received_at.date())),
            },
            standing: r.standing,
            unmet: r.unmet,
            verification: r.program_manager_verification.as_ref().map(|v| {
                (
                    format!("/attestations/{}", v.id),
                    When::of(v.signed_at),
                    v.stale,
                )
            }),
        })
        .collect();
    let page = StatewidePage {
        layout: ctx.layout(format!("{}: statewide", s.cycle.row.name), Some(&session)),
        cycle: CycleView::new(&s.cycle, s.days_left),
        requirements_total: s.set.requirements.len(),
        standings,
        rows,
        filter,
        can_publish: session.actor.manage_grants().is_some(),
        reads_grants: session.actor.read_grants().is_some(),
        published: published.map(|p| When::of(p.published_at)),
        s,
    };
    Ok(render(&page))
}

async fn publish(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(cycle): Path<String>,
) -> Result<Response, PageError> {
    let cycle = parse_id(&cycle)?;
    let cap = session.actor.manage_grants().ok_or_else(forbidden)?;
    state.app.publish_report_card(&cap, cycle, &meta).await?;
    Ok(see_other(
        &format!("/participation/{cycle}/report-card"),
        "published",
    ))
}

#[derive(Template)]
#[template(path = "participation/report_card.html")]
struct ReportCardPage {
    layout: Layout,
    cycle_id: Uuid,
    cycle_name: String,
    card: Option<ReportCard>,
    published: Option<When>,
    deadline: String,
    sees_statewide: bool,
}

async fn report_card_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(cycle): Path<String>,
) -> Result<Response, PageError> {
    let cycle = parse_id(&cycle)?;
    let c = state
        .app
        .grant_cycles()
        .await?
        .into_iter()
        .find(|c| c.row.id == cycle)
        .ok_or(PageError::App(AppError::NotFound))?;
    let card = state.app.report_card(cycle).await?;
    let page = ReportCardPage {
        layout: ctx.layout(format!("{}: report card", c.row.name), Some(&session)),
        cycle_id: cycle,
        cycle_name: c.row.name.clone(),
        published: card.as_ref().map(|k| When::of(k.published_at)),
        deadline: day(c.row.deadline),
        card,
        sees_statewide: session.actor.read_statewide().is_some(),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// One authority's checklist

/// A fact form beside a requirement, for those who record facts.
struct FactForm {
    key: &'static str,
    label: &'static str,
    holds: bool,
    on: String,
    note: String,
    /// Extra words under the note box.
    note_hint: &'static str,
    /// Whether the note is a choice of ISAC.
    isac_choice: bool,
    /// Who recorded it, and when.
    recorded: Option<String>,
}

struct EvidenceView {
    id: Uuid,
    file_name: String,
    size: String,
    sha256: String,
    uploaded: When,
}

struct NoteView {
    author: String,
    role: &'static str,
    body: String,
    at: When,
}

struct HistoryView {
    at: When,
    who: String,
    what: String,
}

struct ItemView {
    id: String,
    title: String,
    clause: String,
    text: String,
    owner: &'static str,
    due: String,
    status: Status,
    status_label: &'static str,
    reasons: Vec<String>,
    facts: Vec<FactForm>,
    takes_check: bool,
    evidence: Vec<EvidenceView>,
    notes: Vec<NoteView>,
    history: Vec<HistoryView>,
}

struct CycleLink {
    href: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "participation/checklist.html")]
struct ChecklistPage {
    layout: Layout,
    errors: Vec<FormError>,
    ea_id: Uuid,
    ea_name: String,
    cycle: CycleView,
    cycles: Vec<CycleLink>,
    eligible: bool,
    met: usize,
    total: usize,
    items: Vec<ItemView>,
    certification: Option<String>,
    can_certify: bool,
    /// The Board or Program Manager may record a certification that came on paper.
    can_record_paper: bool,
    can_record: bool,
    can_write: bool,
    accept: String,
    max_size: String,
    note_max: usize,
    /// This cycle's written verifications, latest first.
    attestations: Vec<AttestationView>,
    /// The navigator assigned may sign 213.50(a)(3) to the Program Manager.
    can_attest_navigator: bool,
    /// The Program Manager may sign 213.50(a) to the Board.
    can_attest_program_manager: bool,
    /// This cycle's assessments (213.40) and where each stands: 213.50(a)(3) follows them.
    assessments: Vec<(String, String)>,
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Met => "Met",
        Status::Open => "Open",
        Status::Overdue => "Overdue",
    }
}

fn fact_hint(key: FactKey) -> &'static str {
    match key {
        FactKey::IsacWaived => "The reason for the waiver is required.",
        FactKey::IcnAgreementSigned => "The agreement's reference, if any.",
        FactKey::DesigneeTrained => "Who completed the training, and the course.",
        FactKey::DataSharingEstablished => {
            "How information flows both ways (e.g. e-mail list, portal)."
        }
        _ => "",
    }
}

/// The ISACs an authority may register with; the choice is kept in the fact's note.
pub const ISAC_CHOICES: &[&str] = &[
    "EI-ISAC",
    "MS-ISAC (statewide membership)",
    "MS-ISAC (individual membership)",
    "State ISAC",
];

fn checklist_view(
    ctx: &PageCtx,
    session: &SessionInfo,
    cl: Checklist,
    cycles: &[GrantCycle],
    facts: &[cybernav_app::store::participation::FactRow],
    errors: Vec<FormError>,
    state: &AppState,
) -> ChecklistPage {
    let a = &session.actor;
    let p = &cl.participation;
    let ea = p.election_authority_id();
    let can_record = a.record_facts_of(ea).is_ok();
    let items = cl
        .items
        .iter()
        .map(|i| ItemView {
            id: i.requirement.id.clone(),
            title: i.requirement.title.clone(),
            clause: i.requirement.clause.clone(),
            text: i.requirement.text.clone(),
            owner: i.requirement.owner.label(),
            due: i.status.due_on.map(day).unwrap_or_else(|| "No date".into()),
            status: i.status.status,
            status_label: status_label(i.status.status),
            reasons: i.status.reasons.clone(),
            facts: i
                .requirement
                .condition
                .facts()
                .iter()
                .filter(|k| !matches!(k, FactKey::CertificationOnTime | FactKey::Checked))
                .map(|k| {
                    let row = facts.iter().find(|f| f.fact == k.as_str());
                    FactForm {
                        key: k.as_str(),
                        label: k.label(),
                        holds: row.is_some_and(|r| r.holds),
                        on: row
                            .and_then(|r| r.on_date)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        note: row.and_then(|r| r.note.clone()).unwrap_or_default(),
                        note_hint: fact_hint(*k),
                        isac_choice: *k == FactKey::IsacRegistered,
                        recorded: row.map(|r| {
                            format!(
                                "{} on {}",
                                if r.holds {
                                    "Recorded"
                                } else {
                                    "Recorded as not so"
                                },
                                When::of(r.updated_at).text
                            )
                        }),
                    }
                })
                .collect(),
            takes_check: i.requirement.condition.facts().contains(&FactKey::Checked),
            evidence: i
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    id: e.id,
                    file_name: e.file_name.clone(),
                    size: human_size(e.size_bytes.max(0) as usize),
                    sha256: e.sha256.clone(),
                    uploaded: When::of(e.uploaded_at),
                })
                .collect(),
            notes: i
                .notes
                .iter()
                .map(|n| NoteView {
                    author: n.author_name.clone(),
                    role: cybernav_core::role::Role::parse(&n.author_role)
                        .map(|r| r.label())
                        .unwrap_or("former role"),
                    body: n.body.clone(),
                    at: When::of(n.created_at),
                })
                .collect(),
            history: i
                .history
                .iter()
                .map(|h| HistoryView {
                    at: When::of(h.at),
                    who: h.who.clone(),
                    what: h.what.clone(),
                })
                .collect(),
        })
        .collect();
    ChecklistPage {
        layout: ctx.layout(
            format!("{}: {}", p.authority_name(), p.cycle.row.name),
            Some(session),
        ),
        errors,
        ea_id: ea,
        ea_name: p.authority_name().to_string(),
        cycle: CycleView::new(&p.cycle, p.days_left),
        cycles: cycles
            .iter()
            .map(|c| CycleLink {
                href: checklist_href(ea, c.row.id),
                name: c.row.name.clone(),
                current: c.row.id == p.cycle.row.id,
            })
            .collect(),
        eligible: p.eligibility.eligible,
        met: p.eligibility.requirements.len() - p.eligibility.unmet(),
        total: p.eligibility.requirements.len(),
        certification: p.certification.as_ref().map(|c| {
            format!(
                "Received {} from {}{}",
                When::of(c.received_at).text,
                c.signer_name,
                if c.on_time {
                    ", on time"
                } else {
                    ", after the deadline"
                }
            )
        }),
        can_certify: a.certify_for(ea).is_ok() && p.days_left >= 0,
        can_record_paper: a.manage_grants().is_some(),
        can_record,
        can_write: a.write_checklist_of(ea).is_ok(),
        accept: accepted_extensions()
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(","),
        max_size: human_size(state.app.config.evidence_max_bytes),
        note_max: NOTE_MAX_CHARS,
        attestations: Vec::new(),
        can_attest_navigator: a.attest_as_navigator(ea).is_ok(),
        can_attest_program_manager: a.attest_as_program_manager(ea).is_ok(),
        assessments: Vec::new(),
        items,
    }
}

/// The checklist page, or the same page with `errors` (422).
pub(crate) async fn show_checklist(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    cycle: Option<Uuid>,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_registry().ok_or_else(forbidden)?;
    let cycles = state.app.grant_cycles().await?;
    let Some(cycle) = cycle.or_else(|| cycles.first().map(|c| c.row.id)) else {
        return Ok(render(&NoCyclePage {
            layout: ctx.layout("Participation", Some(session)),
            can_manage: session.actor.manage_grants().is_some(),
        }));
    };
    let cl = state.app.checklist(&reader, ea, cycle).await?;
    let facts = state.app.recorded_facts(&reader, ea).await?;
    let attestations = state
        .app
        .list_attestations(&reader, ea)
        .await?
        .iter()
        .filter(|l| l.attestation.row.cycle_id == cycle)
        .map(AttestationView::from)
        .collect();
    let failed = !errors.is_empty();
    let mut page = checklist_view(ctx, session, cl, &cycles, &facts, errors, state);
    page.attestations = attestations;
    if session.actor.read_assessments_of(ea).is_ok() {
        page.assessments = state
            .app
            .assessment_states(ea, cycle)
            .await?
            .into_iter()
            .map(|(row, st)| (row.catalog_id, st.label().to_string()))
            .collect();
    }
    let resp = render(&page);
    Ok(if failed { unprocessable(resp) } else { resp })
}

#[derive(Template)]
#[template(path = "participation/no_cycle.html")]
struct NoCyclePage {
    layout: Layout,
    can_manage: bool,
}

async fn checklist_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = query_id(query.as_deref(), "cycle");
    show_checklist(&state, &ctx, &session, ea, cycle, Vec::new()).await
}

/// The fields of the fact form.
#[derive(Debug, Deserialize)]
struct FactFields {
    cycle: String,
    fact: String,
    holds: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

const FACT_LABELS: &[(&str, &str)] = &[
    ("fact", "Fact"),
    ("on", "Date"),
    ("note", "Note"),
    ("holds", "Answer"),
];

fn parse_cycle(raw: &str) -> Result<Uuid, PageError> {
    parse_id(raw.trim())
}

async fn record_fact(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<FactFields>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_cycle(&f.cycle)?;
    let cap = session.actor.record_facts_of(ea)?;
    let on = match f.on.trim() {
        "" => None,
        s => match Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")) {
            Ok(d) => Some(d),
            Err(_) => {
                let errors = form_errors(
                    AppError::invalid("on", "write the date as YYYY-MM-DD, such as 2026-03-02"),
                    FACT_LABELS,
                )?;
                return show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await;
            }
        },
    };
    let input = FactInput {
        holds: f.holds == "yes",
        on,
        note: Some(f.note),
    };
    match state.app.record_fact(&cap, &f.fact, &input, &meta).await {
        Ok(()) => Ok(see_other(&checklist_href(ea, cycle), "saved")),
        Err(e) => {
            let errors = form_errors(e, FACT_LABELS)?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

/// The fields of the "mark done" form.
#[derive(Debug, Deserialize)]
struct CheckForm {
    cycle: String,
    requirement: String,
    #[serde(default)]
    note: String,
}

async fn check_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CheckForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_cycle(&f.cycle)?;
    let cap = session.actor.record_facts_of(ea)?;
    let today = cybernav_app::store::now().date();
    let note = Some(f.note.trim()).filter(|n| !n.is_empty());
    match state
        .app
        .check_requirement(&cap, cycle, &f.requirement, Some(today), note, &meta)
        .await
    {
        Ok(()) => Ok(see_other(&checklist_href(ea, cycle), "saved")),
        Err(e) => {
            let errors = form_errors(e, &[("requirement", "Requirement")])?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

/// The fields of the certification form.
#[derive(Debug, Deserialize)]
struct CertifyForm {
    cycle: String,
    signer_name: String,
}

async fn certify(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CertifyForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_cycle(&f.cycle)?;
    let cap = session.actor.certify_for(ea)?;
    match state
        .app
        .submit_certification(&cap, cycle, &f.signer_name, &meta)
        .await
    {
        Ok(_) => Ok(see_other(&checklist_href(ea, cycle), "certified")),
        Err(e) => {
            let errors = form_errors(
                e,
                &[("signer_name", "Your full name"), ("cycle", "Grant cycle")],
            )?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

/// The fields of the paper-certification form: the stamp the Board put on it when it arrived.
#[derive(Debug, Deserialize)]
struct PaperCertificationForm {
    cycle: String,
    signer_name: String,
    received_on: String,
    received_time: String,
}

async fn record_paper_certification(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<PaperCertificationForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_cycle(&f.cycle)?;
    let cap = session.actor.manage_grants().ok_or_else(forbidden)?;
    let labels = [
        ("signer_name", "Name of the official who signed"),
        ("received_on", "Date received"),
        ("received_time", "Time received"),
        ("cycle", "Grant cycle"),
    ];
    // The app reads the stamp (date, time, the Board's time zone) and names every problem.
    let errors = match state
        .app
        .record_certification_stamped(
            &cap,
            cycle,
            ea,
            &f.signer_name,
            &f.received_on,
            &f.received_time,
            &meta,
        )
        .await
    {
        Ok(_) => return Ok(see_other(&checklist_href(ea, cycle), "paper_certified")),
        Err(e) => form_errors(e, &labels)?,
    };
    show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
}

/// The fields of the note form.
#[derive(Debug, Deserialize)]
struct NoteForm {
    cycle: String,
    requirement: String,
    body: String,
}

async fn add_note(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_cycle(&f.cycle)?;
    let cap = session.actor.write_checklist_of(ea)?;
    match state
        .app
        .add_note(&cap, cycle, &f.requirement, &f.body, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("{}#item-{}", checklist_href(ea, cycle), f.requirement),
            "note_added",
        )),
        Err(e) => {
            let errors = form_errors(e, &[("body", "Note"), ("requirement", "Requirement")])?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

pub(crate) fn upload_failed(e: &MultipartError) -> String {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "The file is too large to upload; scan at a lower resolution or split the document".into()
    } else {
        "The file did not arrive whole; choose it again and upload it once more".into()
    }
}

/// `POST /election-authorities/{id}/participation/evidence?csrf=…&cycle=…&requirement=…`
/// (multipart: `file`). The CSRF token rides in the query string, as for every upload.
async fn upload_evidence(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session.actor.write_checklist_of(ea)?;
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let value = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let cycle = parse_cycle(&value("cycle"))?;
    let requirement = value("requirement");
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut problem = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        problem = Some(upload_failed(&e));
                        break;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                problem = Some(upload_failed(&e));
                break;
            }
        }
    }
    let result = match (problem, file) {
        (Some(p), _) => Err(AppError::invalid("file", p)),
        (None, None) => Err(AppError::invalid("file", "choose a file to upload")),
        (None, Some((name, bytes))) => state
            .app
            .upload_evidence(&cap, cycle, &requirement, &name, &bytes, &meta)
            .await
            .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(see_other(
            &format!("{}#item-{requirement}", checklist_href(ea, cycle)),
            "evidence_added",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[("file", "Evidence file"), ("requirement", "Requirement")],
            )?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

/// `GET /evidence/{id}`: the file, as an attachment (never shown inline, so a file cannot
/// run as a page of this site).
async fn download_evidence(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let reader = session.actor.read_registry().ok_or_else(forbidden)?;
    let (meta, content) = state.app.evidence_file(&reader, id).await?;
    let safe_name: String = meta
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        content,
    )
        .into_response())
}
