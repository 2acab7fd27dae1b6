//! Two-way sharing (Part 213.50(a)(2)(B)) through the real router, on SQLite and on
//! PostgreSQL when configured: a clerk reports with the web form (defanged indicators, an
//! e-mail's sender), the Program Manager finds it first in the queue, reads it in words,
//! validates it into intake, sightings and a draft note; another report is rejected with a
//! reason; the office reads the decision and is e-mailed the reference only; a decision is
//! taken once; bad input and refusals store nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{Client, Db, TestApp, audit_total, databases, ok, refusal};
use serde_json::Value;

/// A day two days ago, safely in the past on any clock.
fn recent_day() -> String {
    (time::OffsetDateTime::now_utc() - time::Duration::days(2))
        .date()
        .to_string()
}

/// How many reports, objects, sightings and products are stored.
async fn stored(t: &TestApp) -> (i64, i64, i64, i64) {
    let mut tx = t.app.store.read().await.unwrap();
    cybernav_store::with_conn!(&mut tx, |c| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM community_reports), \
             (SELECT COUNT(*) FROM community_report_objects), \
             (SELECT COUNT(*) FROM indicator_sightings), (SELECT COUNT(*) FROM products)",
        )
        .fetch_one(&mut *c)
        .await
        .unwrap()
    })
}

async fn outbox(t: &TestApp) -> Vec<cybernav_app::store::outbox::OutboxEntry> {
    let mut tx = t.app.store.read().await.unwrap();
    tx.list_outbox(1000).await.unwrap()
}

/// The good form of the story, with `extra` fields replaced.
fn form<'a>(day: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("kind", "phishing"),
        ("seen_on", day),
        ("seen_time", "09:15"),
        (
            "description",
            "Our deputy clerk got an e-mail asking her to log in to verify payroll. She did not click.",
        ),
        (
            "indicators",
            "hxxps://payroll-adams[.]example/verify\n198.51.100.77  # in the firewall log\n",
        ),
        (
            "sender",
            "Payroll Dept <payroll[at]adams-payroll[.]example>",
        ),
        ("subject", "Action required: verify your payroll"),
        ("tlp", "amber"),
    ];
    for (k, v) in extra {
        f.retain(|(name, _)| name != k);
        f.push((k, v));
    }
    f
}

/// The report id in a `/reports/{id}?notice=…` redirect.
fn report_id(location: &str) -> String {
    location
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

async fn indicator(t: &TestApp, key: &str, value: &str) -> Option<Value> {
    let token = t.token(key).await;
    let list = ok(
        &t.api_get(&token, "/api/v1/indicators?limit=500").await,
        StatusCode::OK,
    );
    list["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["value"] == value)
        .cloned()
}

async fn bad_input_stores_nothing(t: &TestApp, clerk: &mut Client, day: &str) {
    // Creating the API token is audited; nothing after it may be.
    let token = t.token("ea_official").await;
    let before = (stored(t).await, audit_total(t).await);
    // No fields: every required one is named, in the summary and beside the field.
    let r = clerk.post_form("/reports/new", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for (field, says) in [
        ("kind", "choose what you saw"),
        ("seen_on", "the day you saw it"),
        ("description", "in your own words"),
    ] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
        assert!(r.body.contains(says), "{says}");
    }
    // Lines that are not indicators are named by number; the good ones are not stored either.
    let r = clerk
        .post_form(
            "/reports/new",
            &form(
                day,
                &[(
                    "indicators",
                    "evil-adams[.]example\nsee the attached screenshot\nsetup.exe\n",
                )],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("2 line(s) were not understood"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("line 2 &#39;see&#39;") || r.body.contains("line 2 &#x27;see&#x27;"),
        "{}",
        r.body
    );
    assert!(r.body.contains("line 3"));
    assert!(
        r.body
            .contains("aria-describedby=\"indicators-hint indicators-error\""),
        "the error is tied to its field"
    );
    // What was typed comes back, so nothing has to be typed again.
    assert!(r.body.contains("Our deputy clerk got an e-mail"));
    // Oversize text, a sender that is not an address, a level the form does not offer.
    let long = "x".repeat(10_001);
    let r = clerk
        .post_form(
            "/reports/new",
            &form(
                day,
                &[
                    ("description", &long),
                    ("sender", "the payroll office"),
                    ("tlp", "red"),
                ],
            ),
        )
        .await;
    let body = &r.body;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 10000 characters"), "{body}");
    assert!(body.contains("is not an e-mail address"));
    assert!(body.contains("is not offered here"));
    // Without the CSRF token the form is refused outright.
    let r = clerk.post_form_raw("/reports/new", &form(day, &[])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The API names every missing field at once too.
    let (fields, _) = refusal(&t.api_send("POST", &token, "/api/v1/reports", "{}").await);
    assert_eq!(fields, ["kind", "seen_on", "description"]);
    assert_eq!(
        (stored(t).await, audit_total(t).await),
        before,
        "refused reports store nothing"
    );
}

const BOARD_COLLECTION: &str =
    "/taxii2/root/collections/9b1f3c52-7e4d-4a8b-9c21-5d0e6f7a8b01/objects/";

/// Every object of the Board's collection `key` receives, `limit` a page, following `next`.
async fn board_objects(t: &TestApp, key: &str, filter: &str, limit: usize) -> Vec<Value> {
    let token = t.token(key).await;
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("{BOARD_COLLECTION}?limit={limit}{filter}");
        if let Some(n) = &next {
            path.push_str(&format!("&next={n}"));
        }
        let req = axum::http::Request::get(&path)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                axum::http::header::ACCEPT,
                "application/taxii+json;version=2.1",
            )
            .body(axum::body::Body::empty())
            .unwrap();
        let page = ok(&t.request(req).await, StatusCode::OK);
        out.extend(page["objects"].as_array().cloned().unwrap_or_default());
        match page["next"].as_str() {
            Some(n) if page["more"] == true => next = Some(n.to_string()),
            _ => break,
        }
    }
    out
}

/// The Board's TAXII collection carries one `sighting` per indicator seen, naming no
/// authority; paging one object at a time across indicators and sightings loses and repeats
/// nothing; the OASIS validator finds no error in a sighting.
async fn taxii_sightings(t: &TestApp, reference: &str) {
    let sightings = board_objects(t, "program_manager", "&match[type]=sighting", 100).await;
    assert_eq!(sightings.len(), 3, "{sightings:#?}");
    for s in &sightings {
        assert_eq!(s["count"], 1);
        assert!(
            s["sighting_of_ref"]
                .as_str()
                .unwrap()
                .starts_with("indicator--")
        );
        assert_eq!(
            s["description"],
            "Seen by one election authority, as reported to the State Board of Elections."
        );
        assert!(s.get("where_sighted_refs").is_none());
        assert_eq!(
            s["object_marking_refs"][0],
            cybernav_core::sharing::marking::Tlp::Amber.stix_id()
        );
    }
    let text = serde_json::to_string(&sightings).unwrap();
    assert!(!text.contains("Adams") && !text.contains(reference));
    // One sighting by id, as TAXII clients ask for it.
    let id = sightings[0]["id"].as_str().unwrap();
    let one = board_objects(t, "program_manager", &format!("&match[id]={id}"), 100).await;
    assert_eq!(one, vec![sightings[0].clone()]);
    // Another county reads them too (TLP:AMBER reaches the Board's clients); a partner does not.
    assert_eq!(
        board_objects(t, "ea_official_other", "&match[type]=sighting", 100)
            .await
            .len(),
        3
    );
    assert!(
        board_objects(t, "partner", "&match[type]=sighting", 100)
            .await
            .is_empty()
    );
    // Paging: one object a page gives exactly what one page of all gives, in the same order.
    let whole = board_objects(t, "program_manager", "", 1000).await;
    let paged = board_objects(t, "program_manager", "", 1).await;
    let ids = |v: &[Value]| {
        v.iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&paged), ids(&whole));
    assert_eq!(whole.iter().filter(|o| o["type"] == "sighting").count(), 3);
    // Each sighting comes after the indicator it is of.
    let order = ids(&whole);
    for s in &sightings {
        let of = s["sighting_of_ref"].as_str().unwrap();
        let at = |x: &str| order.iter().position(|i| i == x).unwrap();
        assert!(at(of) < at(s["id"].as_str().unwrap()));
    }
    // The OASIS validator (scripts/setup installs it) finds no error.
    let script = "import json,sys\nfrom stix2validator import ValidationOptions, validate_instance\n\
        errs=[e.message for o in json.load(sys.stdin) for r in [validate_instance(o, ValidationOptions(version='2.1', strict=False))] if not r.is_valid for e in r.errors]\n\
        print(json.dumps(errs)); sys.exit(1 if errs else 0)";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "stix2-validator on the sightings (run scripts/setup if it is missing): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn story(db: Db) {
    let t = TestApp::new(db).await;
    let day = recent_day();
    let adams = t.authorities["adams"];
    let mut clerk = t.signed_in("ea_official").await;

    // The clerk finds the form from the navigation.
    let home = clerk.get("/").await;
    assert!(
        home.body.contains("href=\"/reports\""),
        "a clerk's navigation links the reports"
    );
    let page = clerk.get("/reports/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Who may see this report?"));
    assert!(
        page.body.contains("value=\"amber\" checked"),
        "TLP:AMBER by default"
    );

    bad_input_stores_nothing(&t, &mut clerk, &day).await;

    // A good report: sent, then its page shows the reference number.
    let r = clerk.post_form("/reports/new", &form(&day, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?notice=report_sent"));
    let id = report_id(&r.location());
    let mine = clerk.get(&r.location()).await;
    let reference = common::between(&mine.body, "<strong id=\"reference\">");
    assert!(
        reference.starts_with("CR-") && reference.len() == 12,
        "{reference}"
    );
    assert!(mine.body.contains("Waiting for review"));
    // The office's own list has it; the description is the office's own, readable there.
    let list = clerk.get("/reports").await;
    assert!(list.body.contains(&reference) && list.body.contains("Suspicious e-mail or phishing"));
    assert!(mine.body.contains("verify payroll"));
    // Three indicators: the defanged URL, the address from the log, the sender.
    let (reports, objects, sightings, _) = stored(&t).await;
    assert_eq!((reports, objects, sightings), (1, 5, 0));

    // Who may see it: another county's official does not know it exists.
    let mut other = t.signed_in("ea_official_other").await;
    assert_eq!(
        other.get(&format!("/reports/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let other_token = t.token("ea_official_other").await;
    let theirs = ok(
        &t.api_get(&other_token, "/api/v1/reports").await,
        StatusCode::OK,
    );
    assert_eq!(theirs["meta"]["total"], 0);
    let asked = ok(
        &t.api_get(
            &other_token,
            &format!("/api/v1/reports?election_authority={adams}"),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        asked["meta"]["total"], 0,
        "asking for another authority's gives none"
    );
    for path in [
        format!("/api/v1/reports/{id}"),
        format!("/api/v1/reports/{id}/validate"),
    ] {
        let r = if path.ends_with("validate") {
            t.api_send("POST", &other_token, &path, "{}").await
        } else {
            t.api_get(&other_token, &path).await
        };
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    // A navigator reads the queue and the report but cannot decide; a partner sees nothing.
    let mut nav = t.signed_in("navigator").await;
    assert!(nav.get("/reports").await.body.contains(&reference));
    let r = nav.post_form(&format!("/reports/{id}/validate"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let nav_token = t.token("navigator").await;
    let r = t
        .api_send(
            "POST",
            &nav_token,
            &format!("/api/v1/reports/{id}/reject"),
            r#"{"reason":"no"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut partner = t.signed_in("partner").await;
    assert_eq!(partner.get("/reports").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        partner.get(&format!("/reports/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    // The clerk cannot decide on their own report.
    let r = clerk
        .post_form(&format!("/reports/{id}/validate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The Program Manager: the dashboard says a report waits; pending first, filters, the
    // report in words. Those who cannot decide see no such line.
    let mut pm = t.signed_in("program_manager").await;
    let home = pm.get("/").await;
    assert!(
        home.body
            .contains("<strong>1 report from a county</strong> is waiting"),
        "{}",
        home.body
    );
    assert!(home.body.contains(r#"href="/reports?status=pending""#));
    assert!(!nav.get("/").await.body.contains("reports-pending"));
    assert!(!clerk.get("/").await.body.contains("reports-pending"));
    let queue = pm.get("/reports?status=pending&channel=form").await;
    assert!(queue.body.contains(&reference) && queue.body.contains("Adams County Clerk"));
    let none = pm.get("/reports?status=validated").await;
    assert!(!none.body.contains(&reference) && none.body.contains("No report matches"));
    let read = pm.get(&format!("/reports/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    for text in [
        "Report: Suspicious e-mail or phishing",
        "Our deputy clerk got an e-mail",
        "URL: https://payroll-adams.example/verify",
        "IPv4 address: 198.51.100.77",
        "payroll@adams-payroll.example",
        "Action required: verify your payroll",
        "TLP:AMBER",
        "Start a draft intelligence note",
    ] {
        assert!(read.body.contains(text), "the report page shows '{text}'");
    }

    // Validate, starting a draft note.
    let audit_before = audit_total(&t).await;
    let r = pm
        .post_form(
            &format!("/reports/{id}/validate"),
            &[
                ("start_note", "yes"),
                ("note", "Thank you: two other counties got the same e-mail."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("notice=report_validated_note"));
    assert!(
        audit_total(&t).await >= audit_before + 3,
        "validation, intake run, draft note"
    );
    let (_, _, sightings, products) = stored(&t).await;
    assert_eq!((sightings, products), (3, 1));
    let decided = pm.get(&format!("/reports/{id}")).await;
    assert!(decided.body.contains("Validated by Test Program Manager"));
    assert!(
        pm.get("/")
            .await
            .body
            .contains("No report from a county is waiting for you.")
    );
    let note_id = decided
        .body
        .split("href=\"/sharing/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(
        !decided.body.contains("id=\"decide-heading\""),
        "no second decision offered"
    );
    let draft = pm.get(&format!("/sharing/{note_id}")).await;
    assert_eq!(draft.status, StatusCode::OK);
    for text in [
        format!("Community report {reference}"),
        "Draft".to_string(),
        "Our deputy clerk got an e-mail".to_string(),
        "Indicators named in the report".to_string(),
        format!("/reports/{id}"),
        "TLP:AMBER".to_string(),
    ] {
        assert!(draft.body.contains(&text), "the draft note shows '{text}'");
    }
    // The indicators are intake of the source "Community reports", with the report's marking.
    let pm_token = t.token("program_manager").await;
    let ip = indicator(&t, "program_manager", "198.51.100.77")
        .await
        .unwrap();
    assert_eq!(ip["reports"][0]["source"], "Community reports");
    assert_eq!(ip["reports"][0]["reference"], reference.as_str());
    assert_eq!(ip["reports"][0]["marking"], "TLP:AMBER");
    assert_eq!(ip["sightings"]["count"], 1);
    assert_eq!(ip["sightings"]["authorities"], 1);
    assert_eq!(
        ip["sightings"]["by_authority"][0]["name"],
        "Adams County Clerk"
    );
    // Another county (TLP:AMBER reaches the Board's clients) learns it was seen, not by whom.
    let seen_elsewhere = indicator(&t, "ea_official_other", "198.51.100.77")
        .await
        .unwrap();
    assert_eq!(seen_elsewhere["sightings"]["count"], 1);
    assert!(seen_elsewhere["sightings"].get("by_authority").is_none());
    assert!(!seen_elsewhere.to_string().contains("Adams"));
    // A partner is not an AMBER audience: the indicator is not theirs to see at all.
    assert!(indicator(&t, "partner", "198.51.100.77").await.is_none());

    taxii_sightings(&t, &reference).await;

    // The office is told: the reference and the decision, nothing it reported.
    let mail = outbox(&t).await;
    let told: Vec<_> = mail
        .iter()
        .filter(|m| m.kind == "report_decision")
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].to_addr, t.people["ea_official"].email);
    assert!(told[0].subject.contains(&reference) && told[0].subject.contains("validated"));
    for secret in [
        "payroll",
        "198.51.100.77",
        "deputy clerk",
        "two other counties",
    ] {
        assert!(
            !told[0].body_text.contains(secret),
            "the e-mail leaks '{secret}'"
        );
    }
    assert!(
        told[0]
            .body_text
            .contains(&format!("http://cybernav.test/reports/{id}"))
    );
    // The office reads the decision and the note.
    let list = clerk.get("/reports").await;
    assert!(list.body.contains("Validated") && list.body.contains("two other counties"));
    assert!(
        !clerk
            .get(&format!("/reports/{id}"))
            .await
            .body
            .contains("/sharing/"),
        "the draft is the desk's"
    );

    // A decision is taken once: 409 with a clear message, and nothing changes.
    let before = (
        stored(&t).await,
        audit_total(&t).await,
        outbox(&t).await.len(),
    );
    let r = pm
        .post_form(
            &format!("/reports/{id}/reject"),
            &[("reason", "second thoughts")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already validated"), "{}", r.body);
    let r = t
        .api_send(
            "POST",
            &pm_token,
            &format!("/api/v1/reports/{id}/validate"),
            "{}",
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let detail = r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("already validated") && detail.contains("by Test Program Manager"),
        "{detail}"
    );
    assert_eq!(
        (
            stored(&t).await,
            audit_total(&t).await,
            outbox(&t).await.len()
        ),
        before
    );

    // Unknown report ids are simply not found.
    let unknown = uuid::Uuid::new_v4();
    assert_eq!(
        pm.get(&format!("/reports/{unknown}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        pm.get("/reports/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
    let r = t
        .api_send(
            "POST",
            &pm_token,
            &format!("/api/v1/reports/{unknown}/validate"),
            "{}",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The reject path, through the API: the IT person reports with a list of indicators.
    let it = t.token("ea_it").await;
    let sent = ok(
        &t.api_send(
            "POST",
            &it,
            "/api/v1/reports",
            &serde_json::json!({
                "kind": "suspicious_address",
                "seen_on": day,
                "description": "Many failed sign-ins from this address overnight.",
                "indicators": ["203.0.113.45", "scan-adams[.]example"],
                "tlp": "GREEN",
            })
            .to_string(),
        )
        .await,
        StatusCode::CREATED,
    );
    let second = sent["report"]["id"].as_str().unwrap().to_string();
    assert_eq!(sent["report"]["status"], "pending");
    assert_eq!(sent["report"]["channel"], "form");
    assert_eq!(sent["report"]["objects"].as_array().unwrap().len(), 4);
    // Pending first in the queue, though it is the newer.
    let queue = ok(
        &t.api_get(&pm_token, "/api/v1/reports").await,
        StatusCode::OK,
    );
    assert_eq!(queue["reports"][0]["id"], second.as_str());
    assert_eq!(queue["reports"][1]["id"], id.as_str());
    // A rejection needs its reason.
    let before = (stored(&t).await, audit_total(&t).await);
    let (fields, _) = refusal(
        &t.api_send(
            "POST",
            &pm_token,
            &format!("/api/v1/reports/{second}/reject"),
            r#"{"reason":"  "}"#,
        )
        .await,
    );
    assert_eq!(fields, ["reason"]);
    let r = pm
        .post_form(&format!("/reports/{second}/reject"), &[("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"reason-error\""));
    assert_eq!((stored(&t).await, audit_total(&t).await), before);
    let rejected = ok(
        &t.api_send(
            "POST",
            &pm_token,
            &format!("/api/v1/reports/{second}/reject"),
            r#"{"reason":"This is the state's own vulnerability scanner; nothing to share."}"#,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(rejected["report"]["status"], "rejected");
    assert!(
        indicator(&t, "program_manager", "203.0.113.45")
            .await
            .is_none(),
        "a rejected report is not intake"
    );
    let mine = ok(
        &t.api_get(&it, "/api/v1/reports?status=rejected").await,
        StatusCode::OK,
    );
    assert_eq!(
        mine["reports"][0]["decision_note"],
        "This is the state's own vulnerability scanner; nothing to share."
    );
    let mail = outbox(&t).await;
    let told = mail
        .iter()
        .find(|m| m.to_addr == t.people["ea_it"].email && m.kind == "report_decision")
        .unwrap();
    assert!(
        !told.body_text.contains("scanner"),
        "the reason stays behind sign-in"
    );

    // A For Official Use Only report: a Program Manager without a need-to-know approval
    // cannot validate what they may not read; nothing changes.
    let fouo = ok(
        &t.api_send(
            "POST",
            &it,
            "/api/v1/reports",
            &serde_json::json!({
                "kind": "account_misuse", "seen_on": day, "fouo": true,
                "description": "The election system's admin account signed in from abroad.",
            })
            .to_string(),
        )
        .await,
        StatusCode::CREATED,
    );
    let fouo_id = fouo["report"]["id"].as_str().unwrap().to_string();
    assert_eq!(fouo["report"]["marking"], "TLP:AMBER FOUO");
    let before = (stored(&t).await, audit_total(&t).await);
    let r = t
        .api_send(
            "POST",
            &pm_token,
            &format!("/api/v1/reports/{fouo_id}/validate"),
            "{}",
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("markings do not let you see"));
    assert_eq!((stored(&t).await, audit_total(&t).await), before);
    let withheld = ok(
        &t.api_get(&pm_token, &format!("/api/v1/reports/{fouo_id}"))
            .await,
        StatusCode::OK,
    );
    // The incident and the report are FOUO; the FOUO marking definition itself is not.
    assert_eq!(withheld["report"]["withheld"], 2);
    assert!(!withheld.to_string().contains("from abroad"));

    t.cleanup().await;
}

#[tokio::test]
async fn a_clerk_reports_and_the_program_manager_validates_or_rejects() {
    for db in databases() {
        story(db).await;
    }
}

/// Two reviewers deciding at once: one decision stands, the other is told it came second.
#[tokio::test]
async fn two_decisions_at_once_leave_one() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let it = t.token("ea_it").await;
        let sent = ok(
            &t.api_send(
                "POST",
                &it,
                "/api/v1/reports",
                &serde_json::json!({
                    "kind": "malware", "seen_on": recent_day(),
                    "description": "Antivirus quarantined an attachment.",
                    "indicators": "44d88612fea8a8f36de82e1278abb02f",
                })
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        );
        let id = sent["report"]["id"].as_str().unwrap().to_string();
        let pm = t.token("program_manager").await;
        let board = t.token("board_admin").await;
        let path_v = format!("/api/v1/reports/{id}/validate");
        let path_r = format!("/api/v1/reports/{id}/reject");
        let (a, b) = tokio::join!(
            t.api_send("POST", &pm, &path_v, "{}"),
            t.api_send("POST", &board, &path_r, r#"{"reason":"duplicate"}"#),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{} | {}",
            a.body,
            b.body
        );
        let (_, _, sightings, _) = stored(&t).await;
        let validated = a.status == StatusCode::OK;
        assert_eq!(
            sightings,
            i64::from(validated),
            "sightings only when validation won"
        );
        t.cleanup().await;
    }
}
