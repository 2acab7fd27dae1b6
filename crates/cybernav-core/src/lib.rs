//! Domain types and rules of the Cyber Navigator Program (26 Ill. Adm. Code Part 213).
//!
//! This crate owns the words of the domain (election authority, navigator, contact, role)
//! and the rules that decide things (who may do what, when a contact is stale, how the audit
//! chain is hashed). It performs no I/O and has no async code: it must not depend on tokio,
//! sqlx or axum, so every rule here is tested with plain unit tests.

pub mod assessment;
pub mod attestation;
pub mod audit;
pub mod authz;
pub mod catalog;
pub mod contact;
pub mod deadline;
pub mod directory;
pub mod election_authority;
pub mod eligibility;
pub mod email;
pub mod evidence;
pub mod field_ops;
pub mod finding;
pub mod grants;
pub mod icn;
pub mod illinois;
pub mod instant;
pub mod need;
pub mod need_to_know;
pub mod network;
pub mod numbers;
pub mod outreach;
pub mod partner;
pub mod requirements;
pub mod role;
pub mod scoring;
pub mod secret;
pub mod sharing;
pub mod totp;
pub mod validation;

pub use validation::{FieldError, FieldErrors};
