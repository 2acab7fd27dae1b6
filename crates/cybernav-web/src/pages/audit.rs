//! The audit log: filters, paging, each record with what changed, and a button that verifies
//! the hash chain (the same check as `cybernav audit verify`).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cybernav_app::AppError;
use cybernav_app::audit::{
    AUDIT_PAGE_SIZE, AuditListRequest, ChainCheck, list_audit, verify_chain,
};
use cybernav_core::audit::AuditRecord;
use cybernav_core::authz::AuditReader;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::when::When;
use crate::pages::{FormError, error_for, form_errors};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_page))
        .route("/audit/verify", post(verify))
}

const LABELS: &[(&str, &str)] = &[
    ("actor", "Who"),
    ("action", "Action starts with"),
    ("entity_type", "Entity type"),
    ("entity_id", "Entity id"),
    ("from", "From"),
    ("until", "Until"),
];

/// The filters as the query string carries them (all text, so a bad value is a field error
/// on the page rather than a bare 400).
#[derive(Debug, Clone, Default, Deserialize)]
struct AuditParams {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: String,
}

impl AuditParams {
    fn request(&self) -> AuditListRequest {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
        AuditListRequest {
            actor: some(&self.actor),
            action: some(&self.action),
            entity_type: some(&self.entity_type),
            entity_id: some(&self.entity_id),
            from: some(&self.from),
            until: some(&self.until),
            page: self.page.trim().parse().ok(),
        }
    }

    /// The query string for `page` with the same filters (`/audit?…`).
    fn href(&self, page: i64) -> String {
        let page = page.to_string();
        let pairs: Vec<(&str, &str)> = [
            ("actor", self.actor.trim()),
            ("action", self.action.trim()),
            ("entity_type", self.entity_type.trim()),
            ("entity_id", self.entity_id.trim()),
            ("from", self.from.trim()),
            ("until", self.until.trim()),
            ("page", page.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/audit?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    fn is_filtered(&self) -> bool {
        [
            &self.actor,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            &self.from,
            &self.until,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

/// One changed field: `field: from → to`, or `field: value` for facts that are not a change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChangeLine {
    field: String,
    from: Option<String>,
    to: String,
}

/// How a JSON value reads in the log. Long values are cut so one record cannot flood the page.
fn show(v: &Value) -> String {
    let s = match v {
        Value::Null => "none".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// The lines of a record's `changes`: `{"f": {"from": a, "to": b}}` becomes `f: a → b`, any
/// other value `f: value`.
fn change_lines(changes: &Value) -> Vec<ChangeLine> {
    match changes {
        Value::Object(map) => map
            .iter()
            .map(|(field, v)| match v.as_object() {
                Some(o) if o.len() == 2 && o.contains_key("from") && o.contains_key("to") => {
                    ChangeLine {
                        field: field.clone(),
                        from: o.get("from").map(show),
                        to: o.get("to").map(show).unwrap_or_default(),
                    }
                }
                _ => ChangeLine {
                    field: field.clone(),
                    from: None,
                    to: show(v),
                },
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![ChangeLine {
            field: "value".into(),
            from: None,
            to: show(other),
        }],
    }
}

/// A record as the table shows it.
#[derive(Debug, Clone)]
struct RecordView {
    seq: i64,
    when: When,
    who: String,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    /// People pages for records about a person.
    entity_href: Option<String>,
    ip: Option<String>,
    changes: Vec<ChangeLine>,
    short_hash: String,
    hash: String,
}

impl RecordView {
    fn new(r: AuditRecord) -> RecordView {
        let entity_href = match (r.event.entity_type.as_str(), r.event.entity_id.as_deref()) {
            ("user", Some(id)) if uuid::Uuid::parse_str(id).is_ok() => {
                Some(format!("/people/{id}"))
            }
            _ => None,
        };
        RecordView {
            seq: r.seq,
            when: When::of(r.occurred_at),
            who: r.event.actor_label,
            action: r.event.action,
            entity_type: r.event.entity_type,
            entity_id: r.event.entity_id,
            entity_href,
            ip: r.event.ip,
            changes: change_lines(&r.event.changes),
            short_hash: r.hash.chars().take(12).collect(),
            hash: r.hash,
        }
    }
}

/// One item of the pagination: a page number, or a gap (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageItem {
    number: Option<i64>,
    href: String,
    current: bool,
}

/// Pages to list: the first, the last, and the ones next to the current, with gaps between.
fn page_items(params: &AuditParams, current: i64, last: i64) -> Vec<PageItem> {
    let mut items = Vec::new();
    let mut previous = 0;
    for n in 1..=last {
        if n == 1 || n == last || (n - current).abs() <= 1 {
            if n - previous > 1 {
                items.push(PageItem {
                    number: None,
                    href: String::new(),
                    current: false,
                });
            }
            items.push(PageItem {
                number: Some(n),
                href: params.href(n),
                current: n == current,
            });
            previous = n;
        }
    }
    items
}

/// The outcome of verifying the chain, as the alert shows it.
#[derive(Debug, Clone)]
struct VerifyView {
    intact: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "audit/log.html")]
struct AuditPage {
    layout: Layout,
    params: AuditParams,
    records: Vec<RecordView>,
    total: i64,
    page: i64,
    last_page: i64,
    pages: Vec<PageItem>,
    previous: Option<String>,
    next: Option<String>,
    filtered: bool,
    verify: Option<VerifyView>,
    errors: Vec<FormError>,
}

impl AuditPage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn audit_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &cybernav_app::accounts::SessionInfo,
    reader: &AuditReader<'_>,
    params: AuditParams,
    verify: Option<VerifyView>,
) -> Result<(StatusCode, AuditPage), PageError> {
    let (status, records, total, page, errors) = match params.request().to_query() {
        Ok(q) => {
            let (records, total) = list_audit(&state.app.store, reader, &q).await?;
            (StatusCode::OK, records, total, q.page, Vec::new())
        }
        Err(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
            0,
            1,
            form_errors(AppError::Invalid(fields), LABELS)?,
        ),
    };
    let last_page = ((total + AUDIT_PAGE_SIZE - 1) / AUDIT_PAGE_SIZE).max(1);
    let page_view = AuditPage {
        layout: ctx.layout("Audit log", Some(session)),
        records: records.into_iter().map(RecordView::new).collect(),
        total,
        page,
        last_page,
        pages: if last_page > 1 {
            page_items(&params, page, last_page)
        } else {
            Vec::new()
        },
        previous: (page > 1).then(|| params.href((page - 1).min(last_page))),
        next: (page < last_page).then(|| params.href(page + 1)),
        filtered: params.is_filtered(),
        params,
        verify,
        errors,
    };
    Ok((status, page_view))
}

async fn audit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Query(params): Query<AuditParams>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_audit().ok_or(AppError::Forbidden)?;
    let (status, page) = audit_view(&state, &ctx, &session, &reader, params, None).await?;
    Ok((status, render(&page)).into_response())
}

async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_audit().ok_or(AppError::Forbidden)?;
    let outcome = match verify_chain(&state.app.store, |_, _| {}).await? {
        ChainCheck::Intact(n) => VerifyView {
            intact: true,
            text: format!("Intact: {n} records"),
        },
        ChainCheck::Broken { seq, reason } => VerifyView {
            intact: false,
            text: format!("Broken at record {seq}: {reason}"),
        },
    };
    let (status, page) = audit_view(
        &state,
        &ctx,
        &session,
        &reader,
        AuditParams::default(),
        Some(outcome),
    )
    .await?;
    Ok((status, render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_read_as_from_to() {
        let lines = change_lines(&json!({
            "name": {"from": "A", "to": "<b>B</b>"},
            "locked": true,
            "zone_id": {"from": null, "to": "x"},
        }));
        assert_eq!(
            lines,
            vec![
                ChangeLine {
                    field: "locked".into(),
                    from: None,
                    to: "yes".into()
                },
                ChangeLine {
                    field: "name".into(),
                    from: Some("A".into()),
                    to: "<b>B</b>".into()
                },
                ChangeLine {
                    field: "zone_id".into(),
                    from: Some("none".into()),
                    to: "x".into()
                },
            ]
        );
        assert!(change_lines(&json!({})).is_empty());
        assert_eq!(show(&json!("x".repeat(300))).chars().count(), 201);
    }

    #[test]
    fn paging_keeps_filters_and_shows_gaps() {
        let params = AuditParams {
            action: "user.".into(),
            from: "2026-03-01".into(),
            ..Default::default()
        };
        assert_eq!(params.href(2), "/audit?action=user.&from=2026-03-01&page=2");
        let numbers: Vec<Option<i64>> = page_items(&params, 5, 10)
            .into_iter()
            .map(|p| p.number)
            .collect();
        assert_eq!(
            numbers,
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(10)]
        );
        let numbers: Vec<Option<i64>> = page_items(&params, 1, 3)
            .into_iter()
            .map(|p| p.number)
            .collect();
        assert_eq!(numbers, vec![Some(1), Some(2), Some(3)]);
    }
}
