//! SQLite's compact blind index beyond the shared suite: field ids shared by stores on
//! one file, ids of rolled-back transactions, held-back entries meeting removals in
//! one slice, and digests gone from the files once their entries are removed.

mod support;

use gembok_store::{IndexEntry, Mutation, SealedRecord, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;

fn record(collection: &str) -> SealedRecord {
    support::record_in(collection, Vec::new())
}

fn put(collection: &str, field: &str, digest: &[u8], record: RecordId) -> Mutation {
    Mutation::PutIndex(IndexEntry {
        collection: collection.into(),
        field: field.into(),
        digest: digest.to_vec(),
        record,
    })
}

fn open_two() -> (tempfile::TempDir, SqliteStore, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vault.db");
    let first = SqliteStore::open(&path).expect("open");
    let second = SqliteStore::open(&path).expect("open again");
    (dir, first, second)
}

/// Two stores on one file each create and cache field ids; neither's cache may
/// shadow a pair the other created.
#[test]
fn stores_sharing_a_file_agree_on_field_ids() {
    let (_dir, one, two) = open_two();
    let (a, b) = (record("customers"), record("customers"));
    one.apply(&[
        Mutation::Insert(a.clone()),
        put("customers", "email", b"d", a.meta.id),
    ])
    .unwrap();
    two.apply(&[
        Mutation::Insert(b.clone()),
        put("customers", "phone", b"d", b.meta.id),
        put("customers", "email", b"d", b.meta.id),
    ])
    .unwrap();
    one.apply(&[put("customers", "phone", b"d", a.meta.id)])
        .unwrap();

    let mut both = vec![a.meta.id, b.meta.id];
    both.sort();
    for store in [&one, &two] {
        assert_eq!(store.find("customers", "email", b"d").unwrap(), both);
        assert_eq!(store.find("customers", "phone", b"d").unwrap(), both);
        assert!(store.find("customers", "nik", b"d").unwrap().is_empty());
    }
}

/// A field id created by a transaction that rolls back is not remembered: another
/// store may get the same number for another pair, and the first store must not file
/// its next entries under it.
#[test]
fn field_ids_of_rolled_back_applies_are_not_cached() {
    let (_dir, one, two) = open_two();
    let (a, b) = (record("customers"), record("customers"));
    one.apply(&[Mutation::Insert(a.clone())]).unwrap();
    let failed = one.apply(&[
        put("customers", "email", b"d", a.meta.id),
        Mutation::Insert(a.clone()),
    ]);
    assert!(failed.is_err(), "the duplicate insert must fail the slice");
    assert!(one.find("customers", "email", b"d").unwrap().is_empty());

    // The other store now takes the id the failed slice had used, for another field.
    two.apply(&[
        Mutation::Insert(b.clone()),
        put("customers", "nik", b"d", b.meta.id),
    ])
    .unwrap();
    one.apply(&[put("customers", "email", b"d", a.meta.id)])
        .unwrap();
    for store in [&one, &two] {
        assert_eq!(store.find("customers", "email", b"d").unwrap(), [a.meta.id]);
        assert_eq!(store.find("customers", "nik", b"d").unwrap(), [b.meta.id]);
    }
}

/// Entries are held back and written sorted, yet removals later in the same slice
/// still see them, and puts after a removal survive it.
#[test]
fn removals_in_one_slice_see_earlier_puts() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    let (a, b) = (record("customers"), record("customers"));
    store
        .apply(&[
            Mutation::Insert(a.clone()),
            put("customers", "email", b"old", a.meta.id),
            put("customers", "phone", b"p", a.meta.id),
            Mutation::DeleteIndex {
                collection: "customers".into(),
                field: "email".into(),
                record: a.meta.id,
            },
            put("customers", "email", b"new", a.meta.id),
            Mutation::Insert(b.clone()),
            put("customers", "email", b"new", b.meta.id),
            Mutation::Delete {
                collection: "customers".into(),
                id: b.meta.id,
            },
            put("customers", "nik", b"n", a.meta.id),
            Mutation::PurgeField {
                collection: "customers".into(),
                field: "nik".into(),
            },
        ])
        .unwrap();
    assert!(store.find("customers", "email", b"old").unwrap().is_empty());
    assert_eq!(
        store.find("customers", "email", b"new").unwrap(),
        [a.meta.id]
    );
    assert_eq!(store.find("customers", "phone", b"p").unwrap(), [a.meta.id]);
    assert!(store.find("customers", "nik", b"n").unwrap().is_empty());

    // The record's key list still lets a later delete remove what is left.
    store
        .apply(&[Mutation::Delete {
            collection: "customers".into(),
            id: a.meta.id,
        }])
        .unwrap();
    for (field, digest) in [("email", &b"new"[..]), ("phone", b"p")] {
        assert!(store.find("customers", field, digest).unwrap().is_empty());
    }
}

fn files_contain(store: &SqliteStore, needle: &[u8]) -> bool {
    store
        .files()
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .any(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

/// After `DeleteIndex`, `Delete` or `PurgeField`, a digest is in no byte of the files,
/// neither in the index nor in the record's key list.
#[test]
fn removed_digests_leave_no_trace_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    let rec = record("customers");
    let digest = |label: &str| format!("digest-{label}-8c41f07e").into_bytes();
    let removals = [
        Mutation::DeleteIndex {
            collection: "customers".into(),
            field: "email".into(),
            record: rec.meta.id,
        },
        Mutation::PurgeField {
            collection: "customers".into(),
            field: "nik".into(),
        },
        Mutation::Delete {
            collection: "customers".into(),
            id: rec.meta.id,
        },
    ];
    store
        .apply(&[
            Mutation::Insert(rec.clone()),
            put("customers", "email", &digest("email"), rec.meta.id),
            put("customers", "nik", &digest("nik"), rec.meta.id),
            put("customers", "phone", &digest("phone"), rec.meta.id),
        ])
        .unwrap();
    store.checkpoint().unwrap();
    for label in ["email", "nik", "phone"] {
        assert!(files_contain(&store, &digest(label)), "{label} was written");
    }
    for (removal, gone) in removals.into_iter().zip(["email", "nik", "phone"]) {
        store.apply(&[removal]).unwrap();
        store.checkpoint().unwrap();
        assert!(!files_contain(&store, &digest(gone)), "{gone} left a trace");
    }
}
