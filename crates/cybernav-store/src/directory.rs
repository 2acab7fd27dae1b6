//! The incident-response directory (Part 213.30(a)(9)): entries with their scope (statewide,
//! a zone, an authority), channels, escalation order and last verification.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A directory entry, as stored. `scope_kind` is `statewide`, `zone` or `authority`, with
/// `zone_id` or `election_authority_id` set to match.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DirectoryRow {
    /// Id.
    pub id: Uuid,
    /// The organisation.
    pub organisation: String,
    /// Kind identifier (`cybernav_core::directory::EntryKind`).
    pub kind: String,
    /// Scope kind.
    pub scope_kind: String,
    /// The zone, for a zone scope.
    pub zone_id: Option<Uuid>,
    /// The authority, for an authority scope.
    pub election_authority_id: Option<Uuid>,
    /// 24/7 number.
    pub phone_24x7: Option<String>,
    /// Business number.
    pub business_phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Secure channel.
    pub secure_channel: Option<String>,
    /// What to call them for.
    pub call_for: Option<String>,
    /// Escalation order, 1 first.
    pub escalation_order: i32,
    /// Last verified.
    pub last_verified_on: Option<Date>,
    /// Who verified (account).
    pub verified_by: Option<Uuid>,
    /// Who verified (name, kept if the account goes).
    pub verified_by_name: Option<String>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, organisation, kind, scope_kind, zone_id, election_authority_id, phone_24x7, business_phone, email, \
     secure_channel, call_for, escalation_order, last_verified_on, verified_by, verified_by_name, created_at, updated_at";

impl Tx {
    /// Stores a new entry.
    pub async fn insert_directory_entry(&mut self, row: &DirectoryRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO directory_entries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(row.id)
                .bind(&row.organisation)
                .bind(&row.kind)
                .bind(&row.scope_kind)
                .bind(row.zone_id)
                .bind(row.election_authority_id)
                .bind(&row.phone_24x7)
                .bind(&row.business_phone)
                .bind(&row.email)
                .bind(&row.secure_channel)
                .bind(&row.call_for)
                .bind(row.escalation_order)
                .bind(row.last_verified_on)
                .bind(row.verified_by)
                .bind(&row.verified_by_name)
                .bind(utc(row.created_at))
                .bind(utc(row.updated_at))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Rewrites every field of an entry but its id and creation instant.
    pub async fn update_directory_entry(&mut self, row: &DirectoryRow) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE directory_entries SET organisation = $2, kind = $3, scope_kind = $4, zone_id = $5, election_authority_id = $6, \
                 phone_24x7 = $7, business_phone = $8, email = $9, secure_channel = $10, call_for = $11, escalation_order = $12, \
                 last_verified_on = $13, verified_by = $14, verified_by_name = $15, updated_at = $16 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&row.organisation)
            .bind(&row.kind)
            .bind(&row.scope_kind)
            .bind(row.zone_id)
            .bind(row.election_authority_id)
            .bind(&row.phone_24x7)
            .bind(&row.business_phone)
            .bind(&row.email)
            .bind(&row.secure_channel)
            .bind(&row.call_for)
            .bind(row.escalation_order)
            .bind(row.last_verified_on)
            .bind(row.verified_by)
            .bind(&row.verified_by_name)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Removes an entry.
    pub async fn delete_directory_entry(&mut self, id: Uuid) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query("DELETE FROM directory_entries WHERE id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One entry.
    pub async fn get_directory_entry(&mut self, id: Uuid) -> StoreResult<DirectoryRow> {
        let sql = format!("SELECT {COLUMNS} FROM directory_entries WHERE id = $1");
        let row: Option<DirectoryRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Every entry in escalation order, then by organisation. The directory is small (tens of
    /// entries); who sees which is decided by the caller.
    pub async fn list_directory_entries(&mut self) -> StoreResult<Vec<DirectoryRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM directory_entries ORDER BY escalation_order, organisation, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }
}
