#![no_main]
//! Any bytes, read line by line as a Zeek log (`#` header lines, TSV records, JSON records)
//! through one header state: never a panic.
use cybernav_scan::read::ZeekHeader;
use cybernav_scan::record::Record;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut header = ZeekHeader::default();
    let mut rec = Record::default();
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        rec.clear();
        let _ = header.read(line, &mut rec);
    }
});
