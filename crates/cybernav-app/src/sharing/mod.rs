//! The threat-information sharing desk (Part 213.30(a)): who reads, what came in, what goes
//! out. Every release of a marked item asks [`cybernav_core::sharing::marking::may_see`] with
//! the [`Reader`](cybernav_core::sharing::marking::Reader) that [`App::reader_for`] builds.

pub mod digest;
pub mod indicators;
pub mod intake;
pub mod intake_feeds;
pub mod products;
pub mod reader;
pub mod reports;
pub mod taxii;
pub mod taxii_auth;
pub mod taxii_feeds;

pub use reader::BOARD;
