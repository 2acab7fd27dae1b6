//! Issue 5's intake goal starts here: reading a STIX bundle must be fast and lean enough that a
//! one-million-indicator bundle ingests well ahead of a plain Python script. Generates a
//! 100,000-indicator STIX 2.1 bundle in the shape of CISA's AIS feed (TLP marking refs, an
//! identity, mixed IPv4, domain, URL and SHA-256 patterns, some OR-ed) and reads it with
//! `read_bundle`, turning each pattern into indicators.
//!   cargo bench -p cybernav-formats --bench stix_parse
#![allow(missing_docs)]

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cybernav_formats::stix::{PatternOutcome, StixObject, read_bundle};

const INDICATORS: usize = 100_000;

fn bundle(n: usize) -> String {
    let mut s = String::with_capacity(n * 520);
    s.push_str(
        r#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ["#,
    );
    s.push_str(r#"{"type": "identity", "spec_version": "2.1", "id": "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "Example federal source", "identity_class": "organization"}"#);
    for i in 0..n {
        let pattern = match i % 5 {
            0 => format!(
                "[ipv4-addr:value = '10.{}.{}.{}']",
                (i >> 16) & 255,
                (i >> 8) & 255,
                i & 255
            ),
            1 => format!("[domain-name:value = 'host{i}.bad.example']"),
            2 => format!("[url:value = 'http://host{i}.bad.example/login.php?id={i}']"),
            3 => format!(
                "[file:hashes.'SHA-256' = '{:064x}']",
                i as u128 * 0x9e37_79b9_7f4a_7c15
            ),
            _ => format!(
                "[ipv4-addr:value = '192.0.{}.{}' OR ipv4-addr:value = '198.51.{}.{}']",
                (i >> 8) & 255,
                i & 255,
                (i >> 8) & 255,
                i & 255
            ),
        };
        let _ = write!(
            s,
            r#",{{"type": "indicator", "spec_version": "2.1", "id": "indicator--{:08x}-0000-4000-8000-{:012x}", "created": "2024-03-01T12:00:00.000Z", "modified": "2024-03-01T12:00:00.000Z", "created_by_ref": "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01", "name": "Indicator {i}", "indicator_types": ["malicious-activity"], "pattern": "{}", "pattern_type": "stix", "valid_from": "2024-03-01T12:00:00Z", "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}}"#,
            i,
            i,
            pattern.replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    s.push_str("]}");
    s
}

fn bench(c: &mut Criterion) {
    let text = bundle(INDICATORS);
    let mut g = c.benchmark_group("stix_parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("read a 100k-indicator STIX 2.1 bundle", |b| {
        b.iter(|| {
            let mut indicators = 0usize;
            let summary = read_bundle(black_box(text.as_bytes()), |o| {
                if let Ok(StixObject::Indicator(i)) = o
                    && let PatternOutcome::Indicators(v) = &i.outcome
                {
                    indicators += v.len();
                }
            })
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(summary.rejected, 0);
            indicators
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
