//! The STIX 2.1 objects a report from the county's web form becomes (Part 213.50(a)(2)(B)),
//! so the form and a tool's TAXII POST reach the Board in one shape and go through one check.
//!
//! A form report is:
//!
//! * an `incident` named for what was seen (the anchor every report has, even one that names
//!   no indicator);
//! * one `indicator` per indicator the person pasted (and the phishing sender's address),
//!   `anomalous-activity` because nobody has validated it yet, valid from when it was seen;
//! * a `report` that holds the person's description, when it was seen and, for an e-mail,
//!   its sender and subject, and refers to the incident and every indicator;
//! * the Board's marking definition for each caveat (FOUO), so the objects carry their own
//!   definitions as every TAXII POST must.
//!
//! Every object carries the marking the person chose. Ids are UUID v5 names under the
//! report's own id, so the same report always writes the same objects. Pure: no clock, no I/O.

use cybernav_core::sharing::Indicator;
use cybernav_core::sharing::community_report::ObservationKind;
use cybernav_core::sharing::marking::Marking;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::write::{caveat_marking_definition, marking_refs, pattern, timestamp};

/// What the county's form collected, checked.
#[derive(Debug, Clone)]
pub struct FormReport<'a> {
    /// The report's id: the objects' ids are named under it.
    pub report_id: Uuid,
    /// What was seen.
    pub kind: ObservationKind,
    /// The person's own words.
    pub description: &'a str,
    /// When it was seen.
    pub seen_at: OffsetDateTime,
    /// When it was seen, as the person reads it (`10 February 2026, 14:30 Central`).
    pub seen_label: &'a str,
    /// When the report was sent.
    pub sent_at: OffsetDateTime,
    /// For an e-mail: its sender's address, as read.
    pub sender: Option<&'a str>,
    /// For an e-mail: its subject.
    pub subject: Option<&'a str>,
    /// The indicators it names (the sender's address among them, when given).
    pub indicators: &'a [Indicator],
    /// Who may see it.
    pub marking: &'a Marking,
}

fn object_id(report: Uuid, ty: &str, name: &str) -> String {
    format!("{ty}--{}", Uuid::new_v5(&report, name.as_bytes()))
}

/// The id of the `report` object of a form report.
pub fn report_object_id(report: Uuid) -> String {
    object_id(report, "report", "report")
}

/// The STIX objects of a form report, marking definitions first.
pub fn form_report_objects(r: &FormReport<'_>) -> Vec<Value> {
    let sent = timestamp(r.sent_at);
    let refs = marking_refs(r.marking);
    let mut out: Vec<Value> = r
        .marking
        .caveats
        .iter()
        .map(caveat_marking_definition)
        .collect();
    let incident = object_id(r.report_id, "incident", "incident");
    out.push(json!({
        "type": "incident",
        "spec_version": "2.1",
        "id": incident,
        "created": sent,
        "modified": sent,
        "name": r.kind.label(),
        "object_marking_refs": refs,
    }));
    let mut object_refs = vec![incident];
    for i in r.indicators {
        // A CVE has no pattern; the form never detects one, but skip it rather than write a
        // broken object.
        let Some(p) = pattern(i.kind(), i.value()) else {
            continue;
        };
        let (kind, value) = i.dedupe_key();
        let id = object_id(
            r.report_id,
            "indicator",
            &format!("{}:{value}", kind.as_str()),
        );
        if object_refs.contains(&id) {
            continue;
        }
        out.push(json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": id,
            "created": sent,
            "modified": sent,
            "name": format!("{}: {}", i.kind().label(), i.value()),
            "indicator_types": ["anomalous-activity"],
            "pattern": p,
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": timestamp(r.seen_at.min(r.sent_at)),
            "object_marking_refs": refs,
        }));
        object_refs.push(id);
    }
    let mut text = r.description.trim().to_string();
    text.push_str(&format!("\n\nSeen: {}", r.seen_label));
    if let Some(s) = r.sender {
        text.push_str(&format!("\nE-mail from: {s}"));
    }
    if let Some(s) = r.subject {
        text.push_str(&format!("\nE-mail subject: {s}"));
    }
    out.push(json!({
        "type": "report",
        "spec_version": "2.1",
        "id": report_object_id(r.report_id),
        "created": sent,
        "modified": sent,
        "name": format!("{} (reported with the Board's form)", r.kind.label()),
        "description": text,
        "report_types": ["threat-report"],
        "published": sent,
        "object_refs": object_refs,
        "object_marking_refs": refs,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stix::markings::MarkingTable;
    use crate::stix::{PatternOutcome, StixObject, read_bundle};
    use cybernav_core::sharing::IndicatorKind;
    use cybernav_core::sharing::marking::{Caveat, Tlp};

    fn t(days: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(days)
    }

    #[test]
    fn our_own_reader_takes_every_object_with_its_marking_and_indicators() {
        let marking = Marking::tlp(Tlp::Amber).with_caveat(Caveat::Fouo);
        let indicators = vec![
            Indicator::parse(IndicatorKind::Domain, "evil.example").unwrap(),
            Indicator::parse(IndicatorKind::Email, "payroll@evil.example").unwrap(),
            Indicator::parse(IndicatorKind::Domain, "EVIL.example").unwrap(),
        ];
        let id = Uuid::new_v4();
        let r = FormReport {
            report_id: id,
            kind: ObservationKind::Phishing,
            description: "An e-mail asked the clerk to confirm payroll details.",
            seen_at: t(20_000),
            seen_label: "10 February 2024",
            sent_at: t(20_001),
            sender: Some("payroll@evil.example"),
            subject: Some("Urgent: payroll"),
            indicators: &indicators,
            marking: &marking,
        };
        let objects = form_report_objects(&r);
        // The FOUO definition, the incident, two indicators (the repeated domain once), the report.
        assert_eq!(objects.len(), 5, "{objects:#?}");
        let bundle = json!({"type": "bundle", "id": "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "objects": objects});
        let bytes = serde_json::to_vec(&bundle).unwrap();
        let mut table = MarkingTable::new();
        let mut found = Vec::new();
        let mut refs = Vec::new();
        read_bundle(&bytes, |o| match o.expect("every object reads") {
            StixObject::MarkingDefinition(d) => table.add(&d.id, d.meaning),
            StixObject::Indicator(i) => {
                refs.push(
                    i.object_marking_refs
                        .iter()
                        .map(|r| r.to_string())
                        .collect(),
                );
                if let PatternOutcome::Indicators(list) = &i.outcome {
                    found.extend(list.iter().map(|x| x.value().to_string()));
                }
                assert_eq!(i.valid_from, Some(t(20_000)));
            }
            StixObject::Other(o) => refs.push(o.object_marking_refs.clone()),
            StixObject::Identity(_) => panic!("no identity: the authority is not named"),
        })
        .unwrap();
        assert_eq!(found, ["evil.example", "payroll@evil.example"]);
        for r in refs {
            assert_eq!(
                table
                    .resolve(r.iter().map(String::as_str))
                    .into_marking(Tlp::Red),
                marking
            );
        }
        let report = objects.last().unwrap();
        assert_eq!(report["id"], report_object_id(id));
        let text = report["description"].as_str().unwrap();
        assert!(text.contains("payroll details") && text.contains("Urgent: payroll"));
        assert_eq!(report["object_refs"].as_array().unwrap().len(), 3);
        // The same report writes the same objects.
        assert_eq!(form_report_objects(&r), objects);
    }

    #[test]
    fn a_report_without_indicators_still_refers_to_its_incident() {
        let marking = Marking::tlp(Tlp::Green);
        let r = FormReport {
            report_id: Uuid::new_v4(),
            kind: ObservationKind::Other,
            description: "A caller claimed to be from the vendor.",
            seen_at: t(20_000),
            seen_label: "today",
            sent_at: t(20_000),
            sender: None,
            subject: None,
            indicators: &[],
            marking: &marking,
        };
        let objects = form_report_objects(&r);
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0]["type"], "incident");
        assert_eq!(objects[1]["object_refs"][0], objects[0]["id"]);
    }
}
