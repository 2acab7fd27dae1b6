//! One authority's ICN connectivity (Part 213.20): its circuits, their protections and
//! allowlisted networks, and whether the Board accepts public addressing. Everyone who reads
//! the authority sees the page; those who manage its ICN (`manage_icn_of`) also get the forms
//! to record circuits, protections and allowlist entries. The Board-wide switch to private
//! addressing only has its own small page, `/icn`, for those who set the Board's ICN settings.
//!
//! Handlers only translate: the allowlist's rules (host bits, overlaps, public addressing) are
//! in `cybernav-app::icn`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::icn::{Circuit, CircuitInput, ProtectionInput};
use cybernav_core::icn::CircuitStatus;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/election-authorities/{id}/icn", get(show_icn))
        .route(
            "/election-authorities/{id}/icn/circuits",
            post(create_circuit),
        )
        .route(
            "/election-authorities/{id}/icn/circuits/{circuit}",
            post(update_circuit),
        )
        .route(
            "/election-authorities/{id}/icn/circuits/{circuit}/protections",
            post(set_protection),
        )
        .route(
            "/election-authorities/{id}/icn/circuits/{circuit}/allowlist",
            post(add_entry),
        )
        .route(
            "/election-authorities/{id}/icn/circuits/{circuit}/allowlist/{entry}/remove",
            post(remove_entry),
        )
        .route("/icn", get(settings_page).post(set_settings))
}

/// One choice of a select.
struct Opt {
    value: &'static str,
    label: &'static str,
}

/// The statuses a circuit may have, for the selects.
fn statuses() -> Vec<Opt> {
    CircuitStatus::ALL
        .into_iter()
        .map(|s| Opt {
            value: s.as_str(),
            label: s.label(),
        })
        .collect()
}

/// One protection as the page shows it (and its form's current values).
struct ProtectionView {
    key: &'static str,
    label: &'static str,
    state: String,
    in_place: bool,
    since: String,
    kind: String,
    sensor_id: String,
    /// Only the intrusion-detection sensor has a kind and a sensor id.
    sensor: bool,
}

/// One allowlisted network as the page shows it.
struct EntryView {
    id: Uuid,
    network: String,
    description: String,
    public: bool,
}

/// One circuit as the page shows it.
struct CircuitView {
    id: Uuid,
    /// The id as text, for form ids.
    cid: String,
    reference: String,
    status: &'static str,
    status_key: String,
    agreement_signed_on: String,
    connected_on: String,
    agreement_value: String,
    connected_value: String,
    notes: String,
    protections: Vec<ProtectionView>,
    entries: Vec<EntryView>,
}

impl From<Circuit> for CircuitView {
    fn from(c: Circuit) -> Self {
        let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        let value = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        CircuitView {
            id: c.row.id,
            cid: c.row.id.to_string(),
            status: c.status.label(),
            status_key: c.status.as_str().to_string(),
            agreement_signed_on: date(c.row.agreement_signed_on),
            connected_on: date(c.row.connected_on),
            agreement_value: value(c.row.agreement_signed_on),
            connected_value: value(c.row.connected_on),
            reference: c.row.reference,
            notes: c.row.notes.unwrap_or_default(),
            protections: c
                .protections
                .into_iter()
                .map(|p| {
                    let key = p.protection.as_str();
                    let sensor = key == "intrusion_detection";
                    match p.recorded {
                        None => ProtectionView {
                            key,
                            label: p.protection.label(),
                            state: "Not recorded".into(),
                            in_place: false,
                            since: String::new(),
                            kind: String::new(),
                            sensor_id: String::new(),
                            sensor,
                        },
                        Some(r) => {
                            let mut s = if r.in_place {
                                "In place"
                            } else {
                                "Not in place"
                            }
                            .to_string();
                            if let Some(since) = r.since {
                                s.push_str(&format!(" since {since}"));
                            }
                            for extra in [&r.kind, &r.sensor_id].into_iter().flatten() {
                                s.push_str(&format!(" · {extra}"));
                            }
                            ProtectionView {
                                key,
                                label: p.protection.label(),
                                state: s,
                                in_place: r.in_place,
                                since: value(r.since),
                                kind: r.kind.unwrap_or_default(),
                                sensor_id: r.sensor_id.unwrap_or_default(),
                                sensor,
                            }
                        }
                    }
                })
                .collect(),
            entries: c
                .entries
                .into_iter()
                .map(|e| EntryView {
                    id: e.id,
                    network: e.network.to_string(),
                    description: e.description.unwrap_or_default(),
                    public: e.public,
                })
                .collect(),
        }
    }
}

/// The fields of the circuit forms (new and change).
#[derive(Debug, Clone, Default, Deserialize)]
struct CircuitForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    agreement_signed_on: String,
    #[serde(default)]
    connected_on: String,
    #[serde(default)]
    notes: String,
}

impl CircuitForm {
    fn input(&self) -> CircuitInput {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        CircuitInput {
            reference: self.reference.clone(),
            status: self.status.clone(),
            agreement_signed_on: opt(&self.agreement_signed_on),
            connected_on: opt(&self.connected_on),
            notes: opt(&self.notes),
        }
    }
}

/// The fields of one protection's form.
#[derive(Debug, Clone, Default, Deserialize)]
struct ProtectionForm {
    protection: String,
    #[serde(default)]
    in_place: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sensor_id: String,
}

/// The fields of the allowlist form.
#[derive(Debug, Clone, Default, Deserialize)]
struct EntryForm {
    #[serde(default)]
    network: String,
    #[serde(default)]
    description: String,
}

/// The form that failed, the values it sent and its problems. Field ids on the page carry the
/// form's prefix (`new-reference`, `c<id>-network`, …) so every label is unique, and the
/// errors are renamed to match, so each shows beside its own field.
#[derive(Default)]
struct Failed {
    /// `new`, `c<circuit>`, `p<circuit>-<protection>` or `a<circuit>`.
    form: String,
    errors: Vec<FormError>,
    circuit: CircuitForm,
    entry: EntryForm,
}

impl Failed {
    fn new(form: String, mut errors: Vec<FormError>) -> Self {
        for e in &mut errors {
            e.field = format!("{form}-{}", e.field);
        }
        Failed {
            form,
            errors,
            ..Default::default()
        }
    }
}

const CIRCUIT_LABELS: &[(&str, &str)] = &[
    ("reference", "Circuit reference"),
    ("status", "Status"),
    ("agreement_signed_on", "Agreement signed"),
    ("connected_on", "Connected"),
    ("notes", "Notes"),
];

const PROTECTION_LABELS: &[(&str, &str)] = &[
    ("protection", "Protection"),
    ("in_place", "In place"),
    ("since", "Since"),
    ("kind", "Sensor kind"),
    ("sensor_id", "Sensor id"),
];

const ENTRY_LABELS: &[(&str, &str)] = &[("network", "Network"), ("description", "Description")];

#[derive(Template)]
#[template(path = "icn/show.html")]
struct IcnPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    circuits: Vec<CircuitView>,
    private_addressing_only: bool,
    can_manage: bool,
    can_set_switch: bool,
    statuses: Vec<Opt>,
    failed: Failed,
    errors: Vec<FormError>,
}

impl IcnPage {
    /// The id of `field` in the form `prefix` of circuit `circuit` (`a<id>-network`).
    fn key(&self, prefix: &str, circuit: &str, field: &str) -> String {
        format!("{prefix}{circuit}-{field}")
    }

    /// The error beside the field `id` (already prefixed with its form), or "".
    fn err(&self, id: &str) -> String {
        crate::pages::error_for(&self.errors, id)
            .unwrap_or_default()
            .to_string()
    }

    /// What the circuit form `form` shows for `field`: what was sent when it failed, else
    /// `stored`.
    fn circuit_value(&self, form: &str, field: &str, stored: &str) -> String {
        if self.failed.form != form {
            return stored.to_string();
        }
        let f = &self.failed.circuit;
        match field {
            "reference" => &f.reference,
            "status" => &f.status,
            "agreement_signed_on" => &f.agreement_signed_on,
            "connected_on" => &f.connected_on,
            _ => &f.notes,
        }
        .clone()
    }

    /// What the allowlist form of circuit `circuit` shows for `field` after it failed.
    fn entry_value(&self, circuit: &str, field: &str) -> String {
        if self.failed.form != format!("a{circuit}") {
            return String::new();
        }
        match field {
            "network" => self.failed.entry.network.clone(),
            _ => self.failed.entry.description.clone(),
        }
    }
}

fn icn_href(ea: Uuid) -> String {
    format!("/election-authorities/{ea}/icn")
}

/// Draws the page, with `failed` (if any) at 422.
async fn icn_page(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    id: Uuid,
    failed: Failed,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    let reader = actor.read_icn_of(id).map_err(AppError::from)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, id).await?;
    let circuits = state.app.icn_circuits(&reader).await?;
    let settings = state.app.icn_settings(&registry).await?;
    let name = detail.listing.authority.name.clone();
    let failing = !failed.errors.is_empty();
    let page = IcnPage {
        layout: ctx.layout(format!("ICN connectivity — {name}"), Some(session)),
        ea_id: id.to_string(),
        ea_name: name,
        circuits: circuits.into_iter().map(Into::into).collect(),
        private_addressing_only: settings.private_addressing_only,
        can_manage: actor.manage_icn_of(id).is_ok(),
        can_set_switch: actor.manage_icn_settings().is_some(),
        statuses: statuses(),
        errors: failed.errors.clone(),
        failed,
    };
    let r = render(&page);
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /election-authorities/{id}/icn`.
async fn show_icn(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    icn_page(&state, &ctx, &session, id, Failed::default()).await
}

/// `POST /election-authorities/{id}/icn/circuits`: records a new circuit.
async fn create_circuit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CircuitForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cap = session.actor.manage_icn_of(ea)?;
    match state.app.create_circuit(&cap, &f.input(), &meta).await {
        Ok(_) => Ok(see_other(&icn_href(ea), "circuit_added")),
        Err(e) => {
            let mut failed = Failed::new("new".into(), form_errors(e, CIRCUIT_LABELS)?);
            failed.circuit = f;
            icn_page(&state, &ctx, &session, ea, failed).await
        }
    }
}

/// `POST /election-authorities/{id}/icn/circuits/{circuit}`: changes a circuit.
async fn update_circuit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, circuit)): Path<(String, String)>,
    Form(f): Form<CircuitForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let circuit = parse_id(&circuit)?;
    let cap = session.actor.manage_icn_of(ea)?;
    match state
        .app
        .update_circuit(&cap, circuit, &f.input(), &meta)
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("{}#circuit-{circuit}", icn_href(ea)),
            "saved",
        )),
        Err(e) => {
            let mut failed = Failed::new(format!("c{circuit}"), form_errors(e, CIRCUIT_LABELS)?);
            failed.circuit = f;
            icn_page(&state, &ctx, &session, ea, failed).await
        }
    }
}

/// `POST /election-authorities/{id}/icn/circuits/{circuit}/protections`: records one
/// protection.
async fn set_protection(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, circuit)): Path<(String, String)>,
    Form(f): Form<ProtectionForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let circuit = parse_id(&circuit)?;
    let cap = session.actor.manage_icn_of(ea)?;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = ProtectionInput {
        in_place: f.in_place == "yes",
        since: opt(&f.since),
        kind: opt(&f.kind),
        sensor_id: opt(&f.sensor_id),
    };
    match state
        .app
        .set_protection(&cap, circuit, &f.protection, &input, &meta)
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("{}#circuit-{circuit}", icn_href(ea)),
            "saved",
        )),
        Err(e) => {
            let form = format!("p{circuit}-{}", f.protection.trim());
            let failed = Failed::new(form, form_errors(e, PROTECTION_LABELS)?);
            icn_page(&state, &ctx, &session, ea, failed).await
        }
    }
}

/// `POST /election-authorities/{id}/icn/circuits/{circuit}/allowlist`: adds a network.
async fn add_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, circuit)): Path<(String, String)>,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let circuit = parse_id(&circuit)?;
    let cap = session.actor.manage_icn_of(ea)?;
    let description = Some(f.description.trim()).filter(|d| !d.is_empty());
    match state
        .app
        .add_allowlist_entry(&cap, circuit, &f.network, description, &meta)
        .await
    {
        Ok(added) => Ok(see_other(
            &format!("{}#circuit-{circuit}", icn_href(ea)),
            if added.warning.is_some() {
                "entry_added_public"
            } else {
                "entry_added"
            },
        )),
        Err(e) => {
            let mut failed = Failed::new(format!("a{circuit}"), form_errors(e, ENTRY_LABELS)?);
            failed.entry = f;
            icn_page(&state, &ctx, &session, ea, failed).await
        }
    }
}

/// `POST /election-authorities/{id}/icn/circuits/{circuit}/allowlist/{entry}/remove`.
async fn remove_entry(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path((id, circuit, entry)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let circuit = parse_id(&circuit)?;
    let entry = parse_id(&entry)?;
    let cap = session.actor.manage_icn_of(ea)?;
    state
        .app
        .remove_allowlist_entry(&cap, circuit, entry, &meta)
        .await?;
    Ok(see_other(
        &format!("{}#circuit-{circuit}", icn_href(ea)),
        "entry_removed",
    ))
}

// ---------------------------------------------------------------------------------------------
// The Board's switch

#[derive(Template)]
#[template(path = "icn/settings.html")]
struct SettingsPage {
    layout: Layout,
    private_addressing_only: bool,
    updated_at: String,
    errors: Vec<FormError>,
}

/// The fields of the settings form.
#[derive(Debug, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    private_addressing_only: String,
}

async fn settings_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    errors: Vec<FormError>,
) -> Result<Response, PageError> {
    let actor = &session.actor;
    actor.manage_icn_settings().ok_or(AppError::Forbidden)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let s = state.app.icn_settings(&registry).await?;
    let failing = !errors.is_empty();
    let r = render(&SettingsPage {
        layout: ctx.layout("ICN settings", Some(session)),
        private_addressing_only: s.private_addressing_only,
        updated_at: s
            .updated_at
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| "never".into()),
        errors,
    });
    Ok(if failing { unprocessable(r) } else { r })
}

/// `GET /icn`: the Board's ICN settings.
async fn settings_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    settings_view(&state, &ctx, &session, Vec::new()).await
}

/// `POST /icn`: turns private addressing only on or off; refused while public entries remain,
/// and the refusal names them.
async fn set_settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let cap = session
        .actor
        .manage_icn_settings()
        .ok_or(AppError::Forbidden)?;
    let on = f.private_addressing_only == "on";
    match state.app.set_private_addressing_only(&cap, on, &meta).await {
        Ok(_) => Ok(see_other("/icn", "saved")),
        Err(e) => {
            let errors = form_errors(e, &[("private_addressing_only", "Private addressing only")])?;
            settings_view(&state, &ctx, &session, errors).await
        }
    }
}
