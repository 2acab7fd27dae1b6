//! Findings (Part 213.40): the findings of each authority, their history, the CISA KEV
//! catalog and the runs of scan and catalog imports. Evidence of a fix is filed with the
//! checklist's evidence files, under the subject `finding:<id>`.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// Serialises dates as `YYYY-MM-DD` for the API and exports.
pub mod day {
    use serde::Serializer;
    use time::Date;

    /// A date.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// An optional date.
    pub mod option {
        use serde::Serializer;
        use time::Date;

        /// An optional date.
        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }
    }
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct FindingRow {
    /// Id.
    pub id: Uuid,
    /// The authority it belongs to.
    pub election_authority_id: Uuid,
    /// `cybernav_core::finding::Source`.
    pub source: String,
    /// `cybernav_core::finding::Severity`.
    pub severity: String,
    /// Title.
    pub title: String,
    /// Description (FOUO).
    pub description: String,
    /// What to do about it.
    pub recommendation: Option<String>,
    /// Host (IP address or name).
    pub host: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// Protocol.
    pub protocol: Option<String>,
    /// CVE id.
    pub cve: Option<String>,
    /// Scanner plugin id (for matching re-imports).
    pub plugin_id: Option<String>,
    /// `cybernav_core::finding::Owner`.
    pub owner: String,
    /// `cybernav_core::finding::Status`.
    pub status: String,
    /// When it was identified.
    #[serde(serialize_with = "day::serialize")]
    pub identified_on: Date,
    /// Due by the remediation window.
    #[serde(serialize_with = "day::option::serialize")]
    pub target_date: Option<Date>,
    /// On CISA's KEV list.
    pub kev: bool,
    /// KEV's due date.
    #[serde(serialize_with = "day::option::serialize")]
    pub kev_due_date: Option<Date>,
    /// Known to be used in ransomware campaigns.
    pub ransomware: bool,
    /// Who accepted the risk.
    pub risk_approver: Option<String>,
    /// Until when.
    #[serde(serialize_with = "day::option::serialize")]
    pub risk_expires_on: Option<Date>,
    /// The assessment it was raised from (another part of the program; not a foreign key).
    pub assessment_id: Option<Uuid>,
    /// The catalog item of that assessment.
    pub catalog_item_id: Option<String>,
    /// For scan findings: when the scanner last saw it.
    #[serde(serialize_with = "day::option::serialize")]
    pub latest_detection: Option<Date>,
    /// When it was mitigated, verified or accepted.
    #[serde(serialize_with = "day::option::serialize")]
    pub closed_on: Option<Date>,
    /// Who recorded it.
    pub created_by: Option<Uuid>,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// One entry of a finding's history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct HistoryRow {
    /// Id.
    pub id: Uuid,
    /// The finding.
    pub finding_id: Uuid,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (account).
    pub actor_id: Option<Uuid>,
    /// Who (e-mail, or `system`).
    pub actor_label: String,
    /// `created`, `status`, `comment`, `update`, `scan`, `kev`, `evidence`.
    pub kind: String,
    /// Status before.
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: Option<String>,
    /// Why, or the comment.
    pub note: Option<String>,
}

/// One KEV catalog entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct KevRow {
    /// CVE id.
    pub cve_id: String,
    /// Vendor.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// Name.
    pub vulnerability_name: String,
    /// Added.
    #[serde(serialize_with = "day::serialize")]
    pub date_added: Date,
    /// Description.
    pub short_description: String,
    /// Required action.
    pub required_action: String,
    /// Due.
    #[serde(serialize_with = "day::serialize")]
    pub due_date: Date,
    /// Ransomware.
    pub known_ransomware: bool,
    /// Notes.
    pub notes: String,
    /// CWE ids, comma-separated.
    pub cwes: String,
    /// The catalog version it came from.
    pub catalog_version: String,
}

/// One import run.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ScanImportRow {
    /// Id.
    pub id: Uuid,
    /// `cyhy_findings`, `cyhy_mitigated`, `cyhy_risky_services`, `kev`.
    pub kind: String,
    /// The authority (CyHy).
    pub election_authority_id: Option<Uuid>,
    /// The file's name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Who.
    pub imported_by: Option<Uuid>,
    /// Who (e-mail or `system`).
    pub imported_by_label: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
    /// Rows read.
    pub rows_read: i32,
    /// Findings created.
    pub created: i32,
    /// Findings updated.
    pub updated: i32,
    /// Findings closed.
    pub closed: i32,
    /// Rows that changed nothing.
    pub unchanged: i32,
    /// KEV: the catalog version.
    pub catalog_version: Option<String>,
}

const FINDING_COLUMNS: &str = "id, election_authority_id, source, severity, title, description, recommendation, host, port, protocol, cve, plugin_id, owner, status, identified_on, target_date, kev, kev_due_date, ransomware, risk_approver, risk_expires_on, assessment_id, catalog_item_id, latest_detection, closed_on, created_by, created_at, updated_at";
const HISTORY_COLUMNS: &str =
    "id, finding_id, at, actor_id, actor_label, kind, from_status, to_status, note";
const KEV_COLUMNS: &str = "cve_id, vendor_project, product, vulnerability_name, date_added, short_description, required_action, due_date, known_ransomware, notes, cwes, catalog_version";
const IMPORT_COLUMNS: &str = "id, kind, election_authority_id, file_name, sha256, imported_by, imported_by_label, imported_at, rows_read, created, updated, closed, unchanged, catalog_version";

macro_rules! bind_finding {
    ($q:expr, $r:expr) => {
        $q.bind($r.id)
            .bind($r.election_authority_id)
            .bind(&$r.source)
            .bind(&$r.severity)
            .bind(&$r.title)
            .bind(&$r.description)
            .bind(&$r.recommendation)
            .bind(&$r.host)
            .bind($r.port)
            .bind(&$r.protocol)
            .bind(&$r.cve)
            .bind(&$r.plugin_id)
            .bind(&$r.owner)
            .bind(&$r.status)
            .bind($r.identified_on)
            .bind($r.target_date)
            .bind($r.kev)
            .bind($r.kev_due_date)
            .bind($r.ransomware)
            .bind(&$r.risk_approver)
            .bind($r.risk_expires_on)
            .bind($r.assessment_id)
            .bind(&$r.catalog_item_id)
            .bind($r.latest_detection)
            .bind($r.closed_on)
            .bind($r.created_by)
            .bind($crate::utc($r.created_at))
            .bind($crate::utc($r.updated_at))
    };
}

impl Tx {
    /// Stores a new finding.
    pub async fn insert_finding(&mut self, row: &FindingRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO findings ({FINDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)"
        );
        with_conn!(self, |c| {
            bind_finding!(sqlx::query(&sql), row)
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Replaces a finding's fields (not its authority, creator or creation time).
    pub async fn update_finding(&mut self, row: &FindingRow) -> StoreResult<()> {
        let sql = "UPDATE findings SET source = $2, severity = $3, title = $4, description = $5, recommendation = $6, host = $7, port = $8, protocol = $9, cve = $10, plugin_id = $11, owner = $12, status = $13, identified_on = $14, target_date = $15, kev = $16, kev_due_date = $17, ransomware = $18, risk_approver = $19, risk_expires_on = $20, assessment_id = $21, catalog_item_id = $22, latest_detection = $23, closed_on = $24, updated_at = $25 WHERE id = $1";
        let done = with_conn!(self, |c| {
            sqlx::query(sql)
                .bind(row.id)
                .bind(&row.source)
                .bind(&row.severity)
                .bind(&row.title)
                .bind(&row.description)
                .bind(&row.recommendation)
                .bind(&row.host)
                .bind(row.port)
                .bind(&row.protocol)
                .bind(&row.cve)
                .bind(&row.plugin_id)
                .bind(&row.owner)
                .bind(&row.status)
                .bind(row.identified_on)
                .bind(row.target_date)
                .bind(row.kev)
                .bind(row.kev_due_date)
                .bind(row.ransomware)
                .bind(&row.risk_approver)
                .bind(row.risk_expires_on)
                .bind(row.assessment_id)
                .bind(&row.catalog_item_id)
                .bind(row.latest_detection)
                .bind(row.closed_on)
                .bind(utc(row.updated_at))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One finding.
    pub async fn get_finding(&mut self, id: Uuid) -> StoreResult<FindingRow> {
        let sql = format!("SELECT {FINDING_COLUMNS} FROM findings WHERE id = $1");
        let row: Option<FindingRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The findings of one authority, or (`None`) of every authority; by authority, then
    /// severity and identification as stored (the caller sorts for display).
    pub async fn list_findings(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<FindingRow>> {
        let sql = match ea {
            Some(_) => format!(
                "SELECT {FINDING_COLUMNS} FROM findings WHERE election_authority_id = $1 ORDER BY identified_on DESC, title"
            ),
            None => format!(
                "SELECT {FINDING_COLUMNS} FROM findings ORDER BY election_authority_id, identified_on DESC, title"
            ),
        };
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Findings whose CVE is one of the catalog's (every authority).
    pub async fn list_findings_with_cve(&mut self) -> StoreResult<Vec<FindingRow>> {
        let sql =
            format!("SELECT {FINDING_COLUMNS} FROM findings WHERE cve IS NOT NULL ORDER BY id");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// Appends to a finding's history.
    pub async fn insert_finding_history(&mut self, h: &HistoryRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO finding_history ({HISTORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(h.id)
                .bind(h.finding_id)
                .bind(utc(h.at))
                .bind(h.actor_id)
                .bind(&h.actor_label)
                .bind(&h.kind)
                .bind(&h.from_status)
                .bind(&h.to_status)
                .bind(&h.note)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// A finding's history, oldest first.
    pub async fn list_finding_history(&mut self, finding: Uuid) -> StoreResult<Vec<HistoryRow>> {
        let sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM finding_history WHERE finding_id = $1 ORDER BY at, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(finding)
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Replaces the stored KEV catalog with `rows`.
    pub async fn replace_kev(&mut self, rows: &[KevRow]) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO kev_catalog ({KEV_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM kev_catalog")
                .execute(&mut *c)
                .await?;
            for r in rows {
                sqlx::query(&sql)
                    .bind(&r.cve_id)
                    .bind(&r.vendor_project)
                    .bind(&r.product)
                    .bind(&r.vulnerability_name)
                    .bind(r.date_added)
                    .bind(&r.short_description)
                    .bind(&r.required_action)
                    .bind(r.due_date)
                    .bind(r.known_ransomware)
                    .bind(&r.notes)
                    .bind(&r.cwes)
                    .bind(&r.catalog_version)
                    .execute(&mut *c)
                    .await
                    .map_err(StoreError::classify)?;
            }
        });
        Ok(())
    }

    /// The stored KEV catalog.
    pub async fn list_kev(&mut self) -> StoreResult<Vec<KevRow>> {
        let sql = format!("SELECT {KEV_COLUMNS} FROM kev_catalog ORDER BY cve_id");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// One KEV entry.
    pub async fn get_kev(&mut self, cve: &str) -> StoreResult<Option<KevRow>> {
        let sql = format!("SELECT {KEV_COLUMNS} FROM kev_catalog WHERE cve_id = $1");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(cve)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Records an import run.
    pub async fn insert_scan_import(&mut self, r: &ScanImportRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO scan_imports ({IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(r.id)
                .bind(&r.kind)
                .bind(r.election_authority_id)
                .bind(&r.file_name)
                .bind(&r.sha256)
                .bind(r.imported_by)
                .bind(&r.imported_by_label)
                .bind(utc(r.imported_at))
                .bind(r.rows_read)
                .bind(r.created)
                .bind(r.updated)
                .bind(r.closed)
                .bind(r.unchanged)
                .bind(&r.catalog_version)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Import runs: of one authority (CyHy), or (`None`) every run; newest first.
    pub async fn list_scan_imports(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<ScanImportRow>> {
        let sql = match ea {
            Some(_) => format!(
                "SELECT {IMPORT_COLUMNS} FROM scan_imports WHERE election_authority_id = $1 ORDER BY imported_at DESC"
            ),
            None => format!("SELECT {IMPORT_COLUMNS} FROM scan_imports ORDER BY imported_at DESC"),
        };
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }
}
