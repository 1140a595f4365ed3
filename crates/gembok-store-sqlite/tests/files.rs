//! The files a store leaves on disk: which they are, who may read them, what the
//! checkpoint does to the log, and that deleted values are gone from every byte.

mod support;

use gembok_store::{Mutation, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use support::record_with;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files_contain(store: &SqliteStore, needle: &[u8]) -> bool {
    store
        .files()
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .any(|bytes| contains(&bytes, needle))
}

#[test]
fn files_are_the_database_log_and_shared_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let store = SqliteStore::open(&path).unwrap();
    let files = store.files();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["vault.db", "vault.db-wal", "vault.db-shm"]);
    assert_eq!(store.path(), path);
    store.apply(&[Mutation::Insert(record_with(b"x"))]).unwrap();
    for f in &files {
        assert!(f.exists(), "{} exists while the store is open", f.display());
    }
    assert!(
        std::fs::metadata(&files[1]).unwrap().len() > 0,
        "the write went to the log"
    );
    store.checkpoint().unwrap();
    assert_eq!(
        std::fs::metadata(&files[1]).unwrap().len(),
        0,
        "log truncated"
    );
}

#[cfg(unix)]
#[test]
fn files_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    store.apply(&[Mutation::Insert(record_with(b"x"))]).unwrap();
    for f in store.files() {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[test]
fn deleted_values_leave_no_bytes_behind_after_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    let marker = b"MARKER-7f3a9c-deleted-ciphertext-MARKER";
    let keep: Vec<Mutation> = (0..50)
        .map(|_| Mutation::Insert(record_with(&[3u8; 100])))
        .collect();
    store.apply(&keep).unwrap();
    let doomed = record_with(marker);
    store.apply(&[Mutation::Insert(doomed.clone())]).unwrap();
    store.checkpoint().unwrap();
    assert!(files_contain(&store, marker), "the marker was written");

    store
        .apply(&[Mutation::Delete {
            collection: "customers".into(),
            id: doomed.meta.id,
        }])
        .unwrap();
    store.checkpoint().unwrap();
    assert!(
        !files_contain(&store, marker),
        "secure_delete overwrote the value"
    );
}

#[test]
fn two_stores_on_one_file_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let a = SqliteStore::open(&path).unwrap();
    let b = SqliteStore::open(&path).unwrap();
    let from_a = record_with(b"a");
    let from_b = record_with(b"b");
    std::thread::scope(|s| {
        s.spawn(|| a.apply(&[Mutation::Insert(from_a.clone())]).unwrap());
        s.spawn(|| b.apply(&[Mutation::Insert(from_b.clone())]).unwrap());
    });
    for store in [&a, &b] {
        let ids = [from_a.meta.id, from_b.meta.id];
        assert_eq!(store.get("customers", &ids, None).unwrap().len(), 2);
    }
}

#[test]
fn purge_spans_many_batches() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    let inserts: Vec<Mutation> = (0..1_234)
        .map(|_| Mutation::Insert(record_with(b"nik-ct")))
        .collect();
    store.apply(&inserts).unwrap();
    store
        .apply(&[Mutation::PurgeField {
            collection: "customers".into(),
            field: "nik".into(),
        }])
        .unwrap();
    let mut after = None;
    let mut seen = 0;
    for _ in 0..10 {
        let page = store
            .below_key_version("customers", u32::MAX, after, 300)
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.meta.id);
        seen += page.len();
    }
    assert_eq!(
        seen, 0,
        "no record keeps a field, so none is below any version"
    );
    let metas = store.list("customers", None, 2_000).unwrap();
    assert_eq!(metas.len(), 1_234);
    assert!(metas.iter().all(|m| m.min_key_version == u32::MAX));
    let ids: Vec<RecordId> = metas.iter().map(|m| m.id).collect();
    let records = store.get("customers", &ids, None).unwrap();
    assert!(records.iter().all(|r| r.fields.is_empty()));
}

#[test]
fn debug_output_names_only_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("vault.db")).unwrap();
    let text = format!("{store:?}");
    assert!(text.starts_with("SqliteStore"), "{text}");
    assert!(text.contains("vault.db"), "{text}");
}
