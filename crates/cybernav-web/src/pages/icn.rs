//! One authority's ICN connectivity (Part 213.20): its circuits, their protections and
//! allowlisted networks, and whether the Board accepts public addressing. Read-only here; the
//! changes are made through the API (`/api/v1/election-authorities/{id}/icn-circuits`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use cybernav_app::AppError;
use cybernav_app::icn::Circuit;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::parse_id;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/election-authorities/{id}/icn", get(show_icn))
}

/// One protection as the page shows it.
struct ProtectionView {
    label: &'static str,
    state: String,
}

/// One allowlisted network as the page shows it.
struct EntryView {
    network: String,
    description: String,
    public: bool,
}

/// One circuit as the page shows it.
struct CircuitView {
    reference: String,
    status: &'static str,
    agreement_signed_on: String,
    connected_on: String,
    notes: String,
    protections: Vec<ProtectionView>,
    entries: Vec<EntryView>,
}

impl From<Circuit> for CircuitView {
    fn from(c: Circuit) -> Self {
        let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        CircuitView {
            reference: c.row.reference,
            status: c.status.label(),
            agreement_signed_on: date(c.row.agreement_signed_on),
            connected_on: date(c.row.connected_on),
            notes: c.row.notes.unwrap_or_default(),
            protections: c
                .protections
                .into_iter()
                .map(|p| ProtectionView {
                    label: p.protection.label(),
                    state: match p.recorded {
                        None => "Not recorded".into(),
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
                            for extra in [r.kind, r.sensor_id].into_iter().flatten() {
                                s.push_str(&format!(" · {extra}"));
                            }
                            s
                        }
                    },
                })
                .collect(),
            entries: c
                .entries
                .into_iter()
                .map(|e| EntryView {
                    network: e.network.to_string(),
                    description: e.description.unwrap_or_default(),
                    public: e.public,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "icn/show.html")]
struct IcnPage {
    layout: Layout,
    ea_id: String,
    ea_name: String,
    circuits: Vec<CircuitView>,
    private_addressing_only: bool,
}

/// `GET /election-authorities/{id}/icn`.
async fn show_icn(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let actor = &session.actor;
    let reader = actor.read_icn_of(id).map_err(AppError::from)?;
    let registry = actor.read_registry().ok_or(AppError::Forbidden)?;
    let detail = state.app.election_authority(&registry, id).await?;
    let circuits = state.app.icn_circuits(&reader).await?;
    let settings = state.app.icn_settings(&registry).await?;
    let name = detail.listing.authority.name.clone();
    Ok(render(&IcnPage {
        layout: ctx.layout(format!("ICN connectivity — {name}"), Some(&session)),
        ea_id: id.to_string(),
        ea_name: name,
        circuits: circuits.into_iter().map(Into::into).collect(),
        private_addressing_only: settings.private_addressing_only,
    }))
}
