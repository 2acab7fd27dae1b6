//! Written verification (Part 213.50(b)) through the API, on SQLite and PostgreSQL: a navigator
//! verifies 213.50(a)(3) for an authority assigned to them, the Program Manager verifies
//! 213.50(a), the signed file verifies against the published key, and a fact changed afterwards
//! makes the attestation stale.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{StatusCode, header};
use common::{Reply, TestApp, databases, ok};
use cybernav_core::attestation::{parse_public_key, verify};
use serde_json::{Value, json};

async fn new_cycle(t: &TestApp, token: &str) -> String {
    let body = json!({
        "name": "2027 HAVA Election Security",
        "grant_program": "HAVA Election Security Grant (EAC)",
        "funds": "13,903,208.00",
        "deadline": "2099-03-15",
        "time_zone": "America/Chicago",
    })
    .to_string();
    let r = t
        .api_send("POST", token, "/api/v1/grant-cycles", &body)
        .await;
    ok(&r, StatusCode::CREATED)["grant_cycle"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn record(t: &TestApp, token: &str, ea: uuid::Uuid, fact: &str, body: Value) {
    let url = format!("/api/v1/election-authorities/{ea}/facts/{fact}");
    ok(
        &t.api_send("PUT", token, &url, &body.to_string()).await,
        StatusCode::NO_CONTENT,
    );
}

fn details(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["field"], "requirements");
            e["detail"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn navigators_and_the_program_manager_verify_in_writing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let pm = t.token("program_manager").await;
        let nav = t.token("navigator").await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let cycle = new_cycle(&t, &board).await;
        let attest = |ea: uuid::Uuid| {
            format!("/api/v1/election-authorities/{ea}/attestations?cycle={cycle}")
        };
        let as_navigator = json!({"kind": "navigator_a3"}).to_string();
        let as_pm = json!({"kind": "program_manager_a"}).to_string();

        // Nothing recorded yet: refused, naming both (a)(3) requirements and why.
        let r = t
            .api_send("POST", &nav, &attest(adams), &as_navigator)
            .await;
        let why = details(&r);
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(
            why[0].contains("213.50(a)(3) Navigators' assessment allowed is not met"),
            "{why:?}"
        );
        assert!(why[1].contains("Not yet: risk assessment done by the navigators."));
        // Not their authority: it does not exist for them.
        assert_eq!(
            t.api_send("POST", &nav, &attest(cook), &as_navigator)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // The Board receives verification; it does not give it.
        assert_eq!(
            t.api_send("POST", &board, &attest(adams), &as_pm)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = t
            .api_send("POST", &nav, &attest(adams), r#"{"kind":"navigator_a4"}"#)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("program_manager_a"), "{}", r.body);

        let today = time::OffsetDateTime::now_utc().date();
        let yesterday = today.previous_day().unwrap();
        record(
            &t,
            &nav,
            adams,
            "assessment.allowed",
            json!({"holds": true}),
        )
        .await;
        record(
            &t,
            &nav,
            adams,
            "assessment.risk_assessment_done",
            json!({"holds": true, "on": today.to_string()}),
        )
        .await;
        record(
            &t,
            &nav,
            adams,
            "assessment.cis_analysis_done",
            json!({"holds": true, "on": today.to_string()}),
        )
        .await;

        let a = ok(
            &t.api_send("POST", &nav, &attest(adams), &as_navigator)
                .await,
            StatusCode::CREATED,
        );
        let nav_attestation = a["attestation"].clone();
        assert_eq!(nav_attestation["kind"], "navigator_a3");
        assert_eq!(nav_attestation["signer_role"], "navigator");
        assert_eq!(nav_attestation["stale"], false);

        // The signed file verifies against the published key.
        let key = ok(
            &t.api_get(&nav, "/api/v1/attestation-key").await,
            StatusCode::OK,
        );
        let key = parse_public_key(key["attestation_key"]["public_key"].as_str().unwrap()).unwrap();
        let file = t
            .api_get(&nav, nav_attestation["file_url"].as_str().unwrap())
            .await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(
            file.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"attestation-")
        );
        let signed = verify(file.body.as_bytes(), Some(&key)).unwrap();
        assert_eq!(
            signed.document.election_authority.name,
            "Adams County Clerk"
        );
        assert_eq!(signed.document.clause, "213.50(a)(3)");
        assert_eq!(signed.document.signer.email, "navigator@test.example");
        assert_eq!(
            signed.document.facts_digest,
            nav_attestation["facts_digest"].as_str().unwrap()
        );
        let letter = t
            .api_get(&nav, nav_attestation["letter_url"].as_str().unwrap())
            .await;
        assert_eq!(letter.status, StatusCode::OK);
        assert_eq!(letter.headers[header::CONTENT_TYPE], "application/pdf");
        assert!(letter.body.starts_with("%PDF-"));
        assert!(letter.body.contains("Adams County Clerk"));

        // The Program Manager verifies all of (a): refused until (a)(1) and (a)(2) are met.
        let r = t.api_send("POST", &pm, &attest(adams), &as_pm).await;
        let why = details(&r);
        assert_eq!(why.len(), 4, "icn, isac, data sharing, training: {why:?}");
        assert!(why[0].contains("213.50(a)(1)"), "{why:?}");
        // A navigator may not give the Program Manager's verification.
        assert_eq!(
            t.api_send("POST", &nav, &attest(adams), &as_pm)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        record(&t, &nav, adams, "icn.connected", json!({"holds": true})).await;
        record(
            &t,
            &nav,
            adams,
            "isac.registered",
            json!({"holds": true, "note": "EI-ISAC"}),
        )
        .await;
        record(
            &t,
            &nav,
            adams,
            "data_sharing.established",
            json!({"holds": true}),
        )
        .await;
        record(
            &t,
            &nav,
            adams,
            "training.designee_trained",
            json!({"holds": true, "on": today.to_string()}),
        )
        .await;
        let a = ok(
            &t.api_send("POST", &pm, &attest(adams), &as_pm).await,
            StatusCode::CREATED,
        );
        assert_eq!(a["attestation"]["kind"], "program_manager_a");
        assert_eq!(a["attestation"]["signer_role"], "program_manager");

        // Both listed, neither stale.
        let list_url = format!("/api/v1/election-authorities/{adams}/attestations");
        let clerk = t.token("ea_official").await;
        let stale = |l: &Value| -> Vec<(String, bool)> {
            l["attestations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    (
                        a["kind"].as_str().unwrap().to_string(),
                        a["stale"].as_bool().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let l = ok(&t.api_get(&clerk, &list_url).await, StatusCode::OK);
        assert_eq!(l["meta"]["total"], 2);
        let mut s = stale(&l);
        s.sort();
        assert_eq!(
            s,
            [
                ("navigator_a3".to_string(), false),
                ("program_manager_a".to_string(), false)
            ]
        );

        // A fact under (a)(2) changes: the Program Manager's verification is stale, the
        // navigator's (a)(3) one is not.
        record(
            &t,
            &board,
            adams,
            "data_sharing.established",
            json!({"holds": false}),
        )
        .await;
        let mut s = stale(&ok(&t.api_get(&clerk, &list_url).await, StatusCode::OK));
        s.sort();
        assert_eq!(
            s,
            [
                ("navigator_a3".to_string(), false),
                ("program_manager_a".to_string(), true)
            ]
        );
        // The CIS analysis's date is corrected: the navigator's is stale too.
        record(
            &t,
            &nav,
            adams,
            "assessment.cis_analysis_done",
            json!({"holds": true, "on": yesterday.to_string()}),
        )
        .await;
        let l = ok(&t.api_get(&clerk, &list_url).await, StatusCode::OK);
        assert!(stale(&l).iter().all(|(_, s)| *s), "{l}");
        let item = l["attestations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "navigator_a3")
            .unwrap();
        assert_ne!(item["facts_digest"], item["current_facts_digest"]);
        // The signed file itself is unchanged and still verifies.
        let file = t
            .api_get(&clerk, nav_attestation["file_url"].as_str().unwrap())
            .await;
        assert!(verify(file.body.as_bytes(), Some(&key)).is_ok());

        // Outside the scope nothing is visible; partners see no registry.
        let other = t.token("navigator_other").await;
        assert_eq!(
            t.api_get(&other, &list_url).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.api_get(&other, nav_attestation["file_url"].as_str().unwrap())
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let partner = t.token("partner").await;
        assert_eq!(
            t.api_get(&partner, &list_url).await.status,
            StatusCode::FORBIDDEN
        );

        // Both signings were audited.
        let auditor = t.token("auditor").await;
        let events = ok(
            &t.api_get(&auditor, "/api/v1/audit-events?per_page=100")
                .await,
            StatusCode::OK,
        );
        let signed = events["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "attestation.sign")
            .count();
        assert_eq!(signed, 2);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_operator_supplied_key_signs_and_none_is_stored() {
    for db in databases() {
        let key = cybernav_core::attestation::PlatformKey::generate();
        let public = key.public_base64();
        let t = TestApp::with_config(db, |c| {
            c.mfa_required_roles.clear();
            c.signing_key = Some(key);
        })
        .await;
        let nav = t.token("navigator").await;
        let k = ok(
            &t.api_get(&nav, "/api/v1/attestation-key").await,
            StatusCode::OK,
        );
        assert_eq!(k["attestation_key"]["public_key"], public.as_str());
        assert_eq!(k["attestation_key"]["algorithm"], "Ed25519");
        let mut tx = t.app.store.read().await.unwrap();
        assert!(
            tx.active_signing_key("attestation")
                .await
                .unwrap()
                .is_none(),
            "the operator's key is not copied into the database"
        );
        drop(tx);
        t.cleanup().await;
    }
}
