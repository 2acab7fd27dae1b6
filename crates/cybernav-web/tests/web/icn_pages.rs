//! The ICN page's forms (Part 213.20), on SQLite and PostgreSQL: the allowlist's refusals show
//! beside the network field and store nothing, and the Board's switch to private addressing
//! only names the public entries that stand in its way, then refuses public ranges.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, audit_total, databases};
use cybernav_app::RequestMeta;
use cybernav_core::authz::system_actor;
use uuid::Uuid;

/// The circuits of `ea` and their entries' networks, as stored.
async fn stored(t: &TestApp, ea: Uuid) -> Vec<(Uuid, Vec<String>)> {
    let board = t.actor("board_admin").await;
    t.app
        .icn_circuits(&board.read_icn_of(ea).unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.row.id,
                c.entries.iter().map(|e| e.network.to_string()).collect(),
            )
        })
        .collect()
}

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
async fn allowlist_forms_refuse_overlaps_and_public_ranges() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = t.authorities["adams"];
        let cook = t.authorities["cook"];
        let page = format!("/election-authorities/{adams}/icn");

        // Cook already holds 10.50.0.0/16.
        let system = system_actor();
        let cook_cap = system.manage_icn_of(cook).unwrap();
        let cook_circuit = t
            .app
            .create_circuit(
                &cook_cap,
                &cybernav_app::icn::CircuitInput {
                    reference: "ICN-COOK-01".into(),
                    status: "connected".into(),
                    ..Default::default()
                },
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        t.app
            .add_allowlist_entry(
                &cook_cap,
                cook_circuit,
                "10.50.0.0/16",
                None,
                &RequestMeta::default(),
            )
            .await
            .unwrap();

        // Adams's navigator records a circuit through the form.
        let mut nav = t.signed_in("navigator").await;
        let r = nav.get(&page).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Record a new circuit"), "{}", r.body);
        let r = nav
            .post_form(
                &format!("{page}/circuits"),
                &[
                    ("reference", "ICN-ADAMS-01"),
                    ("status", "planned"),
                    ("agreement_signed_on", ""),
                    ("connected_on", ""),
                    ("notes", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{page}?notice=circuit_added"));
        let circuit = stored(&t, adams).await[0].0;
        let add = format!("{page}/circuits/{circuit}/allowlist");
        let field = format!("a{circuit}-network");

        // An overlap with Cook's range: refused beside the field, nothing stored or audited.
        let before = audit_total(&t).await;
        let r = nav
            .post_form(
                &add,
                &[("network", "10.50.1.0/24"), ("description", "Clerk")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let beside = error_beside(&r.body, &field);
        assert!(
            beside.contains("10.50.1.0/24 overlaps the entry 10.50.0.0/16"),
            "{beside}"
        );
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "summary links the field"
        );
        assert!(
            r.body.contains("value=\"10.50.1.0/24\""),
            "the form keeps what was sent"
        );
        assert_eq!(stored(&t, adams).await[0].1, Vec::<String>::new());
        assert_eq!(audit_total(&t).await, before);

        // Host bits: refused beside the field too.
        let r = nav.post_form(&add, &[("network", "10.60.0.1/16")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(error_beside(&r.body, &field).contains("host bits"));

        // A public range is accepted, flagged, while the switch is off.
        let r = nav.post_form(&add, &[("network", "8.8.4.0/24")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().contains("notice=entry_added_public"));

        // The Board cannot turn the switch on while it remains: the refusal names it.
        let mut board = t.signed_in("board_admin").await;
        let r = board
            .post_form("/icn", &[("private_addressing_only", "on")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body
                .contains("1 allowlist entry uses public addressing: 8.8.4.0/24"),
            "{}",
            r.body
        );
        assert!(r.body.contains("circuit ICN-ADAMS-01"));

        // Removed through its form, the switch goes on.
        let entry = {
            let board_actor = t.actor("board_admin").await;
            t.app
                .icn_circuits(&board_actor.read_icn_of(adams).unwrap())
                .await
                .unwrap()[0]
                .entries[0]
                .id
        };
        let r = nav
            .post_form(
                &format!("{page}/circuits/{circuit}/allowlist/{entry}/remove"),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = board
            .post_form("/icn", &[("private_addressing_only", "on")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Now a public range is refused beside the field, and nothing is stored.
        let r = nav.post_form(&add, &[("network", "8.8.8.0/24")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(error_beside(&r.body, &field).contains("requires private addressing only"));
        assert_eq!(stored(&t, adams).await[0].1, Vec::<String>::new());

        // A private one still goes in.
        let r = nav.post_form(&add, &[("network", "10.70.0.0/24")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            stored(&t, adams).await[0].1,
            vec!["10.70.0.0/24".to_string()]
        );

        // The county sees the page without the forms.
        let mut clerk = t.signed_in("ea_official").await;
        let r = clerk.get(&page).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("Add network"));
        assert!(r.body.contains("10.70.0.0/24"));
        t.cleanup().await;
    }
}
