//! The registry: election authorities, their contacts, zones, navigator assignments and
//! partner organisations (213.30(a)(4), (9)).

use cybernav_core::FieldErrors;
use std::sync::Arc;

use cybernav_core::authz::{Actor, ContactEditor, EaScope, RegistryManager, RegistryReader};
use cybernav_core::contact::{Contact, ContactFields, ContactInput, is_stale};
use cybernav_core::election_authority::{
    ElectionAuthority, ElectionAuthorityFields, ElectionAuthorityInput, Zone,
};
use cybernav_core::partner::PartnerKind;
use cybernav_core::role::Role;
use cybernav_core::validation::{clean_text, optional_multiline_text};
use cybernav_store::rows::{EaListing, PartnerOrg};
use cybernav_store::users::UserQuery;
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// A listing request from a page or the API.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EaListRequest {
    /// Words to look for.
    pub q: Option<String>,
    /// Zone id.
    pub zone: Option<Uuid>,
    /// Navigator id.
    pub navigator: Option<Uuid>,
    /// Page from 1.
    pub page: Option<i64>,
    /// Rows a page (1..=200, default 25).
    pub per_page: Option<i64>,
}

impl EaListRequest {
    /// The search words, lower-cased; `None` when there are none.
    fn search_terms(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    }

    /// Whether `l` passes the zone and navigator filters and contains `search` (lower-cased)
    /// in its name, county or FIPS code.
    fn matches(&self, l: &EaListing, search: Option<&str>) -> bool {
        let a = &l.authority;
        self.zone.is_none_or(|z| a.zone_id == Some(z))
            && self
                .navigator
                .is_none_or(|n| l.navigators.iter().any(|nav| nav.id == n))
            && search.is_none_or(|s| {
                a.name.to_lowercase().contains(s)
                    || a.county.to_lowercase().contains(s)
                    || a.fips_code.as_str().contains(s)
            })
    }
}

/// An election authority with its contacts, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EaDetail {
    /// The authority and its zone and navigator names.
    #[serde(flatten)]
    pub listing: EaListing,
    /// Contacts, with whether each is stale.
    pub contacts: Vec<ContactView>,
    /// Navigator ids, for the assignment form.
    pub navigator_ids: Vec<Uuid>,
}

/// A contact with its staleness worked out.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// The contact.
    #[serde(flatten)]
    pub contact: Contact,
    /// Overdue for re-verification.
    pub stale: bool,
}

pub(crate) fn ea_json(f: &ElectionAuthorityFields, zone_id: Option<Uuid>) -> Value {
    json!({
        "name": f.name, "kind": f.kind.as_str(), "county": f.county, "fips_code": f.fips_code.as_str(),
        "population": f.population, "zone_id": zone_id,
    })
}

pub(crate) fn contact_json(c: &ContactFields) -> Value {
    json!({
        "name": c.name, "role": c.role.as_str(), "organisation": c.organisation, "phone": c.phone,
        "email": c.email.as_ref().map(|e| e.as_str().to_string()), "last_verified_on": c.last_verified_on.map(|d| d.to_string()),
    })
}

/// The stored authority in the shape of the audit diff (the same as [`ea_json`]).
pub(crate) fn stored_ea_json(a: &ElectionAuthority) -> Value {
    json!({
        "name": a.name, "kind": a.kind.as_str(), "county": a.county,
        "fips_code": a.fips_code.as_str(), "population": a.population, "zone_id": a.zone_id,
    })
}

/// A stored contact's editable fields.
pub(crate) fn contact_fields(c: &Contact) -> ContactFields {
    ContactFields {
        name: c.name.clone(),
        role: c.role,
        organisation: c.organisation.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        last_verified_on: c.last_verified_on,
    }
}

/// Finds the zone by name, creating it (and auditing that) when it is new.
pub(crate) async fn zone_id_for(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    name: Option<&str>,
    now: OffsetDateTime,
) -> AppResult<Option<Uuid>> {
    let Some(name) = name else { return Ok(None) };
    if let Some(z) = tx.find_zone(name).await? {
        return Ok(Some(z.id));
    }
    let zone = Zone {
        id: Uuid::new_v4(),
        name: name.to_string(),
    };
    tx.insert_zone(&zone, now).await?;
    audit::Entry::new("zone.create", "zone", zone.id)
        .changes(json!({"name": {"from": null, "to": name}}))
        .record(tx, actor, meta, now)
        .await?;
    Ok(Some(zone.id))
}

/// Replaces the navigators assigned to an authority inside `tx`, with its audit record: the
/// registry's one way to change an assignment (also used when a suggested assignment is applied,
/// so that every move lands in one transaction). Every id must be a navigator.
pub(crate) async fn set_navigators_in(
    tx: &mut Tx,
    cap: &RegistryManager<'_>,
    ea: Uuid,
    navigators: &[Uuid],
    meta: &RequestMeta,
    now: OffsetDateTime,
) -> AppResult<()> {
    tx.get_election_authority(ea).await?;
    for n in navigators {
        let u = tx
            .get_user(*n)
            .await
            .map_err(|_| AppError::invalid("navigators", format!("no account {n}")))?;
        if u.role != Role::Navigator.as_str() {
            return Err(AppError::invalid(
                "navigators",
                format!("{} is not a navigator", u.name),
            ));
        }
    }
    let before: Vec<Uuid> = tx
        .navigators_of(ea)
        .await?
        .into_iter()
        .map(|n| n.0)
        .collect();
    let mut after = navigators.to_vec();
    after.sort();
    after.dedup();
    tx.set_navigators(ea, &after).await?;
    let changes = cybernav_core::audit::diff(
        &json!({"navigators": before}),
        &json!({"navigators": after}),
    );
    audit::Entry::new(
        "election_authority.assign_navigators",
        "election_authority",
        ea,
    )
    .changes(changes)
    .record(tx, cap.actor(), meta, now)
    .await
}

impl App {
    /// A page of election authorities the reader may see, and how many match in all.
    pub async fn list_election_authorities(
        &self,
        reader: &RegistryReader<'_>,
        req: &EaListRequest,
    ) -> AppResult<(Vec<EaListing>, i64)> {
        let scope = reader.actor().ea_scope();
        let all = self.all_authorities().await?;
        let per_page = req.per_page.unwrap_or(25).clamp(1, 200) as usize;
        let page = req.page.unwrap_or(1).max(1) as usize;
        let search = req.search_terms();
        let mut total = 0;
        let mut rows = Vec::with_capacity(per_page);
        let skip = (page - 1).saturating_mul(per_page);
        for l in all
            .iter()
            .filter(|l| scope.contains(l.authority.id) && req.matches(l, search.as_deref()))
        {
            if total >= skip && rows.len() < per_page {
                rows.push(l.clone());
            }
            total += 1;
        }
        Ok((rows, total as i64))
    }

    /// Every election authority, from the cache while the store has not changed.
    pub(crate) async fn all_authorities(&self) -> AppResult<Arc<Vec<EaListing>>> {
        let epoch = self.store.write_epoch();
        if let Some(all) = self.authorities.get(&(), epoch) {
            return Ok(all);
        }
        let mut tx = self.store.read().await?;
        let all = Arc::new(tx.all_election_authorities(&EaScope::All).await?);
        self.authorities.put((), epoch, all.clone());
        Ok(all)
    }

    /// One election authority with its contacts; not found when outside the reader's scope.
    pub async fn election_authority(
        &self,
        reader: &RegistryReader<'_>,
        id: Uuid,
    ) -> AppResult<EaDetail> {
        if !reader.actor().ea_scope().contains(id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.read().await?;
        let listing = tx.get_election_authority(id).await?;
        let today = OffsetDateTime::now_utc().date();
        let contacts = tx
            .list_contacts(id)
            .await?
            .into_iter()
            .map(|c| ContactView {
                stale: is_stale(c.last_verified_on, today, self.config.contact_stale_days),
                contact: c,
            })
            .collect();
        let navigator_ids = listing.navigators.iter().map(|n| n.id).collect();
        Ok(EaDetail {
            listing,
            contacts,
            navigator_ids,
        })
    }

    /// Every zone.
    pub async fn zones(&self) -> AppResult<Vec<Zone>> {
        let mut tx = self.store.read().await?;
        Ok(tx.list_zones().await?)
    }

    /// Every navigator `(id, name)`, for filters and assignment forms.
    pub async fn navigators(&self) -> AppResult<Vec<(Uuid, String)>> {
        let mut tx = self.store.read().await?;
        let users = tx
            .list_users(&UserQuery {
                role: Some(Role::Navigator.as_str().into()),
                election_authority_id: None,
            })
            .await?;
        Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
    }

    /// Creates an election authority.
    pub async fn create_election_authority(
        &self,
        cap: &RegistryManager<'_>,
        input: &ElectionAuthorityInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let fields = input.validate()?;
        let now = now();
        let mut tx = self.store.begin().await?;
        if tx
            .find_election_authority_by_name(&fields.name)
            .await?
            .is_some()
        {
            return Err(AppError::invalid(
                "name",
                "an election authority with this name already exists",
            ));
        }
        let zone_id = zone_id_for(&mut tx, cap.actor(), meta, fields.zone.as_deref(), now).await?;
        let id = Uuid::new_v4();
        tx.insert_election_authority(id, &fields, zone_id, now)
            .await?;
        audit::Entry::new("election_authority.create", "election_authority", id)
            .changes(cybernav_core::audit::diff(
                &Value::Null,
                &ea_json(&fields, zone_id),
            ))
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(id)
    }

    /// Replaces an election authority's fields.
    pub async fn update_election_authority(
        &self,
        cap: &RegistryManager<'_>,
        id: Uuid,
        input: &ElectionAuthorityInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let fields = input.validate()?;
        let now = now();
        let mut tx = self.store.begin().await?;
        let before = tx.get_election_authority(id).await?;
        if let Some(other) = tx.find_election_authority_by_name(&fields.name).await?
            && other.authority.id != id
        {
            return Err(AppError::invalid(
                "name",
                "another election authority has this name",
            ));
        }
        let zone_id = zone_id_for(&mut tx, cap.actor(), meta, fields.zone.as_deref(), now).await?;
        tx.update_election_authority(id, &fields, zone_id, now)
            .await?;
        let changes = cybernav_core::audit::diff(
            &stored_ea_json(&before.authority),
            &ea_json(&fields, zone_id),
        );
        audit::Entry::new("election_authority.update", "election_authority", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Replaces the navigators assigned to an authority. Every id must be a navigator.
    pub async fn assign_navigators(
        &self,
        cap: &RegistryManager<'_>,
        ea: Uuid,
        navigators: &[Uuid],
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        set_navigators_in(&mut tx, cap, ea, navigators, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a contact to an authority.
    pub async fn add_contact(
        &self,
        cap: &ContactEditor<'_>,
        ea: Uuid,
        input: &ContactInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let now = now();
        let fields = input.validate(now)?;
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let id = Uuid::new_v4();
        tx.insert_contact(id, ea, &fields, now).await?;
        let changes = cybernav_core::audit::diff(&Value::Null, &contact_json(&fields));
        audit::Entry::new("contact.create", "contact", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(id)
    }

    /// Loads a contact and checks that the editor may edit its authority's contacts.
    async fn editable_contact(&self, tx: &mut Tx, actor: &Actor, id: Uuid) -> AppResult<Contact> {
        let contact = tx.get_contact(id).await?;
        if actor
            .edit_contacts_of(contact.election_authority_id)
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        Ok(contact)
    }

    /// The authority a contact belongs to (for the caller's permission check).
    pub async fn contact_authority(&self, id: Uuid) -> AppResult<Uuid> {
        let mut tx = self.store.read().await?;
        Ok(tx.get_contact(id).await?.election_authority_id)
    }

    /// Replaces a contact's fields.
    pub async fn update_contact(
        &self,
        cap: &ContactEditor<'_>,
        id: Uuid,
        input: &ContactInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let fields = input.validate(now)?;
        let mut tx = self.store.begin().await?;
        let before = self.editable_contact(&mut tx, cap.actor(), id).await?;
        tx.update_contact(id, &fields, now).await?;
        let changes = cybernav_core::audit::diff(
            &contact_json(&contact_fields(&before)),
            &contact_json(&fields),
        );
        audit::Entry::new("contact.update", "contact", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Records that someone confirmed a contact's details today.
    pub async fn verify_contact(
        &self,
        cap: &ContactEditor<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let c = self.editable_contact(&mut tx, cap.actor(), id).await?;
        let fields = ContactFields {
            last_verified_on: Some(now.date()),
            ..contact_fields(&c)
        };
        tx.update_contact(id, &fields, now).await?;
        let changes = json!({"last_verified_on": {"from": c.last_verified_on.map(|d| d.to_string()), "to": now.date().to_string()}});
        audit::Entry::new("contact.verify", "contact", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Removes a contact.
    pub async fn delete_contact(
        &self,
        cap: &ContactEditor<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let c = self.editable_contact(&mut tx, cap.actor(), id).await?;
        tx.delete_contact(id).await?;
        audit::Entry::new("contact.delete", "contact", id)
            .changes(json!({"name": {"from": c.name, "to": null}}))
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Every partner organisation (the "who to contact" directory, 213.30(a)(9)).
    pub async fn partner_orgs(&self) -> AppResult<Vec<PartnerOrg>> {
        let mut tx = self.store.read().await?;
        Ok(tx.list_partner_orgs().await?)
    }

    /// Adds a partner organisation.
    pub async fn create_partner_org(
        &self,
        cap: &RegistryManager<'_>,
        name: &str,
        kind: &str,
        notes: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", clean_text(name, 200));
        let kind = errors.check("kind", PartnerKind::parse(kind));
        let notes = errors.check("notes", optional_multiline_text(notes, 2000));
        let (Some(name), Some(kind), Some(notes)) = (name, kind, notes) else {
            return Err(AppError::Invalid(errors));
        };
        let now = now();
        let mut tx = self.store.begin().await?;
        let id = Uuid::new_v4();
        match tx
            .insert_partner_org(id, &name, kind, notes.as_deref(), now)
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::invalid(
                    "name",
                    "a partner organisation with this name already exists",
                ));
            }
            other => other?,
        }
        let changes = json!({"name": {"from": null, "to": name}, "kind": {"from": null, "to": kind.as_str()}});
        audit::Entry::new("partner_org.create", "partner_org", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(id)
    }

    /// Contact counts for the dashboard: `(contacts, stale)` within the reader's scope.
    pub async fn contact_health(&self, reader: &RegistryReader<'_>) -> AppResult<(i64, i64)> {
        let cutoff =
            OffsetDateTime::now_utc().date() - time::Duration::days(self.config.contact_stale_days);
        let mut tx = self.store.read().await?;
        Ok(tx
            .contact_counts(&reader.actor().ea_scope(), cutoff)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use cybernav_core::election_authority::{EaKind, ElectionAuthority, FipsCode};
    use cybernav_store::rows::AssignedNavigator;

    use super::*;

    fn listing(name: &str, county: &str, fips: &str, zone: Option<Uuid>) -> EaListing {
        EaListing {
            authority: ElectionAuthority {
                id: Uuid::new_v4(),
                name: name.into(),
                kind: EaKind::CountyClerk,
                county: county.into(),
                fips_code: FipsCode::parse(fips).unwrap_or_else(|e| panic!("{e}")),
                population: None,
                zone_id: zone,
            },
            zone: None,
            navigators: vec![],
        }
    }

    fn request(q: Option<&str>) -> EaListRequest {
        EaListRequest {
            q: q.map(Into::into),
            zone: None,
            navigator: None,
            page: None,
            per_page: None,
        }
    }

    fn hits(req: &EaListRequest, l: &EaListing) -> bool {
        req.matches(l, req.search_terms().as_deref())
    }

    #[test]
    fn search_finds_words_in_name_county_or_fips_whatever_their_case() {
        let de_kalb = listing("DeKalb County Clerk", "DeKalb", "17037", None);
        for q in ["dekalb", "DEKALB", " kalb ", "17037", "037", "county CLERK"] {
            assert!(hits(&request(Some(q)), &de_kalb), "{q:?}");
        }
        for q in ["cook", "17031", "%", "_", "'", "Kalb%"] {
            assert!(!hits(&request(Some(q)), &de_kalb), "{q:?}");
        }
        assert!(hits(&request(Some("   ")), &de_kalb), "blank is no search");
        let odd = listing("O'Brien 100%_ Clerk", "Brown", "17009", None);
        for q in ["'", "100%", "%_", "o'b"] {
            assert!(hits(&request(Some(q)), &odd), "{q:?} is taken literally");
        }
    }

    #[test]
    fn zone_and_navigator_filters_narrow() {
        let zone = Uuid::new_v4();
        let nav = Uuid::new_v4();
        let mut l = listing("Adams County Clerk", "Adams", "17001", Some(zone));
        l.navigators.push(AssignedNavigator {
            id: nav,
            name: "N".into(),
        });
        let mut req = request(None);
        req.zone = Some(zone);
        req.navigator = Some(nav);
        assert!(hits(&req, &l));
        req.zone = Some(Uuid::new_v4());
        assert!(!hits(&req, &l));
        req.zone = None;
        req.navigator = Some(Uuid::new_v4());
        assert!(!hits(&req, &l));
    }
}
