//! Outreach (Part 213.30(a)(3), (10)): the Program Manager's and navigators' contacts with each
//! election authority's officials, and the webinars, conferences, trainings and tabletop
//! exercises they hold, with who attended. An authority not reached for [`NOT_REACHED_DAYS`]
//! days is flagged on the Program Manager's list.
//!
//! A contact's notes may be sensitive (what a clerk admitted about their network): they are
//! never audited or logged, and notes marked internal are not shown to the county.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::contact::parse_date;
use crate::validation::{FieldErrors, clean_text, optional_multiline_text};

/// Days without a contact or attendance after which an authority counts as not reached.
pub const NOT_REACHED_DAYS: i64 = 90;

/// The longest notes accepted, in characters.
pub const NOTES_MAX_CHARS: usize = 4_000;

/// How an official was contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// A phone or video call.
    Call,
    /// A visit to the office.
    Visit,
    /// A meeting (elsewhere, or several authorities).
    Meeting,
    /// An e-mail exchange.
    Email,
}

impl ContactKind {
    /// Every kind.
    pub const ALL: [ContactKind; 4] = [
        ContactKind::Call,
        ContactKind::Visit,
        ContactKind::Meeting,
        ContactKind::Email,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Call => "call",
            ContactKind::Visit => "visit",
            ContactKind::Meeting => "meeting",
            ContactKind::Email => "email",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ContactKind::Call => "Call",
            ContactKind::Visit => "Visit",
            ContactKind::Meeting => "Meeting",
            ContactKind::Email => "E-mail",
        }
    }

    /// Parses the identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<ContactKind, String> {
        ContactKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind '{}'; expected one of: {}",
                    s.trim(),
                    ContactKind::ALL.map(ContactKind::as_str).join(", ")
                )
            })
    }
}

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An online session.
    Webinar,
    /// A conference.
    Conference,
    /// A training.
    Training,
    /// A tabletop exercise.
    Tabletop,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 4] = [
        EventKind::Webinar,
        EventKind::Conference,
        EventKind::Training,
        EventKind::Tabletop,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Webinar => "webinar",
            EventKind::Conference => "conference",
            EventKind::Training => "training",
            EventKind::Tabletop => "tabletop",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Webinar => "Webinar",
            EventKind::Conference => "Conference",
            EventKind::Training => "Training",
            EventKind::Tabletop => "Tabletop exercise",
        }
    }

    /// Parses the identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<EventKind, String> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind '{}'; expected one of: {}",
                    s.trim(),
                    EventKind::ALL.map(EventKind::as_str).join(", ")
                )
            })
    }
}

/// A contact with an authority's officials, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactLogInput {
    /// `YYYY-MM-DD`.
    pub contacted_on: String,
    /// Kind identifier.
    pub kind: String,
    /// Who was met or spoken to.
    pub people_met: String,
    /// What it was about.
    pub topic: String,
    /// Notes (may be sensitive).
    #[serde(default)]
    pub notes: Option<String>,
    /// Whether the notes are for the program only (not shown to the county).
    #[serde(default)]
    pub notes_internal: bool,
    /// `YYYY-MM-DD`, when to follow up.
    #[serde(default)]
    pub follow_up_on: Option<String>,
}

/// A validated contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactLogFields {
    /// When.
    pub contacted_on: Date,
    /// How.
    pub kind: ContactKind,
    /// Who.
    pub people_met: String,
    /// What about.
    pub topic: String,
    /// Notes.
    pub notes: Option<String>,
    /// Notes for the program only.
    pub notes_internal: bool,
    /// Follow-up date.
    pub follow_up_on: Option<Date>,
}

fn required_date(raw: &str) -> Result<Date, String> {
    parse_date(Some(raw))?.ok_or_else(|| "is required: write it as YYYY-MM-DD".to_string())
}

impl ContactLogInput {
    /// Validates every field at once: the contact is not in the future, a follow-up is not
    /// before it.
    pub fn validate(&self, now: OffsetDateTime) -> Result<ContactLogFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let contacted_on = errors.check(
            "contacted_on",
            required_date(&self.contacted_on).and_then(|d| {
                if d > now.date() {
                    Err(format!(
                        "{d} is in the future: log a contact once it happened"
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let kind = errors.check("kind", ContactKind::parse(&self.kind));
        let people_met = errors.check("people_met", clean_text(&self.people_met, 500));
        let topic = errors.check("topic", clean_text(&self.topic, 300));
        let notes = errors.check(
            "notes",
            optional_multiline_text(self.notes.as_deref(), NOTES_MAX_CHARS),
        );
        let follow_up_on = errors.check(
            "follow_up_on",
            parse_date(self.follow_up_on.as_deref()).and_then(|f| match (f, contacted_on) {
                (Some(f), Some(c)) if f < c => Err(format!("{f} is before the contact ({c})")),
                (f, _) => Ok(f),
            }),
        );
        match (contacted_on, kind, people_met, topic, notes, follow_up_on) {
            (
                Some(contacted_on),
                Some(kind),
                Some(people_met),
                Some(topic),
                Some(notes),
                Some(follow_up_on),
            ) if errors.is_empty() => Ok(ContactLogFields {
                contacted_on,
                kind,
                people_met,
                topic,
                notes,
                notes_internal: self.notes_internal,
                follow_up_on,
            }),
            _ => Err(errors),
        }
    }
}

/// An event, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// Kind identifier.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Who it is for ("county clerks and IT staff").
    #[serde(default)]
    pub audience: Option<String>,
}

/// A validated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields {
    /// When.
    pub held_on: Date,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Audience.
    pub audience: Option<String>,
}

impl EventInput {
    /// Validates every field at once (an event may be planned ahead).
    pub fn validate(&self) -> Result<EventFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let held_on = errors.check("held_on", required_date(&self.held_on));
        let kind = errors.check("kind", EventKind::parse(&self.kind));
        let title = errors.check("title", clean_text(&self.title, 300));
        let audience = errors.check(
            "audience",
            crate::validation::optional_text(self.audience.as_deref(), 300),
        );
        match (held_on, kind, title, audience) {
            (Some(held_on), Some(kind), Some(title), Some(audience)) if errors.is_empty() => {
                Ok(EventFields {
                    held_on,
                    kind,
                    title,
                    audience,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The person who attended, checked: a name of at most 200 characters.
pub fn attendee_name(raw: &str) -> Result<String, String> {
    clean_text(raw, 200)
}

/// Whether an authority last reached on `last` counts as not reached on `today`: never, or
/// more than [`NOT_REACHED_DAYS`] days ago.
pub fn not_reached(last: Option<Date>, today: Date) -> bool {
    match last {
        None => true,
        Some(d) => today - d > Duration::days(NOT_REACHED_DAYS),
    }
}

/// The later of two optional dates (an authority's last contact and last attendance).
pub fn latest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn contacts_validate_every_field() {
        let now = datetime!(2026-03-10 12:00 UTC);
        let good = ContactLogInput {
            contacted_on: "2026-03-09".into(),
            kind: "visit".into(),
            people_met: "Pat Clerk, county IT lead".into(),
            topic: "Backups before the primary".into(),
            notes: Some("They keep backups\r\non the same server".into()),
            notes_internal: true,
            follow_up_on: Some("2026-04-01".into()),
        };
        let f = good.validate(now).unwrap();
        assert_eq!(f.kind, ContactKind::Visit);
        assert_eq!(
            f.notes.as_deref(),
            Some("They keep backups\non the same server")
        );
        let bad = ContactLogInput {
            contacted_on: "2026-04-01".into(),
            kind: "fax".into(),
            people_met: " ".into(),
            topic: String::new(),
            follow_up_on: Some("2026-03-01".into()),
            ..good.clone()
        };
        let e = bad.validate(now).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contacted_on", "kind", "people_met", "topic"]);
        let before = ContactLogInput {
            follow_up_on: Some("2026-03-01".into()),
            ..good
        };
        assert_eq!(before.validate(now).unwrap_err().0[0].field, "follow_up_on");
    }

    #[test]
    fn events_and_reach() {
        let e = EventInput {
            held_on: "2026-09-01".into(),
            kind: "tabletop".into(),
            title: "Election night tabletop".into(),
            audience: None,
        };
        assert_eq!(e.validate().unwrap().kind, EventKind::Tabletop);
        let bad = EventInput {
            held_on: "1 Sept".into(),
            kind: "party".into(),
            title: " ".into(),
            audience: None,
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["held_on", "kind", "title"]);
        let today = date!(2026 - 06 - 30);
        assert!(not_reached(None, today));
        assert!(!not_reached(Some(date!(2026 - 04 - 01)), today));
        assert!(not_reached(Some(date!(2026 - 03 - 31)), today));
        assert_eq!(
            latest(Some(date!(2026 - 01 - 01)), Some(date!(2026 - 02 - 01))),
            Some(date!(2026 - 02 - 01))
        );
        assert_eq!(latest(None, Some(today)), Some(today));
        assert!(attendee_name(" ").is_err());
    }
}
