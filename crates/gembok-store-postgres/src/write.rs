//! The write half of the store: every [`Mutation`] as SQL, run inside the one
//! SERIALIZABLE transaction that [`crate::PostgresStore`]'s `apply` opens (and may
//! repeat) for a whole slice.

use crate::audit;
use crate::blind::{self, IndexWriter};
use crate::errors::{conflict_on_unique, record_id, Failure};
use crate::field_ids::FieldIds;
use crate::session::Sql;
use gembok_store::{codec, KeyRecord, Mutation, SealedField, SealedRecord, StoreError};
use gembok_types::RecordId;

/// How many records `PurgeField` rewrites per query, bounding the memory it holds.
const PURGE_BATCH: i64 = 500;

/// Apply a slice of mutations inside a transaction. Returns the field ids resolved
/// from the database, for the store to cache once the transaction has committed.
pub(crate) fn apply_all(
    tx: &mut impl Sql,
    field_ids: &FieldIds,
    mutations: &[Mutation],
) -> Result<Vec<(String, String, i64)>, Failure> {
    let mut index = IndexWriter::new(field_ids);
    for mutation in mutations {
        apply_one(tx, &mut index, mutation)?;
    }
    index.flush(tx)?;
    Ok(index.into_learned())
}

fn apply_one<'m, S: Sql>(
    tx: &mut S,
    index: &mut IndexWriter<'_, 'm>,
    mutation: &'m Mutation,
) -> Result<(), Failure> {
    match mutation {
        Mutation::Insert(record) => insert(tx, record),
        Mutation::UpdateFields {
            collection,
            id,
            set,
            remove,
            updated_at,
        } => {
            let stored = stored_fields(tx, collection, *id)?.ok_or(StoreError::NotFound)?;
            let merged = codec::merge(stored, set, remove)?;
            store_fields(tx, collection, *id, &merged, Some(*updated_at))
        }
        Mutation::Delete { collection, id } => {
            index.flush(tx)?;
            let key = &id.as_bytes()[..];
            expect_one(tx.execute(
                "DELETE FROM records WHERE collection = $1 AND id = $2",
                &[collection, &key],
            )?)?;
            blind::delete_record(tx, collection, *id)
        }
        Mutation::PutIndex(entry) => index.put(tx, entry),
        Mutation::DeleteIndex {
            collection,
            field,
            record,
        } => {
            index.flush(tx)?;
            blind::delete_record_field(tx, collection, field, *record)
        }
        Mutation::PutKey(key) => put_key(tx, key),
        Mutation::RewrapKey {
            purpose,
            version,
            wrapped,
        } => expect_one(tx.execute(
            "UPDATE keys SET wrapped = $3 WHERE purpose = $1 AND version = $2",
            &[purpose, &i64::from(*version), wrapped],
        )?),
        Mutation::DeleteKey { purpose, version } => expect_one(tx.execute(
            "DELETE FROM keys WHERE purpose = $1 AND version = $2",
            &[purpose, &i64::from(*version)],
        )?),
        Mutation::PutSchema(schema) => tx
            .execute(
                "INSERT INTO schemas (version, document, applied_at) VALUES ($1, $2, $3)",
                &[
                    &i64::from(schema.version),
                    &schema.document,
                    &schema.applied_at,
                ],
            )
            .map(drop)
            .map_err(conflict_on_unique("this schema version already exists")),
        Mutation::PurgeField { collection, field } => {
            index.flush(tx)?;
            purge_field(tx, collection, field)
        }
        Mutation::PutSetting { name, value } => tx
            .execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[name, value],
            )
            .map(drop)
            .map_err(Failure::from),
        Mutation::PutDoc { kind, id, body } => tx
            .execute(
                "INSERT INTO docs (kind, id, body) VALUES ($1, $2, $3)
                 ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                &[kind, id, body],
            )
            .map(drop)
            .map_err(Failure::from),
        Mutation::PutDocIf {
            kind,
            id,
            body,
            expected,
        } => {
            // SERIALIZABLE: when a concurrent transaction updated the row after this
            // one's snapshot, the UPDATE fails with 40001. That is exactly "changed
            // since read", so it is answered as such at once (the caller re-reads)
            // instead of spending the store's retries on a row others keep writing.
            let changed = match expected {
                Some(old) => tx.execute(
                    "UPDATE docs SET body = $3 WHERE kind = $1 AND id = $2 AND body = $4",
                    &[kind, id, body, old],
                ),
                None => tx.execute(
                    "INSERT INTO docs (kind, id, body) VALUES ($1, $2, $3)
                     ON CONFLICT (kind, id) DO NOTHING",
                    &[kind, id, body],
                ),
            }
            .map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::T_R_SERIALIZATION_FAILURE) {
                    Failure::Store(StoreError::Changed)
                } else {
                    Failure::from(e)
                }
            })?;
            if changed == 1 {
                Ok(())
            } else {
                Err(StoreError::Changed.into())
            }
        }
        Mutation::DeleteDoc { kind, id } => tx
            .execute("DELETE FROM docs WHERE kind = $1 AND id = $2", &[kind, id])
            .map(drop)
            .map_err(Failure::from),
        Mutation::AppendAudit(row) => audit::append(tx, row),
        Mutation::PutAuditCheckpoint(checkpoint) => audit::put_checkpoint(tx, checkpoint),
        Mutation::PruneAudit { through } => audit::prune(tx, *through),
    }
}

/// Updates and deletes name an existing row; touching none means it was not there.
fn expect_one(changed: u64) -> Result<(), Failure> {
    if changed == 0 {
        Err(StoreError::NotFound.into())
    } else {
        Ok(())
    }
}

fn insert(tx: &mut impl Sql, record: &SealedRecord) -> Result<(), Failure> {
    let meta = &record.meta;
    let blob = codec::encode(&record.fields)?;
    tx.execute(
        "INSERT INTO records
         (collection, id, subject, created_at, updated_at, min_key_version, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &meta.collection,
            &&meta.id.as_bytes()[..],
            &&meta.subject.as_bytes()[..],
            &meta.created_at,
            &meta.updated_at,
            &i64::from(meta.min_key_version),
            &blob,
        ],
    )
    .map(drop)
    .map_err(conflict_on_unique("a record with this id already exists"))
}

fn stored_fields(
    tx: &mut impl Sql,
    collection: &str,
    id: RecordId,
) -> Result<Option<Vec<SealedField>>, Failure> {
    let rows = tx.query(
        "SELECT fields FROM records WHERE collection = $1 AND id = $2",
        &[&collection, &&id.as_bytes()[..]],
    )?;
    match rows.first() {
        Some(row) => Ok(Some(codec::decode(row.try_get(0)?)?)),
        None => Ok(None),
    }
}

/// Write a record's new field list with its recomputed `min_key_version`.
fn store_fields(
    tx: &mut impl Sql,
    collection: &str,
    id: RecordId,
    fields: &[SealedField],
    updated_at: Option<i64>,
) -> Result<(), Failure> {
    let blob = codec::encode(fields)?;
    let min = i64::from(codec::min_key_version(fields));
    expect_one(tx.execute(
        "UPDATE records SET fields = $3, min_key_version = $4,
             updated_at = coalesce($5, updated_at)
         WHERE collection = $1 AND id = $2",
        &[&collection, &&id.as_bytes()[..], &blob, &min, &updated_at],
    )?)
}

fn put_key(tx: &mut impl Sql, key: &KeyRecord) -> Result<(), Failure> {
    tx.execute(
        "INSERT INTO keys (purpose, version, wrapped, created_at) VALUES ($1, $2, $3, $4)",
        &[
            &key.purpose,
            &i64::from(key.version),
            &key.wrapped,
            &key.created_at,
        ],
    )
    .map(drop)
    .map_err(conflict_on_unique("this key version already exists"))
}

/// Drop one field from every record of a collection, in id-ordered batches, then drop
/// the field's index entries.
fn purge_field(tx: &mut impl Sql, collection: &str, field: &str) -> Result<(), Failure> {
    let remove = [field.to_owned()];
    let mut after: Vec<u8> = Vec::new();
    loop {
        let rows = tx.query(
            "SELECT id, fields FROM records WHERE collection = $1 AND id > $2
             ORDER BY id LIMIT $3",
            &[&collection, &after, &PURGE_BATCH],
        )?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        for row in &rows {
            let fields = codec::decode(row.try_get(1)?)?;
            if fields.iter().any(|f| f.name == field) {
                let kept = codec::merge(fields, &[], &remove)?;
                let id = record_id(row.try_get(0)?)?;
                store_fields(tx, collection, id, &kept, None)?;
            }
        }
    }
    blind::delete_field(tx, collection, field)
}
