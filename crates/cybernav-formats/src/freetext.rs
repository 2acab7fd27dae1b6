//! Indicator lists as people paste and e-mail them: free text, one indicator a line, and CSV
//! with a header.
//!
//! Lists shared by e-mail are usually *defanged* so nobody clicks them (`hxxp://evil[.]example`,
//! `bad[at]example[.]com`); [`refang`] undoes that before the kind is worked out. A line that
//! is not an indicator is refused with its line number and the reason; the other lines are
//! read all the same.

use std::fmt;

use cybernav_core::sharing::{Indicator, IndicatorKind};

/// One indicator read from a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The line of the file, from 1.
    pub line: usize,
    /// The indicator.
    pub indicator: Indicator,
    /// The rest of the line (free text) or the comment column (CSV), if any.
    pub comment: Option<String>,
}

/// A line that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRejected {
    /// The line of the file, from 1.
    pub line: usize,
    /// The value as written (cut to 200 characters).
    pub value: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for LineRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: '{}': {}", self.line, self.value, self.reason)
    }
}

/// What a list held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRead {
    /// The indicators, in file order (the same indicator twice is listed twice; de-duplication
    /// happens at intake, against what is already stored).
    pub entries: Vec<ListEntry>,
    /// The lines refused.
    pub rejected: Vec<LineRejected>,
}

/// A CSV file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ListError(pub String);

/// The most lines a list may have.
pub const MAX_LINES: usize = 2_000_000;

/// Defanging we undo, longest first where one contains another. Matched without regard to
/// case.
const DEFANGS: [(&str, &str); 17] = [
    ("hxxps://", "https://"),
    ("hxxp://", "http://"),
    ("hxxps[://]", "https://"),
    ("hxxp[://]", "http://"),
    ("[://]", "://"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("[@]", "@"),
    ("[:]", ":"),
    ("fxp://", "ftp://"),
];

/// Undoes common defanging: `hxxp`/`hxxps`, `[.]`, `(.)`, `{.}`, `[dot]`, `[at]`, `[@]`, `[:]`,
/// `[://]`.
pub fn refang(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        // Every defanging starts with one of these (ASCII, so `i` is a character boundary).
        if matches!(bytes[i], b'h' | b'H' | b'f' | b'F' | b'[' | b'(' | b'{')
            && let Some((from, to)) = DEFANGS.iter().find(|(from, _)| {
                bytes
                    .get(i..i + from.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(from.as_bytes()))
            })
        {
            out.push_str(&s[copied..i]);
            out.push_str(to);
            i += from.len();
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&s[copied..]);
    out
}

/// Top-level labels that are far more often a file's extension than a domain in a pasted list
/// (`invoice.pdf`, `setup.exe`). A value ending in one is refused as "looks like a file name";
/// the few real top-level domains among them (`.zip`, `.mov`) can still be given with an
/// explicit type in CSV.
const FILE_EXTENSIONS: [&str; 30] = [
    "exe", "dll", "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "txt", "js",
    "vbs", "ps1", "bat", "cmd", "hta", "lnk", "msi", "scr", "jar", "iso", "img", "zip", "rar",
    "7z", "gz", "png", "jpg",
];

fn cut(s: &str) -> String {
    if s.chars().count() > 200 {
        let c: String = s.chars().take(200).collect();
        format!("{c}…")
    } else {
        s.to_string()
    }
}

/// Works out the kind of one refanged value, with the file-name check on top of
/// [`Indicator::detect`].
pub fn detect(value: &str) -> Result<Indicator, String> {
    let i = Indicator::detect(value).map_err(|e| e.to_string())?;
    if i.kind() == IndicatorKind::Domain
        && let Some(tld) = i.value().rsplit('.').next()
        && FILE_EXTENSIONS.contains(&tld)
    {
        return Err(format!(
            "'{}' looks like a file name (.{tld}), not a domain; give it with a type column if it is a domain",
            i.value()
        ));
    }
    Ok(i)
}

fn strip_wrapping(s: &str) -> &str {
    let s = s.trim();
    let s = s.trim_matches(|c| c == '"' || c == '\'' || c == '<' || c == '>' || c == '`');
    s.trim_end_matches([',', ';'])
}

/// Reads a free-text list: one indicator a line, optionally followed by a comment after spaces,
/// a tab, a comma or a `#`. Blank lines and lines starting with `#`, `//` or `;` are skipped.
pub fn read_free_text(text: &str) -> ListRead {
    let mut out = ListRead::default();
    for (n, line) in text.lines().enumerate().take(MAX_LINES) {
        let line_no = n + 1;
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with(';') {
            continue;
        }
        let (first, rest) = match t.find(char::is_whitespace) {
            Some(i) => (&t[..i], Some(t[i..].trim())),
            None => (t, None),
        };
        // `1.2.3.4,c2 server`: a comma ends the value unless it is a URL (URLs hold commas).
        let (first, rest) = if !first.contains("://") && !first.to_ascii_lowercase().contains("xxp")
        {
            match first.split_once(',') {
                Some((v, c)) => (v, Some(c.trim()).filter(|c| !c.is_empty()).or(rest)),
                None => (first, rest),
            }
        } else {
            (first, rest)
        };
        let value = refang(strip_wrapping(first));
        let comment = rest
            .map(|c| c.trim_start_matches(['#', ',', ';']).trim())
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        match detect(&value) {
            Ok(indicator) => out.entries.push(ListEntry {
                line: line_no,
                indicator,
                comment,
            }),
            Err(reason) => out.rejected.push(LineRejected {
                line: line_no,
                value: cut(first),
                reason,
            }),
        }
    }
    out
}

const VALUE_COLUMNS: [&str; 6] = [
    "value",
    "indicator",
    "ioc",
    "observable",
    "ioc_value",
    "indicator_value",
];
const TYPE_COLUMNS: [&str; 5] = [
    "type",
    "kind",
    "indicator_type",
    "ioc_type",
    "attribute_type",
];
const COMMENT_COLUMNS: [&str; 4] = ["comment", "description", "note", "notes"];

fn find_column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        names.contains(&h.as_str())
    })
}

/// Reads a CSV list whose header names a value column (`value`, `indicator`, `ioc`,
/// `observable`) and optionally a type column (`type`, `kind`, `indicator_type`) and a
/// comment column (`comment`, `description`, `note`). With a type column the value is read as
/// that type; without, the kind is worked out as for free text.
pub fn read_indicator_csv(bytes: &[u8]) -> Result<ListRead, ListError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| ListError(format!("line 1: the header cannot be read: {e}")))?
        .clone();
    let value_col = find_column(&headers, &VALUE_COLUMNS).ok_or_else(|| {
        ListError(format!(
            "line 1: no value column; the header must name one of: {}",
            VALUE_COLUMNS.join(", ")
        ))
    })?;
    let type_col = find_column(&headers, &TYPE_COLUMNS);
    let comment_col = find_column(&headers, &COMMENT_COLUMNS);
    let mut out = ListRead::default();
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    loop {
        let line = rdr.position().line() as usize;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(line);
                out.rejected.push(LineRejected {
                    line,
                    value: String::new(),
                    reason: format!("the row cannot be read: {e}"),
                });
                continue;
            }
        }
        rows += 1;
        if rows > MAX_LINES {
            return Err(ListError(format!("more than {MAX_LINES} rows")));
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(line);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let raw = record.get(value_col).unwrap_or("").trim();
        let comment = comment_col
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        let reject = |reason: String| LineRejected {
            line,
            value: cut(raw),
            reason,
        };
        if raw.is_empty() {
            out.rejected
                .push(reject(format!("column {}: empty", &headers[value_col])));
            continue;
        }
        let value = refang(strip_wrapping(raw));
        let typed = type_col
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let parsed = match typed {
            Some(t) => match IndicatorKind::parse(t) {
                // `ip` in a type column may hold either family.
                Ok(IndicatorKind::Ipv4) if value.contains(':') => {
                    Indicator::parse(IndicatorKind::Ipv6, &value).map_err(|e| e.to_string())
                }
                Ok(kind) => Indicator::parse(kind, &value).map_err(|e| e.to_string()),
                Err(e) => Err(format!("column {}: {e}", &headers[type_col.unwrap_or(0)])),
            },
            None => detect(&value),
        };
        match parsed {
            Ok(indicator) => out.entries.push(ListEntry {
                line,
                indicator,
                comment,
            }),
            Err(reason) => out.rejected.push(reject(reason)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refangs_what_people_write() {
        assert_eq!(refang("hxxp://evil[.]example/x"), "http://evil.example/x");
        assert_eq!(refang("HXXPS://evil(.)example"), "https://evil.example");
        assert_eq!(refang("bad[at]evil{.}example"), "bad@evil.example");
        assert_eq!(refang("bad[@]evil[dot]example"), "bad@evil.example");
        assert_eq!(
            refang("hxxp[://]198[.]51[.]100[.]1[:]8080"),
            "http://198.51.100.1:8080"
        );
        assert_eq!(refang("évil[.]example"), "évil.example");
    }

    #[test]
    fn free_text_lines_are_detected_or_refused_by_line() {
        let text = "# IOCs from the fusion center\n\
                    198.51.100[.]23   scanner\n\
                    \n\
                    hxxps://login-county-vote[.]example/owa  credential phishing\n\
                    invoice.pdf\n\
                    2001:db8::dead\n\
                    phish[at]county-vote[.]example,sender\n\
                    d41d8cd98f00b204e9800998ecf8427e\n\
                    not an indicator\n";
        let r = read_free_text(text);
        let got: Vec<(usize, String)> = r
            .entries
            .iter()
            .map(|e| (e.line, e.indicator.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "ipv4:198.51.100.23".to_string()),
                (4, "url:https://login-county-vote.example/owa".to_string()),
                (6, "ipv6:2001:db8::dead".to_string()),
                (7, "email:phish@county-vote.example".to_string()),
                (8, "md5:d41d8cd98f00b204e9800998ecf8427e".to_string()),
            ]
        );
        assert_eq!(r.entries[0].comment.as_deref(), Some("scanner"));
        assert_eq!(r.entries[3].comment.as_deref(), Some("sender"));
        assert_eq!(r.rejected.len(), 2);
        assert_eq!(r.rejected[0].line, 5);
        assert!(r.rejected[0].reason.contains("file name"));
        assert_eq!(r.rejected[1].line, 9);
    }

    #[test]
    fn csv_with_value_type_and_comment_columns() {
        let csv = "Indicator,Type,Comment\n\
                   evil[.]example,domain,c2\n\
                   198.51.100.0/24,ip,scanner range\n\
                   2001:db8::1,ip,\n\
                   setup.zip,domain,a real TLD given with a type\n\
                   abc,sha256,truncated\n\
                   x.example,colour,\n";
        let r = read_indicator_csv(csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = r.entries.iter().map(|e| e.indicator.to_string()).collect();
        assert_eq!(
            got,
            [
                "domain:evil.example",
                "ipv4:198.51.100.0/24",
                "ipv6:2001:db8::1",
                "domain:setup.zip"
            ]
        );
        assert_eq!(r.entries[0].comment.as_deref(), Some("c2"));
        assert_eq!(r.rejected.len(), 2);
        assert_eq!(r.rejected[0].line, 6);
        assert!(r.rejected[0].reason.contains("64"), "{}", r.rejected[0]);
        assert_eq!(r.rejected[1].line, 7);
        assert!(r.rejected[1].reason.contains("Type"));
    }

    #[test]
    fn csv_without_a_value_column_is_refused_whole() {
        let e = read_indicator_csv(b"ip,port\n1.2.3.4,80\n").unwrap_err();
        assert!(e.0.contains("value"), "{e}");
    }

    proptest! {
        #[test]
        fn refang_of_plain_text_changes_nothing(s in "[a-z0-9./:@-]{0,40}") {
            prop_assume!(!s.contains("fxp://") && !s.contains("hxxp"));
            prop_assert_eq!(refang(&s), s);
        }

        #[test]
        fn never_panics_and_every_line_is_accounted(s in "\\PC{0,200}") {
            let r = read_free_text(&s);
            for e in &r.entries { prop_assert!(e.line >= 1); }
            let _ = read_indicator_csv(s.as_bytes());
        }
    }
}
