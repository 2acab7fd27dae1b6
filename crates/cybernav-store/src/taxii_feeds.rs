//! TAXII 2.1 collections the desk polls: their settings, the position the last poll reached,
//! and a lease so that with several replicas one polls a feed at a time.
//!
//! A lease has an owner: the token the poll chose when it took the lease. The poll renews it
//! page by page, and every write of the poll (renewal, position, end) names the owner and
//! changes nothing when another poll has taken the feed over since (a poll slower than the
//! lease, overtaken by another replica): the overtaken poll stops instead of writing over the
//! other's position.

use crate::utc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreResult, Tx, dialect, with_conn};

/// A polled TAXII collection, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct FeedRow {
    /// Id.
    pub id: Uuid,
    /// The intake source its objects are recorded under.
    pub source_id: Uuid,
    /// The source's name.
    pub source_name: String,
    /// The API root URL (ends with `/`).
    pub api_root: String,
    /// The collection's id on that server.
    pub collection_id: String,
    /// `none`, `bearer` or `basic`.
    pub auth: String,
    /// The user name, for `basic`.
    pub username: Option<String>,
    /// Where the secret is read at poll time: `env:CYBERNAV_TAXII_SECRET_NAME` or `file:NAME`.
    pub secret_ref: Option<String>,
    /// Minutes between polls.
    pub poll_minutes: i64,
    /// Objects asked for per page (`limit`).
    pub page_size: i64,
    /// Polled on schedule.
    pub enabled: bool,
    /// The server's `X-TAXII-Date-Added-Last` of the last page imported, verbatim.
    pub added_after: Option<String>,
    /// When the next poll is due.
    pub next_poll_at: OffsetDateTime,
    /// Failed polls since the last success.
    pub failures: i64,
    /// The last poll's error.
    pub last_error: Option<String>,
    /// When it was last polled.
    pub last_polled_at: Option<OffsetDateTime>,
    /// When a poll last succeeded.
    pub last_success_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "f.id, f.source_id, s.name AS source_name, f.api_root, f.collection_id, f.auth, \
     f.username, f.secret_ref, f.poll_minutes, f.page_size, f.enabled, f.added_after, f.next_poll_at, \
     f.failures, f.last_error, f.last_polled_at, f.last_success_at, f.created_at, f.updated_at";

impl Tx {
    /// Adds a feed. Fails on a duplicate (API root, collection).
    pub async fn insert_taxii_feed(&mut self, f: &FeedRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO taxii_feeds (id, source_id, api_root, collection_id, auth, username, secret_ref, \
                 poll_minutes, page_size, enabled, added_after, next_poll_at, failures, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $13)",
            )
            .bind(f.id)
            .bind(f.source_id)
            .bind(&f.api_root)
            .bind(&f.collection_id)
            .bind(&f.auth)
            .bind(&f.username)
            .bind(&f.secret_ref)
            .bind(f.poll_minutes)
            .bind(f.page_size)
            .bind(f.enabled)
            .bind(&f.added_after)
            .bind(utc(f.next_poll_at))
            .bind(utc(f.created_at))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The feed for this API root and collection, if there is one.
    pub async fn taxii_feed_at(
        &mut self,
        api_root: &str,
        collection_id: &str,
    ) -> StoreResult<Option<FeedRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM taxii_feeds f JOIN intel_sources s ON s.id = f.source_id \
             WHERE f.api_root = $1 AND f.collection_id = $2"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(api_root)
                .bind(collection_id)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// One feed.
    pub async fn taxii_feed(&mut self, id: Uuid) -> StoreResult<Option<FeedRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM taxii_feeds f JOIN intel_sources s ON s.id = f.source_id WHERE f.id = $1"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Every feed, by source name.
    pub async fn taxii_feeds(&mut self) -> StoreResult<Vec<FeedRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM taxii_feeds f JOIN intel_sources s ON s.id = f.source_id \
             ORDER BY s.name, f.collection_id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// Claims the enabled feed due longest ago and not leased by another replica, leasing it
    /// to `owner` until `now + lease`. `None` when nothing is due.
    pub async fn claim_taxii_feed(
        &mut self,
        now: OffsetDateTime,
        lease: Duration,
        owner: Uuid,
    ) -> StoreResult<Option<Uuid>> {
        let sql = dialect(
            self,
            "UPDATE taxii_feeds SET locked_until = $2, lease_owner = $3 WHERE id = (\
               SELECT id FROM taxii_feeds WHERE enabled AND next_poll_at <= $1 \
               AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_poll_at LIMIT 1) \
             RETURNING id",
            "UPDATE taxii_feeds SET locked_until = $2, lease_owner = $3 WHERE id = (\
               SELECT id FROM taxii_feeds WHERE enabled AND next_poll_at <= $1 \
               AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_poll_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_scalar(sql)
                .bind(utc(now))
                .bind(utc(now + lease))
                .bind(owner)
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Leases one feed to `owner` for a poll asked for by a person, unless another poll
    /// holds it. Returns whether the lease was taken.
    pub async fn lease_taxii_feed(
        &mut self,
        id: Uuid,
        now: OffsetDateTime,
        lease: Duration,
        owner: Uuid,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET locked_until = $3, lease_owner = $4 WHERE id = $1 \
                 AND (locked_until IS NULL OR locked_until < $2)",
            )
            .bind(id)
            .bind(utc(now))
            .bind(utc(now + lease))
            .bind(owner)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Extends `owner`'s lease to `now + lease`. Returns `false` (and changes nothing) when
    /// the feed's lease is no longer `owner`'s.
    pub async fn renew_taxii_lease(
        &mut self,
        id: Uuid,
        owner: Uuid,
        now: OffsetDateTime,
        lease: Duration,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET locked_until = $3 WHERE id = $1 AND lease_owner = $2",
            )
            .bind(id)
            .bind(owner)
            .bind(utc(now + lease))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records how far `owner`'s poll has read: the position after a page that was imported
    /// in this same transaction. Returns `false` (and changes nothing) when the lease is no
    /// longer `owner`'s.
    pub async fn set_taxii_position(
        &mut self,
        id: Uuid,
        owner: Uuid,
        added_after: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET added_after = $3, updated_at = $4 \
                 WHERE id = $1 AND lease_owner = $2",
            )
            .bind(id)
            .bind(owner)
            .bind(added_after)
            .bind(utc(now))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Ends `owner`'s poll: releases the lease, sets the next poll time, and records success
    /// (error `None`: failures back to 0) or failure (failures + 1). When a person asked for a
    /// poll after `started` (when this poll took the feed), the time they asked for stays if
    /// it is earlier than `next_poll_at`, so the request is not lost. Returns `false` (and
    /// changes nothing) when another poll has taken the feed over.
    pub async fn finish_taxii_poll(
        &mut self,
        id: Uuid,
        owner: Uuid,
        error: Option<&str>,
        next_poll_at: OffsetDateTime,
        now: OffsetDateTime,
        started: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET locked_until = NULL, lease_owner = NULL, \
                 next_poll_at = CASE WHEN poll_requested_at > $6 AND next_poll_at < $4 \
                 THEN next_poll_at ELSE $4 END, \
                 last_polled_at = $5, last_error = $3, \
                 failures = CASE WHEN $3 IS NULL THEN 0 ELSE failures + 1 END, \
                 last_success_at = CASE WHEN $3 IS NULL THEN $5 ELSE last_success_at END \
                 WHERE id = $1 AND lease_owner = $2",
            )
            .bind(id)
            .bind(owner)
            .bind(error)
            .bind(utc(next_poll_at))
            .bind(utc(now))
            .bind(utc(started))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Makes a feed due at `now` (a person asked for a poll, noted as such); its failures and
    /// lease stay.
    pub async fn make_taxii_feed_due(
        &mut self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET next_poll_at = $2, updated_at = $2, poll_requested_at = $2 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(utc(now))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Turns scheduled polling of a feed on or off; turning it on makes it due now.
    pub async fn set_taxii_feed_enabled(
        &mut self,
        id: Uuid,
        enabled: bool,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE taxii_feeds SET enabled = $2, updated_at = $3, \
                 next_poll_at = CASE WHEN $2 THEN $3 ELSE next_poll_at END, \
                 poll_requested_at = CASE WHEN $2 THEN $3 ELSE poll_requested_at END, \
                 failures = CASE WHEN $2 THEN 0 ELSE failures END WHERE id = $1",
            )
            .bind(id)
            .bind(enabled)
            .bind(utc(now))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }
}
