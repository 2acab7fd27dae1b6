//! OSCAL exports through the API, on SQLite and PostgreSQL (issue 4 item 8): a validated
//! assessment's results and an authority's POA&M come out as files that validate against the
//! OSCAL models (`scripts/validate-oscal`, compliance-trestle, installed by scripts/setup); an
//! assessment not yet validated is refused, and partners get nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::Command;

use axum::http::{StatusCode, header};
use common::{AssessmentSetup, TestApp, databases, grant_cycle, ok, refusal};
use cybernav_app::RequestMeta;
use cybernav_app::findings::FindingInput;
use cybernav_core::assessment::Transition;
use cybernav_core::authz::system_actor;
use cybernav_core::scoring::synthetic_catalog;

/// Runs scripts/validate-oscal on `file`; returns (success, what it printed).
fn validate(file: &Path) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/validate-oscal");
    let out = Command::new("python3")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn a_validated_assessment_and_the_findings_export_as_valid_oscal() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let system = system_actor();
        let meta = RequestMeta::default();
        let cycle = grant_cycle(&t, "2027 HAVA", "1,000,000.00").await;
        let catalog = synthetic_catalog(12);
        let items: Vec<String> = catalog.items().map(|(_, i)| i.id.clone()).collect();
        let mut setup = AssessmentSetup::simple(&t, catalog, cycle, 5);
        for (n, a) in setup.answers.iter_mut().enumerate() {
            if n == 0 {
                a.score = None;
                a.not_applicable = true;
                a.justification = Some("The office has no wireless network".into());
            } else {
                a.score = Some(if n % 2 == 0 { 5 } else { 2 });
                a.comment = Some(format!("Checked on site, item {}", a.item));
            }
        }
        let id = common::assessment(&t, setup).await;

        let board = t.token("board_admin").await;
        let results = format!("/api/v1/assessments/{id}/oscal/assessment-results");
        let (_, why) = refusal(&t.api_get(&board, &results).await);
        assert!(why.contains("validated answers only"), "{why}");

        t.app
            .transition_assessment(
                &t.actor("program_manager").await,
                id,
                Transition::Validate,
                None,
                &meta,
            )
            .await
            .unwrap();
        t.app
            .create_finding(
                &system.manage_findings_of(adams).unwrap(),
                &FindingInput {
                    source: "navigator_assessment".into(),
                    severity: "critical".into(),
                    title: "Remote access without multi-factor sign-in".into(),
                    description: "The VPN accepts a password alone.".into(),
                    cve: Some("CVE-2024-3400".into()),
                    host: Some("192.0.2.10".into()),
                    port: Some("443".into()),
                    owner: "county_it".into(),
                    assessment_id: Some(id.to_string()),
                    catalog_item_id: Some(items[1].clone()),
                    recommendation_template: Some("patching".into()),
                    ..Default::default()
                },
                &meta,
            )
            .await
            .unwrap();

        let r = t.api_get(&board, &results).await;
        ok(&r, StatusCode::OK);
        assert!(
            r.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
        );
        assert!(r.body.contains("\"not-applicable\"") || r.body.contains("not-applicable"));
        assert!(
            r.body
                .contains("Remote access without multi-factor sign-in")
        );
        let ar = dir.path().join("assessment-results.json");
        std::fs::write(&ar, &r.body).unwrap();
        let (valid, said) = validate(&ar);
        assert!(valid, "{said}");
        let again = t.api_get(&board, &results).await;
        assert_eq!(again.body, r.body, "a re-export is byte-identical");

        let poam = format!("/api/v1/election-authorities/{adams}/oscal/poam");
        let r = t.api_get(&board, &poam).await;
        ok(&r, StatusCode::OK);
        assert!(r.body.contains("CVE-2024-3400"), "{}", r.body);
        let file = dir.path().join("poam.json");
        std::fs::write(&file, &r.body).unwrap();
        let (valid, said) = validate(&file);
        assert!(valid, "{said}");

        // The navigators' need score reads the same assessment and finding.
        let needs = ok(
            &t.api_get(&board, "/api/v1/need-scores").await,
            StatusCode::OK,
        );
        let entry = needs["need_scores"]
            .as_array()
            .expect("a list of need scores")
            .iter()
            .find(|n| n["election_authority"] == adams.to_string())
            .cloned()
            .expect("Adams has a need score");
        assert_eq!(entry["assessed"], true, "{entry}");
        assert!(entry["overall_score"].as_f64().is_some(), "{entry}");
        assert!(
            entry["findings"].as_f64().unwrap() > 0.0,
            "an open critical finding adds need: {entry}"
        );

        // The county reads its own; a partner reads neither.
        let clerk = t.token("ea_official").await;
        ok(&t.api_get(&clerk, &poam).await, StatusCode::OK);
        let partner = t.token("partner").await;
        for url in [&results, &poam] {
            let r = t.api_get(&partner, url).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{url}: {}",
                r.status
            );
        }
        t.cleanup().await;
    }
}
