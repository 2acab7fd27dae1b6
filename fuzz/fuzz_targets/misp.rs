#![no_main]
//! Any bytes, read as a MISP event file and as a MISP manifest: never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cybernav_formats::misp::read_event(data);
    let _ = cybernav_formats::misp::read_manifest(data);
});
