//! The ledger page's forms (Part 213.10(a), 213.50(a)), on SQLite and PostgreSQL: a share under
//! half the funds is refused with the figures, an award to an authority that is not eligible
//! is refused with the reasons, and the equal-split proposal is applied row by row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, certify, databases, grant_cycle, meet_every_requirement};

/// The error message shown beside the field `id`.
fn error_beside(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}-error\">");
    body.split(&marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no error beside {id}: {body}"))
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn ledger_forms_show_the_half_rule_and_ineligibility() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let cycle = grant_cycle(&t, "2027 HAVA", "100,000.00").await;
        let ledger = format!("/grant-cycles/{cycle}/ledger");
        let mut pm = t.signed_in("program_manager").await;

        // Under half: refused beside the field with the figures; nothing stored.
        let before = audit_total(&t).await;
        let r = pm
            .post_form(
                &format!("{ledger}/share"),
                &[("navigator_share", "49,999.99")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let beside = error_beside(&r.body, "navigator_share");
        assert!(
            beside.contains("$49,999.99")
                && beside.contains("$100,000.00")
                && beside.contains("smallest share allowed is $50,000.00"),
            "{beside}"
        );
        assert_eq!(audit_total(&t).await, before);

        let r = pm
            .post_form(
                &format!("{ledger}/share"),
                &[("navigator_share", "50,000.00")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{ledger}?notice=share_set"));

        // An expenditure beyond the share is refused beside its field; one within it is recorded.
        let spend = |federal: &'static str| {
            [
                ("spent_on", "2026-01-05"),
                ("category", "travel"),
                ("eac_category", ""),
                ("federal", federal),
                ("matching", ""),
                ("description", "Visits"),
            ]
        };
        let r = pm
            .post_form(&format!("{ledger}/expenditures"), &spend("50,000.01"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        error_beside(&r.body, "federal");
        let r = pm
            .post_form(&format!("{ledger}/expenditures"), &spend("1,000.00"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            r.location(),
            format!("{ledger}?notice=expenditure_recorded")
        );

        // Certified but not eligible: the award is refused with the reasons.
        let (adams, cook) = (t.authorities["adams"], t.authorities["cook"]);
        certify(&t, cook, cycle).await;
        let before = audit_total(&t).await;
        let r = pm
            .post_form(
                &format!("{ledger}/awards"),
                &[
                    ("election_authority", &cook.to_string()),
                    ("amount", "10,000.00"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let beside = error_beside(&r.body, "election_authority");
        assert!(
            beside.contains("Cook County Clerk participates but is not eligible")
                && beside.contains("213.50(a)(1)"),
            "{beside}"
        );
        assert!(
            r.body.contains("value=\"10,000.00\""),
            "the form keeps the amount"
        );
        assert_eq!(audit_total(&t).await, before);

        // Eligible: the proposal lists Adams, and its row's form makes the award.
        meet_every_requirement(&t, adams).await;
        certify(&t, adams, cycle).await;
        let r = pm.get(&ledger).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Equal split"), "{}", r.body);
        assert!(
            r.body
                .contains(&format!("name=\"election_authority\" value=\"{adams}\""))
        );
        let r = pm
            .post_form(
                &format!("{ledger}/awards"),
                &[
                    ("election_authority", &adams.to_string()),
                    ("amount", "$50,000.00"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{ledger}?notice=award_made"));

        // A claim is decided from its form: a rejection without a reason is refused beside the
        // reason field.
        let system = cybernav_core::authz::system_actor();
        let claim = t
            .app
            .record_claim(
                &system.manage_grants().unwrap(),
                cycle,
                adams,
                &cybernav_app::grants::ClaimInput {
                    spent_on: "2026-01-05".into(),
                    eac_category: "cyber_security".into(),
                    federal: "1,000.00".into(),
                    description: "Firewall".into(),
                    ..Default::default()
                },
                &cybernav_app::RequestMeta::default(),
            )
            .await
            .unwrap()
            .id;
        let decide = format!("{ledger}/claims/{claim}/decision");
        let r = pm
            .post_form(&decide, &[("status", "rejected"), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains(&format!("href=\"#claim{claim}-")),
            "{}",
            r.body
        );
        let r = pm
            .post_form(&decide, &[("status", "approved"), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            r.location(),
            format!("{ledger}?notice=claim_decided#claims")
        );

        // An auditor reads the ledger without the forms; the cycles list links it.
        let mut auditor = t.signed_in("auditor").await;
        let r = auditor.get(&ledger).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("Make the award"));
        let r = auditor.get("/participation").await;
        assert!(r.body.contains(&format!("href=\"{ledger}\"")));
        let r = auditor.get(&format!("/participation/{cycle}")).await;
        assert!(r.body.contains(&format!("href=\"{ledger}\"")));
        t.cleanup().await;
    }
}
