//! Scoring an assessment against a catalog (Part 213.40): the scales, the versioned methods,
//! and the roll-ups per item, group, Implementation Group, security function and overall.
//!
//! Two methods exist, and the one used is stored with each assessment so a score can always be
//! recomputed and explained:
//!
//! * `csat-4d-v1` — the four dimensions CIS CSAT asks about each safeguard: *policy defined*,
//!   *control implemented*, *control automated* and *control reported*. Each is answered on a
//!   five-step scale, level 0 to 4, worth 0 %, 25 %, 50 %, 75 % or 100 % (see
//!   [`Dimension::levels`]). An item's score is the mean of its four dimensions.
//! * `simple-5-v1` — CSAT Pro's single 1–5 answer per item, worth `(score − 1) × 25` %.
//!
//! An item marked *not applicable* (always with a justification) is left out of every average:
//! it is never counted as zero, and never as 100. An unanswered item is left out too, and
//! counted as unanswered so a reader sees how complete the figure is. Roll-ups are the plain
//! mean of the item scores they include. Items outside the assessment's scope (an IG1
//! assessment does not count IG2 or IG3 safeguards) are not counted, but their answers are kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, SECURITY_FUNCTIONS};

/// A versioned scoring method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Method {
    /// The four CSAT dimensions, 0–4 each, item = mean of the four.
    #[serde(rename = "csat-4d-v1")]
    Csat4dV1,
    /// CSAT Pro's simple scale, 1–5, percent = (score − 1) × 25.
    #[serde(rename = "simple-5-v1")]
    Simple5V1,
}

impl Method {
    /// Every method, newest of each kind first.
    pub const ALL: [Method; 2] = [Method::Csat4dV1, Method::Simple5V1];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Csat4dV1 => "csat-4d-v1",
            Method::Simple5V1 => "simple-5-v1",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(s: &str) -> Result<Method, String> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("scoring method '{s}' is not one of csat-4d-v1, simple-5-v1"))
    }

    /// In words, for pages.
    pub fn label(self) -> &'static str {
        match self {
            Method::Csat4dV1 => {
                "Four dimensions (policy, implemented, automated, reported), 0–4 each"
            }
            Method::Simple5V1 => "Simple scale, 1 to 5",
        }
    }
}

/// One of the four CSAT dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Is there a policy for it?
    PolicyDefined,
    /// Is it implemented?
    ControlImplemented,
    /// Is it automated?
    ControlAutomated,
    /// Is it reported to management?
    ControlReported,
}

impl Dimension {
    /// The four, in the order pages show them.
    pub const ALL: [Dimension; 4] = [
        Dimension::PolicyDefined,
        Dimension::ControlImplemented,
        Dimension::ControlAutomated,
        Dimension::ControlReported,
    ];

    /// The field name (forms, API, CSV).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::PolicyDefined => "policy_defined",
            Dimension::ControlImplemented => "control_implemented",
            Dimension::ControlAutomated => "control_automated",
            Dimension::ControlReported => "control_reported",
        }
    }

    /// The heading pages use.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::PolicyDefined => "Policy defined",
            Dimension::ControlImplemented => "Control implemented",
            Dimension::ControlAutomated => "Control automated",
            Dimension::ControlReported => "Control reported",
        }
    }

    /// The five levels, 0 to 4, in words; level `n` is worth `n × 25` %.
    pub fn levels(self) -> [&'static str; 5] {
        match self {
            Dimension::PolicyDefined => [
                "No policy",
                "Informal policy",
                "Partial written policy",
                "Written policy",
                "Approved written policy",
            ],
            Dimension::ControlImplemented => [
                "Not implemented",
                "Parts of the policy implemented",
                "Implemented on some systems",
                "Implemented on most systems",
                "Implemented on all systems",
            ],
            Dimension::ControlAutomated => [
                "Not automated",
                "Parts of the policy automated",
                "Automated on some systems",
                "Automated on most systems",
                "Automated on all systems",
            ],
            Dimension::ControlReported => [
                "Not reported",
                "Parts of the policy reported",
                "Reported on some systems",
                "Reported on most systems",
                "Reported on all systems",
            ],
        }
    }
}

/// The highest level of a dimension.
pub const DIMENSION_MAX: u8 = 4;

/// The simple scale's range.
pub const SIMPLE_MIN: u8 = 1;
/// The simple scale's range.
pub const SIMPLE_MAX: u8 = 5;

/// The simple scale's five steps in words.
pub const SIMPLE_LEVELS: [&str; 5] = [
    "1 — not in place",
    "2 — started",
    "3 — partly in place",
    "4 — mostly in place",
    "5 — fully in place",
];

/// What was answered for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// The four dimensions, each 0–4, in [`Dimension::ALL`] order.
    Dimensions {
        /// Policy defined, control implemented, control automated, control reported.
        levels: [u8; 4],
    },
    /// The simple scale, 1–5.
    Simple {
        /// The score.
        score: u8,
    },
    /// Not applicable, with why; left out of every average.
    NotApplicable {
        /// Why the item does not apply to this authority.
        justification: String,
    },
}

/// A score outside its scale or an answer of the wrong kind, naming the item and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The item id.
    pub item: String,
    /// The field (`control_automated`, `score`, `justification`, `kind`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "item {}, {}: {}", self.item, self.field, self.message)
    }
}

impl Answer {
    /// Checks the answer against the method's scale.
    pub fn check(&self, method: Method, item: &str) -> Result<(), AnswerProblem> {
        let problem = |field: &str, message: String| AnswerProblem {
            item: item.to_string(),
            field: field.to_string(),
            message,
        };
        match (self, method) {
            (Answer::NotApplicable { justification }, _) => {
                if justification.trim().is_empty() {
                    return Err(problem(
                        "justification",
                        "say why the item does not apply; not applicable needs a justification"
                            .into(),
                    ));
                }
                Ok(())
            }
            (Answer::Dimensions { levels }, Method::Csat4dV1) => {
                for (d, level) in Dimension::ALL.iter().zip(levels) {
                    if *level > DIMENSION_MAX {
                        return Err(problem(
                            d.as_str(),
                            format!("{level} is outside the scale 0 to {DIMENSION_MAX}"),
                        ));
                    }
                }
                Ok(())
            }
            (Answer::Simple { score }, Method::Simple5V1) => {
                if !(SIMPLE_MIN..=SIMPLE_MAX).contains(score) {
                    return Err(problem(
                        "score",
                        format!("{score} is outside the scale {SIMPLE_MIN} to {SIMPLE_MAX}"),
                    ));
                }
                Ok(())
            }
            (Answer::Dimensions { .. }, Method::Simple5V1) => Err(problem(
                "kind",
                "this assessment uses the simple 1–5 scale, not the four dimensions".into(),
            )),
            (Answer::Simple { .. }, Method::Csat4dV1) => Err(problem(
                "kind",
                "this assessment uses the four dimensions, not the simple 1–5 scale".into(),
            )),
        }
    }

    /// The item's score in percent, or `None` for not applicable. The answer must have passed
    /// [`Answer::check`].
    pub fn percent(&self) -> Option<f64> {
        match self {
            Answer::Dimensions { levels } => {
                let sum: u32 = levels.iter().map(|l| u32::from(*l)).sum();
                Some(f64::from(sum) * 25.0 / 4.0)
            }
            Answer::Simple { score } => Some(f64::from(score.saturating_sub(1)) * 25.0),
            Answer::NotApplicable { .. } => None,
        }
    }
}

/// The scope of a CIS-shaped assessment: the Implementation Group it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// IG1 items only.
    Ig1,
    /// IG1 and IG2.
    Ig2,
    /// IG1, IG2 and IG3.
    Ig3,
    /// Every item (catalogs without Implementation Groups).
    All,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [Scope::Ig1, Scope::Ig2, Scope::Ig3, Scope::All];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ig1 => "ig1",
            Scope::Ig2 => "ig2",
            Scope::Ig3 => "ig3",
            Scope::All => "all",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(s: &str) -> Result<Scope, String> {
        Scope::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("scope '{s}' is not one of ig1, ig2, ig3, all"))
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Ig1 => "Implementation Group 1",
            Scope::Ig2 => "Implementation Groups 1 and 2",
            Scope::Ig3 => "Implementation Groups 1, 2 and 3",
            Scope::All => "Every item",
        }
    }

    /// The highest Implementation Group counted.
    pub fn max_group(self) -> u8 {
        match self {
            Scope::Ig1 => 1,
            Scope::Ig2 => 2,
            Scope::Ig3 | Scope::All => 3,
        }
    }

    /// Whether an item of Implementation Group `ig` (`None`: applies whatever the scope) is
    /// counted.
    pub fn includes(self, ig: Option<u8>) -> bool {
        ig.is_none_or(|g| g <= self.max_group())
    }
}

/// A rolled-up score: the mean of the item scores it includes, with counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Score {
    /// Mean percentage of the scored items, or `None` when none is scored.
    pub percent: Option<f64>,
    /// Items scored (answered, applicable).
    pub scored: usize,
    /// Items marked not applicable (left out of the mean).
    pub not_applicable: usize,
    /// Items in scope not answered yet.
    pub unanswered: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    sum: f64,
    scored: usize,
    na: usize,
    unanswered: usize,
}

impl Acc {
    fn add(&mut self, item: Option<&Answer>) {
        match item.map(Answer::percent) {
            None => self.unanswered += 1,
            Some(None) => self.na += 1,
            Some(Some(p)) => {
                self.sum += p;
                self.scored += 1;
            }
        }
    }

    fn score(self) -> Score {
        Score {
            percent: (self.scored > 0).then(|| self.sum / self.scored as f64),
            scored: self.scored,
            not_applicable: self.na,
            unanswered: self.unanswered,
        }
    }
}

/// One item's place in the scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    /// The item id.
    pub item: String,
    /// The group it is in.
    pub group: String,
    /// In the scope (counted).
    pub in_scope: bool,
    /// Its score; `None` when unanswered or not applicable.
    pub percent: Option<f64>,
    /// Marked not applicable.
    pub not_applicable: bool,
    /// Answered at all.
    pub answered: bool,
}

/// A labelled roll-up (a group, an Implementation Group, a function).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    /// Identifier (group id, `IG1`, `Protect`).
    pub id: String,
    /// Title for pages.
    pub title: String,
    /// The score.
    pub score: Score,
}

/// Every roll-up of one assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// The method the scores were computed with.
    pub method: Method,
    /// The scope.
    pub scope: Scope,
    /// Every item in catalog order.
    pub items: Vec<ItemScore>,
    /// Per group (control), in catalog order; groups with no item in scope are left out.
    pub groups: Vec<Rollup>,
    /// Per Implementation Group up to the scope's, each the items of that group *and below*
    /// (IG2 is what an IG2 authority is expected to do). Empty for catalogs without groups.
    pub implementation_groups: Vec<Rollup>,
    /// Per security function, in [`SECURITY_FUNCTIONS`] order; functions no item names are
    /// left out.
    pub functions: Vec<Rollup>,
    /// Every item in scope.
    pub overall: Score,
}

/// Computes the scores of `answers` (by item id) on `catalog`. Answers to items the catalog
/// does not hold are ignored; answers must have passed [`Answer::check`].
pub fn score(
    catalog: &Catalog,
    scope: Scope,
    method: Method,
    answers: &BTreeMap<String, Answer>,
) -> Scores {
    let mut items = Vec::with_capacity(catalog.len());
    let mut groups = Vec::with_capacity(catalog.groups.len());
    let mut igs = [Acc::default(); 3];
    let mut functions = [Acc::default(); SECURITY_FUNCTIONS.len()];
    let mut function_seen = [false; SECURITY_FUNCTIONS.len()];
    let mut overall = Acc::default();
    let has_igs = catalog.has_implementation_groups();
    for g in &catalog.groups {
        let mut acc = Acc::default();
        let mut any = false;
        for i in &g.items {
            let answer = answers.get(&i.id);
            let in_scope = scope.includes(i.implementation_group);
            items.push(ItemScore {
                item: i.id.clone(),
                group: g.id.clone(),
                in_scope,
                percent: answer.and_then(Answer::percent),
                not_applicable: matches!(answer, Some(Answer::NotApplicable { .. })),
                answered: answer.is_some(),
            });
            if !in_scope {
                continue;
            }
            any = true;
            acc.add(answer);
            overall.add(answer);
            let ig = i.implementation_group.unwrap_or(1);
            for (k, a) in igs.iter_mut().enumerate() {
                if usize::from(ig) <= k + 1 {
                    a.add(answer);
                }
            }
            if let Some(f) = &i.security_function
                && let Some(k) = SECURITY_FUNCTIONS.iter().position(|s| s == f)
            {
                functions[k].add(answer);
                function_seen[k] = true;
            }
        }
        if any {
            groups.push(Rollup {
                id: g.id.clone(),
                title: g.title.clone(),
                score: acc.score(),
            });
        }
    }
    let implementation_groups = if has_igs {
        (1..=scope.max_group())
            .map(|k| Rollup {
                id: format!("IG{k}"),
                title: format!("Implementation Group {k}"),
                score: igs[usize::from(k) - 1].score(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let functions = SECURITY_FUNCTIONS
        .iter()
        .enumerate()
        .filter(|(k, _)| function_seen[*k])
        .map(|(k, f)| Rollup {
            id: (*f).to_string(),
            title: (*f).to_string(),
            score: functions[k].score(),
        })
        .collect();
    Scores {
        method,
        scope,
        items,
        groups,
        implementation_groups,
        functions,
        overall: overall.score(),
    }
}

/// The spread of a set of scores (statewide or among peers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// How many scores.
    pub count: usize,
    /// Lowest.
    pub min: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// Highest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// How many fall in each tenth: 0–10 %, 10–20 %, … 90–100 % (100 counts in the last).
    pub deciles: [usize; 10],
}

/// The distribution of `values` (percentages), or `None` when there are none.
pub fn distribution(values: &[f64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        // Linear interpolation between closest ranks.
        let pos = p * (v.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    let mut deciles = [0usize; 10];
    for x in &v {
        let k = ((x / 10.0).floor().max(0.0) as usize).min(9);
        deciles[k] += 1;
    }
    Some(Distribution {
        count: v.len(),
        min: v[0],
        p25: q(0.25),
        median: q(0.5),
        p75: q(0.75),
        max: v[v.len() - 1],
        mean: v.iter().sum::<f64>() / v.len() as f64,
        deciles,
    })
}

/// The fewest other authorities a peer comparison may draw on, so no single authority's score
/// can be read out of it.
pub const MIN_PEERS: usize = 5;

/// Where one authority stands among its peers, without naming any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerComparison {
    /// The authority's own score.
    pub own: f64,
    /// The others' scores, as a distribution.
    pub peers: Distribution,
    /// Share of peers scoring below the authority, in percent.
    pub percentile: f64,
}

/// Compares `own` with `others`; `None` when there are fewer than [`MIN_PEERS`] others.
pub fn compare_with_peers(own: f64, others: &[f64]) -> Option<PeerComparison> {
    if others.len() < MIN_PEERS {
        return None;
    }
    let peers = distribution(others)?;
    let below = others.iter().filter(|x| **x < own).count();
    Some(PeerComparison {
        own,
        percentile: below as f64 * 100.0 / others.len() as f64,
        peers,
    })
}

/// A synthetic CIS-shaped catalog for tests and benchmarks: 18 groups (fewer for fewer items),
/// `items` items spread over them, IG 1–3 and the six functions in turn. Written for the tests; no CIS text.
pub fn synthetic_catalog(items: usize) -> Catalog {
    use crate::catalog::{Group, Item};
    let groups = items.clamp(1, 18);
    let mut out: Vec<Group> = (1..=groups)
        .map(|g| Group {
            id: g.to_string(),
            title: format!("Synthetic control {g}"),
            items: Vec::new(),
        })
        .collect();
    for n in 0..items {
        let g = n % groups;
        let k = out[g].items.len() + 1;
        out[g].items.push(Item {
            id: format!("{}.{k}", g + 1),
            title: format!("Synthetic safeguard {}.{k}", g + 1),
            description: String::new(),
            implementation_group: Some((n % 3) as u8 + 1),
            asset_type: Some("Devices".into()),
            security_function: Some(SECURITY_FUNCTIONS[n % SECURITY_FUNCTIONS.len()].into()),
        });
    }
    Catalog {
        id: "synthetic-cis".into(),
        version: "1.0".into(),
        title: "Synthetic CIS-shaped catalog".into(),
        publisher: "cybernav tests".into(),
        licence: "Written for the tests".into(),
        groups: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Group, Item};
    use proptest::prelude::*;

    fn item(id: &str, ig: Option<u8>, f: &str) -> Item {
        Item {
            id: id.into(),
            title: format!("Item {id}"),
            description: String::new(),
            implementation_group: ig,
            asset_type: None,
            security_function: Some(f.into()),
        }
    }

    fn cat() -> Catalog {
        Catalog {
            id: "t".into(),
            version: "1".into(),
            title: "T".into(),
            publisher: "P".into(),
            licence: "L".into(),
            groups: vec![
                Group {
                    id: "1".into(),
                    title: "One".into(),
                    items: vec![
                        item("1.1", Some(1), "Identify"),
                        item("1.2", Some(2), "Protect"),
                    ],
                },
                Group {
                    id: "2".into(),
                    title: "Two".into(),
                    items: vec![
                        item("2.1", Some(1), "Protect"),
                        item("2.2", Some(3), "Detect"),
                    ],
                },
            ],
        }
    }

    fn dims(l: [u8; 4]) -> Answer {
        Answer::Dimensions { levels: l }
    }

    fn na() -> Answer {
        Answer::NotApplicable {
            justification: "no wireless at all".into(),
        }
    }

    #[test]
    fn percentages_are_as_documented() {
        assert_eq!(dims([0, 0, 0, 0]).percent(), Some(0.0));
        assert_eq!(dims([4, 4, 4, 4]).percent(), Some(100.0));
        assert_eq!(dims([4, 2, 0, 0]).percent(), Some(37.5));
        for s in 1..=5u8 {
            assert_eq!(
                Answer::Simple { score: s }.percent(),
                Some(f64::from(s - 1) * 25.0)
            );
        }
        assert_eq!(na().percent(), None);
    }

    #[test]
    fn not_applicable_is_left_out_never_zero() {
        let answers = BTreeMap::from([
            ("1.1".to_string(), dims([4, 4, 4, 4])),
            ("2.1".to_string(), na()),
        ]);
        let s = score(&cat(), Scope::Ig1, Method::Csat4dV1, &answers);
        assert_eq!(s.overall.percent, Some(100.0));
        assert_eq!(s.overall.not_applicable, 1);
        assert_eq!(s.overall.unanswered, 0);
        assert_eq!(s.groups[1].score.percent, None, "only n/a: no score, not 0");
    }

    #[test]
    fn scope_counts_only_items_in_it_and_keeps_the_rest() {
        let answers = BTreeMap::from([
            ("1.1".to_string(), dims([4, 4, 4, 4])),
            ("1.2".to_string(), dims([0, 0, 0, 0])),
            ("2.2".to_string(), dims([2, 2, 2, 2])),
        ]);
        let ig1 = score(&cat(), Scope::Ig1, Method::Csat4dV1, &answers);
        assert_eq!(ig1.overall.percent, Some(100.0));
        assert_eq!(ig1.overall.unanswered, 1);
        assert_eq!(ig1.implementation_groups.len(), 1);
        assert!(
            ig1.items
                .iter()
                .any(|i| i.item == "1.2" && !i.in_scope && i.answered)
        );
        let ig3 = score(&cat(), Scope::Ig3, Method::Csat4dV1, &answers);
        assert_eq!(ig3.overall.percent, Some(50.0));
        let ig: Vec<_> = ig3
            .implementation_groups
            .iter()
            .map(|r| r.score.percent)
            .collect();
        assert_eq!(ig, vec![Some(100.0), Some(50.0), Some(50.0)]);
        let f: Vec<_> = ig3.functions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(f, vec!["Identify", "Protect", "Detect"]);
    }

    #[test]
    fn a_score_outside_its_scale_is_refused_naming_item_and_field() {
        let e = dims([1, 2, 5, 0])
            .check(Method::Csat4dV1, "4.1")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "item 4.1, control_automated: 5 is outside the scale 0 to 4"
        );
        let e = Answer::Simple { score: 0 }
            .check(Method::Simple5V1, "1.1")
            .unwrap_err();
        assert_eq!(e.field, "score");
        assert_eq!(
            Answer::Simple { score: 3 }
                .check(Method::Csat4dV1, "1.1")
                .unwrap_err()
                .field,
            "kind"
        );
        let e = Answer::NotApplicable {
            justification: " ".into(),
        }
        .check(Method::Simple5V1, "1.1")
        .unwrap_err();
        assert_eq!(e.field, "justification");
    }

    #[test]
    fn methods_and_scopes_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str()), Ok(m));
        }
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Ok(s));
        }
        assert!(Method::parse("csat-4d-v9").is_err());
    }

    #[test]
    fn peers_are_refused_below_the_minimum() {
        assert!(compare_with_peers(50.0, &[1.0, 2.0, 3.0, 4.0]).is_none());
        let c = compare_with_peers(50.0, &[10.0, 20.0, 60.0, 70.0, 80.0]).unwrap();
        assert_eq!(c.percentile, 40.0);
        assert_eq!(c.peers.median, 60.0);
    }

    #[test]
    fn distribution_quartiles() {
        let d = distribution(&[0.0, 25.0, 50.0, 75.0, 100.0]).unwrap();
        assert_eq!(
            (d.min, d.p25, d.median, d.p75, d.max),
            (0.0, 25.0, 50.0, 75.0, 100.0)
        );
        assert_eq!(d.deciles.iter().sum::<usize>(), 5);
        assert_eq!(d.deciles[9], 1);
        assert!(distribution(&[]).is_none());
    }

    #[test]
    fn the_synthetic_catalog_is_well_formed() {
        let c = synthetic_catalog(153);
        assert_eq!(c.check(), Ok(()));
        assert_eq!(c.len(), 153);
    }

    fn answer() -> impl Strategy<Value = Option<Answer>> {
        prop_oneof![
            Just(None),
            Just(Some(na())),
            prop::array::uniform4(0u8..=4).prop_map(|l| Some(dims(l))),
        ]
    }

    proptest! {
        #[test]
        fn every_score_is_a_percentage_and_na_changes_nothing(
            picks in prop::collection::vec(answer(), 60),
            scope in prop::sample::select(Scope::ALL.to_vec()),
        ) {
            let c = synthetic_catalog(60);
            let mut answers = BTreeMap::new();
            for ((_, i), a) in c.items().zip(&picks) {
                if let Some(a) = a {
                    answers.insert(i.id.clone(), a.clone());
                }
            }
            let s = score(&c, scope, Method::Csat4dV1, &answers);
            for r in s.groups.iter().chain(&s.implementation_groups).chain(&s.functions) {
                if let Some(p) = r.score.percent {
                    prop_assert!((0.0..=100.0).contains(&p));
                }
            }
            let in_scope = s.items.iter().filter(|i| i.in_scope).count();
            prop_assert_eq!(s.overall.scored + s.overall.not_applicable + s.overall.unanswered, in_scope);
            // Removing the n/a answers (making them unanswered) leaves every percentage as it is.
            let without_na: BTreeMap<_, _> = answers
                .iter()
                .filter(|(_, a)| !matches!(a, Answer::NotApplicable { .. }))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let t = score(&c, scope, Method::Csat4dV1, &without_na);
            prop_assert_eq!(s.overall.percent, t.overall.percent);
            // Widening the scope never loses an answer.
            let wide = score(&c, Scope::Ig3, Method::Csat4dV1, &answers);
            prop_assert_eq!(
                wide.items.iter().filter(|i| i.answered).count(),
                answers.len()
            );
        }
    }
}
