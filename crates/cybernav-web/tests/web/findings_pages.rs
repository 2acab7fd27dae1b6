//! The findings pages (Part 213.40), on SQLite and PostgreSQL: a navigator uploads a Cyber
//! Hygiene scan and sees the counts; the list names overdue and known exploited findings in
//! words; a finding recorded from a template carries the template's advice; the county moves
//! it on and its history shows who did what; a bad upload names line and column and stores
//! nothing; the statewide overview counts them; a navigator edits a finding on its page (a bad
//! port is named beside its field and changes nothing; the county may not edit); a visit links
//! to the findings it raised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{Client, TestApp, audit_total, databases};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cybernav-formats/tests/fixtures"
);

async fn upload(c: &mut Client, url: &str, files: &[(&str, String)]) -> common::Reply {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    c.post_multipart(url, &[], &files).await
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
        let r = upload(&mut nav, &format!("{list}/cyhy"), &[("findings.csv", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("findings.csv: line 3, column ip"),
            "{}",
            r.body
        );
        assert_eq!(audit_total(&t).await, before);

        let r = upload(
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

/// The id in a `/findings/{id}?notice=…` location.
fn finding_id(location: &str) -> String {
    location
        .trim_start_matches("/findings/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_navigator_edits_a_finding_on_its_page_and_the_county_may_not() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let list = format!("/election-authorities/{adams}/findings");
        let mut nav = t.signed_in("navigator").await;
        let r = nav
            .post_form(
                &list,
                &[
                    ("source", "navigator_assessment"),
                    ("severity", "medium"),
                    ("title", "Remote desktop open"),
                    ("description", "The clerk's PC answers remote desktop."),
                    ("owner", "county_it"),
                    ("host", "192.0.2.20"),
                    ("port", "3389"),
                    ("protocol", "tcp"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = finding_id(&r.location());
        let page = format!("/findings/{id}");
        let edit = format!("/findings/{id}/edit");

        // The form is on the page, filled with what is stored.
        let r = nav.get(&page).await;
        assert!(r.body.contains(&format!("action=\"{edit}\"")), "{}", r.body);
        assert!(r.body.contains("<label class=\"usa-label\" for=\"port\">"));
        assert!(r.body.contains("value=\"3389\""), "{}", r.body);

        // A bad port: the message beside the port field, nothing changed or recorded.
        let before = audit_total(&t).await;
        let fields = |title: &'static str, port: &'static str, target: &'static str| {
            vec![
                ("title", title),
                ("description", "The clerk's PC answers remote desktop."),
                ("severity", "high"),
                ("owner", "county_it"),
                ("host", "192.0.2.20"),
                ("port", port),
                ("protocol", "tcp"),
                ("cve", ""),
                ("target_date", target),
                ("recommendation", ""),
                ("recommendation_template", "close_service"),
            ]
        };
        let r = nav
            .post_form(&edit, &fields("Remote desktop open to all", "70000", ""))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let port_group = r
            .body
            .split("for=\"port\">")
            .nth(1)
            .unwrap()
            .split("</div>")
            .next()
            .unwrap();
        assert!(
            port_group.contains("id=\"port-error\""),
            "the error is beside the port field: {port_group}"
        );
        assert!(port_group.contains("aria-invalid=\"true\""));
        assert!(
            r.body.contains("value=\"Remote desktop open to all\""),
            "what was typed is kept"
        );
        assert!(r.body.contains("href=\"#port\""), "the summary links to it");
        // A fix-by date before the day it was found is refused beside its field too.
        let r = nav
            .post_form(&edit, &fields("Remote desktop open", "3389", "2000-01-01"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"target_date-error\""), "{}", r.body);
        assert_eq!(audit_total(&t).await, before, "nothing recorded");
        let r = nav.get(&page).await;
        assert!(
            r.body.contains("<h1>Remote desktop open</h1>"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("<dt>Severity</dt><dd>Medium</dd>"),
            "unchanged"
        );

        // A good edit: saved, shown, in the history and the audit log.
        let r = nav
            .post_form(
                &edit,
                &fields("Remote desktop open to all", "3390", "2099-12-31"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{page}?notice=saved"));
        let r = nav.get(&page).await;
        assert!(
            r.body.contains("<h1>Remote desktop open to all</h1>"),
            "{}",
            r.body
        );
        assert!(r.body.contains("192.0.2.20:3390/tcp"), "{}", r.body);
        assert!(r.body.contains("2099-12-31"), "the fix-by date set by hand");
        assert!(
            r.body
                .contains("Changed: severity, port, target_date, title, recommendation"),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("<p class=\"cn-prewrap\">This service can be reached from the internet."),
            "the template's advice filled the empty recommendation"
        );
        assert!(r.body.contains("<dt>Severity</dt><dd>High</dd>"));
        assert_eq!(audit_total(&t).await, before + 1);

        // The county reads the finding but has no form and is refused the change.
        let mut clerk = t.signed_in("ea_official").await;
        let r = clerk.get(&page).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&format!("action=\"{edit}\"")));
        let signed_in = audit_total(&t).await;
        let r = clerk
            .post_form(&edit, &fields("Renamed by the county", "3389", ""))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = nav.get(&page).await;
        assert!(r.body.contains("<h1>Remote desktop open to all</h1>"));
        assert_eq!(audit_total(&t).await, signed_in, "nothing recorded");

        // A visit that raised it links to it by title and severity, and the visit form offers
        // the authority's open findings by title.
        let form = nav
            .get(&format!("/election-authorities/{adams}/visits/new"))
            .await;
        assert!(
            form.body
                .contains(&format!("name=\"finding\" value=\"{id}\"")),
            "{}",
            form.body
        );
        assert!(form.body.contains("Remote desktop open to all"));
        let nav_id = t.people["navigator"].id.to_string();
        let r = nav
            .post_form(
                &format!("/election-authorities/{adams}/visits/new"),
                &[
                    ("visited_on", "2026-01-05"),
                    ("purpose", "follow_up"),
                    ("navigator", &nav_id),
                    ("finding", &id),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let visit = r.location().split('?').next().unwrap().to_string();
        let r = clerk.get(&visit).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains(&format!(
                "<a class=\"usa-link\" href=\"/findings/{id}\">Remote desktop open to all</a> — High"
            )),
            "{}",
            r.body
        );
        t.cleanup().await;
    }
}
