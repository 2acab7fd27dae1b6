//! Synthetic indicator sets and lookup queries for the `lookup` bench and the `index_rss`
//! example, from a seeded RNG so every run sees the same data.
#![allow(dead_code)]

use std::net::{Ipv4Addr, Ipv6Addr};

use cybernav_core::sharing::{Indicator, IndicatorKind};
use rand::Rng;
use rand::rngs::StdRng;

/// Parses a value the generators made (always valid).
pub fn indicator(kind: IndicatorKind, value: &str) -> Indicator {
    Indicator::parse(kind, value).unwrap_or_else(|e| panic!("{value}: {e:?}"))
}

/// A prefix length as threat feeds list them: mostly /21-/28 (half of all /21-/24), a few
/// /16-/20 and /29-/31.
fn v4_prefix(rng: &mut StdRng) -> u8 {
    match rng.gen_range(0..200) {
        0 => 16,
        1..=3 => rng.gen_range(17..=20),
        4..=113 => rng.gen_range(21..=24),
        114..=193 => rng.gen_range(25..=28),
        _ => rng.gen_range(29..=31),
    }
}

fn mask4(p: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(p)).unwrap_or(0)
}

fn mask6(p: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(p)).unwrap_or(0)
}

/// `n` IPv4 networks (first address with host bits clear, prefix length): random, except that
/// about one in eight lies inside a network made before (nesting, as feeds of different
/// authors overlap). Duplicates may occur (the index skips them).
pub fn v4_networks(rng: &mut StdRng, n: usize) -> Vec<(u32, u8)> {
    let mut out: Vec<(u32, u8)> = Vec::with_capacity(n);
    while out.len() < n {
        if !out.is_empty() && rng.gen_range(0..8) == 0 {
            let (outer, op) = out[rng.gen_range(0..out.len())];
            if op < 31 {
                let p = rng.gen_range(op + 1..=(op + 8).min(31));
                let a = (outer | (rng.r#gen::<u32>() & !mask4(op))) & mask4(p);
                out.push((a, p));
                continue;
            }
        }
        let p = v4_prefix(rng);
        out.push((rng.r#gen::<u32>() & mask4(p), p));
    }
    out
}

/// `n` IPv6 networks: /32-/64, mostly /48 and /64, under 2000::/3, some nested.
pub fn v6_networks(rng: &mut StdRng, n: usize) -> Vec<(u128, u8)> {
    let mut out: Vec<(u128, u8)> = Vec::with_capacity(n);
    while out.len() < n {
        if !out.is_empty() && rng.gen_range(0..8) == 0 {
            let (outer, op) = out[rng.gen_range(0..out.len())];
            if op < 120 {
                let p = rng.gen_range(op + 1..=(op + 16).min(120));
                let a = (outer | (rng.r#gen::<u128>() & !mask6(op))) & mask6(p);
                out.push((a, p));
                continue;
            }
        }
        let p = match rng.gen_range(0..10) {
            0 => rng.gen_range(32..48),
            1..=4 => 48,
            5 => rng.gen_range(49..64),
            _ => 64,
        };
        let a = (0x2000u128 << 112) | (rng.r#gen::<u128>() >> 3);
        out.push((a & mask6(p), p));
    }
    out
}

pub fn v4_net_indicator((a, p): (u32, u8)) -> Indicator {
    indicator(IndicatorKind::Ipv4, &format!("{}/{p}", Ipv4Addr::from(a)))
}

pub fn v6_net_indicator((a, p): (u128, u8)) -> Indicator {
    indicator(IndicatorKind::Ipv6, &format!("{}/{p}", Ipv6Addr::from(a)))
}

pub fn v4_indicator(a: u32) -> Indicator {
    indicator(IndicatorKind::Ipv4, &Ipv4Addr::from(a).to_string())
}

/// `n` addresses: `inside_pct` percent drawn inside a random network of `nets` (any host),
/// the rest uniform over the whole space (which may or may not hit).
pub fn v4_queries(rng: &mut StdRng, nets: &[(u32, u8)], n: usize, inside_pct: u32) -> Vec<u32> {
    (0..n)
        .map(|_| {
            if rng.gen_range(0..100) < inside_pct {
                let (a, p) = nets[rng.gen_range(0..nets.len())];
                a | (rng.r#gen::<u32>() & !mask4(p))
            } else {
                rng.r#gen()
            }
        })
        .collect()
}

/// As [`v4_queries`] for IPv6: the rest uniform under 2000::/3 (global unicast).
pub fn v6_queries(rng: &mut StdRng, nets: &[(u128, u8)], n: usize, inside_pct: u32) -> Vec<u128> {
    (0..n)
        .map(|_| {
            if rng.gen_range(0..100) < inside_pct {
                let (a, p) = nets[rng.gen_range(0..nets.len())];
                a | (rng.r#gen::<u128>() & !mask6(p))
            } else {
                (0x2000u128 << 112) | (rng.r#gen::<u128>() >> 3)
            }
        })
        .collect()
}

/// Top-level domains, the common ones listed more than once so they come up more often.
const TLDS: &[&str] = &[
    "com", "com", "com", "com", "net", "net", "org", "ru", "cn", "info", "xyz", "top", "io", "de",
    "uk", "biz", "online", "site", "club", "us", "co", "me", "tk", "pw", "su", "in",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "net", "sec", "up", "da", "te", "ro", "va", "in", "fo", "cy", "ber", "ma",
    "il", "ex", "pro", "host", "web", "cdn", "api", "dl", "on", "li", "ne", "zo", "qu", "bit",
    "go", "ba", "be", "bi", "bu", "co", "de", "di", "fa", "fi", "ga", "gu", "ha", "hi", "jo", "ke",
    "ku", "la", "lu", "mo", "nu", "pa", "pi", "ra", "ri", "sa", "si", "ta", "ti", "vi", "za",
];

fn label(rng: &mut StdRng) -> String {
    let mut s = String::new();
    for _ in 0..rng.gen_range(3..=5) {
        s.push_str(SYLLABLES[rng.gen_range(0..SYLLABLES.len())]);
    }
    if rng.gen_range(0..4) == 0 {
        s.push_str(&rng.gen_range(0..1000).to_string());
    }
    s
}

/// A random registered name with 0-2 more labels: `cdnapi.xyz`, `dl.secweb42.com` …
pub fn domain(rng: &mut StdRng) -> String {
    let mut d = format!("{}.{}", label(rng), TLDS[rng.gen_range(0..TLDS.len())]);
    let extra = match rng.gen_range(0..10) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    for _ in 0..extra {
        d = format!("{}.{d}", label(rng));
    }
    d
}

/// `n` domain names (duplicates possible; the index skips them).
pub fn domains(rng: &mut StdRng, n: usize) -> Vec<String> {
    (0..n).map(|_| domain(rng)).collect()
}

/// Names as logs carry them, in one buffer with their ranges: 70% not in the set (60% random
/// names, 10% well-known ones), 15% subdomains of an indicator, 15% an indicator itself (a
/// few in upper case or with a trailing dot).
pub struct NameQueries {
    pub buf: Vec<u8>,
    pub ranges: Vec<(usize, usize)>,
}

impl NameQueries {
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.ranges.iter().map(|&(s, e)| &self.buf[s..e])
    }
}

const COMMON: &[&str] = &[
    "www.google.com",
    "clients4.google.com",
    "outlook.office365.com",
    "login.microsoftonline.com",
    "update.microsoft.com",
    "www.facebook.com",
    "a1234.dscg.akamai.net",
    "s3.amazonaws.com",
    "api.github.com",
    "time.windows.com",
    "ocsp.digicert.com",
    "wpad.localdomain",
    "_ldap._tcp.dc._msdcs.county.local",
    "8.8.8.8.in-addr.arpa",
];

pub fn name_queries(rng: &mut StdRng, set: &[String], n: usize) -> NameQueries {
    let mut q = NameQueries {
        buf: Vec::new(),
        ranges: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let name = match rng.gen_range(0..100) {
            0..=59 => domain(rng),
            60..=69 => COMMON[rng.gen_range(0..COMMON.len())].to_string(),
            70..=84 => {
                let base = &set[rng.gen_range(0..set.len())];
                match rng.gen_range(0..3) {
                    0 => format!("www.{base}"),
                    1 => format!("{}.{base}", label(rng)),
                    _ => format!("a.{}.{base}", label(rng)),
                }
            }
            _ => {
                let base = set[rng.gen_range(0..set.len())].clone();
                match rng.gen_range(0..20) {
                    0 => base.to_ascii_uppercase(),
                    1 => format!("{base}."),
                    _ => base,
                }
            }
        };
        let s = q.buf.len();
        q.buf.extend_from_slice(name.as_bytes());
        q.ranges.push((s, q.buf.len()));
    }
    q
}

/// `n` random hashes of `bytes` bytes, as lower-case hex.
pub fn hashes(rng: &mut StdRng, bytes: usize, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            (0..bytes)
                .map(|_| format!("{:02x}", rng.r#gen::<u8>()))
                .collect()
        })
        .collect()
}

/// `n` URLs as (host, path and query): `http://cdnweb.xyz/dl/12345/a.php?id=9`.
pub fn urls(rng: &mut StdRng, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|_| {
            let host = domain(rng);
            let mut path = String::new();
            for _ in 0..rng.gen_range(1..=3) {
                path.push('/');
                path.push_str(&label(rng));
            }
            match rng.gen_range(0..3) {
                0 => path.push_str(".php"),
                1 => path.push_str(&format!("?id={}", rng.gen_range(0..100_000))),
                _ => {}
            }
            (host, path)
        })
        .collect()
}
