//! OSCAL documents (issue 4 item 8): an assessment's results and an authority's plan of action
//! and milestones, gathered from what the store holds into the plain inputs of
//! `cybernav_formats::oscal`, which writes the JSON (docs/OSCAL.md).

use cybernav_core::assessment::{State, below_threshold};
use cybernav_core::authz::{Actor, FindingReader};
use cybernav_core::scoring::Answer;
use cybernav_formats::oscal::{
    AssessedItem, AssessmentResultsInput, EvidenceRef, ItemStatus, PoamFinding, PoamInput,
    PoamStatus, RaisedFinding, RiskAcceptance, assessment_results, poam, to_pretty_json,
};
use uuid::Uuid;

use crate::findings::{FindingFilter, FindingView};
use crate::{App, AppError, AppResult};

/// The default percentage at or above which an item is reported `satisfied` (below it,
/// `not-satisfied`). The running value is the finding threshold,
/// `Config::finding_threshold_percent`, so an item OSCAL reports `not-satisfied` is exactly an
/// item a navigator may raise a finding for.
pub const SATISFIED_AT_PERCENT: f64 = cybernav_core::assessment::DEFAULT_FINDING_THRESHOLD_PERCENT;

impl App {
    /// The OSCAL assessment-results document (JSON text) of a validated assessment. Answers count only
    /// once validated, so an assessment still in the workflow is refused, saying so.
    pub async fn oscal_assessment_results(&self, actor: &Actor, id: Uuid) -> AppResult<String> {
        let v = self.assessment(actor, id).await?;
        if v.state != State::Validated {
            return Err(AppError::invalid(
                "assessment",
                format!(
                    "this assessment is {}; OSCAL results report validated answers only, so export it once the Program Manager has validated it",
                    v.state.label().to_lowercase()
                ),
            ));
        }
        let raised: Vec<FindingView> = match actor.read_findings_of(v.row.election_authority_id) {
            Ok(reader) => self
                .findings(&reader, &FindingFilter::default())
                .await?
                .into_iter()
                .filter(|f| f.row.assessment_id == Some(id))
                .collect(),
            Err(_) => Vec::new(),
        };
        let mut assessors = Vec::new();
        {
            let mut tx = self.store.read().await?;
            for n in &v.navigators {
                if let Ok(u) = tx.get_user(*n).await {
                    assessors.push(u.name);
                }
            }
        }
        let threshold = self.config.finding_threshold_percent;
        let items = v
            .scores
            .items
            .iter()
            .filter(|s| s.in_scope)
            .map(|s| {
                let answer = v.answers.get(&s.item);
                let title = v
                    .catalog
                    .item(&s.item)
                    .map(|(_, i)| i.title.clone())
                    .unwrap_or_default();
                let mut comments = answer.and_then(|a| a.comment.clone()).unwrap_or_default();
                if let Some(Answer::NotApplicable { justification }) = answer.map(|a| &a.answer) {
                    comments = if comments.is_empty() {
                        format!("Not applicable: {justification}")
                    } else {
                        format!("Not applicable: {justification}. {comments}")
                    };
                }
                let status = if s.not_applicable {
                    ItemStatus::NotApplicable
                } else if s.percent.is_some_and(|p| !below_threshold(p, threshold)) {
                    ItemStatus::Satisfied
                } else {
                    ItemStatus::NotSatisfied
                };
                AssessedItem {
                    id: s.item.clone(),
                    title,
                    status,
                    score_percent: s.percent,
                    comments,
                    evidence: v
                        .evidence
                        .get(&s.item)
                        .map(|files| {
                            files
                                .iter()
                                .map(|e| EvidenceRef {
                                    file_name: e.file_name.clone(),
                                    sha256: e.sha256.clone(),
                                    media_type: Some(e.content_type.clone()),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let input = AssessmentResultsInput {
            authority_id: v.row.election_authority_id.to_string(),
            authority_name: v.authority_name.clone(),
            assessment_id: v.row.id.to_string(),
            catalog_id: v.catalog.id.clone(),
            catalog_version: v.catalog.version.clone(),
            catalog_title: v.catalog.title.clone(),
            scope: v.scope.as_str().to_string(),
            method: v.method.as_str().to_string(),
            assessors,
            started: v.row.created_at,
            ended: v.row.validated_at.or(v.row.completed_at),
            last_modified: v.row.updated_at,
            overall_score_percent: v.row.overall_percent.or(v.scores.overall.percent),
            items,
            findings: raised
                .iter()
                .map(|f| RaisedFinding {
                    id: f.row.id.to_string(),
                    item_id: f.row.catalog_item_id.clone(),
                    title: f.row.title.clone(),
                    description: f.row.description.clone(),
                    severity: capitalised(&f.row.severity),
                })
                .collect(),
        };
        Ok(to_pretty_json(&assessment_results(&input)))
    }

    /// The OSCAL plan-of-action-and-milestones document of one authority: every finding, open
    /// or closed, with its target date, KEV flag and any risk acceptance.
    pub async fn oscal_poam(&self, reader: &FindingReader<'_>) -> AppResult<String> {
        let ea = reader.election_authority();
        let name = {
            let mut tx = self.store.read().await?;
            tx.get_election_authority(ea).await?.authority.name
        };
        let mut findings = self.findings(reader, &FindingFilter::default()).await?;
        findings.sort_by_key(|f| (f.row.created_at, f.row.id));
        let last_modified = findings
            .iter()
            .map(|f| f.row.updated_at)
            .max()
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let input = PoamInput {
            authority_id: ea.to_string(),
            authority_name: name,
            last_modified,
            version: findings.len().to_string(),
            findings: findings.iter().map(poam_finding).collect(),
        };
        Ok(to_pretty_json(&poam(&input)))
    }
}

fn poam_finding(f: &FindingView) -> PoamFinding {
    let r = &f.row;
    let status = match r.status.as_str() {
        "identified" => PoamStatus::Identified,
        "confirmed" => PoamStatus::Confirmed,
        "mitigated" => PoamStatus::Mitigated,
        "verified" => PoamStatus::Verified,
        "risk_accepted" => PoamStatus::RiskAccepted,
        _ => PoamStatus::InProgress,
    };
    PoamFinding {
        id: r.id.to_string(),
        title: r.title.clone(),
        description: r.description.clone(),
        severity: capitalised(&r.severity),
        source: r.source.replace('_', " "),
        status,
        identified: r.created_at,
        target_date: f.due_date.or(r.target_date),
        risk_accepted: match (&r.risk_approver, r.risk_expires_on) {
            (Some(approver), Some(until)) if status == PoamStatus::RiskAccepted => {
                Some(RiskAcceptance {
                    approver: approver.clone(),
                    until,
                    reason: "Risk accepted by the named approver until the date given".into(),
                })
            }
            _ => None,
        },
        cve: r.cve.clone(),
        known_exploited: r.kev,
        host: r.host.clone(),
        port: r.port.and_then(|p| u16::try_from(p).ok()),
        owner: Some(r.owner.replace('_', " ")),
        remediation: r.recommendation.clone(),
        remarks: if f.overdue {
            "Overdue".into()
        } else {
            String::new()
        },
    }
}

/// `critical` → `Critical`, as OSCAL documents write severities.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
