//! CISA Cyber Hygiene (CyHy) vulnerability-scan CSVs: `findings.csv`,
//! `mitigated-vulnerabilities.csv` and `potentially-risky-services.csv`.
//!
//! A file is read whole and refused whole: every problem is listed with the file name, the
//! physical line (the header is line 1) and the column, and no row is returned when there is
//! any. Columns are matched by name (case and surrounding spaces ignored), in any order; the
//! required columns of each kind must be present once; other columns are accepted and
//! ignored, so a later CyHy release that adds a column still loads. See docs/CYHY-KEV.md.
//!
//! Severity: CyHy writes 1 (low), 2 (medium), 3 (high), 4 (critical), and 0 for
//! informational; the words (`low` … `critical`, `info`, `informational`, `none`) are accepted
//! too.

use std::collections::HashMap;
use std::fmt;

use cybernav_core::finding::{Severity, parse_cve, parse_port, parse_protocol};
use time::Date;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// The columns of `findings.csv`, all required.
pub const FINDINGS_COLUMNS: [&str; 19] = [
    "owner",
    "ip",
    "port",
    "protocol",
    "known_exploited",
    "ransomware_exploited",
    "severity",
    "initial_detection",
    "latest_detection",
    "age_days",
    "cvss_base_score",
    "cvss_version",
    "vpr_score",
    "cve",
    "name",
    "description",
    "solution",
    "source",
    "plugin_id",
];

/// The columns `mitigated-vulnerabilities.csv` must have (the others of `findings.csv` are
/// read when present), plus one of [`MITIGATED_DATE_COLUMNS`].
pub const MITIGATED_REQUIRED: [&str; 9] = [
    "owner",
    "ip",
    "port",
    "protocol",
    "severity",
    "initial_detection",
    "latest_detection",
    "cve",
    "plugin_id",
];

/// The names accepted for the day a vulnerability was mitigated (one must be present).
pub const MITIGATED_DATE_COLUMNS: [&str; 4] = [
    "mitigated_date",
    "mitigated_on",
    "closed_date",
    "time_closed",
];

/// The columns `potentially-risky-services.csv` must have.
pub const RISKY_SERVICE_COLUMNS: [&str; 8] = [
    "owner",
    "ip",
    "port",
    "protocol",
    "service",
    "initial_detection",
    "latest_detection",
    "age_days",
];

/// Which of the three files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CyhyKind {
    /// `findings.csv`: open vulnerabilities.
    Findings,
    /// `mitigated-vulnerabilities.csv`: vulnerabilities no longer seen.
    Mitigated,
    /// `potentially-risky-services.csv`: services that should not face the internet.
    RiskyServices,
}

impl CyhyKind {
    /// The file's usual name.
    pub fn file_name(self) -> &'static str {
        match self {
            CyhyKind::Findings => "findings.csv",
            CyhyKind::Mitigated => "mitigated-vulnerabilities.csv",
            CyhyKind::RiskyServices => "potentially-risky-services.csv",
        }
    }
}

/// One vulnerability row (`findings.csv` or `mitigated-vulnerabilities.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CyhyVulnerability {
    /// Physical line of the row.
    pub line: u64,
    /// CyHy's owner code (the stakeholder scanned).
    pub owner: String,
    /// The address scanned.
    pub ip: String,
    /// Port.
    pub port: i32,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// On CISA's KEV list, by CyHy's account.
    pub known_exploited: bool,
    /// Known to be used in ransomware campaigns.
    pub ransomware_exploited: bool,
    /// Our severity.
    pub severity: Severity,
    /// First seen.
    pub initial_detection: Date,
    /// Last seen.
    pub latest_detection: Date,
    /// Days open, as CyHy counts.
    pub age_days: Option<i64>,
    /// CVSS base score, 0–10.
    pub cvss_base_score: Option<f64>,
    /// CVSS version (`3.1`).
    pub cvss_version: Option<String>,
    /// Tenable VPR score, 0–10.
    pub vpr_score: Option<f64>,
    /// The first CVE of the row, normalised.
    pub cve: Option<String>,
    /// The vulnerability's name.
    pub name: String,
    /// Description (FOUO once attached to an authority).
    pub description: String,
    /// CyHy's advice.
    pub solution: String,
    /// The scanner (`nessus`).
    pub source: String,
    /// The scanner's plugin id.
    pub plugin_id: String,
    /// For mitigated rows: when.
    pub mitigated_on: Option<Date>,
}

/// One row of `potentially-risky-services.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CyhyRiskyService {
    /// Physical line of the row.
    pub line: u64,
    /// CyHy's owner code.
    pub owner: String,
    /// Address.
    pub ip: String,
    /// Port.
    pub port: i32,
    /// Protocol.
    pub protocol: String,
    /// The service (`rdp`, `telnet`, `smb`).
    pub service: String,
    /// First seen.
    pub initial_detection: Date,
    /// Last seen.
    pub latest_detection: Date,
    /// Days open.
    pub age_days: Option<i64>,
}

/// A parsed file.
#[derive(Debug, Clone, PartialEq)]
pub enum CyhyFile {
    /// `findings.csv`.
    Findings(Vec<CyhyVulnerability>),
    /// `mitigated-vulnerabilities.csv`.
    Mitigated(Vec<CyhyVulnerability>),
    /// `potentially-risky-services.csv`.
    RiskyServices(Vec<CyhyRiskyService>),
}

impl CyhyFile {
    /// Which kind.
    pub fn kind(&self) -> CyhyKind {
        match self {
            CyhyFile::Findings(_) => CyhyKind::Findings,
            CyhyFile::Mitigated(_) => CyhyKind::Mitigated,
            CyhyFile::RiskyServices(_) => CyhyKind::RiskyServices,
        }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            CyhyFile::Findings(r) | CyhyFile::Mitigated(r) => r.len(),
            CyhyFile::RiskyServices(r) => r.len(),
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One problem, with file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CyhyError {
    /// The file's name.
    pub file: String,
    /// Physical line (header = 1).
    pub line: u64,
    /// The column, when the problem is in one.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CyhyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem in a file; the file is refused when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CyhyErrors(pub Vec<CyhyError>);

impl fmt::Display for CyhyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CyhyErrors {}

/// The most problems listed before reading stops.
const MAX_ERRORS: usize = 100;

/// Tells the kind of a file from its name, else from its header line.
pub fn detect_kind(file_name: &str, bytes: &[u8]) -> Option<CyhyKind> {
    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if name.contains("mitigated") {
        return Some(CyhyKind::Mitigated);
    }
    if name.contains("risky") {
        return Some(CyhyKind::RiskyServices);
    }
    if name.contains("finding") {
        return Some(CyhyKind::Findings);
    }
    let first = bytes.split(|b| *b == b'\n').next()?;
    let header = String::from_utf8_lossy(first).to_ascii_lowercase();
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim_start_matches('\u{feff}'))
        .collect();
    if MITIGATED_DATE_COLUMNS.iter().any(|c| cols.contains(c)) {
        Some(CyhyKind::Mitigated)
    } else if cols.contains(&"service") && !cols.contains(&"plugin_id") {
        Some(CyhyKind::RiskyServices)
    } else if cols.contains(&"plugin_id") {
        Some(CyhyKind::Findings)
    } else {
        None
    }
}

/// Reads a file of the kind its name or header tells.
pub fn parse_cyhy(file_name: &str, bytes: &[u8]) -> Result<CyhyFile, CyhyErrors> {
    let Some(kind) = detect_kind(file_name, bytes) else {
        return Err(CyhyErrors(vec![CyhyError {
            file: file_name.to_string(),
            line: 1,
            column: None,
            message: "this is not a Cyber Hygiene file: name it findings.csv, mitigated-vulnerabilities.csv or potentially-risky-services.csv, or give it their header".into(),
        }]));
    };
    parse_cyhy_as(kind, file_name, bytes)
}

struct Row<'a> {
    line: u64,
    cells: &'a csv::StringRecord,
    header: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn get(&self, col: &str) -> &str {
        self.header
            .get(col)
            .and_then(|i| self.cells.get(*i))
            .map(str::trim)
            .unwrap_or_default()
    }
}

struct Ctx<'a> {
    file: &'a str,
    errors: Vec<CyhyError>,
}

impl Ctx<'_> {
    fn err(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(CyhyError {
                file: self.file.to_string(),
                line,
                column: column.map(str::to_string),
                message: message.into(),
            });
        }
    }

    fn check<T>(&mut self, row: &Row<'_>, col: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.err(row.line, Some(col), m);
                None
            }
        }
    }
}

/// Maps CyHy's severity (number or word) to ours.
pub fn map_severity(s: &str) -> Result<Severity, String> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix(".0").unwrap_or(&t);
    Ok(match t {
        "0" | "none" | "info" | "informational" => Severity::Informational,
        "1" | "low" => Severity::Low,
        "2" | "medium" => Severity::Medium,
        "3" | "high" => Severity::High,
        "4" | "critical" => Severity::Critical,
        _ => {
            return Err(format!(
                "'{}' is not a severity; CyHy writes 1 (low), 2 (medium), 3 (high), 4 (critical) or 0 (informational)",
                s.trim()
            ));
        }
    })
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" | "f" | "n" => Ok(false),
        "true" | "yes" | "1" | "t" | "y" => Ok(true),
        other => Err(format!("'{other}' is not true or false")),
    }
}

/// `2024-01-15`, `2024-01-15 12:34:56`, `2024-01-15T12:34:56Z`, …: the day.
pub fn parse_day(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let bad = || format!("'{t}' is not a date; CyHy writes dates as YYYY-MM-DD");
    let day = t.get(..10).ok_or_else(bad)?;
    let rest = t.get(10..).unwrap_or_default();
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return Err(bad());
    }
    Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| bad())
}

fn opt<T>(s: &str, f: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        f(s).map(Some)
    }
}

fn score(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=10.0).contains(v))
        .ok_or_else(|| format!("'{}' is not a score from 0 to 10", s.trim()))
}

fn days(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<i64>()
        .ok()
        .filter(|d| *d >= 0)
        .ok_or_else(|| format!("'{t}' is not a number of days"))
}

fn ip(s: &str) -> Result<String, String> {
    s.trim()
        .parse::<std::net::IpAddr>()
        .map(|a| a.to_string())
        .map_err(|_| format!("'{}' is not an IP address", s.trim()))
}

fn required(s: &str, what: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err(format!("{what} is required"))
    } else {
        Ok(s.trim().to_string())
    }
}

/// The first CVE of a cell that may list several (separated by commas, semicolons or spaces);
/// every one must be valid.
fn cves(s: &str) -> Result<Option<String>, String> {
    let mut first = None;
    for part in s
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let c = parse_cve(part)?;
        first.get_or_insert(c);
    }
    Ok(first)
}

/// Reads a file as the given kind.
pub fn parse_cyhy_as(
    kind: CyhyKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<CyhyFile, CyhyErrors> {
    let mut ctx = Ctx {
        file: file_name,
        errors: Vec::new(),
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header_rec = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            ctx.err(1, None, format!("could not read the header: {}", plain(&e)));
            return Err(CyhyErrors(ctx.errors));
        }
        None => {
            ctx.err(1, None, "the file is empty; it needs a header line");
            return Err(CyhyErrors(ctx.errors));
        }
    };
    let mut header = HashMap::new();
    for (i, c) in header_rec.iter().enumerate() {
        let name = c.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if header.insert(name.clone(), i).is_some() {
            ctx.err(
                1,
                Some(&name),
                format!("column '{name}' appears more than once in the header; keep one"),
            );
        }
    }
    let required_cols: Vec<&str> = match kind {
        CyhyKind::Findings => FINDINGS_COLUMNS.to_vec(),
        CyhyKind::Mitigated => MITIGATED_REQUIRED.to_vec(),
        CyhyKind::RiskyServices => RISKY_SERVICE_COLUMNS.to_vec(),
    };
    for c in &required_cols {
        if !header.contains_key(*c) {
            ctx.err(
                1,
                Some(c),
                format!(
                    "missing column '{c}'; {} needs: {}",
                    kind.file_name(),
                    required_cols.join(", ")
                ),
            );
        }
    }
    let mitigated_col = MITIGATED_DATE_COLUMNS
        .iter()
        .find(|c| header.contains_key(**c))
        .copied();
    if kind == CyhyKind::Mitigated && mitigated_col.is_none() {
        ctx.err(
            1,
            Some("mitigated_date"),
            format!(
                "missing the day each vulnerability was mitigated: a column named one of {}",
                MITIGATED_DATE_COLUMNS.join(", ")
            ),
        );
    }
    if !ctx.errors.is_empty() {
        return Err(CyhyErrors(ctx.errors));
    }
    let width = header_rec.len();
    let mut vulns = Vec::new();
    let mut services = Vec::new();
    let mut n = 0usize;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                ctx.err(line, None, format!("could not read the row: {}", plain(&e)));
                break;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        n += 1;
        if n > MAX_ROWS {
            ctx.err(
                line,
                None,
                format!("the file has more than {MAX_ROWS} rows; split it"),
            );
            break;
        }
        if rec.len() != width {
            ctx.err(
                line,
                None,
                format!("found {} fields, the header has {width}", rec.len()),
            );
            continue;
        }
        let row = Row {
            line,
            cells: &rec,
            header: &header,
        };
        match kind {
            CyhyKind::Findings | CyhyKind::Mitigated => {
                if let Some(v) = vulnerability(&mut ctx, &row, mitigated_col) {
                    vulns.push(v);
                }
            }
            CyhyKind::RiskyServices => {
                if let Some(s) = risky_service(&mut ctx, &row) {
                    services.push(s);
                }
            }
        }
        if ctx.errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if !ctx.errors.is_empty() {
        return Err(CyhyErrors(ctx.errors));
    }
    Ok(match kind {
        CyhyKind::Findings => CyhyFile::Findings(vulns),
        CyhyKind::Mitigated => CyhyFile::Mitigated(vulns),
        CyhyKind::RiskyServices => CyhyFile::RiskyServices(services),
    })
}

fn plain(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "it is not UTF-8 text; save the file as CSV UTF-8".to_string()
        }
        _ => e.to_string(),
    }
}

fn vulnerability(
    ctx: &mut Ctx<'_>,
    row: &Row<'_>,
    mitigated_col: Option<&str>,
) -> Option<CyhyVulnerability> {
    let before = ctx.errors.len();
    let owner = ctx.check(row, "owner", required(row.get("owner"), "the owner code"));
    let ip = ctx.check(row, "ip", ip(row.get("ip")));
    let port = ctx.check(row, "port", parse_port(row.get("port")));
    let protocol = ctx.check(row, "protocol", parse_protocol(row.get("protocol")));
    let known = ctx.check(
        row,
        "known_exploited",
        parse_bool(row.get("known_exploited")),
    );
    let ransom = ctx.check(
        row,
        "ransomware_exploited",
        parse_bool(row.get("ransomware_exploited")),
    );
    let severity = ctx.check(row, "severity", map_severity(row.get("severity")));
    let initial = ctx.check(
        row,
        "initial_detection",
        parse_day(row.get("initial_detection")),
    );
    let latest = ctx.check(
        row,
        "latest_detection",
        parse_day(row.get("latest_detection")),
    );
    let age = ctx.check(row, "age_days", opt(row.get("age_days"), days));
    let cvss = ctx.check(
        row,
        "cvss_base_score",
        opt(row.get("cvss_base_score"), score),
    );
    let vpr = ctx.check(row, "vpr_score", opt(row.get("vpr_score"), score));
    let cve = ctx.check(row, "cve", cves(row.get("cve")));
    let plugin = ctx.check(
        row,
        "plugin_id",
        required(row.get("plugin_id"), "the plugin id"),
    );
    let mitigated_on = match mitigated_col {
        Some(c) => ctx.check(row, c, parse_day(row.get(c)).map(Some)),
        None => Some(None),
    };
    if let (Some(i), Some(l)) = (initial, latest)
        && l < i
    {
        ctx.err(
            row.line,
            Some("latest_detection"),
            "the latest detection is before the initial detection",
        );
    }
    if ctx.errors.len() > before {
        return None;
    }
    Some(CyhyVulnerability {
        line: row.line,
        owner: owner?,
        ip: ip?,
        port: port?,
        protocol: protocol?,
        known_exploited: known?,
        ransomware_exploited: ransom?,
        severity: severity?,
        initial_detection: initial?,
        latest_detection: latest?,
        age_days: age?,
        cvss_base_score: cvss?,
        cvss_version: Some(row.get("cvss_version").to_string()).filter(|s| !s.is_empty()),
        vpr_score: vpr?,
        cve: cve?,
        name: row.get("name").to_string(),
        description: row.get("description").to_string(),
        solution: row.get("solution").to_string(),
        source: row.get("source").to_string(),
        plugin_id: plugin?,
        mitigated_on: mitigated_on?,
    })
}

fn risky_service(ctx: &mut Ctx<'_>, row: &Row<'_>) -> Option<CyhyRiskyService> {
    let before = ctx.errors.len();
    let owner = ctx.check(row, "owner", required(row.get("owner"), "the owner code"));
    let ip = ctx.check(row, "ip", ip(row.get("ip")));
    let port = ctx.check(row, "port", parse_port(row.get("port")));
    let protocol = ctx.check(row, "protocol", parse_protocol(row.get("protocol")));
    let service = ctx.check(row, "service", required(row.get("service"), "the service"));
    let initial = ctx.check(
        row,
        "initial_detection",
        parse_day(row.get("initial_detection")),
    );
    let latest = ctx.check(
        row,
        "latest_detection",
        parse_day(row.get("latest_detection")),
    );
    let age = ctx.check(row, "age_days", opt(row.get("age_days"), days));
    if ctx.errors.len() > before {
        return None;
    }
    Some(CyhyRiskyService {
        line: row.line,
        owner: owner?,
        ip: ip?,
        port: port?,
        protocol: protocol?,
        service: service?.to_ascii_lowercase(),
        initial_detection: initial?,
        latest_detection: latest?,
        age_days: age?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FINDINGS: &str = include_str!("../tests/fixtures/cyhy/findings.csv");
    const MITIGATED: &str = include_str!("../tests/fixtures/cyhy/mitigated-vulnerabilities.csv");
    const RISKY: &str = include_str!("../tests/fixtures/cyhy/potentially-risky-services.csv");

    #[test]
    fn reads_the_three_files() {
        let CyhyFile::Findings(rows) = parse_cyhy("findings.csv", FINDINGS.as_bytes()).unwrap()
        else {
            panic!("kind")
        };
        assert_eq!(rows.len(), 4);
        let log4j = &rows[0];
        assert_eq!(log4j.ip, "192.0.2.10");
        assert_eq!(log4j.port, 443);
        assert_eq!(log4j.severity, Severity::Critical);
        assert!(log4j.known_exploited && log4j.ransomware_exploited);
        assert_eq!(log4j.cve.as_deref(), Some("CVE-2021-44228"));
        assert_eq!(log4j.line, 2);
        assert_eq!(rows[3].severity, Severity::Low);
        assert_eq!(rows[3].cve, None);
        let m = parse_cyhy("mitigated-vulnerabilities.csv", MITIGATED.as_bytes()).unwrap();
        let CyhyFile::Mitigated(m) = m else {
            panic!("kind")
        };
        assert_eq!(m[0].mitigated_on, Some(time::macros::date!(2026 - 02 - 20)));
        let r = parse_cyhy("potentially-risky-services.csv", RISKY.as_bytes()).unwrap();
        let CyhyFile::RiskyServices(r) = r else {
            panic!("kind")
        };
        assert_eq!(r[0].service, "rdp");
    }

    #[test]
    fn kind_is_told_by_name_or_header() {
        assert_eq!(
            detect_kind("scan.csv", FINDINGS.as_bytes()),
            Some(CyhyKind::Findings)
        );
        assert_eq!(
            detect_kind("a.csv", MITIGATED.as_bytes()),
            Some(CyhyKind::Mitigated)
        );
        assert_eq!(
            detect_kind("b.csv", RISKY.as_bytes()),
            Some(CyhyKind::RiskyServices)
        );
        assert_eq!(detect_kind("c.csv", b"name,kind\n"), None);
        assert!(parse_cyhy("c.csv", b"name,kind\n").is_err());
    }

    #[test]
    fn missing_column_names_file_line_and_column() {
        let text = FINDINGS.replacen("plugin_id", "plugin", 1);
        let e = parse_cyhy("findings.csv", text.as_bytes()).unwrap_err();
        assert_eq!(e.0[0].line, 1);
        assert_eq!(e.0[0].column.as_deref(), Some("plugin_id"));
        assert!(
            e.to_string()
                .starts_with("findings.csv: line 1, column plugin_id: missing"),
            "{e}"
        );
    }

    #[test]
    fn bad_values_refuse_the_whole_file() {
        let text = FINDINGS
            .replacen("192.0.2.10", "192.0.2.300", 1)
            .replacen(",4,", ",9,", 1);
        let e = parse_cyhy("findings.csv", text.as_bytes()).unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("findings.csv: line 2, column ip: '192.0.2.300' is not an IP address"),
            "{s}"
        );
        assert!(s.contains("line 2, column severity"), "{s}");
        let text = FINDINGS.replacen("CVE-2021-44228", "CVE-21-1", 1);
        let e = parse_cyhy("findings.csv", text.as_bytes()).unwrap_err();
        assert_eq!(e.0[0].column.as_deref(), Some("cve"));
    }

    #[test]
    fn extra_columns_and_bom_are_accepted() {
        let mut lines = FINDINGS.lines();
        let mut text = format!("\u{feff}{},extra\n", lines.next().unwrap());
        for l in lines {
            text.push_str(&format!("{l},x\n"));
        }
        assert_eq!(
            parse_cyhy("findings.csv", text.as_bytes()).unwrap().len(),
            4
        );
    }

    #[test]
    fn severity_mapping() {
        assert_eq!(map_severity("4"), Ok(Severity::Critical));
        assert_eq!(map_severity("3.0"), Ok(Severity::High));
        assert_eq!(map_severity("Medium"), Ok(Severity::Medium));
        assert_eq!(map_severity("0"), Ok(Severity::Informational));
        assert!(map_severity("5").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_cyhy("findings.csv", &bytes);
            let _ = parse_cyhy("x.csv", &bytes);
        }

        #[test]
        fn any_valid_row_reads_back(a in 0u8..=255, port in 0u16.., sev in 0u8..=4, cve in 1000u32..9_999_999) {
            let text = format!(
                "{}\nOWN,198.51.100.{a},{port},tcp,false,true,{sev},2026-01-02,2026-01-09,7,9.8,3.1,8.1,CVE-2023-{cve},Name,Desc,Fix,nessus,12345\n",
                FINDINGS_COLUMNS.join(",")
            );
            let f = parse_cyhy("findings.csv", text.as_bytes()).unwrap();
            let CyhyFile::Findings(rows) = f else { panic!("kind") };
            prop_assert_eq!(rows[0].port, i32::from(port));
            prop_assert_eq!(rows[0].severity, map_severity(&sev.to_string()).unwrap());
            prop_assert_eq!(rows[0].cve.clone(), Some(format!("CVE-2023-{cve}")));
        }
    }
}
