//! Grant money through the API, on SQLite and PostgreSQL: the half rule, awards only to
//! participating and eligible authorities, claims within their award, and a ledger that adds
//! up, with its EAC export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{StatusCode, header};
use common::{
    TestApp, audit_total, certify, databases, grant_cycle, meet_every_requirement, ok, refusal,
};
use serde_json::{Value, json};

#[tokio::test]
async fn the_navigator_program_keeps_at_least_half() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let cycle = grant_cycle(&t, "2018 HAVA Election Security", "13,903,208.00").await;
        let url = |p: &str| format!("/api/v1/grant-cycles/{cycle}/{p}");
        let before = audit_total(&t).await;

        // Under half: refused, with the figures and the smallest share allowed.
        let r = t
            .api_send(
                "PUT",
                &board,
                &url("allocation"),
                r#"{"navigator_share":"6,951,603.99"}"#,
            )
            .await;
        let (fields, detail) = refusal(&r);
        assert_eq!(fields, ["navigator_share"]);
        assert!(
            detail.contains("$6,951,603.99")
                && detail.contains("$13,903,208.00")
                && detail.contains("smallest share allowed is $6,951,604.00"),
            "{detail}"
        );
        assert_eq!(audit_total(&t).await, before, "nothing stored");

        // Nothing can be spent or awarded before the split.
        let spend = json!({"spent_on": "2026-01-05", "category": "travel", "federal": "10.00", "description": "Visit"});
        let r = t
            .api_send("POST", &board, &url("expenditures"), &spend.to_string())
            .await;
        assert!(refusal(&r).1.contains("set the Navigator Program share"));

        let l = ok(
            &t.api_send(
                "PUT",
                &board,
                &url("allocation"),
                r#"{"navigator_share":"6,951,604.00"}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(
            l["ledger"]["navigator_share"]["share_cents"],
            695_160_400_i64
        );
        assert_eq!(l["ledger"]["grants_pool"]["pool_cents"], 695_160_400_i64);

        // Raising the funds would put the share under half: refused. Lowering is fine.
        let r = t
            .api_send("PUT", &board, &url("funds"), r#"{"funds":"14,000,000.00"}"#)
            .await;
        let (fields, detail) = refusal(&r);
        assert_eq!(fields, ["funds"]);
        assert!(detail.contains("$13,903,208.00 or less"), "{detail}");
        let l = ok(
            &t.api_send("PUT", &board, &url("funds"), r#"{"funds":"13,000,000.00"}"#)
                .await,
            StatusCode::OK,
        );
        assert_eq!(l["ledger"]["grants_pool"]["pool_cents"], 604_839_600_i64);

        // The ledger page shows the split as an accessible bar.
        let mut c = t.signed_in("program_manager").await;
        let page = c.get(&format!("/grant-cycles/{cycle}/ledger")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("$6,951,604.00"), "{}", page.body);
        assert!(
            page.body
                .contains(r#"aria-label="The Navigator Program share is 53 percent"#)
        );
        assert!(page.body.contains("cn-w-53"));
        let mut nav = t.signed_in("navigator").await;
        let page = nav.get(&format!("/grant-cycles/{cycle}/ledger")).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn awards_go_only_to_participating_eligible_authorities() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let (adams, cook, chicago) = (
            t.authorities["adams"],
            t.authorities["cook"],
            t.authorities["chicago"],
        );
        let cycle = grant_cycle(&t, "2027 HAVA", "100,000.00").await;
        let url = |p: &str| format!("/api/v1/grant-cycles/{cycle}/{p}");
        let award = |ea| format!("/api/v1/grant-cycles/{cycle}/awards/{ea}");
        ok(
            &t.api_send(
                "PUT",
                &board,
                &url("allocation"),
                r#"{"navigator_share":"50,000.00"}"#,
            )
            .await,
            StatusCode::OK,
        );

        // No certification: refused with the reason.
        meet_every_requirement(&t, adams).await;
        let before = audit_total(&t).await;
        let r = t
            .api_send("PUT", &board, &award(adams), r#"{"amount":"30,000.00"}"#)
            .await;
        let (fields, detail) = refusal(&r);
        assert_eq!(fields, ["election_authority"]);
        assert!(
            detail.contains(
                "Adams County Clerk has not submitted its Certification of Participation for 2027 HAVA"
            ),
            "{detail}"
        );

        // Certified but not eligible: refused, listing the unmet requirements with reasons.
        certify(&t, cook, cycle).await;
        let r = t
            .api_send("PUT", &board, &award(cook), r#"{"amount":"10,000.00"}"#)
            .await;
        let (_, detail) = refusal(&r);
        assert!(
            detail.contains("Cook County Clerk participates but is not eligible")
                && detail.contains("213.50(a)(1)")
                && detail.contains("Needs one of"),
            "{detail}"
        );
        assert_eq!(
            audit_total(&t).await,
            before + 1,
            "only the certification was stored"
        );

        // Participating and eligible: the proposal splits the pool, and awards are made.
        certify(&t, adams, cycle).await;
        meet_every_requirement(&t, chicago).await;
        certify(&t, chicago, cycle).await;
        let p = ok(
            &t.api_get(&board, &url("award-proposal")).await,
            StatusCode::OK,
        );
        let lines = p["award_proposals"].as_array().unwrap();
        assert_eq!(lines.len(), 2, "{p}");
        assert_eq!(lines[0]["election_authority_name"], "Adams County Clerk");
        assert_eq!(lines[0]["amount_cents"], 2_500_000);
        assert_eq!(lines[1]["amount_cents"], 2_500_000);

        let a = ok(
            &t.api_send("PUT", &board, &award(adams), r#"{"amount":"30,000.00"}"#)
                .await,
            StatusCode::OK,
        );
        assert_eq!(a["award"]["amount_cents"], 3_000_000);
        assert_eq!(a["award"]["reportable_sub_award"], true);
        let r = t
            .api_send("PUT", &board, &award(chicago), r#"{"amount":"20,000.01"}"#)
            .await;
        let (fields, detail) = refusal(&r);
        assert_eq!(fields, ["amount"]);
        assert!(detail.contains("at most $20,000.00"), "{detail}");
        let a = ok(
            &t.api_send("PUT", &board, &award(chicago), r#"{"amount":"10,000.00"}"#)
                .await,
            StatusCode::OK,
        );
        assert_eq!(a["award"]["reportable_sub_award"], false);
        let p = ok(
            &t.api_get(&board, &url("award-proposal")).await,
            StatusCode::OK,
        );
        assert_eq!(p["meta"]["total"], 0, "everyone eligible has an award");

        // The county sees only its own award; a navigator sees no money.
        let clerk = t.token("ea_official").await;
        let mine = ok(&t.api_get(&clerk, &url("awards")).await, StatusCode::OK);
        assert_eq!(mine["meta"]["total"], 1);
        assert_eq!(mine["awards"][0]["election_authority"], adams.to_string());
        let nav = t.token("navigator").await;
        assert_eq!(
            t.api_get(&nav, &url("awards")).await.status,
            StatusCode::FORBIDDEN
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn claims_stay_within_the_award_and_the_ledger_adds_up() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let clerk = t.token("ea_official").await;
        let other_clerk = t.token("ea_official_other").await;
        let auditor = t.token("auditor").await;
        let adams = t.authorities["adams"];
        let cycle = grant_cycle(&t, "2027 HAVA", "100,000.00").await;
        let url = |p: &str| format!("/api/v1/grant-cycles/{cycle}/{p}");
        ok(
            &t.api_send(
                "PUT",
                &board,
                &url("allocation"),
                r#"{"navigator_share":"60,000.00"}"#,
            )
            .await,
            StatusCode::OK,
        );
        meet_every_requirement(&t, adams).await;
        certify(&t, adams, cycle).await;
        ok(
            &t.api_send(
                "PUT",
                &board,
                &format!("/api/v1/grant-cycles/{cycle}/awards/{adams}"),
                r#"{"amount":"30,000.00"}"#,
            )
            .await,
            StatusCode::OK,
        );

        // Navigator Program expenditures, within the share.
        for (cat, federal, matching) in [
            ("payroll", "50,000.00", "0"),
            ("travel", "1,500.00", "250.00"),
        ] {
            let body = json!({"spent_on": "2026-01-05", "category": cat, "federal": federal, "matching": matching, "description": "Navigators"});
            ok(
                &t.api_send("POST", &board, &url("expenditures"), &body.to_string())
                    .await,
                StatusCode::CREATED,
            );
        }
        let over = json!({"spent_on": "2026-01-05", "category": "equipment", "federal": "8,500.01", "description": "Laptops"});
        let (fields, detail) = refusal(
            &t.api_send("POST", &board, &url("expenditures"), &over.to_string())
                .await,
        );
        assert_eq!(fields, ["federal"]);
        assert!(detail.contains("$8,500.00 left"), "{detail}");

        // The county claims against its own award; not over it, not for someone else.
        let claim = |federal: &str, matching: &str, cat: &str| {
            json!({"election_authority": adams, "spent_on": "2026-02-01", "eac_category": cat, "federal": federal, "matching": matching, "description": "Firewall"})
                .to_string()
        };
        let (fields, detail) = refusal(
            &t.api_send(
                "POST",
                &clerk,
                &url("claims"),
                &claim("30,000.01", "0", "cyber_security"),
            )
            .await,
        );
        assert_eq!(fields, ["federal"]);
        assert!(detail.contains("award of $30,000.00"), "{detail}");
        assert_eq!(
            t.api_send(
                "POST",
                &other_clerk,
                &url("claims"),
                &claim("1.00", "0", "cyber_security")
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "another county's award does not exist for this official"
        );
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &clerk,
                &url("claims"),
                &claim("1.00", "0", "snacks"),
            )
            .await,
        );
        assert_eq!(fields, ["eac_category"]);
        let c1 = ok(
            &t.api_send(
                "POST",
                &clerk,
                &url("claims"),
                &claim("20,000.00", "2,000.00", "cyber_security"),
            )
            .await,
            StatusCode::CREATED,
        );
        let c2 = ok(
            &t.api_send(
                "POST",
                &clerk,
                &url("claims"),
                &claim("15,000.00", "0", "voting_equipment"),
            )
            .await,
            StatusCode::CREATED,
        );
        let c3 = ok(
            &t.api_send(
                "POST",
                &clerk,
                &url("claims"),
                &claim("5,000.00", "500.00", "communications"),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(c1["claim"]["status"], "submitted");
        let decide = |id: &Value| {
            format!(
                "/api/v1/grant-cycles/{cycle}/claims/{}/decision",
                id["claim"]["id"].as_str().unwrap()
            )
        };
        assert_eq!(
            t.api_send("POST", &clerk, &decide(&c1), r#"{"status":"approved"}"#)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "the county does not approve its own claims"
        );
        ok(
            &t.api_send("POST", &board, &decide(&c1), r#"{"status":"approved"}"#)
                .await,
            StatusCode::OK,
        );
        ok(
            &t.api_send("POST", &board, &decide(&c1), r#"{"status":"paid"}"#)
                .await,
            StatusCode::OK,
        );
        // Approving the second would put approved and paid over the award.
        let (fields, detail) = refusal(
            &t.api_send("POST", &board, &decide(&c2), r#"{"status":"approved"}"#)
                .await,
        );
        assert_eq!(fields, ["status"]);
        assert!(detail.contains("$10,000.00 left of the award"), "{detail}");
        let (fields, _) = refusal(
            &t.api_send("POST", &board, &decide(&c2), r#"{"status":"rejected"}"#)
                .await,
        );
        assert_eq!(fields, ["reason"], "a rejection needs its reason");
        let r = ok(
            &t.api_send(
                "POST",
                &board,
                &decide(&c2),
                r#"{"status":"rejected","reason":"Over the award; resubmit $10,000.00"}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(r["claim"]["status"], "rejected");
        ok(
            &t.api_send("POST", &board, &decide(&c3), r#"{"status":"approved"}"#)
                .await,
            StatusCode::OK,
        );
        let (_, detail) = refusal(
            &t.api_send(
                "POST",
                &board,
                &decide(&c1),
                r#"{"status":"rejected","reason":"x"}"#,
            )
            .await,
        );
        assert!(detail.contains("a paid claim is final"), "{detail}");

        // The ledger adds up.
        let l = ok(&t.api_get(&auditor, &url("ledger")).await, StatusCode::OK)["ledger"].clone();
        assert_eq!(l["funds_cents"], 10_000_000);
        let n = &l["navigator_share"];
        assert_eq!(n["share_cents"], 6_000_000);
        assert_eq!(n["spent_cents"], 5_150_000);
        assert_eq!(n["spent_match_cents"], 25_000);
        assert_eq!(n["remaining_cents"], 850_000);
        let g = &l["grants_pool"];
        assert_eq!(g["pool_cents"], 4_000_000);
        assert_eq!(g["awarded_cents"], 3_000_000);
        assert_eq!(g["unawarded_cents"], 1_000_000);
        assert_eq!(
            g["claimed_cents"], 2_500_000,
            "rejected claims do not count"
        );
        assert_eq!(g["approved_cents"], 2_500_000);
        assert_eq!(g["paid_cents"], 2_000_000);
        assert_eq!(g["remaining_cents"], 2_000_000);
        assert_eq!(
            n["share_cents"].as_i64().unwrap() + g["pool_cents"].as_i64().unwrap(),
            l["funds_cents"].as_i64().unwrap()
        );
        let cat = |id: &str| {
            l["eac_categories"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .unwrap()
                .clone()
        };
        // Navigator spending (reported as Cyber Security) and the paid claim.
        assert_eq!(
            cat("cyber_security")["federal_cents"],
            5_150_000 + 2_000_000
        );
        assert_eq!(cat("cyber_security")["match_cents"], 25_000 + 200_000);
        assert_eq!(
            cat("communications")["federal_cents"],
            0,
            "approved, not yet paid"
        );
        assert_eq!(
            l["sub_awards_to_report"][0]["election_authority_name"],
            "Adams County Clerk"
        );

        // The EAC export: totals per category, nothing else.
        let csv = t.api_get(&auditor, &url("ledger/eac-categories.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines[0], "category_id,category,federal,match,total");
        assert_eq!(lines.len(), 7, "{}", csv.body);
        assert!(
            lines.contains(&"cyber_security,Cyber Security,71500.00,2250.00,73750.00"),
            "{}",
            csv.body
        );
        assert!(!csv.body.contains("Firewall") && !csv.body.contains("Adams"));
        let j = ok(
            &t.api_get(&auditor, &url("ledger/eac-categories")).await,
            StatusCode::OK,
        );
        assert_eq!(j["meta"]["total"], 6);

        // Who sees what.
        assert_eq!(
            t.api_get(&clerk, &url("ledger")).await.status,
            StatusCode::FORBIDDEN
        );
        let mine = ok(&t.api_get(&clerk, &url("claims")).await, StatusCode::OK);
        assert_eq!(mine["meta"]["total"], 3);
        let others = ok(
            &t.api_get(&other_clerk, &url("claims")).await,
            StatusCode::OK,
        );
        assert_eq!(others["meta"]["total"], 0);
        for role in ["navigator", "partner", "ea_it"] {
            let token = t.token(role).await;
            assert_eq!(
                t.api_get(&token, &url("ledger")).await.status,
                StatusCode::FORBIDDEN,
                "{role}"
            );
            assert_eq!(
                t.api_get(&token, &url("claims")).await.status,
                StatusCode::FORBIDDEN,
                "{role}"
            );
        }

        // Every change was audited.
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
        for a in [
            "grant.allocation",
            "grant.award",
            "grant.expenditure",
            "grant.claim.submit",
            "grant.claim.approved",
            "grant.claim.paid",
            "grant.claim.rejected",
        ] {
            assert!(actions.contains(&a), "{a} not audited");
        }
        t.cleanup().await;
    }
}
