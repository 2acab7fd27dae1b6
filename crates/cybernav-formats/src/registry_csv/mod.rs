//! The registry as CSV: election authorities (with their navigators) and their contacts.
//!
//! # Files
//!
//! * Election authorities: header `name,kind,county,fips_code,population,zone,navigators`.
//!   `kind` is `county_clerk` or `board_of_election_commissioners`; `population` and `zone`
//!   may be blank; `navigators` is a list of e-mail addresses separated by `;` (may be blank).
//! * Contacts: header `authority,role,name,organisation,phone,email,last_verified_on`, where
//!   `authority` is the election authority's name and `last_verified_on` is `YYYY-MM-DD`.
//!
//! # Reading
//!
//! A file is accepted or rejected whole. Every problem in every row is collected, each with
//! the physical line where its row starts (the header is line 1) and, where it applies, the
//! column's name, so the user can fix them all in one go. Header columns may come in any
//! order and are matched ignoring case and surrounding spaces, but every column must be
//! present, once, and no other column may be. A UTF-8 byte-order mark, CRLF (or CR) line
//! endings, spaces around cells and blank rows are tolerated. A file with a header and no rows
//! is valid and gives no rows. At most [`MAX_ROWS`] data rows are read.
//!
//! Only bytes already read are buffered, so callers should still cap the size of an upload.
//!
//! # Formula injection
//!
//! A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
//! return hiding one of them) as a formula, which an attacker-controlled name could abuse.
//! The writers therefore prefix such a cell with a single quote `'`, which spreadsheets show
//! as text. The readers undo it: they strip one leading `'` when the rest of the cell starts
//! with one of those characters. To keep export and import exact inverses, "starts with" looks
//! past any further leading quotes: a value `'=x` is written `''=x` and read back as `'=x`. A
//! user who types `'=x` into a file meant for import gets `=x`, as the spreadsheet showed.
//! The guard applies to every cell, whichever column it is in.

mod authorities;
mod contacts;
mod error;
mod table;

pub use authorities::{
    AuthorityExport, AuthorityRow, parse_authorities_csv, write_authorities_csv,
};
pub use contacts::{ContactExport, ContactRow, parse_contacts_csv, write_contacts_csv};
pub use error::{CsvError, CsvErrors};

/// The most data rows one file may hold; a longer file is rejected with an error saying so.
pub const MAX_ROWS: usize = 10_000;

/// The columns of an election-authorities file, in the order the writer puts them.
pub const AUTHORITY_COLUMNS: [&str; 7] = [
    "name",
    "kind",
    "county",
    "fips_code",
    "population",
    "zone",
    "navigators",
];

/// The columns of a contacts file, in the order the writer puts them.
pub const CONTACT_COLUMNS: [&str; 7] = [
    "authority",
    "role",
    "name",
    "organisation",
    "phone",
    "email",
    "last_verified_on",
];
