//! Signing in, the second factor (challenge and set-up), and signing out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::{SessionInfo, SessionStage};
use cybernav_core::totp::TotpSecret;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{AnySession, MaybeSession, Meta, SESSION_COOKIE, set_cookie};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, rate_limit, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/login/mfa", get(mfa_page).post(mfa))
        .route("/account/mfa/setup", get(enrol_page).post(enrol))
        .route("/logout", post(logout))
}

/// The uniform answer to every failed sign-in.
pub const LOGIN_FAILED: &str = "Sign-in failed. Check your e-mail address and password and try again. After 5 failed attempts an account is locked for 15 minutes; if you forgot your password, reset it below.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

async fn login_page(
    ctx: PageCtx,
    MaybeSession(session): MaybeSession,
    Query(q): Query<NextQuery>,
) -> Response {
    if session
        .as_ref()
        .is_some_and(|s| s.stage == SessionStage::Ready)
    {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    render(&LoginPage {
        layout: ctx.layout("Sign in", None),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    rate_limit(&state, "login", &meta)?;
    match state.app.login(&form.email, &form.password, &meta).await {
        Ok(session) => {
            let cookie = set_cookie(
                SESSION_COOKIE,
                &session.token,
                state.app.config.secure_cookies,
                None,
            );
            let to = match session.stage {
                SessionStage::Ready => safe_next(form.next.as_deref()),
                SessionStage::NeedsMfa => "/login/mfa".to_string(),
                SessionStage::NeedsEnrolment => "/account/mfa/setup".to_string(),
            };
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response())
        }
        Err(AppError::BadCredentials) => {
            let page = LoginPage {
                layout: ctx.layout("Sign in", None),
                email: form.email,
                next: safe_next(form.next.as_deref()),
                error: Some(LOGIN_FAILED),
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    layout: Layout,
    error: Option<&'static str>,
}

async fn mfa_page(ctx: PageCtx, AnySession(session): AnySession) -> Response {
    match session.stage {
        SessionStage::Ready => Redirect::to("/").into_response(),
        SessionStage::NeedsEnrolment => Redirect::to("/account/mfa/setup").into_response(),
        SessionStage::NeedsMfa => render(&MfaPage {
            layout: ctx.layout("Two-step verification", Some(&session)),
            error: None,
        }),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn mfa(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    AnySession(session): AnySession,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    rate_limit(&state, "mfa", &meta)?;
    if session.stage != SessionStage::NeedsMfa {
        return Ok(Redirect::to("/").into_response());
    }
    match state.app.verify_mfa(&session, &form.code, &meta).await {
        Ok(()) => Ok(Redirect::to("/").into_response()),
        Err(AppError::BadCredentials) => {
            let page = MfaPage {
                layout: ctx.layout("Two-step verification", Some(&session)),
                error: Some(
                    "That code did not work. Type the 6-digit code your authenticator app shows now, or one of your recovery codes. Each code works once.",
                ),
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_setup.html")]
struct EnrolPage {
    layout: Layout,
    required: bool,
    secret: String,
    qr_svg: String,
    errors: Vec<FormError>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
}

impl EnrolPage {
    /// The set-up page for `secret`, with `errors` from a code that did not match.
    fn new(
        ctx: &PageCtx,
        session: &SessionInfo,
        secret: &TotpSecret,
        errors: Vec<FormError>,
    ) -> Self {
        let uri = secret.otpauth_uri("cybernav", &session.actor.email);
        EnrolPage {
            layout: ctx.layout("Set up two-step verification", Some(session)),
            required: session.stage == SessionStage::NeedsEnrolment,
            secret: secret.to_base32(),
            qr_svg: qr_svg(&uri),
            errors,
        }
    }
}

fn qr_svg(uri: &str) -> String {
    match QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
            .replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" ",
                1,
            ),
        Err(_) => String::new(),
    }
}

async fn enrol_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    AnySession(session): AnySession,
) -> Result<Response, PageError> {
    if session.stage == SessionStage::NeedsMfa {
        return Ok(Redirect::to("/login/mfa").into_response());
    }
    let secret = match state.app.pending_totp(&session.actor).await? {
        Some(s) => s,
        None => state.app.start_totp_enrolment(&session.actor).await?,
    };
    Ok(render(&EnrolPage::new(&ctx, &session, &secret, Vec::new())))
}

async fn enrol(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    AnySession(session): AnySession,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    rate_limit(&state, "mfa", &meta)?;
    match state
        .app
        .confirm_totp_enrolment(&session, &form.code, &meta)
        .await
    {
        Ok(codes) => Ok(render(&RecoveryCodesPage {
            layout: ctx.layout("Save your recovery codes", Some(&session)),
            codes,
        })),
        Err(e) => {
            let errors = form_errors(e, &[("code", "Authentication code")])?;
            let secret = state
                .app
                .pending_totp(&session.actor)
                .await?
                .ok_or(PageError::Enrol)?;
            let page = EnrolPage::new(&ctx, &session, &secret, errors);
            Ok(unprocessable(render(&page)))
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    Meta(meta): Meta,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    if let Some(s) = session {
        state.app.logout(&s, &meta).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, "", state.app.config.secure_cookies, Some(0));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_local_only() {
        assert_eq!(
            safe_next(Some("/election-authorities?page=2")),
            "/election-authorities?page=2"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
