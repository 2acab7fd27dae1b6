//! Reading what intake stored: indicators with the reports a reader may see, and the run
//! history.
//!
//! An indicator is shown through its reports: a person sees an indicator when the access
//! decision lets them see at least one report of it, and sees only those reports (source,
//! when, marking). The same value reported `TLP:CLEAR` by one source and `TLP:RED` by another
//! is visible to everyone, with only the `TLP:CLEAR` report.
//!
//! Sightings (what validated community reports said election authorities saw) come with an
//! indicator under the same rule, sighting by sighting: a reader is told of those whose
//! marking they may see, as counts and dates; which authority saw it is told to the Board's
//! staff only (those who read community reports).

use cybernav_core::authz::{IndicatorReader, IntakeHistoryReader};
use cybernav_core::sharing::IndicatorKind;
use cybernav_core::sharing::marking::Reader;
use cybernav_store::community_reports::SightingRow;
use cybernav_store::intake::RunRow;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::BOARD;
use super::intake::{RejectedItem, parse_marking};
use crate::{App, AppError, AppResult};

/// The most indicators one page holds.
pub const PAGE_MAX: i64 = 500;

/// One report of an indicator, as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportView {
    /// The source's name.
    pub source: String,
    /// Its reference there (STIX id, MISP attribute, file).
    pub reference: String,
    /// When it was last received.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Its marking label (`TLP:AMBER FOUO`).
    pub marking: String,
    /// Until when the source says it holds.
    #[serde(with = "time::serde::rfc3339::option")]
    pub valid_until: Option<OffsetDateTime>,
    /// The source's confidence, 0–100.
    pub confidence: Option<i64>,
    /// The source withdrew it.
    pub revoked: bool,
}

/// An indicator and the reports the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorView {
    /// Id.
    pub id: Uuid,
    /// Kind identifier (`ipv4`, `domain`, `url`, …).
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// When it first came in.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// The visible reports, oldest first.
    pub reports: Vec<ReportView>,
    /// What election authorities reported seeing, as far as the reader may know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sightings: Option<SightingsView>,
}

/// The sightings of an indicator a reader may know of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SightingsView {
    /// Times seen, over every visible sighting.
    pub count: i64,
    /// How many election authorities saw it.
    pub authorities: usize,
    /// First seen.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// Last seen.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    /// Which authorities saw it: for the Board's staff only (absent for everyone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_authority: Option<Vec<AuthoritySighting>>,
}

/// One authority's sightings of an indicator (Board staff only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthoritySighting {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub name: String,
    /// Times seen.
    pub count: i64,
    /// Last seen.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
}

/// Sums the sightings `reader` may know of; `None` when there are none.
fn sightings_view(rows: &[&SightingRow], names_authorities: bool) -> Option<SightingsView> {
    let first = rows.iter().map(|s| s.first_seen).min()?;
    let last = rows.iter().map(|s| s.last_seen).max()?;
    let mut by: Vec<AuthoritySighting> = Vec::new();
    for s in rows {
        match by
            .iter_mut()
            .find(|a| a.election_authority_id == s.election_authority_id)
        {
            Some(a) => {
                a.count += s.seen_count;
                a.last_seen = a.last_seen.max(s.last_seen);
            }
            None => by.push(AuthoritySighting {
                election_authority_id: s.election_authority_id,
                name: s.authority_name.clone(),
                count: s.seen_count,
                last_seen: s.last_seen,
            }),
        }
    }
    Some(SightingsView {
        count: rows.iter().map(|s| s.seen_count).sum(),
        authorities: by.len(),
        first_seen: first,
        last_seen: last,
        by_authority: names_authorities.then_some(by),
    })
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct IndicatorQuery {
    /// Only this kind.
    pub kind: Option<IndicatorKind>,
    /// Only values starting with this (normalised as typed: lower-case for names).
    pub prefix: Option<String>,
    /// How many, at most [`PAGE_MAX`].
    pub limit: Option<i64>,
    /// How many matching indicators to skip (counted before the access filter).
    pub offset: Option<i64>,
}

/// One import run, for the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunView {
    /// Id.
    pub id: Uuid,
    /// The source's name.
    pub source: String,
    /// `stix`, `misp`, `list`.
    pub format: String,
    /// The file or feed.
    pub file_name: String,
    /// SHA-256 of what was read.
    pub sha256: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// New indicators.
    pub imported: i64,
    /// Indicators already known.
    pub duplicates: i64,
    /// STIX objects kept.
    pub objects: i64,
    /// How many were refused.
    pub rejected: i64,
    /// The first refusals.
    pub rejected_detail: Vec<RejectedItem>,
}

fn run_view(r: RunRow) -> AppResult<RunView> {
    #[derive(serde::Deserialize)]
    struct Item {
        id: String,
        reason: String,
    }
    let items: Vec<Item> = serde_json::from_str(&r.rejected_detail).map_err(|e| {
        AppError::Store(cybernav_store::StoreError::Corrupt(format!(
            "intake_runs {}: rejected_detail: {e}",
            r.id
        )))
    })?;
    Ok(RunView {
        id: r.id,
        source: r.source_name,
        format: r.format,
        file_name: r.file_name,
        sha256: r.sha256,
        received_at: r.received_at,
        imported: r.imported,
        duplicates: r.duplicates,
        objects: r.objects,
        rejected: r.rejected,
        rejected_detail: items
            .into_iter()
            .map(|i| RejectedItem {
                id: i.id,
                reason: i.reason,
            })
            .collect(),
    })
}

impl App {
    /// Indicators, newest first, each with the reports `reader` may see; indicators with none
    /// are left out.
    pub async fn indicators(
        &self,
        cap: &IndicatorReader<'_>,
        reader: &Reader,
        q: &IndicatorQuery,
    ) -> AppResult<Vec<IndicatorView>> {
        let limit = q.limit.unwrap_or(100).clamp(1, PAGE_MAX);
        let offset = q.offset.unwrap_or(0).max(0);
        let prefix = q.prefix.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let mut tx = self.store.read().await?;
        let rows = tx
            .indicators_page(q.kind.map(IndicatorKind::as_str), prefix, limit, offset)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut reports = tx.reports_of(&ids).await?;
        let sightings = tx.sightings_of(&ids).await?;
        let names_authorities = cap.actor().read_community_reports().is_some();
        let mut sighting_ok: Vec<(String, bool)> = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut visible = Vec::new();
            for r in reports.iter_mut().filter(|r| r.indicator_id == row.id) {
                let marking = parse_marking(&r.marking, "indicator_reports")?;
                // Received information is held by the Board.
                if self.may_see(reader, &marking, BOARD).is_allowed() {
                    visible.push(ReportView {
                        source: std::mem::take(&mut r.source_name),
                        reference: std::mem::take(&mut r.reference),
                        received_at: r.received_at,
                        marking: marking.label(),
                        valid_until: r.valid_until,
                        confidence: r.confidence,
                        revoked: r.revoked,
                    });
                }
            }
            if !visible.is_empty() {
                let mut seen = Vec::new();
                for s in sightings.iter().filter(|s| s.indicator_id == row.id) {
                    // A handful of distinct markings: each is decided once.
                    let allowed = match sighting_ok.iter().find(|(m, _)| *m == s.marking) {
                        Some((_, ok)) => *ok,
                        None => {
                            let m = parse_marking(&s.marking, "indicator_sightings")?;
                            let ok = self.may_see(reader, &m, BOARD).is_allowed();
                            sighting_ok.push((s.marking.clone(), ok));
                            ok
                        }
                    };
                    if allowed {
                        seen.push(s);
                    }
                }
                out.push(IndicatorView {
                    id: row.id,
                    kind: row.kind,
                    value: row.value,
                    first_seen: row.first_seen,
                    reports: visible,
                    sightings: sightings_view(&seen, names_authorities),
                });
            }
        }
        Ok(out)
    }

    /// The latest import runs, newest first.
    pub async fn intake_runs(
        &self,
        _cap: &IntakeHistoryReader<'_>,
        limit: i64,
    ) -> AppResult<Vec<RunView>> {
        let mut tx = self.store.read().await?;
        tx.intake_runs(limit.clamp(1, 500))
            .await?
            .into_iter()
            .map(run_view)
            .collect()
    }
}
