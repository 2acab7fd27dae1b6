//! Grant money (Part 213.10(a), (c)): the Navigator Program share of each cycle, its
//! expenditures, awards to election authorities, and reimbursement claims.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::participation::GrantCycleRow;
use crate::{StoreError, StoreResult, Tx, dialect, with_conn};

/// The Navigator Program share the Board set for a cycle.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AllocationRow {
    /// The cycle.
    pub cycle_id: Uuid,
    /// The share, in cents.
    pub navigator_share_cents: i64,
    /// Who set it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// A Navigator Program expenditure.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ExpenditureRow {
    /// Id.
    pub id: Uuid,
    /// The cycle whose share paid it.
    pub cycle_id: Uuid,
    /// When the money was spent.
    pub spent_on: Date,
    /// `payroll`, `travel`, `equipment` or `other`.
    pub category: String,
    /// The EAC category it is reported under.
    pub eac_category: String,
    /// Federal amount, in cents.
    pub federal_cents: i64,
    /// Match amount, in cents.
    pub match_cents: i64,
    /// What it was.
    pub description: String,
    /// Who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When.
    pub recorded_at: OffsetDateTime,
}

/// An award to an election authority, with the authority's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AwardRow {
    /// Id.
    pub id: Uuid,
    /// The cycle.
    pub cycle_id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// The authority's name (read from the registry; not stored with the award).
    pub election_authority_name: String,
    /// The amount, in cents.
    pub amount_cents: i64,
    /// Who awarded or last changed it.
    pub awarded_by: Option<Uuid>,
    /// When.
    pub awarded_at: OffsetDateTime,
}

/// A reimbursement claim against an award.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ClaimRow {
    /// Id.
    pub id: Uuid,
    /// The award.
    pub award_id: Uuid,
    /// The cycle.
    pub cycle_id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// When the money was spent.
    pub spent_on: Date,
    /// The EAC category.
    pub eac_category: String,
    /// Federal amount, in cents.
    pub federal_cents: i64,
    /// Match amount, in cents.
    pub match_cents: i64,
    /// What it was.
    pub description: String,
    /// `submitted`, `approved`, `paid` or `rejected`.
    pub status: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Who submitted it.
    pub submitted_by: Option<Uuid>,
    /// When.
    pub submitted_at: OffsetDateTime,
    /// Who decided it last.
    pub decided_by: Option<Uuid>,
    /// When.
    pub decided_at: Option<OffsetDateTime>,
}

const EXPENDITURE_COLUMNS: &str = "id, cycle_id, spent_on, category, eac_category, federal_cents, match_cents, description, recorded_by, recorded_at";
const AWARD_COLUMNS: &str = "a.id, a.cycle_id, a.election_authority_id, e.name AS election_authority_name, a.amount_cents, a.awarded_by, a.awarded_at";
const CLAIM_COLUMNS: &str = "id, award_id, cycle_id, election_authority_id, spent_on, eac_category, federal_cents, match_cents, description, status, reason, submitted_by, submitted_at, decided_by, decided_at";

impl Tx {
    /// One grant cycle, locked until the transaction ends so two changes to its money are
    /// checked one after the other (SQLite's write transactions are already serial).
    pub async fn lock_grant_cycle(&mut self, id: Uuid) -> StoreResult<GrantCycleRow> {
        let sql = dialect(
            self,
            "SELECT id, name, grant_program, funds_cents, set_id, set_version, deadline, time_zone FROM grant_cycles WHERE id = $1",
            "SELECT id, name, grant_program, funds_cents, set_id, set_version, deadline, time_zone FROM grant_cycles WHERE id = $1 FOR UPDATE",
        );
        let row: Option<GrantCycleRow> = with_conn!(self, |c| {
            sqlx::query_as(sql).bind(id).fetch_optional(&mut *c).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Changes a cycle's funds.
    pub async fn set_cycle_funds(&mut self, id: Uuid, funds_cents: i64) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE grant_cycles SET funds_cents = $1 WHERE id = $2")
                .bind(funds_cents)
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// The Navigator Program share of a cycle, if set.
    pub async fn get_allocation(&mut self, cycle: Uuid) -> StoreResult<Option<AllocationRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT cycle_id, navigator_share_cents, updated_by, updated_at FROM grant_allocations WHERE cycle_id = $1",
            )
            .bind(cycle)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Sets the Navigator Program share of a cycle, replacing the one before.
    pub async fn put_allocation(&mut self, row: &AllocationRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM grant_allocations WHERE cycle_id = $1")
                .bind(row.cycle_id)
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO grant_allocations (cycle_id, navigator_share_cents, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(row.cycle_id)
            .bind(row.navigator_share_cents)
            .bind(row.updated_by)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Stores a Navigator Program expenditure.
    pub async fn insert_expenditure(&mut self, row: &ExpenditureRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO navigator_expenditures ({EXPENDITURE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(row.id)
                .bind(row.cycle_id)
                .bind(row.spent_on)
                .bind(&row.category)
                .bind(&row.eac_category)
                .bind(row.federal_cents)
                .bind(row.match_cents)
                .bind(&row.description)
                .bind(row.recorded_by)
                .bind(utc(row.recorded_at))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// A cycle's Navigator Program expenditures, oldest first.
    pub async fn list_expenditures(&mut self, cycle: Uuid) -> StoreResult<Vec<ExpenditureRow>> {
        let sql = format!(
            "SELECT {EXPENDITURE_COLUMNS} FROM navigator_expenditures WHERE cycle_id = $1 ORDER BY spent_on, recorded_at, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(cycle).fetch_all(&mut *c).await?
        }))
    }

    /// A cycle's awards by authority name; only `ea`'s when given.
    pub async fn list_awards(
        &mut self,
        cycle: Uuid,
        ea: Option<Uuid>,
    ) -> StoreResult<Vec<AwardRow>> {
        let filter = if ea.is_some() {
            " AND a.election_authority_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {AWARD_COLUMNS} FROM grant_awards a JOIN election_authorities e ON e.id = a.election_authority_id \
             WHERE a.cycle_id = $1{filter} ORDER BY e.name, a.id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql).bind(cycle);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Stores an award, or changes the amount of the one with this id.
    pub async fn put_award(&mut self, row: &AwardRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO grant_awards (id, cycle_id, election_authority_id, amount_cents, awarded_by, awarded_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET amount_cents = $4, awarded_by = $5, awarded_at = $6",
            )
            .bind(row.id)
            .bind(row.cycle_id)
            .bind(row.election_authority_id)
            .bind(row.amount_cents)
            .bind(row.awarded_by)
            .bind(utc(row.awarded_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Stores a new claim.
    pub async fn insert_claim(&mut self, row: &ClaimRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO reimbursement_claims ({CLAIM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(row.id)
                .bind(row.award_id)
                .bind(row.cycle_id)
                .bind(row.election_authority_id)
                .bind(row.spent_on)
                .bind(&row.eac_category)
                .bind(row.federal_cents)
                .bind(row.match_cents)
                .bind(&row.description)
                .bind(&row.status)
                .bind(&row.reason)
                .bind(row.submitted_by)
                .bind(utc(row.submitted_at))
                .bind(row.decided_by)
                .bind(utc(row.decided_at))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// A cycle's claims, oldest first; only `ea`'s when given.
    pub async fn list_claims(
        &mut self,
        cycle: Uuid,
        ea: Option<Uuid>,
    ) -> StoreResult<Vec<ClaimRow>> {
        let filter = if ea.is_some() {
            " AND election_authority_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM reimbursement_claims WHERE cycle_id = $1{filter} ORDER BY submitted_at, id"
        );
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql).bind(cycle);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Records a decision on a claim.
    pub async fn decide_claim(
        &mut self,
        id: Uuid,
        status: &str,
        reason: Option<&str>,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE reimbursement_claims SET status = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
            )
            .bind(status)
            .bind(reason)
            .bind(by)
            .bind(utc(at))
            .bind(id)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }
}
