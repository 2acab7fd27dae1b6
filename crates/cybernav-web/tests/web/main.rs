//! The web crate's integration tests in one binary: each module was its own test file, and one
//! binary links the application once instead of once per file (the bulk of CI's build time).

mod common;

mod api;
mod assessment_pages;
mod assessments;
mod attestation_pages;
mod attestations;
mod authz_matrix;
mod catalogs;
mod digest;
mod directory;
mod field_ops;
mod findings;
mod findings_pages;
mod grant_pages;
mod grants;
mod icn;
mod icn_pages;
mod intake;
mod need_to_know;
mod oscal_exports;
mod outreach;
mod participation;
mod participation_pages;
mod people_pages;
mod products;
mod red_products;
mod registry_pages;
mod reports;
mod session;
mod taxii;
