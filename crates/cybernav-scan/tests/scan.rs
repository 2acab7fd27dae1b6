//! Whole scans of small files in the formats sensors write (tests/data), and of generated
//! files large enough to span many chunks: what is found, where, and that the thread count,
//! compression and bad lines change nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use cybernav_core::sharing::Indicator;
use cybernav_scan::engine::{CHUNK, Event};
use cybernav_scan::hit::write_json;
use cybernav_scan::{Allowlist, Audit, CsvMapping, FileStats, Index, LogFormat, Scanner, Service};
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn index() -> Index {
    let text = std::fs::read_to_string(data("indicators.txt")).unwrap();
    let list: Vec<Indicator> = text
        .lines()
        .map(|l| Indicator::detect(&l.replace("hxxp", "http").replace("[.]", ".")).unwrap())
        .collect();
    Index::of(&list)
}

fn audit(services: &[&str], private_only: bool) -> Audit {
    let text = std::fs::read_to_string(data("allowlist.txt")).unwrap();
    Audit {
        allowlist: Allowlist::parse(&text).unwrap(),
        services: services
            .iter()
            .map(|s| Service::parse(s).unwrap())
            .collect(),
        private_only,
    }
}

struct Out {
    hits: Vec<Value>,
    bad: Vec<(u64, String)>,
    stats: FileStats,
}

fn scan(
    path: &Path,
    format: &LogFormat,
    index: &Index,
    audit: Option<&Audit>,
    threads: usize,
) -> Out {
    let scanner = Scanner {
        index,
        audit,
        threads,
    };
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    let progress = AtomicU64::new(0);
    let stats = scanner
        .scan_path(path, format, &progress, |e| {
            match e {
                Event::Hit(h) => write_json(&mut lines, "f", h, index, audit)?,
                Event::BadLine { line, reason } => bad.push((line, reason.to_string())),
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(
        progress.into_inner(),
        std::fs::metadata(path).unwrap().len()
    );
    let hits = String::from_utf8(lines)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    Out { hits, bad, stats }
}

/// (line, field, value, match) of each hit.
fn brief(out: &Out) -> Vec<(u64, String, String, String)> {
    out.hits
        .iter()
        .map(|h| {
            (
                h["line"].as_u64().unwrap(),
                h["field"].as_str().unwrap().to_string(),
                h["value"].as_str().unwrap().to_string(),
                h["match"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(line: u64, field: &str, value: &str, matched: &str) -> (u64, String, String, String) {
    (line, field.into(), value.into(), matched.into())
}

#[test]
fn suricata_eve_every_event_type() {
    let index = index();
    let out = scan(&data("eve.json"), &LogFormat::Eve, &index, None, 1);
    let evil = "evil-updates.example";
    let url = "http://downloads.example.net/payload/stage2.bin?id=7";
    assert_eq!(
        brief(&out),
        [
            row(1, "dns.rrname", "update.cdn.evil-updates.example", evil),
            row(2, "dns.rrname", "update.cdn.evil-updates.example", evil),
            row(
                2,
                "dns.answers.rrname",
                "update.cdn.evil-updates.example",
                evil
            ),
            row(2, "dns.answers.rdata", "198.51.100.23", "198.51.100.0/24"),
            row(2, "dns.grouped.A", "198.51.100.23", "198.51.100.0/24"),
            row(3, "dns.rrname", "Mail.Evil-Updates.Example.", evil),
            row(3, "dns.rdata", "2001:db8:bad::25", "2001:db8:bad::/48"),
            row(4, "tls.sni", "portal.evil-updates.example", evil),
            row(
                5,
                "http.url",
                "downloads.example.net/payload/stage2.bin?id=7",
                url
            ),
            row(
                6,
                "http.url",
                "downloads.example.net/payload/stage2.bin?id=7",
                url
            ),
            row(
                6,
                "fileinfo.md5",
                "44D88612FEA8A8F36DE82E1278ABB02F",
                "44d88612fea8a8f36de82e1278abb02f"
            ),
            row(7, "src_ip", "2001:db8:bad::7", "2001:db8:bad::/48"),
            row(8, "quic.sni", "c2.evil-updates.example", evil),
            // The same name in two answers of one record is one hit.
            row(12, "dns.answers.rrname", "cdn.evil-updates.example", evil),
        ]
    );
    // The notevil-… decoys never match; the cut line is reported and the next one read.
    assert_eq!(
        out.bad,
        [(
            10,
            "not valid JSON at byte 181: expected ',' or '}' in an object".to_string()
        )]
    );
    assert_eq!(
        (out.stats.lines, out.stats.records, out.stats.bad_lines),
        (12, 11, 1)
    );
    assert_eq!(out.stats.indicator_hits, 14);
    assert_eq!(out.hits[0]["kind"], "indicator");
    assert_eq!(out.hits[0]["indicator_type"], "domain");
}

#[test]
fn zeek_tsv_and_json_with_the_allowlist_audit() {
    let index = index();
    let audit = audit(&["10.50.0.0/24:5432"], true);
    let conn = scan(&data("conn.log"), &LogFormat::Zeek, &index, Some(&audit), 1);
    type Seen<'a> = (u64, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let hits: Vec<Seen<'_>> = conn
        .hits
        .iter()
        .map(|h| {
            (
                h["line"].as_u64().unwrap(),
                h["kind"].as_str().unwrap(),
                h["value"].as_str().unwrap(),
                h["reason"].as_str(),
                h["authority"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        hits,
        [
            // A known-bad source that is on no allowlist: both kinds of hit.
            (10, "indicator", "198.51.100.250", None, None),
            (
                10,
                "allowlist",
                "198.51.100.250",
                Some("not_allowlisted"),
                None
            ),
            // The same connection (uid) again: its indicator hit, but no second violation.
            (11, "indicator", "198.51.100.250", None, None),
            // Allowlisted but public while private addressing is required.
            (
                13,
                "allowlist",
                "203.0.113.200",
                Some("public_address"),
                Some("Boone County")
            ),
        ]
    );
    assert_eq!(conn.hits[1]["dest"], "10.50.0.5:5432");
    assert_eq!(conn.hits[1]["match"], "10.50.0.0/24:5432");
    assert_eq!(conn.hits[1]["field"], "id.orig_h");
    assert_eq!(
        conn.bad,
        [(15, "6 fields where the #fields header names 21".to_string())]
    );
    assert_eq!(
        (conn.stats.allowlist_hits, conn.stats.indicator_hits),
        (2, 2)
    );

    // Without private-only the allowlisted public source passes.
    let lax = self::audit(&["10.50.0.0/24:5432"], false);
    let out = scan(&data("conn.log"), &LogFormat::Zeek, &index, Some(&lax), 1);
    assert_eq!(out.stats.allowlist_hits, 1);

    for file in ["dns.log", "dns.json"] {
        let out = scan(&data(file), &LogFormat::Zeek, &index, Some(&audit), 2);
        let b = brief(&out);
        assert_eq!(
            b[0],
            row(
                if file == "dns.log" { 8 } else { 1 },
                "query",
                "update.cdn.evil-updates.example",
                "evil-updates.example"
            ),
            "{file}"
        );
        assert_eq!(b[1].1, "answers");
        assert_eq!(b[1].3, "198.51.100.0/24");
        assert!(
            out.hits.iter().all(|h| h["authority"] == "Adams County"),
            "{file}"
        );
        assert!(out.bad.is_empty(), "{file}: {:?}", out.bad);
    }
    // Zeek's \x2c escape is decoded.
    let out = scan(&data("dns.log"), &LogFormat::Zeek, &index, None, 1);
    assert_eq!(
        brief(&out)[2],
        row(
            10,
            "query",
            "x,y.evil-updates.example",
            "evil-updates.example"
        )
    );
}

#[test]
fn firewall_csv_by_header_names_or_column_numbers() {
    let index = index();
    let audit = audit(&["10.50.0.5:5432"], false);
    let out = scan(
        &data("firewall.csv"),
        &LogFormat::Csv(CsvMapping::default()),
        &index,
        Some(&audit),
        1,
    );
    assert_eq!(
        brief(&out),
        [
            row(3, "Source Address", "198.51.100.250", "198.51.100.0/24"),
            row(3, "Source Address", "198.51.100.250", "10.50.0.5/32:5432"),
        ]
    );
    assert_eq!(
        out.bad,
        [(5, "3 fields, but column 8 is mapped".to_string())]
    );
    assert_eq!(out.stats.records, 3);

    let numbered = CsvMapping::parse("src=3,dst=4,dport=8").unwrap();
    let out = scan(
        &data("firewall.csv"),
        &LogFormat::Csv(numbered),
        &index,
        Some(&audit),
        1,
    );
    // No header: line 1 is a record (with no address in it) and the fields are numbered.
    assert_eq!(
        brief(&out)[0],
        row(3, "column 3", "198.51.100.250", "198.51.100.0/24")
    );
    assert_eq!(out.stats.records, 4);
}

/// A generated EVE file of several chunks: every known hit found on the right line, bad lines
/// counted across chunk boundaries, and the same output on 1, 2 and 3 threads, plain, gzip
/// and zstd.
#[test]
fn many_chunks_any_thread_count_any_compression() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("eve.json");
    let mut text = String::new();
    let mut want = Vec::new();
    let mut want_bad = Vec::new();
    let mut line = 0u64;
    while text.len() < 3 * CHUNK + CHUNK / 2 {
        line += 1;
        if line.is_multiple_of(9_973) {
            text.push_str(&format!(
                "{{\"flow_id\":{line},\"event_type\":\"tls\",\"src_ip\":\"10.1.2.3\",\"dest_ip\":\"192.0.2.1\",\"tls\":{{\"sni\":\"n{line}.evil-updates.example\"}}}}\n"
            ));
            want.push(row(
                line,
                "tls.sni",
                &format!("n{line}.evil-updates.example"),
                "evil-updates.example",
            ));
        } else if line.is_multiple_of(7_919) {
            text.push_str("{\"event_type\":\"dns\",\"dns\":{\"rrname\":\"cut\n");
            want_bad.push(line);
        } else if line.is_multiple_of(5) {
            text.push_str("\r\n");
        } else {
            text.push_str(&format!(
                "{{\"timestamp\":\"2026-11-30T08:15:02.113245+0000\",\"flow_id\":{line},\"event_type\":\"dns\",\"src_ip\":\"10.20.30.{}\",\"dest_ip\":\"10.20.0.53\",\"dns\":{{\"version\":2,\"type\":\"query\",\"rrname\":\"www{line}.notevil-updates.example\",\"rrtype\":\"A\"}}}}\n",
                line % 250
            ));
        }
    }
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("eve.json.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap();
    let zst = dir.path().join("eve.json.zst");
    std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 1).unwrap()).unwrap();

    let first = scan(&plain, &LogFormat::Eve, &index, None, 1);
    assert_eq!(brief(&first), want);
    assert_eq!(
        first.bad.iter().map(|b| b.0).collect::<Vec<_>>(),
        want_bad[..want_bad.len().min(20)]
    );
    assert_eq!(first.stats.lines, line);
    assert_eq!(first.stats.bad_lines, want_bad.len() as u64);
    assert_eq!(first.stats.bytes, text.len() as u64);
    for (path, threads) in [(&plain, 2), (&plain, 3), (&gz, 2), (&zst, 1), (&zst, 3)] {
        let out = scan(path, &LogFormat::Eve, &index, None, threads);
        assert_eq!(
            out.hits,
            first.hits,
            "{} on {threads} threads",
            path.display()
        );
        assert_eq!(out.bad, first.bad);
        assert_eq!(out.stats, first.stats);
    }
}

#[test]
fn a_line_with_no_end_is_one_bad_line_and_the_rest_is_read() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eve.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let good = "{\"src_ip\":\"198.51.100.1\",\"dest_ip\":\"10.0.0.1\"}\n";
    f.write_all(good.as_bytes()).unwrap();
    let junk = vec![b'x'; cybernav_scan::engine::MAX_LINE + 1000];
    f.write_all(&junk).unwrap();
    f.write_all(b"\n").unwrap();
    f.write_all(good.as_bytes()).unwrap();
    drop(f);
    for threads in [1, 2] {
        let out = scan(&path, &LogFormat::Eve, &index, None, threads);
        assert_eq!(brief(&out).iter().map(|h| h.0).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(out.bad.len(), 1);
        assert_eq!(out.bad[0].0, 2);
        assert!(
            out.bad[0].1.contains("longer than 64 MiB"),
            "{}",
            out.bad[0].1
        );
    }
}

#[test]
fn zeek_headers_change_mid_file_and_across_chunks() {
    // Two logs concatenated: conn fields, then a dns header far enough on to start in a later
    // chunk; records after it are read with the new fields.
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.log");
    let mut text = String::from("#separator \\x09\n#fields\tuid\tid.orig_h\tid.resp_h\n");
    let mut n = 2;
    while text.len() < CHUNK + 1000 {
        text.push_str("C1\t10.0.0.1\t10.0.0.2\n");
        n += 1;
    }
    text.push_str("#fields\tuid\tquery\n");
    text.push_str("C2\ta.evil-updates.example\n");
    n += 2;
    text.push_str("C3\t198.51.100.9\n");
    std::fs::write(&path, &text).unwrap();
    for threads in [1, 2] {
        let out = scan(&path, &LogFormat::Zeek, &index, None, threads);
        assert_eq!(
            brief(&out),
            [row(
                n,
                "query",
                "a.evil-updates.example",
                "evil-updates.example"
            )]
        );
        // 198.51.100.9 in the query column is not a domain name and matches nothing.
        assert!(out.bad.is_empty());
    }
}

#[test]
fn a_truncated_gzip_file_reports_what_was_read_then_the_error() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eve.json.gz");
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!(
            "{{\"src_ip\":\"198.51.100.{}\",\"dest_ip\":\"10.0.0.1\"}}\n",
            i % 250
        ));
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(text.as_bytes()).unwrap();
    let gz = e.finish().unwrap();
    std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let scanner = Scanner {
        index: &index,
        audit: None,
        threads: 2,
    };
    let mut hits = 0;
    let err = scanner
        .scan_path(&path, &LogFormat::Eve, &AtomicU64::new(0), |e| {
            if let Event::Hit(_) = e {
                hits += 1;
            }
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().starts_with("reading after "), "{err}");
    assert!(hits > 0, "the hits before the cut are reported");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_line() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("fw.csv");
    std::fs::write(&csv, "\u{feff}src,dst\n198.51.100.1,10.0.0.1\n").unwrap();
    let m = CsvMapping::parse("src=src,dst=dst").unwrap();
    let out = scan(&csv, &LogFormat::Csv(m), &index, None, 1);
    assert_eq!(
        brief(&out),
        [row(2, "src", "198.51.100.1", "198.51.100.0/24")]
    );
    let eve = dir.path().join("eve.json");
    std::fs::write(&eve, "\u{feff}{\"src_ip\":\"198.51.100.1\"}\n").unwrap();
    let out = scan(&eve, &LogFormat::Eve, &index, None, 1);
    assert!(out.bad.is_empty(), "{:?}", out.bad);
    assert_eq!(brief(&out).len(), 1);
}

#[test]
fn mapped_addresses_ports_in_hosts_and_crowded_records() {
    let index = index();
    let audit = audit(&["10.50.0.0/24:5432"], true);
    let dir = tempfile::tempdir().unwrap();
    // An IPv4 source and destination written as IPv6 are the IPv4 addresses.
    let conn = dir.path().join("conn.log");
    std::fs::write(
        &conn,
        "#fields\tuid\tid.orig_h\tid.resp_h\tid.resp_p\nC1\t::ffff:10.20.30.41\t::ffff:10.50.0.5\t5432\nC2\t::ffff:10.99.0.1\t::ffff:10.50.0.5\t5432\n",
    )
    .unwrap();
    let out = scan(&conn, &LogFormat::Zeek, &index, Some(&audit), 1);
    assert_eq!(
        brief(&out),
        [row(3, "id.orig_h", "10.99.0.1", "10.50.0.0/24:5432")]
    );
    // http.log's host keeps a port; the name is still looked up.
    let http = dir.path().join("http.log");
    std::fs::write(
        &http,
        "#fields\tuid\thost\turi\nC1\tdownloads.evil-updates.example:8080\t/x\n",
    )
    .unwrap();
    let out = scan(&http, &LogFormat::Zeek, &index, None, 1);
    assert_eq!(
        brief(&out)[0],
        row(
            2,
            "host",
            "downloads.evil-updates.example",
            "evil-updates.example"
        )
    );
    // Thousands of answers in one record: read up to the cap, quickly, one hit per name.
    let crowded = dir.path().join("eve.json");
    let answers: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "{{\"rrname\":\"a{i}.evil-updates.example\",\"rdata\":\"198.51.100.{}\"}}",
                i % 250
            )
        })
        .collect();
    std::fs::write(
        &crowded,
        format!("{{\"dns\":{{\"answers\":[{}]}}}}\n", answers.join(",")),
    )
    .unwrap();
    let out = scan(&crowded, &LogFormat::Eve, &index, None, 2);
    // The first 1,024 values: 512 names (all distinct) and 512 answers (250 distinct addresses).
    assert_eq!(cybernav_scan::record::MAX_VALUES, 1024);
    assert_eq!(out.hits.len(), 512 + 250);
    assert!(out.bad.is_empty());
}

#[test]
fn a_zeek_header_read_in_one_chunk_governs_the_next() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.log");
    let mut text = String::from("#fields\tuid\tid.orig_h\tid.resp_h\n");
    while text.len() < CHUNK - 100 {
        text.push_str("C1\t10.0.0.1\t10.0.0.2\n");
    }
    // The new header ends the first chunk; its records fill the next.
    text.push_str("#fields\tuid\tquery\n");
    let header_line = text.lines().count() as u64;
    while text.len() < CHUNK + 5000 {
        text.push_str("C2\twww.example.org\n");
    }
    text.push_str("C3\ta.evil-updates.example\n");
    let last = text.lines().count() as u64;
    std::fs::write(&path, &text).unwrap();
    for threads in [1, 2] {
        let out = scan(&path, &LogFormat::Zeek, &index, None, threads);
        assert_eq!(
            brief(&out),
            [row(
                last,
                "query",
                "a.evil-updates.example",
                "evil-updates.example"
            )]
        );
        assert!(out.bad.is_empty(), "{:?}", &out.bad[..out.bad.len().min(3)]);
        assert!(header_line < last);
    }
}

#[test]
fn output_that_fails_stops_the_scan_without_hanging() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eve.json");
    let line = "{\"src_ip\":\"198.51.100.1\",\"dest_ip\":\"10.0.0.1\"}\n";
    std::fs::write(&path, line.repeat(6 * CHUNK / line.len())).unwrap();
    for threads in [1, 3] {
        let scanner = Scanner {
            index: &index,
            audit: None,
            threads,
        };
        let mut seen = 0;
        let err = scanner
            .scan_path(&path, &LogFormat::Eve, &AtomicU64::new(0), |_| {
                seen += 1;
                if seen == 10 {
                    Err(std::io::Error::other("stdout closed"))
                } else {
                    Ok(())
                }
            })
            .unwrap_err();
        assert!(matches!(err, cybernav_scan::ScanError::Output(_)), "{err}");
        assert_eq!(seen, 10);
    }
}

#[test]
fn a_csv_whose_first_line_is_no_header_is_refused() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fw.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(&vec![b'x'; cybernav_scan::engine::MAX_LINE + 10])
        .unwrap();
    f.write_all(b"\nsrc,dst\n198.51.100.1,10.0.0.1\n").unwrap();
    drop(f);
    let scanner = Scanner {
        index: &index,
        audit: None,
        threads: 2,
    };
    let err = scanner
        .scan_path(
            &path,
            &LogFormat::Csv(CsvMapping::default()),
            &AtomicU64::new(0),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("a CSV header is one line"),
        "{err}"
    );
}
