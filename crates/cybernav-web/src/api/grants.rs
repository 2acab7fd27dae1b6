//! Grant money of a cycle (Part 213.10(a), (c)): the Navigator Program share, expenditures,
//! awards, reimbursement claims, the ledger and the EAC category export.
//!
//! Amounts are sent as dollars and cents in strings (`"1,250.00"`, like a cycle's `funds`) and
//! answered in integer cents (`*_cents`). The Board and the Program Manager act; auditors read
//! everything; a county official sees its own awards and claims and submits claims against its
//! own award; navigators, county IT staff and partners see no money.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use cybernav_app::AppError;
use cybernav_app::grants::{
    AwardProposal, ClaimInput, ExpenditureInput, LedgerView, eac_categories_csv,
};
use cybernav_app::store::grants::{AwardRow, ClaimRow, ExpenditureRow};
use cybernav_core::grants::{CategoryTotal, SUB_AWARD_REPORTING_CENTS};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::{ApiCaller, Meta};
use crate::error::{ApiError, ApiErrorBody};

/// The grant cycle's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleId {
    /// The grant cycle's id.
    pub id: Uuid,
}

/// A cycle and an election authority in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleAuthorityPath {
    /// The grant cycle's id.
    pub id: Uuid,
    /// The election authority's id.
    pub election_authority_id: Uuid,
}

/// A cycle and a claim in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleClaimPath {
    /// The grant cycle's id.
    pub id: Uuid,
    /// The claim's id.
    pub claim_id: Uuid,
}

/// The Navigator Program share to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    /// The share in dollars and cents: no less than half of the cycle's funds.
    #[schema(example = "6,951,604.00")]
    pub navigator_share: String,
}

/// A cycle's new funds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundsRequest {
    /// The funds in dollars and cents.
    #[schema(example = "13,903,208.00")]
    pub funds: String,
}

/// Spending by Navigator Program category.
#[derive(Debug, Serialize, ToSchema)]
pub struct NavigatorCategoryItem {
    /// `payroll`, `travel`, `equipment` or `other`.
    pub category: String,
    /// Spent, federal and match, in cents.
    pub cents: i64,
}

/// The Navigator Program side of the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct NavigatorShareItem {
    /// The share (0 before it is set).
    pub share_cents: i64,
    /// The smallest share allowed: half the funds, rounded up.
    pub minimum_cents: i64,
    /// Federal funds spent.
    pub spent_cents: i64,
    /// Matching funds spent.
    pub spent_match_cents: i64,
    /// Federal funds left of the share.
    pub remaining_cents: i64,
    /// Spending by category.
    pub by_category: Vec<NavigatorCategoryItem>,
}

/// The grants side of the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantsPoolItem {
    /// Funds less the Navigator Program share.
    pub pool_cents: i64,
    /// Awarded to election authorities.
    pub awarded_cents: i64,
    /// Not yet awarded.
    pub unawarded_cents: i64,
    /// Federal amounts claimed and not rejected.
    pub claimed_cents: i64,
    /// Federal amounts approved or paid.
    pub approved_cents: i64,
    /// Federal amounts paid.
    pub paid_cents: i64,
    /// The pool less what was paid.
    pub remaining_cents: i64,
    /// How many awards.
    pub awards: usize,
}

/// Spending in one EAC category.
#[derive(Debug, Serialize, ToSchema)]
pub struct EacCategoryItem {
    /// The category's id, e.g. `cyber_security`.
    pub id: String,
    /// Its name in the EAC report, e.g. "Cyber Security".
    pub label: String,
    /// Federal funds spent (Navigator Program expenditures and paid claims).
    pub federal_cents: i64,
    /// Matching funds spent.
    pub match_cents: i64,
}

impl From<&CategoryTotal> for EacCategoryItem {
    fn from(c: &CategoryTotal) -> Self {
        EacCategoryItem {
            id: c.id.into(),
            label: c.label.into(),
            federal_cents: c.federal,
            match_cents: c.matching,
        }
    }
}

/// An award that is reported to the EAC as a sub-award ($25,000 or more).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubAwardItem {
    /// The authority.
    pub election_authority: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The award.
    pub amount_cents: i64,
}

/// A cycle's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerItem {
    /// The cycle.
    pub cycle: Uuid,
    /// Its name.
    pub cycle_name: String,
    /// Its funds.
    pub funds_cents: i64,
    /// Whether the Navigator Program share is set.
    pub allocated: bool,
    /// The Navigator Program share.
    pub navigator_share: NavigatorShareItem,
    /// The grants pool.
    pub grants_pool: GrantsPoolItem,
    /// Spending per EAC category, in the report's order.
    pub eac_categories: Vec<EacCategoryItem>,
    /// Awards of $25,000 or more, largest first.
    pub sub_awards_to_report: Vec<SubAwardItem>,
}

impl From<LedgerView> for LedgerItem {
    fn from(v: LedgerView) -> Self {
        let l = v.ledger;
        LedgerItem {
            cycle: v.cycle.id,
            cycle_name: v.cycle.name,
            funds_cents: l.funds,
            allocated: l.allocated,
            navigator_share: NavigatorShareItem {
                share_cents: l.navigator.share,
                minimum_cents: l.navigator.minimum,
                spent_cents: l.navigator.spent,
                spent_match_cents: l.navigator.spent_match,
                remaining_cents: l.navigator.remaining,
                by_category: l
                    .navigator
                    .by_category
                    .iter()
                    .map(|(c, cents)| NavigatorCategoryItem {
                        category: c.as_str().into(),
                        cents: *cents,
                    })
                    .collect(),
            },
            grants_pool: GrantsPoolItem {
                pool_cents: l.grants.pool,
                awarded_cents: l.grants.awarded,
                unawarded_cents: l.grants.unawarded,
                claimed_cents: l.grants.claimed,
                approved_cents: l.grants.approved,
                paid_cents: l.grants.paid,
                remaining_cents: l.grants.remaining,
                awards: l.grants.awards,
            },
            eac_categories: l.eac_categories.iter().map(Into::into).collect(),
            sub_awards_to_report: v
                .sub_awards_to_report
                .into_iter()
                .map(|a| SubAwardItem {
                    election_authority: a.election_authority_id,
                    election_authority_name: a.election_authority_name,
                    amount_cents: a.amount_cents,
                })
                .collect(),
        }
    }
}

/// The ledger envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerResponse {
    /// The ledger.
    pub ledger: LedgerItem,
}

async fn ledger_response(
    state: &AppState,
    caller: &ApiCaller,
    cycle: Uuid,
) -> Result<Json<LedgerResponse>, ApiError> {
    let reader = caller.0.read_grants().ok_or_else(ApiError::forbidden)?;
    let view = state.app.ledger(&reader, cycle).await?;
    Ok(Json(LedgerResponse {
        ledger: view.into(),
    }))
}

/// Set the Navigator Program share.
///
/// Board administrators and the Program Manager. No less than half of the cycle's funds
/// (213.10(a)); the refusal gives the figures and the smallest share allowed. Answers the
/// ledger.
#[utoipa::path(
    put,
    path = "/api/v1/grant-cycles/{id}/allocation",
    tag = "grants",
    params(CycleId),
    request_body = AllocationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Set; the ledger", body = LedgerResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Under half of the funds, over the funds, under what is spent or awarded", body = ApiErrorBody),
    )
)]
pub async fn put_allocation(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
    ApiJson(body): ApiJson<AllocationRequest>,
) -> Result<Json<LedgerResponse>, ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    state
        .app
        .set_navigator_share(&manager, id, &body.navigator_share, &meta)
        .await?;
    ledger_response(&state, &caller, id).await
}

/// Change a cycle's funds.
///
/// Board administrators and the Program Manager. Refused when the Navigator Program share set
/// would fall under half of the new funds, or the grants pool would not cover the awards.
/// Answers the ledger.
#[utoipa::path(
    put,
    path = "/api/v1/grant-cycles/{id}/funds",
    tag = "grants",
    params(CycleId),
    request_body = FundsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed; the ledger", body = LedgerResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "The half rule would break, or the pool would not cover the awards", body = ApiErrorBody),
    )
)]
pub async fn put_funds(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
    ApiJson(body): ApiJson<FundsRequest>,
) -> Result<Json<LedgerResponse>, ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    state
        .app
        .set_cycle_funds(&manager, id, &body.funds, &meta)
        .await?;
    ledger_response(&state, &caller, id).await
}

/// A cycle's ledger.
///
/// Board administrators, the Program Manager and auditors. Funds, the Navigator Program share
/// (allocated, spent, remaining), the grants pool (awarded, claimed, paid, remaining), spending
/// per EAC category, and the awards to report as sub-awards.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/ledger",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ledger", body = LedgerResponse),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn get_ledger(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<LedgerResponse>, ApiError> {
    ledger_response(&state, &caller, id).await
}

/// Spending per EAC category.
#[derive(Debug, Serialize, ToSchema)]
pub struct EacCategoryList {
    /// Every category of the EAC progress report, in its order.
    pub eac_categories: Vec<EacCategoryItem>,
    /// How many.
    pub meta: PageMeta,
}

/// EAC category totals (JSON).
///
/// For the EAC progress report: federal and match spending per category, totals only (the
/// reports are public). Board administrators, the Program Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/ledger/eac-categories",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The totals", body = EacCategoryList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn list_eac_categories(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<EacCategoryList>, ApiError> {
    let reader = caller.0.read_grants().ok_or_else(ApiError::forbidden)?;
    let view = state.app.ledger(&reader, id).await?;
    let items: Vec<EacCategoryItem> = view.ledger.eac_categories.iter().map(Into::into).collect();
    Ok(Json(EacCategoryList {
        meta: PageMeta::whole(items.len()),
        eac_categories: items,
    }))
}

/// EAC category totals (CSV).
///
/// The same totals as a CSV file with the columns `category_id,category,federal,match,total`,
/// amounts in dollars (`1234.56`). Board administrators, the Program Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/ledger/eac-categories.csv",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The totals as CSV", body = String, content_type = "text/csv"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn export_eac_categories(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<impl IntoResponse, ApiError> {
    let reader = caller.0.read_grants().ok_or_else(ApiError::forbidden)?;
    let view = state.app.ledger(&reader, id).await?;
    let csv = eac_categories_csv(&view.ledger.eac_categories);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"eac-categories.csv\"".to_string(),
            ),
        ],
        csv,
    ))
}

/// A Navigator Program expenditure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenditureItem {
    /// Id.
    pub id: Uuid,
    /// When the money was spent.
    #[schema(format = Date, example = "2026-03-02")]
    pub spent_on: String,
    /// `payroll`, `travel`, `equipment` or `other`.
    pub category: String,
    /// The EAC category it is reported under.
    pub eac_category: String,
    /// Federal amount.
    pub federal_cents: i64,
    /// Match amount.
    pub match_cents: i64,
    /// What it was.
    pub description: String,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub recorded_at: OffsetDateTime,
}

impl From<ExpenditureRow> for ExpenditureItem {
    fn from(e: ExpenditureRow) -> Self {
        ExpenditureItem {
            id: e.id,
            spent_on: super::date_string(e.spent_on),
            category: e.category,
            eac_category: e.eac_category,
            federal_cents: e.federal_cents,
            match_cents: e.match_cents,
            description: e.description,
            recorded_at: e.recorded_at,
        }
    }
}

/// A cycle's Navigator Program expenditures, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenditureList {
    /// The expenditures.
    pub expenditures: Vec<ExpenditureItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One expenditure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenditureResponse {
    /// The expenditure.
    pub expenditure: ExpenditureItem,
}

/// A new Navigator Program expenditure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenditureRequest {
    /// When the money was spent, `YYYY-MM-DD`.
    #[schema(example = "2026-03-02")]
    pub spent_on: String,
    /// `payroll`, `travel`, `equipment` or `other`.
    #[schema(example = "travel")]
    pub category: String,
    /// The EAC category (default `cyber_security`).
    #[serde(default)]
    pub eac_category: String,
    /// Federal amount in dollars and cents.
    #[schema(example = "412.50")]
    pub federal: String,
    /// Match amount in dollars and cents (default none).
    #[serde(default)]
    pub matching: String,
    /// What it was.
    #[schema(example = "Navigator visits, West zone, February")]
    pub description: String,
}

/// List Navigator Program expenditures.
///
/// Board administrators, the Program Manager and auditors.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/expenditures",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The expenditures", body = ExpenditureList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn list_expenditures(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<ExpenditureList>, ApiError> {
    let reader = caller.0.read_grants().ok_or_else(ApiError::forbidden)?;
    let items: Vec<ExpenditureItem> = state
        .app
        .expenditures(&reader, id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(ExpenditureList {
        meta: PageMeta::whole(items.len()),
        expenditures: items,
    }))
}

/// Record a Navigator Program expenditure.
///
/// Board administrators and the Program Manager. Its federal amount must fit in what is left
/// of the Navigator Program share.
#[utoipa::path(
    post,
    path = "/api/v1/grant-cycles/{id}/expenditures",
    tag = "grants",
    params(CycleId),
    request_body = ExpenditureRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = ExpenditureResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is invalid, no share is set, or the share is spent", body = ApiErrorBody),
    )
)]
pub async fn create_expenditure(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
    ApiJson(body): ApiJson<ExpenditureRequest>,
) -> Result<(StatusCode, Json<ExpenditureResponse>), ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let input = ExpenditureInput {
        spent_on: body.spent_on,
        category: body.category,
        eac_category: body.eac_category,
        federal: body.federal,
        matching: body.matching,
        description: body.description,
    };
    let row = state
        .app
        .record_expenditure(&manager, id, &input, &meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ExpenditureResponse {
            expenditure: row.into(),
        }),
    ))
}

/// An award to an election authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardItem {
    /// Id.
    pub id: Uuid,
    /// The authority.
    pub election_authority: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The amount.
    pub amount_cents: i64,
    /// $25,000 or more: reported to the EAC as a sub-award.
    pub reportable_sub_award: bool,
    /// When it was made or last changed.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub awarded_at: OffsetDateTime,
}

impl From<AwardRow> for AwardItem {
    fn from(a: AwardRow) -> Self {
        AwardItem {
            id: a.id,
            election_authority: a.election_authority_id,
            election_authority_name: a.election_authority_name,
            reportable_sub_award: a.amount_cents >= SUB_AWARD_REPORTING_CENTS,
            amount_cents: a.amount_cents,
            awarded_at: a.awarded_at,
        }
    }
}

/// A cycle's awards, by authority name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardList {
    /// The awards.
    pub awards: Vec<AwardItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One award.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardResponse {
    /// The award.
    pub award: AwardItem,
}

/// An award's amount.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// The amount in dollars and cents.
    #[schema(example = "64,368.56")]
    pub amount: String,
}

/// List awards.
///
/// Board administrators, the Program Manager and auditors see every award; a county official
/// sees its own authority's.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/awards",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The awards", body = AwardList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role sees no grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn list_awards(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<AwardList>, ApiError> {
    let rows = state.app.visible_awards(&caller.0, id).await?;
    let items: Vec<AwardItem> = rows.into_iter().map(Into::into).collect();
    Ok(Json(AwardList {
        meta: PageMeta::whole(items.len()),
        awards: items,
    }))
}

/// Award a grant to an election authority, or change its award.
///
/// Board administrators and the Program Manager. Only to an authority that participates (a
/// certification of participation for the cycle) and is eligible (every requirement met); the
/// refusal says which is missing. All awards together stay within the grants pool.
#[utoipa::path(
    put,
    path = "/api/v1/grant-cycles/{id}/awards/{election_authority_id}",
    tag = "grants",
    params(CycleAuthorityPath),
    request_body = AwardRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Awarded", body = AwardResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle or authority", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Not participating, not eligible, or over the pool", body = ApiErrorBody),
    )
)]
pub async fn put_award(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleAuthorityPath {
        id,
        election_authority_id,
    }): ApiPath<CycleAuthorityPath>,
    ApiJson(body): ApiJson<AwardRequest>,
) -> Result<Json<AwardResponse>, ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let row = state
        .app
        .make_award(&manager, id, election_authority_id, &body.amount, &meta)
        .await?;
    Ok(Json(AwardResponse { award: row.into() }))
}

/// One line of the equal-split proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardProposalItem {
    /// The authority.
    pub election_authority: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The proposed amount.
    pub amount_cents: i64,
}

impl From<AwardProposal> for AwardProposalItem {
    fn from(p: AwardProposal) -> Self {
        AwardProposalItem {
            election_authority: p.election_authority_id,
            election_authority_name: p.election_authority_name,
            amount_cents: p.amount_cents,
        }
    }
}

/// The equal-split proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardProposalList {
    /// One line per authority that participates, is eligible and has no award yet.
    pub award_proposals: Vec<AwardProposalItem>,
    /// How many.
    pub meta: PageMeta,
}

/// Propose an equal split of the grants pool.
///
/// Board administrators and the Program Manager. What is not yet awarded, split equally among
/// the authorities that participate, are eligible and have no award yet (the cents left over
/// go one each to the first by name). Nothing is stored: the Board adjusts the amounts for
/// need and makes each award.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/award-proposal",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The proposal", body = AwardProposalList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
        (status = 422, description = "The Navigator Program share is not set yet", body = ApiErrorBody),
    )
)]
pub async fn get_award_proposal(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<AwardProposalList>, ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let items: Vec<AwardProposalItem> = state
        .app
        .propose_equal_split(&manager, id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(AwardProposalList {
        meta: PageMeta::whole(items.len()),
        award_proposals: items,
    }))
}

/// A reimbursement claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimItem {
    /// Id.
    pub id: Uuid,
    /// The award it claims against.
    pub award: Uuid,
    /// The authority.
    pub election_authority: Uuid,
    /// When the money was spent.
    #[schema(format = Date, example = "2026-03-02")]
    pub spent_on: String,
    /// The EAC category.
    pub eac_category: String,
    /// Federal amount.
    pub federal_cents: i64,
    /// Match amount.
    pub match_cents: i64,
    /// What it was.
    pub description: String,
    /// `submitted`, `approved`, `paid` or `rejected`.
    pub status: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was submitted.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::serialize")]
    pub submitted_at: OffsetDateTime,
    /// When it was last decided.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "super::rfc3339_utc::option::serialize")]
    pub decided_at: Option<OffsetDateTime>,
}

impl From<ClaimRow> for ClaimItem {
    fn from(c: ClaimRow) -> Self {
        ClaimItem {
            id: c.id,
            award: c.award_id,
            election_authority: c.election_authority_id,
            spent_on: super::date_string(c.spent_on),
            eac_category: c.eac_category,
            federal_cents: c.federal_cents,
            match_cents: c.match_cents,
            description: c.description,
            status: c.status,
            reason: c.reason,
            submitted_at: c.submitted_at,
            decided_at: c.decided_at,
        }
    }
}

/// A cycle's claims, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimList {
    /// The claims.
    pub claims: Vec<ClaimItem>,
    /// How many.
    pub meta: PageMeta,
}

/// One claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimResponse {
    /// The claim.
    pub claim: ClaimItem,
}

/// A new reimbursement claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The authority whose award it claims against (a county official may name only its own).
    pub election_authority: Uuid,
    /// When the money was spent, `YYYY-MM-DD`.
    #[schema(example = "2026-03-02")]
    pub spent_on: String,
    /// The EAC category, e.g. `cyber_security`.
    #[schema(example = "cyber_security")]
    pub eac_category: String,
    /// Federal amount in dollars and cents.
    #[schema(example = "12,000.00")]
    pub federal: String,
    /// Match amount in dollars and cents (default none).
    #[serde(default)]
    pub matching: String,
    /// What it was.
    #[schema(example = "Firewall replacement")]
    pub description: String,
}

/// A decision on a claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimDecisionRequest {
    /// `approved`, `paid` or `rejected`.
    #[schema(example = "approved")]
    pub status: String,
    /// Why it is rejected (required for `rejected`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// List reimbursement claims.
///
/// Board administrators, the Program Manager and auditors see every claim; a county official
/// sees its own authority's.
#[utoipa::path(
    get,
    path = "/api/v1/grant-cycles/{id}/claims",
    tag = "grants",
    params(CycleId),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The claims", body = ClaimList),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role sees no grant money", body = ApiErrorBody),
        (status = 404, description = "No such cycle", body = ApiErrorBody),
    )
)]
pub async fn list_claims(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
) -> Result<Json<ClaimList>, ApiError> {
    let rows = state.app.visible_claims(&caller.0, id).await?;
    let items: Vec<ClaimItem> = rows.into_iter().map(Into::into).collect();
    Ok(Json(ClaimList {
        meta: PageMeta::whole(items.len()),
        claims: items,
    }))
}

/// Submit a reimbursement claim.
///
/// A county official, against its own authority's award; Board administrators and the Program
/// Manager record a claim received on paper for any authority. Its federal amount must fit in
/// what is not yet approved or paid of the award.
#[utoipa::path(
    post,
    path = "/api/v1/grant-cycles/{id}/claims",
    tag = "grants",
    params(CycleId),
    request_body = ClaimRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted", body = ClaimResponse),
        (status = 400, description = "The id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not claim for this authority", body = ApiErrorBody),
        (status = 404, description = "No such cycle, or no such authority in the caller's scope", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "A field is invalid, no award, or over the award", body = ApiErrorBody),
    )
)]
pub async fn create_claim(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleId { id }): ApiPath<CycleId>,
    ApiJson(body): ApiJson<ClaimRequest>,
) -> Result<(StatusCode, Json<ClaimResponse>), ApiError> {
    let input = ClaimInput {
        spent_on: body.spent_on,
        eac_category: body.eac_category,
        federal: body.federal,
        matching: body.matching,
        description: body.description,
    };
    let ea = body.election_authority;
    let row = if let Some(manager) = caller.0.manage_grants() {
        state
            .app
            .record_claim(&manager, id, ea, &input, &meta)
            .await?
    } else {
        let claimant = caller.0.claim_for(ea).map_err(AppError::from)?;
        state.app.submit_claim(&claimant, id, &input, &meta).await?
    };
    Ok((
        StatusCode::CREATED,
        Json(ClaimResponse { claim: row.into() }),
    ))
}

/// Approve, pay or reject a claim.
///
/// Board administrators and the Program Manager. Submitted → approved → paid, or rejected
/// (with the reason) before it is paid. Approved and paid federal amounts stay within the
/// award.
#[utoipa::path(
    post,
    path = "/api/v1/grant-cycles/{id}/claims/{claim_id}/decision",
    tag = "grants",
    params(CycleClaimPath),
    request_body = ClaimDecisionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided", body = ClaimResponse),
        (status = 400, description = "An id is not a UUID, or the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not manage grants", body = ApiErrorBody),
        (status = 404, description = "No such cycle or claim", body = ApiErrorBody),
        (status = 413, description = "The body is over 5 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ApiErrorBody),
        (status = 422, description = "Not a step the claim can take, a rejection without its reason, or over the award", body = ApiErrorBody),
    )
)]
pub async fn decide_claim(
    caller: ApiCaller,
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiPath(CycleClaimPath { id, claim_id }): ApiPath<CycleClaimPath>,
    ApiJson(body): ApiJson<ClaimDecisionRequest>,
) -> Result<Json<ClaimResponse>, ApiError> {
    let manager = caller.0.manage_grants().ok_or_else(ApiError::forbidden)?;
    let row = state
        .app
        .decide_claim(
            &manager,
            id,
            claim_id,
            &body.status,
            body.reason.as_deref(),
            &meta,
        )
        .await?;
    Ok(Json(ClaimResponse { claim: row.into() }))
}
