//! Catalogs and the links between them, on SQLite and PostgreSQL: the shipped CPG 1.0.1, CPG 2.0
//! and CSF 2.0 load at start (twice changes nothing), the catalog list names them with their
//! item counts, and a catalog version's mappings come over the API with the other catalog's
//! item titles, both ways, and on the catalog's page as "Related in other catalogs".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, databases, ok};
use cybernav_app::RequestMeta;
use cybernav_app::assessments::Origin;
use cybernav_core::authz::system_actor;
use serde_json::Value;

/// The links of `item` in a mappings reply, as `(direction, other catalog, other version, other
/// item, other title, relationship)`.
fn links_of(body: &Value, item: &str) -> Vec<(String, String, String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    body["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["item"]["item"] == item)
        .map(|l| {
            (
                s(&l["direction"]),
                s(&l["other"]["catalog"]),
                s(&l["other"]["version"]),
                s(&l["other"]["item"]),
                s(&l["other"]["title"]),
                s(&l["relationship"]),
            )
        })
        .collect()
}

fn link(
    direction: &str,
    catalog: &str,
    version: &str,
    item: &str,
    title: &str,
    relationship: &str,
) -> (String, String, String, String, String, String) {
    (
        direction.into(),
        catalog.into(),
        version.into(),
        item.into(),
        title.into(),
        relationship.into(),
    )
}

#[tokio::test]
async fn catalog_mappings_come_with_the_other_catalogs_titles_both_ways() {
    for db in databases() {
        let t = TestApp::new(db).await;
        assert_eq!(t.app.load_shipped_catalogs().await.unwrap(), 3, "{db:?}");
        assert_eq!(t.app.load_shipped_catalogs().await.unwrap(), 0, "{db:?}");
        let nav = t.token("navigator").await;
        let clerk = t.token("ea_official").await;
        let partner = t.token("partner").await;

        // The list names every shipped catalog version with its item count.
        let list = ok(&t.api_get(&nav, "/api/v1/catalogs").await, StatusCode::OK);
        let listed: Vec<(String, String, i64)> = list["catalogs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["version"].as_str().unwrap().to_string(),
                    c["items"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("cisa-cpg".to_string(), "1.0.1".to_string(), 38),
                ("cisa-cpg".to_string(), "2.0".to_string(), 34),
                ("nist-csf".to_string(), "2.0".to_string(), 106),
            ],
            "{db:?}"
        );

        // CPG 2.0: each goal's CSF subcategories (out) and its 1.0.1 predecessor (in).
        let m = ok(
            &t.api_get(&clerk, "/api/v1/catalogs/cisa-cpg/versions/2.0/mappings")
                .await,
            StatusCode::OK,
        );
        assert_eq!(m["catalog"]["id"], "cisa-cpg");
        assert_eq!(m["catalog"]["version"], "2.0");
        assert_eq!(m["catalog"]["items"], 34);
        let total = m["mappings"].as_array().unwrap().len();
        assert_eq!(m["meta"]["total"], total as u64, "{}", m["meta"]);
        assert_eq!(
            links_of(&m, "3.F"),
            [
                link(
                    "out",
                    "nist-csf",
                    "2.0",
                    "PR.AA-03",
                    "Users, services and hardware are authenticated",
                    "related"
                ),
                link(
                    "in",
                    "cisa-cpg",
                    "1.0.1",
                    "2.H",
                    "Phishing-Resistant Multifactor Authentication (MFA)",
                    "equivalent"
                ),
            ],
            "{db:?}"
        );
        let first = &m["mappings"][0];
        assert_eq!(first["item"]["item"], "1.A", "catalog order: {first}");
        assert_eq!(
            first["item"]["title"],
            "Establish Cybersecurity Responsibilities"
        );
        // A goal new in 2.0 has no predecessor.
        assert!(
            links_of(&m, "3.H").iter().all(|l| l.0 == "out"),
            "{:?}",
            links_of(&m, "3.H")
        );
        // 2.D took in the dropped security.txt goal and carries on 1.0.1's 4.B.
        let into_2d: Vec<_> = links_of(&m, "2.D")
            .into_iter()
            .filter(|l| l.0 == "in")
            .collect();
        assert_eq!(
            into_2d,
            [
                link(
                    "in",
                    "cisa-cpg",
                    "1.0.1",
                    "4.B",
                    "Vulnerability Disclosure/Reporting",
                    "equivalent"
                ),
                link(
                    "in",
                    "cisa-cpg",
                    "1.0.1",
                    "4.C",
                    "Deploy Security.txt Files",
                    "related"
                ),
            ]
        );

        // CPG 1.0.1's 1.A is a different goal from 2.0's 1.A: versions keep them apart.
        let old = ok(
            &t.api_get(&nav, "/api/v1/catalogs/cisa-cpg/versions/1.0.1/mappings")
                .await,
            StatusCode::OK,
        );
        let a = links_of(&old, "1.A");
        assert!(a.contains(&link(
            "out",
            "cisa-cpg",
            "2.0",
            "2.A",
            "Manage Organizational Assets",
            "equivalent"
        )));
        assert!(a.iter().any(|l| l.1 == "nist-csf" && l.3 == "ID.AM-01"));
        assert!(
            old["mappings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["item"]["title"].is_string()),
            "every 1.0.1 end names an item 1.0.1 holds"
        );

        // CSF 2.0 sees the links into it from both CPG versions.
        let csf = ok(
            &t.api_get(&nav, "/api/v1/catalogs/nist-csf/versions/2.0/mappings")
                .await,
            StatusCode::OK,
        );
        let into = links_of(&csf, "PR.AA-03");
        assert!(into.contains(&link(
            "in",
            "cisa-cpg",
            "2.0",
            "3.F",
            "Implement Multifactor Authentication (MFA)",
            "related"
        )));
        assert!(into.iter().any(|l| l.2 == "1.0.1" && l.3 == "2.H"));
        assert!(into.iter().all(|l| l.0 == "in"));

        // Not loaded: 404 naming nothing stored; partners may not read catalogs.
        let r = t
            .api_get(&nav, "/api/v1/catalogs/cisa-cpg/versions/9.9/mappings")
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let r = t
            .api_get(&partner, "/api/v1/catalogs/cisa-cpg/versions/2.0/mappings")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

        // A catalog with no mappings has an empty list.
        let system = system_actor();
        let mut lone = cybernav_core::scoring::synthetic_catalog(3);
        lone.id = "lone".into();
        t.app
            .load_catalog(
                &system.manage_catalogs().unwrap(),
                &lone,
                Origin::Imported,
                None,
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        let none = ok(
            &t.api_get(&nav, "/api/v1/catalogs/lone/versions/1.0/mappings")
                .await,
            StatusCode::OK,
        );
        assert_eq!(none["mappings"].as_array().unwrap().len(), 0);
        t.cleanup().await;
    }
}

/// The table row of item `id` on a catalog page.
fn row_of<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!(r#"<tr id="item-{id}">"#))
        .unwrap_or_else(|| panic!("no row for {id}"));
    let rest = &body[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn the_catalog_page_shows_what_each_goal_relates_to_in_other_catalogs() {
    for db in databases() {
        let t = TestApp::new(db).await;
        t.app.load_shipped_catalogs().await.unwrap();
        let mut c = t.signed_in("ea_it").await;
        let list = c.get("/catalogs").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body
                .contains(r#"<a href="/catalogs/cisa-cpg/versions/2.0">"#),
            "{}",
            list.body
        );
        let page = c.get("/catalogs/cisa-cpg/versions/2.0").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let body = &page.body;
        assert!(body.contains("<h1>Cross-Sector Cybersecurity Performance Goals"));
        assert!(body.contains(
            "<caption>Items in 3 Protect, with related items in other catalogs</caption>"
        ));
        assert!(body.contains("Related in other catalogs"));
        let row = row_of(body, "3.F");
        assert!(
            row.contains("Implement Multifactor Authentication (MFA)"),
            "{row}"
        );
        assert!(
            row.contains(r#"<a href="/catalogs/nist-csf/versions/2.0#item-PR.AA-03">PR.AA-03</a>"#),
            "{row}"
        );
        assert!(
            row.contains("Cross-Sector Cybersecurity Performance Goals 1.0.1:"),
            "{row}"
        );
        assert!(row.contains("(the same practice)"), "{row}");
        // A goal new in 2.0 names no 1.0.1 goal.
        let row = row_of(body, "3.H");
        assert!(!row.contains("1.0.1:"), "{row}");

        let r = c.get("/catalogs/cisa-cpg/versions/9.9").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let mut partner = t.signed_in("partner").await;
        let r = partner.get("/catalogs/cisa-cpg/versions/2.0").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        t.cleanup().await;
    }
}
