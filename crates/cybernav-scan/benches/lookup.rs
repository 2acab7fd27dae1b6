//! The scan's lookup goals (the indicator index, `cybernav_scan::index`): each bench looks up a
//! pre-generated batch of queries and reports elements/s; the time per lookup is 1 / that
//! (criterion's `time` divided by the batch size). The lookups of a batch are independent of
//! each other, so the CPU may overlap their memory reads where the code lets it. Synthetic
//! data from a seeded RNG (`benches/data`), the same on every run. Setup (generating, parsing
//! and indexing the indicators) is timed and printed to stderr, with the share of queries that
//! hit; it runs for every group, whatever the filter (the 10M-address index takes a few s).
//!
//! "Measured" below: one run on a 2-core KVM guest (AMD EPYC, Zen 5) whose dependent memory
//! loads take ~100 ns past 4 MB and ~200 ns at 256 MB; a cache-resident table, or a machine
//! with faster memory, does better.
//!   cargo bench -p cybernav-scan --bench lookup              (all, about 90 s)
//!   cargo bench -p cybernav-scan --bench lookup -- lpm       (a group: lpm, domain, exact,
//!                                                             hash, url, build)
#![allow(missing_docs)]

mod data;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use cybernav_core::sharing::{Indicator, IndicatorKind};
use cybernav_scan::{Index, IndexBuilder};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Queries per batch (one criterion iteration): more than fit in the first-level caches, so
/// each lookup pays for the table reads it makes.
const BATCH: usize = 1 << 16;

fn rng(stream: u64) -> StdRng {
    StdRng::seed_from_u64(0x5ca9_0000 + stream)
}

/// Runs `f`, printing how long it took.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    eprintln!("setup: {what}: {:.2} s", t.elapsed().as_secs_f64());
    v
}

fn report_hits(what: &str, hits: usize, of: usize) {
    eprintln!(
        "setup: {what}: {hits} of {of} queries hit ({:.1}%)",
        100.0 * hits as f64 / of as f64
    );
}

/// Registers a bench of `lookup` over the batch `queries`, its throughput in queries.
fn bench_batch<Q>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    queries: &[Q],
    lookup: impl Fn(&Q) -> bool,
) {
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function(name, |b| {
        b.iter(|| queries.iter().filter(|&q| lookup(black_box(q))).count())
    });
}

/// An index of `n` random IPv4 networks (`v4_networks`: mostly /21-/28, 2% /16-/20, about
/// one in eight nested in another) and a batch of addresses, 20% drawn inside a network and
/// the rest uniform over the whole space.
fn v4_lpm_setup(n: usize) -> (Index, Vec<u32>) {
    let mut r = rng(n as u64);
    let nets = data::v4_networks(&mut r, n);
    let index = timed(&format!("{n} IPv4 networks parsed and indexed"), || {
        let mut b = IndexBuilder::new();
        for &net in &nets {
            b.add(&data::v4_net_indicator(net));
        }
        b.build()
    });
    let queries = data::v4_queries(&mut r, &nets, BATCH, 20);
    let hits = queries.iter().filter(|&&a| index.ipv4(a).is_some()).count();
    report_hits(&format!("{n} IPv4 networks"), hits, BATCH);
    (index, queries)
}

/// Goals (longest-prefix match, IPv4): at most 50 ns per lookup at 100,000 prefixes and at
/// most 100 ns at 1,000,000 (`Index::ipv4` on an index of networks only). Also IPv6 at
/// 100,000 prefixes (/32-/64 under 2000::/3, some nested), for information: no goal.
/// Measured: IPv4 13 ns at 100k (22% of queries hit), 22-25 ns at 1M (36% hit); IPv6 40 ns.
fn lpm(c: &mut Criterion) {
    let mut g = c.benchmark_group("lpm");
    for (n, label) in [(100_000, "100k"), (1_000_000, "1M")] {
        let (index, queries) = v4_lpm_setup(n);
        bench_batch(&mut g, &format!("ipv4/{label} prefixes"), &queries, |&a| {
            index.ipv4(a).is_some()
        });
    }
    let mut r = rng(6);
    let nets = data::v6_networks(&mut r, 100_000);
    let index = timed("100000 IPv6 networks parsed and indexed", || {
        let mut b = IndexBuilder::new();
        for &net in &nets {
            b.add(&data::v6_net_indicator(net));
        }
        b.build()
    });
    let queries = data::v6_queries(&mut r, &nets, BATCH, 20);
    let hits = queries.iter().filter(|&&a| index.ipv6(a).is_some()).count();
    report_hits("100000 IPv6 networks", hits, BATCH);
    bench_batch(&mut g, "ipv6/100k prefixes", &queries, |&a| {
        index.ipv6(a).is_some()
    });
    g.finish();
}

/// Goal (domain suffix match): at most 150 ns per domain at 1,000,000 domains
/// (`Index::domain`). The indicators are random registered names with 0-2 more labels under
/// common TLDs; the queries, one buffer as a log line holds them, are 60% random names not in
/// the set, 10% well-known names (`www.google.com` …), 15% subdomains of an indicator and 15%
/// an indicator itself (a few upper-cased or with a trailing dot); 30% hit. Also the hits and
/// the misses alone, for information.
/// Measured: 431 ns (goal MISSED); hits 761 ns, misses 202 ns. With 10,000 domains (all in
/// cache) the same mix takes 79 ns: the rest is waiting on memory, one dependent read per
/// label probed, and for a match the value, the span and the text besides.
fn domain(c: &mut Criterion) {
    let mut r = rng(7);
    let names = data::domains(&mut r, 1_000_000);
    let index = timed("1000000 domains parsed and indexed", || {
        let mut b = IndexBuilder::new();
        for d in &names {
            b.add(&data::indicator(IndicatorKind::Domain, d));
        }
        b.build()
    });
    let queries = data::name_queries(&mut r, &names, BATCH);
    let hits = queries.iter().filter(|q| index.domain(q).is_some()).count();
    report_hits("1000000 domains", hits, BATCH);
    let mut g = c.benchmark_group("domain");
    g.measurement_time(Duration::from_secs(7));
    let mix: Vec<&[u8]> = queries.iter().collect();
    bench_batch(&mut g, "suffix/1M domains", &mix, |q| {
        index.domain(q).is_some()
    });
    // The same queries split by outcome, for information.
    let (hit, miss): (Vec<&[u8]>, Vec<&[u8]>) = mix.iter().partition(|q| index.domain(q).is_some());
    bench_batch(&mut g, "suffix/1M domains, hits only", &hit, |q| {
        index.domain(q).is_some()
    });
    bench_batch(&mut g, "suffix/1M domains, misses only", &miss, |q| {
        index.domain(q).is_some()
    });
    g.finish();
}

/// Goal (exact IP): at most 25 ns per lookup at 10,000,000 addresses (`Index::ipv4` on an
/// index of 10M exact IPv4 indicators, uniform random; no networks). Queries: half in the
/// set, half uniform random (nearly all misses). Setup parses the 10M indicators one by one
/// straight into the builder (none kept); it takes about 3 s and is printed.
/// Measured: 8 ns.
fn exact(c: &mut Criterion) {
    const N: usize = 10_000_000;
    let mut r = rng(10);
    let addrs: Vec<u32> = (0..N).map(|_| r.r#gen()).collect();
    let index = timed("10000000 IPv4 addresses parsed and indexed", || {
        let mut b = IndexBuilder::new();
        for &a in &addrs {
            b.add(&data::v4_indicator(a));
        }
        b.build()
    });
    let queries: Vec<u32> = (0..BATCH)
        .map(|i| {
            if i % 2 == 0 {
                addrs[r.gen_range(0..N)]
            } else {
                r.r#gen()
            }
        })
        .collect();
    drop(addrs);
    let hits = queries.iter().filter(|&&a| index.ipv4(a).is_some()).count();
    report_hits("10000000 IPv4 addresses", hits, BATCH);
    let mut g = c.benchmark_group("exact");
    bench_batch(&mut g, "ipv4/10M addresses", &queries, |&a| {
        index.ipv4(a).is_some()
    });
    g.finish();
}

/// For information, no goal: `Index::hash` on 100,000 each of MD5, SHA-1 and SHA-256, queries
/// a third of each length, half in the set, half random, one in eight upper-cased.
/// Measured: 217 ns.
fn hash(c: &mut Criterion) {
    let mut r = rng(11);
    let sets = [
        (IndicatorKind::Md5, data::hashes(&mut r, 16, 100_000)),
        (IndicatorKind::Sha1, data::hashes(&mut r, 20, 100_000)),
        (IndicatorKind::Sha256, data::hashes(&mut r, 32, 100_000)),
    ];
    let mut b = IndexBuilder::new();
    for (kind, set) in &sets {
        for h in set {
            b.add(&data::indicator(*kind, h));
        }
    }
    let index = b.build();
    let queries: Vec<Vec<u8>> = (0..BATCH)
        .map(|i| {
            let (_, set) = &sets[i % 3];
            let q = if r.gen_range(0..2) == 0 {
                set[r.gen_range(0..set.len())].clone()
            } else {
                data::hashes(&mut r, set[0].len() / 2, 1).remove(0)
            };
            if r.gen_range(0..8) == 0 {
                q.to_ascii_uppercase().into_bytes()
            } else {
                q.into_bytes()
            }
        })
        .collect();
    let hits = queries.iter().filter(|q| index.hash(q).is_some()).count();
    report_hits("300000 hashes", hits, BATCH);
    let mut g = c.benchmark_group("hash");
    bench_batch(&mut g, "md5+sha1+sha256/300k hashes", &queries, |q| {
        index.hash(q).is_some()
    });
    g.finish();
}

/// For information, no goal: `Index::url` on 100,000 URLs, queried as a sensor gives them
/// (host, then path and query), half in the set (some hosts upper-cased or with `:80`), half
/// random. Measured: 287 ns.
fn url(c: &mut Criterion) {
    let mut r = rng(12);
    let set = data::urls(&mut r, 100_000);
    let mut b = IndexBuilder::new();
    for (host, path) in &set {
        b.add(&data::indicator(
            IndicatorKind::Url,
            &format!("http://{host}{path}"),
        ));
    }
    let index = b.build();
    let others = data::urls(&mut r, BATCH);
    let queries: Vec<(String, String)> = others
        .into_iter()
        .map(|other| {
            if r.gen_range(0..2) == 0 {
                let (host, path) = set[r.gen_range(0..set.len())].clone();
                let host = match r.gen_range(0..8) {
                    0 => host.to_ascii_uppercase(),
                    1 => format!("{host}:80"),
                    _ => host,
                };
                (host, path)
            } else {
                other
            }
        })
        .collect();
    let mut scratch = String::new();
    let hits = queries
        .iter()
        .filter(|(h, p)| {
            index
                .url(h.as_bytes(), p.as_bytes(), &mut scratch)
                .is_some()
        })
        .count();
    report_hits("100000 URLs", hits, BATCH);
    let mut g = c.benchmark_group("url");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("host+path/100k URLs", |b| {
        b.iter(|| {
            queries
                .iter()
                .filter(|(h, p)| {
                    index
                        .url(black_box(h.as_bytes()), p.as_bytes(), &mut scratch)
                        .is_some()
                })
                .count()
        })
    });
    g.finish();
}

/// For information, no goal: `IndexBuilder::build` of 1,000,000 domains, 1,000,000 exact
/// IPv4 addresses and 100,000 IPv4 networks (the indicators already parsed and added; the
/// adding is setup, not timed). Measured: 0.40 s (190 ns an indicator).
fn build(c: &mut Criterion) {
    let mut r = rng(13);
    let set: Vec<Indicator> = timed("2.1M indicators generated and parsed", || {
        let mut set: Vec<Indicator> = data::domains(&mut r, 1_000_000)
            .iter()
            .map(|d| data::indicator(IndicatorKind::Domain, d))
            .collect();
        set.extend((0..1_000_000).map(|_| data::v4_indicator(r.r#gen())));
        set.extend(
            data::v4_networks(&mut r, 100_000)
                .into_iter()
                .map(data::v4_net_indicator),
        );
        set
    });
    let mut g = c.benchmark_group("build");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(set.len() as u64));
    g.bench_function("1M domains + 1M IPs + 100k CIDRs", |b| {
        b.iter_batched(
            || {
                let mut b = IndexBuilder::new();
                for i in &set {
                    b.add(i);
                }
                b
            },
            IndexBuilder::build,
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = lpm, domain, exact, hash, url, build
}
criterion_main!(benches);
