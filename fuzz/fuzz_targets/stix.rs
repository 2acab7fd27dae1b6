#![no_main]
//! Any bytes, read as a STIX bundle: never a panic, and every object accounted for.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut seen = 0usize;
    if let Ok(summary) = cybernav_formats::stix::read_bundle(data, |_| seen += 1) {
        assert_eq!(summary.objects, seen);
    }
});
