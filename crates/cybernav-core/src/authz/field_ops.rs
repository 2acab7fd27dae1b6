//! Capabilities for field_ops (Part 213.40).

#[allow(unused_imports)]
use super::*;
