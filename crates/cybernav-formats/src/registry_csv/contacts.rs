//! The contacts file.

use std::collections::HashMap;
use std::io::{Read, Write};

use cybernav_core::contact::{ContactFields, ContactInput};
use cybernav_core::validation::clean_text;
use time::{Date, OffsetDateTime};

use super::CONTACT_COLUMNS;
use super::error::{CsvError, CsvErrors};
use super::table::{RawRow, read_table};
use crate::spreadsheet::guard;

/// One valid row of a contacts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// Physical line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The election authority's name, as written (trimmed); the caller looks it up.
    pub authority: String,
    /// The validated contact.
    pub fields: ContactFields,
}

/// One contact to write to a contacts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactExport {
    /// The election authority's name.
    pub authority: String,
    /// The contact.
    pub fields: ContactFields,
}

impl From<ContactRow> for ContactExport {
    fn from(row: ContactRow) -> Self {
        Self {
            authority: row.authority,
            fields: row.fields,
        }
    }
}

/// Formats a date as `YYYY-MM-DD`.
fn iso_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses a contacts CSV file, validating every row; `now` bounds `last_verified_on`.
///
/// Returns every valid row, or every problem in the file (the file is rejected whole). The
/// same (authority, role, name) may appear only once, ignoring case. Whether each authority
/// exists is for the caller to check. See the [module docs](super) for the format.
pub fn parse_contacts_csv<R: Read>(
    reader: R,
    now: OffsetDateTime,
) -> Result<Vec<ContactRow>, CsvErrors> {
    let mut errors = Vec::new();
    let raw = read_table(reader, &CONTACT_COLUMNS, &mut errors);
    let mut first_line_of: HashMap<(String, String, String), u64> = HashMap::new();
    let mut rows = Vec::with_capacity(raw.len());
    for RawRow { line, cells } in raw {
        let Ok(
            [
                authority,
                role,
                name,
                organisation,
                phone,
                email,
                last_verified_on,
            ],
        ) = <[String; 7]>::try_from(cells)
        else {
            continue;
        };
        let authority = clean_text(&authority, 200).map_err(|message| {
            errors.push(CsvError::new(line, Some("authority"), message));
        });
        let input = ContactInput {
            name,
            role,
            organisation: Some(organisation),
            phone: Some(phone),
            email: Some(email),
            last_verified_on: Some(last_verified_on),
        };
        let fields = input.validate(now).map_err(|field_errors| {
            for e in field_errors.0 {
                errors.push(CsvError::new(line, Some(&e.field), e.message));
            }
        });
        if let (Ok(authority), Ok(name)) = (&authority, clean_text(&input.name, 200)) {
            let key = (
                authority.to_lowercase(),
                input.role.trim().to_string(),
                name.to_lowercase(),
            );
            match first_line_of.get(&key) {
                Some(first) => errors.push(CsvError::new(
                    line,
                    Some("name"),
                    format!(
                        "'{name}' ({}) of '{authority}' is already on line {first}; \
                         each contact may appear only once",
                        input.role.trim()
                    ),
                )),
                None => {
                    first_line_of.insert(key, line);
                }
            }
        }
        if let (Ok(authority), Ok(fields)) = (authority, fields) {
            rows.push(ContactRow {
                line,
                authority,
                fields,
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

/// Writes a contacts CSV file (header first) that [`parse_contacts_csv`] reads back to the
/// same data, with dates as `YYYY-MM-DD`.
///
/// Cells a spreadsheet could take for a formula are prefixed with `'`; see the
/// [module docs](super).
pub fn write_contacts_csv<W: Write>(w: W, rows: &[ContactExport]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CONTACT_COLUMNS)?;
    for row in rows {
        let f = &row.fields;
        let email = f.email.as_ref().map(|e| e.as_str()).unwrap_or_default();
        let verified = f.last_verified_on.map(iso_date).unwrap_or_default();
        let cells = [
            guard(&row.authority),
            guard(f.role.as_str()),
            guard(&f.name),
            guard(f.organisation.as_deref().unwrap_or_default()),
            guard(f.phone.as_deref().unwrap_or_default()),
            guard(email),
            guard(&verified),
        ];
        out.write_record(cells.iter().map(|c| c.as_bytes()))?;
    }
    out.flush()?;
    Ok(())
}
