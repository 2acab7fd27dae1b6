//! The participation pages' server time with the Illinois demo (108 authorities) and five grant
//! cycles of facts and certifications, on SQLite: the statewide page of one cycle, the
//! dashboard that summarises all five, and the statewide computation alone.
//!
//! `cargo bench -p cybernav-web --bench participation`; figures in docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use cybernav_app::participation::{FactInput, GrantCycleInput};
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::authz::system_actor;
use cybernav_core::role::Role;
use http_body_util::BodyExt;
use tower::ServiceExt;

const FACTS: [&str; 7] = [
    "icn.connected",
    "isac.registered",
    "data_sharing.established",
    "training.designee_trained",
    "assessment.allowed",
    "assessment.risk_assessment_done",
    "assessment.cis_analysis_done",
];

struct Fixture {
    app: App,
    router: axum::Router,
    cookie: String,
    cycles: Vec<uuid::Uuid>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().to_path_buf());
    config.mfa_required_roles.clear();
    let app = App::open(config).await.unwrap();
    let demo = app.seed_demo().await.unwrap();
    let system = system_actor();
    let grants = system.manage_grants().unwrap();
    let meta = RequestMeta::default();
    let reader = system.read_registry().unwrap();
    let (authorities, _) = app
        .list_election_authorities(
            &reader,
            &cybernav_app::registry::EaListRequest {
                per_page: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let mut cycles = Vec::new();
    for year in 0..5 {
        let deadline = today + time::Duration::days(30 + 365 * (year - 2));
        let id = app
            .create_grant_cycle(
                &grants,
                &GrantCycleInput {
                    name: format!("Cycle {year}"),
                    grant_program: "HAVA Election Security".into(),
                    funds: "13,903,208.00".into(),
                    deadline: deadline.to_string(),
                    time_zone: "America/Chicago".into(),
                    ..Default::default()
                },
                &meta,
            )
            .await
            .unwrap();
        cycles.push(id);
    }
    // A realistic spread: most authorities have most facts; about two in three certified.
    for (i, ea) in authorities.iter().enumerate() {
        let id = ea.authority.id;
        let cap = system.record_facts_of(id).unwrap();
        for (j, fact) in FACTS.iter().enumerate() {
            if (i + j) % 5 == 0 {
                continue;
            }
            let input = FactInput {
                holds: true,
                on: Some(today - time::Duration::days(10)),
                note: Some("bench".into()),
            };
            app.record_fact(&cap, fact, &input, &meta).await.unwrap();
        }
        for (k, cycle) in cycles.iter().enumerate() {
            if (i + k) % 3 != 0 {
                app.record_certification(
                    &grants,
                    *cycle,
                    id,
                    "Bench Clerk",
                    time::OffsetDateTime::now_utc() - time::Duration::days(1),
                    &meta,
                )
                .await
                .unwrap();
            }
        }
    }
    let pm = demo
        .logins
        .iter()
        .find(|l| l.role == Role::ProgramManager)
        .unwrap();
    let session = app.login(&pm.email, &demo.password, &meta).await.unwrap();
    let router = cybernav_web::router(cybernav_web::AppState::new(app.clone()));
    Fixture {
        app,
        router,
        cookie: format!("cybernav_session={}", session.token),
        cycles,
        _dir: dir,
    }
}

async fn get(f: &Fixture, path: &str) -> usize {
    let req = Request::get(path)
        .header(header::COOKIE, &f.cookie)
        .body(Body::empty())
        .unwrap();
    let resp = f.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.into_body().collect().await.unwrap().to_bytes().len()
}

fn participation(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let f = rt.block_on(fixture());
    let statewide = format!("/participation/{}", f.cycles[2]);
    let size = rt.block_on(get(&f, &statewide));
    assert!(
        size > 50_000,
        "the page lists every authority ({size} bytes)"
    );
    c.bench_function("statewide page, 108 authorities (5 cycles stored)", |b| {
        b.iter(|| rt.block_on(get(&f, &statewide)))
    });
    c.bench_function("dashboard, 108 authorities x 5 cycles", |b| {
        b.iter(|| rt.block_on(get(&f, "/")))
    });
    let system = system_actor();
    let reader = system.read_registry().unwrap();
    c.bench_function("App::statewide, 108 authorities", |b| {
        b.iter(|| rt.block_on(f.app.statewide(&reader, f.cycles[2])).unwrap())
    });
}

criterion_group!(benches, participation);
criterion_main!(benches);
