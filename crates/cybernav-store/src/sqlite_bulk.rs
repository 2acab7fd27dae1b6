//! Bulk inserts on SQLite: one prepared statement, stepped once per row.
//!
//! sqlx binds values by copying each into a boxed argument list, sends the list to its
//! connection thread, and there binds each value as a transient copy; for a statement of
//! hundreds of rows it also looks the statement up by its whole text. For an import of a
//! million indicators that came to three quarters of the write time, against SQLite's own
//! work of finding the place in the index and writing the row (docs/PERFORMANCE.md). Here the
//! statement is prepared once and each row's values are bound in place, without copies.
//!
//! This is the only module that calls SQLite's C interface. It borrows the connection of the
//! caller's transaction from sqlx ([`sqlx::SqliteConnection::lock_handle`]), so the rows are
//! part of that transaction, and gives it back before returning. Every statement it prepares
//! is finalized before the connection is handed back, on error as well (by `Drop`).

#![expect(
    unsafe_code,
    reason = "SQLite's C interface, for prepared statements bound without copies; confined to this module"
)]

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;

use crate::{StoreError, StoreResult};

/// One value of a row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'v> {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(&'v str),
    /// Bytes (ids are 16-byte blobs, as sqlx writes a UUID).
    Blob(&'v [u8]),
}

/// A statement prepared on a borrowed connection; finalized when dropped.
pub(crate) struct Statement<'c> {
    db: NonNull<ffi::sqlite3>,
    stmt: NonNull<ffi::sqlite3_stmt>,
    params: usize,
    /// Borrows the locked handle, so the statement cannot outlive the lock.
    _handle: PhantomData<&'c mut ()>,
}

/// SQLite's message for the last error on `db`, with the statement's text.
fn error(db: NonNull<ffi::sqlite3>, rc: c_int, sql: &str) -> StoreError {
    // SAFETY: `db` is an open connection; sqlite3_errmsg returns a NUL-terminated string that
    // stays valid until the next call on this connection, and it is copied at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }
        .to_string_lossy()
        .into_owned();
    let verb: String = sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
    StoreError::Sqlite(format!("{message} (code {rc}, in {verb} …)"))
}

impl<'c> Statement<'c> {
    /// Prepares `sql` on the connection behind `handle`.
    pub(crate) fn prepare(
        handle: &'c mut sqlx::sqlite::LockedSqliteHandle<'_>,
        sql: &str,
    ) -> StoreResult<Statement<'c>> {
        let db = handle.as_raw_handle();
        let len = c_int::try_from(sql.len())
            .map_err(|_| StoreError::Sqlite("statement text too long".to_string()))?;
        let mut stmt = ptr::null_mut();
        // SAFETY: `db` is the open connection the lock guards, used by no other thread while
        // the lock is held; `sql` is valid for `len` bytes (the length is given, so no NUL is
        // needed); `stmt` receives a statement owned by the value returned.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc, sql));
        }
        let stmt = NonNull::new(stmt)
            .ok_or_else(|| StoreError::Sqlite(format!("empty statement: {sql}")))?;
        // SAFETY: `stmt` is the statement just prepared.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) };
        Ok(Statement {
            db,
            stmt,
            params: usize::try_from(params).unwrap_or(0),
            _handle: PhantomData,
        })
    }

    /// Binds `row` to the statement's parameters in order, runs it, and returns how many rows
    /// it changed. The values are bound without copies, so the bindings are cleared before
    /// returning: the statement keeps no pointer into `row`.
    pub(crate) fn run(&mut self, row: &[Value<'_>]) -> StoreResult<u64> {
        if row.len() != self.params {
            return Err(StoreError::Sqlite(format!(
                "{} values for a statement of {} parameters",
                row.len(),
                self.params
            )));
        }
        let s = self.stmt.as_ptr();
        let result = self.bind_and_step(row);
        // SAFETY: `s` is this statement. Reset returns the statement to the start (its error
        // code repeats the step's, already handled); clearing binds NULL to every parameter,
        // so no binding refers to `row` once this returns.
        unsafe {
            ffi::sqlite3_reset(s);
            ffi::sqlite3_clear_bindings(s);
        }
        result
    }

    fn bind_and_step(&mut self, row: &[Value<'_>]) -> StoreResult<u64> {
        let s = self.stmt.as_ptr();
        for (i, v) in row.iter().enumerate() {
            let at = c_int::try_from(i + 1).unwrap_or(c_int::MAX);
            let len = |n: usize| {
                c_int::try_from(n).map_err(|_| {
                    StoreError::Sqlite(format!(
                        "value {} is {n} bytes, more than SQLite takes",
                        i + 1
                    ))
                })
            };
            // SAFETY: `s` is this statement and `at` one of its parameters (the count was
            // checked). Text and blobs are bound with SQLITE_STATIC and their exact length (a
            // non-negative `c_int`): SQLite reads them in place, and they outlive the step
            // below, after which `run` clears the bindings.
            let rc = unsafe {
                match *v {
                    Value::Null => ffi::sqlite3_bind_null(s, at),
                    Value::Int(n) => ffi::sqlite3_bind_int64(s, at, n),
                    Value::Text(t) => ffi::sqlite3_bind_text(
                        s,
                        at,
                        t.as_ptr().cast(),
                        len(t.len())?,
                        ffi::SQLITE_STATIC(),
                    ),
                    Value::Blob(b) => ffi::sqlite3_bind_blob(
                        s,
                        at,
                        b.as_ptr().cast(),
                        len(b.len())?,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(self.error(rc));
            }
        }
        // SAFETY: `s` is this statement with every parameter bound.
        let rc = unsafe { ffi::sqlite3_step(s) };
        if rc != ffi::SQLITE_DONE {
            return Err(self.error(rc));
        }
        // SAFETY: `db` is the connection the statement ran on.
        let changed = unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) };
        Ok(u64::try_from(changed).unwrap_or(0))
    }

    fn error(&self, rc: c_int) -> StoreError {
        // SAFETY: `stmt` is this statement; sqlite3_sql returns its text, valid while it lives.
        let sql = unsafe { ffi::sqlite3_sql(self.stmt.as_ptr()) };
        let sql = if sql.is_null() {
            String::new()
        } else {
            // SAFETY: a non-null result of sqlite3_sql is a NUL-terminated string.
            unsafe { CStr::from_ptr(sql) }
                .to_string_lossy()
                .into_owned()
        };
        error(self.db, rc, &sql)
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` was prepared by `prepare` and is finalized only here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// Asks the processor to start loading the memory at `bytes` now, without waiting for it:
/// [`bulk_insert`] calls it for the scattered text of the row [`PREFETCH_AHEAD`] places on.
/// Rows written in key order have their texts scattered over memory (they were read in file
/// order), and SQLite, copying each into its record, otherwise waited for memory at nearly
/// every value: 0.4 s of a million-indicator import (docs/PERFORMANCE.md).
#[inline]
fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults and reads nothing into the program, so
    // any address is sound, and this one is of a live slice.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            bytes.as_ptr().cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

/// Rows ahead of the one being bound whose texts [`prefetch`] is asked to load.
const PREFETCH_AHEAD: usize = 8;

/// Rows written per hold of the connection. Between holds the task yields, so on a server an
/// import does not hold up other requests on the same runtime thread for its whole length.
const ROWS_PER_HOLD: usize = 782 * ROWS_PER_STATEMENT;

/// Rows per statement. One statement of many rows keeps its cursor on the index from one row
/// to the next, where a statement per row opens it and searches from the root each time
/// (measured: the per-row statement took three times as long).
const ROWS_PER_STATEMENT: usize = 64;

/// `{head} (?, …), (?, …)…`: `rows` rows of `cols` anonymous parameters.
fn values_sql(head: &str, rows: usize, cols: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(", "));
    format!("{head} {}", vec![one; rows].join(", "))
}

/// Inserts `count` rows of `cols` values with `head` (`INSERT OR IGNORE INTO t (a, b) VALUES`)
/// on the transaction's connection; `row(i, values)` appends row `i`'s values, and
/// `scattered(i)` is the text of row `i` that lies apart from its neighbours' (loaded ahead of
/// binding, see [`prefetch`]). Returns the rows changed in all.
pub(crate) async fn bulk_insert<'v>(
    conn: &mut sqlx::SqliteConnection,
    head: &str,
    cols: usize,
    count: usize,
    row: impl Fn(usize, &mut Vec<Value<'v>>),
    scattered: impl Fn(usize) -> &'v [u8],
) -> StoreResult<u64> {
    let row = |i: usize, values: &mut Vec<Value<'v>>| {
        if i + PREFETCH_AHEAD < count {
            prefetch(scattered(i + PREFETCH_AHEAD));
        }
        row(i, values);
    };
    let full = values_sql(head, ROWS_PER_STATEMENT, cols);
    let mut values: Vec<Value<'v>> = Vec::with_capacity(ROWS_PER_STATEMENT * cols);
    let mut changed = 0;
    let mut from = 0;
    while from < count {
        let to = (from + ROWS_PER_HOLD).min(count);
        let mut handle = conn.lock_handle().await?;
        {
            let mut at = from;
            if to - from >= ROWS_PER_STATEMENT {
                let mut statement = Statement::prepare(&mut handle, &full)?;
                while at + ROWS_PER_STATEMENT <= to {
                    values.clear();
                    (at..at + ROWS_PER_STATEMENT).for_each(|i| row(i, &mut values));
                    changed += statement.run(&values)?;
                    at += ROWS_PER_STATEMENT;
                }
            }
            if at < to {
                let mut tail = Statement::prepare(&mut handle, &values_sql(head, to - at, cols))?;
                values.clear();
                (at..to).for_each(|i| row(i, &mut values));
                changed += tail.run(&values)?;
            }
        }
        drop(handle);
        values.clear();
        from = to;
        tokio::task::yield_now().await;
    }
    Ok(changed)
}
