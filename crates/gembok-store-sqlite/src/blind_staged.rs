//! Blind-index entries staged during a bulk load, and their merge into `blind_index`.
//!
//! Digests are uniformly random, so each entry written to `blind_index` lands on its
//! own page of a B-tree that soon outgrows the cache: for an import that one insert is
//! most of the cost of a row (measured in `docs/BENCHMARKS.md`). While the store is in
//! bulk-load mode, a slice that only adds new records (and documents, settings, audit
//! events beside them) appends its entries to `blind_staged` instead, a plain table
//! with no key, in the same transaction as the records. The staged entries go into
//! `blind_index` in one pass, in key order, so that each page of the index is written
//! once: when the bulk load ends, before any other kind of write, when a snapshot is
//! taken, and when the store is opened (after a crash in the middle of an import).
//! Until then searches read both tables, so a staged entry is found like any other.
//!
//! Staging is limited to entries of records inserted by the same slice: those cannot
//! already be in the index, so each staged entry is also listed in its record's key
//! list (`crate::index_keys`) exactly as if it had been inserted into the index.

use crate::errors::map;
use gembok_store::{Mutation, StoreError};
use rusqlite::Connection;
use std::collections::HashSet;

/// Whether the entries of `mutations` may be staged: the slice only adds, and every
/// entry belongs to a record it inserts.
pub(crate) fn stageable(mutations: &[Mutation]) -> bool {
    let inserted: HashSet<_> = mutations
        .iter()
        .filter_map(|m| match m {
            Mutation::Insert(r) => Some(r.meta.id),
            _ => None,
        })
        .collect();
    mutations.iter().all(|m| match m {
        Mutation::PutIndex(e) => inserted.contains(&e.record),
        Mutation::Insert(_)
        | Mutation::PutSetting { .. }
        | Mutation::PutDoc { .. }
        | Mutation::PutDocIf { .. }
        | Mutation::AppendAudit(_)
        | Mutation::PutAuditCheckpoint(_) => true,
        _ => false,
    })
}

/// Whether any entry is staged.
pub(crate) fn any(conn: &Connection) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM blind_staged)")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(map)
}

/// Move every staged entry into `blind_index`, in key order; nothing to do (one
/// lookup) when none is staged. Runs inside the caller's write transaction.
pub(crate) fn merge(conn: &Connection) -> Result<(), StoreError> {
    if !any(conn)? {
        return Ok(());
    }
    // The sort may use one helper thread (an import's other threads are done by now).
    conn.execute_batch(
        "PRAGMA threads = 1;
         INSERT OR IGNORE INTO blind_index (field_id, digest, record_id)
             SELECT field_id, digest, record_id FROM blind_staged
             ORDER BY field_id, digest, record_id;
         DELETE FROM blind_staged;
         PRAGMA threads = 0;",
    )
    .map_err(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gembok_store::{IndexEntry, RecordMeta, SealedRecord};
    use gembok_types::RecordId;

    fn insert(id: RecordId) -> Mutation {
        Mutation::Insert(SealedRecord {
            meta: RecordMeta {
                collection: "c".into(),
                id,
                subject: id,
                created_at: 0,
                updated_at: 0,
                min_key_version: 1,
            },
            fields: vec![],
        })
    }

    fn entry(record: RecordId) -> Mutation {
        Mutation::PutIndex(IndexEntry {
            collection: "c".into(),
            field: "email".into(),
            digest: vec![1; 32],
            record,
        })
    }

    #[test]
    fn only_entries_of_records_inserted_alongside_are_stageable() {
        let (a, b) = (RecordId::generate(), RecordId::generate());
        assert!(stageable(&[insert(a), entry(a)]));
        assert!(
            !stageable(&[insert(a), entry(b)]),
            "b may be indexed already"
        );
        assert!(!stageable(&[
            insert(a),
            Mutation::Delete {
                collection: "c".into(),
                id: b
            }
        ]));
        assert!(stageable(&[]));
    }
}
