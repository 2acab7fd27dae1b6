#![no_main]
//! Any bytes, scanned as a whole EVE file (then as Zeek and as CSV) on one thread with a small
//! fixed index of every kind: never a panic, and the figures add up (every line counted once,
//! every hit and bad line on a line of the file). Also any bytes through the JSON cursor's skip.
use std::io::Cursor;
use std::sync::OnceLock;

use cybernav_core::sharing::{Indicator, IndicatorKind};
use cybernav_scan::read::CsvMapping;
use cybernav_scan::{Event, Index, LogFormat, Scanner};
use libfuzzer_sys::fuzz_target;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let set: Vec<Indicator> = [
            (IndicatorKind::Ipv4, "203.0.113.7"),
            (IndicatorKind::Ipv4, "198.51.100.0/24"),
            (IndicatorKind::Ipv4, "10.0.0.0/8"),
            (IndicatorKind::Ipv4, "10.1.0.0/16"),
            (IndicatorKind::Ipv4, "0.0.0.0"),
            (IndicatorKind::Ipv6, "2001:db8::1"),
            (IndicatorKind::Ipv6, "2001:db8:1::/48"),
            (IndicatorKind::Domain, "evil.example"),
            (IndicatorKind::Domain, "a.b.bad.test"),
            (IndicatorKind::Url, "http://evil.example/x?y=1"),
            (IndicatorKind::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
            (
                IndicatorKind::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                IndicatorKind::Sha256,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| Indicator::parse(k, v).ok())
        .collect();
        Index::of(&set)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = cybernav_scan::json::Cursor::new(data).skip();

    let scanner = Scanner {
        index: index(),
        audit: None,
        threads: 1,
    };
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64
        + u64::from(data.last().is_some_and(|&b| b != b'\n'));
    for format in [
        LogFormat::Eve,
        LogFormat::Zeek,
        LogFormat::Csv(CsvMapping::default()),
    ] {
        let mut last_line = 0;
        let result = scanner.scan_reader(Cursor::new(data), &format, |e| {
            let line = match e {
                Event::Hit(h) => h.line,
                Event::BadLine { line, .. } => line,
            };
            assert!(
                line >= 1 && line <= lines,
                "event on line {line} of {lines}"
            );
            assert!(line >= last_line, "line {line} after line {last_line}");
            last_line = line;
            Ok(())
        });
        if let Ok(stats) = result {
            assert_eq!(stats.lines, lines, "{format:?}");
            // A UTF-8 byte-order mark at the start is dropped before the count.
            let bom = if data.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            assert_eq!(stats.bytes, (data.len() - bom) as u64, "{format:?}");
            assert!(
                stats.records + stats.bad_lines <= stats.lines,
                "{format:?}: {stats:?}"
            );
        }
    }
});
