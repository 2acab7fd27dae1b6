//! The need-to-know roster (Part 213.30(a)(5)): who may receive For Official Use Only (FOUO)
//! information, and until when.
//!
//! A person applies; the Program Manager (or a Board administrator) approves or denies; an
//! approved person accepts the handling agreement, which makes the approval active; an active
//! approval is current until it expires (a configurable period after approval, one year by
//! default), and can be renewed or revoked. "Expired" is never stored: it is derived from the
//! expiry instant, so [`Application::is_current`] at any instant gives the same answer on every
//! server. The transitions are pure functions that check the rule and return what changes, or
//! why not.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The default period an approval lasts, in days.
pub const DEFAULT_PERIOD_DAYS: u32 = 365;

/// The longest period the Board may configure, in days (three years).
pub const MAX_PERIOD_DAYS: u32 = 1095;

/// Days before expiry on which the person is warned by e-mail, largest first.
pub const WARNING_DAYS: [u32; 2] = [30, 7];

/// The version of the handling agreement in force; an acceptance records which version the
/// person accepted, and only the current one is accepted.
pub const AGREEMENT_VERSION: &str = "fouo-handling-2026-1";

/// The handling agreement a person accepts before an approval becomes active, one paragraph a
/// line. The same text is in docs/NEED-TO-KNOW.md.
pub const AGREEMENT_TEXT: [&str; 5] = [
    "For Official Use Only (FOUO) marks information that is not classified but could harm election security, people or operations if it reached the wrong hands. The Board shares it with you because your work needs it.",
    "I will not forward, copy or describe FOUO information to anyone who does not hold a current need-to-know approval from the Board, including colleagues, vendors, the press and personal e-mail accounts. When unsure, I will ask the Program Manager first.",
    "I will keep FOUO information only on government-managed systems and accounts, lock it away or shred it when printed, and delete it when I no longer need it.",
    "If FOUO information reaches someone who should not have it (a spill), or I suspect it did, I will tell the Program Manager the same day, saying what was shared, with whom and when.",
    "I understand that my approval can be revoked at any time, that it expires unless renewed, and that my decisions under this agreement may be audited.",
];

/// Where an application stands, as stored. Expiry is not a stored state (see
/// [`Application::standing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for the Program Manager's decision.
    Pending,
    /// Approved, waiting for the person to accept the handling agreement.
    Approved,
    /// Approved and the agreement accepted: current until it expires.
    Active,
    /// Refused.
    Denied,
    /// Ended by the Program Manager before it expired.
    Revoked,
}

impl State {
    /// Every state, in the order forms list them.
    pub const ALL: [State; 5] = [
        State::Pending,
        State::Approved,
        State::Active,
        State::Denied,
        State::Revoked,
    ];

    /// The stable identifier stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Approved => "approved",
            State::Active => "active",
            State::Denied => "denied",
            State::Revoked => "revoked",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            State::Pending => "Waiting for a decision",
            State::Approved => "Approved: agreement not yet accepted",
            State::Active => "Active",
            State::Denied => "Denied",
            State::Revoked => "Revoked",
        }
    }

    /// Parses the stable identifier; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<State, String> {
        State::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown need-to-know state '{}'; expected one of: {}",
                    s.trim(),
                    State::ALL.map(State::as_str).join(", ")
                )
            })
    }

    /// Open states: a person has at most one application in one of these.
    pub fn is_open(self) -> bool {
        matches!(self, State::Pending | State::Approved | State::Active)
    }
}

/// Where an application stands at an instant: its stored state, or `Expired` for an approval
/// past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Waiting for a decision.
    Pending,
    /// Approved, agreement not accepted.
    Approved,
    /// Current.
    Active,
    /// Past its expiry (approved or active).
    Expired,
    /// Refused.
    Denied,
    /// Revoked.
    Revoked,
}

impl Standing {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Expired => "expired",
            Standing::Pending => "pending",
            Standing::Approved => "approved",
            Standing::Active => "active",
            Standing::Denied => "denied",
            Standing::Revoked => "revoked",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Expired => "Expired",
            Standing::Pending => State::Pending.label(),
            Standing::Approved => State::Approved.label(),
            Standing::Active => State::Active.label(),
            Standing::Denied => State::Denied.label(),
            Standing::Revoked => State::Revoked.label(),
        }
    }
}

/// What the rules need to know about an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// The person who applied (and who alone accepts the agreement).
    pub applicant: Uuid,
    /// Stored state.
    pub state: State,
    /// When the approval ends; set on approval, moved by renewal.
    pub expires_at: Option<OffsetDateTime>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NtkError {
    /// The decider is the applicant.
    #[error(
        "you cannot decide on your own need-to-know application; another Board administrator or the Program Manager must"
    )]
    OwnApplication,
    /// The transition does not start from this state.
    #[error("this application is {from}; it cannot be {action}")]
    WrongState {
        /// Where it stands now (a label).
        from: &'static str,
        /// What was attempted ("approved", "renewed", …).
        action: &'static str,
    },
    /// The approval expired before the person accepted the agreement.
    #[error(
        "this approval expired before the agreement was accepted; ask the Program Manager to renew it"
    )]
    Expired,
    /// The agreement version is not the one in force.
    #[error(
        "the handling agreement you accepted is version '{0}', but version '{AGREEMENT_VERSION}' is in force; read it again and accept it"
    )]
    AgreementVersion(String),
    /// Someone other than the applicant tried to accept the agreement.
    #[error("only the person who applied can accept the handling agreement")]
    NotApplicant,
}

/// The decision on a pending application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve: the person then accepts the agreement.
    Approve,
    /// Deny.
    Deny,
}

impl Decision {
    /// Parses `approve` or `deny`.
    pub fn parse(s: &str) -> Result<Decision, String> {
        match s.trim() {
            "approve" => Ok(Decision::Approve),
            "deny" => Ok(Decision::Deny),
            other => Err(format!(
                "unknown decision '{other}'; expected approve or deny"
            )),
        }
    }

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
        }
    }
}

/// The instant `days` days after `from`.
pub fn period_end(from: OffsetDateTime, days: u32) -> OffsetDateTime {
    from + Duration::days(i64::from(days))
}

impl Application {
    /// Where the application stands at `at`: an approval past its expiry is `Expired`.
    pub fn standing(&self, at: OffsetDateTime) -> Standing {
        let expired = self.expires_at.is_some_and(|e| at >= e);
        match self.state {
            State::Approved | State::Active if expired => Standing::Expired,
            State::Pending => Standing::Pending,
            State::Approved => Standing::Approved,
            State::Active => Standing::Active,
            State::Denied => Standing::Denied,
            State::Revoked => Standing::Revoked,
        }
    }

    /// Whether the person may receive FOUO information at `at`: the approval is active (the
    /// agreement accepted) and not expired.
    pub fn is_current(&self, at: OffsetDateTime) -> bool {
        self.standing(at) == Standing::Active
    }

    fn wrong(&self, at: OffsetDateTime, action: &'static str) -> NtkError {
        NtkError::WrongState {
            from: self.standing(at).label(),
            action,
        }
    }

    /// Decides a pending application. Approval sets the expiry `period_days` after `at`.
    /// Returns the new state and expiry.
    pub fn decide(
        &self,
        decider: Uuid,
        decision: Decision,
        at: OffsetDateTime,
        period_days: u32,
    ) -> Result<(State, Option<OffsetDateTime>), NtkError> {
        if decider == self.applicant {
            return Err(NtkError::OwnApplication);
        }
        if self.state != State::Pending {
            return Err(self.wrong(
                at,
                match decision {
                    Decision::Approve => "approved",
                    Decision::Deny => "denied",
                },
            ));
        }
        Ok(match decision {
            Decision::Approve => (State::Approved, Some(period_end(at, period_days))),
            Decision::Deny => (State::Denied, None),
        })
    }

    /// The applicant accepts the handling agreement (version `version`): an approval that has
    /// not expired becomes active.
    pub fn accept(
        &self,
        person: Uuid,
        version: &str,
        at: OffsetDateTime,
    ) -> Result<State, NtkError> {
        if person != self.applicant {
            return Err(NtkError::NotApplicant);
        }
        if version.trim() != AGREEMENT_VERSION {
            return Err(NtkError::AgreementVersion(version.trim().to_string()));
        }
        match self.standing(at) {
            Standing::Approved => Ok(State::Active),
            Standing::Expired => Err(NtkError::Expired),
            _ => Err(self.wrong(at, "accepted")),
        }
    }

    /// Renews an approval (approved or active, expired or not): the new expiry is
    /// `period_days` after the later of `at` and the current expiry, so renewing early loses
    /// nothing and renewing late starts from today. Returns the new expiry.
    pub fn renew(
        &self,
        decider: Uuid,
        at: OffsetDateTime,
        period_days: u32,
    ) -> Result<OffsetDateTime, NtkError> {
        if decider == self.applicant {
            return Err(NtkError::OwnApplication);
        }
        if !matches!(self.state, State::Approved | State::Active) {
            return Err(self.wrong(at, "renewed"));
        }
        let from = self.expires_at.map_or(at, |e| e.max(at));
        Ok(period_end(from, period_days))
    }

    /// Revokes an approval (approved or active, expired or not).
    pub fn revoke(&self, decider: Uuid, at: OffsetDateTime) -> Result<State, NtkError> {
        if decider == self.applicant {
            return Err(NtkError::OwnApplication);
        }
        if !matches!(self.state, State::Approved | State::Active) {
            return Err(self.wrong(at, "revoked"));
        }
        Ok(State::Revoked)
    }
}

/// Whole days left until `expires_at` at `at`, rounded up (a day and an hour left is 2), or a
/// negative number once it passed.
pub fn days_left(expires_at: OffsetDateTime, at: OffsetDateTime) -> i64 {
    let left = expires_at - at;
    if left <= Duration::ZERO {
        return left.whole_days() - 1;
    }
    let days = left.whole_days();
    if left > Duration::days(days) {
        days + 1
    } else {
        days
    }
}

/// The warning due at `at` for an approval that expires at `expires_at`: the nearest of
/// `thresholds` that has been reached (with 30 and 7 and 10 days left, the 30-day one), or
/// `None` before the first threshold or once it expired.
pub fn warning_due(
    expires_at: OffsetDateTime,
    at: OffsetDateTime,
    thresholds: &[u32],
) -> Option<u32> {
    let left = days_left(expires_at, at);
    if left < 0 || at >= expires_at {
        return None;
    }
    thresholds
        .iter()
        .copied()
        .filter(|t| i64::from(*t) >= left)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pending(applicant: Uuid) -> Application {
        Application {
            applicant,
            state: State::Pending,
            expires_at: None,
        }
    }

    #[test]
    fn the_whole_story() {
        let person = Uuid::new_v4();
        let pm = Uuid::new_v4();
        let t0 = datetime!(2026-01-10 15:00 UTC);
        let mut app = pending(person);
        assert!(!app.is_current(t0));
        assert_eq!(
            app.decide(person, Decision::Approve, t0, 365),
            Err(NtkError::OwnApplication)
        );
        let (state, expires) = app.decide(pm, Decision::Approve, t0, 365).unwrap();
        assert_eq!(state, State::Approved);
        assert_eq!(expires, Some(datetime!(2027-01-10 15:00 UTC)));
        app.state = state;
        app.expires_at = expires;
        assert!(!app.is_current(t0), "not before the agreement is accepted");
        assert_eq!(
            app.accept(pm, AGREEMENT_VERSION, t0),
            Err(NtkError::NotApplicant)
        );
        assert!(matches!(
            app.accept(person, "old", t0),
            Err(NtkError::AgreementVersion(_))
        ));
        app.state = app.accept(person, AGREEMENT_VERSION, t0).unwrap();
        assert!(app.is_current(t0));
        assert!(app.is_current(datetime!(2027-01-10 14:59:59 UTC)));
        assert!(!app.is_current(datetime!(2027-01-10 15:00 UTC)));
        assert_eq!(
            app.standing(datetime!(2027-02-01 0:00 UTC)),
            Standing::Expired
        );
        // Early renewal counts from the expiry; late renewal from the day it is done.
        assert_eq!(
            app.renew(pm, datetime!(2026-12-01 0:00 UTC), 365),
            Ok(datetime!(2028-01-10 15:00 UTC))
        );
        assert_eq!(
            app.renew(pm, datetime!(2027-03-01 0:00 UTC), 30),
            Ok(datetime!(2027-03-31 0:00 UTC))
        );
        assert_eq!(app.renew(person, t0, 365), Err(NtkError::OwnApplication));
        app.state = app.revoke(pm, t0).unwrap();
        assert!(!app.is_current(t0));
        assert!(app.revoke(pm, t0).is_err());
        assert!(app.renew(pm, t0, 365).is_err());
    }

    #[test]
    fn deny_and_wrong_states() {
        let person = Uuid::new_v4();
        let pm = Uuid::new_v4();
        let t0 = datetime!(2026-01-10 15:00 UTC);
        let app = pending(person);
        assert_eq!(
            app.decide(pm, Decision::Deny, t0, 365),
            Ok((State::Denied, None))
        );
        let denied = Application {
            state: State::Denied,
            ..app.clone()
        };
        let e = denied.decide(pm, Decision::Approve, t0, 365).unwrap_err();
        assert_eq!(
            e.to_string(),
            "this application is Denied; it cannot be approved"
        );
        assert!(denied.accept(person, AGREEMENT_VERSION, t0).is_err());
        assert!(
            app.accept(person, AGREEMENT_VERSION, t0).is_err(),
            "pending"
        );
        let late = Application {
            state: State::Approved,
            expires_at: Some(t0),
            ..app
        };
        assert_eq!(
            late.accept(person, AGREEMENT_VERSION, t0),
            Err(NtkError::Expired)
        );
        assert!(!State::Denied.is_open() && State::Approved.is_open());
        assert_eq!(State::parse("active"), Ok(State::Active));
        assert!(
            State::parse("expired")
                .unwrap_err()
                .contains("pending, approved")
        );
    }

    #[test]
    fn warnings_fall_due_at_the_thresholds() {
        let expires = datetime!(2026-06-30 12:00 UTC);
        let at = |s: OffsetDateTime| warning_due(expires, s, &WARNING_DAYS);
        assert_eq!(at(datetime!(2026-05-01 12:00 UTC)), None);
        assert_eq!(at(datetime!(2026-05-31 12:00 UTC)), Some(30));
        assert_eq!(at(datetime!(2026-06-20 12:00 UTC)), Some(30));
        assert_eq!(at(datetime!(2026-06-23 12:00 UTC)), Some(7));
        assert_eq!(at(datetime!(2026-06-30 11:00 UTC)), Some(7));
        assert_eq!(at(expires), None, "expired: nothing to warn about");
        assert_eq!(days_left(expires, datetime!(2026-06-29 11:00 UTC)), 2);
        assert_eq!(days_left(expires, datetime!(2026-06-29 12:00 UTC)), 1);
        assert!(days_left(expires, expires) < 0);
    }
}
