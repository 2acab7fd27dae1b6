//! The daily digest (213.30(a)(8)): when it covers, and how one person's digest reads.
//!
//! A digest is for a date on the Board's clock. It goes out at the configured hour and covers
//! the day before it: from the send hour of the previous date (inclusive) to the send hour of
//! its own date (exclusive). Consecutive digests' windows meet exactly, so nothing published
//! or received falls between two of them, daylight saving included.
//!
//! What each person sees is decided elsewhere, item by item, by the one access decision
//! ([`super::marking::may_see`]); this module only lays out what was let through, with the
//! marking label before every item and the highest label in the subject and at the top and
//! bottom of the message, as TLP 2.0 asks of e-mail.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::marking::Marking;
use crate::deadline::BoardTimeZone;

/// The newest indicator values listed in a digest (the rest are counted per kind).
pub const NEWEST_INDICATORS: usize = 20;

/// When digests go out: an hour on the Board's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSchedule {
    /// The hour, 0 to 23.
    pub hour: u8,
    /// The Board's time zone.
    pub zone: BoardTimeZone,
}

/// The period a digest covers, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The digest's date.
    pub date: Date,
    /// The send hour of the day before, inclusive.
    pub start: OffsetDateTime,
    /// The send hour of `date`, exclusive; the digest is due from this instant.
    pub end: OffsetDateTime,
}

impl Window {
    /// True when `at` falls inside.
    pub fn contains(&self, at: OffsetDateTime) -> bool {
        self.start <= at && at < self.end
    }
}

/// Parses `CYBERNAV_DIGEST_HOUR`: a whole hour from 0 to 23.
pub fn parse_hour(v: &str) -> Result<u8, String> {
    v.trim()
        .parse::<u8>()
        .ok()
        .filter(|h| *h <= 23)
        .ok_or_else(|| {
            format!(
                "'{}' is not an hour from 0 to 23 (the Board's clock); the default is 7",
                v.trim()
            )
        })
}

impl DigestSchedule {
    /// The instant the digest of `date` is due. On the day the clocks move forward past the
    /// send hour (it does not exist that day), the first instant after the gap.
    pub fn due(&self, date: Date) -> Result<OffsetDateTime, String> {
        let at = |h: u8| {
            Time::from_hms(h, 0, 0)
                .map_err(|e| e.to_string())
                .and_then(|t| self.zone.instant_at(date, t))
        };
        match at(self.hour) {
            Ok(t) => Ok(t),
            Err(first) if self.hour < 23 => at(self.hour + 1).map_err(|_| first),
            Err(first) => Err(first),
        }
    }

    /// The window of the digest of `date`.
    pub fn window(&self, date: Date) -> Result<Window, String> {
        let before = date
            .previous_day()
            .ok_or_else(|| format!("{date} has no day before it"))?;
        Ok(Window {
            date,
            start: self.due(before)?,
            end: self.due(date)?,
        })
    }

    /// The latest date whose digest is due at `now`: today on the Board's clock once the send
    /// hour has passed, else yesterday.
    pub fn latest_due(&self, now: OffsetDateTime) -> Result<Date, String> {
        let today = self.zone.local_date(now);
        if self.due(today)? <= now {
            Ok(today)
        } else {
            today
                .previous_day()
                .ok_or_else(|| format!("{today} has no day before it"))
        }
    }

    /// `at` as the Board's clock reads it: `30 November 2026, 07:00`.
    pub fn local(&self, at: OffsetDateTime) -> String {
        local_time(&self.zone, at)
    }
}

/// `at` on `zone`'s clock, for a clerk: `30 November 2026, 07:00`.
pub fn local_time(zone: &BoardTimeZone, at: OffsetDateTime) -> String {
    let tz = TimeZone::get(zone.as_str()).unwrap_or(TimeZone::UTC);
    match Timestamp::from_second(at.unix_timestamp()) {
        Ok(ts) => ts.to_zoned(tz).strftime("%-d %B %Y, %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// A product as one person may see it: only the paragraphs the access decision let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestProduct {
    /// Id.
    pub id: Uuid,
    /// What kind, as a reader says it (`Intelligence note`).
    pub kind_label: String,
    /// Title.
    pub title: String,
    /// The summary (it carries the base marking).
    pub summary: String,
    /// The base marking (of the summary and of unmarked paragraphs).
    pub base: Marking,
    /// The marking of everything shown: the base and the visible paragraphs.
    pub banner: Marking,
    /// The visible paragraphs, in order.
    pub paragraphs: Vec<(Marking, String)>,
    /// How many were withheld from this person.
    pub withheld: usize,
    /// When it was published.
    pub published_at: OffsetDateTime,
    /// The tags that matched the person's authority's information needs (empty: none).
    pub matched_needs: Vec<String>,
}

/// An indicator as one person may see it: through one report they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestIndicator {
    /// Id.
    pub id: Uuid,
    /// Kind identifier (`ipv4`, `domain`, …).
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// The source of the report shown.
    pub source: String,
    /// That report's marking.
    pub marking: Marking,
    /// When it was received.
    pub received_at: OffsetDateTime,
}

/// Who the digest is for, to say why they get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRecipient {
    /// Name.
    pub name: String,
    /// Their role, as a reader says it.
    pub role_label: String,
}

/// Everything one person may see in one digest, already filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDigest {
    /// The window.
    pub window: Window,
    /// Products, most relevant to the person's information needs first, then newest.
    pub products: Vec<DigestProduct>,
    /// Every indicator the person may see, newest first.
    pub indicators: Vec<DigestIndicator>,
}

/// One line of the receipt: what a person received and with which marking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptItem {
    /// `product` or `indicator`.
    pub kind: &'static str,
    /// Its id.
    pub id: Uuid,
    /// The label it carried in the message.
    pub marking: String,
}

/// A digest laid out as an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDigest {
    /// The subject, `[TLP:AMBER FOUO] Election security daily digest, 2026-12-01`.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The highest marking inside.
    pub marking: Marking,
    /// The items shown, in message order.
    pub receipts: Vec<ReceiptItem>,
}

/// Writes an indicator value so mail programs do not turn it into a link: `hxxp`, `[.]`, `[@]`.
pub fn defang(value: &str) -> String {
    let v = value
        .replacen("https://", "hxxps://", 1)
        .replacen("http://", "hxxp://", 1);
    v.replace('.', "[.]").replace('@', "[@]")
}

impl PersonalDigest {
    /// Nothing to send.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty() && self.indicators.is_empty()
    }

    /// The highest marking of everything in it (products as shown, and every indicator
    /// counted, listed or not, since the counts come from them too).
    pub fn marking(&self) -> Marking {
        Marking::highest(
            self.products
                .iter()
                .map(|p| &p.banner)
                .chain(self.indicators.iter().map(|i| &i.marking)),
        )
    }

    /// Lays the digest out as a plain-text e-mail for `to`: the highest label in the subject
    /// and at the top and bottom, each item's label before it, what it is, why they get it
    /// and how to stop. `schedule` gives the clock the window is written in.
    pub fn render(
        &self,
        to: &DigestRecipient,
        schedule: &DigestSchedule,
        base_url: &str,
    ) -> RenderedDigest {
        let marking = self.marking();
        let label = marking.label();
        let date = self.window.date;
        let subject = format!("[{label}] Election security daily digest, {date}");
        let mut receipts = Vec::new();
        let mut b = String::with_capacity(4096);
        b.push_str(&label);
        b.push_str("\n\n");
        b.push_str(&format!(
            "Election security daily digest, {date}\nCyber Navigator Program, State Board of Elections\n\n"
        ));
        b.push_str(&format!(
            "Hello {},\n\nThis is the threat information the Cyber Navigator Program published or received from {} to {} ({}) that you may see. Each item starts with its marking in brackets; handle it as the marking says:\n",
            to.name,
            schedule.local(self.window.start),
            schedule.local(self.window.end),
            schedule.zone.as_str(),
        ));
        b.push_str("  TLP:CLEAR may be shared freely. TLP:GREEN stays within the election community.\n  TLP:AMBER stays within your organisation (and those it serves). TLP:AMBER+STRICT stays within your organisation.\n  TLP:RED is for you alone. FOUO (For Official Use Only) is for people with a need-to-know approval.\n\n");
        if !self.products.is_empty() {
            b.push_str(&format!(
                "PRODUCTS ({})\n{}\n\n",
                self.products.len(),
                "=".repeat(12)
            ));
            for (n, p) in self.products.iter().enumerate() {
                b.push_str(&format!(
                    "{}. [{}] {}: {}\n",
                    n + 1,
                    p.banner.label(),
                    p.kind_label,
                    p.title
                ));
                b.push_str(&format!("Published {}.", schedule.local(p.published_at)));
                if !p.matched_needs.is_empty() {
                    b.push_str(&format!(
                        " Matches your information needs: {}.",
                        p.matched_needs.join(", ")
                    ));
                }
                b.push_str("\n\n");
                b.push_str(&format!("[{}] {}\n\n", p.base.label(), p.summary));
                for (m, text) in &p.paragraphs {
                    b.push_str(&format!("[{}] {}\n\n", m.label(), text));
                }
                if p.withheld > 0 {
                    b.push_str(&format!(
                        "({} paragraph{} withheld: marked for readers with access you do not hold.)\n\n",
                        p.withheld,
                        if p.withheld == 1 { "" } else { "s" }
                    ));
                }
                b.push_str(&format!("Read it online: {base_url}/sharing/{}\n\n", p.id));
                receipts.push(ReceiptItem {
                    kind: "product",
                    id: p.id,
                    marking: p.banner.label(),
                });
            }
        }
        if !self.indicators.is_empty() {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for i in &self.indicators {
                *counts.entry(i.kind.as_str()).or_default() += 1;
            }
            let shown = self.indicators.len().min(NEWEST_INDICATORS);
            b.push_str(&format!(
                "INDICATORS ({} new or reported again)\n{}\n\n",
                self.indicators.len(),
                "=".repeat(12)
            ));
            b.push_str("By kind: ");
            b.push_str(
                &counts
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            b.push_str(&format!(
                ".\nThe newest {shown}, written so they are not links (hxxp, [.]):\n"
            ));
            for i in self.indicators.iter().take(NEWEST_INDICATORS) {
                b.push_str(&format!(
                    "[{}] {} {} (from {})\n",
                    i.marking.label(),
                    i.kind,
                    defang(&i.value),
                    i.source
                ));
                receipts.push(ReceiptItem {
                    kind: "indicator",
                    id: i.id,
                    marking: i.marking.label(),
                });
            }
            b.push_str(&format!(
                "\nAll indicators you may see: {base_url}/sharing/indicators\n\n"
            ));
        }
        b.push_str(&format!(
            "WHY YOU GET THIS\nYou are {} in the Cyber Navigator Program, and the daily digest is on for your account. What you see depends on your organisation and your need-to-know approval on the day it is sent; other people may see more or less.\n\n",
            article(&to.role_label)
        ));
        b.push_str(&format!(
            "HOW TO STOP\nTurn off \"Daily digest\" on your account page: {base_url}/account . Questions: reply to the Program Manager.\n\n"
        ));
        b.push_str(&label);
        b.push('\n');
        RenderedDigest {
            subject,
            body: b,
            marking,
            receipts,
        }
    }
}

fn article(role: &str) -> String {
    let vowel = role
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {role}", if vowel { "an" } else { "a" })
}

/// The newest first, for a stable order of indicators: received time, then kind and value.
pub fn sort_indicators(items: &mut [DigestIndicator]) {
    items.sort_by(|a, b| {
        b.received_at
            .cmp(&a.received_at)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.value.cmp(&b.value))
    });
}

/// How long one window is: a day, except across a change of the clocks.
pub fn window_length(w: &Window) -> Duration {
    w.end - w.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::marking::{Caveat, Tlp};
    use time::macros::{date, datetime};

    fn chicago(hour: u8) -> DigestSchedule {
        DigestSchedule {
            hour,
            zone: BoardTimeZone::parse("America/Chicago").unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn windows_meet_and_follow_the_clocks() {
        let s = chicago(7);
        let w = s
            .window(date!(2026 - 12 - 01))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.start, datetime!(2026-11-30 13:00 UTC));
        assert_eq!(w.end, datetime!(2026-12-01 13:00 UTC));
        let next = s
            .window(date!(2026 - 12 - 02))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next.start, w.end);
        // Daylight saving starts 8 March 2026: a 23-hour window.
        let spring = s
            .window(date!(2026 - 03 - 08))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(window_length(&spring), Duration::hours(23));
        // 2:00 does not exist that day: the digest goes at 3:00.
        let gap = chicago(2)
            .due(date!(2026 - 03 - 08))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gap, datetime!(2026-03-08 08:00 UTC));
        assert!(w.contains(w.start) && !w.contains(w.end));
    }

    #[test]
    fn the_latest_due_date_waits_for_the_hour() {
        let s = chicago(7);
        assert_eq!(
            s.latest_due(datetime!(2026-12-01 12:59 UTC)),
            Ok(date!(2026 - 11 - 30))
        );
        assert_eq!(
            s.latest_due(datetime!(2026-12-01 13:00 UTC)),
            Ok(date!(2026 - 12 - 01))
        );
    }

    #[test]
    fn the_hour_is_checked() {
        assert_eq!(parse_hour(" 7 "), Ok(7));
        for bad in ["24", "-1", "seven", "7.5"] {
            assert!(parse_hour(bad).unwrap_err().contains("0 to 23"), "{bad}");
        }
    }

    #[test]
    fn the_subject_carries_the_highest_label_and_each_item_its_own() {
        let s = chicago(7);
        let window = s
            .window(date!(2026 - 12 - 01))
            .unwrap_or_else(|e| panic!("{e}"));
        let green = Marking::tlp(Tlp::Green);
        let fouo = Marking::tlp(Tlp::Amber).with_caveat(Caveat::Fouo);
        let d = PersonalDigest {
            window,
            products: vec![DigestProduct {
                id: Uuid::from_u128(1),
                kind_label: "Intelligence note".into(),
                title: "Phishing wave".into(),
                summary: "Look out.".into(),
                base: green.clone(),
                banner: green.clone(),
                paragraphs: vec![(green.clone(), "Call the Board.".into())],
                withheld: 2,
                published_at: datetime!(2026-11-30 20:00 UTC),
                matched_needs: vec!["phishing".into()],
            }],
            indicators: vec![DigestIndicator {
                id: Uuid::from_u128(2),
                kind: "url".into(),
                value: "http://evil.example/x".into(),
                source: "CISA".into(),
                marking: fouo,
                received_at: datetime!(2026-11-30 21:00 UTC),
            }],
        };
        let r = d.render(
            &DigestRecipient {
                name: "Pat".into(),
                role_label: "Election official".into(),
            },
            &s,
            "https://cnp.example",
        );
        assert_eq!(
            r.subject,
            "[TLP:AMBER FOUO] Election security daily digest, 2026-12-01"
        );
        assert!(r.body.starts_with("TLP:AMBER FOUO\n"), "{}", r.body);
        assert!(r.body.trim_end().ends_with("TLP:AMBER FOUO"));
        assert!(
            r.body
                .contains("1. [TLP:GREEN] Intelligence note: Phishing wave")
        );
        assert!(
            r.body
                .contains("[TLP:AMBER FOUO] url hxxp://evil[.]example/x (from CISA)")
        );
        assert!(r.body.contains("2 paragraphs withheld"));
        assert!(
            r.body
                .contains("30 November 2026, 07:00 to 1 December 2026, 07:00")
        );
        assert!(r.body.contains("an Election official"));
        assert!(r.body.contains("https://cnp.example/account"));
        assert!(r.body.contains("Matches your information needs: phishing."));
        assert_eq!(r.receipts.len(), 2);
        assert_eq!(r.receipts[1].marking, "TLP:AMBER FOUO");
    }
}
