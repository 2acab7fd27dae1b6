//! The registry pages (election authorities, contacts, navigators, partners, CSV import and
//! export) through the real router, on every database.
#![expect(clippy::unwrap_used, reason = "a failed step fails the test, loudly")]

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, Reply, TestApp, audit_total, databases};
use cybernav_app::RequestMeta;
use cybernav_app::store::audit::AuditQuery;
use cybernav_core::authz::{EaScope, system_actor};
use cybernav_core::election_authority::ElectionAuthorityInput;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers

/// `GET` with extra headers (htmx), keeping the client's cookies.
async fn get_with(t: &TestApp, c: &Client, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(path).header(header::COOKIE, cookie_header(c));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    t.request(req.body(Body::empty()).unwrap()).await
}

fn cookie_header(c: &Client) -> String {
    c.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

const BOUNDARY: &str = "cybernav-test-boundary-7d1f";

/// Uploads `file` as the import form does (multipart, token in the query string).
async fn upload(t: &TestApp, c: &mut Client, kind: &str, file: &str, with_csrf: bool) -> Reply {
    let csrf = c.csrf().await;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"registry.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
    );
    let path = if with_csrf {
        format!("/election-authorities/import?csrf={csrf}")
    } else {
        "/election-authorities/import".to_string()
    };
    let req = Request::post(path)
        .header(header::COOKIE, cookie_header(c))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    t.request(req).await
}

async fn authority_count(t: &TestApp) -> usize {
    let mut tx = t.app.store.read().await.unwrap();
    tx.all_election_authorities(&EaScope::All)
        .await
        .unwrap()
        .len()
}

async fn audit_actions(t: &TestApp, entity_type: &str) -> Vec<(String, String)> {
    let mut tx = t.app.store.read().await.unwrap();
    let q = AuditQuery {
        entity_type: Some(entity_type.into()),
        page: 1,
        per_page: 200,
        ..Default::default()
    };
    let (records, _) = tx.list_audit(&q).await.unwrap();
    records
        .into_iter()
        .rev()
        .map(|r| (r.event.action, r.event.actor_label))
        .collect()
}

async fn contacts_of(t: &TestApp, ea: Uuid) -> Vec<cybernav_core::contact::Contact> {
    let mut tx = t.app.store.read().await.unwrap();
    tx.list_contacts(ea).await.unwrap()
}

/// Adds `n` authorities named "Testville NN" in zone "Paging".
async fn add_many(t: &TestApp, n: usize) {
    let system = system_actor();
    let cap = system.manage_registry().unwrap();
    for i in 1..=n {
        let input = ElectionAuthorityInput {
            name: format!("Testville {i:02} Board"),
            kind: "board_of_election_commissioners".into(),
            county: "Testville".into(),
            fips_code: format!("17{:03}", 100 + i),
            population: None,
            zone: Some("Paging".into()),
        };
        t.app
            .create_election_authority(&cap, &input, &RequestMeta::default())
            .await
            .unwrap();
    }
}

fn ea_path(t: &TestApp, key: &str) -> String {
    format!("/election-authorities/{}", t.authorities[key])
}

// ---------------------------------------------------------------------------------------------
// Who may see what

#[tokio::test]
async fn pages_render_for_roles_that_may_see_them_and_refuse_the_others() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams = ea_path(&t, "adams");
        let expectations: &[(&str, &str, StatusCode)] = &[
            ("board_admin", "/election-authorities", StatusCode::OK),
            ("auditor", "/election-authorities", StatusCode::OK),
            ("ea_it", "/election-authorities", StatusCode::OK),
            ("partner", "/election-authorities", StatusCode::FORBIDDEN),
            ("navigator", &adams, StatusCode::OK),
            ("navigator_other", &adams, StatusCode::NOT_FOUND),
            ("ea_official", &adams, StatusCode::OK),
            ("ea_official_other", &adams, StatusCode::NOT_FOUND),
            ("ea_it", &adams, StatusCode::OK),
            ("auditor", &adams, StatusCode::OK),
            ("partner", &adams, StatusCode::FORBIDDEN),
            (
                "board_admin",
                "/election-authorities/not-a-uuid",
                StatusCode::NOT_FOUND,
            ),
            (
                "board_admin",
                "/election-authorities/00000000-0000-0000-0000-000000000001",
                StatusCode::NOT_FOUND,
            ),
            (
                "program_manager",
                "/election-authorities/new",
                StatusCode::OK,
            ),
            (
                "navigator",
                "/election-authorities/new",
                StatusCode::FORBIDDEN,
            ),
            (
                "ea_official",
                "/election-authorities/new",
                StatusCode::FORBIDDEN,
            ),
            ("board_admin", &format!("{adams}/edit"), StatusCode::OK),
            ("navigator", &format!("{adams}/edit"), StatusCode::FORBIDDEN),
            (
                "program_manager",
                "/election-authorities/import",
                StatusCode::OK,
            ),
            (
                "ea_official",
                "/election-authorities/import",
                StatusCode::FORBIDDEN,
            ),
            (
                "auditor",
                "/election-authorities/import",
                StatusCode::FORBIDDEN,
            ),
            (
                "ea_official",
                &format!("{adams}/contacts/new"),
                StatusCode::OK,
            ),
            (
                "navigator",
                &format!("{adams}/contacts/new"),
                StatusCode::OK,
            ),
            (
                "ea_it",
                &format!("{adams}/contacts/new"),
                StatusCode::FORBIDDEN,
            ),
            (
                "auditor",
                &format!("{adams}/contacts/new"),
                StatusCode::FORBIDDEN,
            ),
            (
                "navigator_other",
                &format!("{adams}/contacts/new"),
                StatusCode::NOT_FOUND,
            ),
            ("partner", "/partners", StatusCode::OK),
            ("ea_it", "/partners", StatusCode::OK),
            ("program_manager", "/partners/new", StatusCode::OK),
            ("partner", "/partners/new", StatusCode::FORBIDDEN),
            ("navigator", "/partners/new", StatusCode::FORBIDDEN),
            (
                "partner",
                "/election-authorities/export.csv",
                StatusCode::FORBIDDEN,
            ),
        ];
        // One sign-in per role: sign-ins are rate limited per address.
        let mut clients: std::collections::HashMap<&str, Client> = std::collections::HashMap::new();
        for (who, path, status) in expectations {
            if !clients.contains_key(who) {
                clients.insert(who, t.signed_in(who).await);
            }
            let c = clients.get_mut(who).unwrap();
            let r = c.get(path).await;
            assert_eq!(r.status, *status, "{db:?}: {who} GET {path}");
            if *status == StatusCode::OK {
                assert_eq!(r.body.matches("<h1").count(), 1, "{who} GET {path}: one h1");
            }
            if *status == StatusCode::FORBIDDEN {
                assert!(
                    r.body.contains("Not available to your role"),
                    "{who} GET {path}: the 403 page"
                );
            }
        }
        // Not signed in: to the sign-in page, coming back afterwards.
        let r = t.client().get("/election-authorities").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/login?next=/election-authorities");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn management_controls_show_only_to_board_and_program_manager() {
    let t = TestApp::new(common::Db::Sqlite).await;
    let mut board = t.signed_in("board_admin").await;
    let list = board.get("/election-authorities").await.body;
    for text in [
        "Add an election authority",
        "Export CSV",
        "Import CSV",
        "Apply filters",
        "<caption",
        "scope=\"col\"",
    ] {
        assert!(list.contains(text), "board sees {text}");
    }
    let detail = board.get(&ea_path(&t, "adams")).await.body;
    assert!(
        detail.contains("Edit details")
            && detail.contains("Save navigators")
            && detail.contains("Add a contact")
    );

    let mut clerk = t.signed_in("ea_official").await;
    let list = clerk.get("/election-authorities").await.body;
    assert!(
        !list.contains("Add an election authority")
            && !list.contains("Import CSV")
            && !list.contains("Export CSV")
    );
    let detail = clerk.get(&ea_path(&t, "adams")).await.body;
    assert!(
        detail.contains("Add a contact"),
        "the clerk keeps their own contacts current"
    );
    assert!(!detail.contains("Edit details") && !detail.contains("Save navigators"));

    let mut it = t.signed_in("ea_it").await;
    let detail = it.get(&ea_path(&t, "adams")).await.body;
    assert!(!detail.contains("Add a contact") && !detail.contains("Save navigators"));
}

#[tokio::test]
async fn county_users_and_navigators_see_only_their_authorities() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut clerk = t.signed_in("ea_official").await;
        let body = clerk.get("/election-authorities").await.body;
        assert!(body.contains("Adams County Clerk"), "{db:?}");
        assert!(!body.contains("Cook County Clerk") && !body.contains("Chicago Board"));
        assert!(body.contains("1 election authority."));
        assert!(
            !body.contains("id=\"zone\""),
            "no zone filter for a county office"
        );

        let mut nav = t.signed_in("navigator_other").await;
        let body = nav.get("/election-authorities").await.body;
        assert!(body.contains("Cook County Clerk") && body.contains("Chicago Board"));
        assert!(!body.contains("Adams County Clerk"));

        // A search cannot reach beyond the scope.
        let body = clerk.get("/election-authorities?q=Cook").await.body;
        assert!(
            body.contains("No election authorities match.") && !body.contains("Cook County Clerk")
        );

        // Exports are scoped the same way.
        let csv = clerk.get("/election-authorities/export.csv").await.body;
        assert!(csv.contains("Adams County Clerk") && !csv.contains("Cook County Clerk"));
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Search, filters, paging, htmx

#[tokio::test]
async fn search_filters_and_paging() {
    for db in databases() {
        let t = TestApp::new(db).await;
        add_many(&t, 30).await;
        let mut c = t.signed_in("program_manager").await;

        let all = c.get("/election-authorities").await.body;
        assert!(
            all.contains("Showing 1–25 of 33 election authorities."),
            "{db:?}"
        );
        assert!(all.contains("class=\"usa-pagination\""));
        assert!(
            all.contains("aria-current=\"page\""),
            "the current page is marked"
        );

        let page = c.get("/election-authorities?q=testville").await.body;
        assert!(page.contains("Showing 1–25 of 30 election authorities."));
        assert!(
            page.contains("href=\"/election-authorities?q=testville&#38;page=2\""),
            "page links keep the search"
        );
        let second = c.get("/election-authorities?q=testville&page=2").await.body;
        assert!(second.contains("Showing 26–30 of 30"));
        assert!(second.contains("Testville 30 Board") && !second.contains("Testville 01 Board"));
        assert!(
            second.contains("href=\"/election-authorities?q=testville\""),
            "previous page is page 1"
        );

        // Matches county and FIPS too.
        let by_fips = c.get("/election-authorities?q=17031").await.body;
        assert!(
            by_fips.contains("Cook County Clerk")
                && by_fips.contains("Chicago Board")
                && !by_fips.contains("Adams")
        );
        let by_county = c.get("/election-authorities?q=cook").await.body;
        assert!(by_county.contains("2 election authorities."));

        // Zone and navigator filters, and links that keep them.
        let zones = t.app.zones().await.unwrap();
        let west = zones.iter().find(|z| z.name == "West").unwrap().id;
        let body = c
            .get(&format!("/election-authorities?zone={west}"))
            .await
            .body;
        assert!(body.contains("1 election authority.") && body.contains("Adams County Clerk"));
        assert!(body.contains(&format!("<option value=\"{west}\" selected>West</option>")));
        let nav = t.people["navigator_other"].id;
        let body = c
            .get(&format!("/election-authorities?navigator={nav}"))
            .await
            .body;
        assert!(body.contains("2 election authorities.") && !body.contains("Adams County Clerk"));
        let paging = zones.iter().find(|z| z.name == "Paging").unwrap().id;
        let body = c
            .get(&format!("/election-authorities?zone={paging}&page=2"))
            .await
            .body;
        assert!(
            body.contains(&format!("href=\"/election-authorities?zone={paging}\"")),
            "previous link keeps the zone"
        );

        // Blank and junk filters are ignored rather than refused.
        let body = c
            .get("/election-authorities?q=&zone=&navigator=nonsense&page=abc")
            .await;
        assert_eq!(body.status, StatusCode::OK);
        assert!(body.body.contains("of 33 election authorities"));

        // htmx asks for the results region only; the page itself carries the live search.
        assert!(
            all.contains("hx-get=\"/election-authorities\"")
                && all.contains("hx-trigger=\"keyup changed delay:300ms, search\"")
        );
        assert!(all.contains("hx-target=\"#ea-results\"") && all.contains("hx-push-url=\"true\""));
        let partial = get_with(
            &t,
            &c,
            "/election-authorities?q=chicago",
            &[("HX-Request", "true")],
        )
        .await;
        assert_eq!(partial.status, StatusCode::OK);
        assert!(!partial.body.contains("<html") && !partial.body.contains("<h1"));
        assert!(
            partial.body.contains("Chicago Board") && !partial.body.contains("Adams County Clerk")
        );
        assert_eq!(partial.headers.get(header::VARY).unwrap(), "HX-Request");
        let restore = get_with(
            &t,
            &c,
            "/election-authorities?q=chicago",
            &[
                ("HX-Request", "true"),
                ("HX-History-Restore-Request", "true"),
            ],
        )
        .await;
        assert!(
            restore.body.contains("<html"),
            "history restore gets the whole page"
        );
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Creating and editing authorities

#[tokio::test]
async fn creating_and_editing_an_authority_reports_every_error_and_stores_nothing_bad() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.signed_in("board_admin").await;
        let before = audit_total(&t).await;
        let bad = [
            ("name", " "),
            ("kind", "clerk"),
            ("county", ""),
            ("fips_code", "1700"),
            ("population", "many"),
            ("zone", ""),
        ];
        let r = c.post_form("/election-authorities/new", &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}");
        assert!(r.body.contains("Please correct these 5 problems"));
        for field in ["name", "kind", "county", "fips_code", "population"] {
            assert!(
                r.body.contains(&format!("href=\"#{field}\"")),
                "summary links to {field}"
            );
            assert!(
                r.body.contains(&format!("id=\"{field}-error\"")),
                "message beside {field}"
            );
        }
        assert!(r.body.contains("usa-form-group--error") && r.body.contains("usa-input--error"));
        assert!(
            r.body.contains("value=\"1700\"") && r.body.contains("value=\"many\""),
            "values are kept"
        );
        assert_eq!(authority_count(&t).await, 3);
        assert_eq!(
            audit_total(&t).await,
            before,
            "nothing stored, nothing audited"
        );

        // A role that may not manage the registry is refused, and nothing is stored.
        let mut clerk = t.signed_in("ea_official").await;
        let good = [
            ("name", "Boone County Clerk"),
            ("kind", "county_clerk"),
            ("county", "Boone"),
            ("fips_code", "17007"),
            ("population", "53,448"),
            ("zone", "Northeast"),
        ];
        assert_eq!(
            clerk
                .post_form("/election-authorities/new", &good)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(authority_count(&t).await, 3);

        let r = c.post_form("/election-authorities/new", &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.location().ends_with("?notice=authority_created"),
            "{}",
            r.location()
        );
        let page = c.get(&r.location()).await.body;
        assert!(page.contains("The election authority was added."));
        assert!(
            page.contains("Boone County Clerk")
                && page.contains("53,448")
                && page.contains("Northeast")
        );
        let boone = r
            .location()
            .trim_start_matches("/election-authorities/")
            .split('?')
            .next()
            .unwrap()
            .to_string();

        // Edit: a clash with another name is an error on the name field; a good edit is saved.
        let clash = [
            ("name", "Adams County Clerk"),
            ("kind", "county_clerk"),
            ("county", "Boone"),
            ("fips_code", "17007"),
            ("population", ""),
            ("zone", ""),
        ];
        let r = c
            .post_form(&format!("/election-authorities/{boone}/edit"), &clash)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("another election authority has this name"));
        let edit = [
            ("name", "Boone County Clerk and Recorder"),
            ("kind", "county_clerk"),
            ("county", "Boone"),
            ("fips_code", "17007"),
            ("population", ""),
            ("zone", ""),
        ];
        let r = c
            .post_form(&format!("/election-authorities/{boone}/edit"), &edit)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = c.get(&format!("/election-authorities/{boone}")).await.body;
        assert!(page.contains("Boone County Clerk and Recorder") && page.contains("Unknown"));
        let actions: Vec<String> = audit_actions(&t, "election_authority")
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        assert!(
            actions.ends_with(&[
                "election_authority.create".to_string(),
                "election_authority.update".to_string()
            ]),
            "{actions:?}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn assigning_navigators() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let adams = ea_path(&t, "adams");
        let other = t.people["navigator_other"].id.to_string();
        let r = pm
            .post_form(&format!("{adams}/navigators"), &[("navigator", &other)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{db:?}");
        assert!(r.location().ends_with("notice=assigned"));
        let page = pm.get(&adams).await.body;
        assert!(page.contains(&format!("value=\"{other}\" checked")));
        // The assignment takes effect at once: the former navigator no longer sees Adams.
        let mut former = t.signed_in("navigator").await;
        assert_eq!(former.get(&adams).await.status, StatusCode::NOT_FOUND);
        let mut now = t.signed_in("navigator_other").await;
        assert_eq!(now.get(&adams).await.status, StatusCode::OK);

        // Someone who is not a navigator cannot be assigned.
        let clerk = t.people["ea_official"].id.to_string();
        let r = pm
            .post_form(&format!("{adams}/navigators"), &[("navigator", &clerk)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("is not a navigator"));
        let r = pm
            .post_form(&format!("{adams}/navigators"), &[("navigator", "x")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Only the Board and the Program Manager assign.
        let mut nav = t.signed_in("navigator_other").await;
        assert_eq!(
            nav.post_form(&format!("{adams}/navigators"), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let actions = audit_actions(&t, "election_authority").await;
        assert_eq!(
            actions.last().unwrap(),
            &(
                "election_authority.assign_navigators".to_string(),
                t.people["program_manager"].email.clone()
            )
        );
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Contacts

/// The "Needs checking" tag as a contact row shows it.
const STALE_TAG: &str = "<span class=\"usa-tag cn-tag--stale\">Needs checking</span>";

#[tokio::test]
async fn contacts_are_added_edited_verified_and_removed_with_audit_records() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams_id = t.authorities["adams"];
        let adams = ea_path(&t, "adams");
        let mut clerk = t.signed_in("ea_official").await;

        let bad = [
            ("name", ""),
            ("role", "boss"),
            ("organisation", ""),
            ("phone", "call me"),
            ("email", "nope"),
            ("last_verified_on", "2999-01-01"),
        ];
        let r = clerk
            .post_form(&format!("{adams}/contacts/new"), &bad)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}");
        assert!(
            r.body.contains("Please correct these 5 problems"),
            "{}",
            r.body
        );
        for field in ["name", "role", "phone", "email", "last_verified_on"] {
            assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
        }
        assert!(r.body.contains("value=\"call me\"") && r.body.contains("value=\"2999-01-01\""));
        assert!(contacts_of(&t, adams_id).await.is_empty());

        let good = [
            ("name", "Pat Clerk"),
            ("role", "election_official"),
            ("organisation", ""),
            ("phone", "(217) 555-0100"),
            ("email", "pat@adams.example"),
            ("last_verified_on", ""),
        ];
        let r = clerk
            .post_form(&format!("{adams}/contacts/new"), &good)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = clerk.get(&r.location()).await.body;
        assert!(page.contains("The contact was added."));
        assert!(
            page.contains("href=\"tel:2175550100\"")
                && page.contains("href=\"mailto:pat@adams.example\"")
        );
        assert!(
            page.contains("Never") && page.contains(STALE_TAG),
            "never verified is stale, said in words"
        );
        let id = contacts_of(&t, adams_id).await[0].id;

        let r = clerk
            .post_form(&format!("/contacts/{id}/verify"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = clerk.get(&r.location()).await.body;
        assert!(page.contains("Marked as verified today."));
        let today = time::OffsetDateTime::now_utc().date().to_string();
        assert!(page.contains(&today) && !page.contains(STALE_TAG));

        assert_eq!(
            clerk.get(&format!("/contacts/{id}/edit")).await.status,
            StatusCode::OK
        );
        let edit = [
            ("name", "Pat Clerk"),
            ("role", "election_official"),
            ("organisation", "Adams County"),
            ("phone", "217-555-0199"),
            ("email", "pat@adams.example"),
            ("last_verified_on", "2020-01-01"),
        ];
        let r = clerk
            .post_form(&format!("/contacts/{id}/edit"), &edit)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = clerk.get(&adams).await.body;
        assert!(
            page.contains("217-555-0199")
                && page.contains("2020-01-01")
                && page.contains(STALE_TAG)
        );

        // Outside their scope, others cannot reach the contact at all: 404, as if it did not
        // exist. Inside it, a role that may only read is refused: 403.
        for (who, refusal) in [
            ("ea_official_other", StatusCode::NOT_FOUND),
            ("navigator_other", StatusCode::NOT_FOUND),
            ("ea_it", StatusCode::FORBIDDEN),
            ("auditor", StatusCode::FORBIDDEN),
        ] {
            let mut c = t.signed_in(who).await;
            assert_eq!(
                c.get(&format!("/contacts/{id}/edit")).await.status,
                refusal,
                "{who}"
            );
            assert_eq!(
                c.post_form(&format!("/contacts/{id}/verify"), &[])
                    .await
                    .status,
                refusal,
                "{who}"
            );
            assert_eq!(
                c.post_form(&format!("/contacts/{id}/delete"), &[])
                    .await
                    .status,
                refusal,
                "{who}"
            );
            assert_eq!(
                c.post_form(&format!("/contacts/{id}/edit"), &good)
                    .await
                    .status,
                refusal,
                "{who}"
            );
        }
        assert_eq!(contacts_of(&t, adams_id).await.len(), 1);
        assert_eq!(
            clerk
                .get(&format!("/contacts/{}/edit", Uuid::new_v4()))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Removal asks first, then removes.
        let confirm = clerk.get(&format!("/contacts/{id}/delete")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(
            confirm.body.contains("Remove Pat Clerk?") && confirm.body.contains("name=\"csrf\"")
        );
        let r = clerk
            .post_form(&format!("/contacts/{id}/delete"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            clerk
                .get(&r.location())
                .await
                .body
                .contains("The contact was removed.")
        );
        assert!(contacts_of(&t, adams_id).await.is_empty());

        let clerk_email = t.people["ea_official"].email.clone();
        let actions = audit_actions(&t, "contact").await;
        let expected: Vec<(String, String)> = [
            "contact.create",
            "contact.verify",
            "contact.update",
            "contact.delete",
        ]
        .into_iter()
        .map(|a| (a.to_string(), clerk_email.clone()))
        .collect();
        assert_eq!(actions, expected);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn html_and_sql_in_text_is_stored_verbatim_and_shown_escaped() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let adams_id = t.authorities["adams"];
        let mut pm = t.signed_in("program_manager").await;
        let nasty = "<script>alert(1)</script>'; DROP TABLE contacts;--";
        let form = [
            ("name", nasty),
            ("role", "it_lead"),
            ("organisation", "\"Quoted\" & <b>bold</b>"),
            ("phone", ""),
            ("email", ""),
            ("last_verified_on", ""),
        ];
        let r = pm
            .post_form(
                &format!("/election-authorities/{adams_id}/contacts/new"),
                &form,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{db:?}: {}", r.body);
        let stored = contacts_of(&t, adams_id).await;
        assert_eq!(stored[0].name, nasty);
        assert_eq!(
            stored[0].organisation.as_deref(),
            Some("\"Quoted\" & <b>bold</b>")
        );
        let page = pm
            .get(&format!("/election-authorities/{adams_id}"))
            .await
            .body;
        // askama escapes with numeric references: &#60; is &lt;.
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#39;; DROP TABLE contacts;--")
        );
        assert!(!page.contains("<script>alert(1)"));
        assert!(!page.contains("<b>bold</b>"));

        let r = pm
            .post_form(
                "/partners/new",
                &[
                    ("name", "<img src=x onerror=alert(1)>"),
                    ("kind", "other"),
                    ("notes", "Line one\r\n<i>line two</i>"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = pm.get("/partners").await.body;
        assert!(
            page.contains("&#60;img src=x onerror=alert(1)&#62;") && !page.contains("<img src=x")
        );
        assert!(page.contains("&#60;i&#62;line two&#60;/i&#62;") && !page.contains("<i>line two"));
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Partners

#[tokio::test]
async fn partner_directory() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut partner = t.signed_in("partner").await;
        let page = partner.get("/partners").await.body;
        assert!(
            page.contains("Statewide Terrorism and Intelligence Center")
                && page.contains("Fusion center"),
            "{db:?}"
        );
        assert!(!page.contains("Add a partner organisation"));
        assert_eq!(
            partner
                .post_form(
                    "/partners/new",
                    &[("name", "X"), ("kind", "other"), ("notes", "")]
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let mut pm = t.signed_in("program_manager").await;
        assert!(
            pm.get("/partners")
                .await
                .body
                .contains("Add a partner organisation")
        );
        let r = pm
            .post_form(
                "/partners/new",
                &[("name", " "), ("kind", "spies"), ("notes", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"name-error\"") && r.body.contains("id=\"kind-error\""));
        let notes = "Duty desk: 217-555-0142 (24/7)\nAsk for the election liaison.";
        let r = pm
            .post_form(
                "/partners/new",
                &[
                    ("name", "FBI Springfield Field Office"),
                    ("kind", "fbi_field_office"),
                    ("notes", notes),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = pm.get(&r.location()).await.body;
        assert!(page.contains("The partner organisation was added to the directory."));
        assert!(
            page.contains("FBI Springfield Field Office")
                && page.contains("FBI field office")
                && page.contains(notes)
        );
        let dup = pm
            .post_form(
                "/partners/new",
                &[
                    ("name", "FBI Springfield Field Office"),
                    ("kind", "other"),
                    ("notes", ""),
                ],
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(dup.body.contains("already exists"));
        assert_eq!(audit_actions(&t, "partner_org").await.len(), 1);
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------------
// CSV import and export

const EA_HEADER: &str = "name,kind,county,fips_code,population,zone,navigators\n";

#[tokio::test]
async fn importing_a_good_authorities_file_upserts_by_name() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let nav = t.people["navigator_other"].email.clone();
        let file = format!(
            "{EA_HEADER}Adams County Clerk,county_clerk,Adams,17001,65737,West,{nav}\n\
             Boone County Clerk,county_clerk,Boone,17007,\"53,448\",Northern Lakes,\n\
             Cook County Clerk,county_clerk,Cook,17031,1000,Northeast,{nav}\n"
        );
        let r = upload(&t, &mut pm, "authorities", &file, true).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{db:?}: {}", r.body);
        let page = pm.get(&r.location()).await.body;
        assert!(page.contains("The file was imported."));
        assert!(
            page.contains("1 added")
                && page.contains("1 changed")
                && page.contains("1 already up to date"),
            "{page}"
        );

        assert_eq!(authority_count(&t).await, 4);
        let mut tx = t.app.store.read().await.unwrap();
        let adams = tx
            .get_election_authority(t.authorities["adams"])
            .await
            .unwrap();
        assert_eq!(adams.authority.population, Some(65737));
        assert_eq!(
            adams.navigator_names(),
            vec!["Test Cyber Navigator".to_string()]
        );
        assert_eq!(
            tx.navigators_of(t.authorities["adams"]).await.unwrap()[0].0,
            t.people["navigator_other"].id
        );
        let boone = tx
            .find_election_authority_by_name("Boone County Clerk")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            boone.zone.as_deref(),
            Some("Northern Lakes"),
            "zones are created by name"
        );
        assert_eq!(boone.authority.population, Some(53448));
        drop(tx);
        let actions: Vec<String> = audit_actions(&t, "registry")
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        assert_eq!(actions, ["registry.import"]);

        // Only the Board and Program Manager import; the multipart form needs its token too.
        let mut clerk = t.signed_in("ea_official").await;
        assert_eq!(
            upload(&t, &mut clerk, "authorities", &file, true)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            upload(&t, &mut pm, "authorities", &file, false)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_with_bad_rows_is_rejected_whole_with_every_error() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let before = audit_total(&t).await;
        let file = format!(
            "{EA_HEADER}Boone County Clerk,county_clerk,Boone,17007,53448,North,\n\
             Brown County Clerk,clerk,Brown,17009,6244,West,\n\
             Bureau County Clerk,county_clerk,Bureau,1711,32628,North,\n\
             Adams County Clerk,county_clerk,Adams,17001,lots,West,\n\
             Calhoun County Clerk,county_clerk,Calhoun,17013,4437,West,\n"
        );
        let r = upload(&t, &mut pm, "authorities", &file, true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}");
        assert!(
            r.body
                .contains("Nothing was imported: the file has 3 problems"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Line 3, column kind"));
        assert!(r.body.contains("Line 4, column fips_code"));
        assert!(r.body.contains("Line 5, column population"));
        assert_eq!(authority_count(&t).await, 3, "nothing stored");
        assert_eq!(audit_total(&t).await, before, "nothing audited");
        assert!(
            t.app
                .zones()
                .await
                .unwrap()
                .iter()
                .all(|z| z.name != "North"),
            "no zone created"
        );

        // Names that do not resolve are reported by line and column as well.
        let file = format!(
            "{EA_HEADER}Boone County Clerk,county_clerk,Boone,17007,,North,nobody@test.example\nAdams County Clerk,county_clerk,Adams,17001,,West,{}\n",
            t.people["ea_official"].email
        );
        let r = upload(&t, &mut pm, "authorities", &file, true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Line 2, column navigators") && r.body.contains("nobody@test.example")
        );
        assert!(
            r.body.contains("Line 3, column navigators")
                && r.body.contains("is not a Cyber Navigator")
        );
        assert_eq!(authority_count(&t).await, 3);

        let contacts = "authority,role,name,organisation,phone,email,last_verified_on\nNowhere County Clerk,it_lead,Sam,,,,\n";
        let r = upload(&t, &mut pm, "contacts", contacts, true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Line 2, column authority") && r.body.contains("Nowhere County Clerk")
        );

        // A missing file or kind is a form error, not a crash.
        let r = upload(&t, &mut pm, "", "", true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Choose a CSV file") && r.body.contains("Choose what the file holds")
        );
        assert_eq!(audit_total(&t).await, before);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn export_then_import_changes_nothing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let adams = t.authorities["adams"];
        for (name, role, phone) in [
            ("Pat Clerk", "election_official", "+1 217-555-0100"),
            ("=HYPERLINK(\"x\")", "it_lead", ""),
        ] {
            let form = [
                ("name", name),
                ("role", role),
                ("organisation", ""),
                ("phone", phone),
                ("email", ""),
                ("last_verified_on", "2026-01-02"),
            ];
            assert_eq!(
                pm.post_form(
                    &format!("/election-authorities/{adams}/contacts/new"),
                    &form
                )
                .await
                .status,
                StatusCode::SEE_OTHER
            );
        }

        let r = pm.get("/election-authorities/export.csv").await;
        assert_eq!(r.status, StatusCode::OK, "{db:?}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"election-authorities-"),
            "{disposition}"
        );
        assert!(r.body.starts_with(EA_HEADER));
        assert!(r.body.contains(
            "Adams County Clerk,county_clerk,Adams,17001,1000,West,navigator@test.example"
        ));

        let contacts = pm.get("/election-authorities/contacts.csv").await;
        assert_eq!(contacts.status, StatusCode::OK);
        assert!(
            contacts.body.contains("'=HYPERLINK"),
            "a formula is written as text: {}",
            contacts.body
        );
        assert!(contacts.body.contains("'+1 217-555-0100"));

        let before = audit_total(&t).await;
        let r = upload(&t, &mut pm, "authorities", &r.body, true).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(pm.get(&r.location()).await.body.contains("0 added"));
        assert!(
            r.location().contains("created=0&updated=0&unchanged=3"),
            "{}",
            r.location()
        );
        let r = upload(&t, &mut pm, "contacts", &contacts.body, true).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location()
                .contains("file=contacts&created=0&updated=0&unchanged=2"),
            "{}",
            r.location()
        );
        assert_eq!(
            audit_total(&t).await,
            before + 2,
            "only the two import records"
        );
        let stored = contacts_of(&t, adams).await;
        assert!(
            stored.iter().any(|c| c.name == "=HYPERLINK(\"x\")"),
            "the value survives the round trip"
        );
        assert!(
            stored
                .iter()
                .any(|c| c.phone.as_deref() == Some("+1 217-555-0100"))
        );
        t.cleanup().await;
    }
}
