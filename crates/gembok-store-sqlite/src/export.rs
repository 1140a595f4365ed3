//! The walks that make the whole database readable through the trait, for copying a
//! vault to another backend: every setting, the document kinds, the collections in
//! use and each collection's blind-index entries in (field, digest, record) order.
//!
//! Distinct names are found by skipping along an index (`min(x) WHERE x > previous`,
//! one seek each) rather than by scanning `records`, whose rows carry every sealed
//! field. Index entries are read one field at a time by primary-key range, because
//! `field_id`s are numbered in creation order, not in name order.

use crate::errors::{limit, map, record_id};
use gembok_store::{IndexEntry, StoreError};
use rusqlite::{params, Connection};

pub(crate) fn settings(conn: &Connection) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT name, value FROM settings ORDER BY name")
        .map_err(map)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(map)?;
    rows.collect::<rusqlite::Result<_>>().map_err(map)
}

/// The distinct values of `column` in byte order, one index seek each.
fn distinct(conn: &Connection, sql: &'static str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map)?;
    let rows = stmt.query_map([], |r| r.get(0)).map_err(map)?;
    rows.collect::<rusqlite::Result<_>>().map_err(map)
}

pub(crate) fn doc_kinds(conn: &Connection) -> Result<Vec<String>, StoreError> {
    distinct(
        conn,
        "WITH RECURSIVE k(x) AS (
             SELECT min(kind) FROM docs
             UNION ALL
             SELECT (SELECT min(kind) FROM docs WHERE kind > k.x) FROM k WHERE k.x IS NOT NULL
         ) SELECT x FROM k WHERE x IS NOT NULL",
    )
}

/// Collections with a record, merged with those whose indexed fields have an entry
/// (`index_fields` keeps a pair after its last entry is gone, so it alone is not
/// enough).
pub(crate) fn collections(conn: &Connection) -> Result<Vec<String>, StoreError> {
    // Both statements in one snapshot; the transaction only reads.
    let _snapshot = crate::connection::one_snapshot(conn)?;
    let mut out = distinct(
        conn,
        "WITH RECURSIVE c(x) AS (
             SELECT min(collection) FROM records
             UNION ALL
             SELECT (SELECT min(collection) FROM records WHERE collection > c.x)
             FROM c WHERE c.x IS NOT NULL
         ) SELECT x FROM c WHERE x IS NOT NULL",
    )?;
    out.extend(distinct(
        conn,
        "SELECT DISTINCT f.collection FROM index_fields AS f
         WHERE EXISTS (SELECT 1 FROM blind_index AS b WHERE b.field_id = f.id)",
    )?);
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

pub(crate) fn index_entries(
    conn: &Connection,
    collection: &str,
    after: Option<&IndexEntry>,
    max: usize,
) -> Result<Vec<IndexEntry>, StoreError> {
    // One snapshot for the field list and every page read below.
    let _snapshot = crate::connection::one_snapshot(conn)?;
    let fields: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, field FROM index_fields WHERE collection = ?1 AND field >= ?2
                 ORDER BY field",
            )
            .map_err(map)?;
        let from = after.map_or("", |a| a.field.as_str());
        let rows = stmt
            .query_map(params![collection, from], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(map)?;
        rows.collect::<rusqlite::Result<_>>().map_err(map)?
    };
    // Inside the cursor's field: entries after (digest, record); later fields: all.
    let mut first = conn
        .prepare_cached(
            "SELECT digest, record_id FROM blind_index
             WHERE field_id = ?1 AND (digest > ?2 OR (digest = ?2 AND record_id > ?3))
             ORDER BY digest, record_id LIMIT ?4",
        )
        .map_err(map)?;
    let mut rest = conn
        .prepare_cached(
            "SELECT digest, record_id FROM blind_index WHERE field_id = ?1
             ORDER BY digest, record_id LIMIT ?2",
        )
        .map_err(map)?;
    let mut out = Vec::new();
    for (field_id, field) in fields {
        let want = max.saturating_sub(out.len());
        if want == 0 {
            break;
        }
        let rows: Vec<(Vec<u8>, Vec<u8>)> = match after.filter(|a| a.field == field) {
            Some(a) => first
                .query_map(
                    params![field_id, a.digest, &a.record.as_bytes()[..], limit(want)],
                    |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)),
                )
                .and_then(Iterator::collect),
            None => rest
                .query_map(params![field_id, limit(want)], |r| {
                    Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .and_then(Iterator::collect),
        }
        .map_err(map)?;
        for (digest, record) in rows {
            out.push(IndexEntry {
                collection: collection.to_owned(),
                field: field.clone(),
                digest,
                record: record_id(record)?,
            });
        }
    }
    Ok(out)
}
