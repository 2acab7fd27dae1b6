//! Delivering the outbox over SMTP (lettre with rustls; no OpenSSL).
//!
//! A message is claimed with a lease, sent, and marked sent; a failed send is retried with
//! exponential backoff (30 s, 1 min, 2 min, … capped at 1 h) and given up after
//! [`MAX_ATTEMPTS`]. Because the claim is a lease on the row, several replicas can run this
//! loop against one PostgreSQL database and each message is sent by one of them.

use std::time::Duration as StdDuration;

use cybernav_store::{Store, now};
use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use time::{Duration, OffsetDateTime};

use crate::{AppError, AppResult};

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed message is reserved for the sender that claimed it.
pub const LEASE: Duration = Duration::minutes(2);

/// Sends messages to an SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds a mailer from an SMTP URL (`smtp://host:port` plain, `smtp://…?tls=required`
    /// for STARTTLS, `smtps://user:pass@host` for implicit TLS) and a From address.
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("CYBERNAV_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(StdDuration::from_secs(20)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("CYBERNAV_MAIL_FROM '{from}' is not an address: {e}"))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("recipient is not an address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body.to_string())
            .map_err(|e| format!("cannot build message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The delay before attempt `attempts + 1`.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 8) - 1;
    Duration::seconds((30_i64 << exp).min(3600))
}

/// Sends every message due at `at`, one at a time; returns how many were sent.
pub async fn deliver_due(store: &Store, mailer: &Mailer, at: OffsetDateTime) -> AppResult<usize> {
    let mut sent = 0;
    loop {
        let mut tx = store.begin().await?;
        let Some(msg) = tx.claim_email(at, LEASE).await? else {
            return Ok(sent);
        };
        tx.commit().await?;
        let result = mailer
            .send(&msg.to_addr, &msg.subject, &msg.body_text)
            .await;
        let mut tx = store.begin().await?;
        match result {
            Ok(()) => {
                tx.mark_email_sent(msg.id, now()).await?;
                sent += 1;
                tracing::info!(outbox.id = %msg.id, outbox.kind = %msg.kind, "mail sent");
            }
            Err(e) => {
                let retry = (msg.attempts < MAX_ATTEMPTS).then(|| at + backoff(msg.attempts));
                tx.mark_email_failed(msg.id, &e, retry, now()).await?;
                tracing::warn!(outbox.id = %msg.id, outbox.attempts = msg.attempts, error = %e, "mail not sent");
                tx.commit().await?;
                // The server is probably down: leave the rest for the next round.
                return Ok(sent);
            }
        }
        tx.commit().await?;
    }
}

/// Runs the delivery loop until `shutdown` resolves.
pub async fn run_worker(
    store: Store,
    mailer: Mailer,
    poll: StdDuration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    loop {
        if let Err(e) = deliver_due(&store, &mailer, now()).await {
            let e: AppError = e;
            tracing::error!(error = %e, "outbox delivery failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(7), Duration::seconds(1920));
        assert_eq!(backoff(8), Duration::seconds(3600));
    }
}
