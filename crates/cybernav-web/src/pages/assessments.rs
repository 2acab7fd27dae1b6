//! Assessments (Part 213.40) as pages: an authority's assessments with its trend across cycles
//! and where it stands among its peers; one assessment's form (grouped by control, saved a
//! group at a time so a navigator on a laptop loses nothing), its scores as bar charts, and the
//! workflow buttons; the catalogs loaded. Charts are server-drawn SVG with a table beside each,
//! so they read without JavaScript and with a screen reader.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::assessment_findings::ItemFindings;
use cybernav_app::assessments::{AnswerInput, AnswersInput, AssessmentView, PeerAnswer};
use cybernav_core::assessment::{State as AState, Transition};
use cybernav_core::role::Role;
use cybernav_core::scoring::{Answer, Dimension, Method, Rollup, SIMPLE_LEVELS};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalogs", get(catalogs_page))
        .route(
            "/election-authorities/{id}/assessments",
            get(authority_assessments).post(start_assessment),
        )
        .route("/assessments/{id}", get(show_assessment))
        .route("/assessments/{id}/answers", post(save_group))
        .route("/assessments/{id}/transitions", post(take_step))
        .route("/assessments/{id}/findings", post(raise_findings))
        .route(
            "/assessments/{id}/evidence",
            post(upload_evidence).layer(DefaultBodyLimit::max(
                crate::pages::participation::EVIDENCE_BODY_LIMIT,
            )),
        )
}

/// `POST /assessments/{id}/evidence?csrf=…&item=…` (multipart: `file`): files evidence for one
/// item, through the checklist's evidence mechanism (size and type limits, SHA-256).
async fn upload_evidence(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let v = state.app.assessment(&session.actor, id).await?;
    let cap = session
        .actor
        .answer_assessments_of(v.row.election_authority_id)?;
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let item = pairs
        .iter()
        .find(|(k, _)| k == "item")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut problem = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        problem = Some(crate::pages::participation::upload_failed(&e));
                        break;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                problem = Some(crate::pages::participation::upload_failed(&e));
                break;
            }
        }
    }
    let result = match (problem, file) {
        (Some(p), _) => Err(AppError::invalid("file", p)),
        (None, None) => Err(AppError::invalid("file", "choose a file to upload")),
        (None, Some((name, bytes))) => state
            .app
            .upload_assessment_evidence(&cap, id, &item, &name, &bytes, &meta)
            .await
            .map(|_| ()),
    };
    let group = v
        .catalog
        .item(&item)
        .map(|(g, _)| g.id.clone())
        .unwrap_or_default();
    match result {
        Ok(()) => Ok(see_other(
            &format!("/assessments/{id}#group-{group}"),
            "evidence_added",
        )),
        Err(e) => {
            let errors = form_errors(e, &[("file", "Evidence file"), ("item", "Item")])?;
            let v = state.app.assessment(&session.actor, id).await?;
            Ok(unprocessable(render(
                &full_page(&state, &ctx, &session, v, None, errors).await?,
            )))
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.0} %")).unwrap_or_else(|| "—".into())
}

/// A horizontal bar chart of percentages, one bar per row; rows without a score show "no
/// score". The figures are also in the table the page puts beside it.
pub fn bar_chart(title: &str, rows: &[(String, Option<f64>)]) -> String {
    let row_h = 22;
    let label_w = 220;
    let bar_w = 300;
    let h = rows.len() * row_h + 30;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="cn-chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        w = label_w + bar_w + 60,
        t = esc(title)
    );
    for (i, (label, p)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let short: String = label.chars().take(34).collect();
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="12" text-anchor="end">{l}</text>"#,
            x = label_w - 6,
            ty = y + 14,
            l = esc(&short)
        );
        match p {
            Some(p) => {
                let w = (p / 100.0 * bar_w as f64).round() as usize;
                let _ = write!(
                    s,
                    r##"<rect x="{label_w}" y="{y}" width="{w}" height="16" fill="#005ea2"/><text x="{tx}" y="{ty}" font-size="12">{p:.0} %</text>"##,
                    tx = label_w + w + 4,
                    ty = y + 13
                );
            }
            None => {
                let _ = write!(
                    s,
                    r#"<text x="{label_w}" y="{ty}" font-size="12" font-style="italic">no score</text>"#,
                    ty = y + 13
                );
            }
        }
    }
    let axis_y = rows.len() * row_h + 8;
    for tick in [0, 50, 100] {
        let x = label_w + tick * bar_w / 100;
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="0" x2="{x}" y2="{axis_y}" stroke="#71767a" stroke-dasharray="2,2"/><text x="{x}" y="{ty}" font-size="11" text-anchor="middle">{tick} %</text>"##,
            ty = axis_y + 14
        );
    }
    s.push_str("</svg>");
    s
}

/// A line chart of overall scores across cycles.
pub fn trend_chart(title: &str, points: &[(String, Option<f64>)]) -> String {
    let (w, h, left, top, plot_h) = (520usize, 200usize, 40usize, 10usize, 140usize);
    let n = points.len().max(1);
    let step = if n > 1 { (w - left - 20) / (n - 1) } else { 0 };
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="cn-chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = esc(title)
    );
    for tick in [0usize, 50, 100] {
        let y = top + plot_h - tick * plot_h / 100;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#dfe1e2"/><text x="{tx}" y="{ty}" font-size="11" text-anchor="end">{tick} %</text>"##,
            x2 = w - 10,
            tx = left - 4,
            ty = y + 4
        );
    }
    let mut path = String::new();
    for (i, (label, p)) in points.iter().enumerate() {
        let x = left + i * step;
        let short: String = label.chars().take(18).collect();
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="11" text-anchor="middle">{l}</text>"#,
            ty = top + plot_h + 18,
            l = esc(&short)
        );
        if let Some(p) = p {
            let y = top + plot_h - (p / 100.0 * plot_h as f64).round() as usize;
            let _ = write!(
                s,
                r##"<circle cx="{x}" cy="{y}" r="4" fill="#005ea2"/><text x="{x}" y="{ty}" font-size="11" text-anchor="middle">{p:.0} %</text>"##,
                ty = y.saturating_sub(8)
            );
            let _ = write!(path, "{}{x},{y} ", if path.is_empty() { "M" } else { "L" });
        }
    }
    if !path.is_empty() {
        let _ = write!(
            s,
            r##"<path d="{}" fill="none" stroke="#005ea2" stroke-width="2"/>"##,
            path.trim()
        );
    }
    s.push_str("</svg>");
    s
}

/// The peers' scores by tenths as bars, with the authority's own score marked by a labelled
/// line (not by colour alone).
pub fn peer_chart(title: &str, deciles: &[usize; 10], own: f64) -> String {
    let (w, h, left, top, plot_h) = (520usize, 200usize, 30usize, 20usize, 130usize);
    let bw = (w - left - 10) / 10;
    let max = deciles.iter().copied().max().unwrap_or(1).max(1);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="cn-chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, c) in deciles.iter().enumerate() {
        let bh = c * plot_h / max;
        let x = left + i * bw;
        let _ = write!(
            s,
            r##"<rect x="{x1}" y="{y}" width="{bw2}" height="{bh}" fill="#a9aeb1"/><text x="{tx}" y="{ly}" font-size="10" text-anchor="middle">{lo}–{hi}</text><text x="{tx}" y="{cy}" font-size="10" text-anchor="middle">{c}</text>"##,
            x1 = x + 2,
            y = top + plot_h - bh,
            bw2 = bw - 4,
            tx = x + bw / 2,
            ly = top + plot_h + 14,
            cy = (top + plot_h - bh).saturating_sub(3),
            lo = i * 10,
            hi = i * 10 + 10
        );
    }
    let ox = left + (own / 100.0 * (bw * 10) as f64).round() as usize;
    let _ = write!(
        s,
        r##"<line x1="{ox}" y1="{top}" x2="{ox}" y2="{y2}" stroke="#1a4480" stroke-width="3" stroke-dasharray="6,3"/><text x="{ox}" y="{ty}" font-size="12" text-anchor="middle" font-weight="bold">You: {own:.0} %</text>"##,
        y2 = top + plot_h,
        ty = top - 6
    );
    s.push_str("</svg>");
    s
}

/// One row of a scores table.
struct ScoreRow {
    id: String,
    title: String,
    percent: String,
    scored: usize,
    not_applicable: usize,
    unanswered: usize,
}

fn score_rows(r: &[Rollup]) -> Vec<ScoreRow> {
    r.iter()
        .map(|r| ScoreRow {
            id: r.id.clone(),
            title: r.title.clone(),
            percent: pct(r.score.percent),
            scored: r.score.scored,
            not_applicable: r.score.not_applicable,
            unanswered: r.score.unanswered,
        })
        .collect()
}

/// One option of a select.
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

/// One dimension's select for one item.
struct DimField {
    name: String,
    label: &'static str,
    options: Vec<Opt>,
}

/// One item of the form.
struct ItemRow {
    id: String,
    title: String,
    ig: String,
    function: String,
    in_scope: bool,
    answer: String,
    dims: Vec<DimField>,
    score: DimField,
    na: bool,
    justification: String,
    comment: String,
    evidence: Vec<(String, String)>,
    /// Scored below the finding threshold.
    below: bool,
    /// The open finding linked to the item, if any.
    open_finding: Option<String>,
}

/// One group (control) of the form.
struct GroupRow {
    id: String,
    title: String,
    percent: String,
    items: Vec<ItemRow>,
}

/// One workflow step taken.
struct EventRow {
    at: String,
    action: String,
    note: String,
}

#[derive(Template)]
#[template(path = "assessments/show.html")]
struct AssessmentPage {
    layout: Layout,
    id: String,
    ea_id: String,
    ea_name: String,
    cycle_name: String,
    catalog_title: String,
    scope: &'static str,
    method: &'static str,
    simple: bool,
    state: &'static str,
    scores_count: bool,
    overall: String,
    editable: bool,
    can_complete: bool,
    can_review: bool,
    groups: Vec<GroupRow>,
    group_rows: Vec<ScoreRow>,
    function_rows: Vec<ScoreRow>,
    ig_rows: Vec<ScoreRow>,
    group_chart: String,
    function_chart: String,
    events: Vec<EventRow>,
    errors: Vec<FormError>,
    /// Findings from items below the threshold, for those who may read the findings.
    findings: Option<FindingsBar>,
}

/// The findings part of an assessment page.
struct FindingsBar {
    /// The threshold, as shown.
    threshold: String,
    /// Items below the threshold.
    below: usize,
    /// Of them, without an open finding.
    to_raise: usize,
    /// The reader may raise findings now.
    may_raise: bool,
    /// After a bulk raise: what it did.
    result: Option<String>,
}

fn levels_options(levels: [&'static str; 5], selected: Option<u8>, base: u8) -> Vec<Opt> {
    let mut out = vec![Opt {
        value: String::new(),
        label: "Not answered yet".into(),
        selected: selected.is_none(),
    }];
    for (i, l) in levels.iter().enumerate() {
        let v = i as u8 + base;
        out.push(Opt {
            value: v.to_string(),
            label: if base == 0 {
                format!("{v} — {l} ({} %)", i * 25)
            } else {
                format!("{l} ({} %)", i * 25)
            },
            selected: selected == Some(v),
        });
    }
    out
}

fn assessment_page(
    ctx: &PageCtx,
    session: &SessionInfo,
    v: AssessmentView,
    item_findings: Option<ItemFindings>,
    errors: Vec<FormError>,
) -> AssessmentPage {
    let found = item_findings.unwrap_or_default();
    let actor = &session.actor;
    let ea = v.row.election_authority_id;
    let answerer = actor.answer_assessments_of(ea).is_ok()
        && (actor.role != Role::Navigator || v.navigators.contains(&actor.user_id));
    let editable = answerer && v.state.open_for_answers();
    let can_review = actor.validate_assessments().is_some()
        && v.state == AState::Complete
        && !(v.row.completed_by.is_some() && v.row.completed_by == actor.account_id());
    let simple = v.method == Method::Simple5V1;
    let scores: std::collections::HashMap<&str, &cybernav_core::scoring::ItemScore> = v
        .scores
        .items
        .iter()
        .map(|i| (i.item.as_str(), i))
        .collect();
    let groups = v
        .catalog
        .groups
        .iter()
        .map(|g| GroupRow {
            id: g.id.clone(),
            title: g.title.clone(),
            percent: pct(v
                .scores
                .groups
                .iter()
                .find(|r| r.id == g.id)
                .and_then(|r| r.score.percent)),
            items: g
                .items
                .iter()
                .map(|i| {
                    let a = v.answers.get(&i.id);
                    let levels = match a.map(|a| &a.answer) {
                        Some(Answer::Dimensions { levels }) => Some(*levels),
                        _ => None,
                    };
                    let score = match a.map(|a| &a.answer) {
                        Some(Answer::Simple { score }) => Some(*score),
                        _ => None,
                    };
                    let (na, justification) = match a.map(|a| &a.answer) {
                        Some(Answer::NotApplicable { justification }) => {
                            (true, justification.clone())
                        }
                        _ => (false, String::new()),
                    };
                    let answer = match a.map(|a| &a.answer) {
                        None => "Not answered yet".to_string(),
                        Some(Answer::NotApplicable { .. }) => {
                            "Not applicable (left out of every average)".into()
                        }
                        Some(_) => pct(scores.get(i.id.as_str()).and_then(|s| s.percent)),
                    };
                    ItemRow {
                        id: i.id.clone(),
                        title: i.title.clone(),
                        ig: i
                            .implementation_group
                            .map(|g| format!("IG{g}"))
                            .unwrap_or_default(),
                        function: i.security_function.clone().unwrap_or_default(),
                        in_scope: v.scope.includes(i.implementation_group),
                        answer,
                        dims: Dimension::ALL
                            .iter()
                            .enumerate()
                            .map(|(k, d)| DimField {
                                name: format!("{}|{}", d.as_str(), i.id),
                                label: d.label(),
                                options: levels_options(d.levels(), levels.map(|l| l[k]), 0),
                            })
                            .collect(),
                        score: DimField {
                            name: format!("score|{}", i.id),
                            label: "Score (1 to 5)",
                            options: levels_options(SIMPLE_LEVELS, score, 1),
                        },
                        na,
                        justification,
                        comment: a.and_then(|a| a.comment.clone()).unwrap_or_default(),
                        evidence: v
                            .evidence
                            .get(&i.id)
                            .map(|f| {
                                f.iter()
                                    .map(|e| {
                                        (
                                            e.id.to_string(),
                                            format!("{} (SHA-256 {})", e.file_name, e.sha256),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        below: found.below.contains_key(&i.id),
                        open_finding: found.open.get(&i.id).map(|u| u.to_string()),
                    }
                })
                .collect(),
        })
        .collect();
    let chart_rows = |r: &[Rollup]| -> Vec<(String, Option<f64>)> {
        r.iter()
            .map(|r| (format!("{} {}", r.id, r.title), r.score.percent))
            .collect()
    };
    let function_rows: Vec<(String, Option<f64>)> = v
        .scores
        .functions
        .iter()
        .map(|r| (r.title.clone(), r.score.percent))
        .collect();
    AssessmentPage {
        layout: ctx.layout(format!("Assessment — {}", v.authority_name), Some(session)),
        id: v.row.id.to_string(),
        ea_id: ea.to_string(),
        ea_name: v.authority_name.clone(),
        cycle_name: v.cycle_name.clone(),
        catalog_title: v.catalog.title.clone(),
        scope: v.scope.label(),
        method: v.method.label(),
        simple,
        state: v.state.label(),
        scores_count: v.scores_count,
        overall: pct(v.scores.overall.percent),
        editable,
        can_complete: answerer && v.state.open_for_answers(),
        can_review,
        group_chart: bar_chart("Score per control", &chart_rows(&v.scores.groups)),
        function_chart: bar_chart("Score per security function", &function_rows),
        group_rows: score_rows(&v.scores.groups),
        function_rows: score_rows(&v.scores.functions),
        ig_rows: score_rows(&v.scores.implementation_groups),
        events: v
            .events
            .iter()
            .map(|e| EventRow {
                at: crate::pages::when::When::of(e.at).text,
                action: e.action.replace('_', " "),
                note: e.note.clone().unwrap_or_default(),
            })
            .collect(),
        groups,
        errors,
        findings: None,
    }
}

/// The page with the findings part for a reader who may read the authority's findings.
async fn full_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    v: AssessmentView,
    result: Option<String>,
    errors: Vec<FormError>,
) -> Result<AssessmentPage, PageError> {
    let f = state.app.item_findings(&session.actor, &v).await?;
    let bar = f.as_ref().map(|f| FindingsBar {
        threshold: format!("{:.0} %", f.threshold_percent),
        below: f.below.len(),
        to_raise: f.to_raise(),
        may_raise: f.may_raise,
        result,
    });
    let mut page = assessment_page(ctx, session, v, f, errors);
    page.findings = bar;
    Ok(page)
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    #[serde(default)]
    raised: Option<usize>,
    #[serde(default)]
    skipped: Option<usize>,
}

/// `GET /assessments/{id}`.
async fn show_assessment(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let v = state.app.assessment(&session.actor, id).await?;
    let result = q.raised.map(|raised| {
        let skipped = q.skipped.unwrap_or(0);
        format!(
            "{raised} finding{} raised; {skipped} item{} already had an open finding and {} left as {}.",
            if raised == 1 { "" } else { "s" },
            if skipped == 1 { "" } else { "s" },
            if skipped == 1 { "was" } else { "were" },
            if skipped == 1 { "it was" } else { "they were" },
        )
    });
    Ok(render(
        &full_page(&state, &ctx, &session, v, result, Vec::new()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct RaiseForm {
    #[serde(default)]
    item: Option<String>,
}

/// `POST /assessments/{id}/findings`: raises a finding from one item (`item`), or from every
/// item below the threshold (no `item`).
async fn raise_findings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<RaiseForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let items: Option<Vec<String>> = f
        .item
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .map(|i| vec![i]);
    match state
        .app
        .raise_assessment_findings(&session.actor, id, items.as_deref(), &meta)
        .await
    {
        Ok(out) => Ok(see_other(
            &format!(
                "/assessments/{id}?raised={}&skipped={}#findings",
                out.raised.len(),
                out.skipped.len()
            ),
            "findings_raised",
        )),
        Err(e) => {
            let errors = form_errors(e, &[("assessment", "Assessment"), ("items", "Item")])?;
            let v = state.app.assessment(&session.actor, id).await?;
            Ok(unprocessable(render(
                &full_page(&state, &ctx, &session, v, None, errors).await?,
            )))
        }
    }
}

/// `POST /assessments/{id}/answers`: saves one group of the form. Fields are
/// `<dimension>|<item>`, `score|<item>`, `na|<item>`, `justification|<item>`,
/// `comment|<item>`, and `item` once per item of the group.
async fn save_group(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let v = state.app.assessment(&session.actor, id).await?;
    let cap = session
        .actor
        .answer_assessments_of(v.row.election_authority_id)?;
    let mut answers: Vec<AnswerInput> = Vec::new();
    let mut group = String::new();
    for (k, val) in &fields {
        if k == "item" {
            answers.push(AnswerInput {
                item: val.clone(),
                ..Default::default()
            });
        } else if k == "group" {
            group = val.clone();
        }
    }
    let num = |s: &str| s.trim().parse::<u8>().ok();
    for (k, val) in &fields {
        let Some((field, item)) = k.split_once('|') else {
            continue;
        };
        let Some(a) = answers.iter_mut().find(|a| a.item == item) else {
            continue;
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        match field {
            "policy_defined" => a.policy_defined = num(val),
            "control_implemented" => a.control_implemented = num(val),
            "control_automated" => a.control_automated = num(val),
            "control_reported" => a.control_reported = num(val),
            "score" => a.score = num(val),
            "na" => a.not_applicable = val == "yes",
            "justification" => a.justification = opt(val),
            "comment" => a.comment = opt(val),
            _ => {}
        }
    }
    match state
        .app
        .save_answers(&cap, id, &AnswersInput { answers }, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/assessments/{id}#group-{group}"),
            "saved",
        )),
        Err(e) => {
            let errors = form_errors(e, &[])?;
            let v = state.app.assessment(&session.actor, id).await?;
            Ok(unprocessable(render(
                &full_page(&state, &ctx, &session, v, None, errors).await?,
            )))
        }
    }
}

#[derive(Debug, Deserialize)]
struct StepForm {
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /assessments/{id}/transitions`: start, complete, validate or send back.
async fn take_step(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let step = Transition::parse(f.action.trim()).map_err(|e| AppError::invalid("action", e))?;
    let note = Some(f.note.as_str()).filter(|s| !s.trim().is_empty());
    match state
        .app
        .transition_assessment(&session.actor, id, step, note, &meta)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/assessments/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, &[("action", "Step"), ("note", "Reason")])?;
            let v = state.app.assessment(&session.actor, id).await?;
            Ok(unprocessable(render(
                &full_page(&state, &ctx, &session, v, None, errors).await?,
            )))
        }
    }
}

/// One line of an authority's assessments list.
struct SummaryRow {
    id: String,
    cycle: String,
    catalog: String,
    state: String,
    overall: String,
}

#[derive(Template)]
#[template(path = "assessments/list.html")]
struct ListPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    rows: Vec<SummaryRow>,
    catalog: String,
    catalogs: Vec<(String, String)>,
    trend: Vec<(String, String)>,
    trend_chart: String,
    peers: String,
    peer_chart: String,
    peer_rows: Vec<(String, String)>,
    /// For the Board and the Program Manager: the form to start an assessment.
    start: Option<StartChoices>,
    errors: Vec<FormError>,
}

/// What the start form offers: the cycles and catalogs there are, as `(value, label)`.
struct StartChoices {
    cycles: Vec<(String, String)>,
    catalogs: Vec<(String, String)>,
    navigators: String,
}

/// The fields of the start form. `catalog` is `id|version`.
#[derive(Debug, Deserialize)]
struct StartForm {
    cycle: String,
    catalog: String,
    scope: String,
    method: String,
}

const START_LABELS: &[(&str, &str)] = &[
    ("cycle_id", "Grant cycle"),
    ("catalog_id", "Catalog"),
    ("scope", "Scope"),
    ("method", "Scoring method"),
    ("navigators", "Navigators"),
];

/// `POST /election-authorities/{id}/assessments`: the Board or the Program Manager starts an
/// assessment, assigned to the authority's own navigators.
async fn start_assessment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session
        .actor
        .manage_assessments()
        .ok_or(AppError::Forbidden)?;
    let (catalog_id, catalog_version) = f.catalog.split_once('|').unwrap_or((&f.catalog, ""));
    let input = cybernav_app::assessments::AssessmentInput {
        election_authority_id: ea,
        cycle_id: uuid::Uuid::parse_str(f.cycle.trim()).unwrap_or_default(),
        catalog_id: catalog_id.into(),
        catalog_version: catalog_version.into(),
        scope: f.scope.clone(),
        method: f.method.clone(),
        // None named: the app assigns the authority's own navigators.
        navigators: Vec::new(),
    };
    match state.app.create_assessment(&cap, &input, &meta).await {
        Ok(new) => Ok(see_other(&format!("/assessments/{new}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, START_LABELS)?;
            let page = list_view(&state, &ctx, &session, ea, None, errors).await?;
            Ok(unprocessable(page))
        }
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    catalog: Option<String>,
}

/// `GET /election-authorities/{id}/assessments`: the list, the trend and the peers.
async fn authority_assessments(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    list_view(&state, &ctx, &session, ea, q.catalog, Vec::new()).await
}

/// The list page, with `errors` from the start form when it came back.
async fn list_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: uuid::Uuid,
    chosen: Option<String>,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_assessments_of(ea)?;
    let list = state.app.assessments_of(&reader).await?;
    let registry = session.actor.read_registry().ok_or(AppError::Forbidden)?;
    let name = state
        .app
        .election_authority(&registry, ea)
        .await?
        .listing
        .authority
        .name;
    let mut catalogs: Vec<(String, String)> = Vec::new();
    for s in &list {
        if !catalogs.iter().any(|(c, _)| *c == s.row.catalog_id) {
            catalogs.push((s.row.catalog_id.clone(), s.catalog_title.clone()));
        }
    }
    let catalog = chosen
        .filter(|c| catalogs.iter().any(|(k, _)| k == c))
        .or_else(|| catalogs.first().map(|(c, _)| c.clone()))
        .unwrap_or_default();
    let (mut trend, mut trend_chart, mut peers, mut peer_chart, mut peer_rows) = (
        Vec::new(),
        String::new(),
        String::new(),
        String::new(),
        Vec::new(),
    );
    if !catalog.is_empty() {
        let points = state.app.assessment_trend(&reader, &catalog).await?;
        let chart: Vec<(String, Option<f64>)> = points
            .iter()
            .map(|p| (p.cycle_name.clone(), p.overall))
            .collect();
        trend = points
            .iter()
            .map(|p| (p.cycle_name.clone(), pct(p.overall)))
            .collect();
        if !points.is_empty() {
            trend_chart = trend_chart_svg(&chart);
        }
        match state.app.peer_comparison(&reader, &catalog).await? {
            PeerAnswer::Compared { comparison: c } => {
                peers = format!(
                    "{name} scores {:.0} %. Of {} other authorities, {:.0} % score lower. Their median is {:.0} %, the middle half between {:.0} % and {:.0} %.",
                    c.own, c.peers.count, c.percentile, c.peers.median, c.peers.p25, c.peers.p75
                );
                peer_chart = peer_chart_svg(&c.peers.deciles, c.own);
                peer_rows = c
                    .peers
                    .deciles
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (format!("{}–{} %", i * 10, i * 10 + 10), n.to_string()))
                    .collect();
            }
            PeerAnswer::NotAssessed => {
                peers = "There is no validated assessment yet to compare.".into();
            }
            PeerAnswer::TooFewPeers { peers: n, needed } => {
                peers = format!(
                    "Only {n} other authorities have a validated assessment; a comparison needs at least {needed}, so that no single authority's score can be worked out."
                );
            }
        }
    }
    let start = match (
        session.actor.manage_assessments(),
        session.actor.read_catalogs(),
    ) {
        (Some(_), Some(catalogs_reader)) => {
            let detail = state.app.election_authority(&registry, ea).await?;
            Some(StartChoices {
                cycles: state
                    .app
                    .grant_cycles()
                    .await?
                    .into_iter()
                    .map(|c| (c.row.id.to_string(), c.row.name.clone()))
                    .collect(),
                catalogs: state
                    .app
                    .catalogs(&catalogs_reader)
                    .await?
                    .into_iter()
                    .map(|c| {
                        (
                            format!("{}|{}", c.id, c.version),
                            format!("{} (version {})", c.title, c.version),
                        )
                    })
                    .collect(),
                navigators: detail
                    .listing
                    .navigators
                    .iter()
                    .map(|n| n.name.clone())
                    .collect::<Vec<_>>()
                    .join(" and "),
            })
        }
        _ => None,
    };
    let page = ListPage {
        layout: ctx.layout(format!("Assessments — {name}"), Some(session)),
        start,
        errors,
        ea_id: ea.to_string(),
        ea_name: name,
        rows: list
            .iter()
            .map(|s| SummaryRow {
                id: s.row.id.to_string(),
                cycle: s.cycle_name.clone(),
                catalog: s.catalog_title.clone(),
                state: AState::parse(&s.row.state)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default(),
                overall: pct(s.overall),
            })
            .collect(),
        catalog,
        catalogs,
        trend,
        trend_chart,
        peers,
        peer_chart,
        peer_rows,
    };
    Ok(render(&page))
}

fn trend_chart_svg(points: &[(String, Option<f64>)]) -> String {
    trend_chart("Overall score across cycles", points)
}

fn peer_chart_svg(deciles: &[usize; 10], own: f64) -> String {
    peer_chart(
        "How many other authorities score in each band, and where you stand",
        deciles,
        own,
    )
}

/// One catalog line.
struct CatalogRow {
    id: String,
    version: String,
    title: String,
    publisher: String,
    licence: String,
    origin: String,
    items: i64,
    sha256: String,
}

#[derive(Template)]
#[template(path = "assessments/catalogs.html")]
struct CatalogsPage {
    layout: Layout,
    catalogs: Vec<CatalogRow>,
}

/// `GET /catalogs`.
async fn catalogs_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_catalogs().ok_or(AppError::Forbidden)?;
    let catalogs = state
        .app
        .catalogs(&reader)
        .await?
        .into_iter()
        .map(|c| CatalogRow {
            id: c.id,
            version: c.version,
            title: c.title,
            publisher: c.publisher,
            licence: c.licence,
            origin: c.origin,
            items: c.item_count,
            sha256: c.source_sha256,
        })
        .collect();
    Ok(render(&CatalogsPage {
        layout: ctx.layout("Catalogs", Some(&session)),
        catalogs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_say_what_they_show() {
        let svg = bar_chart(
            "Per <control>",
            &[
                ("1 Inventory & control".into(), Some(50.0)),
                ("2".into(), None),
            ],
        );
        assert!(svg.contains("<title>Per &lt;control&gt;</title>"));
        assert!(svg.contains("Inventory &amp; control"));
        assert!(svg.contains("50 %"));
        assert!(svg.contains("no score"));
        let p = peer_chart("Peers", &[0, 1, 0, 0, 2, 0, 0, 1, 0, 1], 72.0);
        assert!(p.contains("You: 72 %"));
        let t = trend_chart(
            "Trend",
            &[("2026".into(), Some(40.0)), ("2027".into(), Some(60.0))],
        );
        assert!(t.contains("<path d=\"M"));
    }
}
