//! The write half of the store: every [`Mutation`] as SQL, run inside the one
//! `IMMEDIATE` transaction that [`crate::SqliteStore`] opens for a whole slice.

use crate::audit_write;
use crate::blind::{self, IndexWriter};
use crate::docs;
use crate::errors::{map, map_conflict, record_id};
use crate::field_ids::FieldIds;
use gembok_store::{codec, KeyRecord, Mutation, SchemaVersion, SealedRecord};
use gembok_store::{SealedField, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection, OptionalExtension};

/// How many records `PurgeField` rewrites per query, bounding the memory it holds.
const PURGE_BATCH: usize = 500;

/// Apply a slice of mutations on a connection that is inside a write transaction.
/// Blind-index entries are held back and written in key order (see [`crate::blind`]);
/// with `stage`, which the caller sets only for a slice that
/// [`crate::blind_staged::stageable`] accepts, into `blind_staged`. Otherwise staged
/// entries are merged into the index first, so this slice sees every entry. Returns
/// the field ids resolved from the database, for the store to cache once the
/// transaction has committed.
pub(crate) fn apply_all(
    conn: &Connection,
    field_ids: &FieldIds,
    mutations: &[Mutation],
    stage: bool,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    if !stage {
        crate::blind_staged::merge(conn)?;
    }
    let mut index = IndexWriter::new(field_ids, stage);
    let mut appends = audit_write::Appends::default();
    for mutation in mutations {
        apply_one(conn, &mut index, &mut appends, mutation)?;
    }
    index.flush(conn)?;
    appends.finish(conn)?;
    Ok(index.into_learned())
}

/// Apply one mutation. Those that remove index entries first flush the held ones.
fn apply_one<'m>(
    conn: &Connection,
    index: &mut IndexWriter<'_, 'm>,
    appends: &mut audit_write::Appends,
    mutation: &'m Mutation,
) -> Result<(), StoreError> {
    match mutation {
        Mutation::Insert(record) => insert(conn, record),
        Mutation::UpdateFields {
            collection,
            id,
            set,
            remove,
            updated_at,
        } => update_fields(conn, collection, *id, set, remove, *updated_at),
        Mutation::Delete { collection, id } => {
            index.flush(conn)?;
            delete(conn, collection, *id)
        }
        Mutation::PutIndex(entry) => index.put(conn, entry),
        Mutation::DeleteIndex {
            collection,
            field,
            record,
        } => {
            index.flush(conn)?;
            blind::delete_record_field(conn, collection, field, *record)
        }
        Mutation::PutKey(key) => put_key(conn, key),
        Mutation::RewrapKey {
            purpose,
            version,
            wrapped,
        } => expect_one(execute(
            conn,
            "UPDATE keys SET wrapped = ?3 WHERE purpose = ?1 AND version = ?2",
            params![purpose, version, wrapped],
        )?),
        Mutation::DeleteKey { purpose, version } => expect_one(execute(
            conn,
            "DELETE FROM keys WHERE purpose = ?1 AND version = ?2",
            params![purpose, version],
        )?),
        Mutation::PutSchema(schema) => put_schema(conn, schema),
        Mutation::PurgeField { collection, field } => {
            index.flush(conn)?;
            purge_field(conn, collection, field)
        }
        Mutation::PutSetting { name, value } => execute(
            conn,
            "INSERT INTO settings (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )
        .map(drop),
        Mutation::PutDoc { kind, id, body } => docs::put(conn, kind, id, body),
        Mutation::PutDocIf {
            kind,
            id,
            body,
            expected,
        } => docs::put_if(conn, kind, id, body, expected.as_deref()),
        Mutation::DeleteDoc { kind, id } => docs::delete(conn, kind, id),
        Mutation::AppendAudit(row) => appends.append(conn, row),
        Mutation::PutAuditCheckpoint(checkpoint) => audit_write::put_checkpoint(conn, checkpoint),
        Mutation::PruneAudit { through } => audit_write::prune(conn, *through),
    }
}

fn execute(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(map)
}

/// Updates and deletes name an existing row; touching none means it was not there.
fn expect_one(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

fn insert(conn: &Connection, record: &SealedRecord) -> Result<(), StoreError> {
    let meta = &record.meta;
    let blob = codec::encode(&record.fields)?;
    conn.prepare_cached(
        "INSERT INTO records
         (collection, id, subject, created_at, updated_at, min_key_version, fields)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            meta.collection,
            &meta.id.as_bytes()[..],
            &meta.subject.as_bytes()[..],
            meta.created_at,
            meta.updated_at,
            meta.min_key_version,
            blob,
        ])
    })
    .map(drop)
    .map_err(map_conflict("a record with this id already exists"))
}

fn stored_fields(
    conn: &Connection,
    collection: &str,
    id: RecordId,
) -> Result<Option<Vec<SealedField>>, StoreError> {
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT fields FROM records WHERE collection = ?1 AND id = ?2")
        .and_then(|mut s| {
            s.query_row(params![collection, &id.as_bytes()[..]], |r| r.get(0))
                .optional()
        })
        .map_err(map)?;
    blob.map(|b| codec::decode(&b)).transpose()
}

/// Write a record's new field list with its recomputed `min_key_version`.
fn store_fields(
    conn: &Connection,
    collection: &str,
    id: RecordId,
    fields: &[SealedField],
    updated_at: Option<i64>,
) -> Result<(), StoreError> {
    let blob = codec::encode(fields)?;
    let min = codec::min_key_version(fields);
    let changed = execute(
        conn,
        "UPDATE records SET fields = ?3, min_key_version = ?4,
             updated_at = coalesce(?5, updated_at)
         WHERE collection = ?1 AND id = ?2",
        params![collection, &id.as_bytes()[..], blob, min, updated_at],
    )?;
    expect_one(changed)
}

fn update_fields(
    conn: &Connection,
    collection: &str,
    id: RecordId,
    set: &[SealedField],
    remove: &[String],
    updated_at: i64,
) -> Result<(), StoreError> {
    let stored = stored_fields(conn, collection, id)?.ok_or(StoreError::NotFound)?;
    let merged = codec::merge(stored, set, remove)?;
    store_fields(conn, collection, id, &merged, Some(updated_at))
}

fn delete(conn: &Connection, collection: &str, id: RecordId) -> Result<(), StoreError> {
    let key = &id.as_bytes()[..];
    expect_one(execute(
        conn,
        "DELETE FROM records WHERE collection = ?1 AND id = ?2",
        params![collection, key],
    )?)?;
    blind::delete_record(conn, collection, id)
}

fn put_key(conn: &Connection, key: &KeyRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO keys (purpose, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            key.purpose,
            key.version,
            key.wrapped,
            key.created_at
        ])
    })
    .map(drop)
    .map_err(map_conflict("this key version already exists"))
}

fn put_schema(conn: &Connection, schema: &SchemaVersion) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO schemas (version, document, applied_at) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![schema.version, schema.document, schema.applied_at]))
        .map(drop)
        .map_err(map_conflict("this schema version already exists"))
}

/// Drop one field from every record of a collection, in id-ordered batches so a large
/// collection is never held in memory at once, then drop the field's index entries.
fn purge_field(conn: &Connection, collection: &str, field: &str) -> Result<(), StoreError> {
    let remove = [field.to_owned()];
    let mut after: Vec<u8> = Vec::new();
    loop {
        let batch: Vec<(Vec<u8>, Vec<u8>)> = {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, fields FROM records WHERE collection = ?1 AND id > ?2
                     ORDER BY id LIMIT ?3",
                )
                .map_err(map)?;
            let rows = stmt
                .query_map(params![collection, after, PURGE_BATCH as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(map)?;
            rows.collect::<rusqlite::Result<_>>().map_err(map)?
        };
        let Some((last, _)) = batch.last() else { break };
        after = last.clone();
        for (id, blob) in batch {
            let fields = codec::decode(&blob)?;
            if fields.iter().any(|f| f.name == field) {
                let kept = codec::merge(fields, &[], &remove)?;
                store_fields(conn, collection, record_id(id)?, &kept, None)?;
            }
        }
    }
    blind::delete_field(conn, collection, field)
}
