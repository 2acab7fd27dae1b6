#![no_main]
//! Any bytes, read as a KEV catalog: never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cybernav_formats::kev::parse_kev(data);
});
