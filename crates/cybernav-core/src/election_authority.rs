//! Election authorities (county clerks and boards of election commissioners) and zones.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{FieldErrors, clean_text, optional_text};

/// What kind of office an election authority is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EaKind {
    /// A county clerk who runs elections for the county.
    CountyClerk,
    /// A board of election commissioners (county-wide or municipal).
    BoardOfElectionCommissioners,
}

impl EaKind {
    /// Every kind.
    pub const ALL: [EaKind; 2] = [EaKind::CountyClerk, EaKind::BoardOfElectionCommissioners];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            EaKind::CountyClerk => "county_clerk",
            EaKind::BoardOfElectionCommissioners => "board_of_election_commissioners",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            EaKind::CountyClerk => "County clerk",
            EaKind::BoardOfElectionCommissioners => "Board of election commissioners",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, String> {
        EaKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind '{}'; expected county_clerk or board_of_election_commissioners",
                    s.trim()
                )
            })
    }
}

/// A five-digit county FIPS code (two-digit state, three-digit county), e.g. `17001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct FipsCode(String);

impl FipsCode {
    /// Parses a five-digit code.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "'{s}' is not a county FIPS code: expected five digits, like 17001"
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FipsCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<FipsCode> for String {
    fn from(value: FipsCode) -> Self {
        value.0
    }
}

impl std::fmt::Display for FipsCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A geographic zone that a pair of navigators covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Row id.
    pub id: Uuid,
    /// Name, e.g. "Northeast".
    pub name: String,
}

/// An election authority as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionAuthority {
    /// Row id.
    pub id: Uuid,
    /// Official name, e.g. "Adams County Clerk".
    pub name: String,
    /// Office kind.
    pub kind: EaKind,
    /// County the authority sits in.
    pub county: String,
    /// County FIPS code.
    pub fips_code: FipsCode,
    /// Residents served.
    pub population: Option<i64>,
    /// Navigator zone, if assigned.
    pub zone_id: Option<Uuid>,
}

/// The validated fields of an election authority, for create and update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionAuthorityFields {
    /// Official name.
    pub name: String,
    /// Office kind.
    pub kind: EaKind,
    /// County.
    pub county: String,
    /// County FIPS code.
    pub fips_code: FipsCode,
    /// Residents served.
    pub population: Option<i64>,
    /// Zone, by name (resolved to an id by the use case).
    pub zone: Option<String>,
}

/// Raw input for an election authority, as a form or JSON body gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionAuthorityInput {
    /// Official name.
    pub name: String,
    /// `county_clerk` or `board_of_election_commissioners`.
    pub kind: String,
    /// County.
    pub county: String,
    /// Five-digit FIPS code.
    pub fips_code: String,
    /// Residents served (blank for unknown).
    #[serde(default)]
    pub population: Option<String>,
    /// Zone name (blank for none).
    #[serde(default)]
    pub zone: Option<String>,
}

/// Parses a population figure: blank is unknown; otherwise a whole number 0..=20,000,000.
pub fn parse_population(raw: Option<&str>) -> Result<Option<i64>, String> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => {
            let digits: String = s.chars().filter(|c| *c != ',').collect();
            match digits.parse::<i64>() {
                Ok(n) if (0..=20_000_000).contains(&n) => Ok(Some(n)),
                _ => Err(format!(
                    "'{s}' is not a population: expected a whole number such as 65435"
                )),
            }
        }
    }
}

impl ElectionAuthorityInput {
    /// Validates every field, reporting all problems at once.
    pub fn validate(&self) -> Result<ElectionAuthorityFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", clean_text(&self.name, 200));
        let kind = errors.check("kind", EaKind::parse(&self.kind));
        let county = errors.check("county", clean_text(&self.county, 100));
        let fips_code = errors.check("fips_code", FipsCode::parse(&self.fips_code));
        let population = errors.check("population", parse_population(self.population.as_deref()));
        let zone = errors.check("zone", optional_text(self.zone.as_deref(), 100));
        match (name, kind, county, fips_code, population, zone) {
            (
                Some(name),
                Some(kind),
                Some(county),
                Some(fips_code),
                Some(population),
                Some(zone),
            ) if errors.is_empty() => Ok(ElectionAuthorityFields {
                name,
                kind,
                county,
                fips_code,
                population,
                zone,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ElectionAuthorityInput {
        ElectionAuthorityInput {
            name: "Adams County Clerk".into(),
            kind: "county_clerk".into(),
            county: "Adams".into(),
            fips_code: "17001".into(),
            population: Some("65,435".into()),
            zone: Some("West Central".into()),
        }
    }

    #[test]
    fn valid_input_parses() {
        let f = input().validate().unwrap();
        assert_eq!(f.population, Some(65435));
        assert_eq!(f.fips_code.as_str(), "17001");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.name = " ".into();
        i.kind = "clerk".into();
        i.fips_code = "1700".into();
        i.population = Some("many".into());
        let errors = i.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "fips_code", "population"]);
    }
}
