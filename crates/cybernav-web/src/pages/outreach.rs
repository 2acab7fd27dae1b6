//! Outreach pages (Part 213.30(a)(3), (10)): `/outreach` (every authority's last contact,
//! who has not been reached in 90 days, the contacts logged, the log form, the events) and
//! `/events/{id}` (an event with who attended, and the attendance form).
//!
//! Handlers only translate: the rules are in `cybernav-core::outreach` and
//! `cybernav-app::outreach`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::outreach::{ContactLogEntry, EventDetail, EventSummary, ReachRow};
use cybernav_core::outreach::{
    ContactKind, ContactLogInput, EventInput, EventKind, NOT_REACHED_DAYS,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::fields::{Field, labels, options, with_errors};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/outreach", get(outreach_page))
        .route("/outreach/contacts", post(log_contact))
        .route("/events", post(create_event))
        .route("/events/{id}", get(event_page))
        .route("/events/{id}/attendance", post(record_attendance))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct OutreachQuery {
    #[serde(default)]
    authority: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ContactForm {
    #[serde(default)]
    election_authority_id: String,
    #[serde(default)]
    contacted_on: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    people_met: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    notes_internal: Option<String>,
    #[serde(default)]
    follow_up_on: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct EventForm {
    #[serde(default)]
    held_on: String,
    /// Named apart from the contact form's `kind`: both forms are on one page.
    #[serde(default)]
    event_kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    audience: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct AttendanceForm {
    #[serde(default)]
    election_authority_id: String,
    #[serde(default)]
    person_name: String,
}

fn blank(label: &str) -> Vec<(String, String)> {
    vec![(String::new(), label.to_string())]
}

/// The authorities (id, name) the actor may log outreach for, among those in `rows`.
fn recordable(session: &SessionInfo, rows: &[ReachRow]) -> Vec<(String, String)> {
    rows.iter()
        .filter(|r| {
            session
                .actor
                .record_outreach_of(r.authority.authority.id)
                .is_ok()
        })
        .map(|r| {
            (
                r.authority.authority.id.to_string(),
                r.authority.authority.name.clone(),
            )
        })
        .collect()
}

fn contact_fields(f: &ContactForm, authorities: Vec<(String, String)>) -> Vec<Field> {
    let mut a = blank("- Select -");
    a.extend(authorities);
    let mut kinds = blank("- Select -");
    kinds.extend(options(
        &ContactKind::ALL,
        ContactKind::as_str,
        ContactKind::label,
    ));
    vec![
        Field::select(
            "election_authority_id",
            "Election authority",
            &f.election_authority_id,
            a,
        )
        .required(),
        Field::text("contacted_on", "Date", &f.contacted_on)
            .kind("date")
            .required()
            .hint("YYYY-MM-DD, today or earlier"),
        Field::select("kind", "How", &f.kind, kinds).required(),
        Field::text("people_met", "People met or spoken to", &f.people_met)
            .required()
            .hint("Names and roles, for example: Pat Clerk (county clerk), Sam Lee (IT)"),
        Field::text("topic", "Topic", &f.topic).required(),
        Field::textarea("notes", "Notes", &f.notes)
            .hint("May be sensitive: never copied into the audit log. Tick the box below to keep them from the county."),
        Field::select(
            "notes_internal",
            "Who may read the notes",
            if f.notes_internal.as_deref() == Some("yes") {
                "yes"
            } else {
                ""
            },
            vec![
                (String::new(), "The program and the county".into()),
                ("yes".into(), "The program only (internal)".into()),
            ],
        ),
        Field::text("follow_up_on", "Follow up on", &f.follow_up_on)
            .kind("date")
            .hint("YYYY-MM-DD; leave blank when nothing is to follow"),
    ]
}

fn event_fields(f: &EventForm) -> Vec<Field> {
    let mut kinds = blank("- Select -");
    kinds.extend(options(
        &EventKind::ALL,
        EventKind::as_str,
        EventKind::label,
    ));
    vec![
        Field::text("held_on", "Date", &f.held_on)
            .kind("date")
            .required()
            .hint("YYYY-MM-DD"),
        Field::select("event_kind", "Kind of event", &f.event_kind, kinds).required(),
        Field::text("title", "Title", &f.title).required(),
        Field::text("audience", "Audience", &f.audience)
            .hint("For example: county clerks and their IT staff"),
    ]
}

#[derive(Template)]
#[template(path = "outreach/index.html")]
struct OutreachPage {
    layout: Layout,
    /// The authority the contacts are filtered to, with its name.
    authority: Option<(Uuid, String)>,
    reach: Vec<ReachRow>,
    not_reached: usize,
    days: i64,
    contacts: Vec<ContactLogEntry>,
    events: Vec<EventSummary>,
    contact_fields: Vec<Field>,
    event_fields: Vec<Field>,
    contact_errors: Vec<FormError>,
    event_errors: Vec<FormError>,
    sees_internal: bool,
    /// Whether the "last contact" list is worth showing (more than one authority in scope).
    program_view: bool,
}

impl OutreachPage {
    fn date(&self, d: &Option<time::Date>) -> String {
        d.map_or_else(|| "Never".into(), |d| d.to_string())
    }
}

struct Forms {
    contact: ContactForm,
    event: EventForm,
    contact_errors: Vec<FormError>,
    event_errors: Vec<FormError>,
}

async fn outreach_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    authority: Option<Uuid>,
    forms: Forms,
) -> Result<Response, PageError> {
    let reader = session.actor.read_outreach().ok_or(AppError::Forbidden)?;
    let today = cybernav_app::store::now().date();
    let reach = state.app.last_contact(&reader, today).await?;
    let contacts = state.app.outreach_contacts(&reader, authority).await?;
    let events = state.app.events(&reader).await?;
    let authority = authority.map(|a| {
        let name = reach
            .iter()
            .find(|r| r.authority.authority.id == a)
            .map(|r| r.authority.authority.name.clone())
            .unwrap_or_default();
        (a, name)
    });
    let recordable = recordable(session, &reach);
    let mut contact = forms.contact;
    if contact.election_authority_id.is_empty()
        && let Some((a, _)) = &authority
    {
        contact.election_authority_id = a.to_string();
    }
    let contact_fields = if recordable.is_empty() {
        Vec::new()
    } else {
        with_errors(contact_fields(&contact, recordable), &forms.contact_errors)
    };
    let event_fields = if session.actor.manage_events().is_some() {
        with_errors(event_fields(&forms.event), &forms.event_errors)
    } else {
        Vec::new()
    };
    let failing = !forms.contact_errors.is_empty() || !forms.event_errors.is_empty();
    let r = render(&OutreachPage {
        layout: ctx.layout("Outreach", Some(session)),
        authority,
        not_reached: reach.iter().filter(|r| r.not_reached).count(),
        program_view: reach.len() > 1,
        reach,
        days: NOT_REACHED_DAYS,
        contacts,
        events,
        contact_fields,
        event_fields,
        contact_errors: forms.contact_errors,
        event_errors: forms.event_errors,
        sees_internal: reader.sees_internal_notes(),
    });
    Ok(if failing { unprocessable(r) } else { r })
}

fn empty_forms() -> Forms {
    Forms {
        contact: ContactForm::default(),
        event: EventForm::default(),
        contact_errors: Vec::new(),
        event_errors: Vec::new(),
    }
}

/// `GET /outreach`: last contact per authority, contacts, events.
async fn outreach_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Query(q): Query<OutreachQuery>,
) -> Result<Response, PageError> {
    let authority = match q.authority.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(parse_id(raw)?),
    };
    outreach_view(&state, &ctx, &session, authority, empty_forms()).await
}

/// `POST /outreach/contacts`: logs a contact.
async fn log_contact(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<ContactForm>,
) -> Result<Response, PageError> {
    session.actor.read_outreach().ok_or(AppError::Forbidden)?;
    let fail = |errors: Vec<FormError>, f: ContactForm| Forms {
        contact: f,
        event: EventForm::default(),
        contact_errors: errors,
        event_errors: Vec::new(),
    };
    let Ok(ea) = Uuid::parse_str(f.election_authority_id.trim()) else {
        let errors = vec![FormError {
            field: "election_authority_id".into(),
            label: "Election authority".into(),
            message: "choose the election authority".into(),
        }];
        return outreach_view(&state, &ctx, &session, None, fail(errors, f)).await;
    };
    let cap = session.actor.record_outreach_of(ea)?;
    let input = ContactLogInput {
        contacted_on: f.contacted_on.clone(),
        kind: f.kind.clone(),
        people_met: f.people_met.clone(),
        topic: f.topic.clone(),
        notes: Some(f.notes.clone()),
        notes_internal: f.notes_internal.as_deref() == Some("yes"),
        follow_up_on: Some(f.follow_up_on.clone()),
    };
    match state.app.log_outreach_contact(&cap, &input, &meta).await {
        Ok(_) => Ok(see_other(
            &format!("/outreach?authority={ea}#contacts"),
            "outreach_logged",
        )),
        Err(e) => {
            let errors = form_errors(e, &labels(&contact_fields(&f, Vec::new())))?;
            outreach_view(&state, &ctx, &session, Some(ea), fail(errors, f)).await
        }
    }
}

/// `POST /events`: creates an event.
async fn create_event(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<EventForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.manage_events().ok_or(AppError::Forbidden)?;
    let input = EventInput {
        held_on: f.held_on.clone(),
        kind: f.event_kind.clone(),
        title: f.title.clone(),
        audience: Some(f.audience.clone()),
    };
    match state.app.create_event(&cap, &input, &meta).await {
        Ok(id) => Ok(see_other(&format!("/events/{id}"), "event_created")),
        Err(e) => {
            let mut errors = form_errors(e, &labels(&event_fields(&f)))?;
            for e in &mut errors {
                if e.field == "kind" {
                    e.field = "event_kind".into();
                    e.label = "Kind of event".into();
                }
            }
            let forms = Forms {
                contact: ContactForm::default(),
                event: f,
                contact_errors: Vec::new(),
                event_errors: errors,
            };
            outreach_view(&state, &ctx, &session, None, forms).await
        }
    }
}

#[derive(Template)]
#[template(path = "outreach/event.html")]
struct EventPage {
    layout: Layout,
    event: EventDetail,
    fields: Vec<Field>,
    errors: Vec<FormError>,
}

async fn event_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    form: AttendanceForm,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_outreach().ok_or(AppError::Forbidden)?;
    let event = state.app.event(&reader, id).await?;
    let reach = state
        .app
        .last_contact(&reader, cybernav_app::store::now().date())
        .await?;
    let authorities = recordable(session, &reach);
    let fields = if authorities.is_empty() {
        Vec::new()
    } else {
        let mut a = blank("- Select -");
        a.extend(authorities);
        with_errors(
            vec![
                Field::select(
                    "election_authority_id",
                    "Election authority",
                    &form.election_authority_id,
                    a,
                )
                .required(),
                Field::text(
                    "person_name",
                    "Name of the person who attended",
                    &form.person_name,
                )
                .required()
                .autocomplete("off"),
            ],
            &errors,
        )
    };
    let failing = !errors.is_empty();
    let r = render(&EventPage {
        layout: ctx.layout(event.summary.row.title.clone(), Some(session)),
        event,
        fields,
        errors,
    });
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /events/{id}`: an event with who attended.
async fn event_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    event_view(
        &state,
        &ctx,
        &session,
        id,
        AttendanceForm::default(),
        Vec::new(),
    )
    .await
}

const ATTENDANCE_LABELS: &[(&str, &str)] = &[
    ("election_authority_id", "Election authority"),
    ("person_name", "Name of the person who attended"),
];

/// `POST /events/{id}/attendance`: records that someone attended.
async fn record_attendance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<AttendanceForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let reader = session.actor.read_outreach().ok_or(AppError::Forbidden)?;
    state.app.event(&reader, id).await?;
    let Ok(ea) = Uuid::parse_str(f.election_authority_id.trim()) else {
        let errors = vec![FormError {
            field: "election_authority_id".into(),
            label: "Election authority".into(),
            message: "choose the election authority".into(),
        }];
        return event_view(&state, &ctx, &session, id, f, errors).await;
    };
    let cap = session.actor.record_outreach_of(ea)?;
    match state
        .app
        .record_attendance(&cap, id, &f.person_name, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/events/{id}#attendance"),
            "attendance_recorded",
        )),
        Err(AppError::Conflict(message)) => {
            let errors = vec![FormError {
                field: "person_name".into(),
                label: "Name of the person who attended".into(),
                message,
            }];
            event_view(&state, &ctx, &session, id, f, errors).await
        }
        Err(e) => {
            let errors = form_errors(e, ATTENDANCE_LABELS)?;
            event_view(&state, &ctx, &session, id, f, errors).await
        }
    }
}
