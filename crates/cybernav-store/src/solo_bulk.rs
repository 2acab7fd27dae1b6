//! A bulk write by a process that alone has the SQLite database open, journalled once.
//!
//! In WAL mode every page a transaction writes goes to the log at commit and again to the
//! database file at the checkpoint, each synced: for a million-indicator import, 218 MB
//! twice, the longest step of `cybernav import stix` after SQLite's inserts. With a rollback
//! journal a page that did not exist before the transaction is written once (only pages
//! that held data are copied to the journal first), and the commit is as atomic. It is as
//! durable with `synchronous = FULL`, which the switch sets (in WAL mode `NORMAL` is safe; with
//! a rollback journal SQLite documents that a power loss at the wrong moment could corrupt the
//! database under `NORMAL`). The catch is that readers wait while a rollback-journal write
//! runs, which is why the database is otherwise always in WAL mode.
//!
//! So the switch is made only for a process that is alone with the database, such as a
//! command-line import: SQLite leaves WAL mode only with an exclusive lock, which it cannot
//! take while any other connection (a server, another command, another connection of this
//! store's own pool) has the database open. The attempt does not wait; when it fails the
//! write goes on in WAL mode as usual. [`Store::write_ahead_log_again`] switches back; if the
//! process ends before that, the next connection to open the database puts it back in WAL
//! mode, after SQLite has rolled back any transaction the journal shows unfinished.

use sqlx::Row;

use crate::{Pool, SQLITE_BUSY_TIMEOUT, Store, StoreResult};

impl Store {
    /// SQLite: switches the database to a rollback journal if no other connection has it
    /// open; returns whether it did. PostgreSQL: nothing (false). Call
    /// [`Store::write_ahead_log_again`] once the bulk write is committed or abandoned.
    pub async fn rollback_journal_if_alone(&self) -> StoreResult<bool> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(false);
        };
        let mut conn = pool.acquire().await?;
        // Fail at once rather than wait for others to let go: waiting would stall the very
        // import the switch is meant to speed up.
        sqlx::query("PRAGMA busy_timeout = 0")
            .execute(&mut *conn)
            .await?;
        let switched = match sqlx::query("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut *conn)
            .await
        {
            Ok(row) => row
                .try_get::<String, _>(0)
                .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete")),
            Err(e) => {
                // Another connection has the database open (SQLite says it is locked).
                tracing::debug!(error = %e, "the database stays in WAL mode");
                false
            }
        };
        sqlx::query(&format!(
            "PRAGMA busy_timeout = {}",
            SQLITE_BUSY_TIMEOUT.as_millis()
        ))
        .execute(&mut *conn)
        .await?;
        if switched {
            sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut *conn)
                .await?;
        }
        Ok(switched)
    }

    /// SQLite: puts the database back in WAL mode (see the module documentation), with the
    /// usual `synchronous = NORMAL`. An error if SQLite keeps another mode.
    pub async fn write_ahead_log_again(&self) -> StoreResult<()> {
        if let Pool::Sqlite(pool) = &self.pool {
            let mut conn = pool.acquire().await?;
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_one(&mut *conn)
                .await?;
            sqlx::query("PRAGMA synchronous = NORMAL")
                .execute(&mut *conn)
                .await?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(crate::StoreError::Sqlite(format!(
                    "the database stayed in {mode} journal mode; the next connection to open it \
                     puts it back in WAL mode"
                )));
            }
        }
        Ok(())
    }

    /// SQLite: this connection's `synchronous` setting (0 off, 1 normal, 2 full); PostgreSQL:
    /// none. With a single-connection store, the one its writes use.
    pub async fn synchronous(&self) -> StoreResult<Option<i64>> {
        self.pragma("synchronous").await
    }

    /// SQLite: the database's journal mode (`wal`, `delete`); PostgreSQL: none.
    pub async fn journal_mode(&self) -> StoreResult<Option<String>> {
        self.pragma("journal_mode").await
    }

    /// SQLite: the value of `PRAGMA name` on one of the pool's connections; PostgreSQL: none.
    async fn pragma<T>(&self, name: &str) -> StoreResult<Option<T>>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
    {
        match &self.pool {
            Pool::Sqlite(pool) => Ok(Some(
                sqlx::query_scalar(&format!("PRAGMA {name}"))
                    .fetch_one(pool)
                    .await?,
            )),
            Pool::Postgres(_) => Ok(None),
        }
    }
}
