//! The incident-response directory (Part 213.30(a)(9)) through the real router, on SQLite and
//! on PostgreSQL when configured: entries by scope, who sees which, validation naming the
//! field, "needs checking", verification by navigators, edits and removal by the Board and the
//! Program Manager only, the CSV and JSON exports, and the printable incident card.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases, ok, refusal};
use uuid::Uuid;

fn entry(org: &str, kind: &str, scope: &str, scope_id: Option<Uuid>, order: i64) -> String {
    let mut v = serde_json::json!({
        "organisation": org,
        "kind": kind,
        "scope": scope,
        "phone_24x7": "+1 217-555-0100",
        "business_phone": "217-555-0199 ext. 12",
        "email": "Duty.Officer@Example.gov",
        "secure_channel": "HSIN Election Security",
        "call_for": "Any suspected intrusion",
        "escalation_order": order,
    });
    if let Some(id) = scope_id {
        v["scope_id"] = id.to_string().into();
    }
    v.to_string()
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["organisation"].as_str().unwrap().to_string())
        .collect()
}

struct Setup {
    stic: String,
    fbi: String,
    vendor: String,
    police: String,
}

/// A statewide entry (verified today), a Northeast-zone entry, an Adams entry (verified long
/// ago) and a Cook entry, added by the Program Manager.
async fn setup(t: &TestApp) -> Setup {
    let pm = t.token("program_manager").await;
    let northeast = t
        .app
        .zones()
        .await
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Northeast")
        .unwrap()
        .id;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut stic: serde_json::Value = serde_json::from_str(&entry(
        "Statewide Terrorism and Intelligence Center",
        "fusion_center",
        "statewide",
        None,
        1,
    ))
    .unwrap();
    stic["last_verified_on"] = today.into();
    let add = |body: String| {
        let pm = pm.clone();
        async move {
            let v = ok(
                &t.api_send("POST", &pm, "/api/v1/directory", &body).await,
                StatusCode::CREATED,
            );
            v["entry"]["id"].as_str().unwrap().to_string()
        }
    };
    let stic = add(stic.to_string()).await;
    let fbi = add(entry(
        "FBI Chicago",
        "fbi_field_office",
        "zone",
        Some(northeast),
        2,
    ))
    .await;
    let mut vendor: serde_json::Value = serde_json::from_str(&entry(
        "=cmd|' /C calc'!A0 Voting Systems",
        "vendor",
        "authority",
        Some(t.authorities["adams"]),
        3,
    ))
    .unwrap();
    vendor["last_verified_on"] = "2025-01-02".into();
    let vendor = add(vendor.to_string()).await;
    let police = add(entry(
        "Cook County Sheriff",
        "law_enforcement",
        "authority",
        Some(t.authorities["cook"]),
        4,
    ))
    .await;
    Setup {
        stic,
        fbi,
        vendor,
        police,
    }
}

#[tokio::test]
async fn directory_through_the_api() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;

        // Bad input names each field, and nothing is stored.
        let before = audit_total(&t).await;
        let (fields, details) = refusal(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/directory",
                r#"{"organisation":" ","kind":"police","scope":"zone","phone_24x7":"call us","business_phone":"12","email":"nope","escalation_order":0,"last_verified_on":"2999-01-01"}"#,
            )
            .await,
        );
        assert_eq!(
            fields,
            vec![
                "organisation",
                "kind",
                "scope_id",
                "phone_24x7",
                "business_phone",
                "email",
                "escalation_order",
                "last_verified_on"
            ],
            "{details}"
        );
        assert!(details.contains("+1 217-555-0100"), "{details}");
        let (fields, _) = refusal(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/directory",
                &entry("Nobody", "other", "authority", Some(Uuid::new_v4()), 1),
            )
            .await,
        );
        assert_eq!(fields, vec!["scope_id"], "an authority that does not exist");
        let (fields, details) = refusal(
            &t.api_send(
                "POST",
                &pm,
                "/api/v1/directory",
                r#"{"organisation":"No way to reach","kind":"other","scope":"statewide","escalation_order":5}"#,
            )
            .await,
        );
        assert_eq!(fields, vec!["phone_24x7"]);
        assert!(details.contains("at least one way"), "{details}");
        assert_eq!(audit_total(&t).await, before, "nothing stored");

        // Only the Board and the Program Manager add entries.
        for role in ["navigator", "ea_official", "ea_it", "partner", "auditor"] {
            let token = t.token(role).await;
            let r = t
                .api_send(
                    "POST",
                    &token,
                    "/api/v1/directory",
                    &entry("X", "other", "statewide", None, 1),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
        }

        let s = setup(&t).await;

        // Everyone sees what applies to them, in escalation order.
        let all = [
            "Statewide Terrorism and Intelligence Center",
            "FBI Chicago",
            "=cmd|' /C calc'!A0 Voting Systems",
            "Cook County Sheriff",
        ];
        for (role, expected) in [
            ("board_admin", all.to_vec()),
            ("program_manager", all.to_vec()),
            ("auditor", all.to_vec()),
            ("partner", vec![all[0]]),
            ("ea_official", vec![all[0], all[2]]),
            ("ea_it", vec![all[0], all[2]]),
            ("navigator", vec![all[0], all[2]]),
            ("ea_official_other", vec![all[0], all[1], all[3]]),
            ("navigator_other", vec![all[0], all[1], all[3]]),
        ] {
            let token = t.token(role).await;
            let list = ok(
                &t.api_get(&token, "/api/v1/directory").await,
                StatusCode::OK,
            );
            assert_eq!(names(&list), expected, "{role}");
        }

        // Needs checking: never verified, or more than 180 days ago.
        let list = ok(&t.api_get(&pm, "/api/v1/directory").await, StatusCode::OK);
        let flags: Vec<bool> = list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["needs_checking"].as_bool().unwrap())
            .collect();
        assert_eq!(flags, vec![false, true, true, true]);
        assert_eq!(list["entries"][0]["email"], "duty.officer@example.gov");
        assert_eq!(list["entries"][0]["verified_by"], "Test Program Manager");
        assert_eq!(list["entries"][1]["scope_name"], "Northeast zone");
        assert_eq!(list["entries"][2]["scope_name"], "Adams County Clerk");

        // One entry: not found where it does not apply.
        let official = t.token("ea_official").await;
        let cook_entry = format!("/api/v1/directory/{}", s.police);
        assert_eq!(
            t.api_get(&official, &cook_entry).await.status,
            StatusCode::NOT_FOUND
        );
        let partner = t.token("partner").await;
        assert_eq!(
            t.api_get(&partner, &format!("/api/v1/directory/{}", s.fbi))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Navigators verify what they see; county users may not; nobody else edits.
        let navigator = t.token("navigator").await;
        let verify = format!("/api/v1/directory/{}/verification", s.vendor);
        assert_eq!(
            t.api_send("POST", &official, &verify, "").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.api_send(
                "POST",
                &navigator,
                &format!("/api/v1/directory/{}/verification", s.police),
                ""
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "not an entry of the navigator's authorities"
        );
        let verified = ok(
            &t.api_send("POST", &navigator, &verify, "").await,
            StatusCode::OK,
        );
        assert_eq!(verified["entry"]["needs_checking"], false);
        assert_eq!(verified["entry"]["verified_by"], "Test Cyber Navigator");
        assert_eq!(
            verified["entry"]["last_verified_on"],
            time::OffsetDateTime::now_utc().date().to_string()
        );

        let vendor = format!("/api/v1/directory/{}", s.vendor);
        for (role, status) in [
            ("ea_official", StatusCode::FORBIDDEN),
            ("navigator", StatusCode::FORBIDDEN),
            ("ea_official_other", StatusCode::NOT_FOUND),
        ] {
            let token = t.token(role).await;
            assert_eq!(
                t.api_send(
                    "PUT",
                    &token,
                    &vendor,
                    &entry("Changed", "vendor", "statewide", None, 1)
                )
                .await
                .status,
                status,
                "{role} PUT"
            );
            assert_eq!(
                t.api_send("DELETE", &token, &vendor, "").await.status,
                status,
                "{role} DELETE"
            );
        }

        // The Program Manager changes and removes; an unchanged verification date keeps who
        // verified it.
        let mut body: serde_json::Value = serde_json::from_str(&entry(
            "Acme Voting Systems",
            "vendor",
            "authority",
            Some(t.authorities["adams"]),
            5,
        ))
        .unwrap();
        body["last_verified_on"] = verified["entry"]["last_verified_on"].clone();
        let changed = ok(
            &t.api_send("PUT", &pm, &vendor, &body.to_string()).await,
            StatusCode::OK,
        );
        assert_eq!(changed["entry"]["escalation_order"], 5);
        assert_eq!(changed["entry"]["verified_by"], "Test Cyber Navigator");
        let (fields, _) = refusal(
            &t.api_send(
                "PUT",
                &pm,
                &vendor,
                &entry("Acme", "vendor", "statewide", None, 100),
            )
            .await,
        );
        assert_eq!(fields, vec!["escalation_order"]);

        // The CSV export carries what the reader sees, formulas guarded.
        let csv = t.api_get(&official, "/api/v1/directory/export.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .starts_with("id,organisation,kind,scope,scope_name,phone_24x7"),
            "{}",
            csv.body
        );
        assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
        assert!(!csv.body.contains("Sheriff"));
        assert!(csv.body.contains("'+1 217-555-0100"), "{}", csv.body);

        assert_eq!(
            t.api_send("DELETE", &pm, &format!("/api/v1/directory/{}", s.stic), "")
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            t.api_get(&pm, &format!("/api/v1/directory/{}", s.stic))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn incident_card_and_directory_pages() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let s = setup(&t).await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];

        // The card: Adams's entries in escalation order, what to do first, its navigator and
        // the Program Manager, the date printed.
        let mut clerk = t.signed_in("ea_official").await;
        let card = clerk
            .get(&format!("/authorities/{adams}/incident-card"))
            .await;
        assert_eq!(card.status, StatusCode::OK, "{}", card.body);
        let body = &card.body;
        let stic = body
            .find("Statewide Terrorism and Intelligence Center")
            .unwrap();
        let vendor = body
            .find("=cmd|&#39; /C calc&#39;!A0 Voting Systems")
            .unwrap_or_else(|| {
                body.find("=cmd|&#x27; /C calc&#x27;!A0 Voting Systems")
                    .expect("the vendor, escaped")
            });
        assert!(stic < vendor, "escalation order");
        assert!(!body.contains("FBI Chicago") && !body.contains("Sheriff"));
        assert!(body.contains("Do not turn off or wipe the affected computer"));
        assert!(body.contains("Test Cyber Navigator (navigator@test.example)"));
        assert!(body.contains("Test Program Manager (program.manager@test.example)"));
        assert!(body.contains(&format!(
            "Printed on {}",
            time::OffsetDateTime::now_utc().date()
        )));
        assert!(
            body.contains("Needs checking"),
            "the vendor's old verification"
        );
        assert_eq!(
            clerk
                .get(&format!("/authorities/{cook}/incident-card"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut other = t.signed_in("ea_official_other").await;
        let cook_card = other
            .get(&format!("/authorities/{cook}/incident-card"))
            .await;
        assert!(cook_card.body.contains("FBI Chicago") && cook_card.body.contains("Sheriff"));
        let mut partner = t.signed_in("partner").await;
        assert_eq!(
            partner
                .get(&format!("/authorities/{adams}/incident-card"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // The directory page: what applies, flags, and the forms only for those who may.
        let page = clerk.get("/directory").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Needs checking"));
        assert!(!page.body.contains("Mark verified") && !page.body.contains("Add an entry"));
        assert!(!page.body.contains("Sheriff"));
        let page = partner.get("/directory").await;
        assert!(page.body.contains("Statewide Terrorism") && !page.body.contains("Voting Systems"));
        assert_eq!(
            clerk.get("/directory/new").await.status,
            StatusCode::FORBIDDEN
        );

        // The Program Manager adds through the form: bad input comes back with each field.
        let mut pm = t.signed_in("program_manager").await;
        let bad = pm
            .post_form(
                "/directory",
                &[
                    ("organisation", ""),
                    ("kind", "fusion_center"),
                    ("scope", "authority:not-an-id"),
                    ("phone_24x7", "abc"),
                    ("escalation_order", "x"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        for anchor in [
            "#organisation",
            "#scope",
            "#phone_24x7",
            "#escalation_order",
        ] {
            assert!(bad.body.contains(&format!("href=\"{anchor}\"")), "{anchor}");
        }
        let good = pm
            .post_form(
                "/directory",
                &[
                    ("organisation", "MS-ISAC Security Operations Center"),
                    ("kind", "ms_isac"),
                    ("scope", &format!("authority:{adams}")),
                    ("phone_24x7", "+1 866-787-4722"),
                    ("email", "soc@cisecurity.example"),
                    ("escalation_order", "2"),
                ],
            )
            .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
        assert!(
            good.location()
                .starts_with("/directory?notice=directory_added#entry-")
        );
        let edit = pm.get(&format!("/directory/{}/edit", s.vendor)).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert!(
            edit.body
                .contains(&format!("value=\"authority:{adams}\" selected"))
        );

        // A navigator marks verified from the page.
        let mut nav = t.signed_in("navigator").await;
        let page = nav.get("/directory").await;
        assert!(page.body.contains("Mark verified"));
        let r = nav
            .post_form(&format!("/directory/{}/verify", s.vendor), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = nav
            .post_form(&format!("/directory/{}/verify", s.police), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Exports from the page.
        let csv = clerk.get("/directory.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("MS-ISAC Security Operations Center"));
        let json = clerk.get("/directory.json").await;
        let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(v["entries"].as_array().unwrap().len(), 3);
        assert!(!json.body.contains(&s.fbi) && !json.body.contains(&s.police));
        t.cleanup().await;
    }
}
