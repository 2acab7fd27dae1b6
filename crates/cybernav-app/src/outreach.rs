//! Outreach (Part 213.30(a)(3), (10)): contacts with each authority's officials, events with
//! attendance, and the "last contact" of every authority so the Program Manager sees who has
//! not been reached in 90 days.
//!
//! A contact's notes may be sensitive: the audit record says that notes were written, never
//! what they say, and notes marked internal are left out for county readers
//! ([`OutreachReader::sees_internal_notes`]).

use std::collections::HashMap;

use cybernav_core::authz::{EventManager, OutreachReader, OutreachRecorder};
use cybernav_core::outreach::{
    ContactKind, ContactLogInput, EventInput, EventKind, attendee_name, latest, not_reached,
};
use cybernav_store::now;
use cybernav_store::outreach::{AttendanceRow, ContactLogRow, EventRow};
use cybernav_store::rows::EaListing;
use cybernav_store::{StoreError, Tx};
use serde::Serialize;
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::directory::actor_name;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// A contact as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactLogEntry {
    /// As stored; `notes` emptied when they are internal and the reader is the county.
    pub row: ContactLogRow,
    /// How.
    pub kind: ContactKind,
    /// The authority's name.
    pub authority_name: String,
}

/// An event with how many attended within the reader's scope.
#[derive(Debug, Clone, Serialize)]
pub struct EventSummary {
    /// As stored.
    pub row: EventRow,
    /// Kind.
    pub kind: EventKind,
    /// People who attended, of the authorities the reader sees.
    pub attendees: usize,
    /// Authorities that attended, of those the reader sees.
    pub authorities: usize,
}

/// One attendee.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceEntry {
    /// As stored.
    pub row: AttendanceRow,
    /// The authority's name.
    pub authority_name: String,
}

/// An event with its attendance (within the reader's scope).
#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    /// The event.
    pub summary: EventSummary,
    /// Who attended, by authority then name.
    pub attendance: Vec<AttendanceEntry>,
}

/// One authority's last contact.
#[derive(Debug, Clone, Serialize)]
pub struct ReachRow {
    /// The authority.
    pub authority: EaListing,
    /// Its latest logged contact.
    pub last_contact: Option<Date>,
    /// The latest event its people attended.
    pub last_attendance: Option<Date>,
    /// The later of the two.
    pub last_reached: Option<Date>,
    /// Events its people attended.
    pub events_attended: i64,
    /// Not reached for more than 90 days (or never).
    pub not_reached: bool,
}

fn corrupt(table: &str, id: Uuid, e: String) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("{table} {id}: {e}")))
}

fn names(all: &[EaListing]) -> HashMap<Uuid, String> {
    all.iter()
        .map(|l| (l.authority.id, l.authority.name.clone()))
        .collect()
}

impl App {
    /// Logs a contact with one authority's officials.
    pub async fn log_outreach_contact(
        &self,
        cap: &OutreachRecorder<'_>,
        input: &ContactLogInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let at = now();
        let f = input.validate(at)?;
        let ea = cap.election_authority();
        if !self
            .all_authorities()
            .await?
            .iter()
            .any(|l| l.authority.id == ea)
        {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        let row = ContactLogRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            contacted_on: f.contacted_on,
            kind: f.kind.as_str().into(),
            people_met: f.people_met,
            topic: f.topic,
            notes: f.notes,
            notes_internal: f.notes_internal,
            follow_up_on: f.follow_up_on,
            recorded_by: cap.actor().account_id(),
            recorded_by_name: actor_name(&mut tx, cap.actor()).await?,
            created_at: at,
        };
        tx.insert_contact_log(&row).await?;
        // The notes may be sensitive: the record says whether there are some, never what.
        audit::Entry::new("outreach.contact", "outreach_contact", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "contacted_on": {"from": null, "to": row.contacted_on.to_string()},
                "kind": {"from": null, "to": row.kind},
                "follow_up_on": {"from": null, "to": row.follow_up_on.map(|d| d.to_string())},
                "notes_written": {"from": null, "to": row.notes.is_some()},
                "notes_internal": {"from": null, "to": row.notes_internal},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Contacts the reader may see, newest first: of one authority (not found outside the
    /// reader's scope) or of every authority in scope.
    pub async fn outreach_contacts(
        &self,
        reader: &OutreachReader<'_>,
        authority: Option<Uuid>,
    ) -> AppResult<Vec<ContactLogEntry>> {
        if let Some(a) = authority
            && !reader.covers(a)
        {
            return Err(AppError::NotFound);
        }
        let names = names(&self.all_authorities().await?);
        let mut tx = self.store.read().await?;
        let rows = tx.list_contact_logs(authority).await?;
        let internal = reader.sees_internal_notes();
        rows.into_iter()
            .filter(|r| reader.covers(r.election_authority_id))
            .map(|mut row| {
                let kind = ContactKind::parse(&row.kind)
                    .map_err(|e| corrupt("outreach_contacts", row.id, e))?;
                if row.notes_internal && !internal {
                    row.notes = None;
                }
                Ok(ContactLogEntry {
                    authority_name: names
                        .get(&row.election_authority_id)
                        .cloned()
                        .unwrap_or_default(),
                    row,
                    kind,
                })
            })
            .collect()
    }

    /// Creates an event.
    pub async fn create_event(
        &self,
        cap: &EventManager<'_>,
        input: &EventInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let f = input.validate()?;
        let at = now();
        let row = EventRow {
            id: Uuid::new_v4(),
            held_on: f.held_on,
            kind: f.kind.as_str().into(),
            title: f.title,
            audience: f.audience,
            created_by: cap.actor().account_id(),
            created_at: at,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_event(&row).await?;
        audit::Entry::new("outreach.event", "outreach_event", row.id)
            .changes(json!({
                "held_on": {"from": null, "to": row.held_on.to_string()},
                "kind": {"from": null, "to": row.kind},
                "title": {"from": null, "to": row.title},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    async fn summarise(
        &self,
        tx: &mut Tx,
        reader: &OutreachReader<'_>,
        row: EventRow,
    ) -> AppResult<(EventSummary, Vec<AttendanceRow>)> {
        let kind =
            EventKind::parse(&row.kind).map_err(|e| corrupt("outreach_events", row.id, e))?;
        let attendance: Vec<AttendanceRow> = tx
            .list_attendance(row.id)
            .await?
            .into_iter()
            .filter(|a| reader.covers(a.election_authority_id))
            .collect();
        let mut authorities: Vec<Uuid> =
            attendance.iter().map(|a| a.election_authority_id).collect();
        authorities.sort_unstable();
        authorities.dedup();
        Ok((
            EventSummary {
                row,
                kind,
                attendees: attendance.len(),
                authorities: authorities.len(),
            },
            attendance,
        ))
    }

    /// Every event, newest first, with attendance counted within the reader's scope.
    pub async fn events(&self, reader: &OutreachReader<'_>) -> AppResult<Vec<EventSummary>> {
        let mut tx = self.store.read().await?;
        let rows = tx.list_events().await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.summarise(&mut tx, reader, row).await?.0);
        }
        Ok(out)
    }

    /// One event with who attended (of the authorities the reader sees).
    pub async fn event(&self, reader: &OutreachReader<'_>, id: Uuid) -> AppResult<EventDetail> {
        let names = names(&self.all_authorities().await?);
        let mut tx = self.store.read().await?;
        let row = tx.get_event(id).await?;
        let (summary, attendance) = self.summarise(&mut tx, reader, row).await?;
        let mut attendance: Vec<AttendanceEntry> = attendance
            .into_iter()
            .map(|row| AttendanceEntry {
                authority_name: names
                    .get(&row.election_authority_id)
                    .cloned()
                    .unwrap_or_default(),
                row,
            })
            .collect();
        attendance.sort_by(|a, b| {
            (&a.authority_name, &a.row.person_name).cmp(&(&b.authority_name, &b.row.person_name))
        });
        Ok(EventDetail {
            summary,
            attendance,
        })
    }

    /// Records that `person` of the recorder's authority attended the event.
    pub async fn record_attendance(
        &self,
        cap: &OutreachRecorder<'_>,
        event: Uuid,
        person: &str,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let person_name = attendee_name(person).map_err(|e| AppError::invalid("person_name", e))?;
        let ea = cap.election_authority();
        if !self
            .all_authorities()
            .await?
            .iter()
            .any(|l| l.authority.id == ea)
        {
            return Err(AppError::invalid(
                "election_authority_id",
                "no such election authority",
            ));
        }
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.get_event(event).await?;
        let row = AttendanceRow {
            id: Uuid::new_v4(),
            event_id: event,
            election_authority_id: ea,
            person_name,
            recorded_by: cap.actor().account_id(),
            created_at: at,
        };
        match tx.insert_attendance(&row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(format!(
                    "{} of this authority is already recorded as attending",
                    row.person_name
                )));
            }
            other => other?,
        }
        audit::Entry::new("outreach.attendance", "outreach_event", event)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "person_name": {"from": null, "to": row.person_name},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Every authority in the reader's scope with its last contact, longest unreached first.
    pub async fn last_contact(
        &self,
        reader: &OutreachReader<'_>,
        today: Date,
    ) -> AppResult<Vec<ReachRow>> {
        let all = self.all_authorities().await?;
        let mut tx = self.store.read().await?;
        let reach: HashMap<Uuid, _> = tx
            .last_reach()
            .await?
            .into_iter()
            .map(|r| (r.election_authority_id, r))
            .collect();
        let mut rows: Vec<ReachRow> = all
            .iter()
            .filter(|l| reader.covers(l.authority.id))
            .map(|l| {
                let r = reach.get(&l.authority.id);
                let last_contact = r.and_then(|r| r.last_contact);
                let last_attendance = r.and_then(|r| r.last_attendance);
                let last_reached = latest(last_contact, last_attendance);
                ReachRow {
                    authority: l.clone(),
                    last_contact,
                    last_attendance,
                    last_reached,
                    events_attended: r.map_or(0, |r| r.events_attended),
                    not_reached: not_reached(last_reached, today),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.last_reached, &a.authority.authority.name)
                .cmp(&(b.last_reached, &b.authority.authority.name))
        });
        Ok(rows)
    }
}
