//! Grant money of a cycle (Part 213.10(a), (c)): the Navigator Program share, its expenditures,
//! awards to participating and eligible authorities, reimbursement claims, the ledger and the
//! EAC category export.
//!
//! Every change locks the cycle, loads its [`Book`], runs the rule from
//! `cybernav_core::grants`, and stores the change with its audit record in one transaction, so
//! a refused change stores nothing and two changes are checked one after the other.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Actor, Claimant, GrantManager, GrantReader};
use cybernav_core::grants::{
    AwardEntry, Book, CategoryTotal, Cents, ClaimEntry, ClaimStatus, EAC_CATEGORIES,
    ExpenditureEntry, GrantRefusal, Ledger, NavigatorCategory, SUB_AWARD_REPORTING_CENTS,
    award_decision, eac_category, equal_split,
};
use cybernav_core::validation::clean_text;
use cybernav_store::grants::{AllocationRow, AwardRow, ClaimRow, ExpenditureRow};
use cybernav_store::participation::GrantCycleRow;
use cybernav_store::{StoreError, Tx, now};
use serde::Serialize;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::participation::parse_dollars;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// A Navigator Program expenditure as typed in.
#[derive(Debug, Clone, Default)]
pub struct ExpenditureInput {
    /// When it was spent, `YYYY-MM-DD`.
    pub spent_on: String,
    /// `payroll`, `travel`, `equipment` or `other`.
    pub category: String,
    /// The EAC category (empty: `cyber_security`, which is what the program is).
    pub eac_category: String,
    /// Federal amount in dollars and cents.
    pub federal: String,
    /// Match amount in dollars and cents (empty: none).
    pub matching: String,
    /// What it was (public in the EAC report's totals only, but keep it plain).
    pub description: String,
}

/// A reimbursement claim as typed in.
#[derive(Debug, Clone, Default)]
pub struct ClaimInput {
    /// When it was spent, `YYYY-MM-DD`.
    pub spent_on: String,
    /// The EAC category.
    pub eac_category: String,
    /// Federal amount in dollars and cents.
    pub federal: String,
    /// Match amount in dollars and cents (empty: none).
    pub matching: String,
    /// What it was.
    pub description: String,
}

/// One line of an equal-split proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardProposal {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The proposed award.
    pub amount_cents: Cents,
}

/// A cycle's ledger, with the awards to report as sub-awards.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerView {
    /// The cycle.
    pub cycle: GrantCycleRow,
    /// The totals.
    pub ledger: Ledger,
    /// Awards of $25,000 or more, largest first (reported to the EAC as sub-awards).
    pub sub_awards_to_report: Vec<AwardRow>,
}

/// Everything stored about one cycle's money.
struct Money {
    cycle: GrantCycleRow,
    allocation: Option<AllocationRow>,
    expenditures: Vec<ExpenditureRow>,
    awards: Vec<AwardRow>,
    claims: Vec<ClaimRow>,
}

fn corrupt(table: &str, id: Uuid, what: &str) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("{table} {id}: {what}")))
}

fn eac_id(table: &str, id: Uuid, s: &str) -> AppResult<&'static str> {
    eac_category(s)
        .map(|c| c.id)
        .ok_or_else(|| corrupt(table, id, &format!("unknown EAC category {s}")))
}

impl Money {
    async fn load(tx: &mut Tx, cycle: Uuid, lock: bool) -> AppResult<Money> {
        let row = if lock {
            tx.lock_grant_cycle(cycle).await?
        } else {
            tx.get_grant_cycle(cycle).await?
        };
        Ok(Money {
            allocation: tx.get_allocation(cycle).await?,
            expenditures: tx.list_expenditures(cycle).await?,
            awards: tx.list_awards(cycle, None).await?,
            claims: tx.list_claims(cycle, None).await?,
            cycle: row,
        })
    }

    fn book(&self) -> AppResult<Book> {
        let expenditures = self
            .expenditures
            .iter()
            .map(|e| {
                Ok(ExpenditureEntry {
                    category: NavigatorCategory::parse(&e.category).ok_or_else(|| {
                        corrupt("navigator_expenditures", e.id, "unknown category")
                    })?,
                    eac_category: eac_id("navigator_expenditures", e.id, &e.eac_category)?,
                    federal: e.federal_cents,
                    matching: e.match_cents,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let claims = self
            .claims
            .iter()
            .map(|c| {
                Ok(ClaimEntry {
                    id: c.id,
                    award: c.award_id,
                    eac_category: eac_id("reimbursement_claims", c.id, &c.eac_category)?,
                    federal: c.federal_cents,
                    matching: c.match_cents,
                    status: ClaimStatus::parse(&c.status)
                        .ok_or_else(|| corrupt("reimbursement_claims", c.id, "unknown status"))?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Book {
            funds: self.cycle.funds_cents,
            navigator_share: self.allocation.as_ref().map(|a| a.navigator_share_cents),
            expenditures,
            awards: self
                .awards
                .iter()
                .map(|a| AwardEntry {
                    id: a.id,
                    election_authority: a.election_authority_id,
                    amount: a.amount_cents,
                })
                .collect(),
            claims,
        })
    }
}

fn refused(field: &str, r: GrantRefusal) -> AppError {
    AppError::invalid(field, r.to_string())
}

fn parse_date(errors: &mut FieldErrors, field: &str, s: &str) -> Option<Date> {
    let d = Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| errors.add(field, "write the date as YYYY-MM-DD, such as 2026-03-02"))
    .ok()?;
    if d > now().date() {
        errors.add(
            field,
            "the date is in the future; give the day the money was spent",
        );
        return None;
    }
    Some(d)
}

fn parse_amount(errors: &mut FieldErrors, field: &str, s: &str, optional: bool) -> Option<Cents> {
    if optional && s.trim().is_empty() {
        return Some(0);
    }
    parse_dollars(s).map_err(|e| errors.add(field, e)).ok()
}

fn parse_eac(
    errors: &mut FieldErrors,
    s: &str,
    default: Option<&'static str>,
) -> Option<&'static str> {
    if s.trim().is_empty()
        && let Some(d) = default
    {
        return Some(d);
    }
    match eac_category(s) {
        Some(c) => Some(c.id),
        None => {
            let known: Vec<&str> = EAC_CATEGORIES.iter().map(|c| c.id).collect();
            errors.add(
                "eac_category",
                format!("choose one of the EAC categories: {}", known.join(", ")),
            );
            None
        }
    }
}

/// Amounts as plain decimal dollars for CSV (`1234.56`).
fn plain_dollars(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

/// The EAC category totals as CSV: `category_id,category,federal,match,total` in dollars, one
/// row per category in the report's order. Totals only: the reports are public.
pub fn eac_categories_csv(categories: &[CategoryTotal]) -> String {
    let mut out = String::from("category_id,category,federal,match,total\r\n");
    for c in categories {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            c.id,
            c.label,
            plain_dollars(c.federal),
            plain_dollars(c.matching),
            plain_dollars(c.federal + c.matching)
        ));
    }
    out
}

impl App {
    /// Sets the Navigator Program share of a cycle: no less than half of its funds (the
    /// refusal gives the figures and the smallest share allowed), no less than already spent,
    /// and leaving a grants pool that covers the awards.
    pub async fn set_navigator_share(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        share: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let share = parse_dollars(share).map_err(|e| AppError::invalid("navigator_share", e))?;
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        money
            .book()?
            .check_navigator_share(share)
            .map_err(|r| refused("navigator_share", r))?;
        let row = AllocationRow {
            cycle_id: cycle,
            navigator_share_cents: share,
            updated_by: cap.actor().account_id(),
            updated_at: now(),
        };
        tx.put_allocation(&row).await?;
        audit::Entry::new("grant.allocation", "grant_cycle", cycle)
            .changes(json!({
                "navigator_share_cents": {
                    "from": money.allocation.map(|a| a.navigator_share_cents),
                    "to": share,
                },
                "grants_pool_cents": {"from": null, "to": money.cycle.funds_cents - share},
            }))
            .commit(tx, cap.actor(), meta, row.updated_at)
            .await
    }

    /// Changes a cycle's funds (an amended award from the EAC). Refused when the Navigator
    /// Program share set would fall under half, or the pool would not cover the awards.
    pub async fn set_cycle_funds(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        funds: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let funds = parse_dollars(funds).map_err(|e| AppError::invalid("funds", e))?;
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        money
            .book()?
            .check_funds(funds)
            .map_err(|r| refused("funds", r))?;
        tx.set_cycle_funds(cycle, funds).await?;
        audit::Entry::new("grant_cycle.funds", "grant_cycle", cycle)
            .changes(json!({"funds_cents": {"from": money.cycle.funds_cents, "to": funds}}))
            .commit(tx, cap.actor(), meta, now())
            .await
    }

    /// Records a Navigator Program expenditure; its federal amount must fit in what is left of
    /// the share.
    pub async fn record_expenditure(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        input: &ExpenditureInput,
        meta: &RequestMeta,
    ) -> AppResult<ExpenditureRow> {
        let mut errors = FieldErrors::new();
        let spent_on = parse_date(&mut errors, "spent_on", &input.spent_on);
        let category = NavigatorCategory::parse(&input.category);
        if category.is_none() {
            errors.add("category", "choose payroll, travel, equipment or other");
        }
        let eac = parse_eac(&mut errors, &input.eac_category, Some("cyber_security"));
        let federal = parse_amount(&mut errors, "federal", &input.federal, false);
        let matching = parse_amount(&mut errors, "matching", &input.matching, true);
        let description = clean_text(&input.description, 500)
            .map_err(|e| errors.add("description", e))
            .ok();
        let (
            Some(spent_on),
            Some(category),
            Some(eac),
            Some(federal),
            Some(matching),
            Some(description),
        ) = (spent_on, category, eac, federal, matching, description)
        else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        money
            .book()?
            .check_expenditure(federal, matching)
            .map_err(|r| refused("federal", r))?;
        let row = ExpenditureRow {
            id: Uuid::new_v4(),
            cycle_id: cycle,
            spent_on,
            category: category.as_str().to_string(),
            eac_category: eac.to_string(),
            federal_cents: federal,
            match_cents: matching,
            description,
            recorded_by: cap.actor().account_id(),
            recorded_at: now(),
        };
        tx.insert_expenditure(&row).await?;
        audit::Entry::new("grant.expenditure", "grant_cycle", cycle)
            .changes(json!({
                "expenditure": {"from": null, "to": {
                    "id": row.id.to_string(),
                    "spent_on": row.spent_on.to_string(),
                    "category": row.category,
                    "eac_category": row.eac_category,
                    "federal_cents": row.federal_cents,
                    "match_cents": row.match_cents,
                    "description": row.description,
                }}
            }))
            .commit(tx, cap.actor(), meta, row.recorded_at)
            .await?;
        Ok(row)
    }

    /// A cycle's Navigator Program expenditures.
    pub async fn expenditures(
        &self,
        _reader: &GrantReader<'_>,
        cycle: Uuid,
    ) -> AppResult<Vec<ExpenditureRow>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        Ok(tx.list_expenditures(cycle).await?)
    }

    /// Whether `ea` may be awarded in `cycle`: it participates and is eligible. The refusal
    /// names the authority and says what is missing.
    async fn may_be_awarded(&self, actor: &Actor, ea: Uuid, cycle: Uuid) -> AppResult<String> {
        let reader = actor.read_registry().ok_or(AppError::Forbidden)?;
        let name = {
            let mut tx = self.store.read().await?;
            tx.get_election_authority(ea).await?.authority.name
        };
        let p = self.participation(&reader, ea, cycle).await?;
        award_decision(
            &name,
            &p.cycle.row.name,
            p.certification.is_some(),
            &p.eligibility,
            |id| {
                p.set
                    .requirement(id)
                    .map(|r| r.title.clone())
                    .unwrap_or_else(|| id.to_string())
            },
        )
        .map_err(|r| AppError::invalid("election_authority", r.to_string()))?;
        Ok(name)
    }

    /// Awards `amount` to `ea` (or changes its award). Only to an authority that participates
    /// and is eligible, and only within the grants pool.
    pub async fn make_award(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        ea: Uuid,
        amount: &str,
        meta: &RequestMeta,
    ) -> AppResult<AwardRow> {
        let amount = parse_dollars(amount).map_err(|e| AppError::invalid("amount", e))?;
        // Standing is read before the write transaction: facts recorded in between are the
        // Board's own, and the award is audited with the time it was made.
        let name = self.may_be_awarded(cap.actor(), ea, cycle).await?;
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        money
            .book()?
            .check_award(ea, amount)
            .map_err(|r| refused("amount", r))?;
        let before = money.awards.iter().find(|a| a.election_authority_id == ea);
        let row = AwardRow {
            id: before.map_or_else(Uuid::new_v4, |a| a.id),
            cycle_id: cycle,
            election_authority_id: ea,
            election_authority_name: name,
            amount_cents: amount,
            awarded_by: cap.actor().account_id(),
            awarded_at: now(),
        };
        tx.put_award(&row).await?;
        audit::Entry::new("grant.award", "grant_award", row.id)
            .changes(json!({
                "cycle": {"from": null, "to": cycle.to_string()},
                "election_authority": {"from": null, "to": ea.to_string()},
                "amount_cents": {"from": before.map(|a| a.amount_cents), "to": amount},
            }))
            .commit(tx, cap.actor(), meta, row.awarded_at)
            .await?;
        Ok(row)
    }

    /// Every award of a cycle.
    pub async fn awards(&self, _reader: &GrantReader<'_>, cycle: Uuid) -> AppResult<Vec<AwardRow>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        Ok(tx.list_awards(cycle, None).await?)
    }

    /// The awards `actor` may see: every award for a grant reader, its own authority's for a
    /// county official, none (forbidden) for everyone else.
    pub async fn visible_awards(&self, actor: &Actor, cycle: Uuid) -> AppResult<Vec<AwardRow>> {
        if let Some(reader) = actor.read_grants() {
            self.awards(&reader, cycle).await
        } else if let Some(claimant) = actor.own_claimant() {
            self.awards_of(&claimant, cycle).await
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The award of the claimant's own authority, if any.
    pub async fn awards_of(&self, cap: &Claimant<'_>, cycle: Uuid) -> AppResult<Vec<AwardRow>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        Ok(tx
            .list_awards(cycle, Some(cap.election_authority()))
            .await?)
    }

    /// An equal split of what is not yet awarded among the authorities that participate, are
    /// eligible and have no award yet, by name (the cents left over go to the first). The
    /// Board adjusts it for need and makes each award itself.
    pub async fn propose_equal_split(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
    ) -> AppResult<Vec<AwardProposal>> {
        let (book, certified, names) = {
            let mut tx = self.store.read().await?;
            let money = Money::load(&mut tx, cycle, false).await?;
            let certified: Vec<Uuid> = tx
                .list_certifications(cycle)
                .await?
                .into_iter()
                .map(|c| c.election_authority_id)
                .collect();
            let names = tx
                .all_election_authorities(&cybernav_core::authz::EaScope::All)
                .await?;
            (money.book()?, certified, names)
        };
        let pool = book
            .pool()
            .ok_or_else(|| refused("navigator_share", GrantRefusal::NoAllocation))?;
        let mut chosen = Vec::new();
        for ea in names {
            let id = ea.authority.id;
            if !certified.contains(&id) || book.award_of(id).is_some() {
                continue;
            }
            if self.may_be_awarded(cap.actor(), id, cycle).await.is_ok() {
                chosen.push((id, ea.authority.name));
            }
        }
        let ids: Vec<Uuid> = chosen.iter().map(|c| c.0).collect();
        Ok(equal_split(pool - book.awarded(), &ids)
            .into_iter()
            .zip(chosen)
            .map(|((id, amount), (_, name))| AwardProposal {
                election_authority_id: id,
                election_authority_name: name,
                amount_cents: amount,
            })
            .collect())
    }

    /// A county official claims reimbursement against its own authority's award.
    pub async fn submit_claim(
        &self,
        cap: &Claimant<'_>,
        cycle: Uuid,
        input: &ClaimInput,
        meta: &RequestMeta,
    ) -> AppResult<ClaimRow> {
        self.put_claim(cap.actor(), cycle, cap.election_authority(), input, meta)
            .await
    }

    /// The Board records a claim it received on paper for `ea`.
    pub async fn record_claim(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        ea: Uuid,
        input: &ClaimInput,
        meta: &RequestMeta,
    ) -> AppResult<ClaimRow> {
        self.put_claim(cap.actor(), cycle, ea, input, meta).await
    }

    async fn put_claim(
        &self,
        actor: &Actor,
        cycle: Uuid,
        ea: Uuid,
        input: &ClaimInput,
        meta: &RequestMeta,
    ) -> AppResult<ClaimRow> {
        let mut errors = FieldErrors::new();
        let spent_on = parse_date(&mut errors, "spent_on", &input.spent_on);
        let eac = parse_eac(&mut errors, &input.eac_category, None);
        let federal = parse_amount(&mut errors, "federal", &input.federal, false);
        let matching = parse_amount(&mut errors, "matching", &input.matching, true);
        let description = clean_text(&input.description, 500)
            .map_err(|e| errors.add("description", e))
            .ok();
        let (Some(spent_on), Some(eac), Some(federal), Some(matching), Some(description)) =
            (spent_on, eac, federal, matching, description)
        else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        let Some(award) = money.awards.iter().find(|a| a.election_authority_id == ea) else {
            let name = tx.get_election_authority(ea).await?.authority.name;
            return Err(AppError::invalid(
                "election_authority",
                format!(
                    "{name} has no award in {}; a claim is made against an award, so the Board awards first",
                    money.cycle.name
                ),
            ));
        };
        money
            .book()?
            .check_claim(award.id, federal, matching)
            .map_err(|r| refused("federal", r))?;
        let row = ClaimRow {
            id: Uuid::new_v4(),
            award_id: award.id,
            cycle_id: cycle,
            election_authority_id: ea,
            spent_on,
            eac_category: eac.to_string(),
            federal_cents: federal,
            match_cents: matching,
            description,
            status: ClaimStatus::Submitted.as_str().to_string(),
            reason: None,
            submitted_by: actor.account_id(),
            submitted_at: now(),
            decided_by: None,
            decided_at: None,
        };
        tx.insert_claim(&row).await?;
        audit::Entry::new("grant.claim.submit", "grant_claim", row.id)
            .changes(json!({
                "award": {"from": null, "to": award.id.to_string()},
                "spent_on": {"from": null, "to": row.spent_on.to_string()},
                "eac_category": {"from": null, "to": row.eac_category},
                "federal_cents": {"from": null, "to": row.federal_cents},
                "match_cents": {"from": null, "to": row.match_cents},
                "description": {"from": null, "to": row.description},
            }))
            .commit(tx, actor, meta, row.submitted_at)
            .await?;
        Ok(row)
    }

    /// Approves, pays or rejects a claim. A rejection needs its reason; an approval must keep
    /// the approved and paid federal amounts within the award.
    pub async fn decide_claim(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        claim: Uuid,
        status: &str,
        reason: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<ClaimRow> {
        let to = ClaimStatus::parse(status)
            .filter(|s| *s != ClaimStatus::Submitted)
            .ok_or_else(|| AppError::invalid("status", "choose approved, paid or rejected"))?;
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(clean_text(r, 500).map_err(|e| AppError::invalid("reason", e))?),
            None => None,
        };
        if to == ClaimStatus::Rejected && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                "say why the claim is rejected, so the county can correct and resubmit it",
            ));
        }
        let mut tx = self.store.begin().await?;
        let money = Money::load(&mut tx, cycle, true).await?;
        let before = money
            .claims
            .iter()
            .find(|c| c.id == claim)
            .ok_or(AppError::NotFound)?;
        money
            .book()?
            .check_transition(claim, to)
            .map_err(|r| refused("status", r))?;
        let at = now();
        tx.decide_claim(
            claim,
            to.as_str(),
            reason.as_deref(),
            cap.actor().account_id(),
            at,
        )
        .await?;
        let mut row = before.clone();
        row.status = to.as_str().to_string();
        row.reason = reason;
        row.decided_by = cap.actor().account_id();
        row.decided_at = Some(at);
        audit::Entry::new(
            &format!("grant.claim.{}", to.as_str()),
            "grant_claim",
            claim,
        )
        .changes(json!({
            "status": {"from": before.status, "to": row.status},
            "reason": {"from": before.reason, "to": row.reason},
        }))
        .commit(tx, cap.actor(), meta, at)
        .await?;
        Ok(row)
    }

    /// Every claim of a cycle.
    pub async fn claims(&self, _reader: &GrantReader<'_>, cycle: Uuid) -> AppResult<Vec<ClaimRow>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        Ok(tx.list_claims(cycle, None).await?)
    }

    /// The claims `actor` may see, by the same rule as [`App::visible_awards`].
    pub async fn visible_claims(&self, actor: &Actor, cycle: Uuid) -> AppResult<Vec<ClaimRow>> {
        if let Some(reader) = actor.read_grants() {
            self.claims(&reader, cycle).await
        } else if let Some(claimant) = actor.own_claimant() {
            self.claims_of(&claimant, cycle).await
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The claims of the claimant's own authority.
    pub async fn claims_of(&self, cap: &Claimant<'_>, cycle: Uuid) -> AppResult<Vec<ClaimRow>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        Ok(tx
            .list_claims(cycle, Some(cap.election_authority()))
            .await?)
    }

    /// The ledger of a cycle. It is checked to add up before it is shown: a ledger that does
    /// not means the database was changed outside cybernav.
    pub async fn ledger(&self, _reader: &GrantReader<'_>, cycle: Uuid) -> AppResult<LedgerView> {
        let mut tx = self.store.read().await?;
        let money = Money::load(&mut tx, cycle, false).await?;
        let ledger = money.book()?.ledger();
        ledger.check().map_err(|e| {
            corrupt(
                "grant_cycles",
                cycle,
                &format!("the ledger does not add up: {e}"),
            )
        })?;
        let mut sub_awards: Vec<AwardRow> = money
            .awards
            .into_iter()
            .filter(|a| a.amount_cents >= SUB_AWARD_REPORTING_CENTS)
            .collect();
        sub_awards.sort_by(|a, b| {
            b.amount_cents
                .cmp(&a.amount_cents)
                .then(a.election_authority_name.cmp(&b.election_authority_name))
        });
        Ok(LedgerView {
            cycle: money.cycle,
            ledger,
            sub_awards_to_report: sub_awards,
        })
    }
}
