//! The database schema, as a versioned list of migration steps.
//!
//! Step `n` (counting from 1) takes a database from `user_version = n - 1` to `n`. All
//! pending steps and the new `user_version` commit in one transaction, so a crash leaves
//! the old or the new schema, never half of one. A database newer than this code is
//! refused rather than guessed at, and a file some other program made is left alone.

use crate::errors::map;
use gembok_store::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// `PRAGMA application_id` of a Gembok database ("GMBK"), so tools like `file(1)` and
/// this code can tell a vault from any other SQLite file.
pub(crate) const APPLICATION_ID: i32 = 0x474D_424B;

/// Every schema step, oldest first. Never edit a released step: add a new one.
const STEPS: &[&str] = &[
    // 1: records with all sealed fields in one blob, blind index, keys, schema
    // versions, settings.
    "CREATE TABLE records (
        collection      TEXT    NOT NULL,
        id              BLOB    NOT NULL CHECK (length(id) = 16),
        subject         BLOB    NOT NULL CHECK (length(subject) = 16),
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        min_key_version INTEGER NOT NULL,
        fields          BLOB    NOT NULL,
        PRIMARY KEY (collection, id)
    ) WITHOUT ROWID;
    CREATE INDEX records_by_key_version ON records (collection, min_key_version);
    CREATE TABLE blind_index (
        collection TEXT NOT NULL,
        field      TEXT NOT NULL,
        digest     BLOB NOT NULL,
        record_id  BLOB NOT NULL,
        PRIMARY KEY (collection, field, digest, record_id)
    ) WITHOUT ROWID;
    CREATE INDEX blind_index_by_record ON blind_index (collection, record_id, field);
    CREATE TABLE keys (
        purpose    TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        wrapped    BLOB    NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (purpose, version)
    ) WITHOUT ROWID;
    CREATE TABLE schemas (
        version    INTEGER PRIMARY KEY,
        document   TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;",
];

/// The schema version this code writes and understands.
pub fn latest_version() -> u32 {
    STEPS.len() as u32
}

fn header(conn: &Connection) -> Result<(i64, i32), StoreError> {
    let version = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(map)?;
    let app_id = conn
        .pragma_query_value(None, "application_id", |r| r.get::<_, i32>(0))
        .map_err(map)?;
    Ok((version, app_id))
}

/// Refuse files this code must not touch: another program's database, or a Gembok
/// database from a newer release.
fn check_known(conn: &Connection, version: i64, app_id: i32) -> Result<(), StoreError> {
    if app_id != APPLICATION_ID && app_id != 0 {
        return Err(StoreError::Unavailable(
            "this SQLite file belongs to another application, not Gembok".into(),
        ));
    }
    if version > i64::from(latest_version()) {
        return Err(StoreError::Unavailable(format!(
            "database schema version {version} is newer than this Gembok supports \
             ({}); upgrade Gembok before opening it",
            latest_version()
        )));
    }
    if version == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(map)?;
        if objects > 0 {
            return Err(StoreError::Unavailable(
                "this SQLite file already holds tables but is not a Gembok database".into(),
            ));
        }
    }
    Ok(())
}

/// Bring the database to [`latest_version`], or refuse it.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let (version, app_id) = header(conn)?;
    check_known(conn, version, app_id)?;
    if version == i64::from(latest_version()) {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(map)?;
    // Another process may have migrated between the first look and the lock.
    let (version, app_id) = header(&tx)?;
    check_known(&tx, version, app_id)?;
    let start = usize::try_from(version).unwrap_or(0);
    for step in &STEPS[start..] {
        tx.execute_batch(step).map_err(map)?;
    }
    tx.pragma_update(None, "user_version", latest_version())
        .map_err(map)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(map)?;
    tx.commit().map_err(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_latest_and_is_stamped() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(
            header(&conn).unwrap(),
            (i64::from(latest_version()), APPLICATION_ID)
        );
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 5);
    }

    #[test]
    fn foreign_files_are_refused() {
        let mut other_app = Connection::open_in_memory().unwrap();
        other_app
            .pragma_update(None, "application_id", 1234)
            .unwrap();
        assert!(matches!(
            migrate(&mut other_app),
            Err(StoreError::Unavailable(_))
        ));

        let mut unstamped = Connection::open_in_memory().unwrap();
        unstamped.execute_batch("CREATE TABLE t (x)").unwrap();
        let err = migrate(&mut unstamped).unwrap_err();
        assert!(err.to_string().contains("not a Gembok database"), "{err}");
    }
}
