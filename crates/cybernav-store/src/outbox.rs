//! The e-mail outbox: messages are written in the same transaction as the change that causes
//! them, and a delivery worker claims, sends and marks them. A claim is a lease
//! (`locked_until`), so with several server replicas each message is sent by one of them.

use crate::utc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreResult, Tx, dialect, with_conn};

/// A message waiting to go out.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    /// Id.
    pub id: Uuid,
    /// Why it is sent (`invitation`, `password_reset`, …).
    pub kind: String,
    /// Recipient.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// Delivery attempts so far (including this claim).
    pub attempts: i32,
}

/// A message as the operator (and tests) see it: what was sent, to whom, and how delivery went.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEntry {
    /// Id.
    pub id: Uuid,
    /// Why it is sent (`invitation`, `password_reset`, …).
    pub kind: String,
    /// Recipient.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// Queued.
    pub created_at: OffsetDateTime,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Delivered to the SMTP server.
    pub sent_at: Option<OffsetDateTime>,
    /// Given up.
    pub failed_at: Option<OffsetDateTime>,
    /// The last delivery error.
    pub last_error: Option<String>,
}

/// Counts for the operator: `(pending, sent, failed)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Not yet sent.
    pub pending: i64,
    /// Delivered to the SMTP server.
    pub sent: i64,
    /// Given up after the last retry.
    pub failed: i64,
}

impl Tx {
    /// Queues a message for delivery.
    pub async fn enqueue_email(
        &mut self,
        kind: &str,
        to: &str,
        subject: &str,
        body_text: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Uuid> {
        let id = Uuid::new_v4();
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO outbox (id, kind, to_addr, subject, body_text, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(id)
            .bind(kind)
            .bind(to)
            .bind(subject)
            .bind(body_text)
            .bind(utc(now))
            .execute(&mut *c)
            .await?;
        });
        Ok(id)
    }

    /// Claims the oldest due message for `lease`, or `None` when nothing is due. On
    /// PostgreSQL, `FOR UPDATE SKIP LOCKED` lets replicas claim different messages at once.
    pub async fn claim_email(
        &mut self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> StoreResult<Option<OutboxMessage>> {
        let sql = dialect(
            self,
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id = (\
               SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
               AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_attempt_at LIMIT 1) \
             RETURNING id, kind, to_addr, subject, body_text, attempts",
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id = (\
               SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
               AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, to_addr, subject, body_text, attempts",
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(sql)
                .bind(utc(now))
                .bind(utc(now + lease))
                .fetch_optional(&mut *c)
                .await?
        }))
    }

    /// Marks a message delivered.
    pub async fn mark_email_sent(&mut self, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("UPDATE outbox SET sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1")
                .bind(id)
                .bind(utc(now))
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt: retry at `retry_at`, or give up when it is `None`.
    pub async fn mark_email_failed(
        &mut self,
        id: Uuid,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE outbox SET locked_until = NULL, last_error = $2, next_attempt_at = COALESCE($3, next_attempt_at), \
                 failed_at = CASE WHEN $3 IS NULL THEN $4 ELSE NULL END WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(utc(retry_at))
            .bind(utc(now))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Pending, sent and failed counts.
    pub async fn outbox_counts(&mut self) -> StoreResult<OutboxCounts> {
        let (pending, sent, failed): (i64, i64, i64) = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM outbox",
            )
            .fetch_one(&mut *c)
            .await?
        });
        Ok(OutboxCounts {
            pending,
            sent,
            failed,
        })
    }

    /// The `limit` most recently queued messages, newest first, sent or not (for the operator
    /// checking what went out, and for tests following an e-mailed link).
    pub async fn list_outbox(&mut self, limit: i64) -> StoreResult<Vec<OutboxEntry>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT id, kind, to_addr, subject, body_text, created_at, attempts, sent_at, failed_at, last_error \
                 FROM outbox ORDER BY created_at DESC, id LIMIT $1",
            )
            .bind(limit.clamp(1, 1000))
            .fetch_all(&mut *c)
            .await?
        }))
    }
}
