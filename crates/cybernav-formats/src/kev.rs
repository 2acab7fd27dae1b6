//! The CISA Known Exploited Vulnerabilities (KEV) catalog, as CISA publishes it in JSON
//! (`known_exploited_vulnerabilities.json`, CC0).
//!
//! Top level: `title`, `catalogVersion`, `dateReleased`, `count`, `vulnerabilities`. Each
//! vulnerability: `cveID`, `vendorProject`, `product`, `vulnerabilityName`, `dateAdded`,
//! `shortDescription`, `requiredAction`, `dueDate`, `knownRansomwareCampaignUse` (`Known` or
//! `Unknown`), `notes`, `cwes`. A catalog is refused whole when anything is wrong; each error
//! names the vulnerability's index and CVE id and the field.

use std::collections::HashSet;
use std::fmt;

use cybernav_core::finding::parse_cve;
use serde_json::Value;
use time::Date;

/// The most vulnerabilities a catalog may list (the real one lists about 1,400).
pub const MAX_ENTRIES: usize = 100_000;

/// A KEV catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevCatalog {
    /// Title.
    pub title: String,
    /// CISA's version (`2026.02.16`).
    pub catalog_version: String,
    /// When CISA released it (the day).
    pub date_released: Date,
    /// The vulnerabilities.
    pub vulnerabilities: Vec<KevEntry>,
}

/// One known exploited vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    /// `CVE-2021-44228`.
    pub cve_id: String,
    /// Vendor or project.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// Name.
    pub vulnerability_name: String,
    /// When CISA added it.
    pub date_added: Date,
    /// Description.
    pub short_description: String,
    /// What CISA requires agencies to do.
    pub required_action: String,
    /// By when (federal agencies; our KEV due date).
    pub due_date: Date,
    /// Known to be used in ransomware campaigns.
    pub known_ransomware: bool,
    /// Notes (links).
    pub notes: String,
    /// CWE ids.
    pub cwes: Vec<String>,
}

/// One problem in a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevError {
    /// Where: `catalog` or `vulnerabilities[3] (CVE-2021-44228)`.
    pub location: String,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for KevError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, field {}: {}",
            self.location, self.field, self.message
        )
    }
}

/// Every problem in a catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KevErrors(pub Vec<KevError>);

impl fmt::Display for KevErrors {
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

impl std::error::Error for KevErrors {}

const MAX_ERRORS: usize = 100;

struct Errs(Vec<KevError>);

impl Errs {
    fn add(&mut self, location: &str, field: &str, message: impl Into<String>) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(KevError {
                location: location.to_string(),
                field: field.to_string(),
                message: message.into(),
            });
        }
    }
}

fn day(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let d = t.get(..10).unwrap_or(t);
    Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("'{t}' is not a date YYYY-MM-DD"))
}

fn text(
    errs: &mut Errs,
    loc: &str,
    obj: &serde_json::Map<String, Value>,
    field: &str,
    required: bool,
) -> String {
    match obj.get(field) {
        Some(Value::String(s)) => {
            if required && s.trim().is_empty() {
                errs.add(loc, field, "is empty");
            }
            s.trim().to_string()
        }
        None | Some(Value::Null) if !required => String::new(),
        None => {
            errs.add(loc, field, "is missing");
            String::new()
        }
        Some(_) => {
            errs.add(loc, field, "must be text");
            String::new()
        }
    }
}

fn date_field(
    errs: &mut Errs,
    loc: &str,
    obj: &serde_json::Map<String, Value>,
    field: &str,
) -> Option<Date> {
    let s = text(errs, loc, obj, field, true);
    if s.is_empty() {
        return None;
    }
    match day(&s) {
        Ok(d) => Some(d),
        Err(m) => {
            errs.add(loc, field, m);
            None
        }
    }
}

/// Reads a KEV catalog.
pub fn parse_kev(bytes: &[u8]) -> Result<KevCatalog, KevErrors> {
    let mut errs = Errs(Vec::new());
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            errs.add(
                &format!("catalog (line {}, column {})", e.line(), e.column()),
                "(json)",
                format!("not valid JSON: {e}"),
            );
            return Err(KevErrors(errs.0));
        }
    };
    let Some(top) = root.as_object() else {
        errs.add("catalog", "(top level)", "must be a JSON object with title, catalogVersion, dateReleased, count and vulnerabilities");
        return Err(KevErrors(errs.0));
    };
    let title = text(&mut errs, "catalog", top, "title", true);
    let catalog_version = text(&mut errs, "catalog", top, "catalogVersion", true);
    let date_released = date_field(&mut errs, "catalog", top, "dateReleased");
    let count = match top.get("count") {
        Some(Value::Number(n)) => n.as_u64(),
        None => {
            errs.add("catalog", "count", "is missing");
            None
        }
        Some(_) => {
            errs.add("catalog", "count", "must be a whole number");
            None
        }
    };
    let list = match top.get("vulnerabilities") {
        Some(Value::Array(a)) => a.as_slice(),
        None => {
            errs.add("catalog", "vulnerabilities", "is missing");
            &[]
        }
        Some(_) => {
            errs.add("catalog", "vulnerabilities", "must be a list");
            &[]
        }
    };
    if list.len() > MAX_ENTRIES {
        errs.add(
            "catalog",
            "vulnerabilities",
            format!("lists more than {MAX_ENTRIES} entries"),
        );
        return Err(KevErrors(errs.0));
    }
    if let Some(c) = count
        && c != list.len() as u64
    {
        errs.add(
            "catalog",
            "count",
            format!("says {c} but the catalog lists {}", list.len()),
        );
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let Some(obj) = v.as_object() else {
            errs.add(
                &format!("vulnerabilities[{i}]"),
                "(entry)",
                "must be an object",
            );
            continue;
        };
        let raw_id = obj.get("cveID").and_then(Value::as_str).unwrap_or_default();
        let loc = if raw_id.is_empty() {
            format!("vulnerabilities[{i}]")
        } else {
            format!("vulnerabilities[{i}] ({})", raw_id.trim())
        };
        let before = errs.0.len();
        let id_text = text(&mut errs, &loc, obj, "cveID", true);
        let cve_id = if id_text.is_empty() {
            None
        } else {
            match parse_cve(&id_text) {
                Ok(c) => Some(c),
                Err(m) => {
                    errs.add(&loc, "cveID", m);
                    None
                }
            }
        };
        if let Some(c) = &cve_id
            && !seen.insert(c.clone())
        {
            errs.add(&loc, "cveID", format!("{c} is listed more than once"));
        }
        let vendor_project = text(&mut errs, &loc, obj, "vendorProject", true);
        let product = text(&mut errs, &loc, obj, "product", true);
        let vulnerability_name = text(&mut errs, &loc, obj, "vulnerabilityName", true);
        let date_added = date_field(&mut errs, &loc, obj, "dateAdded");
        let short_description = text(&mut errs, &loc, obj, "shortDescription", true);
        let required_action = text(&mut errs, &loc, obj, "requiredAction", true);
        let due_date = date_field(&mut errs, &loc, obj, "dueDate");
        let ransomware = text(&mut errs, &loc, obj, "knownRansomwareCampaignUse", true);
        let known_ransomware = match ransomware.to_ascii_lowercase().as_str() {
            "known" => true,
            "unknown" | "" => false,
            _ => {
                errs.add(
                    &loc,
                    "knownRansomwareCampaignUse",
                    format!("'{ransomware}' is not Known or Unknown"),
                );
                false
            }
        };
        let notes = text(&mut errs, &loc, obj, "notes", false);
        let cwes = match obj.get("cwes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => {
                let mut cw = Vec::new();
                for c in a {
                    match c.as_str() {
                        Some(s) => cw.push(s.trim().to_string()),
                        None => errs.add(&loc, "cwes", "must be a list of text"),
                    }
                }
                cw
            }
            Some(_) => {
                errs.add(&loc, "cwes", "must be a list of text");
                Vec::new()
            }
        };
        if let (Some(a), Some(d)) = (date_added, due_date)
            && d < a
        {
            errs.add(&loc, "dueDate", "is before dateAdded");
        }
        if errs.0.len() == before
            && let (Some(cve_id), Some(date_added), Some(due_date)) = (cve_id, date_added, due_date)
        {
            out.push(KevEntry {
                cve_id,
                vendor_project,
                product,
                vulnerability_name,
                date_added,
                short_description,
                required_action,
                due_date,
                known_ransomware,
                notes,
                cwes,
            });
        }
        if errs.0.len() >= MAX_ERRORS {
            break;
        }
    }
    match (errs.0.is_empty(), date_released) {
        (true, Some(date_released)) => Ok(KevCatalog {
            title,
            catalog_version,
            date_released,
            vulnerabilities: out,
        }),
        _ => Err(KevErrors(errs.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEV: &str = include_str!("../tests/fixtures/kev/known_exploited_vulnerabilities.json");

    #[test]
    fn reads_the_catalog() {
        let c = parse_kev(KEV.as_bytes()).unwrap();
        assert_eq!(c.catalog_version, "2026.02.16");
        assert_eq!(c.vulnerabilities.len(), 3);
        let log4j = &c.vulnerabilities[0];
        assert_eq!(log4j.cve_id, "CVE-2021-44228");
        assert!(log4j.known_ransomware);
        assert_eq!(log4j.due_date, time::macros::date!(2021 - 12 - 24));
        assert_eq!(log4j.cwes, vec!["CWE-20", "CWE-400", "CWE-502"]);
        assert!(!c.vulnerabilities[1].known_ransomware);
    }

    #[test]
    fn errors_name_the_entry_and_field() {
        let bad = KEV.replacen("\"2021-12-24\"", "\"24/12/2021\"", 1);
        let e = parse_kev(bad.as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "vulnerabilities[0] (CVE-2021-44228), field dueDate: '24/12/2021' is not a date YYYY-MM-DD"
        );
        let bad = KEV.replacen("\"count\": 3", "\"count\": 4", 1);
        assert!(
            parse_kev(bad.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("field count")
        );
        let bad = KEV.replacen("CVE-2019-0708", "CVE-2021-44228", 2);
        assert!(
            parse_kev(bad.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("more than once")
        );
        let bad = KEV.replacen("\"Known\"", "\"Maybe\"", 1);
        assert!(
            parse_kev(bad.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("knownRansomwareCampaignUse")
        );
        assert!(parse_kev(b"[1]").is_err());
        assert!(parse_kev(b"{").unwrap_err().to_string().contains("line 1"));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_kev(&bytes);
        }

        #[test]
        fn entries_round_trip(n in 1000u32..99_999, ransom in any::<bool>()) {
            let json = serde_json::json!({
                "title": "t", "catalogVersion": "1", "dateReleased": "2026-01-01T00:00:00.000Z", "count": 1,
                "vulnerabilities": [{
                    "cveID": format!("CVE-2024-{n}"), "vendorProject": "v", "product": "p",
                    "vulnerabilityName": "n", "dateAdded": "2026-01-01", "shortDescription": "d",
                    "requiredAction": "a", "dueDate": "2026-01-22",
                    "knownRansomwareCampaignUse": if ransom { "Known" } else { "Unknown" },
                    "notes": "", "cwes": []
                }]
            });
            let c = parse_kev(json.to_string().as_bytes()).unwrap();
            prop_assert_eq!(&c.vulnerabilities[0].cve_id, &format!("CVE-2024-{n}"));
            prop_assert_eq!(c.vulnerabilities[0].known_ransomware, ransom);
        }
    }
}
