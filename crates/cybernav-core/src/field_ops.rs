//! Field operations (Part 213.40): the system and network documents an authority keeps on file
//! and the navigators' reviews of them (213.40(a)(2)), and the navigators' field visits with
//! their follow-ups.

use serde::{Deserialize, Serialize};
use time::Date;

/// Declares a closed list of stable identifiers with labels, `ALL`, `as_str`, `label`, `parse`.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident => $id:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id,)+ }
            }

            /// The name a person reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses the stable identifier; the error lists the accepted ones.
            pub fn parse(s: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s.trim())
                    .ok_or_else(|| {
                        format!(
                            "unknown {} '{}'; expected one of: {}",
                            $what,
                            s.trim(),
                            Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })
            }
        }
    };
}

choice!(
    /// What kind of system or network document an authority keeps on file.
    DocumentKind, "document kind", {
        /// A network diagram.
        NetworkDiagram => "network_diagram", "Network diagram";
        /// An inventory of systems and devices.
        SystemInventory => "system_inventory", "System inventory";
        /// The incident response plan.
        IncidentResponsePlan => "incident_response_plan", "Incident response plan";
        /// The continuity of operations plan.
        ContinuityPlan => "continuity_plan", "Continuity plan";
        /// A security policy.
        SecurityPolicy => "security_policy", "Security policy";
        /// Contracts with vendors (voting systems, e-poll books, IT services).
        VendorContracts => "vendor_contracts", "Vendor contracts";
        /// Anything else.
        Other => "other", "Other";
    }
);

choice!(
    /// What a navigator concluded when checking a document for accuracy.
    ReviewOutcome, "review outcome", {
        /// The document matches what is in place.
        Accurate => "accurate", "Accurate";
        /// Parts no longer match and need changes.
        NeedsChanges => "needs_changes", "Needs changes";
        /// The document is out of date as a whole.
        Outdated => "outdated", "Outdated";
    }
);

choice!(
    /// Why navigators visited an authority.
    VisitPurpose, "visit purpose", {
        /// A risk assessment (213.40(a)(6), (7)).
        Assessment => "assessment", "Assessment";
        /// A review of the documentation (213.40(a)(2)).
        DocumentationReview => "documentation_review", "Documentation review";
        /// Training of the authority's staff.
        Training => "training", "Training";
        /// Following up earlier recommendations.
        FollowUp => "follow_up", "Follow-up";
        /// Helping with an incident.
        IncidentSupport => "incident_support", "Incident support";
        /// Anything else.
        Other => "other", "Other";
    }
);

/// The default interval between reviews of a document, in months.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;

/// The date `months` calendar months after `from` (the last day of the month when that day
/// does not exist, so 31 January plus one month is 28 or 29 February).
pub fn add_months(from: Date, months: u32) -> Date {
    let total = from.year() * 12 + (from.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, from.day().min(last)).unwrap_or(from)
}

/// When a document's next review is due: `interval_months` after its last review, or at once
/// when it was never reviewed (`None`).
pub fn review_due_on(last_review: Option<Date>, interval_months: u32) -> Option<Date> {
    last_review.map(|d| add_months(d, interval_months))
}

/// Whether a document needs a review on `today`: never reviewed, or its last review is older
/// than the interval.
pub fn review_due(last_review: Option<Date>, today: Date, interval_months: u32) -> bool {
    review_due_on(last_review, interval_months).is_none_or(|due| due <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn identifiers_round_trip_and_errors_list_the_choices() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Ok(*k));
        }
        for p in VisitPurpose::ALL {
            assert_eq!(VisitPurpose::parse(p.as_str()), Ok(*p));
        }
        let e = ReviewOutcome::parse("fine").unwrap_err();
        assert!(e.contains("accurate, needs_changes, outdated"), "{e}");
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 15), 12), date!(2027 - 11 - 15));
        assert_eq!(add_months(date!(2026 - 11 - 15), 2), date!(2027 - 01 - 15));
    }

    #[test]
    fn a_review_falls_due_after_the_interval() {
        let today = date!(2026 - 11 - 30);
        assert!(review_due(None, today, 12), "never reviewed");
        assert!(!review_due(Some(date!(2026 - 01 - 01)), today, 12));
        assert!(review_due(Some(date!(2025 - 11 - 30)), today, 12));
        assert!(review_due(Some(date!(2026 - 01 - 01)), today, 6));
    }
}
