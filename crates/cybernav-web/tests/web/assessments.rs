//! Navigator risk assessments through the API, on SQLite and PostgreSQL (Part 213.40): a
//! catalog loaded once, an assessment answered (whole sets checked, nothing partial), the
//! workflow with its reviewers, scores that leave not-applicable out, the CSV, the facts of
//! 213.50(a)(3) recorded on validation, trends, the statewide roll-up and the anonymised peer
//! comparison. The catalog is synthetic and CIS-shaped, written for the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{AssessmentSetup, Reply, Stage, TestApp, audit_total, databases, ok, refusal};
use cybernav_app::RequestMeta;
use cybernav_app::assessments::{AnswerInput, AnswersInput};
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
    let c = synthetic_catalog(153);
    let answers = c
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
        .collect();
    common::assessment(
        t,
        AssessmentSetup {
            authority: ea,
            scope: "ig1",
            method: "csat-4d-v1",
            navigators: Vec::new(),
            answers,
            stage: Stage::Validated,
            ..AssessmentSetup::simple(t, c, cycle, 1)
        },
    )
    .await;
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
    let meta = RequestMeta::default();
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let adams = t.authorities["adams"];
    let id = common::assessment(
        &t,
        AssessmentSetup {
            answers: Vec::new(),
            stage: Stage::Answered,
            ..AssessmentSetup::simple(&t, synthetic_catalog(12), cycle, 3)
        },
    )
    .await;
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

/// Six items on the simple scale: 1.1 at 0 % (high), 2.1 at 25 % (medium), 3.1 at 50 % (at
/// the threshold), 4.1 not applicable, 5.1 and 6.1 at 100 %; marked complete.
async fn mixed_assessment(t: &TestApp, cycle: Uuid) -> Uuid {
    let mut setup = AssessmentSetup::simple(t, synthetic_catalog(6), cycle, 5);
    setup.answers[0].score = Some(1);
    setup.answers[1].score = Some(2);
    setup.answers[2].score = Some(3);
    setup.answers[3].score = None;
    setup.answers[3].not_applicable = true;
    setup.answers[3].justification = Some("No wireless network at the office".into());
    common::assessment(t, setup).await
}

#[tokio::test]
async fn findings_are_raised_once_from_the_items_below_the_threshold() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
        let id = mixed_assessment(&t, cycle).await;
        let url = format!("/api/v1/assessments/{id}/findings");
        let nav = t.token("navigator").await;
        let clerk = t.token("ea_official").await;
        let audit_before = audit_total(&t).await;

        // The county reads the assessment but raises nothing, and nothing is stored.
        let r = t.api_send("POST", &clerk, &url, "{}").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(audit_total(&t).await, audit_before);

        // A named item that cannot be raised refuses the whole request, by item.
        let (fields, why) = refusal(
            &t.api_send("POST", &nav, &url, r#"{"items":["1.1","4.1","5.1","9.9"]}"#)
                .await,
        );
        assert_eq!(
            fields,
            ["items, item 4.1", "items, item 5.1", "items, item 9.9"],
            "{why}"
        );
        assert!(why.contains("not applicable"), "{why}");
        assert!(why.contains("not below the threshold of 50 %"), "{why}");
        assert_eq!(audit_total(&t).await, audit_before, "nothing stored");

        // One item from its row.
        let one = ok(
            &t.api_send("POST", &nav, &url, r#"{"items":["2.1"]}"#).await,
            StatusCode::OK,
        );
        assert_eq!(one["raised_count"], 1, "{one}");
        assert_eq!(one["raised"][0]["item"], "2.1");
        let finding = one["raised"][0]["finding"].as_str().unwrap().to_string();
        let f = ok(
            &t.api_get(&nav, &format!("/api/v1/findings/{finding}"))
                .await,
            StatusCode::OK,
        );
        let f = &f["finding"];
        assert_eq!(f["source"], "navigator_assessment", "{f}");
        assert_eq!(f["severity"], "medium", "25 % is medium");
        assert_eq!(f["owner"], "election_office");
        assert_eq!(f["assessment_id"], id.to_string());
        assert_eq!(f["catalog_item_id"], "2.1");
        assert!(
            f["title"]
                .as_str()
                .unwrap()
                .starts_with("2.1 Synthetic safeguard 2.1")
        );
        assert!(
            f["target_date"].is_string(),
            "the medium window sets a target date"
        );

        // All below the threshold: 1.1 is raised, 2.1 already has one, 3.1 (at the
        // threshold), 4.1 (n/a) and the rest are not touched.
        let all = ok(&t.api_send("POST", &nav, &url, "{}").await, StatusCode::OK);
        assert_eq!(all["raised_count"], 1, "{all}");
        assert_eq!(all["raised"][0]["item"], "1.1");
        assert_eq!(all["skipped_count"], 1);
        assert_eq!(all["skipped"][0]["finding"], finding.as_str());
        assert_eq!(all["threshold_percent"], 50.0);
        let high = all["raised"][0]["finding"].as_str().unwrap();
        let f = ok(
            &t.api_get(&nav, &format!("/api/v1/findings/{high}")).await,
            StatusCode::OK,
        );
        assert_eq!(f["finding"]["severity"], "high", "0 % is high");

        // A second run raises none.
        let again = ok(&t.api_send("POST", &nav, &url, "{}").await, StatusCode::OK);
        assert_eq!(again["raised_count"], 0, "{again}");
        assert_eq!(again["skipped_count"], 2);
        let list = ok(
            &t.api_get(
                &nav,
                &format!("/api/v1/election-authorities/{adams}/findings"),
            )
            .await,
            StatusCode::OK,
        );
        let linked: Vec<&str> = list["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["assessment_id"] == id.to_string())
            .map(|f| f["catalog_item_id"].as_str().unwrap())
            .collect();
        assert_eq!(linked.len(), 2, "{linked:?}");
        assert!(linked.contains(&"1.1") && linked.contains(&"2.1"));

        // An open assessment raises nothing yet.
        let mut other = synthetic_catalog(7);
        other.id = "synthetic-other".into();
        let draft = common::assessment(
            &t,
            AssessmentSetup {
                answers: Vec::new(),
                stage: Stage::Answered,
                ..AssessmentSetup::simple(&t, other, cycle, 1)
            },
        )
        .await;
        let (fields, why) = refusal(
            &t.api_send(
                "POST",
                &nav,
                &format!("/api/v1/assessments/{draft}/findings"),
                "{}",
            )
            .await,
        );
        assert_eq!(fields, ["assessment"], "{why}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_threshold_setting_moves_which_items_are_raised() {
    let t = TestApp::with_config(common::Db::Sqlite, |c| {
        c.mfa_required_roles.clear();
        c.finding_threshold_percent = 60.0;
    })
    .await;
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let id = mixed_assessment(&t, cycle).await;
    let nav = t.token("navigator").await;
    let all = ok(
        &t.api_send(
            "POST",
            &nav,
            &format!("/api/v1/assessments/{id}/findings"),
            "{}",
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(all["threshold_percent"], 60.0);
    let items: Vec<&str> = all["raised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["1.1", "2.1", "3.1"], "50 % is below 60 %");
    t.cleanup().await;
}

#[tokio::test]
async fn evidence_scope_and_default_navigators_through_the_api() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
        let board = t.token("board_admin").await;
        let nav = t.token("navigator").await;
        let clerk = t.token("ea_official").await;
        ok(
            &t.api_send(
                "POST",
                &board,
                "/api/v1/catalogs",
                &json!({ "catalog": synthetic_catalog(12) }).to_string(),
            )
            .await,
            StatusCode::CREATED,
        );

        // No navigators named: the authority's own are assigned, as the page does.
        let created = ok(
            &t.api_send(
                "POST",
                &board,
                "/api/v1/assessments",
                &json!({"election_authority": adams, "cycle": cycle, "catalog": "synthetic-cis",
                        "catalog_version": "1.0", "scope": "ig1", "method": "simple-5-v1"})
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(
            created["assessment"]["navigators"],
            json!([t.people["navigator"].id]),
            "{created}"
        );
        let id = created["assessment"]["id"].as_str().unwrap().to_string();

        // Scope: changed with answers kept; a bad one is refused by field.
        ok(
            &t.api_send(
                "PUT",
                &nav,
                &format!("/api/v1/assessments/{id}/answers"),
                r#"{"answers":[{"item":"2.1","score":4}]}"#,
            )
            .await,
            StatusCode::OK,
        );
        let scope_url = format!("/api/v1/assessments/{id}/scope");
        let (fields, _) = refusal(
            &t.api_send("PUT", &board, &scope_url, r#"{"scope":"ig9"}"#)
                .await,
        );
        assert_eq!(fields, ["scope"]);
        assert_eq!(
            t.api_send("PUT", &nav, &scope_url, r#"{"scope":"ig2"}"#)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let wide = ok(
            &t.api_send("PUT", &board, &scope_url, r#"{"scope":"ig2"}"#)
                .await,
            StatusCode::OK,
        );
        assert_eq!(wide["assessment"]["scope"], "ig2");
        let narrow = ok(
            &t.api_send("PUT", &board, &scope_url, r#"{"scope":"ig1"}"#)
                .await,
            StatusCode::OK,
        );
        assert!(
            narrow["assessment"]["answers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["item"] == "2.1"),
            "the answer outside the scope is kept: {narrow}"
        );

        // Evidence per item: checked, fingerprinted, listed and downloaded.
        let ev_url = format!("/api/v1/assessments/{id}/items/1.1/evidence");
        let (fields, why) = refusal(&t.api_upload(&nav, &ev_url, "tool.exe", b"MZ\x90\x00").await);
        assert_eq!(fields, ["file"], "{why}");
        let (fields, _) = refusal(
            &t.api_upload(
                &nav,
                &format!("/api/v1/assessments/{id}/items/99.9/evidence"),
                "policy.pdf",
                b"%PDF-1.4 x",
            )
            .await,
        );
        assert_eq!(fields, ["item"]);
        let filed = ok(
            &t.api_upload(&nav, &ev_url, "policy.pdf", b"%PDF-1.4 the policy")
                .await,
            StatusCode::CREATED,
        );
        let e = &filed["evidence"];
        assert_eq!(e["sha256"].as_str().unwrap().len(), 64, "{filed}");
        assert_eq!(e["file_name"], "policy.pdf");
        assert_eq!(
            t.api_upload(&clerk, &ev_url, "policy.pdf", b"%PDF-1.4 x")
                .await
                .status,
            StatusCode::NOT_FOUND,
            "the county does not see a draft"
        );
        let list = ok(&t.api_get(&nav, &ev_url).await, StatusCode::OK);
        assert_eq!(list["meta"]["total"], 1, "{list}");
        let eid = list["evidence"][0]["id"].as_str().unwrap();
        let file = t.api_get(&nav, &format!("{ev_url}/{eid}")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body, "%PDF-1.4 the policy");
        assert!(
            file.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(
            t.api_get(
                &nav,
                &format!("/api/v1/assessments/{id}/items/2.1/evidence/{eid}")
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "a file is found only under its own item"
        );
        t.cleanup().await;
    }
}
