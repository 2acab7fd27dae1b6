//! The JSON API under `/api/v1`, through the real router, on every database: happy paths with
//! their audit records, scoping by role, every kind of bad input answered with the error
//! envelope (and nothing stored), tokens, and the OpenAPI document as a snapshot.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly, with the body, by design"
)]

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, databases};
use serde_json::{Value, json};
use uuid::Uuid;

/// Asserts an error answer: the status, a JSON envelope with a non-empty detail, and the
/// field at fault when one is given.
#[track_caller]
fn assert_error(r: &Reply, status: StatusCode, field: Option<&str>) -> Value {
    assert_eq!(r.status, status, "body: {}", r.body);
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "content type {ct:?} for {}",
        r.body
    );
    let body = r.json();
    let errors = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array: {}", r.body));
    assert!(!errors.is_empty(), "{}", r.body);
    for e in errors {
        assert!(
            !e["detail"].as_str().unwrap_or_default().is_empty(),
            "empty detail: {}",
            r.body
        );
    }
    if let Some(field) = field {
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on field {field}: {}",
            r.body
        );
    }
    body
}

#[track_caller]
fn assert_ok(r: &Reply, status: StatusCode) -> Value {
    assert_eq!(r.status, status, "body: {}", r.body);
    if status == StatusCode::NO_CONTENT {
        return Value::Null;
    }
    r.json()
}

/// Audit events matching `query`, read as the auditor.
async fn audit_events(t: &TestApp, auditor: &str, query: &str) -> Vec<Value> {
    let r = t
        .api_get(
            auditor,
            &format!("/api/v1/audit-events?per_page=200&{query}"),
        )
        .await;
    assert_ok(&r, StatusCode::OK)["audit_events"]
        .as_array()
        .unwrap()
        .clone()
}

/// The one audit event with this action and entity id.
async fn audit_event(t: &TestApp, auditor: &str, action: &str, entity_id: &str) -> Value {
    let events = audit_events(
        t,
        auditor,
        &format!("action={action}&entity_id={entity_id}"),
    )
    .await;
    assert_eq!(events.len(), 1, "{action} on {entity_id}: {events:?}");
    events[0].clone()
}

/// Totals a board administrator sees: (election authorities, audit events).
async fn totals(t: &TestApp, board: &str) -> (i64, i64) {
    let eas = t
        .api_get(board, "/api/v1/election-authorities")
        .await
        .json()["meta"]["total"]
        .as_i64()
        .unwrap();
    let audit = t.api_get(board, "/api/v1/audit-events").await.json()["meta"]["total"]
        .as_i64()
        .unwrap();
    (eas, audit)
}

async fn contact_count(t: &TestApp, board: &str, ea: Uuid) -> usize {
    let r = t
        .api_get(
            board,
            &format!("/api/v1/election-authorities/{ea}/contacts"),
        )
        .await;
    assert_ok(&r, StatusCode::OK)["contacts"]
        .as_array()
        .unwrap()
        .len()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

const NEW_EA: &str = r#"{"name": "Brown County Clerk", "kind": "county_clerk", "county": "Brown", "fips_code": "17009", "population": 6244, "zone": "Central"}"#;

#[tokio::test]
async fn election_authorities_list_detail_create_update_assign_with_audit() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let pm = t.token("program_manager").await;
        let auditor = t.token("auditor").await;

        let list = assert_ok(
            &t.api_get(&board, "/api/v1/election-authorities").await,
            StatusCode::OK,
        );
        assert_eq!(
            list["meta"],
            json!({"total": 3, "page": 1, "per_page": 25}),
            "{db:?}"
        );
        assert_eq!(
            names(&list, "election_authorities"),
            [
                "Adams County Clerk",
                "Chicago Board of Election Commissioners",
                "Cook County Clerk"
            ]
        );
        let adams = &list["election_authorities"][0];
        assert_eq!(adams["id"], t.authorities["adams"].to_string());
        assert_eq!(adams["kind"], "county_clerk");
        assert_eq!(adams["county"], "Adams");
        assert_eq!(adams["fips_code"], "17001");
        assert_eq!(adams["population"], 1000);
        assert_eq!(adams["zone"], "West");
        assert!(adams["zone_id"].is_string());
        assert_eq!(adams["navigators"], json!(["Test Cyber Navigator"]));

        // Filters and pages.
        let zones = assert_ok(&t.api_get(&board, "/api/v1/zones").await, StatusCode::OK);
        assert_eq!(names(&zones, "zones"), ["Northeast", "West"]);
        assert_eq!(zones["meta"]["total"], 2);
        let northeast = zones["zones"][0]["id"].as_str().unwrap().to_string();
        let r = t
            .api_get(
                &board,
                &format!("/api/v1/election-authorities?zone={northeast}"),
            )
            .await;
        assert_eq!(assert_ok(&r, StatusCode::OK)["meta"]["total"], 2);
        let other_nav = t.people["navigator_other"].id;
        let r = t
            .api_get(
                &board,
                &format!("/api/v1/election-authorities?navigator={other_nav}"),
            )
            .await;
        assert_eq!(
            names(&assert_ok(&r, StatusCode::OK), "election_authorities"),
            [
                "Chicago Board of Election Commissioners",
                "Cook County Clerk"
            ]
        );
        let r = t
            .api_get(&board, "/api/v1/election-authorities?q=ADAMS")
            .await;
        assert_eq!(
            names(&assert_ok(&r, StatusCode::OK), "election_authorities"),
            ["Adams County Clerk"]
        );
        let r = assert_ok(
            &t.api_get(&board, "/api/v1/election-authorities?page=2&per_page=2")
                .await,
            StatusCode::OK,
        );
        assert_eq!(r["meta"], json!({"total": 3, "page": 2, "per_page": 2}));
        assert_eq!(names(&r, "election_authorities"), ["Cook County Clerk"]);
        let r = assert_ok(
            &t.api_get(&board, "/api/v1/election-authorities?page=9")
                .await,
            StatusCode::OK,
        );
        assert_eq!(r["election_authorities"], json!([]));
        assert_eq!(r["meta"]["total"], 3);

        // Detail.
        let r = t
            .api_get(
                &auditor,
                &format!("/api/v1/election-authorities/{}", t.authorities["adams"]),
            )
            .await;
        let detail = assert_ok(&r, StatusCode::OK)["election_authority"].clone();
        assert_eq!(detail["name"], "Adams County Clerk");
        assert_eq!(detail["contacts"], json!([]));
        assert_eq!(
            detail["navigator_ids"],
            json!([t.people["navigator"].id.to_string()])
        );
        let r = t
            .api_get(
                &board,
                &format!("/api/v1/election-authorities/{}", Uuid::new_v4()),
            )
            .await;
        assert_error(&r, StatusCode::NOT_FOUND, None);

        // Create.
        let r = t
            .api_send("POST", &board, "/api/v1/election-authorities", NEW_EA)
            .await;
        let created = assert_ok(&r, StatusCode::CREATED)["election_authority"].clone();
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(created["name"], "Brown County Clerk");
        assert_eq!(created["population"], 6244);
        assert_eq!(created["zone"], "Central");
        assert_eq!(created["contacts"], json!([]));
        assert_eq!(created["navigators"], json!([]));
        assert_eq!(totals(&t, &board).await.0, 4);
        let r = t
            .api_send("POST", &board, "/api/v1/election-authorities", NEW_EA)
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("name"));

        // Update: the whole set of fields; `zone` left out is cleared.
        let r = t
            .api_send(
                "PATCH",
                &pm,
                &format!("/api/v1/election-authorities/{id}"),
                r#"{"name": "Brown County Clerk", "kind": "county_clerk", "county": "Brown", "fips_code": "17009", "population": 6300}"#,
            )
            .await;
        let updated = assert_ok(&r, StatusCode::OK)["election_authority"].clone();
        assert_eq!(updated["population"], 6300);
        assert_eq!(updated["zone"], Value::Null);
        assert_eq!(updated["zone_id"], Value::Null);
        let r = t
            .api_send(
                "PATCH",
                &pm,
                &format!("/api/v1/election-authorities/{}", Uuid::new_v4()),
                NEW_EA,
            )
            .await;
        assert_error(&r, StatusCode::NOT_FOUND, None);

        // Assign navigators.
        let nav = t.people["navigator"].id;
        let path = format!("/api/v1/election-authorities/{id}/navigators");
        let r = t
            .api_send(
                "PUT",
                &board,
                &path,
                &json!({"navigators": [nav, nav]}).to_string(),
            )
            .await;
        let assigned = assert_ok(&r, StatusCode::OK)["election_authority"].clone();
        assert_eq!(assigned["navigator_ids"], json!([nav.to_string()]));
        assert_eq!(assigned["navigators"], json!(["Test Cyber Navigator"]));
        let not_nav = t.people["auditor"].id;
        let r = t
            .api_send(
                "PUT",
                &board,
                &path,
                &json!({"navigators": [not_nav]}).to_string(),
            )
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("navigators"));
        let navigator = t.token("navigator").await;
        let r = t.api_get(&navigator, "/api/v1/election-authorities").await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["meta"]["total"],
            2,
            "the new assignment widens the navigator's scope"
        );

        // Only the Board and the Program Manager manage the registry.
        for key in ["navigator", "ea_official", "ea_it", "partner", "auditor"] {
            let token = t.token(key).await;
            let r = t
                .api_send("POST", &token, "/api/v1/election-authorities", NEW_EA)
                .await;
            assert_error(&r, StatusCode::FORBIDDEN, None);
            let r = t
                .api_send(
                    "PATCH",
                    &token,
                    &format!("/api/v1/election-authorities/{id}"),
                    NEW_EA,
                )
                .await;
            assert_error(&r, StatusCode::FORBIDDEN, None);
            let r = t
                .api_send("PUT", &token, &path, r#"{"navigators": []}"#)
                .await;
            assert_error(&r, StatusCode::FORBIDDEN, None);
        }

        // Each change is in the audit log, with its actor and the fields it changed.
        let e = audit_event(&t, &auditor, "election_authority.create", &id).await;
        assert_eq!(e["actor_label"], t.people["board_admin"].email);
        assert_eq!(e["actor_id"], t.people["board_admin"].id.to_string());
        assert_eq!(e["entity_type"], "election_authority");
        assert_eq!(
            e["changes"]["name"],
            json!({"from": null, "to": "Brown County Clerk"})
        );
        assert_eq!(
            e["changes"]["population"],
            json!({"from": null, "to": 6244})
        );
        assert_eq!(e["hash"].as_str().unwrap().len(), 64);
        let e = audit_event(&t, &auditor, "election_authority.update", &id).await;
        assert_eq!(e["actor_label"], t.people["program_manager"].email);
        assert_eq!(
            e["changes"]["population"],
            json!({"from": 6244, "to": 6300})
        );
        assert!(
            e["changes"].get("name").is_none(),
            "unchanged fields are not recorded: {e}"
        );
        let e = audit_event(&t, &auditor, "election_authority.assign_navigators", &id).await;
        assert_eq!(e["changes"]["navigators"]["to"], json!([nav.to_string()]));
        let zone = audit_events(&t, &auditor, "action=zone.create&entity_type=zone").await;
        assert!(zone.iter().any(|e| e["changes"]["name"]["to"] == "Central"));
        let occurred = e["occurred_at"].as_str().unwrap();
        assert!(occurred.ends_with('Z'), "RFC 3339 in UTC: {occurred}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn contacts_add_read_update_verify_delete_with_audit() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let official = t.token("ea_official").await;
        let auditor = t.token("auditor").await;
        let board = t.token("board_admin").await;

        let body = r#"{"name": "Pat Clerk", "role": "election_official", "phone": "217-555-0100", "email": "Pat@Adams.example.gov"}"#;
        let r = t
            .api_send(
                "POST",
                &official,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
                body,
            )
            .await;
        let contact = assert_ok(&r, StatusCode::CREATED)["contact"].clone();
        let id = contact["id"].as_str().unwrap().to_string();
        assert_eq!(contact["election_authority_id"], adams.to_string());
        assert_eq!(contact["name"], "Pat Clerk");
        assert_eq!(contact["role"], "election_official");
        assert_eq!(contact["organisation"], Value::Null);
        assert_eq!(contact["phone"], "217-555-0100");
        assert_eq!(contact["last_verified_on"], Value::Null);
        assert_eq!(contact["stale"], true, "never verified is stale");

        let r = t
            .api_get(
                &official,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
            )
            .await;
        let list = assert_ok(&r, StatusCode::OK);
        assert_eq!(list["meta"], json!({"total": 1, "page": 1, "per_page": 1}));
        assert_eq!(list["contacts"][0]["id"], id.as_str());
        let r = t
            .api_get(&official, &format!("/api/v1/election-authorities/{adams}"))
            .await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["election_authority"]["contacts"][0]["id"],
            id.as_str()
        );
        let r = t
            .api_get(&official, &format!("/api/v1/contacts/{id}"))
            .await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["contact"]["name"],
            "Pat Clerk"
        );

        // The assigned navigator updates it (the whole set of fields).
        let navigator = t.token("navigator").await;
        let update = r#"{"name": "Pat Clerk", "role": "election_official", "organisation": "Adams County", "phone": "217-555-0199", "last_verified_on": "2026-01-05"}"#;
        let r = t
            .api_send(
                "PATCH",
                &navigator,
                &format!("/api/v1/contacts/{id}"),
                update,
            )
            .await;
        let updated = assert_ok(&r, StatusCode::OK)["contact"].clone();
        assert_eq!(updated["phone"], "217-555-0199");
        assert_eq!(updated["organisation"], "Adams County");
        assert_eq!(updated["email"], Value::Null, "left out, so cleared");
        assert_eq!(updated["last_verified_on"], "2026-01-05");

        let r = t
            .api_send(
                "POST",
                &official,
                &format!("/api/v1/contacts/{id}/verify"),
                "",
            )
            .await;
        let verified = assert_ok(&r, StatusCode::OK)["contact"].clone();
        let today = time::OffsetDateTime::now_utc().date();
        assert_eq!(verified["last_verified_on"], format!("{today}"));
        assert_eq!(verified["stale"], false);

        // Audit: create, update, verify with their changed fields.
        let e = audit_event(&t, &auditor, "contact.create", &id).await;
        assert_eq!(e["actor_label"], t.people["ea_official"].email);
        assert_eq!(
            e["changes"]["name"],
            json!({"from": null, "to": "Pat Clerk"})
        );
        assert_eq!(e["changes"]["email"]["to"], "pat@adams.example.gov");
        let e = audit_event(&t, &auditor, "contact.update", &id).await;
        assert_eq!(e["actor_label"], t.people["navigator"].email);
        assert_eq!(
            e["changes"]["phone"],
            json!({"from": "217-555-0100", "to": "217-555-0199"})
        );
        let e = audit_event(&t, &auditor, "contact.verify", &id).await;
        assert_eq!(
            e["changes"]["last_verified_on"],
            json!({"from": "2026-01-05", "to": format!("{today}")})
        );

        let r = t
            .api_send("DELETE", &board, &format!("/api/v1/contacts/{id}"), "")
            .await;
        assert_ok(&r, StatusCode::NO_CONTENT);
        assert!(r.body.is_empty());
        assert_error(
            &t.api_get(&board, &format!("/api/v1/contacts/{id}")).await,
            StatusCode::NOT_FOUND,
            None,
        );
        assert_error(
            &t.api_send("DELETE", &board, &format!("/api/v1/contacts/{id}"), "")
                .await,
            StatusCode::NOT_FOUND,
            None,
        );
        let e = audit_event(&t, &auditor, "contact.delete", &id).await;
        assert_eq!(
            e["changes"]["name"],
            json!({"from": "Pat Clerk", "to": null})
        );
        assert_eq!(contact_count(&t, &board, adams).await, 0);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn who_may_edit_contacts() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let board = t.token("board_admin").await;
        let body = r#"{"name": "Lee IT", "role": "it_lead"}"#;
        let r = t
            .api_send(
                "POST",
                &board,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
                body,
            )
            .await;
        let id = assert_ok(&r, StatusCode::CREATED)["contact"]["id"]
            .as_str()
            .unwrap()
            .to_string();

        // Sees Adams but may not edit: 403. May not see Adams: 404. May not read the registry: 403.
        for (key, status) in [
            ("ea_it", StatusCode::FORBIDDEN),
            ("auditor", StatusCode::FORBIDDEN),
            ("partner", StatusCode::FORBIDDEN),
            ("ea_official_other", StatusCode::NOT_FOUND),
            ("navigator_other", StatusCode::NOT_FOUND),
        ] {
            let token = t.token(key).await;
            let r = t
                .api_send(
                    "POST",
                    &token,
                    &format!("/api/v1/election-authorities/{adams}/contacts"),
                    body,
                )
                .await;
            assert_error(&r, status, None);
            let r = t
                .api_send("PATCH", &token, &format!("/api/v1/contacts/{id}"), body)
                .await;
            assert_error(&r, status, None);
            let r = t
                .api_send("POST", &token, &format!("/api/v1/contacts/{id}/verify"), "")
                .await;
            assert_error(&r, status, None);
            let r = t
                .api_send("DELETE", &token, &format!("/api/v1/contacts/{id}"), "")
                .await;
            assert_error(&r, status, None);
        }
        // The IT person still reads its authority's contacts; the other county does not.
        let it = t.token("ea_it").await;
        assert_ok(
            &t.api_get(&it, &format!("/api/v1/contacts/{id}")).await,
            StatusCode::OK,
        );
        assert_ok(
            &t.api_get(
                &it,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
            )
            .await,
            StatusCode::OK,
        );
        let other = t.token("ea_official_other").await;
        assert_error(
            &t.api_get(&other, &format!("/api/v1/contacts/{id}")).await,
            StatusCode::NOT_FOUND,
            None,
        );
        assert_error(
            &t.api_get(
                &other,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
            )
            .await,
            StatusCode::NOT_FOUND,
            None,
        );
        let partner = t.token("partner").await;
        assert_error(
            &t.api_get(&partner, &format!("/api/v1/contacts/{id}")).await,
            StatusCode::FORBIDDEN,
            None,
        );

        // The other county's official edits their own authority, and Adams's official theirs.
        let r = t
            .api_send(
                "POST",
                &other,
                &format!("/api/v1/election-authorities/{cook}/contacts"),
                body,
            )
            .await;
        assert_ok(&r, StatusCode::CREATED);
        let official = t.token("ea_official").await;
        let r = t
            .api_send(
                "PATCH",
                &official,
                &format!("/api/v1/contacts/{id}"),
                r#"{"name": "Lee Newname", "role": "it_lead"}"#,
            )
            .await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["contact"]["name"],
            "Lee Newname"
        );
        assert_eq!(
            contact_count(&t, &board, adams).await,
            1,
            "refused requests changed nothing"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn each_role_sees_its_scope() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let cook = t.authorities["cook"];
        let adams = t.authorities["adams"];
        for (key, expected) in [
            ("board_admin", 3),
            ("program_manager", 3),
            ("auditor", 3),
            ("navigator", 1),
            ("navigator_other", 2),
            ("ea_official", 1),
            ("ea_it", 1),
        ] {
            let token = t.token(key).await;
            let r = t.api_get(&token, "/api/v1/election-authorities").await;
            assert_eq!(
                assert_ok(&r, StatusCode::OK)["meta"]["total"],
                expected,
                "{db:?} {key}"
            );
        }
        let official = t.token("ea_official").await;
        let list = assert_ok(
            &t.api_get(&official, "/api/v1/election-authorities").await,
            StatusCode::OK,
        );
        assert_eq!(names(&list, "election_authorities"), ["Adams County Clerk"]);
        // Filters cannot widen the scope.
        let r = t
            .api_get(&official, "/api/v1/election-authorities?q=cook")
            .await;
        assert_eq!(assert_ok(&r, StatusCode::OK)["meta"]["total"], 0);
        assert_ok(
            &t.api_get(&official, &format!("/api/v1/election-authorities/{adams}"))
                .await,
            StatusCode::OK,
        );
        let r = t
            .api_get(&official, &format!("/api/v1/election-authorities/{cook}"))
            .await;
        let not_found = assert_error(&r, StatusCode::NOT_FOUND, None);
        let r = t
            .api_get(
                &official,
                &format!("/api/v1/election-authorities/{}", Uuid::new_v4()),
            )
            .await;
        assert_eq!(
            assert_error(&r, StatusCode::NOT_FOUND, None),
            not_found,
            "out of scope looks like absent"
        );

        let navigator = t.token("navigator").await;
        let list = assert_ok(
            &t.api_get(&navigator, "/api/v1/election-authorities").await,
            StatusCode::OK,
        );
        assert_eq!(names(&list, "election_authorities"), ["Adams County Clerk"]);
        assert_error(
            &t.api_get(&navigator, &format!("/api/v1/election-authorities/{cook}"))
                .await,
            StatusCode::NOT_FOUND,
            None,
        );

        let partner = t.token("partner").await;
        assert_error(
            &t.api_get(&partner, "/api/v1/election-authorities").await,
            StatusCode::FORBIDDEN,
            None,
        );
        assert_error(
            &t.api_get(&partner, &format!("/api/v1/election-authorities/{adams}"))
                .await,
            StatusCode::FORBIDDEN,
            None,
        );
        assert_error(
            &t.api_get(
                &partner,
                &format!("/api/v1/election-authorities/{adams}/contacts"),
            )
            .await,
            StatusCode::FORBIDDEN,
            None,
        );
        for key in ["partner", "ea_it", "navigator"] {
            let token = t.token(key).await;
            assert_ok(&t.api_get(&token, "/api/v1/zones").await, StatusCode::OK);
            assert_ok(
                &t.api_get(&token, "/api/v1/partner-organisations").await,
                StatusCode::OK,
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn me_people_invitations_and_partner_organisations() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];

        let official = t.token("ea_official").await;
        let me = assert_ok(&t.api_get(&official, "/api/v1/me").await, StatusCode::OK);
        assert_eq!(
            me,
            json!({"user": {
                "id": t.people["ea_official"].id.to_string(),
                "email": t.people["ea_official"].email,
                "name": "Test Election official",
                "role": "ea_official",
                "election_authority_id": adams.to_string(),
                "partner_org_id": null,
            }})
        );
        let partner = t.token("partner").await;
        let me = assert_ok(&t.api_get(&partner, "/api/v1/me").await, StatusCode::OK);
        assert_eq!(me["user"]["role"], "partner");
        assert!(me["user"]["partner_org_id"].is_string());

        // People: Board, Program Manager and auditors; never secrets.
        let auditor = t.token("auditor").await;
        let r = t.api_get(&auditor, "/api/v1/people").await;
        let people = assert_ok(&r, StatusCode::OK);
        assert_eq!(people["meta"]["total"], 9);
        for word in ["password", "totp", "hash", "secret", "token"] {
            assert!(
                !r.body.to_lowercase().contains(word),
                "people answer mentions {word}: {}",
                r.body
            );
        }
        let first = &people["people"][0];
        for key in [
            "id",
            "email",
            "name",
            "role",
            "election_authority_id",
            "election_authority",
            "partner_org_id",
            "status",
            "mfa_enabled",
            "last_login_at",
        ] {
            assert!(first.get(key).is_some(), "person lacks {key}: {first}");
        }
        let r = t.api_get(&auditor, "/api/v1/people?role=navigator").await;
        assert_eq!(names(&assert_ok(&r, StatusCode::OK), "people").len(), 2);
        let r = t
            .api_get(
                &auditor,
                &format!("/api/v1/people?election_authority={adams}"),
            )
            .await;
        let of_adams = assert_ok(&r, StatusCode::OK);
        assert_eq!(of_adams["meta"]["total"], 2);
        assert!(
            of_adams["people"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["election_authority"] == "Adams County Clerk")
        );
        assert_error(
            &t.api_get(&auditor, "/api/v1/people?role=boss").await,
            StatusCode::BAD_REQUEST,
            Some("role"),
        );
        for key in ["navigator", "ea_official", "ea_it", "partner"] {
            let token = t.token(key).await;
            assert_error(
                &t.api_get(&token, "/api/v1/people").await,
                StatusCode::FORBIDDEN,
                None,
            );
        }

        // Invitations.
        let pm = t.token("program_manager").await;
        let invite = json!({"email": "new.clerk@cook.example.gov", "name": "New Clerk", "role": "ea_official", "election_authority_id": t.authorities["cook"]});
        let r = t
            .api_send("POST", &pm, "/api/v1/invitations", &invite.to_string())
            .await;
        let user_id = assert_ok(&r, StatusCode::CREATED)["user_id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = t.api_get(&auditor, "/api/v1/people?role=ea_official").await;
        let invited = assert_ok(&r, StatusCode::OK)["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == user_id.as_str())
            .cloned()
            .unwrap();
        assert_eq!(invited["status"], "invited");
        assert_eq!(invited["election_authority"], "Cook County Clerk");
        let e = audit_event(&t, &auditor, "user.invite", &user_id).await;
        assert_eq!(
            e["changes"]["role"],
            json!({"from": null, "to": "ea_official"})
        );
        let r = t
            .api_send("POST", &pm, "/api/v1/invitations", &invite.to_string())
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("email"));
        let r = t
            .api_send(
                "POST",
                &pm,
                "/api/v1/invitations",
                r#"{"email": "boss@example.gov", "name": "Boss", "role": "board_admin"}"#,
            )
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("role"));
        let r = t
            .api_send(
                "POST",
                &pm,
                "/api/v1/invitations",
                r#"{"email": "it@example.gov", "name": "IT", "role": "ea_it"}"#,
            )
            .await;
        assert_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("election_authority_id"),
        );
        let r = t.api_send("POST", &pm, "/api/v1/invitations", r#"{"email": "x@example.gov", "name": "X", "role": "navigator", "election_authority_id": "nope"}"#).await;
        assert_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("election_authority_id"),
        );
        for key in ["navigator", "auditor", "ea_official"] {
            let token = t.token(key).await;
            let r = t
                .api_send("POST", &token, "/api/v1/invitations", &invite.to_string())
                .await;
            assert_error(&r, StatusCode::FORBIDDEN, None);
        }

        // Partner organisations.
        let body = r#"{"name": "FBI Springfield", "kind": "fbi_field_office", "notes": "24/7 duty agent"}"#;
        let r = t
            .api_send("POST", &pm, "/api/v1/partner-organisations", body)
            .await;
        let org = assert_ok(&r, StatusCode::CREATED)["partner_organisation"].clone();
        assert_eq!(org["name"], "FBI Springfield");
        assert_eq!(org["kind"], "fbi_field_office");
        assert_eq!(org["notes"], "24/7 duty agent");
        let list = assert_ok(
            &t.api_get(&partner, "/api/v1/partner-organisations").await,
            StatusCode::OK,
        );
        assert_eq!(
            names(&list, "partner_organisations"),
            [
                "FBI Springfield",
                "Statewide Terrorism and Intelligence Center"
            ]
        );
        assert_error(
            &t.api_send("POST", &pm, "/api/v1/partner-organisations", body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        );
        let r = t
            .api_send(
                "POST",
                &pm,
                "/api/v1/partner-organisations",
                r#"{"name": "Someone", "kind": "spies"}"#,
            )
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("kind"));
        assert_error(
            &t.api_send("POST", &partner, "/api/v1/partner-organisations", body)
                .await,
            StatusCode::FORBIDDEN,
            None,
        );
        let e = audit_event(
            &t,
            &auditor,
            "partner_org.create",
            org["id"].as_str().unwrap(),
        )
        .await;
        assert_eq!(e["changes"]["kind"]["to"], "fbi_field_office");

        // The audit log is for the Board and auditors only.
        for key in ["program_manager", "navigator", "ea_official", "partner"] {
            let token = t.token(key).await;
            assert_error(
                &t.api_get(&token, "/api/v1/audit-events").await,
                StatusCode::FORBIDDEN,
                None,
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_gets_the_envelope_and_stores_nothing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let adams = t.authorities["adams"];
        let before = totals(&t, &board).await;
        let contacts_before = contact_count(&t, &board, adams).await;
        let post = |body: String| {
            let t = &t;
            let board = board.clone();
            async move {
                t.api_send("POST", &board, "/api/v1/election-authorities", &body)
                    .await
            }
        };

        // Malformed JSON: 400, no field.
        for body in [
            r#"{"name": "#.to_string(),
            String::new(),
            "not json".into(),
            format!("{NEW_EA} {{"),
        ] {
            let r = post(body).await;
            let e = assert_error(&r, StatusCode::BAD_REQUEST, None);
            assert!(
                e["errors"][0]["detail"]
                    .as_str()
                    .unwrap()
                    .contains("not valid JSON"),
                "{e}"
            );
        }
        // Unknown field: serde's words, field named.
        let r = post(r#"{"name": "X", "colour": "red", "kind": "county_clerk", "county": "X", "fips_code": "17001"}"#.into()).await;
        let e = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("colour"));
        let detail = e["errors"][0]["detail"].as_str().unwrap();
        assert!(
            detail.contains("unknown field `colour`, expected one of"),
            "{detail}"
        );
        assert!(detail.contains("at line 1 column"), "{detail}");
        // Missing field.
        let r =
            post(r#"{"kind": "county_clerk", "county": "X", "fips_code": "17001"}"#.into()).await;
        let e = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("name"));
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("missing field `name`")
        );
        // Wrong types.
        let r = post(r#"{"name": "X", "kind": "county_clerk", "county": "X", "fips_code": "17001", "population": "many"}"#.into()).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("population"));
        let r = post(
            r#"{"name": 42, "kind": "county_clerk", "county": "X", "fips_code": "17001"}"#.into(),
        )
        .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("name"));
        let r = post(r#"[1, 2]"#.into()).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
        // Domain validation: one error per field.
        let r = post(r#"{"name": " ", "kind": "clerk", "county": "X", "fips_code": "1700", "population": -5}"#.into()).await;
        let e = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("fips_code"));
        let fields: Vec<&str> = e["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "kind", "fips_code", "population"]);
        let r = t
            .api_send(
                "PUT",
                &board,
                &format!("/api/v1/election-authorities/{adams}/navigators"),
                r#"{"navigators": ["nope"]}"#,
            )
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("navigators[0]"));
        let r = t
            .api_send("POST", &board, &format!("/api/v1/election-authorities/{adams}/contacts"), r#"{"name": "", "role": "boss", "email": "nope", "phone": "call me", "last_verified_on": "2099-01-01"}"#)
            .await;
        let e = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
        assert_eq!(e["errors"].as_array().unwrap().len(), 5, "{e}");

        // Wrong or missing content type: 415.
        for ct in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut req = Request::post("/api/v1/election-authorities")
                .header(header::AUTHORIZATION, format!("Bearer {board}"));
            if let Some(ct) = ct {
                req = req.header(header::CONTENT_TYPE, ct);
            }
            let r = t.request(req.body(Body::from(NEW_EA)).unwrap()).await;
            assert_error(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, None);
        }
        // Oversize body: 413.
        let huge = format!(
            r#"{{"name": "{}", "kind": "county_clerk", "county": "X", "fips_code": "17001"}}"#,
            "a".repeat(5 * 1024 * 1024 + 1)
        );
        let r = post(huge).await;
        let e = assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, None);
        assert!(e["errors"][0]["detail"].as_str().unwrap().contains("5 MiB"));

        // Bad ids in the path: 400 naming the parameter.
        assert_error(
            &t.api_get(&board, "/api/v1/election-authorities/not-a-uuid")
                .await,
            StatusCode::BAD_REQUEST,
            Some("id"),
        );
        assert_error(
            &t.api_send("PATCH", &board, "/api/v1/contacts/1234", "{}")
                .await,
            StatusCode::BAD_REQUEST,
            Some("id"),
        );
        assert_error(
            &t.api_send("DELETE", &board, "/api/v1/tokens/%27%3B%20DROP", "")
                .await,
            StatusCode::BAD_REQUEST,
            Some("id"),
        );

        // Bad query parameters: 400 naming the parameter.
        for (query, field) in [
            ("page=0", "page"),
            ("per_page=1000", "per_page"),
            ("per_page=0", "per_page"),
            ("page=abc", "page"),
            ("page=-3", "page"),
            ("zone=nowhere", "zone"),
            ("navigator=1", "navigator"),
            ("colour=red", "colour"),
            ("page=1&page=2", "page"),
        ] {
            let r = t
                .api_get(&board, &format!("/api/v1/election-authorities?{query}"))
                .await;
            assert_error(&r, StatusCode::BAD_REQUEST, Some(field));
        }
        let r = t
            .api_get(&board, "/api/v1/audit-events?from=yesterday")
            .await;
        let e = assert_error(&r, StatusCode::BAD_REQUEST, Some("from"));
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("RFC 3339")
        );
        assert_error(
            &t.api_get(&board, "/api/v1/audit-events?per_page=201").await,
            StatusCode::BAD_REQUEST,
            Some("per_page"),
        );
        let r = t.api_get(&board, "/api/v1/audit-events?from=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z&per_page=1").await;
        assert_eq!(assert_ok(&r, StatusCode::OK)["meta"]["total"], before.1);

        // Paths and methods the API does not have.
        assert_error(
            &t.api_get(&board, "/api/v1/nothing-here").await,
            StatusCode::NOT_FOUND,
            None,
        );
        assert_error(
            &t.api_get(&board, "/api/v2/election-authorities").await,
            StatusCode::NOT_FOUND,
            None,
        );
        let r = t.api_send("DELETE", &board, "/api/v1/zones", "").await;
        assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, None);
        assert!(r.headers.contains_key(header::ALLOW));

        assert_eq!(
            totals(&t, &board).await,
            before,
            "{db:?}: nothing stored, nothing audited"
        );
        assert_eq!(contact_count(&t, &board, adams).await, contacts_before);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn sql_and_html_are_stored_verbatim_and_returned_as_json_strings() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let nasty = "<script>'; DROP TABLE election_authorities;--";
        let body = json!({"name": nasty, "kind": "county_clerk", "county": "Robert'); DROP TABLE contacts;--", "fips_code": "17001", "zone": "<b>zone</b>"});
        let r = t
            .api_send(
                "POST",
                &board,
                "/api/v1/election-authorities",
                &body.to_string(),
            )
            .await;
        let created = assert_ok(&r, StatusCode::CREATED)["election_authority"].clone();
        assert_eq!(created["name"], nasty);
        assert_eq!(created["county"], "Robert'); DROP TABLE contacts;--");
        assert_eq!(created["zone"], "<b>zone</b>");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let id = created["id"].as_str().unwrap();

        let r = t
            .api_get(&board, &format!("/api/v1/election-authorities/{id}"))
            .await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["election_authority"]["name"],
            nasty
        );
        let contact = json!({"name": "<img src=x onerror=alert(1)>", "role": "security_poc", "organisation": "'; DELETE FROM users;--"});
        let r = t
            .api_send(
                "POST",
                &board,
                &format!("/api/v1/election-authorities/{id}/contacts"),
                &contact.to_string(),
            )
            .await;
        let c = assert_ok(&r, StatusCode::CREATED)["contact"].clone();
        assert_eq!(c["name"], "<img src=x onerror=alert(1)>");
        assert_eq!(c["organisation"], "'; DELETE FROM users;--");

        // The tables are all still there, and searching for the text finds it literally.
        let list = assert_ok(
            &t.api_get(&board, "/api/v1/election-authorities").await,
            StatusCode::OK,
        );
        assert_eq!(list["meta"]["total"], 4);
        let r = t
            .api_get(
                &board,
                "/api/v1/election-authorities?q=%27%3B%20DROP%20TABLE",
            )
            .await;
        assert_eq!(
            names(&assert_ok(&r, StatusCode::OK), "election_authorities"),
            [nasty]
        );
        let r = t
            .api_get(&board, "/api/v1/election-authorities?q=%25")
            .await;
        assert_eq!(
            assert_ok(&r, StatusCode::OK)["meta"]["total"],
            0,
            "% is matched literally"
        );
        assert_ok(&t.api_get(&board, "/api/v1/people").await, StatusCode::OK);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn tokens_missing_invalid_revoked() {
    for db in databases() {
        let t = TestApp::new(db).await;
        // No token, a malformed header, an unknown token.
        let r = t
            .request(Request::get("/api/v1/me").body(Body::empty()).unwrap())
            .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, None);
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
        let r = t
            .request(
                Request::get("/api/v1/me")
                    .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, None);
        assert_error(
            &t.api_get("cnv_not-a-real-token", "/api/v1/me").await,
            StatusCode::UNAUTHORIZED,
            None,
        );
        assert_error(
            &t.api_send("POST", "nonsense", "/api/v1/election-authorities", NEW_EA)
                .await,
            StatusCode::UNAUTHORIZED,
            None,
        );
        // Authentication comes before everything else, even a malformed request.
        assert_error(
            &t.api_get("nonsense", "/api/v1/election-authorities/not-a-uuid")
                .await,
            StatusCode::UNAUTHORIZED,
            None,
        );

        let first = t.token("navigator").await;
        let second = t.token("navigator").await;
        let r = t.api_get(&first, "/api/v1/tokens").await;
        let tokens = assert_ok(&r, StatusCode::OK);
        assert_eq!(tokens["meta"]["total"], 2);
        assert!(
            !r.body.contains(&first) && !r.body.contains(&second),
            "token secrets are never shown again"
        );
        for tok in tokens["tokens"].as_array().unwrap() {
            assert_eq!(tok["name"], "test");
            assert_eq!(tok["revoked_at"], Value::Null);
            assert!(tok["created_at"].as_str().unwrap().ends_with('Z'));
        }

        // Revoke the second token with the first; the second stops working at once. The first
        // is the one whose use was recorded (by the listing request itself).
        let list = tokens["tokens"].as_array().unwrap();
        let id_of = |used: bool| {
            list.iter()
                .find(|t| t["last_used_at"].is_string() == used)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let ids = [id_of(false), id_of(true)];
        assert_ok(&t.api_get(&second, "/api/v1/me").await, StatusCode::OK);
        let r = t
            .api_send("DELETE", &first, &format!("/api/v1/tokens/{}", ids[0]), "")
            .await;
        assert_ok(&r, StatusCode::NO_CONTENT);
        assert_error(
            &t.api_get(&second, "/api/v1/me").await,
            StatusCode::UNAUTHORIZED,
            None,
        );
        assert_ok(&t.api_get(&first, "/api/v1/me").await, StatusCode::OK);
        let listed = assert_ok(&t.api_get(&first, "/api/v1/tokens").await, StatusCode::OK);
        let revoked = listed["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == ids[0].as_str())
            .unwrap()
            .clone();
        assert!(revoked["revoked_at"].as_str().unwrap().ends_with('Z'));
        // Again: already revoked. Someone else's token: not found.
        assert_error(
            &t.api_send("DELETE", &first, &format!("/api/v1/tokens/{}", ids[0]), "")
                .await,
            StatusCode::NOT_FOUND,
            None,
        );
        let other = t.token("auditor").await;
        assert_error(
            &t.api_send("DELETE", &other, &format!("/api/v1/tokens/{}", ids[1]), "")
                .await,
            StatusCode::NOT_FOUND,
            None,
        );
        let auditor = t.token("auditor").await;
        let e = audit_event(&t, &auditor, "api_token.revoke", &ids[0]).await;
        assert_eq!(e["actor_label"], t.people["navigator"].email);

        // Revoking the token in use ends it too.
        let r = t
            .api_send("DELETE", &first, &format!("/api/v1/tokens/{}", ids[1]), "")
            .await;
        assert_ok(&r, StatusCode::NO_CONTENT);
        assert_error(
            &t.api_get(&first, "/api/v1/tokens").await,
            StatusCode::UNAUTHORIZED,
            None,
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn openapi_document_matches_snapshot() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let r = t
            .request(
                Request::get("/api/openapi.json")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let doc = r.json();

        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
        let pretty = format!("{}\n", serde_json::to_string_pretty(&doc).unwrap());
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &pretty).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; run the tests with UPDATE_SNAPSHOTS=1 to create it",
                    path.display()
                )
            });
            let committed: Value = serde_json::from_str(&committed).unwrap();
            assert!(
                committed == doc,
                "the OpenAPI document differs from {}; if the change is intended, run the tests with UPDATE_SNAPSHOTS=1 and review the diff",
                path.display()
            );
        }

        // Every path is under /api/v1/, and every operation needs the bearer token.
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() >= 12);
        for (p, item) in paths {
            assert!(p.starts_with("/api/v1/"), "{p}");
            for (method, op) in item.as_object().unwrap() {
                assert_eq!(op["security"], json!([{"bearer": []}]), "{method} {p}");
                assert!(
                    op["responses"].get("401").is_some(),
                    "{method} {p} documents 401"
                );
            }
        }
        let bearer = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(
            (&bearer["type"], &bearer["scheme"]),
            (&json!("http"), &json!("bearer"))
        );

        // api_operations() lists exactly the document's operations.
        let ops = cybernav_web::api::api_operations();
        let in_doc: usize = paths
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(ops.len(), in_doc);
        for (method, p) in [
            ("GET", "/api/v1/election-authorities"),
            ("POST", "/api/v1/election-authorities"),
            ("GET", "/api/v1/election-authorities/{id}"),
            ("PATCH", "/api/v1/election-authorities/{id}"),
            ("PUT", "/api/v1/election-authorities/{id}/navigators"),
            ("GET", "/api/v1/election-authorities/{id}/contacts"),
            ("POST", "/api/v1/election-authorities/{id}/contacts"),
            ("GET", "/api/v1/contacts/{id}"),
            ("PATCH", "/api/v1/contacts/{id}"),
            ("DELETE", "/api/v1/contacts/{id}"),
            ("POST", "/api/v1/contacts/{id}/verify"),
            ("GET", "/api/v1/zones"),
            ("GET", "/api/v1/partner-organisations"),
            ("POST", "/api/v1/partner-organisations"),
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/people"),
            ("POST", "/api/v1/invitations"),
            ("GET", "/api/v1/audit-events"),
            ("GET", "/api/v1/tokens"),
            ("DELETE", "/api/v1/tokens/{id}"),
        ] {
            assert!(
                ops.contains(&(method.to_string(), p.to_string())),
                "{method} {p} missing from {ops:?}"
            );
        }
        // Each listed operation is routed: without a token it answers 401, never 404 or 405.
        let some_id = Uuid::new_v4().to_string();
        for (method, p) in &ops {
            let uri = p.replace("{id}", &some_id);
            let r = t
                .request(
                    Request::builder()
                        .method(method.as_str())
                        .uri(&uri)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_error(&r, StatusCode::UNAUTHORIZED, None);
        }
        t.cleanup().await;
    }
}

/// Who a token belongs to and the registry listing are served from memory between changes;
/// every change made through the application shows in the very next answer.
#[tokio::test]
async fn cached_answers_follow_every_change_at_once() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let board = t.token("board_admin").await;
        let nav = t.token("navigator").await;
        let total = |r: &Reply| assert_ok(r, StatusCode::OK)["meta"]["total"].clone();
        let list = "/api/v1/election-authorities";
        // Twice, so the second answer comes from memory.
        for _ in 0..2 {
            assert_eq!(total(&t.api_get(&nav, list).await), 1);
            assert_eq!(total(&t.api_get(&board, list).await), 3);
        }

        // A new authority is listed at once.
        let r = t.api_send("POST", &board, list, NEW_EA).await;
        let brown = assert_ok(&r, StatusCode::CREATED)["election_authority"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(total(&t.api_get(&board, list).await), 4);
        let found = assert_ok(
            &t.api_get(&board, &format!("{list}?q=brown")).await,
            StatusCode::OK,
        );
        assert_eq!(
            found["election_authorities"][0]["name"],
            "Brown County Clerk"
        );

        // A navigator assigned to it sees it at once, with their name on it.
        let body = json!({"navigators": [t.people["navigator"].id]}).to_string();
        let r = t
            .api_send("PUT", &board, &format!("{list}/{brown}/navigators"), &body)
            .await;
        assert_ok(&r, StatusCode::OK);
        let mine = assert_ok(&t.api_get(&nav, list).await, StatusCode::OK);
        assert_eq!(mine["meta"]["total"], 2);
        let navigator = format!("?navigator={}", t.people["navigator"].id);
        assert_eq!(
            total(&t.api_get(&board, &format!("{list}{navigator}")).await),
            2
        );

        // A disabled account's token stops at once; enabled again, it works again.
        let actor = t.actor("board_admin").await;
        let manager = actor.manage_people().unwrap();
        let meta = cybernav_app::RequestMeta::default();
        t.app
            .set_person_enabled(&manager, t.people["navigator"].id, false, &meta)
            .await
            .unwrap();
        assert_error(&t.api_get(&nav, list).await, StatusCode::UNAUTHORIZED, None);
        t.app
            .set_person_enabled(&manager, t.people["navigator"].id, true, &meta)
            .await
            .unwrap();
        assert_eq!(total(&t.api_get(&nav, list).await), 2);

        // A new role changes what the token may see at once.
        t.app
            .change_role(
                &manager,
                t.people["navigator"].id,
                "auditor",
                None,
                None,
                &meta,
            )
            .await
            .unwrap();
        assert_eq!(total(&t.api_get(&nav, list).await), 4);
        assert_error(
            &t.api_send("POST", &nav, list, NEW_EA).await,
            StatusCode::FORBIDDEN,
            None,
        );
        t.cleanup().await;
    }
}
