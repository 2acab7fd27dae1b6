//! Any bytes given to `read_mappings` give mappings or a list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = cybernav_formats::catalog::read_mappings("fuzz", data) {
        assert!(!e.problems.is_empty());
    }
});
