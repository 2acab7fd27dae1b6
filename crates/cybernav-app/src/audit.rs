//! Writing audit records from use cases, browsing them, and verifying the chain.

use cybernav_core::audit::{AuditEvent, AuditRecord, ChainVerifier};
use cybernav_core::authz::{Actor, AuditReader};
use cybernav_store::audit::AuditQuery;
use cybernav_store::{Store, Tx};
use serde_json::Value;
use time::OffsetDateTime;

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
        actor_id: (!actor.user_id.is_nil()).then_some(actor.user_id),
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
