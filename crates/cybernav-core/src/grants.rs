//! Grant money of a cycle (Part 213.10(a), (c)): the Navigator Program share, expenditures,
//! awards to election authorities, their reimbursement claims, and the ledger.
//!
//! Money is integer cents, never floats. A cycle's funds split into the **Navigator Program
//! share** (no less than half, 213.10(a)) and the **grants pool** granted by the Board to
//! election authorities that participate. Every rule is a check on a [`Book`] (everything
//! recorded for one cycle) that answers with a [`GrantRefusal`] saying what the figures are and
//! what is allowed; [`Book::ledger`] computes the totals and [`Ledger::check`] states what must
//! always add up. The use cases in `cybernav-app` load a book, run the check, then store.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use uuid::Uuid;

use crate::eligibility::{Eligibility, Status};

/// An amount of money in cents.
pub type Cents = i64;

/// Sub-awards of this amount or more are reported to the EAC ($25,000).
pub const SUB_AWARD_REPORTING_CENTS: Cents = 2_500_000;

/// Formats cents as dollars with thousands separators: `$13,903,208.00`.
pub fn format_dollars(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// The smallest Navigator Program share the rule allows for `funds`: half, rounded up to the
/// cent ("no less than half").
pub fn minimum_navigator_share(funds: Cents) -> Cents {
    funds / 2 + funds % 2
}

/// What Navigator Program money is spent on (213.10(a): navigator payroll, travel, and what
/// the navigators need).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NavigatorCategory {
    /// Navigator salaries and benefits.
    Payroll,
    /// Visits to election authorities.
    Travel,
    /// Equipment the navigators use.
    Equipment,
    /// Anything else.
    Other,
}

impl NavigatorCategory {
    /// Every category, in the order reports list them.
    pub const ALL: [NavigatorCategory; 4] = [
        NavigatorCategory::Payroll,
        NavigatorCategory::Travel,
        NavigatorCategory::Equipment,
        NavigatorCategory::Other,
    ];

    /// The identifier files and APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            NavigatorCategory::Payroll => "payroll",
            NavigatorCategory::Travel => "travel",
            NavigatorCategory::Equipment => "equipment",
            NavigatorCategory::Other => "other",
        }
    }

    /// The category named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// An expenditure category of the EAC progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EacCategory {
    /// The identifier files and APIs use.
    pub id: &'static str,
    /// The name in the EAC report.
    pub label: &'static str,
}

/// The expenditure categories of the EAC's HAVA progress reports, in the report's order. Data,
/// not code paths: a change of the EAC's form changes this list only.
pub const EAC_CATEGORIES: &[EacCategory] = &[
    EacCategory {
        id: "voting_equipment",
        label: "Voting Equipment",
    },
    EacCategory {
        id: "election_auditing",
        label: "Election Auditing",
    },
    EacCategory {
        id: "voter_registration_systems",
        label: "Voter Registration Systems",
    },
    EacCategory {
        id: "cyber_security",
        label: "Cyber Security",
    },
    EacCategory {
        id: "communications",
        label: "Communications",
    },
    EacCategory {
        id: "other",
        label: "Other",
    },
];

/// The EAC category whose id is `id`.
pub fn eac_category(id: &str) -> Option<&'static EacCategory> {
    EAC_CATEGORIES.iter().find(|c| c.id == id.trim())
}

/// Where a reimbursement claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Sent by the authority, not yet decided.
    Submitted,
    /// Approved by the Board, not yet paid.
    Approved,
    /// Paid.
    Paid,
    /// Refused, with a reason.
    Rejected,
}

impl ClaimStatus {
    /// Every status.
    pub const ALL: [ClaimStatus; 4] = [
        ClaimStatus::Submitted,
        ClaimStatus::Approved,
        ClaimStatus::Paid,
        ClaimStatus::Rejected,
    ];

    /// The identifier files and APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Paid => "paid",
            ClaimStatus::Rejected => "rejected",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// Whether the claim counts against its award (approved or paid).
    pub fn commits_award(self) -> bool {
        matches!(self, ClaimStatus::Approved | ClaimStatus::Paid)
    }

    /// The statuses a claim may move to from this one: submitted → approved → paid, and
    /// submitted or approved → rejected. Paid and rejected are final.
    pub fn next(self) -> &'static [ClaimStatus] {
        match self {
            ClaimStatus::Submitted => &[ClaimStatus::Approved, ClaimStatus::Rejected],
            ClaimStatus::Approved => &[ClaimStatus::Paid, ClaimStatus::Rejected],
            ClaimStatus::Paid | ClaimStatus::Rejected => &[],
        }
    }
}

/// A Navigator Program expenditure, as the ledger needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenditureEntry {
    /// What it paid for.
    pub category: NavigatorCategory,
    /// The EAC category it is reported under.
    pub eac_category: &'static str,
    /// Paid from the federal funds (counts against the share).
    pub federal: Cents,
    /// Paid from matching funds.
    pub matching: Cents,
}

/// An award to an election authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardEntry {
    /// The award.
    pub id: Uuid,
    /// The authority.
    pub election_authority: Uuid,
    /// The amount.
    pub amount: Cents,
}

/// A reimbursement claim against an award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimEntry {
    /// The claim.
    pub id: Uuid,
    /// The award it claims against.
    pub award: Uuid,
    /// The EAC category.
    pub eac_category: &'static str,
    /// Federal amount.
    pub federal: Cents,
    /// Match amount.
    pub matching: Cents,
    /// Where it stands.
    pub status: ClaimStatus,
}

/// Everything recorded about one cycle's money.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    /// The cycle's funds.
    pub funds: Cents,
    /// The Navigator Program share, once the Board set it.
    pub navigator_share: Option<Cents>,
    /// Navigator Program expenditures.
    pub expenditures: Vec<ExpenditureEntry>,
    /// Awards to authorities (one per authority).
    pub awards: Vec<AwardEntry>,
    /// Reimbursement claims.
    pub claims: Vec<ClaimEntry>,
}

/// Why a change to a cycle's money is refused, with the figures; its `Display` is the message
/// a person reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantRefusal {
    /// An amount is zero or negative.
    #[error("the amount must be more than $0.00")]
    NotPositive,
    /// The share would be under half of the funds.
    #[error(
        "a Navigator Program share of {} is less than half of the cycle's funds of {}; Part 213.10(a) allots no less than half to the Cyber Navigator Program, so the smallest share allowed is {}",
        format_dollars(*share), format_dollars(*funds), format_dollars(*minimum)
    )]
    ShareBelowHalf {
        /// The cycle's funds.
        funds: Cents,
        /// The share asked for.
        share: Cents,
        /// The smallest share allowed.
        minimum: Cents,
    },
    /// The share would be more than the funds.
    #[error(
        "a Navigator Program share of {} is more than the cycle's funds of {}",
        format_dollars(*share), format_dollars(*funds)
    )]
    ShareAboveFunds {
        /// The cycle's funds.
        funds: Cents,
        /// The share asked for.
        share: Cents,
    },
    /// The share would be less than what the Navigator Program has spent.
    #[error(
        "the Navigator Program has already spent {} of federal funds; the share cannot be less",
        format_dollars(*spent)
    )]
    ShareBelowSpent {
        /// Spent so far.
        spent: Cents,
    },
    /// Funds would break the half rule with the share set.
    #[error(
        "funds of {} would leave the Navigator Program share of {} under half (at least {} is needed); raise the share first, or keep the funds at {} or less",
        format_dollars(*funds), format_dollars(*share), format_dollars(minimum_navigator_share(*funds)), format_dollars(share.saturating_mul(2))
    )]
    FundsBreakHalfRule {
        /// The funds asked for.
        funds: Cents,
        /// The share set.
        share: Cents,
    },
    /// The grants pool would be smaller than what is already awarded.
    #[error(
        "this would leave a grants pool of {}, less than the {} already awarded to election authorities; lower the awards first",
        format_dollars(*pool), format_dollars(*awarded)
    )]
    PoolBelowAwards {
        /// The pool that would be left.
        pool: Cents,
        /// Awarded so far.
        awarded: Cents,
    },
    /// Nothing may be spent or awarded before the Board sets the split.
    #[error(
        "set the Navigator Program share of this cycle first: the grants pool is what is left of the funds after it"
    )]
    NoAllocation,
    /// An expenditure over what is left of the share.
    #[error(
        "{} of federal funds is more than the {} left of the Navigator Program share of {}",
        format_dollars(*amount), format_dollars(*remaining), format_dollars(*share)
    )]
    ExpenditureOverShare {
        /// The share.
        share: Cents,
        /// What is left of it.
        remaining: Cents,
        /// The expenditure's federal amount.
        amount: Cents,
    },
    /// Awards would total more than the pool.
    #[error(
        "an award of {} would bring the awards to {}, over the grants pool of {}; at most {} can be awarded to this authority",
        format_dollars(*amount), format_dollars(*total), format_dollars(*pool), format_dollars(*most)
    )]
    AwardsOverPool {
        /// The award asked for.
        amount: Cents,
        /// The awards' total with it.
        total: Cents,
        /// The pool.
        pool: Cents,
        /// The largest award this authority could have.
        most: Cents,
    },
    /// An award lowered under what was already approved against it.
    #[error(
        "claims of {} against this award are already approved or paid; the award cannot be less",
        format_dollars(*committed)
    )]
    AwardBelowClaims {
        /// Approved and paid so far.
        committed: Cents,
    },
    /// A claim over what is left of its award.
    #[error(
        "a claim of {} in federal funds is more than the {} left of the award of {} ({} is already approved or paid)",
        format_dollars(*amount), format_dollars(*remaining), format_dollars(*award), format_dollars(*committed)
    )]
    ClaimOverAward {
        /// The award.
        award: Cents,
        /// Approved and paid against it.
        committed: Cents,
        /// What is left.
        remaining: Cents,
        /// The claim's federal amount.
        amount: Cents,
    },
    /// A claim cannot move this way.
    #[error("a claim that is {} cannot become {}{}", from.as_str(), to.as_str(), allowed_next(*from))]
    BadTransition {
        /// Where it stands.
        from: ClaimStatus,
        /// Where it was asked to go.
        to: ClaimStatus,
    },
    /// No such award or claim in the book.
    #[error("there is no such award or claim in this cycle")]
    Unknown,
}

fn allowed_next(from: ClaimStatus) -> String {
    let next: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
    if next.is_empty() {
        format!("; a {} claim is final", from.as_str())
    } else {
        format!("; it can become {}", next.join(" or "))
    }
}

impl Book {
    /// Navigator Program federal spending so far.
    pub fn spent(&self) -> Cents {
        self.expenditures.iter().map(|e| e.federal).sum()
    }

    /// Total awarded.
    pub fn awarded(&self) -> Cents {
        self.awards.iter().map(|a| a.amount).sum()
    }

    /// The grants pool: funds less the Navigator Program share (none before the share is set).
    pub fn pool(&self) -> Option<Cents> {
        self.navigator_share.map(|s| self.funds - s)
    }

    /// Federal amounts approved or paid against `award`.
    pub fn committed(&self, award: Uuid) -> Cents {
        self.claims
            .iter()
            .filter(|c| c.award == award && c.status.commits_award())
            .map(|c| c.federal)
            .sum()
    }

    /// The award to `ea`, if any.
    pub fn award_of(&self, ea: Uuid) -> Option<&AwardEntry> {
        self.awards.iter().find(|a| a.election_authority == ea)
    }

    /// May the share become `share`? No less than half of the funds, no more than the funds,
    /// no less than already spent, and it must leave a pool as large as the awards.
    pub fn check_navigator_share(&self, share: Cents) -> Result<(), GrantRefusal> {
        let minimum = minimum_navigator_share(self.funds);
        if share < minimum {
            return Err(GrantRefusal::ShareBelowHalf {
                funds: self.funds,
                share,
                minimum,
            });
        }
        if share > self.funds {
            return Err(GrantRefusal::ShareAboveFunds {
                funds: self.funds,
                share,
            });
        }
        if share < self.spent() {
            return Err(GrantRefusal::ShareBelowSpent {
                spent: self.spent(),
            });
        }
        if self.funds - share < self.awarded() {
            return Err(GrantRefusal::PoolBelowAwards {
                pool: self.funds - share,
                awarded: self.awarded(),
            });
        }
        Ok(())
    }

    /// May the funds become `funds`? With a share set, the half rule must still hold and the
    /// pool must still cover the awards.
    pub fn check_funds(&self, funds: Cents) -> Result<(), GrantRefusal> {
        if funds <= 0 {
            return Err(GrantRefusal::NotPositive);
        }
        let Some(share) = self.navigator_share else {
            return Ok(());
        };
        if share < minimum_navigator_share(funds) {
            return Err(GrantRefusal::FundsBreakHalfRule { funds, share });
        }
        if share > funds {
            return Err(GrantRefusal::ShareAboveFunds { funds, share });
        }
        if funds - share < self.awarded() {
            return Err(GrantRefusal::PoolBelowAwards {
                pool: funds - share,
                awarded: self.awarded(),
            });
        }
        Ok(())
    }

    /// May the Navigator Program spend `federal` more of the share (and `matching` of match)?
    pub fn check_expenditure(&self, federal: Cents, matching: Cents) -> Result<(), GrantRefusal> {
        if federal < 0 || matching < 0 || federal + matching <= 0 {
            return Err(GrantRefusal::NotPositive);
        }
        let share = self.navigator_share.ok_or(GrantRefusal::NoAllocation)?;
        let remaining = share - self.spent();
        if federal > remaining {
            return Err(GrantRefusal::ExpenditureOverShare {
                share,
                remaining,
                amount: federal,
            });
        }
        Ok(())
    }

    /// May `ea` be awarded `amount` (replacing its award, if it has one)? The awards must fit
    /// in the pool, and an award cannot drop under what was approved against it. Whether the
    /// authority may be awarded at all is [`award_decision`].
    pub fn check_award(&self, ea: Uuid, amount: Cents) -> Result<(), GrantRefusal> {
        if amount <= 0 {
            return Err(GrantRefusal::NotPositive);
        }
        let pool = self.pool().ok_or(GrantRefusal::NoAllocation)?;
        let current = self.award_of(ea);
        let others = self.awarded() - current.map_or(0, |a| a.amount);
        if others + amount > pool {
            return Err(GrantRefusal::AwardsOverPool {
                amount,
                total: others + amount,
                pool,
                most: pool - others,
            });
        }
        if let Some(a) = current {
            let committed = self.committed(a.id);
            if amount < committed {
                return Err(GrantRefusal::AwardBelowClaims { committed });
            }
        }
        Ok(())
    }

    /// May a claim of `federal` (and `matching`) be submitted against `award`? Its federal
    /// amount must fit in what is not yet approved or paid of the award.
    pub fn check_claim(
        &self,
        award: Uuid,
        federal: Cents,
        matching: Cents,
    ) -> Result<(), GrantRefusal> {
        if federal < 0 || matching < 0 || federal + matching <= 0 {
            return Err(GrantRefusal::NotPositive);
        }
        self.fits_award(award, federal)
    }

    fn fits_award(&self, award: Uuid, federal: Cents) -> Result<(), GrantRefusal> {
        let a = self
            .awards
            .iter()
            .find(|a| a.id == award)
            .ok_or(GrantRefusal::Unknown)?;
        let committed = self.committed(award);
        let remaining = a.amount - committed;
        if federal > remaining {
            return Err(GrantRefusal::ClaimOverAward {
                award: a.amount,
                committed,
                remaining,
                amount: federal,
            });
        }
        Ok(())
    }

    /// May `claim` move to `to`? Only along [`ClaimStatus::next`], and approving must keep the
    /// approved and paid federal amounts within the award.
    pub fn check_transition(&self, claim: Uuid, to: ClaimStatus) -> Result<(), GrantRefusal> {
        let c = self
            .claims
            .iter()
            .find(|c| c.id == claim)
            .ok_or(GrantRefusal::Unknown)?;
        if !c.status.next().contains(&to) {
            return Err(GrantRefusal::BadTransition { from: c.status, to });
        }
        if to == ClaimStatus::Approved {
            self.fits_award(c.award, c.federal)?;
        }
        Ok(())
    }

    /// The ledger: every total of the cycle.
    pub fn ledger(&self) -> Ledger {
        let share = self.navigator_share.unwrap_or(0);
        let spent = self.spent();
        let spent_match = self.expenditures.iter().map(|e| e.matching).sum();
        let mut by_navigator: BTreeMap<NavigatorCategory, Cents> =
            NavigatorCategory::ALL.iter().map(|c| (*c, 0)).collect();
        let mut eac: BTreeMap<&'static str, (Cents, Cents)> = BTreeMap::new();
        for e in &self.expenditures {
            *by_navigator.entry(e.category).or_default() += e.federal + e.matching;
            let t = eac.entry(e.eac_category).or_default();
            t.0 += e.federal;
            t.1 += e.matching;
        }
        let sum = |f: &dyn Fn(&ClaimEntry) -> bool| -> Cents {
            self.claims.iter().filter(|c| f(c)).map(|c| c.federal).sum()
        };
        let claimed = sum(&|c| c.status != ClaimStatus::Rejected);
        let approved = sum(&|c| c.status.commits_award());
        let paid = sum(&|c| c.status == ClaimStatus::Paid);
        for c in self.claims.iter().filter(|c| c.status == ClaimStatus::Paid) {
            let t = eac.entry(c.eac_category).or_default();
            t.0 += c.federal;
            t.1 += c.matching;
        }
        let pool = self.pool().unwrap_or(0);
        let awarded = self.awarded();
        let mut eac_categories: Vec<CategoryTotal> = EAC_CATEGORIES
            .iter()
            .map(|c| {
                let (federal, matching) = eac.remove(c.id).unwrap_or_default();
                CategoryTotal {
                    id: c.id,
                    label: c.label,
                    federal,
                    matching,
                }
            })
            .collect();
        // A category not in the list (only possible if the list shrank) still adds up.
        for (id, (federal, matching)) in eac {
            eac_categories.push(CategoryTotal {
                id,
                label: id,
                federal,
                matching,
            });
        }
        let mut reportable: Vec<AwardEntry> = self
            .awards
            .iter()
            .filter(|a| a.amount >= SUB_AWARD_REPORTING_CENTS)
            .cloned()
            .collect();
        reportable.sort_by_key(|a| (std::cmp::Reverse(a.amount), a.election_authority));
        Ledger {
            funds: self.funds,
            allocated: self.navigator_share.is_some(),
            navigator: NavigatorLedger {
                share,
                minimum: minimum_navigator_share(self.funds),
                spent,
                spent_match,
                remaining: share - spent,
                by_category: by_navigator.into_iter().collect(),
            },
            grants: GrantsLedger {
                pool,
                awarded,
                unawarded: pool - awarded,
                claimed,
                approved,
                paid,
                remaining: pool - paid,
                awards: self.awards.len(),
                sub_awards_to_report: reportable.iter().map(|a| a.election_authority).collect(),
            },
            eac_categories,
        }
    }
}

/// The Navigator Program side of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavigatorLedger {
    /// The share allotted (0 before it is set).
    pub share: Cents,
    /// The smallest share the half rule allows.
    pub minimum: Cents,
    /// Federal funds spent.
    pub spent: Cents,
    /// Matching funds spent.
    pub spent_match: Cents,
    /// Federal funds left of the share.
    pub remaining: Cents,
    /// Spent (federal and match) by category.
    pub by_category: Vec<(NavigatorCategory, Cents)>,
}

/// The grants side of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantsLedger {
    /// Funds less the Navigator Program share.
    pub pool: Cents,
    /// Awarded to authorities.
    pub awarded: Cents,
    /// Not yet awarded.
    pub unawarded: Cents,
    /// Federal amounts claimed and not rejected.
    pub claimed: Cents,
    /// Federal amounts approved or paid.
    pub approved: Cents,
    /// Federal amounts paid.
    pub paid: Cents,
    /// The pool less what was paid.
    pub remaining: Cents,
    /// How many awards.
    pub awards: usize,
    /// Authorities with an award of $25,000 or more (reported as sub-awards), largest first.
    pub sub_awards_to_report: Vec<Uuid>,
}

/// Federal and match spending in one EAC category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTotal {
    /// The category's id.
    pub id: &'static str,
    /// The category's name in the EAC report.
    pub label: &'static str,
    /// Federal funds spent.
    pub federal: Cents,
    /// Matching funds spent.
    pub matching: Cents,
}

/// The totals of one cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// The cycle's funds.
    pub funds: Cents,
    /// Whether the Board has set the Navigator Program share.
    pub allocated: bool,
    /// The Navigator Program share.
    pub navigator: NavigatorLedger,
    /// The grants pool.
    pub grants: GrantsLedger,
    /// Spending per EAC category: Navigator Program expenditures and paid claims.
    pub eac_categories: Vec<CategoryTotal>,
}

impl Ledger {
    /// Checks that the ledger adds up, naming the first figure that does not. These hold for
    /// every book built by operations the checks of [`Book`] allowed.
    pub fn check(&self) -> Result<(), String> {
        let n = &self.navigator;
        let g = &self.grants;
        let mut problems = Vec::new();
        let mut require = |ok: bool, what: &str| {
            if !ok {
                problems.push(what.to_string());
            }
        };
        if self.allocated {
            require(n.share + g.pool == self.funds, "share + pool = funds");
            require(
                2 * n.share >= self.funds,
                "share is at least half the funds",
            );
        } else {
            require(
                n.share == 0 && g.pool == 0,
                "no split before the share is set",
            );
            require(
                n.spent == 0 && g.awarded == 0,
                "nothing spent or awarded before the split",
            );
        }
        require(
            n.minimum == minimum_navigator_share(self.funds),
            "minimum is half, rounded up",
        );
        require(
            n.spent + n.remaining == n.share,
            "spent + remaining = share",
        );
        require(n.remaining >= 0, "share not overspent");
        require(
            n.by_category.iter().map(|(_, c)| c).sum::<Cents>() == n.spent + n.spent_match,
            "navigator categories add up to what was spent",
        );
        require(
            g.awarded + g.unawarded == g.pool,
            "awarded + unawarded = pool",
        );
        require(g.unawarded >= 0, "awards within the pool");
        require(
            0 <= g.paid && g.paid <= g.approved && g.approved <= g.claimed,
            "paid <= approved <= claimed",
        );
        require(g.approved <= g.awarded, "approved within the awards");
        require(g.paid + g.remaining == g.pool, "paid + remaining = pool");
        let federal: Cents = self.eac_categories.iter().map(|c| c.federal).sum();
        require(
            federal == n.spent + g.paid,
            "EAC federal totals = navigator spending + paid claims",
        );
        require(
            self.eac_categories
                .iter()
                .all(|c| c.federal >= 0 && c.matching >= 0),
            "no negative category",
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// A requirement an authority has not met, for the refusal of an award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    /// Its clause, e.g. `213.50(a)(1)`.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// Why it is not met.
    pub reasons: Vec<String>,
}

/// Why an authority may not be awarded a grant (213.10(a): "no grants may be made to election
/// authorities that do not participate").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwardRefusal {
    /// No certification of participation for the cycle.
    NotParticipating {
        /// The authority's name.
        authority: String,
        /// The cycle's name.
        cycle: String,
    },
    /// Participates, but requirements are not met.
    NotEligible {
        /// The authority's name.
        authority: String,
        /// What is not met.
        unmet: Vec<Unmet>,
    },
}

impl fmt::Display for AwardRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwardRefusal::NotParticipating { authority, cycle } => write!(
                f,
                "{authority} has not submitted its Certification of Participation for {cycle}; no grant may be made to an election authority that does not participate (Part 213.10(a))"
            ),
            AwardRefusal::NotEligible { authority, unmet } => {
                write!(
                    f,
                    "{authority} participates but is not eligible: {} requirement{} not met: ",
                    unmet.len(),
                    if unmet.len() == 1 { " is" } else { "s are" }
                )?;
                let parts: Vec<String> = unmet
                    .iter()
                    .map(|u| format!("{} ({}): {}", u.title, u.clause, u.reasons.join(" ")))
                    .collect();
                write!(f, "{}", parts.join("; "))
            }
        }
    }
}

/// Whether an authority may be awarded: it participates (a certification for the cycle was
/// received: online, which is always on time, or recorded by the Board) and every requirement
/// is met. `title` gives a requirement's title from its id.
pub fn award_decision(
    authority: &str,
    cycle: &str,
    certified: bool,
    eligibility: &Eligibility,
    title: impl Fn(&str) -> String,
) -> Result<(), AwardRefusal> {
    if !certified {
        return Err(AwardRefusal::NotParticipating {
            authority: authority.to_string(),
            cycle: cycle.to_string(),
        });
    }
    let unmet: Vec<Unmet> = eligibility
        .requirements
        .iter()
        .filter(|r| r.status != Status::Met)
        .map(|r| Unmet {
            clause: r.clause.clone(),
            title: title(&r.id),
            reasons: r.reasons.clone(),
        })
        .collect();
    if unmet.is_empty() && eligibility.eligible {
        Ok(())
    } else {
        Err(AwardRefusal::NotEligible {
            authority: authority.to_string(),
            unmet,
        })
    }
}

/// An equal split of `pool` among `authorities`, in the order given: each gets the same whole
/// cents, and the cents left over go one each to the first ones. The Board adjusts it for need
/// ("equal support, with allowable modifications based on need", 213.10(a)).
pub fn equal_split(pool: Cents, authorities: &[Uuid]) -> Vec<(Uuid, Cents)> {
    let n = authorities.len() as i64;
    if n == 0 || pool <= 0 {
        return Vec::new();
    }
    let each = pool / n;
    let extra = pool % n;
    authorities
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, each + i64::from((i as i64) < extra)))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::eligibility::RequirementStatus;
    use proptest::prelude::*;

    fn book(funds: Cents, share: Option<Cents>) -> Book {
        Book {
            funds,
            navigator_share: share,
            ..Default::default()
        }
    }

    #[test]
    fn dollars_are_formatted_with_separators() {
        assert_eq!(format_dollars(1_390_320_800), "$13,903,208.00");
        assert_eq!(format_dollars(5), "$0.05");
        assert_eq!(format_dollars(100_000), "$1,000.00");
        assert_eq!(format_dollars(-12_345), "-$123.45");
    }

    #[test]
    fn half_is_rounded_up() {
        assert_eq!(minimum_navigator_share(1_000), 500);
        assert_eq!(minimum_navigator_share(1_001), 501);
        assert_eq!(minimum_navigator_share(0), 0);
    }

    #[test]
    fn the_share_cannot_fall_under_half() {
        let b = book(1_390_320_800, None);
        let e = b.check_navigator_share(695_160_399).unwrap_err();
        assert_eq!(
            e,
            GrantRefusal::ShareBelowHalf {
                funds: 1_390_320_800,
                share: 695_160_399,
                minimum: 695_160_400
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("$6,951,603.99") && msg.contains("$6,951,604.00"),
            "{msg}"
        );
        assert!(b.check_navigator_share(695_160_400).is_ok());
        assert!(matches!(
            b.check_navigator_share(1_390_320_801),
            Err(GrantRefusal::ShareAboveFunds { .. })
        ));
    }

    #[test]
    fn funds_cannot_change_so_the_half_rule_breaks() {
        let b = book(100_000, Some(50_000));
        assert!(b.check_funds(100_000).is_ok());
        assert!(b.check_funds(90_000).is_ok());
        let e = b.check_funds(100_001).unwrap_err();
        assert_eq!(
            e,
            GrantRefusal::FundsBreakHalfRule {
                funds: 100_001,
                share: 50_000
            }
        );
        assert!(e.to_string().contains("$1,000.00 or less"), "{e}");
        assert!(matches!(
            b.check_funds(40_000),
            Err(GrantRefusal::ShareAboveFunds { .. })
        ));
        assert!(
            book(100, None).check_funds(1).is_ok(),
            "no split yet: any funds"
        );
    }

    #[test]
    fn awards_fit_in_the_pool() {
        let mut b = book(100_000, Some(60_000));
        let (a, c) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(b.check_award(a, 40_000).is_ok());
        b.awards.push(AwardEntry {
            id: Uuid::new_v4(),
            election_authority: a,
            amount: 30_000,
        });
        let e = b.check_award(c, 10_001).unwrap_err();
        assert!(
            matches!(e, GrantRefusal::AwardsOverPool { most: 10_000, .. }),
            "{e:?}"
        );
        assert!(
            b.check_award(a, 40_000).is_ok(),
            "an award is replaced, not added"
        );
        assert_eq!(
            book(100, None).check_award(a, 1),
            Err(GrantRefusal::NoAllocation)
        );
    }

    #[test]
    fn claims_fit_in_the_award_and_follow_their_steps() {
        let mut b = book(100_000, Some(60_000));
        let award = Uuid::new_v4();
        b.awards.push(AwardEntry {
            id: award,
            election_authority: Uuid::new_v4(),
            amount: 10_000,
        });
        assert!(b.check_claim(award, 10_000, 500).is_ok());
        assert!(matches!(
            b.check_claim(award, 10_001, 0),
            Err(GrantRefusal::ClaimOverAward {
                remaining: 10_000,
                ..
            })
        ));
        let (c1, c2) = (Uuid::new_v4(), Uuid::new_v4());
        for id in [c1, c2] {
            b.claims.push(ClaimEntry {
                id,
                award,
                eac_category: "cyber_security",
                federal: 6_000,
                matching: 0,
                status: ClaimStatus::Submitted,
            });
        }
        assert!(b.check_transition(c1, ClaimStatus::Approved).is_ok());
        b.claims[0].status = ClaimStatus::Approved;
        let e = b.check_transition(c2, ClaimStatus::Approved).unwrap_err();
        assert!(
            matches!(e, GrantRefusal::ClaimOverAward { .. }),
            "two claims over the award"
        );
        let e = b.check_transition(c2, ClaimStatus::Paid).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a claim that is submitted cannot become paid; it can become approved or rejected"
        );
        assert!(
            b.check_award(b.awards[0].election_authority, 5_999)
                .is_err()
        );
    }

    fn status(id: &str, met: bool) -> RequirementStatus {
        RequirementStatus {
            id: id.into(),
            clause: "213.50(a)(1)".into(),
            status: if met { Status::Met } else { Status::Overdue },
            due_on: None,
            reasons: if met {
                vec![]
            } else {
                vec!["Not connected to the ICN.".into()]
            },
        }
    }

    #[test]
    fn awards_go_only_to_participating_eligible_authorities() {
        let eligible = Eligibility {
            eligible: true,
            requirements: vec![status("icn", true)],
        };
        let e = award_decision("Adams County Clerk", "2027 HAVA", false, &eligible, |_| {
            String::new()
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Adams County Clerk has not submitted its Certification of Participation for 2027 HAVA"),
            "{e}"
        );
        let not = Eligibility {
            eligible: false,
            requirements: vec![status("icn", false), status("isac", true)],
        };
        let e = award_decision("Adams County Clerk", "2027 HAVA", true, &not, |id| {
            format!("Title of {id}")
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Adams County Clerk participates but is not eligible: 1 requirement is not met: Title of icn (213.50(a)(1)): Not connected to the ICN."
        );
        assert!(award_decision("A", "C", true, &eligible, |_| String::new()).is_ok());
    }

    #[test]
    fn equal_split_spreads_the_cents_deterministically() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let s = equal_split(1_000, &ids);
        assert_eq!(
            s.iter().map(|x| x.1).collect::<Vec<_>>(),
            vec![334, 333, 333]
        );
        assert_eq!(s[0].0, ids[0]);
        assert!(equal_split(1_000, &[]).is_empty());
    }

    #[test]
    fn categories_are_known() {
        assert_eq!(
            eac_category("cyber_security").unwrap().label,
            "Cyber Security"
        );
        assert!(eac_category("snacks").is_none());
        assert_eq!(
            NavigatorCategory::parse("travel"),
            Some(NavigatorCategory::Travel)
        );
        assert_eq!(ClaimStatus::parse("paid"), Some(ClaimStatus::Paid));
        assert!(ClaimStatus::Paid.next().is_empty());
    }

    /// An operation on a book, as a person could try it.
    #[derive(Debug, Clone)]
    enum Op {
        Share(Cents),
        Funds(Cents),
        Spend(usize, usize, Cents, Cents),
        Award(usize, Cents),
        Claim(usize, usize, Cents, Cents),
        Move(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..2_000_000i64).prop_map(Op::Share),
            (1..2_000_000i64).prop_map(Op::Funds),
            (
                0..4usize,
                0..EAC_CATEGORIES.len(),
                0..200_000i64,
                0..50_000i64
            )
                .prop_map(|(c, e, f, m)| Op::Spend(c, e, f, m)),
            (0..5usize, 1..600_000i64).prop_map(|(a, x)| Op::Award(a, x)),
            (
                0..5usize,
                0..EAC_CATEGORIES.len(),
                0..200_000i64,
                0..50_000i64
            )
                .prop_map(|(a, e, f, m)| Op::Claim(a, e, f, m)),
            (0..40usize, 0..4usize).prop_map(|(c, s)| Op::Move(c, s)),
        ]
    }

    /// Applies `op` when the book's checks allow it, as the use cases do.
    fn apply(b: &mut Book, eas: &[Uuid], op: Op) {
        match op {
            Op::Share(s) => {
                if b.check_navigator_share(s).is_ok() {
                    b.navigator_share = Some(s);
                }
            }
            Op::Funds(f) => {
                if b.check_funds(f).is_ok() {
                    b.funds = f;
                }
            }
            Op::Spend(c, e, f, m) => {
                if b.check_expenditure(f, m).is_ok() {
                    b.expenditures.push(ExpenditureEntry {
                        category: NavigatorCategory::ALL[c],
                        eac_category: EAC_CATEGORIES[e].id,
                        federal: f,
                        matching: m,
                    });
                }
            }
            Op::Award(a, x) => {
                let ea = eas[a];
                if b.check_award(ea, x).is_ok() {
                    match b.awards.iter_mut().find(|w| w.election_authority == ea) {
                        Some(w) => w.amount = x,
                        None => b.awards.push(AwardEntry {
                            id: Uuid::new_v4(),
                            election_authority: ea,
                            amount: x,
                        }),
                    }
                }
            }
            Op::Claim(a, e, f, m) => {
                if let Some(award) = b.award_of(eas[a]).map(|w| w.id)
                    && b.check_claim(award, f, m).is_ok()
                {
                    b.claims.push(ClaimEntry {
                        id: Uuid::new_v4(),
                        award,
                        eac_category: EAC_CATEGORIES[e].id,
                        federal: f,
                        matching: m,
                        status: ClaimStatus::Submitted,
                    });
                }
            }
            Op::Move(c, s) => {
                if let Some(id) = b.claims.get(c).map(|c| c.id) {
                    let to = ClaimStatus::ALL[s];
                    if b.check_transition(id, to).is_ok() {
                        b.claims[c].status = to;
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn valid_operations_keep_the_ledger_adding_up(
            funds in 1..2_000_000i64,
            ops in proptest::collection::vec(op(), 0..80),
        ) {
            let eas: Vec<Uuid> = (0..5).map(|_| Uuid::new_v4()).collect();
            let mut b = book(funds, None);
            for o in ops {
                apply(&mut b, &eas, o);
                let l = b.ledger();
                prop_assert_eq!(l.check(), Ok(()), "{:?}", l);
                for a in &b.awards {
                    prop_assert!(b.committed(a.id) <= a.amount);
                }
            }
        }

        #[test]
        fn equal_split_adds_up_to_the_pool(pool in 0..10_000_000i64, n in 0..120usize) {
            let ids: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
            let s = equal_split(pool, &ids);
            if n > 0 {
                prop_assert_eq!(s.iter().map(|x| x.1).sum::<i64>(), pool);
                let max = s.iter().map(|x| x.1).max().unwrap();
                let min = s.iter().map(|x| x.1).min().unwrap();
                prop_assert!(max - min <= 1);
            }
        }
    }
}
