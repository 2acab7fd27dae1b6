//! Outreach (Part 213.30(a)(3), (10)) through the real router, on SQLite and on PostgreSQL when
//! configured: contacts logged by navigators for their authorities and by the Program Manager,
//! validation naming the field, internal notes kept from the county and out of the audit log,
//! events with attendance, the "last contact" list, and the pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases, ok, refusal};

const SECRET: &str = "Their backups sit on the domain controller";

fn contact(ea: uuid::Uuid, internal: bool, topic: &str) -> String {
    serde_json::json!({
        "election_authority_id": ea,
        "contacted_on": "2026-01-05",
        "kind": "visit",
        "people_met": "Pat Clerk (county clerk)",
        "topic": topic,
        "notes": SECRET,
        "notes_internal": internal,
        "follow_up_on": "2026-02-01",
    })
    .to_string()
}

async fn audit_text(t: &TestApp) -> String {
    let mut tx = t.app.store.read().await.unwrap();
    let (rows, _) = tx
        .list_audit(&cybernav_app::store::audit::AuditQuery {
            page: 1,
            per_page: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    format!("{rows:?}")
}

#[tokio::test]
async fn contacts_events_and_last_contact_through_the_api() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let navigator = t.token("navigator").await;
        let pm = t.token("program_manager").await;
        let official = t.token("ea_official").await;
        let partner = t.token("partner").await;

        // Bad input names each field; nothing is stored.
        let before = audit_total(&t).await;
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &navigator,
                "/api/v1/outreach/contacts",
                &serde_json::json!({
                    "election_authority_id": adams,
                    "contacted_on": "2999-01-01",
                    "kind": "fax",
                    "people_met": " ",
                    "topic": "",
                })
                .to_string(),
            )
            .await,
        );
        assert_eq!(fields, vec!["contacted_on", "kind", "people_met", "topic"]);
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &navigator,
                "/api/v1/outreach/contacts",
                &serde_json::json!({
                    "election_authority_id": adams,
                    "contacted_on": "2026-01-05",
                    "kind": "call",
                    "people_met": "Pat",
                    "topic": "Backups",
                    "follow_up_on": "2026-01-01",
                })
                .to_string(),
            )
            .await,
        );
        assert_eq!(fields, vec!["follow_up_on"]);
        assert_eq!(audit_total(&t).await, before);

        // Who may log: the navigator for their authorities, the Program Manager for any.
        let internal = ok(
            &t.api_send(
                "POST",
                &navigator,
                "/api/v1/outreach/contacts",
                &contact(adams, true, "Backups before the primary"),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(internal["contact"]["notes"], SECRET);
        assert_eq!(internal["contact"]["recorded_by"], "Test Cyber Navigator");
        ok(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/outreach/contacts",
                &contact(adams, false, "Grant paperwork"),
            )
            .await,
            StatusCode::CREATED,
        );
        for (token, ea, status) in [
            (&navigator, cook, StatusCode::NOT_FOUND),
            (&official, adams, StatusCode::FORBIDDEN),
            (&official, cook, StatusCode::NOT_FOUND),
            (&partner, adams, StatusCode::FORBIDDEN),
            (&t.token("auditor").await, adams, StatusCode::FORBIDDEN),
        ] {
            let r = t
                .api_send(
                    "POST",
                    token,
                    "/api/v1/outreach/contacts",
                    &contact(ea, false, "x"),
                )
                .await;
            assert_eq!(r.status, status, "{}", r.body);
        }

        // The notes never reach the audit log.
        assert!(!audit_text(&t).await.contains(SECRET));
        assert!(audit_text(&t).await.contains("notes_written"));

        // Who reads: the county its own, without internal notes; the other navigator none of
        // Adams's; partners nothing.
        let mine = ok(
            &t.api_get(&official, "/api/v1/outreach/contacts").await,
            StatusCode::OK,
        );
        assert_eq!(mine["meta"]["total"], 2);
        let notes: Vec<&serde_json::Value> = mine["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["notes"])
            .collect();
        assert!(notes.contains(&&serde_json::Value::Null));
        assert!(notes.contains(&&serde_json::Value::String(SECRET.into())));
        let program = ok(
            &t.api_get(
                &pm,
                &format!("/api/v1/outreach/contacts?election_authority_id={adams}"),
            )
            .await,
            StatusCode::OK,
        );
        assert!(
            program["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["notes"] == SECRET)
        );
        let other_nav = t.token("navigator_other").await;
        let theirs = ok(
            &t.api_get(&other_nav, "/api/v1/outreach/contacts").await,
            StatusCode::OK,
        );
        assert_eq!(theirs["meta"]["total"], 0);
        assert_eq!(
            t.api_get(
                &other_nav,
                &format!("/api/v1/outreach/contacts?election_authority_id={adams}")
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        for path in [
            "/api/v1/outreach/contacts",
            "/api/v1/outreach/last-contact",
            "/api/v1/events",
        ] {
            assert_eq!(
                t.api_get(&partner, path).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }

        // Events: created by the program, attendance by authority.
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/events",
                r#"{"held_on":"soon","kind":"party","title":" "}"#,
            )
            .await,
        );
        assert_eq!(fields, vec!["held_on", "kind", "title"]);
        assert_eq!(
            t.api_send(
                "POST",
                &official,
                "/api/v1/events",
                r#"{"held_on":"2026-03-01","kind":"webinar","title":"Phishing"}"#
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let event = ok(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/events",
                r#"{"held_on":"2026-03-01","kind":"webinar","title":"Phishing on election night","audience":"County clerks"}"#,
            )
            .await,
            StatusCode::CREATED,
        );
        let id = event["event"]["id"].as_str().unwrap().to_string();
        let attend = format!("/api/v1/events/{id}/attendance");
        let body = |ea: uuid::Uuid, name: &str| {
            serde_json::json!({"election_authority_id": ea, "person_name": name}).to_string()
        };
        let r = ok(
            &t.api_send("POST", &navigator, &attend, &body(adams, "Pat Clerk"))
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(r["event"]["attendees"], 1);
        assert_eq!(
            t.api_send("POST", &navigator, &attend, &body(adams, "Pat Clerk"))
                .await
                .status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            t.api_send("POST", &navigator, &attend, &body(cook, "Sam Cook"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let (fields, _) = refusal(&t.api_send("POST", &pm, &attend, &body(cook, " ")).await);
        assert_eq!(fields, vec!["person_name"]);
        ok(
            &t.api_send("POST", &pm, &attend, &body(cook, "Sam Cook"))
                .await,
            StatusCode::CREATED,
        );
        let seen = ok(
            &t.api_get(
                &t.token("ea_official_other").await,
                &format!("/api/v1/events/{id}"),
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(
            seen["event"]["attendees"], 1,
            "Cook sees its own attendance only"
        );
        assert_eq!(seen["event"]["attendance"][0]["person_name"], "Sam Cook");
        let all = ok(
            &t.api_get(&pm, &format!("/api/v1/events/{id}")).await,
            StatusCode::OK,
        );
        assert_eq!(all["event"]["attendees"], 2);
        assert_eq!(all["event"]["authorities"], 2);

        // Last contact: the later of a contact and an attended event; never reached first.
        let last = ok(
            &t.api_get(&pm, "/api/v1/outreach/last-contact").await,
            StatusCode::OK,
        );
        let rows = last["authorities"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["name"], "Chicago Board of Election Commissioners");
        assert_eq!(rows[0]["last_reached"], serde_json::Value::Null);
        assert_eq!(rows[0]["not_reached"], true);
        let adams_row = rows
            .iter()
            .find(|r| r["name"] == "Adams County Clerk")
            .unwrap();
        assert_eq!(adams_row["last_contact"], "2026-01-05");
        assert_eq!(adams_row["last_attendance"], "2026-03-01");
        assert_eq!(adams_row["last_reached"], "2026-03-01");
        assert_eq!(adams_row["events_attended"], 1);
        let scoped = ok(
            &t.api_get(&navigator, "/api/v1/outreach/last-contact").await,
            StatusCode::OK,
        );
        assert_eq!(scoped["meta"]["total"], 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn outreach_pages() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"].to_string();
        let chicago = t.authorities["chicago"].to_string();
        let today = time::OffsetDateTime::now_utc().date().to_string();

        let mut nav = t.signed_in("navigator").await;
        let page = nav.get("/outreach").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Log a contact"));
        assert!(
            !page.body.contains(&chicago),
            "only the navigator's authorities"
        );

        // A bad form comes back with each field named.
        let bad = nav
            .post_form(
                "/outreach/contacts",
                &[
                    ("election_authority_id", &adams),
                    ("contacted_on", "yesterday"),
                    ("kind", "visit"),
                    ("people_met", ""),
                    ("topic", "Backups"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("href=\"#contacted_on\""));
        assert!(bad.body.contains("href=\"#people_met\""));
        let good = nav
            .post_form(
                "/outreach/contacts",
                &[
                    ("election_authority_id", &adams),
                    ("contacted_on", &today),
                    ("kind", "visit"),
                    ("people_met", "Pat Clerk"),
                    ("topic", "Backups before the primary"),
                    ("notes", SECRET),
                    ("notes_internal", "yes"),
                    ("follow_up_on", ""),
                ],
            )
            .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
        assert_eq!(
            good.location(),
            format!("/outreach?authority={adams}&notice=outreach_logged#contacts")
        );
        let refused = nav
            .post_form(
                "/outreach/contacts",
                &[
                    ("election_authority_id", &chicago),
                    ("contacted_on", "2026-01-05"),
                    ("kind", "visit"),
                    ("people_met", "Pat"),
                    ("topic", "x"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);

        // The Program Manager sees who has not been reached; the county its own contacts,
        // without the internal notes; partners nothing.
        let mut pm = t.signed_in("program_manager").await;
        let page = pm.get("/outreach").await;
        assert!(
            page.body
                .contains("2 authorities have not been reached in 90 days"),
            "{}",
            page.body
        );
        assert!(page.body.contains(SECRET));
        let mut clerk = t.signed_in("ea_official").await;
        let page = clerk.get("/outreach").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Backups before the primary"));
        assert!(!page.body.contains(SECRET));
        assert!(!page.body.contains("Log a contact") && !page.body.contains("Record an event"));
        let mut partner = t.signed_in("partner").await;
        assert_eq!(partner.get("/outreach").await.status, StatusCode::FORBIDDEN);

        // Events from the page, attendance on the event's page.
        let bad = pm
            .post_form(
                "/events",
                &[("held_on", ""), ("event_kind", "party"), ("title", "x")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("href=\"#held_on\"") && bad.body.contains("href=\"#event_kind\"")
        );
        let made = pm
            .post_form(
                "/events",
                &[
                    ("held_on", "2026-02-10"),
                    ("event_kind", "tabletop"),
                    ("title", "Election night tabletop"),
                    ("audience", "Clerks and IT staff"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let event = made
            .location()
            .trim_start_matches("/events/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let r = nav
            .post_form(
                &format!("/events/{event}/attendance"),
                &[
                    ("election_authority_id", &adams),
                    ("person_name", "Pat Clerk"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let again = nav
            .post_form(
                &format!("/events/{event}/attendance"),
                &[
                    ("election_authority_id", &adams),
                    ("person_name", "Pat Clerk"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("already recorded"));
        let page = clerk.get(&format!("/events/{event}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Pat Clerk") && !page.body.contains("Record someone who attended")
        );
        assert_eq!(
            partner.get(&format!("/events/{event}")).await.status,
            StatusCode::FORBIDDEN
        );
        t.cleanup().await;
    }
}
