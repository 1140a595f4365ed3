//! Small documents by kind and id (the `docs` table): API keys and other state of the
//! layers above, as opaque bodies. Reads take a reader connection; writes run inside
//! the transaction of [`crate::SqliteStore`]'s `apply`.

use crate::errors::map;
use gembok_store::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

/// Create or replace one document.
pub(crate) fn put(conn: &Connection, kind: &str, id: &str, body: &[u8]) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO docs (kind, id, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
    )
    .and_then(|mut s| s.execute(params![kind, id, body]))
    .map(drop)
    .map_err(map)
}

/// Replace one document only if its body is still `expected` (`None`: create it only
/// if absent). The write transaction holds SQLite's single writer lock, so nothing can
/// change the row between this statement's check and its write.
pub(crate) fn put_if(
    conn: &Connection,
    kind: &str,
    id: &str,
    body: &[u8],
    expected: Option<&[u8]>,
) -> Result<(), StoreError> {
    let changed = match expected {
        Some(old) => conn
            .prepare_cached("UPDATE docs SET body = ?3 WHERE kind = ?1 AND id = ?2 AND body = ?4")
            .and_then(|mut s| s.execute(params![kind, id, body, old])),
        None => conn
            .prepare_cached(
                "INSERT INTO docs (kind, id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![kind, id, body])),
    }
    .map_err(map)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Changed)
    }
}

/// Remove one document, if it is there.
pub(crate) fn delete(conn: &Connection, kind: &str, id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM docs WHERE kind = ?1 AND id = ?2")
        .and_then(|mut s| s.execute(params![kind, id]))
        .map(drop)
        .map_err(map)
}

pub(crate) fn get(conn: &Connection, kind: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    conn.prepare_cached("SELECT body FROM docs WHERE kind = ?1 AND id = ?2")
        .and_then(|mut s| s.query_row(params![kind, id], |r| r.get(0)).optional())
        .map_err(map)
}

/// Every document of a kind, in id order (TEXT compares as bytes: the primary key's
/// BINARY collation, so the order is the same as Rust's `String` order).
pub(crate) fn list(conn: &Connection, kind: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, body FROM docs WHERE kind = ?1 ORDER BY id")
        .map_err(map)?;
    let rows = stmt
        .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(map)?;
    rows.collect::<rusqlite::Result<_>>().map_err(map)
}
