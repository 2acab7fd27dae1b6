//! Deadlines in the Board's own time zone.
//!
//! The rule says a certification "must be received by the Board no later than March 15, 2019":
//! the whole of that day counts, as the Board's clock reads it (America/Chicago for Illinois),
//! whatever the time zone of the server or the sender. So a deadline is a date and a time zone,
//! and being on time is a comparison of local dates, exact at midnight, daylight saving
//! included.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// An IANA time zone name the bundled database knows, e.g. `America/Chicago`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BoardTimeZone(String);

impl BoardTimeZone {
    /// Checks that `name` is a time zone the bundled database has.
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = name.trim();
        TimeZone::get(name).map_err(|_| {
            format!(
                "\"{name}\" is not a time zone name; use the IANA name of the Board's zone, such as America/Chicago"
            )
        })?;
        Ok(BoardTimeZone(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar date `at` falls on in this zone.
    pub fn local_date(&self, at: OffsetDateTime) -> Date {
        let zone = TimeZone::get(&self.0).unwrap_or(TimeZone::UTC);
        let local = Timestamp::from_second(at.unix_timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(zone)
            .date();
        // jiff's dates are always valid calendar dates; the fallback is unreachable.
        time::Month::try_from(local.month() as u8)
            .ok()
            .and_then(|m| {
                Date::from_calendar_date(i32::from(local.year()), m, local.day() as u8).ok()
            })
            .unwrap_or(Date::MIN)
    }
}

impl BoardTimeZone {
    /// The instant a clock in this zone reads `date` at `time` (for a paper certification the
    /// Board date-stamped on arrival). A time that does not exist on that day (the hour skipped
    /// when daylight saving starts) is refused; an ambiguous one (the hour repeated when it
    /// ends) is taken as the earlier.
    pub fn instant_at(&self, date: Date, time: time::Time) -> Result<OffsetDateTime, String> {
        let zone = TimeZone::get(&self.0).unwrap_or(TimeZone::UTC);
        let civil = jiff::civil::DateTime::new(
            i16::try_from(date.year())
                .map_err(|_| format!("the year {} is out of range", date.year()))?,
            u8::from(date.month()) as i8,
            date.day() as i8,
            time.hour() as i8,
            time.minute() as i8,
            time.second() as i8,
            0,
        )
        .map_err(|e| e.to_string())?;
        let ambiguous = zone.to_ambiguous_zoned(civil);
        if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
            return Err(format!(
                "{date} {:02}:{:02} did not happen in {} (the clocks moved forward); check the time",
                time.hour(),
                time.minute(),
                self.0
            ));
        }
        let zoned = ambiguous.earlier().map_err(|e| e.to_string())?;
        OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second())
            .map_err(|e| e.to_string())
    }
}

impl TryFrom<String> for BoardTimeZone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        BoardTimeZone::parse(&s)
    }
}

impl From<BoardTimeZone> for String {
    fn from(z: BoardTimeZone) -> String {
        z.0
    }
}

/// The last day something may arrive, in the Board's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The last day that counts.
    pub date: Date,
    /// Whose clock decides.
    pub time_zone: BoardTimeZone,
}

impl Deadline {
    /// Whether something received at `at` made it: received on or before the deadline's date
    /// in the Board's time zone.
    pub fn is_met_by(&self, at: OffsetDateTime) -> bool {
        self.time_zone.local_date(at) <= self.date
    }

    /// Whole days left on `now` (the Board's date): 0 on the deadline day, negative after.
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.date - self.time_zone.local_date(now)).whole_days()
    }

    /// The Board's date on `now`.
    pub fn today(&self, now: OffsetDateTime) -> Date {
        self.time_zone.local_date(now)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn a_local_clock_reading_becomes_one_instant_daylight_saving_included() {
        let chicago = BoardTimeZone::parse("America/Chicago").unwrap();
        assert_eq!(
            chicago
                .instant_at(date!(2019 - 03 - 15), time::macros::time!(16:30))
                .unwrap(),
            datetime!(2019-03-15 21:30 UTC)
        );
        assert_eq!(
            chicago
                .instant_at(date!(2019 - 01 - 15), time::macros::time!(23:59))
                .unwrap(),
            datetime!(2019-01-16 05:59 UTC)
        );
        let gap = chicago
            .instant_at(date!(2019 - 03 - 10), time::macros::time!(02:30))
            .unwrap_err();
        assert!(gap.contains("did not happen"), "{gap}");
        assert_eq!(
            chicago
                .instant_at(date!(2019 - 11 - 03), time::macros::time!(01:30))
                .unwrap(),
            datetime!(2019-11-03 06:30 UTC),
            "the repeated hour is taken as the earlier (still daylight time)"
        );
    }

    fn illinois_2019() -> Deadline {
        Deadline {
            date: date!(2019 - 03 - 15),
            time_zone: BoardTimeZone::parse("America/Chicago").unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn the_whole_last_day_counts_on_the_boards_clock() {
        let d = illinois_2019();
        // 15 March 2019 is after the switch to daylight time: Chicago is UTC-5.
        assert!(d.is_met_by(datetime!(2019-03-16 04:59:59 UTC)));
        assert!(!d.is_met_by(datetime!(2019-03-16 05:00:00 UTC)));
        assert!(d.is_met_by(datetime!(2019-03-15 23:30:00 -5)));
        assert!(!d.is_met_by(datetime!(2019-03-16 00:00:00 -5)));
        // Sent from Hawaii at 8 pm on the 15th: already the 16th in Chicago.
        assert!(!d.is_met_by(datetime!(2019-03-15 20:00:00 -10)));
    }

    #[test]
    fn standard_time_is_honoured_too() {
        let d = Deadline {
            date: date!(2026 - 01 - 15),
            time_zone: BoardTimeZone::parse("America/Chicago").unwrap_or_else(|e| panic!("{e}")),
        };
        // January: Chicago is UTC-6.
        assert!(d.is_met_by(datetime!(2026-01-16 05:59:59 UTC)));
        assert!(!d.is_met_by(datetime!(2026-01-16 06:00:00 UTC)));
    }

    #[test]
    fn days_left_counts_board_days() {
        let d = illinois_2019();
        assert_eq!(d.days_left(datetime!(2019-03-14 12:00 UTC)), 1);
        assert_eq!(d.days_left(datetime!(2019-03-16 04:00 UTC)), 0);
        assert_eq!(d.days_left(datetime!(2019-03-16 06:00 UTC)), -1);
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(BoardTimeZone::parse("America/Springfield").is_err());
        assert!(BoardTimeZone::parse("Central").is_err());
        assert_eq!(
            BoardTimeZone::parse(" Europe/Paris ").map(|z| z.as_str().to_string()),
            Ok("Europe/Paris".to_string())
        );
    }
}
