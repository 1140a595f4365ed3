//! Queries behind the read half of the [`gembok_store::Store`] trait. Each function
//! takes a (read-only) connection from the pool and checks every stored value it turns
//! back into Rust types.

use crate::errors::{limit, map, record_id, version};
use gembok_store::{codec, KeyRecord, RecordMeta, SchemaVersion, SealedRecord, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The record columns as SQLite returns them, before any checking.
pub(crate) struct RawRecord {
    id: Vec<u8>,
    subject: Vec<u8>,
    created_at: i64,
    updated_at: i64,
    min_key_version: i64,
    fields: Vec<u8>,
}

/// Reads `id, subject, created_at, updated_at, min_key_version[, fields]`.
pub(crate) fn raw(row: &Row<'_>, with_fields: bool) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        id: row.get(0)?,
        subject: row.get(1)?,
        created_at: row.get(2)?,
        updated_at: row.get(3)?,
        min_key_version: row.get(4)?,
        fields: if with_fields { row.get(5)? } else { Vec::new() },
    })
}

impl RawRecord {
    pub(crate) fn meta(&mut self, collection: &str) -> Result<RecordMeta, StoreError> {
        Ok(RecordMeta {
            collection: collection.to_owned(),
            id: record_id(std::mem::take(&mut self.id))?,
            subject: record_id(std::mem::take(&mut self.subject))?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            min_key_version: version(self.min_key_version)?,
        })
    }

    pub(crate) fn record(
        mut self,
        collection: &str,
        wanted: Option<&[&str]>,
    ) -> Result<SealedRecord, StoreError> {
        let meta = self.meta(collection)?;
        let fields = codec::decode_selected(&self.fields, wanted)?;
        Ok(SealedRecord { meta, fields })
    }
}

pub(crate) fn get(
    conn: &Connection,
    collection: &str,
    ids: &[RecordId],
    wanted: Option<&[&str]>,
) -> Result<Vec<SealedRecord>, StoreError> {
    // Several ids are read in one snapshot, so the answer is one moment's state. The
    // transaction only reads; dropping it ends it.
    let _snapshot = if ids.len() > 1 {
        crate::connection::one_snapshot(conn)?
    } else {
        None
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, subject, created_at, updated_at, min_key_version, fields
             FROM records WHERE collection = ?1 AND id = ?2",
        )
        .map_err(map)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let found = stmt
            .query_row(params![collection, &id.as_bytes()[..]], |r| raw(r, true))
            .optional()
            .map_err(map)?;
        if let Some(found) = found {
            out.push(found.record(collection, wanted)?);
        }
    }
    Ok(out)
}

/// The lowest possible cursor: an empty blob sorts before every 16-byte id.
fn cursor(after: Option<RecordId>) -> Vec<u8> {
    after.map(|id| id.as_bytes().to_vec()).unwrap_or_default()
}

pub(crate) fn list(
    conn: &Connection,
    collection: &str,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<RecordMeta>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, subject, created_at, updated_at, min_key_version
             FROM records WHERE collection = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )
        .map_err(map)?;
    let rows = stmt
        .query_map(params![collection, cursor(after), limit(max)], |r| {
            raw(r, false)
        })
        .map_err(map)?;
    rows.map(|r| r.map_err(map)?.meta(collection)).collect()
}

pub(crate) fn below_key_version(
    conn: &Connection,
    collection: &str,
    below: u32,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<SealedRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, subject, created_at, updated_at, min_key_version, fields
             FROM records WHERE collection = ?1 AND min_key_version < ?2 AND id > ?3
             ORDER BY id LIMIT ?4",
        )
        .map_err(map)?;
    let rows = stmt
        .query_map(params![collection, below, cursor(after), limit(max)], |r| {
            raw(r, true)
        })
        .map_err(map)?;
    rows.map(|r| r.map_err(map)?.record(collection, None))
        .collect()
}

pub(crate) fn count(conn: &Connection, collection: &str) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM records WHERE collection = ?1")
        .and_then(|mut s| s.query_row([collection], |r| r.get(0)))
        .map_err(map)?;
    u64::try_from(n).map_err(|_| StoreError::Integrity("negative record count"))
}

pub(crate) fn keys(conn: &Connection) -> Result<Vec<KeyRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT purpose, version, wrapped, created_at FROM keys ORDER BY purpose, version",
        )
        .map_err(map)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(map)?;
    rows.map(|row| {
        let (purpose, v, wrapped, created_at) = row.map_err(map)?;
        Ok(KeyRecord {
            purpose,
            version: version(v)?,
            wrapped,
            created_at,
        })
    })
    .collect()
}

pub(crate) fn schemas(conn: &Connection) -> Result<Vec<SchemaVersion>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT version, document, applied_at FROM schemas ORDER BY version")
        .map_err(map)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))
        .map_err(map)?;
    rows.map(|row| {
        let (v, document, applied_at) = row.map_err(map)?;
        Ok(SchemaVersion {
            version: version(v)?,
            document,
            applied_at,
        })
    })
    .collect()
}

pub(crate) fn setting(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    conn.prepare_cached("SELECT value FROM settings WHERE name = ?1")
        .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional())
        .map_err(map)
}

pub(crate) fn check_integrity(conn: &Connection) -> Result<(), StoreError> {
    let mut verdict = Vec::new();
    conn.pragma_query(None, "integrity_check", |r| {
        verdict.push(r.get::<_, String>(0)?);
        Ok(())
    })
    .map_err(map)?;
    if verdict.len() == 1 && verdict[0] == "ok" {
        Ok(())
    } else {
        Err(StoreError::Integrity("PRAGMA integrity_check found damage"))
    }
}
