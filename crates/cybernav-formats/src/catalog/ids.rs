//! How ids and property values in catalog files become our stable ids and values.

use cybernav_core::catalog::SECURITY_FUNCTIONS;

/// Our stable id for a control or group id as a catalog file writes it:
///
/// - CIS prefixes are dropped when what follows is a number: `cisc-4.7`, `cis-4.7`,
///   `CIS-4.7` → `4.7`; `cisc-4` → `4`.
/// - CPG ids lose their `cpg-` prefix and are upper-cased: `cpg-1.a` → `1.A` (OSCAL ids must
///   start with a letter, so the shipped CPG catalog writes goals this way).
/// - CSF-shaped ids are upper-cased: `gv.oc-01` → `GV.OC-01`, `pr.aa` → `PR.AA`.
/// - Anything else is kept as written, trimmed (`1.A`, `ea-7`).
pub fn catalog_item_id(raw: &str) -> String {
    let raw = raw.trim();
    let lower = raw.to_ascii_lowercase();
    for prefix in ["cisc-", "cis-", "csc-"] {
        if let Some(rest) = lower.strip_prefix(prefix)
            && is_dotted_number(rest)
        {
            return rest.to_string();
        }
    }
    if let Some(rest) = lower.strip_prefix("cpg-")
        && rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
    {
        return rest.to_ascii_uppercase();
    }
    if is_csf_shaped(&lower) {
        return raw.to_ascii_uppercase();
    }
    raw.to_string()
}

/// `4`, `4.7`, `10.12`.
fn is_dotted_number(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// `gv.oc`, `gv.oc-01` (two letters, a dot, two letters, optionally a dash and digits).
fn is_csf_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..2].iter().all(u8::is_ascii_alphabetic) || b[2] != b'.' {
        return false;
    }
    if !b[3..5].iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    match &b[5..] {
        [] => true,
        [b'-', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The security function a value names, in our spelling (`Govern` … `Recover`): the name in
/// any case, or the CSF function's two-letter id (`gv`, `ID`, `pr`, `de`, `rs`, `rc`).
pub fn security_function_named(value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase();
    let by_code = match v.as_str() {
        "gv" => Some("Govern"),
        "id" => Some("Identify"),
        "pr" => Some("Protect"),
        "de" => Some("Detect"),
        "rs" => Some("Respond"),
        "rc" => Some("Recover"),
        _ => None,
    };
    by_code.or_else(|| {
        SECURITY_FUNCTIONS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(&v))
            .copied()
    })
}

/// Words that mean "no value" in a property or cell.
pub(crate) fn is_blank(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "n/a" | "na" | "-" | "none"
    )
}

/// An Implementation Group value: `1`, `IG1`, `ig 1`, `Implementation Group 1`, or a list of
/// them (`1,2,3`, `IG2 IG3`), of which the lowest counts. `Err` says what was wrong.
pub(crate) fn implementation_group(value: &str) -> Result<u8, String> {
    let mut lowest: Option<u8> = None;
    let cleaned = value
        .to_ascii_lowercase()
        .replace("implementation group", "ig")
        .replace("ig ", "ig");
    for part in cleaned.split([',', ';', ' ', '/', '|']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let digits = part.strip_prefix("ig").unwrap_or(part).trim();
        match digits {
            "1" | "2" | "3" => {
                let ig = digits.as_bytes()[0] - b'0';
                lowest = Some(lowest.map_or(ig, |l| l.min(ig)));
            }
            _ => {
                return Err(format!(
                    "implementation group '{}' is not 1, 2 or 3 (IG1, IG2, IG3)",
                    value.trim()
                ));
            }
        }
    }
    lowest.ok_or_else(|| "implementation group is empty".to_string())
}

/// An asset type in our spelling: each word capitalised (`devices` → `Devices`, `network` →
/// `Network`), `None` for blank or `N/A`.
pub(crate) fn asset_type(value: &str) -> Option<String> {
    if is_blank(value) {
        return None;
    }
    Some(
        value
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f
                        .to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect(),
                    None => String::new(),
                }
            })
            .collect::<Vec<String>>()
            .join(" "),
    )
}

/// A slug for a catalog id from a title: lower-case letters and digits, runs of anything else
/// one dash.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_as_documented() {
        assert_eq!(catalog_item_id("cisc-4.7"), "4.7");
        assert_eq!(catalog_item_id("CIS-12"), "12");
        assert_eq!(catalog_item_id("gv.oc-01"), "GV.OC-01");
        assert_eq!(catalog_item_id("pr.aa"), "PR.AA");
        assert_eq!(catalog_item_id(" 1.A "), "1.A");
        assert_eq!(catalog_item_id("cpg-2.x"), "2.X");
        assert_eq!(catalog_item_id("cisc-x"), "cisc-x");
        assert_eq!(catalog_item_id("ac-2"), "ac-2");
    }

    #[test]
    fn implementation_groups_take_the_lowest_named() {
        assert_eq!(implementation_group("IG2"), Ok(2));
        assert_eq!(implementation_group("1, 2, 3"), Ok(1));
        assert_eq!(implementation_group("Implementation Group 3"), Ok(3));
        assert!(implementation_group("IG4").is_err());
        assert!(implementation_group("").is_err());
    }

    #[test]
    fn functions_and_assets_are_spelled_our_way() {
        assert_eq!(security_function_named("identify"), Some("Identify"));
        assert_eq!(security_function_named("GV"), Some("Govern"));
        assert_eq!(security_function_named("Protection"), None);
        assert_eq!(asset_type("devices"), Some("Devices".to_string()));
        assert_eq!(asset_type("N/A"), None);
        assert_eq!(slug("CIS Controls v8.1"), "cis-controls-v8-1");
    }
}
