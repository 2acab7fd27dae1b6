//! The authorisation matrix: every API operation and every page, as every role, must be
//! allowed or refused exactly as the table says. A new API operation without a row here
//! fails the test, so no route ships without a decision.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{Db, TestApp};
use cybernav_app::RequestMeta;
use cybernav_core::authz::system_actor;
use cybernav_core::contact::ContactInput;

const ROLES: [&str; 7] = [
    "board_admin",
    "program_manager",
    "navigator",
    "ea_official",
    "ea_it",
    "partner",
    "auditor",
];

const ALL: &[&str] = &ROLES;
const NOT_PARTNER: &[&str] = &[
    "board_admin",
    "program_manager",
    "navigator",
    "ea_official",
    "ea_it",
    "auditor",
];
const MANAGERS: &[&str] = &["board_admin", "program_manager"];
const CONTACT_EDITORS: &[&str] = &["board_admin", "program_manager", "navigator", "ea_official"];
const PEOPLE_READERS: &[&str] = &["board_admin", "program_manager", "auditor"];
const AUDIT_READERS: &[&str] = &["board_admin", "auditor"];

/// (method, path template, who may) for every API operation.
fn api_table() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        ("GET", "/api/v1/audit-events", AUDIT_READERS),
        ("DELETE", "/api/v1/contacts/{id}", CONTACT_EDITORS),
        ("GET", "/api/v1/contacts/{id}", NOT_PARTNER),
        ("PATCH", "/api/v1/contacts/{id}", CONTACT_EDITORS),
        ("POST", "/api/v1/contacts/{id}/verify", CONTACT_EDITORS),
        ("GET", "/api/v1/election-authorities", NOT_PARTNER),
        ("POST", "/api/v1/election-authorities", MANAGERS),
        ("GET", "/api/v1/election-authorities/{id}", NOT_PARTNER),
        ("PATCH", "/api/v1/election-authorities/{id}", MANAGERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/contacts",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/contacts",
            CONTACT_EDITORS,
        ),
        (
            "PUT",
            "/api/v1/election-authorities/{id}/navigators",
            MANAGERS,
        ),
        ("POST", "/api/v1/invitations", MANAGERS),
        ("GET", "/api/v1/me", ALL),
        ("GET", "/api/v1/partner-organisations", ALL),
        ("POST", "/api/v1/partner-organisations", MANAGERS),
        ("GET", "/api/v1/people", PEOPLE_READERS),
        ("GET", "/api/v1/tokens", ALL),
        ("DELETE", "/api/v1/tokens/{id}", ALL),
        ("GET", "/api/v1/zones", ALL),
    ]
}

async fn new_contact(t: &TestApp, ea: uuid::Uuid) -> uuid::Uuid {
    let system = system_actor();
    let cap = system.edit_contacts_of(ea).unwrap();
    let input = ContactInput {
        name: format!("Contact {}", uuid::Uuid::new_v4()),
        role: "it_lead".into(),
        ..Default::default()
    };
    t.app
        .add_contact(&cap, ea, &input, &RequestMeta::default())
        .await
        .unwrap()
}

/// A valid body for each operation that takes one, so a refusal can only come from the
/// permission check, never from validation.
fn body_for(method: &str, path: &str, n: usize, t: &TestApp) -> String {
    let adams = t.authorities["adams"];
    let nav = t.people["navigator"].id;
    match (method, path) {
        ("POST", "/api/v1/election-authorities") => {
            format!(r#"{{"name":"Matrix Clerk {n}","kind":"county_clerk","county":"Matrix","fips_code":"17999"}}"#)
        }
        ("PATCH", "/api/v1/election-authorities/{id}") => {
            r#"{"name":"Adams County Clerk","kind":"county_clerk","county":"Adams","fips_code":"17001","population":1000,"zone":"West"}"#.into()
        }
        ("PUT", "/api/v1/election-authorities/{id}/navigators") => format!(r#"{{"navigators":["{nav}"]}}"#),
        ("POST", "/api/v1/election-authorities/{id}/contacts") | ("PATCH", "/api/v1/contacts/{id}") => {
            format!(r#"{{"name":"Pat Matrix {n}","role":"security_poc"}}"#)
        }
        ("POST", "/api/v1/invitations") => {
            format!(r#"{{"email":"matrix{n}@test.example","name":"Matrix Person","role":"ea_it","election_authority_id":"{adams}"}}"#)
        }
        ("POST", "/api/v1/partner-organisations") => format!(r#"{{"name":"Matrix Partner {n}","kind":"vendor"}}"#),
        _ => String::new(),
    }
}

#[tokio::test]
async fn every_api_operation_as_every_role() {
    let t = TestApp::new(Db::Sqlite).await;
    let table = api_table();
    let documented: Vec<(String, String)> = cybernav_web::api::api_operations();
    let listed: Vec<(String, String)> = table
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    for op in &documented {
        assert!(
            listed.contains(op),
            "API operation {op:?} has no row in the authorisation matrix"
        );
    }
    for op in &listed {
        assert!(
            documented.contains(op),
            "matrix row {op:?} is not an API operation"
        );
    }

    let adams = t.authorities["adams"];
    let mut failures = Vec::new();
    let mut n = 0;
    for role in ROLES {
        let token = t.token(role).await;
        for (method, path, allowed) in &table {
            n += 1;
            let id = match *path {
                p if p.starts_with("/api/v1/contacts/") => new_contact(&t, adams).await.to_string(),
                p if p.starts_with("/api/v1/tokens/") => {
                    let actor = t.actor(role).await;
                    t.app
                        .create_api_token(&actor, "to revoke", &RequestMeta::default())
                        .await
                        .unwrap()
                        .0
                        .to_string()
                }
                _ => adams.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body = body_for(method, path, n, &t);
            let reply = if *method == "GET" {
                t.api_get(&token, &url).await
            } else {
                t.api_send(method, &token, &url, &body).await
            };
            let may = allowed.contains(&role);
            let refused = matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
            let ok = if may {
                reply.status.is_success()
            } else {
                refused
            };
            if !ok {
                failures.push(format!(
                    "{role:>16} {method:6} {url}: expected {}, got {} {}",
                    if may { "success" } else { "403/404" },
                    reply.status,
                    reply.body.chars().take(160).collect::<String>()
                ));
            }
            if refused {
                assert!(
                    reply.json()["errors"][0]["detail"].is_string(),
                    "refusals use the error envelope"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix failures:\n{}",
        failures.join("\n")
    );
}

/// GET pages: who sees the page (200) and who is refused (403 or 404 page).
fn page_table(t: &TestApp) -> Vec<(String, &'static [&'static str])> {
    let adams = t.authorities["adams"];
    let person = t.people["ea_it"].id;
    vec![
        ("/".into(), ALL),
        ("/account".into(), ALL),
        ("/partners".into(), ALL),
        ("/election-authorities".into(), NOT_PARTNER),
        (format!("/election-authorities/{adams}"), NOT_PARTNER),
        ("/people".into(), PEOPLE_READERS),
        ("/people/invite".into(), MANAGERS),
        (format!("/people/{person}"), PEOPLE_READERS),
        ("/audit".into(), AUDIT_READERS),
    ]
}

#[tokio::test]
async fn every_page_as_every_role() {
    let t = TestApp::new(Db::Sqlite).await;
    let mut failures = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for role in ROLES {
        let mut c = t.signed_in(role).await;
        for (path, allowed) in page_table(&t) {
            let r = c.get(&path).await;
            *seen.entry(path.clone()).or_default() += usize::from(r.status == StatusCode::OK);
            let may = allowed.contains(&role);
            let ok = if may {
                r.status == StatusCode::OK
            } else {
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
            };
            if !ok {
                failures.push(format!(
                    "{role:>16} GET {path}: expected {}, got {}",
                    if may { "200" } else { "403/404" },
                    r.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "page matrix failures:\n{}",
        failures.join("\n")
    );
    assert!(
        seen.values().all(|n| *n > 0),
        "every page is seen by someone: {seen:?}"
    );
}

#[tokio::test]
async fn out_of_scope_authorities_are_not_found_for_scoped_roles() {
    let t = TestApp::new(Db::Sqlite).await;
    let chicago = t.authorities["chicago"];
    for role in ["navigator", "ea_official", "ea_it"] {
        let mut c = t.signed_in(role).await;
        assert_eq!(
            c.get(&format!("/election-authorities/{chicago}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{role} page"
        );
        let token = t.token(role).await;
        assert_eq!(
            t.api_get(&token, &format!("/api/v1/election-authorities/{chicago}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{role} API"
        );
    }
}
