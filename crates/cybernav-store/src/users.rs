//! Accounts, sessions, API tokens, recovery codes and e-mailed links (invitations, resets).
//! Every token is stored as its SHA-256, never in clear.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::rows::UserRow;
use crate::{StoreError, StoreResult, Tx, with_conn};

const USER_COLUMNS: &str = "id, email, name, role, election_authority_id, partner_org_id, status, password_hash, \
     totp_secret, totp_pending_secret, totp_last_step, failed_logins, locked_until, last_login_at, created_at";

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Id.
    pub id: Uuid,
    /// Lower-cased e-mail.
    pub email: &'a str,
    /// Full name.
    pub name: &'a str,
    /// Role identifier.
    pub role: &'a str,
    /// Own authority.
    pub election_authority_id: Option<Uuid>,
    /// Partner organisation.
    pub partner_org_id: Option<Uuid>,
    /// `invited` or `active`.
    pub status: &'a str,
    /// argon2id hash, when the password is already known.
    pub password_hash: Option<&'a str>,
}

/// A session row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// Id.
    pub id: Uuid,
    /// Account.
    pub user_id: Uuid,
    /// Second factor passed.
    pub mfa_done: bool,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last request.
    pub last_seen_at: OffsetDateTime,
    /// Absolute expiry.
    pub expires_at: OffsetDateTime,
}

/// An API token's metadata (never the token).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApiTokenRow {
    /// Id.
    pub id: Uuid,
    /// Account.
    pub user_id: Uuid,
    /// Name given by its owner.
    pub name: String,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last used.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// Revoked.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// Filters for listing people.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Only this role.
    pub role: Option<String>,
    /// Only people of this authority.
    pub election_authority_id: Option<Uuid>,
}

impl Tx {
    /// Inserts an account.
    pub async fn insert_user(&mut self, u: &NewUser<'_>, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO users (id, email, name, role, election_authority_id, partner_org_id, status, password_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(u.id)
            .bind(u.email)
            .bind(u.name)
            .bind(u.role)
            .bind(u.election_authority_id)
            .bind(u.partner_org_id)
            .bind(u.status)
            .bind(u.password_hash)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The account with this e-mail, if any.
    pub async fn find_user_by_email(&mut self, email: &str) -> StoreResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(email)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// One account.
    pub async fn get_user(&mut self, id: Uuid) -> StoreResult<UserRow> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Accounts, by name.
    pub async fn list_users(&mut self, q: &UserQuery) -> StoreResult<Vec<UserRow>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE ($1 IS NULL OR role = $1) AND ($2 IS NULL OR election_authority_id = $2) ORDER BY name"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(q.role.clone())
                .bind(q.election_authority_id)
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// Sets the password and makes the account active (used by invitation and reset).
    pub async fn set_password(
        &mut self,
        user: Uuid,
        hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE users SET password_hash = $2, status = CASE WHEN status = 'invited' THEN 'active' ELSE status END, \
                 failed_logins = 0, locked_until = NULL, updated_at = $3 WHERE id = $1",
            )
            .bind(user)
            .bind(hash)
            .bind(utc(now))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Changes name, role, scope and status.
    pub async fn update_user_profile(
        &mut self,
        user: Uuid,
        name: &str,
        role: &str,
        election_authority_id: Option<Uuid>,
        partner_org_id: Option<Uuid>,
        status: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE users SET name = $2, role = $3, election_authority_id = $4, partner_org_id = $5, status = $6, updated_at = $7 WHERE id = $1",
            )
            .bind(user)
            .bind(name)
            .bind(role)
            .bind(election_authority_id)
            .bind(partner_org_id)
            .bind(status)
            .bind(utc(now))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Records a failed login; locks the account until `lock_until` when `lock_until` is set.
    pub async fn record_failed_login(
        &mut self,
        user: Uuid,
        lock_until: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until = COALESCE($2, locked_until) WHERE id = $1")
                .bind(user)
                .bind(utc(lock_until))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Records a successful login.
    pub async fn record_login(&mut self, user: Uuid, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1")
                .bind(user)
                .bind(utc(now))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Stores a TOTP secret awaiting confirmation.
    pub async fn set_totp_pending(&mut self, user: Uuid, secret: Option<&[u8]>) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE users SET totp_pending_secret = $2 WHERE id = $1")
                .bind(user)
                .bind(secret)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Confirms (or with `None`, removes) the TOTP secret and sets the replay guard.
    pub async fn set_totp(
        &mut self,
        user: Uuid,
        secret: Option<&[u8]>,
        last_step: Option<i64>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE users SET totp_secret = $2, totp_pending_secret = NULL, totp_last_step = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(user)
            .bind(secret)
            .bind(last_step)
            .bind(utc(now))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Advances the TOTP replay guard, only forwards: returns false when another request used
    /// this step or a later one first.
    pub async fn advance_totp_step(&mut self, user: Uuid, step: i64) -> StoreResult<bool> {
        let n = with_conn!(self, |c| {
            sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)")
                .bind(user)
                .bind(step)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Replaces the account's recovery codes with these hashes.
    pub async fn replace_recovery_codes(
        &mut self,
        user: Uuid,
        hashes: &[String],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user)
                .execute(&mut *c)
                .await?;
            for h in hashes {
                sqlx::query(
                    "INSERT INTO recovery_codes (id, user_id, code_hash) VALUES ($1, $2, $3)",
                )
                .bind(Uuid::new_v4())
                .bind(user)
                .bind(h)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// Uses a recovery code once: true when an unused code with this hash existed.
    pub async fn use_recovery_code(
        &mut self,
        user: Uuid,
        hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = with_conn!(self, |c| {
            sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
                .bind(user)
                .bind(hash)
                .bind(utc(now))
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// How many unused recovery codes an account has.
    pub async fn unused_recovery_codes(&mut self, user: Uuid) -> StoreResult<i64> {
        Ok(with_conn!(self, |c| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user)
            .fetch_one(&mut *c)
            .await?
        }))
    }

    /// Inserts a session.
    pub async fn insert_session(
        &mut self,
        id: Uuid,
        token_hash: &str,
        user: Uuid,
        mfa_done: bool,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO sessions (id, token_hash, user_id, mfa_done, created_at, last_seen_at, expires_at, ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(token_hash)
            .bind(user)
            .bind(mfa_done)
            .bind(utc(now))
            .bind(utc(expires_at))
            .bind(ip)
            .bind(user_agent)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The session with this token hash, if any.
    pub async fn find_session(&mut self, token_hash: &str) -> StoreResult<Option<SessionRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, user_id, mfa_done, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Marks a session as having passed the second factor.
    pub async fn set_session_mfa_done(&mut self, session: Uuid) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE sessions SET mfa_done = $2 WHERE id = $1")
                .bind(session)
                .bind(true)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Records activity on a session.
    pub async fn touch_session(&mut self, session: Uuid, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
                .bind(session)
                .bind(utc(now))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Deletes one session.
    pub async fn delete_session(&mut self, session: Uuid) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(session)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Deletes every session of an account ("sign out everywhere"); returns how many.
    pub async fn delete_sessions_of(&mut self, user: Uuid) -> StoreResult<u64> {
        Ok(with_conn!(self, |c| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user)
                .execute(&mut *c)
                .await?
                .rows_affected()
        }))
    }

    /// Inserts an API token.
    pub async fn insert_api_token(
        &mut self,
        id: Uuid,
        user: Uuid,
        name: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(user)
                .bind(name)
                .bind(token_hash)
                .bind(utc(now))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The live (not revoked) token with this hash.
    pub async fn find_api_token(&mut self, token_hash: &str) -> StoreResult<Option<ApiTokenRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// An account's tokens, newest first.
    pub async fn list_api_tokens(&mut self, user: Uuid) -> StoreResult<Vec<ApiTokenRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
            )
            .bind(user)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Records use of a token.
    pub async fn touch_api_token(&mut self, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(id)
                .bind(utc(now))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Revokes an account's token; false when there was no such live token.
    pub async fn revoke_api_token(
        &mut self,
        user: Uuid,
        id: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = with_conn!(self, |c| {
            sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
                .bind(id)
                .bind(user)
                .bind(utc(now))
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Stores an e-mailed link (`invitation` or `password_reset`), invalidating earlier unused
    /// links of the same kind for the account.
    pub async fn insert_email_link(
        &mut self,
        kind: &str,
        user: Uuid,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE email_links SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL")
                .bind(user)
                .bind(kind)
                .bind(utc(now))
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO email_links (id, kind, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::new_v4())
            .bind(kind)
            .bind(user)
            .bind(token_hash)
            .bind(utc(now))
            .bind(utc(expires_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The account a live link of `kind` belongs to (unused, unexpired).
    pub async fn find_email_link(
        &mut self,
        kind: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Uuid>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_scalar(
                "SELECT user_id FROM email_links WHERE kind = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3",
            )
            .bind(kind)
            .bind(token_hash)
            .bind(utc(now))
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Uses a link once; false when it was already used or expired.
    pub async fn use_email_link(
        &mut self,
        kind: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE email_links SET used_at = $3 WHERE kind = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3",
            )
            .bind(kind)
            .bind(token_hash)
            .bind(utc(now))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }
}
