//! Sign-in, sessions and the second factor, through the real router, on every database.

use crate::common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, databases};
use cybernav_core::totp::TotpSecret;

#[tokio::test]
async fn login_errors_are_uniform_and_sessions_work() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.client();
        let unknown = c.login("nobody@test.example", PASSWORD).await;
        let wrong = c
            .login(&t.people["ea_official"].email, "wrong password here")
            .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{db:?}");
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let strip = |b: &str| {
            b.replace("nobody@test.example", "X")
                .replace(&t.people["ea_official"].email, "X")
        };
        let (u, w) = (strip(&unknown.body), strip(&wrong.body));
        let csrf = c.cookies["cybernav_csrf"].clone();
        assert_eq!(
            u.replace(&csrf, ""),
            w.replace(&csrf, ""),
            "the two failures must look the same"
        );

        let ok = c.login(&t.people["ea_official"].email, PASSWORD).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let cookie = c.cookies["cybernav_session"].clone();
        let dash = c.get("/").await;
        assert_eq!(dash.status, StatusCode::OK);
        assert!(
            dash.body.contains("Adams County Clerk"),
            "county user sees own authority"
        );
        assert!(!dash.body.contains("Chicago Board"), "and no other");

        // The session token is stored hashed: the cookie value is not in the database.
        let mut tx = t.app.store.read().await.unwrap();
        assert!(tx.find_session(&cookie).await.unwrap().is_none());
        drop(tx);

        let out = c.post_form("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        c.cookies.insert("cybernav_session".into(), cookie);
        assert_eq!(
            c.get("/").await.location(),
            "/login",
            "the old cookie no longer works"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn lockout_after_repeated_failures() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.client();
        let email = t.people["ea_it"].email.clone();
        for _ in 0..5 {
            assert_eq!(
                c.login(&email, "not the password!").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let locked = c.login(&email, PASSWORD).await;
        assert_eq!(
            locked.status,
            StatusCode::UNAUTHORIZED,
            "{db:?}: the right password is refused while locked"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let t = TestApp::new(common::Db::Sqlite).await;
    let mut c = t.client();
    c.get("/login").await;
    let r = c
        .post_form_raw(
            "/login",
            &[
                ("email", &t.people["auditor"].email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_form_raw(
            "/login",
            &[
                ("email", &t.people["auditor"].email),
                ("password", PASSWORD),
                ("csrf", "forged-token-forged-token-forged-token-abcd"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!c.cookies.contains_key("cybernav_session"));
}

#[tokio::test]
async fn mfa_enrolment_then_challenge_with_replay_guard() {
    for db in databases() {
        let t = TestApp::with_config(db, |_| {}).await;
        let mut c = t.client();
        let r = c.login(&t.people["program_manager"].email, PASSWORD).await;
        assert_eq!(
            r.location(),
            "/account/mfa/setup",
            "MFA is required for the Program Manager"
        );
        assert_eq!(
            c.get("/").await.location(),
            "/account/mfa/setup",
            "nothing else until enrolled"
        );
        let page = c.get("/account/mfa/setup").await;
        let secret = page
            .body
            .split("id=\"totp-secret\" class=\"cn-secret\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        let secret = TotpSecret::from_base32(&secret).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let bad = c
            .post_form("/account/mfa/setup", &[("code", "000000")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let code = secret.code_at_step(now / 30);
        let done = c.post_form("/account/mfa/setup", &[("code", &code)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("id=\"recovery-codes\""));
        let recovery: Vec<String> = done
            .body
            .split("<li><code>")
            .skip(1)
            .map(|s| s.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(recovery.len(), 10);
        assert_eq!(c.get("/").await.status, StatusCode::OK);

        // A new sign-in asks for the code; the code just used is refused (replay guard).
        let mut c2 = t.client();
        assert_eq!(
            c2.login(&t.people["program_manager"].email, PASSWORD)
                .await
                .location(),
            "/login/mfa"
        );
        assert_eq!(
            c2.post_form("/login/mfa", &[("code", &code)]).await.status,
            StatusCode::UNAUTHORIZED
        );
        // A recovery code works once.
        assert_eq!(
            c2.post_form("/login/mfa", &[("code", &recovery[0])])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let mut c3 = t.client();
        c3.login(&t.people["program_manager"].email, PASSWORD).await;
        assert_eq!(
            c3.post_form("/login/mfa", &[("code", &recovery[0])])
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        t.cleanup().await;
    }
}
