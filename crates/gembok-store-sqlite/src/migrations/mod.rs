//! The database schema, as a versioned list of migration steps.
//!
//! Step `n` (counting from 1) takes a database from `user_version = n - 1` to `n`. All
//! pending steps and the new `user_version` commit in one transaction, so a crash leaves
//! the old or the new schema, never half of one. A database newer than this code is
//! refused rather than guessed at, and a file some other program made is left alone.

use crate::errors::map;
use gembok_store::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use steps::STEPS;

mod steps;
#[cfg(test)]
mod tests;

/// `PRAGMA application_id` of a Gembok database ("GMBK"), so tools like `file(1)` and
/// this code can tell a vault from any other SQLite file.
pub(crate) const APPLICATION_ID: i32 = 0x474D_424B;

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
        tx.execute_batch(step.sql).map_err(map)?;
        if let Some(then) = step.then {
            then(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", latest_version())
        .map_err(map)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(map)?;
    tx.commit().map_err(map)
}
