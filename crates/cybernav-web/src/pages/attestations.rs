//! Written verification pages (Part 213.50(b)): signing from an authority's checklist, the
//! letter a person reads and prints, and the signed file and PDF letter as downloads.
//!
//! The rules (who may sign, what must be met, when a verification is out of date) are in
//! `cybernav-core::attestation` and `cybernav-app::attestation`; these handlers only translate.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::attestation::ListedAttestation;
use cybernav_core::attestation::AttestationKind;
use cybernav_core::requirements::FactKey;
use cybernav_core::role::Role;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::participation::{checklist_href, show_checklist};
use crate::pages::when::When;
use crate::pages::{form_errors, parse_id, see_other};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/election-authorities/{id}/participation/attest",
            post(sign_attestation),
        )
        .route("/attestations/{id}", get(letter_page))
        .route("/attestations/{id}/file", get(download_file))
        .route("/attestations/{id}/letter.pdf", get(download_letter))
}

/// What a verification is, in words.
pub fn kind_label(kind: AttestationKind) -> &'static str {
    match kind {
        AttestationKind::NavigatorA3 => {
            "Navigator's verification of 213.50(a)(3) to the Program Manager"
        }
        AttestationKind::ProgramManagerA => {
            "Program Manager's verification of 213.50(a) to the Board"
        }
    }
}

fn role_label(role: &str) -> &'static str {
    Role::parse(role)
        .map(|r| r.label())
        .unwrap_or("former role")
}

/// An attestation as the checklist lists it.
pub struct AttestationView {
    /// Its id, for the links.
    pub id: Uuid,
    /// What it verifies, in words.
    pub kind: &'static str,
    /// Who signed.
    pub signer: String,
    /// The signer's role, in words.
    pub signer_role: &'static str,
    /// When.
    pub at: When,
    /// The facts changed since signing.
    pub stale: bool,
}

impl From<&ListedAttestation> for AttestationView {
    fn from(l: &ListedAttestation) -> Self {
        let d = &l.attestation.file.document;
        AttestationView {
            id: l.attestation.row.id,
            kind: kind_label(d.kind),
            signer: d.signer.name.clone(),
            signer_role: role_label(&d.signer.role),
            at: When::of(l.attestation.row.signed_at),
            stale: l.stale,
        }
    }
}

/// The fields of the sign form.
#[derive(Debug, Deserialize)]
struct SignForm {
    cycle: String,
    kind: String,
}

/// `POST /election-authorities/{id}/participation/attest`: the navigator assigned (kind
/// `navigator_a3`) or the Program Manager (`program_manager_a`) signs. A refusal shows the
/// checklist again (422) with each unmet requirement and why.
async fn sign_attestation(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    let ea = parse_id(&id)?;
    let cycle = parse_id(f.cycle.trim())?;
    let kind = AttestationKind::parse(&f.kind).map_err(|e| AppError::invalid("kind", e));
    let result = match kind {
        Err(e) => Err(e),
        Ok(AttestationKind::NavigatorA3) => {
            let cap = session.actor.attest_as_navigator(ea)?;
            state.app.attest_navigator(&cap, cycle, &meta).await
        }
        Ok(AttestationKind::ProgramManagerA) => {
            let cap = session.actor.attest_as_program_manager(ea)?;
            state.app.attest_program_manager(&cap, cycle, &meta).await
        }
    };
    match result {
        Ok(_) => Ok(see_other(
            &format!("{}#verification", checklist_href(ea, cycle)),
            "attested",
        )),
        Err(e) => {
            let errors = form_errors(
                e,
                &[
                    ("requirements", "Requirements not met"),
                    ("kind", "Verification"),
                ],
            )?;
            show_checklist(&state, &ctx, &session, ea, Some(cycle), errors).await
        }
    }
}

struct FactLine {
    label: String,
    answer: &'static str,
    on: Option<String>,
}

struct RequirementLine {
    clause: String,
    title: String,
    status: String,
    facts: Vec<FactLine>,
}

#[derive(Template)]
#[template(path = "attestations/letter.html")]
struct LetterPage {
    layout: Layout,
    id: Uuid,
    kind: &'static str,
    clause: String,
    required_by: String,
    addressee: String,
    statement: String,
    ea_id: Uuid,
    ea_name: String,
    cycle_id: Uuid,
    cycle_name: String,
    set: String,
    requirements: Vec<RequirementLine>,
    signer: String,
    signer_role: &'static str,
    signer_email: String,
    signed: When,
    facts_digest: String,
    current_digest: String,
    key_fingerprint: String,
    stale: bool,
}

fn reader(
    session: &cybernav_app::accounts::SessionInfo,
) -> Result<cybernav_core::authz::RegistryReader<'_>, PageError> {
    session
        .actor
        .read_registry()
        .ok_or(PageError::App(AppError::Forbidden))
}

/// `GET /attestations/{id}`: the letter, to read and print.
async fn letter_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let l = state
        .app
        .get_listed_attestation(&reader(&session)?, id)
        .await?;
    let d = &l.attestation.file.document;
    let page = LetterPage {
        layout: ctx.layout(
            format!("Written verification: {}", d.election_authority.name),
            Some(&session),
        ),
        id,
        kind: kind_label(d.kind),
        clause: d.clause.clone(),
        required_by: d.required_by.clone(),
        addressee: d.addressee.clone(),
        statement: d.statement.clone(),
        ea_id: d.election_authority.id,
        ea_name: d.election_authority.name.clone(),
        cycle_id: d.grant_cycle.id,
        cycle_name: d.grant_cycle.name.clone(),
        set: format!(
            "{} {} ({})",
            d.requirement_set.id, d.requirement_set.version, d.requirement_set.jurisdiction
        ),
        requirements: d
            .requirements
            .iter()
            .map(|r| RequirementLine {
                clause: r.clause.clone(),
                title: r.title.clone(),
                status: match r.status.as_str() {
                    "met" => "Met".into(),
                    other => other.to_string(),
                },
                facts: r
                    .facts
                    .iter()
                    .map(|f| FactLine {
                        label: FactKey::parse(&f.fact)
                            .map_or_else(|| f.fact.clone(), |k| k.label().to_string()),
                        answer: if f.holds { "Yes" } else { "No" },
                        on: f.on.clone(),
                    })
                    .collect(),
            })
            .collect(),
        signer: d.signer.name.clone(),
        signer_role: role_label(&d.signer.role),
        signer_email: d.signer.email.clone(),
        signed: When::of(l.attestation.row.signed_at),
        facts_digest: l.attestation.row.facts_digest.clone(),
        current_digest: l.current_digest.clone(),
        key_fingerprint: l.attestation.row.key_fingerprint.clone(),
        stale: l.stale,
    };
    Ok(render(&page))
}

fn attachment(content_type: &'static str, filename: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// `GET /attestations/{id}/file`: the signed JSON file exactly as issued.
async fn download_file(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let a = state.app.get_attestation(&reader(&session)?, id).await?;
    Ok(attachment(
        "application/json",
        format!("attestation-{id}.json"),
        a.row.file.into_bytes(),
    ))
}

/// `GET /attestations/{id}/letter.pdf`: the printable one-page letter.
async fn download_letter(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let pdf = state.app.attestation_letter(&reader(&session)?, id).await?;
    Ok(attachment(
        "application/pdf",
        format!("attestation-{id}.pdf"),
        pdf,
    ))
}
