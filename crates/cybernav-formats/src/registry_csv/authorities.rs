//! The election-authorities file.

use std::collections::HashMap;
use std::io::{Read, Write};

use cybernav_core::election_authority::{
    EaKind, ElectionAuthorityFields, ElectionAuthorityInput, FipsCode,
};
use cybernav_core::email::EmailAddress;
use cybernav_core::validation::clean_text;

use super::AUTHORITY_COLUMNS;
use super::error::{CsvError, CsvErrors};
use super::table::{RawRow, read_table};
use crate::spreadsheet::guard;

/// One valid row of an election-authorities file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityRow {
    /// Physical line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The validated election authority.
    pub fields: ElectionAuthorityFields,
    /// The navigators assigned to it, in file order, without duplicates.
    pub navigators: Vec<EmailAddress>,
}

/// One election authority to write to an election-authorities file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityExport {
    /// Official name.
    pub name: String,
    /// Office kind.
    pub kind: EaKind,
    /// County.
    pub county: String,
    /// County FIPS code.
    pub fips_code: FipsCode,
    /// Residents served.
    pub population: Option<i64>,
    /// Zone name.
    pub zone: Option<String>,
    /// Navigators' e-mail addresses.
    pub navigators: Vec<EmailAddress>,
}

impl From<AuthorityRow> for AuthorityExport {
    fn from(row: AuthorityRow) -> Self {
        let ElectionAuthorityFields {
            name,
            kind,
            county,
            fips_code,
            population,
            zone,
        } = row.fields;
        Self {
            name,
            kind,
            county,
            fips_code,
            population,
            zone,
            navigators: row.navigators,
        }
    }
}

/// Parses the `navigators` cell: addresses separated by `;`, blanks ignored.
fn parse_navigators(cell: &str) -> Result<Vec<EmailAddress>, Vec<String>> {
    let mut found: Vec<EmailAddress> = Vec::new();
    let mut problems = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match EmailAddress::parse(part) {
            Ok(address) if found.contains(&address) => {
                problems.push(format!("'{address}' is listed more than once"));
            }
            Ok(address) => found.push(address),
            Err(message) => problems.push(message),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// Parses an election-authorities CSV file, validating every row.
///
/// Returns every valid row, or every problem in the file (the file is rejected whole). Names
/// must be unique within the file, ignoring case. See the [module docs](super) for the format.
pub fn parse_authorities_csv<R: Read>(reader: R) -> Result<Vec<AuthorityRow>, CsvErrors> {
    let mut errors = Vec::new();
    let raw = read_table(reader, &AUTHORITY_COLUMNS, &mut errors);
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::with_capacity(raw.len());
    for RawRow { line, cells } in raw {
        let Ok([name, kind, county, fips_code, population, zone, navigators]) =
            <[String; 7]>::try_from(cells)
        else {
            continue;
        };
        let input = ElectionAuthorityInput {
            name,
            kind,
            county,
            fips_code,
            population: Some(population),
            zone: Some(zone),
        };
        let fields = input.validate().map_err(|field_errors| {
            for e in field_errors.0 {
                errors.push(CsvError::new(line, Some(&e.field), e.message));
            }
        });
        let navigators = parse_navigators(&navigators).map_err(|problems| {
            for message in problems {
                errors.push(CsvError::new(line, Some("navigators"), message));
            }
        });
        if let Ok(name) = clean_text(&input.name, 200) {
            match first_line_of.get(&name.to_lowercase()) {
                Some(first) => errors.push(CsvError::new(
                    line,
                    Some("name"),
                    format!(
                        "election authority '{name}' is already on line {first}; \
                         each may appear only once"
                    ),
                )),
                None => {
                    first_line_of.insert(name.to_lowercase(), line);
                }
            }
        }
        if let (Ok(fields), Ok(navigators)) = (fields, navigators) {
            rows.push(AuthorityRow {
                line,
                fields,
                navigators,
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        // Row problems are found after the whole file is read; list everything in file order.
        errors.sort_by_key(|e| e.line);
        Err(CsvErrors(errors))
    }
}

/// Writes an election-authorities CSV file (header first) that [`parse_authorities_csv`] reads
/// back to the same data.
///
/// Cells a spreadsheet could take for a formula are prefixed with `'`; see the
/// [module docs](super).
pub fn write_authorities_csv<W: Write>(w: W, rows: &[AuthorityExport]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(AUTHORITY_COLUMNS)?;
    for row in rows {
        let population = row.population.map(|p| p.to_string()).unwrap_or_default();
        let navigators = row
            .navigators
            .iter()
            .map(EmailAddress::as_str)
            .collect::<Vec<_>>()
            .join(";");
        let cells = [
            guard(&row.name),
            guard(row.kind.as_str()),
            guard(&row.county),
            guard(row.fips_code.as_str()),
            guard(&population),
            guard(row.zone.as_deref().unwrap_or_default()),
            guard(&navigators),
        ];
        out.write_record(cells.iter().map(|c| c.as_bytes()))?;
    }
    out.flush()?;
    Ok(())
}
