//! Issue 4's goal for field operations: need scores and the suggested assignment for a whole
//! state in well under 20 ms. 108 authorities in 6 zones, 12 navigator pairs (two per zone),
//! with scores, findings and populations that vary as a real state's would, and a current
//! assignment that is deliberately uneven.
//!   cargo bench -p cybernav-core --bench need
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cybernav_core::need::{NeedInput, NeedWeights, OpenFindings, Placement, need_score, suggest};
use uuid::Uuid;

/// Each authority's zone and navigator pair.
type Teams = Vec<(Option<Uuid>, Vec<Uuid>)>;

fn state() -> (Vec<NeedInput>, Teams) {
    let zones: Vec<Uuid> = (0..6u128).map(|z| Uuid::from_u128(1000 + z)).collect();
    let inputs = (0..108u128)
        .map(|i| NeedInput {
            authority: Uuid::from_u128(i + 1),
            score: (i % 5 != 0).then_some(((i * 37) % 100) as f64),
            findings: OpenFindings {
                critical: (i % 7 == 0) as u32,
                high: (i % 4) as u32,
                medium: (i % 9) as u32,
                low: (i % 13) as u32,
            },
            population: Some(800 + ((i * 7919) % 300) as i64 * ((i % 11) as i64 + 1) * 1000),
        })
        .collect();
    let placements = (0..108u128)
        .map(|i| {
            let z = (i % 6) as usize;
            // Pair 0 of each zone gets two thirds of its authorities.
            let pair = if (i / 6) % 3 == 0 { 1 } else { 0 };
            let base = 2000 + (z as u128) * 4 + pair * 2;
            (
                Some(zones[z]),
                vec![Uuid::from_u128(base), Uuid::from_u128(base + 1)],
            )
        })
        .collect();
    (inputs, placements)
}

fn bench(c: &mut Criterion) {
    let (inputs, teams) = state();
    let w = NeedWeights::default();
    c.bench_function(
        "need scores + suggested assignment, 108 authorities, 12 pairs",
        |b| {
            b.iter(|| {
                let placements: Vec<Placement> = inputs
                    .iter()
                    .zip(teams.iter())
                    .map(|(input, (zone, team))| Placement {
                        authority: input.authority,
                        zone: *zone,
                        need: need_score(input, &w).total,
                        team: team.clone(),
                    })
                    .collect();
                black_box(suggest(black_box(&placements)))
            })
        },
    );
    let plan = {
        let placements: Vec<Placement> = inputs
            .iter()
            .zip(teams.iter())
            .map(|(input, (zone, team))| Placement {
                authority: input.authority,
                zone: *zone,
                need: need_score(input, &w).total,
                team: team.clone(),
            })
            .collect();
        suggest(&placements)
    };
    let (now, suggested) = plan.worst();
    eprintln!(
        "balance (largest zone CV): now {now}, suggested {suggested}; {} moves",
        plan.moves().count()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
