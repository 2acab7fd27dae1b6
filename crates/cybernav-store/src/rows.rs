//! Row types as the database returns them, and their conversion into domain types.

use cybernav_core::contact::{Contact, ContactRole};
use cybernav_core::election_authority::{EaKind, ElectionAuthority, FipsCode};
use cybernav_core::email::EmailAddress;
use cybernav_core::partner::PartnerKind;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StoreError;

/// A stored value that does not parse: the database was changed outside cybernav.
pub(crate) fn corrupt(
    table: &str,
    id: Uuid,
    field: &str,
    why: impl std::fmt::Display,
) -> StoreError {
    StoreError::Corrupt(format!("{table} {id}: field {field}: {why}"))
}

/// An election authority row joined with its zone's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EaRow {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind identifier.
    pub kind: String,
    /// County.
    pub county: String,
    /// FIPS code.
    pub fips_code: String,
    /// Population.
    pub population: Option<i64>,
    /// Zone id.
    pub zone_id: Option<Uuid>,
    /// Zone name.
    pub zone_name: Option<String>,
}

/// An election authority with the names a listing shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EaListing {
    /// The authority.
    #[serde(flatten)]
    pub authority: ElectionAuthority,
    /// Its zone's name.
    pub zone: Option<String>,
    /// Its navigators, by name.
    pub navigators: Vec<AssignedNavigator>,
}

/// A navigator assigned to an election authority.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AssignedNavigator {
    /// The navigator's account.
    pub id: Uuid,
    /// Their name.
    pub name: String,
}

impl EaListing {
    /// The navigators' names, in order.
    pub fn navigator_names(&self) -> Vec<String> {
        self.navigators.iter().map(|n| n.name.clone()).collect()
    }
}

impl EaRow {
    /// Converts to the domain type, refusing values that do not parse.
    pub fn into_listing(self, navigators: Vec<AssignedNavigator>) -> Result<EaListing, StoreError> {
        let kind = EaKind::parse(&self.kind)
            .map_err(|e| corrupt("election_authorities", self.id, "kind", e))?;
        let fips_code = FipsCode::parse(&self.fips_code)
            .map_err(|e| corrupt("election_authorities", self.id, "fips_code", e))?;
        Ok(EaListing {
            authority: ElectionAuthority {
                id: self.id,
                name: self.name,
                kind,
                county: self.county,
                fips_code,
                population: self.population,
                zone_id: self.zone_id,
            },
            zone: self.zone_name,
            navigators,
        })
    }
}

/// A contact row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactRow {
    /// Id.
    pub id: Uuid,
    /// Election authority.
    pub election_authority_id: Uuid,
    /// Name.
    pub name: String,
    /// Role identifier.
    pub role: String,
    /// Organisation.
    pub organisation: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Last verified.
    pub last_verified_on: Option<Date>,
}

impl TryFrom<ContactRow> for Contact {
    type Error = StoreError;
    fn try_from(r: ContactRow) -> Result<Self, StoreError> {
        let role = ContactRole::parse(&r.role).map_err(|e| corrupt("contacts", r.id, "role", e))?;
        let email = r
            .email
            .as_deref()
            .map(EmailAddress::parse)
            .transpose()
            .map_err(|e| corrupt("contacts", r.id, "email", e))?;
        Ok(Contact {
            id: r.id,
            election_authority_id: r.election_authority_id,
            name: r.name,
            role,
            organisation: r.organisation,
            phone: r.phone,
            email,
            last_verified_on: r.last_verified_on,
        })
    }
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartnerOrg {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: PartnerKind,
    /// Free notes (how to reach them in an incident).
    pub notes: Option<String>,
}

/// A partner organisation row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartnerRow {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind identifier.
    pub kind: String,
    /// Notes.
    pub notes: Option<String>,
}

impl TryFrom<PartnerRow> for PartnerOrg {
    type Error = StoreError;
    fn try_from(r: PartnerRow) -> Result<Self, StoreError> {
        let kind =
            PartnerKind::parse(&r.kind).map_err(|e| corrupt("partner_orgs", r.id, "kind", e))?;
        Ok(PartnerOrg {
            id: r.id,
            name: r.name,
            kind,
            notes: r.notes,
        })
    }
}

/// An account row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role identifier.
    pub role: String,
    /// Own authority.
    pub election_authority_id: Option<Uuid>,
    /// Partner organisation.
    pub partner_org_id: Option<Uuid>,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// argon2id hash.
    pub password_hash: Option<String>,
    /// Confirmed TOTP secret.
    pub totp_secret: Option<Vec<u8>>,
    /// TOTP secret awaiting its first code.
    pub totp_pending_secret: Option<Vec<u8>>,
    /// Replay guard.
    pub totp_last_step: Option<i64>,
    /// Failed logins since the last success.
    pub failed_logins: i32,
    /// Locked until.
    pub locked_until: Option<OffsetDateTime>,
    /// Last successful login.
    pub last_login_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
}
