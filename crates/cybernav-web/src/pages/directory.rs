//! Incident-response directory pages (Part 213.30(a)(9)): `/directory` (the entries that apply
//! to the reader, "needs checking" flags, verify buttons, the exports), the add and edit forms
//! for the Board and the Program Manager, and `/authorities/{id}/incident-card`, the printable
//! one-page card of an authority.
//!
//! Handlers only translate: the rules are in `cybernav-core::directory` and
//! `cybernav-app::directory`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::directory::{DirectoryEntry, IncidentCard};
use cybernav_core::authz::Actor;
use cybernav_core::directory::{EntryInput, EntryKind, FIRST_STEPS, NEEDS_CHECKING_DAYS};
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
        .route("/directory", get(list_page).post(create))
        .route("/directory/new", get(new_page))
        .route("/directory.csv", get(export_csv))
        .route("/directory.json", get(export_json))
        .route("/directory/{id}", post(update))
        .route("/directory/{id}/edit", get(edit_page))
        .route("/directory/{id}/verify", post(verify))
        .route("/directory/{id}/delete", post(delete))
        .route("/authorities/{id}/incident-card", get(card_page))
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Template)]
#[template(path = "directory/list.html")]
struct ListPage {
    layout: Layout,
    entries: Vec<DirectoryEntry>,
    may_edit: bool,
    may_verify: bool,
    stale_days: i64,
    needs_checking: usize,
}

impl ListPage {
    fn verified(&self, e: &DirectoryEntry) -> String {
        match (&e.row.last_verified_on, &e.row.verified_by_name) {
            (Some(d), Some(n)) => format!("{d} by {n}"),
            (Some(d), None) => d.to_string(),
            _ => "Never".into(),
        }
    }
}

/// `GET /directory`: the entries that apply to the reader, in escalation order.
async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_directory();
    let entries = state.app.directory(&reader).await?;
    let needs_checking = entries.iter().filter(|e| e.needs_checking).count();
    Ok(render(&ListPage {
        layout: ctx.layout("Incident-response directory", Some(&session)),
        may_edit: reader.may_edit(),
        may_verify: reader.may_verify(),
        stale_days: NEEDS_CHECKING_DAYS,
        needs_checking,
        entries,
    }))
}

/// `GET /directory.csv`: what the reader sees, as CSV.
async fn export_csv(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_directory();
    let csv = state.app.directory_csv(&reader).await?;
    Ok(crate::api::directory::csv_response(csv))
}

/// `GET /directory.json`: what the reader sees, as the API's JSON.
async fn export_json(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let reader = session.actor.read_directory();
    let entries: Vec<crate::api::directory::DirectoryItem> = state
        .app
        .directory(&reader)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let body = serde_json::to_string_pretty(&serde_json::json!({ "entries": entries }))
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incident-response-directory.json\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Add and edit

#[derive(Debug, Clone, Default, Deserialize)]
struct EntryForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    kind: String,
    /// `statewide`, `zone:<id>` or `authority:<id>`.
    #[serde(default)]
    scope: String,
    #[serde(default)]
    phone_24x7: String,
    #[serde(default)]
    business_phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    secure_channel: String,
    #[serde(default)]
    call_for: String,
    #[serde(default)]
    escalation_order: String,
    #[serde(default)]
    last_verified_on: String,
}

impl EntryForm {
    fn of(e: &DirectoryEntry) -> EntryForm {
        let r = &e.row;
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        EntryForm {
            organisation: r.organisation.clone(),
            kind: r.kind.clone(),
            scope: match e.scope.id() {
                Some(id) => format!("{}:{id}", e.scope.kind_str()),
                None => "statewide".into(),
            },
            phone_24x7: o(&r.phone_24x7),
            business_phone: o(&r.business_phone),
            email: o(&r.email),
            secure_channel: o(&r.secure_channel),
            call_for: o(&r.call_for),
            escalation_order: r.escalation_order.to_string(),
            last_verified_on: r
                .last_verified_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }

    fn input(&self) -> EntryInput {
        let (scope, scope_id) = match self.scope.split_once(':') {
            Some((k, id)) => (k.to_string(), Some(id.to_string())),
            None => (self.scope.clone(), None),
        };
        let some = |s: &str| Some(s.to_string());
        EntryInput {
            organisation: self.organisation.clone(),
            kind: self.kind.clone(),
            scope,
            scope_id,
            phone_24x7: some(&self.phone_24x7),
            business_phone: some(&self.business_phone),
            email: some(&self.email),
            secure_channel: some(&self.secure_channel),
            call_for: some(&self.call_for),
            escalation_order: some(&self.escalation_order),
            last_verified_on: some(&self.last_verified_on),
        }
    }

    async fn fields(&self, state: &AppState, actor: &Actor) -> Result<Vec<Field>, PageError> {
        let mut scopes = vec![("statewide".to_string(), "Statewide".to_string())];
        for z in state.app.zones().await? {
            scopes.push((format!("zone:{}", z.id), format!("{} zone", z.name)));
        }
        let reader = actor.read_registry().ok_or(AppError::Forbidden)?;
        let (authorities, _) = state
            .app
            .list_election_authorities(
                &reader,
                &cybernav_app::registry::EaListRequest {
                    per_page: Some(200),
                    ..Default::default()
                },
            )
            .await?;
        for a in authorities {
            scopes.push((
                format!("authority:{}", a.authority.id),
                a.authority.name.clone(),
            ));
        }
        let mut kinds = vec![(String::new(), "- Select -".to_string())];
        kinds.extend(options(
            &EntryKind::ALL,
            EntryKind::as_str,
            EntryKind::label,
        ));
        Ok(vec![
            Field::text("organisation", "Organisation", &self.organisation)
                .required()
                .hint("For example: Statewide Terrorism and Intelligence Center"),
            Field::select("kind", "Kind", &self.kind, kinds).required(),
            Field::select("scope", "Applies to", &self.scope, scopes)
                .required()
                .hint("Statewide, one navigator zone, or one election authority"),
            Field::text("phone_24x7", "24/7 phone", &self.phone_24x7)
                .kind("tel")
                .hint("For example: +1 217-555-0100, or 217-555-0100 ext. 12"),
            Field::text(
                "business_phone",
                "Business-hours phone",
                &self.business_phone,
            )
            .kind("tel"),
            Field::text("email", "E-mail", &self.email).kind("email"),
            Field::text("secure_channel", "Secure channel", &self.secure_channel).hint(
                "For example: HSIN Election Security community, Signal group, MS-ISAC portal",
            ),
            Field::textarea("call_for", "What to call them for", &self.call_for),
            Field::text(
                "escalation_order",
                "Escalation order",
                &self.escalation_order,
            )
            .required()
            .inputmode("numeric")
            .hint("1 is called first"),
            Field::text(
                "last_verified_on",
                "Last verified on",
                &self.last_verified_on,
            )
            .kind("date")
            .hint("When someone last confirmed these details, as YYYY-MM-DD"),
        ])
    }
}

#[derive(Template)]
#[template(path = "directory/form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    submit: &'static str,
    fields: Vec<Field>,
    errors: Vec<FormError>,
    delete_action: Option<String>,
}

/// Which field of the form a problem belongs to: `scope_id` is part of the "Applies to" select.
fn page_errors(e: AppError, fields: &[Field]) -> Result<Vec<FormError>, PageError> {
    let mut errors = form_errors(e, &labels(fields))?;
    for e in &mut errors {
        if e.field == "scope_id" {
            e.field = "scope".into();
            e.label = "Applies to".into();
        }
    }
    Ok(errors)
}

async fn form_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Option<Uuid>,
    form: &EntryForm,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let fields = with_errors(form.fields(state, &session.actor).await?, &errors);
    let heading = if id.is_some() {
        format!("Change {}", form.organisation)
    } else {
        "Add a directory entry".to_string()
    };
    let failing = !errors.is_empty();
    let r = render(&FormPage {
        layout: ctx.layout(heading.clone(), Some(session)),
        heading,
        action: id.map_or_else(|| "/directory".into(), |id| format!("/directory/{id}")),
        submit: if id.is_some() {
            "Save changes"
        } else {
            "Add entry"
        },
        fields,
        errors,
        delete_action: id.map(|id| format!("/directory/{id}/delete")),
    });
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /directory/new`: the add form (Board, Program Manager).
async fn new_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    session.actor.edit_directory().ok_or(AppError::Forbidden)?;
    let form = EntryForm {
        scope: "statewide".into(),
        ..Default::default()
    };
    form_view(&state, &ctx, &session, None, &form, Vec::new()).await
}

/// `POST /directory`: adds an entry.
async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.edit_directory().ok_or(AppError::Forbidden)?;
    match state
        .app
        .create_directory_entry(&cap, &f.input(), &meta)
        .await
    {
        Ok(id) => Ok(see_other(
            &format!("/directory#entry-{id}"),
            "directory_added",
        )),
        Err(e) => {
            let errors = page_errors(e, &f.fields(&state, &session.actor).await?)?;
            form_view(&state, &ctx, &session, None, &f, errors).await
        }
    }
}

/// `GET /directory/{id}/edit`: the edit form (Board, Program Manager).
async fn edit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let entry = state
        .app
        .directory_entry(&session.actor.read_directory(), id)
        .await?;
    session.actor.edit_directory().ok_or(AppError::Forbidden)?;
    form_view(
        &state,
        &ctx,
        &session,
        Some(id),
        &EntryForm::of(&entry),
        Vec::new(),
    )
    .await
}

/// `POST /directory/{id}`: saves changes.
async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .app
        .directory_entry(&session.actor.read_directory(), id)
        .await?;
    let cap = session.actor.edit_directory().ok_or(AppError::Forbidden)?;
    match state
        .app
        .update_directory_entry(&cap, id, &f.input(), &meta)
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("/directory#entry-{id}"),
            "directory_saved",
        )),
        Err(e) => {
            let errors = page_errors(e, &f.fields(&state, &session.actor).await?)?;
            form_view(&state, &ctx, &session, Some(id), &f, errors).await
        }
    }
}

/// `POST /directory/{id}/verify`: marks the entry verified today.
async fn verify(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .app
        .directory_entry(&session.actor.read_directory(), id)
        .await?;
    let cap = session
        .actor
        .verify_directory()
        .ok_or(AppError::Forbidden)?;
    state.app.verify_directory_entry(&cap, id, &meta).await?;
    Ok(see_other(
        &format!("/directory#entry-{id}"),
        "directory_verified",
    ))
}

/// `POST /directory/{id}/delete`: removes the entry.
async fn delete(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .app
        .directory_entry(&session.actor.read_directory(), id)
        .await?;
    let cap = session.actor.edit_directory().ok_or(AppError::Forbidden)?;
    state.app.delete_directory_entry(&cap, id, &meta).await?;
    Ok(see_other("/directory", "directory_deleted"))
}

// ---------------------------------------------------------------------------------------------
// The incident card

#[derive(Template)]
#[template(path = "directory/card.html")]
struct CardPage {
    layout: Layout,
    card: IncidentCard,
    steps: &'static [&'static str],
}

/// `GET /authorities/{id}/incident-card`: the one-page card to print and keep by the phone.
async fn card_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session.actor.read_incident_card(id)?;
    let card = state.app.incident_card(&cap).await?;
    Ok(render(&CardPage {
        layout: ctx.layout(
            format!("Incident card: {}", card.authority.authority.name),
            Some(&session),
        ),
        card,
        steps: &FIRST_STEPS,
    }))
}
