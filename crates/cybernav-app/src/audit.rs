//! Writing audit records from use cases, browsing them, and verifying the chain.

use cybernav_core::FieldErrors;
use cybernav_core::audit::{AuditEvent, AuditRecord, ChainVerifier};
use cybernav_core::authz::{Actor, AuditReader};
use cybernav_store::audit::AuditQuery;
use cybernav_store::{Store, Tx};
use serde::Deserialize;
use serde_json::Value;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::{AppResult, RequestMeta};

/// Appends an audit record for a change `actor` made, inside the change's transaction.
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    action: &str,
    entity_type: &str,
    entity_id: Option<String>,
    changes: Value,
    now: OffsetDateTime,
) -> AppResult<()> {
    let event = AuditEvent {
        actor_id: actor.account_id(),
        actor_label: actor.email.clone(),
        action: action.to_string(),
        entity_type: entity_type.to_string(),
        entity_id,
        ip: meta.ip.clone(),
        changes,
    };
    tx.append_audit(&event, now).await?;
    Ok(())
}

/// The audit record of one change to one entity, built where the change is made and written
/// with [`Entry::record`] (inside a transaction that goes on) or [`Entry::commit`] (as the
/// transaction's last step).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// What was done, e.g. `contact.update`.
    action: &'a str,
    /// The kind of entity, e.g. `contact`.
    entity_type: &'a str,
    /// The entity's id.
    entity_id: String,
    /// What changed, field by field; `{}` when nothing is worth saying.
    changes: Value,
}

impl<'a> Entry<'a> {
    /// A record of `action` on the `entity_type` whose id is `entity_id`, with no changes.
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        Entry {
            action,
            entity_type,
            entity_id: entity_id.to_string(),
            changes: Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets what changed (`{"field": {"from": …, "to": …}}` or any JSON object).
    pub fn changes(mut self, changes: Value) -> Self {
        self.changes = changes;
        self
    }

    /// Appends the record for a change `actor` made, inside the change's transaction.
    pub async fn record(
        self,
        tx: &mut Tx,
        actor: &Actor,
        meta: &RequestMeta,
        now: OffsetDateTime,
    ) -> AppResult<()> {
        record(
            tx,
            actor,
            meta,
            self.action,
            self.entity_type,
            Some(self.entity_id),
            self.changes,
            now,
        )
        .await
    }

    /// Appends the record, then commits the change's transaction.
    pub async fn commit(
        self,
        mut tx: Tx,
        actor: &Actor,
        meta: &RequestMeta,
        now: OffsetDateTime,
    ) -> AppResult<()> {
        self.record(&mut tx, actor, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Audit records shown on one page of the log.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// Filters for browsing the audit log, as typed into the filter form or the API's query
/// string. Dates are whole days in UTC, the clock the log records: `from` counts from the
/// start of its day, `until` up to the end of its day.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditListRequest {
    /// Actor e-mail contains.
    pub actor: Option<String>,
    /// Action starts with.
    pub action: Option<String>,
    /// Entity type equals.
    pub entity_type: Option<String>,
    /// Entity id equals.
    pub entity_id: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub until: Option<String>,
    /// Page from 1.
    pub page: Option<i64>,
}

fn parse_day(field: &str, raw: Option<&str>, errors: &mut FieldErrors) -> Option<Date> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let format = format_description!("[year]-[month]-[day]");
    match Date::parse(raw, &format) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                field,
                format!("'{raw}' is not a date; use the form YYYY-MM-DD, e.g. 2026-03-17"),
            );
            None
        }
    }
}

fn trimmed(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl AuditListRequest {
    /// The store query for this request, or every problem with the filters.
    pub fn to_query(&self) -> Result<AuditQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = parse_day("from", self.from.as_deref(), &mut errors);
        let until = parse_day("until", self.until.as_deref(), &mut errors);
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.add("until", "must be on or after the first day");
        }
        let midnight = |d: Date| PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc();
        errors.into_result(|| AuditQuery {
            actor: trimmed(self.actor.as_ref()),
            action: trimmed(self.action.as_ref()),
            entity_type: trimmed(self.entity_type.as_ref()),
            entity_id: trimmed(self.entity_id.as_ref()),
            from: from.map(midnight),
            until: until.and_then(|d| d.next_day()).map(midnight),
            page: self.page.unwrap_or(1).max(1),
            per_page: AUDIT_PAGE_SIZE,
        })
    }
}

/// A page of the audit log.
pub async fn list_audit(
    store: &Store,
    _cap: &AuditReader<'_>,
    q: &AuditQuery,
) -> AppResult<(Vec<AuditRecord>, i64)> {
    let mut tx = store.read().await?;
    Ok(tx.list_audit(q).await?)
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every record links and hashes correctly; the number of records.
    Intact(i64),
    /// The first record that does not hold, and why.
    Broken {
        /// Its sequence number.
        seq: i64,
        /// What is wrong.
        reason: String,
    },
}

/// Verifies the whole chain in batches, and that the head row agrees with the last record
/// (so records cut from the end are noticed too). `progress` gets (records checked, total).
pub async fn verify_chain(
    store: &Store,
    mut progress: impl FnMut(i64, i64),
) -> AppResult<ChainCheck> {
    let mut tx = store.read().await?;
    let (head_seq, head_hash) = tx.audit_head().await?;
    let mut verifier = ChainVerifier::new();
    loop {
        let batch = tx.audit_batch(verifier.checked(), 5000).await?;
        if batch.is_empty() {
            break;
        }
        for r in &batch {
            if let Err((seq, reason)) = verifier.check(r) {
                return Ok(ChainCheck::Broken { seq, reason });
            }
        }
        progress(verifier.checked(), head_seq);
    }
    let last = verifier.checked();
    if last != head_seq || verifier.last_hash() != head_hash {
        return Ok(ChainCheck::Broken {
            seq: last + 1,
            reason: format!(
                "the chain ends at record {last} but its head says {head_seq}: records were removed from the end"
            ),
        });
    }
    Ok(ChainCheck::Intact(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn days_cover_whole_utc_days() {
        let q = AuditListRequest {
            from: Some("2026-03-01".into()),
            until: Some(" 2026-03-02 ".into()),
            actor: Some("  ".into()),
            action: Some(" user. ".into()),
            page: Some(0),
            ..Default::default()
        }
        .to_query()
        .unwrap();
        assert_eq!(q.from, Some(datetime!(2026-03-01 0:00 UTC)));
        assert_eq!(
            q.until,
            Some(datetime!(2026-03-03 0:00 UTC)),
            "until includes its whole day"
        );
        assert_eq!(q.actor, None, "blank filters are no filters");
        assert_eq!(q.action.as_deref(), Some("user."));
        assert_eq!((q.page, q.per_page), (1, AUDIT_PAGE_SIZE));
    }

    #[test]
    fn bad_dates_are_named() {
        let e = AuditListRequest {
            from: Some("03/01/2026".into()),
            until: Some("2026-02-30".into()),
            ..Default::default()
        }
        .to_query()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["from", "until"]);
        let e = AuditListRequest {
            from: Some("2026-03-02".into()),
            until: Some("2026-03-01".into()),
            ..Default::default()
        }
        .to_query()
        .unwrap_err();
        assert_eq!(e.0[0].field, "until");
    }
}
