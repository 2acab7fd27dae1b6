//! Persistence for cybernav: one store API over embedded SQLite and PostgreSQL.
//!
//! The backend is chosen once, from the database URL. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), embedded in the binary. Queries are written
//! once with `$N` placeholders, which both databases accept, and run on either connection
//! through [`with_conn!`]. Every change goes through a [`Tx`], so a use case writes its rows,
//! its audit record and its outbox messages in one transaction.
//!
//! This crate knows SQL and domain types; it knows nothing of HTTP and makes no permission
//! decisions (those are in `cybernav-core::authz` and `cybernav-app`).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};

pub mod audit;
pub mod binds;
pub mod outbox;
pub mod registry;
pub mod rows;
pub mod users;

pub use binds::Bind;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; the string names the constraint or column.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database URL could not be understood.
    #[error("database URL: {0}")]
    Url(String),
    /// A migration failed; the database was left as it was before that migration.
    #[error("migration failed (the database is unchanged by it): {0}")]
    Migration(String),
    /// A stored value does not parse: the database was changed outside cybernav.
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Other(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps unique-violation errors to [`StoreError::Conflict`], everything else unchanged.
    pub fn classify(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return StoreError::NotFound;
        }
        if let Some(db) = e.as_database_error()
            && db.is_unique_violation()
        {
            let what = db
                .constraint()
                .map(str::to_string)
                .unwrap_or_else(|| db.message().to_string());
            return StoreError::Conflict(what);
        }
        StoreError::Other(e)
    }
}

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite in the data folder.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection pool to one of the two backends.
#[derive(Clone, Debug)]
pub enum Store {
    /// SQLite (WAL mode).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// An open transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// SQLite transaction.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same block on whichever connection a [`Tx`] holds. Inside, `$c` is a
/// `&mut SqliteConnection` or `&mut PgConnection`; the block is compiled once per backend.
#[macro_export]
macro_rules! with_conn {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c: &mut ::sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c: &mut ::sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// Picks the SQL text for the backend a [`Tx`] is on, for the few statements the two
/// dialects spell differently.
pub fn dialect(tx: &Tx, sqlite: &'static str, postgres: &'static str) -> &'static str {
    match tx {
        Tx::Sqlite(_) => sqlite,
        Tx::Postgres(_) => postgres,
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The file name of the embedded database inside the data folder.
pub const SQLITE_FILE: &str = "cybernav.db";

impl Store {
    /// Connects to `postgres://…` or `sqlite:…` URLs.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::Url(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Url(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .min_connections(1)
                .connect_with(opts)
                .await?;
            Ok(Store::Sqlite(pool))
        } else {
            Err(StoreError::Url(
                "expected a URL starting with postgres:// or sqlite:".into(),
            ))
        }
    }

    /// Opens (creating if needed) the embedded SQLite database in `data_dir`.
    pub async fn open_data_dir(data_dir: &Path) -> StoreResult<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Url(format!("cannot create data folder {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join(SQLITE_FILE);
        Store::connect(&format!("sqlite://{}", path.display())).await
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations. Each runs in its own transaction, so a failing one leaves
    /// the database as it was before it.
    pub async fn migrate(&self) -> StoreResult<()> {
        let result = match self {
            Store::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
            Store::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing on upgrade.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a transaction that only reads: a consistent snapshot, no write lock.
    pub async fn read(&self) -> StoreResult<Tx> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Store::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => p.acquire().await?.ping().await?,
            Store::Postgres(p) => p.acquire().await?.ping().await?,
        }
        Ok(())
    }

    /// Writes a consistent copy of the SQLite database to `dest` (`VACUUM INTO`). PostgreSQL
    /// deployments back up with `pg_dump`; this returns an error saying so.
    pub async fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(dest.display().to_string())
                    .execute(p)
                    .await?;
                Ok(())
            }
            Store::Postgres(_) => Err(StoreError::Url(
                "backups of a PostgreSQL database are taken with pg_dump; see docs/OPERATIONS.md"
                    .into(),
            )),
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(p) => p.close().await,
            Store::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Which backend this transaction is on.
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The current instant at the precision both databases store (microseconds, UTC).
pub fn now() -> time::OffsetDateTime {
    cybernav_core::audit::to_storage_precision(time::OffsetDateTime::now_utc())
}

