//! Writing STIX 2.1: the Board's indicators as `indicator` objects published under the
//! Board's own identity, with their markings as marking-definition references.
//!
//! * Every object names the Board as its creator ([`BOARD_IDENTITY_ID`], one stable id).
//! * An indicator's STIX id is `indicator--` and our indicator's own UUID (a UUID v5 of kind
//!   and normalised value), so every version the Board publishes of one indicator has the same
//!   id and successive versions line up by `modified`.
//! * The TLP level is the official TLP 2.0 marking-definition id (fixed by OASIS; no
//!   definition object needed). FOUO and CUI are each a marking definition of the Board
//!   ([`caveat_marking_definition`]) that says what it is twice: a plain-language `statement`
//!   for people, and the ACS 3.0 extension's `control_set.formal_determination` (`FOUO`,
//!   `CUI`), the form CISA's AIS feed uses, for tools (our own reader included).
//!
//! Pure: no I/O, no clock. Times are written in RFC 3339 UTC with microseconds, the precision
//! the Board keeps them at (STIX 2.1 asks for at least milliseconds in `created` and
//! `modified`): two versions of an indicator a millisecond apart stay two versions.

use cybernav_core::sharing::IndicatorKind;
use cybernav_core::sharing::marking::{Caveat, Marking};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;
use uuid::Uuid;

/// The Board's STIX identity id: the same in every object it publishes.
pub const BOARD_IDENTITY_ID: &str = "identity--7d3c1f0e-5b8a-4c2e-9f61-2b0d8e4a6c13";

/// When the Board's identity and caveat definitions were first published (fixed, so their
/// `created` and `modified` never change).
pub const BOARD_OBJECTS_CREATED: &str = "2019-01-01T00:00:00.000Z";

/// The ACS 3.0 marking extension, as CISA's AIS feed names it.
pub const ACS_EXTENSION_ID: &str = "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce";

/// The Board's FOUO marking definition.
pub const FOUO_MARKING_ID: &str = "marking-definition--2f6a4c1e-8d3b-4e7a-b5c9-1a0e3d7f9b24";

/// The Board's CUI marking definition.
pub const CUI_MARKING_ID: &str = "marking-definition--5c8e2a7d-1f4b-4a9e-8c3d-6b2f0e9a7d51";

/// The namespace of marking-definition ids for other caveats (UUID v5 of the caveat label).
const OTHER_CAVEAT_NAMESPACE: Uuid = Uuid::from_u128(0x4b1d_7e2a_93c5_4f60_8a2e_d15c_6f0b_3e97);

/// An RFC 3339 UTC timestamp with microseconds (`2026-02-10T14:30:00.000000Z`).
pub fn timestamp(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .unwrap_or_else(|_| BOARD_OBJECTS_CREATED.to_string())
}

/// Writes `s` as a STIX pattern string literal: quoted, with `\` and `'` escaped.
pub fn pattern_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The STIX pattern that matches one indicator: an address (a range with `ISSUBSET`), a
/// domain, a URL, an e-mail address or a file hash. A CVE is not an observable and has none:
/// it is published as a `vulnerability` object ([`vulnerability_object`]).
pub fn pattern(kind: IndicatorKind, value: &str) -> Option<String> {
    let lit = pattern_literal(value);
    Some(match kind {
        IndicatorKind::Ipv4 if value.contains('/') => format!("[ipv4-addr:value ISSUBSET {lit}]"),
        IndicatorKind::Ipv4 => format!("[ipv4-addr:value = {lit}]"),
        IndicatorKind::Ipv6 if value.contains('/') => format!("[ipv6-addr:value ISSUBSET {lit}]"),
        IndicatorKind::Ipv6 => format!("[ipv6-addr:value = {lit}]"),
        IndicatorKind::Domain => format!("[domain-name:value = {lit}]"),
        IndicatorKind::Url => format!("[url:value = {lit}]"),
        IndicatorKind::Email => format!("[email-addr:value = {lit}]"),
        IndicatorKind::Md5 => format!("[file:hashes.MD5 = {lit}]"),
        IndicatorKind::Sha1 => format!("[file:hashes.'SHA-1' = {lit}]"),
        IndicatorKind::Sha256 => format!("[file:hashes.'SHA-256' = {lit}]"),
        IndicatorKind::Sha512 => format!("[file:hashes.'SHA-512' = {lit}]"),
        IndicatorKind::Cve => return None,
    })
}

/// The STIX 2.1 `vulnerability` object for a CVE the Board shares (from the KEV catalog).
pub fn vulnerability_object(i: &BoardIndicator<'_>) -> Value {
    json!({
        "type": "vulnerability",
        "spec_version": "2.1",
        "id": format!("vulnerability--{}", i.id),
        "created": timestamp(i.first_seen),
        "modified": timestamp(i.modified.max(i.first_seen)),
        "created_by_ref": BOARD_IDENTITY_ID,
        "name": i.value,
        "external_references": [{"source_name": "cve", "external_id": i.value}],
        "object_marking_refs": marking_refs(i.marking),
    })
}

/// The marking-definition id that carries `caveat`.
pub fn caveat_marking_id(caveat: &Caveat) -> String {
    match caveat {
        Caveat::Fouo => FOUO_MARKING_ID.to_string(),
        Caveat::Cui => CUI_MARKING_ID.to_string(),
        Caveat::Other(label) => format!(
            "marking-definition--{}",
            Uuid::new_v5(&OTHER_CAVEAT_NAMESPACE, label.as_bytes())
        ),
    }
}

/// The marking references of an object marked `marking`: the TLP 2.0 definition, then one
/// definition per caveat.
pub fn marking_refs(marking: &Marking) -> Vec<String> {
    let mut refs = vec![marking.tlp.stix_id().to_string()];
    refs.extend(marking.caveats.iter().map(caveat_marking_id));
    refs
}

/// The Board's marking definition for `caveat`: a statement for people and, for FOUO and
/// CUI, the ACS 3.0 `formal_determination` for tools.
pub fn caveat_marking_definition(caveat: &Caveat) -> Value {
    let statement = match caveat {
        Caveat::Fouo => "FOUO: For Official Use Only. Only for people with a current \
                         need-to-know approval from the State Board of Elections."
            .to_string(),
        Caveat::Cui => "CUI: Controlled Unclassified Information. Only for people with a \
                        current need-to-know approval from the State Board of Elections."
            .to_string(),
        Caveat::Other(label) => format!(
            "Handling caveat {label}: only for people with a current need-to-know approval \
             from the State Board of Elections."
        ),
    };
    let mut def = json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": caveat_marking_id(caveat),
        "created": BOARD_OBJECTS_CREATED,
        "created_by_ref": BOARD_IDENTITY_ID,
        "name": caveat.label(),
        "definition_type": "statement",
        "definition": {"statement": statement},
    });
    if matches!(caveat, Caveat::Fouo | Caveat::Cui) {
        def["extensions"] = json!({
            ACS_EXTENSION_ID: {
                "extension_type": "property-extension",
                "control_set": {
                    "classification": "U",
                    "formal_determination": [caveat.label()],
                },
            }
        });
    }
    def
}

/// The Board's identity object.
pub fn board_identity(name: &str) -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": BOARD_IDENTITY_ID,
        "created": BOARD_OBJECTS_CREATED,
        "modified": BOARD_OBJECTS_CREATED,
        "name": name,
        "identity_class": "organization",
        "sectors": ["government-regional"],
    })
}

/// One indicator as the Board publishes it.
#[derive(Debug, Clone)]
pub struct BoardIndicator<'a> {
    /// Our indicator's id (becomes the STIX id).
    pub id: Uuid,
    /// Its kind.
    pub kind: IndicatorKind,
    /// Its normalised value.
    pub value: &'a str,
    /// When the Board first received it (`created`, `valid_from`).
    pub first_seen: OffsetDateTime,
    /// This version's time (`modified`): the latest report shown.
    pub modified: OffsetDateTime,
    /// Until when the sources say it holds (none when any source gives no end).
    pub valid_until: Option<OffsetDateTime>,
    /// The highest confidence a source gave, 0–100.
    pub confidence: Option<i64>,
    /// Every source shown withdrew it.
    pub revoked: bool,
    /// The marking it is published under.
    pub marking: &'a Marking,
}

/// The STIX id of the indicator whose UUID is `id`.
pub fn indicator_stix_id(id: Uuid) -> String {
    format!("indicator--{id}")
}

/// The STIX 2.1 `indicator` object for `i` (a `vulnerability` for a CVE).
pub fn indicator_object(i: &BoardIndicator<'_>) -> Value {
    let Some(pattern) = pattern(i.kind, i.value) else {
        return vulnerability_object(i);
    };
    let created = timestamp(i.first_seen);
    // `modified` never precedes `created`.
    let modified = timestamp(i.modified.max(i.first_seen));
    let mut o = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_stix_id(i.id),
        "created": created,
        "modified": modified,
        "created_by_ref": BOARD_IDENTITY_ID,
        "name": format!("{}: {}", i.kind.label(), i.value),
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": created,
        "object_marking_refs": marking_refs(i.marking),
    });
    if let Some(until) = i.valid_until
        && until > i.first_seen
    {
        o["valid_until"] = json!(timestamp(until));
    }
    if let Some(c) = i.confidence {
        o["confidence"] = json!(c.clamp(0, 100));
    }
    if i.revoked {
        o["revoked"] = json!(true);
    }
    o
}

/// The namespace of the Board's sighting ids (UUID v5 of the indicator's id).
const SIGHTING_NAMESPACE: Uuid = Uuid::from_u128(0x2c8f_51a0_7d3e_4b69_a1c4_0e97_d2b5_6f18);

/// What election authorities reported seeing of one indicator, as one reader may be told.
#[derive(Debug, Clone)]
pub struct BoardSighting<'a> {
    /// The indicator seen.
    pub indicator_id: Uuid,
    /// When the first of these sightings was recorded.
    pub created: OffsetDateTime,
    /// When the latest was (this version).
    pub modified: OffsetDateTime,
    /// First seen.
    pub first_seen: OffsetDateTime,
    /// Last seen.
    pub last_seen: OffsetDateTime,
    /// Times seen.
    pub count: i64,
    /// By how many election authorities.
    pub authorities: i64,
    /// The marking it is published under.
    pub marking: &'a Marking,
}

/// The STIX id of the Board's sighting of the indicator whose UUID is `indicator`.
pub fn sighting_stix_id(indicator: Uuid) -> String {
    format!(
        "sighting--{}",
        Uuid::new_v5(&SIGHTING_NAMESPACE, indicator.as_bytes())
    )
}

/// The STIX 2.1 `sighting` of an indicator by Illinois election authorities, under the
/// Board's identity. Which authorities is never written (no `where_sighted_refs`): the count
/// of them is in the description.
pub fn sighting_object(s: &BoardSighting<'_>) -> Value {
    let created = timestamp(s.created);
    let modified = timestamp(s.modified.max(s.created));
    let first = timestamp(s.first_seen.min(s.last_seen));
    let last = timestamp(s.last_seen.max(s.first_seen));
    let who = if s.authorities == 1 {
        "one election authority".to_string()
    } else {
        format!("{} election authorities", s.authorities)
    };
    json!({
        "type": "sighting",
        "spec_version": "2.1",
        "id": sighting_stix_id(s.indicator_id),
        "created": created,
        "modified": modified,
        "created_by_ref": BOARD_IDENTITY_ID,
        "description": format!("Seen by {who}, as reported to the State Board of Elections."),
        "first_seen": first,
        "last_seen": last,
        "count": s.count.clamp(0, 999_999_999),
        "sighting_of_ref": indicator_stix_id(s.indicator_id),
        "object_marking_refs": marking_refs(s.marking),
    })
}

/// A STIX 2.1 bundle of `objects` with the given bundle id (a `bundle--<uuid>`).
pub fn bundle(id: Uuid, objects: Vec<Value>) -> Value {
    json!({"type": "bundle", "id": format!("bundle--{id}"), "objects": objects})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stix::markings::MarkingTable;
    use crate::stix::pattern::{PatternOutcome, parse_pattern};
    use crate::stix::{StixObject, read_bundle};
    use cybernav_core::sharing::marking::Tlp;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(pattern_literal(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(
            pattern(IndicatorKind::Url, "http://x.example/it's").unwrap(),
            r"[url:value = 'http://x.example/it\'s']"
        );
    }

    #[test]
    fn every_kind_reads_back_as_the_same_indicator() {
        let cases = [
            (IndicatorKind::Ipv4, "203.0.113.7"),
            (IndicatorKind::Ipv4, "203.0.113.0/24"),
            (IndicatorKind::Ipv6, "2001:db8::1"),
            (IndicatorKind::Ipv6, "2001:db8::/32"),
            (IndicatorKind::Domain, "evil.example"),
            (IndicatorKind::Url, "http://evil.example/a'b\\c?x=1"),
            (IndicatorKind::Email, "phish@evil.example"),
            (IndicatorKind::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
            (
                IndicatorKind::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                IndicatorKind::Sha256,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (IndicatorKind::Sha512, &"ab".repeat(64)),
        ];
        for (kind, value) in cases {
            let p = pattern(kind, value).unwrap();
            match parse_pattern(&p).unwrap() {
                PatternOutcome::Indicators(list) => {
                    assert_eq!(list.len(), 1, "{p}");
                    assert_eq!(list[0].kind(), kind, "{p}");
                    assert_eq!(list[0].value(), value, "{p}");
                }
                other => panic!("{p}: {other:?}"),
            }
        }
    }

    #[test]
    fn our_own_reader_recovers_the_marking_from_what_we_write() {
        let marking = Marking::tlp(Tlp::Amber)
            .with_caveat(Caveat::Fouo)
            .with_caveat(Caveat::Cui);
        let id = Uuid::new_v4();
        let t = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let ind = indicator_object(&BoardIndicator {
            id,
            kind: IndicatorKind::Domain,
            value: "evil.example",
            first_seen: t,
            modified: t,
            valid_until: None,
            confidence: Some(80),
            revoked: false,
            marking: &marking,
        });
        let b = bundle(
            Uuid::new_v4(),
            vec![
                board_identity("State Board of Elections"),
                caveat_marking_definition(&Caveat::Fouo),
                caveat_marking_definition(&Caveat::Cui),
                ind,
            ],
        );
        let bytes = serde_json::to_vec(&b).unwrap();
        let mut table = MarkingTable::new();
        let mut indicators = Vec::new();
        read_bundle(&bytes, |o| match o.unwrap() {
            StixObject::MarkingDefinition(d) => table.add(&d.id, d.meaning),
            StixObject::Indicator(i) => indicators.push(i),
            _ => {}
        })
        .unwrap();
        assert_eq!(indicators.len(), 1);
        assert_eq!(indicators[0].id, format!("indicator--{id}"));
        let resolved = table.resolve(indicators[0].marking_refs());
        assert!(resolved.unknown_refs.is_empty());
        assert_eq!(resolved.into_marking(Tlp::Clear), marking);
    }
}
