//! My account: the person's own profile, password, two-step verification and recovery codes,
//! signing out everywhere, and API tokens (shown once when created, stored only hashed).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::{AccountOverview, SessionInfo};
use cybernav_core::authz::Actor;
use cybernav_core::secret::MIN_PASSWORD_LEN;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Meta, SESSION_COOKIE, SignedIn, set_cookie};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::when::When;
use crate::pages::{FormError, error_for, form_errors, rate_limit, see_other, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account_page))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
        .route("/account/recovery-codes", post(new_recovery_codes))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/digest", post(set_digest))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

/// An API token as the list shows it (never the token itself).
#[derive(Debug, Clone)]
struct TokenView {
    id: Uuid,
    name: String,
    created: When,
    last_used: Option<When>,
    revoked: Option<When>,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    me: AccountOverview,
    last_login: Option<When>,
    tokens: Vec<TokenView>,
    /// A token just created: shown on this answer only.
    new_token: Option<String>,
    /// The name typed for a new token (kept when it was refused).
    token_name: String,
    /// Problems with the token form.
    errors: Vec<FormError>,
    /// Whether the person receives the daily digest.
    receives_digest: bool,
    /// The digests they received, newest first.
    digests: Vec<DigestLine>,
}

/// One digest a person received, as their account page lists it.
#[derive(Debug, Clone)]
struct DigestLine {
    date: String,
    items: i32,
    marking: String,
    tlp_class: &'static str,
    to: String,
}

impl AccountPage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn account_view(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    new_token: Option<String>,
    token_name: String,
    errors: Vec<FormError>,
) -> Result<AccountPage, PageError> {
    let actor = &session.actor;
    let me = state.app.account_overview(actor).await?;
    let tokens = state
        .app
        .list_api_tokens(actor)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: When::of(t.created_at),
            last_used: When::maybe(t.last_used_at),
            revoked: When::maybe(t.revoked_at),
        })
        .collect();
    Ok(AccountPage {
        layout: ctx.layout("My account", Some(session)),
        last_login: When::maybe(me.last_login_at),
        me,
        tokens,
        new_token,
        token_name,
        errors,
        receives_digest: state.app.receives_digest(actor).await?,
        digests: state
            .app
            .my_digests(actor, 30)
            .await?
            .into_iter()
            .map(|d| DigestLine {
                date: d.digest_date.to_string(),
                items: d.items,
                tlp_class: cybernav_core::sharing::marking::Marking::parse_label(
                    &d.subject_marking,
                )
                .map(|m| crate::pages::products::tlp_class(&m))
                .unwrap_or("clear"),
                marking: d.subject_marking,
                to: d.to_addr,
            })
            .collect(),
    })
}

async fn account_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    Ok(render(
        &account_view(&state, &ctx, &session, None, String::new(), Vec::new()).await?,
    ))
}

/// Clears the session cookie and sends the browser to the sign-in page with a notice.
fn to_login(state: &AppState, notice: &str) -> Response {
    let cookie = set_cookie(SESSION_COOKIE, "", state.app.config.secure_cookies, Some(0));
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&format!("/login?notice={notice}")),
    )
        .into_response()
}

// ---------------------------------------------------------------- password

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    /// For password managers, which file the new password under this e-mail.
    email: String,
    min_len: usize,
    confirm_label: &'static str,
    errors: Vec<FormError>,
}

impl PasswordPage {
    fn new(ctx: &PageCtx, session: &SessionInfo, errors: Vec<FormError>) -> Self {
        PasswordPage {
            layout: ctx.layout("Change password", Some(session)),
            email: session.actor.email.clone(),
            min_len: MIN_PASSWORD_LEN,
            confirm_label: "Confirm new password",
            errors,
        }
    }
}

impl PasswordPage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

const PASSWORD_LABELS: &[(&str, &str)] = &[
    ("current_password", "Current password"),
    ("new_password", "New password"),
    ("confirm_password", "Confirm new password"),
];

async fn password_page(ctx: PageCtx, SignedIn(session): SignedIn) -> Response {
    render(&PasswordPage::new(&ctx, &session, Vec::new()))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    // The current password can be guessed at from a stolen session: limit like sign-in.
    rate_limit(&state, "password", &meta)?;
    match state
        .app
        .change_password(
            &session,
            &form.current_password,
            &form.new_password,
            &form.confirm_password,
            &meta,
        )
        .await
    {
        // Every session ended, this one too: sign in again with the new password.
        Ok(()) => Ok(to_login(&state, "password")),
        Err(e) => {
            let errors = form_errors(e, PASSWORD_LABELS)?;
            let page = PasswordPage::new(&ctx, &session, errors);
            Ok(unprocessable(render(&page)))
        }
    }
}

// ---------------------------------------------------------------- two-step and sessions

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
}

async fn new_recovery_codes(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let codes = state
        .app
        .regenerate_recovery_codes(&session.actor, &meta)
        .await?;
    Ok(render(&RecoveryCodesPage {
        layout: ctx.layout("Save your new recovery codes", Some(&session)),
        codes,
    }))
}

async fn sign_out_everywhere(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    state.app.logout_everywhere(&session.actor, &meta).await?;
    Ok(to_login(&state, "signed_out_everywhere"))
}

// ---------------------------------------------------------------- daily digest

#[derive(Deserialize)]
struct DigestForm {
    #[serde(default)]
    receive: String,
}

/// Turns the person's own daily digest on (`receive=on`) or off (`receive=off`).
async fn set_digest(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<DigestForm>,
) -> Result<Response, PageError> {
    let receive = match form.receive.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            let errors = vec![FormError {
                field: "digest-on".into(),
                label: "Send me the daily digest".into(),
                message: "Choose yes or no".into(),
            }];
            return Ok(unprocessable(render(
                &account_view(&state, &ctx, &session, None, String::new(), errors).await?,
            )));
        }
    };
    state
        .app
        .set_receives_digest(&session.actor, receive, &meta)
        .await?;
    Ok(see_other("/account#digest-heading", "saved"))
}

// ---------------------------------------------------------------- API tokens

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let actor: &Actor = &session.actor;
    match state.app.create_api_token(actor, &form.name, &meta).await {
        Ok((_, token)) => Ok(render(
            &account_view(
                &state,
                &ctx,
                &session,
                Some(token),
                String::new(),
                Vec::new(),
            )
            .await?,
        )),
        Err(e) => {
            let errors = form_errors(e, &[("name", "Token name")])?;
            let page = account_view(&state, &ctx, &session, None, form.name, errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::App(AppError::NotFound))?;
    state
        .app
        .revoke_api_token(&session.actor, id, &meta)
        .await?;
    Ok(see_other("/account", "token_revoked"))
}
