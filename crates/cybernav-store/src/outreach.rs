//! Outreach (Part 213.30(a)(3), (10)): contacts with authorities' officials, events and who
//! attended, and each authority's last contact.

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A contact with an authority's officials, as stored. `notes` may be sensitive: never
/// audited or logged.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ContactLogRow {
    /// Id.
    pub id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// When.
    pub contacted_on: Date,
    /// Kind identifier (`cybernav_core::outreach::ContactKind`).
    pub kind: String,
    /// Who was met.
    pub people_met: String,
    /// What about.
    pub topic: String,
    /// Notes.
    pub notes: Option<String>,
    /// Notes for the program only.
    pub notes_internal: bool,
    /// Follow-up date.
    pub follow_up_on: Option<Date>,
    /// Who logged it (account).
    pub recorded_by: Option<Uuid>,
    /// Who logged it (name).
    pub recorded_by_name: String,
    /// When it was logged.
    pub created_at: OffsetDateTime,
}

/// An event, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    /// Id.
    pub id: Uuid,
    /// When.
    pub held_on: Date,
    /// Kind identifier (`cybernav_core::outreach::EventKind`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Audience.
    pub audience: Option<String>,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: OffsetDateTime,
}

/// One person of one authority who attended an event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AttendanceRow {
    /// Id.
    pub id: Uuid,
    /// The event.
    pub event_id: Uuid,
    /// The authority.
    pub election_authority_id: Uuid,
    /// The person.
    pub person_name: String,
    /// Who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When.
    pub created_at: OffsetDateTime,
}

/// The last contact and last attendance of one authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LastReach {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its latest logged contact.
    pub last_contact: Option<Date>,
    /// The latest event one of its people attended.
    pub last_attendance: Option<Date>,
    /// How many events its people attended (distinct events).
    pub events_attended: i64,
}

const CONTACT_COLUMNS: &str = "id, election_authority_id, contacted_on, kind, people_met, topic, notes, notes_internal, follow_up_on, \
     recorded_by, recorded_by_name, created_at";

impl Tx {
    /// Stores a contact.
    pub async fn insert_contact_log(&mut self, row: &ContactLogRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO outreach_contacts ({CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(row.id)
                .bind(row.election_authority_id)
                .bind(row.contacted_on)
                .bind(&row.kind)
                .bind(&row.people_met)
                .bind(&row.topic)
                .bind(&row.notes)
                .bind(row.notes_internal)
                .bind(row.follow_up_on)
                .bind(row.recorded_by)
                .bind(&row.recorded_by_name)
                .bind(utc(row.created_at))
                .execute(&mut *c)
                .await
                .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Contacts, newest first: of one authority, or of all.
    pub async fn list_contact_logs(
        &mut self,
        authority: Option<Uuid>,
    ) -> StoreResult<Vec<ContactLogRow>> {
        let filter = if authority.is_some() {
            " WHERE election_authority_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM outreach_contacts{filter} ORDER BY contacted_on DESC, created_at DESC, id"
        );
        Ok(with_conn!(self, |c| {
            let mut q = sqlx::query_as(&sql);
            if let Some(a) = authority {
                q = q.bind(a);
            }
            q.fetch_all(&mut *c).await?
        }))
    }

    /// Stores an event.
    pub async fn insert_event(&mut self, row: &EventRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO outreach_events (id, held_on, kind, title, audience, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(row.id)
            .bind(row.held_on)
            .bind(&row.kind)
            .bind(&row.title)
            .bind(&row.audience)
            .bind(row.created_by)
            .bind(utc(row.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// One event.
    pub async fn get_event(&mut self, id: Uuid) -> StoreResult<EventRow> {
        let row: Option<EventRow> = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, held_on, kind, title, audience, created_by, created_at FROM outreach_events WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Every event, newest first.
    pub async fn list_events(&mut self) -> StoreResult<Vec<EventRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, held_on, kind, title, audience, created_by, created_at FROM outreach_events ORDER BY held_on DESC, title, id",
            )
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Records that a person of an authority attended an event. The same person of the same
    /// authority twice is a [`StoreError::Conflict`].
    pub async fn insert_attendance(&mut self, row: &AttendanceRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO event_attendance (id, event_id, election_authority_id, person_name, recorded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(row.id)
            .bind(row.event_id)
            .bind(row.election_authority_id)
            .bind(&row.person_name)
            .bind(row.recorded_by)
            .bind(utc(row.created_at))
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Who attended an event, by authority then name.
    pub async fn list_attendance(&mut self, event: Uuid) -> StoreResult<Vec<AttendanceRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, event_id, election_authority_id, person_name, recorded_by, created_at FROM event_attendance \
                 WHERE event_id = $1 ORDER BY election_authority_id, person_name",
            )
            .bind(event)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Every authority's last contact, last attendance and number of events attended, in one
    /// query (authorities with neither are left out).
    pub async fn last_reach(&mut self) -> StoreResult<Vec<LastReach>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT ea.id AS election_authority_id, \
                   (SELECT MAX(oc.contacted_on) FROM outreach_contacts oc WHERE oc.election_authority_id = ea.id) AS last_contact, \
                   (SELECT MAX(e.held_on) FROM event_attendance a JOIN outreach_events e ON e.id = a.event_id \
                      WHERE a.election_authority_id = ea.id) AS last_attendance, \
                   (SELECT COUNT(DISTINCT a.event_id) FROM event_attendance a WHERE a.election_authority_id = ea.id) AS events_attended \
                 FROM election_authorities ea",
            )
            .fetch_all(&mut *c)
            .await?
        }))
    }
}
