//! Catalog files: OSCAL catalog JSON (the layout CIS and NIST publish; the shipped CPG and
//! CSF 2.0 use it too) and CIS CSAT CSV exports, plus mapping files between catalogs.
//!
//! - [`read_catalog`] tells the two kinds apart by content (JSON starts with `{` or `[`;
//!   anything else is read as CSV), reads the whole file, lists every problem it finds with
//!   its JSON path or CSV line and column, and returns a catalog only when it has also passed
//!   [`Catalog::check`]. See `docs/CATALOGS.md` for the accepted layouts and how OSCAL ids
//!   become our stable ids.
//! - [`read_mappings`] reads the small TOML format that links items of two catalogs.
//! - [`shipped_catalogs`] and [`shipped_mappings`] are the public-domain catalogs compiled into
//!   the binary (`crates/cybernav-formats/catalogs/`). CIS text is never shipped.

mod csat;
mod ids;
mod json_lines;
mod mapping;
mod oscal;

use std::sync::OnceLock;

use cybernav_core::catalog::{Catalog, Mapping};

pub use ids::{catalog_item_id, security_function_named};

/// One thing wrong with a catalog or mapping file, naming where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// The field, column or object id concerned (`controls[3].id`, `column cis_safeguard`,
    /// `item 4.1`).
    pub at: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// A catalog or mapping file was refused: every problem found, with the file's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {} problem(s), first: {}", problems.len(), problems.first().map(|p| p.to_string()).unwrap_or_default())]
pub struct CatalogFileError {
    /// The file's name as given.
    pub file: String,
    /// Every problem found.
    pub problems: Vec<FileProblem>,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}, {}: {}", self.at, self.message),
            None => write!(f, "{}: {}", self.at, self.message),
        }
    }
}

impl FileProblem {
    pub(crate) fn at(at: impl Into<String>, message: impl Into<String>) -> Self {
        FileProblem {
            line: None,
            at: at.into(),
            message: message.into(),
        }
    }

    pub(crate) fn on_line(line: usize, at: impl Into<String>, message: impl Into<String>) -> Self {
        FileProblem {
            line: Some(line),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// The most problems one refusal lists; past this the file is surely not what it claims to be
/// and a longer list helps nobody (the last entry says how many more there were).
pub const MAX_PROBLEMS: usize = 200;

pub(crate) fn refuse(file_name: &str, mut problems: Vec<FileProblem>) -> CatalogFileError {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(FileProblem::at(
            "file",
            format!("{more} more problem(s) not listed"),
        ));
    }
    CatalogFileError {
        file: file_name.to_string(),
        problems,
    }
}

/// Reads a catalog file, telling OSCAL catalog JSON from CSAT CSV by its content. The result
/// has passed [`Catalog::check`].
pub fn read_catalog(file_name: &str, bytes: &[u8]) -> Result<Catalog, CatalogFileError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        let valid = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(refuse(
            file_name,
            vec![FileProblem::on_line(
                line,
                "file",
                "the file is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in a spreadsheet)",
            )],
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.trim_start().chars().next();
    let result = match first {
        None => Err(vec![FileProblem::at("file", "the file is empty")]),
        Some('{' | '[') => oscal::read(text),
        Some(_) => csat::read(file_name, text),
    };
    result.map_err(|problems| refuse(file_name, problems))
}

/// Reads a mapping file (see docs/CATALOGS.md).
pub fn read_mappings(file_name: &str, bytes: &[u8]) -> Result<Vec<Mapping>, CatalogFileError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(refuse(
            file_name,
            vec![FileProblem::at("file", "the file is not UTF-8 text")],
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    mapping::read(text).map_err(|problems| refuse(file_name, problems))
}

/// CISA Cross-Sector Cybersecurity Performance Goals 1.0.1 as OSCAL catalog JSON (public
/// domain). Kept shipped so assessments made against 1.0.1 keep working.
pub const CISA_CPG_JSON: &str = include_str!("../../catalogs/cisa-cpg.json");
/// CISA Cross-Sector Cybersecurity Performance Goals 2.0 as OSCAL catalog JSON (public domain).
pub const CISA_CPG_2_0_JSON: &str = include_str!("../../catalogs/cisa-cpg-2.0.json");
/// NIST Cybersecurity Framework 2.0 as OSCAL catalog JSON (public domain).
pub const NIST_CSF_JSON: &str = include_str!("../../catalogs/nist-csf-2.0.json");
/// Mappings from CPG 1.0.1 goals to CSF 2.0 subcategories (mapping TOML, see docs/CATALOGS.md).
pub const CPG_TO_CSF_TOML: &str = include_str!("../../catalogs/cpg-1.0.1-to-csf.toml");
/// Mappings from CPG 2.0 goals to CSF 2.0 subcategories (cybernav's editors' reading).
pub const CPG_2_0_TO_CSF_TOML: &str = include_str!("../../catalogs/cpg-2.0-to-csf.toml");
/// Mappings from each CPG 1.0.1 goal to its CPG 2.0 successor.
pub const CPG_1_0_1_TO_2_0_TOML: &str = include_str!("../../catalogs/cpg-1.0.1-to-2.0.toml");

/// The mapping files that ship with the product, by file name.
pub const SHIPPED_MAPPING_FILES: [(&str, &str); 3] = [
    ("cpg-1.0.1-to-csf.toml", CPG_TO_CSF_TOML),
    ("cpg-2.0-to-csf.toml", CPG_2_0_TO_CSF_TOML),
    ("cpg-1.0.1-to-2.0.toml", CPG_1_0_1_TO_2_0_TOML),
];

/// The catalogs that ship with the product (public domain): CISA CPG 1.0.1 and 2.0, and NIST
/// CSF 2.0. Parsed once per process; the files are compiled in and the tests prove they are
/// accepted.
pub fn shipped_catalogs() -> Vec<Catalog> {
    static SHIPPED: OnceLock<Vec<Catalog>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| {
            [
                ("cisa-cpg.json", CISA_CPG_JSON),
                ("cisa-cpg-2.0.json", CISA_CPG_2_0_JSON),
                ("nist-csf-2.0.json", NIST_CSF_JSON),
            ]
            .into_iter()
            .map(|(name, text)| {
                read_catalog(name, text.as_bytes())
                    .unwrap_or_else(|e| panic!("shipped catalog {name} is refused: {e:?}"))
            })
            .collect()
        })
        .clone()
}

/// The mappings that ship with the product: CPG 1.0.1 and 2.0 goals to CSF 2.0 subcategories,
/// and CPG 1.0.1 goals to their 2.0 successors ([`SHIPPED_MAPPING_FILES`], in that order).
pub fn shipped_mappings() -> Vec<Mapping> {
    static SHIPPED: OnceLock<Vec<Mapping>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| {
            SHIPPED_MAPPING_FILES
                .iter()
                .flat_map(|(name, text)| {
                    read_mappings(name, text.as_bytes())
                        .unwrap_or_else(|e| panic!("shipped mappings {name} are refused: {e:?}"))
                })
                .collect()
        })
        .clone()
}

/// Turns problems from [`Catalog::check`] into file problems, adding where each item or group
/// came from in the file when the reader knows (`paths` maps `item X`/`group X` to a place).
pub(crate) fn check_problems(
    catalog: &Catalog,
    place: impl Fn(&str) -> Option<(Option<usize>, String)>,
) -> Vec<FileProblem> {
    match catalog.check() {
        Ok(()) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .map(|p| match place(&p.at) {
                Some((line, where_)) => FileProblem {
                    line,
                    at: format!("{} ({where_})", p.at),
                    message: p.message,
                },
                None => FileProblem::at(p.at, p.message),
            })
            .collect(),
    }
}
