//! Field operations (Part 213.40): each authority's system and network documents and the
//! navigators' reviews of them for accuracy (213.40(a)(2)); field visits with their navigators,
//! attendees, findings raised and follow-ups; each navigator's workload; and "equal support with
//! allowable modifications based on need" made measurable: a need score per authority and a
//! suggested assignment of authorities to navigator pairs that balances need-weighted workload
//! within zones (`cybernav_core::need`).
//!
//! A document's file is an evidence file, checked and fingerprinted exactly as the participation
//! checklist's (`cybernav_core::evidence`, `evidence_files`); its content is never audited or
//! logged, only its name, size and SHA-256. Visit notes are FOUO: the audit records that notes
//! were written, never what they say.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Actor, FieldReader, FieldRecorder, RegistryManager, WorkloadReader};
use cybernav_core::contact::parse_date;
use cybernav_core::evidence::check_evidence;
use cybernav_core::field_ops::{
    DocumentKind, ReviewOutcome, VisitPurpose, review_due, review_due_on,
};
use cybernav_core::need::{NeedInput, NeedScore, NeedWeights, OpenFindings, Placement, Plan};
use cybernav_core::role::Role;
use cybernav_core::validation::{clean_text, optional_multiline_text, optional_text};
use cybernav_store::checklist::EvidenceMeta;
use cybernav_store::field_ops::{DocumentRow, FollowUpRow, ReviewRow, VisitRow};
use cybernav_store::rows::EaListing;
use cybernav_store::{StoreError, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The longest notes accepted, in characters.
pub const NOTES_MAX_CHARS: usize = 10_000;

/// What is filled in to record a document.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentInput {
    /// Kind identifier.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Version, as the document names it.
    pub version: Option<String>,
    /// The document's date, `YYYY-MM-DD`.
    pub document_date: Option<String>,
}

/// What is filled in to record a review.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewInput {
    /// When the document was checked, `YYYY-MM-DD` (today when left out).
    pub reviewed_on: Option<String>,
    /// `accurate`, `needs_changes` or `outdated`.
    pub outcome: String,
    /// What was wrong (required unless accurate).
    pub problems: Option<String>,
}

/// What is filled in to record a visit.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitInput {
    /// When, `YYYY-MM-DD`.
    pub visited_on: String,
    /// Purpose identifier.
    pub purpose: String,
    /// The navigators who went (a navigator recording alone may leave this empty).
    #[serde(default)]
    pub navigators: Vec<Uuid>,
    /// Who attended: names and roles.
    pub attendees: Option<String>,
    /// Notes shared with the county (FOUO).
    pub notes: Option<String>,
    /// Navigator-internal notes (FOUO), not shown to the county.
    pub internal_notes: Option<String>,
    /// Ids of findings raised (shown as ids until findings are merged in).
    #[serde(default)]
    pub findings: Vec<Uuid>,
}

/// What is filled in to add a follow-up.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FollowUpInput {
    /// What is to be done.
    pub description: String,
    /// By when, `YYYY-MM-DD`.
    pub due_on: String,
}

/// A document with its reviews and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// As stored.
    pub row: DocumentRow,
    /// Its kind.
    pub kind: DocumentKind,
    /// The file on record.
    pub file: Option<EvidenceMeta>,
    /// Its reviews, newest first (the history).
    pub reviews: Vec<ReviewRow>,
    /// When the next review is due; `None` when never reviewed (due now).
    pub review_due_on: Option<Date>,
    /// Whether a review is due today.
    pub review_due: bool,
}

impl Document {
    /// The latest review.
    pub fn last_review(&self) -> Option<&ReviewRow> {
        self.reviews.first()
    }
}

/// A navigator on a visit.
#[derive(Debug, Clone, Serialize)]
pub struct VisitNavigator {
    /// Account.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// A visit with its navigators and follow-ups.
#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    /// As stored; `internal_notes` is emptied for readers who may not see it.
    pub row: VisitRow,
    /// Its purpose.
    pub purpose: VisitPurpose,
    /// The navigators who went.
    pub navigators: Vec<VisitNavigator>,
    /// The findings raised.
    pub findings: Vec<Uuid>,
    /// Its follow-ups, by due date.
    pub follow_ups: Vec<FollowUpRow>,
}

/// A follow-up with where it is from.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpItem {
    /// The follow-up.
    pub follow_up: FollowUpRow,
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub authority_name: String,
}

/// A document due for review, with its authority.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewDue {
    /// The document.
    pub document_id: Uuid,
    /// Title.
    pub title: String,
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub authority_name: String,
    /// When the last review was; `None` when never.
    pub last_reviewed_on: Option<Date>,
}

/// One navigator's workload.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    /// The navigator.
    pub navigator_id: Uuid,
    /// Their name.
    pub name: String,
    /// The authorities assigned, `(id, name)` by name.
    pub authorities: Vec<(Uuid, String)>,
    /// Visits they went on in the last 90 days.
    pub visits_90_days: usize,
    /// Visits they went on this calendar year.
    pub visits_this_year: usize,
    /// Open follow-ups at their authorities due today or later.
    pub upcoming: Vec<FollowUpItem>,
    /// Open follow-ups at their authorities past due.
    pub overdue: Vec<FollowUpItem>,
    /// Documents at their authorities due for review.
    pub reviews_due: Vec<ReviewDue>,
    /// Σ need of their authorities, each shared among its navigators.
    pub need_weighted: f64,
}

/// An authority's need score, with its name and zone.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorityNeed {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its zone's name.
    pub zone: Option<String>,
    /// What the score was computed from.
    pub input: NeedInput,
    /// The score, component by component.
    pub score: NeedScore,
}

/// The balance across navigator pairs, now and suggested.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentPlan {
    /// Every authority's need.
    pub needs: Vec<AuthorityNeed>,
    /// The plan.
    pub plan: Plan,
    /// Zone names by id.
    pub zone_names: BTreeMap<Uuid, String>,
    /// Navigator names by id.
    pub navigator_names: BTreeMap<Uuid, String>,
    /// A fingerprint of the suggested moves, which applying must quote (so what is applied is
    /// what was shown).
    pub fingerprint: String,
}

impl AssignmentPlan {
    /// A team's names, "Ann Lee & Bo Chen".
    pub fn team_label(&self, team: &[Uuid]) -> String {
        if team.is_empty() {
            return "nobody".into();
        }
        team.iter()
            .map(|n| {
                self.navigator_names
                    .get(n)
                    .cloned()
                    .unwrap_or_else(|| n.to_string())
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// An authority's name.
    pub fn authority_name(&self, id: Uuid) -> String {
        self.needs
            .iter()
            .find(|n| n.election_authority_id == id)
            .map_or_else(|| id.to_string(), |n| n.name.clone())
    }
}

fn document_fields(
    input: &DocumentInput,
) -> Result<(DocumentKind, String, Option<String>, Option<Date>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = errors.check("kind", DocumentKind::parse(&input.kind));
    let title = errors.check("title", clean_text(&input.title, 200));
    let version = errors.check("version", optional_text(input.version.as_deref(), 100));
    let date = errors.check("document_date", parse_date(input.document_date.as_deref()));
    match (kind, title, version, date) {
        (Some(k), Some(t), Some(v), Some(d)) if errors.is_empty() => Ok((k, t, v, d)),
        _ => Err(errors),
    }
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn required_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    match parse_date(Some(raw)) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.add(field, "enter a date as YYYY-MM-DD, like 2026-03-15");
            None
        }
        Err(e) => {
            errors.add(field, e);
            None
        }
    }
}

/// The evidence subject a document's file is filed under.
pub fn document_subject(document: Uuid) -> String {
    format!("document:{document}")
}

impl App {
    /// An authority's documents on file, with their reviews and whether a review is due.
    pub async fn documents(&self, reader: &FieldReader<'_>) -> AppResult<Vec<Document>> {
        let ea = reader.election_authority();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let rows = tx.list_documents(Some(ea)).await?;
        let reviews = tx.list_reviews(Some(ea)).await?;
        let evidence = tx.list_evidence(ea).await?;
        Ok(assemble_documents(
            rows,
            &reviews,
            &evidence,
            self.config.document_review_months,
        ))
    }

    /// Records a document an authority keeps on file.
    pub async fn add_document(
        &self,
        cap: &FieldRecorder<'_>,
        input: &DocumentInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let (kind, title, version, document_date) = document_fields(input)?;
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let row = DocumentRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            kind: kind.as_str().into(),
            title,
            version,
            document_date,
            evidence_id: None,
            created_by: cap.actor().account_id(),
            created_at: at,
            updated_at: at,
        };
        tx.insert_document(&row).await?;
        audit::Entry::new("field_document.create", "field_document", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "kind": {"from": null, "to": row.kind},
                "title": {"from": null, "to": row.title},
                "version": {"from": null, "to": row.version},
                "document_date": {"from": null, "to": row.document_date.map(|d| d.to_string())},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Files (or replaces) the file of a document: checked as every evidence file is (size,
    /// kind, content) before anything is stored; its SHA-256 is recorded and audited, its
    /// content never.
    pub async fn attach_document_file(
        &self,
        cap: &FieldRecorder<'_>,
        document: Uuid,
        file_name: &str,
        content: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<EvidenceMeta> {
        let ea = cap.election_authority();
        let checked = check_evidence(file_name, content, self.config.evidence_max_bytes)
            .map_err(|e| AppError::invalid("file", e))?;
        let mut tx = self.store.begin().await?;
        let mut doc = tx.get_document(document).await?;
        if doc.election_authority_id != ea {
            return Err(AppError::NotFound);
        }
        let file = EvidenceMeta {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            subject: document_subject(document),
            file_name: checked.file_name,
            content_type: checked.content_type.to_string(),
            size_bytes: content.len() as i64,
            sha256: checked.sha256,
            uploaded_by: cap.actor().account_id(),
            uploaded_at: now(),
        };
        tx.insert_evidence(&file, content).await?;
        let before = doc.evidence_id;
        doc.evidence_id = Some(file.id);
        doc.updated_at = file.uploaded_at;
        tx.update_document(&doc).await?;
        audit::Entry::new("field_document.file", "field_document", document)
            .changes(json!({
                "evidence_id": {"from": before.map(|e| e.to_string()), "to": file.id.to_string()},
                "file_name": {"from": null, "to": file.file_name},
                "size_bytes": {"from": null, "to": file.size_bytes},
                "sha256": {"from": null, "to": file.sha256},
            }))
            .commit(tx, cap.actor(), meta, file.uploaded_at)
            .await?;
        Ok(file)
    }

    /// Records a review of a document for accuracy. Reviews are kept as history; what was
    /// wrong is required unless the document is accurate.
    pub async fn review_document(
        &self,
        cap: &FieldRecorder<'_>,
        document: Uuid,
        input: &ReviewInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let outcome = errors.check("outcome", ReviewOutcome::parse(&input.outcome));
        let reviewed_on = errors
            .check("reviewed_on", parse_date(input.reviewed_on.as_deref()))
            .map(|d| d.unwrap_or_else(today));
        let problems = errors.check(
            "problems",
            optional_multiline_text(input.problems.as_deref(), NOTES_MAX_CHARS),
        );
        if let Some(d) = reviewed_on
            && d > today()
        {
            errors.add("reviewed_on", "the review date is in the future");
        }
        if let (Some(o), Some(None)) = (outcome, &problems)
            && o != ReviewOutcome::Accurate
        {
            errors.add("problems", "say what was wrong with the document");
        }
        let (Some(outcome), Some(reviewed_on), Some(problems)) = (outcome, reviewed_on, problems)
        else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        let doc = tx.get_document(document).await?;
        if doc.election_authority_id != ea {
            return Err(AppError::NotFound);
        }
        let reviewer = tx.get_user(cap.actor().user_id).await.ok();
        let row = ReviewRow {
            id: Uuid::new_v4(),
            document_id: document,
            reviewed_on,
            outcome: outcome.as_str().into(),
            problems,
            reviewer_id: cap.actor().account_id(),
            reviewer_name: reviewer.map_or_else(|| cap.actor().email.clone(), |u| u.name),
            created_at: at,
        };
        tx.insert_review(&row).await?;
        audit::Entry::new("field_document.review", "field_document", document)
            .changes(json!({
                "review_id": {"from": null, "to": row.id.to_string()},
                "reviewed_on": {"from": null, "to": row.reviewed_on.to_string()},
                "outcome": {"from": null, "to": row.outcome},
                "problems": {"from": null, "to": row.problems.as_ref().map(|p| format!("{} characters", p.chars().count()))},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// An authority's visits, newest first.
    pub async fn visits(&self, reader: &FieldReader<'_>) -> AppResult<Vec<Visit>> {
        let ea = reader.election_authority();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let rows = tx.list_visits(Some(ea)).await?;
        let navigators = tx.list_visit_navigators(Some(ea)).await?;
        let follow_ups = tx.list_follow_ups(Some(ea)).await?;
        Ok(rows
            .into_iter()
            .map(|r| assemble_visit(r, &navigators, &follow_ups, reader.sees_internal_notes()))
            .collect())
    }

    /// One visit of an authority; not found when it is another authority's.
    pub async fn visit(&self, reader: &FieldReader<'_>, id: Uuid) -> AppResult<Visit> {
        self.visits(reader)
            .await?
            .into_iter()
            .find(|v| v.row.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Records a visit. Every navigator named must be a navigator assigned to the authority; a
    /// navigator who names nobody went alone.
    pub async fn record_visit(
        &self,
        cap: &FieldRecorder<'_>,
        input: &VisitInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let visited_on = required_date(&mut errors, "visited_on", &input.visited_on);
        if let Some(d) = visited_on
            && d > today()
        {
            errors.add(
                "visited_on",
                "the visit date is in the future; record a visit once it happened",
            );
        }
        let purpose = errors.check("purpose", VisitPurpose::parse(&input.purpose));
        let attendees = errors.check(
            "attendees",
            optional_multiline_text(input.attendees.as_deref(), 2000),
        );
        let notes = errors.check(
            "notes",
            optional_multiline_text(input.notes.as_deref(), NOTES_MAX_CHARS),
        );
        let internal = errors.check(
            "internal_notes",
            optional_multiline_text(input.internal_notes.as_deref(), NOTES_MAX_CHARS),
        );
        let ea = cap.election_authority();
        let mut navigators: BTreeSet<Uuid> = input.navigators.iter().copied().collect();
        if navigators.is_empty() && cap.actor().role == Role::Navigator {
            navigators.insert(cap.actor().user_id);
        }
        if navigators.is_empty() {
            errors.add("navigators", "choose the navigators who went");
        }
        let at = now();
        let mut tx = self.store.begin().await?;
        let authority = tx.get_election_authority(ea).await?;
        let assigned: BTreeSet<Uuid> = authority.navigators.iter().map(|n| n.id).collect();
        for n in &navigators {
            if !assigned.contains(n) {
                let who = tx
                    .get_user(*n)
                    .await
                    .map_or_else(|_| n.to_string(), |u| u.name);
                errors.add(
                    "navigators",
                    format!(
                        "{who} is not a navigator assigned to {}",
                        authority.authority.name
                    ),
                );
            }
        }
        let mut findings = input.findings.clone();
        findings.sort();
        findings.dedup();
        // A visit names only this authority's findings: the visit page shows their titles to
        // the county, so another authority's finding must never be linked here.
        for f in &findings {
            let theirs = match tx.get_finding(*f).await {
                Ok(row) => row.election_authority_id == ea,
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            };
            if !theirs {
                errors.add(
                    "findings",
                    format!("{f} is not a finding of {}", authority.authority.name),
                );
            }
        }
        let (Some(visited_on), Some(purpose), Some(attendees), Some(notes), Some(internal)) =
            (visited_on, purpose, attendees, notes, internal)
        else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let row = VisitRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            visited_on,
            purpose: purpose.as_str().into(),
            attendees,
            notes,
            internal_notes: internal,
            finding_ids: serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()),
            created_by: cap.actor().account_id(),
            created_at: at,
        };
        let navigators: Vec<Uuid> = navigators.into_iter().collect();
        tx.insert_visit(&row, &navigators).await?;
        let written = |t: &Option<String>| t.as_ref().map(|_| "written (FOUO, not copied here)");
        audit::Entry::new("field_visit.create", "field_visit", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "visited_on": {"from": null, "to": row.visited_on.to_string()},
                "purpose": {"from": null, "to": row.purpose},
                "navigators": {"from": null, "to": navigators.iter().map(Uuid::to_string).collect::<Vec<_>>()},
                "findings": {"from": null, "to": findings.iter().map(Uuid::to_string).collect::<Vec<_>>()},
                "attendees": {"from": null, "to": written(&row.attendees)},
                "notes": {"from": null, "to": written(&row.notes)},
                "internal_notes": {"from": null, "to": written(&row.internal_notes)},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Adds a follow-up to a visit.
    pub async fn add_follow_up(
        &self,
        cap: &FieldRecorder<'_>,
        visit: Uuid,
        input: &FollowUpInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let description = errors.check("description", clean_text(&input.description, 500));
        let due_on = required_date(&mut errors, "due_on", &input.due_on);
        let (Some(description), Some(due_on)) = (description, due_on) else {
            return Err(errors.into());
        };
        let at = now();
        let mut tx = self.store.begin().await?;
        let v = tx.get_visit(visit).await?;
        if v.election_authority_id != cap.election_authority() {
            return Err(AppError::NotFound);
        }
        let row = FollowUpRow {
            id: Uuid::new_v4(),
            visit_id: visit,
            description,
            due_on,
            done: false,
            done_at: None,
            done_by: None,
            created_at: at,
        };
        tx.insert_follow_up(&row).await?;
        audit::Entry::new("field_visit.follow_up", "field_visit", visit)
            .changes(json!({
                "follow_up_id": {"from": null, "to": row.id.to_string()},
                "description": {"from": null, "to": row.description},
                "due_on": {"from": null, "to": row.due_on.to_string()},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Marks a follow-up of a visit done (or not done again).
    pub async fn set_follow_up_done(
        &self,
        cap: &FieldRecorder<'_>,
        visit: Uuid,
        follow_up: Uuid,
        done: bool,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let v = tx.get_visit(visit).await?;
        if v.election_authority_id != cap.election_authority() {
            return Err(AppError::NotFound);
        }
        let before = tx
            .list_follow_ups(Some(v.election_authority_id))
            .await?
            .into_iter()
            .find(|f| f.id == follow_up && f.visit_id == visit)
            .ok_or(AppError::NotFound)?;
        tx.set_follow_up_done(follow_up, done, cap.actor().account_id(), at)
            .await?;
        audit::Entry::new("field_visit.follow_up_done", "field_visit", visit)
            .changes(json!({
                "follow_up_id": follow_up.to_string(),
                "done": {"from": before.done, "to": done},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(())
    }

    /// What the need scores are computed from, for every authority in the registry.
    ///
    /// The score is the overall percentage of the authority's latest validated assessment (by
    /// cycle deadline, any catalog; `None` when never assessed); open findings are those not
    /// verified fixed or risk-accepted, counted by severity (informational ones do not add
    /// need); size is the registry's population.
    pub async fn need_inputs(&self) -> AppResult<Vec<(EaListing, NeedInput)>> {
        let all = self.all_authorities().await?;
        let (validated, findings) = {
            let mut tx = self.store.read().await?;
            (
                tx.list_all_validated().await?,
                tx.list_findings(None).await?,
            )
        };
        let mut latest: std::collections::HashMap<Uuid, f64> = std::collections::HashMap::new();
        for v in validated {
            if let Some(p) = v.overall_percent {
                latest.insert(v.election_authority_id, p);
            }
        }
        let mut open: std::collections::HashMap<Uuid, OpenFindings> =
            std::collections::HashMap::new();
        for f in findings {
            let is_open = cybernav_core::finding::Status::parse(&f.status)
                .map(|s| s.is_open())
                .unwrap_or(true);
            if !is_open {
                continue;
            }
            let counts = open.entry(f.election_authority_id).or_default();
            match f.severity.as_str() {
                "critical" => counts.critical += 1,
                "high" => counts.high += 1,
                "medium" => counts.medium += 1,
                "low" => counts.low += 1,
                _ => {}
            }
        }
        Ok(all
            .iter()
            .map(|l| {
                let id = l.authority.id;
                (
                    l.clone(),
                    NeedInput {
                        authority: id,
                        score: latest.get(&id).copied(),
                        findings: open.get(&id).cloned().unwrap_or_default(),
                        population: l.authority.population,
                    },
                )
            })
            .collect())
    }

    /// Every authority's need score, component by component.
    pub async fn need_scores(&self, _reader: &WorkloadReader<'_>) -> AppResult<Vec<AuthorityNeed>> {
        self.all_needs().await
    }

    async fn all_needs(&self) -> AppResult<Vec<AuthorityNeed>> {
        let w = NeedWeights::default();
        Ok(self
            .need_inputs()
            .await?
            .into_iter()
            .map(|(l, input)| AuthorityNeed {
                election_authority_id: l.authority.id,
                name: l.authority.name.clone(),
                zone: l.zone.clone(),
                score: cybernav_core::need::need_score(&input, &w),
                input,
            })
            .collect())
    }

    /// The balance of need-weighted workload across navigator pairs, and the suggested
    /// assignment.
    pub async fn assignment_plan(&self, _reader: &WorkloadReader<'_>) -> AppResult<AssignmentPlan> {
        self.plan_now().await
    }

    async fn plan_now(&self) -> AppResult<AssignmentPlan> {
        let needs = self.all_needs().await?;
        let all = self.all_authorities().await?;
        let need_of: HashMap<Uuid, f64> = needs
            .iter()
            .map(|n| (n.election_authority_id, n.score.total))
            .collect();
        let mut navigator_names = BTreeMap::new();
        let placements: Vec<Placement> = all
            .iter()
            .map(|l| {
                for n in &l.navigators {
                    navigator_names.insert(n.id, n.name.clone());
                }
                let mut team: Vec<Uuid> = l.navigators.iter().map(|n| n.id).collect();
                team.sort();
                Placement {
                    authority: l.authority.id,
                    zone: l.authority.zone_id,
                    need: need_of.get(&l.authority.id).copied().unwrap_or(0.0),
                    team,
                }
            })
            .collect();
        let plan = cybernav_core::need::suggest(&placements);
        let zone_names = self
            .zones()
            .await?
            .into_iter()
            .map(|z| (z.id, z.name))
            .collect();
        let fingerprint = plan.fingerprint();
        Ok(AssignmentPlan {
            needs,
            plan,
            zone_names,
            navigator_names,
            fingerprint,
        })
    }

    /// Applies the suggested assignment the Program Manager or the Board was shown (quoted by
    /// its fingerprint): each move goes through the registry's own assignment rule (audited as
    /// any assignment), and one record says the suggestion was applied, all in one transaction. Refused as a conflict when the
    /// assignments or needs changed since.
    pub async fn apply_assignment(
        &self,
        cap: &RegistryManager<'_>,
        fingerprint: &str,
        meta: &RequestMeta,
    ) -> AppResult<usize> {
        let plan = self.plan_now().await?;
        if plan.fingerprint != fingerprint.trim() {
            return Err(AppError::Conflict(
                "the assignments or needs changed since the suggestion was shown; look at the new suggestion and apply it again".into(),
            ));
        }
        let moves: Vec<_> = plan.plan.moves().cloned().collect();
        let (now_cv, suggested_cv) = plan.plan.worst();
        let at = now();
        // Every move and the record of the whole in one transaction: all or nothing.
        let mut tx = self.store.begin().await?;
        for m in &moves {
            crate::registry::set_navigators_in(&mut tx, cap, m.authority, &m.to, meta, at).await?;
        }
        audit::Entry::new("workload.apply_suggestion", "navigator_assignments", "all")
            .changes(json!({
                "moves": moves.iter().map(|m| json!({
                    "election_authority": m.authority.to_string(),
                    "from": m.from.iter().map(Uuid::to_string).collect::<Vec<_>>(),
                    "to": m.to.iter().map(Uuid::to_string).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "balance": {"from": now_cv, "to": suggested_cv},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(moves.len())
    }

    /// Every navigator's workload (the Board, the Program Manager, auditors).
    pub async fn workloads(&self, _reader: &WorkloadReader<'_>) -> AppResult<Vec<Workload>> {
        let navigators = self.navigators().await?;
        self.workloads_of(&navigators).await
    }

    /// A navigator's own workload ("My work"); refused for other roles.
    pub async fn my_work(&self, actor: &Actor) -> AppResult<Workload> {
        if actor.role != Role::Navigator {
            return Err(AppError::Forbidden);
        }
        let name = self
            .navigators()
            .await?
            .into_iter()
            .find(|(id, _)| *id == actor.user_id)
            .map_or_else(|| actor.email.clone(), |(_, n)| n);
        self.workloads_of(&[(actor.user_id, name)])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    async fn workloads_of(&self, navigators: &[(Uuid, String)]) -> AppResult<Vec<Workload>> {
        let all = self.all_authorities().await?;
        let needs: HashMap<Uuid, f64> = self
            .all_needs()
            .await?
            .into_iter()
            .map(|n| (n.election_authority_id, n.score.total))
            .collect();
        let mut tx = self.store.read().await?;
        let visits = tx.list_visits(None).await?;
        let on_visits = tx.list_visit_navigators(None).await?;
        let follow_ups = tx.list_follow_ups(None).await?;
        let documents = tx.list_documents(None).await?;
        let reviews = tx.list_reviews(None).await?;
        drop(tx);
        let today = today();
        let year_start =
            Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today);
        let visit_ea: HashMap<Uuid, (Uuid, Date)> = visits
            .iter()
            .map(|v| (v.id, (v.election_authority_id, v.visited_on)))
            .collect();
        let mut last_review: HashMap<Uuid, Date> = HashMap::new();
        for r in &reviews {
            let e = last_review.entry(r.document_id).or_insert(r.reviewed_on);
            if r.reviewed_on > *e {
                *e = r.reviewed_on;
            }
        }
        let name_of: HashMap<Uuid, &str> = all
            .iter()
            .map(|l| (l.authority.id, l.authority.name.as_str()))
            .collect();
        let months = self.config.document_review_months;
        Ok(navigators
            .iter()
            .map(|(nav, name)| {
                let mine: Vec<&EaListing> = all
                    .iter()
                    .filter(|l| l.navigators.iter().any(|n| n.id == *nav))
                    .collect();
                let mine_ids: BTreeSet<Uuid> = mine.iter().map(|l| l.authority.id).collect();
                let my_visits: Vec<Date> = on_visits
                    .iter()
                    .filter(|v| v.navigator_id == *nav)
                    .filter_map(|v| visit_ea.get(&v.visit_id).map(|(_, d)| *d))
                    .collect();
                let (mut upcoming, mut overdue) = (Vec::new(), Vec::new());
                for f in follow_ups.iter().filter(|f| !f.done) {
                    let Some((ea, _)) = visit_ea.get(&f.visit_id) else {
                        continue;
                    };
                    if !mine_ids.contains(ea) {
                        continue;
                    }
                    let item = FollowUpItem {
                        follow_up: f.clone(),
                        election_authority_id: *ea,
                        authority_name: name_of.get(ea).copied().unwrap_or_default().into(),
                    };
                    if f.due_on < today {
                        overdue.push(item);
                    } else {
                        upcoming.push(item);
                    }
                }
                let reviews_due = documents
                    .iter()
                    .filter(|d| mine_ids.contains(&d.election_authority_id))
                    .filter(|d| review_due(last_review.get(&d.id).copied(), today, months))
                    .map(|d| ReviewDue {
                        document_id: d.id,
                        title: d.title.clone(),
                        election_authority_id: d.election_authority_id,
                        authority_name: name_of
                            .get(&d.election_authority_id)
                            .copied()
                            .unwrap_or_default()
                            .into(),
                        last_reviewed_on: last_review.get(&d.id).copied(),
                    })
                    .collect();
                let need_weighted = mine
                    .iter()
                    .map(|l| {
                        needs.get(&l.authority.id).copied().unwrap_or(0.0)
                            / l.navigators.len().max(1) as f64
                    })
                    .sum::<f64>();
                Workload {
                    navigator_id: *nav,
                    name: name.clone(),
                    authorities: mine
                        .iter()
                        .map(|l| (l.authority.id, l.authority.name.clone()))
                        .collect(),
                    visits_90_days: my_visits
                        .iter()
                        .filter(|d| **d > today - Duration::days(90) && **d <= today)
                        .count(),
                    visits_this_year: my_visits
                        .iter()
                        .filter(|d| **d >= year_start && **d <= today)
                        .count(),
                    upcoming,
                    overdue,
                    reviews_due,
                    need_weighted: (need_weighted * 100.0).round() / 100.0,
                }
            })
            .collect())
    }
}

fn assemble_documents(
    rows: Vec<DocumentRow>,
    reviews: &[ReviewRow],
    evidence: &[EvidenceMeta],
    months: u32,
) -> Vec<Document> {
    let today = today();
    rows.into_iter()
        .map(|row| {
            let reviews: Vec<ReviewRow> = reviews
                .iter()
                .filter(|r| r.document_id == row.id)
                .cloned()
                .collect();
            let last = reviews.first().map(|r| r.reviewed_on);
            Document {
                kind: DocumentKind::parse(&row.kind).unwrap_or(DocumentKind::Other),
                file: row
                    .evidence_id
                    .and_then(|e| evidence.iter().find(|m| m.id == e).cloned()),
                review_due_on: review_due_on(last, months),
                review_due: review_due(last, today, months),
                reviews,
                row,
            }
        })
        .collect()
}

fn assemble_visit(
    mut row: VisitRow,
    navigators: &[cybernav_store::field_ops::VisitNavigatorRow],
    follow_ups: &[FollowUpRow],
    internal: bool,
) -> Visit {
    if !internal {
        row.internal_notes = None;
    }
    Visit {
        purpose: VisitPurpose::parse(&row.purpose).unwrap_or(VisitPurpose::Other),
        navigators: navigators
            .iter()
            .filter(|n| n.visit_id == row.id)
            .map(|n| VisitNavigator {
                id: n.navigator_id,
                name: n.name.clone(),
            })
            .collect(),
        findings: serde_json::from_str(&row.finding_ids).unwrap_or_default(),
        follow_ups: follow_ups
            .iter()
            .filter(|f| f.visit_id == row.id)
            .cloned()
            .collect(),
        row,
    }
}
