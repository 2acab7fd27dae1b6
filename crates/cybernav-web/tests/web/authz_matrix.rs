//! The authorisation matrix: every API operation and every page route (GET and POST), as
//! every role, must be allowed or refused exactly as the table says. A new API operation, or a
//! new page route in `src/pages`, without a row here fails the test, so no route ships without
//! a decision.
//!
//! Page POSTs send a valid form with the CSRF token, so "allowed" means the action was done
//! (the expected redirect or page, and an audit record), and "refused" means the exact refusal
//! (the 403 page, the 404 page where the code hides that a record exists, or 422 where the form
//! refuses a role the person may not give) with no audit record written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Db, Reply, TestApp, audit_total, between, databases};
use cybernav_app::RequestMeta;
use cybernav_app::accounts::SessionStage;
use cybernav_app::people::InvitationInput;
use cybernav_core::authz::system_actor;
use cybernav_core::contact::ContactInput;
use cybernav_core::totp::TotpSecret;

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
        ("GET", "/api/v1/grant-cycles", NOT_PARTNER),
        ("POST", "/api/v1/grant-cycles", MANAGERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/participation",
            NOT_PARTNER,
        ),
        (
            "PUT",
            "/api/v1/election-authorities/{id}/facts/{fact}",
            FACT_RECORDERS,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/certifications",
            CERTIFIERS,
        ),
        ("PUT", "/api/v1/grant-cycles/{id}/allocation", MANAGERS),
        ("PUT", "/api/v1/grant-cycles/{id}/funds", MANAGERS),
        ("GET", "/api/v1/grant-cycles/{id}/ledger", GRANT_READERS),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/ledger/eac-categories",
            GRANT_READERS,
        ),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/ledger/eac-categories.csv",
            GRANT_READERS,
        ),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/expenditures",
            GRANT_READERS,
        ),
        ("POST", "/api/v1/grant-cycles/{id}/expenditures", MANAGERS),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/awards",
            GRANT_READERS_AND_OFFICIAL,
        ),
        (
            "PUT",
            "/api/v1/grant-cycles/{id}/awards/{election_authority_id}",
            MANAGERS,
        ),
        ("GET", "/api/v1/grant-cycles/{id}/award-proposal", MANAGERS),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/claims",
            GRANT_READERS_AND_OFFICIAL,
        ),
        ("POST", "/api/v1/grant-cycles/{id}/claims", CERTIFIERS),
        (
            "POST",
            "/api/v1/grant-cycles/{id}/claims/{claim_id}/decision",
            MANAGERS,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/attestations",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/attestations",
            ATTESTERS,
        ),
        ("GET", "/api/v1/attestations/{id}", NOT_PARTNER),
        ("GET", "/api/v1/attestations/{id}/letter.pdf", NOT_PARTNER),
        ("GET", "/api/v1/attestation-key", ALL),
        (
            "GET",
            "/api/v1/grant-cycles/{id}/statewide",
            &["board_admin", "program_manager", "navigator", "auditor"],
        ),
        ("GET", "/api/v1/grant-cycles/{id}/report-card", ALL),
        ("POST", "/api/v1/grant-cycles/{id}/report-card", MANAGERS),
        ("POST", "/api/v1/requirement-sets", MANAGERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/icn-circuits",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/icn-circuits",
            ICN_MANAGERS,
        ),
        (
            "PATCH",
            "/api/v1/election-authorities/{id}/icn-circuits/{circuit}",
            ICN_MANAGERS,
        ),
        (
            "PUT",
            "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/protections/{protection}",
            ICN_MANAGERS,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/allowlist",
            ICN_MANAGERS,
        ),
        (
            "DELETE",
            "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/allowlist/{entry}",
            ICN_MANAGERS,
        ),
        ("GET", "/api/v1/icn/settings", NOT_PARTNER),
        ("PUT", "/api/v1/icn/settings", MANAGERS),
        ("GET", "/api/v1/icn/allowlist", ALLOWLIST_READERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/documents",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/documents",
            FIELD_RECORDERS,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/documents/{document}/reviews",
            FIELD_RECORDERS,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/visits",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/visits",
            FIELD_RECORDERS,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups",
            FIELD_RECORDERS,
        ),
        (
            "PUT",
            "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}",
            FIELD_RECORDERS,
        ),
        ("GET", "/api/v1/workload", WORKLOAD_VIEWERS),
        ("GET", "/api/v1/need-scores", WORKLOAD_READERS),
        ("GET", "/api/v1/assignment-suggestion", WORKLOAD_READERS),
        ("POST", "/api/v1/assignment-suggestion/apply", MANAGERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/findings",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/findings",
            FINDING_MANAGERS,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/findings.csv",
            NOT_PARTNER,
        ),
        (
            "POST",
            "/api/v1/election-authorities/{id}/cyhy-imports",
            FINDING_MANAGERS,
        ),
        ("GET", "/api/v1/findings/{id}", NOT_PARTNER),
        ("PATCH", "/api/v1/findings/{id}", FINDING_MANAGERS),
        ("POST", "/api/v1/findings/{id}/transitions", FINDING_WORKERS),
        ("POST", "/api/v1/findings/{id}/comments", FINDING_WORKERS),
        ("POST", "/api/v1/findings/{id}/evidence", FINDING_WORKERS),
        ("PUT", "/api/v1/kev-catalog", MANAGERS),
        (
            "GET",
            "/api/v1/findings-overview",
            FINDINGS_OVERVIEW_READERS,
        ),
        ("GET", "/api/v1/catalogs", NOT_PARTNER),
        ("POST", "/api/v1/catalogs", MANAGERS),
        (
            "GET",
            "/api/v1/catalogs/{id}/versions/{version}",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/catalogs/{id}/versions/{version}/mappings",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/catalogs/{id}/statewide-scores",
            &["board_admin", "program_manager", "auditor"],
        ),
        ("POST", "/api/v1/assessments", MANAGERS),
        ("GET", "/api/v1/assessments/{id}", NOT_PARTNER),
        ("PUT", "/api/v1/assessments/{id}/answers", ANSWERERS),
        ("POST", "/api/v1/assessments/{id}/transitions", ANSWERERS),
        ("GET", "/api/v1/assessments/{id}/answers.csv", NOT_PARTNER),
        ("PUT", "/api/v1/assessments/{id}/scope", MANAGERS),
        (
            "POST",
            "/api/v1/assessments/{id}/findings",
            FINDING_MANAGERS,
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/items/{item}/evidence",
            ANSWERERS,
        ),
        (
            "GET",
            "/api/v1/assessments/{id}/items/{item}/evidence",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/assessments/{id}/items/{item}/evidence/{evidence}",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/assessments/{id}/oscal/assessment-results",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/oscal/poam",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/assessments",
            NOT_PARTNER,
        ),
        (
            "GET",
            "/api/v1/election-authorities/{id}/scores",
            NOT_PARTNER,
        ),
        ("POST", "/api/v1/intake/stix", MANAGERS),
        ("POST", "/api/v1/intake/indicators", MANAGERS),
        ("GET", "/api/v1/intake/runs", INTAKE_HISTORY),
        ("GET", "/api/v1/digest/runs", DIGEST_HISTORY),
        ("GET", "/api/v1/digest/people/{id}/receipts", DIGEST_HISTORY),
        ("GET", "/api/v1/me/digest", ALL),
        ("PUT", "/api/v1/me/digest", ALL),
        ("GET", "/api/v1/indicators", ALL),
        ("GET", "/api/v1/need-to-know/applications", NTK_READERS),
        ("POST", "/api/v1/need-to-know/applications", ALL),
        ("GET", "/api/v1/need-to-know/mine", ALL),
        ("GET", "/api/v1/need-to-know/export.csv", NTK_READERS),
        (
            "POST",
            "/api/v1/need-to-know/applications/{id}/decision",
            MANAGERS,
        ),
        (
            "POST",
            "/api/v1/need-to-know/applications/{id}/acceptance",
            ALL,
        ),
        (
            "POST",
            "/api/v1/need-to-know/applications/{id}/renewal",
            MANAGERS,
        ),
        (
            "POST",
            "/api/v1/need-to-know/applications/{id}/revocation",
            MANAGERS,
        ),
        // The incident-response directory (213.30(a)(9)): everyone reads what applies to
        // them (the row's entry is statewide); the Board and the Program Manager edit;
        // navigators also verify.
        ("GET", "/api/v1/directory", ALL),
        ("POST", "/api/v1/directory", MANAGERS),
        ("GET", "/api/v1/directory/export.csv", ALL),
        ("GET", "/api/v1/directory/{id}", ALL),
        ("PUT", "/api/v1/directory/{id}", MANAGERS),
        ("DELETE", "/api/v1/directory/{id}", MANAGERS),
        (
            "POST",
            "/api/v1/directory/{id}/verification",
            DIRECTORY_VERIFIERS,
        ),
        // Outreach (213.30(a)(3), (10)): partners see none; the Board, the Program Manager
        // and Adams's navigator log Adams's contacts and attendance.
        ("GET", "/api/v1/outreach/contacts", NOT_PARTNER),
        ("POST", "/api/v1/outreach/contacts", OUTREACH_RECORDERS),
        ("GET", "/api/v1/outreach/last-contact", NOT_PARTNER),
        ("GET", "/api/v1/events", NOT_PARTNER),
        ("POST", "/api/v1/events", OUTREACH_RECORDERS),
        ("GET", "/api/v1/events/{id}", NOT_PARTNER),
        ("POST", "/api/v1/events/{id}/attendance", OUTREACH_RECORDERS),
        // Intelligence products (213.30(a)(4), (6), (7)): {id} is the navigator's TLP:AMBER
        // draft for changes and a published TLP:AMBER note for reading (the Board and the
        // authorities, its clients; not partners).
        ("GET", "/api/v1/products", ALL),
        ("POST", "/api/v1/products", PRODUCT_WRITERS),
        ("GET", "/api/v1/products/{id}", NOT_PARTNER),
        ("PATCH", "/api/v1/products/{id}", PRODUCT_WRITERS),
        ("POST", "/api/v1/products/{id}/transitions", PRODUCT_WRITERS),
        (
            "GET",
            "/api/v1/election-authorities/{id}/information-needs",
            NOT_PARTNER,
        ),
        (
            "PUT",
            "/api/v1/election-authorities/{id}/information-needs",
            NEEDS_EDITORS,
        ),
        // Two-way sharing (213.50(a)(2)(B)): {id} is a pending report of Adams's official.
        ("GET", "/api/v1/reports", REPORT_READERS),
        ("POST", "/api/v1/reports", REPORTERS),
        ("GET", "/api/v1/reports/{id}", REPORT_READERS),
        ("POST", "/api/v1/reports/{id}/validate", MANAGERS),
        ("POST", "/api/v1/reports/{id}/reject", MANAGERS),
    ]
}

/// Board staff and an authority's people read reports (the latter their own office's).
const REPORT_READERS: &[&str] = &[
    "board_admin",
    "program_manager",
    "navigator",
    "ea_official",
    "ea_it",
];
/// The people of an election authority report for it.
const REPORTERS: &[&str] = &["ea_official", "ea_it"];
/// Board staff read every authority's reports.
const BOARD_STAFF_READERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// County people of Adams: a report of Cook's does not exist for them.
const ADAMS_PEOPLE: &[&str] = &["ea_official", "ea_it"];

/// A pending report sent with the form by the official of `case` ("adams", or "cook" for the
/// other county's official).
async fn matrix_report(t: &TestApp, case: &str, n: usize) -> uuid::Uuid {
    let who = if case.contains("cook") {
        "ea_official_other"
    } else {
        "ea_official"
    };
    let actor = t.actor(who).await;
    let input = cybernav_app::sharing::reports::FormReportInput {
        kind: "other".into(),
        seen_on: (time::OffsetDateTime::now_utc() - time::Duration::days(2))
            .date()
            .to_string(),
        description: format!("Matrix report {n}"),
        indicators: format!("198.51.100.{}", n % 250 + 1),
        ..Default::default()
    };
    t.app
        .submit_form_report(
            &actor.submit_report().unwrap(),
            &input,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .report_id
}

/// The Board, the Program Manager and navigators mark directory entries verified.
const DIRECTORY_VERIFIERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// The Board, the Program Manager and Adams's navigator log Adams's outreach and create events.
const OUTREACH_RECORDERS: &[&str] = &["board_admin", "program_manager", "navigator"];

/// A statewide directory entry, added by the system.
async fn new_directory_entry(t: &TestApp, n: usize) -> uuid::Uuid {
    let system = system_actor();
    let input = cybernav_core::directory::EntryInput {
        organisation: format!("Matrix fusion center {n}"),
        kind: "fusion_center".into(),
        scope: "statewide".into(),
        phone_24x7: Some("+1 217-555-0100".into()),
        escalation_order: Some("1".into()),
        ..Default::default()
    };
    t.app
        .create_directory_entry(
            &system.edit_directory().unwrap(),
            &input,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// An event, created by the system.
async fn new_event(t: &TestApp, n: usize) -> uuid::Uuid {
    let system = system_actor();
    let input = cybernav_core::outreach::EventInput {
        held_on: "2026-01-05".into(),
        kind: "webinar".into(),
        title: format!("Matrix webinar {n}"),
        audience: None,
    };
    t.app
        .create_event(
            &system.manage_events().unwrap(),
            &input,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// A TAXII feed to an address where nothing listens, for the intake page's rows.
async fn new_feed(t: &TestApp, n: usize) -> uuid::Uuid {
    use cybernav_app::sharing::intake::SourceSpec;
    use cybernav_app::sharing::taxii_feeds::{FeedAuth, FeedSpec};
    use cybernav_core::sharing::marking::{Marking, Tlp};
    let system = system_actor();
    let spec = FeedSpec {
        source: SourceSpec {
            name: "Matrix TAXII".into(),
            kind: "taxii".into(),
            default_marking: Marking::tlp(Tlp::Amber),
        },
        api_root: "http://127.0.0.1:9/taxii2/api1/".into(),
        collection_id: format!("matrix-{n}"),
        auth: FeedAuth::None,
        poll_minutes: 60,
        page_size: 100,
        added_after: None,
    };
    t.app
        .add_taxii_feed(
            &system.import_intel().unwrap(),
            &spec,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .id
}

/// Who read the digest runs and each person's receipts: the Board, the Program Manager and
/// auditors.
const DIGEST_HISTORY: &[&str] = &["board_admin", "program_manager", "auditor"];

/// The intake history is read by the Board staff who manage intake and by auditors.
const INTAKE_HISTORY: &[&str] = &["board_admin", "program_manager", "navigator", "auditor"];

/// Who writes products: the Board, the Program Manager and navigators.
const PRODUCT_WRITERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// Who sets Adams's information needs: its official, its navigator and the managers.
const NEEDS_EDITORS: &[&str] = &["board_admin", "program_manager", "navigator", "ea_official"];
/// Roles for whom the navigator's draft does not exist.
const DRAFT_HIDDEN: &[&str] = &["ea_official", "ea_it", "partner"];

/// An AMBER product written by the navigator; approved and published by the system when
/// `published`.
async fn matrix_product(t: &TestApp, published: bool) -> uuid::Uuid {
    use cybernav_core::sharing::product::Action;
    let meta = RequestMeta::default();
    let nav = t.actor("navigator").await;
    let input = cybernav_app::sharing::products::ProductInput {
        kind: "note".into(),
        title: "Matrix note".into(),
        summary: "Matrix summary".into(),
        // TLP:AMBER: the Board and its clients, the authorities; never a partner, vetted or not
        // (earlier rows may have given the partner a need-to-know approval).
        base_marking: "TLP:AMBER".into(),
        body: "Matrix paragraph.\n\n(TLP:CLEAR) Public advice.".into(),
        tags: "matrix".into(),
        ..Default::default()
    };
    let id = t
        .app
        .create_product(&nav.write_products().unwrap(), &input, &meta)
        .await
        .unwrap();
    if published {
        let system = system_actor();
        for (who, action) in [
            (&nav, Action::Submit),
            (&system, Action::Approve),
            (&system, Action::Publish),
        ] {
            t.app
                .product_transition(who, id, action, None, &meta)
                .await
                .unwrap();
        }
    }
    id
}

/// A published TLP:RED note the navigator wrote for the Adams clerk and the Program Manager
/// (who approves it: only someone named may).
async fn matrix_red_product(t: &TestApp) -> uuid::Uuid {
    use cybernav_core::sharing::product::Action;
    let meta = RequestMeta::default();
    let nav = t.actor("navigator").await;
    let pm = t.actor("program_manager").await;
    let input = cybernav_app::sharing::products::ProductInput {
        kind: "note".into(),
        title: "Matrix red note".into(),
        summary: "Matrix summary".into(),
        base_marking: "TLP:RED".into(),
        body: "For the two of you.".into(),
        recipients: vec![
            t.people["ea_official"].email.clone(),
            t.people["program_manager"].email.clone(),
        ],
        ..Default::default()
    };
    let id = t
        .app
        .create_product(&nav.write_products().unwrap(), &input, &meta)
        .await
        .unwrap();
    for (who, action) in [
        (&nav, Action::Submit),
        (&pm, Action::Approve),
        (&pm, Action::Publish),
    ] {
        t.app
            .product_transition(who, id, action, None, &meta)
            .await
            .unwrap();
    }
    id
}

/// The need-to-know roster is read by the Board, the Program Manager and auditors.
const NTK_READERS: &[&str] = &["board_admin", "program_manager", "auditor"];
/// Roles for whom someone else's need-to-know entry does not exist.
const NTK_HIDDEN: &[&str] = &["navigator", "ea_official", "ea_it", "partner"];

/// A need-to-know application of the person `key` in `state` (`pending`, `approved` or
/// `active`), made through the use cases after closing any open one they had; with `none`,
/// only the closing.
async fn ntk_application(t: &TestApp, key: &str, state: &str) -> uuid::Uuid {
    use cybernav_core::need_to_know::Decision;
    let system = system_actor();
    let meta = RequestMeta::default();
    let person = t.actor(key).await;
    let decider = system.decide_need_to_know(person.user_id).unwrap();
    let open = {
        let mut tx = t.app.store.read().await.unwrap();
        tx.open_ntk_of(person.user_id).await.unwrap()
    };
    if let Some(row) = open {
        if row.state == "pending" {
            t.app
                .decide_need_to_know(&decider, row.id, Decision::Deny, None, &meta)
                .await
                .unwrap();
        } else {
            t.app
                .revoke_need_to_know(&decider, row.id, "Matrix", &meta)
                .await
                .unwrap();
        }
    }
    if state == "none" {
        return uuid::Uuid::nil();
    }
    let input = cybernav_app::need_to_know::ApplyInput {
        organisation: "Matrix County".into(),
        title: "Clerk".into(),
        justification: "Matrix".into(),
        sponsor_name: "Pat Matrix".into(),
        sponsor_email: "pat@matrix.example".into(),
    };
    let id = t
        .app
        .apply_need_to_know(&person.apply_need_to_know(), &input, &meta)
        .await
        .unwrap();
    if state != "pending" {
        t.app
            .decide_need_to_know(&decider, id, Decision::Approve, None, &meta)
            .await
            .unwrap();
    }
    if state == "active" {
        t.app
            .accept_need_to_know_agreement(
                &person,
                id,
                cybernav_core::need_to_know::AGREEMENT_VERSION,
                &meta,
            )
            .await
            .unwrap();
    }
    id
}

/// The Board, the Program Manager and Adams's navigator (assigned to the assessment) answer
/// Adams's assessments; county users do not see a draft, auditors read only.
const ANSWERERS: &[&str] = &["board_admin", "program_manager", "navigator"];

/// A synthetic catalog named `id`.
fn matrix_catalog(id: &str) -> cybernav_core::catalog::Catalog {
    let mut c = cybernav_core::scoring::synthetic_catalog(3);
    c.id = id.into();
    c
}

/// An assessment of Adams against a catalog of its own, assigned to Adams's navigator; when
/// `complete`, answered (every item 4 of 5, 75 %) and marked complete (so county users may
/// read it).
async fn new_assessment(t: &TestApp, cycle: uuid::Uuid, n: usize, complete: bool) -> uuid::Uuid {
    scored_assessment(t, cycle, n, complete, 4).await
}

/// Like [`new_assessment`], every item answered `score` of 5 when `complete`.
async fn scored_assessment(
    t: &TestApp,
    cycle: uuid::Uuid,
    n: usize,
    complete: bool,
    score: u8,
) -> uuid::Uuid {
    let catalog = matrix_catalog(&format!("matrix-a{n}-{}", uuid::Uuid::new_v4().simple()));
    let mut setup = common::AssessmentSetup::simple(t, catalog, cycle, score);
    if !complete {
        setup.answers.clear();
        setup.stage = common::Stage::Answered;
    }
    common::assessment(t, setup).await
}

/// A complete assessment of Adams, validated by the Program Manager (OSCAL results report
/// validated answers only).
async fn validated_assessment(t: &TestApp, cycle: uuid::Uuid, n: usize) -> uuid::Uuid {
    let catalog = matrix_catalog(&format!("matrix-v{n}-{}", uuid::Uuid::new_v4().simple()));
    let mut setup = common::AssessmentSetup::simple(t, catalog, cycle, 4);
    setup.stage = common::Stage::Validated;
    common::assessment(t, setup).await
}

/// An evidence file of item 1.1 of assessment `id`, filed by the system.
async fn new_item_evidence(t: &TestApp, id: uuid::Uuid) -> uuid::Uuid {
    let system = system_actor();
    t.app
        .upload_assessment_evidence(
            &system
                .answer_assessments_of(t.authorities["adams"])
                .unwrap(),
            id,
            "1.1",
            "policy.pdf",
            b"%PDF-1.4 matrix evidence",
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .id
}

/// The Board, the Program Manager and Adams's navigator manage Adams's findings.
const FINDING_MANAGERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// Managers, and Adams's own official and IT person, comment, file evidence and move a finding
/// to in progress or mitigated.
const FINDING_WORKERS: &[&str] = &[
    "board_admin",
    "program_manager",
    "navigator",
    "ea_official",
    "ea_it",
];
/// The statewide findings overview.
const FINDINGS_OVERVIEW_READERS: &[&str] =
    &["board_admin", "program_manager", "navigator", "auditor"];

/// A finding of `ea`, recorded by the system, for rows that act on one.
async fn new_finding(t: &TestApp, ea: uuid::Uuid) -> uuid::Uuid {
    let system = system_actor();
    let input = cybernav_app::findings::FindingInput {
        source: "penetration_test".into(),
        severity: "high".into(),
        title: "Matrix finding".into(),
        description: "Found in the matrix.".into(),
        owner: "county_it".into(),
        ..Default::default()
    };
    t.app
        .create_finding(
            &system.manage_findings_of(ea).unwrap(),
            &input,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// The Board, the Program Manager and Adams's navigator record Adams's documents, reviews,
/// visits and follow-ups.
const FIELD_RECORDERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// Every navigator's workload and the balance across pairs: the Board, the Program Manager,
/// auditors.
const WORKLOAD_READERS: &[&str] = &["board_admin", "program_manager", "auditor"];
/// The workload API: the readers above, and a navigator for their own.
const WORKLOAD_VIEWERS: &[&str] = &["board_admin", "program_manager", "auditor", "navigator"];

/// A document of `ea`, recorded by the system.
async fn new_document(t: &TestApp, ea: uuid::Uuid, n: usize) -> uuid::Uuid {
    let system = system_actor();
    let input = cybernav_app::field_ops::DocumentInput {
        kind: "network_diagram".into(),
        title: format!("Matrix diagram {n}"),
        ..Default::default()
    };
    t.app
        .add_document(
            &system.record_field_of(ea).unwrap(),
            &input,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// A visit of `ea` by its navigator, recorded by the system, with one follow-up.
async fn new_visit(t: &TestApp, ea: uuid::Uuid, navigator: uuid::Uuid) -> (uuid::Uuid, uuid::Uuid) {
    let system = system_actor();
    let cap = system.record_field_of(ea).unwrap();
    let input = cybernav_app::field_ops::VisitInput {
        visited_on: "2026-01-05".into(),
        purpose: "assessment".into(),
        navigators: vec![navigator],
        ..Default::default()
    };
    let meta = RequestMeta::default();
    let visit = t.app.record_visit(&cap, &input, &meta).await.unwrap();
    let follow_up = t
        .app
        .add_follow_up(
            &cap,
            visit,
            &cybernav_app::field_ops::FollowUpInput {
                description: "Patch the e-mail server".into(),
                due_on: "2026-02-05".into(),
            },
            &meta,
        )
        .await
        .unwrap();
    (visit, follow_up)
}

/// The fingerprint of the suggestion as it stands, for rows that apply it.
async fn current_fingerprint(t: &TestApp) -> String {
    let system = system_actor();
    t.app
        .assignment_plan(&system.read_workload().unwrap())
        .await
        .unwrap()
        .fingerprint
}

/// Grant money is read by the Board, the Program Manager and auditors; navigators, county IT
/// staff and partners see none.
const GRANT_READERS: &[&str] = &["board_admin", "program_manager", "auditor"];
/// Awards and claims lists: grant readers, and a county official (its own only). Claims are
/// submitted by the same people who certify: the official for its own award, the Board and
/// Program Manager for one received on paper.
const GRANT_READERS_AND_OFFICIAL: &[&str] =
    &["board_admin", "program_manager", "auditor", "ea_official"];

/// Adams's navigator verifies (a)(3); the Program Manager verifies (a) (Part 213.50(b)). Each
/// role sends the kind it would give ([`body_for`]), so a refusal is about the role.
const ATTESTERS: &[&str] = &["program_manager", "navigator"];

/// The Board, the Program Manager and Adams's navigator manage Adams's ICN circuits.
const ICN_MANAGERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// The combined allowlist of every authority: the Board, the Program Manager, auditors.
const ALLOWLIST_READERS: &[&str] = &["board_admin", "program_manager", "auditor"];

/// A circuit of `ea`, recorded by the system, for rows that act on one.
async fn new_circuit(t: &TestApp, ea: uuid::Uuid, n: usize) -> uuid::Uuid {
    let system = system_actor();
    let cap = system.manage_icn_of(ea).unwrap();
    let input = cybernav_app::icn::CircuitInput {
        reference: format!("MATRIX-C{n}"),
        status: "planned".into(),
        ..Default::default()
    };
    t.app
        .create_circuit(&cap, &input, &RequestMeta::default())
        .await
        .unwrap()
}

/// A private network no other row uses.
fn matrix_network(n: usize, salt: usize) -> String {
    format!("10.{}.{}.0/24", 100 + salt * 20 + n / 256, n % 256)
}

/// The Board, the Program Manager and Adams's navigator record Adams's facts.
const FACT_RECORDERS: &[&str] = &["board_admin", "program_manager", "navigator"];
/// Adams's own official certifies online; the Board and Program Manager record paper ones.
const CERTIFIERS: &[&str] = &["board_admin", "program_manager", "ea_official"];

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
fn body_for(
    method: &str,
    path: &str,
    n: usize,
    t: &TestApp,
    role: &str,
    cycle: uuid::Uuid,
) -> String {
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
        ("POST", "/api/v1/grant-cycles") => format!(
            r#"{{"name":"Matrix cycle {n}","grant_program":"HAVA","funds":"1000.00","deadline":"2099-03-15","time_zone":"America/Chicago"}}"#
        ),
        ("PUT", "/api/v1/election-authorities/{id}/facts/{fact}") => r#"{"holds":true}"#.into(),
        ("POST", "/api/v1/requirement-sets") => serde_json::json!({
            "file_name": "matrix.toml",
            "source": format!(
                "format = \"cybernav-requirements/1\"\nid = \"matrix\"\nversion = \"{n}\"\ntitle = \"Matrix set\"\njurisdiction = \"Test\"\n\n[[requirement]]\nid = \"one\"\nclause = \"Item 1\"\ntitle = \"One\"\ntext = \"One thing.\"\nowner = \"election_office\"\nall = [\"checked\"]\ndue = \"certification_deadline\"\n"
            ),
        })
        .to_string(),
        ("POST", "/api/v1/election-authorities/{id}/icn-circuits") => {
            format!(r#"{{"reference":"MATRIX-{n}","status":"planned"}}"#)
        }
        ("PATCH", "/api/v1/election-authorities/{id}/icn-circuits/{circuit}") => {
            format!(r#"{{"reference":"MATRIX-P{n}","status":"ordered"}}"#)
        }
        ("PUT", "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/protections/{protection}") => {
            r#"{"in_place":true,"since":"2026-01-05"}"#.into()
        }
        ("POST", "/api/v1/election-authorities/{id}/icn-circuits/{circuit}/allowlist") => {
            format!(r#"{{"network":"{}"}}"#, matrix_network(n, 0))
        }
        ("PUT", "/api/v1/icn/settings") => r#"{"private_addressing_only":false}"#.into(),
        ("POST", "/api/v1/election-authorities/{id}/findings") | ("PATCH", "/api/v1/findings/{id}") => {
            format!(r#"{{"source":"self_report","severity":"low","title":"Matrix {n}","description":"Matrix.","owner":"vendor"}}"#)
        }
        ("POST", "/api/v1/findings/{id}/transitions") => r#"{"to":"in_progress"}"#.into(),
        ("POST", "/api/v1/findings/{id}/comments") => r#"{"body":"Matrix comment"}"#.into(),
        ("POST", "/api/v1/findings/{id}/evidence") => {
            r#"{"file_name":"fix.txt","content_base64":"Zml4ZWQ="}"#.into()
        }
        ("POST", "/api/v1/election-authorities/{id}/cyhy-imports") => serde_json::json!({"files": [{
            "name": "potentially-risky-services.csv",
            "content": format!("owner,ip,port,protocol,service,initial_detection,latest_detection,age_days\nM,203.0.113.{},23,tcp,telnet,2026-01-05,2026-02-16,42\n", n % 250 + 1),
        }]})
        .to_string(),
        ("PUT", "/api/v1/kev-catalog") => r#"{"title":"KEV","catalogVersion":"m","dateReleased":"2026-01-01","count":0,"vulnerabilities":[]}"#.into(),
        ("POST", "/api/v1/election-authorities/{id}/documents") => {
            format!(r#"{{"kind":"incident_response_plan","title":"Matrix plan {n}","version":"2","document_date":"2025-06-01"}}"#)
        }
        ("POST", "/api/v1/election-authorities/{id}/documents/{document}/reviews") => {
            r#"{"outcome":"needs_changes","problems":"The diagram omits the e-poll book VLAN","reviewed_on":"2026-01-05"}"#.into()
        }
        ("POST", "/api/v1/election-authorities/{id}/visits") => format!(
            r#"{{"visited_on":"2026-01-05","purpose":"documentation_review","navigators":["{nav}"],"attendees":"Pat Clerk (county clerk)"}}"#
        ),
        ("POST", "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups") => {
            r#"{"description":"Send the updated diagram","due_on":"2026-03-01"}"#.into()
        }
        ("PUT", "/api/v1/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}") => {
            r#"{"done":true}"#.into()
        }
        ("POST", "/api/v1/election-authorities/{id}/certifications") if MANAGERS.contains(&role) => format!(
            r#"{{"cycle":"{cycle}","signer_name":"Pat Clerk","received_at":"2026-01-05T15:00:00Z"}}"#
        ),
        ("POST", "/api/v1/election-authorities/{id}/certifications") => {
            format!(r#"{{"cycle":"{cycle}","signer_name":"Pat Clerk"}}"#)
        }
        ("PUT", "/api/v1/grant-cycles/{id}/allocation") => r#"{"navigator_share":"600.00"}"#.into(),
        ("PUT", "/api/v1/grant-cycles/{id}/funds") => r#"{"funds":"1000.00"}"#.into(),
        ("POST", "/api/v1/grant-cycles/{id}/expenditures") => {
            r#"{"spent_on":"2026-01-05","category":"travel","federal":"0.01","description":"Matrix"}"#.into()
        }
        ("PUT", "/api/v1/grant-cycles/{id}/awards/{election_authority_id}") => r#"{"amount":"10.00"}"#.into(),
        ("POST", "/api/v1/grant-cycles/{id}/claims") => format!(
            r#"{{"election_authority":"{adams}","spent_on":"2026-01-05","eac_category":"cyber_security","federal":"0.01","description":"Matrix"}}"#
        ),
        ("POST", "/api/v1/grant-cycles/{id}/claims/{claim_id}/decision") => r#"{"status":"approved"}"#.into(),
        ("POST", "/api/v1/election-authorities/{id}/attestations") if role == "navigator" => {
            r#"{"kind":"navigator_a3"}"#.into()
        }
        ("POST", "/api/v1/election-authorities/{id}/attestations") => {
            r#"{"kind":"program_manager_a"}"#.into()
        }
        ("POST", "/api/v1/catalogs") => {
            serde_json::json!({"catalog": matrix_catalog(&format!("matrix-c{n}"))}).to_string()
        }
        ("POST", "/api/v1/assessments") => serde_json::json!({
            "election_authority": adams, "cycle": cycle, "catalog": format!("matrix-p{n}"),
            "catalog_version": "1.0", "scope": "ig1", "method": "csat-4d-v1", "navigators": [nav],
        })
        .to_string(),
        ("PUT", "/api/v1/assessments/{id}/answers") => {
            r#"{"answers":[{"item":"1.1","score":3}]}"#.into()
        }
        ("POST", "/api/v1/assessments/{id}/transitions") => r#"{"action":"start"}"#.into(),
        ("PUT", "/api/v1/assessments/{id}/scope") => r#"{"scope":"ig2"}"#.into(),
        ("POST", "/api/v1/assessments/{id}/findings") => "{}".into(),
        ("POST", "/api/v1/intake/stix") => {
            r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}"#.into()
        }
        ("POST", "/api/v1/intake/indicators") => "198.51.100.9".into(),
        ("POST", "/api/v1/need-to-know/applications") => r#"{"organisation":"Matrix County","title":"Clerk","justification":"Matrix","sponsor_name":"Pat Matrix","sponsor_email":"pat@matrix.example"}"#.into(),
        ("POST", "/api/v1/need-to-know/applications/{id}/decision") => r#"{"decision":"approve"}"#.into(),
        ("POST", "/api/v1/need-to-know/applications/{id}/acceptance") => format!(
            r#"{{"agreement_version":"{}"}}"#,
            cybernav_core::need_to_know::AGREEMENT_VERSION
        ),
        ("POST", "/api/v1/need-to-know/applications/{id}/revocation") => r#"{"reason":"Matrix"}"#.into(),
        ("POST", "/api/v1/directory") | ("PUT", "/api/v1/directory/{id}") => format!(
            r#"{{"organisation":"Matrix ISAC {n}","kind":"ms_isac","scope":"authority","scope_id":"{adams}","phone_24x7":"+18665550100","escalation_order":2}}"#
        ),
        ("POST", "/api/v1/outreach/contacts") => format!(
            r#"{{"election_authority_id":"{adams}","contacted_on":"2026-01-05","kind":"call","people_met":"Pat Clerk","topic":"Matrix {n}"}}"#
        ),
        ("POST", "/api/v1/events") => format!(
            r#"{{"held_on":"2026-02-01","kind":"training","title":"Matrix training {n}"}}"#
        ),
        ("POST", "/api/v1/events/{id}/attendance") => format!(
            r#"{{"election_authority_id":"{adams}","person_name":"Matrix person {n}"}}"#
        ),
        ("POST", "/api/v1/products") => r#"{"kind":"bulletin","title":"Matrix bulletin","summary":"Matrix","base_marking":"TLP:GREEN","body":"Patch now."}"#.into(),
        ("PATCH", "/api/v1/products/{id}") => r#"{"title":"Matrix edit"}"#.into(),
        ("POST", "/api/v1/products/{id}/transitions") => r#"{"action":"submit"}"#.into(),
        ("PUT", "/api/v1/me/digest") => r#"{"receive":true}"#.into(),
        ("POST", "/api/v1/reports") => serde_json::json!({
            "kind": "phishing",
            "seen_on": (time::OffsetDateTime::now_utc() - time::Duration::days(2)).date().to_string(),
            "description": format!("Matrix phishing {n}"),
            "indicators": [format!("matrix{n}-phish[.]example")],
        })
        .to_string(),
        ("POST", "/api/v1/reports/{id}/validate") => r#"{"note":"Matrix"}"#.into(),
        ("POST", "/api/v1/reports/{id}/reject") => r#"{"reason":"Matrix"}"#.into(),
        ("PUT", "/api/v1/election-authorities/{id}/information-needs") => {
            r#"{"topics":["ransomware"],"systems":["e-poll books"]}"#.into()
        }
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
    let system = system_actor();
    let cycle = t
        .app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &cybernav_app::participation::GrantCycleInput {
                name: "Matrix cycle".into(),
                grant_program: "HAVA".into(),
                funds: "1000".into(),
                deadline: "2099-03-15".into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &RequestMeta::default(),
        )
        .await
        .unwrap();
    // The cycle's money: a split, and an award to Adams (which participates and is eligible),
    // so every grant operation has something to act on.
    let grants = system.manage_grants().unwrap();
    let meta = RequestMeta::default();
    t.app
        .set_navigator_share(&grants, cycle, "600.00", &meta)
        .await
        .unwrap();
    common::meet_every_requirement(&t, adams).await;
    common::certify(&t, adams, cycle).await;
    t.app
        .make_award(&grants, cycle, adams, "10.00", &meta)
        .await
        .unwrap();
    // Adams meets every requirement, so an attestation is refused only for the role, and one
    // exists to read.
    let board = t.actor("board_admin").await;
    let recorder = board.record_facts_of(adams).unwrap();
    for fact in [
        "icn.connected",
        "isac.registered",
        "data_sharing.established",
        "training.designee_trained",
        "assessment.allowed",
        "assessment.risk_assessment_done",
        "assessment.cis_analysis_done",
    ] {
        let input = cybernav_app::participation::FactInput {
            holds: true,
            on: Some(time::OffsetDateTime::now_utc().date()),
            note: None,
        };
        t.app
            .record_fact(&recorder, fact, &input, &RequestMeta::default())
            .await
            .unwrap();
    }
    let pm = t.actor("program_manager").await;
    let attestation = t
        .app
        .attest_program_manager(
            &pm.attest_as_program_manager(adams).unwrap(),
            cycle,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .row
        .id;
    t.app
        .load_catalog(
            &system.manage_catalogs().unwrap(),
            &matrix_catalog("matrix-base"),
            cybernav_app::assessments::Origin::Imported,
            None,
            &meta,
        )
        .await
        .unwrap();
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
                p if p.starts_with("/api/v1/grant-cycles/{id}") => cycle.to_string(),
                p if p.starts_with("/api/v1/attestations/") => attestation.to_string(),
                p if p.starts_with("/api/v1/catalogs/") => "matrix-base".to_string(),
                p if p.ends_with("/oscal/assessment-results") => {
                    validated_assessment(&t, cycle, n).await.to_string()
                }
                // Raising findings needs a complete assessment with items below the threshold.
                "/api/v1/assessments/{id}/findings" => {
                    scored_assessment(&t, cycle, n, true, 2).await.to_string()
                }
                p if p.starts_with("/api/v1/assessments/{id}") => {
                    new_assessment(&t, cycle, n, *method == "GET")
                        .await
                        .to_string()
                }
                p if p.starts_with("/api/v1/findings/") => new_finding(&t, adams).await.to_string(),
                p if p.starts_with("/api/v1/directory/{id}") => {
                    new_directory_entry(&t, n).await.to_string()
                }
                p if p.starts_with("/api/v1/events/{id}") => new_event(&t, n).await.to_string(),
                p if p.starts_with("/api/v1/digest/people/") => {
                    t.people["ea_official"].id.to_string()
                }
                p if p.ends_with("/acceptance") => {
                    ntk_application(&t, role, "approved").await.to_string()
                }
                p if p.ends_with("/decision") && p.starts_with("/api/v1/need-to-know/") => {
                    ntk_application(&t, "navigator_other", "pending")
                        .await
                        .to_string()
                }
                p if p.starts_with("/api/v1/need-to-know/applications/{id}") => {
                    ntk_application(&t, "navigator_other", "active")
                        .await
                        .to_string()
                }
                "/api/v1/products/{id}" if *method == "GET" => {
                    matrix_product(&t, true).await.to_string()
                }
                p if p.starts_with("/api/v1/products/{id}") => {
                    matrix_product(&t, false).await.to_string()
                }
                p if p.starts_with("/api/v1/reports/{id}") => {
                    matrix_report(&t, "adams", n).await.to_string()
                }
                "/api/v1/need-to-know/applications" if *method == "POST" => {
                    ntk_application(&t, role, "none").await;
                    adams.to_string()
                }
                _ => adams.to_string(),
            };
            let claim = if path.contains("{claim_id}") {
                let input = cybernav_app::grants::ClaimInput {
                    spent_on: "2026-01-05".into(),
                    eac_category: "cyber_security".into(),
                    federal: "0.01".into(),
                    description: "Matrix".into(),
                    ..Default::default()
                };
                t.app
                    .record_claim(&grants, cycle, adams, &input, &meta)
                    .await
                    .unwrap()
                    .id
                    .to_string()
            } else {
                String::new()
            };
            let mut url = path
                .replace("{id}", &id)
                .replace("{fact}", "icn.connected")
                .replace("{election_authority_id}", &adams.to_string())
                .replace("{claim_id}", &claim);
            if url.contains("{circuit}") {
                let circuit = new_circuit(&t, adams, n).await;
                url = url
                    .replace("{circuit}", &circuit.to_string())
                    .replace("{protection}", "firewall");
                if url.contains("{entry}") {
                    let system = system_actor();
                    let added = t
                        .app
                        .add_allowlist_entry(
                            &system.manage_icn_of(adams).unwrap(),
                            circuit,
                            &matrix_network(n, 1),
                            None,
                            &RequestMeta::default(),
                        )
                        .await
                        .unwrap();
                    url = url.replace("{entry}", &added.entry.id.to_string());
                }
            }
            if path.ends_with("/participation")
                || (*method == "POST" && path.ends_with("/attestations"))
            {
                url.push_str(&format!("?cycle={cycle}"));
            }
            url = url.replace("{version}", "1.0").replace("{item}", "1.1");
            if url.contains("{evidence}") {
                let assessment: uuid::Uuid = id.parse().unwrap();
                url = url.replace(
                    "{evidence}",
                    &new_item_evidence(&t, assessment).await.to_string(),
                );
            }
            if path.ends_with("/scores") {
                url.push_str("?catalog=matrix-base");
            }
            if *method == "POST" && *path == "/api/v1/assessments" {
                t.app
                    .load_catalog(
                        &system.manage_catalogs().unwrap(),
                        &matrix_catalog(&format!("matrix-p{n}")),
                        cybernav_app::assessments::Origin::Imported,
                        None,
                        &meta,
                    )
                    .await
                    .unwrap();
            }
            if url.contains("{document}") {
                url = url.replace("{document}", &new_document(&t, adams, n).await.to_string());
            }
            if url.contains("{visit}") {
                let (visit, follow_up) = new_visit(&t, adams, t.people["navigator"].id).await;
                url = url
                    .replace("{visit}", &visit.to_string())
                    .replace("{follow_up}", &follow_up.to_string());
            }
            let body = if path.ends_with("/assignment-suggestion/apply") {
                format!(r#"{{"fingerprint":"{}"}}"#, current_fingerprint(&t).await)
            } else {
                body_for(method, path, n, &t, role, cycle)
            };
            let reply = if *method == "GET" {
                t.api_get(&token, &url).await
            } else if path.ends_with("/items/{item}/evidence") {
                t.api_upload(&token, &url, "policy.pdf", b"%PDF-1.4 matrix evidence")
                    .await
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

// ---------------------------------------------------------------------------------------------
// Pages

const NOBODY: &[&str] = &[];
const BOARD: &[&str] = &["board_admin"];
const PROGRAM_MANAGER: &[&str] = &["program_manager"];
/// Who sees the live statewide status of a cycle.
const STATEWIDE_READERS: &[&str] = &["board_admin", "program_manager", "navigator", "auditor"];
/// Who writes notes and evidence on Adams's checklist.
const CHECKLIST_WRITERS: &[&str] = &[
    "board_admin",
    "program_manager",
    "navigator",
    "ea_official",
    "ea_it",
];
/// Roles limited to some authorities: one outside their scope does not exist for them.
const SCOPED: &[&str] = &["navigator", "ea_official", "ea_it"];

/// The password a row sets when it changes one.
const NEW_PASSWORD: &str = "purple elephants vote early";

/// One row of the page matrix: a route as the router spells it, one case of it (which record,
/// which form; see [`prepare`]), who may, and how everyone else is refused: the 404 page for
/// `not_found` (the code hides that the record exists), 422 for `invalid` (the form refuses a
/// choice the role may not make), the 403 page for the rest.
#[derive(Debug, Clone, Copy)]
struct PageRow {
    method: &'static str,
    route: &'static str,
    case: &'static str,
    may: &'static [&'static str],
    not_found: &'static [&'static str],
    invalid: &'static [&'static str],
}

const fn row(
    method: &'static str,
    route: &'static str,
    case: &'static str,
    may: &'static [&'static str],
) -> PageRow {
    PageRow {
        method,
        route,
        case,
        may,
        not_found: NOBODY,
        invalid: NOBODY,
    }
}

impl PageRow {
    const fn not_found(mut self, roles: &'static [&'static str]) -> Self {
        self.not_found = roles;
        self
    }

    const fn invalid(mut self, roles: &'static [&'static str]) -> Self {
        self.invalid = roles;
        self
    }

    /// What `role` must get.
    fn expected(&self, role: &str) -> Outcome {
        if self.may.contains(&role) {
            Outcome::Allowed
        } else if self.not_found.contains(&role) {
            Outcome::NotFound
        } else if self.invalid.contains(&role) {
            Outcome::Invalid
        } else {
            Outcome::Forbidden
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Forbidden,
    NotFound,
    Invalid,
}

/// Every page route, GET and POST, with its cases. Each role runs the rows in this order on an
/// application of its own; the rows that end the session, change the password or turn on
/// two-step verification come last, in the order a person would do them.
#[rustfmt::skip]
fn page_table() -> Vec<PageRow> {
    vec![
        // Signing in and e-mailed links: anyone, whatever their role.
        row("GET", "/healthz", "", ALL),
        row("GET", "/login", "signed in: on to the dashboard", ALL),
        row("POST", "/login", "own password", ALL),
        row("GET", "/password-reset", "", ALL),
        row("POST", "/password-reset", "someone's address", ALL),
        row("GET", "/password-reset/{token}", "live link", ALL),
        row("POST", "/password-reset/{token}", "live link", ALL),
        row("GET", "/invitations/{token}", "live link", ALL),
        row("POST", "/invitations/{token}", "live link", ALL),
        row("GET", "/", "", ALL),
        // The registry.
        row("GET", "/election-authorities", "", NOT_PARTNER),
        row("GET", "/election-authorities/new", "", MANAGERS),
        row("POST", "/election-authorities/new", "", MANAGERS),
        row("GET", "/election-authorities/{id}", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("GET", "/election-authorities/{id}/icn", "adams", NOT_PARTNER),
        row("GET", "/catalogs", "", NOT_PARTNER),
        row("GET", "/catalogs/{id}/versions/{version}", "a loaded catalog", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/assessments", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/assessments", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/assessments", "adams", MANAGERS),
        row("POST", "/election-authorities/{id}/assessments", "chicago", MANAGERS),
        row("GET", "/assessments/{id}", "adams", NOT_PARTNER).not_found(&["partner"]),
        row("POST", "/assessments/{id}/answers", "adams", ANSWERERS)
            .not_found(&["ea_official", "ea_it", "partner"]),
        row("POST", "/assessments/{id}/transitions", "adams", ANSWERERS)
            .not_found(&["ea_official", "ea_it", "partner"]),
        row("POST", "/assessments/{id}/evidence", "adams", ANSWERERS)
            .not_found(&["ea_official", "ea_it", "partner"]),
        row("POST", "/assessments/{id}/findings", "adams", FINDING_MANAGERS)
            .not_found(&["partner"]),
        row("GET", "/election-authorities/{id}/icn", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/icn/circuits", "adams", ICN_MANAGERS),
        row("POST", "/election-authorities/{id}/icn/circuits", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/icn/circuits/{circuit}", "adams", ICN_MANAGERS),
        row("POST", "/election-authorities/{id}/icn/circuits/{circuit}/protections", "adams", ICN_MANAGERS),
        row("POST", "/election-authorities/{id}/icn/circuits/{circuit}/allowlist", "adams", ICN_MANAGERS),
        row("POST", "/election-authorities/{id}/icn/circuits/{circuit}/allowlist/{entry}/remove", "adams", ICN_MANAGERS),
        row("GET", "/election-authorities/{id}/findings", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/findings", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/findings", "adams", FINDING_MANAGERS),
        row("POST", "/election-authorities/{id}/findings/cyhy", "adams", FINDING_MANAGERS),
        row("GET", "/findings", "", FINDINGS_OVERVIEW_READERS),
        row("POST", "/findings/kev", "", MANAGERS),
        row("GET", "/findings/{id}", "adams", NOT_PARTNER),
        row("GET", "/findings/{id}", "chicago", &["board_admin", "program_manager", "auditor"]).not_found(SCOPED),
        row("POST", "/findings/{id}/edit", "adams", FINDING_MANAGERS),
        row("POST", "/findings/{id}/edit", "chicago", &["board_admin", "program_manager"])
            .not_found(SCOPED),
        row("POST", "/findings/{id}/transition", "adams", FINDING_WORKERS),
        row("POST", "/findings/{id}/comment", "adams", FINDING_WORKERS),
        row("POST", "/findings/{id}/evidence", "adams", FINDING_WORKERS),
        row("GET", "/election-authorities/{id}/findings.csv", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/findings.csv", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("GET", "/icn", "", MANAGERS),
        row("POST", "/icn", "", MANAGERS),
        // Field operations (213.40): documents, visits, my work, the balance.
        row("GET", "/election-authorities/{id}/documents", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/documents", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/documents", "adams", FIELD_RECORDERS),
        row("POST", "/election-authorities/{id}/documents", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/documents/{document}/file", "adams", FIELD_RECORDERS),
        row("POST", "/election-authorities/{id}/documents/{document}/reviews", "adams", FIELD_RECORDERS),
        row("GET", "/election-authorities/{id}/visits", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/visits", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("GET", "/election-authorities/{id}/visits/new", "adams", FIELD_RECORDERS),
        row("GET", "/election-authorities/{id}/visits/new", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/visits/new", "adams", FIELD_RECORDERS),
        row("GET", "/election-authorities/{id}/visits/{visit}", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/visits/{visit}", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/visits/{visit}/follow-ups", "adams", FIELD_RECORDERS),
        row("POST", "/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}/done", "adams", FIELD_RECORDERS),
        row("GET", "/my-work", "", &["navigator"]),
        row("GET", "/workload", "", WORKLOAD_READERS),
        row("POST", "/workload/apply", "", MANAGERS),
        // The need-to-know roster (213.30(a)(5)): everyone applies and accepts for themselves;
        // the Board and the Program Manager decide; auditors read.
        row("GET", "/need-to-know", "", ALL),
        row("POST", "/need-to-know/apply", "no open application", ALL),
        row("POST", "/need-to-know/{id}/accept", "own, approved", ALL),
        row("POST", "/need-to-know/{id}/accept", "someone else's, approved", NOBODY).not_found(NTK_HIDDEN),
        row("GET", "/need-to-know/roster", "", NTK_READERS),
        row("GET", "/need-to-know/roster.csv", "", NTK_READERS),
        row("POST", "/need-to-know/{id}/decision", "someone else's, pending", MANAGERS).not_found(NTK_HIDDEN),
        row("POST", "/need-to-know/{id}/renew", "someone else's, active", MANAGERS).not_found(NTK_HIDDEN),
        row("POST", "/need-to-know/{id}/revoke", "someone else's, active", MANAGERS).not_found(NTK_HIDDEN),
        // The incident-response directory (213.30(a)(9)) and the incident card: everyone reads
        // what applies to them (the rows' entries are statewide); the Board and the Program
        // Manager edit; navigators also verify. The card is read as the registry is.
        row("GET", "/directory", "", ALL),
        row("GET", "/directory/new", "", MANAGERS),
        row("POST", "/directory", "statewide entry", MANAGERS),
        row("GET", "/directory.csv", "", ALL),
        row("GET", "/directory.json", "", ALL),
        row("GET", "/directory/{id}/edit", "statewide entry", MANAGERS),
        row("POST", "/directory/{id}", "statewide entry", MANAGERS),
        row("POST", "/directory/{id}/verify", "statewide entry", DIRECTORY_VERIFIERS),
        row("POST", "/directory/{id}/delete", "statewide entry", MANAGERS),
        row("GET", "/authorities/{id}/incident-card", "adams", NOT_PARTNER),
        row("GET", "/authorities/{id}/incident-card", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        // Outreach (213.30(a)(3), (10)): partners see none; the Board, the Program Manager and
        // an authority's navigators log its contacts and attendance.
        row("GET", "/outreach", "", NOT_PARTNER),
        row("POST", "/outreach/contacts", "adams", OUTREACH_RECORDERS),
        row("POST", "/outreach/contacts", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/events", "", OUTREACH_RECORDERS),
        row("GET", "/events/{id}", "", NOT_PARTNER),
        row("POST", "/events/{id}/attendance", "adams", OUTREACH_RECORDERS),
        row("POST", "/events/{id}/attendance", "chicago", MANAGERS).not_found(SCOPED),
        // Intelligence products and information needs (213.30(a)(4), (6), (7)).
        row("GET", "/intake", "", INTAKE_HISTORY),
        row("POST", "/intake/upload", "indicator list", MANAGERS),
        row("POST", "/intake/feeds", "", MANAGERS),
        row("POST", "/intake/feeds/{id}/poll", "made due", MANAGERS),
        row("POST", "/intake/feeds/{id}/schedule", "pause", MANAGERS),
        row("GET", "/sharing", "", ALL),
        row("GET", "/sharing/new", "", PRODUCT_WRITERS),
        row("POST", "/sharing/new", "", PRODUCT_WRITERS),
        row("GET", "/sharing/recipients", "", PRODUCT_WRITERS),
        row("GET", "/sharing/digests", "", DIGEST_HISTORY),
        row("GET", "/sharing/{id}", "published", NOT_PARTNER).not_found(&["partner"]),
        // TLP:RED naming the clerk and the Program Manager (the navigator wrote it): the desk
        // and auditors know of it (title and marking only); the clerk's colleague does not.
        row("GET", "/sharing/{id}", "published TLP:RED", &["board_admin", "program_manager", "navigator", "ea_official", "auditor"])
            .not_found(&["ea_it", "partner"]),
        row("GET", "/sharing/{id}", "navigator's draft", &["board_admin", "program_manager", "navigator", "auditor"])
            .not_found(DRAFT_HIDDEN),
        row("GET", "/sharing/{id}/edit", "navigator's draft", PRODUCT_WRITERS).not_found(DRAFT_HIDDEN),
        row("POST", "/sharing/{id}/edit", "navigator's draft", PRODUCT_WRITERS).not_found(DRAFT_HIDDEN),
        row("POST", "/sharing/{id}/transition", "navigator's draft, submit", PRODUCT_WRITERS)
            .not_found(DRAFT_HIDDEN),
        // Two-way sharing (213.50(a)(2)(B)): the county's form, the queue, the decision.
        row("GET", "/reports", "", REPORT_READERS),
        row("GET", "/reports/new", "", REPORTERS),
        row("POST", "/reports/new", "", REPORTERS),
        row("GET", "/reports/{id}", "adams", REPORT_READERS),
        row("GET", "/reports/{id}", "cook", BOARD_STAFF_READERS).not_found(ADAMS_PEOPLE),
        row("POST", "/reports/{id}/validate", "adams, pending", MANAGERS),
        row("POST", "/reports/{id}/validate", "cook, pending", MANAGERS).not_found(ADAMS_PEOPLE),
        row("POST", "/reports/{id}/reject", "adams, pending", MANAGERS),
        row("POST", "/reports/{id}/reject", "cook, pending", MANAGERS).not_found(ADAMS_PEOPLE),
        row("GET", "/election-authorities/{id}/information-needs", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/information-needs", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/information-needs", "adams", NEEDS_EDITORS),
        row("POST", "/election-authorities/{id}/information-needs", "chicago", MANAGERS).not_found(SCOPED),
        row("GET", "/election-authorities/{id}/edit", "adams", MANAGERS),
        row("POST", "/election-authorities/{id}/edit", "adams", MANAGERS),
        row("POST", "/election-authorities/{id}/navigators", "adams", MANAGERS),
        row("GET", "/election-authorities/{id}/contacts/new", "adams", CONTACT_EDITORS),
        row("GET", "/election-authorities/{id}/contacts/new", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/contacts/new", "adams", CONTACT_EDITORS),
        row("POST", "/election-authorities/{id}/contacts/new", "chicago", MANAGERS).not_found(SCOPED),
        row("GET", "/contacts/{id}/edit", "adams", CONTACT_EDITORS),
        row("GET", "/contacts/{id}/edit", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/contacts/{id}/edit", "adams", CONTACT_EDITORS),
        row("POST", "/contacts/{id}/edit", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/contacts/{id}/verify", "adams", CONTACT_EDITORS),
        row("POST", "/contacts/{id}/verify", "chicago", MANAGERS).not_found(SCOPED),
        row("GET", "/contacts/{id}/delete", "adams", CONTACT_EDITORS),
        row("GET", "/contacts/{id}/delete", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/contacts/{id}/delete", "adams", CONTACT_EDITORS),
        row("POST", "/contacts/{id}/delete", "chicago", MANAGERS).not_found(SCOPED),
        row("GET", "/election-authorities/import", "", MANAGERS),
        row("POST", "/election-authorities/import", "authorities file", MANAGERS),
        row("GET", "/election-authorities/export.csv", "", NOT_PARTNER),
        row("GET", "/election-authorities/contacts.csv", "", NOT_PARTNER),
        row("GET", "/partners", "", ALL),
        row("GET", "/partners/new", "", MANAGERS),
        row("POST", "/partners/new", "", MANAGERS),
        // Participation: cycles, the statewide status, the county's checklist.
        row("GET", "/participation", "", ALL),
        row("POST", "/participation", "", MANAGERS),
        row("GET", "/participation/{cycle}", "", STATEWIDE_READERS),
        row("POST", "/participation/{cycle}/publish", "", MANAGERS),
        row("GET", "/participation/{cycle}/report-card", "", ALL),
        row("GET", "/election-authorities/{id}/participation", "adams", NOT_PARTNER),
        row("GET", "/election-authorities/{id}/participation", "chicago", &["board_admin", "program_manager", "auditor"])
            .not_found(SCOPED),
        row("POST", "/election-authorities/{id}/participation/facts", "adams", FACT_RECORDERS),
        row("POST", "/election-authorities/{id}/participation/facts", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/participation/check", "adams, an item with facts", FACT_RECORDERS),
        row("POST", "/election-authorities/{id}/participation/certify", "adams", &["ea_official"]),
        row("POST", "/election-authorities/{id}/participation/certify", "chicago", NOBODY).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/participation/paper-certification", "adams", MANAGERS),
        row("POST", "/election-authorities/{id}/participation/paper-certification", "chicago", MANAGERS),
        row("POST", "/election-authorities/{id}/participation/notes", "adams", CHECKLIST_WRITERS),
        row("POST", "/election-authorities/{id}/participation/notes", "chicago", MANAGERS).not_found(SCOPED),
        row("POST", "/election-authorities/{id}/participation/evidence", "adams", CHECKLIST_WRITERS),
        row("POST", "/election-authorities/{id}/participation/evidence", "chicago", MANAGERS).not_found(SCOPED),
        row("GET", "/evidence/{id}", "adams", NOT_PARTNER),
        row("GET", "/evidence/{id}", "chicago", &["board_admin", "program_manager", "auditor"]).not_found(SCOPED),
        // Written verification (213.50(b)): the navigator assigned and the Program Manager sign.
        row("POST", "/election-authorities/{id}/participation/attest", "adams, navigator_a3", &["navigator"]),
        row("POST", "/election-authorities/{id}/participation/attest", "adams, program_manager_a", PROGRAM_MANAGER),
        row("POST", "/election-authorities/{id}/participation/attest", "chicago, navigator_a3", NOBODY).not_found(SCOPED),
        row("GET", "/attestations/{id}", "adams", NOT_PARTNER),
        row("GET", "/attestations/{id}", "chicago", &["board_admin", "program_manager", "auditor"]).not_found(SCOPED),
        row("GET", "/attestations/{id}/file", "adams", NOT_PARTNER),
        row("GET", "/attestations/{id}/file", "chicago", &["board_admin", "program_manager", "auditor"]).not_found(SCOPED),
        row("GET", "/attestations/{id}/letter.pdf", "adams", NOT_PARTNER),
        row("GET", "/attestations/{id}/letter.pdf", "chicago", &["board_admin", "program_manager", "auditor"]).not_found(SCOPED),
        // People: a Program Manager manages county roles, navigators and partners only.
        row("GET", "/people", "", PEOPLE_READERS),
        row("GET", "/people/invite", "", MANAGERS),
        row("POST", "/people/invite", "ea_it", MANAGERS),
        row("POST", "/people/invite", "auditor", BOARD).invalid(PROGRAM_MANAGER),
        row("GET", "/people/{id}", "ea_it", PEOPLE_READERS),
        row("POST", "/people/{id}/resend", "invited ea_it", MANAGERS),
        row("POST", "/people/{id}/resend", "invited auditor", BOARD),
        row("GET", "/people/{id}/disable", "ea_it", MANAGERS),
        row("GET", "/people/{id}/disable", "auditor", BOARD),
        row("POST", "/people/{id}/disable", "ea_it", MANAGERS),
        row("POST", "/people/{id}/disable", "auditor", BOARD),
        row("GET", "/people/{id}/enable", "disabled ea_it", MANAGERS),
        row("GET", "/people/{id}/enable", "disabled auditor", BOARD),
        row("POST", "/people/{id}/enable", "disabled ea_it", MANAGERS),
        row("POST", "/people/{id}/enable", "disabled auditor", BOARD),
        row("POST", "/people/{id}/role", "ea_it to navigator", MANAGERS),
        row("POST", "/people/{id}/role", "auditor to navigator", BOARD),
        row("POST", "/people/{id}/role", "ea_it to auditor", BOARD).invalid(PROGRAM_MANAGER),
        // The audit log.
        row("GET", "/audit", "", AUDIT_READERS),
        row("POST", "/audit/verify", "", AUDIT_READERS),
        // Grant money: the Board, the Program Manager and auditors.
        row("GET", "/grant-cycles/{id}/ledger", "", GRANT_READERS),
        row("POST", "/grant-cycles/{id}/ledger/share", "", MANAGERS),
        row("GET", "/grant-cycles/{id}/claims", "", &["ea_official"]),
        row("POST", "/grant-cycles/{id}/claims", "adams's award", &["ea_official"]),
        row("POST", "/grant-cycles/{id}/ledger/expenditures", "share set", MANAGERS),
        row("POST", "/grant-cycles/{id}/ledger/claims/{claim}/decision", "adams's claim", MANAGERS),
        row("POST", "/grant-cycles/{id}/ledger/awards", "adams, not eligible", MANAGERS),
        // My account: everyone, for their own account only.
        row("GET", "/account", "", ALL),
        row("POST", "/account/tokens", "", ALL),
        row("POST", "/account/tokens/{id}/revoke", "own token", ALL),
        row("POST", "/account/tokens/{id}/revoke", "someone else's token", NOBODY).not_found(ALL),
        row("POST", "/logout", "", ALL),
        row("POST", "/account/sign-out-everywhere", "", ALL),
        row("POST", "/account/digest", "", ALL),
        row("GET", "/account/password", "", ALL),
        row("POST", "/account/password", "", ALL),
        row("GET", "/account/mfa/setup", "", ALL),
        row("POST", "/account/mfa/setup", "code from the app", ALL),
        row("POST", "/account/recovery-codes", "", ALL),
        row("POST", "/login", "own password, two-step on", ALL),
        row("GET", "/login/mfa", "second step due", ALL),
        row("POST", "/login/mfa", "recovery code", ALL),
    ]
}

/// What a row sends and what success looks like.
struct Prepared {
    url: String,
    send: Send,
    /// The status of success.
    ok: StatusCode,
    /// Where success redirects; a `*` stands for any text (a new record's id).
    location: Option<String>,
    /// Success writes an audit record (every change does).
    writes: bool,
}

enum Send {
    Get,
    Form(Vec<(String, String)>),
    /// The CSV import's multipart upload, with this file.
    Upload(String),
    /// A multipart upload of one file field.
    File {
        field: String,
        file_name: String,
        content: String,
    },
}

impl Prepared {
    fn get(url: impl Into<String>) -> Self {
        Prepared {
            url: url.into(),
            send: Send::Get,
            ok: StatusCode::OK,
            location: None,
            writes: false,
        }
    }

    /// A POST of `fields` (the CSRF token is added), answering a page.
    fn post(url: impl Into<String>, fields: &[(&str, &str)]) -> Self {
        Prepared {
            url: url.into(),
            send: Send::Form(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ok: StatusCode::OK,
            location: None,
            writes: true,
        }
    }

    /// Success is a redirect to `location`.
    fn to(mut self, location: impl Into<String>) -> Self {
        self.ok = StatusCode::SEE_OTHER;
        self.location = Some(location.into());
        self
    }

    fn read_only(mut self) -> Self {
        self.writes = false;
        self
    }
}

/// One role going through the table on its own application.
struct Runner<'a> {
    t: &'a TestApp,
    role: &'static str,
    c: common::Client,
    password: String,
    /// A recovery code not used yet, once two-step verification is on.
    recovery_code: Option<String>,
    /// Numbers records made for rows, so names and addresses stay unique.
    n: usize,
    /// A grant cycle for the participation rows.
    cycle: uuid::Uuid,
    /// An evidence file of Adams's and one of Chicago's.
    evidence: (uuid::Uuid, uuid::Uuid),
    /// The Program Manager's verifications made so far, by case ("adams", "chicago").
    attestations: std::collections::HashMap<String, uuid::Uuid>,
}

impl Runner<'_> {
    /// A new session for the role, made by the use case (sign-in forms are rate limited per
    /// address, and every test request comes from the same one).
    async fn sign_in(&mut self) {
        let email = &self.t.people[self.role].email;
        let s = self
            .t
            .app
            .login(email, &self.password, &RequestMeta::default())
            .await
            .unwrap();
        assert!(
            s.stage == SessionStage::Ready,
            "{}: a new session needs no second step here",
            self.role
        );
        self.c.cookies.insert(SESSION_COOKIE.into(), s.token);
    }
}

const SESSION_COOKIE: &str = "cybernav_session";

/// A person invited just now by the system, with `role` (county roles belong to Adams).
async fn invited(t: &TestApp, role: &str, n: usize) -> (uuid::Uuid, String) {
    let system = system_actor();
    let cap = system.manage_people().unwrap();
    let email = format!("target{n}.{role}@test.example");
    let ea = matches!(role, "ea_it" | "ea_official").then(|| t.authorities["adams"].to_string());
    let input = InvitationInput {
        email: email.clone(),
        name: format!("Target {n}"),
        role: role.into(),
        election_authority_id: ea,
        partner_org_id: None,
    };
    let id = t
        .app
        .invite(&cap, &input, &RequestMeta::default())
        .await
        .unwrap();
    (id, email)
}

/// A person invited and then disabled by the system.
async fn disabled(t: &TestApp, role: &str, n: usize) -> uuid::Uuid {
    let (id, _) = invited(t, role, n).await;
    common::disable_person(t, id).await;
    id
}

/// Runs `send` and returns the path of the link in the e-mail of `kind` to `to` it queued.
async fn new_link(
    t: &TestApp,
    kind: &str,
    to: &str,
    send: impl std::future::Future<Output = ()>,
) -> String {
    let outbox = |t: &TestApp| {
        let store = t.app.store.clone();
        async move {
            let mut tx = store.read().await.unwrap();
            tx.list_outbox(1000).await.unwrap()
        }
    };
    let before: Vec<String> = outbox(t).await.into_iter().map(|m| m.body_text).collect();
    send.await;
    let msg = outbox(t)
        .await
        .into_iter()
        .find(|m| m.kind == kind && m.to_addr == to && !before.contains(&m.body_text))
        .unwrap_or_else(|| panic!("no new {kind} message to {to}"));
    let start = msg.body_text.find("http://cybernav.test/").unwrap();
    msg.body_text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_start_matches("http://cybernav.test")
        .to_string()
}

/// A fresh invitation link.
async fn invitation_link(t: &TestApp, n: usize) -> String {
    let email = format!("newcomer{n}@test.example");
    let system = system_actor();
    let cap = system.manage_people().unwrap();
    let input = InvitationInput {
        email: email.clone(),
        name: format!("Newcomer {n}"),
        role: "navigator".into(),
        election_authority_id: None,
        partner_org_id: None,
    };
    new_link(t, "invitation", &email, async {
        t.app
            .invite(&cap, &input, &RequestMeta::default())
            .await
            .unwrap();
    })
    .await
}

/// A fresh password-reset link for the other navigator (not one of the roles under test).
async fn reset_link(t: &TestApp) -> String {
    let email = t.people["navigator_other"].email.clone();
    new_link(t, "password_reset", &email, async {
        t.app
            .request_password_reset(&email, &RequestMeta::default())
            .await
            .unwrap();
    })
    .await
}

/// Makes what the row needs (a contact, a person, a link) and a valid request for it, so an
/// allowed answer means the action was done and a refusal can only come from the permission
/// check.
async fn prepare(r: &mut Runner<'_>, row: &PageRow) -> Prepared {
    r.n += 1;
    let t = r.t;
    let n = r.n;
    let ea = |case: &str| {
        t.authorities[if case.contains("chicago") {
            "chicago"
        } else {
            "adams"
        }]
    };
    let ea_href = |case: &str| format!("/election-authorities/{}", ea(case));
    match (row.method, row.route, row.case) {
        ("GET", "/healthz" | "/" | "/password-reset", _) => Prepared::get(row.route),
        ("GET", "/login", _) => Prepared::get("/login").to("/"),
        ("POST", "/login", case) => {
            let email = t.people[r.role].email.clone();
            let p = Prepared::post("/login", &[("email", &email), ("password", &r.password)]);
            if case.contains("two-step") {
                p.to("/login/mfa")
            } else {
                p.to("/")
            }
        }
        ("POST", "/password-reset", _) => Prepared::post(
            "/password-reset",
            &[("email", &t.people["ea_official_other"].email)],
        )
        .to("/login?notice=reset_sent"),
        ("GET", "/password-reset/{token}", _) => Prepared::get(reset_link(t).await),
        ("POST", "/password-reset/{token}", _) => Prepared::post(
            reset_link(t).await,
            &[
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .to("/login?notice=password_reset"),
        ("GET", "/invitations/{token}", _) => Prepared::get(invitation_link(t, n).await),
        ("POST", "/invitations/{token}", _) => Prepared::post(
            invitation_link(t, n).await,
            &[
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .to("/login?notice=account_created"),
        ("GET", "/election-authorities" | "/election-authorities/new", _) => {
            Prepared::get(row.route)
        }
        ("POST", "/election-authorities/new", _) => Prepared::post(
            row.route,
            &[
                ("name", &format!("Matrix {n} County Clerk")),
                ("kind", "county_clerk"),
                ("county", "Matrix"),
                ("fips_code", "17999"),
                ("population", "10"),
                ("zone", "West"),
            ],
        )
        .to("/election-authorities/*?notice=authority_created"),
        ("GET", "/election-authorities/{id}", case) => Prepared::get(ea_href(case)),
        ("GET", "/election-authorities/{id}/icn", case) => {
            Prepared::get(format!("{}/icn", ea_href(case)))
        }
        ("GET", "/catalogs", _) => Prepared::get("/catalogs"),
        ("GET", "/catalogs/{id}/versions/{version}", _) => {
            let catalog = matrix_catalog(&format!("matrix-v{n}"));
            t.app
                .load_catalog(
                    &system_actor().manage_catalogs().unwrap(),
                    &catalog,
                    cybernav_app::assessments::Origin::Imported,
                    None,
                    &RequestMeta::default(),
                )
                .await
                .unwrap();
            Prepared::get(format!("/catalogs/{}/versions/{}", catalog.id, catalog.version))
        }
        ("GET", "/election-authorities/{id}/assessments", case) => {
            Prepared::get(format!("{}/assessments", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/assessments", case) => {
            let system = system_actor();
            let catalog = matrix_catalog(&format!("matrix-s{n}-{}", uuid::Uuid::new_v4().simple()));
            t.app
                .load_catalog(
                    &system.manage_catalogs().unwrap(),
                    &catalog,
                    cybernav_app::assessments::Origin::Imported,
                    None,
                    &RequestMeta::default(),
                )
                .await
                .unwrap();
            let cycle = r.cycle.to_string();
            let chosen = format!("{}|{}", catalog.id, catalog.version);
            Prepared::post(
                format!("{}/assessments", ea_href(case)),
                &[("cycle", &cycle), ("catalog", &chosen), ("scope", "ig1"), ("method", "csat-4d-v1")],
            )
            .to("/assessments/*?notice=saved")
        }
        ("GET", "/assessments/{id}", _) => {
            let id = new_assessment(t, r.cycle, n, true).await;
            Prepared::get(format!("/assessments/{id}"))
        }
        ("POST", "/assessments/{id}/answers", _) => {
            let id = new_assessment(t, r.cycle, n, false).await;
            Prepared::post(
                format!("/assessments/{id}/answers"),
                &[("group", "1"), ("item", "1.1"), ("score|1.1", "4")],
            )
            .to(format!("/assessments/{id}?notice=saved#group-1"))
        }
        ("POST", "/assessments/{id}/evidence", _) => {
            let id = new_assessment(t, r.cycle, n, false).await;
            let mut p = Prepared::post(format!("/assessments/{id}/evidence?item=1.1"), &[])
                .to(format!("/assessments/{id}?notice=evidence_added#group-1"));
            p.send = Send::File {
                field: "file".into(),
                file_name: "policy.pdf".into(),
                content: "%PDF-1.4 matrix evidence".into(),
            };
            p
        }
        ("POST", "/assessments/{id}/findings", _) => {
            // Every item at 25 %, below the threshold: all three are raised.
            let id = scored_assessment(t, r.cycle, n, true, 2).await;
            Prepared::post(format!("/assessments/{id}/findings"), &[]).to(format!(
                "/assessments/{id}?raised=3&skipped=0&notice=findings_raised#findings"
            ))
        }
        ("POST", "/assessments/{id}/transitions", _) => {
            let id = new_assessment(t, r.cycle, n, false).await;
            Prepared::post(format!("/assessments/{id}/transitions"), &[("action", "start")])
                .to(format!("/assessments/{id}?notice=saved"))
        }
        ("GET", "/election-authorities/{id}/edit", case) => {
            Prepared::get(format!("{}/edit", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/edit", "adams") => Prepared::post(
            format!("{}/edit", ea_href("adams")),
            &[
                ("name", "Adams County Clerk"),
                ("kind", "county_clerk"),
                ("county", "Adams"),
                ("fips_code", "17001"),
                ("population", &format!("{}", 2000 + n)),
                ("zone", "West"),
            ],
        )
        .to(format!("{}?notice=saved", ea_href("adams"))),
        ("POST", "/election-authorities/{id}/navigators", case) => {
            let both = [
                t.people["navigator"].id.to_string(),
                t.people["navigator_other"].id.to_string(),
            ];
            Prepared::post(
                format!("{}/navigators", ea_href(case)),
                &[("navigator", &both[0]), ("navigator", &both[1])],
            )
            .to(format!("{}?notice=assigned", ea_href(case)))
        }
        ("GET", "/election-authorities/{id}/contacts/new", case) => {
            Prepared::get(format!("{}/contacts/new", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/contacts/new", case) => Prepared::post(
            format!("{}/contacts/new", ea_href(case)),
            &[
                ("name", &format!("Pat Matrix {n}")),
                ("role", "it_lead"),
                ("phone", "217-555-0100"),
            ],
        )
        .to(format!("{}?notice=contact_added", ea_href(case))),
        (method, "/contacts/{id}/edit" | "/contacts/{id}/verify" | "/contacts/{id}/delete", case) => {
            let contact = new_contact(t, ea(case)).await;
            let url = row.route.replace("{id}", &contact.to_string());
            match (method, row.route) {
                ("GET", _) => Prepared::get(url),
                ("POST", "/contacts/{id}/edit") => Prepared::post(
                    url,
                    &[("name", &format!("Pat Edited {n}")), ("role", "security_poc")],
                )
                .to(format!("{}?notice=saved", ea_href(case))),
                ("POST", "/contacts/{id}/verify") => {
                    Prepared::post(url, &[]).to(format!("{}?notice=verified", ea_href(case)))
                }
                _ => Prepared::post(url, &[])
                    .to(format!("{}?notice=contact_removed", ea_href(case))),
            }
        }
        ("GET", "/election-authorities/import", _) => Prepared::get(row.route),
        ("POST", "/election-authorities/import", _) => Prepared {
            url: row.route.into(),
            send: Send::Upload(format!(
                "name,kind,county,fips_code,population,zone,navigators\n\
                 Matrix {n} Board,board_of_election_commissioners,Matrix,17999,10,West,\n"
            )),
            ok: StatusCode::SEE_OTHER,
            location: Some(
                "/election-authorities/import?file=authorities&created=1&updated=0&unchanged=0&notice=imported"
                    .into(),
            ),
            writes: true,
        },
        ("GET", "/election-authorities/export.csv" | "/election-authorities/contacts.csv", _) => {
            Prepared::get(row.route)
        }
        ("GET", "/partners" | "/partners/new", _) => Prepared::get(row.route),
        ("POST", "/partners/new", _) => Prepared::post(
            row.route,
            &[
                ("name", &format!("Matrix Partner {n}")),
                ("kind", "vendor"),
                ("notes", "Call the duty desk"),
            ],
        )
        .to("/partners?notice=partner_created"),
        ("GET", "/people" | "/people/invite", _) => Prepared::get(row.route),
        ("POST", "/people/invite", role) => {
            let adams = t.authorities["adams"].to_string();
            let ea = if role == "ea_it" { adams.as_str() } else { "" };
            Prepared::post(
                row.route,
                &[
                    ("email", &format!("invitee{n}@test.example")),
                    ("name", "Matrix Invitee"),
                    ("role", role),
                    ("election_authority_id", ea),
                    ("partner_org_id", ""),
                ],
            )
            .to("/people?notice=invited")
        }
        ("GET", "/people/{id}", key) => {
            Prepared::get(format!("/people/{}", t.people[key].id))
        }
        ("POST", "/people/{id}/resend", case) => {
            let role = case.trim_start_matches("invited ");
            let (id, _) = invited(t, role, n).await;
            Prepared::post(format!("/people/{id}/resend"), &[])
                .to(format!("/people/{id}?notice=invited"))
        }
        (method, "/people/{id}/disable", role) => {
            let (id, _) = invited(t, role, n).await;
            let url = format!("/people/{id}/disable");
            if method == "GET" {
                Prepared::get(url)
            } else {
                Prepared::post(url, &[]).to(format!("/people/{id}?notice=disabled"))
            }
        }
        (method, "/people/{id}/enable", case) => {
            let id = disabled(t, case.trim_start_matches("disabled "), n).await;
            let url = format!("/people/{id}/enable");
            if method == "GET" {
                Prepared::get(url)
            } else {
                Prepared::post(url, &[]).to(format!("/people/{id}?notice=enabled"))
            }
        }
        ("POST", "/people/{id}/role", case) => {
            let (from, to) = case.split_once(" to ").unwrap();
            let (id, _) = invited(t, from, n).await;
            Prepared::post(
                format!("/people/{id}/role"),
                &[
                    ("role", to),
                    ("election_authority_id", ""),
                    ("partner_org_id", ""),
                ],
            )
            .to(format!("/people/{id}?notice=role_changed"))
        }
        ("GET", "/audit", _) => Prepared::get(row.route),
        ("GET", "/grant-cycles/{id}/ledger", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            Prepared::get(format!("/grant-cycles/{cycle}/ledger"))
        }
        ("POST", "/grant-cycles/{id}/ledger/share", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            Prepared::post(
                format!("/grant-cycles/{cycle}/ledger/share"),
                &[("navigator_share", "600.00")],
            )
            .to(format!("/grant-cycles/{cycle}/ledger?notice=share_set"))
        }
        ("POST", "/grant-cycles/{id}/ledger/expenditures", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            let system = system_actor();
            t.app
                .set_navigator_share(
                    &system.manage_grants().unwrap(),
                    cycle,
                    "600.00",
                    &RequestMeta::default(),
                )
                .await
                .unwrap();
            Prepared::post(
                format!("/grant-cycles/{cycle}/ledger/expenditures"),
                &[
                    ("spent_on", "2026-01-05"),
                    ("category", "travel"),
                    ("eac_category", ""),
                    ("federal", "10.00"),
                    ("matching", ""),
                    ("description", "Visit to Adams"),
                ],
            )
            .to(format!("/grant-cycles/{cycle}/ledger?notice=expenditure_recorded"))
        }
        ("GET", "/grant-cycles/{id}/claims", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            Prepared::get(format!("/grant-cycles/{cycle}/claims"))
        }
        ("POST", "/grant-cycles/{id}/claims", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            let adams = t.authorities["adams"];
            let system = system_actor();
            let grants = system.manage_grants().unwrap();
            let meta = RequestMeta::default();
            t.app.set_navigator_share(&grants, cycle, "600.00", &meta).await.unwrap();
            common::meet_every_requirement(t, adams).await;
            common::certify(t, adams, cycle).await;
            t.app.make_award(&grants, cycle, adams, "100.00", &meta).await.unwrap();
            Prepared::post(
                format!("/grant-cycles/{cycle}/claims"),
                &[
                    ("spent_on", "2026-01-05"),
                    ("eac_category", "cyber_security"),
                    ("federal", "10.00"),
                    ("matching", ""),
                    ("description", "Firewall"),
                ],
            )
            .to(format!("/grant-cycles/{cycle}/claims?notice=claim_submitted"))
        }
        ("POST", "/grant-cycles/{id}/ledger/claims/{claim}/decision", _) => {
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            let adams = t.authorities["adams"];
            let system = system_actor();
            let grants = system.manage_grants().unwrap();
            let meta = RequestMeta::default();
            t.app.set_navigator_share(&grants, cycle, "600.00", &meta).await.unwrap();
            common::meet_every_requirement(t, adams).await;
            common::certify(t, adams, cycle).await;
            t.app.make_award(&grants, cycle, adams, "100.00", &meta).await.unwrap();
            let input = cybernav_app::grants::ClaimInput {
                spent_on: "2026-01-05".into(),
                eac_category: "cyber_security".into(),
                federal: "10.00".into(),
                description: "Matrix".into(),
                ..Default::default()
            };
            let claim = t.app.record_claim(&grants, cycle, adams, &input, &meta).await.unwrap().id;
            Prepared::post(
                format!("/grant-cycles/{cycle}/ledger/claims/{claim}/decision"),
                &[("status", "approved"), ("reason", "")],
            )
            .to(format!("/grant-cycles/{cycle}/ledger?notice=claim_decided#claims"))
        }
        ("POST", "/grant-cycles/{id}/ledger/awards", _) => {
            // Adams has not certified for a new cycle: allowed roles are told why (422), refused
            // roles get the refusal before the form is read.
            let cycle = common::grant_cycle(t, &format!("Matrix ledger {n}"), "1000.00").await;
            let adams = t.authorities["adams"].to_string();
            let mut p = Prepared::post(
                format!("/grant-cycles/{cycle}/ledger/awards"),
                &[("election_authority", &adams), ("amount", "10.00")],
            );
            p.ok = StatusCode::UNPROCESSABLE_ENTITY;
            p.writes = false;
            p
        }
        ("GET", "/election-authorities/{id}/findings", case) => {
            Prepared::get(format!("{}/findings", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/findings", case) => Prepared::post(
            format!("{}/findings", ea_href(case)),
            &[
                ("source", "self_report"),
                ("severity", "high"),
                ("title", &format!("Matrix finding {n}")),
                ("description", "Found in the matrix."),
                ("owner", "county_it"),
                ("recommendation_template", "patching"),
            ],
        )
        .to("/findings/*?notice=saved"),
        ("POST", "/election-authorities/{id}/findings/cyhy", case) => {
            let mut p = Prepared::post(format!("{}/findings/cyhy", ea_href(case)), &[]);
            p.send = Send::File {
                field: "file".into(),
                file_name: "potentially-risky-services.csv".into(),
                content: format!(
                    "owner,ip,port,protocol,service,initial_detection,latest_detection,age_days\nM,203.0.113.{},23,tcp,telnet,2026-01-05,2026-02-16,42\n",
                    n % 250 + 1
                ),
            };
            p
        }
        ("GET", "/findings", _) => Prepared::get("/findings"),
        ("POST", "/findings/kev", _) => {
            let mut p = Prepared::post("/findings/kev", &[]);
            p.send = Send::File {
                field: "file".into(),
                file_name: "known_exploited_vulnerabilities.json".into(),
                content: r#"{"title":"KEV","catalogVersion":"m","dateReleased":"2026-01-01","count":0,"vulnerabilities":[]}"#.into(),
            };
            p
        }
        ("GET", "/findings/{id}", case) => {
            Prepared::get(format!("/findings/{}", new_finding(t, ea(case)).await))
        }
        ("POST", "/findings/{id}/edit", case) => {
            let id = new_finding(t, ea(case)).await;
            Prepared::post(
                format!("/findings/{id}/edit"),
                &[
                    ("title", &format!("Matrix finding, edited {n}")),
                    ("description", "Found in the matrix."),
                    ("severity", "critical"),
                    ("owner", "county_it"),
                    ("port", "443"),
                ],
            )
            .to(format!("/findings/{id}?notice=saved"))
        }
        ("POST", "/findings/{id}/transition", case) => {
            let id = new_finding(t, ea(case)).await;
            Prepared::post(format!("/findings/{id}/transition"), &[("to", "in_progress"), ("note", "Started")])
                .to(format!("/findings/{id}?notice=saved"))
        }
        ("POST", "/findings/{id}/evidence", case) => {
            let id = new_finding(t, ea(case)).await;
            let mut p = Prepared::post(format!("/findings/{id}/evidence"), &[])
                .to(format!("/findings/{id}?notice=saved"));
            p.send = Send::File {
                field: "file".into(),
                file_name: "patched.txt".into(),
                content: "Patched on the 5th.".into(),
            };
            p
        }
        ("GET", "/election-authorities/{id}/findings.csv", case) => {
            Prepared::get(format!("{}/findings.csv", ea_href(case)))
        }
        ("POST", "/findings/{id}/comment", case) => {
            let id = new_finding(t, ea(case)).await;
            Prepared::post(format!("/findings/{id}/comment"), &[("body", "Matrix comment")])
                .to(format!("/findings/{id}?notice=saved"))
        }
        ("POST", "/audit/verify", _) => Prepared::post(row.route, &[]).read_only(),
        ("GET", "/account" | "/account/password" | "/account/mfa/setup", _) => {
            Prepared::get(row.route)
        }
        ("POST", "/account/tokens", _) => {
            Prepared::post(row.route, &[("name", &format!("SIEM export {n}"))])
        }
        ("POST", "/account/tokens/{id}/revoke", case) => {
            let owner = if case == "own token" {
                r.role
            } else {
                "navigator_other"
            };
            let actor = t.actor(owner).await;
            let (id, _) = t
                .app
                .create_api_token(&actor, "to revoke", &RequestMeta::default())
                .await
                .unwrap();
            Prepared::post(format!("/account/tokens/{id}/revoke"), &[])
                .to("/account?notice=token_revoked")
        }
        ("POST", "/logout", _) => Prepared::post(row.route, &[]).to("/login"),
        ("POST", "/account/digest", _) => Prepared::post(row.route, &[("receive", "off")])
            .to("/account?notice=saved#digest-heading"),
        ("POST", "/account/sign-out-everywhere", _) => {
            Prepared::post(row.route, &[]).to("/login?notice=signed_out_everywhere")
        }
        ("POST", "/account/password", _) => Prepared::post(
            row.route,
            &[
                ("current_password", &r.password),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .to("/login?notice=password"),
        ("POST", "/account/mfa/setup", _) => {
            // As a browser does: the set-up page shows the secret to type into the app.
            let page = r.c.get("/account/mfa/setup").await;
            let secret = TotpSecret::from_base32(&between(
                &page.body,
                "id=\"totp-secret\" class=\"cn-secret\">",
            ))
            .unwrap();
            let code = secret.code_at_step(time::OffsetDateTime::now_utc().unix_timestamp() / 30);
            Prepared::post(row.route, &[("code", &code)])
        }
        ("POST", "/account/recovery-codes", _) => Prepared::post(row.route, &[]),
        ("GET", "/login/mfa", _) => Prepared::get(row.route),
        ("POST", "/login/mfa", _) => {
            let code = r
                .recovery_code
                .clone()
                .expect("recovery codes were made by an earlier row");
            Prepared::post(row.route, &[("code", &code)]).to("/")
        }
        ("POST", "/election-authorities/{id}/icn/circuits", case) => Prepared::post(
            format!("{}/icn/circuits", ea_href(case)),
            &[
                ("reference", &format!("MATRIX-PAGE-{n}")),
                ("status", "planned"),
                ("agreement_signed_on", ""),
                ("connected_on", ""),
                ("notes", ""),
            ],
        )
        .to(format!("{}/icn?notice=circuit_added", ea_href(case))),
        ("POST", "/election-authorities/{id}/icn/circuits/{circuit}", case) => {
            let circuit = new_circuit(t, ea(case), n).await;
            Prepared::post(
                format!("{}/icn/circuits/{circuit}", ea_href(case)),
                &[
                    ("reference", &format!("MATRIX-C{n}")),
                    ("status", "ordered"),
                    ("agreement_signed_on", "2026-01-05"),
                    ("connected_on", ""),
                    ("notes", "Ordered from DoIT"),
                ],
            )
            .to(format!("{}/icn?notice=saved#circuit-{circuit}", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/icn/circuits/{circuit}/protections", case) => {
            let circuit = new_circuit(t, ea(case), n).await;
            Prepared::post(
                format!("{}/icn/circuits/{circuit}/protections", ea_href(case)),
                &[
                    ("protection", "intrusion_detection"),
                    ("in_place", "yes"),
                    ("since", "2026-02-01"),
                    ("kind", "Albert"),
                    ("sensor_id", "ALB-7"),
                ],
            )
            .to(format!("{}/icn?notice=saved#circuit-{circuit}", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/icn/circuits/{circuit}/allowlist", case) => {
            let circuit = new_circuit(t, ea(case), n).await;
            Prepared::post(
                format!("{}/icn/circuits/{circuit}/allowlist", ea_href(case)),
                &[("network", &matrix_network(n, 5)), ("description", "Clerk's office")],
            )
            .to(format!("{}/icn?notice=entry_added#circuit-{circuit}", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/icn/circuits/{circuit}/allowlist/{entry}/remove", case) => {
            let circuit = new_circuit(t, ea(case), n).await;
            let system = system_actor();
            let added = t
                .app
                .add_allowlist_entry(
                    &system.manage_icn_of(ea(case)).unwrap(),
                    circuit,
                    &matrix_network(n, 6),
                    None,
                    &RequestMeta::default(),
                )
                .await
                .unwrap();
            let entry = added.entry.id;
            Prepared::post(
                format!("{}/icn/circuits/{circuit}/allowlist/{entry}/remove", ea_href(case)),
                &[],
            )
            .to(format!("{}/icn?notice=entry_removed#circuit-{circuit}", ea_href(case)))
        }
        ("GET", "/icn", _) => Prepared::get("/icn"),
        ("POST", "/icn", _) => {
            Prepared::post("/icn", &[("private_addressing_only", "on")]).to("/icn?notice=saved")
        }
        ("GET", "/participation", _) => Prepared::get(row.route),
        ("POST", "/participation", _) => Prepared::post(
            row.route,
            &[
                ("name", &format!("Matrix cycle {n}")),
                ("grant_program", "HAVA Election Security"),
                ("funds", "1,000.00"),
                ("deadline", "2099-03-15"),
                ("time_zone", "America/Chicago"),
                ("set_id", ""),
                ("set_version", ""),
            ],
        )
        .to("/participation/*?notice=cycle_created"),
        ("GET", "/participation/{cycle}", _) => Prepared::get(format!("/participation/{}", r.cycle)),
        ("POST", "/participation/{cycle}/publish", _) => {
            let cycle = r.cycle;
            Prepared::post(format!("/participation/{cycle}/publish"), &[])
                .to(format!("/participation/{cycle}/report-card?notice=published"))
        }
        ("GET", "/participation/{cycle}/report-card", _) => {
            Prepared::get(format!("/participation/{}/report-card", r.cycle))
        }
        ("GET", "/election-authorities/{id}/participation", case) => {
            Prepared::get(format!("{}/participation?cycle={}", ea_href(case), r.cycle))
        }
        ("POST", "/election-authorities/{id}/participation/facts", case) => {
            let cycle = r.cycle.to_string();
            Prepared::post(
                format!("{}/participation/facts", ea_href(case)),
                &[("cycle", &cycle), ("fact", "icn.connected"), ("holds", "yes"), ("on", ""), ("note", "Matrix circuit")],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=saved", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/participation/check", case) => {
            // Illinois items rest on facts, not on ticking off: allowed roles are told so (422),
            // refused roles get the refusal before the form is read.
            let cycle = r.cycle.to_string();
            let mut p = Prepared::post(
                format!("{}/participation/check", ea_href(case)),
                &[("cycle", &cycle), ("requirement", "icn"), ("note", "")],
            );
            p.ok = StatusCode::UNPROCESSABLE_ENTITY;
            p.location = None;
            p.writes = false;
            p
        }
        ("POST", "/election-authorities/{id}/participation/certify", case) => {
            let cycle = r.cycle.to_string();
            Prepared::post(
                format!("{}/participation/certify", ea_href(case)),
                &[("cycle", &cycle), ("signer_name", "Matrix Official")],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=certified", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/participation/paper-certification", case) => {
            let cycle = r.cycle.to_string();
            Prepared::post(
                format!("{}/participation/paper-certification", ea_href(case)),
                &[
                    ("cycle", &cycle),
                    ("signer_name", "Matrix Official"),
                    ("received_on", "2026-01-05"),
                    ("received_time", "09:15"),
                ],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=paper_certified", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/participation/notes", case) => {
            let cycle = r.cycle.to_string();
            Prepared::post(
                format!("{}/participation/notes", ea_href(case)),
                &[("cycle", &cycle), ("requirement", "icn"), ("body", "Matrix note")],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=note_added#item-icn", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/participation/evidence", case) => {
            let cycle = r.cycle;
            let mut p = Prepared::post(
                format!("{}/participation/evidence?cycle={cycle}&requirement=icn", ea_href(case)),
                &[],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=evidence_added#item-icn", ea_href(case)));
            p.send = Send::File {
                field: "file".into(),
                file_name: "agreement.pdf".into(),
                content: "%PDF-1.4 matrix evidence".into(),
            };
            p
        }
        ("GET", "/election-authorities/{id}/documents" | "/election-authorities/{id}/visits" | "/election-authorities/{id}/visits/new", case) => {
            Prepared::get(row.route.replace("/election-authorities/{id}", &ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/documents", case) => Prepared::post(
            format!("{}/documents", ea_href(case)),
            &[("kind", "system_inventory"), ("title", &format!("Matrix inventory {n}")), ("version", "1.0")],
        )
        .to(format!("{}/documents?notice=document_added#document-*", ea_href(case))),
        ("POST", "/election-authorities/{id}/documents/{document}/file", case) => {
            let doc = new_document(t, ea(case), n).await;
            let mut p = Prepared::post(format!("{}/documents/{doc}/file", ea_href(case)), &[])
                .to(format!("{}/documents?notice=document_file_added#document-{doc}", ea_href(case)));
            p.send = Send::File {
                field: "file".into(),
                file_name: "diagram.pdf".into(),
                content: "%PDF-1.4 matrix diagram".into(),
            };
            p
        }
        ("POST", "/election-authorities/{id}/documents/{document}/reviews", case) => {
            let doc = new_document(t, ea(case), n).await;
            Prepared::post(
                format!("{}/documents/{doc}/reviews", ea_href(case)),
                &[("outcome", "accurate"), ("reviewed_on", "2026-01-05")],
            )
            .to(format!("{}/documents?notice=review_recorded#document-{doc}", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/visits/new", case) => {
            let nav = t.people["navigator"].id.to_string();
            Prepared::post(
                format!("{}/visits/new", ea_href(case)),
                &[("visited_on", "2026-01-05"), ("purpose", "training"), ("navigator", &nav), ("attendees", "Pat Clerk")],
            )
            .to(format!("{}/visits/*?notice=visit_recorded", ea_href(case)))
        }
        ("GET", "/election-authorities/{id}/visits/{visit}", case) => {
            let navigator = if case == "chicago" { "navigator_other" } else { "navigator" };
            let (visit, _) = new_visit(t, ea(case), t.people[navigator].id).await;
            Prepared::get(format!("{}/visits/{visit}", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/visits/{visit}/follow-ups", case) => {
            let (visit, _) = new_visit(t, ea(case), t.people["navigator"].id).await;
            Prepared::post(
                format!("{}/visits/{visit}/follow-ups", ea_href(case)),
                &[("description", "Turn on MFA for e-mail"), ("due_on", "2026-04-01")],
            )
            .to(format!("{}/visits/{visit}?notice=follow_up_added#follow-ups", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/visits/{visit}/follow-ups/{follow_up}/done", case) => {
            let (visit, follow_up) = new_visit(t, ea(case), t.people["navigator"].id).await;
            Prepared::post(
                format!("{}/visits/{visit}/follow-ups/{follow_up}/done", ea_href(case)),
                &[("done", "yes")],
            )
            .to(format!("{}/visits/{visit}?notice=follow_up_saved#follow-ups", ea_href(case)))
        }
        ("GET", "/my-work" | "/workload", _) => Prepared::get(row.route),
        ("POST", "/workload/apply", _) => {
            let fingerprint = current_fingerprint(t).await;
            Prepared::post("/workload/apply", &[("fingerprint", &fingerprint)])
                .to("/workload?notice=assignment_applied")
        }
        ("GET", "/evidence/{id}", case) => Prepared::get(format!(
            "/evidence/{}",
            if case == "chicago" { r.evidence.1 } else { r.evidence.0 }
        )),
        ("POST", "/election-authorities/{id}/participation/attest", case) => {
            // Every requirement met first, so an allowed role's signature goes through.
            common::meet_every_requirement(t, ea(case)).await;
            let cycle = r.cycle.to_string();
            let kind = case.split(", ").nth(1).unwrap_or_default();
            Prepared::post(
                format!("{}/participation/attest", ea_href(case)),
                &[("cycle", &cycle), ("kind", kind)],
            )
            .to(format!("{}/participation?cycle={cycle}&notice=attested#verification", ea_href(case)))
        }
        ("GET", "/attestations/{id}" | "/attestations/{id}/file" | "/attestations/{id}/letter.pdf", case) => {
            let id = matrix_attestation(r, case).await;
            Prepared::get(row.route.replace("{id}", &id.to_string()))
        }
        ("GET", "/need-to-know" | "/need-to-know/roster" | "/need-to-know/roster.csv", _) => {
            Prepared::get(row.route)
        }
        ("POST", "/need-to-know/apply", _) => {
            ntk_application(t, r.role, "none").await;
            Prepared::post(
                "/need-to-know/apply",
                &[
                    ("organisation", "Matrix County"),
                    ("title", "Clerk"),
                    ("justification", "Matrix"),
                    ("sponsor_name", "Pat Matrix"),
                    ("sponsor_email", "pat@matrix.example"),
                ],
            )
            .to("/need-to-know?notice=ntk_applied")
        }
        ("POST", "/need-to-know/{id}/accept", case) => {
            let whose = if case.starts_with("own") { r.role } else { "navigator_other" };
            let id = ntk_application(t, whose, "approved").await;
            Prepared::post(
                format!("/need-to-know/{id}/accept"),
                &[
                    ("agree", "yes"),
                    ("agreement_version", cybernav_core::need_to_know::AGREEMENT_VERSION),
                ],
            )
            .to("/need-to-know?notice=ntk_accepted")
        }
        ("POST", "/need-to-know/{id}/decision", _) => {
            let id = ntk_application(t, "navigator_other", "pending").await;
            Prepared::post(format!("/need-to-know/{id}/decision"), &[("decision", "approve"), ("note", "")])
                .to("/need-to-know/roster?notice=ntk_approved")
        }
        ("POST", "/need-to-know/{id}/renew", _) => {
            let id = ntk_application(t, "navigator_other", "active").await;
            Prepared::post(format!("/need-to-know/{id}/renew"), &[])
                .to("/need-to-know/roster?notice=ntk_renewed")
        }
        ("POST", "/need-to-know/{id}/revoke", _) => {
            let id = ntk_application(t, "navigator_other", "active").await;
            Prepared::post(format!("/need-to-know/{id}/revoke"), &[("reason", "Left the office")])
                .to("/need-to-know/roster?notice=ntk_revoked")
        }
        ("GET", "/directory" | "/directory/new" | "/directory.csv" | "/directory.json" | "/outreach", _) => {
            Prepared::get(row.route)
        }
        ("POST", "/directory", _) => Prepared::post(
            "/directory",
            &[
                ("organisation", &format!("Matrix fusion center {n}")),
                ("kind", "fusion_center"),
                ("scope", "statewide"),
                ("phone_24x7", "+1 217-555-0100"),
                ("escalation_order", "1"),
            ],
        )
        .to("/directory?notice=directory_added#entry-*"),
        ("GET", "/directory/{id}/edit", _) => {
            let id = new_directory_entry(t, n).await;
            Prepared::get(format!("/directory/{id}/edit"))
        }
        ("POST", "/directory/{id}", _) => {
            let id = new_directory_entry(t, n).await;
            Prepared::post(
                format!("/directory/{id}"),
                &[
                    ("organisation", &format!("Matrix fusion center {n}, renamed")),
                    ("kind", "fusion_center"),
                    ("scope", "statewide"),
                    ("phone_24x7", "+1 217-555-0101"),
                    ("escalation_order", "2"),
                ],
            )
            .to(format!("/directory?notice=directory_saved#entry-{id}"))
        }
        ("POST", "/directory/{id}/verify", _) => {
            let id = new_directory_entry(t, n).await;
            Prepared::post(format!("/directory/{id}/verify"), &[])
                .to(format!("/directory?notice=directory_verified#entry-{id}"))
        }
        ("POST", "/directory/{id}/delete", _) => {
            let id = new_directory_entry(t, n).await;
            Prepared::post(format!("/directory/{id}/delete"), &[])
                .to("/directory?notice=directory_deleted")
        }
        ("GET", "/authorities/{id}/incident-card", case) => {
            Prepared::get(format!("/authorities/{}/incident-card", ea(case)))
        }
        ("POST", "/outreach/contacts", case) => {
            let id = ea(case).to_string();
            Prepared::post(
                "/outreach/contacts",
                &[
                    ("election_authority_id", &id),
                    ("contacted_on", "2026-01-05"),
                    ("kind", "visit"),
                    ("people_met", "Pat Clerk"),
                    ("topic", &format!("Matrix {n}")),
                    ("notes", "Backups are on the same server"),
                    ("notes_internal", "yes"),
                    ("follow_up_on", ""),
                ],
            )
            .to(format!("/outreach?authority={id}&notice=outreach_logged#contacts"))
        }
        ("POST", "/events", _) => Prepared::post(
            "/events",
            &[
                ("held_on", "2026-02-01"),
                ("event_kind", "tabletop"),
                ("title", &format!("Matrix tabletop {n}")),
                ("audience", "County clerks"),
            ],
        )
        .to("/events/*?notice=event_created"),
        ("GET", "/events/{id}", _) => {
            let id = new_event(t, n).await;
            Prepared::get(format!("/events/{id}"))
        }
        ("POST", "/events/{id}/attendance", case) => {
            let id = new_event(t, n).await;
            Prepared::post(
                format!("/events/{id}/attendance"),
                &[
                    ("election_authority_id", &ea(case).to_string()),
                    ("person_name", &format!("Matrix person {n}")),
                ],
            )
            .to(format!("/events/{id}?notice=attendance_recorded#attendance"))
        }
        ("GET", "/intake", _) => Prepared::get("/intake"),
        ("POST", "/intake/upload", _) => {
            let mut p = Prepared::post("/intake/upload", &[]);
            p.send = Send::File {
                field: "file".into(),
                file_name: "matrix.txt".into(),
                content: format!("198.51.100.{}\nexample[.]org\n", n % 250 + 1),
            };
            p
        }
        ("POST", "/intake/feeds", _) => Prepared::post(
            "/intake/feeds",
            &[
                ("feed_source", "Matrix TAXII"),
                ("feed_api_root", "https://taxii.example.gov/api1/"),
                ("feed_collection", &format!("matrix-form-{n}")),
                ("feed_user", ""),
                ("feed_secret", "env:CYBERNAV_TAXII_SECRET_MATRIX"),
                ("feed_every", "30"),
                ("feed_tlp", "AMBER"),
            ],
        )
        .to("/intake?notice=feed_added#feeds"),
        ("POST", "/intake/feeds/{id}/poll", _) => {
            let id = new_feed(t, n).await;
            // The feed is made due (audited); the serve loop polls it, not the request.
            Prepared::post(format!("/intake/feeds/{id}/poll"), &[])
                .to("/intake?notice=feed_poll_requested#feeds")
        }
        ("POST", "/intake/feeds/{id}/schedule", _) => {
            let id = new_feed(t, n).await;
            Prepared::post(format!("/intake/feeds/{id}/schedule"), &[("enabled", "false")])
                .to("/intake?notice=feed_paused#feeds")
        }
        ("GET", "/sharing" | "/sharing/new", _) => Prepared::get(row.route),
        ("POST", "/sharing/new", _) => Prepared::post(
            "/sharing/new",
            &[
                ("kind", "bulletin"),
                ("title", &format!("Matrix bulletin {n}")),
                ("summary", "Matrix"),
                ("base_marking", "TLP:GREEN"),
                ("body", "Patch now."),
            ],
        )
        .to("/sharing/*?notice=product_created"),
        ("GET", "/sharing/recipients", _) => Prepared::get("/sharing/recipients?q=ad"),
        ("GET", "/sharing/digests", _) => Prepared::get(row.route),
        ("GET", "/sharing/{id}", "published TLP:RED") => {
            let id = matrix_red_product(t).await;
            Prepared::get(format!("/sharing/{id}"))
        }
        ("GET", "/sharing/{id}", case) => {
            let id = matrix_product(t, case == "published").await;
            Prepared::get(format!("/sharing/{id}"))
        }
        ("GET", "/sharing/{id}/edit", _) => {
            let id = matrix_product(t, false).await;
            Prepared::get(format!("/sharing/{id}/edit"))
        }
        ("POST", "/sharing/{id}/edit", _) => {
            let id = matrix_product(t, false).await;
            Prepared::post(
                format!("/sharing/{id}/edit"),
                &[
                    ("kind", "note"),
                    ("title", "Matrix note, edited"),
                    ("summary", "Matrix summary"),
                    ("base_marking", "TLP:AMBER"),
                    ("body", "Matrix paragraph."),
                ],
            )
            .to(format!("/sharing/{id}?notice=saved"))
        }
        ("POST", "/sharing/{id}/transition", _) => {
            let id = matrix_product(t, false).await;
            Prepared::post(format!("/sharing/{id}/transition"), &[("action", "submit")])
                .to(format!("/sharing/{id}?notice=product_submitted"))
        }
        ("GET", "/election-authorities/{id}/information-needs", case) => {
            Prepared::get(format!("{}/information-needs", ea_href(case)))
        }
        ("POST", "/election-authorities/{id}/information-needs", case) => Prepared::post(
            format!("{}/information-needs", ea_href(case)),
            &[("topics", "ransomware"), ("systems", "e-poll books"), ("vendors", "")],
        )
        .to(format!("{}/information-needs?notice=needs_saved", ea_href(case))),
        ("GET", "/reports" | "/reports/new", _) => Prepared::get(row.route),
        ("POST", "/reports/new", _) => {
            let day = (time::OffsetDateTime::now_utc() - time::Duration::days(2))
                .date()
                .to_string();
            Prepared::post(
                "/reports/new",
                &[
                    ("kind", "phishing"),
                    ("seen_on", &day),
                    ("description", &format!("Matrix phishing {n}")),
                    ("indicators", &format!("hxxp://matrix{n}[.]example/login")),
                    ("tlp", "amber"),
                ],
            )
            .to("/reports/*?notice=report_sent")
        }
        ("GET", "/reports/{id}", case) => {
            let id = matrix_report(t, case, n).await;
            Prepared::get(format!("/reports/{id}"))
        }
        ("POST", "/reports/{id}/validate", case) => {
            let id = matrix_report(t, case, n).await;
            Prepared::post(format!("/reports/{id}/validate"), &[("note", "Matrix")])
                .to(format!("/reports/{id}?notice=report_validated"))
        }
        ("POST", "/reports/{id}/reject", case) => {
            let id = matrix_report(t, case, n).await;
            Prepared::post(format!("/reports/{id}/reject"), &[("reason", "Matrix")])
                .to(format!("/reports/{id}?notice=report_rejected"))
        }
        other => panic!("no way to exercise {other:?}: add an arm to `prepare`"),
    }
}

/// Whether `location` matches `pattern`, where `*` stands for any text.
fn location_matches(pattern: &str, location: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == location,
        Some((head, tail)) => {
            location.len() >= head.len() + tail.len()
                && location.starts_with(head)
                && location.ends_with(tail)
        }
    }
}

/// Sends the prepared request with the runner's cookies (and CSRF token).
async fn send(r: &mut Runner<'_>, p: &Prepared) -> Reply {
    match &p.send {
        Send::Get => r.c.get(&p.url).await,
        Send::Form(fields) => {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            r.c.post_form(&p.url, &fields).await
        }
        Send::Upload(_) | Send::File { .. } => {
            const BOUNDARY: &str = "cybernav-matrix-boundary";
            let csrf = r.c.csrf().await;
            let body = match &p.send {
                Send::Upload(file) => format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nauthorities\r\n\
                     --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"registry.csv\"\r\n\
                     Content-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
                ),
                Send::File {
                    field,
                    file_name,
                    content,
                } => format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
                ),
                Send::Get | Send::Form(_) => unreachable!(),
            };
            let cookies =
                r.c.cookies
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ");
            let sep = if p.url.contains('?') { '&' } else { '?' };
            let req = Request::post(format!("{}{sep}csrf={csrf}", p.url))
                .header(header::COOKIE, cookies)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap();
            r.t.request(req).await
        }
    }
}

/// What a successful row leaves behind that later rows need.
fn remember(r: &mut Runner<'_>, row: &PageRow, reply: &Reply) {
    match (row.method, row.route) {
        ("POST", "/account/password") => r.password = NEW_PASSWORD.into(),
        ("POST", "/account/recovery-codes") => {
            r.recovery_code = Some(between(&reply.body, "<li><code>").to_string());
        }
        _ => {}
    }
}

/// Runs every row as `role`, on a fresh application, and returns the mismatches.
async fn run_pages_as(db: Db, role: &'static str) -> Vec<String> {
    let t = TestApp::new(db).await;
    let mut r = Runner {
        t: &t,
        role,
        c: t.client(),
        password: common::PASSWORD.into(),
        recovery_code: None,
        n: 0,
        cycle: matrix_cycle(&t).await,
        evidence: (uuid::Uuid::nil(), uuid::Uuid::nil()),
        attestations: std::collections::HashMap::new(),
    };
    r.evidence = (
        matrix_evidence(&t, r.cycle, "adams").await,
        matrix_evidence(&t, r.cycle, "chicago").await,
    );
    r.sign_in().await;
    let mut failures = Vec::new();
    for row in page_table() {
        let p = prepare(&mut r, &row).await;
        let before = audit_total(&t).await;
        let reply = send(&mut r, &p).await;
        let after = audit_total(&t).await;
        let expected = row.expected(role);
        let what = format!(
            "{db:?} {role:>16} {} {} [{}] ({})",
            row.method, row.route, row.case, p.url
        );
        let mut problems = Vec::new();
        match expected {
            Outcome::Allowed => {
                if reply.status != p.ok {
                    problems.push(format!("expected {}, got {}", p.ok, reply.status));
                } else if let Some(pattern) = &p.location
                    && !location_matches(pattern, &reply.location())
                {
                    problems.push(format!(
                        "expected a redirect to {pattern}, got one to {}",
                        reply.location()
                    ));
                }
                if p.writes && after <= before {
                    problems.push("allowed, but no audit record was written".into());
                }
            }
            refused => {
                let (status, text) = match refused {
                    Outcome::Forbidden => (StatusCode::FORBIDDEN, "Not available to your role"),
                    Outcome::NotFound => (StatusCode::NOT_FOUND, "Page not found"),
                    _ => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "only a Board administrator may give the",
                    ),
                };
                if reply.status != status {
                    problems.push(format!("expected {status}, got {}", reply.status));
                } else if !reply.body.contains(text) {
                    problems.push(format!("the {status} page does not say '{text}'"));
                }
                if after != before {
                    problems.push(format!(
                        "refused, yet {} audit record(s) were written",
                        after - before
                    ));
                }
            }
        }
        if problems.is_empty() {
            if expected == Outcome::Allowed {
                remember(&mut r, &row, &reply);
            }
        } else {
            failures.push(format!(
                "{what}: {}; body: {}",
                problems.join("; "),
                reply.body.chars().take(200).collect::<String>()
            ));
        }
        // A row that signed the person out: sign in again for the next.
        if !r.c.cookies.contains_key(SESSION_COOKIE) {
            r.sign_in().await;
        }
    }
    t.cleanup().await;
    failures
}

/// A grant cycle with the Illinois set, opened by the system.
async fn matrix_cycle(t: &TestApp) -> uuid::Uuid {
    let system = system_actor();
    t.app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &cybernav_app::participation::GrantCycleInput {
                name: "Matrix cycle".into(),
                grant_program: "HAVA".into(),
                funds: "1000".into(),
                deadline: "2099-03-15".into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// The Program Manager's verification of `case`'s checklist, signed once per runner.
async fn matrix_attestation(r: &mut Runner<'_>, case: &str) -> uuid::Uuid {
    if let Some(id) = r.attestations.get(case) {
        return *id;
    }
    let t = r.t;
    let ea = t.authorities[case];
    common::meet_every_requirement(t, ea).await;
    let pm = t.actor("program_manager").await;
    let id = t
        .app
        .attest_program_manager(
            &pm.attest_as_program_manager(ea).unwrap(),
            r.cycle,
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .row
        .id;
    r.attestations.insert(case.to_string(), id);
    id
}

/// An evidence file on the ICN item of `case`'s checklist, filed by the system.
async fn matrix_evidence(t: &TestApp, cycle: uuid::Uuid, case: &str) -> uuid::Uuid {
    let system = system_actor();
    let cap = system.write_checklist_of(t.authorities[case]).unwrap();
    t.app
        .upload_evidence(
            &cap,
            cycle,
            "icn",
            "agreement.pdf",
            b"%PDF-1.4 matrix",
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn every_page_route_as_every_role() {
    let table = page_table();
    for row in &table {
        for list in [row.may, row.not_found, row.invalid] {
            assert!(
                list.iter().all(|r| ROLES.contains(r)),
                "{row:?}: unknown role"
            );
        }
        assert!(
            !row.may
                .iter()
                .any(|r| row.not_found.contains(r) || row.invalid.contains(r)),
            "{row:?}: a role both may and may not"
        );
    }
    // Each role has an application of its own, so the roles run side by side.
    let mut runs = tokio::task::JoinSet::new();
    for db in databases() {
        for role in ROLES {
            runs.spawn(run_pages_as(db, role));
        }
    }
    let mut failures = Vec::new();
    while let Some(run) = runs.join_next().await {
        failures.extend(run.unwrap());
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "page matrix failures:\n{}",
        failures.join("\n")
    );
}

/// The text of `fn name(…) { … }` in `source`, up to its closing brace.
fn function_body<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let start = source.find(&format!("fn {name}("))?;
    let open = start + source[start..].find('{')?;
    let mut depth = 0;
    for (i, ch) in source[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(&source[open..=open + i]);
        }
    }
    None
}

/// The page routes as the source declares them: every `.route("path", get(..).post(..))` in
/// `src/pages`, read at test time so a new route or a new file is seen.
fn page_routes_in_source() -> BTreeSet<(String, String)> {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages"),
        &mut paths,
    );
    let mut routes = BTreeSet::new();
    for file in paths {
        let source = std::fs::read_to_string(&file).unwrap();
        for (at, _) in source.match_indices(".route(") {
            // The call's arguments, up to the matching parenthesis.
            let args_start = at + ".route(".len();
            let mut depth = 1;
            let mut end = args_start;
            for (i, ch) in source[args_start..].char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = args_start + i;
                    break;
                }
            }
            let args = &source[args_start..end];
            let mut quoted = args.split('"');
            let path = quoted.nth(1).unwrap_or_else(|| {
                panic!("{}: a route without a literal path: {args}", file.display())
            });
            let mut handlers = args[args.find(',').unwrap() + 1..].to_string();
            // A method router built by a function of the same file: scan that function too.
            let callee = handlers.trim().split('(').next().unwrap_or("").to_string();
            if !callee.is_empty()
                && callee.chars().all(|c| c.is_alphanumeric() || c == '_')
                && let Some(body) = function_body(&source, &callee)
            {
                handlers.push_str(body);
            }
            let handlers = handlers.as_str();
            let mut found = false;
            for (method, name) in [
                ("GET", "get"),
                ("POST", "post"),
                ("PUT", "put"),
                ("PATCH", "patch"),
                ("DELETE", "delete"),
                ("ANY", "any"),
            ] {
                let called = handlers.match_indices(&format!("{name}(")).any(|(i, _)| {
                    !handlers[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if called {
                    routes.insert((method.to_string(), path.to_string()));
                    found = true;
                }
            }
            assert!(found, "{}: no method for route {path}", file.display());
        }
    }
    routes
}

#[test]
fn every_page_route_has_a_row() {
    let in_source = page_routes_in_source();
    assert!(
        in_source.len() > 30
            && in_source.contains(&("POST".into(), "/contacts/{id}/verify".into())),
        "the route scan finds the routes: {in_source:?}"
    );
    let in_table: BTreeSet<(String, String)> = page_table()
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_string()))
        .collect();
    let missing: Vec<_> = in_source.difference(&in_table).collect();
    let extra: Vec<_> = in_table.difference(&in_source).collect();
    assert!(
        missing.is_empty(),
        "page routes with no row in the authorisation matrix: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "matrix rows that are not page routes: {extra:?}"
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

/// (method, path, expected status per role) for every TAXII operation. Reading the shared
/// collections is open to every account (each object then passes the access decision); the
/// reports collection is written by the people of an authority and read by the Board staff
/// who validate reports; it is not shown at all to partners and auditors (404).
/// A TAXII matrix row: method, path, and the expected status per role.
type TaxiiRow = (&'static str, String, Vec<(&'static str, u16)>);

fn taxii_table(status: &str, object: &str) -> Vec<TaxiiRow> {
    const BOARD: &str = "/taxii2/root/collections/9b1f3c52-7e4d-4a8b-9c21-5d0e6f7a8b01";
    const REPORTS: &str = "/taxii2/root/collections/c4d2e8f6-1a3b-4c5d-8e7f-0a9b1c2d3e03";
    let all = |code: u16| ROLES.iter().map(|r| (*r, code)).collect::<Vec<_>>();
    let reports_read = ROLES
        .iter()
        .map(|r| {
            (
                *r,
                match *r {
                    "board_admin" | "program_manager" | "navigator" => 200,
                    "ea_official" | "ea_it" => 403,
                    _ => 404,
                },
            )
        })
        .collect::<Vec<_>>();
    let reports_write = ROLES
        .iter()
        .map(|r| {
            (
                *r,
                match *r {
                    "ea_official" | "ea_it" => 202,
                    "board_admin" | "program_manager" | "navigator" => 403,
                    _ => 404,
                },
            )
        })
        .collect::<Vec<_>>();
    let reports_collection = ROLES
        .iter()
        .map(|r| {
            (
                *r,
                if matches!(*r, "partner" | "auditor") {
                    404
                } else {
                    200
                },
            )
        })
        .collect::<Vec<_>>();
    // The status belongs to the Adams official who posted it.
    let status_read = ROLES
        .iter()
        .map(|r| (*r, if *r == "ea_official" { 200 } else { 404 }))
        .collect::<Vec<_>>();
    vec![
        ("GET", "/taxii2/".into(), all(200)),
        ("GET", "/taxii2/root/".into(), all(200)),
        ("GET", "/taxii2/root/collections/".into(), all(200)),
        ("GET", format!("{BOARD}/"), all(200)),
        ("GET", format!("{REPORTS}/"), reports_collection),
        ("GET", format!("{BOARD}/manifest/"), all(200)),
        ("GET", format!("{BOARD}/objects/"), all(200)),
        ("GET", format!("{REPORTS}/objects/"), reports_read.clone()),
        ("POST", format!("{REPORTS}/objects/"), reports_write),
        ("POST", format!("{BOARD}/objects/"), { all(403) }),
        ("GET", format!("{BOARD}/objects/{object}/"), all(200)),
        (
            "GET",
            format!("{BOARD}/objects/{object}/versions/"),
            all(200),
        ),
        ("GET", format!("/taxii2/root/status/{status}/"), status_read),
    ]
}

#[tokio::test]
async fn every_taxii_operation_as_every_role() {
    let t = TestApp::new(Db::Sqlite).await;
    // A CLEAR indicator everyone receives, and a status owned by the Adams official.
    let pm = t.actor("program_manager").await;
    t.app
        .import_indicator_list(
            &pm.import_intel().unwrap(),
            &cybernav_app::sharing::intake::SourceSpec {
                name: "Matrix list".into(),
                kind: "list".into(),
                default_marking: cybernav_core::sharing::marking::Marking::tlp(
                    cybernav_core::sharing::marking::Tlp::Clear,
                ),
            },
            "list.txt",
            cybernav_app::sharing::intake_feeds::ListFormat::FreeText,
            b"matrix.example\n",
            &RequestMeta::default(),
        )
        .await
        .unwrap();
    let official = t.actor("ea_official").await;
    let envelope = |n: usize| {
        format!(
            r#"[{{"type":"note","spec_version":"2.1","id":"note--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d{n:04}",
               "created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",
               "content":"seen","object_refs":["indicator--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e01"]}}]"#
        )
    };
    let status = t
        .app
        .taxii_add_objects(
            &official.read_taxii(),
            cybernav_app::sharing::taxii::Collection::Reports,
            &envelope(9999),
            &RequestMeta::default(),
        )
        .await
        .unwrap()
        .id;
    let object = {
        let token = t.token("partner").await;
        let r = t
            .request(
                Request::get("/taxii2/root/collections/9b1f3c52-7e4d-4a8b-9c21-5d0e6f7a8b01/objects/?match%5Btype%5D=indicator")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        r.json()["objects"][0]["id"].as_str().unwrap().to_string()
    };
    let table = taxii_table(&status.to_string(), &object);
    // Every operation of the server has at least one row.
    for (method, template) in cybernav_web::taxii::OPERATIONS {
        let prefix = template.split('{').next().unwrap();
        let suffix = template.rsplit('}').next().unwrap();
        assert!(
            table.iter().any(|(m, p, _)| *m == method
                && p.starts_with(prefix)
                && p.ends_with(suffix)
                && (template.contains('{') || p == template)),
            "TAXII operation {method} {template} has no row in the matrix"
        );
    }
    let mut failures = Vec::new();
    for (n, (method, path, expected)) in table.iter().enumerate() {
        for (role, code) in expected {
            let token = t.token(role).await;
            let mut req = Request::builder()
                .method(*method)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::ACCEPT, "application/taxii+json;version=2.1");
            let body = if *method == "POST" {
                req = req.header(header::CONTENT_TYPE, "application/taxii+json;version=2.1");
                Body::from(format!(
                    r#"{{"objects":{}}}"#,
                    envelope(n * 10 + ROLES.iter().position(|r| r == role).unwrap())
                ))
            } else {
                Body::empty()
            };
            let r = t.request(req.body(body).unwrap()).await;
            if r.status.as_u16() != *code {
                failures.push(format!(
                    "{method} {path} as {role}: {} (expected {code}): {}",
                    r.status, r.body
                ));
            }
            // Without a token, every operation is 401.
        }
        let r = t
            .request(
                Request::builder()
                    .method(*method)
                    .uri(path)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        if r.status != StatusCode::UNAUTHORIZED {
            failures.push(format!("{method} {path} without a token: {}", r.status));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    t.cleanup().await;
}
