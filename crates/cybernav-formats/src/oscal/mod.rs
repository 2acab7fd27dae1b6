//! OSCAL 1.1.2 exports: assessment results of one assessment and the plan of action and
//! milestones (POA&M) of one election authority, as JSON.
//!
//! Both are built from plain input structs the app fills from the store, so this module stays
//! pure. UUIDs are version 5 (name-based) from our own ids, so exporting the same data twice
//! gives the same document, byte for byte. See `docs/OSCAL.md` for what each document holds
//! and how to validate it (`scripts/validate-oscal`).

mod assessment_results;
mod poam;

pub use assessment_results::{
    AssessedItem, AssessmentResultsInput, EvidenceRef, ItemStatus, RaisedFinding,
    assessment_results,
};
pub use poam::{PoamFinding, PoamInput, PoamStatus, RiskAcceptance, poam};

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The OSCAL version the exports follow.
pub const OSCAL_VERSION: &str = "1.1.2";

/// Namespace of the properties cybernav adds (`score`, `severity`, `host`, ...).
pub const CYBERNAV_NS: &str = "https://cybernav.example/ns/oscal";

/// The namespace UUID all cybernav UUIDs are derived from (a fixed random UUID).
const NAMESPACE: [u8; 16] = [
    0x4c, 0x2f, 0x8a, 0x61, 0x0d, 0x3e, 0x4b, 0x97, 0x9a, 0x15, 0x6e, 0x27, 0xc8, 0x53, 0xf1, 0x0b,
];

/// A version 5 UUID (RFC 9562) from a name under cybernav's namespace: stable for stable ids.
pub fn uuid_v5(name: &str) -> String {
    let mut h = Sha1::new();
    h.update(NAMESPACE);
    h.update(name.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[0],
        b[1],
        b[2],
        b[3],
        b[4],
        b[5],
        b[6],
        b[7],
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    )
}

/// The OSCAL control id for one of our item ids. OSCAL ids are tokens that start with a
/// letter, so ids that start with a digit get the prefix their catalog's OSCAL file uses
/// (`cisc-4.7` for CIS Controls, `cpg-1.a` for CPG, `item-` otherwise); CSF ids are
/// lower-cased as NIST writes them (`gv.oc-01`). Anything outside `[A-Za-z0-9._-]` becomes `_`.
pub fn oscal_control_id(catalog_id: &str, item_id: &str) -> String {
    let clean: String = item_id
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let starts_with_letter = clean
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if starts_with_letter {
        if catalog_id == "nist-csf" {
            return clean.to_ascii_lowercase();
        }
        return clean;
    }
    match catalog_id {
        "cis-controls" => format!("cisc-{clean}"),
        "cisa-cpg" => format!("cpg-{}", clean.to_ascii_lowercase()),
        _ => format!("item-{clean}"),
    }
}

pub(crate) fn datetime(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

pub(crate) fn date_as_datetime(d: time::Date) -> String {
    datetime(d.midnight().assume_utc())
}

/// A cybernav property; `None` when the value is empty (OSCAL refuses empty values).
pub(crate) fn prop(name: &str, value: &str) -> Option<Value> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else {
        Some(json!({"name": name, "ns": CYBERNAV_NS, "value": value}))
    }
}

/// Sets `key` on `obj` only when the list is not empty (OSCAL arrays have at least one entry).
pub(crate) fn set_list(obj: &mut Value, key: &str, list: Vec<Value>) {
    if !list.is_empty()
        && let Some(o) = obj.as_object_mut()
    {
        o.insert(key.to_string(), Value::Array(list));
    }
}

/// Sets `key` on `obj` only when the text is not blank.
pub(crate) fn set_text(obj: &mut Value, key: &str, text: &str) {
    if !text.trim().is_empty()
        && let Some(o) = obj.as_object_mut()
    {
        o.insert(key.to_string(), Value::String(text.trim().to_string()));
    }
}

/// Text that OSCAL requires to be present: the text, or a dash when there is none.
pub(crate) fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "-".to_string()
    } else {
        text.trim().to_string()
    }
}

/// Pretty JSON with a final newline, as written to files and the API.
pub fn to_pretty_json(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_5_and_stable() {
        let a = uuid_v5("assessment:42");
        assert_eq!(a, uuid_v5("assessment:42"));
        assert_ne!(a, uuid_v5("assessment:43"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn control_ids_are_oscal_tokens() {
        assert_eq!(oscal_control_id("cis-controls", "4.7"), "cisc-4.7");
        assert_eq!(oscal_control_id("cisa-cpg", "1.A"), "cpg-1.a");
        assert_eq!(oscal_control_id("nist-csf", "GV.OC-01"), "gv.oc-01");
        assert_eq!(oscal_control_id("state-list", "7 b"), "item-7_b");
        assert_eq!(oscal_control_id("state-list", "ea-7"), "ea-7");
    }
}
