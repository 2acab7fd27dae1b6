#![no_main]
//! Any bytes, read as a firewall CSV: the first line as the header (its names recognised, no
//! mapping given), the rest as records; and every line as a record with columns by number.
//! Never a panic.
use cybernav_scan::read::csv::{CsvColumns, CsvMapping};
use cybernav_scan::record::Record;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut lines = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let Some(header) = lines.next() else { return };
    let mut rec = Record::default();
    if let Ok(columns) = CsvColumns::from_header(&CsvMapping::default(), header) {
        for line in lines {
            rec.clear();
            let _ = columns.read(line, &mut rec);
        }
    }
    let Ok(mapping) = CsvMapping::parse("src=1,dst=3,dport=4,domain=5,url=6,hash=7") else {
        return;
    };
    let columns = CsvColumns::by_number(&mapping);
    let mut rec = Record::default();
    for line in data.split(|&b| b == b'\n') {
        rec.clear();
        let _ = columns.read(line, &mut rec);
    }
});
