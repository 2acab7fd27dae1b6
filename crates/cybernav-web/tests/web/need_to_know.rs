//! The need-to-know roster (Part 213.30(a)(5)) through the real router, on SQLite and on
//! PostgreSQL when configured: the whole story of an application, the refusals, expiry at
//! explicit instants, expiry warnings delivered once to a real SMTP sink, the CSV export, and
//! the pages a person and the Program Manager use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, databases, ok, refusal};
use cybernav_app::RequestMeta;
use cybernav_app::mail::{Mailer, deliver_due};
use cybernav_app::need_to_know::{ApplyInput, RosterFilter};
use cybernav_core::need_to_know::{AGREEMENT_VERSION, Decision, Standing};
use cybernav_testkit::SmtpSink as Sink;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const JUSTIFICATION: &str = "I run the county's e-poll books and need the STIC bulletins";

fn apply_body(organisation: &str) -> String {
    serde_json::json!({
        "organisation": organisation,
        "title": "Deputy clerk for elections",
        "justification": JUSTIFICATION,
        "sponsor_name": "Pat Clerk",
        "sponsor_email": "pat.clerk@adams.example",
    })
    .to_string()
}

fn expires_at(v: &serde_json::Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v["application"]["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

#[tokio::test]
async fn the_whole_story_through_the_api() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let official = t.token("ea_official").await;
        let pm = t.token("program_manager").await;
        let board = t.token("board_admin").await;
        let auditor = t.token("auditor").await;
        let navigator = t.token("navigator").await;
        let clerk = t.people["ea_official"].id;

        // Bad input names each field, and nothing is stored.
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &official,
                "/api/v1/need-to-know/applications",
                r#"{"organisation":"Adams","title":"","justification":" ","sponsor_name":"Pat","sponsor_email":"nope"}"#,
            )
            .await,
        );
        assert_eq!(fields, vec!["title", "justification", "sponsor_email"]);
        let mine = ok(
            &t.api_get(&official, "/api/v1/need-to-know/mine").await,
            StatusCode::OK,
        );
        assert_eq!(mine["meta"]["total"], 0);

        // Apply; a second open application is refused with a clear error.
        let applied = ok(
            &t.api_send(
                "POST",
                &official,
                "/api/v1/need-to-know/applications",
                &apply_body("=HYPERLINK(\"http://evil\")"),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(applied["application"]["state"], "pending");
        assert_eq!(applied["application"]["current"], false);
        let id = applied["application"]["id"].as_str().unwrap().to_string();
        let again = t
            .api_send(
                "POST",
                &official,
                "/api/v1/need-to-know/applications",
                &apply_body("Adams County"),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert!(
            again
                .body
                .contains("already have an open need-to-know application"),
            "{}",
            again.body
        );

        // Who may see and decide: others' entries do not exist for county users and
        // navigators; auditors read but may not decide.
        let decide = format!("/api/v1/need-to-know/applications/{id}/decision");
        let approve = r#"{"decision":"approve","note":"Sponsor confirmed by phone"}"#;
        assert_eq!(
            t.api_send("POST", &navigator, &decide, approve)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.api_send("POST", &official, &decide, approve).await.status,
            StatusCode::FORBIDDEN,
            "one's own entry is seen, not decided"
        );
        assert_eq!(
            t.api_send("POST", &auditor, &decide, approve).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.api_get(&official, "/api/v1/need-to-know/applications")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let roster = ok(
            &t.api_get(&auditor, "/api/v1/need-to-know/applications?state=pending")
                .await,
            StatusCode::OK,
        );
        assert_eq!(roster["meta"]["total"], 1);
        let (fields, detail) = refusal(
            &t.api_get(&auditor, "/api/v1/need-to-know/applications?state=gone")
                .await,
        );
        assert_eq!(fields, vec!["state"]);
        assert!(detail.contains("expired"), "{detail}");

        // The Program Manager may not decide their own application; the Board may.
        let own = ok(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/need-to-know/applications",
                &apply_body("State Board of Elections"),
            )
            .await,
            StatusCode::CREATED,
        );
        let own_id = own["application"]["id"].as_str().unwrap();
        let self_approval = t
            .api_send(
                "POST",
                &pm,
                &format!("/api/v1/need-to-know/applications/{own_id}/decision"),
                approve,
            )
            .await;
        assert_eq!(self_approval.status, StatusCode::CONFLICT);
        assert!(
            self_approval
                .body
                .contains("your own need-to-know application"),
            "{}",
            self_approval.body
        );
        ok(
            &t.api_send(
                "POST",
                &board,
                &format!("/api/v1/need-to-know/applications/{own_id}/decision"),
                approve,
            )
            .await,
            StatusCode::OK,
        );

        // Approve: the period starts, but the person is not current until they accept.
        let before = cybernav_app::store::now();
        let approved = ok(
            &t.api_send("POST", &pm, &decide, approve).await,
            StatusCode::OK,
        );
        assert_eq!(approved["application"]["state"], "approved");
        let expires = expires_at(&approved);
        assert!(expires >= before + Duration::days(365));
        assert!(expires <= cybernav_app::store::now() + Duration::days(365));
        assert!(!t.app.has_current_need_to_know(clerk, before).await.unwrap());
        assert_eq!(
            t.api_send("POST", &pm, &decide, approve).await.status,
            StatusCode::CONFLICT,
            "decided once"
        );

        // Accept the agreement: only the applicant, only the version in force.
        let accept = format!("/api/v1/need-to-know/applications/{id}/acceptance");
        assert_eq!(
            t.api_send(
                "POST",
                &pm,
                &accept,
                &format!(r#"{{"agreement_version":"{AGREEMENT_VERSION}"}}"#)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &official,
                &accept,
                r#"{"agreement_version":"fouo-2019"}"#,
            )
            .await,
        );
        assert_eq!(fields, vec!["agreement_version"]);
        let active = ok(
            &t.api_send(
                "POST",
                &official,
                &accept,
                &format!(r#"{{"agreement_version":"{AGREEMENT_VERSION}"}}"#),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(active["application"]["state"], "active");
        assert_eq!(active["application"]["current"], true);
        let now = cybernav_app::store::now();
        assert!(t.app.has_current_need_to_know(clerk, now).await.unwrap());
        assert!(
            t.app
                .has_current_need_to_know(clerk, expires - Duration::seconds(1))
                .await
                .unwrap()
        );
        assert!(
            !t.app
                .has_current_need_to_know(clerk, expires)
                .await
                .unwrap(),
            "not current from the instant it expires"
        );
        let system = cybernav_core::authz::system_actor();
        let reader = system.read_need_to_know_roster().unwrap();
        let later = t
            .app
            .need_to_know_roster(
                &reader,
                RosterFilter {
                    standing: Some(Standing::Expired),
                },
                expires + Duration::days(1),
            )
            .await
            .unwrap();
        assert_eq!(later.len(), 2, "both approvals have expired a year on");

        // Renewal early counts from the current expiry.
        let renewed = ok(
            &t.api_send(
                "POST",
                &pm,
                &format!("/api/v1/need-to-know/applications/{id}/renewal"),
                "",
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(expires_at(&renewed), expires + Duration::days(365));
        assert!(
            t.app
                .has_current_need_to_know(clerk, expires + Duration::days(1))
                .await
                .unwrap()
        );

        // Revocation needs a reason and ends it at once.
        let revoke = format!("/api/v1/need-to-know/applications/{id}/revocation");
        let (fields, _) = refusal(&t.api_send("POST", &pm, &revoke, r#"{"reason":"  "}"#).await);
        assert_eq!(fields, vec!["reason"]);
        let revoked = ok(
            &t.api_send(
                "POST",
                &pm,
                &revoke,
                r#"{"reason":"Left the clerk's office"}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(revoked["application"]["state"], "revoked");
        assert!(
            !t.app
                .has_current_need_to_know(clerk, cybernav_app::store::now())
                .await
                .unwrap()
        );

        // Denial; a denied person may apply again.
        let it = t.token("ea_it").await;
        let denied_id = ok(
            &t.api_send(
                "POST",
                &it,
                "/api/v1/need-to-know/applications",
                &apply_body("Adams County IT"),
            )
            .await,
            StatusCode::CREATED,
        )["application"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let denied = ok(
            &t.api_send(
                "POST",
                &pm,
                &format!("/api/v1/need-to-know/applications/{denied_id}/decision"),
                r#"{"decision":"deny"}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(denied["application"]["state"], "denied");
        assert_eq!(
            t.api_send(
                "POST",
                &it,
                &format!("/api/v1/need-to-know/applications/{denied_id}/acceptance"),
                &format!(r#"{{"agreement_version":"{AGREEMENT_VERSION}"}}"#),
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        ok(
            &t.api_send(
                "POST",
                &it,
                "/api/v1/need-to-know/applications",
                &apply_body("Adams County IT"),
            )
            .await,
            StatusCode::CREATED,
        );

        // The export: every application, formulas guarded, no justification.
        let csv = t.api_get(&auditor, "/api/v1/need-to-know/export.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(lines[0].starts_with("id,name,email,role,organisation,title,sponsor_name"));
        assert_eq!(lines.len(), 1 + 4, "{}", csv.body);
        let clerk_line = lines.iter().find(|l| l.contains(&id)).unwrap();
        assert!(
            clerk_line.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{clerk_line}"
        );
        assert!(clerk_line.contains(",revoked,"), "{clerk_line}");
        assert!(!csv.body.contains(JUSTIFICATION));
        assert_eq!(
            t.api_get(&navigator, "/api/v1/need-to-know/export.csv")
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // Every decision is audited, without the applicant's justification or the notes.
        let audit = t
            .api_get(
                &board,
                "/api/v1/audit-events?per_page=200&entity_type=need_to_know_application",
            )
            .await;
        for action in [
            "need_to_know.apply",
            "need_to_know.approve",
            "need_to_know.deny",
            "need_to_know.accept",
            "need_to_know.renew",
            "need_to_know.revoke",
        ] {
            assert!(audit.body.contains(action), "{action} audited");
        }
        assert!(!audit.body.contains(JUSTIFICATION));
        assert!(!audit.body.contains("Sponsor confirmed by phone"));
        assert!(!audit.body.contains("Left the clerk"));
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Expiry warnings through a real SMTP server

/// An active approval of `key`'s, made through the use cases; returns its id and expiry.
async fn active_approval(t: &TestApp, key: &str) -> (Uuid, OffsetDateTime) {
    let meta = RequestMeta::default();
    let person = t.actor(key).await;
    let id = t
        .app
        .apply_need_to_know(
            &person.apply_need_to_know(),
            &ApplyInput {
                organisation: "Adams County".into(),
                title: "Clerk".into(),
                justification: JUSTIFICATION.into(),
                sponsor_name: "Pat Clerk".into(),
                sponsor_email: "pat@adams.example".into(),
            },
            &meta,
        )
        .await
        .unwrap();
    let pm = t.actor("program_manager").await;
    t.app
        .decide_need_to_know(
            &pm.decide_need_to_know(person.user_id).unwrap(),
            id,
            Decision::Approve,
            None,
            &meta,
        )
        .await
        .unwrap();
    t.app
        .accept_need_to_know_agreement(&person, id, AGREEMENT_VERSION, &meta)
        .await
        .unwrap();
    let reader = pm.read_need_to_know_roster().unwrap();
    let entry = t
        .app
        .need_to_know_roster(&reader, RosterFilter::default(), cybernav_app::store::now())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id() == id)
        .unwrap();
    (id, entry.listing.row.expires_at.unwrap())
}

#[tokio::test]
async fn expiry_warnings_reach_the_person_once_even_from_two_replicas() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let sink = Sink::start();
        let (_, expires) = active_approval(&t, "ea_official").await;
        let clerk = &t.people["ea_official"];

        // Long before: nothing. 25 days before: the 30-day warning, once, though two
        // replicas run at the same instant and again later.
        let run = t
            .app
            .send_expiry_warnings(expires - Duration::days(60))
            .await
            .unwrap();
        assert_eq!(run.messages, 0);
        let at = expires - Duration::days(25);
        let (a, b) = tokio::join!(
            t.app.send_expiry_warnings(at),
            t.app.send_expiry_warnings(at)
        );
        assert_eq!(a.unwrap().messages + b.unwrap().messages, 1);
        assert_eq!(
            t.app
                .send_expiry_warnings(at + Duration::days(1))
                .await
                .unwrap()
                .messages,
            0
        );
        // 6 days before: the 7-day warning, once.
        let at = expires - Duration::days(6);
        let (a, b) = tokio::join!(
            t.app.send_expiry_warnings(at),
            t.app.send_expiry_warnings(at)
        );
        assert_eq!(a.unwrap().messages + b.unwrap().messages, 1);
        assert_eq!(t.app.send_expiry_warnings(at).await.unwrap().messages, 0);
        // Expired: nothing more, and not current.
        assert_eq!(
            t.app
                .send_expiry_warnings(expires + Duration::hours(1))
                .await
                .unwrap()
                .messages,
            0
        );
        assert!(
            !t.app
                .has_current_need_to_know(clerk.id, expires + Duration::hours(1))
                .await
                .unwrap()
        );

        let mailer = Mailer::new(
            &format!("smtp://127.0.0.1:{}", sink.port),
            "cybernav <no-reply@cybernav.test>",
        )
        .unwrap();
        let sent = deliver_due(&t.app.store, &mailer, cybernav_app::store::now())
            .await
            .unwrap();
        assert_eq!(sent, 2);
        let messages = sink.messages();
        assert_eq!(messages.len(), 2, "one 30-day and one 7-day warning");
        for m in &messages {
            assert!(
                m.contains(&format!("X-Envelope-To: {}", clerk.email)),
                "{m}"
            );
            assert!(m.contains("need-to-know approval expires in"), "{m}");
            assert!(
                !m.contains(JUSTIFICATION),
                "no FOUO or justification in mail"
            );
        }
        assert!(messages.iter().any(|m| m.contains("expires in 25 day(s)")));
        assert!(messages.iter().any(|m| m.contains("expires in 6 day(s)")));
        drop(sink);
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

#[tokio::test]
async fn a_person_applies_the_program_manager_approves_and_the_person_accepts() {
    let t = TestApp::new(common::Db::Sqlite).await;
    let mut clerk = t.signed_in("ea_official").await;
    let page = clerk.get("/need-to-know").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Apply for need-to-know"));
    assert!(
        page.body.contains(r#"href="/need-to-know""#),
        "in the navigation"
    );
    let bad = clerk
        .post_form("/need-to-know/apply", &[("organisation", "Adams County")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Your role or title"),
        "the field is named"
    );
    let done = clerk
        .post_form(
            "/need-to-know/apply",
            &[
                ("organisation", "Adams County"),
                ("title", "County clerk"),
                ("justification", JUSTIFICATION),
                ("sponsor_name", "Pat Chair"),
                ("sponsor_email", "chair@adams.example"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/need-to-know?notice=ntk_applied");
    assert!(
        clerk
            .get("/need-to-know")
            .await
            .body
            .contains("Waiting for a decision")
    );

    let mut pm = t.signed_in("program_manager").await;
    let roster = pm.get("/need-to-know/roster").await;
    assert_eq!(roster.status, StatusCode::OK);
    assert!(roster.body.contains("<caption>"));
    assert!(
        roster.body.contains("need the STIC bulletins"),
        "the justification is shown to the decider"
    );
    let id = common::between(&roster.body, "action=\"/need-to-know/");
    let id = id.split('/').next().unwrap().to_string();
    let approved = pm
        .post_form(
            &format!("/need-to-know/{id}/decision"),
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(
        approved.location(),
        "/need-to-know/roster?notice=ntk_approved"
    );

    let page = clerk.get("/need-to-know").await;
    assert!(page.body.contains("Handling agreement"));
    assert!(
        page.body
            .contains("For Official Use Only (FOUO) marks information")
    );
    let unticked = clerk
        .post_form(
            &format!("/need-to-know/{id}/accept"),
            &[("agreement_version", AGREEMENT_VERSION)],
        )
        .await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.body.contains("tick the box"));
    let accepted = clerk
        .post_form(
            &format!("/need-to-know/{id}/accept"),
            &[("agree", "yes"), ("agreement_version", AGREEMENT_VERSION)],
        )
        .await;
    assert_eq!(accepted.location(), "/need-to-know?notice=ntk_accepted");
    let page = clerk.get("/need-to-know").await;
    assert!(
        page.body.contains("<strong>Active</strong>"),
        "{}",
        page.body
    );
    assert!(
        t.app
            .has_current_need_to_know(t.people["ea_official"].id, cybernav_app::store::now())
            .await
            .unwrap()
    );
    // Someone else's entry does not exist for a county user.
    let mut other = t.signed_in("ea_it").await;
    assert_eq!(
        other
            .post_form(&format!("/need-to-know/{id}/revoke"), &[("reason", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    t.cleanup().await;
}
