//! Threat-information intake (Part 213.30(a)(4)) through the real router, on SQLite and on
//! PostgreSQL when configured: STIX bundles, MISP feeds and lists stored with provenance;
//! de-duplication across sources and re-imports; refusals that do not block the rest; files
//! that store nothing; and who sees which indicator, by TLP and need-to-know.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, databases, ok, refusal};
use cybernav_app::RequestMeta;
use cybernav_app::sharing::intake::SourceSpec;
use cybernav_app::sharing::intake_feeds::ListFormat;
use cybernav_core::sharing::marking::{Marking, Tlp};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cybernav-formats/tests/fixtures")
        .join(rel)
}

async fn post_raw(
    t: &TestApp,
    token: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Reply {
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    t.request(req).await
}

/// The values of the indicators `key` sees.
async fn visible(t: &TestApp, key: &str) -> BTreeSet<String> {
    let token = t.token(key).await;
    let list = ok(
        &t.api_get(&token, "/api/v1/indicators?limit=500").await,
        StatusCode::OK,
    );
    list["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap().to_string())
        .collect()
}

async fn counts(t: &TestApp) -> (i64, i64, i64) {
    let mut tx = t.app.store.read().await.unwrap();
    tx.intake_counts().await.unwrap()
}

#[tokio::test]
async fn a_stix_bundle_is_stored_with_provenance_and_shown_by_marking() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let bundle = std::fs::read(fixture("stix/cisa-ais-2.1.json")).unwrap();

        let first = ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix?source=CISA%20AIS&tlp=GREEN",
                "application/stix+json",
                bundle.clone(),
            )
            .await,
            StatusCode::CREATED,
        );
        let imported = first["imported"].as_u64().unwrap();
        assert!(imported >= 5, "{first}");
        assert_eq!(first["duplicates"], 0);
        assert_eq!(first["patterns_kept"], 1, "the AND pattern is kept intact");
        assert_eq!(first["rejected"].as_array().unwrap().len(), 0);
        assert_eq!(
            first["objects"], 3,
            "the identity, the marking definition and the indicator kept as a pattern; indicator objects that became indicators are not kept"
        );

        // The same bundle again: nothing new, every indicator a duplicate, no new object
        // versions.
        let again = ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix?source=CISA%20AIS",
                "application/stix+json",
                bundle.clone(),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(again["imported"], 0);
        assert_eq!(again["duplicates"].as_u64().unwrap(), imported);
        assert_eq!(again["objects"], 0);

        // A second source reporting the same bundle: still one indicator each, two reports.
        ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix?source=MS-ISAC",
                "application/stix+json",
                bundle,
            )
            .await,
            StatusCode::CREATED,
        );
        let (indicators, reports, _) = counts(&t).await;
        assert_eq!(indicators as u64, imported);
        assert_eq!(reports as u64, imported * 2);

        // Who sees what. The CIDR is TLP:GREEN with an ACS FOUO determination; the domain
        // and URL are TLP:AMBER; the rest TLP:GREEN.
        let cidr = "203.0.113.0/24";
        let domain = "voter-registration-check.example";
        let pm_sees = visible(&t, "program_manager").await;
        assert!(pm_sees.contains(domain));
        assert!(
            !pm_sees.contains(cidr),
            "FOUO needs a need-to-know approval, whatever the role"
        );
        let clerk_sees = visible(&t, "ea_official").await;
        assert!(
            clerk_sees.contains(domain),
            "authorities are the Board's clients"
        );
        assert!(!clerk_sees.contains(cidr));
        assert!(
            visible(&t, "partner").await.is_empty(),
            "a partner without current vetting is outside the community"
        );

        common::approve_need_to_know(&t, "ea_official").await;
        let cleared = visible(&t, "ea_official").await;
        assert!(
            cleared.contains(cidr),
            "a cleared reader gets the FOUO indicator"
        );

        // Each report names its source and carries its marking.
        let token = t.token("ea_official").await;
        let list = ok(
            &t.api_get(&token, "/api/v1/indicators?kind=cidr").await,
            StatusCode::OK,
        );
        let reports = list["indicators"][0]["reports"].as_array().unwrap();
        let sources: BTreeSet<&str> = reports
            .iter()
            .map(|r| r["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources, BTreeSet::from(["CISA AIS", "MS-ISAC"]));
        assert_eq!(reports[0]["marking"], "TLP:GREEN FOUO");

        // The run history names the file's fingerprint and counts.
        let runs = ok(&t.api_get(&pm, "/api/v1/intake/runs").await, StatusCode::OK);
        assert_eq!(runs["runs"].as_array().unwrap().len(), 3);
        assert_eq!(runs["runs"][2]["imported"].as_u64().unwrap(), imported);
        assert_eq!(runs["runs"][2]["sha256"].as_str().unwrap().len(), 64);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn refused_objects_are_listed_and_do_not_block_the_others() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let bundle = std::fs::read(fixture("stix/bad-objects-2.1.json")).unwrap();
        let r = ok(
            &post_raw(&t, &pm, "/api/v1/intake/stix", "application/json", bundle).await,
            StatusCode::CREATED,
        );
        let rejected = r["rejected"].as_array().unwrap();
        assert!(rejected.len() >= 4, "{r}");
        assert!(
            rejected
                .iter()
                .any(|x| x["id"].as_str().unwrap().starts_with("objects[1] (line "))
        );
        assert!(
            rejected
                .iter()
                .all(|x| !x["reason"].as_str().unwrap().is_empty())
        );
        assert!(
            r["imported"].as_u64().unwrap() >= 1,
            "the valid ones came in: {r}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn markings_defined_later_resolve_and_unknown_ones_are_held_back() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let fouo = "marking-definition--0c9f8e7d-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
        let undefined = "marking-definition--11111111-2222-4333-8444-555555555555";
        let bundle = serde_json::json!({
            "type": "bundle",
            "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            "objects": [
                {"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                 "created": "2026-10-01T12:00:00Z", "modified": "2026-10-01T12:00:00Z",
                 "pattern": "[domain-name:value = 'later.example']", "pattern_type": "stix",
                 "valid_from": "2026-10-01T12:00:00Z",
                 "object_marking_refs": [fouo, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
                {"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--9f3f3e3c-28e5-4dd0-a49f-a9ff57c4de40",
                 "created": "2026-10-01T12:00:00Z", "modified": "2026-10-01T12:00:00Z",
                 "pattern": "[domain-name:value = 'unknown.example']", "pattern_type": "stix",
                 "valid_from": "2026-10-01T12:00:00Z",
                 "object_marking_refs": [undefined]},
                {"type": "marking-definition", "spec_version": "2.1", "id": fouo,
                 "created": "2026-01-01T00:00:00Z", "name": "FOUO",
                 "definition_type": "statement",
                 "definition": {"statement": "For Official Use Only"},
                 "extensions": {"extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
                     "extension_type": "property-extension",
                     "further_sharing": [], "formal_determination": ["FOUO"]}}}
            ]
        });
        let r = ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix",
                "application/json",
                serde_json::to_vec(&bundle).unwrap(),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(r["imported"], 1, "{r}");
        let rejected = r["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), 1);
        assert_eq!(
            rejected[0]["id"],
            "indicator--9f3f3e3c-28e5-4dd0-a49f-a9ff57c4de40"
        );
        assert!(rejected[0]["reason"].as_str().unwrap().contains(undefined));

        common::approve_need_to_know(&t, "ea_official").await;
        let token = t.token("ea_official").await;
        let list = ok(
            &t.api_get(&token, "/api/v1/indicators").await,
            StatusCode::OK,
        );
        assert_eq!(list["indicators"][0]["value"], "later.example");
        assert_eq!(
            list["indicators"][0]["reports"][0]["marking"],
            "TLP:GREEN FOUO"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_bundle_stores_nothing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let before = counts(&t).await;
        let mut truncated = std::fs::read(fixture("stix/cisa-ais-2.1.json")).unwrap();
        truncated.truncate(truncated.len() / 2);
        let (fields, message) = refusal(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix",
                "application/json",
                truncated,
            )
            .await,
        );
        assert_eq!(fields, vec!["file"]);
        assert!(message.contains("line"), "{message}");
        assert_eq!(counts(&t).await, before);
        let runs = ok(&t.api_get(&pm, "/api/v1/intake/runs").await, StatusCode::OK);
        assert_eq!(
            runs["runs"].as_array().unwrap().len(),
            0,
            "no run left behind"
        );
        let (fields, _) = refusal(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix?tlp=PURPLE",
                "application/json",
                b"{}".to_vec(),
            )
            .await,
        );
        assert_eq!(fields, vec!["tlp"]);
        let long = "x".repeat(201);
        let (fields, _) = refusal(
            &post_raw(
                &t,
                &pm,
                &format!("/api/v1/intake/stix?source={long}"),
                "application/json",
                std::fs::read(fixture("stix/oasis-2.1.json")).unwrap(),
            )
            .await,
        );
        assert_eq!(fields, vec!["source"]);
        assert_eq!(counts(&t).await, before, "a refused source stores nothing");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn only_the_board_and_program_manager_import() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let bundle = std::fs::read(fixture("stix/oasis-2.1.json")).unwrap();
        for key in ["navigator", "ea_official", "ea_it", "partner", "auditor"] {
            let token = t.token(key).await;
            let r = post_raw(
                &t,
                &token,
                "/api/v1/intake/stix",
                "application/json",
                bundle.clone(),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{key}");
            let r = post_raw(
                &t,
                &token,
                "/api/v1/intake/indicators",
                "text/plain",
                b"1.2.3.4".to_vec(),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{key}");
        }
        for key in ["ea_official", "ea_it", "partner"] {
            let token = t.token(key).await;
            assert_eq!(
                t.api_get(&token, "/api/v1/intake/runs").await.status,
                StatusCode::FORBIDDEN,
                "{key}"
            );
        }
        assert_eq!(counts(&t).await, (0, 0, 0));
        let board = t.token("board_admin").await;
        ok(
            &post_raw(
                &t,
                &board,
                "/api/v1/intake/stix",
                "application/json",
                bundle,
            )
            .await,
            StatusCode::CREATED,
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn lists_are_refanged_and_misp_feeds_keep_their_tags() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let list = "# from the fusion center call\nhxxp://bad[.]example[.]com/login\n198.51.100[.]7\nclerk-help[at]phish[.]example\nnot an indicator at all\n198.51.100.7\n";
        let r = ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/indicators?source=Fusion%20center&tlp=CLEAR",
                "text/plain",
                list.as_bytes().to_vec(),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(r["imported"], 3, "{r}");
        assert_eq!(r["duplicates"], 1, "the same address twice");
        assert_eq!(r["rejected"][0]["id"], "line 5");
        let partner_sees = visible(&t, "partner").await;
        assert!(
            partner_sees.contains("198.51.100.7"),
            "TLP:CLEAR reaches anyone"
        );
        assert!(partner_sees.contains("clerk-help@phish.example"));

        // A MISP feed through the app, as the CLI runs it.
        let dir = fixture("misp");
        let manifest = std::fs::read(dir.join("manifest.json")).unwrap();
        let system = cybernav_core::authz::system_actor();
        let cap = system.import_intel().unwrap();
        let spec = SourceSpec {
            name: "MS-ISAC MISP".into(),
            kind: "misp_feed".into(),
            default_marking: Marking::tlp(Tlp::Amber),
        };
        let summary = t
            .app
            .import_misp_feed(
                &cap,
                &spec,
                "misp",
                &manifest,
                |uuid| std::fs::read(dir.join(format!("{uuid}.json"))).map_err(|e| e.to_string()),
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        assert!(summary.imported > 0, "{summary:?}");
        // A missing event file is refused by its UUID; the rest still come in.
        let partial = t
            .app
            .import_misp_feed(
                &cap,
                &spec,
                "misp",
                &manifest,
                |uuid| Err(format!("{uuid} is missing")),
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(partial.imported, 0);
        assert!(!partial.rejected.is_empty());

        // A CSV list with a type column.
        let csv =
            "type,value,comment\ndomain,Evil.Example,seen in phishing\nipv4,10.0.0.999,typo\n";
        let s = t
            .app
            .import_indicator_list(
                &cap,
                &spec,
                "iocs.csv",
                ListFormat::Csv,
                csv.as_bytes(),
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(s.imported, 1);
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(s.rejected[0].id, "line 3");
        t.cleanup().await;
    }
}

/// A multipart upload of the intake form: one file and text fields.
async fn upload_form(
    c: &mut common::Client,
    file: (&str, &[u8]),
    fields: &[(&str, &str)],
) -> Reply {
    c.post_multipart("/intake/upload", fields, &[file]).await
}

#[tokio::test]
async fn the_intake_page_uploads_shows_refusals_and_keeps_bad_files_out() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let page = pm.get("/intake").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Upload a file"));
        assert!(page.body.contains("Nothing has been imported yet."));

        // A bundle with refused objects: the rest comes in, each refusal is listed.
        let bundle = std::fs::read(fixture("stix/bad-objects-2.1.json")).unwrap();
        let r = upload_form(
            &mut pm,
            ("bad-objects-2.1.json", &bundle),
            &[("source", "MS-ISAC"), ("tlp", "GREEN"), ("fouo", "yes")],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("bad-objects-2.1.json was imported"),
            "{}",
            r.body
        );
        assert!(r.body.contains("<h2>Refused</h2>"));
        assert!(
            r.body.contains("MS-ISAC"),
            "the run is listed with its source"
        );
        let (indicators, _, _) = counts(&t).await;
        assert!(indicators > 0);

        // A defanged list as text.
        let r = upload_form(
            &mut pm,
            ("ioc.txt", b"hxxp://evil[.]example/login\n203.0.113[.]77\n"),
            &[("source", "Fusion center e-mail"), ("tlp", "AMBER")],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("2 new indicator(s)"), "{}", r.body);
        let (after_list, _, _) = counts(&t).await;
        assert_eq!(after_list, indicators + 2);

        // A truncated bundle: refused with its place, nothing stored, the form kept.
        let r = upload_form(
            &mut pm,
            (
                "cut.json",
                br#"{"type":"bundle","objects":[{"type":"indicator""#,
            ),
            &[("source", "Truncated source"), ("tlp", "AMBER+STRICT")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("nothing was imported"), "{}", r.body);
        // TLP:RED is not offered, and refused in plain words if sent: it names people.
        assert!(!r.body.contains(r#"<option value="RED""#), "{}", r.body);
        let red = upload_form(
            &mut pm,
            ("list.txt", b"evil.example\n"),
            &[("source", "Red source"), ("tlp", "RED")],
        )
        .await;
        assert_eq!(red.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", red.body);
        assert!(
            red.body.contains("TLP:RED cannot be a source")
                && red.body.contains("Choose TLP:AMBER+STRICT"),
            "{}",
            red.body
        );
        assert!(
            r.body.contains("value=\"Truncated source\""),
            "the form keeps what was typed"
        );
        assert_eq!(counts(&t).await.0, after_list);
        let mut tx = t.app.store.read().await.unwrap();
        let sources: Vec<String> = tx
            .intel_sources()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        drop(tx);
        assert!(!sources.contains(&"Truncated source".to_string()));

        // An unknown TLP is refused by field.
        let r = upload_form(&mut pm, ("x.txt", b"198.51.100.1\n"), &[("tlp", "PURPLE")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#tlp\""), "{}", r.body);

        // Adding a feed with a secret typed in is refused, and the page shown again carries
        // neither the value nor anything of it; so are the server's own settings and files,
        // and credentials in clear text to another machine. A reference is taken.
        for (secret, api_root, field, says) in [
            (
                "hunter2-Zq7",
                "https://taxii.example.gov/api1/",
                "feed_secret",
                "the secret itself is never stored",
            ),
            (
                "env:DATABASE_URL",
                "https://taxii.example.gov/api1/",
                "feed_secret",
                "CYBERNAV_TAXII_SECRET_",
            ),
            (
                "file:/etc/shadow",
                "https://taxii.example.gov/api1/",
                "feed_secret",
                "TAXII secrets folder",
            ),
            (
                "file:ais",
                "http://taxii.example.gov/api1/",
                "feed_api_root",
                "credentials are sent over https",
            ),
        ] {
            let r = pm
                .post_form(
                    "/intake/feeds",
                    &[
                        ("feed_source", "CISA AIS"),
                        ("feed_api_root", api_root),
                        ("feed_collection", "91a7b528-80eb-42ed-a74d-c6fbd5a26116"),
                        ("feed_user", "board"),
                        ("feed_secret", secret),
                        ("feed_every", "30"),
                        ("feed_tlp", "AMBER"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{secret}");
            assert!(r.body.contains(says), "{secret}: {}", r.body);
            assert!(
                r.body.contains(&format!("href=\"#{field}\"")),
                "{secret}: {}",
                r.body
            );
            assert!(
                !r.body.contains("hunter2"),
                "the typed secret is not shown again"
            );
            assert!(
                r.body
                    .contains("id=\"feed_secret\" name=\"feed_secret\" type=\"text\" value=\"\""),
                "the secret field is blank: {}",
                r.body
            );
            assert!(r.body.contains("value=\"CISA AIS\""), "the rest is kept");
        }
        let r = pm
            .post_form(
                "/intake/feeds",
                &[
                    ("feed_source", "CISA AIS"),
                    ("feed_api_root", "https://taxii.example.gov/api1/"),
                    ("feed_collection", "91a7b528-80eb-42ed-a74d-c6fbd5a26116"),
                    ("feed_user", "board"),
                    ("feed_secret", "file:ais"),
                    ("feed_every", "30"),
                    ("feed_tlp", "AMBER"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = pm.get("/intake").await;
        assert!(
            page.body
                .contains("collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/")
        );
        assert!(page.body.contains("Not polled yet"));
        assert!(!page.body.contains("hunter2"));

        // Poll now does not poll inside the request: the feed is made due, the page says the
        // serve loop polls it within a minute, and the request is audited.
        let pm_actor = t.actor("program_manager").await;
        let reader = pm_actor.read_intake_history().unwrap();
        let feed = t.app.taxii_feeds(&reader).await.unwrap().remove(0);
        let r = pm
            .post_form(&format!("/intake/feeds/{}/poll", feed.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = pm.get("/intake?notice=feed_poll_requested").await;
        assert!(
            page.body.contains("polled within a minute"),
            "{}",
            page.body
        );
        let after = t.app.taxii_feeds(&reader).await.unwrap().remove(0);
        assert_eq!(
            after.last_polled_at, None,
            "nothing was polled in the request"
        );
        assert!(after.next_poll_at <= cybernav_app::store::now());
        // A paused feed is not made due.
        t.app
            .set_taxii_feed_enabled(
                &pm_actor.import_intel().unwrap(),
                feed.id,
                false,
                &cybernav_app::RequestMeta::default(),
            )
            .await
            .unwrap();
        let r = pm
            .post_form(&format!("/intake/feeds/{}/poll", feed.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

        // A navigator reads the history but gets no forms; a clerk gets nothing.
        let mut nav = t.signed_in("navigator").await;
        let page = nav.get("/intake").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Upload a file"));
        assert!(!page.body.contains("Poll now"));
        let mut clerk = t.signed_in("ea_official").await;
        assert_eq!(clerk.get("/intake").await.status, StatusCode::FORBIDDEN);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_kev_catalog_becomes_clear_cve_indicators_for_everyone() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let kev = std::fs::read(fixture("kev/known_exploited_vulnerabilities.json")).unwrap();
        let system = cybernav_core::authz::system_actor();
        let cap = system.manage_kev().unwrap();
        let first = t
            .app
            .import_kev(
                &cap,
                "known_exploited_vulnerabilities.json",
                &kev,
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!((first.entries, first.new_to_sharing), (3, 3));
        // TLP:CLEAR, as CISA publishes it: a partner without need-to-know sees every CVE.
        let seen = visible(&t, "partner").await;
        for cve in ["CVE-2021-44228", "CVE-2019-0708", "CVE-2023-4966"] {
            assert!(seen.contains(cve), "{cve} in {seen:?}");
        }
        let token = t.token("partner").await;
        let list = ok(
            &t.api_get(&token, "/api/v1/indicators?kind=cve").await,
            StatusCode::OK,
        );
        let i = &list["indicators"][0];
        assert_eq!(i["kind"], "cve");
        assert_eq!(i["reports"][0]["source"], "CISA KEV catalog", "{i}");
        // The next day's catalog brings nothing new for the desk.
        let again = t
            .app
            .import_kev(
                &cap,
                "known_exploited_vulnerabilities.json",
                &kev,
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        assert_eq!(again.new_to_sharing, 0);
        t.cleanup().await;
    }
}

/// A bundle of one identity and the given indicator objects, each `(id, domain, marking ref,
/// confidence)`.
fn domain_bundle(indicators: &[(&str, &str, &str, u8)]) -> Vec<u8> {
    const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    let mut objects = vec![serde_json::json!({
        "type": "identity", "spec_version": "2.1",
        "id": "identity--0c2b0f4e-1f3a-4d55-9b8e-0d7f6e5a4b3c",
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": "Re-sending feed", "identity_class": "organization"
    })];
    for (id, domain, tlp, confidence) in indicators {
        objects.push(serde_json::json!({
            "type": "indicator", "spec_version": "2.1", "id": id,
            "created": "2026-03-01T12:00:00.000Z", "modified": "2026-03-01T12:00:00.000Z",
            "pattern": format!("[domain-name:value = '{domain}']"), "pattern_type": "stix",
            "valid_from": "2026-03-01T12:00:00Z", "confidence": confidence,
            "object_marking_refs": [if *tlp == "AMBER" { AMBER } else { GREEN }]
        }));
    }
    serde_json::to_vec(&serde_json::json!({
        "type": "bundle", "id": "bundle--5e0f2b4c-8d1a-4c6e-9f3b-2a7d1c0e4b5f", "objects": objects
    }))
    .unwrap()
}

/// The report of `domain` by `source`: its run, marking and confidence.
async fn report_of(t: &TestApp, domain: &str, source: &str) -> (uuid::Uuid, String, Option<i64>) {
    use cybernav_core::sharing::{Indicator, IndicatorKind};
    let id = cybernav_app::sharing::intake::indicator_id(
        &Indicator::parse(IndicatorKind::Domain, domain).unwrap(),
    );
    let mut tx = t.app.store.read().await.unwrap();
    let reports = tx.reports_of(&[id]).await.unwrap();
    let r = reports
        .iter()
        .find(|r| r.source_name == source)
        .unwrap_or_else(|| panic!("no report of {domain} by {source}: {reports:?}"));
    (r.run_id, r.marking.clone(), r.confidence)
}

#[tokio::test]
async fn a_feed_sent_again_changes_only_the_reports_that_changed() {
    const A: &str = "indicator--1b7c3f0e-5a2d-4e8b-9c6f-0d3e2a1b4c5d";
    const B: &str = "indicator--2c8d4a1f-6b3e-4f9c-8d7a-1e4f3b2c5d6e";
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let send = |bundle: Vec<u8>| {
            let t = &t;
            let pm = &pm;
            async move {
                ok(
                    &post_raw(
                        t,
                        pm,
                        "/api/v1/intake/stix?source=Re-sending%20feed",
                        "application/stix+json",
                        bundle,
                    )
                    .await,
                    StatusCode::CREATED,
                )
            }
        };
        let first = send(domain_bundle(&[
            (A, "a.example.net", "GREEN", 50),
            (B, "b.example.net", "GREEN", 50),
        ]))
        .await;
        let run1: uuid::Uuid = first["run_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(first["imported"], 2, "{first}");

        // The whole list again, unchanged: no report moves to the new run, so the day's
        // digest does not list the feed's whole catalog as new.
        let again = send(domain_bundle(&[
            (A, "a.example.net", "GREEN", 50),
            (B, "b.example.net", "GREEN", 50),
        ]))
        .await;
        assert_eq!(again["duplicates"], 2);
        assert_eq!(
            report_of(&t, "a.example.net", "Re-sending feed").await.0,
            run1
        );
        assert_eq!(
            report_of(&t, "b.example.net", "Re-sending feed").await.0,
            run1
        );

        // One report changes its marking: that one, and only that one, is of the new run.
        let third = send(domain_bundle(&[
            (A, "a.example.net", "AMBER", 50),
            (B, "b.example.net", "GREEN", 50),
        ]))
        .await;
        let run3: uuid::Uuid = third["run_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            report_of(&t, "a.example.net", "Re-sending feed").await,
            (run3, "TLP:AMBER".to_string(), Some(50))
        );
        assert_eq!(
            report_of(&t, "b.example.net", "Re-sending feed").await.0,
            run1
        );

        // A new source whose file repeats an object: the later version in the file wins, as
        // it would row by row, on every database.
        ok(
            &post_raw(
                &t,
                &pm,
                "/api/v1/intake/stix?source=Repeating%20feed",
                "application/stix+json",
                domain_bundle(&[
                    (A, "c.example.net", "GREEN", 10),
                    (B, "d.example.net", "GREEN", 20),
                    (A, "c.example.net", "AMBER", 90),
                ]),
            )
            .await,
            StatusCode::CREATED,
        );
        let (_, marking, confidence) = report_of(&t, "c.example.net", "Repeating feed").await;
        assert_eq!((marking.as_str(), confidence), ("TLP:AMBER", Some(90)));
        t.cleanup().await;
    }
}
