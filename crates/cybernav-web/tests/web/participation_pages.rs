//! The participation pages on SQLite and PostgreSQL, as the people of the program use them:
//! the county sees and answers its own checklist first (evidence, notes), the navigator records
//! the facts, the official certifies, and the statewide report card appears only when the
//! Board publishes it. Reminders go out once per authority and threshold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{StatusCode, header};
use common::{Client, Reply, TestApp, audit_total, databases};
use cybernav_app::RequestMeta;
use cybernav_app::participation::GrantCycleInput;
use cybernav_core::authz::system_actor;
use sha2::{Digest, Sha256};
use uuid::Uuid;

async fn open_cycle(t: &TestApp, name: &str, deadline: &str) -> Uuid {
    let system = system_actor();
    t.app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &GrantCycleInput {
                name: name.into(),
                grant_program: "HAVA Election Security Grant (EAC)".into(),
                funds: "13,903,208.00".into(),
                deadline: deadline.into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// A multipart upload of one file, as the browser sends the evidence form.
async fn upload(c: &mut Client, url: &str, file_name: &str, content: &[u8]) -> Reply {
    c.post_multipart(url, &[], &[(file_name, content)]).await
}

#[tokio::test]
async fn the_county_sees_and_answers_its_checklist_before_the_board_publishes() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cycle = open_cycle(&t, "2027 HAVA Election Security", "2099-03-15").await;
        let checklist = format!("/election-authorities/{adams}/participation?cycle={cycle}");

        // The clerk sees the checklist: not eligible, every item with its owner and reasons.
        let mut clerk = t.signed_in("ea_official").await;
        let page = clerk.get(&checklist).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Not eligible yet"), "{}", page.body);
        assert!(
            page.body
                .contains("Certification of Participation: <strong>not received yet")
        );
        assert!(page.body.contains("Who acts"));
        assert!(page.body.contains("Needs one of: connected to the statewide database over the ICN; or agreement to connect over the ICN signed."), "{}", page.body);
        // No fact forms for the county: the navigators record facts.
        assert!(!page.body.contains("/participation/facts"));
        // The live statewide status is not the county's to see; nothing is published yet.
        assert_eq!(
            clerk.get(&format!("/participation/{cycle}")).await.status,
            StatusCode::FORBIDDEN
        );
        let card = clerk
            .get(&format!("/participation/{cycle}/report-card"))
            .await;
        assert!(
            card.body.contains("has not published a report card"),
            "{}",
            card.body
        );

        // The clerk files the ICN agreement as evidence; a renamed program is refused whole.
        let evidence_url = format!(
            "/election-authorities/{adams}/participation/evidence?cycle={cycle}&requirement=icn"
        );
        let before = audit_total(&t).await;
        let bad = upload(
            &mut clerk,
            &evidence_url,
            "agreement.pdf",
            b"MZ\x90\x00 not a pdf",
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body
                .contains("does not contain what a .pdf file contains"),
            "{}",
            bad.body
        );
        assert_eq!(
            audit_total(&t).await,
            before,
            "nothing stored, nothing audited"
        );
        let pdf = b"%PDF-1.4\n% ICN interconnection agreement, Adams County\n";
        let ok = upload(&mut clerk, &evidence_url, "ICN agreement.pdf", pdf).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert!(
            ok.location().ends_with("notice=evidence_added#item-icn"),
            "{}",
            ok.location()
        );
        let page = clerk.get(&checklist).await;
        let sha: String = Sha256::digest(pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(page.body.contains(&sha), "the fingerprint is shown");
        let id = common::between(&page.body, "href=\"/evidence/");
        let id = id.split('"').next().unwrap().to_string();

        // The navigator downloads it byte for byte; a county user of another county cannot.
        let mut nav = t.signed_in("navigator").await;
        let file = nav.get(&format!("/evidence/{id}")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body.as_bytes(), pdf);
        assert!(
            file.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let mut other_clerk = t.signed_in("ea_official_other").await;
        assert_eq!(
            other_clerk.get(&format!("/evidence/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // The navigator asks, the clerk answers, on the item.
        let notes = format!("/election-authorities/{adams}/participation/notes");
        let cycle_s = cycle.to_string();
        let r = nav
            .post_form(
                &notes,
                &[
                    ("cycle", &cycle_s),
                    ("requirement", "isac"),
                    (
                        "body",
                        "Which ISAC are you with now that EI-ISAC funding ended?",
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = clerk
            .post_form(
                &notes,
                &[
                    ("cycle", &cycle_s),
                    ("requirement", "isac"),
                    (
                        "body",
                        "MS-ISAC, through the state's membership.\nCertificate attached.",
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let empty = clerk
            .post_form(
                &notes,
                &[
                    ("cycle", &cycle_s),
                    ("requirement", "isac"),
                    ("body", "   "),
                ],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = clerk
            .post_form(
                &notes,
                &[
                    ("cycle", &cycle_s),
                    ("requirement", "no-such-item"),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unknown.body.contains("has no requirement"),
            "{}",
            unknown.body
        );
        let page = nav.get(&checklist).await;
        assert!(page.body.contains("Which ISAC are you with"));
        assert!(
            page.body
                .contains("MS-ISAC, through the state&#x27;s membership.")
                || page
                    .body
                    .contains("MS-ISAC, through the state&#39;s membership."),
            "{}",
            page.body
        );

        // The navigator records the facts; history shows who did what.
        let facts = format!("/election-authorities/{adams}/participation/facts");
        for (fact, note) in [
            ("icn.connected", ""),
            ("isac.registered", "MS-ISAC (statewide membership)"),
            ("data_sharing.established", "Weekly e-mail list and portal"),
            ("training.designee_trained", "County clerk, state course"),
            ("assessment.allowed", ""),
            ("assessment.risk_assessment_done", ""),
            ("assessment.cis_analysis_done", ""),
        ] {
            let today = time::OffsetDateTime::now_utc().date().to_string();
            let r = nav
                .post_form(
                    &facts,
                    &[
                        ("cycle", &cycle_s),
                        ("fact", fact),
                        ("holds", "yes"),
                        ("on", &today),
                        ("note", note),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{fact}: {}", r.body);
        }
        let bad_date = nav
            .post_form(
                &facts,
                &[
                    ("cycle", &cycle_s),
                    ("fact", "icn.connected"),
                    ("holds", "yes"),
                    ("on", "15/03/2026"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_date.body.contains("YYYY-MM-DD"));
        let page = clerk.get(&checklist).await;
        assert!(page.body.contains("History ("), "history is shown");
        assert!(
            page.body.contains(
                "navigator@test.example: Recorded: connected to the statewide database over the ICN"
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains("Evidence added: ICN agreement.pdf"));

        // The clerk certifies; the statewide page shows Adams eligible to the Board.
        let r = clerk
            .post_form(
                &format!("/election-authorities/{adams}/participation/certify"),
                &[("cycle", &cycle_s), ("signer_name", "Chris Clerk")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = clerk.get(&checklist).await;
        assert!(
            page.body.contains("Eligible for grant funds"),
            "{}",
            page.body
        );
        assert!(page.body.contains("from Chris Clerk, on time"));

        let mut pm = t.signed_in("program_manager").await;
        let statewide = pm.get(&format!("/participation/{cycle}")).await;
        assert_eq!(statewide.status, StatusCode::OK);
        assert!(
            statewide.body.contains("1 of 3 certifications received"),
            "{}",
            statewide.body
        );
        assert!(statewide.body.contains("Not published yet"));
        // The navigator sees the statewide page with their own authorities only.
        let nav_view = nav.get(&format!("/participation/{cycle}")).await;
        assert!(nav_view.body.contains("Adams County Clerk"));
        assert!(!nav_view.body.contains("Cook County Clerk"));

        // Publishing is a deliberate, audited step; then everyone sees the figures.
        let r = pm
            .post_form(&format!("/participation/{cycle}/publish"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let card = clerk
            .get(&format!("/participation/{cycle}/report-card"))
            .await;
        assert!(
            card.body.contains("Published by the Board"),
            "{}",
            card.body
        );
        assert!(card.body.contains("Adams County Clerk"));
        assert!(!card.body.contains("Which ISAC"), "notes are not published");
        let mut partner = t.signed_in("partner").await;
        assert!(
            partner
                .get(&format!("/participation/{cycle}/report-card"))
                .await
                .body
                .contains("Cook County Clerk")
        );
        let audit = t
            .app
            .store
            .read()
            .await
            .unwrap()
            .list_audit(&cybernav_app::store::audit::AuditQuery {
                action: Some("report_card.publish".into()),
                page: 1,
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.1, 1);
        assert_eq!(audit.0[0].event.actor_label, "program.manager@test.example");
        t.cleanup().await;
    }
}

/// Posts the paper-certification form as the Board fills it in.
async fn paper(c: &mut Client, ea: Uuid, cycle: &str, on: &str, at: &str) -> Reply {
    c.post_form(
        &format!("/election-authorities/{ea}/participation/paper-certification"),
        &[
            ("cycle", cycle),
            ("signer_name", "Chris Clerk"),
            ("received_on", on),
            ("received_time", at),
        ],
    )
    .await
}

#[tokio::test]
async fn the_board_records_a_paper_certification_on_its_own_clock() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cycle = open_cycle(&t, "2019 Navigator Program", "2019-03-15").await;
        let cycle_s = cycle.to_string();
        let checklist = format!("/election-authorities/{adams}/participation?cycle={cycle}");
        let mut pm = t.signed_in("program_manager").await;
        let page = pm.get(&checklist).await;
        assert!(
            page.body
                .contains("Record a certification received on paper")
        );

        // A time the clocks skipped, and a date written the wrong way: refused, nothing stored.
        let before = audit_total(&t).await;
        let r = paper(&mut pm, adams, &cycle_s, "2019-03-10", "02:30").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("did not happen in America/Chicago"),
            "{}",
            r.body
        );
        let r = paper(&mut pm, adams, &cycle_s, "15/03/2019", "9am").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("YYYY-MM-DD") && r.body.contains("HH:MM"),
            "{}",
            r.body
        );
        assert_eq!(audit_total(&t).await, before);

        // The county's official cannot record one for the Board.
        let mut clerk = t.signed_in("ea_official").await;
        let r = paper(&mut clerk, adams, &cycle_s, "2019-03-15", "16:30").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            !clerk
                .get(&checklist)
                .await
                .body
                .contains("received on paper")
        );

        // 11 pm on the deadline day in Chicago is already the 16th in UTC: still on time.
        let r = paper(&mut pm, adams, &cycle_s, "2019-03-15", "23:00").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = pm.get(&checklist).await;
        assert!(
            page.body.contains("from Chris Clerk, on time"),
            "{}",
            page.body
        );
        assert!(
            audit_total(&t).await > before,
            "the certification is audited"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_grant_cycle_form_reports_every_problem_and_stores_nothing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut board = t.signed_in("board_admin").await;
        let before = audit_total(&t).await;
        let r = board
            .post_form(
                "/participation",
                &[
                    ("name", ""),
                    ("grant_program", "HAVA"),
                    ("funds", "lots"),
                    ("deadline", "15/03/2027"),
                    ("time_zone", "Central"),
                    ("set_id", ""),
                    ("set_version", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for text in [
            "Please correct these 4 problems",
            "write the amount in dollars and cents",
            "YYYY-MM-DD",
            "is not a time zone name",
        ] {
            assert!(r.body.contains(text), "{text}: {}", r.body);
        }
        assert!(
            r.body.contains("value=\"lots\""),
            "the form comes back as sent"
        );
        assert_eq!(audit_total(&t).await, before);
        let r = board
            .post_form(
                "/participation",
                &[
                    ("name", "2027 HAVA"),
                    ("grant_program", "HAVA"),
                    ("funds", "1,000.00"),
                    ("deadline", "2027-03-15"),
                    ("time_zone", "America/Chicago"),
                    ("set_id", ""),
                    ("set_version", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let list = board.get("/participation").await;
        assert!(
            list.body.contains("2027 HAVA") && list.body.contains("$1,000.00"),
            "{}",
            list.body
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn reminders_go_once_per_authority_and_threshold() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let deadline = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
        let cycle = open_cycle(&t, "Reminder cycle", &deadline.to_string()).await;
        let now = time::OffsetDateTime::now_utc();
        let first = t.app.send_reminders(now).await.unwrap();
        // Three authorities with open items; Adams has an official and an IT person, Cook an
        // official, Chicago nobody with an account.
        assert_eq!(first.authorities, 3);
        assert_eq!(first.messages, 3);
        let again = t.app.send_reminders(now).await.unwrap();
        assert_eq!(again.messages, 0, "the 14-day reminder went already");
        let outbox = t
            .app
            .store
            .read()
            .await
            .unwrap()
            .list_outbox(50)
            .await
            .unwrap();
        let adams: Vec<_> = outbox
            .iter()
            .filter(|m| m.kind == "participation_reminder" && m.subject.contains("Adams"))
            .collect();
        assert_eq!(adams.len(), 2);
        assert!(
            adams
                .iter()
                .any(|m| m.to_addr == "ea.official@test.example")
        );
        let body = &adams[0].body_text;
        assert!(
            body.contains("still open") && body.contains("213.50(a)(1)"),
            "{body}"
        );
        assert!(
            body.contains(&format!("/participation?cycle={cycle}")),
            "{body}"
        );
        // A day later the 7-day threshold is not reached yet (9 days left): still nothing.
        let later = t
            .app
            .send_reminders(now + time::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(later.messages, 0);
        // At 7 days left, the next reminder.
        let week = t
            .app
            .send_reminders(now + time::Duration::days(4))
            .await
            .unwrap();
        assert_eq!(week.authorities, 3);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_api_gives_the_statewide_standing_the_report_card_and_loads_sets() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let cycle = open_cycle(&t, "API cycle", "2099-03-15").await;
        let pm = t.token("program_manager").await;
        let nav = t.token("navigator").await;
        let clerk = t.token("ea_official").await;

        let s = t
            .api_get(&pm, &format!("/api/v1/grant-cycles/{cycle}/statewide"))
            .await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        let s = s.json();
        assert_eq!(s["statewide"]["counts"]["total"], 3);
        assert_eq!(s["statewide"]["counts"]["in_progress"], 3);
        assert_eq!(
            s["statewide"]["election_authorities"][0]["name"],
            "Adams County Clerk"
        );
        let mine = t
            .api_get(&nav, &format!("/api/v1/grant-cycles/{cycle}/statewide"))
            .await
            .json();
        assert_eq!(
            mine["statewide"]["counts"]["total"], 1,
            "a navigator sees their own"
        );
        assert_eq!(
            t.api_get(&clerk, &format!("/api/v1/grant-cycles/{cycle}/statewide"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let card = format!("/api/v1/grant-cycles/{cycle}/report-card");
        assert!(t.api_get(&clerk, &card).await.json()["report_card"].is_null());
        let published = t.api_send("POST", &pm, &card, "").await;
        assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);
        let seen = t.api_get(&clerk, &card).await.json();
        assert_eq!(seen["report_card"]["counts"]["total"], 3);
        assert_eq!(seen["report_card"]["cycle_name"], "API cycle");

        // A state's own set: a bad one is refused with the file and line, a good one loads.
        let bad = serde_json::json!({
            "file_name": "ours.toml",
            "source": "format = \"cybernav-requirements/1\"\nid = \"ours\"\nversion = \"1\"\ntitle = \"Ours\"\njurisdiction = \"Here\"\n\n[[requirement]]\nid = \"a\"\nclause = \"1\"\ntitle = \"A\"\ntext = \"A.\"\nowner = \"sheriff\"\nall = [\"checked\"]\ndue = \"certification_deadline\"\n",
        });
        let r = t
            .api_send("POST", &pm, "/api/v1/requirement-sets", &bad.to_string())
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("ours.toml, line 12"), "{}", r.body);
        let good = bad["source"]
            .as_str()
            .unwrap()
            .replace("sheriff", "county_it");
        let body = serde_json::json!({"file_name": "ours.toml", "source": good}).to_string();
        let r = t
            .api_send("POST", &pm, "/api/v1/requirement-sets", &body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["requirement_set"]["requirements"], 1);
        assert_eq!(
            t.api_send("POST", &clerk, "/api/v1/requirement-sets", &body)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        t.cleanup().await;
    }
}
