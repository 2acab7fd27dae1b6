//! Threat-information sharing (213.30(a)(5), (6)): the markings on every shared item, the one
//! access decision that the UI, the API, the digest and TAXII all call, and the indicator
//! values (IP addresses, domains, URLs, e-mail addresses, file hashes) with the normalisation
//! that decides when two sources reported the same thing.
//!
//! Nothing here reads files or the database: parsers of STIX, MISP and free-text lists live in
//! `cybernav-formats`, and the stored items, people and approvals in `cybernav-store`.

pub mod community_report;
pub mod digest;
pub mod indicator;
pub mod marking;
pub mod product;

pub use indicator::{Indicator, IndicatorError, IndicatorKind};
pub use marking::{
    AccessSettings, Caveat, Caveats, Decision, DenyReason, ItemAccess, MarkedDocument, Marking,
    NeedToKnowApproval, OrgKind, Organisation, Paragraph, Reader, Redacted, Tlp, may_see,
};
