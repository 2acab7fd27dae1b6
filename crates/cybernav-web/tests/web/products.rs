//! Intelligence products (213.30(a)(4), (6), (7)) through the real router, on SQLite and on
//! PostgreSQL when configured: the workflow with the two-person rule, tear-lines per reader
//! (TLP and FOUO), what each role may know, relevance to an authority's information needs,
//! the alert e-mails, the audit (never body text), and the pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, databases, ok, refusal};
use serde_json::{Value, json};

const FOUO_TEXT: &str = "The sender used 203.0.113.77 and the lure named Adams County's clerk";
const STRICT_TEXT: &str = "Board-only: the fusion center is watching the actor";
const SUMMARY: &str = "Phishing e-mails pose as the Board and ask for poll-book passwords.";

fn body() -> String {
    format!(
        "Phishing messages claiming to come from the Board reached three counties.\n\n\
         (TLP:AMBER FOUO) {FOUO_TEXT}.\n\n\
         (TLP:AMBER+STRICT) {STRICT_TEXT}.\n\n\
         (TLP:CLEAR) Never type your password into a link from an e-mail; call the Board."
    )
}

fn note(kind: &str, title: &str, tags: &[&str]) -> String {
    json!({
        "kind": kind,
        "title": title,
        "summary": SUMMARY,
        "base_marking": "TLP:GREEN",
        "body": body(),
        "tags": tags,
        "sources": ["MS-ISAC", "CISA AA24-060A"],
        "links": [{"kind": "stix", "reference": "report--4c7b2d44-55a3-4f0e-9d6b-8c9a4b3f2e1d"},
                  {"kind": "indicator", "reference": "ind-42"}],
    })
    .to_string()
}

async fn step(
    t: &TestApp,
    token: &str,
    id: &str,
    action: &str,
    comment: Option<&str>,
) -> common::Reply {
    let body = match comment {
        Some(c) => json!({"action": action, "comment": c}),
        None => json!({"action": action}),
    };
    t.api_send(
        "POST",
        token,
        &format!("/api/v1/products/{id}/transitions"),
        &body.to_string(),
    )
    .await
}

fn paragraph_texts(v: &Value) -> Vec<String> {
    v["product"]["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_workflow_tear_lines_and_relevance_through_the_api() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let nav = t.token("navigator").await;
        let nav_other = t.token("navigator_other").await;
        let pm = t.token("program_manager").await;
        let clerk = t.token("ea_official").await;
        let it = t.token("ea_it").await;
        let partner = t.token("partner").await;
        let auditor = t.token("auditor").await;
        let board = t.token("board_admin").await;

        // Bad input names each field; a bad portion mark names its paragraph.
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                r#"{"kind":"memo","title":" ","summary":"","base_marking":"TLP:RED","body":"x","tags":[],"links":[{"kind":"stix","reference":"nope"}]}"#,
            )
            .await,
        );
        assert_eq!(
            fields,
            vec!["kind", "title", "summary", "links", "recipients"],
            "TLP:RED with nobody named is refused under the people it names"
        );
        let (fields, detail) = refusal(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                &json!({"kind":"note","title":"T","summary":"S","base_marking":"TLP:GREEN","body":"Fine.\n\n(TLP:AMBR) typo"}).to_string(),
            )
            .await,
        );
        assert_eq!(fields, vec!["body"]);
        assert!(detail.contains("paragraph 2"), "{detail}");
        // Counties and partners do not write.
        assert_eq!(
            t.api_send("POST", &clerk, "/api/v1/products", &note("note", "x", &[]))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // A navigator drafts.
        let created = ok(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                &note(
                    "note",
                    "Phishing posing as the Board",
                    &["phishing", "e-poll books"],
                ),
            )
            .await,
            StatusCode::CREATED,
        );
        let id = created["product"]["id"].as_str().unwrap().to_string();
        assert_eq!(created["product"]["state"], "draft");
        assert_eq!(created["product"]["marking"], "TLP:GREEN");
        assert_eq!(created["product"]["actions"], json!(["submit"]));
        let url = format!("/api/v1/products/{id}");

        // An unpublished draft exists only for its author, the desk and auditors (metadata).
        for (who, token) in [
            ("clerk", &clerk),
            ("partner", &partner),
            ("other navigator", &nav_other),
        ] {
            assert_eq!(
                t.api_get(token, &url).await.status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
            let list = ok(&t.api_get(token, "/api/v1/products").await, StatusCode::OK);
            assert_eq!(list["meta"]["total"], 0, "{who}");
        }
        let seen = ok(&t.api_get(&auditor, &url).await, StatusCode::OK);
        assert_eq!(seen["product"]["metadata_only"], true);
        assert_eq!(seen["product"]["summary"], Value::Null);
        assert!(paragraph_texts(&seen).is_empty());
        assert_eq!(
            step(&t, &nav_other, &id, "submit", None).await.status,
            StatusCode::NOT_FOUND
        );

        // Submit; the Program Manager sends it back (a comment is required), the author edits
        // and submits again.
        ok(&step(&t, &nav, &id, "submit", None).await, StatusCode::OK);
        assert_eq!(
            t.api_send("PATCH", &nav, &url, r#"{"title":"Changed in review"}"#)
                .await
                .status,
            StatusCode::CONFLICT,
            "only drafts are edited"
        );
        assert_eq!(
            step(&t, &nav, &id, "approve", None).await.status,
            StatusCode::FORBIDDEN,
            "navigators do not approve"
        );
        let (fields, _) = refusal(&step(&t, &pm, &id, "send_back", Some("  ")).await);
        assert_eq!(fields, vec!["comment"]);
        ok(
            &step(&t, &pm, &id, "send_back", Some("Name the three counties")).await,
            StatusCode::OK,
        );
        let patch = r#"{"title":"Phishing posing as the Board in three counties"}"#;
        let blind = t.api_send("PATCH", &nav, &url, patch).await;
        assert_eq!(
            blind.status,
            StatusCode::CONFLICT,
            "saving would lose the FOUO paragraph"
        );
        assert!(
            blind.body.contains("markings do not let you see"),
            "{}",
            blind.body
        );
        let before = ok(&t.api_get(&nav, &url).await, StatusCode::OK);
        assert_eq!(
            paragraph_texts(&before).len(),
            3,
            "the navigator has no need-to-know"
        );
        assert_eq!(before["product"]["withheld"], 1);
        assert_eq!(before["product"]["editable"], false);
        common::approve_need_to_know(&t, "navigator").await;
        let edited = ok(
            &t.api_send("PATCH", &nav, &url, patch).await,
            StatusCode::OK,
        );
        assert_eq!(edited["product"]["state"], "draft");
        assert_eq!(
            edited["product"]["comments"][0]["text"],
            "Name the three counties"
        );
        assert_eq!(paragraph_texts(&edited).len(), 4);
        assert_eq!(edited["product"]["editable"], true);
        ok(&step(&t, &nav, &id, "submit", None).await, StatusCode::OK);

        // Approving needs someone who sees every paragraph: the Program Manager applies for
        // need-to-know first.
        let blind = step(&t, &pm, &id, "approve", None).await;
        assert_eq!(blind.status, StatusCode::CONFLICT, "{}", blind.body);
        assert!(
            blind.body.contains("markings do not let you see"),
            "{}",
            blind.body
        );
        common::approve_need_to_know(&t, "program_manager").await;
        let approved = ok(&step(&t, &pm, &id, "approve", None).await, StatusCode::OK);
        assert_eq!(approved["product"]["state"], "approved");
        assert_eq!(
            t.api_get(&clerk, &url).await.status,
            StatusCode::NOT_FOUND,
            "approved is not published"
        );
        let published = ok(&step(&t, &pm, &id, "publish", None).await, StatusCode::OK);
        assert_eq!(published["product"]["state"], "published");
        assert_eq!(published["emails_queued"], 0, "a note is not e-mailed");
        assert_eq!(
            step(&t, &pm, &id, "publish", None).await.status,
            StatusCode::CONFLICT
        );

        // Each reader gets the paragraphs may_see allows, and a count of the rest.
        let full = ok(&t.api_get(&pm, &url).await, StatusCode::OK);
        assert_eq!(paragraph_texts(&full).len(), 4);
        assert_eq!(full["product"]["banner"], "TLP:AMBER+STRICT FOUO");
        let county = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        let texts = paragraph_texts(&county);
        assert_eq!(texts.len(), 2);
        assert_eq!(county["product"]["withheld"], 2);
        assert_eq!(county["product"]["banner"], "TLP:GREEN");
        assert!(
            county["product"]["withheld_notice"]
                .as_str()
                .unwrap()
                .starts_with("2 paragraphs")
        );
        assert!(!county.to_string().contains("203.0.113.77"));
        assert!(!county.to_string().contains("fusion center"));
        assert_eq!(
            county["product"]["comments"],
            json!([]),
            "review comments stay on the desk"
        );
        assert_eq!(county["product"]["actions"], json!([]));
        common::approve_need_to_know(&t, "ea_official").await;
        let cleared = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(
            paragraph_texts(&cleared).len(),
            3,
            "FOUO now, never AMBER+STRICT"
        );
        assert_eq!(cleared["product"]["banner"], "TLP:AMBER FOUO");
        let navigator = ok(&t.api_get(&nav_other, &url).await, StatusCode::OK);
        assert_eq!(paragraph_texts(&navigator).len(), 3);
        assert!(navigator.to_string().contains("fusion center"));
        assert!(!navigator.to_string().contains("203.0.113.77"));
        // A partner without a current vetting is outside the community: GREEN is not theirs.
        assert_eq!(
            t.api_get(&partner, &url).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            step(&t, &clerk, &id, "withdraw", Some("x")).await.status,
            StatusCode::FORBIDDEN
        );

        // Information needs order the list: a newer bulletin about DNS, an older note about
        // e-poll books; the county said it runs e-poll books.
        let b = ok(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/products",
                &note("bulletin", "DNS hygiene", &["DNS"]),
            )
            .await,
            StatusCode::CREATED,
        );
        let bid = b["product"]["id"].as_str().unwrap().to_string();
        ok(&step(&t, &pm, &bid, "submit", None).await, StatusCode::OK);
        let own = step(&t, &pm, &bid, "approve", None).await;
        assert_eq!(own.status, StatusCode::CONFLICT);
        assert!(own.body.contains("two-person rule"), "{}", own.body);
        common::approve_need_to_know(&t, "board_admin").await;
        ok(
            &step(&t, &board, &bid, "approve", None).await,
            StatusCode::OK,
        );
        ok(
            &step(&t, &board, &bid, "publish", None).await,
            StatusCode::OK,
        );
        let adams = t.authorities["adams"];
        let needs_url = format!("/api/v1/election-authorities/{adams}/information-needs");
        let before = ok(&t.api_get(&it, &needs_url).await, StatusCode::OK);
        assert_eq!(before["updated_at"], Value::Null);
        let (fields, _) = refusal(
            &t.api_send(
                "PUT",
                &clerk,
                &needs_url,
                &json!({"topics": ["x".repeat(81)]}).to_string(),
            )
            .await,
        );
        assert_eq!(fields, vec!["topics"]);
        assert_eq!(
            t.api_send("PUT", &it, &needs_url, r#"{"systems":["e-poll books"]}"#)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let chicago = t.authorities["chicago"];
        assert_eq!(
            t.api_send(
                "PUT",
                &clerk,
                &format!("/api/v1/election-authorities/{chicago}/information-needs"),
                r#"{"systems":["e-poll books"]}"#
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let set = ok(
            &t.api_send(
                "PUT",
                &clerk,
                &needs_url,
                r#"{"topics":["Ransomware"],"systems":["E-poll books", "e-poll books"],"vendors":[]}"#,
            )
            .await,
            StatusCode::OK,
        );
        assert_eq!(set["information_needs"]["systems"], json!(["E-poll books"]));
        let list = ok(&t.api_get(&clerk, "/api/v1/products").await, StatusCode::OK);
        assert_eq!(
            list["products"][0]["id"],
            id.as_str(),
            "matches first, though older"
        );
        assert_eq!(
            list["products"][0]["matches_needs"],
            json!(["e-poll books"])
        );
        assert_eq!(list["products"][1]["id"], bid.as_str());
        assert_eq!(list["products"][1]["relevance"], 0);
        let pm_list = ok(&t.api_get(&pm, "/api/v1/products").await, StatusCode::OK);
        assert_eq!(
            pm_list["products"][0]["id"],
            bid.as_str(),
            "no needs: newest first"
        );

        // A revised bulletin replaces the DNS one when it is published; only a published
        // product can be replaced.
        let mut revised: Value =
            serde_json::from_str(&note("bulletin", "DNS hygiene, revised", &["DNS"])).unwrap();
        revised["supersedes"] = json!(bid);
        let r = ok(
            &t.api_send("POST", &pm, "/api/v1/products", &revised.to_string())
                .await,
            StatusCode::CREATED,
        );
        let rid = r["product"]["id"].as_str().unwrap().to_string();
        revised["supersedes"] = json!(rid);
        let (fields, _) = refusal(
            &t.api_send("POST", &pm, "/api/v1/products", &revised.to_string())
                .await,
        );
        assert_eq!(fields, vec!["supersedes"]);
        ok(&step(&t, &pm, &rid, "submit", None).await, StatusCode::OK);
        ok(
            &step(&t, &board, &rid, "approve", None).await,
            StatusCode::OK,
        );
        ok(
            &step(&t, &board, &rid, "publish", None).await,
            StatusCode::OK,
        );
        let old = ok(
            &t.api_get(&clerk, &format!("/api/v1/products/{bid}")).await,
            StatusCode::OK,
        );
        assert_eq!(old["product"]["state"], "superseded");
        assert_eq!(old["product"]["superseded_by"], rid.as_str());

        // Withdraw, with a reason.
        let (fields, _) = refusal(&step(&t, &pm, &id, "withdraw", None).await);
        assert_eq!(fields, vec!["comment"]);
        ok(
            &step(
                &t,
                &pm,
                &id,
                "withdraw",
                Some("Superseded by the STIC note"),
            )
            .await,
            StatusCode::OK,
        );
        let gone = ok(&t.api_get(&clerk, &url).await, StatusCode::OK);
        assert_eq!(gone["product"]["state"], "withdrawn");

        // The audit has titles, states and markings, never the text.
        let audit = t
            .api_get(
                &board,
                "/api/v1/audit-events?per_page=200&entity_type=product",
            )
            .await;
        assert_eq!(audit.status, StatusCode::OK);
        for action in [
            "product.create",
            "product.edit",
            "product.submit",
            "product.send_back",
            "product.approve",
            "product.publish",
            "product.withdraw",
        ] {
            assert!(audit.body.contains(action), "{action} audited");
        }
        assert!(
            audit
                .body
                .contains("Phishing posing as the Board in three counties")
        );
        for secret in [
            "203.0.113.77",
            "fusion center",
            SUMMARY,
            "Name the three counties",
            "Never type",
        ] {
            assert!(!audit.body.contains(secret), "{secret} is not in the audit");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_alert_mails_each_reader_only_what_they_may_see() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let nav = t.token("navigator").await;
        let pm = t.token("program_manager").await;
        common::approve_need_to_know(&t, "program_manager").await;
        let a = ok(
            &t.api_send(
                "POST",
                &nav,
                "/api/v1/products",
                &note("alert", "Phishing wave", &[]),
            )
            .await,
            StatusCode::CREATED,
        );
        let id = a["product"]["id"].as_str().unwrap().to_string();
        ok(&step(&t, &nav, &id, "submit", None).await, StatusCode::OK);
        ok(&step(&t, &pm, &id, "approve", None).await, StatusCode::OK);
        let done = ok(&step(&t, &pm, &id, "publish", None).await, StatusCode::OK);
        // Everyone but the partner (not in the community without a current vetting).
        let expected = t.people.len() - 1;
        assert_eq!(done["emails_queued"], expected);
        let outbox = {
            let mut tx = t.app.store.read().await.unwrap();
            tx.list_outbox(500).await.unwrap()
        };
        let alerts: Vec<_> = outbox
            .iter()
            .filter(|m| m.kind == "product_alert")
            .collect();
        assert_eq!(alerts.len(), expected);
        let to = |key: &str| {
            let email = &t.people[key].email;
            alerts.iter().find(|m| &m.to_addr == email).copied()
        };
        assert!(to("partner").is_none());
        let clerk = to("ea_official").unwrap();
        assert!(
            clerk
                .subject
                .starts_with("[TLP:GREEN] Urgent alert: Phishing wave"),
            "{}",
            clerk.subject
        );
        assert!(
            clerk.body_text.starts_with("TLP:GREEN\n"),
            "{}",
            clerk.body_text
        );
        assert!(clerk.body_text.trim_end().ends_with("TLP:GREEN"));
        assert!(
            clerk
                .body_text
                .contains("2 paragraphs of this product were withheld")
        );
        assert!(clerk.body_text.contains("(TLP:CLEAR) Never type"));
        assert!(!clerk.body_text.contains("203.0.113.77"));
        assert!(!clerk.body_text.contains("fusion center"));
        let manager = to("program_manager").unwrap();
        assert!(
            manager.subject.starts_with("[TLP:AMBER+STRICT FOUO]"),
            "{}",
            manager.subject
        );
        assert!(manager.body_text.contains(FOUO_TEXT));
        assert!(!manager.body_text.contains("withheld"));
        let navigator = to("navigator").unwrap();
        assert!(navigator.body_text.contains("fusion center"));
        assert!(!navigator.body_text.contains("203.0.113.77"));
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

#[tokio::test]
async fn the_pages_from_draft_to_the_county_reader() {
    let t = TestApp::new(common::Db::Sqlite).await;
    common::approve_need_to_know(&t, "program_manager").await;
    let mut nav = t.signed_in("navigator").await;
    let list = nav.get("/sharing").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains(r#"href="/sharing""#),
        "in the navigation"
    );
    assert!(list.body.contains("Write a product"));
    assert_eq!(nav.get("/sharing/new").await.status, StatusCode::OK);
    let bad = nav
        .post_form(
            "/sharing/new",
            &[
                ("kind", "note"),
                ("base_marking", "TLP:GREEN"),
                ("body", "Text"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(r##"href="#title">Title</a>"##),
        "the field is named"
    );
    let body = body();
    let made = nav
        .post_form(
            "/sharing/new",
            &[
                ("kind", "bulletin"),
                ("title", "Patch the e-poll book tablets"),
                ("summary", SUMMARY),
                ("base_marking", "TLP:GREEN"),
                ("body", &body),
                ("tags", "e-poll books, patching"),
                ("sources", "MS-ISAC"),
                (
                    "links",
                    "report--4c7b2d44-55a3-4f0e-9d6b-8c9a4b3f2e1d\nindicator ind-1",
                ),
            ],
        )
        .await;
    let location = made.location();
    assert!(location.ends_with("?notice=product_created"), "{location}");
    let path = location.split('?').next().unwrap().to_string();
    let edit = nav.get(&format!("{path}/edit")).await;
    assert_eq!(
        edit.status,
        StatusCode::CONFLICT,
        "a paragraph the navigator may not see"
    );
    let page = nav.get(&path).await;
    assert!(page.body.contains("Submit for review"));
    assert!(
        page.body
            .contains("1 paragraph of this product was withheld")
    );
    let submitted = nav
        .post_form(&format!("{path}/transition"), &[("action", "submit")])
        .await;
    assert_eq!(
        submitted.location(),
        format!("{path}?notice=product_submitted")
    );

    let mut pm = t.signed_in("program_manager").await;
    let page = pm.get(&path).await;
    assert!(page.body.contains("Send back to the author"));
    let missing = pm
        .post_form(
            &format!("{path}/transition"),
            &[("action", "send_back"), ("comment", "")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("what the author should change"));
    for action in ["approve", "publish"] {
        let r = pm
            .post_form(&format!("{path}/transition"), &[("action", action)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }

    // The county reads the sanitised version, labelled at top and bottom.
    let mut clerk = t.signed_in("ea_official").await;
    let page = clerk.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"id="marking-top""#) && page.body.contains(r#"id="marking-bottom""#)
    );
    assert_eq!(
        page.body.matches(">TLP:GREEN</span>").count(),
        2,
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("2 paragraphs of this product were withheld")
    );
    assert!(!page.body.contains("203.0.113.77"));
    assert!(
        !page.body.contains(r#"name="action""#),
        "no workflow buttons for the county"
    );
    let list = clerk.get("/sharing").await;
    assert!(list.body.contains("Patch the e-poll book tablets"));
    assert!(
        list.body
            .contains("Tell us what your office needs to hear about")
    );
    assert_eq!(
        clerk
            .post_form(
                &format!("{path}/transition"),
                &[("action", "withdraw"), ("comment", "x")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        clerk.get("/sharing/new").await.status,
        StatusCode::FORBIDDEN
    );

    // The information-needs form.
    let adams = t.authorities["adams"];
    let needs = format!("/election-authorities/{adams}/information-needs");
    let form = clerk.get(&needs).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(r#"<label class="usa-label" for="systems">"#)
    );
    let long = "y".repeat(81);
    let bad = clerk
        .post_form(
            &needs,
            &[("topics", &long), ("systems", ""), ("vendors", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r##"href="#topics">Topics</a>"##));
    let saved = clerk
        .post_form(
            &needs,
            &[
                ("topics", "phishing"),
                ("systems", "e-poll books"),
                ("vendors", ""),
            ],
        )
        .await;
    assert_eq!(saved.location(), format!("{needs}?notice=needs_saved"));
    let list = clerk.get("/sharing").await;
    let matching = list.body.split("Other published products").next().unwrap();
    assert!(
        matching.contains("Patch the e-poll book tablets"),
        "{}",
        list.body
    );
    assert!(
        list.body
            .contains("<strong>Matches your needs:</strong> e-poll books</p>")
    );
    let mut it = t.signed_in("ea_it").await;
    let read_only = it.get(&needs).await;
    assert_eq!(read_only.status, StatusCode::OK);
    assert!(
        read_only.body.contains("e-poll books")
            && !read_only.body.contains("Save information needs")
    );
    assert_eq!(
        it.post_form(&needs, &[("topics", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    t.cleanup().await;
}
