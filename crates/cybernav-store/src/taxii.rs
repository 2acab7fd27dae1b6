//! What the TAXII 2.1 server reads and writes: pages of the Board's indicators and of STIX
//! objects in `(date added, key)` order, community reports and their objects, and the status
//! of every TAXII POST.
//!
//! Access is decided in `cybernav-app` by the one access decision; queries here take the set
//! of stored marking values that decision allowed (`allowed_markings`) and return only rows
//! carrying one of them. Markings are a handful of distinct values, so the app asks the
//! decision once per value rather than once per row.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::binds::{Bind, Filter};
use crate::{StoreResult, Tx, bind_all, with_conn};

/// Which table of STIX objects a collection reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectTable {
    /// Objects kept by intake (`stix_objects`).
    Received,
    /// Objects the authorities reported (`community_report_objects`).
    Community,
}

impl ObjectTable {
    fn name(self) -> &'static str {
        match self {
            ObjectTable::Received => "stix_objects",
            ObjectTable::Community => "community_report_objects",
        }
    }
}

/// A position in a collection: strictly after this instant, or at this instant and after
/// this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After<K> {
    /// The date added.
    pub at: OffsetDateTime,
    /// The key within that instant; `None` skips the whole instant.
    pub key: Option<K>,
}

/// Narrowing of a page.
#[derive(Debug, Clone, Default)]
pub struct ObjectFilter {
    /// Only these STIX ids.
    pub ids: Option<Vec<String>>,
    /// Only these types.
    pub types: Option<Vec<String>>,
    /// Only these spec versions.
    pub spec_versions: Option<Vec<String>>,
}

/// A Board indicator at the position of its latest visible report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxiiIndicatorRow {
    /// Id.
    pub id: Uuid,
    /// Kind identifier.
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// First received.
    pub first_seen: OffsetDateTime,
    /// When its latest visible report came (its version and date added).
    pub modified: OffsetDateTime,
}

/// A visible report's facts, for the published object.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxiiReportFacts {
    /// The indicator.
    pub indicator_id: Uuid,
    /// Stored marking.
    pub marking: String,
    /// Valid until.
    pub valid_until: Option<OffsetDateTime>,
    /// Confidence.
    pub confidence: Option<i64>,
    /// Withdrawn.
    pub revoked: bool,
    /// When it was last received (its run's time).
    pub received_at: OffsetDateTime,
}

/// A stored STIX object.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxiiObjectRow {
    /// Order of addition.
    pub seq: i64,
    /// STIX id.
    pub stix_id: String,
    /// `modified` as written (empty when it has none).
    pub modified: String,
    /// Type.
    pub object_type: String,
    /// `2.0` or `2.1`.
    pub spec_version: String,
    /// When it was added.
    pub added_at: OffsetDateTime,
    /// Stored marking.
    pub marking: String,
    /// The object's JSON.
    pub raw: String,
}

/// A community report, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommunityReportRow {
    /// Id.
    pub id: Uuid,
    /// `taxii` or `form`.
    pub channel: String,
    /// Who sent it.
    pub submitted_by: Uuid,
    /// For which authority.
    pub election_authority_id: Uuid,
    /// When.
    pub received_at: OffsetDateTime,
    /// How many objects it holds.
    pub object_count: i64,
    /// The combined marking of its objects (stored form).
    pub marking: String,
    /// `pending`, `validated`, `rejected`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// When.
    pub decided_at: Option<OffsetDateTime>,
    /// Why.
    pub decision_note: Option<String>,
    /// What the county's form says was seen (`phishing`, …); none for a TAXII POST.
    pub kind: Option<String>,
    /// The draft intelligence note started from it.
    pub note_id: Option<Uuid>,
}

/// One object of a community report, to store.
#[derive(Debug, Clone)]
pub struct NewReportObject<'a> {
    /// STIX id.
    pub stix_id: &'a str,
    /// `modified` as written.
    pub modified: &'a str,
    /// Type.
    pub object_type: &'a str,
    /// Spec version.
    pub spec_version: &'a str,
    /// Stored marking.
    pub marking: &'a str,
    /// JSON text as received.
    pub raw: &'a str,
}

/// A TAXII status resource, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxiiStatusRow {
    /// Id.
    pub id: Uuid,
    /// The collection posted to.
    pub collection_id: String,
    /// Who posted.
    pub requested_by: Uuid,
    /// When.
    pub request_timestamp: OffsetDateTime,
    /// `pending` or `complete`.
    pub status: String,
    /// Objects posted.
    pub total_count: i64,
    /// Accepted.
    pub success_count: i64,
    /// Refused.
    pub failure_count: i64,
    /// Not yet decided.
    pub pending_count: i64,
    /// JSON array of details.
    pub successes: String,
    /// JSON array of details.
    pub failures: String,
    /// JSON array of details.
    pub pendings: String,
    /// The community report it created.
    pub report_id: Option<Uuid>,
}

fn in_list(f: &mut Filter, column: &str, values: &[String]) -> String {
    if values.is_empty() {
        return "1 = 0".to_string();
    }
    let ps: Vec<String> = values
        .iter()
        .map(|v| f.bind(Bind::Text(v.clone())))
        .collect();
    format!("{column} IN ({})", ps.join(", "))
}

impl Tx {
    /// Every distinct stored marking of indicator reports.
    pub async fn report_markings(&mut self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT DISTINCT marking FROM indicator_reports")
                .fetch_all(&mut *c)
                .await?
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Every distinct stored marking of the objects of `table`.
    pub async fn object_markings(&mut self, table: ObjectTable) -> StoreResult<Vec<String>> {
        let sql = format!("SELECT DISTINCT marking FROM {}", table.name());
        let rows: Vec<(String,)> =
            with_conn!(self, |c| sqlx::query_as(&sql).fetch_all(&mut *c).await?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Board indicators with at least one report of an allowed marking received before
    /// `before` (the watermark, [`Tx::visible_until`]), each at the time of its latest such
    /// report, in `(that time, id)` order after `after`; `ids` narrows.
    pub async fn taxii_indicators(
        &mut self,
        allowed_markings: &[String],
        after: &After<Uuid>,
        before: OffsetDateTime,
        ids: Option<&[Uuid]>,
        limit: i64,
    ) -> StoreResult<Vec<TaxiiIndicatorRow>> {
        let mut f = Filter::new();
        let allowed = in_list(&mut f, "p.marking", allowed_markings);
        f.push_raw(&allowed);
        f.push("r.received_at < {}", Bind::Time(before));
        if let Some(ids) = ids {
            if ids.is_empty() {
                f.push_raw("1 = 0");
            } else {
                let ps: Vec<String> = ids.iter().map(|id| f.bind(Bind::Uuid(*id))).collect();
                f.push_raw(&format!("i.id IN ({})", ps.join(", ")));
            }
        }
        let t = f.bind(Bind::Time(after.at));
        let having = match after.key {
            Some(k) => {
                let k = f.bind(Bind::Uuid(k));
                format!("MAX(r.received_at) > {t} OR (MAX(r.received_at) = {t} AND i.id > {k})")
            }
            None => format!("MAX(r.received_at) > {t}"),
        };
        let l = f.bind(Bind::I64(limit));
        let sql = format!(
            "SELECT i.id, i.kind, i.value, i.first_seen, MAX(r.received_at) AS modified \
             FROM indicators i JOIN indicator_reports p ON p.indicator_id = i.id \
             JOIN intake_runs r ON r.no = p.run_no{} \
             GROUP BY i.id, i.kind, i.value, i.first_seen HAVING {having} \
             ORDER BY MAX(r.received_at), i.id LIMIT {l}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// The reports of `indicators` with an allowed marking received before `before`, with
    /// when each was received.
    pub async fn taxii_report_facts(
        &mut self,
        allowed_markings: &[String],
        indicators: &[Uuid],
        before: OffsetDateTime,
    ) -> StoreResult<Vec<TaxiiReportFacts>> {
        if indicators.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::new();
        let allowed = in_list(&mut f, "p.marking", allowed_markings);
        f.push_raw(&allowed);
        f.push("r.received_at < {}", Bind::Time(before));
        let ps: Vec<String> = indicators
            .iter()
            .map(|id| f.bind(Bind::Uuid(*id)))
            .collect();
        f.push_raw(&format!("p.indicator_id IN ({})", ps.join(", ")));
        let sql = format!(
            "SELECT p.indicator_id, p.marking, p.valid_until, p.confidence, p.revoked, \
             r.received_at FROM indicator_reports p JOIN intake_runs r ON r.no = p.run_no{}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Objects of `table` with an allowed marking added before `before` (the watermark), in
    /// `(added_at, seq)` order after `after`.
    pub async fn taxii_objects(
        &mut self,
        table: ObjectTable,
        allowed_markings: &[String],
        after: &After<i64>,
        before: OffsetDateTime,
        filter: &ObjectFilter,
        limit: i64,
    ) -> StoreResult<Vec<TaxiiObjectRow>> {
        let mut f = Filter::new();
        let allowed = in_list(&mut f, "marking", allowed_markings);
        f.push_raw(&allowed);
        f.push("added_at < {}", Bind::Time(before));
        for (column, values) in [
            ("stix_id", &filter.ids),
            ("object_type", &filter.types),
            ("spec_version", &filter.spec_versions),
        ] {
            if let Some(v) = values {
                let cond = in_list(&mut f, column, v);
                f.push_raw(&cond);
            }
        }
        let t = f.bind(Bind::Time(after.at));
        match after.key {
            Some(k) => {
                let k = f.bind(Bind::I64(k));
                f.push_raw(&format!(
                    "(added_at > {t} OR (added_at = {t} AND seq > {k}))"
                ));
            }
            None => f.push_raw(&format!("added_at > {t}")),
        }
        let l = f.bind(Bind::I64(limit));
        let sql = format!(
            "SELECT seq, stix_id, modified, object_type, spec_version, added_at, marking, raw \
             FROM {}{} ORDER BY added_at, seq LIMIT {l}",
            table.name(),
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Every version with an allowed marking of the objects `ids` added before `before`
    /// (without their JSON), to tell the first and the last.
    pub async fn taxii_object_versions(
        &mut self,
        table: ObjectTable,
        allowed_markings: &[String],
        ids: &[String],
        before: OffsetDateTime,
    ) -> StoreResult<Vec<(String, String, OffsetDateTime)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::new();
        let allowed = in_list(&mut f, "marking", allowed_markings);
        f.push_raw(&allowed);
        f.push("added_at < {}", Bind::Time(before));
        let cond = in_list(&mut f, "stix_id", ids);
        f.push_raw(&cond);
        let sql = format!(
            "SELECT stix_id, modified, added_at FROM {}{}",
            table.name(),
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Stores a community report and its objects (added now, in order).
    pub async fn insert_community_report(
        &mut self,
        r: &CommunityReportRow,
        objects: &[NewReportObject<'_>],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO community_reports (id, channel, submitted_by, election_authority_id, \
                 received_at, object_count, marking, status, decided_by, decided_at, decision_note, \
                 kind, note_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(r.id)
            .bind(&r.channel)
            .bind(r.submitted_by)
            .bind(r.election_authority_id)
            .bind(utc(r.received_at))
            .bind(r.object_count)
            .bind(&r.marking)
            .bind(&r.status)
            .bind(r.decided_by)
            .bind(utc(r.decided_at))
            .bind(&r.decision_note)
            .bind(&r.kind)
            .bind(r.note_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        for o in objects {
            with_conn!(self, |c| {
                sqlx::query(
                    "INSERT INTO community_report_objects (report_id, stix_id, modified, \
                     object_type, spec_version, added_at, marking, raw) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(r.id)
                .bind(o.stix_id)
                .bind(o.modified)
                .bind(o.object_type)
                .bind(o.spec_version)
                .bind(utc(r.received_at))
                .bind(o.marking)
                .bind(o.raw)
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
        }
        Ok(())
    }

    /// Stores a status resource.
    pub async fn insert_taxii_status(&mut self, s: &TaxiiStatusRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO taxii_status (id, collection_id, requested_by, request_timestamp, \
                 status, total_count, success_count, failure_count, pending_count, successes, \
                 failures, pendings, report_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(s.id)
            .bind(&s.collection_id)
            .bind(s.requested_by)
            .bind(utc(s.request_timestamp))
            .bind(&s.status)
            .bind(s.total_count)
            .bind(s.success_count)
            .bind(s.failure_count)
            .bind(s.pending_count)
            .bind(&s.successes)
            .bind(&s.failures)
            .bind(&s.pendings)
            .bind(s.report_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// A status resource.
    pub async fn taxii_status(&mut self, id: Uuid) -> StoreResult<Option<TaxiiStatusRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, collection_id, requested_by, request_timestamp, status, total_count, \
                 success_count, failure_count, pending_count, successes, failures, pendings, \
                 report_id FROM taxii_status WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
        }))
    }
}
