//! The CISA KEV catalog: importing it (flagging the findings it lists), the scheduled
//! download over [`crate::http`] and the job that also reopens expired risk acceptances.

use cybernav_core::FieldErrors;
use cybernav_core::authz::KevManager;
use cybernav_core::finding::{Status, acceptance_expired};
use cybernav_formats::kev::parse_kev;
use cybernav_store::findings::{KevRow, ScanImportRow};
use cybernav_store::now;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

use crate::sharing::intake::SourceSpec;
use crate::sharing::intake_feeds::{ListIn, list_in};
use crate::{App, AppError, AppResult, RequestMeta, audit};
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_core::sharing::{Indicator, IndicatorKind};

/// The intake source KEV entries are recorded under.
fn kev_source() -> SourceSpec {
    SourceSpec {
        name: "CISA KEV catalog".into(),
        kind: "kev".into(),
        default_marking: Marking::tlp(Tlp::Clear),
    }
}

use super::*;

impl App {
    /// Stores a KEV catalog (replacing the one on file) and flags every finding whose CVE it
    /// lists with KEV's due date and ransomware flag, in one transaction.
    pub async fn import_kev(
        &self,
        cap: &KevManager<'_>,
        file_name: &str,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<KevImport> {
        let catalog = parse_kev(bytes).map_err(|es| {
            let mut e = FieldErrors::new();
            for x in es.0 {
                e.add(
                    format!("{file_name}: {}, field {}", x.location, x.field),
                    x.message,
                );
            }
            AppError::Invalid(e)
        })?;
        let at = now();
        let actor = cap.actor();
        let rows: Vec<KevRow> = catalog
            .vulnerabilities
            .iter()
            .map(|k| KevRow {
                cve_id: k.cve_id.clone(),
                vendor_project: k.vendor_project.clone(),
                product: k.product.clone(),
                vulnerability_name: k.vulnerability_name.clone(),
                date_added: k.date_added,
                short_description: k.short_description.clone(),
                required_action: k.required_action.clone(),
                due_date: k.due_date,
                known_ransomware: k.known_ransomware,
                notes: k.notes.clone(),
                cwes: k.cwes.join(","),
                catalog_version: catalog.catalog_version.clone(),
            })
            .collect();
        let map: HashMap<String, KevRow> =
            rows.iter().map(|k| (k.cve_id.clone(), k.clone())).collect();
        let mut tx = self.store.begin().await?;
        tx.replace_kev(&rows).await?;
        let mut flagged = 0;
        for mut f in tx.list_findings_with_cve().await? {
            let was = f.kev;
            // A finding's flags follow the catalog now on file.
            if !map.contains_key(f.cve.as_deref().unwrap_or_default()) {
                continue;
            }
            if apply_kev(&mut f, &map) {
                f.updated_at = at;
                tx.update_finding(&f).await?;
                tx.insert_finding_history(&history(
                    f.id,
                    actor,
                    at,
                    "kev",
                    None,
                    None,
                    Some(format!(
                        "{} CISA's Known Exploited Vulnerabilities catalog {}: due {}{}",
                        if was { "Updated from" } else { "Listed in" },
                        catalog.catalog_version,
                        f.kev_due_date.map(|d| d.to_string()).unwrap_or_default(),
                        if f.ransomware {
                            ", used in ransomware campaigns"
                        } else {
                            ""
                        }
                    )),
                ))
                .await?;
                flagged += 1;
            }
        }
        let sha = hex::encode(Sha256::digest(bytes));
        tx.insert_scan_import(&ScanImportRow {
            id: Uuid::new_v4(),
            kind: "kev".into(),
            election_authority_id: None,
            file_name: file_name.to_string(),
            sha256: sha.clone(),
            imported_by: actor.account_id(),
            imported_by_label: actor.email.clone(),
            imported_at: at,
            rows_read: rows.len() as i32,
            created: 0,
            updated: flagged as i32,
            closed: 0,
            unchanged: 0,
            catalog_version: Some(catalog.catalog_version.clone()),
        })
        .await?;
        // The catalog is also intelligence the desk shares: each CVE becomes an indicator of
        // the source "CISA KEV catalog" (TLP:CLEAR, as CISA publishes it), in this transaction.
        let new_to_sharing = match actor.import_intel() {
            Some(intake) => {
                let entries: Vec<(Indicator, String)> = catalog
                    .vulnerabilities
                    .iter()
                    .filter_map(|k| {
                        Indicator::parse(IndicatorKind::Cve, &k.cve_id)
                            .ok()
                            .map(|i| (i, k.cve_id.clone()))
                    })
                    .collect();
                let list = ListIn {
                    source: &kev_source(),
                    file_name,
                    format: "kev",
                    sha256: sha.clone(),
                    entries: &entries,
                    rejected: Vec::new(),
                };
                list_in(&mut tx, &intake, list, meta).await?.imported
            }
            None => 0,
        };
        audit::Entry::new("kev.import", "kev_catalog", &catalog.catalog_version)
            .changes(json!({
                "file": file_name,
                "sha256": sha,
                "entries": rows.len(),
                "findings_flagged": flagged,
            }))
            .commit(tx, actor, meta, at)
            .await?;
        Ok(KevImport {
            catalog_version: catalog.catalog_version,
            entries: rows.len(),
            flagged,
            new_to_sharing,
        })
    }

    /// Reopens findings whose risk acceptance has expired (to `confirmed`, with a history
    /// entry), as the system. Returns how many.
    pub async fn reopen_expired_acceptances(&self, meta: &RequestMeta) -> AppResult<usize> {
        let system = cybernav_core::authz::system_actor();
        let at = now();
        let mut tx = self.store.begin().await?;
        let mut n = 0;
        for mut f in tx.list_findings(None).await? {
            let status = stored_status(&f)?;
            if !acceptance_expired(status, f.risk_expires_on, at.date()) {
                continue;
            }
            let until = f.risk_expires_on;
            f.status = Status::Confirmed.as_str().into();
            f.closed_on = None;
            f.updated_at = at;
            tx.update_finding(&f).await?;
            tx.insert_finding_history(&history(
                f.id,
                &system,
                at,
                "status",
                Some(status),
                Some(Status::Confirmed),
                Some(format!(
                    "The risk acceptance expired on {}; reopened for review",
                    until.map(|d| d.to_string()).unwrap_or_default()
                )),
            ))
            .await?;
            audit::Entry::new("finding.transition", "finding", f.id)
                .changes(json!({"status": {"from": status.as_str(), "to": "confirmed"}, "reason": "risk acceptance expired"}))
                .record(&mut tx, &system, meta, at)
                .await?;
            n += 1;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Downloads the KEV catalog from `url` (through [`crate::http`]: at most
    /// [`KEV_MAX_BYTES`], 2xx only) and imports it as the system.
    pub async fn download_kev(&self, url: &str, meta: &RequestMeta) -> AppResult<KevImport> {
        let fetch = async {
            crate::http::HttpClient::shared()?
                .get(url, &[("Accept", "application/json")], KEV_MAX_BYTES)
                .await
        };
        let bytes = fetch
            .await
            .map_err(|e| AppError::invalid("kev_url", e.to_string()))?
            .body;
        let system = cybernav_core::authz::system_actor();
        let cap = system.manage_kev().ok_or(AppError::Forbidden)?;
        self.import_kev(&cap, url, &bytes, meta).await
    }
}

/// The largest KEV catalog downloaded, in bytes (the real one is about 1.5 MB).
pub const KEV_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Runs the scheduled KEV download every `every` until shutdown (spawned by `serve` when
/// `CYBERNAV_KEV_URL` is set), and reopens expired risk acceptances on the same beat.
pub async fn run_kev_download(
    app: App,
    url: String,
    every: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    let meta = RequestMeta {
        ip: Some("scheduled job".into()),
        user_agent: None,
    };
    loop {
        match app.download_kev(&url, &meta).await {
            Ok(k) => tracing::info!(
                kev.version = %k.catalog_version,
                kev.entries = k.entries,
                kev.flagged = k.flagged,
                "KEV catalog downloaded"
            ),
            Err(e) => tracing::error!(error = %e, "KEV catalog download failed"),
        }
        match app.reopen_expired_acceptances(&meta).await {
            Ok(n) if n > 0 => tracing::info!(findings = n, "expired risk acceptances reopened"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reopening expired risk acceptances failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
