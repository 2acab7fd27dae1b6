//! What cybernav's tests share, kept out of the product crates.
//!
//! It depends on no cybernav crate, so every crate's tests can use it without building a
//! second copy of the crate under test.

pub mod smtp;
pub mod taxii;

pub use smtp::{SmtpSink, free_port};
use sqlx::{Connection, Executor, PgConnection};
pub use taxii::{TAXII_PEER_COLLECTION, TaxiiPeer};
use uuid::Uuid;

/// The variable naming the PostgreSQL server tests may create databases on, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`. Unset or empty: PostgreSQL runs are skipped.
pub const POSTGRES_URL_VAR: &str = "CYBERNAV_TEST_POSTGRES_URL";

/// Whether a PostgreSQL server is configured for tests.
pub fn postgres_configured() -> bool {
    std::env::var(POSTGRES_URL_VAR).is_ok_and(|u| !u.is_empty())
}

/// A database created for one test on the server named by [`POSTGRES_URL_VAR`], dropped by
/// [`ScratchPostgres::drop_database`].
#[derive(Debug, Clone)]
pub struct ScratchPostgres {
    /// The URL of the new database.
    pub url: String,
    server: String,
    name: String,
}

impl ScratchPostgres {
    /// Creates an empty database named `cybernav_<label>_<random>`; `None` when no server is
    /// configured. Panics when the server is configured but refuses, so a broken set-up fails
    /// the test instead of skipping it.
    pub async fn create(label: &str) -> Option<ScratchPostgres> {
        if !postgres_configured() {
            return None;
        }
        let server = std::env::var(POSTGRES_URL_VAR).ok()?;
        let name = format!("cybernav_{label}_{}", Uuid::new_v4().simple());
        run_on(&server, &format!("CREATE DATABASE {name}")).await;
        let (prefix, _) = server
            .rsplit_once('/')
            .unwrap_or_else(|| panic!("{POSTGRES_URL_VAR} must end in /DATABASE: {server}"));
        Some(ScratchPostgres {
            url: format!("{prefix}/{name}"),
            server,
            name,
        })
    }

    /// Drops the database, closing any connection still open on it.
    pub async fn drop_database(self) {
        run_on(
            &self.server,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await;
    }
}

async fn run_on(server: &str, sql: &str) {
    let mut conn = PgConnection::connect(server)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {server} ({POSTGRES_URL_VAR}): {e}"));
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql} failed on {server}: {e}"));
    let _ = conn.close().await;
}
