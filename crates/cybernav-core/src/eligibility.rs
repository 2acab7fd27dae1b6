//! Whether an election authority meets a requirement set, and why not: a pure function of the
//! recorded facts, the set, the cycle's deadline and today's date.
//!
//! Every unmet requirement carries its reasons in plain language, so the clerk, the navigator
//! and the Board read the same explanation.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Month};

use crate::requirements::{Condition, DueRule, FactKey, Requirement, RequirementSet};

/// What is recorded of one fact for one authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FactValue {
    /// Whether it holds.
    pub holds: bool,
    /// When it came to hold (a training date, an assessment date), where that matters.
    pub on: Option<Date>,
}

impl FactValue {
    /// A fact that holds since `on`.
    pub fn since(on: Date) -> Self {
        FactValue {
            holds: true,
            on: Some(on),
        }
    }

    /// A fact that holds, undated.
    pub fn yes() -> Self {
        FactValue {
            holds: true,
            on: None,
        }
    }
}

/// The facts recorded for one authority: platform facts, and the requirements a person
/// ticked off (for [`FactKey::Checked`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Platform facts.
    pub facts: BTreeMap<FactKey, FactValue>,
    /// Checked requirements, by requirement id.
    pub checked: BTreeMap<String, FactValue>,
}

impl Facts {
    /// The value of `fact` for `requirement` (checked items are per requirement).
    pub fn value(&self, fact: FactKey, requirement: &str) -> FactValue {
        match fact {
            FactKey::Checked => self.checked.get(requirement).copied(),
            other => self.facts.get(&other).copied(),
        }
        .unwrap_or_default()
    }
}

/// Where one requirement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Met.
    Met,
    /// Not met yet, and its due date has not passed.
    Open,
    /// Not met, and its due date has passed.
    Overdue,
}

impl Status {
    /// The identifier APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Open => "open",
            Status::Overdue => "overdue",
        }
    }
}

/// One requirement's standing, with the reasons when it is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementStatus {
    /// The requirement's id.
    pub id: String,
    /// Its clause.
    pub clause: String,
    /// Where it stands.
    pub status: Status,
    /// When it is due, if it has a date.
    pub due_on: Option<Date>,
    /// Why it is not met, in plain language (empty when met).
    pub reasons: Vec<String>,
}

/// An authority's standing against a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    /// Every requirement met.
    pub eligible: bool,
    /// Each requirement, in the set's order.
    pub requirements: Vec<RequirementStatus>,
}

impl Eligibility {
    /// How many requirements are not met.
    pub fn unmet(&self) -> usize {
        self.requirements
            .iter()
            .filter(|r| r.status != Status::Met)
            .count()
    }
}

/// Evaluates `facts` against `set` on `today`, for a cycle whose certification deadline falls
/// on `deadline` (the date in the Board's time zone).
pub fn evaluate(set: &RequirementSet, facts: &Facts, deadline: Date, today: Date) -> Eligibility {
    let requirements: Vec<RequirementStatus> = set
        .requirements
        .iter()
        .map(|r| evaluate_one(r, facts, deadline, today))
        .collect();
    Eligibility {
        eligible: requirements.iter().all(|r| r.status == Status::Met),
        requirements,
    }
}

fn evaluate_one(r: &Requirement, facts: &Facts, deadline: Date, today: Date) -> RequirementStatus {
    let due_on = due_date(r.due, deadline, today);
    let mut reasons = Vec::new();
    let counts = |fact: FactKey| -> Result<(), String> {
        let v = facts.value(fact, &r.id);
        if !v.holds {
            return Err(format!("Not yet: {}.", fact.label()));
        }
        stale_reason(r.due, v.on, today).map_or(Ok(()), Err)
    };
    let met = match &r.condition {
        Condition::All(list) => {
            for f in list {
                if let Err(why) = counts(*f) {
                    reasons.push(why);
                }
            }
            reasons.is_empty()
        }
        Condition::Any(list) => {
            let results: Vec<Result<(), String>> = list.iter().map(|f| counts(*f)).collect();
            let met = results.iter().any(Result::is_ok);
            if !met {
                let options: Vec<&str> = list.iter().map(|f| f.label()).collect();
                let mut why = format!("Needs one of: {}.", options.join("; or "));
                let stale: Vec<String> = results.into_iter().filter_map(Result::err).collect();
                for s in stale.into_iter().filter(|s| !s.starts_with("Not yet")) {
                    why.push(' ');
                    why.push_str(&s);
                }
                reasons.push(why);
            }
            met
        }
    };
    let status = if met {
        Status::Met
    } else if due_on.is_some_and(|d| today > d) {
        Status::Overdue
    } else {
        Status::Open
    };
    if status == Status::Overdue
        && let Some(d) = due_on
    {
        reasons.push(format!("It was due on {}.", long_date(d)));
    }
    RequirementStatus {
        id: r.id.clone(),
        clause: r.clause.clone(),
        status,
        due_on,
        reasons,
    }
}

/// The date a requirement is due by, as of `today`.
fn due_date(rule: DueRule, deadline: Date, today: Date) -> Option<Date> {
    match rule {
        DueRule::CertificationDeadline | DueRule::CalendarYear => Some(deadline),
        DueRule::Date(d) => Some(d),
        DueRule::Annual { month, day } => {
            let month = Month::try_from(month).ok()?;
            let this_year = Date::from_calendar_date(today.year(), month, day).ok()?;
            if this_year >= today {
                Some(this_year)
            } else {
                Date::from_calendar_date(today.year() + 1, month, day).ok()
            }
        }
    }
}

/// Why a dated fact no longer counts under `rule`, if it does not.
fn stale_reason(rule: DueRule, on: Option<Date>, today: Date) -> Option<String> {
    match (rule, on) {
        (DueRule::CalendarYear, Some(d)) if d.year() != today.year() => Some(format!(
            "The last one was on {}; it must be done again in {}.",
            long_date(d),
            today.year()
        )),
        (DueRule::CalendarYear, None) => {
            Some("No date is recorded; the date must fall in this calendar year.".into())
        }
        (DueRule::Annual { .. }, Some(d))
            if d.replace_year(d.year() + 1).is_ok_and(|a| a <= today) =>
        {
            Some(format!(
                "The last one was on {}, more than a year ago; it must be renewed.",
                long_date(d)
            ))
        }
        _ => None,
    }
}

/// `15 March 2019`.
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::requirements::Owner;

    fn req(id: &str, condition: Condition, due: DueRule) -> Requirement {
        Requirement {
            id: id.into(),
            clause: "213.50(a)".into(),
            title: id.into(),
            text: "text".into(),
            owner: Owner::ElectionOffice,
            condition,
            due,
        }
    }

    fn set(requirements: Vec<Requirement>) -> RequirementSet {
        RequirementSet {
            id: "t".into(),
            version: "1".into(),
            title: "t".into(),
            jurisdiction: "Testland".into(),
            requirements,
        }
    }

    const DEADLINE: Date = date!(2026 - 03 - 15);

    #[test]
    fn any_of_is_met_by_one_and_explains_when_none() {
        let s = set(vec![req(
            "icn",
            Condition::Any(vec![FactKey::IcnConnected, FactKey::IcnAgreementSigned]),
            DueRule::CertificationDeadline,
        )]);
        let mut f = Facts::default();
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 03 - 01));
        assert!(!e.eligible);
        assert_eq!(e.requirements[0].status, Status::Open);
        assert_eq!(
            e.requirements[0].reasons,
            [
                "Needs one of: connected to the statewide database over the ICN; or agreement to connect over the ICN signed."
            ]
        );
        let late = evaluate(&s, &f, DEADLINE, date!(2026 - 03 - 16));
        assert_eq!(late.requirements[0].status, Status::Overdue);
        assert!(late.requirements[0].reasons[1].contains("15 March 2026"));
        f.facts
            .insert(FactKey::IcnAgreementSigned, FactValue::yes());
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 03 - 16));
        assert!(e.eligible);
        assert!(e.requirements[0].reasons.is_empty());
    }

    #[test]
    fn the_deadline_day_itself_is_not_overdue() {
        let s = set(vec![req(
            "cert",
            Condition::All(vec![FactKey::CertificationOnTime]),
            DueRule::CertificationDeadline,
        )]);
        let f = Facts::default();
        assert_eq!(
            evaluate(&s, &f, DEADLINE, DEADLINE).requirements[0].status,
            Status::Open
        );
        assert_eq!(
            evaluate(&s, &f, DEADLINE, date!(2026 - 03 - 16)).requirements[0].status,
            Status::Overdue
        );
    }

    #[test]
    fn training_must_be_in_this_calendar_year() {
        let s = set(vec![req(
            "training",
            Condition::All(vec![FactKey::DesigneeTrained]),
            DueRule::CalendarYear,
        )]);
        let mut f = Facts::default();
        f.facts.insert(
            FactKey::DesigneeTrained,
            FactValue::since(date!(2025 - 11 - 02)),
        );
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 01 - 10));
        assert!(!e.eligible);
        assert_eq!(
            e.requirements[0].reasons,
            ["The last one was on 2 November 2025; it must be done again in 2026."]
        );
        f.facts.insert(
            FactKey::DesigneeTrained,
            FactValue::since(date!(2026 - 01 - 05)),
        );
        assert!(evaluate(&s, &f, DEADLINE, date!(2026 - 01 - 10)).eligible);
    }

    #[test]
    fn annual_items_renew_each_year() {
        let s = set(vec![req(
            "cert",
            Condition::All(vec![FactKey::Checked]),
            DueRule::Annual { month: 8, day: 1 },
        )]);
        let mut f = Facts::default();
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 07 - 01));
        assert_eq!(e.requirements[0].due_on, Some(date!(2026 - 08 - 01)));
        assert_eq!(
            evaluate(&s, &f, DEADLINE, date!(2026 - 08 - 02)).requirements[0].due_on,
            Some(date!(2027 - 08 - 01))
        );
        f.checked
            .insert("cert".into(), FactValue::since(date!(2025 - 07 - 20)));
        assert!(evaluate(&s, &f, DEADLINE, date!(2026 - 07 - 01)).eligible);
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 07 - 20));
        assert!(!e.eligible, "a year on, it must be renewed");
        assert!(e.requirements[0].reasons[0].contains("more than a year ago"));
    }

    #[test]
    fn checked_items_are_per_requirement() {
        let s = set(vec![
            req(
                "mfa",
                Condition::All(vec![FactKey::Checked]),
                DueRule::CertificationDeadline,
            ),
            req(
                "backups",
                Condition::All(vec![FactKey::Checked]),
                DueRule::CertificationDeadline,
            ),
        ]);
        let mut f = Facts::default();
        f.checked.insert("mfa".into(), FactValue::yes());
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 01 - 01));
        assert_eq!(e.requirements[0].status, Status::Met);
        assert_eq!(e.requirements[1].status, Status::Open);
        assert_eq!(e.unmet(), 1);
        assert_eq!(
            e.requirements[1].reasons,
            ["Not yet: marked done, with evidence."]
        );
    }

    #[test]
    fn all_of_lists_every_missing_fact() {
        let s = set(vec![req(
            "assessment",
            Condition::All(vec![
                FactKey::AssessmentAllowed,
                FactKey::RiskAssessmentDone,
                FactKey::CisAnalysisDone,
            ]),
            DueRule::CertificationDeadline,
        )]);
        let mut f = Facts::default();
        f.facts.insert(FactKey::AssessmentAllowed, FactValue::yes());
        let e = evaluate(&s, &f, DEADLINE, date!(2026 - 01 - 01));
        assert_eq!(e.requirements[0].reasons.len(), 2);
    }
}
