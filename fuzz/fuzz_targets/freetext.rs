#![no_main]
//! Any bytes, read as a free-text indicator list and as an indicator CSV: never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = cybernav_formats::freetext::read_free_text(&text);
    let _ = cybernav_formats::freetext::read_indicator_csv(data);
});
