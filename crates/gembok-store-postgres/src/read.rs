//! Queries behind the read half of the [`gembok_store::Store`] trait. Each is one
//! statement (so one snapshot) on a pooled connection, and every stored value is
//! checked on its way back into Rust types.

use crate::errors::{limit, record_id, version, Failure};
use crate::session::Sql;
use gembok_store::{codec, KeyRecord, RecordMeta, SchemaVersion, SealedRecord};
use gembok_types::RecordId;
use postgres::Row;
use std::collections::HashMap;

/// Reads `id, subject, created_at, updated_at, min_key_version` of a row.
pub(crate) fn meta(row: &Row, collection: &str) -> Result<RecordMeta, Failure> {
    Ok(RecordMeta {
        collection: collection.to_owned(),
        id: record_id(row.try_get(0)?)?,
        subject: record_id(row.try_get(1)?)?,
        created_at: row.try_get(2)?,
        updated_at: row.try_get(3)?,
        min_key_version: version(row.try_get(4)?)?,
    })
}

/// A whole record: the metadata columns then `fields` at index 5.
pub(crate) fn record(
    row: &Row,
    collection: &str,
    wanted: Option<&[&str]>,
) -> Result<SealedRecord, Failure> {
    let meta = meta(row, collection)?;
    let fields = codec::decode_selected(row.try_get(5)?, wanted)?;
    Ok(SealedRecord { meta, fields })
}

pub(crate) fn get(
    conn: &mut impl Sql,
    collection: &str,
    ids: &[RecordId],
    wanted: Option<&[&str]>,
) -> Result<Vec<SealedRecord>, Failure> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<&[u8]> = ids.iter().map(|id| &id.as_bytes()[..]).collect();
    let rows = conn.query(
        "SELECT id, subject, created_at, updated_at, min_key_version, fields
         FROM records WHERE collection = $1 AND id = ANY($2)",
        &[&collection, &keys],
    )?;
    let mut found: HashMap<RecordId, SealedRecord> = HashMap::with_capacity(rows.len());
    for row in &rows {
        let rec = record(row, collection, wanted)?;
        found.insert(rec.meta.id, rec);
    }
    // The answer follows `ids`, repeats included, as the trait asks.
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

/// The lowest possible cursor: an empty BYTEA sorts before every 16-byte id.
fn cursor(after: Option<RecordId>) -> Vec<u8> {
    after.map(|id| id.as_bytes().to_vec()).unwrap_or_default()
}

pub(crate) fn list(
    conn: &mut impl Sql,
    collection: &str,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<RecordMeta>, Failure> {
    let rows = conn.query(
        "SELECT id, subject, created_at, updated_at, min_key_version
         FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3",
        &[&collection, &cursor(after), &limit(max)],
    )?;
    rows.iter().map(|r| meta(r, collection)).collect()
}

pub(crate) fn below_key_version(
    conn: &mut impl Sql,
    collection: &str,
    below: u32,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<SealedRecord>, Failure> {
    let rows = conn.query(
        "SELECT id, subject, created_at, updated_at, min_key_version, fields
         FROM records WHERE collection = $1 AND min_key_version < $2 AND id > $3
         ORDER BY id LIMIT $4",
        &[&collection, &i64::from(below), &cursor(after), &limit(max)],
    )?;
    rows.iter().map(|r| record(r, collection, None)).collect()
}

pub(crate) fn count(conn: &mut impl Sql, collection: &str) -> Result<u64, Failure> {
    let rows = conn.query(
        "SELECT count(*) FROM records WHERE collection = $1",
        &[&collection],
    )?;
    let n: i64 = rows[0].try_get(0)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(crate) fn keys(conn: &mut impl Sql) -> Result<Vec<KeyRecord>, Failure> {
    let rows = conn.query(
        "SELECT purpose, version, wrapped, created_at FROM keys ORDER BY purpose, version",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(KeyRecord {
                purpose: r.try_get(0)?,
                version: version(r.try_get(1)?)?,
                wrapped: r.try_get(2)?,
                created_at: r.try_get(3)?,
            })
        })
        .collect()
}

pub(crate) fn schemas(conn: &mut impl Sql) -> Result<Vec<SchemaVersion>, Failure> {
    let rows = conn.query(
        "SELECT version, document, applied_at FROM schemas ORDER BY version",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(SchemaVersion {
                version: version(r.try_get(0)?)?,
                document: r.try_get(1)?,
                applied_at: r.try_get(2)?,
            })
        })
        .collect()
}

/// One BYTEA value of the first row, if there is a row.
fn first_bytes(rows: &[Row]) -> Result<Option<Vec<u8>>, Failure> {
    match rows.first() {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

pub(crate) fn setting(conn: &mut impl Sql, name: &str) -> Result<Option<Vec<u8>>, Failure> {
    first_bytes(&conn.query("SELECT value FROM settings WHERE name = $1", &[&name])?)
}

pub(crate) fn doc(conn: &mut impl Sql, kind: &str, id: &str) -> Result<Option<Vec<u8>>, Failure> {
    first_bytes(&conn.query(
        "SELECT body FROM docs WHERE kind = $1 AND id = $2",
        &[&kind, &id],
    )?)
}

/// Every document of a kind, in id order (the "C" collation compares bytes).
pub(crate) fn docs(conn: &mut impl Sql, kind: &str) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let rows = conn.query(
        "SELECT id, body FROM docs WHERE kind = $1 ORDER BY id",
        &[&kind],
    )?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Record ids whose blind index for (collection, field) equals `digest`.
pub(crate) fn find(
    conn: &mut impl Sql,
    collection: &str,
    field: &str,
    digest: &[u8],
) -> Result<Vec<RecordId>, Failure> {
    let rows = conn.query(
        "SELECT record_id FROM blind_index
         WHERE field_id = (SELECT id FROM index_fields WHERE collection = $1 AND field = $2)
           AND digest = $3
         ORDER BY record_id",
        &[&collection, &field, &digest],
    )?;
    rows.iter().map(|r| Ok(record_id(r.try_get(0)?)?)).collect()
}

/// The records the index maps (field, digest) to, joined in the same statement;
/// entries whose record does not exist in `collection` are skipped by the join.
pub(crate) fn find_records(
    conn: &mut impl Sql,
    collection: &str,
    field: &str,
    digest: &[u8],
    wanted: Option<&[&str]>,
) -> Result<Vec<SealedRecord>, Failure> {
    let rows = conn.query(
        "SELECT r.id, r.subject, r.created_at, r.updated_at, r.min_key_version, r.fields
         FROM blind_index AS b
         JOIN records AS r ON r.collection = $1 AND r.id = b.record_id
         WHERE b.field_id = (SELECT id FROM index_fields WHERE collection = $1 AND field = $2)
           AND b.digest = $3
         ORDER BY b.record_id",
        &[&collection, &field, &digest],
    )?;
    rows.iter().map(|r| record(r, collection, wanted)).collect()
}
