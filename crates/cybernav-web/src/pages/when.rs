//! Instants as pages show them: readable text in UTC for the server-rendered page, and the
//! exact RFC 3339 value in `<time datetime=…>`, which `assets/time-and-copy.js` rewrites into
//! the reader's own time zone when scripts run.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// An instant ready for a `<time>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// RFC 3339 in UTC, for the `datetime` attribute.
    pub iso: String,
    /// Readable text, e.g. `17 Mar 2026, 15:04 UTC`.
    pub text: String,
}

impl When {
    /// The instant `t`.
    pub fn of(t: OffsetDateTime) -> When {
        let t = t.to_offset(time::UtcOffset::UTC);
        let readable = format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        );
        When {
            iso: t.format(&Rfc3339).unwrap_or_default(),
            text: t.format(readable).unwrap_or_default(),
        }
    }

    /// `None` stays `None`.
    pub fn maybe(t: Option<OffsetDateTime>) -> Option<When> {
        t.map(When::of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn readable_and_exact() {
        let w = When::of(datetime!(2026-03-07 09:05:01.5 -6));
        assert_eq!(w.iso, "2026-03-07T15:05:01.5Z");
        assert_eq!(w.text, "7 Mar 2026, 15:05 UTC");
    }
}
