//! `/api/v1/me`: who the API token belongs to.

use axum::Json;
use axum::extract::State;
use cybernav_app::people::Person;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiErrorBody};

/// The caller's own account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserItem {
    /// Account id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role.
    #[schema(schema_with = super::role_schema)]
    pub role: String,
    /// Own election authority (election officials and election authority IT).
    pub election_authority_id: Option<Uuid>,
    /// Partner organisation (vetted partners).
    pub partner_org_id: Option<Uuid>,
}

impl From<Person> for UserItem {
    fn from(p: Person) -> Self {
        UserItem {
            id: p.id,
            email: p.email,
            name: p.name,
            role: p.role.as_str().to_string(),
            election_authority_id: p.election_authority_id,
            partner_org_id: p.partner_org_id,
        }
    }
}

/// `{"user": {…}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The caller's account.
    pub user: UserItem,
}

/// Get the caller's own account.
///
/// The account the API token belongs to, with its role and what the role is bound to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = MeResponse),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
    )
)]
pub async fn get_me(
    caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<MeResponse>, ApiError> {
    let person = state.app.own_account(&caller.0).await?;
    Ok(Json(MeResponse {
        user: person.into(),
    }))
}
