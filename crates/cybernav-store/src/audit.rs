//! Appending to and reading the hash-chained audit log.

use crate::utc;
use cybernav_core::audit::{AuditEvent, AuditRecord, record_hash};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::binds::Filter;
use crate::{Bind, StoreError, StoreResult, Tx, bind_all, with_conn};

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    id: Uuid,
    occurred_at: OffsetDateTime,
    actor_id: Option<Uuid>,
    actor_label: String,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    ip: Option<String>,
    changes: String,
    prev_hash: String,
    hash: String,
}

impl AuditRow {
    fn into_record(self) -> StoreResult<AuditRecord> {
        let changes = serde_json::from_str(&self.changes)
            .map_err(|e| crate::rows::corrupt("audit_log", self.id, "changes", e))?;
        Ok(AuditRecord {
            seq: self.seq,
            id: self.id,
            occurred_at: self.occurred_at,
            event: AuditEvent {
                actor_id: self.actor_id,
                actor_label: self.actor_label,
                action: self.action,
                entity_type: self.entity_type,
                entity_id: self.entity_id,
                ip: self.ip,
                changes,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// Filters for browsing the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Actor e-mail contains.
    pub actor: Option<String>,
    /// Action starts with (e.g. `election_authority.`).
    pub action: Option<String>,
    /// Entity type equals.
    pub entity_type: Option<String>,
    /// Entity id equals.
    pub entity_id: Option<String>,
    /// At or after.
    pub from: Option<OffsetDateTime>,
    /// Before.
    pub until: Option<OffsetDateTime>,
    /// Page from 1.
    pub page: i64,
    /// Rows a page.
    pub per_page: i64,
}

const COLUMNS: &str = "seq, id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, ip, changes, prev_hash, hash";

impl Tx {
    /// Appends an event to the chain, in this transaction. The head row's update takes a row
    /// lock (PostgreSQL) or happens under the write lock (SQLite), so concurrent appends
    /// queue and the chain stays linear.
    pub async fn append_audit(
        &mut self,
        event: &AuditEvent,
        now: OffsetDateTime,
    ) -> StoreResult<AuditRecord> {
        let (seq, prev_hash): (i64, String) = with_conn!(self, |c| {
            sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *c)
                .await?
        });
        let id = Uuid::new_v4();
        let hash = record_hash(seq, id, now, event, &prev_hash);
        let changes = event.changes.to_string();
        with_conn!(self, |c| {
            sqlx::query(&format!(
                "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .bind(seq)
            .bind(id)
            .bind(utc(now))
            .bind(event.actor_id)
            .bind(&event.actor_label)
            .bind(&event.action)
            .bind(&event.entity_type)
            .bind(&event.entity_id)
            .bind(&event.ip)
            .bind(&changes)
            .bind(&prev_hash)
            .bind(&hash)
            .execute(&mut *c)
            .await?;
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                .bind(&hash)
                .execute(&mut *c)
                .await?;
        });
        Ok(AuditRecord {
            seq,
            id,
            occurred_at: now,
            event: event.clone(),
            prev_hash,
            hash,
        })
    }

    /// A page of audit records, newest first, and the total matching.
    pub async fn list_audit(&mut self, q: &AuditQuery) -> StoreResult<(Vec<AuditRecord>, i64)> {
        let mut f = Filter::new();
        if let Some(a) = q.actor.as_deref().filter(|s| !s.is_empty()) {
            f.push(
                "lower(actor_label) LIKE {}",
                Bind::Text(format!("%{}%", a.to_lowercase())),
            );
        }
        if let Some(a) = q.action.as_deref().filter(|s| !s.is_empty()) {
            f.push("action LIKE {}", Bind::Text(format!("{a}%")));
        }
        if let Some(t) = q.entity_type.as_deref().filter(|s| !s.is_empty()) {
            f.push("entity_type = {}", Bind::Text(t.to_string()));
        }
        if let Some(t) = q.entity_id.as_deref().filter(|s| !s.is_empty()) {
            f.push("entity_id = {}", Bind::Text(t.to_string()));
        }
        if let Some(t) = q.from {
            f.push("occurred_at >= {}", Bind::Time(t));
        }
        if let Some(t) = q.until {
            f.push("occurred_at < {}", Bind::Time(t));
        }
        let per_page = q.per_page.clamp(1, 500);
        let offset = (q.page.max(1) - 1) * per_page;
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log{} ORDER BY seq DESC LIMIT {per_page} OFFSET {offset}",
            f.where_clause()
        );
        let count_sql = format!("SELECT COUNT(*) FROM audit_log{}", f.where_clause());
        let (rows, total): (Vec<AuditRow>, i64) = with_conn!(self, |c| {
            let rows = bind_all!(sqlx::query_as::<_, AuditRow>(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?;
            let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), f.binds.clone())
                .fetch_one(&mut *c)
                .await?;
            (rows, total)
        });
        let records = rows
            .into_iter()
            .map(AuditRow::into_record)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((records, total))
    }

    /// Audit records with `seq` greater than `after`, oldest first, at most `limit` (for
    /// verifying the chain in batches).
    pub async fn audit_batch(&mut self, after: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<AuditRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(after)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?
        });
        rows.into_iter().map(AuditRow::into_record).collect()
    }

    /// The chain head: `(seq, hash)` of the last record.
    pub async fn audit_head(&mut self) -> StoreResult<(i64, String)> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *c)
                .await?
        }))
    }

    /// Test helper and forensic tool: overwrites a record's `changes` without re-hashing.
    /// Only tests call it, to prove that `audit verify` notices.
    #[doc(hidden)]
    pub async fn tamper_audit_changes(&mut self, seq: i64, changes: &str) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query("UPDATE audit_log SET changes = $2 WHERE seq = $1")
                .bind(seq)
                .bind(changes)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}
