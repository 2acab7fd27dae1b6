//! Navigator risk assessments (Part 213.40): catalogs, mappings, assessments, their answers,
//! the history of each answer and the workflow events.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, dialect, with_conn};

/// A loaded catalog as stored (its body is the catalog as JSON).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CatalogRow {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Licence terms.
    pub licence: String,
    /// `shipped` or `imported`.
    pub origin: String,
    /// SHA-256 of the source file (or of the body, for a catalog given as a value).
    pub source_sha256: String,
    /// The catalog as JSON.
    #[serde(skip)]
    pub body: String,
    /// How many items it holds.
    pub item_count: i64,
    /// Who loaded it (`None`: the system).
    pub loaded_by: Option<Uuid>,
    /// When.
    pub loaded_at: OffsetDateTime,
}

/// A mapping between items of two catalog versions.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct MappingRow {
    /// From catalog.
    pub from_catalog: String,
    /// From catalog version.
    pub from_version: String,
    /// From item.
    pub from_item: String,
    /// To catalog.
    pub to_catalog: String,
    /// To catalog version.
    pub to_version: String,
    /// To item.
    pub to_item: String,
    /// Relationship identifier.
    pub relationship: String,
    /// When loaded.
    pub loaded_at: OffsetDateTime,
}

/// An assessment as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct AssessmentRow {
    /// Id.
    pub id: Uuid,
    /// The authority assessed.
    pub election_authority_id: Uuid,
    /// The grant cycle.
    pub cycle_id: Uuid,
    /// Catalog id.
    pub catalog_id: String,
    /// Catalog version.
    pub catalog_version: String,
    /// Scope identifier (`ig1`…`all`).
    pub scope: String,
    /// Scoring method identifier (`csat-4d-v1`, `simple-5-v1`).
    pub method: String,
    /// Workflow state identifier.
    pub state: String,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Who marked it complete (last time).
    pub completed_by: Option<Uuid>,
    /// When.
    pub completed_at: Option<OffsetDateTime>,
    /// Who validated it.
    pub validated_by: Option<Uuid>,
    /// When.
    pub validated_at: Option<OffsetDateTime>,
    /// Overall score, set when validated (a validated assessment no longer changes).
    pub overall_percent: Option<f64>,
}

/// One item's answer as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AnswerRow {
    /// The assessment.
    pub assessment_id: Uuid,
    /// The item.
    pub item_id: String,
    /// The answer as JSON (`cybernav_core::scoring::Answer`).
    pub answer: String,
    /// Comment.
    pub comment: Option<String>,
    /// Who answered last.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// One earlier version of an item's answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AnswerHistoryRow {
    /// Id.
    pub id: Uuid,
    /// The assessment.
    pub assessment_id: Uuid,
    /// The item.
    pub item_id: String,
    /// The answer as JSON, `None` when it was cleared.
    pub answer: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Who.
    pub changed_by: Option<Uuid>,
    /// When.
    pub changed_at: OffsetDateTime,
}

/// A step of the workflow taken.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    /// Id.
    pub id: Uuid,
    /// The assessment.
    pub assessment_id: Uuid,
    /// `create`, `start`, `complete`, `validate`, `send_back`, `scope`.
    pub action: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// Reason or note.
    pub note: Option<String>,
    /// Who.
    pub actor_id: Option<Uuid>,
    /// When.
    pub at: OffsetDateTime,
}

/// A validated assessment's identity, for the statewide roll-up and trends.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ValidatedRow {
    /// The assessment.
    pub id: Uuid,
    /// Its authority.
    pub election_authority_id: Uuid,
    /// Its cycle.
    pub cycle_id: Uuid,
    /// The cycle's certification deadline, to order cycles.
    pub deadline: time::Date,
    /// The cycle's name.
    pub cycle_name: String,
    /// When validated.
    pub validated_at: Option<OffsetDateTime>,
    /// Overall score kept at validation.
    pub overall_percent: Option<f64>,
}

const CATALOG_COLUMNS: &str = "id, version, title, publisher, licence, origin, source_sha256, body, item_count, loaded_by, loaded_at";
const ASSESSMENT_COLUMNS: &str = "id, election_authority_id, cycle_id, catalog_id, catalog_version, scope, method, state, created_by, created_at, updated_at, completed_by, completed_at, validated_by, validated_at, overall_percent";

impl Tx {
    /// Stores a catalog; `(id, version)` must be new.
    pub async fn insert_catalog(&mut self, row: &CatalogRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO catalogs (id, version, title, publisher, licence, origin, source_sha256, body, item_count, loaded_by, loaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&row.id)
            .bind(&row.version)
            .bind(&row.title)
            .bind(&row.publisher)
            .bind(&row.licence)
            .bind(&row.origin)
            .bind(&row.source_sha256)
            .bind(&row.body)
            .bind(row.item_count)
            .bind(row.loaded_by)
            .bind(utc(row.loaded_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// One catalog, if loaded.
    pub async fn find_catalog(
        &mut self,
        id: &str,
        version: &str,
    ) -> StoreResult<Option<CatalogRow>> {
        let sql = format!("SELECT {CATALOG_COLUMNS} FROM catalogs WHERE id = $1 AND version = $2");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Every catalog, by id then version.
    pub async fn list_catalogs(&mut self) -> StoreResult<Vec<CatalogRow>> {
        let sql = format!("SELECT {CATALOG_COLUMNS} FROM catalogs ORDER BY id, version");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// Stores a mapping unless the same link is stored already; true when stored.
    pub async fn insert_mapping(&mut self, row: &MappingRow) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO catalog_mappings (from_catalog, from_version, from_item, to_catalog, to_version, to_item, relationship, loaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            )
            .bind(&row.from_catalog)
            .bind(&row.from_version)
            .bind(&row.from_item)
            .bind(&row.to_catalog)
            .bind(&row.to_version)
            .bind(&row.to_item)
            .bind(&row.relationship)
            .bind(utc(row.loaded_at))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Every mapping out of or into one catalog version: links out first, then links in, each
    /// by item id and then the other end.
    pub async fn list_mappings_of(
        &mut self,
        catalog: &str,
        version: &str,
    ) -> StoreResult<Vec<MappingRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT from_catalog, from_version, from_item, to_catalog, to_version, to_item, relationship, loaded_at \
                 FROM catalog_mappings \
                 WHERE (from_catalog = $1 AND from_version = $2) OR (to_catalog = $1 AND to_version = $2) \
                 ORDER BY CASE WHEN from_catalog = $1 AND from_version = $2 THEN 0 ELSE 1 END, \
                 from_item, to_catalog, to_version, to_item, from_catalog, from_version",
            )
            .bind(catalog)
            .bind(version)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Stores a new assessment.
    pub async fn insert_assessment(&mut self, row: &AssessmentRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO assessments (id, election_authority_id, cycle_id, catalog_id, catalog_version, scope, method, state, created_by, created_at, updated_at, completed_by, completed_at, validated_by, validated_at, overall_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(row.id)
            .bind(row.election_authority_id)
            .bind(row.cycle_id)
            .bind(&row.catalog_id)
            .bind(&row.catalog_version)
            .bind(&row.scope)
            .bind(&row.method)
            .bind(&row.state)
            .bind(row.created_by)
            .bind(utc(row.created_at))
            .bind(utc(row.updated_at))
            .bind(row.completed_by)
            .bind(utc(row.completed_at))
            .bind(row.validated_by)
            .bind(utc(row.validated_at))
            .bind(row.overall_percent)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Saves an assessment's scope, state and workflow fields.
    pub async fn update_assessment(&mut self, row: &AssessmentRow) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE assessments SET scope = $2, state = $3, updated_at = $4, completed_by = $5, completed_at = $6, validated_by = $7, validated_at = $8, overall_percent = $9 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&row.scope)
            .bind(&row.state)
            .bind(utc(row.updated_at))
            .bind(row.completed_by)
            .bind(utc(row.completed_at))
            .bind(row.validated_by)
            .bind(utc(row.validated_at))
            .bind(row.overall_percent)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One assessment, locked until the transaction ends, so two changes that depend on what
    /// it holds (findings raised from its items) run one after the other. SQLite's write
    /// transactions are serial already (`BEGIN IMMEDIATE`).
    pub async fn lock_assessment(&mut self, id: Uuid) -> StoreResult<AssessmentRow> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1{}",
            dialect(self, "", " FOR UPDATE")
        );
        let row: Option<AssessmentRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// One assessment.
    pub async fn get_assessment(&mut self, id: Uuid) -> StoreResult<AssessmentRow> {
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1");
        let row: Option<AssessmentRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The assessments of an authority, newest first.
    pub async fn list_assessments(&mut self, ea: Uuid) -> StoreResult<Vec<AssessmentRow>> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE election_authority_id = $1 ORDER BY created_at DESC, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(ea).fetch_all(&mut *c).await?
        }))
    }

    /// The navigators assigned to an assessment.
    pub async fn assessment_navigators(&mut self, id: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_scalar(
                "SELECT user_id FROM assessment_navigators WHERE assessment_id = $1 ORDER BY user_id",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Replaces the navigators assigned to an assessment.
    pub async fn set_assessment_navigators(&mut self, id: Uuid, users: &[Uuid]) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM assessment_navigators WHERE assessment_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            for u in users {
                sqlx::query(
                    "INSERT INTO assessment_navigators (assessment_id, user_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(u)
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
            }
        });
        Ok(())
    }

    /// Every answer of an assessment.
    pub async fn list_answers(&mut self, id: Uuid) -> StoreResult<Vec<AnswerRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT assessment_id, item_id, answer, comment, updated_by, updated_at FROM assessment_answers WHERE assessment_id = $1 ORDER BY item_id",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Stores or replaces an item's answer, keeping the new version in its history.
    pub async fn put_answer(&mut self, row: &AnswerRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO assessment_answers (assessment_id, item_id, answer, comment, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (assessment_id, item_id) DO UPDATE SET answer = excluded.answer, comment = excluded.comment, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(row.assessment_id)
            .bind(&row.item_id)
            .bind(&row.answer)
            .bind(&row.comment)
            .bind(row.updated_by)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await?;
        });
        self.insert_answer_history(
            row.assessment_id,
            &row.item_id,
            Some(&row.answer),
            row.comment.as_deref(),
            row.updated_by,
            row.updated_at,
        )
        .await
    }

    /// Clears an item's answer, keeping the clearing in its history.
    pub async fn delete_answer(
        &mut self,
        id: Uuid,
        item: &str,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM assessment_answers WHERE assessment_id = $1 AND item_id = $2")
                .bind(id)
                .bind(item)
                .execute(&mut *c)
                .await?;
        });
        self.insert_answer_history(id, item, None, None, by, at)
            .await
    }

    async fn insert_answer_history(
        &mut self,
        id: Uuid,
        item: &str,
        answer: Option<&str>,
        comment: Option<&str>,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO assessment_answer_history (id, assessment_id, item_id, answer, comment, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::new_v4())
            .bind(id)
            .bind(item)
            .bind(answer)
            .bind(comment)
            .bind(by)
            .bind(utc(at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The history of one item's answer, oldest first.
    pub async fn answer_history(
        &mut self,
        id: Uuid,
        item: &str,
    ) -> StoreResult<Vec<AnswerHistoryRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, assessment_id, item_id, answer, comment, changed_by, changed_at FROM assessment_answer_history \
                 WHERE assessment_id = $1 AND item_id = $2 ORDER BY changed_at, id",
            )
            .bind(id)
            .bind(item)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Records a workflow step.
    pub async fn insert_assessment_event(&mut self, row: &EventRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO assessment_events (id, assessment_id, action, from_state, to_state, note, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.id)
            .bind(row.assessment_id)
            .bind(&row.action)
            .bind(&row.from_state)
            .bind(&row.to_state)
            .bind(&row.note)
            .bind(row.actor_id)
            .bind(utc(row.at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The workflow steps of an assessment, oldest first.
    pub async fn assessment_events(&mut self, id: Uuid) -> StoreResult<Vec<EventRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, assessment_id, action, from_state, to_state, note, actor_id, at FROM assessment_events WHERE assessment_id = $1 ORDER BY at, id",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Every validated assessment of a catalog, with its cycle.
    pub async fn list_validated(&mut self, catalog: &str) -> StoreResult<Vec<ValidatedRow>> {
        self.validated_where(Some(catalog)).await
    }

    /// Every validated assessment against any catalog, oldest cycle first (the latest per
    /// authority is the last of its rows): what the navigators' need scores read.
    pub async fn list_all_validated(&mut self) -> StoreResult<Vec<ValidatedRow>> {
        self.validated_where(None).await
    }

    async fn validated_where(&mut self, catalog: Option<&str>) -> StoreResult<Vec<ValidatedRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT s.id, s.election_authority_id, s.cycle_id, g.deadline, g.name AS cycle_name, s.validated_at, s.overall_percent \
                 FROM assessments s JOIN grant_cycles g ON g.id = s.cycle_id \
                 WHERE s.state = 'validated' AND ($1 IS NULL OR s.catalog_id = $1) ORDER BY g.deadline, s.validated_at",
            )
            .bind(catalog)
            .fetch_all(&mut *c)
            .await?
        }))
    }
}
