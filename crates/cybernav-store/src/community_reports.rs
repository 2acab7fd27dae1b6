//! Community reports as the Program Manager's queue and the county's "Reports from my office"
//! read them, the decision on a report, and the sightings a validated report records
//! (Part 213.50(a)(2)(B)). Reports and their objects are written by [`crate::taxii`].
//!
//! A decision is a conditional update (`WHERE status = 'pending'`): of two reviewers deciding
//! at once, one changes the row and the other changes nothing and is told so, on either
//! backend, without a lock held across the request.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::binds::{Bind, Filter};
use crate::taxii::{CommunityReportRow, TaxiiObjectRow};
use crate::{StoreResult, Tx, bind_all, with_conn};

/// A report with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportListing {
    /// The report.
    #[sqlx(flatten)]
    pub row: CommunityReportRow,
    /// The authority's name.
    pub authority_name: String,
    /// The sender's name.
    pub submitter_name: String,
    /// The sender's e-mail address.
    pub submitter_email: String,
    /// The sender's account status (`active`, `disabled`, …).
    pub submitter_status: String,
    /// Who decided, by name.
    pub decider_name: Option<String>,
}

/// Which reports a list holds.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only this authority's.
    pub election_authority: Option<Uuid>,
    /// Only those that came this way (`taxii`, `form`).
    pub channel: Option<String>,
}

/// A sighting to record.
#[derive(Debug, Clone)]
pub struct NewSighting<'a> {
    /// The indicator.
    pub indicator_id: Uuid,
    /// The report that named it.
    pub report_id: Uuid,
    /// The authority that saw it.
    pub election_authority_id: Uuid,
    /// The stored marking of what the report said about it.
    pub marking: &'a str,
    /// First seen.
    pub first_seen: OffsetDateTime,
    /// Last seen.
    pub last_seen: OffsetDateTime,
    /// How many times the report names it.
    pub seen_count: i64,
}

/// A recorded sighting, with the authority's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SightingRow {
    /// The indicator.
    pub indicator_id: Uuid,
    /// The report.
    pub report_id: Uuid,
    /// The authority that saw it.
    pub election_authority_id: Uuid,
    /// Its name.
    pub authority_name: String,
    /// Stored marking.
    pub marking: String,
    /// First seen.
    pub first_seen: OffsetDateTime,
    /// Last seen.
    pub last_seen: OffsetDateTime,
    /// How many times.
    pub seen_count: i64,
    /// When the report was validated.
    pub recorded_at: OffsetDateTime,
}

/// A position in the Board's TAXII collection for sightings: strictly after this instant, or
/// at this instant and after this indicator (`true`: from this indicator on, its own sighting
/// included, when the position is that indicator itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingAfter {
    /// The date added.
    pub at: OffsetDateTime,
    /// The indicator within that instant, and whether its own sighting is still to come.
    pub key: Option<(Uuid, bool)>,
}

/// Every sighting of one indicator a reader may see, summed, for the TAXII collection.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxiiSightingRow {
    /// The indicator.
    pub indicator_id: Uuid,
    /// When the first was recorded.
    pub created: OffsetDateTime,
    /// When the latest was (its version and date added).
    pub modified: OffsetDateTime,
    /// First seen.
    pub first_seen: OffsetDateTime,
    /// Last seen.
    pub last_seen: OffsetDateTime,
    /// Times seen.
    pub seen_count: i64,
    /// By how many authorities.
    pub authorities: i64,
}

const LISTING: &str = "SELECT r.id, r.channel, r.submitted_by, r.election_authority_id, r.received_at, \
     r.object_count, r.marking, r.status, r.decided_by, r.decided_at, r.decision_note, r.kind, \
     r.note_id, e.name AS authority_name, u.name AS submitter_name, u.email AS submitter_email, \
     u.status AS submitter_status, d.name AS decider_name \
     FROM community_reports r JOIN election_authorities e ON e.id = r.election_authority_id \
     JOIN users u ON u.id = r.submitted_by LEFT JOIN users d ON d.id = r.decided_by";

impl Tx {
    /// Reports matching `filter`: pending ones first, then newest first.
    pub async fn list_community_reports(
        &mut self,
        filter: &ReportFilter,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ReportListing>> {
        let mut f = Filter::new();
        if let Some(s) = &filter.status {
            f.push("r.status = {}", Bind::Text(s.clone()));
        }
        if let Some(ea) = filter.election_authority {
            f.push("r.election_authority_id = {}", Bind::Uuid(ea));
        }
        if let Some(c) = &filter.channel {
            f.push("r.channel = {}", Bind::Text(c.clone()));
        }
        let l = f.bind(Bind::I64(limit));
        let o = f.bind(Bind::I64(offset));
        let sql = format!(
            "{LISTING}{} ORDER BY CASE WHEN r.status = 'pending' THEN 0 ELSE 1 END, \
             r.received_at DESC, r.id LIMIT {l} OFFSET {o}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// How many reports match `filter`.
    pub async fn count_community_reports(&mut self, filter: &ReportFilter) -> StoreResult<i64> {
        let mut f = Filter::new();
        if let Some(s) = &filter.status {
            f.push("status = {}", Bind::Text(s.clone()));
        }
        if let Some(ea) = filter.election_authority {
            f.push("election_authority_id = {}", Bind::Uuid(ea));
        }
        if let Some(c) = &filter.channel {
            f.push("channel = {}", Bind::Text(c.clone()));
        }
        let sql = format!("SELECT COUNT(*) FROM community_reports{}", f.where_clause());
        let n: (i64,) = with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_one(&mut *c)
                .await?
        });
        Ok(n.0)
    }

    /// One report.
    pub async fn community_report(&mut self, id: Uuid) -> StoreResult<Option<ReportListing>> {
        let sql = format!("{LISTING} WHERE r.id = $1");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// The objects of a report, in the order they came.
    pub async fn community_report_objects(
        &mut self,
        report: Uuid,
    ) -> StoreResult<Vec<TaxiiObjectRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT seq, stix_id, modified, object_type, spec_version, added_at, marking, raw \
                 FROM community_report_objects WHERE report_id = $1 ORDER BY seq",
            )
            .bind(report)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Records the decision on a pending report. False when the report is not pending (or
    /// does not exist): nothing was changed.
    pub async fn decide_community_report(
        &mut self,
        id: Uuid,
        status: &str,
        decided_by: Option<Uuid>,
        decided_at: OffsetDateTime,
        note: Option<&str>,
    ) -> StoreResult<bool> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE community_reports SET status = $2, decided_by = $3, decided_at = $4, \
                 decision_note = $5 WHERE id = $1 AND status = 'pending'",
            )
            .bind(id)
            .bind(status)
            .bind(decided_by)
            .bind(crate::utc(decided_at))
            .bind(note)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Links a report to the draft note started from it.
    pub async fn set_community_report_note(&mut self, id: Uuid, note: Uuid) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE community_reports SET note_id = $2 WHERE id = $1")
                .bind(id)
                .bind(note)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Records sightings (one per indicator and report).
    pub async fn insert_sightings(
        &mut self,
        sightings: &[NewSighting<'_>],
        recorded_at: OffsetDateTime,
    ) -> StoreResult<()> {
        for s in sightings {
            with_conn!(self, |c| {
                sqlx::query(
                    "INSERT INTO indicator_sightings (indicator_id, report_id, election_authority_id, \
                     marking, first_seen, last_seen, seen_count, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(s.indicator_id)
                .bind(s.report_id)
                .bind(s.election_authority_id)
                .bind(s.marking)
                .bind(crate::utc(s.first_seen))
                .bind(crate::utc(s.last_seen))
                .bind(s.seen_count)
                .bind(crate::utc(recorded_at))
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
        }
        Ok(())
    }

    /// The sightings of `indicators`, oldest first.
    pub async fn sightings_of(&mut self, indicators: &[Uuid]) -> StoreResult<Vec<SightingRow>> {
        if indicators.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::new();
        let ps: Vec<String> = indicators
            .iter()
            .map(|id| f.bind(Bind::Uuid(*id)))
            .collect();
        f.push_raw(&format!("s.indicator_id IN ({})", ps.join(", ")));
        let sql = format!(
            "SELECT s.indicator_id, s.report_id, s.election_authority_id, e.name AS authority_name, \
             s.marking, s.first_seen, s.last_seen, s.seen_count, s.recorded_at \
             FROM indicator_sightings s JOIN election_authorities e ON e.id = s.election_authority_id{} \
             ORDER BY s.first_seen, s.report_id",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Every distinct stored marking of sightings.
    pub async fn sighting_markings(&mut self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT DISTINCT marking FROM indicator_sightings")
                .fetch_all(&mut *c)
                .await?
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Per indicator, its sightings with an allowed marking recorded before `before` (the
    /// readers' watermark) summed, at the time of the latest, in `(that time, indicator)` order
    /// after `after`.
    pub async fn taxii_sightings(
        &mut self,
        allowed_markings: &[String],
        after: &SightingAfter,
        before: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<TaxiiSightingRow>> {
        if allowed_markings.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::new();
        let ps: Vec<String> = allowed_markings
            .iter()
            .map(|m| f.bind(Bind::Text(m.clone())))
            .collect();
        f.push_raw(&format!("s.marking IN ({})", ps.join(", ")));
        f.push("s.recorded_at < {}", Bind::Time(before));
        let t = f.bind(Bind::Time(after.at));
        let having = match after.key {
            Some((k, inclusive)) => {
                let k = f.bind(Bind::Uuid(k));
                let op = if inclusive { ">=" } else { ">" };
                format!(
                    "MAX(s.recorded_at) > {t} OR (MAX(s.recorded_at) = {t} AND s.indicator_id {op} {k})"
                )
            }
            None => format!("MAX(s.recorded_at) > {t}"),
        };
        let l = f.bind(Bind::I64(limit));
        let sql = format!(
            "SELECT s.indicator_id, MIN(s.recorded_at) AS created, MAX(s.recorded_at) AS modified, \
             MIN(s.first_seen) AS first_seen, MAX(s.last_seen) AS last_seen, \
             CAST(SUM(s.seen_count) AS BIGINT) AS seen_count, \
             COUNT(DISTINCT s.election_authority_id) AS authorities \
             FROM indicator_sightings s{} GROUP BY s.indicator_id HAVING {having} \
             ORDER BY MAX(s.recorded_at), s.indicator_id LIMIT {l}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// The allowed markings of the sightings of `indicators` recorded before `before`, as
    /// (indicator, marking).
    pub async fn taxii_sighting_markings(
        &mut self,
        allowed_markings: &[String],
        indicators: &[Uuid],
        before: OffsetDateTime,
    ) -> StoreResult<Vec<(Uuid, String)>> {
        if allowed_markings.is_empty() || indicators.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::new();
        let ms: Vec<String> = allowed_markings
            .iter()
            .map(|m| f.bind(Bind::Text(m.clone())))
            .collect();
        f.push_raw(&format!("marking IN ({})", ms.join(", ")));
        let ids: Vec<String> = indicators
            .iter()
            .map(|id| f.bind(Bind::Uuid(*id)))
            .collect();
        f.push_raw(&format!("indicator_id IN ({})", ids.join(", ")));
        f.push("recorded_at < {}", Bind::Time(before));
        let sql = format!(
            "SELECT DISTINCT indicator_id, marking FROM indicator_sightings{}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// The sightings a report recorded.
    pub async fn sightings_of_report(&mut self, report: Uuid) -> StoreResult<Vec<SightingRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT s.indicator_id, s.report_id, s.election_authority_id, e.name AS authority_name, \
                 s.marking, s.first_seen, s.last_seen, s.seen_count, s.recorded_at \
                 FROM indicator_sightings s JOIN election_authorities e ON e.id = s.election_authority_id \
                 WHERE s.report_id = $1 ORDER BY s.indicator_id",
            )
            .bind(report)
            .fetch_all(&mut *c)
            .await?
        }))
    }
}
