//! Mapping files: which items of one catalog version relate to which items of another (two
//! catalogs, or two versions of one catalog).
//!
//! ```toml
//! format = 2
//! from_catalog = "cisa-cpg"
//! from_version = "2.0"
//! to_catalog = "nist-csf"
//! to_version = "2.0"
//!
//! [[link]]
//! from = "1.A"
//! to = ["ID.AM-01", "ID.AM-02"]   # one id or a list
//! relationship = "related"        # equivalent, subset_of, superset_of, intersects, related (default)
//! ```

use std::collections::BTreeSet;
use std::ops::Range;

use cybernav_core::catalog::{ItemRef, Mapping, Relationship};
use serde::Deserialize;
use toml::Spanned;

use super::FileProblem;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: Spanned<u32>,
    from_catalog: Spanned<String>,
    #[serde(default)]
    from_version: Option<Spanned<String>>,
    to_catalog: Spanned<String>,
    #[serde(default)]
    to_version: Option<Spanned<String>>,
    #[serde(default)]
    link: Vec<Spanned<RawLink>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    from: Spanned<String>,
    to: Spanned<OneOrMany>,
    #[serde(default)]
    relationship: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

fn line_of(text: &str, span: Range<usize>) -> usize {
    let end = span.start.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn relationship(word: &str) -> Option<Relationship> {
    Some(
        match word.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "equivalent" => Relationship::Equivalent,
            "subset_of" => Relationship::SubsetOf,
            "superset_of" => Relationship::SupersetOf,
            "intersects" => Relationship::Intersects,
            "related" => Relationship::Related,
            _ => return None,
        },
    )
}

pub(crate) fn read(text: &str) -> Result<Vec<Mapping>, Vec<FileProblem>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        vec![FileProblem {
            line: e.span().map(|s| line_of(text, s)),
            at: "file".into(),
            message: format!("not a mapping file: {}", e.message()),
        }]
    })?;
    let mut problems = Vec::new();
    let mut err = |span: Range<usize>, at: &str, message: String| {
        problems.push(FileProblem::on_line(line_of(text, span), at, message));
    };
    match *raw.format.get_ref() {
        2 => {}
        1 => err(
            raw.format.span(),
            "format",
            "format 1 named no catalog versions, and an item id can mean different things in two \
             versions (1.A in CPG 1.0.1 and 2.0): add from_version and to_version and write format = 2"
                .into(),
        ),
        other => err(
            raw.format.span(),
            "format",
            format!("format {other} is not known; this version reads format 2"),
        ),
    }
    for (field, value) in [
        ("from_catalog", &raw.from_catalog),
        ("to_catalog", &raw.to_catalog),
    ] {
        if value.get_ref().trim().is_empty() {
            err(value.span(), field, "is empty".into());
        }
    }
    let mut version = |field: &str, value: &Option<Spanned<String>>| -> String {
        match value {
            None => {
                err(
                    raw.format.span(),
                    field,
                    format!(
                        "is missing: name the catalog version the ids belong to ({field} = \"2.0\")"
                    ),
                );
                String::new()
            }
            Some(v) if v.get_ref().trim().is_empty() => {
                err(v.span(), field, "is empty".into());
                String::new()
            }
            Some(v) => v.get_ref().trim().to_string(),
        }
    };
    let from_version = version("from_version", &raw.from_version);
    let to_version = version("to_version", &raw.to_version);
    let from_catalog = raw.from_catalog.get_ref().trim().to_string();
    let to_catalog = raw.to_catalog.get_ref().trim().to_string();
    if from_catalog == to_catalog && !from_version.is_empty() && from_version == to_version {
        err(
            raw.to_version
                .as_ref()
                .map_or(raw.to_catalog.span(), Spanned::span),
            "to_version",
            format!(
                "{from_catalog} {from_version} is mapped to itself: a mapping links two catalogs or two versions of one"
            ),
        );
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (li, link) in raw.link.iter().enumerate() {
        let l = link.get_ref();
        let at = format!("link[{li}]");
        let from = l.from.get_ref().trim();
        if from.is_empty() {
            err(l.from.span(), &format!("{at}.from"), "is empty".into());
        }
        let rel = match &l.relationship {
            None => Some(Relationship::Related),
            Some(r) => {
                let found = relationship(r.get_ref());
                if found.is_none() {
                    err(
                        r.span(),
                        &format!("{at}.relationship"),
                        format!(
                            "'{}' is not one of equivalent, subset_of, superset_of, intersects, related",
                            r.get_ref()
                        ),
                    );
                }
                found
            }
        };
        let tos: Vec<&str> = match l.to.get_ref() {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        };
        if tos.is_empty() {
            err(l.to.span(), &format!("{at}.to"), "names no item".into());
        }
        for to in tos {
            let to = to.trim();
            if to.is_empty() {
                err(l.to.span(), &format!("{at}.to"), "holds an empty id".into());
                continue;
            }
            if !seen.insert((from.to_string(), to.to_string())) {
                err(link.span(), &at, format!("{from} → {to} is mapped twice"));
                continue;
            }
            if let (Some(rel), false) = (rel, from.is_empty()) {
                out.push(Mapping {
                    from: ItemRef {
                        catalog: from_catalog.clone(),
                        version: from_version.clone(),
                        item: from.to_string(),
                    },
                    to: ItemRef {
                        catalog: to_catalog.clone(),
                        version: to_version.clone(),
                        item: to.to_string(),
                    },
                    relationship: rel,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
