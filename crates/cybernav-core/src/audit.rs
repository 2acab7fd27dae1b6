//! The audit chain: every change is recorded, and each record's hash covers the one before it,
//! so a changed, removed or reordered record is detected by `cybernav audit verify`.

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Field names whose values never enter an audit record (secrets and their hashes).
const SECRET_FIELDS: &[&str] = &[
    "password",
    "password_hash",
    "token",
    "token_hash",
    "totp_secret",
    "secret",
    "recovery_codes",
    "code_hash",
];

/// What a new audit record says, before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Who acted (`None` for the system).
    pub actor_id: Option<Uuid>,
    /// Their e-mail at the time, or `system`.
    pub actor_label: String,
    /// What was done, as `noun.verb`, e.g. `election_authority.update`.
    pub action: String,
    /// The kind of thing changed, e.g. `election_authority`.
    pub entity_type: String,
    /// Which one.
    pub entity_id: Option<String>,
    /// The client address, when the change came from a request.
    pub ip: Option<String>,
    /// The fields that changed, as `{"field": {"from": …, "to": …}}`.
    pub changes: Value,
}

/// An audit record as stored, in its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Record id.
    pub id: Uuid,
    /// When it happened (UTC, microsecond precision so both databases keep it exactly).
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

/// Truncates an instant to whole microseconds in UTC, the precision both databases store.
pub fn to_storage_precision(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    t.replace_nanosecond(micros * 1000).unwrap_or(t)
}

/// The hash of a record: SHA-256 over a canonical JSON array of every field and the previous
/// hash. `serde_json` without `preserve_order` sorts object keys, so `changes` is canonical.
pub fn record_hash(
    seq: i64,
    id: Uuid,
    occurred_at: OffsetDateTime,
    event: &AuditEvent,
    prev_hash: &str,
) -> String {
    let when = to_storage_precision(occurred_at)
        .format(&Rfc3339)
        .unwrap_or_default();
    let canonical = Value::Array(vec![
        Value::from(seq),
        Value::from(id.to_string()),
        Value::from(when),
        event
            .actor_id
            .map_or(Value::Null, |a| Value::from(a.to_string())),
        Value::from(event.actor_label.clone()),
        Value::from(event.action.clone()),
        Value::from(event.entity_type.clone()),
        event.entity_id.clone().map_or(Value::Null, Value::from),
        event.ip.clone().map_or(Value::Null, Value::from),
        event.changes.clone(),
        Value::from(prev_hash),
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Checks records one at a time, in `seq` order, as a chain from the first record, so a
/// long chain can be verified in batches without holding it in memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    /// A verifier expecting record 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next record; on failure, the record's `seq` and what is wrong.
    pub fn check(&mut self, r: &AuditRecord) -> Result<(), (i64, String)> {
        if r.seq != self.expected_seq {
            return Err((
                r.seq,
                format!("expected record {}, found {}", self.expected_seq, r.seq),
            ));
        }
        if r.prev_hash != self.prev_hash {
            return Err((
                r.seq,
                "its link to the previous record does not match".into(),
            ));
        }
        if record_hash(r.seq, r.id, r.occurred_at, &r.event, &r.prev_hash) != r.hash {
            return Err((r.seq, "its contents do not match its hash".into()));
        }
        self.prev_hash = r.hash.clone();
        self.expected_seq += 1;
        Ok(())
    }

    /// How many records have been checked.
    pub fn checked(&self) -> i64 {
        self.expected_seq - 1
    }

    /// The hash of the last record checked.
    pub fn last_hash(&self) -> &str {
        &self.prev_hash
    }
}

/// The first record whose hash or link does not hold, if any. Records must be in `seq` order.
pub fn first_broken(records: &[AuditRecord]) -> Option<(i64, String)> {
    let mut v = ChainVerifier::new();
    records.iter().find_map(|r| v.check(r).err())
}

/// The fields that differ between two JSON objects, as `{"field": {"from": a, "to": b}}`,
/// with secret fields left out. `before` is `Null` for a creation, `after` for a deletion.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for k in keys {
        if SECRET_FIELDS.contains(&k.as_str()) {
            continue;
        }
        let from = b.get(k).cloned().unwrap_or(Value::Null);
        let to = a.get(k).cloned().unwrap_or(Value::Null);
        if from != to {
            let mut change = Map::new();
            change.insert("from".into(), from);
            change.insert("to".into(), to);
            out.insert(k.clone(), Value::Object(change));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(action: &str) -> AuditEvent {
        AuditEvent {
            actor_id: Some(Uuid::new_v4()),
            actor_label: "pm@sbe.example.gov".into(),
            action: action.into(),
            entity_type: "election_authority".into(),
            entity_id: Some("x".into()),
            ip: Some("127.0.0.1".into()),
            changes: json!({"name": {"from": "a", "to": "b"}}),
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let id = Uuid::new_v4();
                let at = to_storage_precision(OffsetDateTime::now_utc());
                let ev = event(&format!("thing.{seq}"));
                let hash = record_hash(seq, id, at, &ev, &prev);
                let r = AuditRecord {
                    seq,
                    id,
                    occurred_at: at,
                    event: ev,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(first_broken(&chain(5)), None);
    }

    #[test]
    fn tampering_is_found_at_the_tampered_record() {
        let mut c = chain(5);
        c[2].event.changes = json!({"name": {"from": "a", "to": "evil"}});
        assert_eq!(first_broken(&c).map(|b| b.0), Some(3));
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(first_broken(&c).map(|b| b.0), Some(3));
    }

    #[test]
    fn diff_names_changed_fields_and_hides_secrets() {
        let d = diff(
            &json!({"name": "A", "zone": "N", "password_hash": "x"}),
            &json!({"name": "B", "zone": "N", "password_hash": "y"}),
        );
        assert_eq!(d, json!({"name": {"from": "A", "to": "B"}}));
        let created = diff(&Value::Null, &json!({"name": "A"}));
        assert_eq!(created, json!({"name": {"from": null, "to": "A"}}));
    }
}
