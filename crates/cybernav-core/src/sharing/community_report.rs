//! What an election authority reports to the Board (Part 213.50(a)(2)(B)) and the Program
//! Manager's decision on it, as plain rules: the kinds of observation a clerk picks from, the
//! markings the county's form offers in plain words, a report's status and which decisions it
//! still allows, the reference number people quote, and the limits of what one report holds.
//!
//! Pure: the STIX objects a form report becomes are written by `cybernav-formats`, the
//! report and its sightings are stored by `cybernav-store`, and `cybernav-app` ties them.

use std::fmt;

use uuid::Uuid;

use super::marking::Tlp;

/// The longest description, in characters (about four pages of text).
pub const DESCRIPTION_MAX: usize = 10_000;
/// The longest pasted list of indicators, in characters.
pub const INDICATORS_TEXT_MAX: usize = 50_000;
/// The most indicators one form report names.
pub const INDICATORS_MAX: usize = 500;
/// The longest e-mail subject, in characters.
pub const SUBJECT_MAX: usize = 500;
/// The longest reason or note the Program Manager gives with a decision, in characters.
pub const DECISION_NOTE_MAX: usize = 2_000;

/// What a person saw, as the county's form asks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObservationKind {
    /// A suspicious e-mail or a phishing attempt.
    Phishing,
    /// A suspicious web address or IP address, for example in firewall or web logs.
    SuspiciousAddress,
    /// Malware or a suspicious file.
    Malware,
    /// An account used by someone who should not, or in a way it should not be.
    AccountMisuse,
    /// Anything else.
    Other,
}

impl ObservationKind {
    /// Every kind, in the order the form lists them.
    pub const ALL: [ObservationKind; 5] = [
        ObservationKind::Phishing,
        ObservationKind::SuspiciousAddress,
        ObservationKind::Malware,
        ObservationKind::AccountMisuse,
        ObservationKind::Other,
    ];

    /// The stable identifier stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ObservationKind::Phishing => "phishing",
            ObservationKind::SuspiciousAddress => "suspicious_address",
            ObservationKind::Malware => "malware",
            ObservationKind::AccountMisuse => "account_misuse",
            ObservationKind::Other => "other",
        }
    }

    /// What the form calls it.
    pub fn label(self) -> &'static str {
        match self {
            ObservationKind::Phishing => "Suspicious e-mail or phishing",
            ObservationKind::SuspiciousAddress => "Suspicious web address or IP address",
            ObservationKind::Malware => "Malware or a suspicious file",
            ObservationKind::AccountMisuse => "Someone misusing an account",
            ObservationKind::Other => "Something else",
        }
    }

    /// An example under the label, in a clerk's words.
    pub fn hint(self) -> &'static str {
        match self {
            ObservationKind::Phishing => {
                "An e-mail asking for a password, payment or a click, or one pretending to be someone it is not."
            }
            ObservationKind::SuspiciousAddress => {
                "A web address or IP address you do not recognise, for example in firewall or web server logs."
            }
            ObservationKind::Malware => {
                "Antivirus warned about a file, a file behaved strangely, or a computer shows a ransom note."
            }
            ObservationKind::AccountMisuse => {
                "A sign-in you did not make, a changed password, or an account doing things its owner did not."
            }
            ObservationKind::Other => "Anything else that worried you.",
        }
    }

    /// The tag a draft intelligence note made from such a report carries, so it matches the
    /// information needs authorities state (`None` for "something else").
    pub fn tag(self) -> Option<&'static str> {
        match self {
            ObservationKind::Phishing => Some("phishing"),
            ObservationKind::SuspiciousAddress => Some("suspicious traffic"),
            ObservationKind::Malware => Some("malware"),
            ObservationKind::AccountMisuse => Some("account compromise"),
            ObservationKind::Other => None,
        }
    }

    /// Reads the stable identifier.
    pub fn parse(s: &str) -> Result<ObservationKind, String> {
        let t = s.trim();
        ObservationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                if t.is_empty() {
                    "choose what you saw".to_string()
                } else {
                    format!(
                        "'{t}' is not a kind of observation; expected one of {}",
                        ObservationKind::ALL.map(ObservationKind::as_str).join(", ")
                    )
                }
            })
    }
}

impl fmt::Display for ObservationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The TLP levels the county's form offers, with who may see the report in plain words.
/// `TLP:RED` is not offered: it names people one by one, which a form cannot ask a clerk.
pub const FORM_LEVELS: [(Tlp, &str); 4] = [
    (
        Tlp::Clear,
        "Anyone: it may be shared publicly, for example to warn other offices in a newsletter.",
    ),
    (
        Tlp::Green,
        "People in the Cyber Navigator Program: Board staff, every election authority and vetted partners, but not the public.",
    ),
    (
        Tlp::Amber,
        "Board staff and other election authorities that need it to protect themselves. Not partners, not the public.",
    ),
    (
        Tlp::AmberStrict,
        "Board staff only, until the Program Manager asks you before sharing it further.",
    ),
];

/// The level the form starts with.
pub const FORM_DEFAULT_LEVEL: Tlp = Tlp::Amber;

/// Reads the level chosen on the form: one of [`FORM_LEVELS`].
pub fn form_level(s: &str) -> Result<Tlp, String> {
    let t = Tlp::parse(s)?;
    if FORM_LEVELS.iter().any(|(l, _)| *l == t) {
        Ok(t)
    } else {
        Err(format!(
            "{} is not offered here: choose TLP:CLEAR, TLP:GREEN, TLP:AMBER or TLP:AMBER+STRICT",
            t.label()
        ))
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Waiting for the Program Manager.
    Pending,
    /// Validated: its indicators are intake and sightings.
    Validated,
    /// Rejected, with the reason.
    Rejected,
}

impl ReportStatus {
    /// Every status, in the order the queue shows them.
    pub const ALL: [ReportStatus; 3] = [
        ReportStatus::Pending,
        ReportStatus::Validated,
        ReportStatus::Rejected,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Pending => "pending",
            ReportStatus::Validated => "validated",
            ReportStatus::Rejected => "rejected",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Pending => "Waiting for review",
            ReportStatus::Validated => "Validated",
            ReportStatus::Rejected => "Not taken further",
        }
    }

    /// Reads the stored identifier.
    pub fn parse(s: &str) -> Result<ReportStatus, String> {
        ReportStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "'{}' is not a report status; expected pending, validated or rejected",
                    s.trim()
                )
            })
    }

    /// Whether a decision may still be taken: only once, on a pending report. The refusal
    /// says what was decided, so a second reviewer knows a colleague was first.
    pub fn check_decidable(self) -> Result<(), String> {
        match self {
            ReportStatus::Pending => Ok(()),
            ReportStatus::Validated => Err(
                "this report was already validated; a decision is taken once and stays as it was"
                    .to_string(),
            ),
            ReportStatus::Rejected => Err(
                "this report was already rejected; a decision is taken once and stays as it was"
                    .to_string(),
            ),
        }
    }
}

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The reference number people quote for a report: `CR-` and the first eight hexadecimal
/// digits of its id in two groups (`CR-3F2A-9B1C`). Derived from the id, so every replica
/// agrees without a counter; the full id stays the key.
pub fn reference(id: Uuid) -> String {
    let hex = id.simple().to_string().to_ascii_uppercase();
    format!("CR-{}-{}", &hex[0..4], &hex[4..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_an_unknown_one_is_named() {
        for k in ObservationKind::ALL {
            assert_eq!(ObservationKind::parse(k.as_str()), Ok(k));
        }
        assert!(
            ObservationKind::parse("virus")
                .unwrap_err()
                .contains("'virus'")
        );
        assert_eq!(
            ObservationKind::parse(" ").unwrap_err(),
            "choose what you saw"
        );
    }

    #[test]
    fn the_form_offers_four_levels_and_not_red() {
        assert_eq!(form_level("amber"), Ok(Tlp::Amber));
        assert_eq!(form_level("TLP:AMBER+STRICT"), Ok(Tlp::AmberStrict));
        assert!(form_level("RED").unwrap_err().contains("not offered"));
        assert!(form_level("purple").is_err());
        assert!(FORM_LEVELS.iter().any(|(l, _)| *l == FORM_DEFAULT_LEVEL));
    }

    #[test]
    fn a_decision_is_taken_once() {
        assert!(ReportStatus::Pending.check_decidable().is_ok());
        assert!(
            ReportStatus::Validated
                .check_decidable()
                .unwrap_err()
                .contains("already validated")
        );
        assert!(
            ReportStatus::Rejected
                .check_decidable()
                .unwrap_err()
                .contains("already rejected")
        );
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn the_reference_is_short_and_stable() {
        let id = Uuid::parse_str("3f2a9b1c-0000-4000-8000-000000000000").unwrap();
        assert_eq!(reference(id), "CR-3F2A-9B1C");
    }
}
