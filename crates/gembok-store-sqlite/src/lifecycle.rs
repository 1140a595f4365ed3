//! Data-lifecycle work on SQLite: the two walks erasure and retention make over
//! `records` (each one statement on its own index from schema step 5), and the scrub
//! that leaves no image of a deleted value in the database's files.
//!
//! Deleting already overwrites the freed cells and pages, because every connection
//! runs with `secure_delete`. What can still hold an erased value is the write-ahead
//! log: it keeps the images of pages as they were before the delete until a
//! checkpoint copies the new images into the database and truncates the log.

use crate::connection::BUSY_TIMEOUT;
use crate::errors::{limit, map};
use crate::read::raw;
use gembok_store::{RecordMeta, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection};
use std::time::Duration;

/// Tries of the truncating checkpoint before scrub gives up.
const SCRUB_TRIES: u32 = 3;

/// How long one try waits for readers (through the busy handler) before it reports
/// them: shorter than the connection's usual timeout, so that a reader holding an old
/// snapshot costs seconds, not the tries times that timeout.
const SCRUB_WAIT: Duration = Duration::from_secs(1);

/// Pause between scrub tries, so readers that just started can finish.
const SCRUB_PAUSE: Duration = Duration::from_millis(50);

/// One subject's records of a collection. The index entries end with the primary
/// key, so the matches come out in id order with no sort.
const SUBJECT_RECORDS: &str = "SELECT id, subject, created_at, updated_at, min_key_version
     FROM records INDEXED BY records_by_subject
     WHERE collection = ?1 AND subject = ?2 ORDER BY id";

/// A page of the records changed before a time. The range on `updated_at` comes from
/// the index and the rows in it are then sorted by id: without `INDEXED BY` SQLite may
/// walk the primary key instead (already in id order), reading every record of the
/// collection to find the few old ones a daily retention run is after.
const UPDATED_BEFORE: &str = "SELECT id, subject, created_at, updated_at, min_key_version
     FROM records INDEXED BY records_by_updated_at
     WHERE collection = ?1 AND updated_at < ?2 AND id > ?3
     ORDER BY id LIMIT ?4";

pub(crate) fn subject_records(
    conn: &Connection,
    collection: &str,
    subject: RecordId,
) -> Result<Vec<RecordMeta>, StoreError> {
    let mut stmt = conn.prepare_cached(SUBJECT_RECORDS).map_err(map)?;
    let rows = stmt
        .query_map(params![collection, &subject.as_bytes()[..]], |r| {
            raw(r, false)
        })
        .map_err(map)?;
    rows.map(|r| r.map_err(map)?.meta(collection)).collect()
}

pub(crate) fn updated_before(
    conn: &Connection,
    collection: &str,
    before: i64,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<RecordMeta>, StoreError> {
    let mut stmt = conn.prepare_cached(UPDATED_BEFORE).map_err(map)?;
    let cursor = after.map(|id| id.as_bytes().to_vec()).unwrap_or_default();
    let rows = stmt
        .query_map(params![collection, before, cursor, limit(max)], |r| {
            raw(r, false)
        })
        .map_err(map)?;
    rows.map(|r| r.map_err(map)?.meta(collection)).collect()
}

/// Run `wal_checkpoint(TRUNCATE)` once; `true` when every frame was copied and the log
/// truncated, `false` when a reader kept it from finishing.
pub(crate) fn checkpoint_truncate(conn: &Connection) -> Result<bool, StoreError> {
    let (busy, log, done): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(map)?;
    Ok(busy == 0 && log == done)
}

/// Checkpoint and truncate the log on the writer connection, trying a few times
/// while readers hold old snapshots.
pub(crate) fn scrub(writer: &Connection) -> Result<(), StoreError> {
    writer.busy_timeout(SCRUB_WAIT).map_err(map)?;
    let done = truncate_with_tries(writer);
    writer.busy_timeout(BUSY_TIMEOUT).map_err(map)?;
    if done? {
        return Ok(());
    }
    Err(StoreError::Unavailable(
        "scrub could not truncate the write-ahead log: another connection is reading; \
         deleted values may remain in the log until it can"
            .into(),
    ))
}

fn truncate_with_tries(writer: &Connection) -> Result<bool, StoreError> {
    for n in 0..SCRUB_TRIES {
        if n > 0 {
            std::thread::sleep(SCRUB_PAUSE);
        }
        if checkpoint_truncate(writer)? {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Null;

    fn plan(conn: &Connection, sql: &str, unbound: usize) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = vec![Null; unbound];
        let rows = stmt
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    /// Each walk is a search of its own index, not a scan of the collection, and the
    /// subject walk needs no sort.
    #[test]
    fn walks_search_their_indexes() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::migrate(&mut conn).unwrap();
        let by_subject = plan(&conn, SUBJECT_RECORDS, 2);
        assert!(
            by_subject.contains("SEARCH records USING INDEX records_by_subject"),
            "{by_subject}"
        );
        assert!(!by_subject.contains("TEMP B-TREE"), "{by_subject}");
        let by_time = plan(&conn, UPDATED_BEFORE, 4);
        assert!(
            by_time.contains("SEARCH records USING INDEX records_by_updated_at"),
            "{by_time}"
        );
    }
}
