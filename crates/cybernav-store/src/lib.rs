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

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};

pub mod assessments;
pub mod attestation;
pub mod audit;
pub mod binds;
pub mod checklist;
pub mod community_reports;
pub mod digest;
pub mod directory;
pub mod field_ops;
pub mod findings;
pub mod grants;
pub mod icn;
pub mod intake;
pub mod need_to_know;
pub mod outbox;
pub mod outreach;
pub mod participation;
pub mod products;
pub mod registry;
pub mod rows;
mod solo_bulk;
mod sqlite_bulk;
pub mod taxii;
pub mod taxii_feeds;
pub mod users;
pub mod utc;

pub use binds::Bind;
pub use utc::{UtcTime, utc};

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
    /// A write named a row that is not stored (a report's indicator, an import's run); nothing
    /// of the write was stored.
    #[error("refers to a row that is not stored: {0}")]
    Reference(String),
    /// An error SQLite returned to a bulk write (see `sqlite_bulk`).
    #[error("database error: {0}")]
    Sqlite(String),
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

/// A connection pool to one of the two backends, and the count of write transactions it has
/// committed (its write epoch), which in-memory caches compare to know they may be stale.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    writes: Arc<AtomicU64>,
    open: Arc<Mutex<OpenWrites>>,
}

/// The write transactions open in this process, by when they began: SQLite's watermark
/// ([`Tx::visible_until`]; one process writes a SQLite database).
#[derive(Debug, Default)]
struct OpenWrites {
    next: u64,
    began: BTreeMap<u64, time::OffsetDateTime>,
}

/// Keeps one write transaction in [`OpenWrites`] until it is committed or dropped.
struct OpenWrite {
    set: Arc<Mutex<OpenWrites>>,
    id: u64,
}

impl OpenWrite {
    fn register(set: &Arc<Mutex<OpenWrites>>) -> OpenWrite {
        let mut s = set
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.next += 1;
        let id = s.next;
        s.began.insert(id, now());
        OpenWrite {
            set: set.clone(),
            id,
        }
    }
}

impl Drop for OpenWrite {
    fn drop(&mut self) {
        let mut s = self
            .set
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.began.remove(&self.id);
    }
}

/// The connection pool inside a [`Store`].
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite (WAL mode).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// An open transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    /// The connection the transaction runs on.
    pub conn: Conn,
    /// The store's write epoch, for transactions begun to write: bumped once they commit.
    writes: Option<Arc<AtomicU64>>,
    /// The store's open write transactions (for the watermark).
    open: Arc<Mutex<OpenWrites>>,
    /// This transaction's place among them, when it writes; left after it commits.
    open_write: Option<OpenWrite>,
    /// PostgreSQL: the pool, for the rare write that must commit on its own at once (see
    /// `intake::Tx::marking_list_id`).
    autonomous: Option<sqlx::PgPool>,
}

/// The transaction inside a [`Tx`], one variant per backend.
pub enum Conn {
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
        match &mut $tx.conn {
            $crate::Conn::Sqlite(t) => {
                let $c: &mut ::sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::Conn::Postgres(t) => {
                let $c: &mut ::sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// Picks the SQL text for the backend a [`Tx`] is on, for the few statements the two
/// dialects spell differently.
pub fn dialect(tx: &Tx, sqlite: &'static str, postgres: &'static str) -> &'static str {
    match tx.backend() {
        Backend::Sqlite => sqlite,
        Backend::Postgres => postgres,
    }
}

/// How long a SQLite connection waits for another's lock before giving up.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The `application_name` of cybernav's PostgreSQL sessions.
pub const APPLICATION_NAME: &str = "cybernav";

/// How far the clocks of the database and of cybernav's replicas may disagree: the margin kept
/// below the start of an open transaction by [`Tx::visible_until`].
pub const CLOCK_MARGIN: time::Duration = time::Duration::seconds(1);

/// The file name of the embedded database inside the data folder.
pub const SQLITE_FILE: &str = "cybernav.db";

impl Store {
    fn new(pool: Pool) -> Store {
        Store {
            pool,
            writes: Arc::new(AtomicU64::new(0)),
            open: Arc::new(Mutex::new(OpenWrites::default())),
        }
    }

    /// The connection pool (tests use it to create and drop scratch databases).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// How many write transactions ([`Store::begin`]) this store has committed since it
    /// opened. A cache that notes the epoch before it reads, and trusts what it read only while
    /// the epoch is unchanged, never serves what a later change on this server replaced.
    pub fn write_epoch(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// Connects to `postgres://…` or `sqlite:…` URLs.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_limited(url, None).await
    }

    /// As [`Store::connect`], with at most `connections` connections (default 16 on
    /// PostgreSQL, 8 on SQLite).
    pub async fn connect_limited(url: &str, connections: Option<u32>) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // The application name marks cybernav's own sessions, whose open transactions
            // hold back what pages in time order may show (`Tx::visible_until`).
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Url(e.to_string()))?
                .application_name(APPLICATION_NAME);
            let pool = PgPoolOptions::new()
                .max_connections(connections.unwrap_or(16).max(1))
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            Ok(Store::new(Pool::Postgres(pool)))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Url(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                // Statement journals (the pages one statement changed, kept to undo that
                // statement alone) in memory: SQLite spills them to a temporary file past
                // 64 KiB, and a multi-row insert inside a long import then wrote its pages to
                // /var/tmp one `pwrite` at a time (1.1 million calls for 200,000 indicators).
                // It is read when a write transaction begins, so it is set per connection.
                .pragma("temp_store", "memory")
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            let pool = SqlitePoolOptions::new()
                .max_connections(connections.unwrap_or(8).max(1))
                .min_connections(1)
                .connect_with(opts)
                .await?;
            Ok(Store::new(Pool::Sqlite(pool)))
        } else {
            Err(StoreError::Url(
                "expected a URL starting with postgres:// or sqlite:".into(),
            ))
        }
    }

    /// Opens (creating if needed) the embedded SQLite database in `data_dir`.
    pub async fn open_data_dir(data_dir: &Path) -> StoreResult<Store> {
        Store::open_data_dir_limited(data_dir, None).await
    }

    /// As [`Store::open_data_dir`], with at most `connections` connections (default 8).
    pub async fn open_data_dir_limited(
        data_dir: &Path,
        connections: Option<u32>,
    ) -> StoreResult<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Url(format!(
                "cannot create data folder {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join(SQLITE_FILE);
        Store::connect_limited(&format!("sqlite://{}", path.display()), connections).await
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations. Each runs in its own transaction, so a failing one leaves
    /// the database as it was before it.
    pub async fn migrate(&self) -> StoreResult<()> {
        let result = match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing on upgrade.
    ///
    /// On PostgreSQL the transaction takes its transaction id at once, so that from its
    /// start it counts as an open writer for [`Tx::visible_until`] (a transaction gets an id
    /// only at its first write otherwise, after it may have stamped the rows it will write).
    pub async fn begin(&self) -> StoreResult<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut t = p.begin().await?;
                sqlx::query("SELECT pg_current_xact_id()")
                    .execute(&mut *t)
                    .await?;
                Conn::Postgres(t)
            }
        };
        // Registered once the transaction holds its lock (SQLite) or id (PostgreSQL), before
        // it can stamp anything.
        Ok(Tx {
            conn,
            writes: Some(self.writes.clone()),
            open: self.open.clone(),
            open_write: Some(OpenWrite::register(&self.open)),
            autonomous: match &self.pool {
                Pool::Postgres(p) => Some(p.clone()),
                Pool::Sqlite(_) => None,
            },
        })
    }

    /// Begins a write transaction for bookkeeping no cache keeps (when a token or a session
    /// was last used): its commit leaves the write epoch where it was. Anything else a cache
    /// could hold must be written in a [`Store::begin`] transaction.
    pub async fn begin_bookkeeping(&self) -> StoreResult<Tx> {
        let mut tx = self.begin().await?;
        tx.writes = None;
        Ok(tx)
    }

    /// Begins a transaction that only reads: a consistent snapshot, no write lock.
    pub async fn read(&self) -> StoreResult<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Conn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            writes: None,
            open: self.open.clone(),
            open_write: None,
            autonomous: None,
        })
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => p.acquire().await?.ping().await?,
            Pool::Postgres(p) => p.acquire().await?.ping().await?,
        }
        Ok(())
    }

    /// Writes a consistent copy of the SQLite database to `dest` (`VACUUM INTO`). PostgreSQL
    /// deployments back up with `pg_dump`; this returns an error saying so.
    pub async fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(dest.display().to_string())
                    .execute(p)
                    .await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Url(
                "backups of a PostgreSQL database are taken with pg_dump; see docs/OPERATIONS.md"
                    .into(),
            )),
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Commits; a write transaction then advances the store's write epoch.
    pub async fn commit(self) -> StoreResult<()> {
        match self.conn {
            Conn::Sqlite(t) => t.commit().await?,
            Conn::Postgres(t) => t.commit().await?,
        }
        if let Some(writes) = self.writes {
            writes.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }

    /// Which backend this transaction is on.
    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The instant before which everything written is already visible (a watermark), for
    /// readers that page in time order (the TAXII server, the digest): rows are stamped when
    /// their transaction starts (an import's `received_at`), so a long import may commit
    /// rows older than those of a faster one already read. A page that stops before the
    /// watermark never skips them.
    ///
    /// PostgreSQL runs writers side by side, on every replica: the watermark is the start of
    /// the oldest write transaction still open in another cybernav session of this database
    /// (less [`CLOCK_MARGIN`]), or `now` when none is open; every [`Store::begin`]
    /// transaction takes its id at once, so it counts from its start. Readers hold nothing
    /// back. SQLite is written by one process, one writer at a time: the watermark is the
    /// start of the write transaction open in this process, if any (a reader does not wait
    /// for the write lock, so it may read while an import is open), or `now`.
    pub async fn visible_until(
        &mut self,
        now: time::OffsetDateTime,
    ) -> StoreResult<time::OffsetDateTime> {
        let Conn::Postgres(c) = &mut self.conn else {
            let open = self
                .open
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let oldest = open
                .began
                .iter()
                .filter(|(id, _)| self.open_write.as_ref().is_none_or(|w| w.id != **id))
                .map(|(_, t)| *t)
                .min();
            return Ok(oldest.map_or(now, |t| now.min(t)));
        };
        let oldest: Option<time::OffsetDateTime> = sqlx::query_scalar(
            "SELECT min(xact_start) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND backend_type = 'client backend' AND application_name = $1 \
             AND backend_xid IS NOT NULL AND xact_start IS NOT NULL",
        )
        .bind(APPLICATION_NAME)
        .fetch_one(&mut **c)
        .await?;
        Ok(match oldest {
            Some(t) => now.min(t - CLOCK_MARGIN),
            None => now,
        })
    }
}

/// The current instant at the precision both databases store (microseconds, UTC).
pub fn now() -> time::OffsetDateTime {
    cybernav_core::audit::to_storage_precision(time::OffsetDateTime::now_utc())
}
