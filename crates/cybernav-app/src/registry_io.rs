//! Importing and exporting the registry as CSV files (election authorities with their
//! navigators, and contacts), for the Program Manager's spreadsheets.
//!
//! The file format is `cybernav_formats::registry_csv`; this module adds what needs the
//! database. An import is all or nothing: every problem in the file (by line and column) and
//! every name that does not resolve (a navigator's e-mail, an authority's name) is reported at
//! once and nothing is stored; otherwise every row is upserted in one transaction, each change
//! with its audit record, plus one record that summarises the import.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use cybernav_core::authz::{Actor, EaScope, RegistryManager, RegistryReader};
use cybernav_core::contact::{Contact, ContactFields};
use cybernav_core::email::EmailAddress;
use cybernav_core::role::Role;
use cybernav_core::{FieldError, FieldErrors};
use cybernav_formats::registry_csv::{
    AuthorityExport, AuthorityRow, ContactExport, ContactRow, CsvErrors, parse_authorities_csv,
    parse_contacts_csv, write_authorities_csv, write_contacts_csv,
};
use cybernav_store::rows::EaListing;
use cybernav_store::{StoreError, Tx, now};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::registry::{contact_fields, contact_json, ea_json, stored_ea_json, zone_id_for};
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The files' columns and row limit, for pages that explain the format.
pub use cybernav_formats::registry_csv::{AUTHORITY_COLUMNS, CONTACT_COLUMNS, MAX_ROWS};

/// What an import did, row by row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Rows that added something new.
    pub created: usize,
    /// Rows that changed something that existed.
    pub updated: usize,
    /// Rows that matched what was stored already.
    pub unchanged: usize,
}

impl ImportSummary {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// What one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Where a problem is, as the error list shows it: `line 4, column fips_code`.
fn location(line: u64, column: Option<&str>) -> String {
    match column {
        Some(column) => format!("line {line}, column {column}"),
        None => format!("line {line}"),
    }
}

/// The file's problems as field errors, the field being the line and column.
fn csv_errors(e: CsvErrors) -> AppError {
    let errors =
        e.0.into_iter()
            .map(|e| FieldError::new(location(e.line, e.column.as_deref()), e.message))
            .collect();
    AppError::Invalid(FieldErrors(errors))
}

/// Every election authority, keyed by lower-cased name (names are matched ignoring case).
async fn authorities_by_name(tx: &mut Tx) -> AppResult<HashMap<String, EaListing>> {
    let all = tx.all_election_authorities(&EaScope::All).await?;
    Ok(all
        .into_iter()
        .map(|ea| (ea.authority.name.to_lowercase(), ea))
        .collect())
}

/// Resolves every row's navigator e-mails to navigator accounts, or reports every address
/// that is not one.
async fn resolve_navigators(tx: &mut Tx, rows: &[AuthorityRow]) -> AppResult<Vec<Vec<Uuid>>> {
    let mut known: HashMap<EmailAddress, Result<Uuid, String>> = HashMap::new();
    let mut errors = FieldErrors::new();
    let mut resolved = Vec::with_capacity(rows.len());
    for row in rows {
        let mut ids = Vec::with_capacity(row.navigators.len());
        for email in &row.navigators {
            if !known.contains_key(email) {
                let found = navigator_account(tx, email).await?;
                known.insert(email.clone(), found);
            }
            match known.get(email) {
                Some(Ok(id)) => ids.push(*id),
                Some(Err(message)) => {
                    errors.add(location(row.line, Some("navigators")), message.clone());
                }
                None => {}
            }
        }
        ids.sort();
        resolved.push(ids);
    }
    errors.into_result(|| resolved).map_err(AppError::Invalid)
}

/// The navigator account with this e-mail, or why there is none.
async fn navigator_account(tx: &mut Tx, email: &EmailAddress) -> AppResult<Result<Uuid, String>> {
    Ok(match tx.find_user_by_email(email.as_str()).await? {
        None => Err(format!(
            "no account has the e-mail address '{email}'; invite the navigator first"
        )),
        Some(u) if u.role == Role::Navigator.as_str() => Ok(u.id),
        Some(_) => Err(format!("'{email}' is not a Cyber Navigator's account")),
    })
}

/// Creates or updates one authority and its navigator assignments.
async fn upsert_authority(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    existing: Option<&EaListing>,
    row: &AuthorityRow,
    navigators: &[Uuid],
    now: OffsetDateTime,
) -> AppResult<Outcome> {
    let zone_id = zone_id_for(tx, actor, meta, row.fields.zone.as_deref(), now).await?;
    let after = ea_json(&row.fields, zone_id);
    let (id, before, outcome) = match existing {
        None => {
            let id = Uuid::new_v4();
            tx.insert_election_authority(id, &row.fields, zone_id, now)
                .await?;
            (id, Value::Null, Outcome::Created)
        }
        Some(ea) => {
            let before = stored_ea_json(&ea.authority);
            if before != after {
                tx.update_election_authority(ea.authority.id, &row.fields, zone_id, now)
                    .await?;
            }
            (ea.authority.id, before, Outcome::Unchanged)
        }
    };
    let mut changed = outcome == Outcome::Created;
    if before != after {
        let action = if changed {
            "election_authority.create"
        } else {
            "election_authority.update"
        };
        let changes = cybernav_core::audit::diff(&before, &after);
        audit::Entry::new(action, "election_authority", id)
            .changes(changes)
            .record(tx, actor, meta, now)
            .await?;
        changed = true;
    }
    let navigators_before: Vec<Uuid> = {
        let mut ids: Vec<Uuid> = tx
            .navigators_of(id)
            .await?
            .into_iter()
            .map(|n| n.0)
            .collect();
        ids.sort();
        ids
    };
    if navigators_before != navigators {
        tx.set_navigators(id, navigators).await?;
        let changes = cybernav_core::audit::diff(
            &json!({ "navigators": navigators_before }),
            &json!({ "navigators": navigators }),
        );
        audit::Entry::new(
            "election_authority.assign_navigators",
            "election_authority",
            id,
        )
        .changes(changes)
        .record(tx, actor, meta, now)
        .await?;
        changed = true;
    }
    Ok(match (outcome, changed) {
        (Outcome::Created, _) => Outcome::Created,
        (_, true) => Outcome::Updated,
        (_, false) => Outcome::Unchanged,
    })
}

/// Finds the authority of every contact row by name, or reports every name that is unknown.
fn resolve_authorities(
    rows: &[ContactRow],
    authorities: &HashMap<String, EaListing>,
) -> AppResult<Vec<Uuid>> {
    let mut errors = FieldErrors::new();
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        match authorities.get(&row.authority.to_lowercase()) {
            Some(ea) => ids.push(ea.authority.id),
            None => errors.add(
                location(row.line, Some("authority")),
                format!(
                    "no election authority is named '{}'; check the spelling against the list of \
                     election authorities, or import the authorities first",
                    row.authority
                ),
            ),
        }
    }
    errors.into_result(|| ids).map_err(AppError::Invalid)
}

/// Creates or updates one contact, matched by (authority, role, name ignoring case).
async fn upsert_contact(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    existing: &[Contact],
    ea: Uuid,
    fields: &ContactFields,
    now: OffsetDateTime,
) -> AppResult<Outcome> {
    let same = existing
        .iter()
        .find(|c| c.role == fields.role && c.name.to_lowercase() == fields.name.to_lowercase());
    match same {
        None => {
            let id = Uuid::new_v4();
            tx.insert_contact(id, ea, fields, now).await?;
            let changes = cybernav_core::audit::diff(&Value::Null, &contact_json(fields));
            audit::Entry::new("contact.create", "contact", id)
                .changes(changes)
                .record(tx, actor, meta, now)
                .await?;
            Ok(Outcome::Created)
        }
        Some(c) if contact_fields(c) == *fields => Ok(Outcome::Unchanged),
        Some(c) => {
            tx.update_contact(c.id, fields, now).await?;
            let changes = cybernav_core::audit::diff(
                &contact_json(&contact_fields(c)),
                &contact_json(fields),
            );
            audit::Entry::new("contact.update", "contact", c.id)
                .changes(changes)
                .record(tx, actor, meta, now)
                .await?;
            Ok(Outcome::Updated)
        }
    }
}

/// Records the import as a whole.
async fn record_import(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    file: &str,
    summary: ImportSummary,
    now: OffsetDateTime,
) -> AppResult<()> {
    let changes = json!({
        "file": file, "created": summary.created, "updated": summary.updated,
        "unchanged": summary.unchanged,
    });
    audit::record(
        tx,
        actor,
        meta,
        "registry.import",
        "registry",
        None,
        changes,
        now,
    )
    .await
}

/// A CSV writer failed; writing to memory only fails on a bug, so this is an internal error.
fn export_failed(e: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Corrupt(format!(
        "writing the CSV export failed: {e}"
    )))
}

impl App {
    /// Imports an election-authorities CSV file: upserts each authority by name (ignoring
    /// case), creating zones by name, and sets its navigators to exactly those the row lists
    /// (by e-mail; each must be a navigator's account). All or nothing.
    pub async fn import_authorities_csv(
        &self,
        cap: &RegistryManager<'_>,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<ImportSummary> {
        let rows = parse_authorities_csv(bytes).map_err(csv_errors)?;
        let now = now();
        let mut tx = self.store.begin().await?;
        let navigators = resolve_navigators(&mut tx, &rows).await?;
        let existing = authorities_by_name(&mut tx).await?;
        let mut summary = ImportSummary::default();
        for (row, navs) in rows.iter().zip(&navigators) {
            let found = existing.get(&row.fields.name.to_lowercase());
            let outcome =
                upsert_authority(&mut tx, cap.actor(), meta, found, row, navs, now).await?;
            summary.count(outcome);
        }
        record_import(
            &mut tx,
            cap.actor(),
            meta,
            "election_authorities",
            summary,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Imports a contacts CSV file: upserts each contact by (authority name, role, contact
    /// name), ignoring case in the names. Every authority must exist. All or nothing.
    pub async fn import_contacts_csv(
        &self,
        cap: &RegistryManager<'_>,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<ImportSummary> {
        let now = now();
        let rows = parse_contacts_csv(bytes, now).map_err(csv_errors)?;
        let mut tx = self.store.begin().await?;
        let authorities = authorities_by_name(&mut tx).await?;
        let ea_ids = resolve_authorities(&rows, &authorities)?;
        let mut contacts: HashMap<Uuid, Vec<Contact>> = HashMap::new();
        let mut summary = ImportSummary::default();
        for (row, ea) in rows.iter().zip(ea_ids) {
            // Each (authority, role, name) appears once in a valid file, so the contacts as
            // they were before the import are the right ones to match against.
            let existing = match contacts.entry(ea) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(tx.list_contacts(ea).await?),
            };
            let outcome =
                upsert_contact(&mut tx, cap.actor(), meta, existing, ea, &row.fields, now).await?;
            summary.count(outcome);
        }
        record_import(&mut tx, cap.actor(), meta, "contacts", summary, now).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// The election authorities the reader may see, as a CSV file that
    /// [`App::import_authorities_csv`] reads back unchanged.
    pub async fn export_authorities_csv(&self, reader: &RegistryReader<'_>) -> AppResult<Vec<u8>> {
        let mut tx = self.store.read().await?;
        let listings = tx
            .all_election_authorities(&reader.actor().ea_scope())
            .await?;
        let mut rows = Vec::with_capacity(listings.len());
        for ea in listings {
            let mut navigators = Vec::new();
            for (id, _, email) in tx.navigators_of(ea.authority.id).await? {
                let email = EmailAddress::parse(&email).map_err(|e| {
                    AppError::Store(StoreError::Corrupt(format!("users {id}: field email: {e}")))
                })?;
                navigators.push(email);
            }
            let a = ea.authority;
            rows.push(AuthorityExport {
                name: a.name,
                kind: a.kind,
                county: a.county,
                fips_code: a.fips_code,
                population: a.population,
                zone: ea.zone,
                navigators,
            });
        }
        let mut out = Vec::new();
        write_authorities_csv(&mut out, &rows).map_err(export_failed)?;
        Ok(out)
    }

    /// The contacts of the election authorities the reader may see, as a CSV file that
    /// [`App::import_contacts_csv`] reads back unchanged.
    pub async fn export_contacts_csv(&self, reader: &RegistryReader<'_>) -> AppResult<Vec<u8>> {
        let mut tx = self.store.read().await?;
        let listings = tx
            .all_election_authorities(&reader.actor().ea_scope())
            .await?;
        let mut rows = Vec::new();
        for ea in listings {
            for c in tx.list_contacts(ea.authority.id).await? {
                rows.push(ContactExport {
                    authority: ea.authority.name.clone(),
                    fields: contact_fields(&c),
                });
            }
        }
        let mut out = Vec::new();
        write_contacts_csv(&mut out, &rows).map_err(export_failed)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cybernav_formats::registry_csv::CsvError;

    #[test]
    fn csv_errors_name_line_and_column() {
        let e = csv_errors(CsvErrors(vec![
            CsvError::new(3, Some("fips_code"), "bad"),
            CsvError::new(1, None, "missing column zone"),
        ]));
        let AppError::Invalid(fields) = e else {
            panic!("expected Invalid")
        };
        let got: Vec<(String, String)> =
            fields.0.into_iter().map(|f| (f.field, f.message)).collect();
        assert_eq!(
            got,
            [
                ("line 3, column fips_code".to_string(), "bad".to_string()),
                ("line 1".to_string(), "missing column zone".to_string()),
            ]
        );
    }
}
