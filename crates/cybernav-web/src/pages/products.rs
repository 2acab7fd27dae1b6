//! Threat-sharing pages (213.30(a)(4), (6), (7)): the list of products ("matches your needs"
//! first), the read view with the TLP label at top and bottom and the withheld notice, the
//! draft form, the workflow buttons, and an authority's information-needs form.
//!
//! Handlers only translate: the rules are in `cybernav-core::sharing::product` and
//! `cybernav-app::sharing::products`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::sharing::products::{
    LinkInput, ProductInput, ProductSummary, ProductView, withheld_notice,
};
use cybernav_app::store::products::RecipientRow;
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_core::sharing::product::{Action, Kind, State as PState};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sharing", get(list_page))
        .route("/sharing/new", get(new_page).post(create))
        .route("/sharing/recipients", get(recipient_choices))
        .route("/sharing/{id}", get(show_page))
        .route("/sharing/{id}/edit", get(edit_page).post(edit))
        .route("/sharing/{id}/transition", post(transition))
        .route(
            "/election-authorities/{id}/information-needs",
            get(needs_page).post(set_needs),
        )
}

/// The CSS modifier of a TLP level's badge (the label is always written as text too).
pub fn tlp_class(m: &Marking) -> &'static str {
    match m.tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber-strict",
        Tlp::Red => "red",
    }
}

fn day(t: &Option<OffsetDateTime>) -> String {
    t.map_or_else(|| "—".into(), |t| t.date().to_string())
}

fn err(errors: &[FormError], field: &str) -> String {
    crate::pages::error_for(errors, field)
        .unwrap_or_default()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Template)]
#[template(path = "sharing/list.html")]
struct ListPage {
    layout: Layout,
    matching: Vec<ProductSummary>,
    published: Vec<ProductSummary>,
    desk: Vec<ProductSummary>,
    earlier: Vec<ProductSummary>,
    can_write: bool,
    needs_link: Option<String>,
    /// Whether the person may read the digest runs.
    digest_runs: bool,
}

impl ListPage {
    fn tlp(&self, m: &Marking) -> &'static str {
        tlp_class(m)
    }
    fn when(&self, p: &ProductSummary) -> String {
        day(&p.published_at.or(Some(p.updated_at)))
    }
}

/// `GET /sharing`: products the person may see, those matching their needs first.
async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let all = state
        .app
        .list_products(&actor.read_products(), cybernav_app::store::now())
        .await?;
    let (mut matching, mut published, mut desk, mut earlier) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in all {
        match p.state {
            PState::Published if p.relevance.score > 0 => matching.push(p),
            PState::Published => published.push(p),
            PState::Withdrawn | PState::Superseded => earlier.push(p),
            _ => desk.push(p),
        }
    }
    let own_ea = actor
        .election_authority_id
        .filter(|ea| actor.edit_information_needs_of(*ea).is_ok());
    Ok(render(&ListPage {
        layout: ctx.layout("Threat sharing", Some(&session)),
        matching,
        published,
        desk,
        earlier,
        can_write: actor.write_products().is_some(),
        digest_runs: actor.read_digest_history().is_some(),
        needs_link: own_ea.map(|ea| format!("/election-authorities/{ea}/information-needs")),
    }))
}

// ---------------------------------------------------------------------------------------------
// The read view

#[derive(Template)]
#[template(path = "sharing/show.html")]
struct ShowPage {
    layout: Layout,
    p: ProductView,
    withheld_text: String,
    me: Uuid,
    errors: Vec<FormError>,
    comment: String,
}

impl ShowPage {
    fn tlp(&self, m: &Marking) -> &'static str {
        tlp_class(m)
    }
    fn day(&self, t: &Option<OffsetDateTime>) -> String {
        day(t)
    }
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
    fn is_base(&self, m: &Marking) -> bool {
        *m == self.p.base_marking
    }
    fn needs_comment(&self, a: &Action) -> bool {
        a.needs_comment()
    }
    fn authored(&self) -> bool {
        self.p.author_id == Some(self.me)
    }
}

async fn show_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    errors: Vec<FormError>,
    comment: String,
) -> Result<Response, PageError> {
    let p = state
        .app
        .read_product(
            &session.actor.read_products(),
            id,
            cybernav_app::store::now(),
        )
        .await?;
    let failing = !errors.is_empty();
    let page = ShowPage {
        layout: ctx.layout(p.summary.title.clone(), Some(session)),
        withheld_text: withheld_notice(p.withheld),
        p,
        me: session.actor.user_id,
        errors,
        comment,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /sharing/{id}`: the product as this person may see it.
async fn show_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    show_view(&state, &ctx, &session, id, Vec::new(), String::new()).await
}

#[derive(Debug, Clone, Default, Deserialize)]
struct TransitionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

/// `POST /sharing/{id}/transition`: a workflow step.
async fn transition(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let action = Action::parse(&f.action).map_err(|e| AppError::invalid("action", e))?;
    match state
        .app
        .product_transition(&session.actor, id, action, Some(&f.comment), &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/sharing/{id}"),
            match action {
                Action::Submit => "product_submitted",
                Action::SendBack => "product_sent_back",
                Action::Approve => "product_approved",
                Action::Publish => "product_published",
                Action::Withdraw => "product_withdrawn",
            },
        )),
        Err(e) => {
            let errors = form_errors(e, &[("comment", "Comment"), ("action", "Step")])?;
            show_view(&state, &ctx, &session, id, errors, f.comment).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The draft form

#[derive(Template)]
#[template(path = "sharing/form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new draft.
    id: Option<Uuid>,
    form: ProductForm,
    kinds: Vec<(&'static str, &'static str)>,
    markings: Vec<&'static str>,
    errors: Vec<FormError>,
    /// The people ticked (TLP:RED), with their organisation.
    chosen: Vec<RecipientRow>,
    /// People found by the filter (none until one is typed).
    found: Vec<RecipientRow>,
    /// The filter (empty on the form itself).
    term: String,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        // Every problem with the named people, not only the first.
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn role_label(&self, role: &str) -> String {
        role_label(role)
    }
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/sharing/{id}/edit"),
            None => "/sharing/new".into(),
        }
    }
}

/// The base markings offered; TLP:RED asks for the people it is for.
const MARKINGS: [&str; 10] = [
    "TLP:CLEAR",
    "TLP:GREEN",
    "TLP:AMBER",
    "TLP:AMBER+STRICT",
    "TLP:CLEAR FOUO",
    "TLP:GREEN FOUO",
    "TLP:AMBER FOUO",
    "TLP:AMBER+STRICT FOUO",
    "TLP:RED",
    "TLP:RED FOUO",
];

#[derive(Debug, Clone, Default, Deserialize)]
struct ProductForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    base_marking: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    sources: String,
    /// Links, one a line: `indicator <id>` or a STIX id.
    #[serde(default)]
    links: String,
    /// TLP:RED: the people ticked in the list (`recipient=<id>` once per box).
    #[serde(default)]
    recipient: Vec<String>,
    /// TLP:RED: e-mail addresses typed, one a line.
    #[serde(default)]
    recipients: String,
}

const FORM_LABELS: &[(&str, &str)] = &[
    ("kind", "Kind"),
    ("title", "Title"),
    ("summary", "Summary"),
    ("base_marking", "Marking"),
    ("body", "Text"),
    ("tags", "Tags"),
    ("sources", "Sources"),
    ("links", "Related indicators and STIX objects"),
    ("supersedes", "Replaces"),
    ("recipients", "Who may read it (TLP:RED)"),
];

/// A role's name as people read it.
fn role_label(role: &str) -> String {
    cybernav_core::role::Role::parse(role)
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| role.to_string())
}

impl ProductForm {
    /// The form from its fields, with one `recipient` per ticked box.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = ProductForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v.clone(),
                "title" => f.title = v.clone(),
                "summary" => f.summary = v.clone(),
                "base_marking" => f.base_marking = v.clone(),
                "body" => f.body = v.clone(),
                "tags" => f.tags = v.clone(),
                "sources" => f.sources = v.clone(),
                "links" => f.links = v.clone(),
                "recipient" => f.recipient.push(v.clone()),
                "recipients" => f.recipients = v.clone(),
                _ => {}
            }
        }
        f
    }

    /// The ids ticked that read as ids.
    fn chosen_ids(&self) -> Vec<Uuid> {
        self.recipient
            .iter()
            .filter_map(|r| Uuid::parse_str(r.trim()).ok())
            .collect()
    }

    fn input(&self) -> ProductInput {
        let links = self
            .links
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once(char::is_whitespace) {
                Some((k, r)) if k == "indicator" || k == "stix" => LinkInput {
                    kind: k.into(),
                    reference: r.trim().into(),
                },
                _ if l.contains("--") => LinkInput {
                    kind: "stix".into(),
                    reference: l.into(),
                },
                _ => LinkInput {
                    kind: "indicator".into(),
                    reference: l.into(),
                },
            })
            .collect();
        ProductInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            base_marking: self.base_marking.clone(),
            body: self.body.clone(),
            tags: self.tags.clone(),
            sources: self.sources.clone(),
            links,
            supersedes: None,
            recipients: self
                .recipient
                .iter()
                .cloned()
                .chain(self.recipients.lines().map(str::to_string))
                .collect(),
        }
    }

    fn from_input(i: ProductInput) -> ProductForm {
        ProductForm {
            kind: i.kind,
            title: i.title,
            summary: i.summary,
            base_marking: i.base_marking,
            body: i.body,
            tags: i.tags,
            sources: i.sources,
            links: i
                .links
                .into_iter()
                .map(|l| {
                    if l.kind == "stix" {
                        l.reference
                    } else {
                        format!("indicator {}", l.reference)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            recipient: i.recipients,
            recipients: String::new(),
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Option<Uuid>,
    form: ProductForm,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let cap = session.actor.write_products().ok_or(AppError::Forbidden)?;
    let chosen = state.app.named_recipients(&cap, &form.chosen_ids()).await?;
    let found = Vec::new();
    let failing = !errors.is_empty();
    let title = if id.is_some() {
        "Edit draft"
    } else {
        "New product"
    };
    let r = render(&FormPage {
        layout: ctx.layout(title, Some(session)),
        id,
        form,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        markings: MARKINGS.to_vec(),
        errors,
        chosen,
        found,
        term: String::new(),
    });
    Ok(if failing { unprocessable(r) } else { r })
}

#[derive(Template)]
#[template(path = "sharing/recipients.html")]
struct RecipientsFragment {
    chosen: Vec<RecipientRow>,
    found: Vec<RecipientRow>,
    term: String,
}

impl RecipientsFragment {
    fn role_label(&self, role: &str) -> String {
        role_label(role)
    }
}

/// `GET /sharing/recipients?q=…&recipient=<id>…`: the people a TLP:RED product may name
/// whose name, address or organisation contains `q`, after those already ticked (the draft
/// form asks for it as a person types).
async fn recipient_choices(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let cap = session.actor.write_products().ok_or(AppError::Forbidden)?;
    let term = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let ticked: Vec<Uuid> = pairs
        .iter()
        .filter(|(k, _)| k == "recipient")
        .filter_map(|(_, v)| Uuid::parse_str(v.trim()).ok())
        .collect();
    let (chosen, found) = state.app.recipient_choices(&cap, &term, &ticked).await?;
    Ok(render(&RecipientsFragment {
        chosen,
        found,
        term,
    }))
}

/// `GET /sharing/new`: an empty draft form.
async fn new_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    session.actor.write_products().ok_or(AppError::Forbidden)?;
    let form = ProductForm {
        kind: "note".into(),
        base_marking: "TLP:GREEN".into(),
        ..Default::default()
    };
    form_page(&state, &ctx, &session, None, form, Vec::new()).await
}

/// `POST /sharing/new`: creates the draft.
async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = ProductForm::from_pairs(&pairs);
    let cap = session.actor.write_products().ok_or(AppError::Forbidden)?;
    match state.app.create_product(&cap, &f.input(), &meta).await {
        Ok(id) => Ok(see_other(&format!("/sharing/{id}"), "product_created")),
        Err(e) => {
            let errors = form_errors(e, FORM_LABELS)?;
            form_page(&state, &ctx, &session, None, f, errors).await
        }
    }
}

/// The writer capability, refusing as forbidden someone who may see the product and as not
/// found someone who may not.
async fn writer_for<'a>(
    state: &AppState,
    session: &'a SessionInfo,
    id: Uuid,
) -> Result<cybernav_core::authz::ProductWriter<'a>, PageError> {
    match session.actor.write_products() {
        Some(c) => Ok(c),
        None => {
            state
                .app
                .read_product(
                    &session.actor.read_products(),
                    id,
                    cybernav_app::store::now(),
                )
                .await?;
            Err(AppError::Forbidden.into())
        }
    }
}

/// `GET /sharing/{id}/edit`: the draft in the form, portion marks written back.
async fn edit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = writer_for(&state, &session, id).await?;
    let input = state.app.product_for_edit(&cap, id).await?;
    form_page(
        &state,
        &ctx,
        &session,
        Some(id),
        ProductForm::from_input(input),
        Vec::new(),
    )
    .await
}

/// `POST /sharing/{id}/edit`: saves the draft.
async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = ProductForm::from_pairs(&pairs);
    let id = parse_id(&id)?;
    let cap = writer_for(&state, &session, id).await?;
    let before = state.app.product_for_edit(&cap, id).await?;
    let mut input = f.input();
    input.supersedes = before.supersedes;
    match state.app.edit_product(&cap, id, &input, &meta).await {
        Ok(()) => Ok(see_other(&format!("/sharing/{id}"), "saved")),
        Err(e) => {
            let errors = form_errors(e, FORM_LABELS)?;
            form_page(&state, &ctx, &session, Some(id), f, errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Information needs

#[derive(Template)]
#[template(path = "sharing/needs.html")]
struct NeedsPage {
    layout: Layout,
    ea_id: Uuid,
    ea_name: String,
    topics: String,
    systems: String,
    vendors: String,
    updated: String,
    can_edit: bool,
    errors: Vec<FormError>,
}

impl NeedsPage {
    fn err(&self, field: &str) -> String {
        err(&self.errors, field)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
struct NeedsForm {
    #[serde(default)]
    topics: String,
    #[serde(default)]
    systems: String,
    #[serde(default)]
    vendors: String,
}

async fn needs_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    ea: Uuid,
    form: Option<NeedsForm>,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let cap = session.actor.read_information_needs_of(ea)?;
    let (needs, updated) = state.app.information_needs(&cap).await?;
    let name = {
        let mut tx = state.app.store.read().await.map_err(AppError::from)?;
        tx.get_election_authority(ea)
            .await
            .map_err(AppError::from)?
            .authority
            .name
    };
    let form = form.unwrap_or_else(|| NeedsForm {
        topics: needs.topics.join(", "),
        systems: needs.systems.join(", "),
        vendors: needs.vendors.join(", "),
    });
    let failing = !errors.is_empty();
    let r = render(&NeedsPage {
        layout: ctx.layout(format!("Information needs of {name}"), Some(session)),
        ea_id: ea,
        ea_name: name,
        topics: form.topics,
        systems: form.systems,
        vendors: form.vendors,
        updated: day(&updated),
        can_edit: session.actor.edit_information_needs_of(ea).is_ok(),
        errors,
    });
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /election-authorities/{id}/information-needs`: what the authority wants to hear about.
async fn needs_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    needs_view(&state, &ctx, &session, id, None, Vec::new()).await
}

/// `POST /election-authorities/{id}/information-needs`: sets them.
async fn set_needs(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<NeedsForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session.actor.edit_information_needs_of(id)?;
    match state
        .app
        .set_information_needs(&cap, &f.topics, &f.systems, &f.vendors, &meta)
        .await
    {
        Ok(_) => Ok(see_other(
            &format!("/election-authorities/{id}/information-needs"),
            "needs_saved",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[
                    ("topics", "Topics"),
                    ("systems", "Systems"),
                    ("vendors", "Vendors"),
                ],
            )?;
            needs_view(&state, &ctx, &session, id, Some(f), errors).await
        }
    }
}
