//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//!
//! Routes and their OpenAPI entries are registered together (`routes!`), so the document
//! cannot drift from the router. Conventions are in `docs/API-DESIGN.md`: URL shape, the
//! `{"thing": …}` / `{"things": […], "meta": …}` envelopes, RFC 3339 instants, and one error
//! envelope for every answer that is not a success, which the extractors in [`extract`] and
//! the layer in [`routes()`] guarantee.
//!
//! Handlers are thin: parse (with [`extract::ApiJson`], [`extract::ApiQuery`],
//! [`extract::ApiPath`]), take the capability from the caller, call the use case in
//! `cybernav-app`, wrap its result in a response type.

pub mod assessments;
pub mod attestations;
pub mod audit;
pub mod authorities;
pub mod catalogs;
pub mod contacts;
pub mod digest;
pub mod directory;
pub mod extract;
pub mod field_ops;
pub mod findings;
pub mod grants;
pub mod icn;
pub mod intake;
pub mod me;
pub mod need_to_know;
pub mod oscal;
pub mod outreach;
pub mod pagination;
pub mod participation;
pub mod partners;
pub mod people;
pub mod products;
pub mod reports;
pub mod statewide;
pub mod tokens;
pub mod zones;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

/// The name of the bearer-token security scheme every operation requires.
pub const BEARER: &str = "bearer";

/// Adds the bearer-token security scheme to the document.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some(
            "An API token of the caller's own (stored hashed, revocable), sent as \
             'Authorization: Bearer <token>'."
                .into(),
        );
        components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    }
}

/// The document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cybernav API",
        description = "The JSON API of cybernav, the Cyber Navigator Program workspace. Authenticate with 'Authorization: Bearer <token>'. Conventions: docs/API-DESIGN.md."
    ),
    modifiers(&BearerScheme),
    components(schemas(crate::error::ApiErrorBody, crate::error::ApiErrorItem, pagination::PageMeta)),
    tags(
        (name = "election authorities", description = "The registry of election authorities and their navigators."),
        (name = "contacts", description = "The people to reach at each election authority."),
        (name = "zones", description = "Navigator zones."),
        (name = "partner organisations", description = "Vetted partner organisations: who to contact in an attack."),
        (name = "people", description = "Accounts, roles and invitations."),
        (name = "account", description = "The caller's own account and API tokens."),
        (name = "audit", description = "The hash-chained audit log."),
        (name = "participation", description = "Grant cycles, certifications of participation, eligibility and written verification (Part 213.50)."),
        (name = "assessments", description = "Catalogs, navigator risk assessments, their scores, trends and peer comparison (Part 213.40)."),
        (name = "grants", description = "A cycle's money: the Navigator Program share, expenditures, awards, reimbursement claims and the ledger (Part 213.10(a), (c))."),
        (name = "findings", description = "Findings, their lifecycle and evidence, CISA Cyber Hygiene imports and the KEV catalog (Part 213.40)."),
        (name = "icn", description = "ICN circuits, their protections and allowlists, and private addressing only (Part 213.20)."),
        (name = "need-to-know", description = "The need-to-know roster for For Official Use Only information: applications, decisions, the handling agreement, expiry, renewal, revocation and export (Part 213.30(a)(5))."),
        (name = "directory", description = "The incident-response directory: whom an election authority calls in an incident, in which order, on which channel, and when the details were last verified (Part 213.30(a)(9))."),
        (name = "outreach", description = "Contacts with each election authority's officials, webinars, conferences, trainings and tabletops with attendance, and every authority's last contact (Part 213.30(a)(3), (10))."),
        (name = "products", description = "Intelligence notes, best-practice bulletins and urgent alerts of the sharing desk: drafts, review, approval by a second person, publication paragraph by paragraph as each reader's markings allow, and each authority's information needs (Part 213.30(a)(4), (6), (7))."),
        (name = "reports", description = "Two-way sharing: what election authorities report they observed (the county form as JSON; tools use the TAXII collection Reports to the Board), the Program Manager's queue, and validation into intake and sightings or rejection with a reason (Part 213.50(a)(2)(B))."),
        (name = "field operations", description = "Documents on file and their reviews (213.40(a)(2)), field visits and follow-ups, navigators' workload, need scores and the balanced assignment of authorities to navigator pairs (Part 213.40)."),
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI entries. One `routes!` per path, because `routes!`
/// registers every handler it is given on every path among them.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            authorities::list_election_authorities,
            authorities::create_election_authority
        ))
        .routes(routes!(
            authorities::get_election_authority,
            authorities::update_election_authority
        ))
        .routes(routes!(authorities::assign_navigators))
        .routes(routes!(contacts::list_contacts, contacts::create_contact))
        .routes(routes!(
            contacts::get_contact,
            contacts::update_contact,
            contacts::delete_contact
        ))
        .routes(routes!(contacts::verify_contact))
        .routes(routes!(zones::list_zones))
        .routes(routes!(
            partners::list_partner_organisations,
            partners::create_partner_organisation
        ))
        .routes(routes!(me::get_me))
        .routes(routes!(people::list_people))
        .routes(routes!(people::create_invitation))
        .routes(routes!(audit::list_audit_events))
        .routes(routes!(tokens::list_tokens))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(
            participation::list_grant_cycles,
            participation::create_grant_cycle
        ))
        .routes(routes!(participation::get_participation))
        .routes(routes!(participation::put_fact))
        .routes(routes!(participation::create_certification))
        .routes(routes!(statewide::get_statewide))
        .routes(routes!(
            statewide::get_report_card,
            statewide::publish_report_card
        ))
        .routes(routes!(statewide::create_requirement_set))
        .routes(routes!(grants::put_allocation))
        .routes(routes!(grants::put_funds))
        .routes(routes!(grants::get_ledger))
        .routes(routes!(grants::list_eac_categories))
        .routes(routes!(grants::export_eac_categories))
        .routes(routes!(
            grants::list_expenditures,
            grants::create_expenditure
        ))
        .routes(routes!(grants::list_awards))
        .routes(routes!(grants::put_award))
        .routes(routes!(grants::get_award_proposal))
        .routes(routes!(grants::list_claims, grants::create_claim))
        .routes(routes!(grants::decide_claim))
        .routes(routes!(
            attestations::list_attestations,
            attestations::create_attestation
        ))
        .routes(routes!(attestations::get_attestation_file))
        .routes(routes!(attestations::get_attestation_letter))
        .routes(routes!(attestations::get_attestation_key))
        .routes(routes!(icn::list_icn_circuits, icn::create_icn_circuit))
        .routes(routes!(icn::update_icn_circuit))
        .routes(routes!(icn::put_icn_protection))
        .routes(routes!(
            assessments::list_catalogs,
            assessments::create_catalog
        ))
        .routes(routes!(assessments::get_catalog))
        .routes(routes!(catalogs::list_catalog_mappings))
        .routes(routes!(assessments::get_statewide_scores))
        .routes(routes!(assessments::create_assessment))
        .routes(routes!(assessments::get_assessment))
        .routes(routes!(assessments::put_answers))
        .routes(routes!(assessments::create_transition))
        .routes(routes!(assessments::export_answers))
        .routes(routes!(assessments::list_assessments))
        .routes(routes!(assessments::get_scores))
        .routes(routes!(assessments::put_scope))
        .routes(routes!(assessments::raise_findings))
        .merge(
            // Evidence files are larger than the default body limit; the app applies the
            // configured file limit.
            OpenApiRouter::new()
                .routes(routes!(
                    assessments::upload_item_evidence,
                    assessments::list_item_evidence
                ))
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::pages::participation::EVIDENCE_BODY_LIMIT,
                )),
        )
        .routes(routes!(assessments::get_item_evidence))
        .routes(routes!(icn::create_allowlist_entry))
        .routes(routes!(icn::delete_allowlist_entry))
        .routes(routes!(findings::list_findings, findings::create_finding))
        .routes(routes!(findings::export_findings))
        .routes(routes!(findings::get_finding, findings::update_finding))
        .routes(routes!(findings::transition_finding))
        .routes(routes!(findings::comment_finding))
        .routes(routes!(findings::add_finding_evidence))
        .routes(routes!(findings::import_cyhy))
        .routes(routes!(findings::put_kev_catalog))
        .merge(
            // Bundles and lists are larger than the default body limit.
            OpenApiRouter::new()
                .routes(routes!(intake::import_stix))
                .routes(routes!(intake::import_indicators))
                .layer(axum::extract::DefaultBodyLimit::max(
                    intake::INTAKE_BODY_LIMIT,
                )),
        )
        .routes(routes!(intake::list_indicators))
        .routes(routes!(intake::list_runs))
        .routes(routes!(digest::list_digest_runs))
        .routes(routes!(digest::list_digest_receipts))
        .routes(routes!(digest::get_my_digest, digest::put_my_digest))
        .routes(routes!(findings::get_findings_overview))
        .routes(routes!(oscal::get_assessment_results))
        .routes(routes!(oscal::get_poam))
        .routes(routes!(icn::get_icn_settings, icn::put_icn_settings))
        .routes(routes!(icn::get_allowlist))
        .routes(routes!(
            field_ops::list_documents,
            field_ops::create_document
        ))
        .routes(routes!(field_ops::create_review))
        .routes(routes!(field_ops::list_visits, field_ops::create_visit))
        .routes(routes!(field_ops::create_follow_up))
        .routes(routes!(field_ops::put_follow_up))
        .routes(routes!(field_ops::get_workload))
        .routes(routes!(field_ops::list_need_scores))
        .routes(routes!(field_ops::get_assignment_suggestion))
        .routes(routes!(field_ops::apply_assignment_suggestion))
        .routes(routes!(
            need_to_know::list_need_to_know,
            need_to_know::apply_need_to_know
        ))
        .routes(routes!(need_to_know::list_my_need_to_know))
        .routes(routes!(need_to_know::export_need_to_know))
        .routes(routes!(need_to_know::decide_need_to_know))
        .routes(routes!(need_to_know::accept_need_to_know))
        .routes(routes!(need_to_know::renew_need_to_know))
        .routes(routes!(need_to_know::revoke_need_to_know))
        .routes(routes!(
            directory::list_directory,
            directory::create_directory_entry
        ))
        .routes(routes!(directory::export_directory))
        .routes(routes!(
            directory::get_directory_entry,
            directory::put_directory_entry,
            directory::delete_directory_entry
        ))
        .routes(routes!(directory::verify_directory_entry))
        .routes(routes!(
            outreach::list_outreach_contacts,
            outreach::create_outreach_contact
        ))
        .routes(routes!(outreach::list_last_contact))
        .routes(routes!(outreach::list_events, outreach::create_event))
        .routes(routes!(outreach::get_event))
        .routes(routes!(outreach::create_attendance))
        .routes(routes!(products::list_products, products::create_product))
        .routes(routes!(products::get_product, products::update_product))
        .routes(routes!(products::transition_product))
        .routes(routes!(
            products::get_information_needs,
            products::put_information_needs
        ))
        .routes(routes!(reports::list_reports, reports::create_report))
        .routes(routes!(reports::get_report))
        .routes(routes!(reports::validate_report))
        .routes(routes!(reports::reject_report))
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// Every operation in the OpenAPI document as `(METHOD, path template)`, e.g.
/// `("GET", "/api/v1/election-authorities/{id}")`, sorted by path, then method. Tests that
/// must cover every operation (such as the authorisation matrix) iterate this.
pub fn api_operations() -> Vec<(String, String)> {
    let doc = openapi();
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("OPTIONS", &item.options),
            ("HEAD", &item.head),
            ("PATCH", &item.patch),
            ("TRACE", &item.trace),
        ];
        for (method, op) in methods {
            if op.is_some() {
                out.push((method.to_string(), path.clone()));
            }
        }
    }
    out.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    out
}

/// Every API route, the document, and the envelope for answers no handler wrote.
pub fn routes() -> Router<AppState> {
    let (router, doc) = api_router().split_for_parts();
    let json = doc.to_pretty_json().unwrap_or_default();
    router
        .route("/api/{*rest}", any(unknown_api_path))
        .layer(axum::middleware::map_response(finish_errors))
        .route(
            "/api/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
}

/// `/api/…` paths that name no resource.
async fn unknown_api_path() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such API path; the operations are listed in /api/openapi.json",
    )
}

/// Finishes error answers: answers that did not come from a handler or an extractor (405 for
/// a method the path does not have, for instance) get the error envelope too, keeping their
/// status and headers; and 401 says which scheme to use (`WWW-Authenticate: Bearer`, as
/// RFC 6750 asks).
async fn finish_errors(mut resp: Response) -> Response {
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .entry(header::WWW_AUTHENTICATE)
            .or_insert(HeaderValue::from_static("Bearer"));
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if status.is_success() || status.is_redirection() || is_json {
        return resp;
    }
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "this path does not take this method; see the Allow header".to_string()
        }
        other => other
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_lowercase(),
    };
    let (mut parts, _) = resp.into_parts();
    let body = ApiError::new(status, detail).into_response().into_body();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, body)
}

/// A string schema limited to `values`, for the stable identifiers of domain enums (taken
/// from the domain's own lists, so the document cannot drift from the code).
fn enum_schema<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_string)))
        .description(Some(description))
        .build()
}

/// Schema: an election authority's kind.
pub(crate) fn ea_kind_schema() -> Object {
    use cybernav_core::election_authority::EaKind;
    enum_schema(EaKind::ALL.map(EaKind::as_str), "The kind of office.")
}

/// Schema: a contact's role.
pub(crate) fn contact_role_schema() -> Object {
    use cybernav_core::contact::ContactRole;
    enum_schema(
        ContactRole::ALL.map(ContactRole::as_str),
        "Why the contact matters.",
    )
}

/// Schema: a person's role.
pub(crate) fn role_schema() -> Object {
    use cybernav_core::role::Role;
    enum_schema(Role::ALL.map(Role::as_str), "The account's role.")
}

/// Schema: a partner organisation's kind.
pub(crate) fn partner_kind_schema() -> Object {
    use cybernav_core::partner::PartnerKind;
    enum_schema(
        PartnerKind::ALL.map(PartnerKind::as_str),
        "What the organisation is.",
    )
}

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn date_string(d: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    d.format(format).unwrap_or_else(|_| d.to_string())
}

/// Serialises instants as RFC 3339 in UTC (`2026-03-15T14:00:00.123456Z`).
pub(crate) mod rfc3339_utc {
    use serde::Serializer;
    use time::OffsetDateTime;

    /// An instant.
    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(&t.to_offset(time::UtcOffset::UTC), s)
    }

    /// An optional instant.
    pub mod option {
        use serde::Serializer;
        use time::OffsetDateTime;

        /// An optional instant; `null` when absent.
        pub fn serialize<S: Serializer>(
            t: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            time::serde::rfc3339::option::serialize(
                &t.map(|t| t.to_offset(time::UtcOffset::UTC)),
                s,
            )
        }
    }
}
