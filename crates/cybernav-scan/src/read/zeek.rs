//! Zeek logs, in their tab-separated form (with the `#fields` header) or as JSON lines.
//!
//! Any Zeek log is read by its field names: `id.orig_h`, `id.resp_h`, `id.resp_p` and `uid`
//! (the connection, in every log that has them), `query` and `answers` (dns.log),
//! `server_name` (ssl.log), `host` and `uri` (http.log), `md5`, `sha1`, `sha256` (files.log).
//! In TSV, `#separator`, `#set_separator`, `#empty_field` and `#unset_field` are honoured and a
//! `#fields` line anywhere (logs concatenated) takes effect from the next line.

use std::borrow::Cow;
use std::sync::Arc;

use crate::json::{Cursor, JsonResult, Next};
use crate::record::{Record, Value, flow_key};

/// What a field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Src,
    Dst,
    DstPort,
    Uid,
    Domain(&'static str),
    Names(&'static str),
    Host,
    Uri,
    Hash(&'static str),
    Ignore,
}

fn role(name: &[u8]) -> Role {
    match name {
        b"id.orig_h" => Role::Src,
        b"id.resp_h" => Role::Dst,
        b"id.resp_p" => Role::DstPort,
        b"uid" => Role::Uid,
        b"query" => Role::Domain("query"),
        b"server_name" => Role::Domain("server_name"),
        b"answers" => Role::Names("answers"),
        b"host" => Role::Host,
        b"uri" => Role::Uri,
        b"md5" => Role::Hash("md5"),
        b"sha1" => Role::Hash("sha1"),
        b"sha256" => Role::Hash("sha256"),
        _ => Role::Ignore,
    }
}

/// The header state of a TSV log, carried from line to line.
#[derive(Debug, Clone)]
pub struct ZeekHeader {
    separator: u8,
    set_separator: u8,
    empty: Vec<u8>,
    unset: Vec<u8>,
    roles: Option<Arc<[Role]>>,
}

/// The most fields a `#fields` line may name (Zeek's widest logs have a few dozen).
pub const MAX_FIELDS: usize = 4096;

impl Default for ZeekHeader {
    fn default() -> ZeekHeader {
        ZeekHeader {
            separator: b'\t',
            set_separator: b',',
            empty: b"(empty)".to_vec(),
            unset: b"-".to_vec(),
            roles: None,
        }
    }
}

impl ZeekHeader {
    /// Takes a `#` line into account (`#fields`, `#separator` …); other `#` lines are ignored.
    pub fn apply(&mut self, line: &[u8]) -> Result<(), String> {
        if let Some(rest) = line.strip_prefix(b"#separator ") {
            self.separator =
                one_byte(&unescape(rest)).ok_or("#separator must be one character (as \\x09)")?;
            return Ok(());
        }
        let sep = self.separator;
        let mut parts = line.split(|&b| b == sep);
        let Some(directive) = parts.next() else {
            return Ok(());
        };
        match directive {
            b"#set_separator" => {
                let v = parts.next().unwrap_or_default();
                self.set_separator =
                    one_byte(&unescape(v)).ok_or("#set_separator must be one character")?;
            }
            b"#empty_field" => self.empty = unescape(parts.next().unwrap_or_default()),
            b"#unset_field" => self.unset = unescape(parts.next().unwrap_or_default()),
            b"#fields" => {
                let roles: Vec<Role> = parts.take(MAX_FIELDS + 1).map(role).collect();
                if roles.len() > MAX_FIELDS {
                    return Err(format!("a #fields line of more than {MAX_FIELDS} fields"));
                }
                self.roles = Some(roles.into());
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads a line: a `#` line changes the header (`Ok(false)`), a record fills `rec`
    /// (`Ok(true)`). JSON lines need no header.
    pub fn read<'a>(&mut self, line: &'a [u8], rec: &mut Record<'a>) -> Result<bool, String> {
        match line.first() {
            Some(b'#') => self.apply(line).map(|()| false),
            Some(b'{') => read_json(line, rec).map(|()| true),
            _ => self.read_tsv(line, rec).map(|()| true),
        }
    }

    fn read_tsv<'a>(&self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), String> {
        let Some(roles) = &self.roles else {
            return Err(
                "a record before any #fields header line; is this a Zeek log (or JSON)?".into(),
            );
        };
        let mut n = 0;
        let mut host = None;
        let mut uri = None;
        for (i, col) in line.split(|&b| b == self.separator).enumerate() {
            n = i + 1;
            let Some(&role) = roles.get(i) else {
                continue;
            };
            if role == Role::Ignore || col == self.unset.as_slice() || col == self.empty.as_slice()
            {
                continue;
            }
            let value = if col.contains(&b'\\') {
                Cow::Owned(unescape(col))
            } else {
                Cow::Borrowed(col)
            };
            match role {
                Role::Names(field) => {
                    for item in split_set(value, self.set_separator) {
                        if item.as_ref() != self.empty.as_slice() {
                            rec.push(field, Value::Name(item));
                        }
                    }
                }
                Role::Host => host = Some(value),
                Role::Uri => uri = Some(value),
                other => take(rec, other, value),
            }
        }
        if n != roles.len() {
            return Err(format!(
                "{n} fields where the #fields header names {}",
                roles.len()
            ));
        }
        push_request(rec, host, uri);
        Ok(())
    }
}

fn split_set(value: Cow<'_, [u8]>, sep: u8) -> Vec<Cow<'_, [u8]>> {
    match value {
        Cow::Borrowed(b) => b.split(|&c| c == sep).map(Cow::Borrowed).collect(),
        Cow::Owned(v) => v
            .split(|&c| c == sep)
            .map(|p| Cow::Owned(p.to_vec()))
            .collect(),
    }
}

fn take<'a>(rec: &mut Record<'a>, role: Role, value: Cow<'a, [u8]>) {
    match role {
        Role::Src => rec.source("id.orig_h", value),
        Role::Dst => rec.destination("id.resp_h", value),
        Role::DstPort => {
            rec.dst_port = std::str::from_utf8(&value)
                .ok()
                .and_then(|t| t.parse().ok());
        }
        Role::Uid => rec.flow = Some(flow_key(&value)),
        Role::Domain(field) => rec.push(field, Value::Domain(value)),
        Role::Names(field) => rec.push(field, Value::Name(value)),
        Role::Hash(field) => rec.push(field, Value::Hash(value)),
        Role::Host | Role::Uri | Role::Ignore => {}
    }
}

fn push_request<'a>(rec: &mut Record<'a>, host: Option<Cow<'a, [u8]>>, uri: Option<Cow<'a, [u8]>>) {
    if let Some(h) = &host {
        // http.log's host is the Host header, with its port when not the default.
        rec.push("host", Value::Domain(without_port(h.clone())));
    }
    if let (Some(h), Some(u)) = (host, uri) {
        rec.push("uri", Value::Url(h, u));
    }
}

fn read_json<'a>(line: &'a [u8], rec: &mut Record<'a>) -> Result<(), String> {
    let mut c = Cursor::new(line);
    let mut host = None;
    let mut uri = None;
    json_fields(&mut c, rec, &mut host, &mut uri).map_err(|e| e.to_string())?;
    c.end().map_err(|e| e.to_string())?;
    push_request(rec, host, uri);
    Ok(())
}

fn json_fields<'a>(
    c: &mut Cursor<'a>,
    rec: &mut Record<'a>,
    host: &mut Option<Cow<'a, [u8]>>,
    uri: &mut Option<Cow<'a, [u8]>>,
) -> JsonResult<()> {
    c.object(|c, key| {
        let r = if key.is_plain() {
            role(key.raw())
        } else {
            Role::Ignore
        };
        match r {
            Role::Ignore => c.skip(),
            Role::DstPort => {
                rec.dst_port = c.integer_or_skip()?.and_then(|p| u16::try_from(p).ok());
                Ok(())
            }
            Role::Names(field) => {
                if c.peek()? != Next::Array {
                    return c.skip();
                }
                c.array(|c| {
                    if let Some(v) = c.string_or_skip()?.and_then(|s| s.value()) {
                        rec.push(field, Value::Name(v));
                    }
                    Ok(())
                })
            }
            other => {
                if let Some(v) = c.string_or_skip()?.and_then(|s| s.value()) {
                    match other {
                        Role::Host => *host = Some(v),
                        Role::Uri => *uri = Some(v),
                        _ => take(rec, other, v),
                    }
                }
                Ok(())
            }
        }
    })
}

fn without_port(host: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    let cut = match memchr::memrchr(b':', &host) {
        Some(i) if host[i + 1..].iter().all(u8::is_ascii_digit) && !host[..i].contains(&b':') => i,
        _ => return host,
    };
    match host {
        Cow::Borrowed(b) => Cow::Borrowed(&b[..cut]),
        Cow::Owned(mut o) => {
            o.truncate(cut);
            Cow::Owned(o)
        }
    }
}

fn one_byte(v: &[u8]) -> Option<u8> {
    match v {
        [b] => Some(*b),
        _ => None,
    }
}

/// Zeek writes bytes it must not write raw as `\xNN`.
fn unescape(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'\\'
            && v.get(i + 1) == Some(&b'x')
            && let Some(b) = v
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 4;
            continue;
        }
        out.push(v[i]);
        i += 1;
    }
    out
}
