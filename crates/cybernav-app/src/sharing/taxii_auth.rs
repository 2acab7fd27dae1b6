//! How the TAXII client signs in to a partner's server, and the limits on it.
//!
//! A feed names where its secret is, never the secret: `env:NAME` or `file:PATH`, read at each
//! poll. Whoever may add feeds chooses that name and the server the secret is sent to, so both
//! are limited, here where the page, the API and the command line all pass:
//!
//! * **Which environment variables.** Only `CYBERNAV_TAXII_SECRET_…`: a feed cannot send the
//!   database URL, the SMTP password or any other setting of the server.
//! * **Which files.** Only files inside one folder, the TAXII secrets folder
//!   (`CYBERNAV_TAXII_SECRETS_DIR`, by default `taxii-secrets` in the data folder), checked
//!   again at each read after the path is made canonical: no `..`, and a symbolic link that
//!   leads out of the folder is refused. `file:ais` names `ais` in that folder.
//! * **Where to.** Credentials go over `https://` only. Plain `http://` is accepted to the
//!   machine itself (a test server on loopback) or when the operator allows it
//!   (`CYBERNAV_TAXII_ALLOW_HTTP=true`); a feed without credentials may use either.
//! * **What an error says.** Where the secret was looked for, never its value, and never the
//!   operating system's message about the file.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use reqwest::Url;

/// The prefix of every environment variable a feed may read its secret from.
pub const SECRET_ENV_PREFIX: &str = "CYBERNAV_TAXII_SECRET_";

/// The longest secret file read, in bytes (a token or a password is far shorter).
const MAX_SECRET_FILE: u64 = 16 * 1024;

/// Where a feed's secret is read at poll time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// An environment variable of the server process, named `CYBERNAV_TAXII_SECRET_…`.
    Env(String),
    /// A file in the TAXII secrets folder (such as a systemd credential); its first line is
    /// the secret. A relative path is inside that folder.
    File(PathBuf),
}

impl SecretRef {
    /// Reads `env:CYBERNAV_TAXII_SECRET_NAME` or `file:PATH`. The error never repeats what
    /// was typed: it may be the secret itself.
    pub fn parse(raw: &str) -> Result<SecretRef, String> {
        let raw = raw.trim();
        if let Some(name) = raw.strip_prefix("env:") {
            let rest = name.strip_prefix(SECRET_ENV_PREFIX).unwrap_or_default();
            let ok = !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if ok {
                return Ok(SecretRef::Env(name.to_string()));
            }
            return Err(format!(
                "an environment variable for a TAXII secret is named {SECRET_ENV_PREFIX} followed by capital letters, digits or _ (such as env:{SECRET_ENV_PREFIX}AIS)"
            ));
        }
        if let Some(path) = raw.strip_prefix("file:") {
            let p = PathBuf::from(path);
            let plain = !path.is_empty()
                && p.components()
                    .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
            if plain {
                return Ok(SecretRef::File(p));
            }
            return Err(
                "a secret file is named by its path in the TAXII secrets folder, without '.' or '..' (such as file:ais)"
                    .into(),
            );
        }
        Err(format!(
            "say where the secret is, as env:{SECRET_ENV_PREFIX}NAME or file:NAME (a file in the TAXII secrets folder); the secret itself is never stored"
        ))
    }

    /// The stored form.
    pub fn as_stored(&self) -> String {
        match self {
            SecretRef::Env(n) => format!("env:{n}"),
            SecretRef::File(p) => format!("file:{}", p.display()),
        }
    }
}

/// How the desk signs in to a TAXII server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedAuth {
    /// No credentials.
    None,
    /// `Authorization: Bearer <secret>`.
    Bearer(SecretRef),
    /// HTTP Basic with a user name and the secret as password.
    Basic {
        /// The user name.
        username: String,
        /// The password's whereabouts.
        password: SecretRef,
    },
}

impl FeedAuth {
    /// The secret's whereabouts, if the feed signs in.
    pub fn secret(&self) -> Option<&SecretRef> {
        match self {
            FeedAuth::None => None,
            FeedAuth::Bearer(s) | FeedAuth::Basic { password: s, .. } => Some(s),
        }
    }

    /// `(auth, username, secret_ref)` as stored.
    pub(crate) fn parts(&self) -> (&'static str, Option<String>, Option<String>) {
        match self {
            FeedAuth::None => ("none", None, None),
            FeedAuth::Bearer(s) => ("bearer", None, Some(s.as_stored())),
            FeedAuth::Basic { username, password } => {
                ("basic", Some(username.clone()), Some(password.as_stored()))
            }
        }
    }

    /// Reads the stored parts back.
    pub(crate) fn from_parts(
        auth: &str,
        username: Option<&str>,
        secret_ref: Option<&str>,
    ) -> Result<FeedAuth, String> {
        let secret = || {
            SecretRef::parse(secret_ref.unwrap_or_default())
                .map_err(|e| format!("stored secret reference: {e}"))
        };
        match auth {
            "none" => Ok(FeedAuth::None),
            "bearer" => Ok(FeedAuth::Bearer(secret()?)),
            "basic" => Ok(FeedAuth::Basic {
                username: username.unwrap_or_default().to_string(),
                password: secret()?,
            }),
            other => Err(format!("unknown stored authentication '{other}'")),
        }
    }
}

/// The operator's limits on secrets and where they go, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SecretPolicy<'a> {
    /// The only folder secret files are read from.
    pub dir: &'a Path,
    /// Plain `http://` may carry credentials to any host.
    pub allow_http: bool,
}

impl SecretPolicy<'_> {
    /// The file a reference names: inside the folder for a relative path.
    fn path_of(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// Checks a reference as it is given: an environment variable with the prefix, or a file
    /// inside the folder (followed to where it really is, when it exists already; a file put
    /// there later is checked again when it is read).
    pub fn check(&self, s: &SecretRef) -> Result<(), String> {
        // Read back from its stored form: the same rules hold for a reference built in code
        // or read from the database as for one typed in.
        if SecretRef::parse(&s.as_stored()).as_ref() != Ok(s) {
            return Err(match s {
                SecretRef::Env(_) => format!(
                    "{} is not an environment variable for a TAXII secret; name one {SECRET_ENV_PREFIX}…",
                    s.as_stored()
                ),
                SecretRef::File(_) => self.outside(s),
            });
        }
        match s {
            SecretRef::Env(_) => Ok(()),
            SecretRef::File(p) => {
                let path = self.path_of(p);
                let inside = path.strip_prefix(self.dir).is_ok_and(|rest| {
                    rest.components().next().is_some()
                        && rest.components().all(|c| matches!(c, Component::Normal(_)))
                });
                if !inside {
                    return Err(self.outside(s));
                }
                if path.symlink_metadata().is_ok() {
                    self.real_path(s).map(|_| ())
                } else {
                    Ok(())
                }
            }
        }
    }

    fn outside(&self, s: &SecretRef) -> String {
        format!(
            "{} is not in the TAXII secrets folder {}; put the file there (CYBERNAV_TAXII_SECRETS_DIR names the folder)",
            s.as_stored(),
            self.dir.display()
        )
    }

    /// Where the file really is, after links: inside the folder, or an error.
    fn real_path(&self, s: &SecretRef) -> Result<PathBuf, String> {
        let SecretRef::File(p) = s else {
            return Err(format!("{} is not a file", s.as_stored()));
        };
        let dir = std::fs::canonicalize(self.dir).map_err(|_| {
            format!(
                "the TAXII secrets folder {} does not exist or cannot be opened",
                self.dir.display()
            )
        })?;
        let real = std::fs::canonicalize(self.path_of(p)).map_err(|e| self.unreadable(s, &e))?;
        if real == dir || !real.starts_with(&dir) {
            return Err(self.outside(s));
        }
        Ok(real)
    }

    /// What an error reading the secret says: where, and in plain words why, never the
    /// operating system's text.
    fn unreadable(&self, s: &SecretRef, e: &std::io::Error) -> String {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "does not exist",
            std::io::ErrorKind::PermissionDenied => "may not be read by the server's account",
            _ => "cannot be read",
        };
        format!("the secret file {} {why}", s.as_stored())
    }

    /// The secret, read now: the first line of the file or the variable's value.
    pub fn read(&self, s: &SecretRef) -> Result<String, String> {
        self.check(s)?;
        let value = match s {
            SecretRef::Env(n) => std::env::var(n)
                .map_err(|_| format!("the environment variable {n} is not set on this server"))?,
            SecretRef::File(_) => {
                let real = self.real_path(s)?;
                let file = std::fs::File::open(&real).map_err(|e| self.unreadable(s, &e))?;
                if !file.metadata().is_ok_and(|m| m.is_file()) {
                    return Err(format!("the secret file {} is not a file", s.as_stored()));
                }
                let mut text = String::new();
                file.take(MAX_SECRET_FILE)
                    .read_to_string(&mut text)
                    .map_err(|_| {
                        format!("the secret file {} is not a line of text", s.as_stored())
                    })?;
                text
            }
        };
        let line = value.lines().next().unwrap_or_default().trim().to_string();
        if line.is_empty() {
            return Err(format!("the secret at {} is empty", s.as_stored()));
        }
        Ok(line)
    }

    /// Checks that `auth`'s credentials may go to `url`: over https, or over http to this
    /// machine or when the operator allows it.
    pub fn check_transport(&self, url: &Url, auth: &FeedAuth) -> Result<(), String> {
        if matches!(auth, FeedAuth::None) || url.scheme() == "https" || self.allow_http {
            return Ok(());
        }
        let host = url.host_str().unwrap_or_default();
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_loopback());
        if loopback {
            return Ok(());
        }
        Err(
            "credentials are sent over https:// only; use the server's https:// address (or sign in with none)"
                .into(),
        )
    }

    /// The `Authorization` header's value for `auth`, if any.
    pub fn header(&self, auth: &FeedAuth) -> Result<Option<String>, String> {
        use base64::Engine;
        Ok(match auth {
            FeedAuth::None => None,
            FeedAuth::Bearer(s) => Some(format!("Bearer {}", self.read(s)?)),
            FeedAuth::Basic { username, password } => {
                let pair = format!("{username}:{}", self.read(password)?);
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_prefixed_variables_and_plain_paths_are_named() {
        assert_eq!(
            SecretRef::parse("env:CYBERNAV_TAXII_SECRET_AIS"),
            Ok(SecretRef::Env("CYBERNAV_TAXII_SECRET_AIS".into()))
        );
        assert_eq!(
            SecretRef::parse("file:ais"),
            Ok(SecretRef::File("ais".into()))
        );
        assert_eq!(
            SecretRef::parse("file:/run/credentials/cybernav/ais"),
            Ok(SecretRef::File("/run/credentials/cybernav/ais".into()))
        );
        for bad in [
            "hunter2",
            "env:DATABASE_URL",
            "env:CYBERNAV_SMTP_URL",
            "env:CYBERNAV_TAXII_SECRET_",
            "env:CYBERNAV_TAXII_SECRET_a-b",
            "file:",
            "file:../cybernav.db",
            "file:/var/lib/cybernav/taxii-secrets/../cybernav.db",
            "file:./ais",
        ] {
            assert!(SecretRef::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_refusal_never_repeats_what_was_typed() {
        for typed in ["hunter2-Pa55", "env:hunter2-Pa55", "file:../hunter2-Pa55"] {
            let e = SecretRef::parse(typed).expect_err(typed);
            assert!(!e.contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn files_outside_the_folder_are_refused_even_through_a_link() {
        let root = tempfile::tempdir().expect("a temporary folder");
        let dir = root.path().join("taxii-secrets");
        std::fs::create_dir(&dir).expect("the folder");
        std::fs::write(dir.join("ais"), "token-1\nignored\n").expect("a secret");
        std::fs::write(root.path().join("cybernav.db"), "not for partners").expect("a file");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.path().join("cybernav.db"), dir.join("escape"))
            .expect("a link");
        let policy = SecretPolicy {
            dir: &dir,
            allow_http: false,
        };
        assert_eq!(
            policy.read(&SecretRef::File("ais".into())),
            Ok("token-1".into())
        );
        assert_eq!(
            policy.read(&SecretRef::File(dir.join("ais"))),
            Ok("token-1".into())
        );
        assert!(
            policy
                .check(&SecretRef::Env("DATABASE_URL".into()))
                .is_err()
        );
        let outside = SecretRef::File(root.path().join("cybernav.db"));
        assert!(policy.check(&outside).is_err());
        assert!(policy.read(&outside).is_err());
        #[cfg(unix)]
        {
            let link = SecretRef::File("escape".into());
            assert!(
                policy.check(&link).is_err(),
                "a link out is refused when added"
            );
            let e = policy.read(&link).expect_err("a link out");
            assert!(!e.contains("not for partners"), "{e}");
        }
        let e = policy
            .read(&SecretRef::File("missing".into()))
            .expect_err("a missing file");
        assert_eq!(e, "the secret file file:missing does not exist");
    }

    #[test]
    fn credentials_go_over_https_or_to_this_machine() {
        let dir = PathBuf::from("/nonexistent");
        let strict = SecretPolicy {
            dir: &dir,
            allow_http: false,
        };
        let token = FeedAuth::Bearer(SecretRef::Env("CYBERNAV_TAXII_SECRET_X".into()));
        let url = |s: &str| Url::parse(s).expect("a URL");
        assert!(
            strict
                .check_transport(&url("https://taxii.example.gov/api1/"), &token)
                .is_ok()
        );
        assert!(
            strict
                .check_transport(&url("http://taxii.example.gov/api1/"), &token)
                .is_err()
        );
        assert!(
            strict
                .check_transport(&url("http://taxii.example.gov/api1/"), &FeedAuth::None)
                .is_ok()
        );
        for local in [
            "http://127.0.0.1:8080/api1/",
            "http://[::1]:8080/api1/",
            "http://localhost/api1/",
        ] {
            assert!(
                strict.check_transport(&url(local), &token).is_ok(),
                "{local}"
            );
        }
        let relaxed = SecretPolicy {
            dir: &dir,
            allow_http: true,
        };
        assert!(
            relaxed
                .check_transport(&url("http://taxii.example.gov/api1/"), &token)
                .is_ok()
        );
    }
}
