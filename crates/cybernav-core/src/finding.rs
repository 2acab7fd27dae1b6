//! Findings (Part 213.40): a weakness a navigator, a scan, a sensor, a penetration test or the
//! county itself found, followed from the day it is identified to the day a re-test shows it
//! fixed, or until a named approver accepts the risk for a limited time.
//!
//! The rules here are pure: which status may follow which, when a finding is due (from
//! configurable remediation windows), when it is overdue, when a risk acceptance has expired,
//! what a CVE id looks like, and the recommendation templates that pre-fill a finding's advice
//! in words a county clerk understands.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, [$($(#[$vdoc:meta])* $variant:ident = $id:literal / $label:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// The name a person reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses the stable identifier (ignoring case and surrounding spaces).
            pub fn parse(s: &str) -> Result<Self, String> {
                let t = s.trim().to_ascii_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == t)
                    .ok_or_else(|| {
                        format!(
                            "unknown {} '{}'; expected one of {}",
                            $what,
                            s.trim(),
                            $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// Where a finding came from.
    Source, "source", [
        /// A navigator's assessment (an item below the threshold, or raised by hand).
        NavigatorAssessment = "navigator_assessment" / "Navigator assessment",
        /// A vulnerability scan (CISA Cyber Hygiene or another scanner).
        VulnerabilityScan = "vulnerability_scan" / "Vulnerability scan",
        /// An alert from an intrusion-detection sensor (Albert or comparable).
        SensorAlert = "sensor_alert" / "Sensor alert",
        /// A penetration test.
        PenetrationTest = "penetration_test" / "Penetration test",
        /// The county reported it itself.
        SelfReport = "self_report" / "Reported by the county",
    ]
);

word_enum!(
    /// How serious a finding is, from informational to critical (ordered).
    Severity, "severity", [
        /// Worth knowing; nothing to fix.
        Informational = "informational" / "Informational",
        /// Low.
        Low = "low" / "Low",
        /// Medium.
        Medium = "medium" / "Medium",
        /// High.
        High = "high" / "High",
        /// Critical.
        Critical = "critical" / "Critical",
    ]
);

word_enum!(
    /// Who fixes it.
    Owner, "owner", [
        /// The election office itself.
        ElectionOffice = "election_office" / "Election office",
        /// The county's IT department.
        CountyIt = "county_it" / "County IT",
        /// A vendor.
        Vendor = "vendor" / "Vendor",
    ]
);

word_enum!(
    /// Where a finding stands.
    Status, "status", [
        /// Found, not yet confirmed.
        Identified = "identified" / "Identified",
        /// Confirmed real.
        Confirmed = "confirmed" / "Confirmed",
        /// Someone is responsible for fixing it.
        Assigned = "assigned" / "Assigned",
        /// The fix is under way.
        InProgress = "in_progress" / "In progress",
        /// Reported fixed; waiting for a re-test.
        Mitigated = "mitigated" / "Fixed, waiting for re-test",
        /// A re-test showed it fixed. Closed.
        Verified = "verified" / "Verified fixed",
        /// A named approver accepted the risk until an expiry date.
        RiskAccepted = "risk_accepted" / "Risk accepted",
    ]
);

impl Status {
    /// Open findings still need work (everything but verified and risk accepted).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Verified | Status::RiskAccepted)
    }

    /// The statuses that may follow this one.
    ///
    /// The path is identified → confirmed → assigned → in progress → mitigated → verified.
    /// Steps may be skipped forward while the finding is open (a navigator who confirms and
    /// assigns in one visit), but `verified` only follows `mitigated` (it records a re-test).
    /// A failed re-test sends `mitigated` back to `in_progress`. Any open finding may be risk
    /// accepted; an accepted (or verified) finding is reopened to `confirmed` when it comes
    /// back (a scan sees it again, the acceptance expires).
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Identified => &[Confirmed, Assigned, InProgress, Mitigated, RiskAccepted],
            Confirmed => &[Assigned, InProgress, Mitigated, RiskAccepted],
            Assigned => &[InProgress, Mitigated, RiskAccepted],
            InProgress => &[Mitigated, RiskAccepted],
            Mitigated => &[Verified, InProgress, RiskAccepted],
            Verified => &[Confirmed],
            RiskAccepted => &[Confirmed],
        }
    }

    /// True when `to` may follow this status.
    pub fn may_become(self, to: Status) -> bool {
        self.next().contains(&to)
    }
}

/// A requested change of status, checked against the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// To.
    pub to: Status,
    /// For `risk_accepted`: who approved it (a named person).
    pub approver: Option<String>,
    /// For `risk_accepted`: until when.
    pub expires_on: Option<Date>,
}

/// Checks a change of status; the error says what is allowed instead.
pub fn check_transition(from: Status, t: &Transition, today: Date) -> Result<(), String> {
    if !from.may_become(t.to) {
        let allowed = from
            .next()
            .iter()
            .map(|s| s.label().to_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        let extra = if t.to == Status::Verified {
            " (a finding is verified only by a re-test after it was fixed)"
        } else {
            ""
        };
        return Err(format!(
            "a finding that is {} cannot become {}{extra}; it can become: {allowed}",
            from.label().to_lowercase(),
            t.to.label().to_lowercase()
        ));
    }
    if t.to == Status::RiskAccepted {
        let named = t
            .approver
            .as_deref()
            .map(str::trim)
            .is_some_and(|a| !a.is_empty());
        if !named {
            return Err("risk acceptance needs the name of the person who approves it".into());
        }
        match t.expires_on {
            None => return Err("risk acceptance needs an expiry date".into()),
            Some(d) if d <= today => {
                return Err("the expiry date of a risk acceptance must be after today".into());
            }
            Some(d) if d > today + Duration::days(MAX_ACCEPTANCE_DAYS) => {
                return Err(format!(
                    "a risk may be accepted for at most {MAX_ACCEPTANCE_DAYS} days; choose an earlier expiry date and review it then"
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The longest a risk may be accepted for at a time, in days.
pub const MAX_ACCEPTANCE_DAYS: i64 = 366;

/// Days allowed to fix a finding of each severity, counted from the day it was identified.
///
/// Defaults: critical 15 days and high 30 days (CISA's Binding Operational Directive 19-02
/// windows, which the Cyber Hygiene reports measure against), medium 90 days, low 180 days,
/// informational none (nothing to fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationWindows {
    /// Critical.
    pub critical: i64,
    /// High.
    pub high: i64,
    /// Medium.
    pub medium: i64,
    /// Low.
    pub low: i64,
}

impl Default for RemediationWindows {
    fn default() -> Self {
        RemediationWindows {
            critical: 15,
            high: 30,
            medium: 90,
            low: 180,
        }
    }
}

impl RemediationWindows {
    /// Days allowed for `severity`; `None` for informational.
    pub fn days(&self, severity: Severity) -> Option<i64> {
        match severity {
            Severity::Critical => Some(self.critical),
            Severity::High => Some(self.high),
            Severity::Medium => Some(self.medium),
            Severity::Low => Some(self.low),
            Severity::Informational => None,
        }
    }

    /// The target date of a finding identified on `identified_on`.
    pub fn target_date(&self, severity: Severity, identified_on: Date) -> Option<Date> {
        self.days(severity)
            .and_then(|d| identified_on.checked_add(Duration::days(d)))
    }

    /// Parses `critical=15,high=30,medium=90,low=180` (any subset; the rest keep defaults).
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut w = RemediationWindows::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}': write severity=days, e.g. critical=15"))?;
            let days: i64 = v
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| format!("'{part}': days must be a whole number from 1 to 3650"))?;
            match Severity::parse(k)? {
                Severity::Critical => w.critical = days,
                Severity::High => w.high = days,
                Severity::Medium => w.medium = days,
                Severity::Low => w.low = days,
                Severity::Informational => {
                    return Err("informational findings have no remediation window".into());
                }
            }
        }
        Ok(w)
    }
}

/// The date a finding is due: the earlier of its remediation window and, for a known
/// exploited vulnerability, CISA's KEV due date.
pub fn due_date(target: Option<Date>, kev_due: Option<Date>) -> Option<Date> {
    match (target, kev_due) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Overdue: still open (risk acceptance aside) and past its due date.
pub fn is_overdue(status: Status, due: Option<Date>, today: Date) -> bool {
    status.is_open() && due.is_some_and(|d| d < today)
}

/// A risk acceptance that has expired: the finding must be reopened and looked at again.
pub fn acceptance_expired(status: Status, expires_on: Option<Date>, today: Date) -> bool {
    status == Status::RiskAccepted && expires_on.is_none_or(|d| d <= today)
}

/// Checks and normalises a CVE id: `CVE-YYYY-NNNN` with four or more digits, year from 1999.
pub fn parse_cve(s: &str) -> Result<String, String> {
    let t = s.trim().to_ascii_uppercase();
    let bad = || format!("'{}' is not a CVE id; write it as CVE-2024-12345", s.trim());
    let rest = t.strip_prefix("CVE-").ok_or_else(bad)?;
    let (year, num) = rest.split_once('-').ok_or_else(bad)?;
    let year_ok = year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && year.parse::<u32>().is_ok_and(|y| y >= 1999);
    let num_ok = (4..=19).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit());
    if year_ok && num_ok { Ok(t) } else { Err(bad()) }
}

/// Checks a host: an IP address or a host name (letters, digits, dots, dashes).
pub fn parse_host(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.parse::<std::net::IpAddr>().is_ok() {
        return Ok(t.to_string());
    }
    let ok = !t.is_empty()
        && t.len() <= 253
        && t.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(format!(
            "'{t}' is not an IP address or host name; write it like 192.0.2.10 or mail.county.example"
        ))
    }
}

/// Checks a port number (0 to 65535).
pub fn parse_port(s: &str) -> Result<i32, String> {
    s.trim()
        .parse::<u16>()
        .map(i32::from)
        .map_err(|_| format!("'{}' is not a port number (0 to 65535)", s.trim()))
}

/// Checks a protocol (`tcp`, `udp`, `icmp`, or another short word), lower case.
pub fn parse_protocol(s: &str) -> Result<String, String> {
    let t = s.trim().to_ascii_lowercase();
    if !t.is_empty() && t.len() <= 16 && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(t)
    } else {
        Err(format!(
            "'{}' is not a protocol; write tcp or udp",
            s.trim()
        ))
    }
}

/// A recommendation a navigator starts from: what to fix, in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// Stable identifier.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// The advice, in words a county clerk understands.
    pub text: &'static str,
    /// Whether Part 213.40 names this fix.
    pub named_in_rule: bool,
}

/// The recommendation templates. The first three are the fixes 213.40 names.
pub const RECOMMENDATIONS: &[Recommendation] = &[
    Recommendation {
        id: "patching",
        title: "Install security updates (patching)",
        text: "Install the maker's security updates on the affected computer or device. Turn on automatic updates where you can, and check once a month that every computer, server and network device is up to date. If the maker no longer provides updates, plan to replace it.",
        named_in_rule: true,
    },
    Recommendation {
        id: "secure_email",
        title: "Secure e-mail accounts and practices",
        text: "Use a government e-mail account (not a personal one) for election business. Turn on two-step sign-in (multi-factor authentication) for every e-mail account. Use long, unique passwords. Be careful with links and attachments you did not expect, and report suspicious messages to your IT contact or navigator.",
        named_in_rule: true,
    },
    Recommendation {
        id: "anti_malware",
        title: "Anti-malware on servers and workstations",
        text: "Install anti-malware (antivirus) software on every server and workstation, keep it turned on, and let it update itself every day. Check once a month that it is running on every computer and that it has not reported anything left unresolved.",
        named_in_rule: true,
    },
    Recommendation {
        id: "mfa",
        title: "Two-step sign-in for remote and administrator access",
        text: "Require a second step (a code or an app prompt) in addition to the password whenever someone signs in from outside the office or with administrator rights.",
        named_in_rule: false,
    },
    Recommendation {
        id: "close_service",
        title: "Close a service that should not face the internet",
        text: "This service can be reached from the internet. If nobody outside the office needs it, turn it off or block it at the firewall. If it is needed, limit who can reach it and keep it updated.",
        named_in_rule: false,
    },
    Recommendation {
        id: "backups",
        title: "Keep backups you can restore",
        text: "Back up important files and systems regularly, keep at least one copy offline or separate from the network, and test once a year that you can restore from it.",
        named_in_rule: false,
    },
    Recommendation {
        id: "unsupported_software",
        title: "Replace software the maker no longer supports",
        text: "The software no longer receives security updates from its maker. Upgrade to a supported version or replace it; until then, keep it off the internet.",
        named_in_rule: false,
    },
];

/// A recommendation template by id.
pub fn recommendation(id: &str) -> Option<&'static Recommendation> {
    RECOMMENDATIONS.iter().find(|r| r.id == id.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn words_round_trip() {
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.as_str()), Ok(*s));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(
            Source::parse(" Vulnerability_Scan "),
            Ok(Source::VulnerabilityScan)
        );
        assert!(
            Owner::parse("contractor")
                .unwrap_err()
                .contains("county_it")
        );
        assert!(Severity::Critical > Severity::High);
    }

    #[test]
    fn windows_default_to_15_and_30_days() {
        let w = RemediationWindows::default();
        let d = date!(2026 - 03 - 01);
        assert_eq!(
            w.target_date(Severity::Critical, d),
            Some(date!(2026 - 03 - 16))
        );
        assert_eq!(
            w.target_date(Severity::High, d),
            Some(date!(2026 - 03 - 31))
        );
        assert_eq!(w.target_date(Severity::Informational, d), None);
        let custom = RemediationWindows::parse("critical=7, low=365").unwrap();
        assert_eq!(custom.critical, 7);
        assert_eq!(custom.high, 30);
        assert_eq!(custom.low, 365);
        assert!(RemediationWindows::parse("critical=0").is_err());
        assert!(RemediationWindows::parse("urgent=3").is_err());
        assert!(RemediationWindows::parse("high").is_err());
    }

    #[test]
    fn kev_due_date_wins_when_earlier() {
        let a = date!(2026 - 04 - 01);
        let b = date!(2026 - 03 - 20);
        assert_eq!(due_date(Some(a), Some(b)), Some(b));
        assert_eq!(due_date(None, Some(b)), Some(b));
        assert_eq!(due_date(Some(a), None), Some(a));
    }

    #[test]
    fn overdue_only_while_open() {
        let due = Some(date!(2026 - 03 - 16));
        let today = date!(2026 - 03 - 17);
        assert!(is_overdue(Status::InProgress, due, today));
        assert!(!is_overdue(Status::InProgress, due, date!(2026 - 03 - 16)));
        assert!(!is_overdue(Status::Verified, due, today));
        assert!(!is_overdue(Status::RiskAccepted, due, today));
        assert!(!is_overdue(Status::Identified, None, today));
    }

    #[test]
    fn transitions_follow_the_lifecycle() {
        let today = date!(2026 - 03 - 01);
        let to = |s| Transition {
            to: s,
            approver: None,
            expires_on: None,
        };
        assert!(check_transition(Status::Identified, &to(Status::Confirmed), today).is_ok());
        assert!(check_transition(Status::Mitigated, &to(Status::Verified), today).is_ok());
        let e = check_transition(Status::InProgress, &to(Status::Verified), today).unwrap_err();
        assert!(e.contains("re-test"), "{e}");
        assert!(check_transition(Status::Verified, &to(Status::InProgress), today).is_err());
        assert!(check_transition(Status::Verified, &to(Status::Confirmed), today).is_ok());
        let e = check_transition(Status::Assigned, &to(Status::RiskAccepted), today).unwrap_err();
        assert!(e.contains("name"), "{e}");
        let accept = |who: &str, until| Transition {
            to: Status::RiskAccepted,
            approver: Some(who.into()),
            expires_on: until,
        };
        assert!(
            check_transition(Status::Assigned, &accept("Pat Doe", Some(today)), today)
                .unwrap_err()
                .contains("after today")
        );
        assert!(
            check_transition(
                Status::Assigned,
                &accept("Pat Doe", Some(date!(2027 - 06 - 01))),
                today
            )
            .is_err()
        );
        assert!(
            check_transition(
                Status::Assigned,
                &accept("Pat Doe", Some(date!(2026 - 09 - 01))),
                today
            )
            .is_ok()
        );
        assert!(
            check_transition(
                Status::Assigned,
                &accept(" ", Some(date!(2026 - 09 - 01))),
                today
            )
            .is_err()
        );
    }

    #[test]
    fn acceptance_expires() {
        let today = date!(2026 - 03 - 01);
        assert!(acceptance_expired(Status::RiskAccepted, Some(today), today));
        assert!(!acceptance_expired(
            Status::RiskAccepted,
            Some(date!(2026 - 03 - 02)),
            today
        ));
        assert!(!acceptance_expired(Status::Confirmed, Some(today), today));
    }

    #[test]
    fn cves_are_checked() {
        assert_eq!(
            parse_cve(" cve-2021-44228 ").as_deref(),
            Ok("CVE-2021-44228")
        );
        assert_eq!(
            parse_cve("CVE-2024-1234567").as_deref(),
            Ok("CVE-2024-1234567")
        );
        for bad in [
            "CVE-2021-442",
            "CVE-21-44228",
            "2021-44228",
            "CVE-1998-0001",
            "CVE-2021-44a28",
            "",
        ] {
            assert!(parse_cve(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_ports_protocols() {
        assert_eq!(parse_host("192.0.2.10").as_deref(), Ok("192.0.2.10"));
        assert_eq!(
            parse_host("Mail.County.example").as_deref(),
            Ok("mail.county.example")
        );
        assert!(parse_host("bad host").is_err());
        assert_eq!(parse_port("443"), Ok(443));
        assert!(parse_port("70000").is_err());
        assert_eq!(parse_protocol("TCP").as_deref(), Ok("tcp"));
        assert!(parse_protocol("t c p").is_err());
    }

    #[test]
    fn the_rules_named_fixes_have_templates() {
        for id in ["patching", "secure_email", "anti_malware"] {
            let r = recommendation(id).unwrap();
            assert!(r.named_in_rule);
            assert!(!r.text.is_empty());
        }
        let mut ids: Vec<_> = RECOMMENDATIONS.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RECOMMENDATIONS.len(), "ids are unique");
    }

    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn verified_only_after_mitigated(from in any_status()) {
            let t = Transition { to: Status::Verified, approver: None, expires_on: None };
            let ok = check_transition(from, &t, time::macros::date!(2026 - 01 - 01)).is_ok();
            prop_assert_eq!(ok, from == Status::Mitigated);
        }

        #[test]
        fn every_open_status_may_be_risk_accepted_and_every_closed_reopens(from in any_status()) {
            prop_assert_eq!(from.may_become(Status::RiskAccepted), from.is_open());
            prop_assert_eq!(from.may_become(Status::Confirmed), !from.is_open() || from == Status::Identified);
            prop_assert!(!from.may_become(from), "no status follows itself");
        }

        #[test]
        fn target_date_is_never_before_identification(sev in proptest::sample::select(Severity::ALL.to_vec()), day in 0i64..20000) {
            let d = time::macros::date!(1999 - 01 - 01) + Duration::days(day);
            if let Some(t) = RemediationWindows::default().target_date(sev, d) {
                prop_assert!(t > d);
            }
        }

        #[test]
        fn cve_parse_never_panics_and_normalises(s in "\\PC{0,30}") {
            if let Ok(c) = parse_cve(&s) {
                prop_assert_eq!(parse_cve(&c), Ok(c.clone()));
                prop_assert!(c.starts_with("CVE-"));
            }
        }
    }
}
