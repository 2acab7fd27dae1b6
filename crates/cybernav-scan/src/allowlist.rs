//! The ICN allowlist audit (Part 213.20): every connection to the protected service (the
//! statewide voter-registration database: its networks and ports) must come from a network on
//! some election authority's allowlist, and, once the Board requires private addressing, from
//! a private address.
//!
//! The allowlist is read from `cybernav allowlist export` (text or JSON) or any list of
//! networks, one a line, where a `# name` comment line names the authority of the lines after
//! it. Every hit, indicator or allowlist, is attributed to an authority by the record's
//! source address, or else its destination.

use std::net::IpAddr;

use cybernav_core::network::{Network, is_private_address};
use serde::Deserialize;

use crate::index::prefix::PrefixTable;

/// One allowlisted network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    /// The network.
    pub network: Network,
    /// The election authority it belongs to (its index in [`Allowlist::authorities`]).
    pub authority: Option<u32>,
    /// The file line it was read from (from 1; 0 when built in code).
    pub line: usize,
}

/// Why an allowlist line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct AllowlistError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong and what to do.
    pub reason: String,
}

/// Every authority's allowlisted networks, for lookups by address.
#[derive(Debug)]
pub struct Allowlist {
    /// Authority names, as the file gave them.
    pub authorities: Vec<String>,
    /// The networks in file order.
    pub entries: Vec<AllowEntry>,
    v4: PrefixTable<u32>,
    v6: PrefixTable<u128>,
}

#[derive(Deserialize)]
struct Export {
    allowlist: Vec<ExportItem>,
}

#[derive(Deserialize)]
struct ExportItem {
    network: String,
    election_authority: Option<String>,
}

impl Allowlist {
    /// Reads the text or JSON export (or a plain list of networks).
    pub fn parse(text: &str) -> Result<Allowlist, AllowlistError> {
        if text.trim_start().starts_with('{') {
            return Allowlist::parse_json(text);
        }
        let mut authorities: Vec<String> = Vec::new();
        let mut current: Option<u32> = None;
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                let c = comment.trim();
                // The export's first line describes the file, not an authority.
                if i == 0 && c.starts_with("ICN allowlist") {
                    continue;
                }
                // `# Adams County — circuit ICN-001`: the authority is before the dash.
                let name = c.split(" — ").next().unwrap_or(c).trim();
                current = (!name.is_empty()).then(|| intern(&mut authorities, name));
                continue;
            }
            let value = line.split_whitespace().next().unwrap_or(line);
            let network = Network::parse(value).map_err(|e| AllowlistError {
                line: i + 1,
                reason: format!("'{value}': {e}"),
            })?;
            entries.push(AllowEntry {
                network,
                authority: current,
                line: i + 1,
            });
        }
        Ok(Allowlist::new(authorities, entries))
    }

    fn parse_json(text: &str) -> Result<Allowlist, AllowlistError> {
        let export: Export = serde_json::from_str(text).map_err(|e| AllowlistError {
            line: e.line(),
            reason: format!("not the JSON of `cybernav allowlist export --format json`: {e}"),
        })?;
        let mut authorities = Vec::new();
        let mut entries = Vec::new();
        for (i, item) in export.allowlist.iter().enumerate() {
            let network = Network::parse(&item.network).map_err(|e| AllowlistError {
                line: 0,
                reason: format!("allowlist item {}: '{}': {e}", i + 1, item.network),
            })?;
            let authority = item
                .election_authority
                .as_deref()
                .map(|n| intern(&mut authorities, n));
            entries.push(AllowEntry {
                network,
                authority,
                line: 0,
            });
        }
        Ok(Allowlist::new(authorities, entries))
    }

    /// An allowlist of `entries`.
    pub fn new(authorities: Vec<String>, entries: Vec<AllowEntry>) -> Allowlist {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            match e.network.addr() {
                IpAddr::V4(a) => v4.push((u32::from(a), e.network.prefix(), i as u32)),
                IpAddr::V6(a) => v6.push((u128::from(a), e.network.prefix(), i as u32)),
            }
        }
        let mut dup = Vec::new();
        Allowlist {
            authorities,
            v4: PrefixTable::build(&v4, &mut dup),
            v6: PrefixTable::build(&v6, &mut dup),
            entries,
        }
    }

    /// The entry holding `addr` (the most specific one).
    pub fn entry_of(&self, addr: IpAddr) -> Option<&AllowEntry> {
        let i = match addr {
            IpAddr::V4(a) => self.v4.get(u32::from(a)),
            IpAddr::V6(a) => self.v6.get(u128::from(a)),
        }?;
        self.entries.get(i as usize)
    }
}

fn intern(names: &mut Vec<String>, name: &str) -> u32 {
    match names.iter().position(|n| n == name) {
        Some(i) => i as u32,
        None => {
            names.push(name.to_string());
            (names.len() - 1) as u32
        }
    }
}

/// The service to protect: a network and, optionally, one port (`10.20.0.0/16:5432`,
/// `[2001:db8::/48]:443`, `10.20.0.5` for every port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The destination network.
    pub network: Network,
    /// The destination port; `None` for any.
    pub port: Option<u16>,
}

impl Service {
    /// Reads `CIDR[:PORT]`; IPv6 goes in brackets when a port follows.
    pub fn parse(text: &str) -> Result<Service, String> {
        let t = text.trim();
        let (net, port) = if let Some(rest) = t.strip_prefix('[') {
            let (net, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("'{t}': a '[' without its ']'"))?;
            match after {
                "" => (net, None),
                p => (
                    net,
                    Some(
                        p.strip_prefix(':')
                            .ok_or_else(|| format!("'{t}': expected ':PORT' after ']'"))?,
                    ),
                ),
            }
        } else if t.matches(':').count() == 1 {
            let (n, p) = t.split_once(':').unwrap_or((t, ""));
            (n, Some(p))
        } else {
            (t, None)
        };
        let network = Network::parse(net).map_err(|e| format!("'{t}': {e}"))?;
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|&p| p > 0)
                    .ok_or_else(|| format!("'{t}': '{p}' is not a port (1 to 65535)"))?,
            ),
        };
        Ok(Service { network, port })
    }

    /// True when a connection to `dst:port` reaches the service.
    pub fn covers(&self, dst: IpAddr, port: Option<u16>) -> bool {
        if let Some(want) = self.port
            && port != Some(want)
        {
            return false;
        }
        self.network
            .contains(&Network::masked(dst, if dst.is_ipv4() { 32 } else { 128 }))
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.port, self.network.is_ipv4()) {
            (None, _) => write!(f, "{}", self.network),
            (Some(p), true) => write!(f, "{}:{p}", self.network),
            (Some(p), false) => write!(f, "[{}]:{p}", self.network),
        }
    }
}

/// Why a connection breaks the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    /// The source is on no authority's allowlist.
    NotAllowlisted,
    /// The source is public while the Board requires private addressing.
    PublicAddress,
}

impl Violation {
    /// The identifier in the output (`not_allowlisted`, `public_address`).
    pub fn as_str(self) -> &'static str {
        match self {
            Violation::NotAllowlisted => "not_allowlisted",
            Violation::PublicAddress => "public_address",
        }
    }
}

/// The audit: the allowlist, the services it protects, and whether only private addressing
/// is allowed.
#[derive(Debug)]
pub struct Audit {
    /// The allowlist.
    pub allowlist: Allowlist,
    /// The services; with none, nothing is audited (hits are still attributed).
    pub services: Vec<Service>,
    /// 213.20(a)(2): only private source addresses.
    pub private_only: bool,
}

impl Audit {
    /// Checks one connection: the service it reaches (its index) and what is wrong, if it
    /// reaches one and something is.
    pub fn check(&self, src: IpAddr, dst: IpAddr, port: Option<u16>) -> Option<(usize, Violation)> {
        let service = self.services.iter().position(|s| s.covers(dst, port))?;
        match self.allowlist.entry_of(src) {
            None => Some((service, Violation::NotAllowlisted)),
            Some(_) if self.private_only && !is_private_address(src) => {
                Some((service, Violation::PublicAddress))
            }
            Some(_) => None,
        }
    }

    /// The authority a record belongs to: by its source address, else its destination.
    pub fn authority_of(&self, src: Option<IpAddr>, dst: Option<IpAddr>) -> Option<u32> {
        src.and_then(|a| self.allowlist.entry_of(a))
            .and_then(|e| e.authority)
            .or_else(|| {
                dst.and_then(|a| self.allowlist.entry_of(a))
                    .and_then(|e| e.authority)
            })
    }
}
