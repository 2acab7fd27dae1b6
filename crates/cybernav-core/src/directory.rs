//! The incident-response directory (Part 213.30(a)(9)): whom an election authority calls when
//! something goes wrong, in which order, and on which channel.
//!
//! An entry belongs to the whole state, to one navigator zone or to one election authority; an
//! authority's card lists the entries that apply to it (statewide, its zone's, its own) in
//! escalation order. An entry not verified for more than [`NEEDS_CHECKING_DAYS`] days is flagged
//! "needs checking": a wrong 24/7 number is found out at the worst moment.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::contact::parse_date;
use crate::email::EmailAddress;
use crate::validation::{FieldErrors, clean_text, optional_multiline_text, optional_text};

/// Days after its last verification when an entry needs checking again.
pub const NEEDS_CHECKING_DAYS: i64 = 180;

/// The highest escalation order accepted (1 is called first).
pub const MAX_ESCALATION_ORDER: i64 = 99;

/// What kind of organisation an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The state fusion center (in Illinois, STIC).
    FusionCenter,
    /// An FBI field office.
    FbiFieldOffice,
    /// CISA (regional office, election security advisor, 24/7 operations center).
    Cisa,
    /// The Multi-State ISAC.
    MsIsac,
    /// The Elections Infrastructure ISAC.
    EiIsac,
    /// The state IT department (in Illinois, DoIT).
    StateIt,
    /// The National Guard's cyber unit.
    NationalGuard,
    /// An election or IT vendor.
    Vendor,
    /// Local or state police.
    LawEnforcement,
    /// Anyone else.
    Other,
}

impl EntryKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [EntryKind; 10] = [
        EntryKind::FusionCenter,
        EntryKind::FbiFieldOffice,
        EntryKind::Cisa,
        EntryKind::MsIsac,
        EntryKind::EiIsac,
        EntryKind::StateIt,
        EntryKind::NationalGuard,
        EntryKind::Vendor,
        EntryKind::LawEnforcement,
        EntryKind::Other,
    ];

    /// The stable identifier stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::FusionCenter => "fusion_center",
            EntryKind::FbiFieldOffice => "fbi_field_office",
            EntryKind::Cisa => "cisa",
            EntryKind::MsIsac => "ms_isac",
            EntryKind::EiIsac => "ei_isac",
            EntryKind::StateIt => "state_it",
            EntryKind::NationalGuard => "national_guard",
            EntryKind::Vendor => "vendor",
            EntryKind::LawEnforcement => "law_enforcement",
            EntryKind::Other => "other",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::FusionCenter => "Fusion center",
            EntryKind::FbiFieldOffice => "FBI field office",
            EntryKind::Cisa => "CISA",
            EntryKind::MsIsac => "MS-ISAC",
            EntryKind::EiIsac => "EI-ISAC",
            EntryKind::StateIt => "State IT department",
            EntryKind::NationalGuard => "National Guard",
            EntryKind::Vendor => "Vendor",
            EntryKind::LawEnforcement => "Law enforcement",
            EntryKind::Other => "Other",
        }
    }

    /// Parses the stable identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<EntryKind, String> {
        EntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind '{}'; expected one of: {}",
                    s.trim(),
                    EntryKind::ALL.map(EntryKind::as_str).join(", ")
                )
            })
    }
}

/// Where an entry applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// Every election authority.
    Statewide,
    /// The authorities of one navigator zone.
    Zone(Uuid),
    /// One election authority.
    Authority(Uuid),
}

impl Scope {
    /// The stored identifier of the scope's kind: `statewide`, `zone` or `authority`.
    pub fn kind_str(self) -> &'static str {
        match self {
            Scope::Statewide => "statewide",
            Scope::Zone(_) => "zone",
            Scope::Authority(_) => "authority",
        }
    }

    /// The zone or authority id, none for statewide.
    pub fn id(self) -> Option<Uuid> {
        match self {
            Scope::Statewide => None,
            Scope::Zone(id) | Scope::Authority(id) => Some(id),
        }
    }

    /// Rebuilds a scope from its stored parts.
    pub fn from_parts(kind: &str, id: Option<Uuid>) -> Result<Scope, String> {
        match (kind.trim(), id) {
            ("statewide", _) => Ok(Scope::Statewide),
            ("zone", Some(id)) => Ok(Scope::Zone(id)),
            ("authority", Some(id)) => Ok(Scope::Authority(id)),
            ("zone" | "authority", None) => Err(format!(
                "a {} scope needs scope_id: the {} it applies to",
                kind.trim(),
                if kind.trim() == "zone" {
                    "zone"
                } else {
                    "election authority"
                }
            )),
            (other, _) => Err(format!(
                "unknown scope '{other}'; expected statewide, zone or authority"
            )),
        }
    }

    /// Whether the entry applies to the authority `ea` in zone `zone`.
    pub fn applies_to(self, ea: Uuid, zone: Option<Uuid>) -> bool {
        match self {
            Scope::Statewide => true,
            Scope::Zone(z) => zone == Some(z),
            Scope::Authority(a) => a == ea,
        }
    }
}

/// Whether an entry last verified on `last_verified_on` needs checking on `today`: never
/// verified, or more than [`NEEDS_CHECKING_DAYS`] days ago.
pub fn needs_checking(last_verified_on: Option<Date>, today: Date) -> bool {
    match last_verified_on {
        None => true,
        Some(d) => today - d > Duration::days(NEEDS_CHECKING_DAYS),
    }
}

/// Parses a phone number written E.164-style (`+12175550100`) or the usual way
/// (`217-555-0100`, `(217) 555-0100`), with an optional extension (`ext. 12`, `x12`): 7 to 15
/// digits. Blank is none.
pub fn parse_phone(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let lower = s.to_lowercase();
    let (main, ext) = if let Some((m, e)) = lower.split_once("ext") {
        (m, Some(e.trim_start_matches('.')))
    } else if let Some((m, e)) = lower.rsplit_once('x') {
        (m, Some(e))
    } else {
        (lower.as_str(), None)
    };
    let main = main.trim();
    let plus_ok = !main.chars().skip(1).any(|c| c == '+');
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let ext_ok = ext
        .map(str::trim)
        .is_none_or(|e| !e.is_empty() && e.len() <= 6 && e.chars().all(|c| c.is_ascii_digit()));
    if plus_ok && main.chars().all(allowed) && (7..=15).contains(&digits) && ext_ok {
        Ok(Some(s.to_string()))
    } else {
        Err(format!(
            "'{s}' is not a phone number: write it like +1 217-555-0100 or 217-555-0100 ext. 12"
        ))
    }
}

/// What a person fills in for an entry (form, JSON body).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    /// The organisation.
    pub organisation: String,
    /// Kind identifier.
    pub kind: String,
    /// `statewide`, `zone` or `authority`.
    pub scope: String,
    /// The zone or authority for a zone or authority scope.
    #[serde(default)]
    pub scope_id: Option<String>,
    /// The 24/7 number.
    #[serde(default)]
    pub phone_24x7: Option<String>,
    /// The business-hours number.
    #[serde(default)]
    pub business_phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Secure channel (HSIN, Signal, a portal), free text.
    #[serde(default)]
    pub secure_channel: Option<String>,
    /// What to call them for.
    #[serde(default)]
    pub call_for: Option<String>,
    /// Escalation order, 1 first.
    #[serde(default)]
    pub escalation_order: Option<String>,
    /// `YYYY-MM-DD`, when the details were last confirmed.
    #[serde(default)]
    pub last_verified_on: Option<String>,
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields {
    /// The organisation.
    pub organisation: String,
    /// Kind.
    pub kind: EntryKind,
    /// Where it applies.
    pub scope: Scope,
    /// 24/7 number.
    pub phone_24x7: Option<String>,
    /// Business number.
    pub business_phone: Option<String>,
    /// E-mail.
    pub email: Option<EmailAddress>,
    /// Secure channel.
    pub secure_channel: Option<String>,
    /// What to call them for.
    pub call_for: Option<String>,
    /// Escalation order.
    pub escalation_order: i64,
    /// Last verified.
    pub last_verified_on: Option<Date>,
}

impl EntryInput {
    /// Validates every field at once, naming each problem's field. At least one way to reach
    /// the organisation is required; a verification date in the future is refused.
    pub fn validate(&self, now: OffsetDateTime) -> Result<EntryFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let organisation = errors.check("organisation", clean_text(&self.organisation, 200));
        let kind = errors.check("kind", EntryKind::parse(&self.kind));
        let scope_id = match self.scope_id.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => Uuid::parse_str(raw)
                .map(Some)
                .map_err(|_| format!("'{raw}' is not an id")),
        };
        let scope = match scope_id {
            Ok(id) => match Scope::from_parts(&self.scope, id) {
                Ok(s) => Some(s),
                Err(e) => {
                    let field = if e.starts_with("unknown") {
                        "scope"
                    } else {
                        "scope_id"
                    };
                    errors.add(field, e);
                    None
                }
            },
            Err(e) => {
                errors.add("scope_id", e);
                None
            }
        };
        let phone_24x7 = errors.check("phone_24x7", parse_phone(self.phone_24x7.as_deref()));
        let business_phone = errors.check(
            "business_phone",
            parse_phone(self.business_phone.as_deref()),
        );
        let email = errors.check(
            "email",
            match self.email.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(e) => EmailAddress::parse(e).map(Some),
            },
        );
        let secure_channel = errors.check(
            "secure_channel",
            optional_text(self.secure_channel.as_deref(), 300),
        );
        let call_for = errors.check(
            "call_for",
            optional_multiline_text(self.call_for.as_deref(), 1_000),
        );
        let escalation_order = errors.check(
            "escalation_order",
            match self.escalation_order.as_deref().map(str::trim) {
                None | Some("") => Err("is required: 1 is called first".to_string()),
                Some(raw) => match raw.parse::<i64>() {
                    Ok(n) if (1..=MAX_ESCALATION_ORDER).contains(&n) => Ok(n),
                    _ => Err(format!(
                        "'{raw}' is not an escalation order: a whole number from 1 (called first) to {MAX_ESCALATION_ORDER}"
                    )),
                },
            },
        );
        let last_verified_on = errors.check(
            "last_verified_on",
            parse_date(self.last_verified_on.as_deref()).and_then(|d| match d {
                Some(d) if d > now.date() => Err(format!("{d} is in the future")),
                other => Ok(other),
            }),
        );
        if matches!(
            (&phone_24x7, &business_phone, &email),
            (Some(None), Some(None), Some(None))
        ) {
            errors.add(
                "phone_24x7",
                "give at least one way to reach them: a 24/7 number, a business number or an e-mail",
            );
        }
        match (
            organisation,
            kind,
            scope,
            phone_24x7,
            business_phone,
            email,
            secure_channel,
            call_for,
            escalation_order,
            last_verified_on,
        ) {
            (
                Some(organisation),
                Some(kind),
                Some(scope),
                Some(phone_24x7),
                Some(business_phone),
                Some(email),
                Some(secure_channel),
                Some(call_for),
                Some(escalation_order),
                Some(last_verified_on),
            ) if errors.is_empty() => Ok(EntryFields {
                organisation,
                kind,
                scope,
                phone_24x7,
                business_phone,
                email,
                secure_channel,
                call_for,
                escalation_order,
                last_verified_on,
            }),
            _ => Err(errors),
        }
    }
}

/// What to do first, in order, printed at the top of every incident card. The same text is in
/// docs/DIRECTORY-OUTREACH.md.
pub const FIRST_STEPS: [&str; 5] = [
    "Do not turn off or wipe the affected computer: leave it on so evidence in memory is kept. If it must be cut off, unplug its network cable or turn off its Wi-Fi instead.",
    "Write down what you saw and when (screens, messages, times, who noticed). Take photos of the screen with a phone. Do not delete anything.",
    "Call the organisations below in order, starting with 1, until someone answers. Say you are an election authority and it is a possible cyber incident.",
    "Call your Cyber Navigator and the Program Manager (below) as soon as the first call is made.",
    "Do not talk to the press or post about it; the Board and the partners below will help you decide what to say.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn input() -> EntryInput {
        EntryInput {
            organisation: "Statewide Terrorism and Intelligence Center".into(),
            kind: "fusion_center".into(),
            scope: "statewide".into(),
            phone_24x7: Some("+1 217-555-0100".into()),
            escalation_order: Some("1".into()),
            last_verified_on: Some("2026-01-05".into()),
            ..EntryInput::default()
        }
    }

    #[test]
    fn a_good_entry_validates() {
        let f = input().validate(datetime!(2026-02-01 12:00 UTC)).unwrap();
        assert_eq!(f.kind, EntryKind::FusionCenter);
        assert_eq!(f.scope, Scope::Statewide);
        assert_eq!(f.escalation_order, 1);
        assert_eq!(f.last_verified_on, Some(date!(2026 - 01 - 05)));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = EntryInput {
            organisation: " ".into(),
            kind: "police".into(),
            scope: "zone".into(),
            scope_id: None,
            phone_24x7: Some("call me".into()),
            business_phone: Some("217-555-0100 ext".into()),
            email: Some("nope".into()),
            escalation_order: Some("0".into()),
            last_verified_on: Some("2030-01-01".into()),
            ..EntryInput::default()
        };
        let e = bad.validate(datetime!(2026-02-01 12:00 UTC)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "organisation",
                "kind",
                "scope_id",
                "phone_24x7",
                "business_phone",
                "email",
                "escalation_order",
                "last_verified_on"
            ]
        );
        let none = EntryInput {
            phone_24x7: None,
            ..input()
        };
        let e = none.validate(datetime!(2026-02-01 12:00 UTC)).unwrap_err();
        assert_eq!(e.0[0].field, "phone_24x7");
        assert!(e.0[0].message.contains("at least one way"));
    }

    #[test]
    fn phones_e164_or_with_extension() {
        for ok in [
            "+12175550100",
            "217-555-0100",
            "(217) 555-0100",
            "217.555.0100 ext. 12",
            "217-555-0100 x12",
        ] {
            assert!(parse_phone(Some(ok)).unwrap().is_some(), "{ok}");
        }
        for bad in ["555", "217-555-0100 ext abc", "1+217555", "phone"] {
            assert!(parse_phone(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_phone(Some("  ")), Ok(None));
    }

    #[test]
    fn scopes_apply_and_staleness() {
        let ea = Uuid::new_v4();
        let zone = Uuid::new_v4();
        assert!(Scope::Statewide.applies_to(ea, None));
        assert!(Scope::Zone(zone).applies_to(ea, Some(zone)));
        assert!(!Scope::Zone(zone).applies_to(ea, None));
        assert!(Scope::Authority(ea).applies_to(ea, Some(zone)));
        assert!(!Scope::Authority(Uuid::new_v4()).applies_to(ea, Some(zone)));
        assert_eq!(
            Scope::from_parts("authority", Some(ea)),
            Ok(Scope::Authority(ea))
        );
        assert!(Scope::from_parts("county", None).is_err());
        let today = date!(2026 - 07 - 01);
        assert!(needs_checking(None, today));
        assert!(!needs_checking(Some(today - Duration::days(180)), today));
        assert!(needs_checking(Some(today - Duration::days(181)), today));
    }
}
