//! Written verification (Part 213.50(b)): the platform's signing key and the signed
//! attestation files.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A signing key as stored (both halves base64).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningKeyRow {
    /// Id.
    pub id: Uuid,
    /// What it signs, e.g. `attestation`.
    pub purpose: String,
    /// Ed25519 public key, base64.
    pub public_key: String,
    /// Ed25519 secret key, base64.
    pub secret_key: String,
}

/// A signed attestation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttestationRow {
    /// Id (the document's id).
    pub id: Uuid,
    /// `navigator_a3` or `program_manager_a`.
    pub kind: String,
    /// The authority.
    pub election_authority_id: Uuid,
    /// The grant cycle.
    pub cycle_id: Uuid,
    /// The account that signed.
    pub signer_id: Uuid,
    /// When.
    pub signed_at: OffsetDateTime,
    /// The facts digest signed.
    pub facts_digest: String,
    /// The fingerprint of the key that signed.
    pub key_fingerprint: String,
    /// The signed file, exactly as issued.
    pub file: String,
}

const ATTESTATION_COLUMNS: &str = "id, kind, election_authority_id, cycle_id, signer_id, signed_at, facts_digest, key_fingerprint, file";

impl Tx {
    /// The active key for `purpose`, if one exists.
    pub async fn active_signing_key(
        &mut self,
        purpose: &str,
    ) -> StoreResult<Option<SigningKeyRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, purpose, public_key, secret_key FROM signing_keys WHERE purpose = $1 AND retired_at IS NULL",
            )
            .bind(purpose)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Stores `key` as the active key for its purpose unless one exists already (another
    /// replica may have stored one first), and returns the active key.
    pub async fn ensure_signing_key(
        &mut self,
        key: &SigningKeyRow,
        now: OffsetDateTime,
    ) -> StoreResult<SigningKeyRow> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO signing_keys (id, purpose, public_key, secret_key, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(key.id)
            .bind(&key.purpose)
            .bind(&key.public_key)
            .bind(&key.secret_key)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        self.active_signing_key(&key.purpose)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Stores a signed attestation.
    pub async fn insert_attestation(&mut self, row: &AttestationRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO attestations ({ATTESTATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(row.id)
                .bind(&row.kind)
                .bind(row.election_authority_id)
                .bind(row.cycle_id)
                .bind(row.signer_id)
                .bind(utc(row.signed_at))
                .bind(&row.facts_digest)
                .bind(&row.key_fingerprint)
                .bind(&row.file)
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// One attestation.
    pub async fn get_attestation(&mut self, id: Uuid) -> StoreResult<AttestationRow> {
        let sql = format!("SELECT {ATTESTATION_COLUMNS} FROM attestations WHERE id = $1");
        let row: Option<AttestationRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The attestations of an authority, latest first.
    pub async fn list_attestations(&mut self, ea: Uuid) -> StoreResult<Vec<AttestationRow>> {
        let sql = format!(
            "SELECT {ATTESTATION_COLUMNS} FROM attestations WHERE election_authority_id = $1 ORDER BY signed_at DESC, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(ea).fetch_all(&mut *c).await?
        }))
    }

    /// The attestations of `kind` in a grant cycle, for every authority at once (the
    /// statewide view), latest first within each authority.
    pub async fn list_cycle_attestations(
        &mut self,
        cycle: Uuid,
        kind: &str,
    ) -> StoreResult<Vec<AttestationRow>> {
        let sql = format!(
            "SELECT {ATTESTATION_COLUMNS} FROM attestations WHERE cycle_id = $1 AND kind = $2 ORDER BY election_authority_id, signed_at DESC, id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(cycle)
                .bind(kind)
                .fetch_all(&mut *c)
                .await?
        }))
    }
}
