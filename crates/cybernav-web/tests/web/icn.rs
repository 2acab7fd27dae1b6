//! ICN connectivity through the API, on SQLite and PostgreSQL (Part 213.20): circuits, the
//! allowlist's rules, the Board's switch to private addressing only, the export, and the
//! participation facts that follow a circuit's status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases, ok, refusal};
use serde_json::{Value, json};

fn icn_status(p: &Value) -> String {
    p["participation"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "icn")
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn circuits_allowlist_and_private_addressing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let nav = t.token("navigator").await;
        let other_nav = t.token("navigator_other").await;
        let clerk = t.token("ea_official").await;
        let auditor = t.token("auditor").await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let circuits = |ea| format!("/api/v1/election-authorities/{ea}/icn-circuits");

        // A grant cycle, to watch the ICN requirement follow the circuit.
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
        let participation =
            format!("/api/v1/election-authorities/{adams}/participation?cycle={cycle}");
        let p = ok(&t.api_get(&clerk, &participation).await, StatusCode::OK);
        assert_eq!(icn_status(&p), "open");

        // The navigator records Adams's circuit; others may not.
        let body = json!({"reference": "ICN-ADAMS-01", "status": "ordered"}).to_string();
        assert_eq!(
            t.api_send("POST", &other_nav, &circuits(adams), &body)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "a navigator of other authorities does not see Adams"
        );
        assert_eq!(
            t.api_send("POST", &clerk, &circuits(adams), &body)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "the county reads its circuits but does not manage them"
        );
        let c = ok(
            &t.api_send("POST", &nav, &circuits(adams), &body).await,
            StatusCode::CREATED,
        );
        let circuit = c["icn_circuit"]["id"].as_str().unwrap().to_string();
        assert_eq!(c["icn_circuit"]["status"], "ordered");
        assert_eq!(c["icn_circuit"]["protections"].as_array().unwrap().len(), 4);
        let (field, _) = refusal(&t.api_send("POST", &nav, &circuits(adams), &body).await);
        assert_eq!(field, ["reference"], "a reference is recorded once");
        let p = ok(&t.api_get(&clerk, &participation).await, StatusCode::OK);
        assert_eq!(icn_status(&p), "open", "ordered is not connected");

        // Connected: the fact follows, and so does eligibility.
        let one = format!("{}/{circuit}", circuits(adams));
        let c = ok(
            &t.api_send(
                "PATCH",
                &nav,
                &one,
                &json!({"reference": "ICN-ADAMS-01", "status": "connected", "connected_on": "2026-02-01"})
                    .to_string(),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(c["icn_circuit"]["connected_on"], "2026-02-01");
        let p = ok(&t.api_get(&clerk, &participation).await, StatusCode::OK);
        assert_eq!(icn_status(&p), "met", "{p}");
        // An edit that leaves the date out keeps it (and records no fact again).
        let c = ok(
            &t.api_send(
                "PATCH",
                &nav,
                &one,
                r#"{"reference":"ICN-ADAMS-01","status":"connected","notes":"DoIT ticket 4411"}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(c["icn_circuit"]["connected_on"], "2026-02-01");
        assert_eq!(c["icn_circuit"]["notes"], "DoIT ticket 4411");

        // Protections, with the sensor's kind and id.
        let protection = |p: &str| format!("{one}/protections/{p}");
        let c = ok(
            &t.api_send(
                "PUT",
                &nav,
                &protection("intrusion_detection"),
                r#"{"in_place":true,"since":"2026-02-01","kind":"Albert","sensor_id":"AL-17001"}"#,
            )
            .await,
            StatusCode::OK,
        );
        let ids = c["icn_circuit"]["protections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["protection"] == "intrusion_detection")
            .unwrap()
            .clone();
        assert_eq!(ids["kind"], "Albert");
        assert_eq!(ids["sensor_id"], "AL-17001");
        let (field, _) = refusal(
            &t.api_send(
                "PUT",
                &nav,
                &protection("firewall"),
                r#"{"in_place":true,"kind":"Albert"}"#,
            )
            .await,
        );
        assert_eq!(field, ["kind"]);

        // Allowlist entries: IPv4 and IPv6, private and public.
        let entries = format!("{one}/allowlist");
        let add = |network: &str| {
            json!({"network": network, "description": "clerk's office"}).to_string()
        };
        let e = ok(
            &t.api_send("POST", &nav, &entries, &add("10.1.2.0/24"))
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(e["allowlist_entry"]["public"], false);
        assert_eq!(e["warning"], Value::Null);
        let e = ok(
            &t.api_send("POST", &nav, &entries, &add("FD00:1:0::/48"))
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(e["allowlist_entry"]["network"], "fd00:1::/48");
        assert_eq!(e["allowlist_entry"]["public"], false);
        let public = ok(
            &t.api_send("POST", &nav, &entries, &add("2001:db8:1::/48"))
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(public["allowlist_entry"]["public"], true);
        assert!(
            public["warning"].as_str().unwrap().contains("213.20(a)(2)"),
            "{public}"
        );
        let public_id = public["allowlist_entry"]["id"]
            .as_str()
            .unwrap()
            .to_string();

        let before = audit_total(&t).await;
        let (field, detail) = refusal(
            &t.api_send("POST", &nav, &entries, &add("10.1.3.7/24"))
                .await,
        );
        assert_eq!(field, ["network"]);
        assert_eq!(
            detail,
            "network: 10.1.3.7/24 has host bits set; did you mean 10.1.3.0/24?"
        );
        let (_, detail) = refusal(&t.api_send("POST", &nav, &entries, &add("127.0.0.1")).await);
        assert!(detail.contains("loopback"), "{detail}");
        let (_, detail) = refusal(
            &t.api_send("POST", &nav, &entries, &add("10.1.2.128/25"))
                .await,
        );
        assert!(
            detail.contains("duplicates") && detail.contains("10.1.2.0/24"),
            "{detail}"
        );

        // Another authority's overlapping network is refused, naming the authority.
        let cook_circuit = ok(
            &t.api_send(
                "POST",
                &board,
                &circuits(cook),
                r#"{"reference":"ICN-COOK-01","status":"installed"}"#,
            )
            .await,
            StatusCode::CREATED,
        )["icn_circuit"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let cook_entries = format!("{}/{cook_circuit}/allowlist", circuits(cook));
        let before_cook = audit_total(&t).await;
        let (field, detail) = refusal(
            &t.api_send("POST", &board, &cook_entries, &add("10.1.0.0/16"))
                .await,
        );
        assert_eq!(field, ["network"]);
        assert!(
            detail.contains("Adams County Clerk") && detail.contains("10.1.2.0/24"),
            "{detail}"
        );
        assert_eq!(audit_total(&t).await, before_cook, "refusals store nothing");
        assert!(before < before_cook);
        ok(
            &t.api_send("POST", &board, &cook_entries, &add("100.64.7.0/24"))
                .await,
            StatusCode::CREATED,
        );
        // A circuit of another authority is not found under this one.
        assert_eq!(
            t.api_send(
                "POST",
                &nav,
                &format!("{}/{cook_circuit}/allowlist", circuits(adams)),
                &add("10.77.0.0/16")
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        // The switch: refused while a public entry remains, naming it.
        let settings = "/api/v1/icn/settings";
        assert_eq!(
            t.api_send("PUT", &nav, settings, r#"{"private_addressing_only":true}"#)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let (field, detail) = refusal(
            &t.api_send(
                "PUT",
                &board,
                settings,
                r#"{"private_addressing_only":true}"#,
            )
            .await,
        );
        assert_eq!(field, ["private_addressing_only"]);
        assert!(
            detail.starts_with("private_addressing_only: 1 allowlist entry uses public addressing: 2001:db8:1::/48 (Adams County Clerk, circuit ICN-ADAMS-01)"),
            "{detail}"
        );
        let s = ok(&t.api_get(&clerk, settings).await, StatusCode::OK);
        assert_eq!(s["icn_settings"]["private_addressing_only"], false);

        ok(
            &t.api_send("DELETE", &nav, &format!("{entries}/{public_id}"), "")
                .await,
            StatusCode::NO_CONTENT,
        );
        let s = ok(
            &t.api_send(
                "PUT",
                &board,
                settings,
                r#"{"private_addressing_only":true}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(s["icn_settings"]["private_addressing_only"], true);
        assert!(s["icn_settings"]["updated_at"].is_string());
        let (field, detail) =
            refusal(&t.api_send("POST", &nav, &entries, &add("8.8.8.0/24")).await);
        assert_eq!(field, ["network"]);
        assert!(
            detail.contains("private addressing only") && detail.contains("213.20(a)(2)"),
            "{detail}"
        );

        // The export: for the Board and auditors, text and JSON.
        assert_eq!(
            t.api_get(&nav, "/api/v1/icn/allowlist").await.status,
            StatusCode::FORBIDDEN
        );
        let text = t
            .api_get(&auditor, "/api/v1/icn/allowlist?format=text")
            .await;
        assert_eq!(text.status, StatusCode::OK);
        assert!(
            text.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let lines: Vec<&str> = text.body.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "# Adams County Clerk — ICN-ADAMS-01",
                "10.1.2.0/24",
                "fd00:1::/48",
                "# Cook County Clerk — ICN-COOK-01",
                "100.64.7.0/24",
            ],
            "{}",
            text.body
        );
        let doc = ok(
            &t.api_get(&board, "/api/v1/icn/allowlist?format=json").await,
            StatusCode::OK,
        );
        assert_eq!(doc["allowlist"].as_array().unwrap().len(), 3);
        assert_eq!(
            doc["allowlist"][2],
            json!({"network": "100.64.7.0/24", "election_authority": "Cook County Clerk", "circuit": "ICN-COOK-01", "public": false})
        );
        assert_eq!(
            t.api_get(&board, "/api/v1/icn/allowlist?format=csv")
                .await
                .status,
            StatusCode::BAD_REQUEST
        );

        // The county reads its own circuit and entries.
        let listed = ok(&t.api_get(&clerk, &circuits(adams)).await, StatusCode::OK);
        assert_eq!(listed["meta"]["total"], 1);
        assert_eq!(
            listed["icn_circuits"][0]["allowlist"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            t.api_get(&clerk, &circuits(cook)).await.status,
            StatusCode::NOT_FOUND
        );

        // Disconnected: the fact follows back, and the requirement is open again.
        ok(
            &t.api_send(
                "PATCH",
                &nav,
                &one,
                r#"{"reference":"ICN-ADAMS-01","status":"disconnected","connected_on":"2026-02-01"}"#,
            )
            .await,
            StatusCode::OK,
        );
        let p = ok(&t.api_get(&clerk, &participation).await, StatusCode::OK);
        assert_eq!(icn_status(&p), "open");
        // An agreement date alone meets 213.50(a)(1) too.
        ok(
            &t.api_send(
                "PATCH",
                &nav,
                &one,
                r#"{"reference":"ICN-ADAMS-01","status":"disconnected","agreement_signed_on":"2026-01-05"}"#,
            )
            .await,
            StatusCode::OK,
        );
        let p = ok(&t.api_get(&clerk, &participation).await, StatusCode::OK);
        assert_eq!(icn_status(&p), "met");

        // The authority's ICN page shows the circuit, its protections and networks.
        let mut browser = t.signed_in("ea_official").await;
        let page = browser
            .get(&format!("/election-authorities/{adams}/icn"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for text in [
            "Circuit ICN-ADAMS-01",
            "10.1.2.0/24",
            "fd00:1::/48",
            "Albert",
            "private addressing only",
        ] {
            assert!(page.body.contains(text), "{text} not on the page");
        }

        // Everything was audited.
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
        for action in [
            "icn_circuit.create",
            "icn_circuit.update",
            "icn_protection.set",
            "icn_allowlist.add",
            "icn_allowlist.remove",
            "icn_settings.update",
        ] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "participation.fact")
                .count(),
            3,
            "connected, disconnected, agreement: {actions:?}"
        );
        t.cleanup().await;
    }
}
