//! Firewall and flow logs as CSV, one record a line, with a column mapping.
//!
//! The mapping names the columns for the roles the scan uses: `src`, `dst`, `dport`, `domain`,
//! `url`, `hash`, by header name (the first line is then the header) or by number from 1 (the
//! file then has no header). Without a mapping the header is read and the usual names are
//! recognised (`src`, `src_ip`, `Source Address`, `dst_port`, `hostname` …; case, spaces,
//! `_` and `-` do not matter). Quoted fields may hold the delimiter and `""`; a record may not
//! span lines.

use std::borrow::Cow;

use crate::record::{Record, Value};

/// What the scan takes from a CSV column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvRole {
    /// The source address.
    Src,
    /// The destination address.
    Dst,
    /// The destination port.
    Dport,
    /// A domain name (a DNS query, a Host header, a TLS SNI).
    Domain,
    /// A URL.
    Url,
    /// A file hash.
    Hash,
}

impl CsvRole {
    const ALL: [(CsvRole, &'static str); 6] = [
        (CsvRole::Src, "src"),
        (CsvRole::Dst, "dst"),
        (CsvRole::Dport, "dport"),
        (CsvRole::Domain, "domain"),
        (CsvRole::Url, "url"),
        (CsvRole::Hash, "hash"),
    ];

    fn parse(s: &str) -> Option<CsvRole> {
        CsvRole::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(s.trim()))
            .map(|&(r, _)| r)
    }

    /// Header names that mean this role, folded (lower case, no spaces, `_` or `-`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            CsvRole::Src => &[
                "src",
                "srcip",
                "srcaddr",
                "srcaddress",
                "source",
                "sourceip",
                "sourceaddress",
                "sourceaddr",
                "ipsrc",
                "clientip",
                "origh",
                "idorigh",
            ],
            CsvRole::Dst => &[
                "dst",
                "dstip",
                "dstaddr",
                "dstaddress",
                "dest",
                "destip",
                "destaddr",
                "destination",
                "destinationip",
                "destinationaddress",
                "ipdst",
                "serverip",
                "resph",
                "idresph",
            ],
            CsvRole::Dport => &[
                "dport",
                "dstport",
                "destport",
                "destinationport",
                "serverport",
                "respp",
                "idrespp",
            ],
            CsvRole::Domain => &[
                "domain", "hostname", "host", "query", "qname", "sni", "fqdn",
            ],
            CsvRole::Url => &["url", "uri", "requesturl"],
            CsvRole::Hash => &["hash", "sha256", "sha1", "md5", "filehash"],
        }
    }
}

/// The highest column number a mapping may name.
pub const MAX_COLUMN: usize = 10_000;

/// Which column holds what, as the user gave it (`--columns src=SrcAddr,dst=9`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvMapping {
    /// Each role and the column, by name or by number from 1.
    pub columns: Vec<(CsvRole, ColumnRef)>,
    /// The delimiter (`,` unless told).
    pub delimiter: Option<u8>,
}

/// A column by header name or by number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// By header name (exact, but case does not matter).
    Name(String),
    /// By number, from 1.
    Number(usize),
}

impl CsvMapping {
    /// Reads `src=SrcAddr,dst=DstAddr,dport=9`: roles `src`, `dst`, `dport`, `domain`, `url`,
    /// `hash`; a column by header name or by number from 1 (all by name or all by number).
    pub fn parse(spec: &str) -> Result<CsvMapping, String> {
        let mut m = CsvMapping::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (role, col) = part.split_once('=').ok_or_else(|| {
                format!("'{part}' is not ROLE=COLUMN (for example src=SrcAddr or dst=9)")
            })?;
            let role = CsvRole::parse(role).ok_or_else(|| {
                format!(
                    "'{}' is not a column role; use one of {}",
                    role.trim(),
                    CsvRole::ALL.map(|(_, n)| n).join(", ")
                )
            })?;
            let col = col.trim();
            let col = match col.parse::<usize>() {
                Ok(0) => return Err(format!("'{part}': columns are numbered from 1")),
                Ok(n) if n > MAX_COLUMN => {
                    return Err(format!(
                        "'{part}': columns are numbered from 1 to {MAX_COLUMN}"
                    ));
                }
                Ok(n) => ColumnRef::Number(n),
                Err(_) if col.is_empty() => return Err(format!("'{part}' names no column")),
                Err(_) => ColumnRef::Name(col.to_string()),
            };
            m.columns.push((role, col));
        }
        let numbers = m
            .columns
            .iter()
            .filter(|(_, c)| matches!(c, ColumnRef::Number(_)))
            .count();
        if numbers != 0 && numbers != m.columns.len() {
            return Err(
                "name all columns by header name or all by number, not some of each".to_string(),
            );
        }
        Ok(m)
    }

    /// True when the file has a header line to read first.
    pub fn needs_header(&self) -> bool {
        !self
            .columns
            .iter()
            .any(|(_, c)| matches!(c, ColumnRef::Number(_)))
    }
}

/// The columns of one file, resolved: ready for its records.
#[derive(Debug, Clone)]
pub struct CsvColumns {
    delimiter: u8,
    /// For each column index, its role and the field name reported (the header's name, or
    /// `column N`).
    roles: Vec<Option<(CsvRole, String)>>,
}

impl CsvColumns {
    /// Columns from the mapping alone (numbers; no header).
    pub fn by_number(m: &CsvMapping) -> CsvColumns {
        let mut roles: Vec<Option<(CsvRole, String)>> = Vec::new();
        for (role, col) in &m.columns {
            if let ColumnRef::Number(n) = col {
                if roles.len() < *n {
                    roles.resize(*n, None);
                }
                roles[n - 1] = Some((*role, format!("column {n}")));
            }
        }
        CsvColumns {
            delimiter: m.delimiter.unwrap_or(b','),
            roles,
        }
    }

    /// Columns from the header line and the mapping (names), or recognised by their names.
    pub fn from_header(m: &CsvMapping, header: &[u8]) -> Result<CsvColumns, String> {
        let delimiter = m.delimiter.unwrap_or(b',');
        let fields = split(header, delimiter, MAX_COLUMN + 1);
        if fields.len() > MAX_COLUMN {
            return Err(format!(
                "a header of more than {MAX_COLUMN} columns; is the delimiter right?"
            ));
        }
        let names: Vec<String> = fields
            .into_iter()
            .map(|c| String::from_utf8_lossy(&c).trim().to_string())
            .collect();
        let mut roles: Vec<Option<(CsvRole, String)>> = vec![None; names.len()];
        let listing = || names.join(", ");
        if m.columns.is_empty() {
            for (i, name) in names.iter().enumerate() {
                let folded = fold(name);
                if let Some(&(role, _)) = CsvRole::ALL.iter().find(|(r, _)| {
                    r.aliases().contains(&folded.as_str())
                        && !roles.iter().flatten().any(|(taken, _)| taken == r)
                }) {
                    roles[i] = Some((role, name.clone()));
                }
            }
            if roles.iter().flatten().count() == 0 {
                return Err(format!(
                    "no column of the header is one the scan recognises (it has: {}); say which with --columns src=NAME,dst=NAME,dport=NAME",
                    listing()
                ));
            }
        } else {
            for (role, col) in &m.columns {
                let ColumnRef::Name(want) = col else { continue };
                let i = names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(want))
                    .ok_or_else(|| {
                        format!("the header has no column '{want}' (it has: {})", listing())
                    })?;
                roles[i] = Some((*role, names[i].clone()));
            }
        }
        Ok(CsvColumns { delimiter, roles })
    }

    /// Reads one record into `rec`.
    pub fn read<'a>(&'a self, line: &'a [u8], rec: &mut Record<'a>) -> Result<(), String> {
        let needed = self
            .roles
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        // Only the columns up to the last one mapped are split out.
        let fields = split(line, self.delimiter, needed);
        if fields.len() < needed {
            return Err(format!(
                "{} fields, but column {needed} is mapped",
                fields.len()
            ));
        }
        for (value, role) in fields.into_iter().zip(&self.roles) {
            let Some((role, name)) = role else { continue };
            let value = trim(value);
            if value.is_empty() {
                continue;
            }
            match role {
                CsvRole::Src => rec.source(name, value),
                CsvRole::Dst => rec.destination(name, value),
                CsvRole::Dport => {
                    rec.dst_port = std::str::from_utf8(&value)
                        .ok()
                        .and_then(|t| t.parse().ok());
                }
                CsvRole::Domain => rec.push(name, Value::Name(value)),
                CsvRole::Url => rec.push(name, Value::Url(Cow::Borrowed(b""), value)),
                CsvRole::Hash => rec.push(name, Value::Hash(value)),
            }
        }
        Ok(())
    }
}

fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn trim(v: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    match v {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim_ascii()),
        Cow::Owned(o) => Cow::Owned(o.trim_ascii().to_vec()),
    }
}

/// Splits a line on `delim`, honouring double quotes (`""` inside quotes is one quote), into
/// at most `most` fields (the rest of the line is not looked at).
fn split(line: &[u8], delim: u8, most: usize) -> Vec<Cow<'_, [u8]>> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < most {
        if line.get(i) == Some(&b'"') {
            let mut v = Vec::new();
            let mut j = i + 1;
            while j < line.len() {
                if line[j] == b'"' {
                    if line.get(j + 1) == Some(&b'"') {
                        v.push(b'"');
                        j += 2;
                        continue;
                    }
                    j += 1;
                    break;
                }
                v.push(line[j]);
                j += 1;
            }
            // Anything after the closing quote up to the delimiter is kept as written.
            let end =
                memchr::memchr(delim, &line[j.min(line.len())..]).map_or(line.len(), |o| j + o);
            v.extend_from_slice(&line[j.min(end)..end]);
            out.push(Cow::Owned(v));
            if end >= line.len() {
                return out;
            }
            i = end + 1;
        } else {
            let end = memchr::memchr(delim, &line[i..]).map_or(line.len(), |o| i + o);
            out.push(Cow::Borrowed(&line[i..end]));
            if end >= line.len() {
                return out;
            }
            i = end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        let f = split(br#"a,"b,c","d""e",,f"#, b',', 10);
        let f: Vec<&[u8]> = f.iter().map(|c| c.as_ref()).collect();
        assert_eq!(f, [&b"a"[..], b"b,c", b"d\"e", b"", b"f"]);
        assert_eq!(split(b"", b',', 10).len(), 1);
        assert_eq!(split(b"a,", b',', 10).len(), 2);
        assert_eq!(split(b"a,b,c,d", b',', 2).len(), 2);
    }

    #[test]
    fn mappings_are_checked() {
        assert!(
            CsvMapping::parse("src=SrcAddr,dst=DstAddr")
                .unwrap()
                .needs_header()
        );
        assert!(!CsvMapping::parse("src=3, dst=4").unwrap().needs_header());
        for (bad, says) in [
            ("src", "is not ROLE=COLUMN"),
            ("from=3", "is not a column role"),
            ("src=0", "numbered from 1"),
            ("src=3,dst=DstAddr", "not some of each"),
            ("src=18446744073709551615", "from 1 to 10000"),
        ] {
            let e = CsvMapping::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let m = CsvMapping::parse("src=Source").unwrap();
        let e = CsvColumns::from_header(&m, b"time,src,dst").unwrap_err();
        assert!(
            e.contains("no column 'Source'") && e.contains("time, src, dst"),
            "{e}"
        );
        let e = CsvColumns::from_header(&CsvMapping::default(), b"a,b,c").unwrap_err();
        assert!(e.contains("--columns"), "{e}");
    }
}
