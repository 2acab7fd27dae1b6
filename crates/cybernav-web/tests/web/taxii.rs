//! The TAXII 2.1 server (Part 213.30(a), 213.50(a)(2)(B)) on SQLite and on PostgreSQL when
//! configured: the real server on a loopback port driven by an independent client (OASIS
//! taxii2-client, through scripts/taxii-check.py) whose every received object is checked by
//! the OASIS STIX validator; and, through the router, media types, errors, paging that
//! survives a restart, and who receives what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, databases, ok};
use cybernav_app::RequestMeta;
use cybernav_app::sharing::intake::SourceSpec;
use cybernav_app::sharing::intake_feeds::ListFormat;
use cybernav_core::sharing::marking::{Caveat, Marking, Tlp};
use serde_json::{Value, json};

const MEDIA: &str = "application/taxii+json;version=2.1";
const BOARD: &str = "/taxii2/root/collections/9b1f3c52-7e4d-4a8b-9c21-5d0e6f7a8b01";
const SHARED: &str = "/taxii2/root/collections/3e7a9d10-2c5b-4f68-a1d4-8b6c0e2f4a02";
const REPORTS: &str = "/taxii2/root/collections/c4d2e8f6-1a3b-4c5d-8e7f-0a9b1c2d3e03";
const MALWARE: &str = "malware--6b7e3a52-1d4c-4f8e-9a2b-3c5d7e9f1a01";
const FOUO_REPORT: &str = "report--6b7e3a52-1d4c-4f8e-9a2b-3c5d7e9f1a02";

async fn taxii_get(t: &TestApp, token: &str, path: &str) -> Reply {
    let req = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, MEDIA)
        .body(Body::empty())
        .unwrap();
    t.request(req).await
}

async fn import_list(t: &TestApp, name: &str, marking: Marking, text: &str) {
    let pm = t.actor("program_manager").await;
    let s = t
        .app
        .import_indicator_list(
            &pm.import_intel().unwrap(),
            &SourceSpec {
                name: name.into(),
                kind: "list".into(),
                default_marking: marking,
            },
            "list.txt",
            ListFormat::FreeText,
            text.as_bytes(),
            &RequestMeta::default(),
        )
        .await
        .unwrap();
    assert!(s.rejected.is_empty(), "{:?}", s.rejected);
}

/// 250 GREEN addresses, 2 GREEN FOUO domains, 3 CLEAR domains, 1 RED domain named for the
/// Adams election official, and a bundle with a GREEN malware and a FOUO report.
async fn load_sharing(t: &TestApp) {
    let ips: String = (1..=250).map(|n| format!("198.51.100.{n}\n")).collect();
    import_list(t, "Community list", Marking::tlp(Tlp::Green), &ips).await;
    import_list(
        t,
        "Cleared list",
        Marking::tlp(Tlp::Green).with_caveat(Caveat::Fouo),
        "fouo-one.example\nfouo-two.example\n",
    )
    .await;
    import_list(
        t,
        "Public list",
        Marking::tlp(Tlp::Clear),
        "clear-one.example\nclear-two.example\nclear-three.example\n",
    )
    .await;
    import_list(
        t,
        "Named list",
        Marking::tlp(Tlp::Red),
        "red-only.example\n",
    )
    .await;
    // TLP:RED for one named person: the roster of names is set by the Board, not the feed.
    let mut named = Marking::tlp(Tlp::Red);
    named.named_recipients.insert(t.people["ea_official"].id);
    let stored = serde_json::to_string(&named).unwrap();
    {
        let mut tx = t.app.store.begin().await.unwrap();
        cybernav_store::with_conn!(&mut tx, |conn| sqlx::query(
            "UPDATE indicator_reports SET marking = $1 WHERE marking = 'TLP:RED'"
        )
        .bind(&stored)
        .execute(&mut *conn)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
    }
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--6b7e3a52-1d4c-4f8e-9a2b-3c5d7e9f1a00",
        "objects": [
            {"type": "marking-definition", "spec_version": "2.1",
             "id": "marking-definition--6b7e3a52-1d4c-4f8e-9a2b-3c5d7e9f1a03",
             "created": "2026-02-10T14:00:00.000Z",
             "extensions": {"extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
                 "extension_type": "property-extension",
                 "control_set": {"classification": "U", "formal_determination": ["FOUO"]}}}},
            {"type": "malware", "spec_version": "2.1", "id": MALWARE,
             "created": "2026-02-10T14:00:00.000Z", "modified": "2026-02-10T14:00:00.000Z",
             "name": "Ballot-themed loader", "is_family": false,
             "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
            {"type": "report", "spec_version": "2.1", "id": FOUO_REPORT,
             "created": "2026-02-10T14:00:00.000Z", "modified": "2026-02-10T14:00:00.000Z",
             "name": "Loader seen at a county", "published": "2026-02-10T14:00:00.000Z",
             "object_refs": [MALWARE],
             "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                                     "marking-definition--6b7e3a52-1d4c-4f8e-9a2b-3c5d7e9f1a03"]}
        ]
    });
    let pm = t.actor("program_manager").await;
    let s = t
        .app
        .import_stix(
            &pm.import_intel().unwrap(),
            &SourceSpec {
                name: "ISAC bundle".into(),
                kind: "stix".into(),
                default_marking: Marking::tlp(Tlp::Green),
            },
            "isac.json",
            serde_json::to_vec(&bundle).unwrap(),
            &RequestMeta::default(),
        )
        .await
        .unwrap();
    assert_eq!(s.objects, 3, "{s:?}");
}

fn report_objects() -> Value {
    json!([
        {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e01",
         "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
         "pattern": "[ipv4-addr:value = '192.0.2.44']", "pattern_type": "stix",
         "valid_from": "2026-03-01T10:00:00Z",
         "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
        {"type": "note", "spec_version": "2.1",
         "id": "note--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e02",
         "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
         "content": "Seen in our firewall log at 09:58.",
         "object_refs": ["indicator--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e01"]},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--not-a-uuid",
         "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
         "pattern": "[ipv4-addr:value = '192.0.2.45']", "pattern_type": "stix",
         "valid_from": "2026-03-01T10:00:00Z"},
        {"type": "note", "spec_version": "2.1",
         "id": "note--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e04",
         "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
         "content": "x", "object_refs": ["indicator--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e01"],
         "object_marking_refs": ["marking-definition--99999999-3b4a-4c5d-8e6f-7a8b9c0d1e04"]}
    ])
}

fn script() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/taxii-check.py")
}

#[tokio::test]
async fn an_independent_taxii_client_receives_exactly_what_each_account_may_see() {
    for db in databases() {
        let t = TestApp::new(db).await;
        load_sharing(&t).await;
        common::approve_need_to_know(&t, "ea_it").await;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(cybernav_web::serve(listener, t.router.clone(), async {
            let _ = stopped.await;
        }));

        let official = t.token("ea_official").await;
        let it = t.token("ea_it").await;
        let partner = t.token("partner").await;
        let pm = t.token("program_manager").await;
        let everyone = ["Board indicators", "Shared with the program"];
        let with_reports = [
            "Board indicators",
            "Shared with the program",
            "Reports to the Board",
        ];
        let scenario = json!({
            "discovery": format!("http://{addr}/taxii2/"),
            "accounts": [
                {"name": "ea_official", "token": official, "basic": true,
                 "collections": with_reports, "page_size": 40, "min_pages": 7,
                 "indicator_count": 254,
                 "must_see": ["198.51.100.7'", "198.51.100.250'", "clear-one.example", "red-only.example"],
                 "must_not_see": ["fouo-one.example", "fouo-two.example"],
                 "must_see_shared": [MALWARE], "must_not_see_shared": [FOUO_REPORT],
                 "post": {"objects": report_objects(), "successes": 2, "failures": 2}},
                {"name": "ea_it", "token": it,
                 "collections": with_reports, "page_size": 100, "min_pages": 3,
                 "indicator_count": 255,
                 "must_see": ["fouo-one.example", "198.51.100.1'"],
                 "must_not_see": ["red-only.example"],
                 "must_see_shared": [MALWARE, FOUO_REPORT]},
                {"name": "partner", "token": partner,
                 "collections": everyone, "page_size": 2, "min_pages": 3,
                 "indicator_count": 3,
                 "must_see": ["clear-two.example"],
                 "must_not_see": ["198.51.100.7'", "fouo-one.example", "red-only.example"],
                 "must_not_see_shared": [MALWARE, FOUO_REPORT]},
                {"name": "program_manager", "token": pm,
                 "collections": with_reports, "page_size": 1000, "min_pages": 1,
                 "indicator_count": 253,
                 "must_see": ["198.51.100.99'"],
                 "must_not_see": ["fouo-one.example", "red-only.example"],
                 "must_see_shared": [MALWARE], "must_not_see_shared": [FOUO_REPORT]}
            ]
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scenario.json");
        std::fs::write(&path, scenario.to_string()).unwrap();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("python3")
                .arg(script())
                .arg(&path)
                .output()
                .expect("python3 runs")
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "taxii-check.py ({db:?}) failed (exit {:?}; exit 2 means scripts/setup was not run):\n{stderr}\n{stdout}",
            out.status.code()
        );
        let report: Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(report["bad_token"], 401);
        assert_eq!(report["ea_official"]["indicators"], 254);
        assert_eq!(report["partner"]["indicators"], 3);

        // The report is stored once, pending, with the two objects that passed.
        let (reports, objects): (i64, i64) = {
            let mut tx = t.app.store.read().await.unwrap();
            cybernav_store::with_conn!(&mut tx, |conn| {
                sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM community_reports WHERE status = 'pending' AND channel = 'taxii'), \
                 (SELECT COUNT(*) FROM community_report_objects)"
            )
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            })
        };
        assert_eq!((reports, objects), (1, 2));
        let failures = report["ea_official"]["failures"].as_array().unwrap();
        let refused: Vec<&str> = failures.iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert_eq!(
            refused,
            vec![
                "indicator--not-a-uuid",
                "note--0f2d8c1e-3b4a-4c5d-8e6f-7a8b9c0d1e04"
            ]
        );
        assert!(
            failures[1]["message"]
                .as_str()
                .unwrap()
                .contains("not defined"),
            "{failures:?}"
        );
        // Only the account that posted reads the status.
        let status_id = report["ea_official"]["status_id"].as_str().unwrap();
        let other = t.token("ea_it").await;
        let r = taxii_get(&t, &other, &format!("/taxii2/root/status/{status_id}/")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        // The Program Manager reads the report's objects (unmarked: AMBER+STRICT, the Board's).
        let got = ok(
            &taxii_get(&t, &pm, &format!("{REPORTS}/objects/")).await,
            StatusCode::OK,
        );
        assert_eq!(got["objects"].as_array().unwrap().len(), 2, "{got}");
        // The audit record of the report holds counts, not content.
        let audit: Vec<(String,)> = {
            let mut tx = t.app.store.read().await.unwrap();
            cybernav_store::with_conn!(&mut tx, |conn| sqlx::query_as(
                "SELECT changes FROM audit_log WHERE action = 'community_report.submit'"
            )
            .fetch_all(&mut *conn)
            .await
            .unwrap())
        };
        assert_eq!(audit.len(), 1);
        assert!(!audit[0].0.contains("firewall log"), "{}", audit[0].0);

        let _ = stop.send(());
        server.await.unwrap().unwrap();
        t.cleanup().await;
    }
}

#[tokio::test]
async fn media_types_errors_and_paging_that_survives_a_restart() {
    for db in databases() {
        let t = TestApp::new(db).await;
        load_sharing(&t).await;
        let official = t.token("ea_official").await;

        // No credentials: 401 with a TAXII error.
        let r = t
            .request(
                Request::get("/taxii2/")
                    .header(header::ACCEPT, MEDIA)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["http_status"], "401");
        assert_eq!(r.headers[header::CONTENT_TYPE], MEDIA);
        // A revoked-looking token: 401 too.
        let r = taxii_get(&t, "cnv_wrong", "/taxii2/").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // Accept that does not allow TAXII 2.1: 406.
        let r = t
            .request(
                Request::get("/taxii2/")
                    .header(header::AUTHORIZATION, format!("Bearer {official}"))
                    .header(header::ACCEPT, "application/json")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE, "{}", r.body);
        assert_eq!(r.json()["http_status"], "406");
        // A POST that is not TAXII JSON: 415, nothing stored.
        let r = t
            .request(
                Request::post(format!("{REPORTS}/objects/"))
                    .header(header::AUTHORIZATION, format!("Bearer {official}"))
                    .header(header::ACCEPT, MEDIA)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(json!({"objects": report_objects()}).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
        // A body that is not an envelope: 400, nothing stored.
        let r = t
            .request(
                Request::post(format!("{REPORTS}/objects/"))
                    .header(header::AUTHORIZATION, format!("Bearer {official}"))
                    .header(header::ACCEPT, MEDIA)
                    .header(header::CONTENT_TYPE, MEDIA)
                    .body(Body::from("{\"objects\": [1, "))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        // Writing to a read-only collection: 403. Unknown collection: 404.
        let r = t
            .request(
                Request::post(format!("{BOARD}/objects/"))
                    .header(header::AUTHORIZATION, format!("Bearer {official}"))
                    .header(header::CONTENT_TYPE, MEDIA)
                    .body(Body::from(json!({"objects": report_objects()}).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = taxii_get(
            &t,
            &official,
            "/taxii2/root/collections/00000000-0000-0000-0000-000000000000/objects/",
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Reading the reports collection: the authority writes but does not read (403); a
        // partner is not shown it at all (404).
        let r = taxii_get(&t, &official, &format!("{REPORTS}/objects/")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let partner = t.token("partner").await;
        let r = taxii_get(&t, &partner, &format!("{REPORTS}/objects/")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        // Bad parameters: 400 naming them.
        for q in [
            "limit=0",
            "added_after=yesterday",
            "match%5Bversion%5D=newest",
            "colour=red",
        ] {
            let r = taxii_get(&t, &official, &format!("{BOARD}/objects/?{q}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
            let name = q
                .split('=')
                .next()
                .unwrap()
                .replace("%5B", "[")
                .replace("%5D", "]");
            assert!(
                r.json()["description"].as_str().unwrap().contains(&name),
                "{q}: {}",
                r.body
            );
        }

        // Paging: 100 objects then the rest; headers name the first and last date added.
        let first = taxii_get(&t, &official, &format!("{BOARD}/objects/?limit=100")).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.headers[header::CONTENT_TYPE], MEDIA);
        assert!(first.headers.contains_key("x-taxii-date-added-first"));
        assert!(first.headers.contains_key("x-taxii-date-added-last"));
        let page1 = first.json();
        assert_eq!(page1["more"], true);
        assert_eq!(page1["objects"].as_array().unwrap().len(), 100);
        let next = page1["next"].as_str().unwrap().to_string();
        let page2 = ok(
            &taxii_get(
                &t,
                &official,
                &format!("{BOARD}/objects/?limit=100&next={next}"),
            )
            .await,
            StatusCode::OK,
        );
        // The same token on a freshly opened application (a restart, or another replica).
        let reopened = cybernav_app::App::open((*t.app.config).clone())
            .await
            .unwrap();
        let router = cybernav_web::router(cybernav_web::AppState::new(reopened.clone()));
        let req = Request::get(format!("{BOARD}/objects/?limit=100&next={next}"))
            .header(header::AUTHORIZATION, format!("Bearer {official}"))
            .header(header::ACCEPT, MEDIA)
            .body(Body::empty())
            .unwrap();
        let resp = tower::ServiceExt::oneshot(router, req).await.unwrap();
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        let again: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            again, page2,
            "the token reads the same page after a restart"
        );
        reopened.store.close().await;
        let ids = |v: &Value| -> Vec<String> {
            v["objects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect()
        };
        let mut all = ids(&page1);
        all.extend(ids(&page2));
        let mut token = page2["next"].as_str().map(str::to_string);
        while let Some(n) = token {
            let p = ok(
                &taxii_get(
                    &t,
                    &official,
                    &format!("{BOARD}/objects/?limit=100&next={n}"),
                )
                .await,
                StatusCode::OK,
            );
            all.extend(ids(&p));
            token = p["next"].as_str().map(str::to_string);
        }
        let unique: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "no object twice");
        // 254 indicators, the Board's identity and its FOUO and CUI definitions.
        assert_eq!(all.len(), 257);
        // A token for another collection is refused.
        let r = taxii_get(&t, &official, &format!("{SHARED}/objects/?next={next}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

        // FOUO objects never reach a partner, or a person without need-to-know, by any door.
        for (who, token) in [("partner", &partner), ("ea_official", &official)] {
            for path in [
                format!("{BOARD}/objects/?limit=1000"),
                format!("{BOARD}/manifest/?limit=1000"),
                format!("{SHARED}/objects/?match%5Bversion%5D=all"),
                format!("{SHARED}/objects/{FOUO_REPORT}/"),
                format!("{SHARED}/objects/{FOUO_REPORT}/versions/"),
            ] {
                let r = taxii_get(&t, token, &path).await;
                assert!(
                    !r.body.contains("fouo-one") && !r.body.contains(FOUO_REPORT),
                    "{who} {path}: {}",
                    r.body
                );
            }
        }
        // TLP:RED reaches the named person only.
        let named = ok(
            &taxii_get(&t, &official, &format!("{BOARD}/objects/?limit=1000")).await,
            StatusCode::OK,
        );
        let red: Vec<&Value> = named["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                o["pattern"]
                    .as_str()
                    .is_some_and(|p| p.contains("red-only"))
            })
            .collect();
        assert_eq!(red.len(), 1);
        assert_eq!(
            red[0]["object_marking_refs"][0],
            Tlp::Red.stix_id(),
            "published under TLP:RED"
        );
        for key in [
            "ea_official_other",
            "board_admin",
            "program_manager",
            "auditor",
        ] {
            let token = t.token(key).await;
            let r = taxii_get(&t, &token, &format!("{BOARD}/objects/?limit=1000")).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(!r.body.contains("red-only"), "{key} receives the RED item");
        }
        t.cleanup().await;
    }
}

/// A one-indicator STIX bundle for 203.0.113.9 with the given marking and facts.
fn one_indicator(id: &str, tlp: Tlp, facts: Value) -> Vec<u8> {
    let mut o = json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix",
        "valid_from": "2026-11-01T00:00:00Z",
        "object_marking_refs": [tlp.stix_id()],
    });
    for (k, v) in facts.as_object().unwrap() {
        o[k] = v.clone();
    }
    json!({"type": "bundle", "id": "bundle--0f0e0d0c-0b0a-4908-8706-050403020100", "objects": [o]})
        .to_string()
        .into_bytes()
}

async fn import_bundle(t: &TestApp, source: &str, bundle: Vec<u8>) -> uuid::Uuid {
    let pm = t.actor("program_manager").await;
    let s = t
        .app
        .import_stix(
            &pm.import_intel().unwrap(),
            &SourceSpec {
                name: source.into(),
                kind: "stix".into(),
                default_marking: Marking::tlp(Tlp::Amber),
            },
            "one.json",
            bundle,
            &RequestMeta::default(),
        )
        .await
        .unwrap();
    assert!(s.rejected.is_empty(), "{:?}", s.rejected);
    s.run_id
}

/// Sets when a run was received, as if it had come then.
async fn set_received_at(t: &TestApp, run: uuid::Uuid, at: time::OffsetDateTime) {
    let mut tx = t.app.store.begin().await.unwrap();
    let sql = "UPDATE intake_runs SET received_at = $1 WHERE id = $2";
    match &mut tx.conn {
        cybernav_app::store::Conn::Sqlite(c) => {
            sqlx::query(sql)
                .bind(cybernav_app::store::utc(at))
                .bind(run)
                .execute(&mut **c)
                .await
                .unwrap();
        }
        cybernav_app::store::Conn::Postgres(c) => {
            sqlx::query(sql)
                .bind(at)
                .bind(run)
                .execute(&mut **c)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

/// The Board's indicator for 203.0.113.9 as `token` receives it.
async fn board_indicator(t: &TestApp, token: &str, query: &str) -> Option<Value> {
    let r = taxii_get(
        t,
        token,
        &format!("{BOARD}/objects/?match%5Btype%5D=indicator{query}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["pattern"].as_str().unwrap_or("").contains("203.0.113.9"))
        .cloned()
}

/// S2 and C5: the Board's indicator is published under the least restrictive marking of the
/// reports a reader may see, and carries the facts of the reports with that marking only
/// (not the confidence, validity or time of a more restricted report); a withdrawal is never
/// undone by a later report; and a version is the time to the microsecond, so two reports a
/// fraction of a millisecond apart are two versions, each found by `match[version]`.
#[tokio::test]
async fn an_indicator_carries_only_what_its_marking_allows_and_stays_revoked() {
    use time::macros::datetime;
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;
        let clear_run = import_bundle(
            &t,
            "Clear source",
            one_indicator(
                "indicator--1a000000-0000-4000-8000-000000000001",
                Tlp::Clear,
                json!({"confidence": 20}),
            ),
        )
        .await;
        let amber_run = import_bundle(
            &t,
            "Amber source",
            one_indicator(
                "indicator--1a000000-0000-4000-8000-000000000002",
                Tlp::Amber,
                json!({"confidence": 95, "valid_until": "2027-06-01T00:00:00Z"}),
            ),
        )
        .await;
        let clear_at = datetime!(2026-11-30 10:00:00.100100 UTC);
        set_received_at(&t, clear_run, clear_at).await;
        set_received_at(&t, amber_run, datetime!(2026-11-30 11:00:00 UTC)).await;

        // The Program Manager may see both reports: the object is TLP:CLEAR and says only
        // what the CLEAR report said.
        let o = board_indicator(&t, &pm, "").await.expect("published");
        assert_eq!(
            o["object_marking_refs"],
            json!([Tlp::Clear.stix_id()]),
            "{o}"
        );
        assert_eq!(o["confidence"], 20, "{o}");
        assert!(o.get("valid_until").is_none(), "{o}");
        assert_eq!(o["modified"], "2026-11-30T10:00:00.100100Z", "{o}");
        assert_eq!(o["created"], "2026-11-30T10:00:00.100100Z", "{o}");

        // The version is exact: match[version] finds it, the millisecond alone does not.
        let v = "2026-11-30T10%3A00%3A00.100100Z";
        assert!(
            board_indicator(&t, &pm, &format!("&match%5Bversion%5D={v}"))
                .await
                .is_some()
        );
        // A report 0.3 ms later is another version.
        set_received_at(&t, clear_run, datetime!(2026-11-30 10:00:00.100400 UTC)).await;
        let o = board_indicator(&t, &pm, "").await.expect("published");
        assert_eq!(o["modified"], "2026-11-30T10:00:00.100400Z", "{o}");
        assert!(
            board_indicator(&t, &pm, &format!("&match%5Bversion%5D={v}"))
                .await
                .is_none(),
            "the earlier version is not the current one"
        );

        // The CLEAR source withdraws its indicator; a later CLEAR report from another source
        // does not undo that.
        let revoked_run = import_bundle(
            &t,
            "Clear source",
            one_indicator(
                "indicator--1a000000-0000-4000-8000-000000000001",
                Tlp::Clear,
                json!({"confidence": 20, "revoked": true,
                       "modified": "2026-11-02T00:00:00.000Z"}),
            ),
        )
        .await;
        set_received_at(&t, revoked_run, datetime!(2026-11-30 12:00:00 UTC)).await;
        let later_run = import_bundle(
            &t,
            "Late source",
            one_indicator(
                "indicator--1a000000-0000-4000-8000-000000000003",
                Tlp::Clear,
                json!({"confidence": 50}),
            ),
        )
        .await;
        set_received_at(&t, later_run, datetime!(2026-11-30 13:00:00 UTC)).await;
        let o = board_indicator(&t, &pm, "").await.expect("published");
        assert_eq!(o["revoked"], true, "{o}");
        assert_eq!(
            o["object_marking_refs"],
            json!([Tlp::Clear.stix_id()]),
            "{o}"
        );
        assert_eq!(o["modified"], "2026-11-30T13:00:00.000000Z", "{o}");
        t.cleanup().await;
    }
}

/// C1: an import stamps its rows when it starts. A long import still running while a faster
/// one commits must not be skipped by a client paging with `added_after`: a page stops
/// before the start of the oldest import still open (on PostgreSQL, where imports run side
/// by side; SQLite runs one writer at a time, so the faster import waits for the long one).
#[tokio::test]
async fn a_long_import_is_not_skipped_by_a_faster_one_committed_first() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let pm = t.token("program_manager").await;

        // The long import: begun, stamped, its rows written, not yet committed.
        let long = common::open_import(&t, "Slow partner", "192.0.2.77").await;

        // The fast import, begun after: on PostgreSQL it commits now; SQLite queues it.
        let app = t.app.clone();
        let actor = t.actor("program_manager").await;
        let fast = tokio::spawn(async move {
            app.import_indicator_list(
                &actor.import_intel().unwrap(),
                &SourceSpec {
                    name: "Fast partner".into(),
                    kind: "list".into(),
                    default_marking: Marking::tlp(Tlp::Clear),
                },
                "small.txt",
                ListFormat::FreeText,
                b"198.51.100.88\n",
                &RequestMeta::default(),
            )
            .await
            .unwrap()
        });
        if t.db == common::Db::Postgres {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
                while !fast.is_finished() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            })
            .await;
            assert!(fast.is_finished(), "the fast import commits first");
        } else {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }

        // A client reads the collection now, and next time continues after the last date
        // added it was given. (Through the app: on SQLite a request's own bookkeeping would
        // wait for the long import's write lock.)
        let reader = t.actor("program_manager").await;
        let read = |after: Option<time::OffsetDateTime>| {
            let app = t.app.clone();
            let reader = reader.clone();
            async move {
                app.taxii_objects(
                    &reader.read_taxii(),
                    cybernav_app::sharing::taxii::Collection::Indicators,
                    &cybernav_app::sharing::taxii::TaxiiQuery {
                        added_after: after,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        let values = |page: &cybernav_app::sharing::taxii::TaxiiPage| -> Vec<String> {
            page.entries
                .iter()
                .filter_map(|e| e.object["pattern"].as_str().map(str::to_string))
                .collect()
        };
        let first = read(None).await;
        assert!(
            !values(&first).iter().any(|p| p.contains("198.51.100.88")),
            "the fast import's rows wait until the long one is committed: {:?}",
            values(&first)
        );
        let last_added = first.entries.iter().map(|e| e.date_added).max();

        long.commit().await.unwrap();
        fast.await.unwrap();
        let second = read(last_added).await;
        let got = values(&second);
        assert!(
            got.iter().any(|p| p.contains("192.0.2.77")),
            "the long import is not skipped: {got:?}"
        );
        assert!(
            got.iter().any(|p| p.contains("198.51.100.88")),
            "nor the fast one: {got:?}"
        );
        // Through the TAXII API too, once both are in.
        let page = taxii_get(&t, &pm, &format!("{BOARD}/objects/")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("192.0.2.77") && page.body.contains("198.51.100.88"));
        t.cleanup().await;
    }
}

/// P3: each table's distinct markings are read once per write epoch (cached, five seconds at
/// most). A list read on one replica may lack a marking another replica has just stored;
/// pages then stop where that list was read, so the rows show late and are never skipped,
/// not even by a later row with a marking the list knows.
#[tokio::test]
async fn a_marking_new_to_a_table_shows_late_on_another_replica_never_skipped() {
    use cybernav_app::sharing::taxii::{Collection, TaxiiPage, TaxiiQuery};
    for db in databases() {
        let t = TestApp::new(db).await;
        let other = cybernav_app::App::open((*t.app.config).clone())
            .await
            .unwrap();
        let reader = t.actor("program_manager").await;
        let page = |after: Option<time::OffsetDateTime>| {
            let app = t.app.clone();
            let reader = reader.clone();
            async move {
                app.taxii_objects(
                    &reader.read_taxii(),
                    Collection::Indicators,
                    &TaxiiQuery {
                        added_after: after,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        let values = |p: &TaxiiPage| -> Vec<String> {
            p.entries
                .iter()
                .filter_map(|e| e.object["pattern"].as_str().map(str::to_string))
                .collect()
        };
        let last = |p: &TaxiiPage, before: Option<time::OffsetDateTime>| {
            p.entries.iter().map(|e| e.date_added).max().or(before)
        };
        import_list(&t, "Known", Marking::tlp(Tlp::Clear), "203.0.113.41\n").await;
        let first = page(None).await;
        assert!(values(&first).iter().any(|v| v.contains("203.0.113.41")));
        let mut position = last(&first, None);

        // The other replica stores a marking this one has not seen, then a row with a known one.
        let import_on_other = |source: &'static str, marking: Marking, line: &'static str| {
            let other = other.clone();
            let reader = reader.clone();
            async move {
                other
                    .import_indicator_list(
                        &reader.import_intel().unwrap(),
                        &SourceSpec {
                            name: source.into(),
                            kind: "list".into(),
                            default_marking: marking,
                        },
                        "list.txt",
                        ListFormat::FreeText,
                        line.as_bytes(),
                        &RequestMeta::default(),
                    )
                    .await
                    .unwrap()
            }
        };
        import_on_other("New marking", Marking::tlp(Tlp::Green), "203.0.113.42\n").await;
        import_on_other("Known again", Marking::tlp(Tlp::Clear), "203.0.113.43\n").await;
        let stale = page(position).await;
        assert!(
            !values(&stale).iter().any(|v| v.contains("203.0.113.43")),
            "no row past the unknown marking's: {:?}",
            values(&stale)
        );
        position = last(&stale, position);

        // Five seconds on, the list is read again and both come, in order.
        tokio::time::sleep(std::time::Duration::from_millis(5200)).await;
        let fresh = page(position).await;
        let got = values(&fresh);
        assert!(got.iter().any(|v| v.contains("203.0.113.42")), "{got:?}");
        assert!(got.iter().any(|v| v.contains("203.0.113.43")), "{got:?}");
        other.store.close().await;
        t.cleanup().await;
    }
}
