//! The daily digest (213.30(a)(8)): runs, one send per person per digest date, a receipt per
//! item each person received (ids and marking labels, never content), each person's choice
//! to receive it, and the reads the job needs (indicator reports received in a window).

use crate::utc;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{StoreResult, Tx, with_conn};

/// Writes a date as `YYYY-MM-DD` in JSON.
fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// One run of the digest job, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DigestRunRow {
    /// Id.
    pub id: Uuid,
    /// The digest's date, on the Board's clock.
    #[serde(serialize_with = "iso_date")]
    pub digest_date: Date,
    /// The window's start (exclusive of nothing: items at or after it count).
    #[serde(with = "time::serde::rfc3339")]
    pub window_start: OffsetDateTime,
    /// The window's end (items before it count).
    #[serde(with = "time::serde::rfc3339")]
    pub window_end: OffsetDateTime,
    /// When the run began.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it finished; `None` while it runs (or if it stopped half-way).
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Who started it (`None` for the scheduled job or the command line).
    pub started_by: Option<Uuid>,
    /// People considered.
    pub recipients: i32,
    /// Digests queued by this run.
    pub sent: i32,
    /// People who got nothing from this run (opted out, nothing to see, already sent).
    pub skipped: i32,
    /// Items (receipts) in the digests this run queued.
    pub items: i32,
}

/// How one run's messages fared in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DigestRunDelivery {
    /// The run.
    pub run_id: Uuid,
    /// Messages the mail server accepted.
    pub delivered: i64,
    /// Messages the outbox gave up on.
    pub failed: i64,
    /// Messages not yet sent (waiting for a retry).
    pub waiting: i64,
}

/// One person's digest of one date.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DigestSendRow {
    /// Id.
    pub id: Uuid,
    /// The run that queued it.
    pub run_id: Uuid,
    /// The person.
    pub user_id: Uuid,
    /// The digest's date.
    #[serde(serialize_with = "iso_date")]
    pub digest_date: Date,
    /// The outbox message.
    pub outbox_id: Uuid,
    /// The address it went to.
    pub to_addr: String,
    /// The label in its subject (the highest marking inside).
    pub subject_marking: String,
    /// How many items it held.
    pub items: i32,
    /// When it was queued.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One item a person received.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct DigestReceiptRow {
    /// The send.
    pub send_id: Uuid,
    /// Order in the message.
    pub position: i32,
    /// `product` or `indicator`.
    pub item_kind: String,
    /// The product's or indicator's id.
    pub item_id: Uuid,
    /// The marking label it carried in the message.
    pub marking: String,
}

/// An indicator report received in a window, with its indicator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WindowReport {
    /// The indicator.
    pub indicator_id: Uuid,
    /// Kind identifier.
    pub kind: String,
    /// Normalised value.
    pub value: String,
    /// The source's name.
    pub source_name: String,
    /// When it was received (its run's time).
    pub received_at: OffsetDateTime,
    /// The stored marking (label, or JSON for markings that name people).
    pub marking: String,
    /// Withdrawn by the source.
    pub revoked: bool,
}

const RUN_COLUMNS: &str = "id, digest_date, window_start, window_end, started_at, finished_at, started_by, \
     recipients, sent, skipped, items";
const SEND_COLUMNS: &str =
    "id, run_id, user_id, digest_date, outbox_id, to_addr, subject_marking, items, created_at";

impl Tx {
    /// Records the start of a run.
    pub async fn insert_digest_run(&mut self, r: &DigestRunRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO digest_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(r.id)
                .bind(r.digest_date)
                .bind(utc(r.window_start))
                .bind(utc(r.window_end))
                .bind(utc(r.started_at))
                .bind(utc(r.finished_at))
                .bind(r.started_by)
                .bind(r.recipients)
                .bind(r.sent)
                .bind(r.skipped)
                .bind(r.items)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Records a run's end and its counts.
    pub async fn finish_digest_run(&mut self, r: &DigestRunRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "UPDATE digest_runs SET finished_at = $2, recipients = $3, sent = $4, skipped = $5, items = $6 WHERE id = $1",
            )
            .bind(r.id)
            .bind(utc(r.finished_at))
            .bind(r.recipients)
            .bind(r.sent)
            .bind(r.skipped)
            .bind(r.items)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// The latest runs, newest first.
    pub async fn digest_runs(&mut self, limit: i64) -> StoreResult<Vec<DigestRunRow>> {
        let sql =
            format!("SELECT {RUN_COLUMNS} FROM digest_runs ORDER BY started_at DESC, id LIMIT $1");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(limit).fetch_all(&mut *c).await?
        }))
    }

    /// Claims `send.user_id`'s digest of `send.digest_date`: `false` when one is already
    /// recorded (by another replica, or an earlier run that day), and then nothing is written.
    /// On PostgreSQL a concurrent claim of the same person waits for the first to commit or
    /// roll back, so exactly one of them writes.
    pub async fn claim_digest_send(&mut self, send: &DigestSendRow) -> StoreResult<bool> {
        let sql = format!(
            "INSERT INTO digest_sends ({SEND_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (user_id, digest_date) DO NOTHING"
        );
        let n = with_conn!(self, |c| {
            sqlx::query(&sql)
                .bind(send.id)
                .bind(send.run_id)
                .bind(send.user_id)
                .bind(send.digest_date)
                .bind(send.outbox_id)
                .bind(&send.to_addr)
                .bind(&send.subject_marking)
                .bind(send.items)
                .bind(utc(send.created_at))
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Stores the receipts of one send, `(kind, item id, marking label)` in message order.
    pub async fn insert_digest_receipts(
        &mut self,
        send: Uuid,
        items: &[(&str, Uuid, String)],
    ) -> StoreResult<()> {
        // 5 values a row; 500 rows stay under every backend's bind limit.
        for (chunk_no, chunk) in items.chunks(500).enumerate() {
            let mut sql = String::from(
                "INSERT INTO digest_receipts (send_id, position, item_kind, item_id, marking) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let b = i * 5;
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            with_conn!(self, |c| {
                let mut q = sqlx::query(&sql);
                for (i, (kind, id, marking)) in chunk.iter().enumerate() {
                    q = q
                        .bind(send)
                        .bind((chunk_no * 500 + i) as i32)
                        .bind(*kind)
                        .bind(*id)
                        .bind(marking);
                }
                q.execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    /// A person's digests, newest first.
    pub async fn digest_sends_of(
        &mut self,
        user: Uuid,
        limit: i64,
    ) -> StoreResult<Vec<DigestSendRow>> {
        let sql = format!(
            "SELECT {SEND_COLUMNS} FROM digest_sends WHERE user_id = $1 ORDER BY digest_date DESC, created_at DESC LIMIT $2"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(user)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// How the messages of the latest runs fared, per run: delivered, still waiting, failed
    /// for good (the outbox gave up). Runs with no message are left out.
    pub async fn digest_run_delivery(
        &mut self,
        runs: &[Uuid],
    ) -> StoreResult<Vec<DigestRunDelivery>> {
        let mut out = Vec::with_capacity(runs.len());
        for run in runs {
            let row: Option<DigestRunDelivery> = with_conn!(self, |c| {
                sqlx::query_as(
                    "SELECT s.run_id, \
                     COUNT(o.sent_at) AS delivered, \
                     COUNT(o.failed_at) AS failed, \
                     SUM(CASE WHEN o.sent_at IS NULL AND o.failed_at IS NULL THEN 1 ELSE 0 END) AS waiting \
                     FROM digest_sends s JOIN outbox o ON o.id = s.outbox_id \
                     WHERE s.run_id = $1 GROUP BY s.run_id",
                )
                .bind(run)
                .fetch_optional(&mut *c)
                .await?
            });
            out.extend(row);
        }
        Ok(out)
    }

    /// The digests one run queued.
    pub async fn digest_sends_of_run(&mut self, run: Uuid) -> StoreResult<Vec<DigestSendRow>> {
        let sql =
            format!("SELECT {SEND_COLUMNS} FROM digest_sends WHERE run_id = $1 ORDER BY to_addr");
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(run).fetch_all(&mut *c).await?
        }))
    }

    /// The receipts of one send, in message order.
    pub async fn digest_receipts(&mut self, send: Uuid) -> StoreResult<Vec<DigestReceiptRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT send_id, position, item_kind, item_id, marking FROM digest_receipts \
                 WHERE send_id = $1 ORDER BY position",
            )
            .bind(send)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Whether `user` receives the digest (`true` unless they turned it off).
    pub async fn receives_digest(&mut self, user: Uuid) -> StoreResult<bool> {
        let row: Option<(bool,)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT receive FROM digest_preferences WHERE user_id = $1")
                .bind(user)
                .fetch_optional(&mut *c)
                .await?
        });
        Ok(row.is_none_or(|(r,)| r))
    }

    /// The people who turned the digest off.
    pub async fn digest_opt_outs(&mut self) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = with_conn!(self, |c| {
            sqlx::query_as("SELECT user_id FROM digest_preferences WHERE receive = $1")
                .bind(false)
                .fetch_all(&mut *c)
                .await?
        });
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// Records whether `user` receives the digest.
    pub async fn set_digest_preference(
        &mut self,
        user: Uuid,
        receive: bool,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO digest_preferences (user_id, receive, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET receive = excluded.receive, updated_at = excluded.updated_at",
            )
            .bind(user)
            .bind(receive)
            .bind(utc(now))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Every indicator report whose run was received in `[start, end)`, newest first.
    pub async fn reports_received_between(
        &mut self,
        start: OffsetDateTime,
        end: OffsetDateTime,
    ) -> StoreResult<Vec<WindowReport>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT i.id AS indicator_id, i.kind, i.value, s.name AS source_name, r.received_at, \
                 p.marking, p.revoked FROM intake_runs r \
                 JOIN indicator_reports p ON p.run_no = r.no \
                 JOIN indicators i ON i.id = p.indicator_id \
                 JOIN intel_sources s ON s.no = p.source_no \
                 WHERE r.received_at >= $1 AND r.received_at < $2 \
                 ORDER BY r.received_at DESC, i.kind, i.value, s.name",
            )
            .bind(utc(start))
            .bind(utc(end))
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Every authority's information needs.
    pub async fn all_information_needs(&mut self) -> StoreResult<Vec<crate::products::NeedsRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT election_authority_id, topics, systems, vendors, updated_at, updated_by \
                 FROM information_needs",
            )
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Deletes a message queued in this transaction (a digest claimed elsewhere meanwhile).
    pub async fn delete_outbox_message(&mut self, id: Uuid) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }
}
