//! Navigator risk assessments through the API, on SQLite and PostgreSQL (Part 213.40): a
//! catalog loaded once, an assessment answered (whole sets checked, nothing partial), the
//! workflow with its reviewers, scores that leave not-applicable out, the CSV, the facts of
//! 213.50(a)(3) recorded on validation, trends, the statewide roll-up and the anonymised peer
//! comparison. The catalog is synthetic and CIS-shaped, written for the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, audit_total, databases, ok};
use cybernav_app::RequestMeta;
use cybernav_app::assessments::{AnswerInput, AnswersInput, AssessmentInput, Origin};
use cybernav_core::assessment::Transition;
use cybernav_core::authz::system_actor;
use cybernav_core::scoring::synthetic_catalog;
use serde_json::{Value, json};
use uuid::Uuid;

fn errors(r: &Reply) -> Vec<(String, String)> {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_string(),
                e["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Every IG1 item of the synthetic catalog answered: level 4 on every dimension, except the
/// first, which is not applicable.
fn ig1_answers() -> Value {
    let c = synthetic_catalog(153);
    let mut out = Vec::new();
    for (i, (_, item)) in c
        .items()
        .filter(|(_, i)| i.implementation_group == Some(1))
        .enumerate()
    {
        if i == 0 {
            out.push(json!({"item": item.id, "not_applicable": true,
                            "justification": "No wireless networks at the office"}));
        } else {
            out.push(
                json!({"item": item.id, "policy_defined": 4, "control_implemented": 4,
                            "control_automated": 4, "control_reported": 4}),
            );
        }
    }
    json!({ "answers": out })
}

/// An authority with a validated assessment scoring `level × 25` %, made through the use cases.
async fn validated_authority(t: &TestApp, cycle: Uuid, n: usize, level: u8) -> Uuid {
    let system = system_actor();
    let meta = RequestMeta::default();
    let ea = t
        .app
        .create_election_authority(
            &system.manage_registry().unwrap(),
            &cybernav_core::election_authority::ElectionAuthorityInput {
                name: format!("Peer County Clerk {n}"),
                kind: "county_clerk".into(),
                county: "Alexander".into(),
                fips_code: "17003".into(),
                population: Some("1000".into()),
                zone: Some("West".into()),
            },
            &meta,
        )
        .await
        .unwrap();
    let id = t
        .app
        .create_assessment(
            &system.manage_assessments().unwrap(),
            &AssessmentInput {
                election_authority_id: ea,
                cycle_id: cycle,
                catalog_id: "synthetic-cis".into(),
                catalog_version: "1.0".into(),
                scope: "ig1".into(),
                method: "csat-4d-v1".into(),
                navigators: vec![],
            },
            &meta,
        )
        .await
        .unwrap();
    let c = synthetic_catalog(153);
    let answers = AnswersInput {
        answers: c
            .items()
            .filter(|(_, i)| i.implementation_group == Some(1))
            .map(|(_, i)| AnswerInput {
                item: i.id.clone(),
                policy_defined: Some(level),
                control_implemented: Some(level),
                control_automated: Some(level),
                control_reported: Some(level),
                ..Default::default()
            })
            .collect(),
    };
    t.app
        .save_answers(
            &system.answer_assessments_of(ea).unwrap(),
            id,
            &answers,
            &meta,
        )
        .await
        .unwrap();
    t.app
        .transition_assessment(&system, id, Transition::Complete, None, &meta)
        .await
        .unwrap();
    let pm = t.actor("program_manager").await;
    t.app
        .transition_assessment(&pm, id, Transition::Validate, None, &meta)
        .await
        .unwrap();
    ea
}

#[tokio::test]
async fn an_assessment_from_catalog_to_validated_scores() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let pm = t.token("program_manager").await;
        let nav = t.token("navigator").await;
        let other_nav = t.token("navigator_other").await;
        let clerk = t.token("ea_official").await;
        let partner = t.token("partner").await;
        let auditor = t.token("auditor").await;
        let adams = t.authorities["adams"];
        let audit_before = audit_total(&t).await;

        // The catalog loads once; the same content again changes nothing; other content under
        // the same id and version is refused.
        let catalog = synthetic_catalog(153);
        let body = json!({ "catalog": catalog }).to_string();
        let loaded = ok(
            &t.api_send("POST", &board, "/api/v1/catalogs", &body).await,
            StatusCode::CREATED,
        );
        assert_eq!(loaded["catalog"]["items"], 153);
        assert_eq!(loaded["catalog"]["origin"], "imported");
        ok(
            &t.api_send("POST", &board, "/api/v1/catalogs", &body).await,
            StatusCode::OK,
        );
        let mut changed = catalog.clone();
        changed.groups[0].items[0].title = "Something else".into();
        let r = t
            .api_send(
                "POST",
                &board,
                "/api/v1/catalogs",
                &json!({ "catalog": changed }).to_string(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let mut broken = catalog.clone();
        broken.id = "broken".into();
        broken.groups[1].items[0].id = "1.1".into();
        let e = errors(
            &t.api_send(
                "POST",
                &board,
                "/api/v1/catalogs",
                &json!({ "catalog": broken }).to_string(),
            )
            .await,
        );
        assert!(
            e.iter()
                .any(|(f, m)| f == "item 1.1" && m.contains("appears twice")),
            "{e:?}"
        );
        assert_eq!(
            t.api_get(&partner, "/api/v1/catalogs").await.status,
            StatusCode::FORBIDDEN
        );
        let list = ok(&t.api_get(&nav, "/api/v1/catalogs").await, StatusCode::OK);
        assert_eq!(list["catalogs"].as_array().unwrap().len(), 1);
        let got = ok(
            &t.api_get(&clerk, "/api/v1/catalogs/synthetic-cis/versions/1.0")
                .await,
            StatusCode::OK,
        );
        assert_eq!(got["body"]["groups"].as_array().unwrap().len(), 18);

        // A cycle, and an assessment of Adams assigned to its navigator.
        let cycle = ok(
            &t.api_send(
                "POST",
                &board,
                "/api/v1/grant-cycles",
                &json!({"name": "2027 HAVA", "grant_program": "HAVA", "funds": "1000.00",
                        "deadline": "2099-03-15", "time_zone": "America/Chicago"})
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        )["grant_cycle"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let create = json!({"election_authority": adams, "cycle": cycle,
            "catalog": "synthetic-cis", "catalog_version": "1.0", "scope": "ig1",
            "method": "csat-4d-v1", "navigators": [t.people["navigator"].id]})
        .to_string();
        assert_eq!(
            t.api_send("POST", &nav, "/api/v1/assessments", &create)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let a = ok(
            &t.api_send("POST", &pm, "/api/v1/assessments", &create)
                .await,
            StatusCode::CREATED,
        );
        let id = a["assessment"]["id"].as_str().unwrap().to_string();
        assert_eq!(a["assessment"]["state"], "assigned");
        let e = errors(
            &t.api_send("POST", &pm, "/api/v1/assessments", &create)
                .await,
        );
        assert!(e[0].1.contains("already has an assessment"), "{e:?}");
        let url = format!("/api/v1/assessments/{id}");
        let answers = format!("{url}/answers");
        let transitions = format!("{url}/transitions");

        // A draft is the navigators' working notes: the county does not see it yet, another
        // navigator does not know it exists.
        assert_eq!(t.api_get(&clerk, &url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            t.api_get(&other_nav, &url).await.status,
            StatusCode::NOT_FOUND
        );
        ok(&t.api_get(&auditor, &url).await, StatusCode::OK);
        assert_eq!(
            t.api_send("PUT", &auditor, &answers, &ig1_answers().to_string())
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // One wrong answer refuses the whole set, naming item and field; nothing is stored.
        let bad = json!({"answers": [
            {"item": "1.1", "policy_defined": 1, "control_implemented": 1, "control_automated": 1, "control_reported": 1},
            {"item": "2.1", "policy_defined": 1, "control_implemented": 2, "control_automated": 5, "control_reported": 0},
            {"item": "3.1", "not_applicable": true},
            {"item": "4.1", "policy_defined": 2},
            {"item": "99.9", "score": 3},
        ]});
        let e = errors(&t.api_send("PUT", &nav, &answers, &bad.to_string()).await);
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert!(fields.contains(&"item 2.1, control_automated"), "{e:?}");
        assert!(fields.contains(&"item 3.1, justification"), "{e:?}");
        assert!(fields.contains(&"item 4.1, control_implemented"), "{e:?}");
        assert!(fields.contains(&"item 99.9"), "{e:?}");
        assert!(
            e.iter()
                .any(|(_, m)| m.ends_with("5 is outside the scale 0 to 4")),
            "{e:?}"
        );
        let v = ok(&t.api_get(&nav, &url).await, StatusCode::OK);
        assert_eq!(v["assessment"]["answers"].as_array().unwrap().len(), 0);
        assert_eq!(v["assessment"]["state"], "assigned");

        // Part of the answers, then completing too early is refused with what is missing.
        let saved = ok(
            &t.api_send("PUT", &nav, &answers, &json!({"answers": [
                {"item": "1.1", "policy_defined": 2, "control_implemented": 2, "control_automated": 2, "control_reported": 2, "comment": "Asset list on paper"}
            ]}).to_string()).await,
            StatusCode::OK,
        );
        assert_eq!(saved["changed"], 1);
        assert_eq!(saved["assessment"]["state"], "in_progress");
        let e = errors(
            &t.api_send(
                "POST",
                &nav,
                &transitions,
                &json!({"action": "complete"}).to_string(),
            )
            .await,
        );
        assert!(e[0].1.contains("not answered yet"), "{e:?}");

        // Every IG1 item answered: n/a is left out of the average, never scored as zero.
        let saved = ok(
            &t.api_send("PUT", &nav, &answers, &ig1_answers().to_string())
                .await,
            StatusCode::OK,
        );
        let scores = &saved["assessment"]["scores"];
        assert_eq!(scores["overall"]["percent"], 100.0, "{scores}");
        assert_eq!(scores["overall"]["not_applicable"], 1);
        assert_eq!(scores["overall"]["scored"], 50);
        assert_eq!(saved["assessment"]["scores_count"], false);

        // An answer outside the scope is kept when the scope narrows and widens again.
        ok(
            &t.api_send(
                "PUT",
                &nav,
                &answers,
                &json!({"answers": [{"item": "2.1", "score": null, "policy_defined": 0,
                "control_implemented": 0, "control_automated": 0, "control_reported": 0}]})
                .to_string(),
            )
            .await,
            StatusCode::OK,
        );
        let system = system_actor();
        let manager = system.manage_assessments().unwrap();
        let aid: Uuid = id.parse().unwrap();
        // 2.1 is IG2 (items cycle IG1, IG2, IG3 in catalog order).
        let v = t.app.assessment(&system, aid).await.unwrap();
        assert!(
            v.scores
                .items
                .iter()
                .any(|i| i.item == "2.1" && !i.in_scope && i.answered)
        );
        t.app
            .set_assessment_scope(&manager, aid, "ig2", &RequestMeta::default())
            .await
            .unwrap();
        let wide = t.app.assessment(&system, aid).await.unwrap();
        assert!(wide.scores.overall.percent.unwrap() < 100.0);
        t.app
            .set_assessment_scope(&manager, aid, "ig1", &RequestMeta::default())
            .await
            .unwrap();
        let narrow = t.app.assessment(&system, aid).await.unwrap();
        assert_eq!(narrow.answers.len(), wide.answers.len(), "no answer lost");
        assert_eq!(narrow.scores.overall.percent, Some(100.0));

        // Complete; the navigator may not validate; the county now sees it.
        let done = ok(
            &t.api_send(
                "POST",
                &nav,
                &transitions,
                &json!({"action": "complete"}).to_string(),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(done["assessment"]["state"], "complete");
        assert_eq!(
            t.api_send(
                "POST",
                &nav,
                &transitions,
                &json!({"action": "validate"}).to_string()
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(
            t.api_send(
                "POST",
                &clerk,
                &transitions,
                &json!({"action": "validate"}).to_string()
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        // Closed to answers while it waits for review.
        let e = errors(
            &t.api_send("PUT", &nav, &answers, &ig1_answers().to_string())
                .await,
        );
        assert!(e[0].1.contains("only while it is in progress"), "{e:?}");

        // Sent back needs a reason, then goes back to the navigator.
        let e = errors(
            &t.api_send(
                "POST",
                &pm,
                &transitions,
                &json!({"action": "send_back"}).to_string(),
            )
            .await,
        );
        assert_eq!(e[0].0, "note");
        let back = ok(
            &t.api_send(
                "POST",
                &pm,
                &transitions,
                &json!({"action": "send_back", "note": "Check 1.1 against the asset list"})
                    .to_string(),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(back["assessment"]["state"], "in_progress");
        assert_eq!(t.api_get(&clerk, &url).await.status, StatusCode::NOT_FOUND);
        ok(
            &t.api_send(
                "POST",
                &nav,
                &transitions,
                &json!({"action": "complete"}).to_string(),
            )
            .await,
            StatusCode::OK,
        );

        // Validated by the Program Manager: the scores count, and 213.50(a)(3) follows.
        let v = ok(
            &t.api_send(
                "POST",
                &pm,
                &transitions,
                &json!({"action": "validate"}).to_string(),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(v["assessment"]["state"], "validated");
        assert_eq!(v["assessment"]["scores_count"], true);
        let actions: Vec<&str> = v["assessment"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            vec![
                "create",
                "start",
                "complete",
                "send_back",
                "complete",
                "validate"
            ]
        );
        let reader = system.read_registry().unwrap();
        let facts = t.app.recorded_facts(&reader, adams).await.unwrap();
        for fact in [
            "assessment.risk_assessment_done",
            "assessment.cis_analysis_done",
        ] {
            let f = facts.iter().find(|f| f.fact == fact).expect(fact);
            assert!(f.holds);
            assert!(f.note.as_deref().unwrap().contains("validated"));
        }
        let e = errors(
            &t.api_send(
                "POST",
                &pm,
                &transitions,
                &json!({"action": "send_back", "note": "again"}).to_string(),
            )
            .await,
        );
        assert!(e[0].1.contains("cannot be sent back"), "{e:?}");

        // The history of an item keeps every version.
        let history = t.app.answer_history(&system, aid, "1.1").await.unwrap();
        assert_eq!(history.len(), 2);

        // The CSV: a header and one line per catalog item.
        let csv = t.api_get(&clerk, &format!("{url}/answers.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines.len(), 154);
        assert!(lines[0].starts_with("group,item,title"));
        assert!(
            lines
                .iter()
                .any(|l| l.contains("No wireless networks at the office"))
        );

        // Trend and peers: too few others to compare without revealing one.
        let scores_url =
            format!("/api/v1/election-authorities/{adams}/scores?catalog=synthetic-cis");
        let s = ok(&t.api_get(&clerk, &scores_url).await, StatusCode::OK);
        assert_eq!(s["trend"].as_array().unwrap().len(), 1);
        assert_eq!(s["trend"][0]["overall"], 100.0);
        assert_eq!(s["peers"]["status"], "too_few_peers");
        assert_eq!(
            t.api_get(&partner, &scores_url).await.status,
            StatusCode::FORBIDDEN
        );
        let list = ok(
            &t.api_get(
                &clerk,
                &format!("/api/v1/election-authorities/{adams}/assessments"),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(list["assessments"].as_array().unwrap().len(), 1);

        // Five more validated authorities: now Adams sees where it stands, with no names.
        let cycle_id: Uuid = cycle.parse().unwrap();
        for (n, level) in [0u8, 1, 2, 3, 4].into_iter().enumerate() {
            validated_authority(&t, cycle_id, n, level).await;
        }
        let s = ok(&t.api_get(&clerk, &scores_url).await, StatusCode::OK);
        assert_eq!(s["peers"]["status"], "compared", "{s}");
        assert_eq!(s["peers"]["comparison"]["own"], 100.0);
        assert_eq!(s["peers"]["comparison"]["peers"]["count"], 5);
        assert_eq!(s["peers"]["comparison"]["percentile"], 80.0);
        assert!(!s.to_string().contains("Peer County"), "no names: {s}");

        // The statewide roll-up, by name, for the Board, the Program Manager and auditors.
        let sw = ok(
            &t.api_get(&auditor, "/api/v1/catalogs/synthetic-cis/statewide-scores")
                .await,
            StatusCode::OK,
        );
        assert_eq!(
            sw["statewide_scores"]["authorities"]
                .as_array()
                .unwrap()
                .len(),
            6
        );
        assert_eq!(sw["statewide_scores"]["distribution"]["count"], 6);
        assert_eq!(sw["statewide_scores"]["not_assessed"], 2);
        assert_eq!(
            t.api_get(&nav, "/api/v1/catalogs/synthetic-cis/statewide-scores")
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        assert!(audit_total(&t).await > audit_before + 10);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_person_who_completed_it_does_not_validate_it() {
    let t = TestApp::new(common::Db::Sqlite).await;
    let system = system_actor();
    let meta = RequestMeta::default();
    t.app
        .load_catalog(
            &system.manage_catalogs().unwrap(),
            &synthetic_catalog(12),
            Origin::Imported,
            None,
            &meta,
        )
        .await
        .unwrap();
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let adams = t.authorities["adams"];
    let id = t
        .app
        .create_assessment(
            &system.manage_assessments().unwrap(),
            &AssessmentInput {
                election_authority_id: adams,
                cycle_id: cycle,
                catalog_id: "synthetic-cis".into(),
                catalog_version: "1.0".into(),
                scope: "ig3".into(),
                method: "simple-5-v1".into(),
                navigators: vec![],
            },
            &meta,
        )
        .await
        .unwrap();
    let pm = t.actor("program_manager").await;
    let answers = AnswersInput {
        answers: synthetic_catalog(12)
            .items()
            .map(|(_, i)| AnswerInput {
                item: i.id.clone(),
                score: Some(3),
                ..Default::default()
            })
            .collect(),
    };
    t.app
        .save_answers(
            &pm.answer_assessments_of(adams).unwrap(),
            id,
            &answers,
            &meta,
        )
        .await
        .unwrap();
    t.app
        .transition_assessment(&pm, id, Transition::Complete, None, &meta)
        .await
        .unwrap();
    let refused = t
        .app
        .transition_assessment(&pm, id, Transition::Validate, None, &meta)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("another reviewer")
            || matches!(refused, cybernav_app::AppError::Invalid(_))
    );
    let board = t.actor("board_admin").await;
    t.app
        .transition_assessment(&board, id, Transition::Validate, None, &meta)
        .await
        .unwrap();
    let v = t.app.assessment(&board, id).await.unwrap();
    assert_eq!(v.scores.overall.percent, Some(50.0), "(3 − 1) × 25");
    t.cleanup().await;
}
