//! External formats <-> domain types.
//!
//! This crate converts between files that people exchange (spreadsheets saved as CSV,
//! requirement sets written in TOML, catalogs of controls in OSCAL JSON or CSAT CSV, OSCAL
//! assessment results and POA&M, signed attestations printed as PDF letters, shared threat
//! information as STIX 2.x bundles, MISP feeds and pasted indicator lists) and the
//! validated types of `cybernav-core`. It does no I/O beyond the text, reader or writer it is
//! given and has no async code: it must not depend on tokio, sqlx or axum. Looking names up in
//! the database (an authority's name in a contacts file, a zone's name) is the caller's job.

pub mod attestation_letter;
pub mod catalog;
pub mod cyhy;
pub mod freetext;
pub mod kev;
pub mod misp;
pub mod oscal;
pub mod registry_csv;
pub mod requirement_set;
pub mod spreadsheet;
pub mod stix;
pub mod taxii_envelope;
