//! The daily digest (213.30(a)(8)): once a day, at `CYBERNAV_DIGEST_HOUR` on the Board's clock
//! (`CYBERNAV_TIMEZONE`), every person in the program's community who has not turned it off
//! gets one e-mail with what *they* may see of the day's products and indicators.
//!
//! Recipients: active accounts whose reader is in the community ([`reader_in`]): Board staff,
//! the people of every election authority, and partner members with a current vetting
//! (need-to-know approval). Every item is checked with [`App::may_see`] for that person at the
//! send instant; products go through their tear-line, indicators through a report the person
//! may see. A person with nothing to see gets no e-mail (and no send row), so a quiet day
//! does not teach people to ignore the digest.
//!
//! Once per person per date, whatever the number of replicas or runs: the send row, unique on
//! (person, date), is inserted in the same transaction as the outbox message and the receipts;
//! a second claim finds it and rolls back. The run's audit record holds counts only.

use std::collections::{HashMap, HashSet};

use cybernav_core::authz::{Actor, DigestHistoryReader, DigestSender};
use cybernav_core::instant::rfc3339_utc;
use cybernav_core::role::Role;
use cybernav_core::sharing::digest::{
    DigestIndicator, DigestProduct, DigestRecipient, DigestSchedule, PersonalDigest,
    RenderedDigest, Window, sort_indicators,
};
use cybernav_core::sharing::marking::{Marking, Reader};
use cybernav_core::sharing::product::{self, InformationNeeds, State};
use cybernav_store::digest::{DigestReceiptRow, DigestRunDelivery, DigestRunRow, DigestSendRow};
use cybernav_store::products::ProductRow;
use cybernav_store::rows::UserRow;
use cybernav_store::users::UserQuery;
use cybernav_store::{Tx, now};
use serde::Serialize;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::BOARD;
use super::intake::parse_marking;
use super::products::{base_of, kind_of, paragraphs_of, state_of, stored_terms};
use super::reader::reader_in;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// People written per transaction.
const SEND_BATCH: usize = 100;

/// The outbox kind of a digest message.
pub const OUTBOX_KIND: &str = "daily_digest";

/// What one run did, as `cybernav digest send` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestSummary {
    /// The run.
    pub run_id: Uuid,
    /// The digest's date.
    pub date: String,
    /// The window, RFC 3339 UTC.
    pub window_start: String,
    /// The window's end, RFC 3339 UTC.
    pub window_end: String,
    /// People in the community with an active account.
    pub recipients: usize,
    /// Digests queued by this run.
    pub sent: usize,
    /// People this run sent nothing to (the three counts below).
    pub skipped: usize,
    /// … because they turned the digest off.
    pub opted_out: usize,
    /// … because there was nothing they may see.
    pub nothing_new: usize,
    /// … because their digest of this date was already queued.
    pub already_sent: usize,
    /// Items (receipts) in the digests this run queued.
    pub items: usize,
    /// Products published in the window.
    pub products_in_window: usize,
    /// Indicator reports received in the window.
    pub indicator_reports_in_window: usize,
}

/// A person's digest of one date, with what they received.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedDigest {
    /// The send.
    pub send: DigestSendRow,
    /// The items, in message order.
    pub receipts: Vec<DigestReceiptRow>,
}

/// A digest run as the runs page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DigestRunView {
    /// The run.
    pub run: DigestRunRow,
    /// How its messages fared; `None` when it queued none.
    pub delivery: Option<DigestRunDelivery>,
    /// Who started it by hand; `None` for the schedule or the command line.
    pub started_by: Option<String>,
}

/// What the job reads once per run: the day's products and indicator reports, and the
/// authorities' information needs.
struct DayContent {
    products: Vec<DayProduct>,
    reports: Vec<DayReport>,
    needs: HashMap<Uuid, InformationNeeds>,
}

struct DayProduct {
    row: ProductRow,
    kind_label: &'static str,
    base: Marking,
    tags: Vec<String>,
    document: cybernav_core::sharing::marking::MarkedDocument<String>,
}

struct DayReport {
    indicator_id: Uuid,
    kind: String,
    value: String,
    source: String,
    received_at: OffsetDateTime,
    marking: Marking,
}

/// How long a digest run waits for a write begun before its window closed.
const WINDOW_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A candidate recipient, with the reader built at the send instant.
struct Candidate {
    user: UserRow,
    actor: Actor,
    reader: Reader,
}

/// The system, named in the audit log as the daily digest.
fn system_actor() -> Actor {
    Actor {
        email: "system (daily digest)".into(),
        ..cybernav_core::authz::system_actor()
    }
}

impl App {
    /// When digests go out, from the configuration.
    pub fn digest_schedule(&self) -> DigestSchedule {
        DigestSchedule {
            hour: self.config.digest_hour,
            zone: self.config.time_zone.clone(),
        }
    }

    /// The window of the digest of `date` (default: the latest due at `at`); refused when that
    /// digest is not due yet at `at`, since its window would still be open.
    pub fn digest_window(&self, date: Option<Date>, at: OffsetDateTime) -> AppResult<Window> {
        let schedule = self.digest_schedule();
        let date = match date {
            Some(d) => d,
            None => schedule
                .latest_due(at)
                .map_err(|e| AppError::invalid("date", e))?,
        };
        let window = schedule
            .window(date)
            .map_err(|e| AppError::invalid("date", e))?;
        if window.end > at {
            return Err(AppError::invalid(
                "date",
                format!(
                    "the digest of {date} covers up to {} ({}), which has not come yet; it can be sent from then",
                    schedule.local(window.end),
                    schedule.zone.as_str()
                ),
            ));
        }
        Ok(window)
    }

    async fn day_content(&self, tx: &mut Tx, window: &Window) -> AppResult<DayContent> {
        let mut products = Vec::new();
        for l in tx.list_products().await? {
            let Some(published) = l.row.published_at else {
                continue;
            };
            // A product withdrawn or superseded before the send is not sent.
            if state_of(&l.row)? != State::Published || !window.contains(published) {
                continue;
            }
            let base = base_of(tx, &l.row).await?;
            let paragraphs = paragraphs_of(tx, l.row.id).await?;
            products.push(DayProduct {
                kind_label: kind_of(&l.row)?.label(),
                tags: stored_terms(&l.row.tags)?,
                document: product::document(BOARD, paragraphs),
                base,
                row: l.row,
            });
        }
        let mut reports = Vec::new();
        for r in tx
            .reports_received_between(window.start, window.end)
            .await?
        {
            if r.revoked {
                continue;
            }
            reports.push(DayReport {
                marking: parse_marking(&r.marking, "indicator_reports")?,
                indicator_id: r.indicator_id,
                kind: r.kind,
                value: r.value,
                source: r.source_name,
                received_at: r.received_at,
            });
        }
        let mut needs = HashMap::new();
        for n in tx.all_information_needs().await? {
            needs.insert(
                n.election_authority_id,
                InformationNeeds {
                    topics: stored_terms(&n.topics)?,
                    systems: stored_terms(&n.systems)?,
                    vendors: stored_terms(&n.vendors)?,
                },
            );
        }
        Ok(DayContent {
            products,
            reports,
            needs,
        })
    }

    /// The needs of the authorities whose people `actor` is (their own authority, or a
    /// navigator's assigned ones).
    fn needs_of(&self, day: &DayContent, actor: &Actor) -> InformationNeeds {
        let authorities: Vec<Uuid> = match actor.role {
            Role::EaOfficial | Role::EaIt => actor.election_authority_id.into_iter().collect(),
            Role::Navigator => actor.assigned_authorities.clone(),
            _ => Vec::new(),
        };
        let mut out = InformationNeeds::default();
        for ea in authorities {
            if let Some(n) = day.needs.get(&ea) {
                out.topics.extend(n.topics.iter().cloned());
                out.systems.extend(n.systems.iter().cloned());
                out.vendors.extend(n.vendors.iter().cloned());
            }
        }
        out
    }

    /// What `reader` may see of the day, decided item by item with [`App::may_see`].
    fn personal_digest(
        &self,
        day: &DayContent,
        window: &Window,
        actor: &Actor,
        reader: &Reader,
    ) -> PersonalDigest {
        let needs = self.needs_of(day, actor);
        let mut products = Vec::new();
        for p in &day.products {
            if !self.may_see(reader, &p.base, BOARD).is_allowed() {
                continue;
            }
            let red = p.document.redact_for(reader, &self.config.sharing);
            let banner = Marking::highest(
                std::iter::once(&p.base).chain(red.visible.iter().map(|v| &v.marking)),
            );
            let relevance = product::relevance(&p.tags, &needs);
            products.push((
                relevance.score,
                DigestProduct {
                    id: p.row.id,
                    kind_label: p.kind_label.to_string(),
                    title: p.row.title.clone(),
                    summary: p.row.summary.clone(),
                    base: p.base.clone(),
                    banner,
                    paragraphs: red
                        .visible
                        .iter()
                        .map(|v| (v.marking.clone(), v.body.clone()))
                        .collect(),
                    withheld: red.withheld,
                    published_at: p.row.published_at.unwrap_or(window.end),
                    matched_needs: relevance.matched,
                },
            ));
        }
        products.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then(b.published_at.cmp(&a.published_at))
                .then(a.id.cmp(&b.id))
        });
        // One entry per indicator: the least restrictive report this person may see.
        let mut best: HashMap<Uuid, &DayReport> = HashMap::new();
        for r in &day.reports {
            if !self.may_see(reader, &r.marking, BOARD).is_allowed() {
                continue;
            }
            best.entry(r.indicator_id)
                .and_modify(|b| {
                    // The value is the same; the least restrictive report a person may see
                    // is the one they may pass on most freely (the one order of markings).
                    if r.marking.cmp_restrictiveness(&b.marking) == std::cmp::Ordering::Less {
                        *b = r;
                    }
                })
                .or_insert(r);
        }
        let mut indicators: Vec<DigestIndicator> = best
            .into_values()
            .map(|r| DigestIndicator {
                id: r.indicator_id,
                kind: r.kind.clone(),
                value: r.value.clone(),
                source: r.source.clone(),
                marking: r.marking.clone(),
                received_at: r.received_at,
            })
            .collect();
        sort_indicators(&mut indicators);
        PersonalDigest {
            window: *window,
            products: products.into_iter().map(|(_, p)| p).collect(),
            indicators,
        }
    }

    fn render_for(&self, user: &UserRow, actor: &Actor, digest: &PersonalDigest) -> RenderedDigest {
        digest.render(
            &DigestRecipient {
                name: user.name.clone(),
                role_label: actor.role.label().to_string(),
            },
            &self.digest_schedule(),
            &self.config.base_url,
        )
    }

    /// Every active account in the community at `at`, with its reader.
    async fn candidates(&self, tx: &mut Tx, at: OffsetDateTime) -> AppResult<Vec<Candidate>> {
        let mut out = Vec::new();
        for user in tx.list_users(&UserQuery::default()).await? {
            if user.status != "active" {
                continue;
            }
            let actor = crate::accounts::actor_for(tx, &user).await?;
            let reader = reader_in(tx, &actor, at).await?;
            if reader.in_community {
                out.push(Candidate {
                    user,
                    actor,
                    reader,
                });
            }
        }
        Ok(out)
    }

    /// Sends the digest of `date` (default: the latest due at `at`), deciding at `at` who may
    /// see what; `started_by` is who asked (`None`: the schedule or the command line).
    /// Safe to run on every replica at once, and again the same day: each person gets one
    /// digest per date.
    pub async fn send_digest(
        &self,
        _cap: &DigestSender<'_>,
        date: Option<Date>,
        at: OffsetDateTime,
        started_by: Option<Uuid>,
    ) -> AppResult<DigestSummary> {
        let window = self.digest_window(date, at)?;
        self.wait_for_window(&window, at).await?;
        let (day, candidates) = {
            let mut tx = self.store.read().await?;
            let day = self.day_content(&mut tx, &window).await?;
            let candidates = self.candidates(&mut tx, at).await?;
            (day, candidates)
        };
        let opted_out: HashSet<Uuid> = {
            let mut tx = self.store.read().await?;
            tx.digest_opt_outs().await?.into_iter().collect()
        };
        let mut run = DigestRunRow {
            id: Uuid::new_v4(),
            digest_date: window.date,
            window_start: window.start,
            window_end: window.end,
            started_at: now(),
            finished_at: None,
            started_by,
            recipients: 0,
            sent: 0,
            skipped: 0,
            items: 0,
        };
        {
            let mut tx = self.store.begin_bookkeeping().await?;
            tx.insert_digest_run(&run).await?;
            tx.commit().await?;
        }
        let mut summary = DigestSummary {
            run_id: run.id,
            date: window.date.to_string(),
            window_start: rfc3339_utc(window.start),
            window_end: rfc3339_utc(window.end),
            recipients: candidates.len(),
            products_in_window: day.products.len(),
            indicator_reports_in_window: day.reports.len(),
            ..Default::default()
        };
        // People are written in batches, one transaction each: a commit per person would
        // spend most of the run waiting for the disk. Each person's claim is still its own
        // unique row, and a person already claimed elsewhere has their message deleted again
        // inside the batch.
        for batch in candidates.chunks(SEND_BATCH) {
            let mut ready = Vec::with_capacity(batch.len());
            for c in batch {
                if opted_out.contains(&c.user.id) {
                    summary.opted_out += 1;
                    continue;
                }
                let digest = self.personal_digest(&day, &window, &c.actor, &c.reader);
                if digest.is_empty() {
                    summary.nothing_new += 1;
                    continue;
                }
                ready.push((c, self.render_for(&c.user, &c.actor, &digest)));
            }
            if ready.is_empty() {
                continue;
            }
            let stamp = now();
            let mut tx = self.store.begin().await?;
            let (mut sent, mut items) = (0, 0);
            for (c, rendered) in &ready {
                let outbox_id = tx
                    .enqueue_email(
                        OUTBOX_KIND,
                        &c.user.email,
                        &rendered.subject,
                        &rendered.body,
                        stamp,
                    )
                    .await?;
                let send = DigestSendRow {
                    id: Uuid::new_v4(),
                    run_id: run.id,
                    user_id: c.user.id,
                    digest_date: window.date,
                    outbox_id,
                    to_addr: c.user.email.clone(),
                    subject_marking: rendered.marking.label(),
                    items: rendered.receipts.len() as i32,
                    created_at: stamp,
                };
                if !tx.claim_digest_send(&send).await? {
                    // Already queued by another replica or an earlier run: drop the message.
                    tx.delete_outbox_message(outbox_id).await?;
                    summary.already_sent += 1;
                    continue;
                }
                let receipts: Vec<(&str, Uuid, String)> = rendered
                    .receipts
                    .iter()
                    .map(|r| (r.kind, r.id, r.marking.clone()))
                    .collect();
                tx.insert_digest_receipts(send.id, &receipts).await?;
                sent += 1;
                items += receipts.len();
            }
            tx.commit().await?;
            summary.sent += sent;
            summary.items += items;
        }
        summary.skipped = summary.opted_out + summary.nothing_new + summary.already_sent;
        run.finished_at = Some(now());
        run.recipients = summary.recipients as i32;
        run.sent = summary.sent as i32;
        run.skipped = summary.skipped as i32;
        run.items = summary.items as i32;
        let stamp = now();
        let mut tx = self.store.begin().await?;
        tx.finish_digest_run(&run).await?;
        // Counts only: who got what is in the receipts, never in the audit log.
        audit::Entry::new("digest.run", "digest_run", run.id)
            .changes(json!({
                "date": {"from": null, "to": summary.date},
                "recipients": {"from": null, "to": summary.recipients},
                "sent": {"from": null, "to": summary.sent},
                "skipped": {"from": null, "to": summary.skipped},
                "items": {"from": null, "to": summary.items},
            }))
            .commit(
                tx,
                &self.run_actor(started_by).await?,
                &RequestMeta::default(),
                stamp,
            )
            .await?;
        Ok(summary)
    }

    /// Waits until everything stamped inside `window` is committed: an import that began
    /// before the window closed stamps its reports with its start and may not have
    /// committed yet, and the digest would leave them out of this day and the next. A write
    /// still open after [`WINDOW_WAIT`] makes the run fail (the scheduled job tries again in
    /// five minutes).
    async fn wait_for_window(&self, window: &Window, at: OffsetDateTime) -> AppResult<()> {
        let started = std::time::Instant::now();
        loop {
            let visible = {
                let mut tx = self.store.read().await?;
                tx.visible_until(at).await?
            };
            if visible >= window.end {
                return Ok(());
            }
            if started.elapsed() >= WINDOW_WAIT {
                return Err(AppError::Conflict(format!(
                    "an import that began before {} is still running; the digest of {} waits for it",
                    rfc3339_utc(window.end),
                    window.date
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    async fn run_actor(&self, started_by: Option<Uuid>) -> AppResult<Actor> {
        match started_by {
            Some(id) => {
                let mut tx = self.store.read().await?;
                let u = tx.get_user(id).await?;
                crate::accounts::actor_for(&mut tx, &u).await
            }
            None => Ok(system_actor()),
        }
    }

    /// What the person with `email` would get in the digest of `date` (default: the latest due
    /// at `at`), decided at `at`; nothing is sent. A preview that shows content is audited
    /// (`digest.preview`: who asked, whose digest, the date, how many items and the marking,
    /// never the content). `Err(reason)` when they would get no e-mail (not in the
    /// community, turned off, or nothing to see).
    pub async fn preview_digest(
        &self,
        cap: &DigestSender<'_>,
        email: &str,
        date: Option<Date>,
        at: OffsetDateTime,
        meta: &RequestMeta,
    ) -> AppResult<Result<RenderedDigest, String>> {
        let window = self.digest_window(date, at)?;
        let mut tx = self.store.read().await?;
        let Some(user) = tx.find_user_by_email(email.trim()).await? else {
            return Err(AppError::invalid(
                "as",
                format!("no account has the e-mail address '{}'", email.trim()),
            ));
        };
        if user.status != "active" {
            return Ok(Err(format!(
                "{} gets no digest: the account is {}",
                user.email, user.status
            )));
        }
        let actor = crate::accounts::actor_for(&mut tx, &user).await?;
        let reader = reader_in(&mut tx, &actor, at).await?;
        if !reader.in_community {
            return Ok(Err(format!(
                "{} gets no digest: a partner member needs a current vetting (need-to-know approval)",
                user.email
            )));
        }
        if !tx.receives_digest(user.id).await? {
            return Ok(Err(format!(
                "{} gets no digest: they turned it off on their account page",
                user.email
            )));
        }
        let day = self.day_content(&mut tx, &window).await?;
        let digest = self.personal_digest(&day, &window, &actor, &reader);
        if digest.is_empty() {
            return Ok(Err(format!(
                "{} gets no digest of {}: nothing they may see was published or received from {} to {}",
                user.email,
                window.date,
                rfc3339_utc(window.start),
                rfc3339_utc(window.end)
            )));
        }
        let rendered = self.render_for(&user, &actor, &digest);
        // The preview shows what the person may see, FOUO included: who looked at whose
        // digest of which date is audited (never what it held).
        let tx = self.store.begin().await?;
        audit::Entry::new("digest.preview", "user", user.id)
            .changes(json!({
                "date": window.date.to_string(),
                "items": rendered.receipts.len(),
                "marking": rendered.marking.label(),
            }))
            .commit(tx, cap.actor(), meta, now())
            .await?;
        Ok(Ok(rendered))
    }

    /// The latest digest runs, newest first.
    pub async fn digest_runs(
        &self,
        _cap: &DigestHistoryReader<'_>,
        limit: i64,
    ) -> AppResult<Vec<DigestRunRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.digest_runs(limit.clamp(1, 200)).await?)
    }

    /// The latest digest runs, newest first, each with how its messages fared in the outbox
    /// (for the runs page).
    pub async fn digest_run_history(
        &self,
        _cap: &DigestHistoryReader<'_>,
        limit: i64,
    ) -> AppResult<Vec<DigestRunView>> {
        let mut tx = self.store.read().await?;
        let runs = tx.digest_runs(limit.clamp(1, 200)).await?;
        let ids: Vec<Uuid> = runs.iter().map(|r| r.id).collect();
        let delivery: HashMap<Uuid, DigestRunDelivery> = tx
            .digest_run_delivery(&ids)
            .await?
            .into_iter()
            .map(|d| (d.run_id, d))
            .collect();
        let mut out = Vec::with_capacity(runs.len());
        for run in runs {
            let started_by = match run.started_by {
                Some(id) => tx.people_by_id(&[id]).await?.pop().map(|p| p.name),
                None => None,
            };
            out.push(DigestRunView {
                delivery: delivery.get(&run.id).copied(),
                started_by,
                run,
            });
        }
        Ok(out)
    }

    /// The digests `actor` received, newest first (their own history: no capability).
    pub async fn my_digests(&self, actor: &Actor, limit: i64) -> AppResult<Vec<DigestSendRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .digest_sends_of(actor.user_id, limit.clamp(1, 100))
            .await?)
    }

    /// What the person `user` received, newest first: each digest with its receipts.
    pub async fn digests_received(
        &self,
        _cap: &DigestHistoryReader<'_>,
        user: Uuid,
        limit: i64,
    ) -> AppResult<Vec<ReceivedDigest>> {
        let mut tx = self.store.read().await?;
        tx.get_user(user).await?;
        let mut out = Vec::new();
        for send in tx.digest_sends_of(user, limit.clamp(1, 100)).await? {
            let receipts = tx.digest_receipts(send.id).await?;
            out.push(ReceivedDigest { send, receipts });
        }
        Ok(out)
    }

    /// Whether `actor` receives the daily digest.
    pub async fn receives_digest(&self, actor: &Actor) -> AppResult<bool> {
        let mut tx = self.store.read().await?;
        Ok(tx.receives_digest(actor.user_id).await?)
    }

    /// Turns `actor`'s own daily digest on or off.
    pub async fn set_receives_digest(
        &self,
        actor: &Actor,
        receive: bool,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let before = tx.receives_digest(actor.user_id).await?;
        if before == receive {
            return Ok(());
        }
        tx.set_digest_preference(actor.user_id, receive, at).await?;
        audit::Entry::new("digest.preference", "user", actor.user_id)
            .changes(json!({"receive": {"from": before, "to": receive}}))
            .commit(tx, actor, meta, at)
            .await
    }
}

/// Sends the digest once it is due, checking every `every`; safe on every replica at once
/// (see [`App::send_digest`]). A run for a date already sent queues nothing.
pub async fn run_daily_digest(
    app: App,
    every: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    let mut done: Option<Date> = None;
    loop {
        let at = now();
        match app.digest_schedule().latest_due(at) {
            Ok(date) if done != Some(date) => {
                let system = system_actor();
                let result = match system.send_digest() {
                    Some(cap) => app.send_digest(&cap, Some(date), at, None).await,
                    None => Err(AppError::Forbidden),
                };
                match result {
                    Ok(s) => {
                        done = Some(date);
                        tracing::info!(
                            digest.date = %s.date,
                            digest.sent = s.sent,
                            digest.skipped = s.skipped,
                            digest.items = s.items,
                            "daily digest run"
                        );
                    }
                    Err(e) => tracing::error!(error = %e, "daily digest failed"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "daily digest: cannot compute the date"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
