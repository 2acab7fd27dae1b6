#![no_main]
//! Any bytes, read as one Suricata EVE line: never a panic.
use cybernav_scan::record::Record;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rec = Record::default();
    let _ = cybernav_scan::read::eve::read(data, &mut rec);
});
