//! Instants written as text: one form for every time cybernav stores or compares as text.
//!
//! RFC 3339 in UTC with exactly nine fraction digits (`2026-11-30T10:00:05.120000000Z`). The
//! usual RFC 3339 writers drop trailing zeros (`…:05.12Z`, `…:05Z`), and text of different
//! lengths does not sort in time order (`…:05.1Z` sorts after `…:05.12Z` because `Z` comes
//! after `2`); an offset other than `Z` would not sort at all. A fixed width in UTC makes text
//! order and time order the same, so SQLite (which keeps instants as text) compares and sorts
//! them correctly, and nanoseconds keep every digit a STIX version may carry.

use time::{OffsetDateTime, UtcOffset};

/// `t` in UTC as `YYYY-MM-DDTHH:MM:SS.fffffffffZ` (30 characters for years 0000 to 9999).
pub fn rfc3339_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).expect(s)
    }

    #[test]
    fn every_instant_has_the_same_width_in_utc() {
        assert_eq!(
            rfc3339_utc(at("2026-11-30T10:00:05Z")),
            "2026-11-30T10:00:05.000000000Z"
        );
        assert_eq!(
            rfc3339_utc(at("2026-11-30T10:00:05.12Z")),
            "2026-11-30T10:00:05.120000000Z"
        );
        assert_eq!(
            rfc3339_utc(at("2026-11-30T12:00:05.123456789+02:00")),
            "2026-11-30T10:00:05.123456789Z"
        );
    }

    #[test]
    fn text_order_is_time_order() {
        // The order the usual writers get wrong: no fraction, one digit, two digits, and an
        // offset that is earlier in UTC than it reads.
        let mut instants = vec![
            at("2026-11-30T10:00:05.12Z"),
            at("2026-11-30T10:00:05Z"),
            at("2026-11-30T10:00:05.1Z"),
            at("2026-11-30T11:00:04.9+02:00"),
            at("2026-11-30T10:00:05.000001Z"),
        ];
        let mut by_text = instants.clone();
        by_text.sort_by_key(|t| rfc3339_utc(*t));
        instants.sort();
        assert_eq!(by_text, instants);
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        for s in [
            "2026-11-30T10:00:05Z",
            "2026-02-10T14:30:00.123456789Z",
            "1999-12-31T23:59:59.999999Z",
        ] {
            let t = at(s);
            assert_eq!(at(&rfc3339_utc(t)), t);
        }
    }
}
