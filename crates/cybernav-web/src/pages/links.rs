//! Pages opened from e-mailed links: accepting an invitation, asking for a password reset, and
//! choosing a new password from a reset link.
//!
//! A link works once and expires; a dead one answers 410 with a page that says what to do.
//! Asking for a reset always gives the same answer, whether or not the e-mail has an account,
//! so the form cannot be used to find out who has one. Every POST here is rate-limited per
//! client address, like sign-in.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use axum::{Form, Router};
use cybernav_app::accounts::link;
use cybernav_app::store::rows::UserRow;
use cybernav_app::{AppError, RequestMeta};
use cybernav_core::secret::MIN_PASSWORD_LEN;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Meta;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, error_for, form_errors, rate_limit, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/invitations/{token}",
            password_routes(LinkKind::Invitation),
        )
        .route(
            "/password-reset",
            get(reset_request_page).post(request_reset),
        )
        .route("/password-reset/{token}", password_routes(LinkKind::Reset))
}

const LABELS: &[(&str, &str)] = &[
    ("new_password", "New password"),
    ("confirm_password", "Confirm password"),
];

// ---------------------------------------------------------------- choosing a password

/// Which link a password form belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Invitation,
    Reset,
}

impl LinkKind {
    fn kind(self) -> &'static str {
        match self {
            LinkKind::Invitation => link::INVITATION,
            LinkKind::Reset => link::PASSWORD_RESET,
        }
    }
}

#[derive(Template)]
#[template(path = "links/set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    invitation: bool,
    email: String,
    action: String,
    min_len: usize,
    confirm_label: &'static str,
    errors: Vec<FormError>,
}

impl SetPasswordPage {
    fn new(
        ctx: &PageCtx,
        which: LinkKind,
        user: UserRow,
        token: &str,
        errors: Vec<FormError>,
    ) -> Self {
        let (title, action) = match which {
            LinkKind::Invitation => (
                format!("Welcome, {}", user.name),
                format!("/invitations/{token}"),
            ),
            LinkKind::Reset => (
                "Choose a new password".to_string(),
                format!("/password-reset/{token}"),
            ),
        };
        SetPasswordPage {
            layout: ctx.layout(title, None),
            invitation: which == LinkKind::Invitation,
            email: user.email,
            action,
            min_len: MIN_PASSWORD_LEN,
            confirm_label: "Confirm password",
            errors,
        }
    }

    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[derive(Deserialize)]
struct NewPasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn password_form(
    state: &AppState,
    ctx: &PageCtx,
    which: LinkKind,
    token: &str,
) -> Result<Response, PageError> {
    let user = state.app.check_link(which.kind(), token).await?;
    Ok(render(&SetPasswordPage::new(
        ctx,
        which,
        user,
        token,
        Vec::new(),
    )))
}

async fn set_password(
    state: &AppState,
    ctx: &PageCtx,
    meta: &RequestMeta,
    which: LinkKind,
    token: &str,
    form: &NewPasswordForm,
) -> Result<Response, PageError> {
    rate_limit(state, "link", meta)?;
    match state
        .app
        .set_password_from_link(
            which.kind(),
            token,
            &form.new_password,
            &form.confirm_password,
            meta,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(match which {
            LinkKind::Invitation => "/login?notice=account_created",
            LinkKind::Reset => "/login?notice=password_reset",
        })
        .into_response()),
        Err(e) => {
            let errors = form_errors(e, LABELS)?;
            let user = state.app.check_link(which.kind(), token).await?;
            let page = SetPasswordPage::new(ctx, which, user, token, errors);
            Ok(unprocessable(render(&page)))
        }
    }
}

/// The form (GET) and its submission (POST) of one kind of link, at `…/{token}`.
fn password_routes(which: LinkKind) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>, ctx: PageCtx, Path(token): Path<String>| async move {
            password_form(&state, &ctx, which, &token).await
        },
    )
    .post(
        move |State(state): State<AppState>,
              ctx: PageCtx,
              Meta(meta): Meta,
              Path(token): Path<String>,
              Form(form): Form<NewPasswordForm>| async move {
            set_password(&state, &ctx, &meta, which, &token, &form).await
        },
    )
}

// ---------------------------------------------------------------- asking for a reset

#[derive(Template)]
#[template(path = "links/reset_request.html")]
struct ResetRequestPage {
    layout: Layout,
    minutes: i64,
}

async fn reset_request_page(State(state): State<AppState>, ctx: PageCtx) -> Response {
    render(&ResetRequestPage {
        layout: ctx.layout("Reset your password", None),
        minutes: state.app.config.password_reset_minutes,
    })
}

#[derive(Deserialize)]
struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

async fn request_reset(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, PageError> {
    rate_limit(&state, "reset", &meta)?;
    match state.app.request_password_reset(&form.email, &meta).await {
        // The same answer whether or not the address has an account.
        Ok(()) => Ok(Redirect::to("/login?notice=reset_sent").into_response()),
        Err(e @ AppError::Store(_)) => Err(e.into()),
        // No other error is expected; answer as for success so nothing leaks.
        Err(e) => {
            tracing::warn!(error = %e, "password reset request refused");
            Ok(Redirect::to("/login?notice=reset_sent").into_response())
        }
    }
}
