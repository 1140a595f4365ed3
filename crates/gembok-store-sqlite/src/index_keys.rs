//! Each record's list of its own blind-index keys, so its entries can be removed
//! without a second index on `blind_index`.
//!
//! Deleting a record must remove its entries, but the store never knows the digests
//! on its own, and the `blind_index` key starts with the digest. A secondary index on
//! `record_id` would answer that, at the price of a second B-tree insert for every
//! entry; measured, that was a quarter of `apply` for a batch of new records. Instead
//! the `index_keys` table holds one row per record: the (field id, digest) pairs of
//! its entries, appended when entries are written, so an insert adds one row per
//! record to a table that grows in id order.
//!
//! The list is a superset of the record's entries: an entry is always listed, and a
//! listed key without its entry is harmless (deleting it is a no-op). Removals and
//! `PurgeField` strip the keys they remove, so no digest outlives its entry.

use crate::errors::map;
use gembok_store::StoreError;
use gembok_types::RecordId;
use rusqlite::{params, Connection, OptionalExtension};

/// How many key lists `PurgeField` reads per query.
const PURGE_BATCH: i64 = 500;

/// Append one (field id, digest) pair: the id as 4 bytes and the digest length as 2
/// bytes, both big-endian, then the digest.
pub(crate) fn encode_into(
    out: &mut Vec<u8>,
    field_id: i64,
    digest: &[u8],
) -> Result<(), StoreError> {
    let id = u32::try_from(field_id)
        .map_err(|_| StoreError::Backend("index field id out of range".into()))?;
    let len = u16::try_from(digest.len())
        .map_err(|_| StoreError::Backend("blind-index digest longer than 65535 bytes".into()))?;
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(digest);
    Ok(())
}

/// The pairs of a stored list, in stored order.
pub(crate) fn decode(mut blob: &[u8]) -> Result<Vec<(i64, &[u8])>, StoreError> {
    const BAD: StoreError = StoreError::Integrity("malformed index key list");
    let mut out = Vec::new();
    while !blob.is_empty() {
        let (head, rest) = blob.split_at_checked(6).ok_or(BAD)?;
        let id = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let len = usize::from(u16::from_be_bytes([head[4], head[5]]));
        let (digest, rest) = rest.split_at_checked(len).ok_or(BAD)?;
        out.push((i64::from(id), digest));
        blob = rest;
    }
    Ok(out)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip_with_any_bytes() {
        let digests: [&[u8]; 4] = [b"", b"\x00", b"\x00\xff\x00", &[0xab; 300]];
        let mut blob = Vec::new();
        for (i, d) in digests.iter().enumerate() {
            encode_into(&mut blob, i as i64 * 70_000, d).unwrap();
        }
        let decoded = decode(&blob).unwrap();
        let expected: Vec<(i64, &[u8])> = digests
            .iter()
            .enumerate()
            .map(|(i, d)| (i as i64 * 70_000, *d))
            .collect();
        assert_eq!(decoded, expected);
    }

    #[test]
    fn truncated_lists_are_integrity_errors() {
        let mut blob = Vec::new();
        encode_into(&mut blob, 3, b"digest").unwrap();
        for cut in 1..blob.len() {
            assert!(
                matches!(decode(&blob[..cut]), Err(StoreError::Integrity(_))),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut blob = Vec::new();
        assert!(encode_into(&mut blob, -1, b"d").is_err());
        assert!(encode_into(&mut blob, 1 << 33, b"d").is_err());
        assert!(encode_into(&mut blob, 1, &vec![0; 70_000]).is_err());
        assert!(blob.is_empty());
    }
}
