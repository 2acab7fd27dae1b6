//! ICN connectivity (Part 213.20): circuits, their allowlist entries and protections, and the
//! Board's program settings.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Backend, StoreError, StoreResult, Tx, with_conn};

/// An ICN circuit as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CircuitRow {
    /// Id.
    pub id: Uuid,
    /// The election authority it connects.
    pub election_authority_id: Uuid,
    /// DoIT's circuit id or the Board's reference, unique.
    pub reference: String,
    /// Status identifier (`cybernav_core::icn::CircuitStatus`).
    pub status: String,
    /// When the agreement to connect was signed (213.20(b)).
    pub agreement_signed_on: Option<Date>,
    /// When it was connected.
    pub connected_on: Option<Date>,
    /// Notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// One protection of a circuit as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ProtectionRow {
    /// The circuit.
    pub circuit_id: Uuid,
    /// Protection identifier (`cybernav_core::icn::Protection`).
    pub protection: String,
    /// Whether it is in place.
    pub in_place: bool,
    /// Since when.
    pub since: Option<Date>,
    /// For a sensor: its kind, e.g. "Albert".
    pub kind: Option<String>,
    /// For a sensor: its id.
    pub sensor_id: Option<String>,
    /// Who recorded it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// An allowlist entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AllowlistRow {
    /// Id.
    pub id: Uuid,
    /// The circuit it belongs to.
    pub circuit_id: Uuid,
    /// The network, normalised (`10.1.2.0/24`, `2001:db8::/48`).
    pub network: String,
    /// What it is (the clerk's office LAN, the tabulation room).
    pub description: Option<String>,
    /// Who added it.
    pub added_by: Option<Uuid>,
    /// When.
    pub added_at: OffsetDateTime,
}

/// An allowlist entry with the circuit and authority it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AllowlistListing {
    /// Id.
    pub id: Uuid,
    /// The circuit.
    pub circuit_id: Uuid,
    /// The network, normalised.
    pub network: String,
    /// What it is.
    pub description: Option<String>,
    /// The circuit's reference.
    pub circuit_reference: String,
    /// The authority.
    pub election_authority_id: Uuid,
    /// The authority's name.
    pub authority_name: String,
}

/// A program setting as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettingRow {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Who set it last.
    pub updated_by: Option<Uuid>,
    /// When; `None` for the value the migration put there.
    pub updated_at: Option<OffsetDateTime>,
}

const CIRCUIT_COLUMNS: &str = "id, election_authority_id, reference, status, agreement_signed_on, connected_on, notes, created_at, updated_at";
const PROTECTION_COLUMNS: &str = "p.circuit_id, p.protection, p.in_place, p.since, p.kind, p.sensor_id, p.updated_by, p.updated_at";
const ENTRY_COLUMNS: &str = "id, circuit_id, network, description, added_by, added_at";

impl Tx {
    /// Stores a new circuit; its reference must be new.
    pub async fn insert_circuit(&mut self, row: &CircuitRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO icn_circuits (id, election_authority_id, reference, status, agreement_signed_on, connected_on, notes, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(row.id)
            .bind(row.election_authority_id)
            .bind(&row.reference)
            .bind(&row.status)
            .bind(row.agreement_signed_on)
            .bind(row.connected_on)
            .bind(&row.notes)
            .bind(utc(row.created_at))
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Replaces a circuit's fields (not its authority or creation time).
    pub async fn update_circuit(&mut self, row: &CircuitRow) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE icn_circuits SET reference = $2, status = $3, agreement_signed_on = $4, connected_on = $5, notes = $6, updated_at = $7 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&row.reference)
            .bind(&row.status)
            .bind(row.agreement_signed_on)
            .bind(row.connected_on)
            .bind(&row.notes)
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

    /// One circuit.
    pub async fn get_circuit(&mut self, id: Uuid) -> StoreResult<CircuitRow> {
        let sql = format!("SELECT {CIRCUIT_COLUMNS} FROM icn_circuits WHERE id = $1");
        let row: Option<CircuitRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The circuits of one authority, by reference.
    pub async fn list_circuits(&mut self, ea: Uuid) -> StoreResult<Vec<CircuitRow>> {
        let sql = format!(
            "SELECT {CIRCUIT_COLUMNS} FROM icn_circuits WHERE election_authority_id = $1 ORDER BY reference"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(ea).fetch_all(&mut *c).await?
        }))
    }

    /// Records one protection of a circuit, replacing what was recorded before.
    pub async fn put_protection(&mut self, row: &ProtectionRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM icn_protections WHERE circuit_id = $1 AND protection = $2")
                .bind(row.circuit_id)
                .bind(&row.protection)
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO icn_protections (circuit_id, protection, in_place, since, kind, sensor_id, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.circuit_id)
            .bind(&row.protection)
            .bind(row.in_place)
            .bind(row.since)
            .bind(&row.kind)
            .bind(&row.sensor_id)
            .bind(row.updated_by)
            .bind(utc(row.updated_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The protections recorded for the circuits of one authority.
    pub async fn list_protections(&mut self, ea: Uuid) -> StoreResult<Vec<ProtectionRow>> {
        let sql = format!(
            "SELECT {PROTECTION_COLUMNS} FROM icn_protections p JOIN icn_circuits c ON c.id = p.circuit_id \
             WHERE c.election_authority_id = $1 ORDER BY p.circuit_id, p.protection"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(ea).fetch_all(&mut *c).await?
        }))
    }

    /// Stores an allowlist entry; its network must not be stored already.
    pub async fn insert_allowlist_entry(&mut self, row: &AllowlistRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO icn_allowlist (id, circuit_id, network, description, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(row.id)
            .bind(row.circuit_id)
            .bind(&row.network)
            .bind(&row.description)
            .bind(row.added_by)
            .bind(utc(row.added_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// One allowlist entry.
    pub async fn get_allowlist_entry(&mut self, id: Uuid) -> StoreResult<AllowlistRow> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM icn_allowlist WHERE id = $1");
        let row: Option<AllowlistRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Removes an allowlist entry.
    pub async fn delete_allowlist_entry(&mut self, id: Uuid) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query("DELETE FROM icn_allowlist WHERE id = $1")
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

    /// Allowlist entries with their circuit and authority: one authority's, or (`None`) every
    /// authority's; by authority name, circuit reference, then as stored.
    pub async fn list_allowlist(&mut self, ea: Option<Uuid>) -> StoreResult<Vec<AllowlistListing>> {
        let base = "SELECT a.id, a.circuit_id, a.network, a.description, c.reference AS circuit_reference, \
                    c.election_authority_id, e.name AS authority_name \
                    FROM icn_allowlist a JOIN icn_circuits c ON c.id = a.circuit_id \
                    JOIN election_authorities e ON e.id = c.election_authority_id";
        let order = "ORDER BY e.name, c.reference, a.network";
        let sql = match ea {
            Some(_) => format!("{base} WHERE c.election_authority_id = $1 {order}"),
            None => format!("{base} {order}"),
        };
        Ok(with_conn!(self, |c| {
            let q = sqlx::query_as(&sql);
            match ea {
                Some(id) => q.bind(id).fetch_all(&mut *c).await?,
                None => q.fetch_all(&mut *c).await?,
            }
        }))
    }

    /// Waits for, and holds until the transaction ends, the lock that serialises changes to
    /// the allowlist and the program settings, so two overlapping entries added at once, or an
    /// entry added while the Board turns on private addressing only, cannot both pass their
    /// checks. SQLite write transactions are serialised already (`BEGIN IMMEDIATE`).
    pub async fn lock_allowlist(&mut self) -> StoreResult<()> {
        if self.backend() == Backend::Postgres {
            with_conn!(self, |c| {
                sqlx::query("SELECT key FROM program_settings WHERE key = 'private_addressing_only' FOR UPDATE")
                    .fetch_optional(&mut *c)
                    .await?;
            });
        }
        Ok(())
    }

    /// A program setting, if stored.
    pub async fn get_setting(&mut self, key: &str) -> StoreResult<Option<SettingRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT key, value, updated_by, updated_at FROM program_settings WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Stores a program setting.
    pub async fn put_setting(
        &mut self,
        key: &str,
        value: &str,
        by: Option<Uuid>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            // An update in place, never delete and insert: the row is also the allowlist lock.
            sqlx::query(
                "INSERT INTO program_settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(by)
            .bind(utc(at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }
}
