//! People: the list with its filters, inviting a person, and one person's page with the
//! actions a people manager may take (resend the invitation, disable or enable after a
//! confirmation step, change the role and its scope).
//!
//! Which actions are offered comes from `cybernav_app::people::person_actions`, the same rule
//! the use cases enforce; the handlers only parse, call and render.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::people::{InvitationInput, PeopleChoices, Person, PersonActions, person_actions};
use cybernav_app::store::users::UserQuery;
use cybernav_core::role::Role;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::fields::Choice;
use crate::pages::when::When;
use crate::pages::{FormError, error_for, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(list_people))
        .route("/people/invite", get(invite_page).post(invite_person))
        .route("/people/{id}", get(person_page))
        .route("/people/{id}/resend", post(resend_invitation))
        .route(
            "/people/{id}/disable",
            get(confirm::<false>).post(set_enabled::<false>),
        )
        .route(
            "/people/{id}/enable",
            get(confirm::<true>).post(set_enabled::<true>),
        )
        .route("/people/{id}/role", post(change_role))
}

/// Form labels by field, for the error summary.
const LABELS: &[(&str, &str)] = &[
    ("email", "Email address"),
    ("name", "Full name"),
    ("role", "Role"),
    ("election_authority_id", "Election authority"),
    ("partner_org_id", "Partner organisation"),
];

fn id_choices(items: &[(Uuid, String)], selected: &str) -> Vec<Choice> {
    items
        .iter()
        .map(|(id, name)| Choice::new(id.to_string(), name.as_str(), selected))
        .collect()
}

fn role_choices(roles: &[Role], selected: &str) -> Vec<Choice> {
    roles
        .iter()
        .map(|r| Choice::new(r.as_str(), r.label(), selected))
        .collect()
}

/// The options of the role form's selects (inviting, and changing a role): the roles the
/// manager may give, and the authorities and partner organisations a role may be bound to.
#[derive(Debug, Clone)]
struct RoleOptions {
    roles: Vec<Choice>,
    authorities: Vec<Choice>,
    partners: Vec<Choice>,
}

impl RoleOptions {
    /// The options, with the values typed (or stored) selected.
    fn new(
        grantable: &[Role],
        choices: &PeopleChoices,
        role: &str,
        authority: &str,
        partner: &str,
    ) -> Self {
        RoleOptions {
            roles: role_choices(grantable, role),
            authorities: id_choices(&choices.authorities, authority),
            partners: id_choices(&choices.partner_orgs, partner),
        }
    }
}

/// How a status reads, and the tag colour that goes with the words.
fn status_tag(status: &str) -> (&'static str, &'static str) {
    match status {
        "active" => ("Active", "bg-success-darker"),
        "invited" => ("Invited", "bg-accent-cool-darker"),
        "disabled" => ("Disabled", "bg-base-darkest"),
        _ => ("Unknown", "bg-base-dark"),
    }
}

/// A person as a row or a details list shows them.
#[derive(Debug, Clone)]
struct PersonView {
    id: Uuid,
    name: String,
    email: String,
    role: &'static str,
    election_authority: Option<String>,
    partner_org: Option<String>,
    status: &'static str,
    status_class: &'static str,
    mfa_enabled: bool,
    last_login: Option<When>,
}

impl PersonView {
    fn new(p: &Person, choices: &PeopleChoices) -> PersonView {
        let (status, status_class) = status_tag(&p.status);
        PersonView {
            id: p.id,
            name: p.name.clone(),
            email: p.email.clone(),
            role: p.role.label(),
            election_authority: p.election_authority.clone(),
            partner_org: choices
                .partner_org_name(p.partner_org_id)
                .map(str::to_string),
            status,
            status_class,
            mfa_enabled: p.mfa_enabled,
            last_login: When::maybe(p.last_login_at),
        }
    }
}

// ---------------------------------------------------------------- the list

#[derive(Debug, Deserialize, Default)]
struct PeopleFilter {
    #[serde(default)]
    role: String,
    #[serde(default)]
    authority: String,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct PeopleListPage {
    layout: Layout,
    people: Vec<PersonView>,
    roles: Vec<Choice>,
    authorities: Vec<Choice>,
    filtered: bool,
    can_invite: bool,
}

async fn list_people(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Query(filter): Query<PeopleFilter>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_people().ok_or(AppError::Forbidden)?;
    let role = Role::parse(&filter.role).ok();
    let authority = Uuid::parse_str(filter.authority.trim()).ok();
    let query = UserQuery {
        role: role.map(|r| r.as_str().to_string()),
        election_authority_id: authority,
    };
    let people = state.app.list_people(&reader, &query).await?;
    let choices = state.app.people_choices(&reader).await?;
    let page = PeopleListPage {
        layout: ctx.layout("People", Some(&session)),
        people: people
            .iter()
            .map(|p| PersonView::new(p, &choices))
            .collect(),
        roles: role_choices(&Role::ALL, role.map_or("", Role::as_str)),
        authorities: id_choices(
            &choices.authorities,
            &authority.map(|a| a.to_string()).unwrap_or_default(),
        ),
        filtered: role.is_some() || authority.is_some(),
        can_invite: session.actor.manage_people().is_some(),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------- inviting

/// The invitation form as typed (kept to show it again with its errors).
#[derive(Debug, Clone, Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    election_authority_id: String,
    #[serde(default)]
    partner_org_id: String,
}

#[derive(Template)]
#[template(path = "people/invite.html")]
struct InvitePage {
    layout: Layout,
    form: InviteForm,
    options: RoleOptions,
    errors: Vec<FormError>,
}

impl InvitePage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn invite_form_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &cybernav_app::accounts::SessionInfo,
    form: InviteForm,
    errors: Vec<FormError>,
) -> Result<InvitePage, PageError> {
    let reader = session.actor.read_people().ok_or(AppError::Forbidden)?;
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    let choices = state.app.people_choices(&reader).await?;
    Ok(InvitePage {
        layout: ctx.layout("Invite a person", Some(session)),
        options: RoleOptions::new(
            &manager.grantable_roles(),
            &choices,
            &form.role,
            &form.election_authority_id,
            &form.partner_org_id,
        ),
        form,
        errors,
    })
}

async fn invite_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let page = invite_form_page(&state, &ctx, &session, InviteForm::default(), Vec::new()).await?;
    Ok(render(&page))
}

async fn invite_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    let input = InvitationInput {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        election_authority_id: Some(form.election_authority_id.clone()),
        partner_org_id: Some(form.partner_org_id.clone()),
    };
    match state.app.invite(&manager, &input, &meta).await {
        Ok(_) => Ok(see_other("/people", "invited")),
        Err(e) => {
            let errors = form_errors(e, LABELS)?;
            let page = invite_form_page(&state, &ctx, &session, form, errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}

// ---------------------------------------------------------------- one person

#[derive(Template)]
#[template(path = "people/person.html")]
struct PersonPage {
    layout: Layout,
    person: PersonView,
    actions: PersonActions,
    options: RoleOptions,
    errors: Vec<FormError>,
}

impl PersonPage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

/// The role form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    election_authority_id: String,
    #[serde(default)]
    partner_org_id: String,
}

async fn person_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &cybernav_app::accounts::SessionInfo,
    id: Uuid,
    typed: Option<RoleForm>,
    errors: Vec<FormError>,
) -> Result<PersonPage, PageError> {
    let reader = session.actor.read_people().ok_or(AppError::Forbidden)?;
    let person = state.app.person(&reader, id).await?;
    let choices = state.app.people_choices(&reader).await?;
    let manager = session.actor.manage_people();
    let actions = manager
        .as_ref()
        .map(|m| person_actions(m, &person))
        .unwrap_or_default();
    let form = typed.unwrap_or_else(|| RoleForm {
        role: person.role.as_str().to_string(),
        election_authority_id: person
            .election_authority_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        partner_org_id: person
            .partner_org_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
    });
    let grantable = manager.map(|m| m.grantable_roles()).unwrap_or_default();
    Ok(PersonPage {
        layout: ctx.layout(person.name.clone(), Some(session)),
        person: PersonView::new(&person, &choices),
        actions,
        options: RoleOptions::new(
            &grantable,
            &choices,
            &form.role,
            &form.election_authority_id,
            &form.partner_org_id,
        ),
        errors,
    })
}

async fn person_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    Ok(render(
        &person_view(&state, &ctx, &session, id, None, Vec::new()).await?,
    ))
}

async fn resend_invitation(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    state.app.resend_invitation(&manager, id, &meta).await?;
    Ok(see_other(&format!("/people/{id}"), "invited"))
}

async fn change_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    let result = state
        .app
        .change_role(
            &manager,
            id,
            &form.role,
            Some(&form.election_authority_id),
            Some(&form.partner_org_id),
            &meta,
        )
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/people/{id}"), "role_changed")),
        Err(e) => {
            let errors = form_errors(e, LABELS)?;
            let page = person_view(&state, &ctx, &session, id, Some(form), errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}

// ---------------------------------------------------------------- disable and enable

#[derive(Template)]
#[template(path = "people/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    person: PersonView,
    enable: bool,
}

/// `GET /people/{id}/disable` (`ENABLE` false) or `…/enable` (true): asks before acting.
async fn confirm<const ENABLE: bool>(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let enable = ENABLE;
    let reader = session.actor.read_people().ok_or(AppError::Forbidden)?;
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    let person = state.app.person(&reader, id).await?;
    let actions = person_actions(&manager, &person);
    let allowed = if enable {
        actions.enable
    } else {
        actions.disable
    };
    if !allowed {
        return Err(AppError::Forbidden.into());
    }
    let choices = state.app.people_choices(&reader).await?;
    let title = if enable {
        format!("Enable {}'s account?", person.name)
    } else {
        format!("Disable {}'s account?", person.name)
    };
    Ok(render(&ConfirmPage {
        layout: ctx.layout(title, Some(&session)),
        person: PersonView::new(&person, &choices),
        enable,
    }))
}

/// `POST /people/{id}/disable` (`ENABLE` false) or `…/enable` (true).
async fn set_enabled<const ENABLE: bool>(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let manager = session.actor.manage_people().ok_or(AppError::Forbidden)?;
    state
        .app
        .set_person_enabled(&manager, id, ENABLE, &meta)
        .await?;
    Ok(see_other(
        &format!("/people/{id}"),
        if ENABLE { "enabled" } else { "disabled" },
    ))
}
