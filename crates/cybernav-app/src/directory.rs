//! The incident-response directory (Part 213.30(a)(9)) and the one-page incident card of each
//! election authority.
//!
//! Who sees which entry is [`DirectoryReader::view`]: the Board, the Program Manager and
//! auditors all; partners the statewide ones; county users and navigators the statewide ones,
//! those of their authorities' zones and those of their authorities. "Needs checking" is
//! computed on every read from the last verification date (`cybernav_core::directory`).

use std::collections::{HashMap, HashSet};

use cybernav_core::authz::{
    Actor, DirectoryEditor, DirectoryReader, DirectoryVerifier, DirectoryView, IncidentCardReader,
};
use cybernav_core::directory::{EntryFields, EntryInput, EntryKind, Scope, needs_checking};
use cybernav_core::role::Role;
use cybernav_formats::spreadsheet::guard;
use cybernav_store::directory::DirectoryRow;
use cybernav_store::rows::EaListing;
use cybernav_store::users::UserQuery;
use cybernav_store::{StoreError, Tx, now};
use serde::Serialize;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// An entry as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryEntry {
    /// As stored.
    pub row: DirectoryRow,
    /// Its kind.
    pub kind: EntryKind,
    /// Where it applies.
    pub scope: Scope,
    /// "Statewide", the zone's name or the authority's name.
    pub scope_name: String,
    /// Not verified for more than 180 days (or never).
    pub needs_checking: bool,
}

impl DirectoryEntry {
    /// The entry's id.
    pub fn id(&self) -> Uuid {
        self.row.id
    }
}

/// A person to call on the card.
#[derive(Debug, Clone, Serialize)]
pub struct CardPerson {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// One authority's incident card.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentCard {
    /// The authority.
    pub authority: EaListing,
    /// The entries that apply to it, in escalation order.
    pub entries: Vec<DirectoryEntry>,
    /// Its navigators.
    pub navigators: Vec<CardPerson>,
    /// The Program Manager(s).
    pub program_managers: Vec<CardPerson>,
    /// The day it was printed (UTC).
    pub printed_on: Date,
}

/// The columns of the directory export, in order.
pub const CSV_COLUMNS: [&str; 14] = [
    "id",
    "organisation",
    "kind",
    "scope",
    "scope_name",
    "phone_24x7",
    "business_phone",
    "email",
    "secure_channel",
    "call_for",
    "escalation_order",
    "last_verified_on",
    "verified_by",
    "needs_checking",
];

fn corrupt(row: &DirectoryRow, e: String) -> AppError {
    AppError::Store(StoreError::Corrupt(format!(
        "directory_entries {}: {e}",
        row.id
    )))
}

/// The name to record for an actor: their account's name, or their e-mail label.
pub(crate) async fn actor_name(tx: &mut Tx, actor: &Actor) -> AppResult<String> {
    match actor.account_id() {
        Some(id) => Ok(tx.get_user(id).await?.name),
        None => Ok(actor.email.clone()),
    }
}

fn audit_fields(f: &EntryFields) -> serde_json::Value {
    json!({
        "organisation": f.organisation,
        "kind": f.kind.as_str(),
        "scope": f.scope.kind_str(),
        "scope_id": f.scope.id().map(|i| i.to_string()),
        "phone_24x7": f.phone_24x7,
        "business_phone": f.business_phone,
        "email": f.email.as_ref().map(|e| e.as_str().to_string()),
        "secure_channel": f.secure_channel,
        "escalation_order": f.escalation_order,
        "last_verified_on": f.last_verified_on.map(|d| d.to_string()),
    })
}

impl App {
    /// Turns a stored row into what readers see, naming its scope.
    fn directory_entry_of(
        &self,
        row: DirectoryRow,
        zones: &HashMap<Uuid, String>,
        authorities: &[EaListing],
        today: Date,
    ) -> AppResult<DirectoryEntry> {
        let kind = EntryKind::parse(&row.kind).map_err(|e| corrupt(&row, e))?;
        let scope = Scope::from_parts(&row.scope_kind, row.zone_id.or(row.election_authority_id))
            .map_err(|e| corrupt(&row, e))?;
        let scope_name = match scope {
            Scope::Statewide => "Statewide".to_string(),
            Scope::Zone(z) => format!("{} zone", zones.get(&z).map_or("Unknown", String::as_str)),
            Scope::Authority(a) => authorities
                .iter()
                .find(|l| l.authority.id == a)
                .map_or_else(|| "Unknown authority".into(), |l| l.authority.name.clone()),
        };
        Ok(DirectoryEntry {
            needs_checking: needs_checking(row.last_verified_on, today),
            row,
            kind,
            scope,
            scope_name,
        })
    }

    /// Every entry with its scope named, unfiltered.
    async fn all_directory_entries(&self) -> AppResult<(Vec<DirectoryEntry>, Vec<EaListing>)> {
        let authorities = self.all_authorities().await?;
        let zones: HashMap<Uuid, String> = self
            .zones()
            .await?
            .into_iter()
            .map(|z| (z.id, z.name))
            .collect();
        let mut tx = self.store.read().await?;
        let rows = tx.list_directory_entries().await?;
        drop(tx);
        let today = now().date();
        let entries = rows
            .into_iter()
            .map(|r| self.directory_entry_of(r, &zones, &authorities, today))
            .collect::<AppResult<Vec<_>>>()?;
        Ok((entries, authorities.as_ref().clone()))
    }

    /// The entries `reader` sees, in escalation order.
    pub async fn directory(&self, reader: &DirectoryReader<'_>) -> AppResult<Vec<DirectoryEntry>> {
        let (entries, authorities) = self.all_directory_entries().await?;
        let view = reader.view();
        Ok(entries
            .into_iter()
            .filter(|e| visible(&view, e.scope, &authorities))
            .collect())
    }

    /// One entry, not found when the reader does not see it.
    pub async fn directory_entry(
        &self,
        reader: &DirectoryReader<'_>,
        id: Uuid,
    ) -> AppResult<DirectoryEntry> {
        self.directory(reader)
            .await?
            .into_iter()
            .find(|e| e.id() == id)
            .ok_or(AppError::NotFound)
    }

    /// Checks that the scope names a zone or authority that exists.
    async fn check_scope(&self, scope: Scope) -> AppResult<()> {
        let exists = match scope {
            Scope::Statewide => true,
            Scope::Zone(z) => self.zones().await?.iter().any(|zone| zone.id == z),
            Scope::Authority(a) => self
                .all_authorities()
                .await?
                .iter()
                .any(|l| l.authority.id == a),
        };
        if exists {
            Ok(())
        } else {
            Err(AppError::invalid(
                "scope_id",
                format!(
                    "no such {}",
                    match scope {
                        Scope::Zone(_) => "zone",
                        _ => "election authority",
                    }
                ),
            ))
        }
    }

    /// Adds an entry. A verification date given is recorded as the editor's.
    pub async fn create_directory_entry(
        &self,
        cap: &DirectoryEditor<'_>,
        input: &EntryInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let at = now();
        let f = input.validate(at)?;
        self.check_scope(f.scope).await?;
        let mut tx = self.store.begin().await?;
        let name = actor_name(&mut tx, cap.actor()).await?;
        let row = row_of(Uuid::new_v4(), &f, cap.actor(), &name, at, None);
        tx.insert_directory_entry(&row).await?;
        audit::Entry::new("directory.create", "directory_entry", row.id)
            .changes(cybernav_core::audit::diff(&json!({}), &audit_fields(&f)))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Changes an entry. A changed verification date is recorded as the editor's; an unchanged
    /// one keeps who verified it.
    pub async fn update_directory_entry(
        &self,
        cap: &DirectoryEditor<'_>,
        id: Uuid,
        input: &EntryInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let f = input.validate(at)?;
        self.check_scope(f.scope).await?;
        let mut tx = self.store.begin().await?;
        let before = tx.get_directory_entry(id).await?;
        let name = actor_name(&mut tx, cap.actor()).await?;
        let row = row_of(id, &f, cap.actor(), &name, at, Some(&before));
        tx.update_directory_entry(&row).await?;
        let before_fields = json!({
            "organisation": before.organisation,
            "kind": before.kind,
            "scope": before.scope_kind,
            "scope_id": before.zone_id.or(before.election_authority_id).map(|i| i.to_string()),
            "phone_24x7": before.phone_24x7,
            "business_phone": before.business_phone,
            "email": before.email,
            "secure_channel": before.secure_channel,
            "escalation_order": before.escalation_order,
            "last_verified_on": before.last_verified_on.map(|d| d.to_string()),
        });
        audit::Entry::new("directory.update", "directory_entry", id)
            .changes(cybernav_core::audit::diff(
                &before_fields,
                &audit_fields(&f),
            ))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(())
    }

    /// Removes an entry.
    pub async fn delete_directory_entry(
        &self,
        cap: &DirectoryEditor<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let before = tx.get_directory_entry(id).await?;
        tx.delete_directory_entry(id).await?;
        audit::Entry::new("directory.delete", "directory_entry", id)
            .changes(json!({"organisation": {"from": before.organisation, "to": null}}))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(())
    }

    /// Marks an entry verified today by the verifier, who must see it (a navigator: an entry
    /// of their authorities, their zones or statewide).
    pub async fn verify_directory_entry(
        &self,
        cap: &DirectoryVerifier<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let reader = cap.actor().read_directory();
        self.directory_entry(&reader, id).await?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let mut row = tx.get_directory_entry(id).await?;
        let name = actor_name(&mut tx, cap.actor()).await?;
        let from = row.last_verified_on.map(|d| d.to_string());
        row.last_verified_on = Some(at.date());
        row.verified_by = cap.actor().account_id();
        row.verified_by_name = Some(name);
        row.updated_at = at;
        tx.update_directory_entry(&row).await?;
        audit::Entry::new("directory.verify", "directory_entry", id)
            .changes(json!({"last_verified_on": {"from": from, "to": at.date().to_string()}}))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(())
    }

    /// The directory the reader sees, as CSV (spreadsheet formulas guarded).
    pub async fn directory_csv(&self, reader: &DirectoryReader<'_>) -> AppResult<String> {
        let entries = self.directory(reader).await?;
        let csv_err = |e: csv::Error| AppError::Store(StoreError::Corrupt(format!("csv: {e}")));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(CSV_COLUMNS).map_err(csv_err)?;
        for e in &entries {
            let r = &e.row;
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            let cells = [
                r.id.to_string(),
                r.organisation.clone(),
                r.kind.clone(),
                r.scope_kind.clone(),
                e.scope_name.clone(),
                o(&r.phone_24x7),
                o(&r.business_phone),
                o(&r.email),
                o(&r.secure_channel),
                o(&r.call_for),
                r.escalation_order.to_string(),
                r.last_verified_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                o(&r.verified_by_name),
                e.needs_checking.to_string(),
            ];
            w.write_record(cells.iter().map(|c| guard(c).into_owned()))
                .map_err(csv_err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))?;
        String::from_utf8(bytes)
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))
    }

    /// The incident card of one authority: the entries that apply to it in escalation order,
    /// its navigators and the Program Manager.
    pub async fn incident_card(&self, cap: &IncidentCardReader<'_>) -> AppResult<IncidentCard> {
        let ea = cap.election_authority();
        let (entries, authorities) = self.all_directory_entries().await?;
        let authority = authorities
            .iter()
            .find(|l| l.authority.id == ea)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let zone = authority.authority.zone_id;
        let entries = entries
            .into_iter()
            .filter(|e| e.scope.applies_to(ea, zone))
            .collect();
        let mut tx = self.store.read().await?;
        let mut navigators = Vec::new();
        for n in &authority.navigators {
            let u = tx.get_user(n.id).await?;
            navigators.push(CardPerson {
                name: u.name,
                email: u.email,
            });
        }
        let program_managers = tx
            .list_users(&UserQuery {
                role: Some(Role::ProgramManager.as_str().into()),
                election_authority_id: None,
            })
            .await?
            .into_iter()
            .filter(|u| u.status == "active")
            .map(|u| CardPerson {
                name: u.name,
                email: u.email,
            })
            .collect();
        Ok(IncidentCard {
            authority,
            entries,
            navigators,
            program_managers,
            printed_on: now().date(),
        })
    }
}

/// Whether an entry of `scope` is seen under `view`.
fn visible(view: &DirectoryView, scope: Scope, authorities: &[EaListing]) -> bool {
    match view {
        DirectoryView::All => true,
        DirectoryView::StatewideOnly => scope == Scope::Statewide,
        DirectoryView::Authorities(ids) => {
            let mine: HashSet<Uuid> = ids.iter().copied().collect();
            authorities
                .iter()
                .filter(|l| mine.contains(&l.authority.id))
                .any(|l| scope.applies_to(l.authority.id, l.authority.zone_id))
                || scope == Scope::Statewide
        }
    }
}

fn row_of(
    id: Uuid,
    f: &EntryFields,
    actor: &Actor,
    name: &str,
    at: time::OffsetDateTime,
    before: Option<&DirectoryRow>,
) -> DirectoryRow {
    let (zone_id, election_authority_id) = match f.scope {
        Scope::Statewide => (None, None),
        Scope::Zone(z) => (Some(z), None),
        Scope::Authority(a) => (None, Some(a)),
    };
    let (verified_by, verified_by_name) = match (before, f.last_verified_on) {
        (Some(b), d) if b.last_verified_on == d => (b.verified_by, b.verified_by_name.clone()),
        (_, Some(_)) => (actor.account_id(), Some(name.to_string())),
        (_, None) => (None, None),
    };
    DirectoryRow {
        id,
        organisation: f.organisation.clone(),
        kind: f.kind.as_str().into(),
        scope_kind: f.scope.kind_str().into(),
        zone_id,
        election_authority_id,
        phone_24x7: f.phone_24x7.clone(),
        business_phone: f.business_phone.clone(),
        email: f.email.as_ref().map(|e| e.as_str().to_string()),
        secure_channel: f.secure_channel.clone(),
        call_for: f.call_for.clone(),
        escalation_order: i32::try_from(f.escalation_order).unwrap_or(i32::MAX),
        last_verified_on: f.last_verified_on,
        verified_by,
        verified_by_name,
        created_at: before.map_or(at, |b| b.created_at),
        updated_at: at,
    }
}
