//! Threat-information intake: sources, import runs, indicators with every report of them, and
//! STIX objects as received.
//!
//! Imports write in batches of many rows per statement (one round trip per batch, not per
//! row), inside the caller's single transaction: a million-indicator bundle is a few thousand
//! statements, and a failure leaves nothing behind.

use crate::utc;
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::sqlite_bulk::{Value, bulk_insert};
use crate::{StoreError, StoreResult, Tx, with_conn};

/// Rows per statement for indicators (4 values each), on PostgreSQL.
pub const INDICATOR_BATCH: usize = 1000;
/// Rows per statement for reports and STIX objects (9 values each); on SQLite only for the
/// update of changed reports and for STIX objects.
pub const REPORT_BATCH: usize = 500;

/// A source of threat information, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct SourceRow {
    /// Id.
    pub id: Uuid,
    /// Its name ("CISA AIS", "MS-ISAC feed", "upload").
    pub name: String,
    /// How information arrives from it (`stix`, `taxii`, `misp_feed`, `list`, `report`).
    pub kind: String,
    /// The marking label applied to what it sends unmarked.
    pub default_marking: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// One import run, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct RunRow {
    /// Id.
    pub id: Uuid,
    /// The source.
    pub source_id: Uuid,
    /// The source's name.
    pub source_name: String,
    /// `stix`, `misp`, `list`.
    pub format: String,
    /// The file (or feed address) read.
    pub file_name: String,
    /// SHA-256 of the bytes read, hex.
    pub sha256: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// Indicators new to the store.
    pub imported: i64,
    /// Indicators already known (from the store or earlier in the same file).
    pub duplicates: i64,
    /// STIX objects stored (new versions).
    pub objects: i64,
    /// Objects refused.
    pub rejected: i64,
    /// The refusals, as JSON (`[{"id","reason"}]`, the first 1,000).
    pub rejected_detail: String,
    /// Who ran it (none for the system).
    pub run_by: Option<Uuid>,
}

/// An indicator to insert; its id is derived from kind and value.
#[derive(Debug, Clone)]
pub struct NewIndicator<'a> {
    /// Id (UUID v5 of kind and value).
    pub id: Uuid,
    /// Kind identifier.
    pub kind: &'a str,
    /// Normalised value.
    pub value: &'a str,
}

/// One source's report of an indicator.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    /// The indicator.
    pub indicator_id: Uuid,
    /// What in the source it came from: a STIX id, a MISP attribute UUID, `line N`.
    pub reference: &'a str,
    /// The resolved marking label.
    pub marking: &'a str,
    /// The markings as received (STIX refs, MISP tags) as a JSON array.
    pub original_markings: &'a str,
    /// Until when the source says it is valid.
    pub valid_until: Option<OffsetDateTime>,
    /// The source's confidence, 0–100.
    pub confidence: Option<i64>,
    /// The source withdrew it.
    pub revoked: bool,
}

/// A STIX object to keep as received.
#[derive(Debug, Clone)]
pub struct NewStixObject<'a> {
    /// Its STIX id.
    pub stix_id: &'a str,
    /// Its `modified` (or `created`) timestamp as written; empty when it has none.
    pub modified: &'a str,
    /// Its type.
    pub object_type: &'a str,
    /// `2.0` or `2.1`.
    pub spec_version: &'a str,
    /// The resolved marking label.
    pub marking: &'a str,
    /// The object's JSON, as received.
    pub raw: &'a str,
}

/// The numbers a report names its source and run by (migration 0024).
#[derive(Debug, Clone, Copy)]
struct Numbers {
    source: i64,
    run: i64,
}

/// Where a batch of reports and objects came from and when.
#[derive(Debug, Clone, Copy)]
pub struct Provenance {
    /// The source.
    pub source_id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// The source may have reports already: it is not new, or this import repeats a
    /// reference. When false, SQLite does not look for earlier reports to update.
    pub known_source: bool,
}

/// An indicator with how many reports it has, for listings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct IndicatorListing {
    /// Id.
    pub id: Uuid,
    /// Kind identifier.
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// First received.
    pub first_seen: OffsetDateTime,
}

/// One report of an indicator, with its source's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReportRow {
    /// The indicator.
    pub indicator_id: Uuid,
    /// The source.
    pub source_id: Uuid,
    /// The source's name.
    pub source_name: String,
    /// Reference in the source.
    pub reference: String,
    /// The run that last brought it.
    pub run_id: Uuid,
    /// When last received (its run's time).
    pub received_at: OffsetDateTime,
    /// Resolved marking label.
    pub marking: String,
    /// Markings as received (JSON array).
    pub original_markings: String,
    /// Valid until.
    pub valid_until: Option<OffsetDateTime>,
    /// Confidence.
    pub confidence: Option<i64>,
    /// Withdrawn by the source.
    pub revoked: bool,
}

/// The `($1, $2, …), (…)` list for `rows` rows of `cols` values; on SQLite `(?, ?, …)`,
/// because SQLite keeps `$N` as named parameters and finds each name by a linear search when
/// values are bound, which makes a statement of thousands of values quadratic.
fn values_list(tx: &Tx, rows: usize, cols: usize) -> String {
    let anonymous = tx.backend() == crate::Backend::Sqlite;
    let mut s = String::with_capacity(rows * cols * 6);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            n += 1;
            if anonymous {
                s.push('?');
            } else {
                s.push('$');
                s.push_str(&n.to_string());
            }
        }
        s.push(')');
    }
    s
}

const RUN_COLUMNS: &str = "r.id, r.source_id, s.name AS source_name, r.format, r.file_name, \
     r.sha256, r.received_at, r.imported, r.duplicates, r.objects, r.rejected, r.rejected_detail, r.run_by";

/// The stored report differs from the one arriving, named `new`: in its marking, the markings
/// as sent, validity, confidence or withdrawal.
fn report_changed(new: &str) -> String {
    [
        "marking",
        "markings_id",
        "valid_until",
        "confidence",
        "revoked",
    ]
    .iter()
    .map(|c| format!("indicator_reports.{c} IS DISTINCT FROM {new}.{c}"))
    .collect::<Vec<_>>()
    .join(" OR ")
}

const REPORT_COLUMNS: &str = "p.indicator_id, s.id AS source_id, s.name AS source_name, p.ref AS reference, \
     r.id AS run_id, r.received_at, p.marking, m.markings AS original_markings, p.valid_until, p.confidence, p.revoked";

/// The SQLite page cache for a bulk import, in KiB (negative `cache_size` is KiB). Random
/// inserts into the indicator and report indexes of a million rows touch far more pages than
/// the default 2 MB holds; with it, each insert re-reads pages from the file.
const BULK_CACHE_KIB: i64 = 256 * 1024;

impl Tx {
    /// Prepares this transaction's connection for a bulk import (SQLite: a larger page cache);
    /// [`Tx::end_bulk`] puts it back before the connection returns to the pool.
    pub async fn begin_bulk(&mut self) -> StoreResult<()> {
        if let crate::Conn::Sqlite(c) = &mut self.conn {
            sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    /// Puts the connection's page cache back to SQLite's default and frees what the bulk
    /// import held.
    pub async fn end_bulk(&mut self) -> StoreResult<()> {
        if let crate::Conn::Sqlite(c) = &mut self.conn {
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut **c)
                .await?;
            sqlx::query("PRAGMA shrink_memory")
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    /// The source called `name`, if there is one.
    pub async fn intel_source_named(&mut self, name: &str) -> StoreResult<Option<SourceRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, name, kind, default_marking, created_at, updated_at \
                 FROM intel_sources WHERE name = $1",
            )
            .bind(name)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Every source, by name.
    pub async fn intel_sources(&mut self) -> StoreResult<Vec<SourceRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, name, kind, default_marking, created_at, updated_at \
                 FROM intel_sources ORDER BY name",
            )
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Stores a new source.
    pub async fn insert_intel_source(&mut self, s: &SourceRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO intel_sources (id, name, kind, default_marking, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.id)
            .bind(&s.name)
            .bind(&s.kind)
            .bind(&s.default_marking)
            .bind(utc(s.created_at))
            .bind(utc(s.updated_at))
            .execute(&mut *c)
            .await
            .map_err(crate::StoreError::classify)?
            .rows_affected()
        });
        Ok(())
    }

    /// Stores a run (counts may be filled in later with [`Tx::finish_intake_run`]).
    pub async fn insert_intake_run(&mut self, r: &RunRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO intake_runs (id, source_id, format, file_name, sha256, received_at, \
                 imported, duplicates, objects, rejected, rejected_detail, run_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(r.id)
            .bind(r.source_id)
            .bind(&r.format)
            .bind(&r.file_name)
            .bind(&r.sha256)
            .bind(utc(r.received_at))
            .bind(r.imported)
            .bind(r.duplicates)
            .bind(r.objects)
            .bind(r.rejected)
            .bind(&r.rejected_detail)
            .bind(r.run_by)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Records a run's counts (and the digest of what it read) once it is read.
    pub async fn finish_intake_run(&mut self, r: &RunRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE intake_runs SET imported = $2, duplicates = $3, objects = $4, \
                 rejected = $5, rejected_detail = $6, sha256 = $7 WHERE id = $1",
            )
            .bind(r.id)
            .bind(r.imported)
            .bind(r.duplicates)
            .bind(r.objects)
            .bind(r.rejected)
            .bind(&r.rejected_detail)
            .bind(&r.sha256)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The latest runs, newest first.
    pub async fn intake_runs(&mut self, limit: i64) -> StoreResult<Vec<RunRow>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM intake_runs r JOIN intel_sources s ON s.id = r.source_id \
             ORDER BY r.received_at DESC, r.id LIMIT $1"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(limit).fetch_all(&mut *c).await?
        }))
    }

    /// Inserts the indicators not yet stored; returns how many were new. An indicator already
    /// stored, or repeated in `rows`, is left as is. Any number of rows: SQLite binds them in
    /// place, 64 a prepared statement (`sqlite_bulk`), PostgreSQL sends [`INDICATOR_BATCH`]
    /// rows per statement. Rows in id order land on neighbouring index pages, which is much faster
    /// on both.
    pub async fn insert_indicators(
        &mut self,
        rows: &[NewIndicator<'_>],
        first_seen: OffsetDateTime,
    ) -> StoreResult<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        if let crate::Conn::Sqlite(c) = &mut self.conn {
            let seen = crate::utc::UtcTime(first_seen).text();
            return bulk_insert(
                c,
                "INSERT OR IGNORE INTO indicators (id, kind, value, first_seen) VALUES",
                4,
                rows.len(),
                |n, v| {
                    let i = &rows[n];
                    v.extend([
                        Value::Blob(i.id.as_bytes()),
                        Value::Text(i.kind),
                        Value::Text(i.value),
                        Value::Text(&seen),
                    ]);
                },
                |n| rows[n].value.as_bytes(),
            )
            .await;
        }
        let mut new = 0;
        for chunk in rows.chunks(INDICATOR_BATCH) {
            let sql = format!(
                "INSERT INTO indicators (id, kind, value, first_seen) VALUES {} \
                 ON CONFLICT DO NOTHING",
                values_list(self, chunk.len(), 4)
            );
            new += with_conn!(self, |c| {
                let mut q = sqlx::query(&sql);
                for i in chunk {
                    q = q
                        .bind(i.id)
                        .bind(i.kind)
                        .bind(i.value)
                        .bind(utc(first_seen));
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        Ok(new)
    }

    /// Stores indicators and one source's reports of them, in one run: the indicators not yet
    /// stored are inserted (see [`Tx::insert_indicators`]; returns how many were new), then the
    /// reports (any number, no two for the same indicator and reference).
    ///
    /// This is the only way reports are written, so that on SQLite, where the report table has
    /// no per-row foreign keys (migration 0023), every report still refers to stored rows:
    /// a report whose indicator is not among `indicators`, or a run that is not stored for the
    /// source, is refused with [`StoreError::Reference`] before anything is written.
    ///
    /// A report the source made before is updated to this run only when something in it changed
    /// (marking, markings as sent, validity, confidence, withdrawal): a feed that sends its whole
    /// list again does not make every report new today. When [`Provenance::known_source`] is
    /// false SQLite skips the search for earlier reports and only inserts, binding rows in place
    /// (`sqlite_bulk`).
    pub async fn add_indicator_reports(
        &mut self,
        indicators: &[NewIndicator<'_>],
        reports: &[NewReport<'_>],
        from: Provenance,
    ) -> StoreResult<u64> {
        if let Some(r) = unlisted_indicator(indicators, reports) {
            return Err(StoreError::Reference(format!(
                "report {:?} names indicator {}, which is not among the indicators written with it",
                r.reference, r.indicator_id
            )));
        }
        let numbers = if reports.is_empty() {
            None
        } else {
            Some(self.run_numbers(from).await?)
        };
        let new = self.insert_indicators(indicators, from.received_at).await?;
        if let Some(numbers) = numbers {
            let lists = self.marking_list_ids(reports).await?;
            self.write_reports(reports, &lists, numbers, from.known_source)
                .await?;
        }
        Ok(new)
    }

    /// The numbers reports name a source and run by (migration 0024); refuses a run that is
    /// not stored as one of the source's.
    async fn run_numbers(&mut self, from: Provenance) -> StoreResult<Numbers> {
        let found: Option<(i64, i64)> = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT s.no, r.no FROM intake_runs r JOIN intel_sources s ON s.id = r.source_id \
                 WHERE r.id = $1 AND s.id = $2",
            )
            .bind(from.run_id)
            .bind(from.source_id)
            .fetch_optional(&mut *c)
            .await?
        });
        match found {
            Some((source, run)) => Ok(Numbers { source, run }),
            None => Err(StoreError::Reference(format!(
                "intake run {} of source {} is not stored",
                from.run_id, from.source_id
            ))),
        }
    }

    /// The id in `marking_lists` of each report's markings as sent (stored if new), in the
    /// order of `reports`. Neighbouring reports nearly always share a list, so each is compared
    /// with the one before first.
    async fn marking_list_ids(&mut self, reports: &[NewReport<'_>]) -> StoreResult<Vec<i64>> {
        let mut known: HashMap<&str, i64> = HashMap::new();
        let mut ids = Vec::with_capacity(reports.len());
        let mut last: Option<(&str, i64)> = None;
        for r in reports {
            let list = r.original_markings;
            let id = match last {
                Some((text, id)) if text == list => id,
                _ => match known.get(list) {
                    Some(&id) => id,
                    None => {
                        let id = self.marking_list_id(list).await?;
                        known.insert(list, id);
                        id
                    }
                },
            };
            last = Some((list, id));
            ids.push(id);
        }
        Ok(ids)
    }

    /// The id of one list of markings as sent, stored if new.
    ///
    /// On PostgreSQL a new list is stored, committed and read back at once on a connection of
    /// its own: inserted inside the import's transaction, it would hold up every other import
    /// sending the same list until this one ended (an insert waits on a uniqueness conflict
    /// with a row not yet committed), and read inside it, a transaction that keeps one snapshot
    /// would not see it. A list whose import then rolls back stays, unused and harmless. Lists
    /// are unique by their MD5 there, as a B-tree entry cannot hold a long list of tags.
    /// SQLite has one writer at a time, which is this transaction.
    async fn marking_list_id(&mut self, list: &str) -> StoreResult<i64> {
        let select = crate::dialect(
            self,
            "SELECT id FROM marking_lists WHERE markings = $1",
            "SELECT id FROM marking_lists WHERE md5(markings) = md5($1) AND markings = $1",
        );
        let insert = crate::dialect(
            self,
            "INSERT INTO marking_lists (markings) VALUES ($1) ON CONFLICT (markings) DO NOTHING",
            "INSERT INTO marking_lists (markings) VALUES ($1) ON CONFLICT ((md5(markings))) DO NOTHING",
        );
        let known: Option<i64> = with_conn!(self, |c| {
            sqlx::query_scalar(select)
                .bind(list)
                .fetch_optional(&mut *c)
                .await?
        });
        if let Some(id) = known {
            return Ok(id);
        }
        if let (crate::Conn::Postgres(_), Some(pool)) = (&self.conn, self.autonomous.clone()) {
            sqlx::query(insert).bind(list).execute(&pool).await?;
            return Ok(sqlx::query_scalar(select)
                .bind(list)
                .fetch_one(&pool)
                .await?);
        }
        Ok(with_conn!(self, |c| {
            sqlx::query(insert).bind(list).execute(&mut *c).await?;
            sqlx::query_scalar(select)
                .bind(list)
                .fetch_one(&mut *c)
                .await?
        }))
    }

    /// Writes `rows`, whose markings as sent are `lists` (by position); see
    /// [`Tx::add_indicator_reports`].
    async fn write_reports(
        &mut self,
        rows: &[NewReport<'_>],
        lists: &[i64],
        from: Numbers,
        known_source: bool,
    ) -> StoreResult<()> {
        if self.backend() == crate::Backend::Sqlite {
            // Neither statement can stop half-way (`OR IGNORE`, and the table has no foreign
            // keys), so SQLite keeps no statement journal for them: first the changed reports
            // the source made before, then the new ones.
            if known_source {
                for (chunk, ids) in rows.chunks(REPORT_BATCH).zip(lists.chunks(REPORT_BATCH)) {
                    self.update_changed_reports(chunk, ids, from).await?;
                }
            }
            let crate::Conn::Sqlite(c) = &mut self.conn else {
                unreachable!("the backend was checked above");
            };
            let Numbers { source, run } = from;
            let until: Vec<Option<String>> = rows
                .iter()
                .map(|r| r.valid_until.map(|t| crate::utc::UtcTime(t).text()))
                .collect();
            bulk_insert(
                c,
                "INSERT OR IGNORE INTO indicator_reports (indicator_id, source_no, ref, run_no, \
                 marking, markings_id, valid_until, confidence, revoked) VALUES",
                9,
                rows.len(),
                |n, v| {
                    let r = &rows[n];
                    v.extend([
                        Value::Blob(r.indicator_id.as_bytes()),
                        Value::Int(source),
                        Value::Text(r.reference),
                        Value::Int(run),
                        Value::Text(r.marking),
                        Value::Int(lists[n]),
                        until[n].as_deref().map_or(Value::Null, Value::Text),
                        r.confidence.map_or(Value::Null, Value::Int),
                        Value::Int(i64::from(r.revoked)),
                    ]);
                },
                |n| rows[n].reference.as_bytes(),
            )
            .await?;
            return Ok(());
        }
        for (chunk, ids) in rows.chunks(REPORT_BATCH).zip(lists.chunks(REPORT_BATCH)) {
            let sql = format!(
                "INSERT INTO indicator_reports (indicator_id, source_no, ref, run_no, \
                 marking, markings_id, valid_until, confidence, revoked) VALUES {} \
                 ON CONFLICT (indicator_id, source_no, ref) DO UPDATE SET run_no = excluded.run_no, \
                 marking = excluded.marking, \
                 markings_id = excluded.markings_id, valid_until = excluded.valid_until, \
                 confidence = excluded.confidence, revoked = excluded.revoked \
                 WHERE {}",
                values_list(self, chunk.len(), 9),
                report_changed("excluded")
            );
            self.bind_reports(&sql, chunk, ids, from).await?;
        }
        Ok(())
    }

    /// SQLite: brings the reports in `batch` that the source made before up to this run, where
    /// something in them changed.
    async fn update_changed_reports(
        &mut self,
        batch: &[NewReport<'_>],
        lists: &[i64],
        from: Numbers,
    ) -> StoreResult<()> {
        let sql = format!(
            "UPDATE OR IGNORE indicator_reports SET run_no = v.run_no, marking = v.marking, \
             markings_id = v.markings_id, valid_until = v.valid_until, \
             confidence = v.confidence, revoked = v.revoked \
             FROM (SELECT column1 AS indicator_id, column2 AS source_no, column3 AS ref, \
             column4 AS run_no, column5 AS marking, column6 AS markings_id, \
             column7 AS valid_until, column8 AS confidence, column9 AS revoked \
             FROM (VALUES {})) AS v \
             WHERE indicator_reports.indicator_id = v.indicator_id \
             AND indicator_reports.source_no = v.source_no AND indicator_reports.ref = v.ref \
             AND ({})",
            values_list(self, batch.len(), 9),
            report_changed("v")
        );
        self.bind_reports(&sql, batch, lists, from).await
    }

    /// Runs `sql` with the nine values of each report in `batch`.
    async fn bind_reports(
        &mut self,
        sql: &str,
        batch: &[NewReport<'_>],
        lists: &[i64],
        from: Numbers,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            let mut q = sqlx::query(sql);
            for (r, list) in batch.iter().zip(lists) {
                q = q
                    .bind(r.indicator_id)
                    .bind(from.source)
                    .bind(r.reference)
                    .bind(from.run)
                    .bind(r.marking)
                    .bind(*list)
                    .bind(utc(r.valid_until))
                    .bind(r.confidence)
                    .bind(r.revoked);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
        Ok(())
    }

    /// Keeps STIX objects as received (at most [`REPORT_BATCH`] per call); a version (id and
    /// `modified`) already kept is left as is. Returns how many were new.
    pub async fn insert_stix_objects(
        &mut self,
        batch: &[NewStixObject<'_>],
        from: Provenance,
    ) -> StoreResult<u64> {
        if batch.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "INSERT INTO stix_objects (stix_id, modified, object_type, spec_version, source_id, \
             run_id, added_at, marking, raw) VALUES {} ON CONFLICT DO NOTHING",
            values_list(self, batch.len(), 9)
        );
        Ok(with_conn!(self, |c| {
            let mut q = sqlx::query(&sql);
            for o in batch {
                q = q
                    .bind(o.stix_id)
                    .bind(o.modified)
                    .bind(o.object_type)
                    .bind(o.spec_version)
                    .bind(from.source_id)
                    .bind(from.run_id)
                    .bind(utc(from.received_at))
                    .bind(o.marking)
                    .bind(o.raw);
            }
            q.execute(&mut *c).await?.rows_affected()
        }))
    }

    /// Indicators, newest first; `kind` and a value prefix narrow the list.
    pub async fn indicators_page(
        &mut self,
        kind: Option<&str>,
        value_prefix: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<IndicatorListing>> {
        let mut f = crate::binds::Filter::new();
        if let Some(k) = kind {
            f.push("kind = {}", crate::Bind::Text(k.to_string()));
        }
        if let Some(p) = value_prefix {
            let escaped = p
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            f.push(
                "value LIKE {} ESCAPE '\\'",
                crate::Bind::Text(format!("{escaped}%")),
            );
        }
        let l = f.bind(crate::Bind::I64(limit));
        let o = f.bind(crate::Bind::I64(offset));
        let sql = format!(
            "SELECT id, kind, value, first_seen FROM indicators{} \
             ORDER BY first_seen DESC, kind, value LIMIT {l} OFFSET {o}",
            f.where_clause()
        );
        Ok(with_conn!(self, |c| {
            crate::bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// The reports of the given indicators, oldest first.
    pub async fn reports_of(&mut self, indicators: &[Uuid]) -> StoreResult<Vec<ReportRow>> {
        if indicators.is_empty() {
            return Ok(Vec::new());
        }
        let list = (1..=indicators.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM indicator_reports p JOIN intel_sources s ON s.no = p.source_no \
             JOIN intake_runs r ON r.no = p.run_no JOIN marking_lists m ON m.id = p.markings_id \
             WHERE p.indicator_id IN ({list}) ORDER BY r.received_at, s.name, p.ref"
        );
        Ok(with_conn!(self, |c| {
            let mut q = sqlx::query_as(&sql);
            for id in indicators {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        }))
    }

    /// How many indicators, reports and STIX objects are stored.
    pub async fn intake_counts(&mut self) -> StoreResult<(i64, i64, i64)> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM indicators), (SELECT COUNT(*) FROM indicator_reports), \
                 (SELECT COUNT(*) FROM stix_objects)",
            )
            .fetch_one(&mut *c)
            .await?
        }))
    }
}

/// The first report whose indicator is not among `indicators`. Both lists usually come in id
/// order (an import writes in key order), so one walk through both settles most reports; the
/// rest are looked up in the ids, sorted.
fn unlisted_indicator<'r, 'a>(
    indicators: &[NewIndicator<'_>],
    reports: &'r [NewReport<'a>],
) -> Option<&'r NewReport<'a>> {
    if reports.is_empty() {
        return None;
    }
    let mut ids: Vec<Uuid> = indicators.iter().map(|i| i.id).collect();
    if !ids.is_sorted() {
        ids.sort_unstable();
    }
    let mut at = 0;
    reports.iter().find(|r| {
        while at < ids.len() && ids[at] < r.indicator_id {
            at += 1;
        }
        let listed = (at < ids.len() && ids[at] == r.indicator_id)
            || ids.binary_search(&r.indicator_id).is_ok();
        !listed
    })
}
