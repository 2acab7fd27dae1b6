//! The need-to-know roster (Part 213.30(a)(5)): applications, decisions, the handling
//! agreement, expiry, renewal and revocation, and the expiry warnings sent.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// An application, as stored. `state` is the stored state
/// (`cybernav_core::need_to_know::State`); expiry is derived from `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NtkRow {
    /// Id.
    pub id: Uuid,
    /// The person who applied.
    pub user_id: Uuid,
    /// Their organisation.
    pub organisation: String,
    /// Their role or title there.
    pub title: String,
    /// Why they need FOUO information (may itself be sensitive: never audited or logged).
    pub justification: String,
    /// Who vouches for them.
    pub sponsor_name: String,
    /// The sponsor's e-mail.
    pub sponsor_email: String,
    /// State identifier.
    pub state: String,
    /// When they applied.
    pub applied_at: OffsetDateTime,
    /// When it was approved or denied.
    pub decided_at: Option<OffsetDateTime>,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// The decider's note.
    pub decision_note: Option<String>,
    /// The handling agreement version accepted.
    pub agreement_version: Option<String>,
    /// When it was accepted.
    pub agreement_accepted_at: Option<OffsetDateTime>,
    /// When the approval started.
    pub approved_from: Option<OffsetDateTime>,
    /// When it ends.
    pub expires_at: Option<OffsetDateTime>,
    /// Last renewed.
    pub renewed_at: Option<OffsetDateTime>,
    /// By whom.
    pub renewed_by: Option<Uuid>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// By whom.
    pub revoked_by: Option<Uuid>,
    /// Why.
    pub revoke_reason: Option<String>,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// An application with the applicant's and the deciders' names, for the roster.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NtkListing {
    /// The application.
    #[sqlx(flatten)]
    pub row: NtkRow,
    /// The applicant's name.
    pub user_name: String,
    /// The applicant's e-mail.
    pub user_email: String,
    /// The applicant's role identifier.
    pub user_role: String,
    /// The decider's name.
    pub decided_by_name: Option<String>,
}

const COLUMNS: &str = "a.id, a.user_id, a.organisation, a.title, a.justification, a.sponsor_name, a.sponsor_email, a.state, \
     a.applied_at, a.decided_at, a.decided_by, a.decision_note, a.agreement_version, a.agreement_accepted_at, \
     a.approved_from, a.expires_at, a.renewed_at, a.renewed_by, a.revoked_at, a.revoked_by, a.revoke_reason, a.updated_at";

const LISTING_FROM: &str = "FROM need_to_know_applications a JOIN users u ON u.id = a.user_id \
     LEFT JOIN users d ON d.id = a.decided_by";

impl Tx {
    /// Stores a new application. A second open application of the same person is a
    /// [`StoreError::Conflict`] naming `need_to_know_one_open`.
    pub async fn insert_ntk(&mut self, row: &NtkRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO need_to_know_applications (id, user_id, organisation, title, justification, sponsor_name, sponsor_email, state, applied_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(row.id)
            .bind(row.user_id)
            .bind(&row.organisation)
            .bind(&row.title)
            .bind(&row.justification)
            .bind(&row.sponsor_name)
            .bind(&row.sponsor_email)
            .bind(&row.state)
            .bind(utc(row.applied_at))
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await
            .map_err(|e| match StoreError::classify(e) {
                // SQLite names the columns, not the index.
                StoreError::Conflict(_) => StoreError::Conflict("need_to_know_one_open".into()),
                other => other,
            })?;
        });
        Ok(())
    }

    /// Writes the decision, agreement, expiry, renewal and revocation fields of an application
    /// (what the transitions change), only when its stored state is still `expected_state`:
    /// a change that raced another answers [`StoreError::Conflict`].
    pub async fn update_ntk(&mut self, row: &NtkRow, expected_state: &str) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE need_to_know_applications SET state = $3, decided_at = $4, decided_by = $5, decision_note = $6, \
                 agreement_version = $7, agreement_accepted_at = $8, approved_from = $9, expires_at = $10, renewed_at = $11, \
                 renewed_by = $12, revoked_at = $13, revoked_by = $14, revoke_reason = $15, updated_at = $16 \
                 WHERE id = $1 AND state = $2",
            )
            .bind(row.id)
            .bind(expected_state)
            .bind(&row.state)
            .bind(utc(row.decided_at))
            .bind(row.decided_by)
            .bind(&row.decision_note)
            .bind(&row.agreement_version)
            .bind(utc(row.agreement_accepted_at))
            .bind(utc(row.approved_from))
            .bind(utc(row.expires_at))
            .bind(utc(row.renewed_at))
            .bind(row.renewed_by)
            .bind(utc(row.revoked_at))
            .bind(row.revoked_by)
            .bind(&row.revoke_reason)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::Conflict(
                "the application changed meanwhile; reload and try again".into(),
            ));
        }
        Ok(())
    }

    /// One application with names.
    pub async fn get_ntk(&mut self, id: Uuid) -> StoreResult<NtkListing> {
        let sql = format!(
            "SELECT {COLUMNS}, u.name AS user_name, u.email AS user_email, u.role AS user_role, d.name AS decided_by_name {LISTING_FROM} WHERE a.id = $1"
        );
        let row: Option<NtkListing> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Applications, newest first: of one person (`user`), in one stored state, or all.
    pub async fn list_ntk(
        &mut self,
        user: Option<Uuid>,
        state: Option<&str>,
    ) -> StoreResult<Vec<NtkListing>> {
        let mut filters = Vec::new();
        let mut n = 0;
        if user.is_some() {
            n += 1;
            filters.push(format!("a.user_id = ${n}"));
        }
        if state.is_some() {
            n += 1;
            filters.push(format!("a.state = ${n}"));
        }
        let filter = if filters.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", filters.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS}, u.name AS user_name, u.email AS user_email, u.role AS user_role, d.name AS decided_by_name {LISTING_FROM}{filter} \
             ORDER BY a.applied_at DESC, a.id"
        );
        Ok(with_conn!(self, |c| {
            let mut q = sqlx::query_as(&sql);
            if let Some(u) = user {
                q = q.bind(u);
            }
            if let Some(s) = state {
                q = q.bind(s);
            }
            q.fetch_all(&mut *c).await?
        }))
    }

    /// The open (pending, approved or active) application of `user`, if any.
    pub async fn open_ntk_of(&mut self, user: Uuid) -> StoreResult<Option<NtkRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM need_to_know_applications a WHERE a.user_id = $1 AND a.state IN ('pending', 'approved', 'active')"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(user)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Notes that the warning `days_before` the expiry `expires_at` of `application` was sent;
    /// false when it already was (then nothing is to be sent).
    pub async fn note_ntk_warning(
        &mut self,
        application: Uuid,
        expires_at: OffsetDateTime,
        days_before: i32,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO need_to_know_warnings (application_id, expires_at, days_before, sent_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(application)
            .bind(utc(expires_at))
            .bind(days_before)
            .bind(utc(at))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }
}
