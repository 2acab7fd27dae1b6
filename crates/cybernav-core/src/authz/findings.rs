//! Capabilities for findings (Part 213.40).

#[allow(unused_imports)]
use super::*;
