//! Requirement-set files: the shipped Illinois set, a state's own checklist, and bad files
//! refused with their lines.
#![allow(clippy::unwrap_used)]

use cybernav_core::eligibility::{FactValue, Facts, Status, evaluate};
use cybernav_core::requirements::{Condition, DueRule, FactKey, Owner};
use cybernav_formats::requirement_set::{SetError, illinois_part_213, parse_requirement_set};
use time::macros::date;

const CHECKLIST: &str = include_str!("fixtures/checklist-31.toml");

#[test]
fn the_illinois_set_carries_every_minimum_requirement_of_213_50() {
    let set = illinois_part_213();
    assert_eq!(set.id, "il-part-213");
    let clauses: Vec<&str> = set.requirements.iter().map(|r| r.clause.as_str()).collect();
    for clause in [
        "213.50(a)(1)",
        "213.50(a)(2)(A)",
        "213.50(a)(2)(B)",
        "213.50(a)(3)",
    ] {
        assert!(
            clauses.iter().any(|c| c.starts_with(clause)),
            "{clause} missing from {clauses:?}"
        );
    }
    assert!(clauses.iter().any(|c| c.contains("213.50(a)(2)(C)")));
    let icn = set.requirement("icn").unwrap();
    assert_eq!(
        icn.condition,
        Condition::Any(vec![FactKey::IcnConnected, FactKey::IcnAgreementSigned])
    );
    assert_eq!(icn.owner, Owner::CountyIt);
    assert_eq!(
        set.requirement("training").unwrap().due,
        DueRule::CalendarYear
    );
}

#[test]
fn an_authority_that_meets_everything_is_eligible_in_illinois() {
    let set = illinois_part_213();
    let mut facts = Facts::default();
    for f in [
        FactKey::CertificationOnTime,
        FactKey::IcnAgreementSigned,
        FactKey::IsacWaived,
        FactKey::DataSharingEstablished,
        FactKey::AssessmentAllowed,
        FactKey::RiskAssessmentDone,
        FactKey::CisAnalysisDone,
    ] {
        facts.facts.insert(f, FactValue::yes());
    }
    let deadline = date!(2027 - 03 - 15);
    let today = date!(2027 - 02 - 01);
    let e = evaluate(&set, &facts, deadline, today);
    assert!(!e.eligible);
    let training = e.requirements.iter().find(|r| r.id == "training").unwrap();
    assert_eq!(training.status, Status::Open);
    facts.facts.insert(
        FactKey::DesigneeTrained,
        FactValue::since(date!(2027 - 01 - 20)),
    );
    assert!(evaluate(&set, &facts, deadline, today).eligible);
}

#[test]
fn a_states_own_checklist_loads_without_code_changes() {
    let set = parse_requirement_set(CHECKLIST).unwrap();
    assert_eq!(set.requirements.len(), 31);
    assert_eq!(set.jurisdiction, "Example State");
    let mut facts = Facts::default();
    facts
        .facts
        .insert(FactKey::IsacRegistered, FactValue::yes());
    for r in &set.requirements {
        facts
            .checked
            .insert(r.id.clone(), FactValue::since(date!(2026 - 06 - 01)));
    }
    let deadline = date!(2026 - 08 - 01);
    assert!(evaluate(&set, &facts, deadline, date!(2026 - 07 - 01)).eligible);
    facts.checked.remove("mfa");
    let e = evaluate(&set, &facts, deadline, date!(2026 - 07 - 01));
    assert!(!e.eligible);
    assert_eq!(e.unmet(), 1);
}

fn errors(text: &str) -> Vec<SetError> {
    parse_requirement_set(text).unwrap_err().0
}

const HEAD: &str = "format = \"cybernav-requirements/1\"\nid = \"t\"\nversion = \"1\"\ntitle = \"T\"\njurisdiction = \"J\"\n";

fn with(requirements: &str) -> String {
    format!("{HEAD}{requirements}")
}

const GOOD: &str = "\n[[requirement]]\nid = \"a\"\nclause = \"1\"\ntitle = \"A\"\ntext = \"Do A.\"\nowner = \"county_it\"\nall = [\"checked\"]\ndue = \"certification_deadline\"\n";

#[test]
fn a_minimal_file_parses() {
    let set = parse_requirement_set(&with(GOOD)).unwrap();
    assert_eq!(set.requirements[0].id, "a");
}

#[test]
fn unknown_facts_owners_and_due_rules_are_named_with_their_line() {
    let text = with(
        &GOOD
            .replace("[\"checked\"]", "[\"checked\", \"isac.registred\"]")
            .replace("county_it", "sheriff")
            .replace("certification_deadline", "next week"),
    );
    let e = errors(&text);
    let lines: Vec<(usize, &str)> = e.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].0, 12);
    assert!(lines[0].1.contains("unknown owner \"sheriff\"") && lines[0].1.contains("county_it"));
    assert_eq!(lines[1].0, 13);
    assert!(
        lines[1].1.contains("unknown fact \"isac.registred\"")
            && lines[1].1.contains("isac.registered")
    );
    assert_eq!(lines[2].0, 14);
    assert!(lines[2].1.contains("got \"next week\""));
}

#[test]
fn duplicate_ids_and_conditions_are_refused() {
    let twice = with(&format!("{GOOD}{GOOD}"));
    let e = errors(&twice);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 17, "the second id");
    assert!(e[0].message.contains("used twice"));

    let both = with(&GOOD.replace("due =", "any = [\"icn.connected\"]\ndue ="));
    assert!(errors(&both)[0].message.contains("exactly one of"));
    let neither = with(&GOOD.replace("all = [\"checked\"]\n", ""));
    assert!(errors(&neither)[0].message.contains("exactly one of"));
    let empty = with(&GOOD.replace("[\"checked\"]", "[]"));
    assert!(errors(&empty)[0].message.contains("empty"));
}

#[test]
fn syntax_errors_unknown_fields_and_formats_say_where() {
    let e = errors(&with(&GOOD.replace("title = \"A\"", "title = \"A")));
    assert_eq!(e[0].line, 10, "the unclosed string");
    let e = errors(&with(&GOOD.replace("due =", "colour = \"red\"\ndue =")));
    assert!(e[0].message.contains("colour"), "{e:?}");
    assert!(e[0].line >= 7, "{e:?}");
    let e = errors(&with(GOOD).replace("cybernav-requirements/1", "cybernav-requirements/9"));
    assert_eq!(e[0].line, 1);
    assert!(e[0].message.contains("cybernav-requirements/1"));
    let e = errors(HEAD);
    assert!(e[0].message.contains("no requirements"));
    let e = errors("");
    assert!(!e[0].message.is_empty());
    let e = errors(&with(&GOOD.replace("id = \"a\"", "id = \"A b\"")));
    assert!(e[0].message.contains("lower-case"));
}
