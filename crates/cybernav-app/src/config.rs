//! Settings, from the environment and command line, with the defaults a state Board uses.

use std::path::PathBuf;

use cybernav_core::attestation::PlatformKey;
use cybernav_core::finding::RemediationWindows;
use cybernav_core::role::Role;

/// Every setting cybernav reads.
#[derive(Clone)]
pub struct Config {
    /// Folder for the embedded database and backups.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the embedded database.
    pub database_url: Option<String>,
    /// Database connections at most (none: the store's default). A command that works alone
    /// uses one, so that a bulk import may write with a rollback journal
    /// (`cybernav_store::solo_bulk`).
    pub connections: Option<u32>,
    /// Address people use to reach the server, for links in e-mail.
    pub base_url: String,
    /// Roles that must use a second factor.
    pub mfa_required_roles: Vec<Role>,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A session ends this many hours after sign-in, whatever happens.
    pub session_absolute_hours: i64,
    /// Failed sign-ins before an account is locked.
    pub lockout_threshold: i32,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Days after which contact details count as stale.
    pub contact_stale_days: i64,
    /// Hours an invitation link stays valid.
    pub invitation_hours: i64,
    /// Minutes a password-reset link stays valid.
    pub password_reset_minutes: i64,
    /// SMTP server, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@mail.example.gov`.
    pub smtp_url: Option<String>,
    /// From address of outgoing mail.
    pub mail_from: String,
    /// How often the delivery worker looks for mail, in milliseconds.
    pub outbox_poll_ms: u64,
    /// Whether the site is served over HTTPS (sets HSTS and Secure cookies).
    pub secure_cookies: bool,
    /// Days before a certification deadline on which authorities with open items are
    /// reminded by e-mail, largest first.
    pub reminder_days: Vec<i32>,
    /// The largest evidence file accepted, in bytes.
    pub evidence_max_bytes: usize,
    /// Months after which a document on file is due for another review (213.40(a)(2)).
    pub document_review_months: u32,
    /// The key attestations are signed with, when the operator supplies one
    /// (`CYBERNAV_SIGNING_KEY_FILE`); otherwise the key kept in the database is used.
    pub signing_key: Option<PlatformKey>,
    /// Days allowed to fix a finding of each severity (`CYBERNAV_REMEDIATION_WINDOWS`, e.g.
    /// `critical=15,high=30,medium=90,low=180`).
    pub remediation_windows: RemediationWindows,
    /// Where the CISA KEV catalog is downloaded from on a schedule (`CYBERNAV_KEV_URL`);
    /// `None` turns the download off (the catalog can still be imported from a file).
    pub kev_url: Option<String>,
    /// Hours between KEV downloads (`CYBERNAV_KEV_INTERVAL_HOURS`, default 24).
    pub kev_interval_hours: u64,
    /// An assessment item scoring below this percentage is raised as a finding and reported
    /// `not-satisfied` in OSCAL (`CYBERNAV_FINDING_THRESHOLD_PERCENT`, 0–100, default 50).
    pub finding_threshold_percent: f64,
    /// Days a need-to-know approval lasts (`CYBERNAV_NEED_TO_KNOW_DAYS`, default 365).
    pub need_to_know_days: u32,
    /// The Board's sharing settings the access decision reads
    /// (`CYBERNAV_AUTHORITIES_ARE_BOARD_CLIENTS`, `true` or `false`, default `true`).
    pub sharing: cybernav_core::sharing::marking::AccessSettings,
    /// The hour the daily digest goes out on the Board's clock (`CYBERNAV_DIGEST_HOUR`,
    /// 0–23, default 7).
    pub digest_hour: u8,
    /// The Board's time zone, an IANA name (`CYBERNAV_TIMEZONE`, default `America/Chicago`):
    /// the clock of the digest's hour and of the dates it is named by.
    pub time_zone: cybernav_core::deadline::BoardTimeZone,
    /// The only folder TAXII feeds' secret files are read from (`CYBERNAV_TAXII_SECRETS_DIR`,
    /// default `taxii-secrets` in the data folder).
    pub taxii_secrets_dir: PathBuf,
    /// Whether TAXII credentials may go over plain `http://` to any host
    /// (`CYBERNAV_TAXII_ALLOW_HTTP`, default `false`: https only, http to this machine).
    pub taxii_allow_http: bool,
}

impl std::fmt::Debug for Config {
    // The database and SMTP URLs may hold passwords: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "<redacted>"),
            )
            .field("base_url", &self.base_url)
            .field("mfa_required_roles", &self.mfa_required_roles)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .field("mail_from", &self.mail_from)
            // PlatformKey's Debug shows the public fingerprint only.
            .field("signing_key", &self.signing_key)
            .field("taxii_secrets_dir", &self.taxii_secrets_dir)
            .field("taxii_allow_http", &self.taxii_allow_http)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Defaults for a data folder.
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            taxii_secrets_dir: data_dir.join("taxii-secrets"),
            taxii_allow_http: false,
            data_dir,
            database_url: None,
            connections: None,
            base_url: "http://127.0.0.1:8080".into(),
            mfa_required_roles: vec![Role::BoardAdmin, Role::ProgramManager, Role::Navigator],
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            lockout_minutes: 15,
            contact_stale_days: 180,
            invitation_hours: 72,
            password_reset_minutes: 60,
            smtp_url: None,
            mail_from: "cybernav <no-reply@cybernav.invalid>".into(),
            outbox_poll_ms: 2000,
            secure_cookies: false,
            reminder_days: vec![30, 14, 7, 1],
            evidence_max_bytes: 10 * 1024 * 1024,
            document_review_months: cybernav_core::field_ops::DEFAULT_REVIEW_MONTHS,
            signing_key: None,
            remediation_windows: RemediationWindows::default(),
            kev_url: None,
            kev_interval_hours: 24,
            finding_threshold_percent: cybernav_core::assessment::DEFAULT_FINDING_THRESHOLD_PERCENT,
            need_to_know_days: cybernav_core::need_to_know::DEFAULT_PERIOD_DAYS,
            sharing: cybernav_core::sharing::marking::AccessSettings {
                authorities_are_board_clients: true,
            },
            digest_hour: 7,
            time_zone: cybernav_core::deadline::BoardTimeZone::parse("America/Chicago")
                .unwrap_or_else(|_| {
                    unreachable!("the bundled time zone database has America/Chicago")
                }),
        }
    }

    /// Reads overrides from `CYBERNAV_*` and `DATABASE_URL` environment variables.
    /// Returns an error naming the variable when a value does not parse.
    pub fn with_env(self) -> Result<Self, String> {
        self.with_vars(|name| std::env::var(name).ok())
    }

    /// Reads overrides from the variables `get` gives (the environment, or a test's map);
    /// an error names the variable whose value does not parse.
    pub fn with_vars(mut self, get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        fn num<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.trim()
                .parse()
                .map_err(|_| format!("{name}: '{v}' is not a whole number"))
        }
        if let Some(v) = var("DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = var("CYBERNAV_BASE_URL") {
            self.base_url = v.trim_end_matches('/').to_string();
            self.secure_cookies = self.base_url.starts_with("https://");
        }
        if let Some(v) = var("CYBERNAV_MFA_REQUIRED_ROLES") {
            self.mfa_required_roles = if v.trim() == "none" {
                Vec::new()
            } else {
                v.split(',')
                    .map(|r| {
                        Role::parse(r).map_err(|e| format!("CYBERNAV_MFA_REQUIRED_ROLES: {e}"))
                    })
                    .collect::<Result<_, _>>()?
            };
        }
        if let Some(v) = var("CYBERNAV_SESSION_IDLE_MINUTES") {
            self.session_idle_minutes = num("CYBERNAV_SESSION_IDLE_MINUTES", v)?;
        }
        if let Some(v) = var("CYBERNAV_SESSION_ABSOLUTE_HOURS") {
            self.session_absolute_hours = num("CYBERNAV_SESSION_ABSOLUTE_HOURS", v)?;
        }
        if let Some(v) = var("CYBERNAV_CONTACT_STALE_DAYS") {
            self.contact_stale_days = num("CYBERNAV_CONTACT_STALE_DAYS", v)?;
        }
        if let Some(v) = var("CYBERNAV_SMTP_URL") {
            self.smtp_url = Some(v);
        }
        if let Some(v) = var("CYBERNAV_MAIL_FROM") {
            self.mail_from = v;
        }
        if let Some(v) = var("CYBERNAV_OUTBOX_POLL_MS") {
            self.outbox_poll_ms = num("CYBERNAV_OUTBOX_POLL_MS", v)?;
        }
        if let Some(v) = var("CYBERNAV_REMINDER_DAYS") {
            self.reminder_days =
                parse_reminder_days(&v).map_err(|e| format!("CYBERNAV_REMINDER_DAYS: {e}"))?;
        }
        if let Some(v) = var("CYBERNAV_EVIDENCE_MAX_BYTES") {
            self.evidence_max_bytes = num("CYBERNAV_EVIDENCE_MAX_BYTES", v)?;
        }
        if let Some(v) = var("CYBERNAV_DOCUMENT_REVIEW_MONTHS") {
            self.document_review_months = num("CYBERNAV_DOCUMENT_REVIEW_MONTHS", v)?;
        }
        if let Some(v) = var("CYBERNAV_REMEDIATION_WINDOWS") {
            self.remediation_windows = RemediationWindows::parse(&v)
                .map_err(|e| format!("CYBERNAV_REMEDIATION_WINDOWS: {e}"))?;
        }
        if let Some(v) = var("CYBERNAV_KEV_URL") {
            let v = v.trim().to_string();
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(format!(
                    "CYBERNAV_KEV_URL: '{v}' must start with https:// or http://"
                ));
            }
            self.kev_url = Some(v);
        }
        if let Some(v) = var("CYBERNAV_KEV_INTERVAL_HOURS") {
            self.kev_interval_hours = num("CYBERNAV_KEV_INTERVAL_HOURS", v)?;
            if self.kev_interval_hours == 0 {
                return Err("CYBERNAV_KEV_INTERVAL_HOURS: must be at least 1".into());
            }
        }
        if let Some(v) = var("CYBERNAV_FINDING_THRESHOLD_PERCENT") {
            self.finding_threshold_percent = cybernav_core::assessment::parse_finding_threshold(&v)
                .map_err(|e| format!("CYBERNAV_FINDING_THRESHOLD_PERCENT: {e}"))?;
        }
        if let Some(v) = var("CYBERNAV_NEED_TO_KNOW_DAYS") {
            self.need_to_know_days = parse_need_to_know_days(&v)?;
        }
        if let Some(v) = var("CYBERNAV_AUTHORITIES_ARE_BOARD_CLIENTS") {
            self.sharing.authorities_are_board_clients = match v.trim() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                other => {
                    return Err(format!(
                        "CYBERNAV_AUTHORITIES_ARE_BOARD_CLIENTS: '{other}' is not true or false; the default is true"
                    ));
                }
            };
        }
        if let Some(v) = var("CYBERNAV_DIGEST_HOUR") {
            self.digest_hour = cybernav_core::sharing::digest::parse_hour(&v)
                .map_err(|e| format!("CYBERNAV_DIGEST_HOUR: {e}"))?;
        }
        if let Some(v) = var("CYBERNAV_TIMEZONE") {
            self.time_zone = cybernav_core::deadline::BoardTimeZone::parse(&v)
                .map_err(|e| format!("CYBERNAV_TIMEZONE: {e}"))?;
        }
        if let Some(v) = var("CYBERNAV_TAXII_SECRETS_DIR") {
            let dir = PathBuf::from(v.trim());
            if !dir.is_absolute() {
                return Err(format!(
                    "CYBERNAV_TAXII_SECRETS_DIR: '{}' is not an absolute path",
                    v.trim()
                ));
            }
            self.taxii_secrets_dir = dir;
        }
        if let Some(v) = var("CYBERNAV_TAXII_ALLOW_HTTP") {
            self.taxii_allow_http = match v.trim() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                other => {
                    return Err(format!(
                        "CYBERNAV_TAXII_ALLOW_HTTP: '{other}' is not true or false; the default is false"
                    ));
                }
            };
        }
        if let Some(v) = var("CYBERNAV_SIGNING_KEY_FILE") {
            let text = std::fs::read_to_string(v.trim())
                .map_err(|e| format!("CYBERNAV_SIGNING_KEY_FILE: cannot read {v}: {e}"))?;
            self.signing_key = Some(
                PlatformKey::from_base64(&text)
                    .map_err(|e| format!("CYBERNAV_SIGNING_KEY_FILE: {v}: {e}"))?,
            );
        }
        Ok(self)
    }

    /// Whether `role` must use a second factor.
    pub fn mfa_required(&self, role: Role) -> bool {
        self.mfa_required_roles.contains(&role)
    }
}

/// Parses the days a need-to-know approval lasts: a whole number from 30 to
/// [`cybernav_core::need_to_know::MAX_PERIOD_DAYS`] (a shorter approval would be due for
/// renewal before its first expiry warning).
pub fn parse_need_to_know_days(v: &str) -> Result<u32, String> {
    let max = cybernav_core::need_to_know::MAX_PERIOD_DAYS;
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (30..=max).contains(d))
        .ok_or_else(|| {
            format!(
                "CYBERNAV_NEED_TO_KNOW_DAYS: '{}' is not a whole number of days from 30 to {max}; the default is 365",
                v.trim()
            )
        })
}

/// Parses "30,14,7,1" (or "none"): whole days before a deadline, 0 to 365, largest first.
pub fn parse_reminder_days(v: &str) -> Result<Vec<i32>, String> {
    if v.trim() == "none" {
        return Ok(Vec::new());
    }
    let mut days = v
        .split(',')
        .map(|d| {
            d.trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| format!("'{}' is not a whole number of days from 0 to 365; write e.g. 30,14,7,1 or none", d.trim()))
        })
        .collect::<Result<Vec<i32>, String>>()?;
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::new(PathBuf::from("/tmp")).with_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn the_digest_hour_and_time_zone_are_read_and_checked() {
        let c = with(&[]).expect("defaults");
        assert_eq!(
            (c.digest_hour, c.time_zone.as_str()),
            (7, "America/Chicago")
        );
        let c = with(&[
            ("CYBERNAV_DIGEST_HOUR", "6"),
            ("CYBERNAV_TIMEZONE", "America/New_York"),
        ])
        .expect("set");
        assert_eq!(
            (c.digest_hour, c.time_zone.as_str()),
            (6, "America/New_York")
        );
        let Err(e) = with(&[("CYBERNAV_DIGEST_HOUR", "25")]) else {
            panic!("25 was accepted")
        };
        assert!(e.starts_with("CYBERNAV_DIGEST_HOUR: "), "{e}");
        let Err(e) = with(&[("CYBERNAV_TIMEZONE", "Mars/Olympus")]) else {
            panic!("a made-up zone was accepted")
        };
        assert!(
            e.starts_with("CYBERNAV_TIMEZONE: ") && e.contains("Mars/Olympus"),
            "{e}"
        );
    }

    #[test]
    fn taxii_secrets_live_in_one_folder_and_go_over_https() {
        let c = with(&[]).expect("defaults");
        assert_eq!(c.taxii_secrets_dir, PathBuf::from("/tmp/taxii-secrets"));
        assert!(!c.taxii_allow_http);
        let c = with(&[
            ("CYBERNAV_TAXII_SECRETS_DIR", "/run/credentials/cybernav"),
            ("CYBERNAV_TAXII_ALLOW_HTTP", "true"),
        ])
        .expect("set");
        assert_eq!(
            c.taxii_secrets_dir,
            PathBuf::from("/run/credentials/cybernav")
        );
        assert!(c.taxii_allow_http);
        assert!(with(&[("CYBERNAV_TAXII_SECRETS_DIR", "secrets")]).is_err());
        assert!(with(&[("CYBERNAV_TAXII_ALLOW_HTTP", "sometimes")]).is_err());
    }

    #[test]
    fn the_finding_threshold_is_read_and_checked_at_start() {
        let c = with(&[]).expect("defaults");
        assert_eq!(c.finding_threshold_percent, 50.0);
        let c = with(&[("CYBERNAV_FINDING_THRESHOLD_PERCENT", "60")]).expect("60");
        assert_eq!(c.finding_threshold_percent, 60.0);
        for bad in ["150", "-5", "half"] {
            let Err(e) = with(&[("CYBERNAV_FINDING_THRESHOLD_PERCENT", bad)]) else {
                panic!("{bad} was accepted");
            };
            assert!(
                e.starts_with("CYBERNAV_FINDING_THRESHOLD_PERCENT: ") && e.contains("0 to 100"),
                "{e}"
            );
        }
    }
}
