//! Outbound HTTP: the one client cybernav uses to fetch from other servers (the scheduled KEV
//! catalog download today; a TAXII 2.1 feed next).
//!
//! `reqwest` over rustls with the ring provider and the bundled web roots, as lettre's SMTP
//! already uses: no OpenSSL, no system certificate store to keep. Every fetch has a connect
//! timeout and a total timeout, follows at most [`MAX_REDIRECTS`] redirects (never from
//! `https` down to `http`), names itself as `cybernav/<version>`, accepts only `http` and
//! `https` URLs, refuses an answer that is not 2xx, and streams the body so that it stops as
//! soon as the body passes the caller's limit rather than holding more than that in memory.
//!
//! Errors name the URL without any user name, password or query string in it, and never a
//! header value: an `Authorization` header is marked sensitive and is not echoed anywhere.
//! Requests are built in one place ([`HttpClient::send`]), so another method (a `POST` to a
//! TAXII server, say) adds a request builder and reuses the same limits and errors.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{RequestBuilder, Url, redirect};

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a whole request may take, body included.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;
/// What cybernav calls itself to the servers it asks.
pub const USER_AGENT: &str = concat!("cybernav/", env!("CARGO_PKG_VERSION"));

/// Why a fetch failed. The messages name the URL (without credentials or query) and never a
/// header's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The URL does not parse, or its scheme is not `http` or `https`.
    #[error("{url}: {reason}")]
    BadUrl {
        /// The URL as given (credentials removed when it parsed).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value cannot be sent.
    #[error("{url}: the header {name} cannot be sent (not a valid HTTP header)")]
    BadHeader {
        /// The URL.
        url: String,
        /// The header's name.
        name: String,
    },
    /// The server answered with a status other than 2xx.
    #[error("{url}: the server answered {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The body is larger than the caller's limit.
    #[error("{url}: the answer is larger than the limit of {limit} bytes; nothing was kept")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The fetch timed out.
    #[error("{url}: no complete answer within {seconds} seconds")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that passed.
        seconds: u64,
    },
    /// Connecting, TLS, a redirect or reading the answer failed.
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
}

impl HttpError {
    /// The HTTP status, when the server answered with one that is not 2xx.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The status (2xx).
    pub status: u16,
    /// The URL that answered, after redirects (credentials and query removed).
    pub final_url: String,
    /// The `Content-Type`, if the server sent one.
    pub content_type: Option<String>,
    /// The answer's headers (a server's own values, such as TAXII's `X-TAXII-Date-Added-Last`).
    pub headers: HeaderMap,
    /// The body, at most the limit asked for.
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header of the answer, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The limits a client is built with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// See [`CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// See [`TOTAL_TIMEOUT`].
    pub total_timeout: Duration,
    /// See [`MAX_REDIRECTS`].
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: CONNECT_TIMEOUT,
            total_timeout: TOTAL_TIMEOUT,
            max_redirects: MAX_REDIRECTS,
        }
    }
}

/// An HTTP client with cybernav's limits. Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    limits: Limits,
}

/// The URL as it may be shown: no user name, password, query or fragment.
fn shown(url: &Url) -> String {
    let mut u = url.clone();
    // Both only fail for URLs that cannot have credentials, which then have none to remove.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// The URL, parsed and checked: `http` or `https` with a host.
fn checked_url(raw: &str) -> Result<Url, HttpError> {
    let bad = |reason: &str| HttpError::BadUrl {
        url: raw.split(['?', '#']).next().unwrap_or_default().to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(HttpError::BadUrl {
            url: shown(&url),
            reason: format!(
                "only http:// and https:// URLs can be fetched, not {}://",
                url.scheme()
            ),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(HttpError::BadUrl {
            url: shown(&url),
            reason: "the URL names no host".into(),
        });
    }
    Ok(url)
}

/// The reasons of an error and of its sources, joined, without any URL.
fn reasons(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    let head = if e.is_connect() {
        "cannot connect"
    } else if e.is_redirect() {
        "the redirects were refused"
    } else if e.is_body() || e.is_decode() {
        "the answer could not be read"
    } else {
        "the request failed"
    };
    if parts.is_empty() {
        head.to_string()
    } else {
        format!("{head}: {}", parts.join(": "))
    }
}

impl HttpClient {
    /// A client with these limits.
    pub fn new(limits: Limits) -> Result<HttpClient, HttpError> {
        let max = limits.max_redirects;
        let policy = redirect::Policy::custom(move |attempt| {
            let downgrade = attempt.url().scheme() == "http"
                && attempt.previous().iter().any(|u| u.scheme() == "https");
            if attempt.previous().len() > max {
                attempt.error(format!("more than {max} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                attempt.error("a redirect to a URL that is not http or https")
            } else if downgrade {
                attempt.error("a redirect from https down to http")
            } else {
                attempt.follow()
            }
        });
        let inner = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.total_timeout)
            .redirect(policy)
            .https_only(false)
            .build()
            .map_err(|e| HttpError::Transport {
                url: String::new(),
                message: format!("the HTTP client cannot start: {}", reasons(&e)),
            })?;
        Ok(HttpClient { inner, limits })
    }

    /// The one client of the process, with the default [`Limits`].
    pub fn shared() -> Result<&'static HttpClient, HttpError> {
        static SHARED: OnceLock<Result<HttpClient, HttpError>> = OnceLock::new();
        SHARED
            .get_or_init(|| HttpClient::new(Limits::default()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// `GET url` with extra headers (such as `Accept` or `Authorization`; an `Authorization`
    /// or `Cookie` value is marked sensitive), keeping at most `max_bytes` of body.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        max_bytes: usize,
    ) -> Result<Fetched, HttpError> {
        let checked = checked_url(url)?;
        let headers = header_map(&checked, headers)?;
        let request = self.inner.get(checked.clone()).headers(headers);
        self.send(&checked, request, max_bytes).await
    }

    /// `GET url` and its body, at most `max_bytes` of it.
    pub async fn get_limited(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, HttpError> {
        Ok(self.get(url, &[], max_bytes).await?.body)
    }

    /// Sends a request built for `url` and reads its answer within `max_bytes`. Every method
    /// goes through here, so each has the same limits and errors.
    async fn send(
        &self,
        url: &Url,
        request: RequestBuilder,
        max_bytes: usize,
    ) -> Result<Fetched, HttpError> {
        let name = shown(url);
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                HttpError::Timeout {
                    url: name.clone(),
                    seconds: self.limits.total_timeout.as_secs(),
                }
            } else {
                HttpError::Transport {
                    url: name.clone(),
                    message: reasons(&e),
                }
            }
        };
        let mut response = request.send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(HttpError::Status {
                url: name,
                status: status.as_u16(),
            });
        }
        let too_large = || HttpError::TooLarge {
            url: name.clone(),
            limit: max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > max_bytes as u64)
        {
            return Err(too_large());
        }
        let final_url = shown(response.url());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: status.as_u16(),
            final_url,
            content_type,
            headers,
            body,
        })
    }
}

/// The extra headers, checked; credentials marked sensitive.
fn header_map(url: &Url, headers: &[(&str, &str)]) -> Result<HeaderMap, HttpError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let bad = || HttpError::BadHeader {
            url: shown(url),
            name: (*name).to_string(),
        };
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let mut v = HeaderValue::from_str(value).map_err(|_| bad())?;
        if n == reqwest::header::AUTHORIZATION || n == reqwest::header::COOKIE {
            v.set_sensitive(true);
        }
        map.append(n, v);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_fetched() {
        assert!(checked_url("https://www.cisa.gov/feed.json").is_ok());
        assert!(checked_url("http://127.0.0.1:8080/x").is_ok());
        let e = checked_url("ftp://example.gov/kev.json").unwrap_err();
        assert!(e.to_string().contains("only http:// and https://"), "{e}");
        let e = checked_url("file:///etc/passwd").unwrap_err();
        assert!(matches!(e, HttpError::BadUrl { .. }), "{e}");
        let e = checked_url("not a url").unwrap_err();
        assert!(e.to_string().contains("not a URL"), "{e}");
    }

    #[test]
    fn urls_are_shown_without_credentials_or_query() {
        let u = Url::parse("https://user:secret@feed.example/taxii2/?token=abc#x").unwrap();
        assert_eq!(shown(&u), "https://feed.example/taxii2/");
        let e = checked_url("gopher://user:secret@feed.example/?token=abc").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(!e.to_string().contains("abc"), "{e}");
    }

    #[test]
    fn credentials_in_headers_are_sensitive_and_bad_headers_refused() {
        let u = Url::parse("https://feed.example/").unwrap();
        let map = header_map(
            &u,
            &[
                ("Accept", "application/taxii+json;version=2.1"),
                ("Authorization", "Basic c2VjcmV0"),
            ],
        )
        .unwrap();
        assert!(
            map.get("authorization")
                .is_some_and(HeaderValue::is_sensitive)
        );
        assert!(!map.get("accept").is_some_and(HeaderValue::is_sensitive));
        let e = header_map(&u, &[("Accept", "a\nb")]).unwrap_err();
        assert!(e.to_string().contains("header Accept"), "{e}");
        assert!(!e.to_string().contains("a\nb"));
    }

    #[test]
    fn the_user_agent_names_cybernav_and_its_version() {
        assert!(USER_AGENT.starts_with("cybernav/"));
        assert!(USER_AGENT.len() > "cybernav/".len());
    }
}
