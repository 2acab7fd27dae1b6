//! Requirement-set files (TOML, format `cybernav-requirements/1`, described in
//! `docs/REQUIREMENT-SETS.md`) to and from [`RequirementSet`].
//!
//! A file that does not parse, names an unknown fact, owner or due rule, repeats an id or
//! leaves a field out is refused whole, each problem with its line.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use cybernav_core::requirements::{
    Condition, DueRule, FactKey, Owner, Requirement, RequirementSet,
};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use toml::Spanned;

/// The format identifier files start with.
pub const FORMAT: &str = "cybernav-requirements/1";

/// Illinois Part 213.50's minimum requirements, the set the platform ships with.
pub const ILLINOIS_PART_213: &str = include_str!("../requirement-sets/il-part-213.toml");

/// The shipped Illinois set, parsed.
pub fn illinois_part_213() -> RequirementSet {
    match parse_requirement_set(ILLINOIS_PART_213) {
        Ok(set) => set,
        // The file is part of the binary and tested; it cannot be wrong at run time.
        Err(e) => unreachable!("the embedded Illinois set is invalid: {e}"),
    }
}

/// One problem in a requirement-set file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    /// 1-based line (0 when the problem is the file as a whole).
    pub line: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// Every problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetErrors(pub Vec<SetError>);

impl fmt::Display for SetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SetErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    format: Spanned<String>,
    id: Spanned<String>,
    version: Spanned<String>,
    title: Spanned<String>,
    jurisdiction: Spanned<String>,
    #[serde(default)]
    requirement: Vec<Spanned<RawRequirement>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: Spanned<String>,
    clause: Spanned<String>,
    title: Spanned<String>,
    text: Spanned<String>,
    owner: Spanned<String>,
    all: Option<Spanned<Vec<Spanned<String>>>>,
    any: Option<Spanned<Vec<Spanned<String>>>>,
    due: Spanned<String>,
}

/// Turns byte offsets into line numbers.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn of(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
}

/// Reads a requirement-set file.
pub fn parse_requirement_set(text: &str) -> Result<RequirementSet, SetErrors> {
    let lines = Lines(text);
    let raw: RawSet = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| lines.of(s));
        SetErrors(vec![SetError {
            line,
            message: e.message().trim().to_string(),
        }])
    })?;
    let mut errors = Vec::new();
    let mut err = |span: Range<usize>, message: String| {
        errors.push(SetError {
            line: lines.of(span),
            message,
        });
    };

    if raw.format.get_ref() != FORMAT {
        err(
            raw.format.span(),
            format!(
                "format must be \"{FORMAT}\" (this file says \"{}\")",
                raw.format.get_ref()
            ),
        );
    }
    let set_id = required_id(&raw.id, "id", &mut err);
    let version = required_text(&raw.version, "version", &mut err);
    let title = required_text(&raw.title, "title", &mut err);
    let jurisdiction = required_text(&raw.jurisdiction, "jurisdiction", &mut err);
    if raw.requirement.is_empty() {
        err(
            0..0,
            "the set has no requirements; add at least one [[requirement]] table".into(),
        );
    }

    let mut seen = HashSet::new();
    let mut requirements = Vec::new();
    for spanned in &raw.requirement {
        let r = spanned.get_ref();
        let id = required_id(&r.id, "id", &mut err);
        if !id.is_empty() && !seen.insert(id.clone()) {
            err(
                r.id.span(),
                format!("requirement id \"{id}\" is used twice; ids must be unique"),
            );
        }
        let clause = required_text(&r.clause, "clause", &mut err);
        let req_title = required_text(&r.title, "title", &mut err);
        let text_ = required_text(&r.text, "text", &mut err);
        let owner = Owner::parse(r.owner.get_ref()).unwrap_or_else(|| {
            err(
                r.owner.span(),
                format!(
                    "unknown owner \"{}\"; use one of: {}",
                    r.owner.get_ref(),
                    names(Owner::ALL.iter().map(|o| o.as_str()))
                ),
            );
            Owner::ElectionOffice
        });
        let condition = match (&r.all, &r.any) {
            (Some(list), None) => Condition::All(facts(list, &mut err)),
            (None, Some(list)) => Condition::Any(facts(list, &mut err)),
            _ => {
                err(
                    spanned.span(),
                    format!(
                        "requirement \"{id}\" must list its facts in exactly one of `all = [...]` \
                         (every fact needed) or `any = [...]` (one is enough)"
                    ),
                );
                Condition::All(Vec::new())
            }
        };
        let due = parse_due(r.due.get_ref()).unwrap_or_else(|why| {
            err(r.due.span(), why);
            DueRule::CertificationDeadline
        });
        requirements.push(Requirement {
            id,
            clause,
            title: req_title,
            text: text_,
            owner,
            condition,
            due,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(SetErrors(errors));
    }
    Ok(RequirementSet {
        id: set_id,
        version,
        title,
        jurisdiction,
        requirements,
    })
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

fn required_text(
    value: &Spanned<String>,
    field: &str,
    err: &mut impl FnMut(Range<usize>, String),
) -> String {
    let v = value.get_ref().trim();
    if v.is_empty() {
        err(value.span(), format!("{field} is empty; write it out"));
    }
    v.to_string()
}

fn required_id(
    value: &Spanned<String>,
    field: &str,
    err: &mut impl FnMut(Range<usize>, String),
) -> String {
    let v = value.get_ref();
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if !ok {
        err(
            value.span(),
            format!("{field} \"{v}\" must be 1 to 64 lower-case letters, digits, '-', '_' or '.'"),
        );
    }
    v.clone()
}

fn facts(
    list: &Spanned<Vec<Spanned<String>>>,
    err: &mut impl FnMut(Range<usize>, String),
) -> Vec<FactKey> {
    if list.get_ref().is_empty() {
        err(
            list.span(),
            "the list of facts is empty; name at least one".into(),
        );
    }
    let mut out = Vec::new();
    for name in list.get_ref() {
        match FactKey::parse(name.get_ref()) {
            Some(f) if out.contains(&f) => err(
                name.span(),
                format!("fact \"{}\" is listed twice", name.get_ref()),
            ),
            Some(f) => out.push(f),
            None => err(
                name.span(),
                format!(
                    "unknown fact \"{}\"; the platform records: {}",
                    name.get_ref(),
                    names(FactKey::ALL.iter().map(|f| f.as_str()))
                ),
            ),
        }
    }
    out
}

/// `certification_deadline`, `calendar_year`, `annual:MM-DD` or a date `YYYY-MM-DD`.
fn parse_due(s: &str) -> Result<DueRule, String> {
    const HELP: &str = "due must be \"certification_deadline\", \"calendar_year\", \
                        \"annual:MM-DD\" (e.g. \"annual:08-01\") or a date \"YYYY-MM-DD\"";
    match s {
        "certification_deadline" => return Ok(DueRule::CertificationDeadline),
        "calendar_year" => return Ok(DueRule::CalendarYear),
        _ => {}
    }
    if let Some(md) = s.strip_prefix("annual:") {
        let (m, d) = md
            .split_once('-')
            .ok_or_else(|| format!("{HELP}; got \"{s}\""))?;
        let month: u8 = m.parse().map_err(|_| format!("{HELP}; got \"{s}\""))?;
        let day: u8 = d.parse().map_err(|_| format!("{HELP}; got \"{s}\""))?;
        // 2024 is a leap year, so 29 February is accepted.
        let valid = time::Month::try_from(month)
            .ok()
            .and_then(|m| Date::from_calendar_date(2024, m, day).ok())
            .is_some();
        if !valid {
            return Err(format!("\"{s}\" is not a day of the year"));
        }
        return Ok(DueRule::Annual { month, day });
    }
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .map(DueRule::Date)
        .map_err(|_| format!("{HELP}; got \"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_rules() {
        assert_eq!(parse_due("calendar_year"), Ok(DueRule::CalendarYear));
        assert_eq!(
            parse_due("annual:02-29"),
            Ok(DueRule::Annual { month: 2, day: 29 })
        );
        assert!(parse_due("annual:02-30").is_err());
        assert!(parse_due("annual:13-01").is_err());
        assert!(parse_due("2026-08-01").is_ok());
        assert!(parse_due("soon").unwrap_err().contains("got \"soon\""));
    }

    #[test]
    fn lines_count_from_one() {
        let l = Lines("a\nb\nc");
        assert_eq!(l.of(0..1), 1);
        assert_eq!(l.of(2..3), 2);
        assert_eq!(l.of(4..5), 3);
    }
}
