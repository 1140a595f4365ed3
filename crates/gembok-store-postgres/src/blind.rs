//! Writing and removing blind-index entries.
//!
//! Within one `apply`, [`IndexWriter`] holds back the `PutIndex` entries and writes
//! them all with one `unnest` statement (one round trip, not one per entry), then adds
//! the entries that were new to their records' key lists with a second statement. It
//! flushes before any mutation that removes entries (`Delete`, `DeleteIndex`,
//! `PurgeField`), so those still see every entry put before them.

use crate::errors::{record_id, Failure};
use crate::field_ids::{self, FieldIds, TxFieldIds};
use crate::index_keys;
use crate::session::Sql;
use gembok_store::IndexEntry;
use gembok_types::RecordId;
use std::collections::BTreeMap;

/// The `PutIndex` entries of one transaction not yet written.
pub(crate) struct IndexWriter<'c, 'm> {
    ids: TxFieldIds<'c, 'm>,
    held: Vec<(i64, &'m [u8], RecordId)>,
}

impl<'c, 'm> IndexWriter<'c, 'm> {
    pub(crate) fn new(cache: &'c FieldIds) -> Self {
        Self {
            ids: TxFieldIds::new(cache),
            held: Vec::new(),
        }
    }

    /// Take one entry; it is written by the next [`IndexWriter::flush`].
    pub(crate) fn put(&mut self, tx: &mut impl Sql, entry: &'m IndexEntry) -> Result<(), Failure> {
        let field_id = self.ids.resolve(&entry.collection, &entry.field, |c, f| {
            field_ids::obtain(tx, c, f)
        })?;
        self.held.push((field_id, &entry.digest, entry.record));
        Ok(())
    }

    /// Write every held entry, then list the new ones under their records.
    pub(crate) fn flush(&mut self, tx: &mut impl Sql) -> Result<(), Failure> {
        if self.held.is_empty() {
            return Ok(());
        }
        self.held.sort_unstable();
        self.held.dedup();
        let field_ids: Vec<i64> = self.held.iter().map(|h| h.0).collect();
        let digests: Vec<&[u8]> = self.held.iter().map(|h| h.1).collect();
        let records: Vec<&[u8]> = self.held.iter().map(|h| &h.2.as_bytes()[..]).collect();
        let inserted = tx.query(
            "INSERT INTO blind_index (field_id, digest, record_id)
             SELECT * FROM unnest($1::BIGINT[], $2::BYTEA[], $3::BYTEA[])
             ON CONFLICT DO NOTHING
             RETURNING field_id, digest, record_id",
            &[&field_ids, &digests, &records],
        )?;
        self.held.clear();
        // An entry that was already there is already listed.
        let mut added: BTreeMap<RecordId, Vec<u8>> = BTreeMap::new();
        for row in &inserted {
            let field_id: i64 = row.try_get(0)?;
            let digest: &[u8] = row.try_get(1)?;
            let record = record_id(row.try_get(2)?)?;
            index_keys::encode_into(added.entry(record).or_default(), field_id, digest)?;
        }
        let lists: Vec<(&[u8], Vec<u8>)> = added
            .iter()
            .map(|(r, k)| (&r.as_bytes()[..], k.clone()))
            .collect();
        index_keys::append(tx, &lists)
    }

    /// Field ids resolved from the database, to publish after the commit.
    pub(crate) fn into_learned(self) -> Vec<(String, String, i64)> {
        self.ids.into_learned()
    }
}

/// Remove every entry of one record in one collection.
pub(crate) fn delete_record(
    tx: &mut impl Sql,
    collection: &str,
    id: RecordId,
) -> Result<(), Failure> {
    let rows = tx.query(
        "SELECT id FROM index_fields WHERE collection = $1",
        &[&collection],
    )?;
    let fields = rows
        .iter()
        .map(|r| r.try_get::<_, i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    if fields.is_empty() {
        return Ok(());
    }
    index_keys::remove_entries(tx, id, &|field_id| fields.contains(&field_id))
}

/// Remove the entries of one field of one record.
pub(crate) fn delete_record_field(
    tx: &mut impl Sql,
    collection: &str,
    field: &str,
    id: RecordId,
) -> Result<(), Failure> {
    match field_ids::lookup(tx, collection, field)? {
        Some(field_id) => index_keys::remove_entries(tx, id, &|f| f == field_id),
        None => Ok(()),
    }
}

/// Remove every entry of one field, and its keys from every record's list. The field
/// keeps its id for later reuse.
pub(crate) fn delete_field(
    tx: &mut impl Sql,
    collection: &str,
    field: &str,
) -> Result<(), Failure> {
    let Some(field_id) = field_ids::lookup(tx, collection, field)? else {
        return Ok(());
    };
    tx.execute("DELETE FROM blind_index WHERE field_id = $1", &[&field_id])?;
    index_keys::forget_field(tx, field_id)
}
