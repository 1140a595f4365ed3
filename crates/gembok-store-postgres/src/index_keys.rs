//! Each record's list of its own blind-index keys (the `index_keys` table), so that
//! deleting a record removes its entries without a second index on `blind_index`.
//!
//! The list format is [`gembok_store::index_keys`], the same as SQLite's. The list
//! is a superset of the record's entries; removals strip the keys they remove, so no
//! digest outlives its entry.

use crate::errors::Failure;
use crate::session::Sql;
use gembok_types::RecordId;

use gembok_store::index_keys::decode;
pub(crate) use gembok_store::index_keys::encode_into;

/// How many key lists `PurgeField` reads per query.
const PURGE_BATCH: i64 = 500;

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
