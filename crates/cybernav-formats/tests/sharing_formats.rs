//! Shared threat information as it arrives: STIX 2.1 and 2.0 bundles in the shapes real feeds
//! send, a MISP feed folder, and pasted lists. Fixtures in tests/fixtures/{stix,misp}.

use std::collections::BTreeSet;
use std::path::Path;

use cybernav_core::sharing::{Caveat, IndicatorKind, Tlp};
use cybernav_formats::misp::{read_event, read_manifest};
use cybernav_formats::stix::{
    MarkingTable, PatternOutcome, Rejected, SpecVersion, StixObject, read_bundle,
};
use proptest::prelude::*;

fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads a bundle into owned pieces: (indicator id, indicators as `kind:value`, marking label
/// with TLP:CLEAR as the default), pattern-only ids, other object types, and refusals.
struct Read {
    indicators: Vec<(String, Vec<String>, String)>,
    pattern_only: Vec<String>,
    others: Vec<String>,
    rejected: Vec<Rejected>,
    version: Option<SpecVersion>,
}

fn read(bytes: &[u8]) -> Read {
    let mut table = MarkingTable::new();
    let mut indicators = Vec::new();
    let mut out = Read {
        indicators: Vec::new(),
        pattern_only: Vec::new(),
        others: Vec::new(),
        rejected: Vec::new(),
        version: None,
    };
    let summary = read_bundle(bytes, |o| match o {
        Ok(StixObject::MarkingDefinition(m)) => table.add(&m.id, m.meaning),
        Ok(StixObject::Indicator(i)) => indicators.push(*i),
        Ok(StixObject::Identity(i)) => out
            .others
            .push(format!("identity {}", i.name.unwrap_or_default())),
        Ok(StixObject::Other(o)) => out.others.push(o.object_type),
        Err(r) => out.rejected.push(r),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    out.version = indicators.first().map(|i| i.spec_version);
    assert_eq!(summary.rejected, out.rejected.len());
    // Markings are resolved after the whole bundle, so a definition listed after the objects
    // that use it still counts.
    for i in indicators {
        let marking = table.resolve(i.marking_refs()).into_marking(Tlp::Clear);
        match &i.outcome {
            PatternOutcome::Indicators(v) => out.indicators.push((
                i.id.to_string(),
                v.iter().map(|x| x.to_string()).collect(),
                marking.label(),
            )),
            PatternOutcome::PatternOnly { .. } => out.pattern_only.push(i.id.to_string()),
        }
    }
    out
}

#[test]
fn cisa_ais_style_bundle_with_tlp_and_acs_fouo() {
    let r = read(&fixture("stix/cisa-ais-2.1.json"));
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.version, Some(SpecVersion::V2_1));
    let got: Vec<(Vec<String>, String)> = r
        .indicators
        .iter()
        .map(|(_, v, m)| (v.clone(), m.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                vec!["ipv4:203.0.113.0/24".to_string()],
                "TLP:GREEN FOUO".to_string()
            ),
            (
                vec![
                    "domain:voter-registration-check.example".to_string(),
                    "url:http://phish-kit.example/ballot".to_string()
                ],
                "TLP:AMBER".to_string()
            ),
            (
                vec![
                    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                        .to_string(),
                    "md5:d41d8cd98f00b204e9800998ecf8427e".to_string()
                ],
                "TLP:GREEN".to_string()
            ),
            // A granular FOUO marking on the description makes the whole object FOUO.
            (
                vec!["ipv6:2001:db8::a1".to_string()],
                "TLP:GREEN FOUO".to_string()
            ),
        ]
    );
    // AND across observations is kept as a pattern, not dropped.
    assert_eq!(r.pattern_only.len(), 1);
}

#[test]
fn oasis_style_bundle_keeps_every_other_object() {
    let r = read(&fixture("stix/oasis-2.1.json"));
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.indicators.len(), 1);
    assert_eq!(
        r.indicators[0].1,
        ["url:https://login.county-votes.example/owa/auth.php"]
    );
    assert_eq!(r.indicators[0].2, "TLP:AMBER+STRICT");
    // A MATCHES pattern and a YARA rule are kept as patterns.
    assert_eq!(r.pattern_only.len(), 2);
    assert_eq!(
        r.others,
        [
            "identity Example ISAC",
            "malware",
            "relationship",
            "report",
            "sighting",
            "domain-name"
        ]
    );
}

#[test]
fn stix_2_0_bundle_with_tlp_1_markings() {
    let r = read(&fixture("stix/fusion-center-2.0.json"));
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.version, Some(SpecVersion::V2_0));
    let got: Vec<(Vec<String>, String)> = r
        .indicators
        .iter()
        .map(|(_, v, m)| (v.clone(), m.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (vec!["ipv4:192.0.2.44".to_string()], "TLP:GREEN".to_string()),
            (
                vec!["sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709".to_string()],
                "TLP:CLEAR".to_string()
            ),
        ]
    );
}

#[test]
fn refused_objects_are_named_and_do_not_block_the_valid_ones() {
    let r = read(&fixture("stix/bad-objects-2.1.json"));
    let good: Vec<&str> = r
        .indicators
        .iter()
        .flat_map(|(_, v, _)| v)
        .map(String::as_str)
        .collect();
    assert_eq!(
        good,
        ["domain:good.example", "url:https://also-good.example/a"]
    );
    let reasons: Vec<(Option<&str>, &str)> = r
        .rejected
        .iter()
        .map(|x| {
            (
                x.id.as_deref().map(|i| i.split("--").next().unwrap_or("")),
                x.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(r.rejected.len(), 8, "{reasons:#?}");
    let expect = [
        "field id: missing",
        "field type: missing",
        "field created",
        "spec_version",
        "203.0.113.300",
        "pattern syntax",
        "invalid type",
        "is not 'indicator--'",
    ];
    for (x, want) in r.rejected.iter().zip(expect) {
        assert!(x.reason.contains(want), "{x} should say {want}");
        assert!(x.line > 1, "{x}");
    }
    // Every refusal with an id names it.
    assert!(r.rejected.iter().skip(1).all(|x| x.id.is_some()));
}

#[test]
fn misp_feed_manifest_and_events() {
    let m = read_manifest(&fixture("misp/manifest.json")).unwrap_or_else(|e| panic!("{e}"));
    assert!(m.rejected.is_empty());
    assert_eq!(m.events.len(), 2);
    let mut all = BTreeSet::new();
    for entry in &m.events {
        let e = read_event(&fixture(&format!("misp/{}.json", entry.uuid)))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.uuid, entry.uuid);
        assert_eq!(e.tlp, entry.tlp);
        for i in &e.indicators {
            all.insert((
                i.indicator.to_string(),
                i.tlp.map(Tlp::label).unwrap_or("none").to_string(),
                i.caveats.contains(&Caveat::Fouo),
            ));
        }
        if e.info.starts_with("Phishing") {
            assert_eq!(e.rejected.len(), 2, "{:?}", e.rejected);
            assert!(
                e.rejected
                    .iter()
                    .all(|r| r.event_uuid == e.uuid && r.attribute_uuid.is_some())
            );
            assert!(
                e.rejected
                    .iter()
                    .any(|r| r.reason.contains("203.0.113.999"))
            );
            assert_eq!(e.skipped.get("text"), Some(&1));
        } else {
            assert!(e.rejected.is_empty());
            // A vulnerability attribute is a CVE indicator, not skipped.
            assert_eq!(e.skipped.get("vulnerability"), None);
        }
    }
    let s = |v: &str, t: &str, f: bool| (v.to_string(), t.to_string(), f);
    let want: BTreeSet<_> = [
        s(
            "email:ballot-update@county-notice.example",
            "TLP:GREEN",
            false,
        ),
        s(
            "url:https://county-notice.example/ballot/verify",
            "TLP:GREEN",
            false,
        ),
        s("domain:county-notice.example", "TLP:GREEN", false),
        s(
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "TLP:GREEN",
            false,
        ),
        s("ipv4:198.51.100.0/25", "TLP:AMBER", true),
        s("ipv4:198.51.100.77", "TLP:AMBER", true),
        s("domain:scan.portal-check.example", "TLP:RED", true),
        s("ipv4:198.51.100.78", "TLP:RED", true),
        s("domain:portal-check.example", "TLP:AMBER", true),
        s("cve:CVE-2024-3400", "TLP:AMBER", true),
    ]
    .into_iter()
    .collect();
    assert_eq!(all, want);
}

#[test]
fn the_same_indicator_from_stix_misp_and_a_list_has_one_key() {
    use cybernav_formats::freetext::read_free_text;
    let list = read_free_text("hxxps://county-notice[.]example/ballot/verify\n");
    let from_list = &list.entries[0].indicator;
    let e = read_event(&fixture("misp/12345678-90ab-4def-9500-8779d57514ec.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let from_misp = e
        .indicators
        .iter()
        .find(|i| i.indicator.kind() == IndicatorKind::Url)
        .map(|i| &i.indicator);
    assert_eq!(
        Some(from_list.dedupe_key()),
        from_misp.map(|i| i.dedupe_key())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A bundle of generated indicators, some broken: the reader returns exactly one result per
    /// object, in order, and the good ones all come through.
    #[test]
    fn every_object_is_accounted_for(
        objs in proptest::collection::vec((any::<u32>(), 0u8..4), 0..40),
    ) {
        let mut s = String::from(r#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ["#);
        for (n, (v, broken)) in objs.iter().enumerate() {
            if n > 0 { s.push(','); }
            let ip = std::net::Ipv4Addr::from(*v);
            let (created, pattern) = match broken {
                0 => ("2024-01-01T00:00:00Z", format!("[ipv4-addr:value = '{ip}']")),
                1 => ("2024-13-01T00:00:00Z", format!("[ipv4-addr:value = '{ip}']")),
                2 => ("2024-01-01T00:00:00Z", format!("[ipv4-addr:value = '{ip}'")),
                _ => ("2024-01-01T00:00:00Z", format!("[ipv4-addr:value = '{ip}' AND ipv4-addr:value = '{ip}']")),
            };
            s.push_str(&format!(
                r#"{{"type": "indicator", "spec_version": "2.1", "id": "indicator--{n:08x}-0000-4000-8000-000000000000", "created": "{created}", "modified": "{created}", "pattern": "{pattern}", "valid_from": "2024-01-01T00:00:00Z"}}"#
            ));
        }
        s.push_str("]}");
        let mut results = Vec::new();
        let summary = read_bundle(s.as_bytes(), |o| results.push(o.map(|_| ()).map_err(|r| r.index)));
        let summary = summary.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(summary.objects, objs.len());
        for (n, ((_, broken), r)) in objs.iter().zip(&results).enumerate() {
            match broken {
                0 | 3 => prop_assert!(r.is_ok()),
                _ => prop_assert_eq!(r, &Err(n)),
            }
        }
    }
}
