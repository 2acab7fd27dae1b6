#![no_main]
//! Any bytes, read as each of the three Cyber Hygiene files: never a panic.
use cybernav_formats::cyhy::{CyhyKind, parse_cyhy, parse_cyhy_as};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_cyhy("upload.csv", data);
    for kind in [CyhyKind::Findings, CyhyKind::Mitigated, CyhyKind::RiskyServices] {
        let _ = parse_cyhy_as(kind, kind.file_name(), data);
    }
});
