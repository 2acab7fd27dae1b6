//! Findings raised from an assessment's items (Part 213.40): an item a navigator scored below
//! the finding threshold (`Config::finding_threshold_percent`, default 50 %) becomes a finding
//! of the authority, one item at a time from the item's row or every such item at once.
//!
//! Raising is idempotent: an item that already has an open finding linked to it is not raised
//! again (it is reported as skipped, with that finding). Items marked not applicable are never
//! raised; nor are items outside the scope or not answered. All the findings of one action are
//! recorded in one transaction, each through [`App::create_finding_in`] with its own history
//! and audit record, plus one audit record on the assessment. See docs/ASSESSMENTS.md.

use std::collections::{BTreeMap, BTreeSet};

use cybernav_core::assessment::{self, State};
use cybernav_core::authz::Actor;
use cybernav_core::finding::{Owner, Source, Status};
use cybernav_core::scoring::{self, Answer};
use cybernav_core::{FieldErrors, catalog::Catalog};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::assessments::AssessmentView;
use crate::findings::{FindingInput, TEXT_MAX, TITLE_MAX};
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// One item and the finding it raised (or already had).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemFinding {
    /// The catalog item.
    pub item: String,
    /// The finding.
    pub finding_id: Uuid,
}

/// What raising findings did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RaiseOutcome {
    /// The threshold the items were measured against, in percent.
    pub threshold_percent: f64,
    /// Items raised now, with their new findings, in catalog order.
    pub raised: Vec<ItemFinding>,
    /// Items left alone because an open finding is already linked to them, with that finding.
    pub skipped: Vec<ItemFinding>,
}

/// Where an assessment's items stand against the threshold, for its page.
#[derive(Debug, Clone, Default)]
pub struct ItemFindings {
    /// The threshold, in percent.
    pub threshold_percent: f64,
    /// Items scored below the threshold (in scope, answered, not n/a), with their score.
    pub below: BTreeMap<String, f64>,
    /// The open finding linked to each item that has one.
    pub open: BTreeMap<String, Uuid>,
    /// Whether the reader may raise findings now (manages the authority's findings and the
    /// assessment is complete or validated).
    pub may_raise: bool,
}

impl ItemFindings {
    /// Items below the threshold without an open finding: what "raise all" would raise.
    pub fn to_raise(&self) -> usize {
        self.below
            .keys()
            .filter(|i| !self.open.contains_key(*i))
            .count()
    }
}

/// The items of an assessment scored below `threshold`: in scope, answered with a score, not
/// marked not applicable. By item id, with the score.
pub fn items_below(
    catalog: &Catalog,
    scope: scoring::Scope,
    method: scoring::Method,
    answers: &BTreeMap<String, Answer>,
    threshold: f64,
) -> BTreeMap<String, f64> {
    scoring::score(catalog, scope, method, answers)
        .items
        .into_iter()
        .filter(|s| s.in_scope && !s.not_applicable)
        .filter_map(|s| {
            s.percent
                .filter(|p| assessment::below_threshold(*p, threshold))
                .map(|p| (s.item, p))
        })
        .collect()
}

/// Findings may be raised once the navigators have finished: complete or validated.
fn raisable(state: State) -> bool {
    matches!(state, State::Complete | State::Validated)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

impl App {
    /// The finding threshold in force, in percent.
    pub fn finding_threshold(&self) -> f64 {
        self.config.finding_threshold_percent
    }

    /// Where the items of assessment `view` stand against the threshold, for a reader who may
    /// read the authority's findings; `None` for one who may not.
    pub async fn item_findings(
        &self,
        actor: &Actor,
        view: &AssessmentView,
    ) -> AppResult<Option<ItemFindings>> {
        let ea = view.row.election_authority_id;
        if actor.read_findings_of(ea).is_err() {
            return Ok(None);
        }
        let threshold = self.finding_threshold();
        let plain: BTreeMap<String, Answer> = view
            .answers
            .iter()
            .map(|(k, a)| (k.clone(), a.answer.clone()))
            .collect();
        let below = items_below(&view.catalog, view.scope, view.method, &plain, threshold);
        let mut tx = self.store.read().await?;
        let open = open_findings_by_item(&mut tx, ea, view.row.id).await?;
        Ok(Some(ItemFindings {
            threshold_percent: threshold,
            below,
            open,
            may_raise: actor.manage_findings_of(ea).is_ok() && raisable(view.state),
        }))
    }

    /// Raises findings from the items of assessment `id` scored below the threshold: the
    /// items named in `items`, or every such item when `items` is `None` or empty. Whoever
    /// manages the authority's findings (the Board, the Program Manager, its navigators), once
    /// the assessment is complete or validated. Items with an open finding already are
    /// skipped; a named item that cannot be raised (unknown, not applicable, unanswered,
    /// outside the scope, at or above the threshold) refuses the whole request, naming it.
    pub async fn raise_assessment_findings(
        &self,
        actor: &Actor,
        id: Uuid,
        items: Option<&[String]>,
        meta: &RequestMeta,
    ) -> AppResult<RaiseOutcome> {
        let threshold = self.finding_threshold();
        let mut tx = self.store.begin().await?;
        // Locked, so two people raising at once do not both raise the same item.
        let row = tx.lock_assessment(id).await?;
        let ea = row.election_authority_id;
        let reader = actor
            .read_assessments_of(ea)
            .map_err(|_| AppError::NotFound)?;
        let state = State::parse(&row.state).map_err(|e| corrupt(id, "state", e))?;
        if !reader.sees_drafts() && state.open_for_answers() {
            return Err(AppError::NotFound);
        }
        let cap = actor.manage_findings_of(ea)?;
        if !raisable(state) {
            return Err(AppError::invalid(
                "assessment",
                format!(
                    "the assessment is {}; findings are raised from its items once the navigators mark it complete",
                    state.label().to_lowercase()
                ),
            ));
        }
        let scope = scoring::Scope::parse(&row.scope).map_err(|e| corrupt(id, "scope", e))?;
        let method = scoring::Method::parse(&row.method).map_err(|e| corrupt(id, "method", e))?;
        let catalog_row = tx
            .find_catalog(&row.catalog_id, &row.catalog_version)
            .await?
            .ok_or_else(|| corrupt(id, "catalog", "catalog is missing"))?;
        let catalog: Catalog = serde_json::from_str(&catalog_row.body)
            .map_err(|e| corrupt(id, "catalog", e.to_string()))?;
        let mut answers = BTreeMap::new();
        let mut comments = BTreeMap::new();
        for r in tx.list_answers(id).await? {
            let a: Answer = serde_json::from_str(&r.answer)
                .map_err(|e| corrupt(id, "answer", format!("item {}: {e}", r.item_id)))?;
            if let Some(c) = r.comment {
                comments.insert(r.item_id.clone(), c);
            }
            answers.insert(r.item_id, a);
        }
        let scores = scoring::score(&catalog, scope, method, &answers);
        let below = items_below(&catalog, scope, method, &answers, threshold);

        // The items asked for, each checked; every problem listed.
        let wanted: BTreeSet<String> = match items {
            Some(list) if !list.is_empty() => {
                let mut errors = FieldErrors::new();
                let mut out = BTreeSet::new();
                for raw in list {
                    let item = raw.trim();
                    let field = format!("items, item {item}");
                    let Some(s) = scores.items.iter().find(|s| s.item == item) else {
                        errors.add(field, format!("{} has no item \"{item}\"", catalog.title));
                        continue;
                    };
                    if s.not_applicable {
                        errors.add(
                            field,
                            "the item is marked not applicable; findings are never raised from it",
                        );
                    } else if !s.in_scope {
                        errors.add(field, "the item is outside the assessment's scope");
                    } else if s.percent.is_none() {
                        errors.add(field, "the item is not answered");
                    } else if !below.contains_key(item) {
                        errors.add(
                            field,
                            format!(
                                "the item scores {:.0} %, not below the threshold of {threshold:.0} %",
                                s.percent.unwrap_or_default()
                            ),
                        );
                    } else {
                        out.insert(item.to_string());
                    }
                }
                if !errors.is_empty() {
                    return Err(errors.into());
                }
                out
            }
            _ => below.keys().cloned().collect(),
        };

        let open = open_findings_by_item(&mut tx, ea, id).await?;
        let cycle = tx.get_grant_cycle(row.cycle_id).await?.name;
        let mut outcome = RaiseOutcome {
            threshold_percent: threshold,
            ..Default::default()
        };
        // Catalog order, so findings read in the order of the assessment.
        for (_, item) in catalog.items() {
            if !wanted.contains(&item.id) {
                continue;
            }
            if let Some(f) = open.get(&item.id) {
                outcome.skipped.push(ItemFinding {
                    item: item.id.clone(),
                    finding_id: *f,
                });
                continue;
            }
            let percent = below.get(&item.id).copied().unwrap_or_default();
            let mut description = format!(
                "The navigators' assessment against {} (cycle {cycle}) scored item {} at {percent:.0} %, below the threshold of {threshold:.0} %.",
                catalog.title, item.id
            );
            if let Some(c) = comments.get(&item.id) {
                description.push_str("\n\nNavigator's comment: ");
                description.push_str(c);
            }
            let input = FindingInput {
                source: Source::NavigatorAssessment.as_str().into(),
                severity: assessment::severity_for_score(percent).as_str().into(),
                title: clip(&format!("{} {}", item.id, item.title), TITLE_MAX),
                description: clip(&description, TEXT_MAX),
                owner: Owner::ElectionOffice.as_str().into(),
                assessment_id: Some(id.to_string()),
                catalog_item_id: Some(item.id.clone()),
                ..Default::default()
            };
            let finding_id = self.create_finding_in(&mut tx, &cap, &input, meta).await?;
            outcome.raised.push(ItemFinding {
                item: item.id.clone(),
                finding_id,
            });
        }
        let at = cybernav_store::now();
        audit::Entry::new("assessment.raise_findings", "assessment", id)
            .changes(json!({
                "threshold_percent": threshold,
                "raised": outcome.raised.iter().map(|r| json!({"item": r.item, "finding": r.finding_id.to_string()})).collect::<Vec<_>>(),
                "skipped": outcome.skipped.iter().map(|r| json!({"item": r.item, "finding": r.finding_id.to_string()})).collect::<Vec<_>>(),
            }))
            .commit(tx, actor, meta, at)
            .await?;
        Ok(outcome)
    }
}

fn corrupt(id: Uuid, field: &str, err: impl std::fmt::Display) -> AppError {
    AppError::Store(cybernav_store::StoreError::Corrupt(format!(
        "assessments {id}: field {field}: {err}"
    )))
}

/// The open findings linked to the items of assessment `id` (the oldest per item).
async fn open_findings_by_item(
    tx: &mut cybernav_store::Tx,
    ea: Uuid,
    id: Uuid,
) -> AppResult<BTreeMap<String, Uuid>> {
    let mut out = BTreeMap::new();
    let mut rows: Vec<_> = tx
        .list_findings(Some(ea))
        .await?
        .into_iter()
        .filter(|f| f.assessment_id == Some(id))
        .filter(|f| Status::parse(&f.status).is_ok_and(Status::is_open))
        .collect();
    rows.sort_by_key(|f| f.created_at);
    for f in rows {
        if let Some(item) = f.catalog_item_id {
            out.entry(item).or_insert(f.id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_clipped_to_the_limit() {
        let long = "x".repeat(TITLE_MAX + 20);
        let c = clip(&long, TITLE_MAX);
        assert_eq!(c.chars().count(), TITLE_MAX);
        assert!(c.ends_with('…'));
        assert_eq!(clip("short", TITLE_MAX), "short");
    }
}
