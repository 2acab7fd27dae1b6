//! The county-first checklist (Part 213.50): evidence files and notes on an authority's
//! requirements, the reminders sent before a certification deadline, and the statewide report
//! cards the Board published.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// An evidence file's description (its content is read separately).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct EvidenceMeta {
    /// Id.
    pub id: Uuid,
    /// The authority it is for.
    pub election_authority_id: Uuid,
    /// What it supports: a fact's name (`icn.agreement_signed`) or `requirement:<set>:<id>`.
    pub subject: String,
    /// The file's name as uploaded (cleaned).
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: Option<Uuid>,
    /// When.
    pub uploaded_at: OffsetDateTime,
}

/// A note on one requirement of an authority in a cycle: a navigator's advice or the county's
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NoteRow {
    /// Id.
    pub id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// The cycle.
    pub cycle_id: Uuid,
    /// The requirement it is about.
    pub requirement_id: String,
    /// The author's account.
    pub author_id: Option<Uuid>,
    /// The author's name when they wrote it.
    pub author_name: String,
    /// The author's role when they wrote it (`navigator`, `ea_official`, …).
    pub author_role: String,
    /// The note.
    pub body: String,
    /// When.
    pub created_at: OffsetDateTime,
}

/// A statewide report card as the Board published it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportCardRow {
    /// Id.
    pub id: Uuid,
    /// The cycle.
    pub cycle_id: Uuid,
    /// When it was published.
    pub published_at: OffsetDateTime,
    /// Who published it.
    pub published_by: Option<Uuid>,
    /// The published figures, as JSON.
    pub snapshot: String,
}

const EVIDENCE_COLUMNS: &str = "id, election_authority_id, subject, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at";
const NOTE_COLUMNS: &str = "id, election_authority_id, cycle_id, requirement_id, author_id, author_name, author_role, body, created_at";

impl Tx {
    /// Stores an evidence file.
    pub async fn insert_evidence(
        &mut self,
        meta: &EvidenceMeta,
        content: &[u8],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO evidence_files (id, election_authority_id, subject, file_name, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(meta.id)
            .bind(meta.election_authority_id)
            .bind(&meta.subject)
            .bind(&meta.file_name)
            .bind(&meta.content_type)
            .bind(meta.size_bytes)
            .bind(&meta.sha256)
            .bind(content)
            .bind(meta.uploaded_by)
            .bind(utc(meta.uploaded_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The evidence files of an authority, newest first.
    pub async fn list_evidence(&mut self, ea: Uuid) -> StoreResult<Vec<EvidenceMeta>> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence_files WHERE election_authority_id = $1 ORDER BY uploaded_at DESC, file_name"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(ea).fetch_all(&mut *c).await?
        }))
    }

    /// One evidence file with its content.
    pub async fn get_evidence(&mut self, id: Uuid) -> StoreResult<(EvidenceMeta, Vec<u8>)> {
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence_files WHERE id = $1");
        let meta: Option<EvidenceMeta> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        let meta = meta.ok_or(StoreError::NotFound)?;
        let content: Vec<u8> = with_conn!(self, |c| {
            sqlx::query_scalar("SELECT content FROM evidence_files WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *c)
                .await?
        });
        Ok((meta, content))
    }

    /// Adds a note on a requirement.
    pub async fn insert_note(&mut self, note: &NoteRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO requirement_notes (id, election_authority_id, cycle_id, requirement_id, author_id, author_name, author_role, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(note.id)
            .bind(note.election_authority_id)
            .bind(note.cycle_id)
            .bind(&note.requirement_id)
            .bind(note.author_id)
            .bind(&note.author_name)
            .bind(&note.author_role)
            .bind(&note.body)
            .bind(utc(note.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The notes on an authority's requirements in a cycle, oldest first.
    pub async fn list_notes(&mut self, ea: Uuid, cycle: Uuid) -> StoreResult<Vec<NoteRow>> {
        let sql = format!(
            "SELECT {NOTE_COLUMNS} FROM requirement_notes WHERE election_authority_id = $1 AND cycle_id = $2 ORDER BY created_at, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(ea)
                .bind(cycle)
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Notes that a reminder `days_before` the deadline went to an authority. Returns false
    /// when one was noted already (by this server or another replica), so the caller sends
    /// nothing.
    pub async fn note_reminder(
        &mut self,
        cycle: Uuid,
        ea: Uuid,
        days_before: i32,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO participation_reminders (cycle_id, election_authority_id, days_before, sent_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(cycle)
            .bind(ea)
            .bind(days_before)
            .bind(utc(at))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Stores a published report card.
    pub async fn insert_report_card(&mut self, card: &ReportCardRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO report_cards (id, cycle_id, published_at, published_by, snapshot) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(card.id)
            .bind(card.cycle_id)
            .bind(utc(card.published_at))
            .bind(card.published_by)
            .bind(&card.snapshot)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The latest report card published for a cycle, if any.
    pub async fn latest_report_card(&mut self, cycle: Uuid) -> StoreResult<Option<ReportCardRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, cycle_id, published_at, published_by, snapshot FROM report_cards \
                 WHERE cycle_id = $1 ORDER BY published_at DESC, id LIMIT 1",
            )
            .bind(cycle)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// The requirements of set `set_id` ticked off, for every authority.
    pub async fn list_checked_all(
        &mut self,
        set_id: &str,
    ) -> StoreResult<Vec<crate::participation::CheckedRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT election_authority_id, set_id, requirement_id, on_date, note, updated_by, updated_at \
                 FROM checked_requirements WHERE set_id = $1",
            )
            .bind(set_id)
            .fetch_all(&mut *c)
            .await?
        }))
    }
}
