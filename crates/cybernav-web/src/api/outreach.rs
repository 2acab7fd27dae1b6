//! Outreach (Part 213.30(a)(3), (10)): contacts with authorities' officials, events and
//! attendance, and every authority's last contact.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::outreach::{ContactLogEntry, EventDetail, EventSummary, ReachRow};
use cybernav_core::outreach::{ContactKind, ContactLogInput, EventInput, EventKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn contact_kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        ContactKind::ALL.map(ContactKind::as_str),
        "How they were reached.",
    )
}

fn event_kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(EventKind::ALL.map(EventKind::as_str), "What kind of event.")
}

/// A contact with an authority's officials.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachContactItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// When.
    #[schema(format = Date)]
    pub contacted_on: String,
    /// How.
    #[schema(schema_with = contact_kind_schema)]
    pub kind: String,
    /// Who was met.
    pub people_met: String,
    /// What about.
    pub topic: String,
    /// Notes; `null` for county readers when they are internal.
    pub notes: Option<String>,
    /// Whether the notes are for the program only.
    pub notes_internal: bool,
    /// When to follow up.
    #[schema(format = Date)]
    pub follow_up_on: Option<String>,
    /// Who logged it.
    pub recorded_by: String,
}

impl From<ContactLogEntry> for OutreachContactItem {
    fn from(e: ContactLogEntry) -> Self {
        let r = e.row;
        OutreachContactItem {
            id: r.id,
            election_authority: r.election_authority_id,
            election_authority_name: e.authority_name,
            contacted_on: super::date_string(r.contacted_on),
            kind: e.kind.as_str().into(),
            people_met: r.people_met,
            topic: r.topic,
            notes: r.notes,
            notes_internal: r.notes_internal,
            follow_up_on: r.follow_up_on.map(super::date_string),
            recorded_by: r.recorded_by_name,
        }
    }
}

/// One contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachContactResponse {
    /// The contact.
    pub contact: OutreachContactItem,
}

/// Contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachContactList {
    /// Newest first.
    pub contacts: Vec<OutreachContactItem>,
    /// How many.
    pub meta: PageMeta,
}

/// A contact to log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachContactRequest {
    /// The election authority.
    pub election_authority_id: Uuid,
    /// When (`YYYY-MM-DD`, not in the future).
    pub contacted_on: String,
    /// How.
    #[schema(schema_with = contact_kind_schema)]
    pub kind: String,
    /// Who was met or spoken to.
    pub people_met: String,
    /// What about.
    pub topic: String,
    /// Notes (never in the audit log).
    #[serde(default)]
    pub notes: Option<String>,
    /// Whether the notes are for the program only.
    #[serde(default)]
    pub notes_internal: bool,
    /// When to follow up (`YYYY-MM-DD`).
    #[serde(default)]
    pub follow_up_on: Option<String>,
}

/// The contacts' filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    /// Only this authority's contacts.
    pub election_authority_id: Option<Uuid>,
}

/// One authority's last contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastContactItem {
    /// The election authority.
    pub election_authority: Uuid,
    /// Its name.
    pub name: String,
    /// Its latest logged contact.
    #[schema(format = Date)]
    pub last_contact: Option<String>,
    /// The latest event its people attended.
    #[schema(format = Date)]
    pub last_attendance: Option<String>,
    /// The later of the two.
    #[schema(format = Date)]
    pub last_reached: Option<String>,
    /// How many events its people attended.
    pub events_attended: i64,
    /// Not reached for more than 90 days, or never.
    pub not_reached: bool,
}

impl From<ReachRow> for LastContactItem {
    fn from(r: ReachRow) -> Self {
        LastContactItem {
            election_authority: r.authority.authority.id,
            name: r.authority.authority.name,
            last_contact: r.last_contact.map(super::date_string),
            last_attendance: r.last_attendance.map(super::date_string),
            last_reached: r.last_reached.map(super::date_string),
            events_attended: r.events_attended,
            not_reached: r.not_reached,
        }
    }
}

/// Every authority in the caller's scope, longest unreached first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastContactList {
    /// Authorities.
    pub authorities: Vec<LastContactItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One attendee.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceItem {
    /// Id.
    pub id: Uuid,
    /// The election authority.
    pub election_authority: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The person.
    pub person_name: String,
}

/// An event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventItem {
    /// Id.
    pub id: Uuid,
    /// When.
    #[schema(format = Date)]
    pub held_on: String,
    /// Kind.
    #[schema(schema_with = event_kind_schema)]
    pub kind: String,
    /// Title.
    pub title: String,
    /// Who it is for.
    pub audience: Option<String>,
    /// People who attended, of the authorities the caller sees.
    pub attendees: usize,
    /// Authorities that attended, of those the caller sees.
    pub authorities: usize,
    /// Who attended (only on the single event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Vec<AttendanceItem>>,
}

impl From<EventSummary> for EventItem {
    fn from(s: EventSummary) -> Self {
        EventItem {
            id: s.row.id,
            held_on: super::date_string(s.row.held_on),
            kind: s.kind.as_str().into(),
            title: s.row.title,
            audience: s.row.audience,
            attendees: s.attendees,
            authorities: s.authorities,
            attendance: None,
        }
    }
}

impl From<EventDetail> for EventItem {
    fn from(d: EventDetail) -> Self {
        let mut item = EventItem::from(d.summary);
        item.attendance = Some(
            d.attendance
                .into_iter()
                .map(|a| AttendanceItem {
                    id: a.row.id,
                    election_authority: a.row.election_authority_id,
                    election_authority_name: a.authority_name,
                    person_name: a.row.person_name,
                })
                .collect(),
        );
        item
    }
}

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    /// The event.
    pub event: EventItem,
}

/// Events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// Newest first.
    pub events: Vec<EventItem>,
    /// How many.
    pub meta: PageMeta,
}

/// An event to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// When (`YYYY-MM-DD`).
    pub held_on: String,
    /// Kind.
    #[schema(schema_with = event_kind_schema)]
    pub kind: String,
    /// Title.
    pub title: String,
    /// Who it is for.
    #[serde(default)]
    pub audience: Option<String>,
}

/// Someone who attended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    /// Their election authority.
    pub election_authority_id: Uuid,
    /// Their name.
    pub person_name: String,
}

/// The event, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    pub id: Uuid,
}

#[utoipa::path(
    get,
    path = "/api/v1/outreach/contacts",
    tag = "outreach",
    params(ContactsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Contacts in the caller's scope, newest first", body = OutreachContactList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "Partners see no outreach", body = ApiErrorBody),
        (status = 404, description = "The authority is not in the caller's scope", body = ApiErrorBody),
    )
)]
pub async fn list_outreach_contacts(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ContactsQuery>,
) -> Result<Json<OutreachContactList>, ApiError> {
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    let contacts: Vec<OutreachContactItem> = state
        .app
        .outreach_contacts(&reader, q.election_authority_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(OutreachContactList {
        meta: PageMeta::whole(contacts.len()),
        contacts,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/outreach/contacts",
    tag = "outreach",
    request_body = OutreachContactRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Logged", body = OutreachContactResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller sees the authority but may not log its outreach", body = ApiErrorBody),
        (status = 404, description = "The authority is not in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_outreach_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<OutreachContactRequest>,
) -> Result<(StatusCode, Json<OutreachContactResponse>), ApiError> {
    let cap = caller
        .0
        .record_outreach_of(body.election_authority_id)
        .map_err(AppError::from)?;
    let input = ContactLogInput {
        contacted_on: body.contacted_on,
        kind: body.kind,
        people_met: body.people_met,
        topic: body.topic,
        notes: body.notes,
        notes_internal: body.notes_internal,
        follow_up_on: body.follow_up_on,
    };
    let id = state.app.log_outreach_contact(&cap, &input, &meta).await?;
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    let contact = state
        .app
        .outreach_contacts(&reader, Some(body.election_authority_id))
        .await?
        .into_iter()
        .find(|c| c.row.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(OutreachContactResponse {
            contact: contact.into(),
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/outreach/last-contact",
    tag = "outreach",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every authority in the caller's scope with its last contact, longest unreached first", body = LastContactList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "Partners see no outreach", body = ApiErrorBody),
    )
)]
pub async fn list_last_contact(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<LastContactList>, ApiError> {
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    let authorities: Vec<LastContactItem> = state
        .app
        .last_contact(&reader, cybernav_app::store::now().date())
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(LastContactList {
        meta: PageMeta::whole(authorities.len()),
        authorities,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "outreach",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Events, newest first", body = EventList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "Partners see no outreach", body = ApiErrorBody),
    )
)]
pub async fn list_events(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<EventList>, ApiError> {
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    let events: Vec<EventItem> = state
        .app
        .events(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(EventList {
        meta: PageMeta::whole(events.len()),
        events,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/events",
    tag = "outreach",
    request_body = EventRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = EventResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not create events", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_event(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(body): ApiJson<EventRequest>,
) -> Result<(StatusCode, Json<EventResponse>), ApiError> {
    let cap = caller.0.manage_events().ok_or(AppError::Forbidden)?;
    let input = EventInput {
        held_on: body.held_on,
        kind: body.kind,
        title: body.title,
        audience: body.audience,
    };
    let id = state.app.create_event(&cap, &input, &meta).await?;
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    Ok((
        StatusCode::CREATED,
        Json(EventResponse {
            event: state.app.event(&reader, id).await?.into(),
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    tag = "outreach",
    params(EventPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The event with who attended (of the authorities the caller sees)", body = EventResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "Partners see no outreach", body = ApiErrorBody),
        (status = 404, description = "No such event", body = ApiErrorBody),
    )
)]
pub async fn get_event(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(EventPath { id }): ApiPath<EventPath>,
) -> Result<Json<EventResponse>, ApiError> {
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    Ok(Json(EventResponse {
        event: state.app.event(&reader, id).await?.into(),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/attendance",
    tag = "outreach",
    params(EventPath),
    request_body = AttendanceRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = EventResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller sees the authority but may not record its attendance", body = ApiErrorBody),
        (status = 404, description = "No such event, or the authority is not in the caller's scope", body = ApiErrorBody),
        (status = 409, description = "The person is already recorded", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_attendance(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(EventPath { id }): ApiPath<EventPath>,
    ApiJson(body): ApiJson<AttendanceRequest>,
) -> Result<(StatusCode, Json<EventResponse>), ApiError> {
    let cap = caller
        .0
        .record_outreach_of(body.election_authority_id)
        .map_err(AppError::from)?;
    state
        .app
        .record_attendance(&cap, id, &body.person_name, &meta)
        .await?;
    let reader = caller.0.read_outreach().ok_or(AppError::Forbidden)?;
    Ok((
        StatusCode::CREATED,
        Json(EventResponse {
            event: state.app.event(&reader, id).await?.into(),
        }),
    ))
}
