//! Findings (Part 213.40): recording them by hand or from an assessment, following each
//! through its lifecycle with a history of who changed what and why, evidence of the fix,
//! risk acceptance by a named approver until an expiry date, CISA Cyber Hygiene scan imports
//! matched to the findings already on file, the CISA KEV catalog (imported or downloaded on a
//! schedule) flagging known exploited vulnerabilities, the statewide overview and the CSV
//! export.
//!
//! Findings belong to an authority, not to a grant cycle: an open finding stays open into the
//! next cycle with its whole history (nothing is copied). Finding text is FOUO: it is never
//! written to the application log, and audit records name findings by id, severity and status,
//! not by their text.
//!
//! The module is split by concern: [`view`] (reading: lists, counts, filters, the overview),
//! [`lifecycle`] (recording, editing, status changes, comments, evidence), [`cyhy_import`]
//! (Cyber Hygiene scans), [`kev`] (the KEV catalog, its download and the scheduled job) and
//! [`export`] (CSV). Everything public is re-exported here, so callers name
//! `cybernav_app::findings::X` whatever file `X` lives in.

mod cyhy_import;
mod export;
mod kev;
mod lifecycle;
mod view;

pub use cyhy_import::RISKY_SERVICE_SEVERITY;
pub use export::CSV_COLUMNS;
pub use kev::{KEV_MAX_BYTES, run_kev_download};
pub use view::{AuthorityFindings, FindingCounts, FindingFilter, FindingView, FindingsOverview};

use cybernav_core::FieldErrors;
use cybernav_core::authz::Actor;
use cybernav_core::finding::Status;
use cybernav_store::checklist::EvidenceMeta;
use cybernav_store::findings::{FindingRow, HistoryRow, KevRow};
use cybernav_store::{StoreError, Tx};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{AppError, AppResult};

/// The longest title, description and comment accepted, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest description or recommendation.
pub const TEXT_MAX: usize = 10_000;
/// The longest comment or reason.
pub const NOTE_MAX: usize = 2000;

/// The evidence subject a finding's files are filed under.
pub fn evidence_subject(finding: Uuid) -> String {
    format!("finding:{finding}")
}

/// What is filled in to record or change a finding.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FindingInput {
    /// `navigator_assessment`, `vulnerability_scan`, `sensor_alert`, `penetration_test`,
    /// `self_report`.
    pub source: String,
    /// `informational`, `low`, `medium`, `high`, `critical`.
    pub severity: String,
    /// Short title.
    pub title: String,
    /// What was found (FOUO).
    pub description: String,
    /// What to do; left blank with a template chosen, the template's text.
    pub recommendation: Option<String>,
    /// A recommendation template id (`patching`, `secure_email`, `anti_malware`, …).
    pub recommendation_template: Option<String>,
    /// IP address or host name.
    pub host: Option<String>,
    /// Port.
    pub port: Option<String>,
    /// `tcp`, `udp`.
    pub protocol: Option<String>,
    /// `CVE-YYYY-NNNN`.
    pub cve: Option<String>,
    /// `election_office`, `county_it`, `vendor`.
    pub owner: String,
    /// `YYYY-MM-DD`; today when left out.
    pub identified_on: Option<String>,
    /// The day it is to be fixed by, `YYYY-MM-DD`, on or after the day it was found; left
    /// out, the day found plus the remediation window of its severity.
    #[serde(default)]
    pub target_date: Option<String>,
    /// The assessment it was raised from.
    pub assessment_id: Option<String>,
    /// The catalog item of that assessment.
    pub catalog_item_id: Option<String>,
}

/// A requested status change.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TransitionInput {
    /// The new status.
    pub to: String,
    /// Why (recorded in the history).
    pub note: Option<String>,
    /// For `risk_accepted`: the approver's name.
    pub approver: Option<String>,
    /// For `risk_accepted`: `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}
/// A finding with its history and evidence.
#[derive(Debug, Clone, Serialize)]
pub struct FindingDetail {
    /// The finding.
    pub finding: FindingView,
    /// Its history, oldest first.
    pub history: Vec<HistoryRow>,
    /// Evidence of the fix.
    pub evidence: Vec<EvidenceMeta>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// The file.
    pub file: String,
    /// Its kind (`findings`, `mitigated`, `risky_services`, `kev`).
    pub kind: String,
    /// Rows read.
    pub rows: usize,
    /// Findings created.
    pub created: usize,
    /// Findings updated (seen again, flags changed).
    pub updated: usize,
    /// Findings closed (mitigated).
    pub closed: usize,
    /// Rows that changed nothing.
    pub unchanged: usize,
}

/// The result of a KEV import.
#[derive(Debug, Clone, Serialize)]
pub struct KevImport {
    /// The catalog version.
    pub catalog_version: String,
    /// Entries stored.
    pub entries: usize,
    /// Findings newly flagged or whose KEV facts changed.
    pub flagged: usize,
    /// CVEs new to the sharing desk's indicators (source "CISA KEV catalog", TLP:CLEAR).
    pub new_to_sharing: u64,
}

fn parse_day(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Date> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "write the date as YYYY-MM-DD, such as 2026-03-02");
            None
        }
    }
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn history(
    finding: Uuid,
    actor: &Actor,
    at: OffsetDateTime,
    kind: &str,
    from: Option<Status>,
    to: Option<Status>,
    note: Option<String>,
) -> HistoryRow {
    HistoryRow {
        id: Uuid::new_v4(),
        finding_id: finding,
        at,
        actor_id: actor.account_id(),
        actor_label: actor.email.clone(),
        kind: kind.to_string(),
        from_status: from.map(|s| s.as_str().to_string()),
        to_status: to.map(|s| s.as_str().to_string()),
        note,
    }
}

/// Applies the KEV catalog's facts to a finding; true when something changed.
fn apply_kev(row: &mut FindingRow, kev: &HashMap<String, KevRow>) -> bool {
    let entry = row.cve.as_ref().and_then(|c| kev.get(c));
    let (flag, due, ransom) = match entry {
        Some(k) => (true, Some(k.due_date), row.ransomware || k.known_ransomware),
        // A finding CyHy already marked known exploited keeps its flag without a catalog entry.
        None => (row.kev && row.kev_due_date.is_none(), None, row.ransomware),
    };
    let changed = (row.kev, row.kev_due_date, row.ransomware) != (flag, due, ransom);
    row.kev = flag;
    row.kev_due_date = due;
    row.ransomware = ransom;
    changed
}

async fn kev_map(tx: &mut Tx) -> AppResult<HashMap<String, KevRow>> {
    Ok(tx
        .list_kev()
        .await?
        .into_iter()
        .map(|k| (k.cve_id.clone(), k))
        .collect())
}

fn corrupt(row: &FindingRow, field: &str, e: String) -> AppError {
    AppError::Store(StoreError::Corrupt(format!(
        "findings {}: field {field}: {e}",
        row.id
    )))
}

fn stored_status(row: &FindingRow) -> AppResult<Status> {
    Status::parse(&row.status).map_err(|e| corrupt(row, "status", e))
}

async fn own_finding(tx: &mut Tx, ea: Uuid, id: Uuid) -> AppResult<FindingRow> {
    let row = tx.get_finding(id).await?;
    if row.election_authority_id != ea {
        return Err(AppError::NotFound);
    }
    Ok(row)
}
