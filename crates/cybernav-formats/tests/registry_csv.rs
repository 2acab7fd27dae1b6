//! Example-based tests of the registry CSV readers and writers.

#![allow(clippy::unwrap_used)]

use cybernav_core::contact::{ContactFields, ContactRole};
use cybernav_core::election_authority::{EaKind, FipsCode};
use cybernav_core::email::EmailAddress;
use cybernav_formats::registry_csv::{
    AuthorityExport, ContactExport, CsvError, CsvErrors, MAX_ROWS, parse_authorities_csv,
    parse_contacts_csv, write_authorities_csv, write_contacts_csv,
};
use time::OffsetDateTime;
use time::macros::{date, datetime};

const EA_HEADER: &str = "name,kind,county,fips_code,population,zone,navigators\n";
const CONTACT_HEADER: &str = "authority,role,name,organisation,phone,email,last_verified_on\n";

fn now() -> OffsetDateTime {
    datetime!(2026-11-23 12:00 UTC)
}

fn authorities(text: &str) -> Result<Vec<cybernav_formats::registry_csv::AuthorityRow>, CsvErrors> {
    parse_authorities_csv(text.as_bytes())
}

fn contacts(text: &str) -> Result<Vec<cybernav_formats::registry_csv::ContactRow>, CsvErrors> {
    parse_contacts_csv(text.as_bytes(), now())
}

fn errs(result: Result<impl std::fmt::Debug, CsvErrors>) -> Vec<CsvError> {
    result.unwrap_err().0
}

/// `(line, column)` of every error.
fn places(errors: &[CsvError]) -> Vec<(u64, Option<&str>)> {
    errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect()
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

#[test]
fn good_authorities_file_parses() {
    let text = format!(
        "{EA_HEADER}\
         Adams County Clerk,county_clerk,Adams,17001,\"65,435\",West Central,a@nav.il.us; B@Nav.IL.us\n\
         \"Chicago Board of Election Commissioners\",board_of_election_commissioners,Cook,17031,,,\n"
    );
    let rows = authorities(&text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].fields.name, "Adams County Clerk");
    assert_eq!(rows[0].fields.kind, EaKind::CountyClerk);
    assert_eq!(rows[0].fields.population, Some(65_435));
    assert_eq!(rows[0].fields.zone.as_deref(), Some("West Central"));
    assert_eq!(
        rows[0].navigators,
        [email("a@nav.il.us"), email("b@nav.il.us")]
    );
    assert_eq!(rows[1].line, 3);
    assert_eq!(rows[1].fields.kind, EaKind::BoardOfElectionCommissioners);
    assert_eq!(rows[1].fields.population, None);
    assert_eq!(rows[1].fields.zone, None);
    assert!(rows[1].navigators.is_empty());
}

#[test]
fn good_contacts_file_parses() {
    let text = format!(
        "{CONTACT_HEADER}\
         Adams County Clerk,election_official,Jane Doe,,217-555-0100,Jane@Adams.il.us,2026-03-15\n\
         Adams County Clerk,it_lead,Bob Roe,\"Acme IT, Inc.\",,,\n"
    );
    let rows = contacts(&text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].authority, "Adams County Clerk");
    assert_eq!(rows[0].fields.role, ContactRole::ElectionOfficial);
    assert_eq!(rows[0].fields.email, Some(email("jane@adams.il.us")));
    assert_eq!(rows[0].fields.last_verified_on, Some(date!(2026 - 03 - 15)));
    assert_eq!(rows[1].line, 3);
    assert_eq!(
        rows[1].fields.organisation.as_deref(),
        Some("Acme IT, Inc.")
    );
    assert_eq!(rows[1].fields.phone, None);
}

#[test]
fn header_only_is_an_empty_list() {
    assert!(authorities(EA_HEADER).unwrap().is_empty());
    assert!(contacts(CONTACT_HEADER).unwrap().is_empty());
    assert!(authorities(EA_HEADER.trim_end()).unwrap().is_empty());
}

#[test]
fn empty_file_is_refused() {
    for text in ["", "\n\n", "\u{feff}", " , ,\r\n"] {
        let e = errs(authorities(text));
        assert_eq!(places(&e), [(1, None)], "{text:?}");
        assert!(e[0].message.contains("empty"));
        assert!(e[0].message.contains("name,kind,county"));
        let e = errs(contacts(text));
        assert!(e[0].message.contains("authority,role,name"));
    }
}

#[test]
fn missing_column_is_named() {
    let e = errs(authorities("name,kind,county,population,zone,navigators\n"));
    assert_eq!(places(&e), [(1, Some("fips_code"))]);
    assert!(e[0].message.contains("missing column 'fips_code'"));
    assert_eq!(
        e[0].to_string(),
        "line 1, column fips_code: missing column 'fips_code'; the header must be exactly: \
         name,kind,county,fips_code,population,zone,navigators"
    );
}

#[test]
fn unknown_and_duplicate_columns_are_named() {
    let e = errs(contacts(
        "authority,role,name,organisation,phone,email,last_verified_on,Notes,name\n",
    ));
    assert_eq!(places(&e), [(1, Some("Notes")), (1, Some("name"))]);
    assert!(e[0].message.contains("unknown column 'Notes'"));
    assert!(e[0].message.contains("authority,role,name,organisation"));
    assert!(e[1].message.contains("more than once"));
    assert!(e[1].message.contains("columns 3 and 9"));
}

#[test]
fn blank_header_cell_is_refused() {
    let e = errs(authorities(
        "name,kind,county,fips_code,population,zone,navigators,\n",
    ));
    assert_eq!(places(&e), [(1, None)]);
    assert!(e[0].message.contains("column 8 of the header is blank"));
}

#[test]
fn header_ignores_case_order_and_spaces() {
    let text = " Navigators ,NAME,kind,county,fips_code,population,zone\n\
                x@y.org,Adams County Clerk,county_clerk,Adams,17001,,\n";
    let rows = authorities(text).unwrap();
    assert_eq!(rows[0].fields.name, "Adams County Clerk");
    assert_eq!(rows[0].navigators, [email("x@y.org")]);
}

#[test]
fn wrong_number_of_fields_says_how_many() {
    let text = format!("{EA_HEADER}Adams County Clerk,county_clerk,Adams,17001\n");
    let e = errs(authorities(&text));
    assert_eq!(places(&e), [(2, None)]);
    assert!(e[0].message.contains("found 4 fields"), "{}", e[0].message);
    assert!(e[0].message.contains("the header has 7 fields"));
}

#[test]
fn validation_errors_name_line_and_column() {
    let text = format!("{EA_HEADER}Adams County Clerk,county_clerk,Adams,1700,,,\n");
    let e = errs(authorities(&text));
    assert_eq!(
        e[0].to_string(),
        "line 2, column fips_code: '1700' is not a county FIPS code: expected five digits, \
         like 17001"
    );
}

#[test]
fn every_bad_row_is_listed() {
    let text = format!(
        "{EA_HEADER}\
         Adams County Clerk,county_clerk,Adams,17001,,,\n\
         ,clerk,Brown,17009,,,\n\
         Bond County Clerk,county_clerk,Bond,17005,,,\n\
         Cass County Clerk,county_clerk,Cass,170170,lots,,not-an-email;a@b.org;A@B.org\n\
         Clay County Clerk,county_clerk,Clay\n"
    );
    let e = errs(authorities(&text));
    assert_eq!(
        places(&e),
        [
            (3, Some("name")),
            (3, Some("kind")),
            (5, Some("fips_code")),
            (5, Some("population")),
            (5, Some("navigators")),
            (5, Some("navigators")),
            (6, None),
        ]
    );
    assert!(e[5].message.contains("'a@b.org' is listed more than once"));
    let shown = CsvErrors(e).to_string();
    assert_eq!(shown.lines().count(), 7);
    assert!(shown.lines().all(|l| l.starts_with("line ")));
}

#[test]
fn contact_errors_name_line_and_column() {
    let text = format!(
        "{CONTACT_HEADER}\
         ,boss,Jane Doe,,call me,nope,2027-01-01\n\
         Adams County Clerk,it_lead,,,,,15/03/2026\n"
    );
    let e = errs(contacts(&text));
    assert_eq!(
        places(&e),
        [
            (2, Some("authority")),
            (2, Some("role")),
            (2, Some("phone")),
            (2, Some("email")),
            (2, Some("last_verified_on")),
            (3, Some("name")),
            (3, Some("last_verified_on")),
        ]
    );
    assert!(e[4].message.contains("in the future"));
}

#[test]
fn duplicate_authority_names_both_lines() {
    let text = format!(
        "{EA_HEADER}\
         Adams County Clerk,county_clerk,Adams,17001,,,\n\
         Bond County Clerk,county_clerk,Bond,17005,,,\n\
         ADAMS county clerk ,county_clerk,Adams,17001,,,\n"
    );
    let e = errs(authorities(&text));
    assert_eq!(places(&e), [(4, Some("name"))]);
    assert!(
        e[0].message.contains("already on line 2"),
        "{}",
        e[0].message
    );
}

#[test]
fn duplicate_contact_names_both_lines() {
    let text = format!(
        "{CONTACT_HEADER}\
         Adams County Clerk,it_lead,Bob Roe,,,,\n\
         Adams County Clerk,security_poc,Bob Roe,,,,\n\
         Bond County Clerk,it_lead,Bob Roe,,,,\n\
         adams county clerk,it_lead,bob roe,,,,\n"
    );
    let e = errs(contacts(&text));
    assert_eq!(places(&e), [(5, Some("name"))]);
    assert!(
        e[0].message.contains("already on line 2"),
        "{}",
        e[0].message
    );
}

#[test]
fn non_utf8_line_is_reported() {
    let mut bytes = EA_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"Adams County Clerk,county_clerk,Adams,17001,,,\n");
    bytes.extend_from_slice(b"Pe\xf1a County Clerk,county_clerk,Pe\xf1a,17002,,,\n");
    let e = errs(parse_authorities_csv(&bytes[..]));
    assert_eq!(places(&e), [(3, Some("name"))]);
    assert!(
        e[0].message
            .contains("line 3 is not UTF-8 text; save the file as CSV UTF-8 from your spreadsheet")
    );

    let e = errs(parse_contacts_csv(&b"\xff\xfea\x00u\x00"[..], now()));
    assert_eq!(places(&e), [(1, None)]);
    assert!(e[0].message.contains("line 1 is not UTF-8 text"));
}

#[test]
fn bom_crlf_whitespace_and_blank_lines_are_tolerated() {
    let text = "\u{feff}name,kind,county,fips_code,population,zone,navigators\r\n\
                \r\n\
                \"  Adams County Clerk \" , county_clerk ,Adams,17001 , 65435,,\r\n\
                , , , , , ,\r\n\
                Bond County Clerk,county_clerk,Bond,17005,,,\r\n\
                \r\n\
                \r\n";
    let rows = authorities(text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 3);
    assert_eq!(rows[0].fields.name, "Adams County Clerk");
    assert_eq!(rows[0].fields.kind, EaKind::CountyClerk);
    assert_eq!(rows[1].line, 5);
}

#[test]
fn line_numbers_are_physical_lines() {
    // CRLF, a blank line and a quoted cell spanning two lines before the bad row.
    let text = "\u{feff}name,kind,county,fips_code,population,zone,navigators\r\n\
                \r\n\
                \"Adams\r\nCounty Clerk\",county_clerk,Adams,17001,,,\r\n\
                Bond County Clerk,county_clerk,Bond,1700,,,\r\n";
    let e = errs(authorities(text));
    assert_eq!(places(&e), [(3, Some("name")), (5, Some("fips_code"))]);

    // Old Mac line endings.
    let text = "name,kind,county,fips_code,population,zone,navigators\r\r\
                Bond County Clerk,county_clerk,Bond,1700,,,\r";
    assert_eq!(places(&errs(authorities(text))), [(3, Some("fips_code"))]);

    // An unclosed quote in the last cell swallows the file's last line break: the row still
    // starts on line 2 (found by scripts/fuzz-csv; it was reported on line 1).
    let text = format!("{EA_HEADER}Bond County Clerk,county_clerk,Bond,1700,,,\"x@y.org\n");
    assert_eq!(places(&errs(authorities(&text))), [(2, Some("fips_code"))]);
    let text = format!("{EA_HEADER}Bond County Clerk,county_clerk,Bond,17005,,,\"x@y.org\n");
    assert_eq!(authorities(&text).unwrap()[0].line, 2);

    // Last row without a line break.
    let text = format!("{EA_HEADER}\n\nBond County Clerk,county_clerk,Bond,1700,,,");
    assert_eq!(places(&errs(authorities(&text))), [(4, Some("fips_code"))]);
}

fn many_rows(n: usize) -> String {
    let mut text = CONTACT_HEADER.to_string();
    for i in 0..n {
        text.push_str(&format!("Adams County Clerk,it_lead,Person {i},,,,\n"));
    }
    text
}

#[test]
fn row_limit_is_enforced() {
    assert_eq!(contacts(&many_rows(MAX_ROWS)).unwrap().len(), MAX_ROWS);
    let e = errs(contacts(&many_rows(MAX_ROWS + 1)));
    assert_eq!(places(&e), [(10_002, None)]);
    assert!(
        e[0].message.contains("more than 10000 rows"),
        "{}",
        e[0].message
    );
}

fn adams() -> AuthorityExport {
    AuthorityExport {
        name: "=HYPERLINK(\"http://evil\",\"Adams, \"\"County\"\" Clerk\")".into(),
        kind: EaKind::CountyClerk,
        county: "Adams".into(),
        fips_code: FipsCode::parse("17001").unwrap(),
        population: Some(65_435),
        zone: Some("@zone".into()),
        navigators: vec![email("-nav@x.org"), email("b@x.org")],
    }
}

#[test]
fn writer_guards_formulas_and_round_trips() {
    let rows = vec![
        adams(),
        AuthorityExport {
            name: "'=already quoted".into(),
            population: None,
            zone: None,
            navigators: vec![],
            ..adams()
        },
    ];
    let mut out = Vec::new();
    write_authorities_csv(&mut out, &rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("name,kind,county,fips_code,population,zone,navigators\n"));
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(text.contains(",'@zone,"), "{text}");
    assert!(text.contains(",'-nav@x.org;b@x.org\n"), "{text}");
    assert!(text.contains("''=already quoted,"), "{text}");
    let back: Vec<AuthorityExport> = authorities(&text)
        .unwrap()
        .into_iter()
        .map(AuthorityExport::from)
        .collect();
    assert_eq!(back, rows);
}

#[test]
fn import_strips_a_quote_only_before_a_formula_character() {
    let text = format!("{CONTACT_HEADER}'=Adams,it_lead,'O'Brien,'-x,'+1 217 555 0100,,\n");
    let rows = contacts(&text).unwrap();
    assert_eq!(rows[0].authority, "=Adams");
    assert_eq!(rows[0].fields.name, "'O'Brien");
    assert_eq!(rows[0].fields.organisation.as_deref(), Some("-x"));
    assert_eq!(rows[0].fields.phone.as_deref(), Some("+1 217 555 0100"));
}

#[test]
fn contacts_round_trip_with_dates() {
    let rows = vec![
        ContactExport {
            authority: "Adams County Clerk".into(),
            fields: ContactFields {
                name: "Jane \"JD\" Doe, Jr.".into(),
                role: ContactRole::SecurityPoc,
                organisation: Some("+Vendor".into()),
                phone: Some("+1 (217) 555-0100 ext. 12".into()),
                email: Some(email("jane@adams.il.us")),
                last_verified_on: Some(date!(2026 - 03 - 05)),
            },
        },
        ContactExport {
            authority: "Bond County Clerk".into(),
            fields: ContactFields {
                name: "Bob".into(),
                role: ContactRole::ItLead,
                organisation: None,
                phone: None,
                email: None,
                last_verified_on: None,
            },
        },
    ];
    let mut out = Vec::new();
    write_contacts_csv(&mut out, &rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(",2026-03-05\n"), "{text}");
    let back: Vec<ContactExport> = contacts(&text)
        .unwrap()
        .into_iter()
        .map(ContactExport::from)
        .collect();
    assert_eq!(back, rows);
}

#[test]
fn errors_type_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(errs(authorities("")).remove(0));
    assert!(e.to_string().starts_with("line 1: the file is empty"));
    let e: Box<dyn std::error::Error> = Box::new(authorities("").unwrap_err());
    assert!(e.to_string().starts_with("line 1: "));
}
