//! Field operations (Part 213.40): documents on file and their reviews, field visits with
//! their navigators and follow-ups.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A document an authority keeps on file, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DocumentRow {
    /// Id.
    pub id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// Kind identifier (`cybernav_core::field_ops::DocumentKind`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Version, as the document names it.
    pub version: Option<String>,
    /// The document's own date.
    pub document_date: Option<Date>,
    /// The file on record, an evidence file.
    pub evidence_id: Option<Uuid>,
    /// Who recorded it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// A review of a document for accuracy, as stored (never changed).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReviewRow {
    /// Id.
    pub id: Uuid,
    /// The document.
    pub document_id: Uuid,
    /// When it was checked.
    pub reviewed_on: Date,
    /// Outcome identifier (`cybernav_core::field_ops::ReviewOutcome`).
    pub outcome: String,
    /// What was wrong.
    pub problems: Option<String>,
    /// The reviewer's account.
    pub reviewer_id: Option<Uuid>,
    /// The reviewer's name at the time.
    pub reviewer_name: String,
    /// When recorded.
    pub created_at: OffsetDateTime,
}

/// A field visit, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct VisitRow {
    /// Id.
    pub id: Uuid,
    /// The authority visited.
    pub election_authority_id: Uuid,
    /// When.
    pub visited_on: Date,
    /// Purpose identifier (`cybernav_core::field_ops::VisitPurpose`).
    pub purpose: String,
    /// Who attended, names and roles as written.
    pub attendees: Option<String>,
    /// Notes shared with the county (FOUO).
    pub notes: Option<String>,
    /// Navigator-internal notes (FOUO), not shown to the county.
    pub internal_notes: Option<String>,
    /// The findings raised, a JSON list of ids.
    pub finding_ids: String,
    /// Who recorded it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: OffsetDateTime,
}

/// A navigator on a visit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct VisitNavigatorRow {
    /// The visit.
    pub visit_id: Uuid,
    /// The navigator.
    pub navigator_id: Uuid,
    /// Their name.
    pub name: String,
}

/// A follow-up of a visit, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct FollowUpRow {
    /// Id.
    pub id: Uuid,
    /// The visit.
    pub visit_id: Uuid,
    /// What is to be done.
    pub description: String,
    /// By when.
    pub due_on: Date,
    /// Whether it is done.
    pub done: bool,
    /// When it was marked done.
    pub done_at: Option<OffsetDateTime>,
    /// Who marked it done.
    pub done_by: Option<Uuid>,
    /// When recorded.
    pub created_at: OffsetDateTime,
}

const DOCUMENT_COLUMNS: &str = "id, election_authority_id, kind, title, version, document_date, evidence_id, created_by, created_at, updated_at";
const REVIEW_COLUMNS: &str = "r.id, r.document_id, r.reviewed_on, r.outcome, r.problems, r.reviewer_id, r.reviewer_name, r.created_at";
const VISIT_COLUMNS: &str = "id, election_authority_id, visited_on, purpose, attendees, notes, internal_notes, finding_ids, created_by, created_at";
const FOLLOW_UP_COLUMNS: &str =
    "f.id, f.visit_id, f.description, f.due_on, f.done, f.done_at, f.done_by, f.created_at";

impl Tx {
    /// Stores a new document.
    pub async fn insert_document(&mut self, row: &DocumentRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO field_documents (id, election_authority_id, kind, title, version, document_date, evidence_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(row.id)
            .bind(row.election_authority_id)
            .bind(&row.kind)
            .bind(&row.title)
            .bind(&row.version)
            .bind(row.document_date)
            .bind(row.evidence_id)
            .bind(row.created_by)
            .bind(utc(row.created_at))
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Replaces a document's fields (not its authority or creation).
    pub async fn update_document(&mut self, row: &DocumentRow) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE field_documents SET kind = $2, title = $3, version = $4, document_date = $5, evidence_id = $6, updated_at = $7 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&row.kind)
            .bind(&row.title)
            .bind(&row.version)
            .bind(row.document_date)
            .bind(row.evidence_id)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One document.
    pub async fn get_document(&mut self, id: Uuid) -> StoreResult<DocumentRow> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM field_documents WHERE id = $1");
        let row: Option<DocumentRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The documents of one authority, or of every authority, by kind and title.
    pub async fn list_documents(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<DocumentRow>> {
        let (filter, order) = (
            if ea.is_some() {
                " WHERE election_authority_id = $1"
            } else {
                ""
            },
            " ORDER BY election_authority_id, kind, title, id",
        );
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM field_documents{filter}{order}");
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(ea) => q.bind(ea).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Stores a review.
    pub async fn insert_review(&mut self, row: &ReviewRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO document_reviews (id, document_id, reviewed_on, outcome, problems, reviewer_id, reviewer_name, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.id)
            .bind(row.document_id)
            .bind(row.reviewed_on)
            .bind(&row.outcome)
            .bind(&row.problems)
            .bind(row.reviewer_id)
            .bind(&row.reviewer_name)
            .bind(utc(row.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The reviews of one authority's documents (or every authority's), newest first.
    pub async fn list_reviews(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<ReviewRow>> {
        let filter = if ea.is_some() {
            " WHERE d.election_authority_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM document_reviews r JOIN field_documents d ON d.id = r.document_id{filter} \
             ORDER BY r.reviewed_on DESC, r.created_at DESC, r.id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(ea) => q.bind(ea).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Stores a visit with its navigators.
    pub async fn insert_visit(&mut self, row: &VisitRow, navigators: &[Uuid]) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO field_visits (id, election_authority_id, visited_on, purpose, attendees, notes, internal_notes, finding_ids, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(row.id)
            .bind(row.election_authority_id)
            .bind(row.visited_on)
            .bind(&row.purpose)
            .bind(&row.attendees)
            .bind(&row.notes)
            .bind(&row.internal_notes)
            .bind(&row.finding_ids)
            .bind(row.created_by)
            .bind(utc(row.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
            for n in navigators {
                sqlx::query(
                    "INSERT INTO visit_navigators (visit_id, navigator_id) VALUES ($1, $2)",
                )
                .bind(row.id)
                .bind(n)
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
            }
        });
        Ok(())
    }

    /// One visit.
    pub async fn get_visit(&mut self, id: Uuid) -> StoreResult<VisitRow> {
        let sql = format!("SELECT {VISIT_COLUMNS} FROM field_visits WHERE id = $1");
        let row: Option<VisitRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The visits of one authority (or of every authority), newest first.
    pub async fn list_visits(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<VisitRow>> {
        let filter = if ea.is_some() {
            " WHERE election_authority_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {VISIT_COLUMNS} FROM field_visits{filter} ORDER BY visited_on DESC, created_at DESC, id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(ea) => q.bind(ea).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// The navigators of every visit (of one authority, or all), by name.
    pub async fn list_visit_navigators(
        &mut self,
        ea: Option<Uuid>,
    ) -> StoreResult<Vec<VisitNavigatorRow>> {
        let filter = if ea.is_some() {
            " WHERE v.election_authority_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT vn.visit_id, vn.navigator_id, u.name FROM visit_navigators vn \
             JOIN users u ON u.id = vn.navigator_id JOIN field_visits v ON v.id = vn.visit_id{filter} ORDER BY u.name, u.id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(ea) => q.bind(ea).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Stores a follow-up.
    pub async fn insert_follow_up(&mut self, row: &FollowUpRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO visit_follow_ups (id, visit_id, description, due_on, done, done_at, done_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.id)
            .bind(row.visit_id)
            .bind(&row.description)
            .bind(row.due_on)
            .bind(row.done)
            .bind(utc(row.done_at))
            .bind(row.done_by)
            .bind(utc(row.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Marks a follow-up done or not done.
    pub async fn set_follow_up_done(
        &mut self,
        id: Uuid,
        done: bool,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE visit_follow_ups SET done = $2, done_at = $3, done_by = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(done)
            .bind(utc(done.then_some(at)))
            .bind(if done { by } else { None })
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The follow-ups of one authority's visits (or all), by due date.
    pub async fn list_follow_ups(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<FollowUpRow>> {
        let filter = if ea.is_some() {
            " WHERE v.election_authority_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM visit_follow_ups f JOIN field_visits v ON v.id = f.visit_id{filter} \
             ORDER BY f.due_on, f.created_at, f.id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(ea) => q.bind(ea).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }
}
