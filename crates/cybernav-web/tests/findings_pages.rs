//! The findings pages (Part 213.40), on SQLite and PostgreSQL: a navigator uploads a Cyber
//! Hygiene scan and sees the counts; the list names overdue and known exploited findings in
//! words; a finding recorded from a template carries the template's advice; the county moves
//! it on and its history shows who did what; a bad upload names line and column and stores
//! nothing; the statewide overview counts them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, TestApp, audit_total, databases};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cybernav-formats/tests/fixtures"
);

async fn upload(t: &TestApp, c: &mut Client, url: &str, files: &[(&str, String)]) -> common::Reply {
    const B: &str = "findings-page-boundary";
    let csrf = c.csrf().await;
    let mut body = String::new();
    for (name, content) in files {
        body.push_str(&format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{B}--\r\n"));
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::post(format!("{url}?csrf={csrf}"))
        .header(header::COOKIE, cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={B}"),
        )
        .body(Body::from(body))
        .unwrap();
    t.request(req).await
}

#[tokio::test]
async fn scan_upload_list_finding_page_and_overview() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let list = format!("/election-authorities/{adams}/findings");
        let findings = std::fs::read_to_string(format!("{FIXTURES}/cyhy/findings.csv")).unwrap();
        let kev = std::fs::read_to_string(format!(
            "{FIXTURES}/kev/known_exploited_vulnerabilities.json"
        ))
        .unwrap();

        let mut board = t.signed_in("board_admin").await;
        let r = upload(
            &t,
            &mut board,
            "/findings/kev",
            &[("known_exploited_vulnerabilities.json", kev)],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body
                .contains("KEV catalog 2026.02.16 stored: 3 vulnerabilities"),
            "{}",
            r.body
        );

        let mut nav = t.signed_in("navigator").await;
        // A bad file: the problem by line and column, nothing stored.
        let before = audit_total(&t).await;
        let bad = findings.replace("192.0.2.11", "not-an-ip");
        let r = upload(
            &t,
            &mut nav,
            &format!("{list}/cyhy"),
            &[("findings.csv", bad)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("findings.csv: line 3, column ip"),
            "{}",
            r.body
        );
        assert_eq!(audit_total(&t).await, before);

        let r = upload(
            &t,
            &mut nav,
            &format!("{list}/cyhy"),
            &[("findings.csv", findings.clone())],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body
                .contains("<th scope=\"row\">findings.csv</th><td>4</td><td>4</td>"),
            "{}",
            r.body
        );
        // Overdue and KEV are said in words, not colour alone.
        assert!(r.body.contains(">Overdue</strong>"), "{}", r.body);
        assert!(r.body.contains("Known exploited (KEV)</strong>"));
        let r = nav.get(&format!("{list}?show=kev")).await;
        assert_eq!(r.body.matches("href=\"/findings/").count(), 3, "{}", r.body);

        // A finding from a template.
        let r = nav
            .post_form(
                &list,
                &[
                    ("source", "navigator_assessment"),
                    ("severity", "medium"),
                    ("title", "Shared e-mail password"),
                    (
                        "description",
                        "The office shares one password for the election mailbox.",
                    ),
                    ("owner", "election_office"),
                    ("recommendation_template", "secure_email"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = r.location();
        let r = nav.get(&page).await;
        assert!(r.body.contains("two-step sign-in"), "{}", r.body);

        // The clerk moves it on and comments; verifying is not offered to the county.
        let mut clerk = t.signed_in("ea_official").await;
        let id = page
            .trim_start_matches("/findings/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let r = clerk.get(&format!("/findings/{id}")).await;
        assert!(!r.body.contains("value=\"verified\""));
        let r = clerk
            .post_form(
                &format!("/findings/{id}/transition"),
                &[
                    ("to", "in_progress"),
                    ("note", "Each clerk gets an account"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = clerk
            .post_form(&format!("/findings/{id}/comment"), &[("body", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("write the comment"), "{}", r.body);
        let r = clerk.get(&format!("/findings/{id}")).await;
        assert!(
            r.body.contains("Status: Identified → In progress"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Each clerk gets an account"));

        // Evidence of the fix from the page, and the CSV export of the list.
        let r = upload(
            &t,
            &mut clerk,
            &format!("/findings/{id}/evidence"),
            &[("accounts.txt", "Each clerk has an account now.".into())],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = clerk.get(&format!("/findings/{id}")).await;
        assert!(r.body.contains("accounts.txt"), "{}", r.body);
        let r = clerk.get(&format!("{list}.csv?show=open")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.starts_with("id,title,severity,status"), "{}", r.body);
        assert!(r.body.contains("Shared e-mail password"), "{}", r.body);

        // Risk acceptance without a name is refused beside the field.
        let r = nav
            .post_form(
                &format!("/findings/{id}/transition"),
                &[("to", "risk_accepted"), ("expires_on", "2099-01-01")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"approver-error\""), "{}", r.body);

        // The statewide overview.
        let r = board.get("/findings").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Adams County Clerk"), "{}", r.body);
        assert!(r.body.contains("KEV</strong>"), "{}", r.body);
        t.cleanup().await;
    }
}
