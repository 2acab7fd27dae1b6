//! The registry's election authorities: the searchable list, one authority's page with its
//! contacts and navigators, and the forms to create and edit an authority and assign
//! navigators. Contacts and CSV import/export are in the submodules.
//!
//! Every page works without JavaScript; with htmx the search box filters as you type and the
//! server answers with the results region only.

mod contacts;
mod transfer;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::registry::{EaDetail, EaListRequest};
use cybernav_app::store::rows::EaListing;
use cybernav_core::authz::{Actor, EaScope, RegistryManager, RegistryReader};
use cybernav_core::election_authority::{EaKind, ElectionAuthorityInput};
use cybernav_core::numbers::thousands;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::fields::{Choice, Field, labels, options, with_errors};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Rows on one page of the list.
pub const PER_PAGE: i64 = 25;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/election-authorities", get(list_authorities))
        .route(
            "/election-authorities/new",
            get(new_authority_page).post(create_authority),
        )
        .route("/election-authorities/{id}", get(show_authority))
        .route(
            "/election-authorities/{id}/edit",
            get(edit_authority_page).post(update_authority),
        )
        .route(
            "/election-authorities/{id}/navigators",
            post(assign_navigators),
        )
        .merge(contacts::routes())
        .merge(transfer::routes())
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The 404 page: no such thing, or not visible to this person (which must look the same).
fn not_found() -> PageError {
    PageError::App(AppError::NotFound)
}

/// The 403 page: the role may not do this.
fn forbidden() -> PageError {
    PageError::App(AppError::Forbidden)
}

/// The capability to read the registry, or the 403 page.
fn reader(actor: &Actor) -> Result<RegistryReader<'_>, PageError> {
    actor.read_registry().ok_or_else(forbidden)
}

/// The capability to manage the registry, or the 403 page.
fn manager(actor: &Actor) -> Result<RegistryManager<'_>, PageError> {
    actor.manage_registry().ok_or_else(forbidden)
}

/// The address of an authority's page.
fn authority_href(id: Uuid) -> String {
    format!("/election-authorities/{id}")
}

/// The first value of each query parameter (lenient: a malformed query is an empty one).
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
}

fn query_value(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The list

/// The list's search, filters and page, as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    q: String,
    zone: Option<Uuid>,
    navigator: Option<Uuid>,
    page: i64,
}

impl Filters {
    /// Reads `?q=&zone=&navigator=&page=`; blank or malformed values mean "no filter".
    fn parse(raw: Option<&str>) -> Self {
        let pairs = query_pairs(raw);
        let id = |key: &str| Uuid::parse_str(&query_value(&pairs, key)).ok();
        Filters {
            q: query_value(&pairs, "q"),
            zone: id("zone"),
            navigator: id("navigator"),
            page: query_value(&pairs, "page")
                .parse::<i64>()
                .unwrap_or(1)
                .max(1),
        }
    }

    /// The use case's request.
    fn request(&self) -> EaListRequest {
        EaListRequest {
            q: Some(self.q.clone()).filter(|q| !q.is_empty()),
            zone: self.zone,
            navigator: self.navigator,
            page: Some(self.page),
            per_page: Some(PER_PAGE),
        }
    }

    /// The list's address for `page`, keeping the search and filters.
    fn href(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(z) = self.zone {
            pairs.push(("zone", z.to_string()));
        }
        if let Some(n) = self.navigator {
            pairs.push(("navigator", n.to_string()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            "/election-authorities".to_string()
        } else {
            format!("/election-authorities?{query}")
        }
    }

    fn is_filtered(&self) -> bool {
        !self.q.is_empty() || self.zone.is_some() || self.navigator.is_some()
    }
}

/// One numbered link of the pagination component.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageLink {
    number: i64,
    href: String,
    current: bool,
    /// Pages were skipped before this one (the component shows an ellipsis).
    gap_before: bool,
    is_last: bool,
}

/// The USWDS pagination component's content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pager {
    current: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
    links: Vec<PageLink>,
}

impl Pager {
    /// Links to the first and last pages and to the neighbours of the current one.
    fn new(filters: &Filters, total: i64) -> Self {
        let last = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let current = filters.page;
        let mut numbers: Vec<i64> = [1, current - 1, current, current + 1, last]
            .into_iter()
            .filter(|n| (1..=last).contains(n))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut links = Vec::with_capacity(numbers.len());
        let mut previous_number = 0;
        for number in numbers {
            links.push(PageLink {
                number,
                href: filters.href(number),
                current: number == current,
                gap_before: number > previous_number + 1,
                is_last: number == last,
            });
            previous_number = number;
        }
        Pager {
            current,
            last,
            previous: (current > 1).then(|| filters.href((current - 1).min(last))),
            next: (current < last).then(|| filters.href(current + 1)),
            links,
        }
    }
}

/// One row of the list, ready to show.
#[derive(Debug, Clone)]
struct EaRowView {
    href: String,
    name: String,
    kind: &'static str,
    county: String,
    fips: String,
    zone: String,
    navigators: String,
    population: String,
}

impl From<EaListing> for EaRowView {
    fn from(ea: EaListing) -> Self {
        let navigators = ea.navigator_names().join(", ");
        let a = ea.authority;
        EaRowView {
            href: authority_href(a.id),
            name: a.name,
            kind: a.kind.label(),
            county: a.county,
            fips: a.fips_code.to_string(),
            zone: ea.zone.unwrap_or_else(|| "Not set".into()),
            navigators: if navigators.is_empty() {
                "None".into()
            } else {
                navigators
            },
            population: a.population.map_or_else(|| "Unknown".into(), thousands),
        }
    }
}

/// The results region: the count, the table and the pagination.
struct Results {
    summary: String,
    rows: Vec<EaRowView>,
    pager: Pager,
    clear_href: Option<String>,
}

impl Results {
    fn new(filters: &Filters, rows: Vec<EaListing>, total: i64) -> Self {
        let first = (filters.page - 1) * PER_PAGE + 1;
        let shown = rows.len() as i64;
        let summary = match total {
            0 => "No election authorities match.".to_string(),
            1 => "1 election authority.".to_string(),
            t if shown == 0 => {
                format!("{t} election authorities; this page is past the end of the list.")
            }
            t if t <= PER_PAGE => format!("{t} election authorities."),
            t => format!(
                "Showing {first}–{} of {t} election authorities.",
                first + shown - 1
            ),
        };
        Results {
            summary,
            rows: rows.into_iter().map(EaRowView::from).collect(),
            pager: Pager::new(filters, total),
            clear_href: filters
                .is_filtered()
                .then(|| "/election-authorities".to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "authorities/list.html")]
struct ListPage {
    layout: Layout,
    q: String,
    show_filters: bool,
    zones: Vec<Choice>,
    navigators: Vec<Choice>,
    can_manage: bool,
    results: Results,
}

/// Only the results region, for htmx.
#[derive(Template)]
#[template(path = "authorities/results.html")]
struct ResultsPartial {
    results: Results,
}

/// True when htmx asks for a fragment (not when it restores a page from history, which
/// needs the whole page).
fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

/// The options of a filter select: "All …" and then each choice.
fn filter_choices(all: &str, items: Vec<(Uuid, String)>, current: Option<Uuid>) -> Vec<Choice> {
    let current = current.map(|c| c.to_string()).unwrap_or_default();
    std::iter::once(Choice::new("", all, &current))
        .chain(
            items
                .into_iter()
                .map(|(id, name)| Choice::new(id.to_string(), name, &current)),
        )
        .collect()
}

/// `GET /election-authorities`.
async fn list_authorities(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let reader = reader(actor)?;
    let filters = Filters::parse(raw.as_deref());
    let (rows, total) = state
        .app
        .list_election_authorities(&reader, &filters.request())
        .await?;
    let results = Results::new(&filters, rows, total);
    let mut response = if wants_fragment(&headers) {
        render(&ResultsPartial { results })
    } else {
        render(&list_page(&state, &ctx, &session, &filters, results).await?)
    };
    // The same address answers a fragment or a page depending on this header.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(response)
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    filters: &Filters,
    results: Results,
) -> Result<ListPage, PageError> {
    let actor = &session.actor;
    // Filters help people who see many authorities; a county office sees one.
    let show_filters = actor.ea_scope() == EaScope::All;
    let (zones, navigators) = if show_filters {
        let zones = state
            .app
            .zones()
            .await?
            .into_iter()
            .map(|z| (z.id, z.name))
            .collect();
        (
            filter_choices("All zones", zones, filters.zone),
            filter_choices(
                "All navigators",
                state.app.navigators().await?,
                filters.navigator,
            ),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ListPage {
        layout: ctx.layout("Election authorities", Some(session)),
        q: filters.q.clone(),
        show_filters,
        zones,
        navigators,
        can_manage: actor.manage_registry().is_some(),
        results,
    })
}

// ---------------------------------------------------------------------------------------------
// One authority

/// A contact as its row in the authority's page shows it.
#[derive(Debug, Clone)]
struct ContactRowView {
    id: Uuid,
    name: String,
    role: &'static str,
    organisation: String,
    phone: Option<String>,
    phone_href: String,
    email: Option<String>,
    last_verified: String,
    stale: bool,
}

/// `tel:` link for a phone number as written: its digits (and a leading `+`), without the
/// extension.
fn tel_href(phone: &str) -> String {
    let lower = phone.to_lowercase();
    let main = lower.split("ext").next().unwrap_or_default();
    let mut out: String = main.chars().filter(char::is_ascii_digit).collect();
    if main.trim_start().starts_with('+') {
        out.insert(0, '+');
    }
    format!("tel:{out}")
}

impl From<cybernav_app::registry::ContactView> for ContactRowView {
    fn from(v: cybernav_app::registry::ContactView) -> Self {
        let c = v.contact;
        ContactRowView {
            id: c.id,
            name: c.name,
            role: c.role.label(),
            organisation: c.organisation.unwrap_or_default(),
            phone_href: c.phone.as_deref().map(tel_href).unwrap_or_default(),
            phone: c.phone,
            email: c.email.map(|e| e.to_string()),
            last_verified: c
                .last_verified_on
                .map_or_else(|| "Never".into(), |d| d.to_string()),
            stale: v.stale,
        }
    }
}

/// The facts at the top of an authority's page.
#[derive(Debug, Clone)]
struct EaFacts {
    id: Uuid,
    name: String,
    kind: &'static str,
    county: String,
    fips: String,
    zone: String,
    population: String,
    navigators: String,
}

impl From<&EaListing> for EaFacts {
    fn from(ea: &EaListing) -> Self {
        let row = EaRowView::from(ea.clone());
        EaFacts {
            id: ea.authority.id,
            name: row.name,
            kind: row.kind,
            county: row.county,
            fips: row.fips,
            zone: row.zone,
            population: row.population,
            navigators: if ea.navigators.is_empty() {
                "None assigned".into()
            } else {
                row.navigators
            },
        }
    }
}

#[derive(Template)]
#[template(path = "authorities/show.html")]
struct ShowPage {
    layout: Layout,
    ea: EaFacts,
    contacts: Vec<ContactRowView>,
    stale_days: i64,
    can_edit_contacts: bool,
    can_manage: bool,
    navigator_choices: Vec<Choice>,
    errors: Vec<FormError>,
}

/// `GET /election-authorities/{id}`.
async fn show_authority(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    Ok(render(
        &show_page(&state, &ctx, &session, id, Vec::new()).await?,
    ))
}

/// The authority's page, with `errors` from a failed navigator assignment.
async fn show_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    errors: Vec<FormError>,
) -> Result<ShowPage, PageError> {
    let actor = &session.actor;
    let detail: EaDetail = state.app.election_authority(&reader(actor)?, id).await?;
    let can_manage = actor.manage_registry().is_some();
    let navigator_choices = if can_manage {
        state
            .app
            .navigators()
            .await?
            .into_iter()
            .map(|(nid, name)| Choice {
                value: nid.to_string(),
                label: name,
                selected: detail.navigator_ids.contains(&nid),
            })
            .collect()
    } else {
        Vec::new()
    };
    let ea = EaFacts::from(&detail.listing);
    Ok(ShowPage {
        layout: ctx.layout(ea.name.clone(), Some(session)),
        ea,
        contacts: detail
            .contacts
            .into_iter()
            .map(ContactRowView::from)
            .collect(),
        stale_days: state.app.config.contact_stale_days,
        can_edit_contacts: actor.edit_contacts_of(id).is_some(),
        can_manage,
        navigator_choices,
        errors,
    })
}

/// `POST /election-authorities/{id}/navigators`: the checked navigators replace the
/// assignment.
async fn assign_navigators(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = manager(&session.actor)?;
    let chosen: Result<Vec<Uuid>, AppError> = form
        .iter()
        .filter(|(k, _)| k == "navigator")
        .map(|(_, v)| {
            Uuid::parse_str(v)
                .map_err(|_| AppError::invalid("navigators", format!("'{v}' is not a navigator")))
        })
        .collect();
    let result = match chosen {
        Ok(ids) => state.app.assign_navigators(&cap, id, &ids, &meta).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&authority_href(id), "assigned")),
        Err(e) => {
            let errors = form_errors(e, &[("navigators", "Navigators")])?;
            Ok(unprocessable(render(
                &show_page(&state, &ctx, &session, id, errors).await?,
            )))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Create and edit an authority

/// The authority form as sent (every field kept as typed, so a failed form comes back as is).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct EaForm {
    name: String,
    kind: String,
    county: String,
    fips_code: String,
    population: String,
    zone: String,
}

impl EaForm {
    fn from_listing(ea: &EaListing) -> Self {
        let a = &ea.authority;
        EaForm {
            name: a.name.clone(),
            kind: a.kind.as_str().to_string(),
            county: a.county.clone(),
            fips_code: a.fips_code.to_string(),
            population: a.population.map(|p| p.to_string()).unwrap_or_default(),
            zone: ea.zone.clone().unwrap_or_default(),
        }
    }

    fn input(&self) -> ElectionAuthorityInput {
        ElectionAuthorityInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            county: self.county.clone(),
            fips_code: self.fips_code.clone(),
            population: Some(self.population.clone()),
            zone: Some(self.zone.clone()),
        }
    }

    fn fields(&self, zones: Vec<String>, errors: &[FormError]) -> Vec<Field> {
        let kinds = options(&EaKind::ALL, EaKind::as_str, EaKind::label);
        with_errors(
            vec![
                Field::text("name", "Name", &self.name)
                    .required()
                    .hint("The official name, for example: Adams County Clerk"),
                Field::select("kind", "Kind of office", &self.kind, kinds).required(),
                Field::text("county", "County", &self.county)
                    .required()
                    .hint("Without the word County, for example: Adams"),
                Field::text("fips_code", "County FIPS code", &self.fips_code)
                    .required()
                    .inputmode("numeric")
                    .hint("Five digits, for example: 17001"),
                Field::text("population", "Population", &self.population)
                    .inputmode("numeric")
                    .hint("Residents served; leave blank if unknown"),
                Field::text("zone", "Navigator zone", &self.zone)
                    .hint("Type a zone's name; a new name creates the zone")
                    .suggest(zones),
            ],
            errors,
        )
    }
}

#[derive(Template)]
#[template(path = "authorities/form.html")]
struct EaFormPage {
    layout: Layout,
    heading: String,
    action: String,
    submit: &'static str,
    cancel: String,
    fields: Vec<Field>,
    errors: Vec<FormError>,
}

async fn ea_form_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    existing: Option<&EaListing>,
    form: &EaForm,
    errors: Vec<FormError>,
) -> Result<EaFormPage, PageError> {
    let zones = state
        .app
        .zones()
        .await?
        .into_iter()
        .map(|z| z.name)
        .collect();
    let (heading, action, submit, cancel) = match existing {
        None => (
            "Add an election authority".to_string(),
            "/election-authorities/new".to_string(),
            "Add election authority",
            "/election-authorities".to_string(),
        ),
        Some(ea) => {
            let href = authority_href(ea.authority.id);
            (
                format!("Edit {}", ea.authority.name),
                format!("{href}/edit"),
                "Save changes",
                href,
            )
        }
    };
    Ok(EaFormPage {
        layout: ctx.layout(heading.clone(), Some(session)),
        heading,
        action,
        submit,
        cancel,
        fields: form.fields(zones, &errors),
        errors,
    })
}

/// The field labels, for the error summary.
fn ea_labels() -> Vec<(&'static str, &'static str)> {
    labels(&EaForm::default().fields(Vec::new(), &[]))
}

/// `GET /election-authorities/new`.
async fn new_authority_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    manager(&session.actor)?;
    let form = EaForm {
        kind: EaKind::CountyClerk.as_str().into(),
        ..Default::default()
    };
    Ok(render(
        &ea_form_page(&state, &ctx, &session, None, &form, Vec::new()).await?,
    ))
}

/// `POST /election-authorities/new`.
async fn create_authority(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<EaForm>,
) -> Result<Response, PageError> {
    let cap = manager(&session.actor)?;
    match state
        .app
        .create_election_authority(&cap, &form.input(), &meta)
        .await
    {
        Ok(id) => Ok(see_other(&authority_href(id), "authority_created")),
        Err(e) => {
            let errors = form_errors(e, &ea_labels())?;
            Ok(unprocessable(render(
                &ea_form_page(&state, &ctx, &session, None, &form, errors).await?,
            )))
        }
    }
}

/// The authority as it is stored, for the edit form (404 when out of scope).
async fn load_listing(state: &AppState, actor: &Actor, id: Uuid) -> Result<EaListing, PageError> {
    Ok(state
        .app
        .election_authority(&reader(actor)?, id)
        .await?
        .listing)
}

/// `GET /election-authorities/{id}/edit`.
async fn edit_authority_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    manager(&session.actor)?;
    let existing = load_listing(&state, &session.actor, id).await?;
    let form = EaForm::from_listing(&existing);
    Ok(render(
        &ea_form_page(&state, &ctx, &session, Some(&existing), &form, Vec::new()).await?,
    ))
}

/// `POST /election-authorities/{id}/edit`.
async fn update_authority(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<EaForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = manager(&session.actor)?;
    match state
        .app
        .update_election_authority(&cap, id, &form.input(), &meta)
        .await
    {
        Ok(()) => Ok(see_other(&authority_href(id), "saved")),
        Err(e) => {
            let errors = form_errors(e, &ea_labels())?;
            let existing = load_listing(&state, &session.actor, id).await?;
            Ok(unprocessable(render(
                &ea_form_page(&state, &ctx, &session, Some(&existing), &form, errors).await?,
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_leniently_and_links_keep_them() {
        let zone = Uuid::new_v4();
        let f = Filters::parse(Some(&format!(
            "q=Cook+%26+Co&zone={zone}&navigator=&page=x"
        )));
        assert_eq!(f.q, "Cook & Co");
        assert_eq!(f.zone, Some(zone));
        assert_eq!(f.navigator, None);
        assert_eq!(f.page, 1);
        assert_eq!(
            f.href(3),
            format!("/election-authorities?q=Cook+%26+Co&zone={zone}&page=3")
        );
        assert_eq!(Filters::parse(None).href(1), "/election-authorities");
        assert_eq!(Filters::parse(Some("page=-4")).page, 1);
    }

    #[test]
    fn pager_shows_ends_and_neighbours() {
        let f = Filters {
            page: 5,
            ..Default::default()
        };
        let p = Pager::new(&f, 108 * 2);
        let numbers: Vec<i64> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 4, 5, 6, 9]);
        let gaps: Vec<bool> = p.links.iter().map(|l| l.gap_before).collect();
        assert_eq!(gaps, [false, true, false, false, true]);
        assert!(p.links[2].current);
        assert!(p.links[4].is_last);
        assert_eq!(p.previous.as_deref(), Some("/election-authorities?page=4"));
        assert_eq!(p.next.as_deref(), Some("/election-authorities?page=6"));
        let one = Pager::new(
            &Filters {
                page: 1,
                ..Default::default()
            },
            3,
        );
        assert_eq!(one.last, 1);
        assert!(one.previous.is_none() && one.next.is_none());
    }

    #[test]
    fn tel_links_keep_digits_only() {
        assert_eq!(tel_href("(217) 555-0100"), "tel:2175550100");
        assert_eq!(tel_href("+1 217-555-0100 ext. 12"), "tel:+12175550100");
    }

    #[test]
    fn fragments_only_for_htmx_requests_that_are_not_history_restores() {
        let mut h = HeaderMap::new();
        assert!(!wants_fragment(&h));
        h.insert("hx-request", HeaderValue::from_static("true"));
        assert!(wants_fragment(&h));
        h.insert(
            "hx-history-restore-request",
            HeaderValue::from_static("true"),
        );
        assert!(!wants_fragment(&h));
    }
}
