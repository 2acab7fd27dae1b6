//! An authority's checklist in a cycle, county first (Part 213.50): every requirement with its
//! owner, due date, status and reasons, the evidence on file, the notes between the navigators
//! and the county, and the history of what was recorded. The county sees and answers all of it
//! before the Board publishes a statewide report card.

use cybernav_core::audit::AuditRecord;
use cybernav_core::authz::{ChecklistWriter, RegistryReader};
use cybernav_core::eligibility::{RequirementStatus, Status};
use cybernav_core::evidence::check_evidence;
use cybernav_core::requirements::{FactKey, Owner, Requirement};
use cybernav_core::validation::optional_multiline_text;
use cybernav_store::audit::AuditQuery;
use cybernav_store::checklist::{EvidenceMeta, NoteRow};
use cybernav_store::now;
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::participation::Participation;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The longest note accepted, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// One requirement of the checklist, with everything the page shows about it.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    /// The requirement as the set states it.
    pub requirement: Requirement,
    /// Where it stands, with reasons.
    pub status: RequirementStatus,
    /// Evidence on file for it.
    pub evidence: Vec<EvidenceMeta>,
    /// Notes on it, oldest first.
    pub notes: Vec<NoteRow>,
    /// What was recorded about it, newest first.
    pub history: Vec<HistoryEntry>,
}

impl ChecklistItem {
    /// The subjects evidence for this item is filed under: its facts' names, and the
    /// requirement itself for items a person ticks off.
    pub fn subjects(&self, set_id: &str) -> Vec<String> {
        item_subjects(set_id, &self.requirement)
    }
}

/// One change recorded about an item, from the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// When.
    pub at: OffsetDateTime,
    /// Who (their e-mail).
    pub who: String,
    /// What, in words.
    pub what: String,
}

/// An authority's checklist in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    /// The standing, as the API gives it.
    pub participation: Participation,
    /// Requirement by requirement.
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    /// Items by owner, for "what is on my desk": open or overdue items of `owner`.
    pub fn open_for(&self, owner: Owner) -> usize {
        self.items
            .iter()
            .filter(|i| i.requirement.owner == owner && i.status.status != Status::Met)
            .count()
    }
}

/// The subject evidence for a checked requirement is filed under.
pub fn requirement_subject(set_id: &str, requirement: &str) -> String {
    format!("requirement:{set_id}:{requirement}")
}

fn item_subjects(set_id: &str, r: &Requirement) -> Vec<String> {
    r.condition
        .facts()
        .iter()
        .map(|f| match f {
            FactKey::Checked => requirement_subject(set_id, &r.id),
            other => other.as_str().to_string(),
        })
        .collect()
}

/// The words for an audit record about a participation item, if it is about `subjects`.
fn history_line(rec: &AuditRecord, subjects: &[String], requirement: &str) -> Option<String> {
    let changes = &rec.event.changes;
    match rec.event.action.as_str() {
        "participation.fact" => {
            let (fact, change) = changes.as_object()?.iter().next()?;
            if !subjects.contains(fact) {
                return None;
            }
            let to = &change["to"];
            let label =
                FactKey::parse(fact).map_or_else(|| fact.clone(), |k| k.label().to_string());
            let mut line = if to["holds"] == true {
                format!("Recorded: {label}")
            } else {
                format!("Recorded as not so: {label}")
            };
            if let Some(on) = to["on"].as_str() {
                line.push_str(&format!(" (on {on})"));
            }
            Some(line)
        }
        "participation.check" => {
            let to = changes["requirement"]["to"].as_str()?;
            to.ends_with(&format!(" {requirement}"))
                .then(|| "Marked done".to_string())
        }
        "evidence.upload" => {
            let subject = changes["subject"]["to"].as_str()?;
            subjects.iter().any(|s| s == subject).then(|| {
                format!(
                    "Evidence added: {} (SHA-256 {})",
                    changes["file_name"]["to"].as_str().unwrap_or_default(),
                    changes["sha256"]["to"].as_str().unwrap_or_default()
                )
            })
        }
        _ => None,
    }
}

impl App {
    /// An authority's checklist in a cycle, for anyone who may read the authority.
    pub async fn checklist(
        &self,
        reader: &RegistryReader<'_>,
        ea: Uuid,
        cycle: Uuid,
    ) -> AppResult<Checklist> {
        let participation = self.participation(reader, ea, cycle).await?;
        let mut tx = self.store.read().await?;
        let evidence = tx.list_evidence(ea).await?;
        let notes = tx.list_notes(ea, cycle).await?;
        let (records, _) = tx
            .list_audit(&AuditQuery {
                entity_type: Some("election_authority".into()),
                entity_id: Some(ea.to_string()),
                page: 1,
                per_page: 500,
                ..Default::default()
            })
            .await?;
        let set_id = participation.set.id.clone();
        let items = participation
            .set
            .requirements
            .iter()
            .zip(participation.eligibility.requirements.iter())
            .map(|(r, status)| {
                let subjects = item_subjects(&set_id, r);
                ChecklistItem {
                    evidence: evidence
                        .iter()
                        .filter(|e| subjects.contains(&e.subject))
                        .cloned()
                        .collect(),
                    notes: notes
                        .iter()
                        .filter(|n| n.requirement_id == r.id)
                        .cloned()
                        .collect(),
                    history: records
                        .iter()
                        .filter_map(|rec| {
                            history_line(rec, &subjects, &r.id).map(|what| HistoryEntry {
                                at: rec.occurred_at,
                                who: rec.event.actor_label.clone(),
                                what,
                            })
                        })
                        .collect(),
                    requirement: r.clone(),
                    status: status.clone(),
                }
            })
            .collect();
        Ok(Checklist {
            participation,
            items,
        })
    }

    /// Files an evidence file for an item of an authority's checklist. The file is checked
    /// (size, kind, content) before anything is stored; its SHA-256 is recorded and audited,
    /// its content never.
    pub async fn upload_evidence(
        &self,
        cap: &ChecklistWriter<'_>,
        cycle: Uuid,
        requirement: &str,
        file_name: &str,
        content: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<EvidenceMeta> {
        let ea = cap.election_authority();
        let checked = check_evidence(file_name, content, self.config.evidence_max_bytes)
            .map_err(|e| AppError::invalid("file", e))?;
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let c = tx.get_grant_cycle(cycle).await?;
        let set = crate::participation::cycle_set(&mut tx, &c).await?;
        let Some(r) = set.requirement(requirement) else {
            return Err(AppError::invalid(
                "requirement",
                format!("{} has no requirement \"{requirement}\"", set.title),
            ));
        };
        // Filed under the item's first fact, so it shows beside every item that rests on it.
        let subject = item_subjects(&set.id, r)
            .into_iter()
            .next()
            .unwrap_or_else(|| requirement_subject(&set.id, requirement));
        let row = EvidenceMeta {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            subject,
            file_name: checked.file_name,
            content_type: checked.content_type.to_string(),
            size_bytes: content.len() as i64,
            sha256: checked.sha256,
            uploaded_by: cap.actor().account_id(),
            uploaded_at: now(),
        };
        tx.insert_evidence(&row, content).await?;
        audit::Entry::new("evidence.upload", "election_authority", ea)
            .changes(json!({
                "evidence_id": {"from": null, "to": row.id.to_string()},
                "subject": {"from": null, "to": row.subject},
                "file_name": {"from": null, "to": row.file_name},
                "size_bytes": {"from": null, "to": row.size_bytes},
                "sha256": {"from": null, "to": row.sha256},
            }))
            .commit(tx, cap.actor(), meta, row.uploaded_at)
            .await?;
        Ok(row)
    }

    /// One evidence file with its content, for anyone who may read its authority (others are
    /// told it does not exist).
    pub async fn evidence_file(
        &self,
        reader: &RegistryReader<'_>,
        id: Uuid,
    ) -> AppResult<(EvidenceMeta, Vec<u8>)> {
        let mut tx = self.store.read().await?;
        let (meta, content) = tx.get_evidence(id).await?;
        if !reader
            .actor()
            .ea_scope()
            .contains(meta.election_authority_id)
        {
            return Err(AppError::NotFound);
        }
        Ok((meta, content))
    }

    /// Adds a note on a requirement: a navigator's advice, or the county's answer.
    pub async fn add_note(
        &self,
        cap: &ChecklistWriter<'_>,
        cycle: Uuid,
        requirement: &str,
        body: &str,
        meta: &RequestMeta,
    ) -> AppResult<NoteRow> {
        let ea = cap.election_authority();
        let body = optional_multiline_text(Some(body), NOTE_MAX_CHARS)
            .and_then(|b| b.ok_or_else(|| "write the note".to_string()))
            .map_err(|e| AppError::invalid("body", e))?;
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let c = tx.get_grant_cycle(cycle).await?;
        let set = crate::participation::cycle_set(&mut tx, &c).await?;
        if set.requirement(requirement).is_none() {
            return Err(AppError::invalid(
                "requirement",
                format!("{} has no requirement \"{requirement}\"", set.title),
            ));
        }
        let author = tx.get_user(cap.actor().user_id).await?;
        let row = NoteRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            cycle_id: cycle,
            requirement_id: requirement.to_string(),
            author_id: Some(author.id),
            author_name: author.name,
            author_role: cap.actor().role.as_str().to_string(),
            body,
            created_at: now(),
        };
        tx.insert_note(&row).await?;
        audit::Entry::new("checklist.note", "election_authority", ea)
            .changes(json!({
                "note_id": {"from": null, "to": row.id.to_string()},
                "requirement": {"from": null, "to": row.requirement_id},
                "cycle": {"from": null, "to": cycle.to_string()},
            }))
            .commit(tx, cap.actor(), meta, row.created_at)
            .await?;
        Ok(row)
    }
}
