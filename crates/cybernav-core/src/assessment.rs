//! The workflow of a navigator's assessment (Part 213.40): assigned → in progress → complete →
//! validated, or sent back from complete to in progress. Only a validated assessment's
//! answers count in statewide figures, trends and peer comparisons.

use serde::{Deserialize, Serialize};

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Created and assigned to navigators; nothing answered yet.
    Assigned,
    /// Being answered (also where a sent-back assessment returns).
    InProgress,
    /// The navigators finished; waiting for the Program Manager's review.
    Complete,
    /// Reviewed and accepted; its answers count. Final.
    Validated,
}

impl State {
    /// Every state, in workflow order.
    pub const ALL: [State; 4] = [
        State::Assigned,
        State::InProgress,
        State::Complete,
        State::Validated,
    ];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Assigned => "assigned",
            State::InProgress => "in_progress",
            State::Complete => "complete",
            State::Validated => "validated",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(s: &str) -> Result<State, String> {
        State::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!("state '{s}' is not one of assigned, in_progress, complete, validated")
            })
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            State::Assigned => "Assigned",
            State::InProgress => "In progress",
            State::Complete => "Complete, waiting for review",
            State::Validated => "Validated",
        }
    }

    /// Whether answers may still change.
    pub fn open_for_answers(self) -> bool {
        matches!(self, State::Assigned | State::InProgress)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// Assigned → in progress (also taken by the first answer saved).
    Start,
    /// In progress → complete: every item in scope is answered.
    Complete,
    /// Complete → validated.
    Validate,
    /// Complete → in progress, with the reason.
    SendBack,
}

impl Transition {
    /// Every transition.
    pub const ALL: [Transition; 4] = [
        Transition::Start,
        Transition::Complete,
        Transition::Validate,
        Transition::SendBack,
    ];

    /// Identifier (API, forms, audit).
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Start => "start",
            Transition::Complete => "complete",
            Transition::Validate => "validate",
            Transition::SendBack => "send_back",
        }
    }

    /// Parses an identifier.
    pub fn parse(s: &str) -> Result<Transition, String> {
        Transition::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!("action '{s}' is not one of start, complete, validate, send_back")
            })
    }

    /// Whether the step needs a reviewer (validate, send back) rather than an answerer.
    pub fn is_review(self) -> bool {
        matches!(self, Transition::Validate | Transition::SendBack)
    }

    /// The state the step leads to from `from`, or why it may not be taken.
    pub fn apply(self, from: State) -> Result<State, String> {
        match (self, from) {
            (Transition::Start, State::Assigned) => Ok(State::InProgress),
            (Transition::Complete, State::InProgress | State::Assigned) => Ok(State::Complete),
            (Transition::Validate, State::Complete) => Ok(State::Validated),
            (Transition::SendBack, State::Complete) => Ok(State::InProgress),
            (t, s) => Err(format!(
                "an assessment that is {} cannot be {}",
                s.label().to_lowercase(),
                match t {
                    Transition::Start => "started",
                    Transition::Complete => "marked complete",
                    Transition::Validate => "validated",
                    Transition::SendBack => "sent back",
                }
            )),
        }
    }
}

/// SHA-256 of a catalog's source (the file as given, or the catalog's JSON), lower-case hex.
pub fn source_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// The evidence subject an assessment item's files are filed under.
pub fn evidence_subject(assessment: uuid::Uuid, item: &str) -> String {
    format!("assessment:{assessment}:{item}")
}

/// The default finding threshold: an item scoring below this percentage is a weakness a
/// navigator raises as a finding, and OSCAL reports it `not-satisfied` (at or above it,
/// `satisfied`). CSAT's "partially implemented" is 50 %. Operators change it with
/// `CYBERNAV_FINDING_THRESHOLD_PERCENT`.
pub const DEFAULT_FINDING_THRESHOLD_PERCENT: f64 = 50.0;

/// Items scoring below this percentage are raised as high-severity findings; the rest below
/// the threshold as medium.
pub const HIGH_SEVERITY_BELOW_PERCENT: f64 = 25.0;

/// Parses a finding threshold: a percentage from 0 to 100 (a decimal point allowed).
pub fn parse_finding_threshold(raw: &str) -> Result<f64, String> {
    let t = raw.trim().trim_end_matches('%').trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "'{}' is not a percentage from 0 to 100; write e.g. 50",
            raw.trim()
        )),
    }
}

/// Whether an item scoring `percent` is below the threshold (and so raises a finding).
pub fn below_threshold(percent: f64, threshold: f64) -> bool {
    percent < threshold
}

/// The severity of a finding raised from an item scoring `percent` (below the threshold):
/// high below [`HIGH_SEVERITY_BELOW_PERCENT`], medium otherwise.
pub fn severity_for_score(percent: f64) -> crate::finding::Severity {
    if percent < HIGH_SEVERITY_BELOW_PERCENT {
        crate::finding::Severity::High
    } else {
        crate::finding::Severity::Medium
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn the_finding_threshold_is_a_percentage_and_severity_follows_the_score() {
        assert_eq!(parse_finding_threshold("50"), Ok(50.0));
        assert_eq!(parse_finding_threshold(" 62.5 % "), Ok(62.5));
        assert_eq!(parse_finding_threshold("0"), Ok(0.0));
        assert_eq!(parse_finding_threshold("100"), Ok(100.0));
        for bad in ["101", "-1", "fifty", "", "NaN", "inf"] {
            let e = parse_finding_threshold(bad).unwrap_err();
            assert!(e.contains("from 0 to 100"), "{bad}: {e}");
        }
        assert!(below_threshold(49.9, 50.0));
        assert!(!below_threshold(50.0, 50.0));
        assert_eq!(severity_for_score(0.0), Severity::High);
        assert_eq!(severity_for_score(24.9), Severity::High);
        assert_eq!(severity_for_score(25.0), Severity::Medium);
    }

    #[test]
    fn the_workflow_goes_one_way_except_send_back() {
        assert_eq!(
            Transition::Start.apply(State::Assigned),
            Ok(State::InProgress)
        );
        assert_eq!(
            Transition::Complete.apply(State::InProgress),
            Ok(State::Complete)
        );
        assert_eq!(
            Transition::SendBack.apply(State::Complete),
            Ok(State::InProgress)
        );
        assert_eq!(
            Transition::Validate.apply(State::Complete),
            Ok(State::Validated)
        );
        for t in Transition::ALL {
            assert!(t.apply(State::Validated).is_err(), "validated is final");
        }
        assert!(Transition::Validate.apply(State::InProgress).is_err());
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Ok(s));
        }
        for t in Transition::ALL {
            assert_eq!(Transition::parse(t.as_str()), Ok(t));
        }
    }
}
