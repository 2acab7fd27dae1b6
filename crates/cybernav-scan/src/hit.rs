//! What a scan finds, and how it is written: one JSON object a line.

use std::io::{self, Write};

use serde::Serialize;

use crate::allowlist::{Audit, Violation};
use crate::index::{Index, IndicatorId};

/// What a hit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitWhat {
    /// A value matched an indicator.
    Indicator(IndicatorId),
    /// A connection reached the protected service against the allowlist rule.
    Allowlist {
        /// The service reached (its index in [`Audit::services`]).
        service: usize,
        /// What is wrong.
        violation: Violation,
        /// The destination as `address:port`.
        dest: Box<str>,
    },
}

/// One hit: where it is and what it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The line of the (uncompressed) file, from 1.
    pub line: u64,
    /// The field the value came from (`dns.rrname`, `id.orig_h`, a CSV column's name).
    pub field: Box<str>,
    /// The value as the record has it.
    pub value: Box<str>,
    /// What it matched.
    pub what: HitWhat,
    /// The authority the record is attributed to (its index in the allowlist's names).
    pub authority: Option<u32>,
    /// The record's flow key, if it has one.
    pub flow: Option<u64>,
}

#[derive(Serialize)]
struct Line<'a> {
    kind: &'static str,
    file: &'a str,
    line: u64,
    field: &'a str,
    value: &'a str,
    #[serde(rename = "match")]
    matched: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicator_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dest: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<&'a str>,
}

/// Writes `hit` as one line of JSON: `kind` (`indicator` or `allowlist`), `file`, `line`,
/// `field`, `value`, `match` (the indicator, or the service reached), then `indicator_type`,
/// or `reason` and `dest`, and `authority` when the record is attributed to one.
pub fn write_json(
    out: &mut impl Write,
    file: &str,
    hit: &Hit,
    index: &Index,
    audit: Option<&Audit>,
) -> io::Result<()> {
    let authority = hit
        .authority
        .and_then(|a| audit?.allowlist.authorities.get(a as usize))
        .map(String::as_str);
    let service;
    let line = match &hit.what {
        HitWhat::Indicator(id) => {
            let (kind, value) = index.indicator(*id);
            Line {
                kind: "indicator",
                file,
                line: hit.line,
                field: &hit.field,
                value: &hit.value,
                matched: value,
                indicator_type: Some(kind.as_str()),
                reason: None,
                dest: None,
                authority,
            }
        }
        HitWhat::Allowlist {
            service: s,
            violation,
            dest,
        } => {
            service = audit
                .and_then(|a| a.services.get(*s))
                .map(ToString::to_string)
                .unwrap_or_default();
            Line {
                kind: "allowlist",
                file,
                line: hit.line,
                field: &hit.field,
                value: &hit.value,
                matched: &service,
                indicator_type: None,
                reason: Some(violation.as_str()),
                dest: Some(dest),
                authority,
            }
        }
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}
