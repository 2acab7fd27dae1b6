//! Threat-information intake (Part 213.30(a)(4)): STIX bundles and indicator lists posted as
//! they are, the indicators each caller may see, and the import history.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use cybernav_app::AppError;
use cybernav_app::sharing::indicators::{IndicatorQuery, IndicatorView, RunView};
use cybernav_app::sharing::intake::{IntakeSummary, SourceSpec, default_marking};
use cybernav_app::sharing::intake_feeds::ListFormat;
use cybernav_core::FieldErrors;
use cybernav_core::sharing::IndicatorKind;
use cybernav_core::sharing::marking::check_source_default;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::ApiQuery;
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// The largest bundle or list the API takes in one request (a million-indicator bundle is
/// about 550 MB; larger feeds are imported with `cybernav import stix`).
pub const INTAKE_BODY_LIMIT: usize = 1 << 30;

/// Where posted information comes from.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceQuery {
    /// The source's name, registered on its first import ("CISA AIS"); `API upload` when left
    /// out.
    pub source: Option<String>,
    /// TLP level for what carries none (`CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`),
    /// used when the source is first registered; `AMBER` when left out.
    pub tlp: Option<String>,
    /// A handling caveat added to everything from the source (`FOUO`, `CUI`).
    pub caveat: Option<String>,
    /// For lists: `csv` or `text`; told by the content type when left out.
    pub format: Option<String>,
}

impl SourceQuery {
    fn spec(&self, kind: &str) -> Result<SourceSpec, AppError> {
        let mut errors = FieldErrors::default();
        let name = self
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("API upload");
        let marking = default_marking(self.tlp.as_deref(), self.caveat.as_deref(), &mut errors);
        if let Err(e) = check_source_default(marking.tlp) {
            errors.add("tlp", e);
        }
        errors.into_result(|| ())?;
        Ok(SourceSpec {
            name: name.to_string(),
            kind: kind.to_string(),
            default_marking: marking,
        })
    }
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeResponse {
    /// The run's id.
    pub run_id: uuid::Uuid,
    /// Indicators new to the store.
    pub imported: u64,
    /// Indicators already known (in the store or earlier in the same file).
    pub duplicates: u64,
    /// STIX objects kept as received.
    pub objects: u64,
    /// Indicator objects whose pattern is kept intact rather than turned into indicators.
    pub patterns_kept: u64,
    /// Every object or line refused.
    pub rejected: Vec<RejectedResponse>,
}

/// One refusal.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedResponse {
    /// The object's id, or where it is (`objects[3] (line 41)`, `line 7`).
    pub id: String,
    /// Why.
    pub reason: String,
}

impl From<IntakeSummary> for IntakeResponse {
    fn from(s: IntakeSummary) -> Self {
        IntakeResponse {
            run_id: s.run_id,
            imported: s.imported,
            duplicates: s.duplicates,
            objects: s.objects,
            patterns_kept: s.patterns_kept,
            rejected: s
                .rejected
                .into_iter()
                .map(|r| RejectedResponse {
                    id: r.id,
                    reason: r.reason,
                })
                .collect(),
        }
    }
}

/// Import a STIX bundle.
///
/// The body is a STIX 2.1 or 2.0 bundle as sent. Indicators are de-duplicated by kind and
/// normalised value and keep every source; other objects are kept as received. Refused
/// objects are listed and do not block the others; a body that is not a bundle stores
/// nothing. The Board and the Program Manager.
#[utoipa::path(
    post,
    path = "/api/v1/intake/stix",
    tag = "sharing",
    params(SourceQuery),
    request_body(content = Object, description = "A STIX bundle", content_type = "application/stix+json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Imported", body = IntakeResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not import", body = ApiErrorBody),
        (status = 422, description = "Not a bundle (line and column named), or a bad source parameter", body = ApiErrorBody),
    )
)]
pub async fn import_stix(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiQuery(q): ApiQuery<SourceQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<IntakeResponse>), ApiError> {
    let cap = caller.0.import_intel().ok_or(AppError::Forbidden)?;
    let spec = q.spec("stix")?;
    let summary = state
        .app
        .import_stix(&cap, &spec, "bundle (API)", body, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(summary.into())))
}

/// Import a list of indicators.
///
/// CSV with a header naming a value column (`format=csv`), or free text with one indicator a
/// line (`format=text`), defanged (`hxxp`, `[.]`, `[at]`) or not. The Board and the Program
/// Manager.
#[utoipa::path(
    post,
    path = "/api/v1/intake/indicators",
    tag = "sharing",
    params(SourceQuery),
    request_body(content = String, description = "The list", content_type = "text/plain"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Imported", body = IntakeResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not import", body = ApiErrorBody),
        (status = 422, description = "The list cannot be read, or a bad parameter", body = ApiErrorBody),
    )
)]
pub async fn import_indicators(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<SourceQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<IntakeResponse>), ApiError> {
    let cap = caller.0.import_intel().ok_or(AppError::Forbidden)?;
    let spec = q.spec("list")?;
    let format = match q.format.as_deref() {
        Some("csv") => ListFormat::Csv,
        Some("text") => ListFormat::FreeText,
        Some(other) => {
            return Err(
                AppError::invalid("format", format!("'{other}' is not csv or text")).into(),
            );
        }
        None => {
            let csv = headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/csv"));
            if csv {
                ListFormat::Csv
            } else {
                ListFormat::FreeText
            }
        }
    };
    let summary = state
        .app
        .import_indicator_list(&cap, &spec, "list (API)", format, &body, &meta)
        .await?;
    Ok((StatusCode::CREATED, Json(summary.into())))
}

/// The indicators' filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// Only this kind (`ipv4`, `ipv6`, `cidr`, `domain`, `url`, `email`, `md5`, `sha1`,
    /// `sha256`, …).
    pub kind: Option<String>,
    /// Only values starting with this.
    pub prefix: Option<String>,
    /// How many, 1 to 500 (100 when left out).
    pub limit: Option<i64>,
    /// How many to skip.
    pub offset: Option<i64>,
}

/// Indicators the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorList {
    /// Paging.
    pub meta: PageMeta,
    /// The indicators, newest first, each with the reports the caller may see and, when
    /// election authorities reported seeing it, `sightings`.
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<IndicatorView>,
}

/// List indicators.
///
/// Newest first. Each indicator comes with the reports of it the caller may see (source,
/// when, marking); an indicator none of whose reports the caller may see is not listed.
/// `sightings` counts what validated community reports said election authorities saw (the
/// sightings whose marking the caller may see: times, how many authorities, first and last
/// seen); which authorities, by name, is given to the Board's staff only. Everyone signed in.
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "sharing",
    params(IndicatorsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The indicators", body = IndicatorList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 422, description = "Unknown kind", body = ApiErrorBody),
    )
)]
pub async fn list_indicators(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<IndicatorsQuery>,
) -> Result<Json<IndicatorList>, ApiError> {
    let cap = caller.0.read_indicators();
    let kind = match q.kind.as_deref() {
        None => None,
        Some(k) => Some(IndicatorKind::parse(k).map_err(|e| AppError::invalid("kind", e))?),
    };
    let reader = state
        .app
        .reader_for(&caller.0, cybernav_app::store::now())
        .await?;
    let query = IndicatorQuery {
        kind,
        prefix: q.prefix,
        limit: q.limit,
        offset: q.offset,
    };
    let indicators = state.app.indicators(&cap, &reader, &query).await?;
    Ok(Json(IndicatorList {
        meta: PageMeta::whole(indicators.len()),
        indicators,
    }))
}

/// The import history's length.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// How many runs, 1 to 500 (50 when left out).
    pub limit: Option<i64>,
}

/// Import runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunList {
    /// Paging.
    pub meta: PageMeta,
    /// Newest first.
    #[schema(value_type = Vec<Object>)]
    pub runs: Vec<RunView>,
}

/// The import history.
///
/// Each run's source, file, fingerprint, counts and first refusals, newest first. The Board,
/// the Program Manager, navigators and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/intake/runs",
    tag = "sharing",
    params(RunsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The runs", body = RunList),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read the history", body = ApiErrorBody),
    )
)]
pub async fn list_runs(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> Result<Json<RunList>, ApiError> {
    let cap = caller.0.read_intake_history().ok_or(AppError::Forbidden)?;
    let runs = state.app.intake_runs(&cap, q.limit.unwrap_or(50)).await?;
    Ok(Json(RunList {
        meta: PageMeta::whole(runs.len()),
        runs,
    }))
}
