//! Assessment pages without JavaScript: a navigator saves one control at a time, a wrong
//! answer comes back with the problem named and nothing stored, the Program Manager sends back
//! and validates, scores show as SVG with a table beside them, and the county sees its trend
//! and why a peer comparison is withheld.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{AssessmentSetup, Db, Stage, TestApp};
use cybernav_core::scoring::synthetic_catalog;

#[tokio::test]
async fn a_navigator_answers_by_control_and_the_program_manager_validates() {
    let t = TestApp::new(Db::Sqlite).await;
    let catalog = synthetic_catalog(36);
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let adams = t.authorities["adams"];
    let id = common::assessment(
        &t,
        AssessmentSetup {
            scope: "ig1",
            method: "csat-4d-v1",
            answers: Vec::new(),
            stage: Stage::Answered,
            ..AssessmentSetup::simple(&t, catalog.clone(), cycle, 1)
        },
    )
    .await;
    let url = format!("/assessments/{id}");

    let mut nav = t.signed_in("navigator").await;
    let page = nav.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Save control 1"), "the form is there");
    assert!(
        page.body.contains(
            r#"<label class="usa-label" for="policy_defined|1.1">Policy defined</label>"#
        )
    );

    // A wrong answer: the page comes back at 422 naming the item, nothing stored.
    let bad = nav
        .post_form(
            &format!("{url}/answers"),
            &[("group", "1"), ("item", "1.1"), ("na|1.1", "yes")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("item 1.1, justification"), "{}", bad.body);

    // Each control of IG1 saved on its own.
    for (g, items) in catalog.groups.iter().map(|g| (g, &g.items)) {
        let mut fields: Vec<(String, String)> = vec![("group".into(), g.id.clone())];
        for i in items.iter().filter(|i| i.implementation_group == Some(1)) {
            fields.push(("item".into(), i.id.clone()));
            for d in [
                "policy_defined",
                "control_implemented",
                "control_automated",
                "control_reported",
            ] {
                fields.push((format!("{d}|{}", i.id), "3".into()));
            }
        }
        if fields.len() == 1 {
            continue;
        }
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = nav.post_form(&format!("{url}/answers"), &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().ends_with(&format!("#group-{}", g.id)));
    }
    let r = nav
        .post_form(&format!("{url}/transitions"), &[("action", "complete")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The Program Manager sees review buttons and the scores as a chart and a table.
    let mut pm = t.signed_in("program_manager").await;
    let page = pm.get(&url).await;
    assert!(page.body.contains("Send back to the navigators"));
    assert!(page.body.contains("<svg"), "a chart");
    assert!(
        page.body.contains("<caption>Score per control</caption>"),
        "and its table"
    );
    assert!(page.body.contains("75 %"));
    let r = pm
        .post_form(&format!("{url}/transitions"), &[("action", "send_back")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = pm
        .post_form(&format!("{url}/transitions"), &[("action", "validate")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = pm.get(&url).await;
    assert!(page.body.contains("<strong>Validated</strong>"));
    assert!(!page.body.contains("provisional"));

    // The county sees the list, the trend and why there is no comparison yet.
    let mut clerk = t.signed_in("ea_official").await;
    let list = clerk
        .get(&format!("/election-authorities/{adams}/assessments"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Overall score across cycles"));
    assert!(
        list.body.contains("a comparison needs at least 5"),
        "{}",
        list.body
    );
    let cats = clerk.get("/catalogs").await;
    assert!(cats.body.contains("Synthetic CIS-shaped catalog"));
    t.cleanup().await;
}

#[tokio::test]
async fn the_checklist_shows_where_the_assessment_stands() {
    let t = TestApp::new(Db::Sqlite).await;
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let adams = t.authorities["adams"];
    common::assessment(
        &t,
        AssessmentSetup {
            scope: "ig1",
            method: "csat-4d-v1",
            navigators: Vec::new(),
            answers: Vec::new(),
            stage: Stage::Answered,
            ..AssessmentSetup::simple(&t, synthetic_catalog(6), cycle, 1)
        },
    )
    .await;
    let mut nav = t.signed_in("navigator").await;
    let page = nav
        .get(&format!(
            "/election-authorities/{adams}/participation?cycle={cycle}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("synthetic-cis: <strong>Assigned</strong>"),
        "{}",
        page.body
    );
    t.cleanup().await;
}

#[tokio::test]
async fn evidence_for_an_item_is_checked_fingerprinted_and_shown() {
    let t = TestApp::new(Db::Sqlite).await;
    let meta = cybernav_app::RequestMeta::default();
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let adams = t.authorities["adams"];
    let id = common::assessment(
        &t,
        AssessmentSetup {
            scope: "ig1",
            method: "csat-4d-v1",
            answers: Vec::new(),
            stage: Stage::Answered,
            ..AssessmentSetup::simple(&t, synthetic_catalog(6), cycle, 1)
        },
    )
    .await;
    let nav = t.actor("navigator").await;
    let cap = nav.answer_assessments_of(adams).unwrap();
    let refused = t
        .app
        .upload_assessment_evidence(&cap, id, "1.1", "tool.exe", b"MZ\x90\x00", &meta)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("file")
            || matches!(refused, cybernav_app::AppError::Invalid(_))
    );
    let wrong_item = t
        .app
        .upload_assessment_evidence(&cap, id, "99.9", "policy.pdf", b"%PDF-1.4 x", &meta)
        .await;
    assert!(wrong_item.is_err());
    let e = t
        .app
        .upload_assessment_evidence(&cap, id, "1.1", "policy.pdf", b"%PDF-1.4 x", &meta)
        .await
        .unwrap();
    assert_eq!(e.sha256.len(), 64);
    let v = t.app.assessment(&nav, id).await.unwrap();
    assert_eq!(v.evidence["1.1"].len(), 1);
    let mut c = t.signed_in("navigator").await;
    let page = c.get(&format!("/assessments/{id}")).await;
    assert!(page.body.contains(&format!("/evidence/{}", e.id)));
    t.cleanup().await;
}

#[tokio::test]
async fn an_item_below_the_threshold_offers_a_finding_until_one_is_open() {
    let t = TestApp::new(Db::Sqlite).await;
    let cycle = common::grant_cycle(&t, "2027 HAVA", "1000").await;
    let catalog = synthetic_catalog(6);
    let items: Vec<String> = catalog.items().map(|(_, i)| i.id.clone()).collect();
    // The first two items score 0 % and 50 %; the rest 100 %; one is not applicable.
    let mut setup = AssessmentSetup::simple(&t, catalog, cycle, 5);
    setup.answers[0].score = Some(1);
    setup.answers[1].score = Some(3);
    setup.answers[2].score = None;
    setup.answers[2].not_applicable = true;
    setup.answers[2].justification = Some("No wireless network".into());
    let id = common::assessment(&t, setup).await;
    let url = format!("/assessments/{id}");
    let button = |item: &str| format!(r#"<input type="hidden" name="item" value="{item}">"#);

    let mut nav = t.signed_in("navigator").await;
    let page = nav.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Findings from this assessment"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&button(&items[0])), "below: a button");
    for (n, item) in items.iter().enumerate().skip(1) {
        assert!(
            !page.body.contains(&button(item)),
            "item {n} is not below the threshold"
        );
    }
    assert!(
        page.body
            .contains("Raise findings for all 1 items below the threshold")
    );

    // The county reads the assessment but raises nothing.
    let mut clerk = t.signed_in("ea_official").await;
    let theirs = clerk.get(&url).await;
    assert!(!theirs.body.contains(&button(&items[0])));
    let r = clerk
        .post_form(&format!("{url}/findings"), &[("item", &items[0])])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // One item raised from its row: the button becomes a link to the finding.
    let r = nav
        .post_form(&format!("{url}/findings"), &[("item", &items[0])])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().contains("raised=1&skipped=0"),
        "{}",
        r.location()
    );
    let page = nav.get(&r.location()).await;
    assert!(
        page.body
            .contains("1 finding raised; 0 items already had an open finding"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&button(&items[0])));
    assert!(
        page.body
            .contains("Finding open<span class=\"usa-sr-only\"> for 1.1</span>")
    );
    assert!(
        !page.body.contains("Raise findings for all"),
        "nothing left to raise"
    );

    // Raising all now raises none and says so.
    let r = nav.post_form(&format!("{url}/findings"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().contains("raised=0&skipped=1"),
        "{}",
        r.location()
    );
    // A not-applicable item is refused by name.
    let r = nav
        .post_form(&format!("{url}/findings"), &[("item", &items[2])])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("not applicable"), "{}", r.body);
    t.cleanup().await;
}
