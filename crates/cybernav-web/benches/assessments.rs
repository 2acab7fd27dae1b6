//! Assessment scoring and the statewide roll-up (issue 4 goals: both under 20 ms).
//!
//! * scoring one 153-item assessment (synthetic CIS-shaped catalog, every item answered on the
//!   four dimensions), pure;
//! * the statewide roll-up of 108 authorities in memory (scoring 108 assessments and the
//!   distribution), pure;
//! * the same roll-up as the API serves it, on SQLite with the Illinois demo (108 authorities,
//!   each with a validated 153-item IG3 assessment): reads, parses, scores, names.
//!
//! `cargo bench -p cybernav-web --bench assessments`; figures in docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use cybernav_app::assessments::{AnswerInput, AnswersInput, AssessmentInput, Origin};
use cybernav_app::participation::GrantCycleInput;
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::assessment::Transition;
use cybernav_core::authz::system_actor;
use cybernav_core::scoring::{self, Answer, Method, Scope, synthetic_catalog};

fn answers(seed: usize) -> BTreeMap<String, Answer> {
    synthetic_catalog(153)
        .items()
        .enumerate()
        .map(|(k, (_, i))| {
            let l = ((k + seed) % 5) as u8;
            let a = if (k + seed).is_multiple_of(17) {
                Answer::NotApplicable {
                    justification: "bench".into(),
                }
            } else {
                Answer::Dimensions {
                    levels: [l, l.saturating_sub(1), l / 2, l / 3],
                }
            };
            (i.id.clone(), a)
        })
        .collect()
}

async fn fixture() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path().to_path_buf());
    let app = App::open(config).await.unwrap();
    app.seed_demo().await.unwrap();
    let system = system_actor();
    let meta = RequestMeta::default();
    let catalog = synthetic_catalog(153);
    app.load_catalog(
        &system.manage_catalogs().unwrap(),
        &catalog,
        Origin::Imported,
        None,
        &meta,
    )
    .await
    .unwrap();
    let cycle = app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &GrantCycleInput {
                name: "Bench cycle".into(),
                grant_program: "HAVA".into(),
                funds: "1000".into(),
                deadline: "2099-03-15".into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &meta,
        )
        .await
        .unwrap();
    let (authorities, _) = app
        .list_election_authorities(
            &system.read_registry().unwrap(),
            &cybernav_app::registry::EaListRequest {
                per_page: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(authorities.len(), 108);
    let pm = {
        // A reviewer other than the system actor that completes.
        let mut a = system_actor();
        a.role = cybernav_core::role::Role::ProgramManager;
        a
    };
    for (n, ea) in authorities.iter().enumerate() {
        let ea = ea.authority.id;
        let id = app
            .create_assessment(
                &system.manage_assessments().unwrap(),
                &AssessmentInput {
                    election_authority_id: ea,
                    cycle_id: cycle,
                    catalog_id: "synthetic-cis".into(),
                    catalog_version: "1.0".into(),
                    scope: "ig3".into(),
                    method: "csat-4d-v1".into(),
                    navigators: vec![],
                },
                &meta,
            )
            .await
            .unwrap();
        let input = AnswersInput {
            answers: answers(n)
                .into_iter()
                .map(|(item, a)| match a {
                    Answer::Dimensions { levels } => AnswerInput {
                        item,
                        policy_defined: Some(levels[0]),
                        control_implemented: Some(levels[1]),
                        control_automated: Some(levels[2]),
                        control_reported: Some(levels[3]),
                        ..Default::default()
                    },
                    _ => AnswerInput {
                        item,
                        not_applicable: true,
                        justification: Some("bench".into()),
                        ..Default::default()
                    },
                })
                .collect(),
        };
        app.save_answers(
            &system.answer_assessments_of(ea).unwrap(),
            id,
            &input,
            &meta,
        )
        .await
        .unwrap();
        app.transition_assessment(&system, id, Transition::Complete, None, &meta)
            .await
            .unwrap();
        app.transition_assessment(&pm, id, Transition::Validate, None, &meta)
            .await
            .unwrap();
    }
    (app, dir)
}

fn bench(c: &mut Criterion) {
    let catalog = synthetic_catalog(153);
    let one = answers(0);
    c.bench_function("score one 153-item assessment", |b| {
        b.iter(|| scoring::score(&catalog, Scope::Ig3, Method::Csat4dV1, &one))
    });
    let all: Vec<BTreeMap<String, Answer>> = (0..108).map(answers).collect();
    c.bench_function("statewide roll-up of 108 authorities, in memory", |b| {
        b.iter(|| {
            let values: Vec<f64> = all
                .iter()
                .filter_map(|a| {
                    scoring::score(&catalog, Scope::Ig3, Method::Csat4dV1, a)
                        .overall
                        .percent
                })
                .collect();
            scoring::distribution(&values)
        })
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (app, _dir) = rt.block_on(fixture());
    let system = system_actor();
    let reader = system.read_statewide_scores().unwrap();
    let s = rt
        .block_on(app.statewide_scores(&reader, "synthetic-cis"))
        .unwrap();
    assert_eq!(s.authorities.len(), 108);
    c.bench_function("statewide roll-up of 108 authorities, SQLite", |b| {
        b.iter(|| {
            rt.block_on(app.statewide_scores(&reader, "synthetic-cis"))
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
