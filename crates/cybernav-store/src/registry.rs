//! Election authorities, zones, navigator assignments, contacts and partner organisations.

use crate::utc;
use std::collections::HashMap;

use cybernav_core::authz::EaScope;
use cybernav_core::contact::{Contact, ContactFields};
use cybernav_core::election_authority::{ElectionAuthorityFields, Zone};
use cybernav_core::partner::PartnerKind;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::binds::Filter;
use crate::rows::{AssignedNavigator, ContactRow, EaListing, EaRow, PartnerOrg, PartnerRow};
use crate::{Bind, StoreError, StoreResult, Tx, bind_all, with_conn};

const EA_SELECT: &str = "SELECT ea.id, ea.name, ea.kind, ea.county, ea.fips_code, ea.population, \
     ea.zone_id, z.name AS zone_name FROM election_authorities ea LEFT JOIN zones z ON z.id = ea.zone_id";

/// `ea.id` limited to the scope, as a filter.
fn scope_filter(scope: &EaScope) -> Filter {
    let mut f = Filter::new();
    if let EaScope::Only(ids) = scope {
        if ids.is_empty() {
            f.push_raw("1 = 0");
        } else {
            let placeholders: Vec<String> = ids.iter().map(|id| f.bind(Bind::Uuid(*id))).collect();
            f.push_raw(&format!("ea.id IN ({})", placeholders.join(", ")));
        }
    }
    f
}

impl Tx {
    /// Every election authority in scope, ordered by name, with its zone and navigators: two
    /// queries whatever the number. The registry is small (a state has a few hundred
    /// authorities at most), so listings filter and page this in memory (see
    /// `cybernav-app::registry`).
    pub async fn all_election_authorities(
        &mut self,
        scope: &EaScope,
    ) -> StoreResult<Vec<EaListing>> {
        let f = scope_filter(scope);
        let sql = format!("{EA_SELECT}{} ORDER BY ea.name", f.where_clause());
        let rows: Vec<EaRow> = with_conn!(self, |c| {
            bind_all!(sqlx::query_as::<_, EaRow>(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        });
        let mut navigators = self.navigators_by_authority(scope).await?;
        rows.into_iter()
            .map(|r| {
                let navs = navigators.remove(&r.id).unwrap_or_default();
                r.into_listing(navs)
            })
            .collect()
    }

    /// The navigators of each authority in scope, ordered by name.
    async fn navigators_by_authority(
        &mut self,
        scope: &EaScope,
    ) -> StoreResult<HashMap<Uuid, Vec<AssignedNavigator>>> {
        let f = scope_filter(scope);
        let sql = format!(
            "SELECT na.election_authority_id, u.id, u.name FROM navigator_assignments na \
             JOIN users u ON u.id = na.navigator_id \
             JOIN election_authorities ea ON ea.id = na.election_authority_id{} ORDER BY u.name",
            f.where_clause()
        );
        let rows: Vec<(Uuid, Uuid, String)> = with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_all(&mut *c)
                .await?
        });
        let mut map: HashMap<Uuid, Vec<AssignedNavigator>> = HashMap::new();
        for (ea, id, name) in rows {
            map.entry(ea)
                .or_default()
                .push(AssignedNavigator { id, name });
        }
        Ok(map)
    }

    /// One election authority by id.
    pub async fn get_election_authority(&mut self, id: Uuid) -> StoreResult<EaListing> {
        let sql = format!("{EA_SELECT} WHERE ea.id = $1");
        let row: Option<EaRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        let row = row.ok_or(StoreError::NotFound)?;
        let mut navs = self
            .navigators_by_authority(&EaScope::Only(vec![id]))
            .await?;
        row.into_listing(navs.remove(&id).unwrap_or_default())
    }

    /// One election authority by exact name.
    pub async fn find_election_authority_by_name(
        &mut self,
        name: &str,
    ) -> StoreResult<Option<EaListing>> {
        let sql = format!("{EA_SELECT} WHERE ea.name = $1");
        let row: Option<EaRow> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(name)
                .fetch_optional(&mut *c)
                .await?
        });
        match row {
            Some(r) => {
                let id = r.id;
                let mut navs = self
                    .navigators_by_authority(&EaScope::Only(vec![id]))
                    .await?;
                r.into_listing(navs.remove(&id).unwrap_or_default())
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    /// Inserts an election authority.
    pub async fn insert_election_authority(
        &mut self,
        id: Uuid,
        f: &ElectionAuthorityFields,
        zone_id: Option<Uuid>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO election_authorities (id, name, kind, county, fips_code, population, zone_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(&f.name)
            .bind(f.kind.as_str())
            .bind(&f.county)
            .bind(f.fips_code.as_str())
            .bind(f.population)
            .bind(zone_id)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Replaces an election authority's fields.
    pub async fn update_election_authority(
        &mut self,
        id: Uuid,
        f: &ElectionAuthorityFields,
        zone_id: Option<Uuid>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE election_authorities SET name = $2, kind = $3, county = $4, fips_code = $5, \
                 population = $6, zone_id = $7, updated_at = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(&f.name)
            .bind(f.kind.as_str())
            .bind(&f.county)
            .bind(f.fips_code.as_str())
            .bind(f.population)
            .bind(zone_id)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?
            .rows_affected()
        });
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Every zone, by name.
    pub async fn list_zones(&mut self) -> StoreResult<Vec<Zone>> {
        let rows: Vec<(Uuid, String)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT id, name FROM zones ORDER BY name")
                .fetch_all(&mut *c)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name)| Zone { id, name })
            .collect())
    }

    /// The zone with this name, if any.
    pub async fn find_zone(&mut self, name: &str) -> StoreResult<Option<Zone>> {
        let row: Option<(Uuid, String)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT id, name FROM zones WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *c)
                .await?
        });
        Ok(row.map(|(id, name)| Zone { id, name }))
    }

    /// Inserts a zone.
    pub async fn insert_zone(&mut self, zone: &Zone, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("INSERT INTO zones (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(zone.id)
                .bind(&zone.name)
                .bind(utc(now))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// The navigators assigned to an authority: `(id, name, email)`.
    pub async fn navigators_of(&mut self, ea: Uuid) -> StoreResult<Vec<(Uuid, String, String)>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.email FROM navigator_assignments na JOIN users u ON u.id = na.navigator_id \
                 WHERE na.election_authority_id = $1 ORDER BY u.name",
            )
            .bind(ea)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// The authorities assigned to a navigator.
    pub async fn assignments_of(&mut self, navigator: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_scalar(
                "SELECT election_authority_id FROM navigator_assignments WHERE navigator_id = $1",
            )
            .bind(navigator)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Replaces an authority's navigators.
    pub async fn set_navigators(&mut self, ea: Uuid, navigators: &[Uuid]) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM navigator_assignments WHERE election_authority_id = $1")
                .bind(ea)
                .execute(&mut *c)
                .await?;
            for n in navigators {
                sqlx::query("INSERT INTO navigator_assignments (navigator_id, election_authority_id) VALUES ($1, $2)")
                    .bind(n)
                    .bind(ea)
                    .execute(&mut *c)
                    .await
                    .map_err(StoreError::classify)?;
            }
        });
        Ok(())
    }

    /// An authority's contacts, election official first.
    pub async fn list_contacts(&mut self, ea: Uuid) -> StoreResult<Vec<Contact>> {
        let rows: Vec<ContactRow> = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, election_authority_id, name, role, organisation, phone, email, last_verified_on \
                 FROM contacts WHERE election_authority_id = $1 ORDER BY role, name",
            )
            .bind(ea)
            .fetch_all(&mut *c)
            .await?
        });
        rows.into_iter().map(Contact::try_from).collect()
    }

    /// One contact.
    pub async fn get_contact(&mut self, id: Uuid) -> StoreResult<Contact> {
        let row: Option<ContactRow> = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, election_authority_id, name, role, organisation, phone, email, last_verified_on \
                 FROM contacts WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Inserts a contact.
    pub async fn insert_contact(
        &mut self,
        id: Uuid,
        ea: Uuid,
        f: &ContactFields,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO contacts (id, election_authority_id, name, role, organisation, phone, email, last_verified_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id)
            .bind(ea)
            .bind(&f.name)
            .bind(f.role.as_str())
            .bind(&f.organisation)
            .bind(&f.phone)
            .bind(f.email.as_ref().map(|e| e.as_str().to_string()))
            .bind(f.last_verified_on)
            .bind(utc(now))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Replaces a contact's fields.
    pub async fn update_contact(
        &mut self,
        id: Uuid,
        f: &ContactFields,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE contacts SET name = $2, role = $3, organisation = $4, phone = $5, email = $6, \
                 last_verified_on = $7, updated_at = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(&f.name)
            .bind(f.role.as_str())
            .bind(&f.organisation)
            .bind(&f.phone)
            .bind(f.email.as_ref().map(|e| e.as_str().to_string()))
            .bind(f.last_verified_on)
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

    /// Deletes a contact.
    pub async fn delete_contact(&mut self, id: Uuid) -> StoreResult<()> {
        let n = with_conn!(self, |c| {
            sqlx::query("DELETE FROM contacts WHERE id = $1")
                .bind(id)
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

    /// Counts of contacts and stale contacts (never verified, or verified before `cutoff`)
    /// for authorities in scope: `(total, stale)`.
    pub async fn contact_counts(
        &mut self,
        scope: &EaScope,
        cutoff: time::Date,
    ) -> StoreResult<(i64, i64)> {
        let mut f = scope_filter(scope);
        let p = f.bind(Bind::Text(cutoff.to_string()));
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.last_verified_on IS NULL OR CAST(c.last_verified_on AS TEXT) <= {p} THEN 1 ELSE 0 END), 0) \
             FROM contacts c JOIN election_authorities ea ON ea.id = c.election_authority_id{}",
            f.where_clause()
        );
        let (total, stale): (i64, i64) = with_conn!(self, |c| {
            bind_all!(sqlx::query_as(&sql), f.binds.clone())
                .fetch_one(&mut *c)
                .await?
        });
        Ok((total, stale))
    }

    /// Every partner organisation, by name.
    pub async fn list_partner_orgs(&mut self) -> StoreResult<Vec<PartnerOrg>> {
        let rows: Vec<PartnerRow> = with_conn!(self, |c| {
            sqlx::query_as("SELECT id, name, kind, notes FROM partner_orgs ORDER BY name")
                .fetch_all(&mut *c)
                .await?
        });
        rows.into_iter().map(PartnerOrg::try_from).collect()
    }

    /// One partner organisation.
    pub async fn get_partner_org(&mut self, id: Uuid) -> StoreResult<PartnerOrg> {
        let row: Option<PartnerRow> = with_conn!(self, |c| {
            sqlx::query_as("SELECT id, name, kind, notes FROM partner_orgs WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Inserts a partner organisation.
    pub async fn insert_partner_org(
        &mut self,
        id: Uuid,
        name: &str,
        kind: PartnerKind,
        notes: Option<&str>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("INSERT INTO partner_orgs (id, name, kind, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
                .bind(id)
                .bind(name)
                .bind(kind.as_str())
                .bind(notes)
                .bind(utc(now))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }
}
