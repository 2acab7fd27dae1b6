//! "Equal support with allowable modifications based on need", made measurable.
//!
//! Every authority gets a **need score**: a base of one unit (equal support: every authority
//! is visited and assessed), plus three components a person can check one by one:
//!
//! * **posture** = `posture_weight × (100 − overall score) / 100`; an authority not yet
//!   assessed counts as the middle of the scale (50), and says so;
//! * **findings** = `Σ severity weight × open findings of that severity`, capped at
//!   `findings_cap` so one authority cannot take a whole pair's time on paper;
//! * **size** = `size_weight × log10(population / 1,000) / 3`, 0 for 1,000 residents or fewer
//!   (or unknown), 1 × the weight at 1,000,000.
//!
//! Authorities are then assigned to **teams** (the navigator pairs of a zone: the distinct
//! sets of navigators assigned to its authorities). A team's **workload** is the sum of the
//! need scores of its authorities. The **balance figure** of a zone is the coefficient of
//! variation of its teams' workloads (standard deviation ÷ mean; 0 is perfectly even); the
//! ratio of the largest to the smallest workload is shown beside it.
//!
//! The suggested assignment keeps every authority within its zone and is deterministic. Two
//! candidates are made per zone — the current assignment improved by single moves and swaps,
//! and the longest-processing-time (LPT) greedy assignment improved the same way — and the one
//! with the lower balance figure is suggested (fewer moves on a tie). Moves and swaps are taken
//! only when they lower the sum of squared workloads, so the suggestion is never less balanced
//! than the current assignment. `docs/FIELD-OPERATIONS.md` explains the figures.

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

/// Open findings of an authority, by severity (informational ones do not add need).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenFindings {
    /// Critical.
    pub critical: u32,
    /// High.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
}

/// What a need score is computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedInput {
    /// The authority.
    pub authority: Uuid,
    /// Its latest overall assessment score, 0–100; `None` when not assessed.
    pub score: Option<f64>,
    /// Its open findings.
    pub findings: OpenFindings,
    /// Residents served, when known.
    pub population: Option<i64>,
}

/// The weights of the need formula.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NeedWeights {
    /// Every authority's base need (equal support).
    pub base: f64,
    /// Weight of a weak posture (an overall score of 0 adds all of it).
    pub posture: f64,
    /// The score an authority not yet assessed counts as.
    pub unassessed_score: f64,
    /// Per open critical finding.
    pub critical: f64,
    /// Per open high finding.
    pub high: f64,
    /// Per open medium finding.
    pub medium: f64,
    /// Per open low finding.
    pub low: f64,
    /// The most the findings component adds.
    pub findings_cap: f64,
    /// Weight of size (1,000,000 residents add all of it).
    pub size: f64,
}

impl Default for NeedWeights {
    fn default() -> Self {
        NeedWeights {
            base: 1.0,
            posture: 2.0,
            unassessed_score: 50.0,
            critical: 1.0,
            high: 0.5,
            medium: 0.2,
            low: 0.05,
            findings_cap: 3.0,
            size: 1.0,
        }
    }
}

/// A need score with its components, so a person can see why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedScore {
    /// The authority.
    pub authority: Uuid,
    /// Base (equal support).
    pub base: f64,
    /// From the latest overall score.
    pub posture: f64,
    /// Whether the posture component used the stand-in for "not assessed".
    pub assessed: bool,
    /// From open findings (capped).
    pub findings: f64,
    /// From size.
    pub size: f64,
    /// The sum: the authority's need.
    pub total: f64,
}

/// Rounds to two decimals, so scores read (and compare) the same on every machine.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The need score of one authority.
pub fn need_score(input: &NeedInput, w: &NeedWeights) -> NeedScore {
    let score = input
        .score
        .filter(|s| s.is_finite())
        .map(|s| s.clamp(0.0, 100.0));
    let posture = round2(w.posture * (100.0 - score.unwrap_or(w.unassessed_score)) / 100.0);
    let f = input.findings;
    let findings = round2(
        (w.critical * f.critical as f64
            + w.high * f.high as f64
            + w.medium * f.medium as f64
            + w.low * f.low as f64)
            .min(w.findings_cap),
    );
    let size = round2(match input.population {
        Some(p) if p > 1000 => w.size * ((p as f64) / 1000.0).log10() / 3.0,
        _ => 0.0,
    });
    let base = round2(w.base);
    NeedScore {
        authority: input.authority,
        base,
        posture,
        assessed: score.is_some(),
        findings,
        size,
        total: round2(base + posture + findings + size),
    }
}

/// A team: the navigators who share a set of authorities (usually a pair), sorted by id.
pub type Team = Vec<Uuid>;

/// One authority as the assignment sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// The authority.
    pub authority: Uuid,
    /// Its zone; authorities without one are left where they are.
    pub zone: Option<Uuid>,
    /// Its need.
    pub need: f64,
    /// Its navigators now (sorted); empty when none.
    pub team: Team,
}

/// One suggested move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// The authority.
    pub authority: Uuid,
    /// Its navigators now.
    pub from: Team,
    /// Its navigators suggested.
    pub to: Team,
}

/// One team's workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamLoad {
    /// The navigators.
    pub team: Team,
    /// Sum of need, current assignment.
    pub current: f64,
    /// Sum of need, suggested assignment.
    pub suggested: f64,
    /// How many authorities now.
    pub current_count: usize,
    /// How many suggested.
    pub suggested_count: usize,
}

/// The balance figures of a list of workloads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Balance {
    /// Coefficient of variation (standard deviation ÷ mean); 0 is even.
    pub cv: f64,
    /// Largest ÷ smallest workload; `None` when a team has none.
    pub max_min_ratio: Option<f64>,
}

/// Balance of `loads` (population standard deviation ÷ mean).
pub fn balance(loads: &[f64]) -> Balance {
    if loads.len() < 2 {
        return Balance {
            cv: 0.0,
            max_min_ratio: (!loads.is_empty()).then_some(1.0),
        };
    }
    let n = loads.len() as f64;
    let mean = loads.iter().sum::<f64>() / n;
    let var = loads.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n;
    let max = loads.iter().copied().fold(f64::MIN, f64::max);
    let min = loads.iter().copied().fold(f64::MAX, f64::min);
    Balance {
        cv: if mean > 0.0 {
            round4(var.sqrt() / mean)
        } else {
            0.0
        },
        max_min_ratio: (min > 0.0).then(|| round4(max / min)),
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One zone's current and suggested balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonePlan {
    /// The zone.
    pub zone: Uuid,
    /// Its teams, in id order, with workloads.
    pub teams: Vec<TeamLoad>,
    /// Balance now.
    pub current: Balance,
    /// Balance if the suggestion is applied.
    pub suggested: Balance,
    /// The moves that make the suggestion.
    pub moves: Vec<Move>,
    /// Authorities of the zone with no navigator, assigned by the suggestion.
    pub unassigned: usize,
}

/// The suggestion for every zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// By zone id.
    pub zones: Vec<ZonePlan>,
    /// Authorities left out: no zone, or a zone with no team.
    pub left_out: Vec<Uuid>,
    /// The suggested team of every authority that has one.
    pub suggested: BTreeMap<Uuid, Team>,
}

impl Plan {
    /// Every move, zone by zone.
    pub fn moves(&self) -> impl Iterator<Item = &Move> {
        self.zones.iter().flat_map(|z| z.moves.iter())
    }

    /// A short fingerprint of the suggested moves (16 hex digits of SHA-256), so an action
    /// can say which suggestion it applies.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for m in self.moves() {
            h.update(m.authority.as_bytes());
            for n in &m.from {
                h.update(n.as_bytes());
            }
            h.update(b">");
            for n in &m.to {
                h.update(n.as_bytes());
            }
            h.update(b";");
        }
        hex::encode(&h.finalize()[..8])
    }

    /// The largest balance figure of any zone now and suggested (the statewide figure).
    pub fn worst(&self) -> (f64, f64) {
        self.zones.iter().fold((0.0, 0.0), |(c, s), z| {
            (f64::max(c, z.current.cv), f64::max(s, z.suggested.cv))
        })
    }
}

const EPS: f64 = 1e-9;

/// Improves `slots` (team index per authority) by single moves and swaps that lower the sum of
/// squared workloads, taking the best improvement each round, until none is left.
fn improve(needs: &[f64], slots: &mut [usize], teams: usize) {
    let mut loads = vec![0.0; teams];
    for (i, s) in slots.iter().enumerate() {
        loads[*s] += needs[i];
    }
    for _round in 0..10_000 {
        // Best single move: i from a to b lowers Σload² by 2·w·(la − lb − w).
        let mut best: Option<(f64, usize, Option<usize>, usize)> = None;
        for i in 0..needs.len() {
            let a = slots[i];
            for b in 0..teams {
                if b == a {
                    continue;
                }
                let gain = 2.0 * needs[i] * (loads[a] - loads[b] - needs[i]);
                if gain > EPS && best.is_none_or(|(g, ..)| gain > g + EPS) {
                    best = Some((gain, i, None, b));
                }
            }
        }
        // Best swap of i (in a) and j (in b): d = wi − wj; gain 2·d·(la − lb − d).
        for i in 0..needs.len() {
            for j in (i + 1)..needs.len() {
                let (a, b) = (slots[i], slots[j]);
                if a == b {
                    continue;
                }
                let d = needs[i] - needs[j];
                let gain = 2.0 * d * (loads[a] - loads[b] - d);
                if gain > EPS && best.is_none_or(|(g, ..)| gain > g + EPS) {
                    best = Some((gain, i, Some(j), b));
                }
            }
        }
        let Some((_, i, j, b)) = best else { break };
        let a = slots[i];
        loads[a] -= needs[i];
        loads[b] += needs[i];
        slots[i] = b;
        if let Some(j) = j {
            loads[b] -= needs[j];
            loads[a] += needs[j];
            slots[j] = a;
        }
    }
}

fn loads_of(needs: &[f64], slots: &[usize], teams: usize) -> Vec<f64> {
    let mut loads = vec![0.0; teams];
    for (i, s) in slots.iter().enumerate() {
        loads[*s] += needs[i];
    }
    loads.into_iter().map(round2).collect()
}

/// Suggests an assignment of authorities to teams within each zone that balances need-weighted
/// workload (see the module documentation). Deterministic: the same placements, in any order,
/// give the same plan.
pub fn suggest(placements: &[Placement]) -> Plan {
    let mut by_zone: BTreeMap<Uuid, Vec<&Placement>> = BTreeMap::new();
    let mut left_out = Vec::new();
    for p in placements {
        match p.zone {
            Some(z) => by_zone.entry(z).or_default().push(p),
            None => left_out.push(p.authority),
        }
    }
    let mut zones = Vec::new();
    let mut suggested = BTreeMap::new();
    for (zone, mut members) in by_zone {
        members.sort_by_key(|p| p.authority);
        let mut teams: Vec<Team> = members
            .iter()
            .filter(|p| !p.team.is_empty())
            .map(|p| {
                let mut t = p.team.clone();
                t.sort();
                t.dedup();
                t
            })
            .collect();
        teams.sort();
        teams.dedup();
        if teams.is_empty() {
            left_out.extend(members.iter().map(|p| p.authority));
            continue;
        }
        let needs: Vec<f64> = members.iter().map(|p| p.need.max(0.0)).collect();
        let team_of = |p: &Placement| {
            let mut t = p.team.clone();
            t.sort();
            t.dedup();
            teams.iter().position(|x| *x == t)
        };
        // The current assignment; authorities with no team go to the lightest team, heaviest
        // need first (they have to go somewhere for "current" to be comparable).
        let mut current: Vec<Option<usize>> = members.iter().map(|p| team_of(p)).collect();
        let unassigned = current.iter().filter(|c| c.is_none()).count();
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by(|&x, &y| needs[y].total_cmp(&needs[x]).then(x.cmp(&y)));
        let mut loads = vec![0.0; teams.len()];
        for (i, c) in current.iter().enumerate() {
            if let Some(t) = c {
                loads[*t] += needs[i];
            }
        }
        for &i in &order {
            if current[i].is_none() {
                let t = lightest(&loads);
                loads[t] += needs[i];
                current[i] = Some(t);
            }
        }
        let current: Vec<usize> = current.into_iter().map(|c| c.unwrap_or(0)).collect();
        let before = balance(&loads_of(&needs, &current, teams.len()));
        // Candidate 1: the current assignment, improved.
        let mut kept = current.clone();
        improve(&needs, &mut kept, teams.len());
        // Candidate 2: LPT greedy, improved.
        let mut lpt = vec![0; members.len()];
        let mut loads = vec![0.0; teams.len()];
        for &i in &order {
            let t = lightest(&loads);
            loads[t] += needs[i];
            lpt[i] = t;
        }
        improve(&needs, &mut lpt, teams.len());
        let score = |slots: &[usize]| {
            let b = balance(&loads_of(&needs, slots, teams.len()));
            let moves = slots
                .iter()
                .zip(members.iter())
                .filter(|(s, p)| team_of(p) != Some(**s))
                .count();
            (b.cv, moves)
        };
        let (cv_kept, moves_kept) = score(&kept);
        let (cv_lpt, moves_lpt) = score(&lpt);
        let chosen =
            if cv_lpt + EPS < cv_kept || (cv_lpt <= cv_kept + EPS && moves_lpt < moves_kept) {
                lpt
            } else {
                kept
            };
        let cur_loads = loads_of(&needs, &current, teams.len());
        let sug_loads = loads_of(&needs, &chosen, teams.len());
        let mut moves = Vec::new();
        for (i, p) in members.iter().enumerate() {
            let to = teams[chosen[i]].clone();
            if team_of(p) != Some(chosen[i]) {
                moves.push(Move {
                    authority: p.authority,
                    from: p.team.clone(),
                    to: to.clone(),
                });
            }
            suggested.insert(p.authority, to);
        }
        let team_loads = teams
            .iter()
            .enumerate()
            .map(|(t, team)| TeamLoad {
                team: team.clone(),
                current: cur_loads[t],
                suggested: sug_loads[t],
                current_count: members.iter().filter(|p| team_of(p) == Some(t)).count(),
                suggested_count: chosen.iter().filter(|c| **c == t).count(),
            })
            .collect();
        let after = balance(&sug_loads);
        zones.push(ZonePlan {
            zone,
            teams: team_loads,
            current: before,
            suggested: after,
            moves,
            unassigned,
        });
    }
    left_out.sort();
    Plan {
        zones,
        left_out,
        suggested,
    }
}

/// The team with the smallest load (the first on a tie).
fn lightest(loads: &[f64]) -> usize {
    let mut best = 0;
    for (i, l) in loads.iter().enumerate() {
        if *l + EPS < loads[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_formula_shows_each_component() {
        let w = NeedWeights::default();
        let s = need_score(
            &NeedInput {
                authority: id(1),
                score: Some(40.0),
                findings: OpenFindings {
                    critical: 1,
                    high: 2,
                    medium: 0,
                    low: 4,
                },
                population: Some(1_000_000),
            },
            &w,
        );
        assert_eq!(s.base, 1.0);
        assert_eq!(s.posture, 1.2, "2 × (100 − 40) / 100");
        assert_eq!(s.findings, 2.2, "1 + 2 × 0.5 + 4 × 0.05");
        assert_eq!(s.size, 1.0, "log10(1000) / 3");
        assert_eq!(s.total, 5.4);
        assert!(s.assessed);
        let unknown = need_score(
            &NeedInput {
                authority: id(2),
                score: None,
                findings: OpenFindings::default(),
                population: None,
            },
            &w,
        );
        assert_eq!(
            (unknown.posture, unknown.assessed, unknown.size),
            (1.0, false, 0.0)
        );
        assert_eq!(unknown.total, 2.0);
        let many = need_score(
            &NeedInput {
                authority: id(3),
                score: Some(100.0),
                findings: OpenFindings {
                    critical: 20,
                    ..Default::default()
                },
                population: Some(500),
            },
            &w,
        );
        assert_eq!(many.findings, 3.0, "capped");
        assert_eq!(many.posture, 0.0);
    }

    #[test]
    fn balance_figures() {
        assert_eq!(balance(&[5.0, 5.0]).cv, 0.0);
        assert_eq!(balance(&[5.0, 5.0]).max_min_ratio, Some(1.0));
        let b = balance(&[2.0, 6.0]);
        assert_eq!(b.cv, 0.5, "sd 2 / mean 4");
        assert_eq!(b.max_min_ratio, Some(3.0));
        assert_eq!(balance(&[0.0, 3.0]).max_min_ratio, None);
    }

    #[test]
    fn an_uneven_zone_is_evened_out() {
        let z = id(100);
        let (a, b) = (vec![id(10), id(11)], vec![id(12), id(13)]);
        let mut ps: Vec<Placement> = (0..6)
            .map(|i| Placement {
                authority: id(i + 1),
                zone: Some(z),
                need: 2.0,
                team: a.clone(),
            })
            .collect();
        ps[5].team = b.clone();
        let plan = suggest(&ps);
        let zp = &plan.zones[0];
        assert_eq!(zp.current.max_min_ratio, Some(5.0));
        assert_eq!(zp.suggested.cv, 0.0);
        assert_eq!(zp.moves.len(), 2, "two of a's five move to b");
        assert!(zp.moves.iter().all(|m| m.from == a && m.to == b));
    }

    fn placements() -> impl Strategy<Value = Vec<Placement>> {
        let zones = [id(900), id(901), id(902)];
        let teams: Vec<Team> = (0..7u128)
            .map(|t| vec![id(500 + 2 * t), id(501 + 2 * t)])
            .collect();
        proptest::collection::vec((0usize..3, 0usize..8, 0.0f64..12.0, any::<bool>()), 1..40)
            .prop_map(move |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (z, t, need, zoned))| Placement {
                        authority: id(i as u128 + 1),
                        zone: zoned.then_some(zones[z]),
                        need: round2(need),
                        // Team t of zone z: teams are per zone (t < 7), 7 means none yet.
                        team: if t < 7 {
                            teams[(t + z * 2) % 7].clone()
                        } else {
                            Vec::new()
                        },
                    })
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn every_authority_is_placed_once_within_its_zone(ps in placements()) {
            let plan = suggest(&ps);
            for p in &ps {
                let placed = plan.suggested.contains_key(&p.authority);
                let left = plan.left_out.contains(&p.authority);
                prop_assert!(placed != left, "placed exactly once or left out");
                if let Some(team) = plan.suggested.get(&p.authority) {
                    // The team is one that already works in the authority's zone.
                    let known = ps.iter().any(|q| q.zone == p.zone && {
                        let mut t = q.team.clone(); t.sort(); t == *team
                    });
                    prop_assert!(known, "a team of the zone");
                }
            }
            let total: usize = plan.zones.iter().map(|z| z.teams.iter().map(|t| t.suggested_count).sum::<usize>()).sum();
            prop_assert_eq!(total, plan.suggested.len());
        }

        #[test]
        fn the_suggestion_is_never_less_balanced_than_now(ps in placements()) {
            let plan = suggest(&ps);
            for z in &plan.zones {
                prop_assert!(z.suggested.cv <= z.current.cv + 1e-4, "{:?}", z);
            }
        }

        #[test]
        fn the_same_input_in_any_order_gives_the_same_plan(ps in placements()) {
            let mut reversed = ps.clone();
            reversed.reverse();
            prop_assert_eq!(suggest(&ps), suggest(&reversed));
        }

        #[test]
        fn need_is_at_least_the_base_and_grows_with_findings(
            score in proptest::option::of(0.0f64..=100.0),
            c in 0u32..5, h in 0u32..5, pop in proptest::option::of(0i64..10_000_000),
        ) {
            let w = NeedWeights::default();
            let input = NeedInput { authority: id(1), score, findings: OpenFindings { critical: c, high: h, medium: 0, low: 0 }, population: pop };
            let s = need_score(&input, &w);
            prop_assert!(s.total >= w.base);
            let more = NeedInput { findings: OpenFindings { critical: c + 1, ..input.findings }, ..input.clone() };
            prop_assert!(need_score(&more, &w).total >= s.total);
            prop_assert!((s.total - (s.base + s.posture + s.findings + s.size)).abs() < 0.011);
        }
    }
}
