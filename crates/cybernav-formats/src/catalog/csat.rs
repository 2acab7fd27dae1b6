//! CIS CSAT safeguard export (CSV) → [`Catalog`].
//!
//! One row per safeguard. Header names are compared after trimming, lower-casing and turning
//! spaces, dashes and dots into `_`; a UTF-8 byte-order mark is ignored. Columns (aliases in
//! brackets):
//!
//! | column | required | |
//! |---|---|---|
//! | `control` (`cis_control`, `control_id`, `control_number`) | yes | the CIS Control, our group id |
//! | `control_title` (`control_name`) | no | the group's title (`CIS Control N` when absent) |
//! | `safeguard` (`cis_safeguard`, `safeguard_id`, `safeguard_number`) | yes | item id, must start with `control.` |
//! | `title` (`safeguard_title`, `safeguard_name`, `name`) | yes | item title |
//! | `description` (`safeguard_description`) | no | |
//! | `asset_type` | no | |
//! | `security_function` (`function`) | no | Govern … Recover, any case |
//! | `implementation_group` (`implementation_groups`, `ig`) | no | `1`, `IG1`, `1,2,3` (lowest counts) |
//! | `ig1`, `ig2`, `ig3` | no | flags (`x`, `yes`, `true`, `1`, `✓`; blank = no), instead of the above |
//! | `catalog_id`, `catalog_version`, `catalog_title`, `publisher`, `licence` (`license`) | no | the same in every row |
//!
//! Defaults when those last columns are absent: id `cis-controls`, title `CIS Critical
//! Security Controls`, publisher `Center for Internet Security`, the CIS licence note, and the
//! version taken from the file name (`csat-export-v8.1.csv` → `8.1`).

use std::collections::BTreeMap;

use cybernav_core::catalog::{Catalog, Group, Item};

use super::ids::{asset_type, implementation_group, is_blank, security_function_named};
use super::oscal::CIS_LICENCE;
use super::{FileProblem, check_problems};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Col {
    Control,
    ControlTitle,
    Safeguard,
    Title,
    Description,
    AssetType,
    SecurityFunction,
    Ig,
    Ig1,
    Ig2,
    Ig3,
    CatalogId,
    CatalogVersion,
    CatalogTitle,
    Publisher,
    Licence,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "control" | "cis_control" | "control_id" | "control_number" => Col::Control,
        "control_title" | "control_name" => Col::ControlTitle,
        "safeguard" | "cis_safeguard" | "safeguard_id" | "safeguard_number" => Col::Safeguard,
        "title" | "safeguard_title" | "safeguard_name" | "name" => Col::Title,
        "description" | "safeguard_description" => Col::Description,
        "asset_type" => Col::AssetType,
        "security_function" | "function" => Col::SecurityFunction,
        "implementation_group" | "implementation_groups" | "ig" => Col::Ig,
        "ig1" => Col::Ig1,
        "ig2" => Col::Ig2,
        "ig3" => Col::Ig3,
        "catalog_id" => Col::CatalogId,
        "catalog_version" => Col::CatalogVersion,
        "catalog_title" => Col::CatalogTitle,
        "publisher" => Col::Publisher,
        "licence" | "license" => Col::Licence,
        _ => return None,
    })
}

fn col_name(c: Col) -> &'static str {
    match c {
        Col::Control => "control",
        Col::ControlTitle => "control_title",
        Col::Safeguard => "safeguard",
        Col::Title => "title",
        Col::Description => "description",
        Col::AssetType => "asset_type",
        Col::SecurityFunction => "security_function",
        Col::Ig => "implementation_group",
        Col::Ig1 => "ig1",
        Col::Ig2 => "ig2",
        Col::Ig3 => "ig3",
        Col::CatalogId => "catalog_id",
        Col::CatalogVersion => "catalog_version",
        Col::CatalogTitle => "catalog_title",
        Col::Publisher => "publisher",
        Col::Licence => "licence",
    }
}

fn normalise_header(h: &str) -> String {
    let h = h.trim_start_matches('\u{feff}').trim().to_lowercase();
    let mut out = String::new();
    for c in h.chars() {
        let c = if c == ' ' || c == '-' || c == '.' || c == '/' {
            '_'
        } else {
            c
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_string()
}

fn flag(value: &str) -> Result<bool, ()> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "-" => Ok(false),
        "x" | "yes" | "y" | "true" | "1" | "✓" | "✔" => Ok(true),
        _ => Err(()),
    }
}

/// The version in a file name: `v8.1`, `V8`, `_8.1_` after a `v`.
fn version_from_name(file_name: &str) -> Option<String> {
    let lower = file_name.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'v' && (i == 0 || !bytes[i - 1].is_ascii_alphabetic()) {
            let rest = &lower[i + 1..];
            let v: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let v = v.trim_end_matches('.');
            if !v.is_empty() && v.as_bytes()[0].is_ascii_digit() {
                return Some(v.to_string());
            }
        }
    }
    None
}

pub(crate) fn read(file_name: &str, text: &str) -> Result<Catalog, Vec<FileProblem>> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![FileProblem::on_line(
                1,
                "header",
                format!("the header row cannot be read: {e}"),
            )]);
        }
    };
    let mut cols: BTreeMap<Col, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let n = normalise_header(h);
        if let Some(c) = column(&n)
            && cols.insert(c, i).is_some()
        {
            problems.push(FileProblem::on_line(
                1,
                format!("column {}", i + 1),
                format!("column '{}' appears twice", col_name(c)),
            ));
        }
    }
    for required in [Col::Control, Col::Safeguard, Col::Title] {
        if !cols.contains_key(&required) {
            problems.push(FileProblem::on_line(
                1,
                format!("column {}", col_name(required)),
                format!(
                    "the header has no '{}' column (found: {})",
                    col_name(required),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    if cols.contains_key(&Col::Ig)
        && [Col::Ig1, Col::Ig2, Col::Ig3]
            .iter()
            .any(|c| cols.contains_key(c))
    {
        problems.push(FileProblem::on_line(
            1,
            "column implementation_group",
            "give implementation_group or the ig1/ig2/ig3 flags, not both",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut group_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut item_lines: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut group_lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut meta: BTreeMap<Col, (String, usize)> = BTreeMap::new();

    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(FileProblem::on_line(
                    line.max(1),
                    "row",
                    format!("the row cannot be read: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Col| cols.get(&c).and_then(|i| record.get(*i)).map(str::trim);
        let mut cell_problem = |c: Col, message: String| {
            problems.push(FileProblem::on_line(
                line,
                format!("column {}", col_name(c)),
                message,
            ));
        };
        let control = get(Col::Control).unwrap_or("");
        let safeguard = get(Col::Safeguard).unwrap_or("");
        let title = get(Col::Title).unwrap_or("");
        if control.is_empty() {
            cell_problem(Col::Control, "is empty".into());
        }
        if safeguard.is_empty() {
            cell_problem(Col::Safeguard, "is empty".into());
        } else if !control.is_empty() && !safeguard.starts_with(&format!("{control}.")) {
            cell_problem(
                Col::Safeguard,
                format!(
                    "safeguard '{safeguard}' does not belong to control '{control}' (it should start with '{control}.'; a spreadsheet may have turned 1.10 into 1.1)"
                ),
            );
        }
        if title.is_empty() {
            cell_problem(Col::Title, "is empty".into());
        }
        let mut ig = None;
        if let Some(v) = get(Col::Ig)
            && !is_blank(v)
        {
            match implementation_group(v) {
                Ok(n) => ig = Some(n),
                Err(why) => cell_problem(Col::Ig, why),
            }
        }
        for (c, n) in [(Col::Ig1, 1u8), (Col::Ig2, 2), (Col::Ig3, 3)] {
            if let Some(v) = get(c) {
                match flag(v) {
                    Ok(true) => ig = Some(ig.map_or(n, |old: u8| old.min(n))),
                    Ok(false) => {}
                    Err(()) => cell_problem(
                        c,
                        format!("'{v}' is not a yes/no flag (x, yes, true, 1 or blank)"),
                    ),
                }
            }
        }
        let mut function = None;
        if let Some(v) = get(Col::SecurityFunction)
            && !is_blank(v)
        {
            match security_function_named(v) {
                Some(f) => function = Some(f.to_string()),
                None => cell_problem(
                    Col::SecurityFunction,
                    format!(
                        "'{v}' is not one of Govern, Identify, Protect, Detect, Respond, Recover"
                    ),
                ),
            }
        }
        for c in [
            Col::CatalogId,
            Col::CatalogVersion,
            Col::CatalogTitle,
            Col::Publisher,
            Col::Licence,
        ] {
            if let Some(v) = get(c).filter(|v| !v.is_empty()) {
                match meta.get(&c) {
                    None => {
                        meta.insert(c, (v.to_string(), line));
                    }
                    Some((first, first_line)) if first != v => cell_problem(
                        c,
                        format!(
                            "'{v}' differs from '{first}' on line {first_line}: one catalog per file"
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
        if control.is_empty() || safeguard.is_empty() {
            continue;
        }
        let gi = match group_index.get(control) {
            Some(gi) => *gi,
            None => {
                let title = get(Col::ControlTitle)
                    .filter(|t| !t.is_empty())
                    .map_or_else(|| format!("CIS Control {control}"), str::to_string);
                groups.push(Group {
                    id: control.to_string(),
                    title,
                    items: Vec::new(),
                });
                group_index.insert(control.to_string(), groups.len() - 1);
                group_lines.insert(control.to_string(), line);
                groups.len() - 1
            }
        };
        item_lines
            .entry(safeguard.to_string())
            .or_default()
            .push(line);
        groups[gi].items.push(Item {
            id: safeguard.to_string(),
            title: title.to_string(),
            description: get(Col::Description).unwrap_or("").to_string(),
            implementation_group: ig,
            asset_type: get(Col::AssetType).and_then(asset_type),
            security_function: function,
        });
    }

    let m = |c: Col| meta.get(&c).map(|(v, _)| v.clone());
    let version = m(Col::CatalogVersion).or_else(|| version_from_name(file_name));
    if version.is_none() {
        problems.push(FileProblem::at(
            "column catalog_version",
            "the catalog's version is not known: add a catalog_version column or put it in the file name (csat-export-v8.1.csv)",
        ));
    }
    let catalog = Catalog {
        id: m(Col::CatalogId).unwrap_or_else(|| "cis-controls".into()),
        version: version.unwrap_or_default(),
        title: m(Col::CatalogTitle).unwrap_or_else(|| "CIS Critical Security Controls".into()),
        publisher: m(Col::Publisher).unwrap_or_else(|| "Center for Internet Security".into()),
        licence: m(Col::Licence).unwrap_or_else(|| CIS_LICENCE.into()),
        groups,
    };
    if problems.is_empty() {
        problems.extend(check_problems(&catalog, |at| {
            if let Some(id) = at.strip_prefix("item ") {
                let lines = item_lines.get(id)?;
                let list: Vec<String> = lines.iter().map(ToString::to_string).collect();
                Some((
                    lines.last().copied(),
                    format!("line {}", list.join(" and ")),
                ))
            } else if let Some(id) = at.strip_prefix("group ") {
                group_lines.get(id).map(|l| (Some(*l), format!("line {l}")))
            } else {
                None
            }
        }));
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_forgiving() {
        assert_eq!(normalise_header("\u{feff} CIS Safeguard "), "cis_safeguard");
        assert_eq!(normalise_header("Asset-Type"), "asset_type");
        assert_eq!(normalise_header("Security  Function"), "security_function");
    }

    #[test]
    fn versions_come_from_file_names() {
        assert_eq!(
            version_from_name("csat-export-v8.1.csv").as_deref(),
            Some("8.1")
        );
        assert_eq!(version_from_name("CIS_V8.csv").as_deref(), Some("8"));
        assert_eq!(version_from_name("export.csv"), None);
    }
}
