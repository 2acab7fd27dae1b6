//! Findings through the API, on SQLite and PostgreSQL (Part 213.40): CyHy imports matched to
//! the findings on file, the KEV catalog flagging them, the lifecycle with who may do what,
//! risk acceptance, comments, evidence, the CSV export and the statewide overview.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases, ok};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cybernav-formats/tests/fixtures"
);

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{path}")).unwrap()
}

fn titles(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn scans_kev_lifecycle_and_who_may_do_what() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let nav = t.token("navigator").await;
        let other_nav = t.token("navigator_other").await;
        let clerk = t.token("ea_official").await;
        let it = t.token("ea_it").await;
        let partner = t.token("partner").await;
        let auditor = t.token("auditor").await;
        let adams = t.authorities["adams"];
        let list = format!("/api/v1/election-authorities/{adams}/findings");
        let imports = format!("/api/v1/election-authorities/{adams}/cyhy-imports");

        // The KEV catalog is the Board's; navigators may not load it.
        let kev = fixture("kev/known_exploited_vulnerabilities.json");
        assert_eq!(
            t.api_send("PUT", &nav, "/api/v1/kev-catalog", &kev)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = ok(
            &t.api_send("PUT", &board, "/api/v1/kev-catalog", &kev).await,
            StatusCode::OK,
        );
        assert_eq!(r["kev"]["entries"], 3);

        // A scan for Adams, by its navigator.
        let body = json!({"files": [
            {"name": "findings.csv", "content": fixture("cyhy/findings.csv")},
            {"name": "potentially-risky-services.csv", "content": fixture("cyhy/potentially-risky-services.csv")},
        ]})
        .to_string();
        let r = ok(
            &t.api_send("POST", &nav, &imports, &body).await,
            StatusCode::CREATED,
        );
        assert_eq!(r["imports"][0]["created"], 4, "{r}");
        assert_eq!(r["imports"][1]["created"], 2, "{r}");
        // The same scan again: matched, nothing new.
        let r = ok(
            &t.api_send("POST", &nav, &imports, &body).await,
            StatusCode::CREATED,
        );
        assert_eq!(r["imports"][0]["unchanged"], 4, "{r}");
        assert_eq!(r["imports"][0]["created"], 0, "{r}");
        // The other zone's navigator, the clerk and auditors may not import for Adams.
        assert_eq!(
            t.api_send("POST", &other_nav, &imports, &body).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.api_send("POST", &clerk, &imports, &body).await.status,
            StatusCode::FORBIDDEN
        );

        // A bad file refuses the whole import, naming file, line and column.
        let before = audit_total(&t).await;
        let bad = json!({"files": [
            {"name": "potentially-risky-services.csv", "content": fixture("cyhy/potentially-risky-services.csv")},
            {"name": "findings.csv", "content": fixture("cyhy/findings.csv").replace(",tcp,true,true,4,", ",tcp,true,true,urgent,")},
        ]})
        .to_string();
        let r = t.api_send("POST", &nav, &imports, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.json()["errors"][0]["field"],
            "findings.csv: line 2, column severity",
            "{}",
            r.body
        );
        assert_eq!(audit_total(&t).await, before, "nothing stored");

        // Every finding whose CVE is in KEV is flagged, with the due date and ransomware flag.
        let all = ok(&t.api_get(&clerk, &list).await, StatusCode::OK);
        assert_eq!(all["meta"]["total"], 6, "{all}");
        let kev_only = ok(
            &t.api_get(&clerk, &format!("{list}?kev=true")).await,
            StatusCode::OK,
        );
        assert_eq!(kev_only["findings"].as_array().unwrap().len(), 3);
        let log4j = kev_only["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["cve"] == "CVE-2021-44228")
            .unwrap()
            .clone();
        assert_eq!(log4j["kev_due_date"], "2021-12-24");
        assert_eq!(log4j["ransomware"], true);
        assert_eq!(log4j["overdue"], true);
        let crit = ok(
            &t.api_get(&clerk, &format!("{list}?severity=critical"))
                .await,
            StatusCode::OK,
        );
        assert_eq!(
            titles(&crit),
            vec!["Apache Log4j Remote Code Execution (Log4Shell)"]
        );
        assert_eq!(
            t.api_get(&clerk, &format!("{list}?severity=urgent"))
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // Who reads: partners nothing, another zone's navigator does not see Adams.
        assert_eq!(
            t.api_get(&partner, &list).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.api_get(&other_nav, &list).await.status,
            StatusCode::NOT_FOUND
        );
        let id = log4j["id"].as_str().unwrap().to_string();
        assert_eq!(
            t.api_get(&other_nav, &format!("/api/v1/findings/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        ok(
            &t.api_get(&auditor, &format!("/api/v1/findings/{id}")).await,
            StatusCode::OK,
        );

        // A navigator records a finding from an assessment, with a template's advice.
        let r = t
            .api_send(
                "POST",
                &nav,
                &list,
                &json!({
                    "source": "navigator_assessment", "severity": "high",
                    "title": "Workstations without anti-malware",
                    "description": "Two of five workstations in the clerk's office run no anti-malware.",
                    "recommendation_template": "anti_malware", "owner": "election_office",
                    "identified_on": "2026-03-02",
                    "assessment_id": "6f2c1a3e-1111-4a4a-9b9b-123456789abc", "catalog_item_id": "10.1",
                })
                .to_string(),
            )
            .await;
        let created = ok(&r, StatusCode::CREATED)["finding"].clone();
        assert_eq!(created["target_date"], "2026-04-01", "high: 30 days");
        assert!(
            created["recommendation"]
                .as_str()
                .unwrap()
                .contains("anti-malware")
        );
        assert_eq!(created["catalog_item_id"], "10.1");
        let fid = created["id"].as_str().unwrap().to_string();
        let bad = t
            .api_send("POST", &nav, &list, &json!({"source":"rumour","severity":"high","title":"x","description":"y","owner":"vendor","cve":"CVE-21-1"}).to_string())
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("source") && bad.body.contains("cve"),
            "{}",
            bad.body
        );

        let tr = |to: &str| json!({"to": to, "note": format!("moving to {to}")}).to_string();
        let transitions = format!("/api/v1/findings/{fid}/transitions");
        // The county works on it: in progress, then fixed; it cannot verify its own fix.
        ok(
            &t.api_send("POST", &clerk, &transitions, &tr("in_progress"))
                .await,
            StatusCode::OK,
        );
        let r = t.api_send("POST", &it, &transitions, &tr("verified")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        ok(
            &t.api_send("POST", &it, &transitions, &tr("mitigated"))
                .await,
            StatusCode::OK,
        );
        ok(
            &t.api_send(
                "POST",
                &clerk,
                &format!("/api/v1/findings/{fid}/comments"),
                r#"{"body":"Installed on all five."}"#,
            )
            .await,
            StatusCode::CREATED,
        );
        let ev = json!({"file_name": "av-report.txt", "content_base64": "QW50aS1tYWx3YXJlIHJ1bm5pbmcgb24gNS81"}).to_string();
        let r = ok(
            &t.api_send(
                "POST",
                &clerk,
                &format!("/api/v1/findings/{fid}/evidence"),
                &ev,
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(r["finding"]["evidence"][0]["file_name"], "av-report.txt");
        let exe = json!({"file_name": "fix.exe", "content_base64": "TVo="}).to_string();
        assert_eq!(
            t.api_send(
                "POST",
                &clerk,
                &format!("/api/v1/findings/{fid}/evidence"),
                &exe
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // Auditors read, never change.
        assert_eq!(
            t.api_send("POST", &auditor, &transitions, &tr("verified"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // The navigator verifies with a re-test.
        let r = ok(
            &t.api_send("POST", &nav, &transitions, &tr("verified"))
                .await,
            StatusCode::OK,
        );
        let history: Vec<String> = r["finding"]["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            history,
            [
                "created", "status", "status", "comment", "evidence", "status"
            ]
        );
        assert_eq!(r["finding"]["history"][5]["note"], "moving to verified");
        assert!(r["finding"]["closed_on"].is_string());

        // Risk acceptance needs a named approver and an expiry date.
        let tr_log4j = format!("/api/v1/findings/{id}/transitions");
        let r = t
            .api_send(
                "POST",
                &nav,
                &tr_log4j,
                r#"{"to":"risk_accepted","expires_on":"2099-01-01"}"#,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "approver");
        assert_eq!(
            t.api_send(
                "POST",
                &clerk,
                &tr_log4j,
                r#"{"to":"risk_accepted","approver":"Pat Clerk","expires_on":"2099-01-01"}"#
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let until = (time::OffsetDateTime::now_utc().date() + time::Duration::days(60)).to_string();
        let r = ok(
            &t.api_send("POST", &board, &tr_log4j, &json!({"to":"risk_accepted","approver":"Jordan Director","expires_on": until, "note":"Replacement server arrives next month"}).to_string()).await,
            StatusCode::OK,
        );
        assert_eq!(r["finding"]["risk_approver"], "Jordan Director");
        assert_eq!(
            r["finding"]["overdue"], false,
            "accepted risks are not overdue"
        );

        // CSV export: a header and one row per finding; the clerk reads it, partners not.
        let r = t
            .api_get(
                &clerk,
                &format!("/api/v1/election-authorities/{adams}/findings.csv"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let mut lines = r.body.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("id,title,severity,status")
        );
        assert!(r.body.matches("\n").count() >= 8, "{}", r.body);
        assert_eq!(
            t.api_get(
                &partner,
                &format!("/api/v1/election-authorities/{adams}/findings.csv")
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );

        // The statewide overview: Board and auditors; the county not.
        let o = ok(
            &t.api_get(&auditor, "/api/v1/findings-overview").await,
            StatusCode::OK,
        );
        assert_eq!(o["overview"]["kev_entries"], 3);
        assert_eq!(
            o["overview"]["authorities"][0]["name"],
            "Adams County Clerk"
        );
        assert_eq!(
            o["overview"]["total"]["kev"], 2,
            "log4j accepted; BlueKeep and Citrix open: {o}"
        );
        assert_eq!(
            t.api_get(&clerk, "/api/v1/findings-overview").await.status,
            StatusCode::FORBIDDEN
        );
        let o = ok(
            &t.api_get(&other_nav, "/api/v1/findings-overview").await,
            StatusCode::OK,
        );
        assert_eq!(
            o["overview"]["authorities"].as_array().unwrap().len(),
            0,
            "not their authority"
        );

        // A mitigated file closes BlueKeep.
        let m = json!({"files": [{"name": "mitigated-vulnerabilities.csv", "content": fixture("cyhy/mitigated-vulnerabilities.csv")}]}).to_string();
        let r = ok(
            &t.api_send("POST", &nav, &imports, &m).await,
            StatusCode::CREATED,
        );
        assert_eq!(r["imports"][0]["closed"], 1);
        let mitigated = ok(
            &t.api_get(&clerk, &format!("{list}?status=mitigated")).await,
            StatusCode::OK,
        );
        assert_eq!(titles(&mitigated), vec!["Microsoft RDP RCE (BlueKeep)"]);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_kev_catalog_downloads_from_a_configured_url() {
    // A local HTTP server answering with the fixture, chunked, as CISA's CDN does; an old
    // address redirects to it; anything else is 404.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = fixture("kev/known_exploited_vulnerabilities.json");
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // Three downloads: direct, through the redirect (two requests), and a missing one.
        for _ in 0..4 {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut req = Vec::new();
            let mut buf = vec![0u8; 4096];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
            }
            let req = String::from_utf8_lossy(&req).to_string();
            assert!(
                req.to_lowercase().contains("user-agent: cybernav/"),
                "{req}"
            );
            let answer = if req.starts_with("GET /feeds/kev.json ") {
                let (a, b) = body.split_at(body.len() / 2);
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
                    a.len(),
                    b.len()
                )
            } else if req.starts_with("GET /old/kev.json ") {
                "HTTP/1.1 301 Moved Permanently\r\nLocation: /feeds/kev.json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            s.write_all(answer.as_bytes()).await.unwrap();
            s.shutdown().await.unwrap();
        }
    });
    for db in databases().into_iter().take(1) {
        let t = TestApp::new(db).await;
        let meta = cybernav_app::RequestMeta::default();
        let r = t
            .app
            .download_kev(&format!("http://{addr}/feeds/kev.json"), &meta)
            .await
            .unwrap();
        assert_eq!(r.catalog_version, "2026.02.16");
        assert_eq!(r.entries, 3);
        let r = t
            .app
            .download_kev(&format!("http://{addr}/old/kev.json"), &meta)
            .await
            .unwrap();
        assert_eq!(r.entries, 3, "the redirect was followed");
        let e = t
            .app
            .download_kev(&format!("http://{addr}/missing"), &meta)
            .await
            .unwrap_err();
        assert!(
            format!("{e:?}").contains(&format!("http://{addr}/missing: the server answered 404")),
            "{e:?}"
        );
        t.cleanup().await;
    }
    server.await.unwrap();
}
