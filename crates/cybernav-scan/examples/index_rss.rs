//! Peak memory of an index holding the scan goal's set: 1,000,000 IPv4 addresses, 100,000 IPv4
//! networks and 1,000,000 domain names (the goal: the scanner with that set loaded stays
//! within 1 GB). The indicators are generated (seeded, as in the `lookup` bench), parsed and
//! added one by one, none kept, then built; prints the process's resident memory (now and
//! peak, from /proc/self/status) after each step, and the index's own estimate of its bytes.
//! With a folder, also writes the set there as ips.txt, cidrs.txt and domains.txt (one value a
//! line) for measuring `cybernav scan --indicators` itself.
//!   cargo run --release -p cybernav-scan --example index_rss [-- DIR]
#![allow(missing_docs)]

#[path = "../benches/data/mod.rs"]
mod data;

use std::io::Write;

use cybernav_core::sharing::IndicatorKind;
use cybernav_scan::IndexBuilder;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// (VmRSS, VmHWM) in MB.
fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb * 1024.0 / 1e6)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn report(step: &str) {
    let (now, peak) = rss();
    println!("{step:40} RSS {now:7.1} MB   peak {peak:7.1} MB");
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    let out = |name: &str| -> std::io::Result<Option<std::io::BufWriter<std::fs::File>>> {
        dir.as_ref()
            .map(|d| {
                std::fs::create_dir_all(d)?;
                std::fs::File::create(d.join(name)).map(std::io::BufWriter::new)
            })
            .transpose()
    };
    let (mut ips, mut cidrs, mut domains) =
        (out("ips.txt")?, out("cidrs.txt")?, out("domains.txt")?);
    report("start");
    let mut r = StdRng::seed_from_u64(0x5ca9_0000 + 99);
    let mut b = IndexBuilder::new();
    for _ in 0..1_000_000 {
        let i = data::v4_indicator(r.r#gen());
        if let Some(f) = &mut ips {
            writeln!(f, "{}", i.value())?;
        }
        b.add(&i);
    }
    for net in data::v4_networks(&mut r, 100_000) {
        let i = data::v4_net_indicator(net);
        if let Some(f) = &mut cidrs {
            writeln!(f, "{}", i.value())?;
        }
        b.add(&i);
    }
    for _ in 0..1_000_000 {
        let i = data::indicator(IndicatorKind::Domain, &data::domain(&mut r));
        if let Some(f) = &mut domains {
            writeln!(f, "{}", i.value())?;
        }
        b.add(&i);
    }
    for f in [&mut ips, &mut cidrs, &mut domains].into_iter().flatten() {
        f.flush()?;
    }
    report(&format!("{} indicators added", b.len()));
    let index = b.build();
    report("index built");
    let c = index.counts();
    println!(
        "index: {} addresses, {} networks, {} domains, {} skipped; its estimate {:.1} MB",
        c.addresses,
        c.networks,
        c.domains,
        c.skipped,
        c.bytes as f64 / 1e6
    );
    // Touch every table so none of it is still unmapped.
    let probe = (0..1_000u32)
        .filter(|&a| index.ipv4(a << 22).is_some())
        .count()
        + usize::from(index.domain(b"www.example.com").is_some());
    report(&format!("after lookups ({probe} hits)"));
    Ok(())
}
