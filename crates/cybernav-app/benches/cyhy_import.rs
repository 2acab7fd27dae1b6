//! Importing a 10,000-row CyHy findings.csv into SQLite, half of whose rows match findings
//! already on file (so a re-import updates them) and half are new: target under 2 s.
//!
//! `CARGO_TARGET_DIR=/work/bench-target cargo bench -p cybernav-app --bench cyhy_import`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::authz::system_actor;

const ROWS: usize = 10_000;
const HEADER: &str = "owner,ip,port,protocol,known_exploited,ransomware_exploited,severity,initial_detection,latest_detection,age_days,cvss_base_score,cvss_version,vpr_score,cve,name,description,solution,source,plugin_id\n";

/// `n` rows on documentation addresses; row `i` is on 192.0.2/198.51.100/203.0.113 hosts,
/// ports and plugins varied, seen up to `latest`.
fn findings_csv(n: usize, latest: &str) -> Vec<u8> {
    let nets = ["192.0.2", "198.51.100", "203.0.113"];
    let mut s = String::from(HEADER);
    for i in 0..n {
        let ip = format!("{}.{}", nets[i % 3], (i / 3) % 254 + 1);
        let port = [22, 80, 443, 3389, 8443][i % 5];
        let sev = i % 5;
        let cve = if i % 4 == 0 {
            format!("CVE-2024-{:05}", 10_000 + i)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "BENCH,{ip},{port},tcp,false,false,{sev},2026-01-05,{latest},10,7.5,3.1,6.0,{cve},Vulnerability {i},\"Description of vulnerability {i}, as the scanner wrote it.\",Apply the vendor's update.,nessus,{}\n",
            100_000 + i
        ));
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let existing = findings_csv(ROWS / 2, "2026-02-09");
    let scan = findings_csv(ROWS, "2026-02-16");
    let mut group = c.benchmark_group("cyhy");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("import 10,000-row findings.csv, 5,000 matching (SQLite)", |b| {
        b.iter_batched(
            || {
                rt.block_on(async {
                    let dir = tempfile::tempdir().unwrap();
                    let app = App::open(Config::new(dir.path().to_path_buf())).await.unwrap();
                    let system = system_actor();
                    let reg = system.manage_registry().unwrap();
                    app.import_authorities_csv(
                        &reg,
                        b"name,kind,county,fips_code,population,zone,navigators\nAdams County Clerk,county_clerk,Adams,17001,65737,,\n",
                        &RequestMeta::default(),
                    )
                    .await
                    .unwrap();
                    let mut tx = app.store.read().await.unwrap();
                    let ea = tx
                        .all_election_authorities(&cybernav_core::authz::EaScope::All)
                        .await
                        .unwrap()[0]
                        .authority
                        .id;
                    drop(tx);
                    let cap = system.manage_findings_of(ea).unwrap();
                    app.import_cyhy(&cap, &[("findings.csv".into(), existing.clone())], &RequestMeta::default(), &|_, _| {})
                        .await
                        .unwrap();
                    (dir, app, ea)
                })
            },
            |(dir, app, ea)| {
                rt.block_on(async {
                    let system = system_actor();
                    let cap = system.manage_findings_of(ea).unwrap();
                    let counts = app
                        .import_cyhy(&cap, &[("findings.csv".into(), scan.clone())], &RequestMeta::default(), &|_, _| {})
                        .await
                        .unwrap();
                    assert_eq!(counts[0].created, ROWS / 2);
                    assert_eq!(counts[0].updated, ROWS / 2);
                });
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
