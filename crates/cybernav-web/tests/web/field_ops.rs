//! Field operations through the API and the pages, on SQLite and PostgreSQL (Part 213.40):
//! documents on file and their reviews (213.40(a)(2)), field visits and follow-ups, who sees
//! navigator-internal notes, the navigators' workload, and the balance of need-weighted
//! workload across navigator pairs with its suggested assignment applied.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{Reply, TestApp, audit_total, databases, ok};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

/// The fields a 422 names.
fn refused_fields(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_string())
        .collect()
}

fn days_from_today(days: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(days)).to_string()
}

#[tokio::test]
async fn documents_are_reviewed_and_fall_due_again() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let nav = t.token("navigator").await;
        let other_nav = t.token("navigator_other").await;
        let clerk = t.token("ea_official").await;
        let partner = t.token("partner").await;
        let adams = t.authorities["adams"];
        let docs = format!("/api/v1/election-authorities/{adams}/documents");

        // Bad input names every field and stores nothing.
        let before = audit_total(&t).await;
        let bad = t
            .api_send(
                "POST",
                &nav,
                &docs,
                &json!({"kind": "blueprint", "title": " ", "document_date": "last year"})
                    .to_string(),
            )
            .await;
        assert_eq!(refused_fields(&bad), ["kind", "title", "document_date"]);
        assert_eq!(audit_total(&t).await, before, "nothing stored");

        let body = json!({"kind": "network_diagram", "title": "Clerk's office network",
                          "version": "3", "document_date": "2025-05-01"})
        .to_string();
        assert_eq!(
            t.api_send("POST", &clerk, &docs, &body).await.status,
            StatusCode::FORBIDDEN,
            "the county reads its documents; the navigators record them"
        );
        assert_eq!(
            t.api_send("POST", &other_nav, &docs, &body).await.status,
            StatusCode::NOT_FOUND
        );
        let d = ok(
            &t.api_send("POST", &nav, &docs, &body).await,
            StatusCode::CREATED,
        )["document"]
            .clone();
        assert_eq!(d["review_due"], true, "never reviewed: due now");
        assert_eq!(d["review_due_on"], Value::Null);
        let id = d["id"].as_str().unwrap().to_string();
        let reviews = format!("{docs}/{id}/reviews");

        // What was wrong is required unless the document is accurate.
        let r = t
            .api_send(
                "POST",
                &nav,
                &reviews,
                &json!({"outcome": "needs_changes"}).to_string(),
            )
            .await;
        assert_eq!(refused_fields(&r), ["problems"]);
        let r = t
            .api_send(
                "POST",
                &nav,
                &reviews,
                &json!({"outcome": "accurate", "reviewed_on": days_from_today(3)}).to_string(),
            )
            .await;
        assert_eq!(refused_fields(&r), ["reviewed_on"], "not in the future");

        // A review 13 months ago leaves it due; today's review does not.
        let long_ago = days_from_today(-400);
        let d = ok(
            &t.api_send(
                "POST",
                &nav,
                &reviews,
                &json!({"outcome": "outdated", "reviewed_on": long_ago,
                        "problems": "Shows the old firewall"})
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        )["document"]
            .clone();
        assert_eq!(d["review_due"], true);
        let d = ok(
            &t.api_send(
                "POST",
                &nav,
                &reviews,
                &json!({"outcome": "needs_changes",
                        "problems": "The e-poll book VLAN is missing"})
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        )["document"]
            .clone();
        assert_eq!(d["review_due"], false);
        let today = OffsetDateTime::now_utc().date();
        let due = today.replace_year(today.year() + 1).unwrap().to_string();
        assert_eq!(d["review_due_on"], due.as_str());
        let reviews_seen = d["reviews"].as_array().unwrap();
        assert_eq!(reviews_seen.len(), 2, "history kept");
        assert_eq!(reviews_seen[0]["outcome"], "needs_changes", "newest first");
        assert_eq!(reviews_seen[1]["problems"], "Shows the old firewall");

        // The county sees its documents; partners nothing.
        let list = ok(&t.api_get(&clerk, &docs).await, StatusCode::OK);
        assert_eq!(list["documents"][0]["title"], "Clerk's office network");
        assert_eq!(
            t.api_get(&partner, &docs).await.status,
            StatusCode::FORBIDDEN
        );

        // A file through the page, checked as every evidence file; the audit holds its
        // fingerprint, never its content.
        let mut c = t.signed_in("navigator").await;
        let csrf = c.csrf().await;
        let page = c
            .get(&format!("/election-authorities/{adams}/documents"))
            .await;
        assert!(
            page.body.contains("Clerk&#39;s office network"),
            "{}",
            page.body
        );
        assert!(page.body.contains("The e-poll book VLAN is missing"));
        let upload = |name: &str, content: &str| {
            let boundary = "field-boundary";
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
            )
        };
        let send = |body: String| {
            let cookies = c
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            axum::http::Request::post(format!(
                "/election-authorities/{adams}/documents/{id}/file?csrf={csrf}"
            ))
            .header(axum::http::header::COOKIE, cookies)
            .header(
                axum::http::header::CONTENT_TYPE,
                "multipart/form-data; boundary=field-boundary",
            )
            .body(axum::body::Body::from(body))
            .unwrap()
        };
        let before = audit_total(&t).await;
        let refused = t.request(send(upload("diagram.pdf", "MZ not a pdf"))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("does not contain what a .pdf file contains")
        );
        assert_eq!(audit_total(&t).await, before, "nothing stored");
        let done = t
            .request(send(upload("diagram.pdf", "%PDF-1.4 secret topology")))
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let list = ok(&t.api_get(&clerk, &docs).await, StatusCode::OK);
        let file = &list["documents"][0]["file"];
        assert_eq!(file["file_name"], "diagram.pdf");
        assert_eq!(file["sha256"].as_str().unwrap().len(), 64);
        let mut tx = t.app.store.read().await.unwrap();
        let (records, _) = tx
            .list_audit(&cybernav_app::store::audit::AuditQuery {
                entity_type: Some("field_document".into()),
                page: 1,
                per_page: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        drop(tx);
        let text = serde_json::to_string(
            &records
                .iter()
                .map(|r| r.event.changes.clone())
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(text.contains("diagram.pdf") && text.contains(file["sha256"].as_str().unwrap()));
        assert!(!text.contains("secret topology"), "contents never audited");
        assert!(
            !text.contains("VLAN is missing"),
            "what was wrong is not copied"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn visits_follow_ups_and_my_work() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let nav = t.token("navigator").await;
        let other_nav = t.token("navigator_other").await;
        let clerk = t.token("ea_official").await;
        let auditor = t.token("auditor").await;
        let pm = t.token("program_manager").await;
        let adams = t.authorities["adams"];
        let visits = format!("/api/v1/election-authorities/{adams}/visits");
        let nav_id = t.people["navigator"].id;
        let other_id = t.people["navigator_other"].id;
        let chicago = t.authorities["chicago"];
        let raise = |ea: uuid::Uuid, title: &'static str| {
            let t = &t;
            let pm = &pm;
            async move {
                let r = t
                    .api_send(
                        "POST",
                        pm,
                        &format!("/api/v1/election-authorities/{ea}/findings"),
                        &json!({"source": "navigator_assessment", "severity": "medium",
                                "title": title, "description": "Seen on the visit.",
                                "owner": "election_office"})
                        .to_string(),
                    )
                    .await;
                ok(&r, StatusCode::CREATED)["finding"]["id"]
                    .as_str()
                    .unwrap()
                    .parse::<uuid::Uuid>()
                    .unwrap()
            }
        };
        let finding = raise(adams, "Backups kept on the same server").await;
        let elsewhere = raise(chicago, "Chicago's own finding").await;

        let before = audit_total(&t).await;
        let r = t
            .api_send(
                "POST",
                &pm,
                &visits,
                &json!({"visited_on": days_from_today(2), "purpose": "party",
                        "navigators": [other_id]})
                .to_string(),
            )
            .await;
        assert_eq!(
            refused_fields(&r),
            ["visited_on", "purpose", "navigators"],
            "future date, unknown purpose, a navigator not assigned to Adams"
        );
        assert!(
            r.body
                .contains("is not a navigator assigned to Adams County Clerk")
        );
        assert_eq!(audit_total(&t).await, before);
        // Another authority's finding, or one that does not exist, is never linked to a visit
        // (the visit page shows the linked findings' titles to the county).
        let r = t
            .api_send(
                "POST",
                &nav,
                &visits,
                &json!({"visited_on": days_from_today(-10), "purpose": "assessment",
                        "findings": [elsewhere, uuid::Uuid::new_v4()]})
                .to_string(),
            )
            .await;
        assert_eq!(
            refused_fields(&r),
            ["findings", "findings"],
            "each one named"
        );
        assert!(r.body.contains(&format!(
            "{elsewhere} is not a finding of Adams County Clerk"
        )));
        assert!(!r.body.contains("Chicago's own finding"));
        assert_eq!(audit_total(&t).await, before);
        assert_eq!(
            t.api_send(
                "POST",
                &other_nav,
                &visits,
                &json!({"visited_on": "2026-01-05", "purpose": "training"}).to_string()
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        // The navigator records a visit alone (naming nobody means themself).
        let v = ok(
            &t.api_send(
                "POST",
                &nav,
                &visits,
                &json!({"visited_on": days_from_today(-10), "purpose": "assessment",
                        "attendees": "Pat Clerk (county clerk), Lee IT (county IT)",
                        "notes": "Walked through the CIS safeguards",
                        "internal_notes": "Clerk unsure about backups; raise gently",
                        "findings": [finding]})
                .to_string(),
            )
            .await,
            StatusCode::CREATED,
        )["visit"]
            .clone();
        assert_eq!(v["navigators"], json!([nav_id]));
        assert_eq!(v["findings"], json!([finding]));
        let visit = v["id"].as_str().unwrap().to_string();
        let follow_ups = format!("{visits}/{visit}/follow-ups");
        let v = ok(
            &t.api_send(
                "POST",
                &nav,
                &follow_ups,
                &json!({"description": "Confirm offline backups", "due_on": days_from_today(-1)})
                    .to_string(),
            )
            .await,
            StatusCode::CREATED,
        );
        let overdue_id = v["visit"]["follow_ups"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        ok(
            &t.api_send(
                "POST",
                &nav,
                &follow_ups,
                &json!({"description": "Patch the e-mail server", "due_on": days_from_today(20)})
                    .to_string(),
            )
            .await,
            StatusCode::CREATED,
        );

        // Who sees the internal notes.
        let seen = ok(&t.api_get(&clerk, &visits).await, StatusCode::OK);
        assert_eq!(seen["visits"][0]["internal_notes"], Value::Null);
        assert_eq!(
            seen["visits"][0]["notes"],
            "Walked through the CIS safeguards"
        );
        let seen = ok(&t.api_get(&auditor, &visits).await, StatusCode::OK);
        assert_eq!(
            seen["visits"][0]["internal_notes"],
            "Clerk unsure about backups; raise gently"
        );
        let mut county = t.signed_in("ea_official").await;
        let page = county
            .get(&format!("/election-authorities/{adams}/visits/{visit}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Walked through the CIS safeguards"));
        assert!(!page.body.contains("raise gently"), "not for the county");
        assert!(page.body.contains(&finding.to_string()));
        assert!(
            !page.body.contains("Mark done"),
            "the county does not tick follow-ups"
        );

        // My work: one overdue, one upcoming, one visit.
        let w = ok(&t.api_get(&nav, "/api/v1/workload").await, StatusCode::OK);
        assert_eq!(w["workloads"].as_array().unwrap().len(), 1, "own only");
        assert_eq!(w["workloads"][0]["overdue_follow_ups"], 1);
        assert_eq!(w["workloads"][0]["upcoming_follow_ups"], 1);
        assert_eq!(w["workloads"][0]["visits_90_days"], 1);
        let mut c = t.signed_in("navigator").await;
        let page = c.get("/my-work").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Confirm offline backups"));
        assert!(page.body.contains("Patch the e-mail server"));

        // Done: no longer overdue.
        let v = ok(
            &t.api_send(
                "PUT",
                &nav,
                &format!("{follow_ups}/{overdue_id}"),
                &json!({"done": true}).to_string(),
            )
            .await,
            StatusCode::OK,
        );
        assert!(
            v["visit"]["follow_ups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["done"] == true)
        );
        let w = ok(&t.api_get(&pm, "/api/v1/workload").await, StatusCode::OK);
        let mine = w["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["navigator"] == json!(nav_id))
            .unwrap()
            .clone();
        assert_eq!(mine["overdue_follow_ups"], 0);
        assert_eq!(
            w["workloads"].as_array().unwrap().len(),
            2,
            "every navigator"
        );
        assert_eq!(
            t.api_get(&clerk, "/api/v1/workload").await.status,
            StatusCode::FORBIDDEN
        );

        // FOUO notes are never copied into the audit log.
        let mut tx = t.app.store.read().await.unwrap();
        let (records, _) = tx
            .list_audit(&cybernav_app::store::audit::AuditQuery {
                entity_type: Some("field_visit".into()),
                page: 1,
                per_page: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        drop(tx);
        let text = serde_json::to_string(
            &records
                .iter()
                .map(|r| r.event.changes.clone())
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(text.contains("field_visit") || !records.is_empty());
        assert!(!text.contains("raise gently") && !text.contains("CIS safeguards"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_suggested_assignment_evens_out_need_within_a_zone() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let auditor = t.token("auditor").await;
        let nav = t.token("navigator").await;
        let nav_id = t.people["navigator"].id;
        let other_id = t.people["navigator_other"].id;
        // Northeast: Chicago moves to the navigator, so the zone has two pairs; then four more
        // authorities all go to the other navigator, with Cook.
        ok(
            &t.api_send(
                "PUT",
                &pm,
                &format!(
                    "/api/v1/election-authorities/{}/navigators",
                    t.authorities["chicago"]
                ),
                &json!({"navigators": [nav_id]}).to_string(),
            )
            .await,
            StatusCode::OK,
        );
        for (i, population) in [(1, 2_000_000), (2, 50_000), (3, 40_000), (4, 900)] {
            let a = ok(
                &t.api_send(
                    "POST",
                    &pm,
                    "/api/v1/election-authorities",
                    &json!({"name": format!("Northeast {i} County Clerk"), "kind": "county_clerk",
                            "county": format!("Northeast {i}"), "fips_code": "17097",
                            "population": population, "zone": "Northeast"})
                    .to_string(),
                )
                .await,
                StatusCode::CREATED,
            );
            let id = a["election_authority"]["id"].as_str().unwrap().to_string();
            ok(
                &t.api_send(
                    "PUT",
                    &pm,
                    &format!("/api/v1/election-authorities/{id}/navigators"),
                    &json!({"navigators": [other_id]}).to_string(),
                )
                .await,
                StatusCode::OK,
            );
        }

        // Need scores show their components.
        let needs = ok(
            &t.api_get(&auditor, "/api/v1/need-scores").await,
            StatusCode::OK,
        );
        let big = needs["need_scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == "Northeast 1 County Clerk")
            .unwrap()
            .clone();
        assert_eq!(big["assessed"], false);
        assert_eq!(big["posture"], 1.0, "not assessed counts as the middle");
        assert_eq!(big["size"], 1.1, "log10(2000) / 3");
        assert_eq!(big["total"], 3.1);
        assert_eq!(
            t.api_get(&nav, "/api/v1/need-scores").await.status,
            StatusCode::FORBIDDEN
        );

        let s = ok(
            &t.api_get(&auditor, "/api/v1/assignment-suggestion").await,
            StatusCode::OK,
        );
        let ne = s["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["name"] == "Northeast")
            .unwrap()
            .clone();
        let (now, suggested) = (
            ne["current_cv"].as_f64().unwrap(),
            ne["suggested_cv"].as_f64().unwrap(),
        );
        assert!(suggested < now, "{ne}");
        assert!(!ne["moves"].as_array().unwrap().is_empty());
        assert!(
            ne["moves"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["from"] == json!([other_id]) && m["to"] == json!([nav_id])),
            "{ne}"
        );

        // The page shows the figures as text, a chart and a table.
        let mut c = t.signed_in("program_manager").await;
        let page = c.get("/workload").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg") && page.body.contains("<table"));
        assert!(page.body.contains(&format!("{now}")), "{}", page.body);
        assert!(page.body.contains("Apply the suggested assignment"));

        // A stale suggestion is refused; the current one applies through the registry.
        let before = audit_total(&t).await;
        let stale = t
            .api_send(
                "POST",
                &pm,
                "/api/v1/assignment-suggestion/apply",
                &json!({"fingerprint": "0000000000000000"}).to_string(),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        assert_eq!(audit_total(&t).await, before);
        assert_eq!(
            t.api_send(
                "POST",
                &auditor,
                "/api/v1/assignment-suggestion/apply",
                &json!({"fingerprint": s["fingerprint"]}).to_string(),
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "auditors read; they do not change assignments"
        );
        let applied = ok(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/assignment-suggestion/apply",
                &json!({"fingerprint": s["fingerprint"]}).to_string(),
            )
            .await,
            StatusCode::OK,
        );
        let moved = applied["moves_applied"].as_u64().unwrap();
        assert_eq!(moved as usize, ne["moves"].as_array().unwrap().len());
        assert_eq!(
            audit_total(&t).await,
            before + moved as i64 + 1,
            "each move, and the application"
        );
        let after = ok(
            &t.api_get(&pm, "/api/v1/assignment-suggestion").await,
            StatusCode::OK,
        );
        let ne_after = after["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["name"] == "Northeast")
            .unwrap()
            .clone();
        assert_eq!(ne_after["current_cv"], ne["suggested_cv"]);
        assert!(
            ne_after["moves"].as_array().unwrap().is_empty(),
            "{ne_after}"
        );
        // The navigator now has the moved authorities in scope.
        let moved_id = ne["moves"][0]["election_authority"].as_str().unwrap();
        assert_eq!(
            t.api_get(
                &nav,
                &format!("/api/v1/election-authorities/{moved_id}/visits")
            )
            .await
            .status,
            StatusCode::OK
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_visit_form_explains_what_is_wrong_and_records_a_visit() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let nav_id = t.people["navigator"].id.to_string();
        let mut c = t.signed_in("navigator").await;
        let form = c
            .get(&format!("/election-authorities/{adams}/visits/new"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body
                .contains("<label class=\"usa-label\" for=\"visited_on\">")
        );
        assert!(
            form.body.contains(&format!("value=\"{nav_id}\" checked")),
            "the navigator is ticked"
        );

        let before = audit_total(&t).await;
        let bad = c
            .post_form(
                &format!("/election-authorities/{adams}/visits/new"),
                &[
                    ("visited_on", "2026-01-05"),
                    ("purpose", "assessment"),
                    ("navigator", &nav_id),
                    ("finding", "not-an-id"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Findings raised"));
        assert!(
            bad.body
                .contains("not-an-id is not a finding of this authority")
        );
        assert_eq!(audit_total(&t).await, before, "nothing stored");

        let good = c
            .post_form(
                &format!("/election-authorities/{adams}/visits/new"),
                &[
                    ("visited_on", "2026-01-05"),
                    ("purpose", "documentation_review"),
                    ("navigator", &nav_id),
                    ("attendees", "Pat Clerk"),
                ],
            )
            .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
        let list = c
            .get(&format!("/election-authorities/{adams}/visits"))
            .await;
        assert!(list.body.contains("Documentation review"));
        assert!(list.body.contains("<th scope=\"row\">"));

        // The authority's page links to its documents and visits.
        let page = c.get(&format!("/election-authorities/{adams}")).await;
        assert!(
            page.body
                .contains(&format!("/election-authorities/{adams}/documents"))
        );
        assert!(
            page.body
                .contains(&format!("/election-authorities/{adams}/visits"))
        );
        assert!(page.body.contains("href=\"/my-work\""), "in the navigation");

        // The Program Manager applies the suggestion from the page (nothing to move here).
        let mut pm = t.signed_in("program_manager").await;
        let page = pm.get("/workload").await;
        let fingerprint = page
            .body
            .split("name=\"fingerprint\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        let applied = pm
            .post_form("/workload/apply", &[("fingerprint", &fingerprint)])
            .await;
        assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
        assert_eq!(applied.location(), "/workload?notice=assignment_applied");
        let stale = pm
            .post_form("/workload/apply", &[("fingerprint", "0000000000000000")])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        t.cleanup().await;
    }
}
