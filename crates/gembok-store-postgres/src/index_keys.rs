//! Each record's list of its own blind-index keys (the `index_keys` table), so that
//! deleting a record removes its entries without a second index on `blind_index`.
//!
//! The list format is the SQLite backend's: per entry the field id in 4 bytes and
//! the digest length in 2 bytes, both big-endian, then the digest. The list is a
//! superset of the record's entries; removals strip the keys they remove, so no
//! digest outlives its entry.

use crate::errors::Failure;
use crate::session::Sql;
use gembok_store::StoreError;
use gembok_types::RecordId;

/// How many key lists `PurgeField` reads per query.
const PURGE_BATCH: i64 = 500;

/// Append one (field id, digest) pair to an encoded list.
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

/// Add encoded pairs to the lists of several records (each named once), in one
/// statement.
pub(crate) fn append(tx: &mut impl Sql, lists: &[(&[u8], Vec<u8>)]) -> Result<(), Failure> {
    if lists.is_empty() {
        return Ok(());
    }
    let records: Vec<&[u8]> = lists.iter().map(|(r, _)| *r).collect();
    let keys: Vec<&[u8]> = lists.iter().map(|(_, k)| k.as_slice()).collect();
    tx.execute(
        "INSERT INTO index_keys (record_id, keys)
         SELECT * FROM unnest($1::BYTEA[], $2::BYTEA[])
         ON CONFLICT (record_id) DO UPDATE SET keys = index_keys.keys || excluded.keys",
        &[&records, &keys],
    )?;
    Ok(())
}

/// Rewrite one stored list without the pairs `remove` selects; with `delete_entries`
/// also delete those entries from `blind_index`, in one statement.
fn strip(
    tx: &mut impl Sql,
    record: &[u8],
    blob: &[u8],
    remove: &dyn Fn(i64) -> bool,
    delete_entries: bool,
) -> Result<(), Failure> {
    let mut kept = Vec::with_capacity(blob.len());
    let mut gone_ids = Vec::new();
    let mut gone_digests: Vec<&[u8]> = Vec::new();
    for (field_id, digest) in decode(blob)? {
        if remove(field_id) {
            gone_ids.push(field_id);
            gone_digests.push(digest);
        } else {
            encode_into(&mut kept, field_id, digest)?;
        }
    }
    if gone_ids.is_empty() {
        return Ok(());
    }
    if delete_entries {
        tx.execute(
            "DELETE FROM blind_index AS b
             USING unnest($1::BIGINT[], $2::BYTEA[]) AS g(field_id, digest)
             WHERE b.field_id = g.field_id AND b.digest = g.digest AND b.record_id = $3",
            &[&gone_ids, &gone_digests, &record],
        )?;
    }
    if kept.is_empty() {
        tx.execute("DELETE FROM index_keys WHERE record_id = $1", &[&record])?;
    } else {
        tx.execute(
            "UPDATE index_keys SET keys = $2 WHERE record_id = $1",
            &[&record, &kept],
        )?;
    }
    Ok(())
}

/// Remove a record's entries whose field id `remove` selects, and their keys.
pub(crate) fn remove_entries(
    tx: &mut impl Sql,
    record: RecordId,
    remove: &dyn Fn(i64) -> bool,
) -> Result<(), Failure> {
    let key = &record.as_bytes()[..];
    let rows = tx.query("SELECT keys FROM index_keys WHERE record_id = $1", &[&key])?;
    match rows.first() {
        Some(row) => {
            let blob: Vec<u8> = row.try_get(0)?;
            strip(tx, key, &blob, remove, true)
        }
        None => Ok(()),
    }
}

/// Strip one field id from every list, after its entries were deleted in bulk.
pub(crate) fn forget_field(tx: &mut impl Sql, field_id: i64) -> Result<(), Failure> {
    let mut after: Vec<u8> = Vec::new();
    loop {
        let rows = tx.query(
            "SELECT record_id, keys FROM index_keys WHERE record_id > $1
             ORDER BY record_id LIMIT $2",
            &[&after, &PURGE_BATCH],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get(0)?;
        for row in &rows {
            let record: Vec<u8> = row.try_get(0)?;
            let blob: Vec<u8> = row.try_get(1)?;
            strip(tx, &record, &blob, &|id| id == field_id, false)?;
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
        let expected: Vec<(i64, &[u8])> = digests
            .iter()
            .enumerate()
            .map(|(i, d)| (i as i64 * 70_000, *d))
            .collect();
        assert_eq!(decode(&blob).unwrap(), expected);
    }

    #[test]
    fn truncated_lists_and_out_of_range_values_are_refused() {
        let mut blob = Vec::new();
        encode_into(&mut blob, 3, b"digest").unwrap();
        for cut in 1..blob.len() {
            assert!(
                matches!(decode(&blob[..cut]), Err(StoreError::Integrity(_))),
                "cut at {cut}"
            );
        }
        let mut out = Vec::new();
        assert!(encode_into(&mut out, -1, b"d").is_err());
        assert!(encode_into(&mut out, 1 << 33, b"d").is_err());
        assert!(encode_into(&mut out, 1, &vec![0; 70_000]).is_err());
        assert!(out.is_empty());
    }
}
