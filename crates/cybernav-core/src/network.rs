//! IP networks on the ICN allowlist (Part 213.20(a)): parsing an entry, classifying it as
//! private or public addressing, and finding entries that overlap.
//!
//! An entry is one IPv4 or IPv6 address or a CIDR network. It is kept normalised (the network
//! address and a prefix length; a single address is a `/32` or `/128`), so two spellings of the
//! same network compare equal and print the same. Built on `std::net` alone.

use std::cmp::Ordering;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An IPv4 or IPv6 network, normalised: no host bits set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

/// Why an allowlist entry was refused, in words that say what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// Nothing was written.
    #[error(
        "is required: write an address (10.1.2.3, 2001:db8::1) or a network (10.1.2.0/24, 2001:db8::/48)"
    )]
    Empty,
    /// Not an address or a network at all.
    #[error(
        "\"{0}\" is not an IPv4 or IPv6 address or network; write an address (10.1.2.3, 2001:db8::1) or a network (10.1.2.0/24, 2001:db8::/48)"
    )]
    Syntax(String),
    /// The prefix length is not a number in range for the address family.
    #[error(
        "\"{input}\": the prefix length must be a number from 0 to {max} for an {family} network"
    )]
    Prefix {
        /// As written.
        input: String,
        /// 32 or 128.
        max: u8,
        /// "IPv4" or "IPv6".
        family: &'static str,
    },
    /// Host bits are set below the prefix.
    #[error("{input} has host bits set; did you mean {suggestion}?")]
    HostBits {
        /// As written.
        input: String,
        /// The network address with the same prefix.
        suggestion: Network,
    },
}

impl Network {
    /// Parses one address (`10.1.2.3`, `2001:db8::1`) or CIDR network (`10.1.2.0/24`,
    /// `2001:db8::/48`). A network with host bits set is refused, naming the network address
    /// the writer probably meant.
    pub fn parse(raw: &str) -> Result<Network, NetworkError> {
        let input = raw.trim();
        if input.is_empty() {
            return Err(NetworkError::Empty);
        }
        let (addr_text, prefix_text) = match input.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (input, None),
        };
        let addr =
            IpAddr::from_str(addr_text).map_err(|_| NetworkError::Syntax(input.to_string()))?;
        let max = max_prefix(addr);
        let prefix = match prefix_text {
            None => max,
            Some(p) => {
                let bad = || NetworkError::Prefix {
                    input: input.to_string(),
                    max,
                    family: family(addr),
                };
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let n: u8 = p.parse().map_err(|_| bad())?;
                if n > max {
                    return Err(bad());
                }
                n
            }
        };
        let network = Network::masked(addr, prefix);
        if network.addr != addr {
            return Err(NetworkError::HostBits {
                input: input.to_string(),
                suggestion: network,
            });
        }
        Ok(network)
    }

    /// The network of `prefix` bits that holds `addr` (host bits cleared).
    pub fn masked(addr: IpAddr, prefix: u8) -> Network {
        let prefix = prefix.min(max_prefix(addr));
        let addr = match addr {
            IpAddr::V4(a) => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(prefix))
                };
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(prefix))
                };
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        };
        Network { addr, prefix }
    }

    /// The network address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// True for IPv4.
    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    /// The first and last address, as numbers (IPv4 addresses in the low 32 bits).
    fn range(&self) -> (u128, u128) {
        let (start, host_bits) = match self.addr {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32 - u32::from(self.prefix)),
            IpAddr::V6(a) => (u128::from(a), 128 - u32::from(self.prefix)),
        };
        let size_minus_one = if host_bits == 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        (start, start + size_minus_one)
    }

    /// True when every address of `other` is in `self`.
    pub fn contains(&self, other: &Network) -> bool {
        if self.is_ipv4() != other.is_ipv4() {
            return false;
        }
        let (s, e) = self.range();
        let (os, oe) = other.range();
        s <= os && oe <= e
    }

    /// True when the two share an address (for CIDR networks: one contains the other).
    pub fn overlaps(&self, other: &Network) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// What kind of addressing this is, for the allowlist.
    pub fn class(&self) -> AddressClass {
        let ranges = if self.is_ipv4() { V4_RANGES } else { V6_RANGES };
        for (text, kind) in ranges {
            let Ok(special) = Network::parse(text) else {
                continue;
            };
            match kind {
                Special::Private(what) if special.contains(self) => {
                    return AddressClass::Private(what);
                }
                Special::Unusable(what) if self.overlaps(&special) => {
                    return AddressClass::Unusable(format!(
                        "{self} includes {what} ({special}), which cannot reach the Board's database; allowlist the election authority's own addresses"
                    ));
                }
                _ => {}
            }
        }
        if let IpAddr::V6(a) = self.addr
            && a.to_ipv4_mapped().is_some()
            && self.prefix >= 96
        {
            let v4 = Network::masked(
                IpAddr::V4(a.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED)),
                self.prefix - 96,
            );
            return AddressClass::Unusable(format!(
                "{self} is an IPv4 network written as IPv6; write it as {v4}"
            ));
        }
        AddressClass::Public
    }
}

/// How an allowlist entry is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressClass {
    /// Private addressing, which 213.20(a)(2) requires once every authority is on the ICN; the
    /// text names the range (RFC 1918, shared address space, unique local).
    Private(&'static str),
    /// Public addressing: allowed while the Board still accepts it, flagged.
    Public,
    /// Never an allowlist entry (loopback, link-local, multicast, unspecified, reserved); the
    /// text says why and what to do instead.
    Unusable(String),
}

impl AddressClass {
    /// True for public addressing.
    pub fn is_public(&self) -> bool {
        matches!(self, AddressClass::Public)
    }
}

enum Special {
    Private(&'static str),
    Unusable(&'static str),
}

const V4_RANGES: &[(&str, Special)] = &[
    (
        "10.0.0.0/8",
        Special::Private("private addressing (RFC 1918)"),
    ),
    (
        "172.16.0.0/12",
        Special::Private("private addressing (RFC 1918)"),
    ),
    (
        "192.168.0.0/16",
        Special::Private("private addressing (RFC 1918)"),
    ),
    (
        "100.64.0.0/10",
        Special::Private("shared address space (RFC 6598), as the state network may use"),
    ),
    ("0.0.0.0/8", Special::Unusable("\"this network\" addresses")),
    ("127.0.0.0/8", Special::Unusable("loopback addresses")),
    ("169.254.0.0/16", Special::Unusable("link-local addresses")),
    ("224.0.0.0/4", Special::Unusable("multicast addresses")),
    (
        "240.0.0.0/4",
        Special::Unusable("reserved and broadcast addresses"),
    ),
];

const V6_RANGES: &[(&str, Special)] = &[
    (
        "fc00::/7",
        Special::Private("unique local addressing (RFC 4193)"),
    ),
    ("::/128", Special::Unusable("the unspecified address")),
    ("::1/128", Special::Unusable("the loopback address")),
    ("fe80::/10", Special::Unusable("link-local addresses")),
    ("ff00::/8", Special::Unusable("multicast addresses")),
];

/// True for one address in private addressing as [`Network::class`] names it (RFC 1918, the
/// shared address space 100.64.0.0/10, IPv6 unique local fc00::/7), without parsing the range
/// table: the log scanner asks this for every connection it audits.
pub fn is_private_address(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let [a0, a1, ..] = a.octets();
            a0 == 10
                || (a0 == 172 && (16..32).contains(&a1))
                || (a0 == 192 && a1 == 168)
                || (a0 == 100 && (64..128).contains(&a1))
        }
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}

fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn family(addr: IpAddr) -> &'static str {
    if addr.is_ipv4() { "IPv4" } else { "IPv6" }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for Network {
    type Err = NetworkError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::parse(s)
    }
}

impl Ord for Network {
    /// IPv4 before IPv6, then by first address, then the larger network first.
    fn cmp(&self, other: &Self) -> Ordering {
        let (s, e) = self.range();
        let (os, oe) = other.range();
        (!self.is_ipv4(), s, std::cmp::Reverse(e)).cmp(&(
            !other.is_ipv4(),
            os,
            std::cmp::Reverse(oe),
        ))
    }
}

impl PartialOrd for Network {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Network {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Network::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Two entries that overlap: `inner` lies inside `outer` (or they are the same network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    /// Index of the larger (or equal, earlier) entry.
    pub outer: usize,
    /// Index of the entry inside it.
    pub inner: usize,
}

/// Every entry that lies inside another, each with one entry that holds it, in O(n log n).
///
/// CIDR networks either nest or are disjoint, so after sorting by first address (larger first
/// on a tie), an entry overlaps an earlier one exactly when it starts before the furthest end
/// seen so far in its family, and the entry reaching furthest holds it. An index appears in the
/// answer (as `outer` or `inner`) exactly when its entry overlaps some other entry.
pub fn find_overlaps(entries: &[Network]) -> Vec<Overlap> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|a, b| entries[*a].cmp(&entries[*b]).then(a.cmp(b)));
    let mut out = Vec::new();
    // The entry reaching furthest so far, per family: (its end, its index).
    let mut reach: [Option<(u128, usize)>; 2] = [None, None];
    for i in order {
        let n = &entries[i];
        let fam = usize::from(!n.is_ipv4());
        let (start, end) = n.range();
        match reach[fam] {
            Some((far, outer)) if start <= far => out.push(Overlap { outer, inner: i }),
            _ => reach[fam] = Some((end, i)),
        }
        // An entry inside the reaching one ends no further, so the reach stays.
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Network {
        Network::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_and_normalises() {
        assert_eq!(net("10.1.2.3").to_string(), "10.1.2.3/32");
        assert_eq!(net(" 10.1.2.0/24 ").to_string(), "10.1.2.0/24");
        assert_eq!(net("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert_eq!(net("2001:DB8::/32").to_string(), "2001:db8::/32");
        assert_eq!(
            net("2001:0db8:0000:0000:0000:0000:0000:0001").to_string(),
            "2001:db8::1/128"
        );
        assert_eq!(net("fd00:1:2::/48"), net("fd00:0001:0002:0::/48"));
    }

    #[test]
    fn refuses_with_the_fix() {
        assert_eq!(
            Network::parse("10.1.2.3/24").unwrap_err().to_string(),
            "10.1.2.3/24 has host bits set; did you mean 10.1.2.0/24?"
        );
        assert_eq!(
            Network::parse("2001:db8::1/64").unwrap_err().to_string(),
            "2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?"
        );
        for bad in [
            "10.1.2.0/33",
            "10.1.2.0/",
            "10.1.2.0/-1",
            "10.1.2.0/+8",
            "::/129",
        ] {
            assert!(
                matches!(Network::parse(bad), Err(NetworkError::Prefix { .. })),
                "{bad}"
            );
        }
        assert!(
            Network::parse("10.1.2.0/33")
                .unwrap_err()
                .to_string()
                .contains("from 0 to 32")
        );
        for bad in [
            "10.1.2",
            "10.1.2.256",
            "host.example",
            "010.1.2.3",
            "fe80::1%eth0",
            "1.2.3.4/24/8",
        ] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Network::parse("  "), Err(NetworkError::Empty));
    }

    #[test]
    fn the_fast_private_check_agrees_with_the_classification() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut samples: Vec<IpAddr> = [
            "10.0.0.0",
            "10.255.255.255",
            "172.15.255.255",
            "172.16.0.0",
            "172.31.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.168.0.1",
            "100.63.255.255",
            "100.64.0.0",
            "100.127.255.255",
            "100.128.0.0",
            "8.8.8.8",
            "fc00::1",
            "fdff::1",
            "fe00::1",
            "2001:db8::1",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(IpAddr::V4(Ipv4Addr::from(x as u32)));
            samples.push(IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(x) << 64 | u128::from(x),
            )));
        }
        for a in samples {
            let one = Network::masked(a, max_prefix(a));
            let private = matches!(one.class(), AddressClass::Private(_));
            assert_eq!(is_private_address(a), private, "{a}");
        }
    }

    #[test]
    fn classifies() {
        for private in [
            "10.0.0.0/8",
            "10.9.8.7",
            "172.16.0.0/12",
            "172.31.255.0/24",
            "192.168.4.0/22",
            "100.64.0.0/10",
            "100.127.1.1",
            "fd12:3456::/48",
            "fc00::/7",
        ] {
            assert!(
                matches!(net(private).class(), AddressClass::Private(_)),
                "{private}"
            );
        }
        for public in [
            "8.8.8.8",
            "172.32.0.0/16",
            "100.128.0.0/16",
            "2001:db8::/32",
            "11.0.0.0/8",
            "10.0.0.0/7",
        ] {
            assert_eq!(net(public).class(), AddressClass::Public, "{public}");
        }
        for unusable in [
            "127.0.0.1",
            "169.254.1.0/24",
            "224.0.0.1",
            "255.255.255.255",
            "0.0.0.0/0",
            "::1",
            "fe80::/64",
            "ff02::1",
            "::ffff:10.1.2.3",
            "::",
        ] {
            assert!(
                matches!(net(unusable).class(), AddressClass::Unusable(_)),
                "{unusable}"
            );
        }
        let AddressClass::Unusable(why) = net("::ffff:10.1.2.0/120").class() else {
            panic!()
        };
        assert!(why.contains("write it as 10.1.2.0/24"), "{why}");
    }

    #[test]
    fn containment_and_overlap() {
        assert!(net("10.0.0.0/8").contains(&net("10.1.2.0/24")));
        assert!(!net("10.1.2.0/24").contains(&net("10.0.0.0/8")));
        assert!(net("10.1.2.0/24").overlaps(&net("10.0.0.0/8")));
        assert!(!net("10.1.2.0/24").overlaps(&net("10.1.3.0/24")));
        assert!(
            !net("0.0.0.0/0").overlaps(&net("::/0")),
            "families never overlap"
        );
        assert!(net("::/0").contains(&net("2001:db8::1")));
        let entries = [
            net("10.1.3.0/24"),
            net("10.0.0.0/8"),
            net("192.168.1.1"),
            net("10.1.3.0/24"),
        ];
        let found = find_overlaps(&entries);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|o| o.outer == 1));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn arb_network() -> impl Strategy<Value = Network> {
            prop_oneof![
                // Small spaces so overlaps are common.
                (any::<u8>(), 16u8..=32).prop_map(|(b, p)| Network::masked(
                    IpAddr::V4(Ipv4Addr::new(10, 1, b >> 4, b)),
                    p
                )),
                (any::<u16>(), 100u8..=128).prop_map(|(b, p)| Network::masked(
                    IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, b >> 8, b)),
                    p
                )),
                (any::<u32>(), 0u8..=32)
                    .prop_map(|(a, p)| Network::masked(IpAddr::V4(Ipv4Addr::from(a)), p)),
            ]
        }

        proptest! {
            #[test]
            fn sweep_agrees_with_the_naive_check(entries in proptest::collection::vec(arb_network(), 0..60)) {
                let naive: std::collections::BTreeSet<usize> = (0..entries.len())
                    .filter(|&i| (0..entries.len()).any(|j| j != i && entries[i].overlaps(&entries[j])))
                    .collect();
                let found = find_overlaps(&entries);
                for o in &found {
                    prop_assert!(entries[o.outer].contains(&entries[o.inner]));
                    prop_assert_ne!(o.outer, o.inner);
                }
                let fast: std::collections::BTreeSet<usize> =
                    found.iter().flat_map(|o| [o.outer, o.inner]).collect();
                prop_assert_eq!(fast, naive);
            }

            #[test]
            fn display_parses_back(n in arb_network()) {
                prop_assert_eq!(Network::parse(&n.to_string()), Ok(n));
            }
        }
    }

    #[test]
    fn thousands_of_entries_are_quick() {
        let entries: Vec<Network> = (0..20_000u32)
            .map(|i| Network::masked(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i * 256)), 24))
            .collect();
        let started = std::time::Instant::now();
        assert!(find_overlaps(&entries).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
