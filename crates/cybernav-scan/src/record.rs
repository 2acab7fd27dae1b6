//! What a reader takes from one log record: the connection (for the allowlist audit) and the
//! values to look up, each with the name of the field it came from.

use std::borrow::Cow;
use std::net::IpAddr;

use crate::index::{Index, parse_ip};

/// A value to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// An address (already parsed; the text as written is kept for the report).
    Ip(IpAddr, Cow<'a, [u8]>),
    /// A domain name.
    Domain(Cow<'a, [u8]>),
    /// An address if the text is one, else a domain name (DNS answers).
    Name(Cow<'a, [u8]>),
    /// A request: host and path with query.
    Url(Cow<'a, [u8]>, Cow<'a, [u8]>),
    /// A file hash in hex.
    Hash(Cow<'a, [u8]>),
}

/// The most values a record hands over; a line with more (thousands of DNS answers) is
/// read up to here, which bounds the work one hostile line can cause.
pub const MAX_VALUES: usize = 1024;

/// One record, reused from line to line.
#[derive(Debug, Default)]
pub struct Record<'a> {
    /// The source address, and the name of its field.
    pub src: Option<(IpAddr, &'a str)>,
    /// The destination address.
    pub dst: Option<IpAddr>,
    /// The destination port.
    pub dst_port: Option<u16>,
    /// A key for the flow or connection (Suricata's `flow_id`, Zeek's `uid`), so the audit names
    /// a connection once however many records it has.
    pub flow: Option<u64>,
    /// Values to look up, in the order they stand in the record.
    pub values: Vec<(&'a str, Value<'a>)>,
    /// The index the record will be matched against: addresses are prefetched from it as they
    /// are read.
    pub index: Option<&'a Index>,
}

impl<'a> Record<'a> {
    /// Empties it for the next line.
    pub fn clear(&mut self) {
        self.src = None;
        self.dst = None;
        self.dst_port = None;
        self.flow = None;
        self.values.clear();
    }

    fn address(&mut self, field: &'a str, text: Cow<'a, [u8]>) -> Option<IpAddr> {
        let ip = canonical(parse_ip(&text)?);
        if let Some(index) = self.index {
            index.prefetch_ip(ip);
        }
        self.push(field, Value::Ip(ip, text));
        Some(ip)
    }

    /// Sets the source address from its text (also looked up as a value).
    pub fn source(&mut self, field: &'a str, text: Cow<'a, [u8]>) {
        if let Some(ip) = self.address(field, text) {
            self.src = Some((ip, field));
        }
    }

    /// Sets the destination address from its text (also looked up as a value).
    pub fn destination(&mut self, field: &'a str, text: Cow<'a, [u8]>) {
        if let Some(ip) = self.address(field, text) {
            self.dst = Some(ip);
        }
    }

    /// Adds a value to look up (up to [`MAX_VALUES`]).
    pub fn push(&mut self, field: &'a str, value: Value<'a>) {
        if self.values.len() < MAX_VALUES {
            self.values.push((field, value));
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.1.2.3`) is the IPv4 address, for the audit as
/// for the index.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A stable 64-bit key of a flow identifier given as text (Zeek's `uid`).
pub fn flow_key(text: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::index::hashing::FastHasher::default();
    h.write(text);
    h.finish()
}
