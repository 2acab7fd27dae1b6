//! TLP:RED products (213.30(a)(4)): the author names the people a RED note, bulletin or alert
//! is for, and only they read it, whatever their role; a RED product with nobody named, or
//! naming someone unknown or disabled, is refused field by field; the people are shown to
//! those who read it; the audit holds their ids only. A source's default marking is never RED.
//! Through the real router, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, databases, ok, refusal};
use serde_json::json;

const RED_TEXT: &str = "The caller who phoned Adams County's clerk gave the name Dana Voss";

fn red(kind: &str, recipients: serde_json::Value) -> String {
    json!({
        "kind": kind,
        "title": "Pretext calls to one clerk",
        "summary": "Someone phoned a clerk pretending to be the vendor.",
        "base_marking": "TLP:RED",
        "body": format!("{RED_TEXT}.\n\n(TLP:GREEN) Never give a password over the phone."),
        "recipients": recipients,
    })
    .to_string()
}

async fn step(t: &TestApp, token: &str, id: &str, action: &str) -> common::Reply {
    t.api_send(
        "POST",
        token,
        &format!("/api/v1/products/{id}/transitions"),
        &json!({"action": action}).to_string(),
    )
    .await
}

#[tokio::test]
async fn a_red_alert_reaches_only_the_people_it_names() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let nav = t.token("navigator").await;
        let pm = t.token("program_manager").await;
        let board = t.token("board_admin").await;
        let clerk = &t.people["ea_official"];
        let manager = &t.people["program_manager"];

        // Nobody named, an unknown address, a disabled account, a word that is no address.
        let (fields, details) = refusal(
            &t.api_send("POST", &nav, "/api/v1/products", &red("alert", json!([])))
                .await,
        );
        assert_eq!(fields, vec!["recipients"]);
        assert!(details.contains("is required for TLP:RED"), "{details}");
        let it = &t.people["ea_it"];
        common::disable_person(&t, it.id).await;
        let (fields, details) = refusal(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                &red(
                    "alert",
                    json!(["nobody@example.gov", it.email, "Dana", clerk.email]),
                ),
            )
            .await,
        );
        assert_eq!(fields, vec!["recipients"; 3], "{details}");
        assert!(details.contains("nobody@example.gov"), "{details}");
        assert!(details.contains("the account is disabled"), "{details}");
        assert!(
            details.contains("'Dana' is not an e-mail address"),
            "{details}"
        );
        // People are named only for RED.
        let green = red("note", json!([clerk.email])).replace("TLP:RED", "TLP:GREEN");
        let (fields, details) =
            refusal(&t.api_send("POST", &nav, "/api/v1/products", &green).await);
        assert_eq!(fields, vec!["recipients"]);
        assert!(details.contains("only for TLP:RED"), "{details}");

        // The clerk by address (upper case as typed), the Program Manager by id.
        let made = ok(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                &red(
                    "alert",
                    json!([clerk.email.to_uppercase(), manager.id.to_string()]),
                ),
            )
            .await,
            StatusCode::CREATED,
        );
        let id = made["product"]["id"].as_str().unwrap().to_string();
        let named: Vec<&str> = made["product"]["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["email"].as_str().unwrap())
            .collect();
        assert_eq!(named.len(), 3, "the author is always named: {named:?}");
        for key in ["navigator", "ea_official", "program_manager"] {
            assert!(named.contains(&t.people[key].email.as_str()), "{key}");
        }

        // The Board administrator is not named: they may not approve what they cannot read.
        ok(&step(&t, &nav, &id, "submit").await, StatusCode::OK);
        let blind = step(&t, &board, &id, "approve").await;
        assert_eq!(blind.status, StatusCode::CONFLICT, "{}", blind.body);
        assert!(blind.body.contains("does not name you"), "{}", blind.body);
        ok(&step(&t, &pm, &id, "approve").await, StatusCode::OK);
        let done = ok(&step(&t, &pm, &id, "publish").await, StatusCode::OK);
        assert_eq!(done["emails_queued"], 3, "only the people named");
        let outbox = {
            let mut tx = t.app.store.read().await.unwrap();
            tx.list_outbox(500).await.unwrap()
        };
        let mut to: Vec<&str> = outbox
            .iter()
            .filter(|m| m.kind == "product_alert")
            .map(|m| m.to_addr.as_str())
            .collect();
        to.sort_unstable();
        let mut expected: Vec<&str> = ["navigator", "ea_official", "program_manager"]
            .iter()
            .map(|k| t.people[k].email.as_str())
            .collect();
        expected.sort_unstable();
        assert_eq!(to, expected);

        // The clerk reads it, with the people named; the clerk's colleague and the partner do
        // not know it exists; the Board and the auditor see its title and marking only.
        let url = format!("/api/v1/products/{id}");
        let read = ok(
            &t.api_get(&t.token("ea_official").await, &url).await,
            StatusCode::OK,
        );
        assert!(
            read["product"]["paragraphs"][0]["text"]
                .as_str()
                .unwrap()
                .contains("Dana Voss")
        );
        assert_eq!(read["product"]["recipients"].as_array().unwrap().len(), 3);
        let other_clerk = t.token("ea_official_other").await;
        assert_eq!(
            t.api_get(&other_clerk, &url).await.status,
            StatusCode::NOT_FOUND
        );
        for key in ["board_admin", "auditor"] {
            let seen = ok(&t.api_get(&t.token(key).await, &url).await, StatusCode::OK);
            assert_eq!(seen["product"]["metadata_only"], true, "{key}");
            assert!(
                seen["product"]["recipients"].as_array().unwrap().is_empty(),
                "{key}"
            );
            assert!(!seen.to_string().contains("Dana Voss"), "{key}");
        }
        let list = t.api_get(&other_clerk, "/api/v1/products").await;
        assert!(!list.body.contains("Pretext calls"), "{}", list.body);

        // The audit names the people by id, never the text.
        let audit = t
            .api_get(
                &board,
                "/api/v1/audit-events?per_page=200&entity_type=product",
            )
            .await;
        assert!(audit.body.contains(&clerk.id.to_string()), "{}", audit.body);
        assert!(!audit.body.contains("Dana Voss"));
        assert!(!audit.body.contains(&clerk.email));

        // A source may not default to RED: nobody would see what it sends.
        let r = t
            .api_send(
                "POST",
                &pm,
                "/api/v1/intake/indicators?format=text&source=Red%20list&tlp=RED",
                "evil.example\n",
            )
            .await;
        let (fields, details) = refusal(&r);
        assert_eq!(fields, vec!["tlp"]);
        assert!(details.contains("TLP:AMBER+STRICT"), "{details}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_draft_form_names_people_from_the_list_or_by_address() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let clerk = t.people["ea_official"].clone();
        let mut nav = t.signed_in("navigator").await;
        let form = nav.get("/sharing/new").await;
        assert!(
            form.body.contains(r#"<option value="TLP:RED">"#),
            "{}",
            form.body
        );
        assert!(form.body.contains("Who may read it (TLP:RED only)"));

        // The filter finds the clerk by their authority's name, with role and organisation.
        let found = nav.get("/sharing/recipients?q=adams").await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(
            found.body.contains(&format!(r#"value="{}""#, clerk.id)),
            "{}",
            found.body
        );
        assert!(found.body.contains("Adams"), "{}", found.body);
        // What was ticked stays, ticked, when the filter changes.
        let kept = nav
            .get(&format!("/sharing/recipients?q=zz&recipient={}", clerk.id))
            .await;
        assert!(kept.body.contains("checked"), "{}", kept.body);
        assert!(kept.body.contains("No active account matches"));
        // A ticked id of a disabled account shows nothing of that person.
        let it = t.people["ea_it"].clone();
        common::disable_person(&t, it.id).await;
        let disabled = nav
            .get(&format!(
                "/sharing/recipients?q=zz&recipient={}&recipient={}",
                it.id, clerk.id
            ))
            .await;
        assert_eq!(disabled.status, StatusCode::OK);
        assert!(
            !disabled.body.contains(&it.id.to_string()),
            "{}",
            disabled.body
        );
        assert!(!disabled.body.contains(&it.email), "{}", disabled.body);
        assert!(disabled.body.contains(&clerk.id.to_string()));
        // The county may not list people.
        let mut county = t.signed_in("ea_official").await;
        assert_eq!(
            county.get("/sharing/recipients?q=a").await.status,
            StatusCode::FORBIDDEN
        );

        let clerk_id = clerk.id.to_string();
        let fields = |extra: &'static str| {
            vec![
                ("kind", "note"),
                ("title", "Pretext calls to one clerk"),
                (
                    "summary",
                    "Someone phoned a clerk pretending to be the vendor.",
                ),
                ("base_marking", "TLP:RED"),
                ("body", RED_TEXT),
                ("recipients", extra),
            ]
        };
        let mut bad = fields("nobody@example.gov");
        bad.push(("recipient", &clerk_id));
        let refused = nav.post_form("/sharing/new", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains(r##"href="#recipients">Who may read it (TLP:RED)</a>"##)
        );
        assert!(
            refused
                .body
                .contains("no account has the e-mail address nobody@example.gov")
        );
        assert!(
            refused
                .body
                .contains(r#"aria-describedby="recipients-hint recipients-error""#)
        );
        assert!(
            refused
                .body
                .contains(&format!(r#"value="{clerk_id}" checked"#)),
            "the ticked person stays ticked"
        );
        let mut good = fields("");
        good.push(("recipient", &clerk_id));
        let made = nav.post_form("/sharing/new", &good).await;
        let path = made.location().split('?').next().unwrap().to_string();
        let page = nav.get(&path).await;
        assert!(page.body.contains("Who may read it"), "{}", page.body);
        assert!(page.body.contains("only these people may read it"));
        let edit = nav.get(&format!("{path}/edit")).await;
        assert!(
            edit.body
                .contains(&format!(r#"value="{clerk_id}" checked"#))
        );
        // A draft naming someone whose account is disabled since: the form shows them as
        // such (and saving says so) rather than dropping them without a word.
        let it_id = it.id.to_string();
        let mut named = fields("");
        named.push(("recipient", &it_id));
        let refused = nav.post_form("/sharing/new", &named).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains(&format!(r#"value="{it_id}" checked"#)),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains(": account disabled"),
            "{}",
            refused.body
        );
        t.cleanup().await;
    }
}
