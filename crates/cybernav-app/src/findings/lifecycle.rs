//! Recording a finding, editing it, moving it through its lifecycle, commenting and filing
//! evidence of the fix: each change with a history entry and an audit record.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{FindingManager, FindingWorker};
use cybernav_core::evidence::check_evidence;
use cybernav_core::finding::{
    Owner, RECOMMENDATIONS, Severity, Source, Status, Transition, check_transition, parse_cve,
    parse_host, parse_port, parse_protocol,
};
use cybernav_core::validation::{clean_text, optional_multiline_text};
use cybernav_store::checklist::EvidenceMeta;
use cybernav_store::findings::FindingRow;
use cybernav_store::now;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

use super::*;

/// The fields of a finding from the input, every problem listed.
struct Fields {
    source: Source,
    severity: Severity,
    title: String,
    description: String,
    recommendation: Option<String>,
    host: Option<String>,
    port: Option<i32>,
    protocol: Option<String>,
    cve: Option<String>,
    owner: Owner,
    identified_on: Date,
    /// Set by hand; `None` follows the remediation window.
    target_date: Option<Date>,
    assessment_id: Option<Uuid>,
    catalog_item_id: Option<String>,
}

fn fields(input: &FindingInput, today: Date) -> Result<Fields, FieldErrors> {
    let mut e = FieldErrors::new();
    let source = e.check("source", Source::parse(&input.source));
    let severity = e.check("severity", Severity::parse(&input.severity));
    let owner = e.check("owner", Owner::parse(&input.owner));
    let title = e.check("title", clean_text(&input.title, TITLE_MAX));
    let description = e.check(
        "description",
        optional_multiline_text(Some(&input.description), TEXT_MAX)
            .and_then(|d| d.ok_or_else(|| "describe what was found".to_string())),
    );
    let mut recommendation = e
        .check(
            "recommendation",
            optional_multiline_text(input.recommendation.as_deref(), TEXT_MAX),
        )
        .flatten();
    if let Some(t) = blank(&input.recommendation_template) {
        match cybernav_core::finding::recommendation(t) {
            Some(r) if recommendation.is_none() => recommendation = Some(r.text.to_string()),
            Some(_) => {}
            None => e.add(
                "recommendation_template",
                format!(
                    "unknown template '{t}'; choose one of {}",
                    RECOMMENDATIONS
                        .iter()
                        .map(|r| r.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    let host = blank(&input.host).and_then(|h| e.check("host", parse_host(h)));
    let port = blank(&input.port).and_then(|p| e.check("port", parse_port(p)));
    let protocol = blank(&input.protocol).and_then(|p| e.check("protocol", parse_protocol(p)));
    let cve = blank(&input.cve).and_then(|c| e.check("cve", parse_cve(c)));
    let identified_on = parse_day(&mut e, "identified_on", input.identified_on.as_deref());
    if identified_on.is_some_and(|d| d > today) {
        e.add(
            "identified_on",
            "the date is in the future; give the day it was found",
        );
    }
    let target_date = parse_day(&mut e, "target_date", input.target_date.as_deref());
    if let Some(t) = target_date
        && t < identified_on.unwrap_or(today)
    {
        e.add(
            "target_date",
            format!(
                "the fix-by date {t} is before the day it was found ({}); give a later day or leave it empty to follow the remediation window",
                identified_on.unwrap_or(today)
            ),
        );
    }
    let assessment_id = blank(&input.assessment_id).and_then(|a| {
        e.check(
            "assessment_id",
            Uuid::parse_str(a).map_err(|_| format!("'{a}' is not an assessment id")),
        )
    });
    let catalog_item_id = blank(&input.catalog_item_id).map(str::to_string);
    if catalog_item_id.is_some() != assessment_id.is_some() && e.is_empty() {
        e.add(
            "catalog_item_id",
            "a finding raised from an assessment names both the assessment and its item",
        );
    }
    match (source, severity, owner, title, description) {
        (Some(source), Some(severity), Some(owner), Some(title), Some(description))
            if e.is_empty() =>
        {
            Ok(Fields {
                source,
                severity,
                title,
                description,
                recommendation,
                host,
                port,
                protocol,
                cve,
                owner,
                identified_on: identified_on.unwrap_or(today),
                target_date,
                assessment_id,
                catalog_item_id,
            })
        }
        _ => Err(e),
    }
}

impl App {
    /// Records a new finding.
    pub async fn create_finding(
        &self,
        cap: &FindingManager<'_>,
        input: &FindingInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut tx = self.store.begin().await?;
        let id = self.create_finding_in(&mut tx, cap, input, meta).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a new finding inside the caller's transaction (with its history and audit
    /// record), for use cases that record several changes at once (findings raised from an
    /// assessment).
    pub async fn create_finding_in(
        &self,
        tx: &mut Tx,
        cap: &FindingManager<'_>,
        input: &FindingInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let at = now();
        let f = fields(input, at.date())?;
        let ea = cap.election_authority();
        tx.get_election_authority(ea).await?;
        let kev = kev_map(tx).await?;
        let mut row = FindingRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            source: f.source.as_str().into(),
            severity: f.severity.as_str().into(),
            title: f.title,
            description: f.description,
            recommendation: f.recommendation,
            host: f.host,
            port: f.port,
            protocol: f.protocol,
            cve: f.cve,
            plugin_id: None,
            owner: f.owner.as_str().into(),
            status: Status::Identified.as_str().into(),
            identified_on: f.identified_on,
            target_date: f.target_date.or_else(|| {
                self.config
                    .remediation_windows
                    .target_date(f.severity, f.identified_on)
            }),
            kev: false,
            kev_due_date: None,
            ransomware: false,
            risk_approver: None,
            risk_expires_on: None,
            assessment_id: f.assessment_id,
            catalog_item_id: f.catalog_item_id,
            latest_detection: None,
            closed_on: None,
            created_by: cap.actor().account_id(),
            created_at: at,
            updated_at: at,
        };
        apply_kev(&mut row, &kev);
        tx.insert_finding(&row).await?;
        tx.insert_finding_history(&history(
            row.id,
            cap.actor(),
            at,
            "created",
            None,
            Some(Status::Identified),
            None,
        ))
        .await?;
        audit::Entry::new("finding.create", "finding", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "source": {"from": null, "to": row.source},
                "severity": {"from": null, "to": row.severity},
                "owner": {"from": null, "to": row.owner},
                "status": {"from": null, "to": row.status},
                "target_date": {"from": null, "to": row.target_date.map(|d| d.to_string())},
                "kev": {"from": null, "to": row.kev},
                "assessment": {"from": null, "to": row.assessment_id.map(|a| a.to_string())},
            }))
            .record(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Changes a finding's fields (not its status: see [`App::transition_finding`]). Every
    /// field is given again; a target date left out follows the remediation window of the
    /// (new) severity. Nothing changes and nothing is recorded when no field differs.
    pub async fn update_finding(
        &self,
        cap: &FindingManager<'_>,
        id: Uuid,
        input: &FindingInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let f = fields(input, at.date())?;
        let mut tx = self.store.begin().await?;
        let old = own_finding(&mut tx, cap.election_authority(), id).await?;
        let kev = kev_map(&mut tx).await?;
        let mut row = FindingRow {
            source: f.source.as_str().into(),
            severity: f.severity.as_str().into(),
            title: f.title,
            description: f.description,
            recommendation: f.recommendation,
            host: f.host,
            port: f.port,
            protocol: f.protocol,
            cve: f.cve,
            owner: f.owner.as_str().into(),
            identified_on: f.identified_on,
            target_date: f.target_date.or_else(|| {
                self.config
                    .remediation_windows
                    .target_date(f.severity, f.identified_on)
            }),
            assessment_id: f.assessment_id,
            catalog_item_id: f.catalog_item_id,
            updated_at: at,
            ..old.clone()
        };
        if row.cve != old.cve {
            row.kev = false;
            row.kev_due_date = None;
        }
        apply_kev(&mut row, &kev);
        tx.update_finding(&row).await?;
        let mut changes = serde_json::Map::new();
        let mut changed_names = Vec::new();
        for (name, from, to) in [
            ("source", json!(old.source), json!(row.source)),
            ("severity", json!(old.severity), json!(row.severity)),
            ("owner", json!(old.owner), json!(row.owner)),
            ("cve", json!(old.cve), json!(row.cve)),
            ("host", json!(old.host), json!(row.host)),
            ("port", json!(old.port), json!(row.port)),
            ("protocol", json!(old.protocol), json!(row.protocol)),
            (
                "identified_on",
                json!(old.identified_on.to_string()),
                json!(row.identified_on.to_string()),
            ),
            (
                "target_date",
                json!(old.target_date.map(|d| d.to_string())),
                json!(row.target_date.map(|d| d.to_string())),
            ),
            ("kev", json!(old.kev), json!(row.kev)),
        ] {
            if from != to {
                changes.insert(name.into(), json!({"from": from, "to": to}));
                changed_names.push(name);
            }
        }
        // FOUO text: the audit says that it changed, not what it says.
        for (name, changed) in [
            ("title", old.title != row.title),
            ("description", old.description != row.description),
            ("recommendation", old.recommendation != row.recommendation),
        ] {
            if changed {
                changes.insert(name.into(), json!({"changed": true}));
                changed_names.push(name);
            }
        }
        if changed_names.is_empty() {
            return Ok(());
        }
        tx.insert_finding_history(&history(
            id,
            cap.actor(),
            at,
            "update",
            None,
            None,
            Some(format!("Changed: {}", changed_names.join(", "))),
        ))
        .await?;
        audit::Entry::new("finding.update", "finding", id)
            .changes(changes.into())
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Moves a finding to another status; the history records who, when and why.
    pub async fn transition_finding(
        &self,
        cap: &FindingWorker<'_>,
        id: Uuid,
        input: &TransitionInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let today = at.date();
        let mut e = FieldErrors::new();
        let to = e.check("to", Status::parse(&input.to));
        let expires_on = parse_day(&mut e, "expires_on", input.expires_on.as_deref());
        let note = e
            .check(
                "note",
                optional_multiline_text(input.note.as_deref(), NOTE_MAX),
            )
            .flatten();
        let approver = blank(&input.approver).and_then(|a| e.check("approver", clean_text(a, 120)));
        let Some(to) = to else {
            return Err(e.into());
        };
        if !e.is_empty() {
            return Err(e.into());
        }
        if !cap.may_move_to(to) {
            return Err(AppError::invalid(
                "to",
                format!(
                    "the county can move a finding to in progress or fixed (waiting for re-test); {} is for the navigators",
                    to.label().to_lowercase()
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        let old = own_finding(&mut tx, cap.election_authority(), id).await?;
        let from = stored_status(&old)?;
        let t = Transition {
            to,
            approver: approver.clone(),
            expires_on,
        };
        let field = if to == Status::RiskAccepted && approver.is_none() {
            "approver"
        } else if to == Status::RiskAccepted {
            "expires_on"
        } else {
            "to"
        };
        check_transition(from, &t, today).map_err(|m| AppError::invalid(field, m))?;
        let mut row = FindingRow {
            status: to.as_str().into(),
            updated_at: at,
            ..old.clone()
        };
        match to {
            Status::Mitigated | Status::Verified | Status::RiskAccepted => {
                row.closed_on = Some(today)
            }
            _ => row.closed_on = None,
        }
        if to == Status::RiskAccepted {
            row.risk_approver = approver.clone();
            row.risk_expires_on = expires_on;
        } else {
            row.risk_approver = None;
            row.risk_expires_on = None;
        }
        tx.update_finding(&row).await?;
        let mut why = note.clone();
        if to == Status::RiskAccepted {
            let accepted = format!(
                "Risk accepted by {} until {}",
                approver.as_deref().unwrap_or_default(),
                expires_on.map(|d| d.to_string()).unwrap_or_default()
            );
            why = Some(match why {
                Some(n) => format!("{accepted}. {n}"),
                None => accepted,
            });
        }
        tx.insert_finding_history(&history(
            id,
            cap.actor(),
            at,
            "status",
            Some(from),
            Some(to),
            why,
        ))
        .await?;
        audit::Entry::new("finding.transition", "finding", id)
            .changes(json!({
                "status": {"from": from.as_str(), "to": to.as_str()},
                "risk_approver": {"from": old.risk_approver, "to": row.risk_approver},
                "risk_expires_on": {"from": old.risk_expires_on.map(|d| d.to_string()), "to": row.risk_expires_on.map(|d| d.to_string())},
                "reason_given": note.is_some(),
            }))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Adds a comment to a finding's history.
    pub async fn comment_finding(
        &self,
        cap: &FindingWorker<'_>,
        id: Uuid,
        body: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let body = optional_multiline_text(Some(body), NOTE_MAX)
            .and_then(|b| b.ok_or_else(|| "write the comment".to_string()))
            .map_err(|e| AppError::invalid("body", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        own_finding(&mut tx, cap.election_authority(), id).await?;
        let h = history(id, cap.actor(), at, "comment", None, None, Some(body));
        tx.insert_finding_history(&h).await?;
        audit::Entry::new("finding.comment", "finding", id)
            .changes(json!({"history_id": {"from": null, "to": h.id.to_string()}}))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Files evidence of a fix (the checklist's evidence files: same checks, same table).
    pub async fn upload_finding_evidence(
        &self,
        cap: &FindingWorker<'_>,
        id: Uuid,
        file_name: &str,
        content: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<EvidenceMeta> {
        let ea = cap.election_authority();
        let checked = check_evidence(file_name, content, self.config.evidence_max_bytes)
            .map_err(|e| AppError::invalid("file", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        own_finding(&mut tx, ea, id).await?;
        let row = EvidenceMeta {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            subject: evidence_subject(id),
            file_name: checked.file_name,
            content_type: checked.content_type.to_string(),
            size_bytes: content.len() as i64,
            sha256: checked.sha256,
            uploaded_by: cap.actor().account_id(),
            uploaded_at: at,
        };
        tx.insert_evidence(&row, content).await?;
        tx.insert_finding_history(&history(
            id,
            cap.actor(),
            at,
            "evidence",
            None,
            None,
            Some(format!(
                "Evidence added: {} (SHA-256 {})",
                row.file_name, row.sha256
            )),
        ))
        .await?;
        audit::Entry::new("evidence.upload", "finding", id)
            .changes(json!({
                "evidence_id": {"from": null, "to": row.id.to_string()},
                "subject": {"from": null, "to": row.subject},
                "file_name": {"from": null, "to": row.file_name},
                "size_bytes": {"from": null, "to": row.size_bytes},
                "sha256": {"from": null, "to": row.sha256},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row)
    }
}
