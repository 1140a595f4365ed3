//! [`SqliteSnapshot`]: the store as it stood at one moment, for a consistent walk of a
//! vault that keeps serving (see [`gembok_store::Store::snapshot`]).
//!
//! In WAL mode a read transaction sees the database as of its first read until it
//! ends, while the writer goes on committing. The view keeps one read-only
//! connection of its own in such a transaction, so the store's reader pool is not
//! held up. The transaction ends when the view is dropped (closing the connection
//! rolls it back); until then the log cannot be checkpointed past its snapshot.

use crate::reads::read_methods;
use crate::{audit_read, connection, docs, export, lifecycle, read, search};
use gembok_store::{
    AuditCheckpoint, AuditQuery, AuditRow, IndexEntry, KeyRecord, Mutation, RecordMeta,
    SchemaVersion, SealedRecord, Store, StoreError,
};
use gembok_types::RecordId;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A read-only view of a SQLite store at one moment.
pub(crate) struct SqliteSnapshot {
    conn: Mutex<Connection>,
}

impl SqliteSnapshot {
    /// Open a reader on `path`, begin a transaction and fix its snapshot with a read.
    pub(crate) fn begin(path: &Path) -> Result<Self, StoreError> {
        let conn = connection::open_reader(path)?;
        conn.execute_batch("BEGIN DEFERRED")
            .map_err(crate::errors::map)?;
        // A deferred transaction takes its snapshot at the first read, not at BEGIN.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(crate::errors::map)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// The view's connection. Reads leave nothing half-done on it, so a poisoned lock
    /// still guards a usable connection.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SqliteSnapshot {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn apply(&self, _: &[Mutation]) -> Result<(), StoreError> {
        Err(StoreError::read_only())
    }

    fn scrub(&self) -> Result<(), StoreError> {
        Err(StoreError::read_only())
    }

    fn snapshot(&self) -> Result<Box<dyn Store + '_>, StoreError> {
        Err(StoreError::read_only())
    }

    read_methods!();
}
