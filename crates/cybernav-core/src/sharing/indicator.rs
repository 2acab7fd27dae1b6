//! Indicator values (IP addresses and ranges, domains, URLs, e-mail addresses, file hashes),
//! parsed and normalised so the same thing reported by two sources is one indicator.
//!
//! Normalisation: IPv4 as dotted quad; IPv6 in RFC 5952 form (`2001:db8::1`); a CIDR range
//! with its host bits cleared, and a `/32` (`/128`) written as the address; domains lower-case
//! without a trailing dot; URLs with the scheme and host lower-cased and the rest as given;
//! e-mail addresses lower-case; hashes lower-case hex. The dedupe key is (kind, normalised
//! value).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// What an indicator's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// An IPv4 address or range (`203.0.113.7`, `203.0.113.0/24`).
    Ipv4,
    /// An IPv6 address or range.
    Ipv6,
    /// A domain name (`example.com`).
    Domain,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 file hash.
    Md5,
    /// A SHA-1 file hash.
    Sha1,
    /// A SHA-256 file hash.
    Sha256,
    /// A SHA-512 file hash.
    Sha512,
    /// A vulnerability by its CVE identifier (`CVE-2024-3400`), as CISA's KEV catalog and
    /// advisories list them.
    Cve,
}

impl IndicatorKind {
    /// Every kind.
    pub const ALL: [IndicatorKind; 10] = [
        IndicatorKind::Ipv4,
        IndicatorKind::Ipv6,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Email,
        IndicatorKind::Md5,
        IndicatorKind::Sha1,
        IndicatorKind::Sha256,
        IndicatorKind::Sha512,
        IndicatorKind::Cve,
    ];

    /// The stable identifier (`ipv4`, `sha256`).
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Ipv4 => "ipv4",
            IndicatorKind::Ipv6 => "ipv6",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Email => "email",
            IndicatorKind::Md5 => "md5",
            IndicatorKind::Sha1 => "sha1",
            IndicatorKind::Sha256 => "sha256",
            IndicatorKind::Sha512 => "sha512",
            IndicatorKind::Cve => "cve",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            IndicatorKind::Ipv4 => "IPv4 address",
            IndicatorKind::Ipv6 => "IPv6 address",
            IndicatorKind::Domain => "domain name",
            IndicatorKind::Url => "URL",
            IndicatorKind::Email => "e-mail address",
            IndicatorKind::Md5 => "MD5 hash",
            IndicatorKind::Sha1 => "SHA-1 hash",
            IndicatorKind::Sha256 => "SHA-256 hash",
            IndicatorKind::Sha512 => "SHA-512 hash",
            IndicatorKind::Cve => "CVE identifier",
        }
    }

    /// Reads a kind: our identifiers and the names feeds use (`ip`, `ip-dst`, `hostname`,
    /// `domain-name`, `email-addr`, `SHA-256`, `filehash-md5`). Case does not matter.
    pub fn parse(s: &str) -> Result<IndicatorKind, String> {
        let t = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Ok(match t.as_str() {
            "ipv4" | "ipv4-addr" | "ip" | "ip-dst" | "ip-src" | "ipv4-address" | "cidr" => {
                IndicatorKind::Ipv4
            }
            "ipv6" | "ipv6-addr" | "ipv6-address" => IndicatorKind::Ipv6,
            "domain" | "domain-name" | "hostname" | "fqdn" | "host" => IndicatorKind::Domain,
            "url" | "uri" => IndicatorKind::Url,
            "email" | "email-addr" | "email-address" | "email-src" | "email-dst" | "e-mail" => {
                IndicatorKind::Email
            }
            "md5" | "filehash-md5" => IndicatorKind::Md5,
            "sha1" | "sha-1" | "filehash-sha1" => IndicatorKind::Sha1,
            "sha256" | "sha-256" | "filehash-sha256" => IndicatorKind::Sha256,
            "sha512" | "sha-512" | "filehash-sha512" => IndicatorKind::Sha512,
            "cve" | "cve-id" | "vulnerability" => IndicatorKind::Cve,
            _ => {
                return Err(format!(
                    "'{}' is not an indicator type; expected one of {}",
                    s.trim(),
                    IndicatorKind::ALL.map(IndicatorKind::as_str).join(", ")
                ));
            }
        })
    }

    fn hash_len(self) -> Option<usize> {
        match self {
            IndicatorKind::Md5 => Some(32),
            IndicatorKind::Sha1 => Some(40),
            IndicatorKind::Sha256 => Some(64),
            IndicatorKind::Sha512 => Some(128),
            _ => None,
        }
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a value is not an indicator of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {kind_label}: {reason}")]
pub struct IndicatorError {
    /// The value as given (cut to 200 characters).
    pub value: String,
    /// What it was read as (`IPv4 address`), or `indicator` when detecting.
    pub kind_label: &'static str,
    /// What is wrong.
    pub reason: String,
}

impl IndicatorError {
    fn new(value: &str, kind_label: &'static str, reason: impl Into<String>) -> IndicatorError {
        let value = if value.chars().count() > 200 {
            let cut: String = value.chars().take(200).collect();
            format!("{cut}…")
        } else {
            value.to_string()
        };
        IndicatorError {
            value,
            kind_label,
            reason: reason.into(),
        }
    }
}

/// A normalised indicator. Two indicators are the same when kind and value are equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Indicator {
    kind: IndicatorKind,
    value: String,
}

/// The longest value accepted (URLs in feeds are long; megabyte "URLs" are not indicators).
pub const MAX_VALUE_LEN: usize = 4096;

impl Indicator {
    /// Parses `raw` as an indicator of `kind` and normalises it.
    pub fn parse(kind: IndicatorKind, raw: &str) -> Result<Indicator, IndicatorError> {
        let v = raw.trim();
        let label = kind.label();
        if v.is_empty() {
            return Err(IndicatorError::new(v, label, "the value is empty"));
        }
        if v.len() > MAX_VALUE_LEN {
            return Err(IndicatorError::new(
                v,
                label,
                format!("longer than {MAX_VALUE_LEN} bytes"),
            ));
        }
        let value = match kind {
            IndicatorKind::Ipv4 => {
                normalise_ipv4(v).map_err(|r| IndicatorError::new(v, label, r))?
            }
            IndicatorKind::Ipv6 => {
                normalise_ipv6(v).map_err(|r| IndicatorError::new(v, label, r))?
            }
            IndicatorKind::Domain => {
                normalise_domain(v).map_err(|r| IndicatorError::new(v, label, r))?
            }
            IndicatorKind::Url => normalise_url(v).map_err(|r| IndicatorError::new(v, label, r))?,
            IndicatorKind::Email => {
                normalise_email(v).map_err(|r| IndicatorError::new(v, label, r))?
            }
            IndicatorKind::Md5
            | IndicatorKind::Sha1
            | IndicatorKind::Sha256
            | IndicatorKind::Sha512 => {
                let want = kind.hash_len().unwrap_or(0);
                if v.len() != want {
                    return Err(IndicatorError::new(
                        v,
                        label,
                        format!("{} hex digits, expected {want}", v.len()),
                    ));
                }
                if !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(IndicatorError::new(v, label, "not hexadecimal"));
                }
                v.to_ascii_lowercase()
            }
            IndicatorKind::Cve => normalise_cve(v).map_err(|r| IndicatorError::new(v, label, r))?,
        };
        Ok(Indicator { kind, value })
    }

    /// Works out the kind of an (already refanged) value and parses it: an IP address or range,
    /// a URL (has `://`), an e-mail address (has `@`), a hash (hex of 32, 40, 64 or 128 digits),
    /// else a domain name whose top-level label looks like one.
    pub fn detect(raw: &str) -> Result<Indicator, IndicatorError> {
        let v = raw.trim();
        if v.is_empty() {
            return Err(IndicatorError::new(v, "indicator", "the value is empty"));
        }
        let kind = if v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("cve-")) {
            IndicatorKind::Cve
        } else if v.contains("://") {
            IndicatorKind::Url
        } else if v.contains('@') {
            IndicatorKind::Email
        } else if v
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'/')
            && v.contains('.')
            && v.bytes().next().is_some_and(|b| b.is_ascii_digit())
        {
            IndicatorKind::Ipv4
        } else if v.contains(':')
            && v.bytes()
                .all(|b| b.is_ascii_hexdigit() || b"/:.".contains(&b))
        {
            IndicatorKind::Ipv6
        } else if v.bytes().all(|b| b.is_ascii_hexdigit()) {
            match v.len() {
                32 => IndicatorKind::Md5,
                40 => IndicatorKind::Sha1,
                64 => IndicatorKind::Sha256,
                128 => IndicatorKind::Sha512,
                n => {
                    return Err(IndicatorError::new(
                        v,
                        "indicator",
                        format!(
                            "{n} hexadecimal characters: not a hash (32, 40, 64 or 128) nor a domain"
                        ),
                    ));
                }
            }
        } else if v.contains('.') {
            IndicatorKind::Domain
        } else {
            return Err(IndicatorError::new(
                v,
                "indicator",
                "not an IP address, domain, URL, e-mail address or hash",
            ));
        };
        Indicator::parse(kind, v)
    }

    /// What it is.
    pub fn kind(&self) -> IndicatorKind {
        self.kind
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The key two reports of the same indicator share.
    pub fn dedupe_key(&self) -> (IndicatorKind, &str) {
        (self.kind, &self.value)
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

fn split_prefix(v: &str, max: u8) -> Result<(&str, Option<u8>), String> {
    match v.split_once('/') {
        None => Ok((v, None)),
        Some((addr, len)) => {
            let n: u8 = len
                .parse()
                .map_err(|_| format!("'/{len}' is not a prefix length"))?;
            if n > max {
                return Err(format!("prefix length /{n} is longer than /{max}"));
            }
            Ok((addr, Some(n)))
        }
    }
}

/// `CVE-YYYY-NNNN…`: the year (1999 or later) and a sequence of at least four digits, the
/// prefix upper-cased.
fn normalise_cve(v: &str) -> Result<String, String> {
    let shape = "expected CVE-YYYY-NNNN, such as CVE-2024-3400";
    let rest = v
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("cve-"))
        .map(|_| &v[4..])
        .ok_or_else(|| shape.to_string())?;
    let (year, seq) = rest.split_once('-').ok_or_else(|| shape.to_string())?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || !digits(year) || seq.len() < 4 || seq.len() > 19 || !digits(seq) {
        return Err(shape.to_string());
    }
    if year < "1999" {
        return Err(format!("CVE identifiers start in 1999, not {year}"));
    }
    Ok(format!("CVE-{year}-{seq}"))
}

fn normalise_ipv4(v: &str) -> Result<String, String> {
    let (addr, len) = split_prefix(v, 32)?;
    let ip: Ipv4Addr = addr
        .parse()
        .map_err(|_| "not four numbers 0-255 separated by dots".to_string())?;
    Ok(match len {
        None | Some(32) => ip.to_string(),
        Some(n) => {
            let mask = if n == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(n))
            };
            format!("{}/{n}", Ipv4Addr::from(u32::from(ip) & mask))
        }
    })
}

fn normalise_ipv6(v: &str) -> Result<String, String> {
    let (addr, len) = split_prefix(v, 128)?;
    let ip: Ipv6Addr = addr
        .parse()
        .map_err(|_| "not an IPv6 address".to_string())?;
    Ok(match len {
        None | Some(128) => ip.to_string(),
        Some(n) => {
            let mask = if n == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(n))
            };
            format!("{}/{n}", Ipv6Addr::from(u128::from(ip) & mask))
        }
    })
}

/// Lower-cases and checks a host name: labels of letters, digits, `-` and `_`, 1-63 long, at
/// least two labels, the last one alphabetic (or an `xn--` label) of two or more letters.
fn normalise_domain(v: &str) -> Result<String, String> {
    let d = v.strip_suffix('.').unwrap_or(v).to_ascii_lowercase();
    if !d.is_ascii() {
        return Err("has non-ASCII characters; give the xn-- (punycode) form".to_string());
    }
    if d.len() > 253 {
        return Err("longer than 253 characters".to_string());
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return Err("needs at least two labels (example.com)".to_string());
    }
    for l in &labels {
        if l.is_empty() {
            return Err("has an empty label (two dots together)".to_string());
        }
        if l.len() > 63 {
            return Err(format!("label '{l}' is longer than 63 characters"));
        }
        if !l
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "label '{l}' has characters other than letters, digits, '-' and '_'"
            ));
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Err(format!("label '{l}' starts or ends with '-'"));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    let tld_ok = (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || (tld.starts_with("xn--") && tld.len() > 4);
    if !tld_ok {
        return Err(format!("'{tld}' is not a top-level domain"));
    }
    Ok(d)
}

fn normalise_url(v: &str) -> Result<String, String> {
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("has spaces or control characters".to_string());
    }
    let (scheme, rest) = v
        .split_once("://")
        .ok_or_else(|| "has no scheme (http://, https://)".to_string())?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    {
        return Err(format!("'{scheme}' is not a URL scheme"));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if hostport.is_empty() {
        return Err("has no host".to_string());
    }
    // The host is lower-cased; a bracketed IPv6 host or a port is kept as written otherwise.
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(i) => hostport.split_at(i + 1),
            None => return Err("has an unclosed '[' in the host".to_string()),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, &hostport[h.len()..]),
            _ => (hostport, ""),
        }
    };
    if host.is_empty() {
        return Err("has no host".to_string());
    }
    let host = host.strip_suffix('.').unwrap_or(host).to_lowercase();
    let mut out = String::with_capacity(v.len());
    out.push_str(&scheme.to_ascii_lowercase());
    out.push_str("://");
    if let Some(u) = userinfo {
        out.push_str(u);
        out.push('@');
    }
    out.push_str(&host);
    out.push_str(port);
    out.push_str(path);
    Ok(out)
}

fn normalise_email(v: &str) -> Result<String, String> {
    let v = v.strip_prefix("mailto:").unwrap_or(v);
    let (local, domain) = v.rsplit_once('@').ok_or_else(|| "has no '@'".to_string())?;
    if local.is_empty() {
        return Err("has nothing before the '@'".to_string());
    }
    if local.len() > 64 {
        return Err("the part before '@' is longer than 64 characters".to_string());
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"@".contains(c))
    {
        return Err("the part before '@' has characters an address cannot hold".to_string());
    }
    let domain = normalise_domain(domain).map_err(|e| format!("domain part: {e}"))?;
    Ok(format!("{}@{domain}", local.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(kind: IndicatorKind, s: &str) -> String {
        Indicator::parse(kind, s)
            .unwrap_or_else(|e| panic!("{e}"))
            .value()
            .to_string()
    }

    #[test]
    fn normalises_each_kind() {
        assert_eq!(v(IndicatorKind::Ipv4, " 203.0.113.7 "), "203.0.113.7");
        assert_eq!(v(IndicatorKind::Ipv4, "203.0.113.77/24"), "203.0.113.0/24");
        assert_eq!(v(IndicatorKind::Ipv4, "203.0.113.7/32"), "203.0.113.7");
        assert_eq!(v(IndicatorKind::Ipv6, "2001:DB8:0:0::1"), "2001:db8::1");
        assert_eq!(v(IndicatorKind::Ipv6, "2001:db8::1/32"), "2001:db8::/32");
        assert_eq!(
            v(IndicatorKind::Domain, "Evil.Example.COM."),
            "evil.example.com"
        );
        assert_eq!(
            v(IndicatorKind::Url, "HTTPS://Evil.Example.COM:8443/Path?Q=A"),
            "https://evil.example.com:8443/Path?Q=A"
        );
        assert_eq!(
            v(IndicatorKind::Email, "Bad.Actor@Example.ORG"),
            "bad.actor@example.org"
        );
        assert_eq!(v(IndicatorKind::Md5, &"AB".repeat(16)), "ab".repeat(16));
        assert_eq!(v(IndicatorKind::Cve, " cve-2024-3400 "), "CVE-2024-3400");
        assert_eq!(v(IndicatorKind::Cve, "CVE-2021-44228"), "CVE-2021-44228");
        assert_eq!(
            v(IndicatorKind::Cve, "CVE-2023-1234567"),
            "CVE-2023-1234567"
        );
    }

    #[test]
    fn refuses_with_a_reason() {
        let e = Indicator::parse(IndicatorKind::Ipv4, "999.1.1.1").unwrap_err();
        assert!(e.to_string().contains("999.1.1.1"), "{e}");
        assert!(Indicator::parse(IndicatorKind::Ipv4, "10.0.0.0/33").is_err());
        assert!(Indicator::parse(IndicatorKind::Domain, "localhost").is_err());
        assert!(Indicator::parse(IndicatorKind::Domain, "a..com").is_err());
        assert!(Indicator::parse(IndicatorKind::Domain, "example.123").is_err());
        assert!(Indicator::parse(IndicatorKind::Url, "example.com/x").is_err());
        assert!(Indicator::parse(IndicatorKind::Email, "nobody").is_err());
        assert!(Indicator::parse(IndicatorKind::Sha256, "abc").is_err());
        assert!(Indicator::parse(IndicatorKind::Sha1, &"g".repeat(40)).is_err());
        assert!(Indicator::parse(IndicatorKind::Cve, "CVE-24-3400").is_err());
        assert!(Indicator::parse(IndicatorKind::Cve, "CVE-2024-340").is_err());
        assert!(Indicator::parse(IndicatorKind::Cve, "CVE-1998-0001").is_err());
        assert!(Indicator::parse(IndicatorKind::Cve, "2024-3400").is_err());
    }

    #[test]
    fn detects_kinds() {
        let k = |s: &str| Indicator::detect(s).map(|i| i.kind());
        assert_eq!(k("198.51.100.2"), Ok(IndicatorKind::Ipv4));
        assert_eq!(k("198.51.100.0/24"), Ok(IndicatorKind::Ipv4));
        assert_eq!(k("2001:db8::5"), Ok(IndicatorKind::Ipv6));
        assert_eq!(k("bad.example.net"), Ok(IndicatorKind::Domain));
        assert_eq!(k("http://bad.example.net/a"), Ok(IndicatorKind::Url));
        assert_eq!(k("x@bad.example.net"), Ok(IndicatorKind::Email));
        assert_eq!(k(&"a".repeat(64)), Ok(IndicatorKind::Sha256));
        assert_eq!(k("Cve-2024-3400"), Ok(IndicatorKind::Cve));
        assert!(k("cve-2024").is_err());
        assert!(k("deadbeef").is_err());
        assert!(k("hello").is_err());
        assert!(k("1.2.3").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in IndicatorKind::ALL {
            assert_eq!(IndicatorKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(IndicatorKind::parse("SHA-256"), Ok(IndicatorKind::Sha256));
        assert_eq!(IndicatorKind::parse("ip-dst"), Ok(IndicatorKind::Ipv4));
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing(a in any::<u32>(), len in 0u8..=32, b in any::<u128>()) {
            for (kind, raw) in [
                (IndicatorKind::Ipv4, format!("{}/{len}", Ipv4Addr::from(a))),
                (IndicatorKind::Ipv6, Ipv6Addr::from(b).to_string()),
            ] {
                let once = Indicator::parse(kind, &raw).unwrap_or_else(|e| panic!("{e}"));
                let twice = Indicator::parse(kind, once.value()).unwrap_or_else(|e| panic!("{e}"));
                prop_assert_eq!(once, twice);
            }
        }

        #[test]
        fn detection_agrees_with_parse(s in "[a-zA-Z0-9.:/@_-]{0,40}") {
            if let Ok(i) = Indicator::detect(&s) {
                prop_assert_eq!(Indicator::parse(i.kind(), &s), Ok(i.clone()));
                prop_assert_eq!(Indicator::parse(i.kind(), i.value()), Ok(i));
            }
        }
    }
}
