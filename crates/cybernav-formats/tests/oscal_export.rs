//! OSCAL exports are valid OSCAL: each document is written from sample inputs and checked by
//! `scripts/validate-oscal` (compliance-trestle's OSCAL models, installed by scripts/setup).
//! A deliberately broken document must be refused, so the check is known to bite, and the
//! shipped catalogs validate as OSCAL catalogs.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use cybernav_formats::catalog::{CISA_CPG_2_0_JSON, CISA_CPG_JSON, NIST_CSF_JSON, read_catalog};
use cybernav_formats::oscal::{
    AssessedItem, AssessmentResultsInput, EvidenceRef, ItemStatus, PoamFinding, PoamInput,
    PoamStatus, RaisedFinding, RiskAcceptance, assessment_results, oscal_control_id, poam,
    to_pretty_json,
};
use serde_json::Value;
use time::macros::{date, datetime};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs scripts/validate-oscal on the files; returns (success, output).
fn validate(files: &[&Path]) -> (bool, String) {
    let out = Command::new("python3")
        .arg(repo_root().join("scripts/validate-oscal"))
        .args(files)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        out.status.code(),
        Some(2),
        "compliance-trestle is missing: run scripts/setup\n{text}"
    );
    (out.status.success(), text)
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, to_pretty_json(doc)).unwrap();
    path
}

fn sample_results() -> AssessmentResultsInput {
    let item =
        |id: &str, status, score: Option<f64>, comments: &str, evidence: Vec<EvidenceRef>| {
            AssessedItem {
                id: id.into(),
                title: format!("Synthetic safeguard {id}"),
                status,
                score_percent: score,
                comments: comments.into(),
                evidence,
            }
        };
    AssessmentResultsInput {
        authority_id: "ea-0042".into(),
        authority_name: "Example County Clerk".into(),
        assessment_id: "a-17".into(),
        catalog_id: "cis-controls".into(),
        catalog_version: "8.1".into(),
        catalog_title: "CIS Critical Security Controls".into(),
        scope: "IG1".into(),
        method: "CSAT four dimensions; scoring method csat-v1".into(),
        assessors: vec!["Navigator One".into(), "Navigator Two".into()],
        started: datetime!(2026-10-01 14:00 UTC),
        ended: Some(datetime!(2026-10-20 18:30 UTC)),
        last_modified: datetime!(2026-10-21 09:00 UTC),
        overall_score_percent: Some(62.5),
        items: vec![
            item(
                "1.1",
                ItemStatus::Satisfied,
                Some(100.0),
                "Inventory kept in the county's asset tool.",
                vec![EvidenceRef {
                    file_name: "inventory.pdf".into(),
                    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                        .into(),
                    media_type: Some("application/pdf".into()),
                }],
            ),
            item("1.2", ItemStatus::NotSatisfied, Some(25.0), "", vec![]),
            item(
                "2.1",
                ItemStatus::NotApplicable,
                None,
                "No software is installed by the office; the county IT manages it.",
                vec![],
            ),
        ],
        findings: vec![RaisedFinding {
            id: "f-9".into(),
            item_id: Some("1.2".into()),
            title: "Unauthorised devices are not removed".into(),
            description: "No weekly process deals with unknown devices on the network.".into(),
            severity: "Medium".into(),
        }],
    }
}

fn sample_poam() -> PoamInput {
    let finding = |id: &str, status: PoamStatus| PoamFinding {
        id: id.into(),
        title: format!("Finding {id}"),
        description: "Described for the test.".into(),
        severity: "High".into(),
        source: "vulnerability scan".into(),
        status,
        identified: datetime!(2026-09-01 08:00 UTC),
        target_date: Some(date!(2026 - 10 - 01)),
        risk_accepted: None,
        cve: None,
        known_exploited: false,
        host: None,
        port: None,
        owner: None,
        remediation: None,
        remarks: String::new(),
    };
    let mut kev = finding("f-1", PoamStatus::InProgress);
    kev.cve = Some("CVE-2024-3400".into());
    kev.known_exploited = true;
    kev.host = Some("198.51.100.7".into());
    kev.port = Some(443);
    kev.owner = Some("county IT".into());
    kev.remediation = Some("Apply the vendor's fixed release.".into());
    let mut accepted = finding("f-2", PoamStatus::RiskAccepted);
    accepted.risk_accepted = Some(RiskAcceptance {
        approver: "County Clerk".into(),
        until: date!(2027 - 03 - 31),
        reason: "The old scanner is replaced in March.".into(),
    });
    let mut navigator = finding("f-3", PoamStatus::Verified);
    navigator.source = "navigator assessment".into();
    navigator.target_date = None;
    PoamInput {
        authority_id: "ea-0042".into(),
        authority_name: "Example County Clerk".into(),
        last_modified: datetime!(2026-10-21 09:00 UTC),
        version: "7".into(),
        findings: vec![
            kev,
            accepted,
            navigator,
            finding("f-4", PoamStatus::Mitigated),
            finding("f-5", PoamStatus::Identified),
            finding("f-6", PoamStatus::Confirmed),
        ],
    }
}

#[test]
fn assessment_results_and_poam_are_valid_oscal_and_a_broken_document_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let ar = assessment_results(&sample_results());
    let mut empty_results = sample_results();
    empty_results.items.clear();
    empty_results.findings.clear();
    empty_results.assessors.clear();
    empty_results.ended = None;
    empty_results.overall_score_percent = None;
    let ar_empty = assessment_results(&empty_results);
    let pm = poam(&sample_poam());
    let mut no_findings = sample_poam();
    no_findings.findings.clear();
    let pm_empty = poam(&no_findings);

    let files = [
        write(dir.path(), "ar.json", &ar),
        write(dir.path(), "ar-empty.json", &ar_empty),
        write(dir.path(), "poam.json", &pm),
        write(dir.path(), "poam-empty.json", &pm_empty),
    ];
    // `CYBERNAV_OSCAL_SAMPLES=DIR` keeps a copy of the sample documents to read.
    if let Ok(keep) = std::env::var("CYBERNAV_OSCAL_SAMPLES") {
        for f in &files {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (ok, out) = validate(&refs);
    assert!(ok, "{out}");
    assert_eq!(out.matches("valid OSCAL").count(), 4, "{out}");

    // Broken on purpose: a required field gone, a state outside OSCAL's enumeration, a UUID
    // used twice.
    let mut broken = ar.clone();
    broken["assessment-results"]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("start");
    let mut bad_state = ar.clone();
    bad_state["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "half-done".into();
    let mut dup = pm.clone();
    let first = dup["plan-of-action-and-milestones"]["poam-items"][0]["uuid"].clone();
    dup["plan-of-action-and-milestones"]["poam-items"][1]["uuid"] = first;
    for (name, doc, says) in [
        ("broken-ar.json", &broken, "start"),
        ("bad-state.json", &bad_state, "state"),
        ("dup.json", &dup, "used more than once"),
    ] {
        let f = write(dir.path(), name, doc);
        let (ok, out) = validate(&[f.as_path()]);
        assert!(!ok, "{name} must be refused:\n{out}");
        assert!(out.contains(says), "{name}: {out}");
    }
}

#[test]
fn the_shipped_catalogs_are_valid_oscal_catalogs() {
    let dir = tempfile::tempdir().unwrap();
    let cpg = dir.path().join("cpg.json");
    let cpg2 = dir.path().join("cpg-2.0.json");
    let csf = dir.path().join("csf.json");
    std::fs::write(&cpg, CISA_CPG_JSON).unwrap();
    std::fs::write(&cpg2, CISA_CPG_2_0_JSON).unwrap();
    std::fs::write(&csf, NIST_CSF_JSON).unwrap();
    let synthetic =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogs/synthetic-cis.json");
    let (ok, out) = validate(&[&cpg, &cpg2, &csf, &synthetic]);
    assert!(ok, "{out}");
}

#[test]
fn exports_are_stable_and_say_what_the_assessment_found() {
    let input = sample_results();
    let a = to_pretty_json(&assessment_results(&input));
    assert_eq!(
        a,
        to_pretty_json(&assessment_results(&input)),
        "same input, same bytes"
    );
    let doc: Value = serde_json::from_str(&a).unwrap();
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    let result = &ar["results"][0];
    let selected = &result["reviewed-controls"]["control-selections"][0]["include-controls"];
    assert_eq!(selected.as_array().unwrap().len(), 3);
    assert_eq!(selected[0]["control-id"], "cisc-1.1");
    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "not-applicable items are not findings");
    assert_eq!(findings[1]["target"]["status"]["state"], "not-satisfied");
    assert_eq!(findings[1]["related-risks"].as_array().unwrap().len(), 1);
    let na = &result["observations"][2];
    assert!(
        na["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["value"] == "not-applicable")
    );
    assert!(na["remarks"].as_str().unwrap().contains("county IT"));
    let hashes = &ar["back-matter"]["resources"][1]["rlinks"][0]["hashes"][0];
    assert_eq!(hashes["algorithm"], "SHA-256");

    let mut other = input.clone();
    other.assessment_id = "a-18".into();
    let b: Value = assessment_results(&other);
    assert_ne!(b["assessment-results"]["uuid"], ar["uuid"]);

    let p = poam(&sample_poam());
    let pm = &p["plan-of-action-and-milestones"];
    assert_eq!(pm["poam-items"].as_array().unwrap().len(), 6);
    let kev = &pm["risks"][0];
    assert_eq!(kev["status"], "remediating");
    assert_eq!(
        kev["threat-ids"][0]["id"],
        "https://www.cve.org/CVERecord?id=CVE-2024-3400"
    );
    assert_eq!(kev["deadline"], "2026-10-01T00:00:00Z");
    let accepted = &pm["risks"][1];
    assert_eq!(accepted["status"], "deviation-approved");
    assert!(
        accepted["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "accepted-until" && p["value"] == "2027-03-31")
    );
    assert!(
        pm["poam-items"][1]["remarks"]
            .as_str()
            .unwrap()
            .contains("Risk accepted by County Clerk until 2027-03-31")
    );
    assert_eq!(pm["risks"][2]["status"], "closed");
    // A finding's risk UUID is the same in both documents, so they cross-reference.
    assert_eq!(
        ar["results"][0]["risks"][0]["uuid"],
        poam(&PoamInput {
            findings: vec![PoamFinding {
                id: "f-9".into(),
                ..sample_poam().findings[0].clone()
            }],
            ..sample_poam()
        })["plan-of-action-and-milestones"]["risks"][0]["uuid"]
    );
}

#[test]
fn exported_control_ids_read_back_to_our_item_ids() {
    for text in [CISA_CPG_JSON, CISA_CPG_2_0_JSON, NIST_CSF_JSON] {
        let c = read_catalog("shipped.json", text.as_bytes()).unwrap();
        let raw: Value = serde_json::from_str(text).unwrap();
        let mut oscal_ids = Vec::new();
        collect_control_ids(&raw["catalog"], &mut oscal_ids);
        for (_, item) in c.items() {
            let id = oscal_control_id(&c.id, &item.id);
            assert!(oscal_ids.contains(&id), "{} → {id}", item.id);
        }
    }
}

fn collect_control_ids(v: &Value, out: &mut Vec<String>) {
    for key in ["groups", "controls"] {
        if let Some(list) = v.get(key).and_then(Value::as_array) {
            for x in list {
                if key == "controls" {
                    out.push(x["id"].as_str().unwrap().to_string());
                }
                collect_control_ids(x, out);
            }
        }
    }
}
