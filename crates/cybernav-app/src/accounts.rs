//! Signing in and out, sessions, the second factor, passwords and e-mailed links.
//!
//! Every failure to sign in answers [`AppError::BadCredentials`], whatever the reason, and an
//! unknown e-mail costs the same password-hashing time as a known one, so neither the answer
//! nor its timing tells whether an account exists.

use cybernav_core::FieldErrors;
use cybernav_core::authz::Actor;
use cybernav_core::email::EmailAddress;
use cybernav_core::role::Role;
use cybernav_core::secret::{self, check_password_policy};
use cybernav_core::totp::TotpSecret;
use cybernav_store::rows::UserRow;
use cybernav_store::{Tx, now};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// Account states.
pub mod status {
    /// Invited, no password yet.
    pub const INVITED: &str = "invited";
    /// Can sign in.
    pub const ACTIVE: &str = "active";
    /// Cannot sign in.
    pub const DISABLED: &str = "disabled";
}

/// The kinds of e-mailed link.
pub mod link {
    /// Invitation to create an account.
    pub const INVITATION: &str = "invitation";
    /// Password reset.
    pub const PASSWORD_RESET: &str = "password_reset";
}

/// A single-use link to e-mail: what kind it is, the page it opens, whose it is, where the
/// message goes and how long the link lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkMail<'a> {
    /// One of [`link`]'s kinds; also the e-mail's kind in the outbox.
    pub kind: &'static str,
    /// The page's path; the token follows it (`/invitations` opens `/invitations/{token}`).
    pub path: &'static str,
    /// The account the link is for.
    pub user: Uuid,
    /// The address to send it to.
    pub to: &'a str,
    /// The message's subject.
    pub subject: &'static str,
    /// How long the link works.
    pub valid_for: Duration,
}

/// What a signed-in session is allowed to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Fully signed in.
    Ready,
    /// Must type a code from the authenticator app (or a recovery code).
    NeedsMfa,
    /// The role requires a second factor that is not set up yet.
    NeedsEnrolment,
}

/// A session found from its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Session id.
    pub session_id: Uuid,
    /// Who.
    pub actor: Actor,
    /// The person's name.
    pub name: String,
    /// What they may do next.
    pub stage: SessionStage,
}

/// A new session: the token for the cookie (shown once, stored hashed) and its stage.
#[derive(Debug)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// What the person must do next.
    pub stage: SessionStage,
}

/// A role as stored; one the code does not know means the row is corrupt.
pub(crate) fn stored_role(raw: &str) -> AppResult<Role> {
    Role::parse(raw).map_err(|e| AppError::Store(cybernav_store::StoreError::Corrupt(e)))
}

/// Builds the actor for an account: role, own authority, navigator assignments.
pub async fn actor_for(tx: &mut Tx, u: &UserRow) -> AppResult<Actor> {
    let role = stored_role(&u.role)?;
    let assigned = if role == Role::Navigator {
        tx.assignments_of(u.id).await?
    } else {
        Vec::new()
    };
    Ok(Actor {
        user_id: u.id,
        email: u.email.clone(),
        role,
        election_authority_id: u.election_authority_id,
        assigned_authorities: assigned,
        partner_org_id: u.partner_org_id,
    })
}

/// Ten fresh recovery codes for `user`, replacing the old ones (stored hashed); returned to
/// show once.
async fn new_recovery_codes(tx: &mut Tx, user: Uuid) -> AppResult<Vec<String>> {
    let codes = secret::generate_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| secret::hash_token(c)).collect();
    tx.replace_recovery_codes(user, &hashes).await?;
    Ok(codes)
}

/// The person a live link of `kind` belongs to (its token's hash is `hash`); a link that is
/// unknown, used, expired or belongs to a disabled account is [`AppError::LinkInvalid`].
async fn link_user(tx: &mut Tx, kind: &str, hash: &str, now: OffsetDateTime) -> AppResult<UserRow> {
    let Some(user_id) = tx.find_email_link(kind, hash, now).await? else {
        return Err(AppError::LinkInvalid);
    };
    let user = tx.get_user(user_id).await?;
    // A disabled account's links are dead, so the form is not offered either.
    if user.status == status::DISABLED {
        return Err(AppError::LinkInvalid);
    }
    Ok(user)
}

fn stage_for(app: &App, u: &UserRow, mfa_done: bool) -> AppResult<SessionStage> {
    let role = stored_role(&u.role)?;
    Ok(if mfa_done {
        SessionStage::Ready
    } else if u.totp_secret.is_some() {
        SessionStage::NeedsMfa
    } else if app.config.mfa_required(role) {
        SessionStage::NeedsEnrolment
    } else {
        SessionStage::Ready
    })
}

impl App {
    /// Stores a fresh link (its token hashed) and queues the e-mail that carries it; `body`
    /// writes the message around the link's address.
    pub(crate) async fn send_link(
        &self,
        tx: &mut Tx,
        mail: LinkMail<'_>,
        now: OffsetDateTime,
        body: impl FnOnce(&str) -> String,
    ) -> AppResult<()> {
        let token = secret::generate_token();
        tx.insert_email_link(
            mail.kind,
            mail.user,
            &secret::hash_token(&token),
            now,
            now + mail.valid_for,
        )
        .await?;
        let url = format!("{}{}/{token}", self.config.base_url, mail.path);
        tx.enqueue_email(mail.kind, mail.to, mail.subject, &body(&url), now)
            .await?;
        Ok(())
    }

    /// Signs in with e-mail and password. On success returns a new session; the caller sets
    /// its token as a cookie.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> AppResult<NewSession> {
        let Ok(email) = EmailAddress::parse(email) else {
            secret::verify_password_decoy(password);
            return Err(AppError::BadCredentials);
        };
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.find_user_by_email(email.as_str()).await?;
        let Some(user) = user.filter(|u| u.status == status::ACTIVE && u.password_hash.is_some())
        else {
            secret::verify_password_decoy(password);
            return Err(AppError::BadCredentials);
        };
        let locked = user.locked_until.is_some_and(|t| t > now);
        let hash = user.password_hash.as_deref().unwrap_or_default();
        if !secret::verify_password(password, hash) || locked {
            self.record_failure(&mut tx, &user, meta, now).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }
        tx.record_login(user.id, now).await?;
        let token = secret::generate_token();
        let session_id = Uuid::new_v4();
        let stage = stage_for(self, &user, false)?;
        let mfa_done = stage == SessionStage::Ready;
        tx.insert_session(
            session_id,
            &secret::hash_token(&token),
            user.id,
            mfa_done,
            now,
            now + Duration::hours(self.config.session_absolute_hours),
            meta.ip.as_deref(),
            meta.user_agent.as_deref(),
        )
        .await?;
        let actor = actor_for(&mut tx, &user).await?;
        audit::Entry::new("session.create", "session", session_id)
            .changes(json!({"mfa_pending": !mfa_done}))
            .commit(tx, &actor, meta, now)
            .await?;
        Ok(NewSession { token, stage })
    }

    async fn record_failure(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        meta: &RequestMeta,
        now: OffsetDateTime,
    ) -> AppResult<()> {
        let lock = (user.failed_logins + 1 >= self.config.lockout_threshold)
            .then(|| now + Duration::minutes(self.config.lockout_minutes));
        tx.record_failed_login(user.id, lock).await?;
        let actor = actor_for(tx, user).await?;
        let changes = json!({"failed_logins": {"from": user.failed_logins, "to": user.failed_logins + 1}, "locked": lock.is_some()});
        audit::Entry::new("user.login_failed", "user", user.id)
            .changes(changes)
            .record(tx, &actor, meta, now)
            .await?;
        Ok(())
    }

    /// Finds the live session for a cookie token, ending it when it has expired (idle or
    /// absolute). Activity is recorded at most once a minute, so reads stay reads.
    pub async fn session(&self, token: &str) -> AppResult<Option<SessionInfo>> {
        let now = now();
        let mut tx = self.store.read().await?;
        let Some(s) = tx.find_session(&secret::hash_token(token)).await? else {
            return Ok(None);
        };
        let idle = Duration::minutes(self.config.session_idle_minutes);
        if s.expires_at <= now || s.last_seen_at + idle <= now {
            drop(tx);
            let mut w = self.store.begin().await?;
            w.delete_session(s.id).await?;
            w.commit().await?;
            return Ok(None);
        }
        let user = tx.get_user(s.user_id).await?;
        if user.status != status::ACTIVE {
            return Ok(None);
        }
        let actor = actor_for(&mut tx, &user).await?;
        let stage = stage_for(self, &user, s.mfa_done)?;
        drop(tx);
        if now - s.last_seen_at > Duration::minutes(1) {
            let mut w = self.store.begin_bookkeeping().await?;
            w.touch_session(s.id, now).await?;
            w.commit().await?;
        }
        Ok(Some(SessionInfo {
            session_id: s.id,
            actor,
            name: user.name,
            stage,
        }))
    }

    /// Completes sign-in with a code from the authenticator app or a recovery code.
    pub async fn verify_mfa(
        &self,
        session: &SessionInfo,
        code: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(session.actor.user_id).await?;
        if user.locked_until.is_some_and(|t| t > now) {
            return Err(AppError::BadCredentials);
        }
        let Some(secret_bytes) = user.totp_secret.clone() else {
            return Err(AppError::BadCredentials);
        };
        let secret = TotpSecret::from_bytes(secret_bytes);
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let ok = if typed.len() == 6 && typed.bytes().all(|b| b.is_ascii_digit()) {
            match secret.verify(&typed, now.unix_timestamp(), user.totp_last_step) {
                Some(step) => tx.advance_totp_step(user.id, step).await?,
                None => false,
            }
        } else {
            let hash = secret::hash_token(&secret::normalise_recovery_code(&typed));
            let used = tx.use_recovery_code(user.id, &hash, now).await?;
            if used {
                audit::Entry::new("user.recovery_code_used", "user", user.id)
                    .record(&mut tx, &session.actor, meta, now)
                    .await?;
            }
            used
        };
        if !ok {
            self.record_failure(&mut tx, &user, meta, now).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }
        tx.record_login(user.id, now).await?;
        tx.set_session_mfa_done(session.session_id).await?;
        audit::Entry::new("session.mfa_passed", "session", session.session_id)
            .commit(tx, &session.actor, meta, now)
            .await?;
        Ok(())
    }

    /// Starts setting up an authenticator app: a fresh secret, kept pending until a code
    /// from it is confirmed. Returns the secret for the QR code.
    pub async fn start_totp_enrolment(&self, actor: &Actor) -> AppResult<TotpSecret> {
        let secret = TotpSecret::generate();
        let mut tx = self.store.begin().await?;
        tx.set_totp_pending(actor.user_id, Some(secret.as_bytes()))
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The pending secret of an enrolment under way, if any.
    pub async fn pending_totp(&self, actor: &Actor) -> AppResult<Option<TotpSecret>> {
        let mut tx = self.store.read().await?;
        let user = tx.get_user(actor.user_id).await?;
        Ok(user.totp_pending_secret.map(TotpSecret::from_bytes))
    }

    /// Confirms the authenticator app with its first code. Returns ten recovery codes to
    /// show once; the session counts as having passed the second factor.
    pub async fn confirm_totp_enrolment(
        &self,
        session: &SessionInfo,
        code: &str,
        meta: &RequestMeta,
    ) -> AppResult<Vec<String>> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(session.actor.user_id).await?;
        let Some(pending) = user.totp_pending_secret.clone().map(TotpSecret::from_bytes) else {
            return Err(AppError::invalid(
                "code",
                "start the set-up again: no authenticator app is being set up",
            ));
        };
        let Some(step) = pending.verify(code, now.unix_timestamp(), None) else {
            return Err(AppError::invalid(
                "code",
                "that code does not match; type the 6 digits your app shows now",
            ));
        };
        tx.set_totp(user.id, Some(pending.as_bytes()), Some(step), now)
            .await?;
        let codes = new_recovery_codes(&mut tx, user.id).await?;
        tx.set_session_mfa_done(session.session_id).await?;
        audit::Entry::new("user.mfa_enabled", "user", user.id)
            .changes(json!({"mfa": {"from": user.totp_secret.is_some(), "to": true}}))
            .commit(tx, &session.actor, meta, now)
            .await?;
        Ok(codes)
    }

    /// Replaces the recovery codes (the old ones stop working).
    ///
    /// Refused when no authenticator app is set up: recovery codes stand in for it.
    pub async fn regenerate_recovery_codes(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<String>> {
        let now = now();
        let mut tx = self.store.begin().await?;
        if tx.get_user(actor.user_id).await?.totp_secret.is_none() {
            return Err(AppError::Conflict("set up two-step verification first; recovery codes stand in for your authenticator app".into()));
        }
        let codes = new_recovery_codes(&mut tx, actor.user_id).await?;
        audit::Entry::new("user.recovery_codes_replaced", "user", actor.user_id)
            .commit(tx, actor, meta, now)
            .await?;
        Ok(codes)
    }

    /// Signs out this session.
    pub async fn logout(&self, session: &SessionInfo, meta: &RequestMeta) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        tx.delete_session(session.session_id).await?;
        audit::Entry::new("session.delete", "session", session.session_id)
            .commit(tx, &session.actor, meta, now)
            .await?;
        Ok(())
    }

    /// Signs out every session of this person, on every device.
    pub async fn logout_everywhere(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<u64> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let n = tx.delete_sessions_of(actor.user_id).await?;
        audit::Entry::new("session.delete_all", "user", actor.user_id)
            .changes(json!({"sessions_ended": n}))
            .commit(tx, actor, meta, now)
            .await?;
        Ok(n)
    }

    /// Changes the password after checking the current one. Every session of the person ends,
    /// this one included, so a stolen session does not outlive the change.
    pub async fn change_password(
        &self,
        session: &SessionInfo,
        current: &str,
        new: &str,
        confirm: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(session.actor.user_id).await?;
        // Every problem at once, so a busy person fixes the form in one go.
        let mut errors = FieldErrors::new();
        if !secret::verify_password(current, user.password_hash.as_deref().unwrap_or_default()) {
            errors.add("current_password", "is not your current password");
        }
        errors
            .0
            .extend(new_password_errors(new, confirm, &user.email).0);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        tx.set_password(user.id, &secret::hash_password(new), now)
            .await?;
        tx.delete_sessions_of(user.id).await?;
        audit::Entry::new("user.password_changed", "user", user.id)
            .commit(tx, &session.actor, meta, now)
            .await?;
        Ok(())
    }

    /// Sends a password-reset link when an active account has this e-mail. Answers the same
    /// either way, so the form does not reveal who has an account.
    pub async fn request_password_reset(&self, email: &str, meta: &RequestMeta) -> AppResult<()> {
        let Ok(email) = EmailAddress::parse(email) else {
            return Ok(());
        };
        let now = now();
        let mut tx = self.store.begin().await?;
        let Some(user) = tx
            .find_user_by_email(email.as_str())
            .await?
            .filter(|u| u.status == status::ACTIVE)
        else {
            return Ok(());
        };
        let minutes = self.config.password_reset_minutes;
        let mail = LinkMail {
            kind: link::PASSWORD_RESET,
            path: "/password-reset",
            user: user.id,
            to: &user.email,
            subject: "Reset your cybernav password",
            valid_for: Duration::minutes(minutes),
        };
        self.send_link(&mut tx, mail, now, |url| {
            format!(
                "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your cybernav account.\n\
                 To choose a new password, open this link within {minutes} minutes:\n\n{url}\n\n\
                 If you did not ask for this, ignore this message: your password stays as it is.\n",
                name = user.name
            )
        })
        .await?;
        let actor = actor_for(&mut tx, &user).await?;
        audit::Entry::new("user.password_reset_requested", "user", user.id)
            .commit(tx, &actor, meta, now)
            .await?;
        Ok(())
    }

    /// Whether an e-mailed link is live (for showing the form).
    pub async fn check_link(&self, kind: &str, token: &str) -> AppResult<UserRow> {
        let mut tx = self.store.read().await?;
        // The same answer as setting the password would give.
        link_user(&mut tx, kind, &secret::hash_token(token), now()).await
    }

    /// Sets a password from an invitation or reset link, used once. Ends every session.
    pub async fn set_password_from_link(
        &self,
        kind: &str,
        token: &str,
        new: &str,
        confirm: &str,
        meta: &RequestMeta,
    ) -> AppResult<UserRow> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let hash = secret::hash_token(token);
        let user = link_user(&mut tx, kind, &hash, now).await?;
        validate_new_password(new, confirm, &user.email)?;
        if !tx.use_email_link(kind, &hash, now).await? {
            return Err(AppError::LinkInvalid);
        }
        tx.set_password(user.id, &secret::hash_password(new), now)
            .await?;
        tx.delete_sessions_of(user.id).await?;
        let actor = actor_for(&mut tx, &user).await?;
        let action = if kind == link::INVITATION {
            "user.invitation_accepted"
        } else {
            "user.password_reset"
        };
        let changes = if kind == link::INVITATION {
            json!({"status": {"from": status::INVITED, "to": status::ACTIVE}})
        } else {
            json!({})
        };
        audit::Entry::new(action, "user", user.id)
            .changes(changes)
            .commit(tx, &actor, meta, now)
            .await?;
        Ok(user)
    }
}

/// Checks a new password and its confirmation.
pub fn validate_new_password(new: &str, confirm: &str, email: &str) -> AppResult<()> {
    let errors = new_password_errors(new, confirm, email);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Every problem with a new password and its confirmation: the policy (under
/// `new_password`) and a confirmation that differs (under `confirm_password`).
pub fn new_password_errors(new: &str, confirm: &str, email: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(e) = check_password_policy(new, email) {
        errors.add("new_password", e.to_string());
    }
    if new != confirm {
        errors.add("confirm_password", "does not match the new password");
    }
    errors
}

/// What the "My account" page shows about the signed-in person.
#[derive(Debug, Clone)]
pub struct AccountOverview {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Own election authority's name (county roles).
    pub election_authority: Option<String>,
    /// Partner organisation's name (partners).
    pub partner_org: Option<String>,
    /// Whether an authenticator app is set up.
    pub mfa_enabled: bool,
    /// Whether the role must use a second factor.
    pub mfa_required: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
    /// Last successful sign-in.
    pub last_login_at: Option<OffsetDateTime>,
}

impl App {
    /// The signed-in person's own account, for the "My account" page.
    pub async fn account_overview(&self, actor: &Actor) -> AppResult<AccountOverview> {
        let mut tx = self.store.read().await?;
        let user = tx.get_user(actor.user_id).await?;
        let election_authority = match user.election_authority_id {
            Some(id) => Some(tx.get_election_authority(id).await?.authority.name),
            None => None,
        };
        let partner_org = match user.partner_org_id {
            Some(id) => Some(tx.get_partner_org(id).await?.name),
            None => None,
        };
        let recovery_codes_left = tx.unused_recovery_codes(user.id).await?;
        Ok(AccountOverview {
            name: user.name,
            email: user.email,
            role: actor.role,
            election_authority,
            partner_org,
            mfa_enabled: user.totp_secret.is_some(),
            mfa_required: self.config.mfa_required(actor.role),
            recovery_codes_left,
            last_login_at: user.last_login_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_password_errors_are_all_reported() {
        let e = new_password_errors("short", "other", "jsmith@adams.example.gov");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["new_password", "confirm_password"]);
        assert!(
            new_password_errors(
                "purple elephants vote early",
                "purple elephants vote early",
                "a@b.c"
            )
            .is_empty()
        );
        let mismatch = new_password_errors(
            "purple elephants vote early",
            "purple elephants vote late",
            "a@b.c",
        );
        assert_eq!(mismatch.0.len(), 1);
        assert_eq!(mismatch.0[0].field, "confirm_password");
    }
}
