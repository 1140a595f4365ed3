//! Each record's list of its own blind-index keys, so its entries can be removed
//! without a second index on `blind_index`.
//!
//! Deleting a record must remove its entries, but the store never knows the digests
//! on its own, and the `blind_index` key starts with the digest. A secondary index on
//! `record_id` would answer that, at the price of a second B-tree insert for every
//! entry; measured, that was a quarter of `apply` for a batch of new records. Instead
//! the `index_keys` table holds one row per record: the (field id, digest) pairs of
//! its entries, appended when entries are written, so an insert adds one row per
//! record to a table that grows in id order. The list format is
//! [`gembok_store::index_keys`], the same as PostgreSQL's.
//!
//! The list is a superset of the record's entries: an entry is always listed, and a
//! listed key without its entry is harmless (deleting it is a no-op). Removals and
//! `PurgeField` strip the keys they remove, so no digest outlives its entry.

use crate::errors::map;
use gembok_store::StoreError;
use gembok_types::RecordId;

use gembok_store::index_keys::decode;
pub(crate) use gembok_store::index_keys::encode_into;
use rusqlite::{params, Connection, OptionalExtension};

/// How many key lists `PurgeField` reads per query.
const PURGE_BATCH: i64 = 500;

/// Add encoded pairs to a record's list, creating it if needed.
pub(crate) fn append(conn: &Connection, record: RecordId, keys: &[u8]) -> Result<(), StoreError> {
    // `||` joins byte for byte (lengths, not NUL terminators) and yields TEXT; the
    // CAST gives the same bytes back as a BLOB.
    conn.prepare_cached(
        "INSERT INTO index_keys (record_id, keys) VALUES (?1, ?2)
         ON CONFLICT (record_id) DO UPDATE SET keys = CAST(keys || excluded.keys AS BLOB)",
    )
    .and_then(|mut s| s.execute(params![&record.as_bytes()[..], keys]))
    .map(drop)
    .map_err(map)
}

fn load(conn: &Connection, record: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    conn.prepare_cached("SELECT keys FROM index_keys WHERE record_id = ?1")
        .and_then(|mut s| s.query_row([record], |r| r.get(0)).optional())
        .map_err(map)
}

/// Write a record's list back, dropping the row when nothing is left.
fn store(conn: &Connection, record: &[u8], keys: &[u8]) -> Result<(), StoreError> {
    let (sql, args) = if keys.is_empty() {
        (
            "DELETE FROM index_keys WHERE record_id = ?1",
            params![record],
        )
    } else {
        (
            "UPDATE index_keys SET keys = ?2 WHERE record_id = ?1",
            params![record, keys],
        )
    };
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(args))
        .map(drop)
        .map_err(map)
}

/// Rewrite one stored list without the pairs whose field id `remove` selects. Returns
/// whether anything changed; with `delete_entries`, also removes those entries from
/// `blind_index`.
fn strip(
    conn: &Connection,
    record: &[u8],
    blob: &[u8],
    remove: &dyn Fn(i64) -> bool,
    delete_entries: bool,
) -> Result<bool, StoreError> {
    let mut kept = Vec::with_capacity(blob.len());
    let mut changed = false;
    for (field_id, digest) in decode(blob)? {
        if !remove(field_id) {
            encode_into(&mut kept, field_id, digest)?;
            continue;
        }
        changed = true;
        if delete_entries {
            conn.prepare_cached(
                "DELETE FROM blind_index WHERE field_id = ?1 AND digest = ?2 AND record_id = ?3",
            )
            .and_then(|mut s| s.execute(params![field_id, digest, record]))
            .map_err(map)?;
        }
    }
    if changed {
        store(conn, record, &kept)?;
    }
    Ok(changed)
}

/// Remove a record's entries whose field id `remove` selects, and their keys.
pub(crate) fn remove_entries(
    conn: &Connection,
    record: RecordId,
    remove: &dyn Fn(i64) -> bool,
) -> Result<(), StoreError> {
    let key = &record.as_bytes()[..];
    match load(conn, key)? {
        Some(blob) => strip(conn, key, &blob, remove, true).map(|_| ()),
        None => Ok(()),
    }
}

/// Strip one field id from every list, after its entries were deleted in bulk.
pub(crate) fn forget_field(conn: &Connection, field_id: i64) -> Result<(), StoreError> {
    let mut after: Vec<u8> = Vec::new();
    loop {
        let batch: Vec<(Vec<u8>, Vec<u8>)> = {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT record_id, keys FROM index_keys WHERE record_id > ?1
                     ORDER BY record_id LIMIT ?2",
                )
                .map_err(map)?;
            let rows = stmt
                .query_map(params![after, PURGE_BATCH], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(map)?;
            rows.collect::<rusqlite::Result<_>>().map_err(map)?
        };
        let Some((last, _)) = batch.last() else {
            return Ok(());
        };
        after = last.clone();
        for (record, blob) in &batch {
            strip(conn, record, blob, &|id| id == field_id, false)?;
        }
    }
}
