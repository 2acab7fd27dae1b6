//! The indicator index: every indicator the scan looks for, in tables built for lookups at
//! memory speed.
//!
//! - exact IPv4 and IPv6 addresses: [`exact::ExactTable`];
//! - CIDR networks, longest prefix first: [`prefix::PrefixTable`];
//! - domain names with suffix semantics: [`suffix::SuffixTable`];
//! - URLs (host and path; the scheme and a default port do not count) and MD5, SHA-1 and
//!   SHA-256 hashes: hash maps.
//!
//! An IP address matching an exact indicator and a network names the exact one; otherwise the
//! most specific indicator wins (the longest prefix, the longest parent domain). Each indicator
//! gets an [`IndicatorId`] in the order it was added, so a caller can keep where it came from.

pub mod exact;
pub mod hashing;
pub mod prefetch;
pub mod prefix;
pub mod suffix;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use cybernav_core::sharing::{Indicator, IndicatorKind};

use exact::ExactTable;
use hashing::{FastState, mix128};
use prefix::PrefixTable;
use suffix::SuffixTable;

/// An IPv4 (`u32`) or IPv6 (`u128`) address as a number.
pub trait Addr: Copy + Ord + Eq + std::fmt::Debug {
    /// The address 0.
    const ZERO: Self;
    /// The top 16 bits, as a bucket number.
    fn top16(self) -> usize;
    /// The first address of bucket `b` (`None` past the last bucket).
    fn bucket_start(b: usize) -> Option<Self>;
    /// The last address of the network starting at `self` with `prefix` bits.
    fn last_of(self, prefix: u8) -> Self;
    /// The next address, if any.
    fn checked_next(self) -> Option<Self>;
    /// A well-mixed hash for table slots (taken from the top bits).
    fn mix(self) -> u64;
    /// A 64-bit value whose top bits name the block of addresses for a bit map: the address's
    /// own top bits for IPv4 (neighbours share a cache line), a hash for IPv6.
    fn block(self) -> u64;
}

impl Addr for u32 {
    const ZERO: u32 = 0;
    #[inline]
    fn top16(self) -> usize {
        (self >> 16) as usize
    }
    fn bucket_start(b: usize) -> Option<u32> {
        (b < 65_536).then_some((b as u32) << 16)
    }
    fn last_of(self, prefix: u8) -> u32 {
        self | u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0)
    }
    fn checked_next(self) -> Option<u32> {
        self.checked_add(1)
    }
    #[inline]
    fn mix(self) -> u64 {
        u64::from(self).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    #[inline]
    fn block(self) -> u64 {
        u64::from(self) << 32
    }
}

impl Addr for u128 {
    const ZERO: u128 = 0;
    #[inline]
    fn top16(self) -> usize {
        (self >> 112) as usize
    }
    fn bucket_start(b: usize) -> Option<u128> {
        (b < 65_536).then_some((b as u128) << 112)
    }
    fn last_of(self, prefix: u8) -> u128 {
        self | u128::MAX.checked_shr(u32::from(prefix)).unwrap_or(0)
    }
    fn checked_next(self) -> Option<u128> {
        self.checked_add(1)
    }
    #[inline]
    fn mix(self) -> u64 {
        mix128(self)
    }
    #[inline]
    fn block(self) -> u64 {
        mix128(self)
    }
}

/// An indicator's number in the index: the order it was added, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndicatorId(pub u32);

/// Why an indicator is not in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// Logs carry no field of this kind (e-mail addresses, CVE identifiers, SHA-512).
    NotInLogs(IndicatorKind),
    /// The same indicator was added before.
    Duplicate,
}

/// Collects indicators, then builds the [`Index`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    text: String,
    spans: Vec<(u32, u32)>,
    kinds: Vec<IndicatorKind>,
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u32)>,
    v4_nets: Vec<(u32, u8, u32)>,
    v6_nets: Vec<(u128, u8, u32)>,
    domains: Vec<u32>,
    urls: Vec<u32>,
    md5: Vec<u32>,
    sha1: Vec<u32>,
    sha256: Vec<u32>,
    skipped: Vec<(IndicatorKind, u32)>,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Adds an indicator; it gets the next [`IndicatorId`] even when it is skipped, so ids
    /// follow the caller's order.
    pub fn add(&mut self, indicator: &Indicator) -> IndicatorId {
        let id = self.spans.len() as u32;
        let value = indicator.value();
        let start = self.text.len() as u32;
        self.text.push_str(value);
        self.spans.push((start, value.len() as u32));
        self.kinds.push(indicator.kind());
        match indicator.kind() {
            IndicatorKind::Ipv4 => match parse_net(value) {
                Some((IpAddr::V4(a), None)) => self.v4.push((u32::from(a), id)),
                Some((IpAddr::V4(a), Some(p))) => self.v4_nets.push((u32::from(a), p, id)),
                _ => self.skipped.push((IndicatorKind::Ipv4, id)),
            },
            IndicatorKind::Ipv6 => match parse_net(value) {
                Some((IpAddr::V6(a), None)) => self.v6.push((u128::from(a), id)),
                Some((IpAddr::V6(a), Some(p))) => self.v6_nets.push((u128::from(a), p, id)),
                _ => self.skipped.push((IndicatorKind::Ipv6, id)),
            },
            IndicatorKind::Domain => self.domains.push(id),
            IndicatorKind::Url => self.urls.push(id),
            IndicatorKind::Md5 => self.md5.push(id),
            IndicatorKind::Sha1 => self.sha1.push(id),
            IndicatorKind::Sha256 => self.sha256.push(id),
            kind @ (IndicatorKind::Email | IndicatorKind::Sha512 | IndicatorKind::Cve) => {
                self.skipped.push((kind, id));
            }
        }
        IndicatorId(id)
    }

    /// How many indicators were added.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when none were.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Builds the tables.
    pub fn build(self) -> Index {
        let mut duplicates = Vec::new();
        let v4 = ExactTable::build(&self.v4, &mut duplicates);
        let v6 = ExactTable::build(&self.v6, &mut duplicates);
        let v4_nets = PrefixTable::build(&self.v4_nets, &mut duplicates);
        let v6_nets = PrefixTable::build(&self.v6_nets, &mut duplicates);
        let text = &self.text;
        let spans = &self.spans;
        let value = |id: u32| {
            let (s, l) = spans[id as usize];
            &text[s as usize..(s + l) as usize]
        };
        let domains = SuffixTable::build(
            self.domains
                .iter()
                .map(|&id| (value(id), id, spans[id as usize].0)),
            &mut duplicates,
        );
        let mut urls: HashMap<Box<str>, u32, FastState> = HashMap::default();
        for &id in &self.urls {
            match url_key(value(id)) {
                Some(key) => {
                    if urls.contains_key(key.as_str()) {
                        duplicates.push(id);
                    } else {
                        urls.insert(key.into_boxed_str(), id);
                    }
                }
                None => duplicates.push(id),
            }
        }
        let md5 = hash_map::<16>(&self.md5, value, &mut duplicates);
        let sha1 = hash_map::<20>(&self.sha1, value, &mut duplicates);
        let sha256 = hash_map::<32>(&self.sha256, value, &mut duplicates);
        let mut skipped: Vec<(IndicatorId, Skipped)> = self
            .skipped
            .iter()
            .map(|&(k, id)| (IndicatorId(id), Skipped::NotInLogs(k)))
            .collect();
        skipped.extend(
            duplicates
                .into_iter()
                .map(|id| (IndicatorId(id), Skipped::Duplicate)),
        );
        skipped.sort_unstable_by_key(|s| s.0);
        Index {
            text: self.text,
            spans: self.spans,
            kinds: self.kinds,
            v4,
            v6,
            v4_nets,
            v6_nets,
            domains,
            urls,
            md5,
            sha1,
            sha256,
            skipped,
        }
    }
}

fn hash_map<'a, const N: usize>(
    ids: &[u32],
    value: impl Fn(u32) -> &'a str,
    duplicates: &mut Vec<u32>,
) -> HashMap<[u8; N], u32, FastState> {
    let mut map = HashMap::with_capacity_and_hasher(ids.len(), FastState::default());
    for &id in ids {
        match decode_hex::<N>(value(id).as_bytes()) {
            Some(bytes) if !map.contains_key(&bytes) => {
                map.insert(bytes, id);
            }
            _ => duplicates.push(id),
        }
    }
    map
}

/// Every indicator, ready for lookups. Share it between threads by reference.
#[derive(Debug)]
pub struct Index {
    text: String,
    spans: Vec<(u32, u32)>,
    kinds: Vec<IndicatorKind>,
    v4: ExactTable<u32>,
    v6: ExactTable<u128>,
    v4_nets: PrefixTable<u32>,
    v6_nets: PrefixTable<u128>,
    domains: SuffixTable,
    urls: HashMap<Box<str>, u32, FastState>,
    md5: HashMap<[u8; 16], u32, FastState>,
    sha1: HashMap<[u8; 20], u32, FastState>,
    sha256: HashMap<[u8; 32], u32, FastState>,
    skipped: Vec<(IndicatorId, Skipped)>,
}

/// What an index holds, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexCounts {
    /// Exact IPv4 and IPv6 addresses.
    pub addresses: usize,
    /// CIDR networks.
    pub networks: usize,
    /// Domain names.
    pub domains: usize,
    /// URLs.
    pub urls: usize,
    /// MD5, SHA-1 and SHA-256 hashes.
    pub hashes: usize,
    /// Indicators added but not in the tables (duplicates, kinds logs do not carry).
    pub skipped: usize,
    /// Bytes the tables hold (an estimate from their sizes).
    pub bytes: usize,
}

impl Index {
    /// An index of `indicators`, in order.
    pub fn of<'a>(indicators: impl IntoIterator<Item = &'a Indicator>) -> Index {
        let mut b = IndexBuilder::new();
        for i in indicators {
            b.add(i);
        }
        b.build()
    }

    /// The indicator `id` was given to: its kind and normalised value.
    pub fn indicator(&self, id: IndicatorId) -> (IndicatorKind, &str) {
        (self.kinds[id.0 as usize], self.value(id.0))
    }

    #[inline]
    fn value(&self, id: u32) -> &str {
        let (s, l) = self.spans[id as usize];
        &self.text[s as usize..(s + l) as usize]
    }

    /// The indicators added but not looked for, with why, in id order.
    pub fn skipped(&self) -> &[(IndicatorId, Skipped)] {
        &self.skipped
    }

    /// How many indicators of each kind are looked for.
    pub fn counts(&self) -> IndexCounts {
        let urls = self.urls.len();
        let hashes = self.md5.len() + self.sha1.len() + self.sha256.len();
        IndexCounts {
            addresses: self.v4.len() + self.v6.len(),
            networks: self.v4_nets.len() + self.v6_nets.len(),
            domains: self.domains.len(),
            urls,
            hashes,
            skipped: self.skipped.len(),
            bytes: self.text.len()
                + self.spans.len() * 9
                + self.v4.heap_bytes()
                + self.v6.heap_bytes()
                + self.v4_nets.heap_bytes()
                + self.v6_nets.heap_bytes()
                + self.domains.heap_bytes()
                + self.urls.keys().map(|k| k.len() + 32).sum::<usize>()
                + hashes * 48,
        }
    }

    /// The indicator an IPv4 address matches: exact first, then the longest network.
    #[inline]
    pub fn ipv4(&self, addr: u32) -> Option<IndicatorId> {
        if !self.v4.is_empty()
            && let Some(v) = self.v4.get(addr)
        {
            return Some(IndicatorId(v));
        }
        if self.v4_nets.is_empty() {
            return None;
        }
        self.v4_nets.get(addr).map(IndicatorId)
    }

    /// The indicator an IPv6 address matches: exact first, then the longest network.
    #[inline]
    pub fn ipv6(&self, addr: u128) -> Option<IndicatorId> {
        if !self.v6.is_empty()
            && let Some(v) = self.v6.get(addr)
        {
            return Some(IndicatorId(v));
        }
        if self.v6_nets.is_empty() {
            return None;
        }
        self.v6_nets.get(addr).map(IndicatorId)
    }

    /// Starts loading the cache lines a lookup of `addr` will read, so that a lookup made a
    /// little later does not wait for memory.
    #[inline]
    pub fn prefetch_ip(&self, addr: IpAddr) {
        match addr {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                if !self.v4.is_empty() {
                    self.v4.prefetch(a);
                }
                if !self.v4_nets.is_empty() {
                    self.v4_nets.prefetch(a);
                }
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                if !self.v6.is_empty() {
                    self.v6.prefetch(a);
                }
                if !self.v6_nets.is_empty() {
                    self.v6_nets.prefetch(a);
                }
            }
        }
    }

    /// The indicator an address matches.
    #[inline]
    pub fn ip(&self, addr: IpAddr) -> Option<IndicatorId> {
        match addr {
            IpAddr::V4(a) => self.ipv4(u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.ipv4(u32::from(v4)),
                None => self.ipv6(u128::from(a)),
            },
        }
    }

    /// The indicator a domain name matches: itself or its nearest listed parent. Any case; a
    /// trailing dot is ignored.
    #[inline]
    pub fn domain(&self, name: &[u8]) -> Option<IndicatorId> {
        self.domains.lookup(name, &self.text).map(IndicatorId)
    }

    /// The indicator a URL matches, from a request's host and path (`/a?b=1`), or from a whole
    /// URL given as `path` (a proxy's request line) with an empty host.
    pub fn url(&self, host: &[u8], path: &[u8], scratch: &mut String) -> Option<IndicatorId> {
        if self.urls.is_empty() {
            return None;
        }
        scratch.clear();
        let path = std::str::from_utf8(path).ok()?;
        // A proxy's request names the whole URL, whatever the Host header says.
        let whole = path.split_once("://").is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        });
        if host.is_empty() || whole {
            // A whole URL: the same key as an indicator's.
            let (authority, rest) = split_url(path);
            push_url_key(authority, rest, scratch);
        } else {
            push_url_key(std::str::from_utf8(host).ok()?, path, scratch);
        }
        self.urls.get(scratch.as_str()).map(|&id| IndicatorId(id))
    }

    /// The indicator a file hash (hex, any case) matches, by its length: MD5, SHA-1, SHA-256.
    #[inline]
    pub fn hash(&self, hex: &[u8]) -> Option<IndicatorId> {
        let id = match hex.len() {
            32 => self.md5.get(&decode_hex::<16>(hex)?),
            40 => self.sha1.get(&decode_hex::<20>(hex)?),
            64 => self.sha256.get(&decode_hex::<32>(hex)?),
            _ => None,
        };
        id.map(|&id| IndicatorId(id))
    }
}

/// An address or network as the core normalises it (`203.0.113.0/24`, `2001:db8::1`); the
/// prefix is `None` for a single address.
fn parse_net(value: &str) -> Option<(IpAddr, Option<u8>)> {
    match value.split_once('/') {
        None => value.parse().ok().map(|a| (a, None)),
        Some((a, p)) => {
            let addr: IpAddr = a.parse().ok()?;
            let p: u8 = p.parse().ok()?;
            let bits = if addr.is_ipv4() { 32 } else { 128 };
            if p > bits {
                return None;
            }
            // A /32 or /128 is an address (the core writes it so already).
            Some((addr, (p < bits).then_some(p)))
        }
    }
}

/// The key a URL is matched by: host lower-case without a trailing dot, without the port when
/// it is 80 or 443, then the path and query ("/" when there is none), without the fragment.
/// The scheme does not count: a sensor sees `http` where a report says `https`.
pub fn url_key(url: &str) -> Option<String> {
    let (host, path) = split_url(url);
    if host.is_empty() {
        return None;
    }
    let mut key = String::with_capacity(url.len());
    push_url_key(host, path, &mut key);
    Some(key)
}

/// A URL's host (with its port, without user information) and the rest from the path on.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(cut);
    (
        authority.rsplit_once('@').map_or(authority, |(_, h)| h),
        path,
    )
}

fn push_url_key(host: &str, path: &str, out: &mut String) {
    let host = match host.rsplit_once(':') {
        Some((h, "80" | "443")) if !h.contains(':') || (h.starts_with('[') && h.ends_with(']')) => {
            h
        }
        _ => host,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    for c in host.chars() {
        out.push(c.to_ascii_lowercase());
    }
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(path);
}

/// Hex of exactly `2 * N` digits, any case.
pub fn decode_hex<const N: usize>(hex: &[u8]) -> Option<[u8; N]> {
    if hex.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[inline]
fn nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Reads an address as logs write it: IPv4 dotted quad or IPv6 text.
#[inline]
pub fn parse_ip(text: &[u8]) -> Option<IpAddr> {
    if let Some(v4) = parse_ipv4(text) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    if text.len() > 2 && text.contains(&b':') {
        let s = std::str::from_utf8(text).ok()?;
        // Zeek and some firewalls add a zone: fe80::1%eth0.
        let s = s.split_once('%').map_or(s, |(a, _)| a);
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    None
}

/// A dotted quad, strictly: four decimal parts of at most three digits, each at most 255.
#[inline]
pub fn parse_ipv4(text: &[u8]) -> Option<u32> {
    if text.len() < 7 || text.len() > 15 {
        return None;
    }
    let mut addr: u32 = 0;
    let mut part: u32 = 0;
    let mut digits = 0;
    let mut dots = 0;
    for &b in text {
        match b {
            b'0'..=b'9' => {
                part = part * 10 + u32::from(b - b'0');
                digits += 1;
                if digits > 3 || part > 255 {
                    return None;
                }
            }
            b'.' => {
                if digits == 0 {
                    return None;
                }
                addr = (addr << 8) | part;
                part = 0;
                digits = 0;
                dots += 1;
            }
            _ => return None,
        }
    }
    if dots != 3 || digits == 0 {
        return None;
    }
    Some((addr << 8) | part)
}
