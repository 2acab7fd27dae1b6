//! Demo dataset for Illinois: the 108 election authorities, the four navigator zones, the
//! vetted partner organisations and a deterministic source of person names.
//!
//! The authorities are the 102 Illinois county clerks (real county names and five-digit
//! county FIPS codes, 17001 Adams to 17203 Woodford) and six municipal boards of election
//! commissioners (Chicago, Bloomington, Danville, East St. Louis, Galesburg, Rockford). They
//! are embedded from `data/illinois-election-authorities.csv`.
//!
//! Population figures are **approximate and for demo only**: they are based on the 2020
//! census, rounded from memory rather than taken from an official release. Where a
//! municipal board exists, its city's population is subtracted from the county clerk's
//! figure (the Cook County Clerk's figure is suburban Cook, i.e. Cook minus Chicago), so the
//! sum over all 108 authorities approximates the state total of about 12.81 million.
//! Zone assignments are by rough geography and do not reproduce the State Board of
//! Elections' actual navigator zones.

use crate::election_authority::EaKind;
use crate::partner::PartnerKind;

/// The embedded CSV: `name,kind,county,fips_code,population,zone`, header row first.
const AUTHORITIES_CSV: &str = include_str!("../data/illinois-election-authorities.csv");

/// The four geographic navigator zones; each is covered by a pair of navigators.
pub const ZONES: [&str; 4] = ["Northeast", "Northwest", "Central", "Southern"];

/// One election authority of the demo dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAuthority {
    /// Official name, e.g. "Adams County Clerk".
    pub name: String,
    /// Office kind.
    pub kind: EaKind,
    /// County the authority sits in, e.g. "Adams".
    pub county: String,
    /// Five-digit county FIPS code, e.g. "17001".
    pub fips_code: String,
    /// Approximate residents served (2020 census, demo only).
    pub population: i64,
    /// Navigator zone, one of [`ZONES`].
    pub zone: String,
}

/// Parses one data row of the embedded CSV.
fn parse_row(line: &str) -> Result<DemoAuthority, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [name, kind, county, fips_code, population, zone] = fields.as_slice() else {
        return Err(format!("expected 6 fields, found {}", fields.len()));
    };
    let population = population
        .parse::<i64>()
        .map_err(|e| format!("bad population '{population}': {e}"))?;
    Ok(DemoAuthority {
        name: (*name).to_string(),
        kind: EaKind::parse(kind)?,
        county: (*county).to_string(),
        fips_code: (*fips_code).to_string(),
        population,
        zone: (*zone).to_string(),
    })
}

/// Parses every data row of a CSV text (the first line is the header).
fn parse_csv(text: &str) -> Result<Vec<DemoAuthority>, String> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| parse_row(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The 108 Illinois election authorities of the demo dataset, in file order (county clerks
/// by FIPS code, then the six municipal boards).
///
/// # Panics
///
/// Never in practice: the data is embedded at compile time and the unit tests prove it parses.
pub fn demo_authorities() -> Vec<DemoAuthority> {
    parse_csv(AUTHORITIES_CSV)
        .expect("embedded data/illinois-election-authorities.csv is malformed (checked by tests)")
}

/// A vetted partner organisation of the demo dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoPartner {
    /// Organisation name.
    pub name: &'static str,
    /// Organisation kind.
    pub kind: PartnerKind,
}

/// The vetted partner organisations the Illinois program works with (213.30(a)(7), (9)).
pub const DEMO_PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Statewide Terrorism and Intelligence Center (STIC)",
        kind: PartnerKind::FusionCenter,
    },
    DemoPartner {
        name: "FBI Springfield Field Office",
        kind: PartnerKind::FbiFieldOffice,
    },
    DemoPartner {
        name: "FBI Chicago Field Office",
        kind: PartnerKind::FbiFieldOffice,
    },
    DemoPartner {
        name: "CISA Region 5",
        kind: PartnerKind::Cisa,
    },
    DemoPartner {
        name: "MS-ISAC",
        kind: PartnerKind::Isac,
    },
    DemoPartner {
        name: "Illinois Department of Innovation and Technology (DoIT)",
        kind: PartnerKind::StateIt,
    },
    DemoPartner {
        name: "Illinois National Guard cyber unit",
        kind: PartnerKind::NationalGuard,
    },
];

/// Given names for demo people (60).
const FIRST_NAMES: [&str; 60] = [
    "Maria",
    "James",
    "Aisha",
    "Robert",
    "Mei",
    "David",
    "Priya",
    "Michael",
    "Fatima",
    "John",
    "Sofia",
    "Carlos",
    "Grace",
    "Ahmed",
    "Emily",
    "Luis",
    "Hannah",
    "Kwame",
    "Olivia",
    "Daniel",
    "Yuki",
    "William",
    "Ana",
    "Thomas",
    "Nadia",
    "Joseph",
    "Chloe",
    "Rajesh",
    "Laura",
    "Andre",
    "Elena",
    "Marcus",
    "Sarah",
    "Jamal",
    "Linh",
    "Patrick",
    "Rosa",
    "Kevin",
    "Amara",
    "Brian",
    "Ingrid",
    "Miguel",
    "Keisha",
    "Steven",
    "Leila",
    "Tomasz",
    "Megan",
    "Hiroshi",
    "Julia",
    "Samuel",
    "Zainab",
    "Eric",
    "Catherine",
    "Diego",
    "Naomi",
    "Gregory",
    "Esperanza",
    "Anil",
    "Rachel",
    "Dmitri",
];

/// Family names for demo people (80).
const LAST_NAMES: [&str; 80] = [
    "Anderson",
    "Nguyen",
    "Garcia",
    "Okafor",
    "Kowalski",
    "Patel",
    "Johnson",
    "Kim",
    "Martinez",
    "Schmidt",
    "Washington",
    "Chen",
    "Hernandez",
    "O'Brien",
    "Singh",
    "Miller",
    "Nowak",
    "Rodriguez",
    "Jackson",
    "Tanaka",
    "Lopez",
    "Murphy",
    "Haddad",
    "Wilson",
    "Gonzalez",
    "Brown",
    "Ivanova",
    "Thompson",
    "Rivera",
    "Mensah",
    "Sullivan",
    "Park",
    "Davis",
    "Hoffmann",
    "Ramirez",
    "Williams",
    "Cohen",
    "Adeyemi",
    "Taylor",
    "Flores",
    "Becker",
    "Shah",
    "Moore",
    "Lindqvist",
    "Torres",
    "Robinson",
    "Yamamoto",
    "Walsh",
    "Ortiz",
    "Harris",
    "Novak",
    "Ali",
    "Clark",
    "Reyes",
    "Fischer",
    "Lewis",
    "Petrov",
    "Morales",
    "Young",
    "Mahmoud",
    "King",
    "Castillo",
    "Wright",
    "Zhang",
    "Schultz",
    "Scott",
    "Diaz",
    "Baker",
    "Kaminski",
    "Green",
    "Mukherjee",
    "Hall",
    "Vargas",
    "Adams",
    "Olsen",
    "Campbell",
    "Jimenez",
    "Mitchell",
    "Cruz",
    "Turner",
];

/// A deterministic, realistic `(first, last)` name for the demo person number `seed`.
///
/// First and last names advance with different strides (13 and 37, each coprime to its
/// list length), so consecutive seeds look unrelated and the pairs only repeat every
/// 240 seeds.
pub fn demo_person_name(seed: usize) -> (String, String) {
    let first = FIRST_NAMES[seed.wrapping_mul(13) % FIRST_NAMES.len()];
    let last = LAST_NAMES[seed.wrapping_mul(37) % LAST_NAMES.len()];
    (first.to_string(), last.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    use super::*;
    use crate::election_authority::FipsCode;

    #[test]
    fn embedded_file_parses() {
        let parsed = parse_csv(AUTHORITIES_CSV);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn header_is_exact_and_no_bom() {
        assert!(AUTHORITIES_CSV.starts_with("name,kind,county,fips_code,population,zone\n"));
    }

    #[test]
    fn malformed_rows_are_rejected() {
        let header = "name,kind,county,fips_code,population,zone\n";
        assert!(parse_csv(&format!("{header}A,county_clerk,A,17001,10\n")).is_err());
        assert!(parse_csv(&format!("{header}A,mayor,A,17001,10,Central\n")).is_err());
        assert!(parse_csv(&format!("{header}A,county_clerk,A,17001,many,Central\n")).is_err());
    }

    #[test]
    fn exactly_108_authorities() {
        let all = demo_authorities();
        assert_eq!(all.len(), 108);
        assert_eq!(
            all.iter().filter(|a| a.kind == EaKind::CountyClerk).count(),
            102
        );
        assert_eq!(
            all.iter()
                .filter(|a| a.kind == EaKind::BoardOfElectionCommissioners)
                .count(),
            6
        );
    }

    #[test]
    fn county_fips_codes_cover_every_odd_code_once() {
        let all = demo_authorities();
        assert!(all.iter().all(|a| a.fips_code.starts_with("17")));
        let distinct: HashSet<&str> = all.iter().map(|a| a.fips_code.as_str()).collect();
        assert_eq!(distinct.len(), 102);
        let clerk_codes: Vec<&str> = all
            .iter()
            .filter(|a| a.kind == EaKind::CountyClerk)
            .map(|a| a.fips_code.as_str())
            .collect();
        for county in (1..=203).step_by(2) {
            let code = format!("17{county:03}");
            let n = clerk_codes.iter().filter(|c| **c == code).count();
            assert_eq!(n, 1, "county code {code} appears {n} times among clerks");
        }
        // Each board sits in a county that has a clerk with the same code and county name.
        for board in all
            .iter()
            .filter(|a| a.kind == EaKind::BoardOfElectionCommissioners)
        {
            assert!(
                all.iter().any(|a| a.kind == EaKind::CountyClerk
                    && a.fips_code == board.fips_code
                    && a.county == board.county),
                "{}",
                board.name
            );
        }
    }

    #[test]
    fn names_are_unique_and_clerks_are_named_after_their_county() {
        let all = demo_authorities();
        let names: HashSet<&str> = all.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for a in all.iter().filter(|a| a.kind == EaKind::CountyClerk) {
            assert_eq!(a.name, format!("{} County Clerk", a.county));
        }
    }

    #[test]
    fn zones_are_all_used_and_balanced() {
        let all = demo_authorities();
        let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &all {
            assert!(ZONES.contains(&a.zone.as_str()), "unknown zone {}", a.zone);
            *sizes.entry(a.zone.as_str()).or_default() += 1;
        }
        for zone in ZONES {
            let n = sizes.get(zone).copied().unwrap_or(0);
            assert!((20..=35).contains(&n), "zone {zone} has {n} authorities");
        }
    }

    #[test]
    fn every_row_parses_with_domain_parsers() {
        for a in demo_authorities() {
            assert_eq!(
                FipsCode::parse(&a.fips_code).map(|c| c.to_string()),
                Ok(a.fips_code.clone())
            );
            assert_eq!(EaKind::parse(a.kind.as_str()), Ok(a.kind));
        }
        for line in AUTHORITIES_CSV.lines().skip(1) {
            let kind = line.split(',').nth(1).unwrap_or_default();
            assert!(EaKind::parse(kind).is_ok(), "{line}");
        }
    }

    #[test]
    fn populations_are_positive_and_sum_to_illinois() {
        let all = demo_authorities();
        assert!(all.iter().all(|a| a.population > 0));
        let total: i64 = all.iter().map(|a| a.population).sum();
        assert!(
            (12_500_000..=13_000_000).contains(&total),
            "total population {total}"
        );
    }

    #[test]
    fn no_field_contains_a_comma_or_quote() {
        for line in AUTHORITIES_CSV.lines() {
            assert_eq!(line.split(',').count(), 6, "{line}");
            assert!(!line.contains('"'), "{line}");
        }
        for a in demo_authorities() {
            for field in [&a.name, &a.county, &a.fips_code, &a.zone] {
                assert!(!field.contains(',') && !field.contains('"'), "{field}");
            }
        }
    }

    #[test]
    fn partners_cover_the_expected_kinds() {
        assert_eq!(DEMO_PARTNERS.len(), 7);
        let names: HashSet<&str> = DEMO_PARTNERS.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), DEMO_PARTNERS.len());
        let kinds: BTreeSet<&str> = DEMO_PARTNERS.iter().map(|p| p.kind.as_str()).collect();
        for kind in [
            "fusion_center",
            "fbi_field_office",
            "cisa",
            "isac",
            "state_it",
            "national_guard",
        ] {
            assert!(kinds.contains(kind), "{kind}");
        }
    }

    #[test]
    fn person_names_are_varied_and_deterministic() {
        let pairs: HashSet<(String, String)> = (0..230).map(demo_person_name).collect();
        assert!(pairs.len() >= 200, "only {} distinct names", pairs.len());
        assert_eq!(demo_person_name(17), demo_person_name(17));
        assert_ne!(demo_person_name(0), demo_person_name(1));
        assert!(FIRST_NAMES.iter().collect::<HashSet<_>>().len() == FIRST_NAMES.len());
        assert!(LAST_NAMES.iter().collect::<HashSet<_>>().len() == LAST_NAMES.len());
    }
}
