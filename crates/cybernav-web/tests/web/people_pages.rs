//! People, My account, the audit log and e-mailed links, through the real router, on every
//! database: what a Program Manager, a county user, an auditor and a newcomer do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, between, databases};
use cybernav_app::store::outbox::OutboxEntry;
use cybernav_core::audit::AuditEvent;
use cybernav_core::secret;
use cybernav_core::totp::TotpSecret;

const NEW_PASSWORD: &str = "purple elephants vote early";
/// A name with HTML and SQL in it: stored as typed, shown escaped, never executed.
const NASTY_NAME: &str = "Pat <script>alert(1)</script> O'Brien\"; DROP TABLE users;--";
const NASTY_ESCAPED: &str =
    "Pat &#60;script&#62;alert(1)&#60;/script&#62; O&#39;Brien&#34;; DROP TABLE users;--";

async fn outbox(t: &TestApp) -> Vec<OutboxEntry> {
    let mut tx = t.app.store.read().await.unwrap();
    tx.list_outbox(100).await.unwrap()
}

/// The path of the link in the newest message of `kind` to `to` (e.g. `/invitations/…`).
async fn emailed_link(t: &TestApp, kind: &str, to: &str) -> String {
    let msg = outbox(t)
        .await
        .into_iter()
        .find(|m| m.kind == kind && m.to_addr == to)
        .unwrap_or_else(|| panic!("no {kind} message to {to}"));
    let start = msg
        .body_text
        .find("http://cybernav.test/")
        .expect("a link in the message");
    let url: String = msg.body_text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    url.trim_start_matches("http://cybernav.test").to_string()
}

async fn user_id(t: &TestApp, email: &str) -> uuid::Uuid {
    let mut tx = t.app.store.read().await.unwrap();
    tx.find_user_by_email(email).await.unwrap().unwrap().id
}

#[tokio::test]
async fn invitation_from_program_manager_to_first_sign_in() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let form = pm.get("/people/invite").await;
        assert_eq!(form.status, StatusCode::OK, "{db:?}");
        for text in [
            ">Email address<",
            ">Full name<",
            ">Role<",
            ">Election authority<",
            ">Partner organisation<",
            "For election officials and election authority IT",
            "For vetted partners",
            "Send invitation",
        ] {
            assert!(form.body.contains(text), "invite form shows {text}");
        }
        assert!(form.body.contains("value=\"ea_official\""));
        assert!(
            !form.body.contains("value=\"board_admin\""),
            "a Program Manager is not offered roles they cannot give"
        );
        assert!(!form.body.contains("value=\"auditor\""));

        let adams = t.authorities["adams"].to_string();
        let r = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", " Pat.New@Adams.example.gov "),
                    ("name", NASTY_NAME),
                    ("role", "ea_official"),
                    ("election_authority_id", &adams),
                    ("partner_org_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/people?notice=invited");
        let list = pm.get(&r.location()).await;
        assert!(list.body.contains("Invitation sent"));
        assert!(list.body.contains(NASTY_ESCAPED), "names are shown escaped");
        assert!(!list.body.contains("<script>alert"), "and never as markup");
        assert!(list.body.contains("Invited"), "status as words");

        let email = "pat.new@adams.example.gov";
        let path = emailed_link(&t, "invitation", email).await;
        assert!(path.starts_with("/invitations/"), "{path}");
        let mut newcomer = t.client();
        let welcome = newcomer.get(&path).await;
        assert_eq!(welcome.status, StatusCode::OK);
        assert!(welcome.body.contains(&format!("Welcome, {NASTY_ESCAPED}")));
        assert!(
            welcome.body.contains(">New password<") && welcome.body.contains(">Confirm password<")
        );
        assert!(welcome.body.contains("Create account"));

        let bad = newcomer
            .post_form(
                &path,
                &[("new_password", "short"), ("confirm_password", "different")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("href=\"#new_password\"")
                && bad.body.contains("href=\"#confirm_password\""),
            "every problem is listed"
        );
        assert!(bad.body.contains("usa-input--error"));

        let ok = newcomer
            .post_form(
                &path,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(ok.location(), "/login?notice=account_created");
        assert!(
            newcomer
                .get("/login?notice=account_created")
                .await
                .body
                .contains("Your account is ready")
        );
        assert_eq!(
            newcomer.get(&path).await.status,
            StatusCode::GONE,
            "an invitation works once"
        );
        let again = newcomer
            .post_form(
                &path,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.body.contains("This link is no longer valid"));

        assert_eq!(
            newcomer.login(email, NEW_PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        let dash = newcomer.get("/").await;
        assert_eq!(dash.status, StatusCode::OK);
        assert!(
            dash.body.contains("Adams County Clerk"),
            "the new election official sees their authority"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn invitation_errors_list_every_field_and_roles_follow_the_manager() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let r = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", "not-an-address"),
                    ("name", "  "),
                    ("role", "board_admin"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{db:?}");
        assert!(
            r.body
                .contains("only a Board administrator may give the Board administrator role"),
            "{}",
            r.body
        );
        for field in ["email", "name", "role"] {
            assert!(
                r.body.contains(&format!("href=\"#{field}\"")),
                "summary links to {field}"
            );
            assert!(
                r.body.contains(&format!("id=\"{field}-error\"")),
                "error beside {field}"
            );
        }
        assert!(r.body.contains("usa-form-group--error") && r.body.contains("usa-label--error"));
        assert!(
            r.body.contains("value=\"not-an-address\""),
            "what was typed is kept"
        );

        let partner_org = {
            let mut tx = t.app.store.read().await.unwrap();
            tx.list_partner_orgs().await.unwrap()[0].id.to_string()
        };
        let r = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", "x@adams.example.gov"),
                    ("name", "X"),
                    ("role", "ea_official"),
                    ("election_authority_id", ""),
                    ("partner_org_id", &partner_org),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("id=\"election_authority_id-error\"")
                && r.body.contains("id=\"partner_org_id-error\"")
        );
        assert!(r.body.contains("Please correct these 2 problems"));

        let taken = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", &t.people["navigator"].email),
                    ("name", "Dup"),
                    ("role", "navigator"),
                ],
            )
            .await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(taken.body.contains("already has an account"));
        assert!(
            outbox(&t).await.iter().all(|m| m.kind != "invitation"),
            "nothing is sent for a refused invitation"
        );

        let mut board = t.signed_in("board_admin").await;
        assert!(
            board
                .get("/people/invite")
                .await
                .body
                .contains("value=\"board_admin\""),
            "the Board grants every role"
        );
        let r = board
            .post_form(
                "/people/invite",
                &[
                    ("email", "oversight@sbe.example.gov"),
                    ("name", "Olive Oversight"),
                    ("role", "auditor"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            outbox(&t)
                .await
                .iter()
                .filter(|m| m.kind == "invitation")
                .count(),
            1
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn people_pages_are_for_the_board_program_manager_and_auditors() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let someone = format!("/people/{}", t.people["ea_official"].id);
        for key in ["navigator", "ea_official", "ea_it", "partner"] {
            let mut c = t.signed_in(key).await;
            assert_eq!(
                c.get("/people").await.status,
                StatusCode::FORBIDDEN,
                "{db:?} {key}"
            );
            assert_eq!(
                c.get("/people/invite").await.status,
                StatusCode::FORBIDDEN,
                "{key}"
            );
            assert_eq!(c.get(&someone).await.status, StatusCode::FORBIDDEN, "{key}");
            let r = c
                .post_form(
                    "/people/invite",
                    &[
                        ("email", "a@b.example"),
                        ("name", "A"),
                        ("role", "navigator"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{key}");
            assert!(
                !c.get("/").await.body.contains("href=\"/people\""),
                "{key} has no People link"
            );
        }

        let mut auditor = t.signed_in("auditor").await;
        let list = auditor.get("/people").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            !list.body.contains("Invite a person"),
            "auditors read, they do not invite"
        );
        assert!(
            list.body.contains("<caption>9 people</caption>"),
            "{}",
            list.body
        );
        assert!(
            list.body.contains("usa-table-container--scrollable")
                && list.body.contains("scope=\"col\"")
        );
        assert_eq!(
            auditor.get("/people/invite").await.status,
            StatusCode::FORBIDDEN
        );
        let page = auditor.get(&someone).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Adams County Clerk"));
        assert!(!page.body.contains("Manage this account"));
        assert_eq!(
            auditor
                .post_form(&format!("{someone}/disable"), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            auditor.get("/people/not-an-id").await.status,
            StatusCode::NOT_FOUND
        );

        let navigators = auditor.get("/people?role=navigator").await;
        assert!(
            navigators.body.contains("navigator@test.example")
                && navigators.body.contains("navigator.other@test.example")
        );
        assert!(!navigators.body.contains("ea.official@test.example"));
        assert!(navigators.body.contains("2 people matching the filters"));
        let adams = auditor
            .get(&format!("/people?authority={}", t.authorities["adams"]))
            .await;
        assert!(
            adams.body.contains("ea.official@test.example")
                && adams.body.contains("ea.it@test.example")
        );
        assert!(!adams.body.contains("ea.official.other@test.example"));
        assert!(!adams.body.contains("navigator@test.example"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn managers_disable_enable_change_roles_and_resend_invitations() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let mut clerk = t.signed_in("ea_official").await;
        let clerk_page = format!("/people/{}", t.people["ea_official"].id);

        let page = pm.get(&clerk_page).await;
        assert!(
            page.body.contains("Disable account") && page.body.contains("Change role"),
            "{db:?}"
        );
        assert!(
            !page.body.contains("Resend invitation"),
            "only for people who have not accepted"
        );
        let confirm = pm.get(&format!("{clerk_page}/disable")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(
            confirm
                .body
                .contains(&format!("action=\"{clerk_page}/disable\"")),
            "a confirmation step, not a script"
        );
        let r = pm.post_form(&format!("{clerk_page}/disable"), &[]).await;
        assert_eq!(r.location(), format!("{clerk_page}?notice=disabled"));
        assert_eq!(
            clerk.get("/").await.location(),
            "/login",
            "a disabled account is signed out at once"
        );
        assert_eq!(
            clerk
                .login(&t.people["ea_official"].email, PASSWORD)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let page = pm.get(&r.location()).await;
        assert!(page.body.contains(">Disabled<") && page.body.contains("Enable account"));
        assert_eq!(
            pm.get(&format!("{clerk_page}/enable")).await.status,
            StatusCode::OK
        );
        let r = pm.post_form(&format!("{clerk_page}/enable"), &[]).await;
        assert_eq!(r.location(), format!("{clerk_page}?notice=enabled"));
        assert!(pm.get(&clerk_page).await.body.contains(">Active<"));

        let nav_page = format!("/people/{}", t.people["navigator"].id);
        let cook = t.authorities["cook"].to_string();
        let bad = pm
            .post_form(
                &format!("{nav_page}/role"),
                &[
                    ("role", "ea_it"),
                    ("election_authority_id", ""),
                    ("partner_org_id", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"election_authority_id-error\""));
        let r = pm
            .post_form(
                &format!("{nav_page}/role"),
                &[
                    ("role", "ea_it"),
                    ("election_authority_id", &cook),
                    ("partner_org_id", ""),
                ],
            )
            .await;
        assert_eq!(
            r.location(),
            format!("{nav_page}?notice=role_changed"),
            "{}",
            r.body
        );
        let page = pm.get(&nav_page).await;
        assert!(
            page.body
                .contains("<dt>Role</dt><dd>Election authority IT</dd>"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<dt>Election authority</dt><dd>Cook County Clerk</dd>")
        );

        let board_page = format!("/people/{}", t.people["board_admin"].id);
        assert!(
            !pm.get(&board_page)
                .await
                .body
                .contains("Manage this account"),
            "a Program Manager does not manage the Board"
        );
        assert_eq!(
            pm.post_form(&format!("{board_page}/disable"), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            pm.get(&format!("{board_page}/disable")).await.status,
            StatusCode::FORBIDDEN
        );
        let mut board = t.signed_in("board_admin").await;
        assert!(
            !board
                .get(&board_page)
                .await
                .body
                .contains("Manage this account"),
            "nobody manages their own account here"
        );
        let own = board
            .post_form(&format!("{board_page}/role"), &[("role", "auditor")])
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(own.body.contains("you cannot change your own role"));

        let r = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", "late@cook.example.gov"),
                    ("name", "Lee Late"),
                    ("role", "navigator"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let first = emailed_link(&t, "invitation", "late@cook.example.gov").await;
        let late_page = format!("/people/{}", user_id(&t, "late@cook.example.gov").await);
        assert!(pm.get(&late_page).await.body.contains("Resend invitation"));
        let r = pm.post_form(&format!("{late_page}/resend"), &[]).await;
        assert_eq!(r.location(), format!("{late_page}?notice=invited"));
        let second = emailed_link(&t, "invitation", "late@cook.example.gov").await;
        assert_ne!(first, second);
        let mut anon = t.client();
        assert_eq!(
            anon.get(&first).await.status,
            StatusCode::GONE,
            "the earlier link stops working"
        );
        assert_eq!(anon.get(&second).await.status, StatusCode::OK);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn password_reset_answers_the_same_and_links_work_once() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.client();
        let form = c.get("/password-reset").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains(">Email address<") && form.body.contains("Send reset link"));

        let known = t.people["ea_official"].email.clone();
        let a = c.post_form("/password-reset", &[("email", &known)]).await;
        let b = c
            .post_form("/password-reset", &[("email", "nobody@test.example")])
            .await;
        let d = c
            .post_form("/password-reset", &[("email", "not an address")])
            .await;
        for r in [&a, &b, &d] {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{db:?}");
            assert_eq!(r.location(), "/login?notice=reset_sent");
            assert_eq!(r.body, a.body);
        }
        assert!(
            c.get("/login?notice=reset_sent")
                .await
                .body
                .contains("If an account uses that e-mail address")
        );
        let resets: Vec<OutboxEntry> = outbox(&t)
            .await
            .into_iter()
            .filter(|m| m.kind == "password_reset")
            .collect();
        assert_eq!(resets.len(), 1, "only a known address gets a message");
        assert_eq!(resets[0].to_addr, known);

        let path = emailed_link(&t, "password_reset", &known).await;
        let page = c.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(">New password<")
                && page.body.contains(">Confirm password<")
                && page.body.contains("Set new password")
        );
        let r = c
            .post_form(
                &path,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.location(), "/login?notice=password_reset", "{}", r.body);
        assert_eq!(
            c.get(&path).await.status,
            StatusCode::GONE,
            "a reset link works once"
        );
        assert_eq!(
            c.post_form(
                &path,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD)
                ]
            )
            .await
            .status,
            StatusCode::GONE
        );
        assert_eq!(
            c.get("/password-reset/made-up-token").await.status,
            StatusCode::GONE
        );
        assert_eq!(
            c.login(&known, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED,
            "the old password is gone"
        );
        assert_eq!(
            c.login(&known, NEW_PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );

        // Ten requests a minute from one address, then a pause is asked for.
        for _ in 0..7 {
            assert_eq!(
                c.post_form("/password-reset", &[("email", "nobody@test.example")])
                    .await
                    .status,
                StatusCode::SEE_OTHER
            );
        }
        assert_eq!(
            c.post_form("/password-reset", &[("email", "nobody@test.example")])
                .await
                .status,
            StatusCode::TOO_MANY_REQUESTS
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn expired_links_answer_gone() {
    for db in databases() {
        // Links that expire as soon as they are made.
        let t = TestApp::with_config(db, |c| {
            c.mfa_required_roles.clear();
            c.password_reset_minutes = -1;
            c.invitation_hours = -1;
        })
        .await;
        let mut c = t.client();
        let known = t.people["ea_it"].email.clone();
        c.post_form("/password-reset", &[("email", &known)]).await;
        let reset = emailed_link(&t, "password_reset", &known).await;
        let r = c.get(&reset).await;
        assert_eq!(r.status, StatusCode::GONE, "{db:?}");
        assert!(r.body.contains("request a new password-reset link"));

        let mut pm = t.signed_in("program_manager").await;
        pm.post_form(
            "/people/invite",
            &[
                ("email", "slow@adams.example.gov"),
                ("name", "Sam Slow"),
                ("role", "navigator"),
            ],
        )
        .await;
        let invitation = emailed_link(&t, "invitation", "slow@adams.example.gov").await;
        assert_eq!(c.get(&invitation).await.status, StatusCode::GONE);
        let r = c
            .post_form(
                &invitation,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::GONE);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn changing_the_password_ends_every_session() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let email = t.people["ea_official"].email.clone();
        let mut here = t.signed_in("ea_official").await;
        let mut there = t.signed_in("ea_official").await;
        let form = here.get("/account/password").await;
        assert_eq!(form.status, StatusCode::OK, "{db:?}");
        for text in [
            ">Current password<",
            ">New password<",
            ">Confirm new password<",
            "At least 12 characters",
        ] {
            assert!(form.body.contains(text), "password form shows {text}");
        }

        let bad = here
            .post_form(
                "/account/password",
                &[
                    ("current_password", "not it at all"),
                    ("new_password", "short"),
                    ("confirm_password", "other"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("Please correct these 3 problems"),
            "{}",
            bad.body
        );
        assert_eq!(
            here.get("/").await.status,
            StatusCode::OK,
            "a refused change keeps the session"
        );

        let ok = here
            .post_form(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(ok.location(), "/login?notice=password");
        assert!(
            !here.cookies.contains_key("cybernav_session"),
            "the cookie is cleared"
        );
        assert_eq!(
            there.get("/").await.location(),
            "/login",
            "the other device is signed out too"
        );
        assert_eq!(
            here.login(&email, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            here.login(&email, NEW_PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_stored_hashed() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.signed_in("navigator").await;
        let account = c.get("/account").await;
        assert_eq!(account.status, StatusCode::OK, "{db:?}");
        assert!(account.body.contains("You have no API tokens"));
        assert!(account.body.contains(">Token name<") && account.body.contains("Create token"));

        let empty = c.post_form("/account/tokens", &[("name", "  ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("id=\"name-error\""));

        let created = c
            .post_form("/account/tokens", &[("name", "<b>SIEM</b> import")])
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let token = between(
            &created.body,
            "<code id=\"new-token\" class=\"cn-secret cn-copyable\">",
        );
        assert!(token.starts_with("cnv_") && token.len() > 40, "{token}");
        assert!(created.body.contains("only time it is shown"));

        let later = c.get("/account").await;
        assert!(
            !later.body.contains(&token),
            "the list never shows the token"
        );
        assert!(!later.body.contains("id=\"new-token\""));
        assert!(later.body.contains("&#60;b&#62;SIEM&#60;/b&#62; import"));
        let rows: Vec<(String, String)> = {
            let mut tx = t.app.store.read().await.unwrap();
            cybernav_store::with_conn!(&mut tx, |conn| sqlx::query_as(
                "SELECT name, token_hash FROM api_tokens"
            )
            .fetch_all(&mut *conn)
            .await
            .unwrap())
        };
        assert_eq!(rows.len(), 1);
        assert!(
            rows.iter()
                .all(|(name, hash)| !name.contains(&token) && !hash.contains(&token)),
            "the token is not stored"
        );
        assert_eq!(rows[0].1, secret::hash_token(&token), "only its hash is");
        assert!(
            t.app
                .authenticate_api_token(&token)
                .await
                .unwrap()
                .is_some()
        );

        let revoke = between(
            &later.body,
            "<form method=\"post\" action=\"/account/tokens/",
        );
        let revoke = format!("/account/tokens/{}", revoke.split('"').next().unwrap());
        let r = c.post_form(&revoke, &[]).await;
        assert_eq!(r.location(), "/account?notice=token_revoked");
        let after = c.get(&r.location()).await;
        assert!(
            after.body.contains(">Revoked<")
                && after
                    .body
                    .contains("programs using it can no longer connect")
        );
        assert!(
            t.app
                .authenticate_api_token(&token)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            c.post_form(&revoke, &[]).await.status,
            StatusCode::NOT_FOUND,
            "revoked once"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn two_step_recovery_codes_and_signing_out_everywhere() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut c = t.signed_in("partner").await;
        let mut other = t.signed_in("partner").await;
        let account = c.get("/account").await;
        assert!(
            account.body.contains("href=\"/account/mfa/setup\""),
            "{db:?}: off, with a way to turn it on"
        );
        assert!(!account.body.contains("Get new recovery codes"));
        assert!(
            account
                .body
                .contains("Statewide Terrorism and Intelligence Center"),
            "the partner's organisation"
        );
        assert_eq!(
            c.post_form("/account/recovery-codes", &[]).await.status,
            StatusCode::CONFLICT,
            "no codes without an authenticator app"
        );

        let setup = c.get("/account/mfa/setup").await;
        let secret = TotpSecret::from_base32(&between(
            &setup.body,
            "id=\"totp-secret\" class=\"cn-secret\">",
        ))
        .unwrap();
        let code = secret.code_at_step(time::OffsetDateTime::now_utc().unix_timestamp() / 30);
        let done = c.post_form("/account/mfa/setup", &[("code", &code)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let account = c.get("/account").await;
        assert!(
            account.body.contains("Get new recovery codes")
                && account.body.contains("You have 10 unused recovery codes")
        );
        let fresh = c.post_form("/account/recovery-codes", &[]).await;
        assert_eq!(fresh.status, StatusCode::OK);
        assert!(fresh.body.contains("id=\"recovery-codes\""));
        assert_eq!(fresh.body.matches("<li><code>").count(), 10);

        let r = c.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(r.location(), "/login?notice=signed_out_everywhere");
        assert!(!c.cookies.contains_key("cybernav_session"));
        assert_eq!(
            other.get("/account").await.location(),
            "/login?next=/account",
            "every device is signed out"
        );
        assert_eq!(c.get("/account").await.location(), "/login?next=/account");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn audit_log_is_for_the_board_and_auditors_filters_pages_and_verifies() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let mut pm = t.signed_in("program_manager").await;
        let r = pm
            .post_form(
                "/people/invite",
                &[
                    ("email", "nasty@adams.example.gov"),
                    ("name", NASTY_NAME),
                    ("role", "navigator"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            pm.get("/audit").await.status,
            StatusCode::FORBIDDEN,
            "{db:?}: not the Program Manager"
        );
        assert_eq!(
            pm.post_form("/audit/verify", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        for key in ["navigator", "ea_official", "ea_it", "partner"] {
            let mut c = t.signed_in(key).await;
            assert_eq!(c.get("/audit").await.status, StatusCode::FORBIDDEN, "{key}");
            assert_eq!(
                c.post_form("/audit/verify", &[]).await.status,
                StatusCode::FORBIDDEN,
                "{key}"
            );
        }

        let mut board = t.signed_in("board_admin").await;
        assert_eq!(board.get("/audit").await.status, StatusCode::OK);
        let mut auditor = t.signed_in("auditor").await;
        let all = auditor.get("/audit").await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(
            all.body.contains("<time datetime=\"") && all.body.contains("scope=\"col\">Changes")
        );
        assert!(
            all.body.contains(NASTY_ESCAPED),
            "changes are shown escaped"
        );
        assert!(!all.body.contains("<script>alert"));
        assert!(
            all.body.contains("<dt>name:</dt>"),
            "changes as field: from → to"
        );

        let invites = auditor.get("/audit?action=user.invite").await;
        assert!(invites.body.contains("<code>user.invite</code>"));
        assert!(!invites.body.contains("<code>session.create</code>"));
        let by_pm = auditor.get("/audit?actor=PROGRAM.manager").await;
        assert!(by_pm.body.contains("program.manager@test.example"));
        assert!(
            !by_pm.body.contains("auditor@test.example"),
            "other people's records are filtered out"
        );
        let invited = user_id(&t, "nasty@adams.example.gov").await;
        let about = auditor
            .get(&format!("/audit?entity_type=user&entity_id={invited}"))
            .await;
        assert!(
            about
                .body
                .contains("<caption>1 record matching the filters</caption>"),
            "{}",
            about.body
        );
        assert!(about.body.contains(&format!("href=\"/people/{invited}\"")));
        let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1)).date();
        let none = auditor.get(&format!("/audit?from={tomorrow}")).await;
        assert!(
            none.body
                .contains("<caption>0 records matching the filters</caption>")
        );
        let today = time::OffsetDateTime::now_utc().date();
        let some = auditor
            .get(&format!(
                "/audit?from={today}&until={today}&action=user.invite"
            ))
            .await;
        assert!(
            some.body
                .contains("<caption>1 record matching the filters</caption>")
        );
        let bad = auditor.get("/audit?from=03%2F01%2F2026").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("is not a date") && bad.body.contains("id=\"from-error\""));

        {
            let mut tx = t.app.store.begin().await.unwrap();
            for i in 0..60 {
                let event = AuditEvent {
                    actor_id: None,
                    actor_label: "system".into(),
                    action: "test.bulk".into(),
                    entity_type: "test".into(),
                    entity_id: Some(i.to_string()),
                    ip: None,
                    changes: serde_json::json!({}),
                };
                tx.append_audit(&event, cybernav_app::store::now())
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        let first = auditor.get("/audit?action=test.bulk").await;
        assert!(
            first
                .body
                .contains("60 records matching the filters, page 1 of 2")
        );
        assert_eq!(first.body.matches("<code>test.bulk</code>").count(), 50);
        assert!(
            first
                .body
                .contains("href=\"/audit?action=test.bulk&#38;page=2\""),
            "paging keeps the filters"
        );
        assert!(first.body.contains("usa-pagination"));
        let second = auditor.get("/audit?action=test.bulk&page=2").await;
        assert_eq!(second.body.matches("<code>test.bulk</code>").count(), 10);
        assert!(second.body.contains("aria-current=\"page\">2<"));

        let head = {
            let mut tx = t.app.store.read().await.unwrap();
            tx.audit_head().await.unwrap().0
        };
        let ok = auditor.post_form("/audit/verify", &[]).await;
        assert_eq!(ok.status, StatusCode::OK);
        assert!(
            ok.body.contains(&format!("Intact: {head} records")),
            "{}",
            ok.body
        );
        assert!(ok.body.contains("usa-alert--success"));
        {
            let mut tx = t.app.store.begin().await.unwrap();
            tx.tamper_audit_changes(3, "{}").await.unwrap();
            tx.commit().await.unwrap();
        }
        let broken = board.post_form("/audit/verify", &[]).await;
        assert!(
            broken
                .body
                .contains("Broken at record 3: its contents do not match its hash"),
            "{}",
            broken.body
        );
        assert!(broken.body.contains("usa-alert--error"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn people_pages_have_one_heading_and_no_inline_style_or_script() {
    let t = TestApp::new(common::Db::Sqlite).await;
    let mut board = t.signed_in("board_admin").await;
    let token = board
        .post_form("/account/tokens", &[("name", "check")])
        .await;
    let mut pages = vec![token];
    for path in [
        "/people",
        "/people/invite",
        &format!("/people/{}", t.people["navigator"].id),
        "/account",
        "/account/password",
        "/audit",
    ] {
        pages.push(board.get(path).await);
    }
    let mut anon = t.client();
    pages.push(anon.get("/password-reset").await);
    for page in pages {
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.matches("<h1").count(), 1, "one h1: {}", page.body);
        assert!(!page.body.contains("style="), "no inline style");
        assert!(!page.body.contains("<script>"), "no inline script");
    }
    t.cleanup().await;
}
