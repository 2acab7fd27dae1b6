//! CISA Cyber Hygiene scan imports, matched to the findings already on file.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Actor, FindingManager};
use cybernav_core::finding::{Owner, Severity, Source, Status, recommendation};
use cybernav_formats::cyhy::{CyhyFile, CyhyKind, CyhyRiskyService, CyhyVulnerability, parse_cyhy};
use cybernav_store::findings::{FindingRow, KevRow, ScanImportRow};
use cybernav_store::{Tx, now};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppResult, RequestMeta, audit};

use super::*;

/// The key a scan row is matched by: authority (implicit), address, port, protocol, and the
/// scanner's plugin id or else the CVE.
type MatchKey = (String, i32, String, String);

fn key_of(row: &FindingRow) -> Option<MatchKey> {
    let ident = row.plugin_id.clone().or_else(|| row.cve.clone())?;
    Some((row.host.clone()?, row.port?, row.protocol.clone()?, ident))
}

fn vuln_key(v: &CyhyVulnerability) -> MatchKey {
    let ident = if v.plugin_id.is_empty() {
        v.cve.clone().unwrap_or_default()
    } else {
        v.plugin_id.clone()
    };
    (v.ip.clone(), v.port, v.protocol.clone(), ident)
}

fn service_key(s: &CyhyRiskyService) -> MatchKey {
    (
        s.ip.clone(),
        s.port,
        s.protocol.clone(),
        format!("service:{}", s.service),
    )
}

/// Severity given to a potentially risky service (CyHy gives none): medium.
pub const RISKY_SERVICE_SEVERITY: Severity = Severity::Medium;

impl App {
    /// Imports Cyber Hygiene files for the manager's authority. Every file is read and checked
    /// first; with any problem in any file nothing is stored. Then, in one transaction, each
    /// row is matched to the authority's findings by (address, port, protocol, plugin id or
    /// else CVE): a match seen again has its latest detection updated (and is reopened when it
    /// had been closed before that detection), a mitigated row closes its match as mitigated,
    /// and a new row creates a finding from the vulnerability scan. `progress` is told rows
    /// done and rows in all.
    pub async fn import_cyhy(
        &self,
        cap: &FindingManager<'_>,
        files: &[(String, Vec<u8>)],
        meta: &RequestMeta,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> AppResult<Vec<ImportCounts>> {
        let mut parsed = Vec::new();
        let mut errors = FieldErrors::new();
        for (name, bytes) in files {
            match parse_cyhy(name, bytes) {
                Ok(f) => parsed.push((name.clone(), hex::encode(Sha256::digest(bytes)), f)),
                Err(es) => {
                    for e in es.0 {
                        let field = match &e.column {
                            Some(c) => format!("{}: line {}, column {c}", e.file, e.line),
                            None => format!("{}: line {}", e.file, e.line),
                        };
                        errors.add(field, e.message);
                    }
                }
            }
        }
        if files.is_empty() {
            errors.add("files", "choose at least one Cyber Hygiene file");
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let ea = cap.election_authority();
        let actor = cap.actor();
        let at = now();
        let today = at.date();
        let total: u64 = parsed.iter().map(|(_, _, f)| f.len() as u64).sum();
        let mut done = 0u64;
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let kev = kev_map(&mut tx).await?;
        let mut existing: HashMap<MatchKey, FindingRow> = HashMap::new();
        for row in tx.list_findings(Some(ea)).await? {
            if let Some(k) = key_of(&row) {
                // Several findings with one key: the newest wins.
                existing
                    .entry(k)
                    .and_modify(|old| {
                        if row.created_at > old.created_at {
                            *old = row.clone();
                        }
                    })
                    .or_insert(row);
            }
        }
        let mut results = Vec::new();
        for (name, sha, file) in &parsed {
            let mut counts = ImportCounts {
                file: name.clone(),
                kind: match file.kind() {
                    CyhyKind::Findings => "findings",
                    CyhyKind::Mitigated => "mitigated",
                    CyhyKind::RiskyServices => "risky_services",
                }
                .into(),
                rows: file.len(),
                ..Default::default()
            };
            match file {
                CyhyFile::Findings(rows) => {
                    for v in rows {
                        let key = vuln_key(v);
                        let candidate =
                            new_from_vuln(v, ea, actor, at, &self.config.remediation_windows);
                        self.seen(
                            &mut tx,
                            &mut existing,
                            key,
                            candidate,
                            v.latest_detection,
                            &kev,
                            actor,
                            at,
                            &mut counts,
                        )
                        .await?;
                        done += 1;
                        if done.is_multiple_of(500) {
                            progress(done, total);
                        }
                    }
                }
                CyhyFile::RiskyServices(rows) => {
                    for s in rows {
                        let key = service_key(s);
                        let candidate =
                            new_from_service(s, ea, actor, at, &self.config.remediation_windows);
                        self.seen(
                            &mut tx,
                            &mut existing,
                            key,
                            candidate,
                            s.latest_detection,
                            &kev,
                            actor,
                            at,
                            &mut counts,
                        )
                        .await?;
                        done += 1;
                        if done.is_multiple_of(500) {
                            progress(done, total);
                        }
                    }
                }
                CyhyFile::Mitigated(rows) => {
                    for v in rows {
                        let key = vuln_key(v);
                        match existing.get_mut(&key) {
                            Some(f) if stored_status(f)?.is_open() => {
                                let from = stored_status(f)?;
                                f.status = Status::Mitigated.as_str().into();
                                f.closed_on = Some(v.mitigated_on.unwrap_or(today));
                                f.latest_detection =
                                    f.latest_detection.max(Some(v.latest_detection));
                                f.updated_at = at;
                                tx.update_finding(f).await?;
                                tx.insert_finding_history(&history(
                                    f.id,
                                    actor,
                                    at,
                                    "scan",
                                    Some(from),
                                    Some(Status::Mitigated),
                                    Some(format!("Cyber Hygiene reports it mitigated ({name}); verify with a re-test")),
                                ))
                                .await?;
                                counts.closed += 1;
                            }
                            _ => counts.unchanged += 1,
                        }
                        done += 1;
                        if done.is_multiple_of(500) {
                            progress(done, total);
                        }
                    }
                }
            }
            tx.insert_scan_import(&ScanImportRow {
                id: Uuid::new_v4(),
                kind: format!("cyhy_{}", counts.kind),
                election_authority_id: Some(ea),
                file_name: name.clone(),
                sha256: sha.clone(),
                imported_by: actor.account_id(),
                imported_by_label: actor.email.clone(),
                imported_at: at,
                rows_read: counts.rows as i32,
                created: counts.created as i32,
                updated: counts.updated as i32,
                closed: counts.closed as i32,
                unchanged: counts.unchanged as i32,
                catalog_version: None,
            })
            .await?;
            audit::Entry::new("findings.import_cyhy", "election_authority", ea)
                .changes(json!({
                    "file": name,
                    "sha256": sha,
                    "kind": counts.kind,
                    "rows": counts.rows,
                    "created": counts.created,
                    "updated": counts.updated,
                    "closed": counts.closed,
                    "unchanged": counts.unchanged,
                }))
                .record(&mut tx, actor, meta, at)
                .await?;
            results.push(counts);
        }
        tx.commit().await?;
        progress(total, total);
        Ok(results)
    }

    /// A scan saw `candidate` (by `key`): update the match or create the finding.
    async fn seen(
        &self,
        tx: &mut Tx,
        existing: &mut HashMap<MatchKey, FindingRow>,
        key: MatchKey,
        mut candidate: FindingRow,
        latest: Date,
        kev: &HashMap<String, KevRow>,
        actor: &Actor,
        at: OffsetDateTime,
        counts: &mut ImportCounts,
    ) -> AppResult<()> {
        match existing.get_mut(&key) {
            Some(f) => {
                let from = stored_status(f)?;
                let mut changed = false;
                if f.latest_detection.is_none_or(|d| d < latest) {
                    f.latest_detection = Some(latest);
                    changed = true;
                }
                if (candidate.kev && !f.kev) || (candidate.ransomware && !f.ransomware) {
                    f.kev |= candidate.kev;
                    f.ransomware |= candidate.ransomware;
                    changed = true;
                }
                changed |= apply_kev(f, kev);
                // Seen again after it was closed: reopen it.
                let reopen = !from.is_open()
                    && from != Status::RiskAccepted
                    && f.closed_on.is_some_and(|c| c < latest);
                if reopen {
                    f.status = Status::Confirmed.as_str().into();
                    f.closed_on = None;
                }
                if !changed && !reopen {
                    counts.unchanged += 1;
                    return Ok(());
                }
                f.updated_at = at;
                tx.update_finding(f).await?;
                if reopen {
                    tx.insert_finding_history(&history(
                        f.id,
                        actor,
                        at,
                        "scan",
                        Some(from),
                        Some(Status::Confirmed),
                        Some(format!("Cyber Hygiene saw it again on {latest}; reopened")),
                    ))
                    .await?;
                }
                counts.updated += 1;
            }
            None => {
                apply_kev(&mut candidate, kev);
                tx.insert_finding(&candidate).await?;
                tx.insert_finding_history(&history(
                    candidate.id,
                    actor,
                    at,
                    "created",
                    None,
                    Some(Status::Identified),
                    Some("Imported from a Cyber Hygiene scan".into()),
                ))
                .await?;
                counts.created += 1;
                existing.insert(key, candidate);
            }
        }
        Ok(())
    }
}

fn new_from_vuln(
    v: &CyhyVulnerability,
    ea: Uuid,
    actor: &Actor,
    at: OffsetDateTime,
    windows: &cybernav_core::finding::RemediationWindows,
) -> FindingRow {
    FindingRow {
        id: Uuid::new_v4(),
        election_authority_id: ea,
        source: Source::VulnerabilityScan.as_str().into(),
        severity: v.severity.as_str().into(),
        title: if v.name.is_empty() {
            format!("Vulnerability (plugin {})", v.plugin_id)
        } else {
            v.name.chars().take(TITLE_MAX).collect()
        },
        description: if v.description.is_empty() {
            v.name.clone()
        } else {
            v.description.clone()
        },
        recommendation: Some(v.solution.clone()).filter(|s| !s.is_empty()),
        host: Some(v.ip.clone()),
        port: Some(v.port),
        protocol: Some(v.protocol.clone()),
        cve: v.cve.clone(),
        plugin_id: Some(v.plugin_id.clone()).filter(|p| !p.is_empty()),
        owner: Owner::CountyIt.as_str().into(),
        status: Status::Identified.as_str().into(),
        identified_on: v.initial_detection,
        target_date: windows.target_date(v.severity, v.initial_detection),
        kev: v.known_exploited,
        kev_due_date: None,
        ransomware: v.ransomware_exploited,
        risk_approver: None,
        risk_expires_on: None,
        assessment_id: None,
        catalog_item_id: None,
        latest_detection: Some(v.latest_detection),
        closed_on: None,
        created_by: actor.account_id(),
        created_at: at,
        updated_at: at,
    }
}

fn new_from_service(
    s: &CyhyRiskyService,
    ea: Uuid,
    actor: &Actor,
    at: OffsetDateTime,
    windows: &cybernav_core::finding::RemediationWindows,
) -> FindingRow {
    let advice = recommendation("close_service").map(|r| r.text.to_string());
    FindingRow {
        id: Uuid::new_v4(),
        election_authority_id: ea,
        source: Source::VulnerabilityScan.as_str().into(),
        severity: RISKY_SERVICE_SEVERITY.as_str().into(),
        title: format!(
            "Potentially risky service reachable from the internet: {} on port {}/{}",
            s.service.to_uppercase(),
            s.port,
            s.protocol
        ),
        description: format!(
            "Cyber Hygiene found the service {} answering on {} port {}/{}.",
            s.service, s.ip, s.port, s.protocol
        ),
        recommendation: advice,
        host: Some(s.ip.clone()),
        port: Some(s.port),
        protocol: Some(s.protocol.clone()),
        cve: None,
        plugin_id: Some(format!("service:{}", s.service)),
        owner: Owner::CountyIt.as_str().into(),
        status: Status::Identified.as_str().into(),
        identified_on: s.initial_detection,
        target_date: windows.target_date(RISKY_SERVICE_SEVERITY, s.initial_detection),
        kev: false,
        kev_due_date: None,
        ransomware: false,
        risk_approver: None,
        risk_expires_on: None,
        assessment_id: None,
        catalog_item_id: None,
        latest_detection: Some(s.latest_detection),
        closed_on: None,
        created_by: actor.account_id(),
        created_at: at,
        updated_at: at,
    }
}
