//! Written verification (Part 213.50(b)) through the pages, on SQLite and PostgreSQL: the
//! navigator assigned signs from the checklist, the letter page shows it, a fact changed
//! afterwards marks the verification out of date on the checklist, the letter and the statewide
//! page, and a clerk of another county is told the letter does not exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{StatusCode, header};
use common::{TestApp, audit_total, databases, grant_cycle, meet_every_requirement};
use cybernav_app::RequestMeta;
use cybernav_app::participation::FactInput;
use cybernav_core::attestation::verify;

const STALE: &str = "Out of date: facts changed after signing";

/// The ids of the letters the page links to, in page order.
fn letter_ids(body: &str) -> Vec<String> {
    body.split("href=\"/attestations/")
        .skip(1)
        .map(|s| s.chars().take(36).collect::<String>())
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        })
}

#[tokio::test]
async fn sign_read_and_see_a_verification_go_out_of_date() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cycle = grant_cycle(&t, "2027 HAVA Election Security", "1,000.00").await;
        let checklist = format!("/election-authorities/{adams}/participation?cycle={cycle}");
        let attest = format!("/election-authorities/{adams}/participation/attest");
        let cycle_s = cycle.to_string();

        // The navigator assigned sees the form; the clerk sees the section but no form.
        let mut nav = t.signed_in("navigator").await;
        let page = nav.get(&checklist).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Written verification"));
        assert!(page.body.contains("value=\"navigator_a3\""));
        assert!(!page.body.contains("value=\"program_manager_a\""));
        let mut clerk = t.signed_in("ea_official").await;
        let page = clerk.get(&checklist).await;
        assert!(page.body.contains("No written verification"));
        assert!(!page.body.contains("participation/attest"));

        // Nothing recorded yet: refused (422) with each unmet requirement and why.
        let before = audit_total(&t).await;
        let r = nav
            .post_form(&attest, &[("cycle", &cycle_s), ("kind", "navigator_a3")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Requirements not met"), "{}", r.body);
        assert!(r.body.contains("213.50(a)(3)"));
        assert!(
            r.body
                .contains("Not yet: risk assessment done by the navigators.")
        );
        assert_eq!(audit_total(&t).await, before);

        // Facts recorded: the navigator signs through the page.
        meet_every_requirement(&t, adams).await;
        let before = audit_total(&t).await;
        let r = nav
            .post_form(&attest, &[("cycle", &cycle_s), ("kind", "navigator_a3")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().contains("notice=attested"));
        assert_eq!(audit_total(&t).await, before + 1);
        let page = nav.get(&r.location()).await;
        assert!(
            page.body
                .contains("verification of 213.50(a)(3) to the Program Manager")
        );
        assert!(page.body.contains("Your written verification was signed."));
        assert!(!page.body.contains(STALE));
        let ids = letter_ids(&page.body);
        assert_eq!(ids.len(), 1, "{ids:?}");
        let nav_letter = format!("/attestations/{}", ids[0]);

        // The letter page, the signed file and the PDF.
        let letter = nav.get(&nav_letter).await;
        assert_eq!(letter.status, StatusCode::OK);
        for text in [
            "Adams County Clerk",
            "The Program Manager, Cyber Navigator Program",
            "cybernav attestation verify FILE",
            "sha256:",
        ] {
            assert!(letter.body.contains(text), "{text}");
        }
        assert!(!letter.body.contains(STALE));
        let file = nav.get(&format!("{nav_letter}/file")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(
            file.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        let signed = verify(file.body.as_bytes(), None).unwrap();
        assert_eq!(signed.document.clause, "213.50(a)(3)");
        let pdf = nav.get(&format!("{nav_letter}/letter.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
        assert!(pdf.body.starts_with("%PDF-"));

        // The Program Manager signs 213.50(a); the statewide page shows it, current.
        let mut pm = t.signed_in("program_manager").await;
        let r = pm
            .post_form(
                &attest,
                &[("cycle", &cycle_s), ("kind", "program_manager_a")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut board = t.signed_in("board_admin").await;
        let statewide = board.get(&format!("/participation/{cycle}")).await;
        assert_eq!(statewide.status, StatusCode::OK);
        assert!(
            statewide
                .body
                .contains("Program Manager&#x27;s verification")
                || statewide.body.contains("Program Manager's verification")
        );
        assert_eq!(letter_ids(&statewide.body).len(), 1);
        assert!(!statewide.body.contains(STALE));

        // A fact under 213.50(a)(2) changes: the Program Manager's verification is out of
        // date everywhere it shows; the navigator's (a)(3) one is not.
        let recorder = t.actor("board_admin").await;
        t.app
            .record_fact(
                &recorder.record_facts_of(adams).unwrap(),
                "data_sharing.established",
                &FactInput {
                    holds: false,
                    on: None,
                    note: None,
                },
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        let page = clerk.get(&checklist).await;
        assert_eq!(page.body.matches(STALE).count(), 1, "{}", page.body);
        let statewide = board.get(&format!("/participation/{cycle}")).await;
        assert!(statewide.body.contains(STALE));
        let pm_letter = format!("/attestations/{}", letter_ids(&statewide.body)[0]);
        assert!(pm.get(&pm_letter).await.body.contains(STALE));
        assert!(!nav.get(&nav_letter).await.body.contains(STALE));

        // A clerk of another county: the letter does not exist for them.
        let mut other = t.signed_in("ea_official_other").await;
        for path in [
            nav_letter.clone(),
            format!("{nav_letter}/file"),
            format!("{nav_letter}/letter.pdf"),
        ] {
            assert_eq!(
                other.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        t.cleanup().await;
    }
}
