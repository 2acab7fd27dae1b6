//! Participation through the API, on SQLite and PostgreSQL: a grant cycle, the facts the
//! navigators record, the county's certification, and eligibility with its reasons.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases, ok, refusal};
use serde_json::{Value, json};

async fn new_cycle(t: &TestApp, token: &str, name: &str, deadline: &str) -> String {
    let body = json!({
        "name": name,
        "grant_program": "HAVA Election Security Grant (EAC)",
        "funds": "13,903,208.00",
        "deadline": deadline,
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

fn requirement<'a>(p: &'a Value, id: &str) -> &'a Value {
    p["participation"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no requirement {id}"))
}

#[tokio::test]
async fn a_county_becomes_eligible_step_by_step() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let nav = t.token("navigator").await;
        let clerk = t.token("ea_official").await;
        let adams = t.authorities["adams"];

        let cycle = new_cycle(&t, &board, "2027 HAVA Election Security", "2099-03-15").await;
        let listed = ok(
            &t.api_get(&clerk, "/api/v1/grant-cycles").await,
            StatusCode::OK,
        );
        assert_eq!(listed["meta"]["total"], 1);
        assert_eq!(listed["grant_cycles"][0]["funds_cents"], 1_390_320_800_i64);
        assert_eq!(listed["grant_cycles"][0]["requirement_set"], "il-part-213");

        let url = format!("/api/v1/election-authorities/{adams}/participation?cycle={cycle}");
        let p = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(p["participation"]["eligible"], false);
        assert_eq!(p["participation"]["certification"], Value::Null);
        assert!(p["participation"]["days_left"].as_i64().unwrap() > 0);
        let icn = requirement(&p, "icn");
        assert_eq!(icn["status"], "open");
        assert_eq!(icn["clause"], "213.50(a)(1)");
        assert_eq!(icn["owner"], "county_it");
        assert!(
            icn["reasons"][0]
                .as_str()
                .unwrap()
                .starts_with("Needs one of")
        );

        // The navigator records what they verified.
        let fact = |f: &str| format!("/api/v1/election-authorities/{adams}/facts/{f}");
        let r = t
            .api_send("PUT", &nav, &fact("isac.waived"), r#"{"holds":true}"#)
            .await;
        assert_eq!(refusal(&r).0, ["note"], "a waiver needs its reason");
        let r = t
            .api_send("PUT", &nav, &fact("isac.joined"), r#"{"holds":true}"#)
            .await;
        assert_eq!(refusal(&r).0, ["fact"]);
        assert!(
            r.body.contains("isac.registered"),
            "the error lists the facts"
        );
        let r = t
            .api_send(
                "PUT",
                &nav,
                &fact("training.designee_trained"),
                r#"{"holds":true,"on":"2999-01-01"}"#,
            )
            .await;
        assert_eq!(refusal(&r).0, ["on"]);
        let today = time::OffsetDateTime::now_utc().date().to_string();
        for (f, body) in [
            (
                "icn.agreement_signed",
                json!({"holds": true, "note": "DoIT agreement 2026-114"}),
            ),
            (
                "isac.waived",
                json!({"holds": true, "note": "EI-ISAC no longer funded; joined the state ISAC"}),
            ),
            ("data_sharing.established", json!({"holds": true})),
            (
                "training.designee_trained",
                json!({"holds": true, "on": today}),
            ),
            ("assessment.allowed", json!({"holds": true})),
            (
                "assessment.risk_assessment_done",
                json!({"holds": true, "on": today}),
            ),
            (
                "assessment.cis_analysis_done",
                json!({"holds": true, "on": today}),
            ),
        ] {
            ok(
                &t.api_send("PUT", &nav, &fact(f), &body.to_string()).await,
                StatusCode::NO_CONTENT,
            );
        }
        let p = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(
            p["participation"]["eligible"], false,
            "no certification yet"
        );
        assert_eq!(requirement(&p, "icn")["status"], "met");
        assert_eq!(requirement(&p, "certification")["status"], "open");

        // The county's own IT person may not certify; the official does.
        let certify = format!("/api/v1/election-authorities/{adams}/certifications");
        let body = json!({"cycle": cycle, "signer_name": "Pat Clerk"}).to_string();
        let it = t.token("ea_it").await;
        assert_eq!(
            t.api_send("POST", &it, &certify, &body).await.status,
            StatusCode::FORBIDDEN
        );
        let chicago = t.authorities["chicago"];
        let elsewhere = format!("/api/v1/election-authorities/{chicago}/certifications");
        assert_eq!(
            t.api_send("POST", &clerk, &elsewhere, &body).await.status,
            StatusCode::NOT_FOUND
        );
        let sneaky =
            json!({"cycle": cycle, "signer_name": "Pat", "received_at": "2020-01-01T00:00:00Z"});
        assert_eq!(
            refusal(
                &t.api_send("POST", &clerk, &certify, &sneaky.to_string())
                    .await
            )
            .0,
            ["received_at"],
            "a county cannot backdate its certification"
        );
        let c = ok(
            &t.api_send("POST", &clerk, &certify, &body).await,
            StatusCode::CREATED,
        );
        assert_eq!(c["certification"]["on_time"], true);

        let p = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(p["participation"]["eligible"], true, "{p}");
        assert_eq!(
            p["participation"]["certification"]["signer_name"],
            "Pat Clerk"
        );

        // Everything was audited, by whom it was done.
        let auditor = t.token("auditor").await;
        let events = ok(
            &t.api_get(&auditor, "/api/v1/audit-events?per_page=100")
                .await,
            StatusCode::OK,
        );
        let actions: Vec<&str> = events["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"grant_cycle.create"));
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "participation.fact")
                .count(),
            7
        );
        assert!(actions.contains(&"certification.receive"));

        // Outside the scope: a navigator of other authorities sees nothing.
        let other_nav = t.token("navigator_other").await;
        assert_eq!(
            t.api_get(&other_nav, &url).await.status,
            StatusCode::NOT_FOUND
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn deadlines_are_exact_on_the_boards_clock() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let clerk = t.token("ea_official").await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let cycle = new_cycle(&t, &board, "2018 HAVA Election Security", "2019-03-15").await;

        // Online, after the deadline: refused, with what to do instead.
        let certify = format!("/api/v1/election-authorities/{adams}/certifications");
        let body = json!({"cycle": cycle, "signer_name": "Pat Clerk"}).to_string();
        let r = t.api_send("POST", &clerk, &certify, &body).await;
        assert_eq!(refusal(&r).0, ["cycle"]);
        assert!(
            r.body.contains("15 March 2019") && r.body.contains("Program Manager"),
            "{}",
            r.body
        );

        // On paper: 23:59:59 in Chicago (CDT, UTC-5) on the 15th is on time; a second later
        // is late.
        let paper = |at: &str| {
            json!({"cycle": cycle, "signer_name": "Pat Clerk", "received_at": at}).to_string()
        };
        let c = ok(
            &t.api_send("POST", &board, &certify, &paper("2019-03-16T04:59:59Z"))
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(c["certification"]["on_time"], true);
        let cook_certify = format!("/api/v1/election-authorities/{cook}/certifications");
        let c = ok(
            &t.api_send(
                "POST",
                &board,
                &cook_certify,
                &paper("2019-03-16T05:00:00Z"),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(c["certification"]["on_time"], false);
        let url = format!("/api/v1/election-authorities/{cook}/participation?cycle={cycle}");
        let p = ok(&t.api_get(&board, &url).await, StatusCode::OK);
        let cert = requirement(&p, "certification");
        assert_eq!(cert["status"], "overdue");
        assert!(
            cert["reasons"][1]
                .as_str()
                .unwrap()
                .contains("15 March 2019")
        );
        assert!(p["participation"]["days_left"].as_i64().unwrap() < 0);

        let future = paper("2999-01-01T00:00:00Z");
        assert_eq!(
            refusal(&t.api_send("POST", &board, &certify, &future).await).0,
            ["received_at"]
        );
        let r = t
            .api_send(
                "POST",
                &board,
                &certify,
                &json!({"cycle": cycle, "signer_name": "P"}).to_string(),
            )
            .await;
        assert_eq!(refusal(&r).0, ["received_at"]);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_cycles_are_refused_whole_with_every_field() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let before = audit_total(&t).await;
        let body = json!({
            "name": "",
            "grant_program": "HAVA",
            "funds": "lots",
            "deadline": "March 15",
            "time_zone": "Central",
            "requirement_set": "ohio-34",
        })
        .to_string();
        let r = t
            .api_send("POST", &board, "/api/v1/grant-cycles", &body)
            .await;
        let mut f = refusal(&r).0;
        f.sort();
        assert_eq!(f, ["deadline", "funds", "name", "set_id", "time_zone"]);
        assert!(
            r.body.contains("America/Chicago"),
            "the time-zone error shows an example"
        );
        assert_eq!(audit_total(&t).await, before, "nothing was stored");
        let listed = ok(
            &t.api_get(&board, "/api/v1/grant-cycles").await,
            StatusCode::OK,
        );
        assert_eq!(listed["meta"]["total"], 0);

        new_cycle(&t, &board, "2027 HAVA", "2027-03-15").await;
        let again = json!({"name": "2027 HAVA", "grant_program": "HAVA", "funds": "1", "deadline": "2027-03-15", "time_zone": "America/Chicago"});
        assert_eq!(
            refusal(
                &t.api_send("POST", &board, "/api/v1/grant-cycles", &again.to_string())
                    .await
            )
            .0,
            ["name"]
        );
        let unknown = json!({"name": "x", "grant_program": "HAVA", "funds": "1", "deadline": "2027-03-15", "time_zone": "America/Chicago", "colour": "red"});
        let r = t
            .api_send("POST", &board, "/api/v1/grant-cycles", &unknown.to_string())
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("colour"));
        t.cleanup().await;
    }
}
