//! Property tests: the readers never panic, and written files read back to equal data.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use cybernav_core::contact::{ContactFields, ContactRole, parse_phone};
use cybernav_core::election_authority::{EaKind, FipsCode};
use cybernav_core::email::EmailAddress;
use cybernav_formats::registry_csv::{
    AuthorityExport, ContactExport, parse_authorities_csv, parse_contacts_csv,
    write_authorities_csv, write_contacts_csv,
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
    #![proptest_config(ProptestConfig::with_cases(256))]

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
