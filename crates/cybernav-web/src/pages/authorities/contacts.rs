//! An election authority's contacts: add, edit, mark verified, remove.
//!
//! Who may change them, and how a refusal is answered, is `actor.contact_editor_for(authority)`:
//! 404 outside the person's scope, exactly like an id that does not exist, so ids reveal
//! nothing; 403 inside it when their role may only read. For a contact's own pages the authority
//! is looked up first.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::registry::{ContactView, EaDetail};
use cybernav_core::authz::ContactEditor;
use cybernav_core::contact::{ContactInput, ContactRole};
use serde::Deserialize;
use uuid::Uuid;

use super::{authority_href, not_found, reader};
use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::fields::{Field, labels, options, with_errors};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/election-authorities/{id}/contacts/new",
            get(new_contact_page).post(add_contact),
        )
        .route(
            "/contacts/{id}/edit",
            get(edit_contact_page).post(update_contact),
        )
        .route("/contacts/{id}/verify", post(verify_contact))
        .route(
            "/contacts/{id}/delete",
            get(delete_contact_page).post(delete_contact),
        )
}

/// The contact form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ContactForm {
    name: String,
    role: String,
    organisation: String,
    phone: String,
    email: String,
    last_verified_on: String,
}

impl ContactForm {
    fn from_view(v: &ContactView) -> Self {
        let c = &v.contact;
        ContactForm {
            name: c.name.clone(),
            role: c.role.as_str().to_string(),
            organisation: c.organisation.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            email: c
                .email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            last_verified_on: c
                .last_verified_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }

    fn input(&self) -> ContactInput {
        ContactInput {
            name: self.name.clone(),
            role: self.role.clone(),
            organisation: Some(self.organisation.clone()),
            phone: Some(self.phone.clone()),
            email: Some(self.email.clone()),
            last_verified_on: Some(self.last_verified_on.clone()),
        }
    }

    fn fields(&self, errors: &[FormError]) -> Vec<Field> {
        let roles = options(&ContactRole::ALL, ContactRole::as_str, ContactRole::label);
        with_errors(
            vec![
                Field::text("name", "Full name", &self.name).required().autocomplete("off"),
                Field::select("role", "Role", &self.role, roles).required(),
                Field::text("organisation", "Organisation", &self.organisation).hint("When not the election office itself, for example: Adams County IT, or a vendor"),
                Field::text("phone", "Phone", &self.phone).kind("tel").hint("For example: 217-555-0100 ext. 12"),
                Field::text("email", "Email address", &self.email).kind("email"),
                Field::text("last_verified_on", "Last verified", &self.last_verified_on)
                    .kind("date")
                    .hint("The day someone last confirmed these details with the person; leave blank if never"),
            ],
            errors,
        )
    }
}

fn contact_labels() -> Vec<(&'static str, &'static str)> {
    labels(&ContactForm::default().fields(&[]))
}

#[derive(Template)]
#[template(path = "authorities/contact_form.html")]
struct ContactFormPage {
    layout: Layout,
    heading: String,
    authority_name: String,
    authority_href: String,
    action: String,
    submit: &'static str,
    fields: Vec<Field>,
    errors: Vec<FormError>,
}

impl ContactFormPage {
    fn new(
        ctx: &PageCtx,
        session: &SessionInfo,
        detail: &EaDetail,
        editing: Option<&ContactView>,
        form: &ContactForm,
        errors: Vec<FormError>,
    ) -> Self {
        let ea = &detail.listing.authority;
        let (heading, action, submit) = match editing {
            None => (
                "Add a contact".to_string(),
                format!("{}/contacts/new", authority_href(ea.id)),
                "Add contact",
            ),
            Some(v) => (
                format!("Edit {}", v.contact.name),
                format!("/contacts/{}/edit", v.contact.id),
                "Save changes",
            ),
        };
        ContactFormPage {
            layout: ctx.layout(format!("{heading} · {}", ea.name), Some(session)),
            heading,
            authority_name: ea.name.clone(),
            authority_href: authority_href(ea.id),
            action,
            submit,
            fields: form.fields(&errors),
            errors,
        }
    }
}

/// The form again after a refused submission: 422 with the problems marked, or the error
/// page when the refusal is not about the fields.
fn refused(
    ctx: &PageCtx,
    session: &SessionInfo,
    detail: &EaDetail,
    editing: Option<&ContactView>,
    form: &ContactForm,
    e: AppError,
) -> Result<Response, PageError> {
    let errors = form_errors(e, &contact_labels())?;
    Ok(unprocessable(render(&ContactFormPage::new(
        ctx, session, detail, editing, form, errors,
    ))))
}

/// The authority with its contacts, for someone who may edit them: 404 outside the person's
/// scope, 403 inside it when their role may only read.
async fn editable_authority<'a>(
    state: &AppState,
    session: &'a SessionInfo,
    ea: Uuid,
) -> Result<(EaDetail, ContactEditor<'a>), PageError> {
    let actor = &session.actor;
    let detail = state.app.election_authority(&reader(actor)?, ea).await?;
    let editor = actor.contact_editor_for(ea).map_err(AppError::from)?;
    Ok((detail, editor))
}

/// The authority of a contact the person may edit, and the capability to edit it; 404 outside
/// their scope, 403 inside it when their role may only read.
async fn contact_editor<'a>(
    state: &AppState,
    session: &'a SessionInfo,
    id: Uuid,
) -> Result<(Uuid, ContactEditor<'a>), PageError> {
    let ea = state.app.contact_authority(id).await?;
    let editor = session
        .actor
        .contact_editor_for(ea)
        .map_err(AppError::from)?;
    Ok((ea, editor))
}

/// A contact the person may edit, with its authority; refused as [`contact_editor`] does.
async fn editable_contact<'a>(
    state: &AppState,
    session: &'a SessionInfo,
    id: Uuid,
) -> Result<(EaDetail, ContactView, ContactEditor<'a>), PageError> {
    let (ea, editor) = contact_editor(state, session, id).await?;
    let mut detail = state
        .app
        .election_authority(&reader(&session.actor)?, ea)
        .await?;
    let position = detail
        .contacts
        .iter()
        .position(|c| c.contact.id == id)
        .ok_or_else(not_found)?;
    let view = detail.contacts.remove(position);
    Ok((detail, view, editor))
}

/// `GET /election-authorities/{id}/contacts/new`.
async fn new_contact_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (detail, _) = editable_authority(&state, &session, parse_id(&id)?).await?;
    let form = ContactForm {
        role: ContactRole::ElectionOfficial.as_str().into(),
        ..Default::default()
    };
    Ok(render(&ContactFormPage::new(
        &ctx,
        &session,
        &detail,
        None,
        &form,
        Vec::new(),
    )))
}

/// `POST /election-authorities/{id}/contacts/new`.
async fn add_contact(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let (detail, editor) = editable_authority(&state, &session, ea).await?;
    match state
        .app
        .add_contact(&editor, ea, &form.input(), &meta)
        .await
    {
        Ok(_) => Ok(see_other(&authority_href(ea), "contact_added")),
        Err(e) => refused(&ctx, &session, &detail, None, &form, e),
    }
}

/// `GET /contacts/{id}/edit`.
async fn edit_contact_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (detail, view, _) = editable_contact(&state, &session, parse_id(&id)?).await?;
    let form = ContactForm::from_view(&view);
    Ok(render(&ContactFormPage::new(
        &ctx,
        &session,
        &detail,
        Some(&view),
        &form,
        Vec::new(),
    )))
}

/// `POST /contacts/{id}/edit`.
async fn update_contact(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (detail, view, editor) = editable_contact(&state, &session, id).await?;
    match state
        .app
        .update_contact(&editor, id, &form.input(), &meta)
        .await
    {
        Ok(()) => Ok(see_other(
            &authority_href(detail.listing.authority.id),
            "saved",
        )),
        Err(e) => refused(&ctx, &session, &detail, Some(&view), &form, e),
    }
}

/// `POST /contacts/{id}/verify`: someone confirmed the details today.
async fn verify_contact(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (ea, editor) = contact_editor(&state, &session, id).await?;
    state.app.verify_contact(&editor, id, &meta).await?;
    Ok(see_other(&authority_href(ea), "verified"))
}

#[derive(Template)]
#[template(path = "authorities/contact_delete.html")]
struct DeletePage {
    layout: Layout,
    contact_id: Uuid,
    contact_name: String,
    role: &'static str,
    authority_name: String,
    authority_href: String,
}

/// `GET /contacts/{id}/delete`: asks before removing (no script confirm dialogs).
async fn delete_contact_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (detail, view, _) = editable_contact(&state, &session, parse_id(&id)?).await?;
    let ea = &detail.listing.authority;
    Ok(render(&DeletePage {
        layout: ctx.layout(format!("Remove {}", view.contact.name), Some(&session)),
        contact_id: view.contact.id,
        contact_name: view.contact.name.clone(),
        role: view.contact.role.label(),
        authority_name: ea.name.clone(),
        authority_href: authority_href(ea.id),
    }))
}

/// `POST /contacts/{id}/delete`.
async fn delete_contact(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (ea, editor) = contact_editor(&state, &session, id).await?;
    state.app.delete_contact(&editor, id, &meta).await?;
    Ok(see_other(&authority_href(ea), "contact_removed"))
}
