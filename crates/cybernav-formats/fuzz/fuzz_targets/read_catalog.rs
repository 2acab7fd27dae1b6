//! Any bytes given to `read_catalog` give a checked catalog or a list of problems, never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match cybernav_formats::catalog::read_catalog("fuzz", data) {
        Ok(c) => assert!(c.check().is_ok()),
        Err(e) => assert!(!e.problems.is_empty()),
    }
});
