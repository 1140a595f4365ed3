//! Writing and removing blind-index entries.
//!
//! Index digests are uniformly random, so each entry lands on an unrelated page of the
//! `blind_index` B-tree. Within one `apply`, [`IndexWriter`] therefore holds back the
//! `PutIndex` entries and writes them sorted by key, so the B-tree is walked once in
//! order instead of jumping around. Holding them back does not change the outcome:
//! entries do not depend on each other or on records, and the writer flushes before any
//! mutation that removes entries (`Delete`, `DeleteIndex`, `PurgeField`), so those
//! still see every entry put before them. In bulk-load mode the entries of new records
//! go to a staging table instead (see [`crate::blind_staged`]).

use crate::errors::map;
use crate::field_ids::{self, FieldIds, TxFieldIds};
use crate::index_keys;
use gembok_store::{IndexEntry, StoreError};
use gembok_types::RecordId;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;

/// The `PutIndex` entries of one transaction not yet written.
pub(crate) struct IndexWriter<'c, 'm> {
    ids: TxFieldIds<'c, 'm>,
    held: Vec<(i64, &'m [u8], RecordId)>,
    /// Write to `blind_staged` rather than `blind_index` (see [`crate::blind_staged`]).
    staged: bool,
}

impl<'c, 'm> IndexWriter<'c, 'm> {
    pub(crate) fn new(cache: &'c FieldIds, staged: bool) -> Self {
        Self {
            ids: TxFieldIds::new(cache),
            held: Vec::new(),
            staged,
        }
    }

    /// Take one entry; it is written by the next [`IndexWriter::flush`].
    pub(crate) fn put(
        &mut self,
        conn: &Connection,
        entry: &'m IndexEntry,
    ) -> Result<(), StoreError> {
        let field_id = self.ids.resolve(&entry.collection, &entry.field, |c, f| {
            field_ids::create(conn, c, f)
        })?;
        self.held.push((field_id, &entry.digest, entry.record));
        Ok(())
    }

    /// Write every held entry, in key order, then add the new ones to their records'
    /// key lists (see [`crate::index_keys`]), one row per record.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<(), StoreError> {
        if self.held.is_empty() {
            return Ok(());
        }
        self.held.sort_unstable();
        self.held.dedup();
        let mut added: BTreeMap<RecordId, Vec<u8>> = BTreeMap::new();
        let mut stmt = conn
            .prepare_cached(if self.staged {
                // Only entries of records this slice inserts are staged: none is
                // in the index yet, so each counts as inserted.
                "INSERT INTO blind_staged (field_id, digest, record_id) VALUES (?1, ?2, ?3)"
            } else {
                "INSERT OR IGNORE INTO blind_index (field_id, digest, record_id)
                 VALUES (?1, ?2, ?3)"
            })
            .map_err(map)?;
        for (field_id, digest, record) in self.held.drain(..) {
            let inserted = stmt
                .execute(params![field_id, digest, &record.as_bytes()[..]])
                .map_err(map)?;
            // An entry that was already there is already listed.
            if inserted > 0 {
                index_keys::encode_into(added.entry(record).or_default(), field_id, digest)?;
            }
        }
        for (record, keys) in &added {
            index_keys::append(conn, *record, keys)?;
        }
        Ok(())
    }

    /// Field ids resolved from the database, to publish after the commit.
    pub(crate) fn into_learned(self) -> Vec<(String, String, i64)> {
        self.ids.into_learned()
    }
}

/// The ids of every indexed field of a collection.
fn collection_field_ids(conn: &Connection, collection: &str) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM index_fields WHERE collection = ?1")
        .map_err(map)?;
    let rows = stmt.query_map([collection], |r| r.get(0)).map_err(map)?;
    rows.collect::<rusqlite::Result<_>>().map_err(map)
}

/// Remove every entry of one record in one collection.
pub(crate) fn delete_record(
    conn: &Connection,
    collection: &str,
    id: RecordId,
) -> Result<(), StoreError> {
    let fields = collection_field_ids(conn, collection)?;
    if fields.is_empty() {
        return Ok(());
    }
    index_keys::remove_entries(conn, id, &|field_id| fields.contains(&field_id))
}

/// Remove the entries of one field of one record.
pub(crate) fn delete_record_field(
    conn: &Connection,
    collection: &str,
    field: &str,
    id: RecordId,
) -> Result<(), StoreError> {
    match field_ids::lookup(conn, collection, field)? {
        Some(field_id) => index_keys::remove_entries(conn, id, &|f| f == field_id),
        None => Ok(()),
    }
}

/// Remove every entry of one field, and its keys from every record's list. The field
/// keeps its id for later reuse.
pub(crate) fn delete_field(
    conn: &Connection,
    collection: &str,
    field: &str,
) -> Result<(), StoreError> {
    let Some(field_id) = field_ids::lookup(conn, collection, field)? else {
        return Ok(());
    };
    conn.prepare_cached("DELETE FROM blind_index WHERE field_id = ?1")
        .and_then(|mut s| s.execute([field_id]))
        .map_err(map)?;
    index_keys::forget_field(conn, field_id)
}
