//! The TAXII 2.1 client: collections of partners' servers (CISA AIS, an ISAC, the fusion
//! center) that the desk polls on a schedule, each page imported like an uploaded bundle.
//!
//! * **Position.** A poll asks for objects `added_after` the server's own
//!   `X-TAXII-Date-Added-Last` of the last page imported, follows `next` while the server
//!   says `more`, and records the new position in the same transaction as each page's
//!   import: a poll cut short (a crash, a restart, an error on page 7) resumes after the last
//!   page kept, and a page is never half-kept. A server that sends no date header leaves the
//!   position where it was; the next poll reads the collection again and de-duplication
//!   keeps the store unchanged.
//! * **Schedule and replicas.** Each feed is due every `poll_minutes`. A replica claims a due
//!   feed with a lease (like the outbox), so two replicas never poll one feed at once. The
//!   lease carries the poll's own token and is renewed page by page; a page, its position and
//!   the poll's end are written only while the lease is still the poll's own, so a poll slower
//!   than the lease that another replica took over stops without writing over the other's
//!   position.
//! * **Poll now.** A person asking for a poll makes the feed due at once
//!   ([`App::request_taxii_poll`]); the serve loop polls it within a minute, outside the
//!   request. Asked while a poll runs, the request outlives that poll's end: the feed stays
//!   due, and the next round reads what came in meanwhile. The command line may still poll inline ([`App::poll_taxii_feed`]).
//! * **Back-off.** A failed poll (the server unreachable, an HTTP error, an answer that is
//!   not TAXII, a page that is not STIX) is retried after 5 minutes, then 10, 20, … up to a
//!   day, and the error is kept on the feed for the Program Manager to read; a success puts
//!   the feed back on its schedule.
//! * **Credentials.** The database holds only where the secret is
//!   (`env:CYBERNAV_TAXII_SECRET_NAME` or `file:NAME` in the TAXII secrets folder), read at
//!   each poll, never the secret itself, so backups and exports never carry a partner's
//!   password; credentials go over https only. Errors never include the secret. The limits
//!   are in [`super::taxii_auth`], checked when a feed is added or its collections are
//!   listed, and again at each poll.

use cybernav_core::authz::{IntakeHistoryReader, IntakeWriter, system_actor};
pub use cybernav_formats::taxii_envelope::TAXII_MEDIA_TYPE;
use cybernav_formats::taxii_envelope::{Collection, read_collections, read_envelope};
use cybernav_store::now;
use cybernav_store::taxii_feeds::FeedRow;
use reqwest::Url;
use serde::Serialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::intake::{IntakeSummary, SourceSpec, source_in, stix_in};
pub use super::taxii_auth::{FeedAuth, SecretPolicy, SecretRef};
use crate::http::{Fetched, HttpClient};
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The largest page accepted, in bytes.
pub const MAX_PAGE_BYTES: usize = 256 * 1024 * 1024;
/// Pages read in one poll at most; the rest waits for the next poll, due at once.
pub const MAX_PAGES_PER_POLL: usize = 100;
/// How long one poll may hold its feed, from its last page, before another replica may take
/// it.
pub const POLL_LEASE: Duration = Duration::minutes(30);

/// Why an overtaken poll stopped.
const LEASE_LOST: &str = "another poll took this feed over (this one was slower than its lease); it stopped without keeping more pages";

/// One poll's hold on its feed.
#[derive(Debug, Clone, Copy)]
struct Lease {
    feed: Uuid,
    owner: Uuid,
    /// When the poll took the feed.
    taken_at: OffsetDateTime,
}
/// Polling interval bounds, in minutes.
pub const POLL_MINUTES: std::ops::RangeInclusive<i64> = 5..=10_080;
/// Page size bounds (`limit`).
pub const PAGE_SIZE: std::ops::RangeInclusive<i64> = 1..=10_000;

/// A collection to poll, as the Program Manager describes it.
#[derive(Debug, Clone)]
pub struct FeedSpec {
    /// The source its objects are recorded under (registered on first use).
    pub source: SourceSpec,
    /// The API root URL, such as `https://taxii.example.gov/api1/`.
    pub api_root: String,
    /// The collection's id.
    pub collection_id: String,
    /// How to sign in.
    pub auth: FeedAuth,
    /// Minutes between polls (5 to 10,080).
    pub poll_minutes: i64,
    /// Objects per page (1 to 10,000).
    pub page_size: i64,
    /// Where to start: only objects added after this server timestamp; `None` reads the
    /// whole collection on the first poll.
    pub added_after: Option<String>,
}

/// What one poll did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollOutcome {
    /// The feed.
    pub feed_id: Uuid,
    /// Pages read.
    pub pages: usize,
    /// Objects received.
    pub objects: usize,
    /// Indicators new to the store.
    pub imported: u64,
    /// Indicators already known.
    pub duplicates: u64,
    /// Objects refused (each listed in its page's intake run).
    pub rejected: usize,
    /// The import runs, one per page that held objects.
    pub runs: Vec<Uuid>,
    /// The position after the poll (the server's last date added).
    pub added_after: Option<String>,
    /// The poll stopped at [`MAX_PAGES_PER_POLL`]; the rest comes on the next poll.
    pub truncated: bool,
    /// Why the poll failed, after the pages it kept.
    pub error: Option<String>,
}

/// The delay before retrying a feed after its `failures`-th failure in a row: 5 minutes,
/// doubled each time, at most a day.
pub fn retry_delay(failures: i64) -> Duration {
    let exp = failures.clamp(1, 10) - 1;
    Duration::minutes((5_i64 << exp).min(24 * 60))
}

/// The API root in the stored form: a checked http(s) URL ending with `/`.
fn api_root_in(raw: &str) -> AppResult<String> {
    let bad = |m: &str| AppError::invalid("api_root", m.to_string());
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        bad(&format!(
            "'{raw}' is not a URL ({e}); give the API root, such as https://taxii.example.gov/api1/"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(
            "the API root must be an http:// or https:// URL with a host",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "put no credentials in the URL; give them with the feed's authentication",
        ));
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url.to_string())
}

/// Whether two TAXII timestamps name the same instant (`…T12:00:00+02:00` is
/// `…T10:00:00Z`); text that does not parse is compared as it is.
fn same_instant(a: &str, b: &str) -> bool {
    let parse = |s: &str| OffsetDateTime::parse(s.trim(), &Rfc3339).ok();
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A starting point typed by a person: an RFC 3339 instant, sent on in UTC.
fn added_after_in(raw: Option<&str>) -> AppResult<Option<String>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let t = OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
        AppError::invalid(
            "added_after",
            format!("'{raw}' is not an RFC 3339 instant, such as 2026-11-30T10:00:00Z"),
        )
    })?;
    Ok(Some(cybernav_formats::stix::write::timestamp(t)))
}

fn collection_in(raw: &str) -> AppResult<String> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 200 || id.chars().any(|c| c.is_control() || c == '/') {
        return Err(AppError::invalid(
            "collection_id",
            "the collection's id is 1 to 200 characters without '/', as the server lists it",
        ));
    }
    Ok(id.to_string())
}

/// The URL of a page of a collection's objects.
fn objects_url(
    feed: &FeedRow,
    added_after: Option<&str>,
    next: Option<&str>,
) -> Result<String, String> {
    let mut url = Url::parse(&feed.api_root).map_err(|e| e.to_string())?;
    url.path_segments_mut()
        .map_err(|()| "the API root cannot hold a path".to_string())?
        .pop_if_empty()
        .extend(["collections", feed.collection_id.as_str(), "objects", ""]);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("limit", &feed.page_size.to_string());
        if let Some(a) = added_after {
            q.append_pair("added_after", a);
        }
        if let Some(n) = next {
            q.append_pair("next", n);
        }
    }
    Ok(url.to_string())
}

/// `GET` with TAXII's media type and the feed's credentials, within the operator's limits.
async fn taxii_get(
    policy: &SecretPolicy<'_>,
    url: &str,
    auth: &FeedAuth,
    max: usize,
) -> Result<Fetched, String> {
    let parsed = Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    policy.check_transport(&parsed, auth)?;
    let authorization = policy.header(auth)?;
    let mut headers = vec![("Accept", TAXII_MEDIA_TYPE)];
    if let Some(a) = &authorization {
        headers.push(("Authorization", a.as_str()));
    }
    HttpClient::shared()
        .map_err(|e| e.to_string())?
        .get(url, &headers, max)
        .await
        .map_err(|e| e.to_string())
}

impl App {
    /// The operator's limits on TAXII secrets and where they go.
    pub fn taxii_secret_policy(&self) -> SecretPolicy<'_> {
        SecretPolicy {
            dir: &self.config.taxii_secrets_dir,
            allow_http: self.config.taxii_allow_http,
        }
    }

    /// Checks that `auth` names a secret within the limits and that its credentials may go
    /// to `api_root` (see [`super::taxii_auth`]).
    fn check_feed_auth(&self, api_root: &str, auth: &FeedAuth) -> AppResult<()> {
        let policy = self.taxii_secret_policy();
        if let Some(secret) = auth.secret() {
            policy
                .check(secret)
                .map_err(|e| AppError::invalid("secret", e))?;
        }
        let url = Url::parse(api_root).map_err(|e| AppError::invalid("api_root", e.to_string()))?;
        policy
            .check_transport(&url, auth)
            .map_err(|e| AppError::invalid("api_root", e))
    }

    /// Registers a collection to poll. It is due at once.
    pub async fn add_taxii_feed(
        &self,
        cap: &IntakeWriter<'_>,
        spec: &FeedSpec,
        meta: &RequestMeta,
    ) -> AppResult<FeedRow> {
        let api_root = api_root_in(&spec.api_root)?;
        let collection_id = collection_in(&spec.collection_id)?;
        let added_after = added_after_in(spec.added_after.as_deref())?;
        self.check_feed_auth(&api_root, &spec.auth)?;
        if !POLL_MINUTES.contains(&spec.poll_minutes) {
            return Err(AppError::invalid(
                "poll_minutes",
                format!(
                    "poll every {} to {} minutes (a week)",
                    POLL_MINUTES.start(),
                    POLL_MINUTES.end()
                ),
            ));
        }
        if !PAGE_SIZE.contains(&spec.page_size) {
            return Err(AppError::invalid(
                "page_size",
                format!(
                    "ask for {} to {} objects per page",
                    PAGE_SIZE.start(),
                    PAGE_SIZE.end()
                ),
            ));
        }
        if let FeedAuth::Basic { username, .. } = &spec.auth
            && (username.trim().is_empty() || username.contains(':'))
        {
            return Err(AppError::invalid(
                "username",
                "give the user name for basic authentication (without ':')",
            ));
        }
        let mut tx = self.store.begin().await?;
        if tx.taxii_feed_at(&api_root, &collection_id).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "collection {collection_id} at {api_root} is already polled"
            )));
        }
        let source = source_in(&mut tx, &spec.source).await?;
        let at = now();
        let (auth, username, secret_ref) = spec.auth.parts();
        let row = FeedRow {
            id: Uuid::new_v4(),
            source_id: source.id,
            source_name: source.name.clone(),
            api_root,
            collection_id,
            auth: auth.to_string(),
            username,
            secret_ref,
            poll_minutes: spec.poll_minutes,
            page_size: spec.page_size,
            enabled: true,
            added_after,
            next_poll_at: at,
            failures: 0,
            last_error: None,
            last_polled_at: None,
            last_success_at: None,
            created_at: at,
            updated_at: at,
        };
        tx.insert_taxii_feed(&row).await?;
        audit::Entry::new("taxii_feed.add", "taxii_feed", row.id)
            .changes(json!({
                "source": source.name,
                "source_registered": source.registered,
                "api_root": row.api_root,
                "collection_id": row.collection_id,
                "auth": row.auth,
                "secret_ref": row.secret_ref,
                "poll_minutes": row.poll_minutes,
                "page_size": row.page_size,
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row)
    }

    /// Every polled collection with its position and last error.
    pub async fn taxii_feeds(&self, _cap: &IntakeHistoryReader<'_>) -> AppResult<Vec<FeedRow>> {
        let mut tx = self.store.begin().await?;
        let rows = tx.taxii_feeds().await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Turns scheduled polling of a feed on (due at once, failures forgotten) or off.
    pub async fn set_taxii_feed_enabled(
        &self,
        cap: &IntakeWriter<'_>,
        id: Uuid,
        enabled: bool,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        let at = now();
        if !tx.set_taxii_feed_enabled(id, enabled, at).await? {
            return Err(AppError::NotFound);
        }
        audit::Entry::new("taxii_feed.enable", "taxii_feed", id)
            .changes(json!({"enabled": enabled}))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Lists the collections an API root offers to these credentials, to find the id of the
    /// one to poll.
    pub async fn discover_taxii_collections(
        &self,
        _cap: &IntakeWriter<'_>,
        api_root: &str,
        auth: &FeedAuth,
    ) -> AppResult<Vec<Collection>> {
        let root = api_root_in(api_root)?;
        self.check_feed_auth(&root, auth)?;
        let url = format!("{root}collections/");
        let fetched = taxii_get(&self.taxii_secret_policy(), &url, auth, 16 * 1024 * 1024)
            .await
            .map_err(|e| AppError::invalid("api_root", e))?;
        read_collections(&fetched.body)
            .map_err(|e| AppError::invalid("api_root", format!("{url}: {e}")))
    }

    /// Makes a feed due now, asked for by a person: the serve loop polls it within a minute
    /// (after a poll already running), and the page does not wait for it. Refused while the
    /// feed is paused.
    pub async fn request_taxii_poll(
        &self,
        cap: &IntakeWriter<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        let at = now();
        let feed = tx.taxii_feed(id).await?.ok_or(AppError::NotFound)?;
        if !feed.enabled {
            return Err(AppError::Conflict(
                "this feed is paused: resume it, and it is polled within a minute".into(),
            ));
        }
        tx.make_taxii_feed_due(id, at).await?;
        audit::Entry::new("taxii_feed.poll_requested", "taxii_feed", id)
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Polls one feed now and waits for it (the command line; the page asks with
    /// [`App::request_taxii_poll`]). The schedule is unchanged unless the poll fails. Refused
    /// with a conflict while another poll of it runs.
    pub async fn poll_taxii_feed(
        &self,
        cap: &IntakeWriter<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<PollOutcome> {
        let mut tx = self.store.begin().await?;
        let at = now();
        if tx.taxii_feed(id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let lease = Lease {
            feed: id,
            owner: Uuid::new_v4(),
            taken_at: at,
        };
        if !tx.lease_taxii_feed(id, at, POLL_LEASE, lease.owner).await? {
            return Err(AppError::Conflict(
                "this feed is being polled now; try again in a few minutes".into(),
            ));
        }
        tx.commit().await?;
        self.run_poll(cap, lease, meta).await
    }

    /// Polls every enabled feed that is due, one after another, as the system. Returns what
    /// each poll did.
    pub async fn poll_due_taxii_feeds(&self, meta: &RequestMeta) -> AppResult<Vec<PollOutcome>> {
        let system = system_actor();
        let cap = system.import_intel().ok_or(AppError::Forbidden)?;
        let mut done = Vec::new();
        loop {
            let owner = Uuid::new_v4();
            let mut tx = self.store.begin().await?;
            let taken_at = now();
            let claimed = tx.claim_taxii_feed(taken_at, POLL_LEASE, owner).await?;
            tx.commit().await?;
            let Some(feed) = claimed else { break };
            let lease = Lease {
                feed,
                owner,
                taken_at,
            };
            done.push(self.run_poll(&cap, lease, meta).await?);
        }
        Ok(done)
    }

    /// Extends the lease for the next page, in its own transaction; an error when another
    /// poll has taken the feed over.
    async fn renew(&self, lease: Lease) -> Result<(), String> {
        let renewed = async {
            let mut tx = self.store.begin().await?;
            let ok = tx
                .renew_taxii_lease(lease.feed, lease.owner, now(), POLL_LEASE)
                .await?;
            tx.commit().await?;
            Ok::<bool, AppError>(ok)
        }
        .await
        .map_err(|e| e.to_string())?;
        if renewed {
            Ok(())
        } else {
            Err(LEASE_LOST.to_string())
        }
    }

    /// Reads pages from a leased feed, keeping each with its position, then releases the
    /// lease with the next poll time (unless another poll took the feed over).
    async fn run_poll(
        &self,
        cap: &IntakeWriter<'_>,
        lease: Lease,
        meta: &RequestMeta,
    ) -> AppResult<PollOutcome> {
        let id = lease.feed;
        let feed = {
            let mut tx = self.store.begin().await?;
            let f = tx.taxii_feed(id).await?.ok_or(AppError::NotFound)?;
            tx.commit().await?;
            f
        };
        let mut outcome = PollOutcome {
            feed_id: id,
            added_after: feed.added_after.clone(),
            ..PollOutcome::default()
        };
        let result = self.read_pages(cap, &feed, lease, meta, &mut outcome).await;
        let at = now();
        let (error, next_at) = match &result {
            Ok(()) if outcome.truncated => (None, at),
            Ok(()) => (None, at + Duration::minutes(feed.poll_minutes)),
            Err(e) => (Some(e.clone()), at + retry_delay(feed.failures + 1)),
        };
        let mut tx = self.store.begin().await?;
        let finished = tx
            .finish_taxii_poll(
                id,
                lease.owner,
                error.as_deref(),
                next_at,
                at,
                lease.taken_at,
            )
            .await?;
        tx.commit().await?;
        if !finished {
            // The poll that took the feed over keeps the record of its own.
            tracing::warn!(taxii.feed = %id, "TAXII poll overtaken by another");
            outcome.error = Some(error.unwrap_or_else(|| LEASE_LOST.to_string()));
            return Ok(outcome);
        }
        match &error {
            None => tracing::info!(
                taxii.feed = %id,
                taxii.pages = outcome.pages,
                taxii.objects = outcome.objects,
                taxii.imported = outcome.imported,
                "TAXII feed polled"
            ),
            Some(e) => {
                tracing::warn!(taxii.feed = %id, error = %e, retry_at = %next_at, "TAXII poll failed")
            }
        }
        outcome.error = error;
        Ok(outcome)
    }

    /// The pages of one poll. An error is returned as text for the feed's record; pages
    /// already kept stay kept.
    async fn read_pages(
        &self,
        cap: &IntakeWriter<'_>,
        feed: &FeedRow,
        lease: Lease,
        meta: &RequestMeta,
        outcome: &mut PollOutcome,
    ) -> Result<(), String> {
        let auth = FeedAuth::from_parts(
            &feed.auth,
            feed.username.as_deref(),
            feed.secret_ref.as_deref(),
        )?;
        let source = SourceSpec {
            name: feed.source_name.clone(),
            kind: "taxii".into(),
            // The source exists (the feed refers to it): its stored default applies.
            default_marking: cybernav_core::sharing::marking::Marking::tlp(
                cybernav_core::sharing::marking::Tlp::Red,
            ),
        };
        let mut asked_after = feed.added_after.clone();
        let mut next: Option<String> = None;
        loop {
            self.renew(lease).await?;
            let url = objects_url(feed, asked_after.as_deref(), next.as_deref())?;
            let fetched =
                taxii_get(&self.taxii_secret_policy(), &url, &auth, MAX_PAGE_BYTES).await?;
            let page = read_envelope(&fetched.body)
                .map_err(|e| format!("{}: page {}: {e}", fetched.final_url, outcome.pages + 1))?;
            // A one-object page may carry only the first date (medallion does).
            let last = fetched
                .header("X-TAXII-Date-Added-Last")
                .or_else(|| fetched.header("X-TAXII-Date-Added-First"))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            outcome.pages += 1;
            let name = format!(
                "{}collections/{}/objects/ (page {})",
                feed.api_root, feed.collection_id, outcome.pages
            );
            self.keep_page(
                cap,
                lease,
                &source,
                &name,
                page.bundle,
                page.objects,
                last.as_deref(),
                meta,
                outcome,
            )
            .await
            .map_err(|e| format!("{name}: {e}"))?;
            if !page.more {
                return Ok(());
            }
            if outcome.pages >= MAX_PAGES_PER_POLL {
                outcome.truncated = true;
                return Ok(());
            }
            match page.next {
                Some(n) => next = Some(n),
                // A server that pages by date alone: ask again after the last date added.
                None => match last {
                    Some(l) if !asked_after.as_deref().is_some_and(|a| same_instant(a, &l)) => {
                        asked_after = Some(l);
                        next = None;
                    }
                    _ => {
                        return Err(format!(
                            "{name}: the server says there is more but gives neither `next` nor a new X-TAXII-Date-Added-Last; the poll stops here"
                        ));
                    }
                },
            }
        }
    }

    /// Imports one page and moves the feed's position, in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn keep_page(
        &self,
        cap: &IntakeWriter<'_>,
        lease: Lease,
        source: &SourceSpec,
        name: &str,
        bundle: Vec<u8>,
        objects: usize,
        last: Option<&str>,
        meta: &RequestMeta,
        outcome: &mut PollOutcome,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        // The lease is checked and extended first, in the page's transaction: a page read by
        // a poll another one took over is not kept (and holds the row until it commits).
        if !tx
            .renew_taxii_lease(lease.feed, lease.owner, now(), POLL_LEASE)
            .await?
        {
            return Err(AppError::Conflict(LEASE_LOST.into()));
        }
        if objects > 0 {
            let summary: IntakeSummary = stix_in(&mut tx, cap, source, name, bundle, meta).await?;
            outcome.objects += objects;
            outcome.imported += summary.imported;
            outcome.duplicates += summary.duplicates;
            outcome.rejected += summary.rejected.len();
            outcome.runs.push(summary.run_id);
        }
        if let Some(l) = last {
            if !tx
                .set_taxii_position(lease.feed, lease.owner, l, now())
                .await?
            {
                return Err(AppError::Conflict(LEASE_LOST.into()));
            }
            outcome.added_after = Some(l.to_string());
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Polls due feeds every `every` until `shutdown` changes (spawned by `serve`); safe on
/// every replica at once.
pub async fn run_taxii_polling(
    app: App,
    every: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    let meta = RequestMeta {
        ip: Some("scheduled job".into()),
        user_agent: None,
    };
    loop {
        if let Err(e) = app.poll_due_taxii_feeds(&meta).await {
            tracing::error!(error = %e, "TAXII polling failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_day() {
        assert_eq!(retry_delay(1), Duration::minutes(5));
        assert_eq!(retry_delay(2), Duration::minutes(10));
        assert_eq!(retry_delay(5), Duration::minutes(80));
        assert_eq!(retry_delay(9), Duration::minutes(1280));
        assert_eq!(retry_delay(10), Duration::minutes(1440));
        assert_eq!(retry_delay(500), Duration::minutes(1440));
    }

    #[test]
    fn positions_are_instants_whatever_their_offset() {
        assert!(same_instant(
            "2026-11-30T12:00:00+02:00",
            "2026-11-30T10:00:00.000Z"
        ));
        assert!(!same_instant(
            "2026-11-30T10:00:00.1Z",
            "2026-11-30T10:00:00.12Z"
        ));
        assert!(same_instant("not a time", "not a time"));
        assert_eq!(
            added_after_in(Some(" 2026-11-30T12:00:00.5+02:00 ")).ok(),
            Some(Some("2026-11-30T10:00:00.500000Z".to_string()))
        );
        assert_eq!(added_after_in(Some("  ")).ok(), Some(None));
        assert!(added_after_in(Some("yesterday")).is_err());
    }

    #[test]
    fn api_roots_are_kept_with_a_final_slash_and_no_credentials() {
        assert_eq!(
            api_root_in(" https://taxii.example.gov/api1 ").unwrap(),
            "https://taxii.example.gov/api1/"
        );
        assert_eq!(
            api_root_in("https://taxii.example.gov/api1/?x=1#y").unwrap(),
            "https://taxii.example.gov/api1/"
        );
        assert!(api_root_in("ftp://taxii.example.gov/").is_err());
        assert!(api_root_in("https://u:p@taxii.example.gov/").is_err());
        assert!(api_root_in("taxii.example.gov").is_err());
    }

    #[test]
    fn page_urls_encode_the_position() {
        let at = now();
        let feed = FeedRow {
            id: Uuid::nil(),
            source_id: Uuid::nil(),
            source_name: "s".into(),
            api_root: "https://t.example/api1/".into(),
            collection_id: "91a7b528-80eb-42ed-a74d-c6fbd5a26116".into(),
            auth: "none".into(),
            username: None,
            secret_ref: None,
            poll_minutes: 60,
            page_size: 500,
            enabled: true,
            added_after: None,
            next_poll_at: at,
            failures: 0,
            last_error: None,
            last_polled_at: None,
            last_success_at: None,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(
            objects_url(&feed, None, None).unwrap(),
            "https://t.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/?limit=500"
        );
        assert_eq!(
            objects_url(&feed, Some("2026-11-30T10:00:00.123456Z"), Some("a+b/c")).unwrap(),
            "https://t.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/?limit=500&added_after=2026-11-30T10%3A00%3A00.123456Z&next=a%2Bb%2Fc"
        );
    }
}
