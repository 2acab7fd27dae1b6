//! The TAXII 2.1 server at `/taxii2/`: discovery, one API root (`/taxii2/root/`), its
//! collections, manifests, objects (GET and POST), one object and its versions, and the status
//! of a POST.
//!
//! * Media type `application/taxii+json;version=2.1` both ways: a request whose `Accept`
//!   does not allow it is answered 406, a POST whose `Content-Type` is not it 415.
//! * Authentication: an API token as `Authorization: Bearer <token>`, or as the password of
//!   HTTP Basic (for clients such as taxii2-client that only speak Basic; the user name is
//!   ignored). Without one: 401 with a TAXII error and `WWW-Authenticate`.
//! * Every answer that is not a success is a TAXII error object
//!   (`{"title", "description", "http_status"}`).
//! * The rules (who sees which object, what a report may hold) are in
//!   `cybernav_app::sharing::taxii`; handlers parse, call, and write TAXII resources.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use cybernav_app::AppError;
use cybernav_app::sharing::taxii::{
    Collection, CollectionAccess, TaxiiEntry, TaxiiPage, TaxiiQuery, TaxiiStatus, VersionMatch,
};
use cybernav_core::authz::Actor;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Meta;

pub use cybernav_app::sharing::taxii_feeds::TAXII_MEDIA_TYPE;

/// The STIX 2.1 media type (of the objects in a manifest).
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

/// The API root's path.
pub const API_ROOT: &str = "/taxii2/root/";

/// A TAXII error answer.
#[derive(Debug)]
pub struct TaxiiError {
    status: StatusCode,
    title: String,
    description: String,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &str, description: impl Into<String>) -> Self {
        TaxiiError {
            status,
            title: title.to_string(),
            description: description.into(),
        }
    }

    fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Authentication required",
            "send an API token as 'Authorization: Bearer <token>', or as the password of HTTP \
             Basic; create one under My account",
        )
    }

    fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", what)
    }

    fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", description)
    }
}

impl From<AppError> for TaxiiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(fields) => TaxiiError::bad_request(
                fields
                    .0
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::BadCredentials | AppError::Unauthenticated => TaxiiError::unauthorized(),
            AppError::Forbidden => TaxiiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "your account may not do this with this collection",
            ),
            AppError::NotFound | AppError::LinkInvalid => {
                TaxiiError::not_found("no such resource for your account")
            }
            AppError::Conflict(what) => TaxiiError::new(StatusCode::CONFLICT, "Conflict", what),
            AppError::Store(e) => {
                tracing::error!(error = %e, "storage error");
                TaxiiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Server error",
                    "something went wrong on our side; try again in a minute",
                )
            }
        }
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut resp = taxii_json(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"taxii\", Basic realm=\"taxii\""),
            );
        }
        resp
    }
}

type TaxiiResult<T> = Result<T, TaxiiError>;

fn taxii_json(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    resp
}

/// True when an `Accept` header allows the TAXII 2.1 media type (no header allows anything).
fn accepts_taxii(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return true;
    };
    let Ok(accept) = accept.to_str() else {
        return false;
    };
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(|p| p.trim().to_ascii_lowercase());
        let ty = parts.next().unwrap_or_default();
        let params: Vec<String> = parts.filter(|p| !p.starts_with("q=")).collect();
        match ty.as_str() {
            "*/*" | "application/*" => true,
            "application/taxii+json" => params.iter().all(|p| p.replace(' ', "") == "version=2.1"),
            _ => false,
        }
    })
}

fn is_taxii_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let mut parts = ct.split(';').map(|p| p.trim().to_ascii_lowercase());
            parts.next().as_deref() == Some("application/taxii+json")
                && parts.all(|p| p.replace(' ', "") == "version=2.1")
        })
}

/// A TAXII client, authenticated by its API token, whose `Accept` allows TAXII 2.1.
#[derive(Debug, Clone)]
pub struct TaxiiClient(pub Actor);

impl FromRequestParts<AppState> for TaxiiClient {
    type Rejection = TaxiiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .and_then(|(scheme, value)| {
                if scheme.eq_ignore_ascii_case("bearer") {
                    Some(value.trim().to_string())
                } else if scheme.eq_ignore_ascii_case("basic") {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(value.trim())
                        .ok()?;
                    let text = String::from_utf8(decoded).ok()?;
                    text.split_once(':')
                        .map(|(_, password)| password.to_string())
                } else {
                    None
                }
            })
            .ok_or_else(TaxiiError::unauthorized)?;
        let actor = state
            .app
            .authenticate_api_token(&token)
            .await?
            .ok_or_else(TaxiiError::unauthorized)?;
        if !accepts_taxii(&parts.headers) {
            return Err(TaxiiError::new(
                StatusCode::NOT_ACCEPTABLE,
                "Not acceptable",
                format!("this server answers with '{TAXII_MEDIA_TYPE}'; send it in 'Accept'"),
            ));
        }
        Ok(TaxiiClient(actor))
    }
}

/// A TAXII timestamp: RFC 3339 UTC with microseconds, as STIX objects are written.
fn ts(t: OffsetDateTime) -> String {
    cybernav_app::sharing::taxii::stix_timestamp(t)
}

/// The STIX version string of an object (its `modified` as written).
fn version_string(e: &TaxiiEntry) -> String {
    e.object["modified"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| ts(e.version))
}

fn collection_of(id: &str) -> TaxiiResult<Collection> {
    Collection::from_id(id).ok_or_else(|| TaxiiError::not_found("no such collection"))
}

fn collection_resource(a: &CollectionAccess) -> Value {
    json!({
        "id": a.collection.id(),
        "title": a.collection.title(),
        "description": a.collection.description(),
        "can_read": a.can_read,
        "can_write": a.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    })
}

/// Reads the query string of a GET on objects, manifest or versions. `object_id` is the path's
/// object, when there is one (then `match[id]` and `match[type]` do not apply).
fn parse_query(
    raw: Option<&str>,
    object_id: Option<&str>,
    versions: bool,
) -> TaxiiResult<TaxiiQuery> {
    let mut q = TaxiiQuery::default();
    let mut seen = std::collections::BTreeSet::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if !seen.insert(k.to_string()) {
            return Err(TaxiiError::bad_request(format!(
                "{k}: is given more than once"
            )));
        }
        let list = || -> Vec<String> {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        match k.as_ref() {
            "added_after" => {
                q.added_after = Some(OffsetDateTime::parse(v.trim(), &Rfc3339).map_err(|_| {
                    TaxiiError::bad_request(format!(
                        "added_after: '{v}' is not an RFC 3339 timestamp (2026-02-10T14:30:00.000Z)"
                    ))
                })?)
            }
            "limit" => {
                let n: usize = v.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    TaxiiError::bad_request(format!("limit: '{v}' is not a whole number from 1"))
                })?;
                q.limit = Some(n);
            }
            "next" => q.next = Some(v.to_string()),
            "match[id]" if object_id.is_none() => q.ids = Some(list()),
            "match[type]" if object_id.is_none() => q.types = Some(list()),
            "match[version]" if !versions => {
                q.versions = VersionMatch::parse(&v)
                    .map_err(|e| TaxiiError::bad_request(format!("match[version]: {e}")))?
            }
            "match[spec_version]" => q.spec_versions = Some(list()),
            other => {
                return Err(TaxiiError::bad_request(format!(
                    "{other}: is not a parameter of this endpoint (added_after, limit, next, \
                     match[id], match[type], match[version], match[spec_version])"
                )));
            }
        }
    }
    if let Some(id) = object_id {
        q.ids = Some(vec![id.to_string()]);
    }
    if versions {
        q.versions = VersionMatch {
            first: false,
            last: false,
            all: true,
            at: Vec::new(),
        };
    }
    Ok(q)
}

/// Adds `X-TAXII-Date-Added-First` and `-Last` for a page's entries.
fn with_date_headers(mut resp: Response, page: &TaxiiPage) -> Response {
    let first = page.entries.iter().map(|e| e.date_added).min();
    let last = page.entries.iter().map(|e| e.date_added).max();
    if let (Some(first), Some(last)) = (first, last) {
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&ts(first)) {
            h.insert("x-taxii-date-added-first", v);
        }
        if let Ok(v) = HeaderValue::from_str(&ts(last)) {
            h.insert("x-taxii-date-added-last", v);
        }
    }
    resp
}

fn paged(mut body: Value, page: &TaxiiPage) -> Value {
    body["more"] = json!(page.more);
    if let Some(n) = &page.next {
        body["next"] = json!(n);
    }
    body
}

/// `GET /taxii2/`: the server and its API root.
pub async fn get_discovery(_: TaxiiClient) -> TaxiiResult<Response> {
    Ok(taxii_json(
        StatusCode::OK,
        &json!({
            "title": "Cyber Navigator Program TAXII server",
            "description": "Threat information shared by the State Board of Elections with election authorities and vetted partners. Every object is released as its TLP 2.0 marking and any FOUO caveat allow for your account.",
            "default": API_ROOT,
            "api_roots": [API_ROOT],
        }),
    ))
}

/// `GET /taxii2/root/`: the API root.
pub async fn get_api_root(_: TaxiiClient) -> TaxiiResult<Response> {
    Ok(taxii_json(
        StatusCode::OK,
        &json!({
            "title": "Cyber Navigator Program",
            "description": "Indicators published by the Board, information the Board received and shares, and reports from election authorities.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": crate::BODY_LIMIT,
        }),
    ))
}

/// `GET /taxii2/root/collections/`: the collections shown to the caller.
pub async fn list_collections(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
) -> TaxiiResult<Response> {
    let list: Vec<Value> = state
        .app
        .taxii_collections(&actor.read_taxii())
        .iter()
        .map(collection_resource)
        .collect();
    Ok(taxii_json(StatusCode::OK, &json!({ "collections": list })))
}

/// `GET /taxii2/root/collections/{id}/`.
pub async fn get_collection(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path(id): Path<String>,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    let access = state
        .app
        .taxii_access(&actor, c)
        .ok_or_else(|| TaxiiError::not_found("no such collection"))?;
    Ok(taxii_json(StatusCode::OK, &collection_resource(&access)))
}

/// `GET /taxii2/root/collections/{id}/manifest/`.
pub async fn get_manifest(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    let q = parse_query(raw.as_deref(), None, false)?;
    let page = state.app.taxii_objects(&actor.read_taxii(), c, &q).await?;
    let objects: Vec<Value> = page
        .entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "date_added": ts(e.date_added),
                "version": version_string(e),
                "media_type": format!("application/stix+json;version={}", e.spec_version),
            })
        })
        .collect();
    let body = paged(json!({ "objects": objects }), &page);
    Ok(with_date_headers(taxii_json(StatusCode::OK, &body), &page))
}

fn envelope(page: &TaxiiPage) -> Value {
    let objects: Vec<&Value> = page.entries.iter().map(|e| &e.object).collect();
    paged(json!({ "objects": objects }), page)
}

/// `GET /taxii2/root/collections/{id}/objects/`.
pub async fn get_objects(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    let q = parse_query(raw.as_deref(), None, false)?;
    let page = state.app.taxii_objects(&actor.read_taxii(), c, &q).await?;
    Ok(with_date_headers(
        taxii_json(StatusCode::OK, &envelope(&page)),
        &page,
    ))
}

fn status_resource(s: &TaxiiStatus) -> Value {
    json!({
        "id": s.id.to_string(),
        "status": s.status,
        "request_timestamp": ts(s.request_timestamp),
        "total_count": s.total_count,
        "success_count": s.successes.len(),
        "successes": s.successes,
        "failure_count": s.failures.len(),
        "failures": s.failures,
        "pending_count": s.pendings.len(),
        "pendings": s.pendings,
    })
}

/// `POST /taxii2/root/collections/{id}/objects/`: an envelope of STIX 2.1 objects for the
/// reports collection; 202 with the status.
pub async fn add_objects(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Meta(meta): Meta,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    if !is_taxii_content_type(&headers) {
        return Err(TaxiiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            format!("send the envelope as '{TAXII_MEDIA_TYPE}'"),
        ));
    }
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        objects: Option<&'a serde_json::value::RawValue>,
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| TaxiiError::bad_request("the envelope is not UTF-8 text"))?;
    let env: Envelope<'_> = serde_json::from_str(text)
        .map_err(|e| TaxiiError::bad_request(format!("the body is not a TAXII envelope: {e}")))?;
    let objects = env
        .objects
        .ok_or_else(|| TaxiiError::bad_request("objects: the envelope has no objects"))?;
    let status = state
        .app
        .taxii_add_objects(&actor.read_taxii(), c, objects.get(), &meta)
        .await?;
    Ok(taxii_json(StatusCode::ACCEPTED, &status_resource(&status)))
}

/// `GET /taxii2/root/collections/{id}/objects/{object_id}/`.
pub async fn get_object(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    let q = parse_query(raw.as_deref(), Some(&object_id), false)?;
    let page = state.app.taxii_objects(&actor.read_taxii(), c, &q).await?;
    if page.entries.is_empty() && q.next.is_none() {
        return Err(TaxiiError::not_found("no such object for your account"));
    }
    Ok(with_date_headers(
        taxii_json(StatusCode::OK, &envelope(&page)),
        &page,
    ))
}

/// `GET /taxii2/root/collections/{id}/objects/{object_id}/versions/`.
pub async fn get_object_versions(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> TaxiiResult<Response> {
    let c = collection_of(&id)?;
    let q = parse_query(raw.as_deref(), Some(&object_id), true)?;
    let page = state.app.taxii_objects(&actor.read_taxii(), c, &q).await?;
    if page.entries.is_empty() && q.next.is_none() {
        return Err(TaxiiError::not_found("no such object for your account"));
    }
    let versions: Vec<String> = page.entries.iter().map(version_string).collect();
    let body = paged(json!({ "versions": versions }), &page);
    Ok(with_date_headers(taxii_json(StatusCode::OK, &body), &page))
}

/// `GET /taxii2/root/status/{status_id}/`.
pub async fn get_status(
    State(state): State<AppState>,
    TaxiiClient(actor): TaxiiClient,
    Path(id): Path<String>,
) -> TaxiiResult<Response> {
    let id = Uuid::parse_str(&id).map_err(|_| TaxiiError::not_found("no such status"))?;
    let status = state.app.taxii_status(&actor.read_taxii(), id).await?;
    Ok(taxii_json(StatusCode::OK, &status_resource(&status)))
}

async fn method_not_allowed() -> TaxiiError {
    TaxiiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        "this resource does not take that method",
    )
}

async fn unknown_path() -> TaxiiError {
    TaxiiError::not_found("no such TAXII resource; discovery is at /taxii2/")
}

/// The `(METHOD, path)` of every TAXII operation, for tests that must cover them all.
pub const OPERATIONS: [(&str, &str); 10] = [
    ("GET", "/taxii2/"),
    ("GET", "/taxii2/root/"),
    ("GET", "/taxii2/root/collections/"),
    ("GET", "/taxii2/root/collections/{id}/"),
    ("GET", "/taxii2/root/collections/{id}/manifest/"),
    ("GET", "/taxii2/root/collections/{id}/objects/"),
    ("POST", "/taxii2/root/collections/{id}/objects/"),
    ("GET", "/taxii2/root/collections/{id}/objects/{object_id}/"),
    (
        "GET",
        "/taxii2/root/collections/{id}/objects/{object_id}/versions/",
    ),
    ("GET", "/taxii2/root/status/{status_id}/"),
];

/// The TAXII routes. Each path is served with and without its trailing slash (taxii2-client
/// asks for a status without one).
pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    let both = |p: &str| -> [String; 2] { [p.to_string(), p.trim_end_matches('/').to_string()] };
    for p in both("/taxii2/") {
        r = r.route(&p, get(get_discovery).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/") {
        r = r.route(&p, get(get_api_root).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/collections/") {
        r = r.route(&p, get(list_collections).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/collections/{id}/") {
        r = r.route(&p, get(get_collection).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/collections/{id}/manifest/") {
        r = r.route(&p, get(get_manifest).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/collections/{id}/objects/") {
        r = r.route(
            &p,
            get(get_objects)
                .post(add_objects)
                .fallback(method_not_allowed),
        );
    }
    for p in both("/taxii2/root/collections/{id}/objects/{object_id}/") {
        r = r.route(&p, get(get_object).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/collections/{id}/objects/{object_id}/versions/") {
        r = r.route(&p, get(get_object_versions).fallback(method_not_allowed));
    }
    for p in both("/taxii2/root/status/{status_id}/") {
        r = r.route(&p, get(get_status).fallback(method_not_allowed));
    }
    r.route("/taxii2/{*rest}", axum::routing::any(unknown_path))
}
