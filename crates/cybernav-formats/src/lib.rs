//! External formats <-> domain types.
//!
//! This crate converts between files that people exchange (spreadsheets saved as CSV,
//! requirement sets written in TOML, catalogs of controls in OSCAL JSON or CSAT CSV, OSCAL
//! assessment results and POA&M, signed attestations printed as PDF letters) and the
//! validated types of `cybernav-core`. It does no I/O beyond the text, reader or writer it is
//! given and has no async code: it must not depend on tokio, sqlx or axum. Looking names up in
//! the database (an authority's name in a contacts file, a zone's name) is the caller's job.

pub mod attestation_letter;
pub mod catalog;
pub mod cyhy;
pub mod kev;
pub mod oscal;
pub mod registry_csv;
pub mod requirement_set;
