//! People to reach at an election authority, and when their details go stale.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::email::EmailAddress;
use crate::validation::{FieldErrors, clean_text, optional_text};

/// Why a contact matters (213.30(a)(4): the election official and the person in charge of IT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// The election official (county clerk, executive director).
    ElectionOfficial,
    /// The person in charge of IT: county IT staff or a vendor.
    ItLead,
    /// The board of election commissioners' person in charge of IT.
    CommissionersIt,
    /// The security point of contact for alerts and incidents.
    SecurityPoc,
}

impl ContactRole {
    /// Every contact role.
    pub const ALL: [ContactRole; 4] = [
        ContactRole::ElectionOfficial,
        ContactRole::ItLead,
        ContactRole::CommissionersIt,
        ContactRole::SecurityPoc,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::ElectionOfficial => "election_official",
            ContactRole::ItLead => "it_lead",
            ContactRole::CommissionersIt => "commissioners_it",
            ContactRole::SecurityPoc => "security_poc",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ContactRole::ElectionOfficial => "Election official",
            ContactRole::ItLead => "Person in charge of IT",
            ContactRole::CommissionersIt => "Commissioners' IT person",
            ContactRole::SecurityPoc => "Security point of contact",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, String> {
        ContactRole::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown contact role '{}'; expected one of {}",
                    s.trim(),
                    ContactRole::ALL.map(ContactRole::as_str).join(", ")
                )
            })
    }
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Row id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority_id: Uuid,
    /// Full name.
    pub name: String,
    /// Role at the authority.
    pub role: ContactRole,
    /// Employer when not the authority itself (county IT, a vendor).
    pub organisation: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// When someone last confirmed these details.
    pub last_verified_on: Option<Date>,
}

/// Whether contact details are overdue for re-verification.
///
/// A contact never verified is stale; one verified `stale_after_days` or more days ago is stale.
pub fn is_stale(last_verified_on: Option<Date>, today: Date, stale_after_days: i64) -> bool {
    match last_verified_on {
        None => true,
        Some(d) => today - d >= Duration::days(stale_after_days),
    }
}

/// The validated fields of a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFields {
    /// Full name.
    pub name: String,
    /// Role.
    pub role: ContactRole,
    /// Employer.
    pub organisation: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<EmailAddress>,
    /// Last verified.
    pub last_verified_on: Option<Date>,
}

/// Raw contact input from a form, JSON body or CSV row.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Full name.
    pub name: String,
    /// Contact role identifier.
    pub role: String,
    /// Employer.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub last_verified_on: Option<String>,
}

/// Parses a phone number: digits with the usual separators, 7 to 15 digits, optional extension.
pub fn parse_phone(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let (main, ext) = match s.to_lowercase().split_once("ext") {
        Some((m, e)) => (
            m.to_string(),
            Some(
                e.trim_matches(|c: char| c == '.' || c.is_whitespace())
                    .to_string(),
            ),
        ),
        None => (s.to_string(), None),
    };
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let ext_ok = ext
        .as_deref()
        .is_none_or(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    if main.chars().all(allowed) && (7..=15).contains(&digits) && ext_ok {
        Ok(Some(s.to_string()))
    } else {
        Err(format!(
            "'{s}' is not a phone number: write it like 217-555-0100"
        ))
    }
}

/// Parses an ISO date `YYYY-MM-DD`; blank is none.
pub fn parse_date(raw: Option<&str>) -> Result<Option<Date>, String> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format)
        .map(Some)
        .map_err(|_| format!("'{s}' is not a date: write it as YYYY-MM-DD, like 2026-03-15"))
}

impl ContactInput {
    /// Validates every field, reporting all problems at once. A verification date in the
    /// future is refused.
    pub fn validate(&self, now: OffsetDateTime) -> Result<ContactFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", clean_text(&self.name, 200));
        let role = errors.check("role", ContactRole::parse(&self.role));
        let organisation = errors.check(
            "organisation",
            optional_text(self.organisation.as_deref(), 200),
        );
        let phone = errors.check("phone", parse_phone(self.phone.as_deref()));
        let email = errors.check(
            "email",
            match self.email.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(e) => EmailAddress::parse(e).map(Some),
            },
        );
        let verified = errors.check(
            "last_verified_on",
            parse_date(self.last_verified_on.as_deref()).and_then(|d| match d {
                Some(d) if d > now.date() => Err(format!("{d} is in the future")),
                other => Ok(other),
            }),
        );
        match (name, role, organisation, phone, email, verified) {
            (
                Some(name),
                Some(role),
                Some(organisation),
                Some(phone),
                Some(email),
                Some(last_verified_on),
            ) if errors.is_empty() => Ok(ContactFields {
                name,
                role,
                organisation,
                phone,
                email,
                last_verified_on,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn staleness_boundary() {
        let today = date!(2026 - 11 - 23);
        assert!(is_stale(None, today, 180));
        assert!(!is_stale(Some(date!(2026 - 05 - 28)), today, 180));
        assert!(is_stale(Some(date!(2026 - 05 - 27)), today, 180));
    }

    #[test]
    fn phones() {
        assert!(parse_phone(Some("(217) 555-0100")).unwrap().is_some());
        assert!(parse_phone(Some("217-555-0100 ext. 12")).unwrap().is_some());
        assert!(parse_phone(Some("call me")).is_err());
        assert!(parse_phone(Some("12")).is_err());
        assert_eq!(parse_phone(Some(" ")).unwrap(), None);
    }

    #[test]
    fn contact_validation_names_fields() {
        let input = ContactInput {
            name: "".into(),
            role: "boss".into(),
            email: Some("nope".into()),
            last_verified_on: Some("2027-01-01".into()),
            ..Default::default()
        };
        let e = input.validate(datetime!(2026-11-23 12:00 UTC)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "role", "email", "last_verified_on"]);
    }
}
