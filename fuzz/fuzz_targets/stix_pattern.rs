#![no_main]
//! Any text, read as a STIX pattern: never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = cybernav_formats::stix::parse_pattern(s);
    }
});
