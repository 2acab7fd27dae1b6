//! The fast path of the program: find, in sensor and firewall logs, every contact with a
//! known-bad address, network, domain, URL or file (an indicator), and every connection to
//! the statewide voter-registration database that breaks the ICN allowlist rule of Part
//! 213.20. Pure: no async, no database; the CLI and the app feed it files and store what it
//! finds.
//!
//! - [`index`]: the indicator tables (exact IPs, longest-prefix networks, domain suffixes,
//!   URLs, hashes).
//! - [`read`]: Suricata EVE JSON, Zeek (TSV or JSON), firewall CSV.
//! - [`allowlist`]: the ICN allowlist audit and the attribution of hits to authorities.
//! - [`engine`]: one file on every core, output in file order; plain, gzip or zstd.
//! - [`hit`]: what is found, written one JSON object a line.

pub mod allowlist;
pub mod engine;
pub mod hit;
pub mod index;
pub mod json;
pub mod read;
pub mod record;

pub use allowlist::{Allowlist, Audit, Service, Violation};
pub use engine::{Event, FileStats, ScanError, Scanner};
pub use hit::{Hit, HitWhat};
pub use index::{Index, IndexBuilder, IndicatorId};
pub use read::{CsvMapping, LogFormat};
