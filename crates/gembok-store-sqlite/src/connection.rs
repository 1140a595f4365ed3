//! Opening connections with the settings Gembok's guarantees rest on.
//!
//! Every connection gets the same PRAGMAs: WAL so readers never wait for the writer,
//! `synchronous=FULL` so a commit that returned survives a crash or power loss,
//! `secure_delete` so removed values are overwritten rather than left in free pages,
//! `foreign_keys`, a busy timeout for other processes (backup, CLI) holding the lock,
//! `trusted_schema=OFF` so a swapped-in file cannot run SQL functions from its schema,
//! and `cell_size_check` so a damaged page is reported instead of misread.

use crate::errors::map;
use gembok_store::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How long a statement waits for another process's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Page cache per connection, in KiB (a negative `cache_size` means KiB to SQLite).
const CACHE_KIB: i64 = 16 * 1024;

/// Write-ahead-log pages after which a commit checkpoints, usually (SQLite's default).
const WAL_AUTOCHECKPOINT: i64 = 1000;

/// The same in bulk-load mode: letting the log grow over several batches copies a
/// page that several of them touched into the database once. (The page cache stays
/// as it is: with the blind-index entries staged, a bulk load appends, and a larger
/// cache measured slower, see docs/BENCHMARKS.md.)
pub const BULK_WAL_AUTOCHECKPOINT: i64 = 64 * 1024;

/// Prepared statements kept per connection; the store uses fewer than this.
const STATEMENT_CACHE: usize = 48;

/// The PRAGMA values a connection actually runs with, read back from SQLite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// `wal` for every connection of a healthy store.
    pub journal_mode: String,
    /// 2 is FULL.
    pub synchronous: i64,
    pub secure_delete: bool,
    pub foreign_keys: bool,
    pub busy_timeout_ms: i64,
    /// Negative values are KiB, positive values pages.
    pub cache_size: i64,
    pub trusted_schema: bool,
}

/// Create the database file readable by its owner only, before SQLite creates it with
/// the process umask. SQLite gives `-wal` and `-shm` the same permissions.
fn create_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        match created {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(StoreError::Unavailable(format!(
                "cannot create the database file: {}",
                e.kind()
            ))),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Open the one read-write connection (creating the file if needed).
pub(crate) fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    create_private(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map)?;
    configure(&conn)?;
    Ok(conn)
}

/// Open a read-only connection; the writer must have opened (and migrated) first.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map)?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(map)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // WAL is a property of the file: a read-only connection cannot switch it but can
    // confirm it; either way a connection that does not end up in WAL is refused.
    let mode: String = if conn.is_readonly(rusqlite::MAIN_DB).map_err(map)? {
        conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
    } else {
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
    }
    .map_err(map)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unavailable(format!(
            "the database could not be put in WAL mode (got {mode}); \
             is it on a network file system?"
        )));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;
         PRAGMA cell_size_check = ON;
         PRAGMA cache_size = -{CACHE_KIB};"
    ))
    .map_err(map)
}

/// Switch the writer connection into bulk-load mode or back (see the constants above).
/// Durability does not change: `synchronous=FULL` still syncs the log at every commit.
pub(crate) fn bulk_load(conn: &Connection, on: bool) -> Result<(), StoreError> {
    let wal = if on {
        BULK_WAL_AUTOCHECKPOINT
    } else {
        WAL_AUTOCHECKPOINT
    };
    let _: i64 = conn
        .pragma_update_and_check(None, "wal_autocheckpoint", wal, |r| r.get(0))
        .map_err(map)?;
    if !on {
        // Copy what the long log holds into the database now, so the next reader does
        // not search a log of thousands of pages. PASSIVE never waits for readers.
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(map)?;
    }
    Ok(())
}

/// Read back the settings a connection runs with.
pub(crate) fn settings(conn: &Connection) -> Result<ConnectionSettings, StoreError> {
    let int = |name: &str| -> Result<i64, StoreError> {
        conn.pragma_query_value(None, name, |r| r.get(0))
            .map_err(map)
    };
    Ok(ConnectionSettings {
        journal_mode: conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(map)?,
        synchronous: int("synchronous")?,
        secure_delete: int("secure_delete")? == 1,
        foreign_keys: int("foreign_keys")? == 1,
        busy_timeout_ms: int("busy_timeout")?,
        cache_size: int("cache_size")?,
        trusted_schema: int("trusted_schema")? == 1,
    })
}

/// Begin a read transaction so that several statements see one snapshot, unless the
/// connection is already in one (a [`crate::snapshot`] view), whose snapshot they
/// then share. Dropping the answer ends what it began.
pub(crate) fn one_snapshot(
    conn: &Connection,
) -> Result<Option<rusqlite::Transaction<'_>>, StoreError> {
    if conn.is_autocommit() {
        Ok(Some(conn.unchecked_transaction().map_err(map)?))
    } else {
        Ok(None)
    }
}
