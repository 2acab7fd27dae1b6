//! The index against plain, obviously-correct implementations, on random inputs, and on the
//! cases people get wrong (suffix boundaries, nested networks, case, trailing dots).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use cybernav_core::sharing::{Indicator, IndicatorKind};
use cybernav_scan::index::{Index, IndicatorId, Skipped};
use proptest::prelude::*;

fn ind(kind: IndicatorKind, v: &str) -> Indicator {
    Indicator::parse(kind, v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn matched(index: &Index, id: Option<IndicatorId>) -> Option<String> {
    id.map(|id| index.indicator(id).1.to_string())
}

/// The longest network (or the address itself) holding `addr`, by checking every one.
fn naive_v4(nets: &[(u32, u8)], addr: u32) -> Option<(u32, u8)> {
    nets.iter()
        .filter(|&&(a, p)| p == 0 || (addr ^ a) >> (32 - u32::from(p)) == 0)
        .max_by_key(|&&(_, p)| p)
        .copied()
}

fn v4_text(a: u32, p: u8) -> String {
    if p == 32 {
        Ipv4Addr::from(a).to_string()
    } else {
        format!("{}/{p}", Ipv4Addr::from(a))
    }
}

fn mask(a: u32, p: u8) -> u32 {
    if p == 0 {
        0
    } else {
        a & (u32::MAX << (32 - u32::from(p)))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Exact addresses and networks, IPv4: the index names what the naive search names. Networks
    /// are drawn from a few bases so they nest and overlap often.
    #[test]
    fn ipv4_matches_the_naive_longest_prefix(
        nets in prop::collection::vec((0u32..8, any::<u32>(), 0u8..=32), 0..60),
        probes in prop::collection::vec(any::<u32>(), 1..60),
    ) {
        let base = [0x0a00_0000u32, 0xc0a8_0000, 0xcb00_7100, 0, 0xffff_ff00, 0x0a0a_0000, 0x8000_0000, 0x0a00_0001];
        let nets: Vec<(u32, u8)> = nets
            .iter()
            .map(|&(b, r, p)| (mask(base[b as usize] ^ (r >> (p / 2 + 8).min(31)), p), p))
            .collect();
        let indicators: Vec<Indicator> = nets.iter().map(|&(a, p)| ind(IndicatorKind::Ipv4, &v4_text(a, p))).collect();
        let index = Index::of(&indicators);
        // Probe near the networks too, not only at random.
        let mut all = probes.clone();
        for &(a, p) in &nets {
            all.push(a);
            all.push(a | (u32::MAX.checked_shr(u32::from(p)).unwrap_or(0)));
            all.push(a.wrapping_sub(1));
            all.push(a.wrapping_add(1) | (u32::MAX.checked_shr(u32::from(p)).unwrap_or(0)));
        }
        for addr in all {
            let want = naive_v4(&nets, addr).map(|(a, p)| v4_text(a, p));
            prop_assert_eq!(matched(&index, index.ipv4(addr)), want, "address {}", Ipv4Addr::from(addr));
        }
    }

    /// The same for IPv6.
    #[test]
    fn ipv6_matches_the_naive_longest_prefix(
        nets in prop::collection::vec((0usize..3, any::<u128>(), 0u8..=128), 0..40),
        probes in prop::collection::vec(any::<u128>(), 1..40),
    ) {
        let base = [0x2001_0db8u128 << 96, 0xfd00u128 << 112, 0];
        let m = |a: u128, p: u8| if p == 0 { 0 } else { a & (u128::MAX << (128 - u32::from(p))) };
        let nets: Vec<(u128, u8)> = nets
            .iter()
            .map(|&(b, r, p)| (m(base[b] ^ (r >> (u32::from(p) / 2 + 16).min(127)), p), p))
            .collect();
        let text = |a: u128, p: u8| if p == 128 { Ipv6Addr::from(a).to_string() } else { format!("{}/{p}", Ipv6Addr::from(a)) };
        let indicators: Vec<Indicator> = nets.iter().map(|&(a, p)| ind(IndicatorKind::Ipv6, &text(a, p))).collect();
        let index = Index::of(&indicators);
        let mut all = probes.clone();
        for &(a, p) in &nets {
            all.push(a);
            all.push(a | u128::MAX.checked_shr(u32::from(p)).unwrap_or(0));
            all.push(a.wrapping_sub(1));
        }
        for addr in all {
            let want = nets
                .iter()
                .filter(|&&(a, p)| p == 0 || (addr ^ a) >> (128 - u32::from(p)) == 0)
                .max_by_key(|&&(_, p)| p)
                .map(|&(a, p)| text(a, p));
            prop_assert_eq!(matched(&index, index.ipv6(addr)), want, "address {}", Ipv6Addr::from(addr));
        }
    }

    /// Domains: the index names the longest listed suffix at a label boundary, as a loop over
    /// the name's suffixes does; names are drawn from a small alphabet so they share labels.
    #[test]
    fn domains_match_the_naive_suffix_search(
        listed in prop::collection::vec((prop::collection::vec(0usize..5, 1..3), 4usize..6), 0..30),
        probes in prop::collection::vec((prop::collection::vec(0usize..6, 1..6), any::<bool>(), any::<bool>()), 1..40),
    ) {
        let labels = ["a", "b", "evil", "notevil", "example", "com"];
        let name = |ls: &Vec<usize>| ls.iter().map(|&i| labels[i]).collect::<Vec<_>>().join(".");
        // Listed names end in a top-level label, as the core requires.
        let listed: Vec<String> = listed
            .iter()
            .map(|(ls, tld)| {
                let mut ls = ls.clone();
                ls.push(*tld);
                name(&ls)
            })
            .collect();
        let indicators: Vec<Indicator> = listed.iter().map(|d| ind(IndicatorKind::Domain, d)).collect();
        let index = Index::of(&indicators);
        for (ls, upper, dot) in &probes {
            let plain = name(ls);
            let mut query = if *upper { plain.to_uppercase() } else { plain.clone() };
            if *dot {
                query.push('.');
            }
            let want = listed
                .iter()
                .filter(|d| plain == **d || plain.ends_with(&format!(".{d}")))
                .max_by_key(|d| d.len())
                .cloned();
            prop_assert_eq!(matched(&index, index.domain(query.as_bytes())), want, "{}", query);
        }
    }
}

#[test]
fn suffixes_stop_at_label_boundaries() {
    let index = Index::of(&[
        ind(IndicatorKind::Domain, "evil.example"),
        ind(IndicatorKind::Domain, "cdn.evil.example"),
        ind(IndicatorKind::Domain, "example.org"),
    ]);
    let m = |q: &str| matched(&index, index.domain(q.as_bytes()));
    assert_eq!(m("evil.example").as_deref(), Some("evil.example"));
    assert_eq!(m("a.b.evil.example").as_deref(), Some("evil.example"));
    assert_eq!(m("x.cdn.evil.example").as_deref(), Some("cdn.evil.example"));
    assert_eq!(m("WWW.Evil.Example.").as_deref(), Some("evil.example"));
    assert_eq!(m("notevil.example"), None);
    assert_eq!(m("evil.example.com"), None);
    assert_eq!(m("example"), None);
    assert_eq!(m("org"), None);
    assert_eq!(m(""), None);
    assert_eq!(m("."), None);
    assert_eq!(m("a..evil.example").as_deref(), Some("evil.example"));
    assert_eq!(m(&"x".repeat(300)), None);
}

#[test]
fn names_of_many_labels_fit_in_the_domain_table() {
    // Every label of a name is a suffix in the table: a few names of many labels once filled
    // it and the build never ended.
    let deep = format!("{}com", "a.".repeat(120));
    let mut list = vec![ind(IndicatorKind::Domain, &deep)];
    for i in 0..1000 {
        list.push(ind(
            IndicatorKind::Domain,
            &format!("x{i}.y{i}.z{i}.w{i}.v{i}.evil{i}.com"),
        ));
    }
    let index = Index::of(&list);
    assert_eq!(index.counts().domains, 1001);
    assert_eq!(
        matched(&index, index.domain(format!("b.{deep}").as_bytes())),
        Some(deep.clone())
    );
    assert_eq!(
        matched(&index, index.domain(b"q.x7.y7.z7.w7.v7.evil7.com")).as_deref(),
        Some("x7.y7.z7.w7.v7.evil7.com")
    );
    assert_eq!(index.domain(b"y7.z7.w7.v7.evil7.com"), None);
}

#[test]
fn exact_addresses_win_over_networks_and_mapped_ipv4_is_ipv4() {
    let index = Index::of(&[
        ind(IndicatorKind::Ipv4, "203.0.113.0/24"),
        ind(IndicatorKind::Ipv4, "203.0.113.7"),
        ind(IndicatorKind::Ipv4, "0.0.0.0"),
        ind(IndicatorKind::Ipv6, "2001:db8::/32"),
        ind(IndicatorKind::Ipv6, "2001:db8::1"),
    ]);
    let ip = |s: &str| matched(&index, index.ip(s.parse::<IpAddr>().unwrap()));
    assert_eq!(ip("203.0.113.7").as_deref(), Some("203.0.113.7"));
    assert_eq!(ip("203.0.113.8").as_deref(), Some("203.0.113.0/24"));
    assert_eq!(ip("203.0.114.1"), None);
    assert_eq!(ip("0.0.0.0").as_deref(), Some("0.0.0.0"));
    assert_eq!(ip("::ffff:203.0.113.9").as_deref(), Some("203.0.113.0/24"));
    assert_eq!(ip("2001:db8::1").as_deref(), Some("2001:db8::1"));
    assert_eq!(ip("2001:db8:ffff::1").as_deref(), Some("2001:db8::/32"));
    assert_eq!(ip("2001:db9::1"), None);
}

#[test]
fn urls_and_hashes_match_by_their_keys() {
    let index = Index::of(&[
        ind(IndicatorKind::Url, "https://Bad.Example:443/a/b?c=1#frag"),
        ind(IndicatorKind::Url, "http://bad.example:8080/p"),
        ind(IndicatorKind::Md5, "44D88612FEA8A8F36DE82E1278ABB02F"),
        ind(IndicatorKind::Sha256, &"ab".repeat(32)),
    ]);
    let mut s = String::new();
    let url = |h: &str, p: &str, s: &mut String| {
        matched(&index, index.url(h.as_bytes(), p.as_bytes(), s))
    };
    assert_eq!(
        url("bad.example", "/a/b?c=1", &mut s).as_deref(),
        Some("https://bad.example:443/a/b?c=1#frag")
    );
    assert_eq!(
        url("BAD.EXAMPLE.", "/a/b?c=1", &mut s).as_deref(),
        Some("https://bad.example:443/a/b?c=1#frag")
    );
    assert_eq!(url("bad.example", "/a/b?c=2", &mut s), None);
    assert_eq!(
        url("bad.example:8080", "/p", &mut s).as_deref(),
        Some("http://bad.example:8080/p")
    );
    assert_eq!(url("bad.example", "/p", &mut s), None);
    assert_eq!(
        url("", "http://bad.example/a/b?c=1", &mut s).as_deref(),
        Some("https://bad.example:443/a/b?c=1#frag")
    );
    assert_eq!(
        matched(&index, index.hash(b"44d88612fea8a8f36de82e1278abb02f")).as_deref(),
        Some("44d88612fea8a8f36de82e1278abb02f")
    );
    assert_eq!(
        matched(&index, index.hash("AB".repeat(32).as_bytes())).as_deref(),
        Some(&*"ab".repeat(32))
    );
    assert_eq!(index.hash(b"44d88612fea8a8f36de82e1278abb02e"), None);
    assert_eq!(index.hash(b"zz"), None);
}

#[test]
fn duplicates_and_kinds_logs_do_not_carry_are_reported_as_skipped() {
    let index = Index::of(&[
        ind(IndicatorKind::Domain, "evil.example"),
        ind(IndicatorKind::Domain, "evil.example"),
        ind(IndicatorKind::Ipv4, "10.0.0.0/8"),
        ind(IndicatorKind::Ipv4, "10.0.0.0/8"),
        ind(IndicatorKind::Email, "a@evil.example"),
        ind(IndicatorKind::Cve, "CVE-2024-3400"),
    ]);
    let skipped: Vec<(u32, Skipped)> = index.skipped().iter().map(|&(id, s)| (id.0, s)).collect();
    assert_eq!(
        skipped,
        [
            (1, Skipped::Duplicate),
            (3, Skipped::Duplicate),
            (4, Skipped::NotInLogs(IndicatorKind::Email)),
            (5, Skipped::NotInLogs(IndicatorKind::Cve)),
        ]
    );
    let c = index.counts();
    assert_eq!((c.domains, c.networks, c.skipped), (1, 1, 4));
    // The first of two duplicates is the one named.
    assert_eq!(index.domain(b"x.evil.example"), Some(IndicatorId(0)));
    assert_eq!(index.ipv4(0x0a01_0203), Some(IndicatorId(2)));
}

#[test]
fn an_empty_index_matches_nothing() {
    let index = Index::of(&[]);
    assert_eq!(index.ipv4(0), None);
    assert_eq!(index.ipv4(u32::MAX), None);
    assert_eq!(index.ipv6(u128::MAX), None);
    assert_eq!(index.domain(b"example.com"), None);
    assert_eq!(index.hash(&[b'a'; 64]), None);
}

/// Enough exact addresses for the bit map in front of the table: every listed address is
/// found, and addresses near them (same block of the map) are not.
#[test]
fn a_large_exact_table_with_its_bit_map_finds_exactly_what_it_holds() {
    use std::collections::HashSet;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let listed: HashSet<u32> = (0..40_000).map(|_| next() as u32 | 1).collect();
    let indicators: Vec<Indicator> = listed
        .iter()
        .map(|&a| ind(IndicatorKind::Ipv4, &Ipv4Addr::from(a).to_string()))
        .collect();
    let index = Index::of(&indicators);
    assert_eq!(index.counts().addresses, listed.len());
    for &a in &listed {
        assert!(index.ipv4(a).is_some(), "{}", Ipv4Addr::from(a));
        assert_eq!(
            index.ipv4(a ^ 1).is_some(),
            listed.contains(&(a ^ 1)),
            "{}",
            Ipv4Addr::from(a ^ 1)
        );
    }
    for _ in 0..100_000 {
        let a = next() as u32;
        assert_eq!(index.ipv4(a).is_some(), listed.contains(&a));
    }
    let v6: Vec<Indicator> = (0..20_000u128)
        .map(|i| {
            ind(
                IndicatorKind::Ipv6,
                &Ipv6Addr::from((0x2001_0db8u128 << 96) | (i * 7919)).to_string(),
            )
        })
        .collect();
    let index = Index::of(&v6);
    assert!(
        index
            .ipv6((0x2001_0db8u128 << 96) | (7919 * 19_999))
            .is_some()
    );
    assert!(
        index
            .ipv6((0x2001_0db8u128 << 96) | (7919 * 20_000))
            .is_none()
    );
}
