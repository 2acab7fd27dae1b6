//! Issue 3's goal: eligibility for every authority recomputes in under 10 ms. Evaluates the
//! shipped Illinois set for 108 authorities whose facts vary as a real state's would.
//!   cargo bench -p cybernav-formats --bench eligibility
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cybernav_core::eligibility::{FactValue, Facts, evaluate};
use cybernav_core::requirements::FactKey;
use cybernav_formats::requirement_set::{illinois_part_213, parse_requirement_set};
use time::macros::date;

/// 108 authorities: each fact holds for some, in patterns that do not line up.
fn statewide() -> Vec<Facts> {
    (0..108_usize)
        .map(|i| {
            let mut f = Facts::default();
            for (k, fact) in FactKey::ALL.iter().enumerate() {
                if (i + k * 7) % (k + 2) != 0 {
                    let on = if i % 3 == 0 {
                        date!(2025 - 10 - 01)
                    } else {
                        date!(2026 - 02 - 01)
                    };
                    f.facts.insert(*fact, FactValue::since(on));
                }
            }
            f
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let illinois = illinois_part_213();
    let checklist = parse_requirement_set(include_str!("../tests/fixtures/checklist-31.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let authorities = statewide();
    let deadline = date!(2026 - 03 - 15);
    let today = date!(2026 - 03 - 01);
    c.bench_function("eligibility: 108 authorities, Illinois set", |b| {
        b.iter(|| {
            authorities
                .iter()
                .filter(|f| evaluate(black_box(&illinois), f, deadline, today).eligible)
                .count()
        })
    });
    c.bench_function("eligibility: 108 authorities, 31-item checklist", |b| {
        b.iter(|| {
            authorities
                .iter()
                .filter(|f| evaluate(black_box(&checklist), f, deadline, today).eligible)
                .count()
        })
    });
    c.bench_function("parse the Illinois set", |b| b.iter(illinois_part_213));
}

criterion_group!(benches, bench);
criterion_main!(benches);
