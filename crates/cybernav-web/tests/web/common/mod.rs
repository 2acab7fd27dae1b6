//! Test support: a real application on a real database (SQLite in a temporary folder, or a
//! fresh PostgreSQL database when `CYBERNAV_TEST_POSTGRES_URL` is set), driven through the
//! real router, with a small registry and one account per role.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cybernav_app::store::users::NewUser;
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::authz::system_actor;
use cybernav_core::election_authority::ElectionAuthorityInput;
use cybernav_core::role::Role;
use cybernav_core::secret;
use cybernav_testkit::ScratchPostgres;
use cybernav_web::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

/// The password of every fixture account.
pub const PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The databases to run a story on: SQLite always, PostgreSQL when configured.
pub fn databases() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if cybernav_testkit::postgres_configured() {
        v.push(Db::Postgres);
    }
    v
}

/// One account of the fixture.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
}

/// A running application with fixture data.
pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub db: Db,
    /// Election authorities by short name: "adams", "cook", "chicago".
    pub authorities: HashMap<&'static str, Uuid>,
    /// Accounts by key: the role's name, plus "navigator_other", "ea_official_other".
    pub people: HashMap<&'static str, Person>,
    _dir: tempfile::TempDir,
    pg_admin: Option<ScratchPostgres>,
}

impl TestApp {
    /// A fresh application on `db` with the fixture loaded. MFA is not required, so tests can
    /// sign in with a password; MFA tests turn it back on with [`TestApp::with_config`].
    pub async fn new(db: Db) -> TestApp {
        Self::with_config(db, |c| c.mfa_required_roles.clear()).await
    }

    /// Like [`TestApp::new`], with the configuration adjusted first.
    pub async fn with_config(db: Db, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().to_path_buf());
        config.base_url = "http://cybernav.test".into();
        let mut pg_admin = None;
        if db == Db::Postgres {
            let pg = ScratchPostgres::create("test")
                .await
                .expect("Db::Postgres needs CYBERNAV_TEST_POSTGRES_URL");
            config.database_url = Some(pg.url.clone());
            pg_admin = Some(pg);
        }
        adjust(&mut config);
        let app = App::open(config).await.unwrap();
        let router = cybernav_web::router(AppState::new(app.clone()));
        let mut t = TestApp {
            app,
            router,
            db,
            authorities: HashMap::new(),
            people: HashMap::new(),
            _dir: dir,
            pg_admin,
        };
        t.load_fixture().await;
        t
    }

    async fn load_fixture(&mut self) {
        let system = system_actor();
        let cap = system.manage_registry().unwrap();
        let meta = RequestMeta::default();
        for (key, name, kind, county, fips, zone) in [
            (
                "adams",
                "Adams County Clerk",
                "county_clerk",
                "Adams",
                "17001",
                "West",
            ),
            (
                "cook",
                "Cook County Clerk",
                "county_clerk",
                "Cook",
                "17031",
                "Northeast",
            ),
            (
                "chicago",
                "Chicago Board of Election Commissioners",
                "board_of_election_commissioners",
                "Cook",
                "17031",
                "Northeast",
            ),
        ] {
            let input = ElectionAuthorityInput {
                name: name.into(),
                kind: kind.into(),
                county: county.into(),
                fips_code: fips.into(),
                population: Some("1000".into()),
                zone: Some(zone.into()),
            };
            let id = self
                .app
                .create_election_authority(&cap, &input, &meta)
                .await
                .unwrap();
            self.authorities.insert(key, id);
        }
        let hash = secret::hash_password(PASSWORD);
        let partner_org = Uuid::new_v4();
        {
            let mut tx = self.app.store.begin().await.unwrap();
            tx.insert_partner_org(
                partner_org,
                "Statewide Terrorism and Intelligence Center",
                cybernav_core::partner::PartnerKind::FusionCenter,
                None,
                cybernav_app::store::now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let adams = self.authorities["adams"];
        let cook = self.authorities["cook"];
        let accounts: [(&'static str, Role, Option<Uuid>, Option<Uuid>); 9] = [
            ("board_admin", Role::BoardAdmin, None, None),
            ("program_manager", Role::ProgramManager, None, None),
            ("navigator", Role::Navigator, None, None),
            ("navigator_other", Role::Navigator, None, None),
            ("ea_official", Role::EaOfficial, Some(adams), None),
            ("ea_official_other", Role::EaOfficial, Some(cook), None),
            ("ea_it", Role::EaIt, Some(adams), None),
            ("partner", Role::Partner, None, Some(partner_org)),
            ("auditor", Role::Auditor, None, None),
        ];
        let mut tx = self.app.store.begin().await.unwrap();
        for (key, role, ea, partner) in accounts {
            let id = Uuid::new_v4();
            let email = format!("{}@test.example", key.replace('_', "."));
            tx.insert_user(
                &NewUser {
                    id,
                    email: &email,
                    name: &format!("Test {}", role.label()),
                    role: role.as_str(),
                    election_authority_id: ea,
                    partner_org_id: partner,
                    status: "active",
                    password_hash: Some(&hash),
                },
                cybernav_app::store::now(),
            )
            .await
            .unwrap();
            self.people.insert(key, Person { id, email, role });
        }
        // The navigator covers Adams; the other navigator covers Cook and Chicago.
        tx.set_navigators(adams, &[self.people["navigator"].id])
            .await
            .unwrap();
        tx.set_navigators(cook, &[self.people["navigator_other"].id])
            .await
            .unwrap();
        tx.set_navigators(
            self.authorities["chicago"],
            &[self.people["navigator_other"].id],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    /// A browser-like client with its own cookies.
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
        }
    }

    /// A client signed in as fixture account `key` (password only; MFA not required).
    pub async fn signed_in(&self, key: &str) -> Client {
        let mut c = self.client();
        let r = c.login(&self.people[key].email, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {key}: {}",
            r.body
        );
        c
    }

    /// A bearer token for fixture account `key`.
    pub async fn token(&self, key: &str) -> String {
        let actor = self.actor(key).await;
        self.app
            .create_api_token(&actor, "test", &RequestMeta::default())
            .await
            .unwrap()
            .1
    }

    /// The actor of fixture account `key`.
    pub async fn actor(&self, key: &str) -> cybernav_core::authz::Actor {
        let mut tx = self.app.store.read().await.unwrap();
        let u = tx.get_user(self.people[key].id).await.unwrap();
        cybernav_app::accounts::actor_for(&mut tx, &u)
            .await
            .unwrap()
    }

    /// Sends a request without cookies.
    pub async fn request(&self, req: Request<Body>) -> Reply {
        send(&self.router, req).await
    }

    /// `GET` an API path with a bearer token.
    pub async fn api_get(&self, token: &str, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.request(req).await
    }

    /// Sends a JSON body to an API path with a bearer token.
    pub async fn api_send(&self, method: &str, token: &str, path: &str, body: &str) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.request(req).await
    }

    /// Sends one file as a multipart form (part `file`) to an API path with a bearer token.
    pub async fn api_upload(
        &self,
        token: &str,
        path: &str,
        file_name: &str,
        content: &[u8],
    ) -> Reply {
        const BOUNDARY: &str = "cybernav-test-boundary";
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    /// Drops the PostgreSQL database, if any.
    pub async fn cleanup(self) {
        self.app.store.close().await;
        if let Some(pg) = self.pg_admin {
            pg.drop_database().await;
        }
    }
}

/// An answer, with its body read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `Location` header.
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

/// Asserts the status of a reply and returns its JSON body (`Null` when the body is empty or
/// not JSON, as for a CSV or a 204).
pub fn ok(r: &Reply, status: StatusCode) -> serde_json::Value {
    assert_eq!(r.status, status, "{}", r.body);
    let body = r.body.trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        r.json()
    } else {
        serde_json::Value::Null
    }
}

/// Asserts a 422 and returns the fields it names and its details joined with ` | `.
pub fn refusal(r: &Reply) -> (Vec<String>, String) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let json = r.json();
    let errors = json["errors"].as_array().expect("a 422 lists its errors");
    let fields = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_string())
        .collect();
    let details = errors
        .iter()
        .map(|e| e["detail"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join(" | ");
    (fields, details)
}

async fn send(router: &Router, req: Request<Body>) -> Reply {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A client that keeps cookies and sends the CSRF token with forms, as a browser does.
pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
}

impl Client {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, reply: &Reply) {
        for v in reply.headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let pair = s.split(';').next().unwrap();
            if let Some((k, val)) = pair.split_once('=') {
                if s.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
    }

    /// `GET`.
    pub async fn get(&mut self, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let r = send(&self.router, req).await;
        self.remember(&r);
        r
    }

    /// The CSRF token (fetching a page first when there is none yet).
    pub async fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("cybernav_csrf") {
            self.get("/login").await;
        }
        self.cookies["cybernav_csrf"].clone()
    }

    /// `POST` a form, adding the CSRF field.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_form_raw(path, &all).await
    }

    /// `POST` a form exactly as given (no CSRF field added).
    pub async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let r = send(&self.router, req).await;
        self.remember(&r);
        r
    }

    /// `POST` a multipart form as a browser sends it: text `fields`, then each of `files`
    /// (file name, content) as a `file` field; the CSRF token goes in the query, as the
    /// upload forms send it.
    pub async fn post_multipart(
        &mut self,
        url: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Reply {
        const B: &str = "cybernav-test-boundary";
        let csrf = self.csrf().await;
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{B}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (file_name, content) in files {
            body.extend_from_slice(
                format!(
                    "--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
        let sep = if url.contains('?') { '&' } else { '?' };
        let req = Request::post(format!("{url}{sep}csrf={csrf}"))
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={B}"),
            )
            .body(Body::from(body))
            .unwrap();
        let r = send(&self.router, req).await;
        self.remember(&r);
        r
    }

    /// Signs in with the form.
    pub async fn login(&mut self, email: &str, password: &str) -> Reply {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

/// How many audit records the application holds.
pub async fn audit_total(t: &TestApp) -> i64 {
    let mut tx = t.app.store.read().await.unwrap();
    tx.list_audit(&cybernav_app::store::audit::AuditQuery {
        page: 1,
        per_page: 1,
        ..Default::default()
    })
    .await
    .unwrap()
    .1
}

/// The text between `before` and the next `<` in a page.
pub fn between(body: &str, before: &str) -> String {
    body.split(before)
        .nth(1)
        .unwrap_or_else(|| panic!("'{before}' not in page"))
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

/// Opens a grant cycle as the system, with `funds` in dollars and a deadline far ahead.
pub async fn grant_cycle(t: &TestApp, name: &str, funds: &str) -> Uuid {
    let system = system_actor();
    t.app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &cybernav_app::participation::GrantCycleInput {
                name: name.into(),
                grant_program: "HAVA Election Security Grant (EAC)".into(),
                funds: funds.into(),
                deadline: "2099-03-15".into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &RequestMeta::default(),
        )
        .await
        .unwrap()
}

/// Records every fact of the shipped Illinois set for `ea`, as the system.
pub async fn meet_every_requirement(t: &TestApp, ea: Uuid) {
    use cybernav_app::participation::FactInput;
    // The Board's own account: facts and certifications name who recorded them.
    let board = t.actor("board_admin").await;
    let recorder = board.record_facts_of(ea).unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    for (fact, on, note) in [
        (
            "icn.agreement_signed",
            None,
            Some("DoIT agreement 2026-114"),
        ),
        ("isac.waived", None, Some("EI-ISAC no longer funded")),
        ("data_sharing.established", None, None),
        ("training.designee_trained", Some(today), None),
        ("assessment.allowed", None, None),
        ("assessment.risk_assessment_done", Some(today), None),
        ("assessment.cis_analysis_done", Some(today), None),
    ] {
        let input = FactInput {
            holds: true,
            on,
            note: note.map(str::to_string),
        };
        t.app
            .record_fact(&recorder, fact, &input, &RequestMeta::default())
            .await
            .unwrap();
    }
}

/// Records a certification of participation for `ea` in `cycle`, received now (on time for
/// cycles opened with [`grant_cycle`]).
pub async fn certify(t: &TestApp, ea: Uuid, cycle: Uuid) {
    let board = t.actor("board_admin").await;
    t.app
        .record_certification(
            &board.manage_grants().unwrap(),
            cycle,
            ea,
            "Pat Clerk",
            cybernav_app::store::now(),
            &RequestMeta::default(),
        )
        .await
        .unwrap();
}

/// How far [`assessment`] takes an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Created and assigned; answers saved if any were given.
    Answered,
    /// Marked complete (every item in scope must be answered).
    Complete,
    /// Validated by the Program Manager.
    Validated,
}

/// What [`assessment`] sets up: a catalog (loaded if it is not yet), an assessment of an
/// authority in a cycle, its answers and how far through the workflow it goes.
pub struct AssessmentSetup {
    /// The catalog (loaded by the system when it is not loaded yet).
    pub catalog: cybernav_core::catalog::Catalog,
    /// The authority.
    pub authority: Uuid,
    /// The cycle.
    pub cycle: Uuid,
    /// `ig1`…`ig3`, `all`.
    pub scope: &'static str,
    /// `csat-4d-v1` or `simple-5-v1`.
    pub method: &'static str,
    /// The navigators by fixture key; empty: the authority's own (the app's default).
    pub navigators: Vec<&'static str>,
    /// The answers to save (none: nothing saved).
    pub answers: Vec<cybernav_app::assessments::AnswerInput>,
    /// How far to take it.
    pub stage: Stage,
}

impl AssessmentSetup {
    /// Adams, against `catalog`, in `cycle`, on the simple 1–5 scale at IG3, every item
    /// answered `score`, marked complete.
    pub fn simple(
        t: &TestApp,
        catalog: cybernav_core::catalog::Catalog,
        cycle: Uuid,
        score: u8,
    ) -> Self {
        let answers = catalog
            .items()
            .map(|(_, i)| cybernav_app::assessments::AnswerInput {
                item: i.id.clone(),
                score: Some(score),
                ..Default::default()
            })
            .collect();
        AssessmentSetup {
            catalog,
            authority: t.authorities["adams"],
            cycle,
            scope: "ig3",
            method: "simple-5-v1",
            navigators: vec!["navigator"],
            answers,
            stage: Stage::Complete,
        }
    }
}

/// Loads the catalog if needed, creates the assessment, saves its answers and takes it to
/// `stage` (answers and completion by the system, validation by the Program Manager).
pub async fn assessment(t: &TestApp, s: AssessmentSetup) -> Uuid {
    use cybernav_app::assessments::{AnswersInput, AssessmentInput, Origin};
    use cybernav_core::assessment::Transition;
    let system = system_actor();
    let meta = RequestMeta::default();
    t.app
        .load_catalog(
            &system.manage_catalogs().unwrap(),
            &s.catalog,
            Origin::Imported,
            None,
            &meta,
        )
        .await
        .unwrap();
    let ea = s.authority;
    let id = t
        .app
        .create_assessment(
            &system.manage_assessments().unwrap(),
            &AssessmentInput {
                election_authority_id: ea,
                cycle_id: s.cycle,
                catalog_id: s.catalog.id.clone(),
                catalog_version: s.catalog.version.clone(),
                scope: s.scope.into(),
                method: s.method.into(),
                navigators: s.navigators.iter().map(|k| t.people[k].id).collect(),
            },
            &meta,
        )
        .await
        .unwrap();
    if !s.answers.is_empty() {
        t.app
            .save_answers(
                &system.answer_assessments_of(ea).unwrap(),
                id,
                &AnswersInput { answers: s.answers },
                &meta,
            )
            .await
            .unwrap();
    }
    if s.stage >= Stage::Complete {
        t.app
            .transition_assessment(&system, id, Transition::Complete, None, &meta)
            .await
            .unwrap();
    }
    if s.stage >= Stage::Validated {
        let pm = t.actor("program_manager").await;
        t.app
            .transition_assessment(&pm, id, Transition::Validate, None, &meta)
            .await
            .unwrap();
    }
    id
}

/// An import that has begun and not committed: a source, a run stamped now and one
/// TLP:CLEAR report of the IPv4 address `value`, written in a transaction left open (commit
/// it, or drop it to roll back).
pub async fn open_import(t: &TestApp, source: &str, value: &str) -> cybernav_app::store::Tx {
    use cybernav_app::store::intake::{NewIndicator, NewReport, Provenance, RunRow, SourceRow};
    let mut tx = t.app.store.begin().await.unwrap();
    let at = cybernav_app::store::now();
    let src = SourceRow {
        id: Uuid::new_v4(),
        name: source.into(),
        kind: "list".into(),
        default_marking: "TLP:CLEAR".into(),
        created_at: at,
        updated_at: at,
    };
    tx.insert_intel_source(&src).await.unwrap();
    let run = RunRow {
        id: Uuid::new_v4(),
        source_id: src.id,
        source_name: String::new(),
        format: "list".into(),
        file_name: "big.txt".into(),
        sha256: "00".into(),
        received_at: at,
        imported: 1,
        duplicates: 0,
        objects: 0,
        rejected: 0,
        rejected_detail: "[]".into(),
        run_by: None,
    };
    tx.insert_intake_run(&run).await.unwrap();
    let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("ipv4 {value}").as_bytes());
    tx.add_indicator_reports(
        &[NewIndicator {
            id,
            kind: "ipv4",
            value,
        }],
        &[NewReport {
            indicator_id: id,
            reference: "line 1",
            marking: "TLP:CLEAR",
            original_markings: "[]",
            valid_until: None,
            confidence: None,
            revoked: false,
        }],
        Provenance {
            source_id: src.id,
            run_id: run.id,
            received_at: at,
            known_source: true,
        },
    )
    .await
    .unwrap();
    tx
}

/// Disables the account `id`, as the system.
pub async fn disable_person(t: &TestApp, id: uuid::Uuid) {
    let system = cybernav_core::authz::system_actor();
    t.app
        .set_person_enabled(
            &system.manage_people().unwrap(),
            id,
            false,
            &cybernav_app::RequestMeta::default(),
        )
        .await
        .unwrap();
}

/// Gives `key` a current need-to-know approval: applied for, approved and the handling
/// agreement accepted, through the roster's use cases.
pub async fn approve_need_to_know(t: &TestApp, key: &str) {
    let meta = cybernav_app::RequestMeta::default();
    let person = t.actor(key).await;
    let id = t
        .app
        .apply_need_to_know(
            &person.apply_need_to_know(),
            &cybernav_app::need_to_know::ApplyInput {
                organisation: "Test county".into(),
                title: "Clerk".into(),
                justification: "Reads FOUO products".into(),
                sponsor_name: "Pat Sponsor".into(),
                sponsor_email: "pat@sponsor.example".into(),
            },
            &meta,
        )
        .await
        .unwrap();
    let system = cybernav_core::authz::system_actor();
    t.app
        .decide_need_to_know(
            &system.decide_need_to_know(person.user_id).unwrap(),
            id,
            cybernav_core::need_to_know::Decision::Approve,
            None,
            &meta,
        )
        .await
        .unwrap();
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
