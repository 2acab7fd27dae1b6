//! Property tests: the readers never panic, and written files read back to equal data.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use cybernav_core::contact::{ContactFields, ContactRole, parse_phone};
use cybernav_core::election_authority::{EaKind, FipsCode};
use cybernav_core::email::EmailAddress;
use cybernav_formats::registry_csv::{
    AUTHORITY_COLUMNS, AuthorityExport, CONTACT_COLUMNS, ContactExport, CsvErrors,
    parse_authorities_csv, parse_contacts_csv, write_authorities_csv, write_contacts_csv,
};
use proptest::prelude::*;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const EA_HEADER: &str = "name,kind,county,fips_code,population,zone,navigators\n";
const CONTACT_HEADER: &str = "authority,role,name,organisation,phone,email,last_verified_on\n";

fn now() -> OffsetDateTime {
    datetime!(2026-11-23 12:00 UTC)
}

/// Parses with both readers and checks the shape of whatever comes back.
fn parse_both(bytes: &[u8]) {
    match parse_authorities_csv(bytes) {
        Ok(rows) => assert!(rows.iter().all(|r| r.line >= 2)),
        Err(e) => assert!(!e.0.is_empty() && e.0.iter().all(|e| e.line >= 1)),
    }
    match parse_contacts_csv(bytes, now()) {
        Ok(rows) => assert!(rows.iter().all(|r| r.line >= 2)),
        Err(e) => assert!(!e.0.is_empty() && e.0.iter().all(|e| e.line >= 1)),
    }
}

/// How many cases each property runs: 256, or `PROPTEST_CASES` (`scripts/fuzz-csv` sets it to
/// run for a long time).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// One edit of a file: the bytes that most often break CSV readers, at any place.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Replace(usize, u8),
    Delete(usize),
    /// Copy a stretch of the file to another place (duplicate rows, split quotes).
    Splice {
        from: usize,
        len: usize,
        to: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        prop::sample::select(b"\",\"\r\n\t\0=+-@;' \xef\xbb\xbf\xff\xc3".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), 1..40_usize, any::<usize>())
            .prop_map(|(from, len, to)| Mutation::Splice { from, len, to }),
    ]
}

fn mutate(mut bytes: Vec<u8>, edits: &[Mutation]) -> Vec<u8> {
    for m in edits {
        let n = bytes.len();
        match *m {
            Mutation::Insert(at, b) => bytes.insert(at % (n + 1), b),
            Mutation::Replace(at, b) if n > 0 => bytes[at % n] = b,
            Mutation::Delete(at) if n > 0 => {
                bytes.remove(at % n);
            }
            Mutation::Splice { from, len, to } if n > 0 => {
                let from = from % n;
                let piece = bytes[from..(from + len).min(n)].to_vec();
                let to = to % (n + 1);
                bytes.splice(to..to, piece);
            }
            _ => {}
        }
    }
    bytes
}

/// How many physical lines the readers see: a line break is `\r\n`, `\n` or a lone `\r`.
fn physical_lines(bytes: &[u8]) -> u64 {
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    (bytes.iter().filter(|&&b| b == b'\n').count() + lone_cr + 1) as u64
}

/// A header cell as the readers compare it: spaces, then leading byte-order marks, then spaces
/// again off; lower case.
fn normal(cell: &str) -> String {
    // Byte-order marks and spaces in any order before the name (the reader takes one pass of
    // each, so a name it reports may still start with one): stripped until neither is left,
    // so normalising twice changes nothing.
    cell.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
        .trim_end()
        .to_lowercase()
}

/// The header cells as the readers see them (the first row not blank), normalised.
fn header_cells(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    // The readers skip blank rows, before the header too.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let cells: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            return cells.iter().map(|c| normal(c)).collect();
        }
    }
    Vec::new()
}

/// Every error points inside the file: a line the file has (or the one after its last, for
/// an unterminated quote) and, when it names a column, one the reader knows or one the file's
/// header has.
fn assert_errors_point_inside(bytes: &[u8], known: &[&str], errors: &CsvErrors) {
    let lines = physical_lines(bytes);
    let header = header_cells(bytes);
    assert!(!errors.0.is_empty());
    for e in &errors.0 {
        assert!(
            (1..=lines + 1).contains(&e.line),
            "line {} of a {lines}-line file: {e}",
            e.line
        );
        assert!(!e.message.trim().is_empty(), "an error says what is wrong");
        if let Some(c) = &e.column {
            let c = normal(c);
            assert!(
                known.contains(&c.as_str()) || header.contains(&c),
                "column {c:?} is neither known nor in the header {header:?} of {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// Valid text: no control characters, trimmed, non-empty; rich in CSV and formula characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        ',', '"', '\'', '=', '+', '-', '@', ';', ' ', 'a', 'Z', 'é', '中', '\u{2003}', '\u{feff}',
    ]);
    let other = any::<char>().prop_filter("no control characters", |c| !c.is_control());
    prop::collection::vec(prop_oneof![special, other], 1..=max)
        .prop_map(|chars| chars.into_iter().collect::<String>().trim().to_string())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn email() -> impl Strategy<Value = EmailAddress> {
    "[a-z0-9=+'_-]{1,8}(\\.[a-z0-9]{1,5})?@[a-z0-9-]{1,8}\\.[a-z]{2,4}"
        .prop_filter_map("valid address", |s| EmailAddress::parse(&s).ok())
}

fn unique<T, K: std::hash::Hash + Eq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|i| seen.insert(key(i))).collect()
}

fn authority() -> impl Strategy<Value = AuthorityExport> {
    (
        text(60),
        prop::sample::select(EaKind::ALL.to_vec()),
        text(40),
        "[0-9]{5}",
        prop::option::of(0..=20_000_000_i64),
        prop::option::of(text(40)),
        prop::collection::vec(email(), 0..4),
    )
        .prop_map(
            |(name, kind, county, fips, population, zone, navigators)| AuthorityExport {
                name,
                kind,
                county,
                fips_code: FipsCode::parse(&fips).unwrap(),
                population,
                zone,
                navigators: unique(navigators, Clone::clone),
            },
        )
}

fn phone() -> impl Strategy<Value = String> {
    "\\+?(1 )?\\(?[0-9]{3}\\)?[ -]?[0-9]{3}[-. ][0-9]{4}( ext\\. ?[0-9]{1,4})?"
        .prop_filter("valid phone", |s| {
            parse_phone(Some(s)).ok().flatten().as_deref() == Some(s.as_str())
        })
}

fn date_until_now() -> impl Strategy<Value = Date> {
    let first = date!(1900 - 01 - 01).to_julian_day();
    let last = now().date().to_julian_day();
    (first..=last).prop_map(|d| Date::from_julian_day(d).unwrap())
}

fn contact() -> impl Strategy<Value = ContactExport> {
    (
        text(60),
        prop::sample::select(ContactRole::ALL.to_vec()),
        text(60),
        prop::option::of(text(40)),
        prop::option::of(phone()),
        prop::option::of(email()),
        prop::option::of(date_until_now()),
    )
        .prop_map(
            |(authority, role, name, organisation, phone, email, last_verified_on)| ContactExport {
                authority,
                fields: ContactFields {
                    name,
                    role,
                    organisation,
                    phone,
                    email,
                    last_verified_on,
                },
            },
        )
}

/// No written data cell starts with a character that makes a spreadsheet evaluate it.
fn assert_no_formula_cells(written: &[u8]) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(written);
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unguarded cell {cell:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // The generators filter (valid phones, addresses); long runs need room for that.
        max_local_rejects: cases().saturating_mul(64),
        max_global_rejects: cases().saturating_mul(64),
        ..ProptestConfig::default()
    })]

    /// Fuzzing by mutation: a good file, edited at random where CSV readers break, is read
    /// without panicking, and what comes back is either rows or errors pointing inside it.
    #[test]
    fn edited_good_files_are_read_or_refused_with_errors_inside_them(
        authorities in prop::collection::vec(authority(), 1..6),
        contacts in prop::collection::vec(contact(), 1..6),
        edits in prop::collection::vec(mutation(), 1..6),
    ) {
        let authorities = unique(authorities, |r| r.name.to_lowercase());
        let mut good = Vec::new();
        write_authorities_csv(&mut good, &authorities).unwrap();
        let bytes = mutate(good, &edits);
        match parse_authorities_csv(&bytes[..]) {
            Ok(rows) => {
                let lines = physical_lines(&bytes);
                prop_assert!(rows.iter().all(|r| (2..=lines).contains(&r.line)));
            }
            Err(e) => assert_errors_point_inside(&bytes, &AUTHORITY_COLUMNS, &e),
        }

        let contacts = unique(contacts, |r| {
            (r.authority.to_lowercase(), r.fields.role, r.fields.name.to_lowercase())
        });
        let mut good = Vec::new();
        write_contacts_csv(&mut good, &contacts).unwrap();
        let bytes = mutate(good, &edits);
        match parse_contacts_csv(&bytes[..], now()) {
            Ok(rows) => {
                let lines = physical_lines(&bytes);
                prop_assert!(rows.iter().all(|r| (2..=lines).contains(&r.line)));
            }
            Err(e) => assert_errors_point_inside(&bytes, &CONTACT_COLUMNS, &e),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        parse_both(&bytes);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        parse_both(s.as_bytes());
    }

    #[test]
    fn csv_like_text_after_a_header_never_panics(
        header in prop::sample::select(vec![EA_HEADER, CONTACT_HEADER, "\u{feff}name,kind\r\n"]),
        body in "[a-z0-9,;\"' =+@._\r\n\u{feff}é-]{0,400}",
        tail in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut bytes = format!("{header}{body}").into_bytes();
        bytes.extend(tail);
        parse_both(&bytes);
    }

    #[test]
    fn authorities_round_trip(rows in prop::collection::vec(authority(), 0..8)) {
        let rows = unique(rows, |r| r.name.to_lowercase());
        let mut written = Vec::new();
        write_authorities_csv(&mut written, &rows).unwrap();
        assert_no_formula_cells(&written);
        let parsed = parse_authorities_csv(&written[..]).map_err(|e| e.to_string());
        let back: Vec<AuthorityExport> =
            parsed.unwrap().into_iter().map(AuthorityExport::from).collect();
        prop_assert_eq!(back, rows);
    }

    #[test]
    fn contacts_round_trip(rows in prop::collection::vec(contact(), 0..8)) {
        let rows = unique(rows, |r| {
            (r.authority.to_lowercase(), r.fields.role, r.fields.name.to_lowercase())
        });
        let mut written = Vec::new();
        write_contacts_csv(&mut written, &rows).unwrap();
        assert_no_formula_cells(&written);
        let parsed = parse_contacts_csv(&written[..], now()).map_err(|e| e.to_string());
        let back: Vec<ContactExport> =
            parsed.unwrap().into_iter().map(ContactExport::from).collect();
        prop_assert_eq!(back, rows);
    }
}
