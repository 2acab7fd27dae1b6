//! Participation (Part 213.50): requirement sets, grant cycles, certifications of
//! participation, and the facts recorded for each authority.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A requirement set as stored: its source text is the file it was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSet {
    /// Set id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// The TOML source, parsed again when used.
    pub source: String,
}

/// A grant cycle.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct GrantCycleRow {
    /// Id.
    pub id: Uuid,
    /// Name, e.g. "2018 HAVA Election Security".
    pub name: String,
    /// The grant program it funds from.
    pub grant_program: String,
    /// Funds, in cents.
    pub funds_cents: i64,
    /// Requirement set id.
    pub set_id: String,
    /// Requirement set version.
    pub set_version: String,
    /// The certification deadline (last day, Board's time zone).
    pub deadline: Date,
    /// The Board's time zone.
    pub time_zone: String,
}

/// A certification of participation as received.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CertificationRow {
    /// The cycle.
    pub cycle_id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// When the Board received it.
    pub received_at: OffsetDateTime,
    /// Whether it made the deadline, in the Board's time zone.
    pub on_time: bool,
    /// Who signed it.
    pub signer_name: String,
    /// The account that submitted or recorded it.
    pub recorded_by: Option<Uuid>,
}

/// A fact recorded for an authority (by its name in requirement-set files).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct FactRow {
    /// The authority.
    pub election_authority_id: Uuid,
    /// The fact's name, e.g. `icn.connected`.
    pub fact: String,
    /// Whether it holds.
    pub holds: bool,
    /// Since when, where it matters.
    pub on_date: Option<Date>,
    /// A note (the ISAC's name, the waiver's reason, the circuit id).
    pub note: Option<String>,
    /// Who recorded it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// A requirement a person ticked off for an authority.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CheckedRow {
    /// The authority.
    pub election_authority_id: Uuid,
    /// The requirement set.
    pub set_id: String,
    /// The requirement.
    pub requirement_id: String,
    /// Since when.
    pub on_date: Option<Date>,
    /// What was done, where the evidence is.
    pub note: Option<String>,
    /// Who ticked it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: OffsetDateTime,
}

const CYCLE_COLUMNS: &str =
    "id, name, grant_program, funds_cents, set_id, set_version, deadline, time_zone";
const CERT_COLUMNS: &str =
    "cycle_id, election_authority_id, received_at, on_time, signer_name, recorded_by";
const FACT_COLUMNS: &str =
    "election_authority_id, fact, holds, on_date, note, updated_by, updated_at";
const CHECKED_COLUMNS: &str =
    "election_authority_id, set_id, requirement_id, on_date, note, updated_by, updated_at";

impl Tx {
    /// Stores a requirement set; a set with this id and version must not exist yet.
    pub async fn insert_requirement_set(
        &mut self,
        set: &StoredSet,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO requirement_sets (id, version, title, source, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&set.id)
            .bind(&set.version)
            .bind(&set.title)
            .bind(&set.source)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// A stored requirement set.
    pub async fn get_requirement_set(
        &mut self,
        id: &str,
        version: &str,
    ) -> StoreResult<Option<StoredSet>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, version, title, source FROM requirement_sets WHERE id = $1 AND version = $2",
            )
            .bind(id)
            .bind(version)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Every stored requirement set, by id and version.
    pub async fn list_requirement_sets(&mut self) -> StoreResult<Vec<StoredSet>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, version, title, source FROM requirement_sets ORDER BY id, version",
            )
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Stores a grant cycle (its name must be new; its set must be stored).
    pub async fn insert_grant_cycle(
        &mut self,
        cycle: &GrantCycleRow,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO grant_cycles (id, name, grant_program, funds_cents, set_id, set_version, deadline, time_zone, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(cycle.id)
            .bind(&cycle.name)
            .bind(&cycle.grant_program)
            .bind(cycle.funds_cents)
            .bind(&cycle.set_id)
            .bind(&cycle.set_version)
            .bind(cycle.deadline)
            .bind(&cycle.time_zone)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// One grant cycle.
    pub async fn get_grant_cycle(&mut self, id: Uuid) -> StoreResult<GrantCycleRow> {
        let sql = format!("SELECT {CYCLE_COLUMNS} FROM grant_cycles WHERE id = $1");
        let row: Option<GrantCycleRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Every grant cycle, latest deadline first.
    pub async fn list_grant_cycles(&mut self) -> StoreResult<Vec<GrantCycleRow>> {
        let sql = format!("SELECT {CYCLE_COLUMNS} FROM grant_cycles ORDER BY deadline DESC, name");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// Stores an authority's certification for a cycle, replacing an earlier one.
    pub async fn put_certification(&mut self, cert: &CertificationRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "DELETE FROM certifications WHERE cycle_id = $1 AND election_authority_id = $2",
            )
            .bind(cert.cycle_id)
            .bind(cert.election_authority_id)
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "INSERT INTO certifications (cycle_id, election_authority_id, received_at, on_time, signer_name, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(cert.cycle_id)
            .bind(cert.election_authority_id)
            .bind(utc(cert.received_at))
            .bind(cert.on_time)
            .bind(&cert.signer_name)
            .bind(cert.recorded_by)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// An authority's certification for a cycle, if any.
    pub async fn get_certification(
        &mut self,
        cycle: Uuid,
        ea: Uuid,
    ) -> StoreResult<Option<CertificationRow>> {
        let sql = format!(
            "SELECT {CERT_COLUMNS} FROM certifications WHERE cycle_id = $1 AND election_authority_id = $2"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(cycle)
                .bind(ea)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Every certification of a cycle.
    pub async fn list_certifications(&mut self, cycle: Uuid) -> StoreResult<Vec<CertificationRow>> {
        let sql = format!("SELECT {CERT_COLUMNS} FROM certifications WHERE cycle_id = $1");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(cycle).fetch_all(&mut *c).await?
        }))
    }

    /// Records a fact for an authority, replacing what was recorded before.
    pub async fn put_fact(&mut self, fact: &FactRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "DELETE FROM authority_facts WHERE election_authority_id = $1 AND fact = $2",
            )
            .bind(fact.election_authority_id)
            .bind(&fact.fact)
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "INSERT INTO authority_facts (election_authority_id, fact, holds, on_date, note, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(fact.election_authority_id)
            .bind(&fact.fact)
            .bind(fact.holds)
            .bind(fact.on_date)
            .bind(&fact.note)
            .bind(fact.updated_by)
            .bind(utc(fact.updated_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The facts recorded for an authority, by name; `None` for every authority.
    pub async fn list_facts(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<FactRow>> {
        let sql = match ea {
            Some(_) => format!(
                "SELECT {FACT_COLUMNS} FROM authority_facts WHERE election_authority_id = $1 ORDER BY fact"
            ),
            None => format!("SELECT {FACT_COLUMNS} FROM authority_facts ORDER BY fact"),
        };
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Ticks a requirement off for an authority (or records it again).
    pub async fn put_checked(&mut self, row: &CheckedRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "DELETE FROM checked_requirements WHERE election_authority_id = $1 AND set_id = $2 AND requirement_id = $3",
            )
            .bind(row.election_authority_id)
            .bind(&row.set_id)
            .bind(&row.requirement_id)
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "INSERT INTO checked_requirements (election_authority_id, set_id, requirement_id, on_date, note, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(row.election_authority_id)
            .bind(&row.set_id)
            .bind(&row.requirement_id)
            .bind(row.on_date)
            .bind(&row.note)
            .bind(row.updated_by)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The requirements of set `set_id` ticked off for authority `ea`.
    pub async fn list_checked(&mut self, ea: Uuid, set_id: &str) -> StoreResult<Vec<CheckedRow>> {
        let sql = format!(
            "SELECT {CHECKED_COLUMNS} FROM checked_requirements WHERE election_authority_id = $1 AND set_id = $2 ORDER BY requirement_id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(ea)
                .bind(set_id)
                .fetch_all(&mut *c)
                .await?
        }))
    }
}
