//! "Who to contact": the directory of vetted partner organisations to call in an attack
//! (213.30(a)(9): the fusion center, FBI, CISA, the ISAC, the state IT department, the
//! National Guard). Everyone signed in may read it; the Board and the Program Manager add to
//! it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::store::rows::PartnerOrg;
use cybernav_core::partner::PartnerKind;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::fields::{Field, labels, options, with_errors};
use crate::pages::{FormError, form_errors, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partners", get(list_partners))
        .route("/partners/new", get(new_partner_page).post(create_partner))
}

/// A partner organisation as the directory shows it.
#[derive(Debug, Clone)]
struct PartnerView {
    name: String,
    kind: &'static str,
    notes: Option<String>,
}

impl From<PartnerOrg> for PartnerView {
    fn from(p: PartnerOrg) -> Self {
        PartnerView {
            name: p.name,
            kind: p.kind.label(),
            notes: p.notes,
        }
    }
}

#[derive(Template)]
#[template(path = "partners/list.html")]
struct PartnersPage {
    layout: Layout,
    partners: Vec<PartnerView>,
    can_manage: bool,
}

/// `GET /partners`.
async fn list_partners(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let partners = state
        .app
        .partner_orgs()
        .await?
        .into_iter()
        .map(PartnerView::from)
        .collect();
    Ok(render(&PartnersPage {
        layout: ctx.layout("Who to contact", Some(&session)),
        partners,
        can_manage: session.actor.manage_registry().is_some(),
    }))
}

/// The partner form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PartnerForm {
    name: String,
    kind: String,
    notes: String,
}

impl PartnerForm {
    fn fields(&self, errors: &[FormError]) -> Vec<Field> {
        let kinds = options(&PartnerKind::ALL, PartnerKind::as_str, PartnerKind::label);
        with_errors(
            vec![
                Field::text("name", "Name", &self.name)
                    .required()
                    .hint("For example: Statewide Terrorism and Intelligence Center"),
                Field::select("kind", "Kind of organisation", &self.kind, kinds).required(),
                Field::textarea("notes", "How to reach them", &self.notes)
                    .hint("Phone numbers, the duty desk, when to call them, who the liaison is"),
            ],
            errors,
        )
    }
}

#[derive(Template)]
#[template(path = "partners/form.html")]
struct PartnerFormPage {
    layout: Layout,
    fields: Vec<Field>,
    errors: Vec<FormError>,
}

fn form_page(
    ctx: &PageCtx,
    session: &SessionInfo,
    form: &PartnerForm,
    errors: Vec<FormError>,
) -> PartnerFormPage {
    PartnerFormPage {
        layout: ctx.layout("Add a partner organisation", Some(session)),
        fields: form.fields(&errors),
        errors,
    }
}

/// `GET /partners/new`.
async fn new_partner_page(
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    session
        .actor
        .manage_registry()
        .ok_or(PageError::App(AppError::Forbidden))?;
    let form = PartnerForm {
        kind: PartnerKind::FusionCenter.as_str().into(),
        ..Default::default()
    };
    Ok(render(&form_page(&ctx, &session, &form, Vec::new())))
}

/// `POST /partners/new`.
async fn create_partner(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<PartnerForm>,
) -> Result<Response, PageError> {
    let cap = session
        .actor
        .manage_registry()
        .ok_or(PageError::App(AppError::Forbidden))?;
    match state
        .app
        .create_partner_org(&cap, &form.name, &form.kind, Some(&form.notes), &meta)
        .await
    {
        Ok(_) => Ok(see_other("/partners", "partner_created")),
        Err(e) => {
            let errors = form_errors(e, &labels(&PartnerForm::default().fields(&[])))?;
            Ok(unprocessable(render(&form_page(
                &ctx, &session, &form, errors,
            ))))
        }
    }
}
