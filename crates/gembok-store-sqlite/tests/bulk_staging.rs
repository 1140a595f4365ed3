//! Blind-index entries staged during a bulk load: found by every search while staged,
//! merged into the index when the load ends, before any other kind of write, for a
//! snapshot, and on the next open after a crash, and never staged for a record the
//! slice does not insert.

mod support;

use gembok_store::{IndexEntry, Mutation, SealedRecord, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use rusqlite::Connection;
use std::path::Path;

fn record() -> SealedRecord {
    support::record_in("customers", Vec::new())
}

fn put(digest: &[u8], record: RecordId) -> Mutation {
    Mutation::PutIndex(IndexEntry {
        collection: "customers".into(),
        field: "email".into(),
        digest: digest.to_vec(),
        record,
    })
}

/// Insert `n` records, the i-th indexed under digest `[i]` and all under `b"shared"`;
/// their ids in that order.
fn insert(store: &SqliteStore, n: u8) -> Vec<RecordId> {
    let records: Vec<SealedRecord> = (0..n).map(|_| record()).collect();
    let mut batch = Vec::new();
    for (i, r) in records.iter().enumerate() {
        batch.push(Mutation::Insert(r.clone()));
        batch.push(put(&[u8::try_from(i).unwrap()], r.meta.id));
        batch.push(put(b"shared", r.meta.id));
    }
    store.apply(&batch).unwrap();
    records.iter().map(|r| r.meta.id).collect()
}

fn sorted(mut ids: Vec<RecordId>) -> Vec<RecordId> {
    ids.sort();
    ids
}

/// Rows in (`blind_index`, `blind_staged`), read around the store.
fn rows(db: &Path) -> (i64, i64) {
    let conn = Connection::open(db).unwrap();
    let count = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (count("blind_index"), count("blind_staged"))
}

fn open() -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let store = SqliteStore::open(&db).unwrap();
    (dir, db, store)
}

#[test]
fn staged_entries_are_found_and_merged_when_the_bulk_load_ends() {
    let (_dir, db, store) = open();
    let before = insert(&store, 2);
    store.bulk_load(true).unwrap();
    let during = insert(&store, 3);
    assert_eq!(
        rows(&db),
        (4, 6),
        "new records' entries wait in the staging table"
    );

    let all = sorted([before.clone(), during.clone()].concat());
    assert_eq!(store.find("customers", "email", b"shared").unwrap(), all);
    let found: Vec<RecordId> = store
        .find_records("customers", "email", b"shared", None)
        .unwrap()
        .iter()
        .map(|r| r.meta.id)
        .collect();
    assert_eq!(found, all, "one list, in id order, from both tables");
    // Digest [2] names only the third record of the staged batch.
    assert_eq!(store.find("customers", "email", &[2]).unwrap(), [during[2]]);

    store.bulk_load(false).unwrap();
    assert_eq!(rows(&db), (10, 0));
    assert_eq!(store.find("customers", "email", b"shared").unwrap(), all);
}

#[test]
fn a_write_that_is_not_only_new_records_merges_first_and_sees_every_entry() {
    let (_dir, db, store) = open();
    let old = insert(&store, 1)[0];
    store.bulk_load(true).unwrap();
    let new = insert(&store, 2);
    // An entry for a record this slice does not insert is never staged.
    let fresh = record();
    store
        .apply(&[Mutation::Insert(fresh.clone()), put(b"x", old)])
        .unwrap();
    assert_eq!(
        rows(&db),
        (7, 0),
        "merged, then the slice wrote to the index"
    );
    // A delete in bulk mode removes the entries it finds through the record's list.
    store.bulk_load(false).unwrap();
    store.bulk_load(true).unwrap();
    let newer = insert(&store, 1)[0];
    store
        .apply(&[Mutation::Delete {
            collection: "customers".into(),
            id: newer,
        }])
        .unwrap();
    assert_eq!(rows(&db).1, 0);
    assert!(!store
        .find("customers", "email", b"shared")
        .unwrap()
        .contains(&newer));
    assert!(store
        .find("customers", "email", b"shared")
        .unwrap()
        .contains(&new[0]));
    store.bulk_load(false).unwrap();
}

#[test]
fn a_crash_during_a_bulk_load_leaves_entries_that_the_next_open_merges() {
    let (_dir, db, store) = open();
    store.bulk_load(true).unwrap();
    let ids = insert(&store, 4);
    // The process dies without ending the bulk load.
    std::mem::forget(store);
    assert_eq!(rows(&db), (0, 8));
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(rows(&db), (8, 0));
    assert_eq!(
        store.find("customers", "email", b"shared").unwrap(),
        sorted(ids)
    );
}

#[test]
fn a_snapshot_holds_every_entry_in_the_index() {
    let (_dir, db, store) = open();
    store.bulk_load(true).unwrap();
    let ids = insert(&store, 2);
    let view = store.snapshot().unwrap();
    assert_eq!(rows(&db), (4, 0));
    let entries = view.index_entries("customers", None, 100).unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(
        view.find("customers", "email", b"shared").unwrap(),
        sorted(ids)
    );
    drop(view);
    store.bulk_load(false).unwrap();
}
