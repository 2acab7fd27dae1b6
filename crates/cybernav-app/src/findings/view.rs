//! Reading findings: one authority's list (filtered and sorted), one finding with its
//! history and evidence, counts, the statewide overview and the import runs.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{FindingReader, FindingsOverviewReader};
use cybernav_core::finding::{Severity, Status, acceptance_expired, due_date, is_overdue};
use cybernav_store::checklist::EvidenceMeta;
use cybernav_store::findings::{FindingRow, ScanImportRow};
use cybernav_store::now;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

use crate::{App, AppError, AppResult};

use super::*;

/// Filters for listing findings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FindingFilter {
    /// Status id.
    pub status: Option<String>,
    /// Severity id.
    pub severity: Option<String>,
    /// Only overdue (`true`) or only not overdue (`false`).
    pub overdue: Option<bool>,
    /// Only KEV (`true`) or only not KEV (`false`).
    pub kev: Option<bool>,
    /// Only open (`true`) or only closed (`false`).
    pub open: Option<bool>,
}

/// A finding with what follows from today.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// As stored.
    #[serde(flatten)]
    pub row: FindingRow,
    /// The earlier of the target date and KEV's due date.
    #[serde(serialize_with = "cybernav_store::findings::day::option::serialize")]
    pub due_date: Option<Date>,
    /// Open and past its due date.
    pub overdue: bool,
    /// Risk accepted, and the acceptance has expired: look at it again.
    pub acceptance_expired: bool,
}

impl FindingView {
    fn new(row: FindingRow, today: Date) -> FindingView {
        let status = Status::parse(&row.status).unwrap_or(Status::Identified);
        let due = due_date(row.target_date, row.kev_due_date);
        FindingView {
            overdue: is_overdue(status, due, today),
            acceptance_expired: acceptance_expired(status, row.risk_expires_on, today),
            due_date: due,
            row,
        }
    }

    /// The status.
    pub fn status(&self) -> Status {
        Status::parse(&self.row.status).unwrap_or(Status::Identified)
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        Severity::parse(&self.row.severity).unwrap_or(Severity::Informational)
    }
}

/// Counts of one authority's findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingCounts {
    /// Open findings by severity (informational … critical).
    pub open_by_severity: [usize; 5],
    /// Findings by status, in [`Status::ALL`] order.
    pub by_status: [usize; 7],
    /// Open and overdue.
    pub overdue: usize,
    /// Open and on the KEV list.
    pub kev: usize,
    /// Risk acceptances expired.
    pub expired_acceptances: usize,
}

impl FindingCounts {
    fn add(&mut self, v: &FindingView) {
        let status = v.status();
        if let Some(i) = Status::ALL.iter().position(|s| *s == status)
            && let Some(slot) = self.by_status.get_mut(i)
        {
            *slot += 1;
        }
        if status.is_open() {
            let i = Severity::ALL
                .iter()
                .position(|s| *s == v.severity())
                .unwrap_or(0);
            if let Some(slot) = self.open_by_severity.get_mut(i) {
                *slot += 1;
            }
            if v.row.kev {
                self.kev += 1;
            }
        }
        if v.overdue {
            self.overdue += 1;
        }
        if v.acceptance_expired {
            self.expired_acceptances += 1;
        }
    }

    /// Open findings.
    pub fn open(&self) -> usize {
        self.open_by_severity.iter().sum()
    }
}

/// One authority's line in the statewide overview.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorityFindings {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its counts.
    pub counts: FindingCounts,
}

/// The statewide findings overview.
#[derive(Debug, Clone, Serialize)]
pub struct FindingsOverview {
    /// Every authority in scope together.
    pub total: FindingCounts,
    /// Authority by authority (those with findings), most overdue first.
    pub authorities: Vec<AuthorityFindings>,
    /// The KEV catalog version on file, if any.
    pub kev_version: Option<String>,
    /// How many KEV entries are on file.
    pub kev_entries: usize,
}

fn filter_matches(f: &FindingFilter, v: &FindingView) -> bool {
    f.status
        .as_deref()
        .is_none_or(|s| s.is_empty() || v.row.status == s)
        && f.severity
            .as_deref()
            .is_none_or(|s| s.is_empty() || v.row.severity == s)
        && f.overdue.is_none_or(|o| v.overdue == o)
        && f.kev.is_none_or(|k| v.row.kev == k)
        && f.open.is_none_or(|o| v.status().is_open() == o)
}

fn check_filter(f: &FindingFilter) -> AppResult<()> {
    let mut e = FieldErrors::new();
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        e.check("status", Status::parse(s));
    }
    if let Some(s) = f.severity.as_deref().filter(|s| !s.is_empty()) {
        e.check("severity", Severity::parse(s));
    }
    e.into_result(|| ()).map_err(AppError::Invalid)
}

/// Sorts for display: open before closed, overdue first, then severity (highest first), then
/// the due date.
fn sort_views(v: &mut [FindingView]) {
    v.sort_by(|a, b| {
        (
            !a.status().is_open(),
            !a.overdue,
            std::cmp::Reverse(a.severity()),
            a.due_date,
            a.row.identified_on,
        )
            .cmp(&(
                !b.status().is_open(),
                !b.overdue,
                std::cmp::Reverse(b.severity()),
                b.due_date,
                b.row.identified_on,
            ))
    });
}

impl App {
    /// The authority a finding belongs to (for the doors to ask for the right capability).
    pub async fn finding_authority(&self, id: Uuid) -> AppResult<Uuid> {
        let mut tx = self.store.read().await?;
        Ok(tx.get_finding(id).await?.election_authority_id)
    }

    /// The findings of the reader's authority, filtered, open and overdue first.
    pub async fn findings(
        &self,
        reader: &FindingReader<'_>,
        filter: &FindingFilter,
    ) -> AppResult<Vec<FindingView>> {
        check_filter(filter)?;
        let today = now().date();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(reader.election_authority())
            .await?;
        let mut v: Vec<FindingView> = tx
            .list_findings(Some(reader.election_authority()))
            .await?
            .into_iter()
            .map(|r| FindingView::new(r, today))
            .filter(|v| filter_matches(filter, v))
            .collect();
        sort_views(&mut v);
        Ok(v)
    }

    /// One finding of the reader's authority with its history and evidence.
    pub async fn finding(&self, reader: &FindingReader<'_>, id: Uuid) -> AppResult<FindingDetail> {
        let mut tx = self.store.read().await?;
        let row = own_finding(&mut tx, reader.election_authority(), id).await?;
        let history = tx.list_finding_history(id).await?;
        let subject = evidence_subject(id);
        let evidence = tx
            .list_evidence(reader.election_authority())
            .await?
            .into_iter()
            .filter(|e| e.subject == subject)
            .collect();
        Ok(FindingDetail {
            finding: FindingView::new(row, now().date()),
            history,
            evidence,
        })
    }

    /// One evidence file of a finding, with its content.
    pub async fn finding_evidence_file(
        &self,
        reader: &FindingReader<'_>,
        finding: Uuid,
        evidence: Uuid,
    ) -> AppResult<(EvidenceMeta, Vec<u8>)> {
        let mut tx = self.store.read().await?;
        own_finding(&mut tx, reader.election_authority(), finding).await?;
        let (meta, content) = tx.get_evidence(evidence).await?;
        if meta.subject != evidence_subject(finding) {
            return Err(AppError::NotFound);
        }
        Ok((meta, content))
    }

    /// Counts of the reader's authority's findings.
    pub async fn finding_counts(&self, reader: &FindingReader<'_>) -> AppResult<FindingCounts> {
        let all = self.findings(reader, &FindingFilter::default()).await?;
        let mut c = FindingCounts::default();
        for v in &all {
            c.add(v);
        }
        Ok(c)
    }

    /// The statewide overview: counts by severity and status, overdue and KEV, authority by
    /// authority, within the reader's scope.
    pub async fn findings_overview(
        &self,
        reader: &FindingsOverviewReader<'_>,
    ) -> AppResult<FindingsOverview> {
        let scope = reader.actor().ea_scope();
        let today = now().date();
        let mut tx = self.store.read().await?;
        let names: HashMap<Uuid, String> = tx
            .all_election_authorities(&scope)
            .await?
            .into_iter()
            .map(|e| (e.authority.id, e.authority.name))
            .collect();
        let mut total = FindingCounts::default();
        let mut per: HashMap<Uuid, FindingCounts> = HashMap::new();
        for row in tx.list_findings(None).await? {
            if !scope.contains(row.election_authority_id) {
                continue;
            }
            let ea = row.election_authority_id;
            let v = FindingView::new(row, today);
            total.add(&v);
            per.entry(ea).or_default().add(&v);
        }
        let kev = tx.list_kev().await?;
        let mut authorities: Vec<AuthorityFindings> = per
            .into_iter()
            .map(|(id, counts)| AuthorityFindings {
                election_authority_id: id,
                name: names.get(&id).cloned().unwrap_or_default(),
                counts,
            })
            .collect();
        authorities.sort_by(|a, b| {
            (
                std::cmp::Reverse(a.counts.overdue),
                std::cmp::Reverse(a.counts.kev),
                &a.name,
            )
                .cmp(&(
                    std::cmp::Reverse(b.counts.overdue),
                    std::cmp::Reverse(b.counts.kev),
                    &b.name,
                ))
        });
        Ok(FindingsOverview {
            total,
            authorities,
            kev_version: kev.first().map(|k| k.catalog_version.clone()),
            kev_entries: kev.len(),
        })
    }

    /// The import runs of the reader's authority, newest first.
    pub async fn scan_imports(&self, reader: &FindingReader<'_>) -> AppResult<Vec<ScanImportRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .list_scan_imports(Some(reader.election_authority()))
            .await?)
    }
}
