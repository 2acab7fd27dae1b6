//! Intelligence products of the sharing desk (213.30(a)(4), (6), (7)) and authorities'
//! information needs. Every paragraph a caller receives passed `may_see`; withheld ones are
//! counted, never sent.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::sharing::products::{
    LinkInput, ProductInput, ProductSummary, ProductView, withheld_notice,
};
use cybernav_core::sharing::product::{Action, InformationNeeds, Kind, State as PState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::authorities::ElectionAuthorityId;
use super::extract::{ApiJson, ApiPath};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

fn kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(Kind::ALL.map(Kind::as_str), "What kind of product it is.")
}

fn state_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(
        PState::ALL.map(PState::as_str),
        "Where it stands in the workflow.",
    )
}

fn action_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(Action::ALL.map(Action::as_str), "A workflow step.")
}

fn link_kind_schema() -> utoipa::openapi::schema::Object {
    super::enum_schema(["indicator", "stix"], "What the link points at.")
}

/// A product in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductItem {
    /// Id.
    pub id: Uuid,
    /// Kind.
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    /// Workflow state.
    #[schema(schema_with = state_schema)]
    pub state: String,
    /// Title.
    pub title: String,
    /// The marking of the title, summary and tags (`TLP:GREEN`, `TLP:AMBER FOUO`).
    #[schema(example = "TLP:GREEN")]
    pub marking: String,
    /// Summary; `null` when the caller sees metadata only.
    pub summary: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The tags that match the caller's authorities' information needs.
    pub matches_needs: Vec<String>,
    /// How well it matches (higher first; 0 for none).
    pub relevance: u32,
    /// The author's name.
    pub author: Option<String>,
    /// When it was published.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub published_at: Option<OffsetDateTime>,
    /// Last changed.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub updated_at: OffsetDateTime,
}

impl From<ProductSummary> for ProductItem {
    fn from(s: ProductSummary) -> Self {
        ProductItem {
            id: s.id,
            kind: s.kind.as_str().into(),
            state: s.state.as_str().into(),
            title: s.title,
            marking: s.marking.label(),
            summary: s.summary,
            tags: s.tags,
            matches_needs: s.relevance.matched,
            relevance: s.relevance.score,
            author: s.author_name,
            published_at: s.published_at,
            updated_at: s.updated_at,
        }
    }
}

/// One paragraph the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParagraphItem {
    /// Its marking.
    #[schema(example = "TLP:AMBER FOUO")]
    pub marking: String,
    /// Its Markdown text.
    pub text: String,
}

/// A link to an indicator or a STIX object.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkItem {
    /// `indicator` or `stix`.
    #[schema(schema_with = link_kind_schema)]
    pub kind: String,
    /// The indicator's id or the STIX object's id.
    #[schema(example = "report--4c7b2d44-55a3-4f0e-9d6b-8c9a4b3f2e1d")]
    pub reference: String,
}

/// A review comment (the desk only).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentItem {
    /// Who wrote it.
    pub author: Option<String>,
    /// The step it came with.
    pub action: Option<String>,
    /// Text.
    pub text: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub created_at: OffsetDateTime,
}

/// A product as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductDetail {
    /// What the list shows.
    #[serde(flatten)]
    pub item: ProductItem,
    /// The marking of everything the caller receives: put it before and after the text.
    #[schema(example = "TLP:AMBER FOUO")]
    pub banner: String,
    /// The paragraphs the caller may see, in order.
    pub paragraphs: Vec<ParagraphItem>,
    /// How many paragraphs were withheld from the caller.
    pub withheld: usize,
    /// The sentence to show when some were.
    pub withheld_notice: Option<String>,
    /// Sources.
    pub sources: Vec<String>,
    /// Related indicators and STIX objects.
    pub links: Vec<LinkItem>,
    /// Review comments, for the desk.
    pub comments: Vec<CommentItem>,
    /// True when the caller sees metadata only.
    pub metadata_only: bool,
    /// The workflow steps the caller may take now.
    pub actions: Vec<String>,
    /// Whether the caller may edit it now.
    pub editable: bool,
    /// The product it replaces.
    pub supersedes: Option<Uuid>,
    /// The product that replaced it.
    pub superseded_by: Option<Uuid>,
    /// For TLP:RED: the people it is for (the author among them).
    pub recipients: Vec<RecipientItem>,
}

/// A person a TLP:RED product is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientItem {
    /// Their account.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Their election authority or partner; none for the Board's people.
    pub organisation: Option<String>,
}

impl From<ProductView> for ProductDetail {
    fn from(v: ProductView) -> Self {
        ProductDetail {
            banner: v.banner.label(),
            paragraphs: v
                .paragraphs
                .into_iter()
                .map(|p| ParagraphItem {
                    marking: p.marking.label(),
                    text: p.body,
                })
                .collect(),
            withheld: v.withheld,
            withheld_notice: (v.withheld > 0).then(|| withheld_notice(v.withheld)),
            sources: v.sources,
            links: v
                .links
                .into_iter()
                .map(|l| LinkItem {
                    kind: l.kind,
                    reference: l.reference,
                })
                .collect(),
            comments: v
                .comments
                .into_iter()
                .map(|c| CommentItem {
                    author: c.author_name,
                    action: c.action,
                    text: c.body,
                    created_at: c.created_at,
                })
                .collect(),
            metadata_only: v.metadata_only,
            actions: v.actions.iter().map(|a| a.as_str().to_string()).collect(),
            editable: v.editable,
            supersedes: v.supersedes,
            superseded_by: v.superseded_by,
            recipients: v
                .recipients
                .into_iter()
                .map(|r| RecipientItem {
                    id: r.id,
                    name: r.name,
                    email: r.email,
                    organisation: r.organisation,
                })
                .collect(),
            item: v.summary.into(),
        }
    }
}

/// One product.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    /// The product.
    pub product: ProductDetail,
}

/// Products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    /// Published first, those matching the caller's information needs first, then newest.
    pub products: Vec<ProductItem>,
    /// How many.
    pub meta: PageMeta,
}

/// A new product (a draft).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    /// `note`, `bulletin` or `alert`.
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    /// Title; the desk and auditors see it whatever the marking.
    pub title: String,
    /// A sentence or two: what happened and what to do. Carries the base marking.
    pub summary: String,
    /// The base marking: of the title, summary, tags and unmarked paragraphs. TLP:RED needs
    /// `recipients`.
    #[schema(example = "TLP:GREEN")]
    pub base_marking: String,
    /// Markdown; paragraphs separated by a blank line, each may start with a portion mark
    /// such as `(TLP:AMBER FOUO)` or `(U//FOUO)`.
    pub body: String,
    /// Tags (topics, systems, vendors).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Sources ("CISA AA24-060A", "MS-ISAC").
    #[serde(default)]
    pub sources: Vec<String>,
    /// Related indicators and STIX objects.
    #[serde(default)]
    pub links: Vec<LinkItem>,
    /// A published product this one replaces when published.
    #[serde(default)]
    pub supersedes: Option<Uuid>,
    /// For TLP:RED only: the people it is for, as account ids or e-mail addresses of active
    /// accounts (at least one besides the author, who is always included).
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// Changes to a draft: only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    /// Kind.
    #[schema(schema_with = kind_schema)]
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Base marking.
    pub base_marking: Option<String>,
    /// Body.
    pub body: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Sources.
    pub sources: Option<Vec<String>>,
    /// Links.
    pub links: Option<Vec<LinkItem>>,
    /// A published product this one replaces.
    pub supersedes: Option<Uuid>,
    /// For TLP:RED: the people it is for (replaces the list; the author is always included).
    pub recipients: Option<Vec<String>>,
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// `submit`, `send_back`, `approve`, `publish` or `withdraw`.
    #[schema(schema_with = action_schema)]
    pub action: String,
    /// Required to send back (what to change) and to withdraw (why).
    #[serde(default)]
    pub comment: Option<String>,
}

/// What a publication did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    /// The product after the step.
    pub product: ProductDetail,
    /// E-mails queued (publishing an alert).
    pub emails_queued: usize,
}

/// The product, from the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProductPath {
    /// The product's id.
    pub id: Uuid,
}

/// An authority's information needs.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedsBody {
    /// Topics ("ransomware", "phishing").
    #[serde(default)]
    pub topics: Vec<String>,
    /// Systems ("e-poll books", "voter registration").
    #[serde(default)]
    pub systems: Vec<String>,
    /// Vendors.
    #[serde(default)]
    pub vendors: Vec<String>,
}

/// The answer about an authority's information needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedsResponse {
    /// The needs.
    pub information_needs: NeedsBody,
    /// When they were last set; `null` if never.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub updated_at: Option<OffsetDateTime>,
}

fn needs_body(n: InformationNeeds) -> NeedsBody {
    NeedsBody {
        topics: n.topics,
        systems: n.systems,
        vendors: n.vendors,
    }
}

fn links_in(links: Vec<LinkItem>) -> Vec<LinkInput> {
    links
        .into_iter()
        .map(|l| LinkInput {
            kind: l.kind,
            reference: l.reference,
        })
        .collect()
}

async fn detail(state: &AppState, caller: &ApiCaller, id: Uuid) -> Result<ProductDetail, ApiError> {
    Ok(state
        .app
        .read_product(&caller.0.read_products(), id, cybernav_app::store::now())
        .await?
        .into())
}

/// Products the caller may see.
///
/// Published products whose marking the caller passes, those matching the information needs
/// of the caller's authorities first (then newest); for the desk, drafts and products in
/// review; for auditors, every product's metadata.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "products",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The products", body = ProductList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn list_products(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<ProductList>, ApiError> {
    let products: Vec<ProductItem> = state
        .app
        .list_products(&caller.0.read_products(), cybernav_app::store::now())
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(ProductList {
        meta: PageMeta::whole(products.len()),
        products,
    }))
}

/// Write a draft.
///
/// The Board, the Program Manager and navigators. Problems are reported field by field; a body
/// problem names the paragraph.
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "products",
    request_body = ProductRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The draft", body = ProductResponse),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not write products", body = ApiErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ApiErrorBody),
    )
)]
pub async fn create_product(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<ProductRequest>,
) -> Result<(StatusCode, Json<ProductResponse>), ApiError> {
    let cap = caller.0.write_products().ok_or(AppError::Forbidden)?;
    let input = ProductInput {
        kind: b.kind,
        title: b.title,
        summary: b.summary,
        base_marking: b.base_marking,
        body: b.body,
        tags: b.tags.join("\n"),
        sources: b.sources.join("\n"),
        links: links_in(b.links),
        supersedes: b.supersedes,
        recipients: b.recipients,
    };
    let id = state.app.create_product(&cap, &input, &meta).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProductResponse {
            product: detail(&state, &caller, id).await?,
        }),
    ))
}

/// One product, as the caller may see it.
///
/// Paragraphs the caller's markings do not allow are withheld and counted.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}",
    tag = "products",
    params(ProductPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The product", body = ProductResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 404, description = "No such product visible to the caller", body = ApiErrorBody),
    )
)]
pub async fn get_product(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ProductPath { id }): ApiPath<ProductPath>,
) -> Result<Json<ProductResponse>, ApiError> {
    Ok(Json(ProductResponse {
        product: detail(&state, &caller, id).await?,
    }))
}

/// Change a draft.
///
/// Its author, or the Board and the Program Manager; only drafts; only fields sent change.
#[utoipa::path(
    patch,
    path = "/api/v1/products/{id}",
    tag = "products",
    params(ProductPath),
    request_body = ProductPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The draft", body = ProductResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not edit it", body = ApiErrorBody),
        (status = 404, description = "No such product visible to the caller", body = ApiErrorBody),
        (status = 409, description = "Not a draft, or it has paragraphs the caller may not see", body = ApiErrorBody),
        (status = 422, description = "A field is invalid", body = ApiErrorBody),
    )
)]
pub async fn update_product(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ProductPath { id }): ApiPath<ProductPath>,
    ApiJson(p): ApiJson<ProductPatch>,
) -> Result<Json<ProductResponse>, ApiError> {
    // Someone who may not write is refused as forbidden only when they may see the product.
    let Some(cap) = caller.0.write_products() else {
        detail(&state, &caller, id).await?;
        return Err(AppError::Forbidden.into());
    };
    let mut input = state.app.product_for_edit(&cap, id).await?;
    if let Some(v) = p.kind {
        input.kind = v;
    }
    if let Some(v) = p.title {
        input.title = v;
    }
    if let Some(v) = p.summary {
        input.summary = v;
    }
    if let Some(v) = p.base_marking {
        input.base_marking = v;
    }
    if let Some(v) = p.body {
        input.body = v;
    }
    if let Some(v) = p.tags {
        input.tags = v.join("\n");
    }
    if let Some(v) = p.sources {
        input.sources = v.join("\n");
    }
    if let Some(v) = p.links {
        input.links = links_in(v);
    }
    if p.supersedes.is_some() {
        input.supersedes = p.supersedes;
    }
    if let Some(v) = p.recipients {
        input.recipients = v;
    }
    state.app.edit_product(&cap, id, &input, &meta).await?;
    Ok(Json(ProductResponse {
        product: detail(&state, &caller, id).await?,
    }))
}

/// Take a workflow step.
///
/// `submit` (the author, or the Board and the Program Manager); `send_back` with a comment,
/// `approve` (never one's own product), `publish`, `withdraw` with a comment (the Board and
/// the Program Manager). Publishing an alert e-mails everyone who may see it, each with the
/// paragraphs they may see.
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/transitions",
    tag = "products",
    params(ProductPath),
    request_body = TransitionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Done", body = TransitionResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not take this step", body = ApiErrorBody),
        (status = 404, description = "No such product visible to the caller", body = ApiErrorBody),
        (status = 409, description = "The step does not follow from the state, or the caller wrote it and would approve it", body = ApiErrorBody),
        (status = 422, description = "Unknown action, or a required comment is missing", body = ApiErrorBody),
    )
)]
pub async fn transition_product(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ProductPath { id }): ApiPath<ProductPath>,
    ApiJson(b): ApiJson<TransitionRequest>,
) -> Result<Json<TransitionResponse>, ApiError> {
    let action = Action::parse(&b.action).map_err(|e| AppError::invalid("action", e))?;
    let done = state
        .app
        .product_transition(&caller.0, id, action, b.comment.as_deref(), &meta)
        .await?;
    Ok(Json(TransitionResponse {
        product: detail(&state, &caller, id).await?,
        emails_queued: done.messages,
    }))
}

/// An authority's information needs.
///
/// Whoever may read the authority.
#[utoipa::path(
    get,
    path = "/api/v1/election-authorities/{id}/information-needs",
    tag = "products",
    params(ElectionAuthorityId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The needs", body = NeedsResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the registry", body = ApiErrorBody),
        (status = 404, description = "No such authority visible to the caller", body = ApiErrorBody),
    )
)]
pub async fn get_information_needs(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
) -> Result<Json<NeedsResponse>, ApiError> {
    let cap = caller
        .0
        .read_information_needs_of(id)
        .map_err(AppError::from)?;
    let (needs, updated_at) = state.app.information_needs(&cap).await?;
    Ok(Json(NeedsResponse {
        information_needs: needs_body(needs),
        updated_at,
    }))
}

/// Set an authority's information needs.
///
/// Its own official, its navigators, the Board and the Program Manager. Replaces all three
/// lists.
#[utoipa::path(
    put,
    path = "/api/v1/election-authorities/{id}/information-needs",
    tag = "products",
    params(ElectionAuthorityId),
    request_body = NeedsBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The needs", body = NeedsResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The caller may not set them", body = ApiErrorBody),
        (status = 404, description = "No such authority visible to the caller", body = ApiErrorBody),
        (status = 422, description = "A list is too long or has a term too long", body = ApiErrorBody),
    )
)]
pub async fn put_information_needs(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(ElectionAuthorityId { id }): ApiPath<ElectionAuthorityId>,
    ApiJson(b): ApiJson<NeedsBody>,
) -> Result<Json<NeedsResponse>, ApiError> {
    let cap = caller
        .0
        .edit_information_needs_of(id)
        .map_err(AppError::from)?;
    state
        .app
        .set_information_needs(
            &cap,
            &b.topics.join("\n"),
            &b.systems.join("\n"),
            &b.vendors.join("\n"),
            &meta,
        )
        .await?;
    let reader = caller
        .0
        .read_information_needs_of(id)
        .map_err(AppError::from)?;
    let (needs, updated_at) = state.app.information_needs(&reader).await?;
    Ok(Json(NeedsResponse {
        information_needs: needs_body(needs),
        updated_at,
    }))
}
