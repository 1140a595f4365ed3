//! What `scrub` leaves in the files: a deleted value's ciphertext is in no byte of the
//! database or its write-ahead log afterwards, whether the value had reached the
//! database file or was still only in the log, and a reader holding an old snapshot
//! makes scrub fail rather than claim a clean log.

mod support;

use gembok_store::{Mutation, SealedRecord, Store, StoreError};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use std::path::{Path, PathBuf};
use support::record_with;

/// 32 random bytes, so no other content of the files can match by chance.
fn marker() -> Vec<u8> {
    let mut out = RecordId::generate().as_bytes().to_vec();
    out.extend_from_slice(RecordId::generate().as_bytes());
    out
}

fn delete(rec: &SealedRecord) -> Mutation {
    Mutation::Delete {
        collection: "customers".into(),
        id: rec.meta.id,
    }
}

fn wal(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Which of the database file and its log hold `needle`, read byte for byte.
fn holders(path: &Path, needle: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let database = std::fs::read(path).expect("read the database file");
    if database.windows(needle.len()).any(|w| w == needle) {
        found.push("database");
    }
    // The log may be missing; that is as clean as empty.
    if let Ok(log) = std::fs::read(wal(path)) {
        if log.windows(needle.len()).any(|w| w == needle) {
            found.push("wal");
        }
    }
    found
}

/// A store with records around the doomed ones, so they share pages with live data.
fn store_with_neighbours(path: &Path) -> SqliteStore {
    let store = SqliteStore::open(path).expect("open store");
    let neighbours: Vec<Mutation> = (0..40)
        .map(|i| Mutation::Insert(record_with(&[i as u8; 120])))
        .collect();
    store.apply(&neighbours).expect("insert neighbours");
    store
}

#[test]
fn scrub_leaves_no_trace_of_a_value_that_reached_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let store = store_with_neighbours(&path);
    let mark = marker();
    let doomed = record_with(&mark);
    store.apply(&[Mutation::Insert(doomed.clone())]).unwrap();
    store.checkpoint().unwrap();
    assert_eq!(
        holders(&path, &mark),
        ["database"],
        "the marker was written"
    );

    store.apply(&[delete(&doomed)]).unwrap();
    assert!(
        !holders(&path, &mark).is_empty(),
        "before scrub the database file still holds the old page"
    );
    store.scrub().unwrap();
    assert_eq!(holders(&path, &mark), Vec::<&str>::new());
    assert_eq!(
        std::fs::metadata(wal(&path)).map(|m| m.len()).unwrap_or(0),
        0
    );
    assert_eq!(store.count("customers").unwrap(), 40);
    store.check_integrity().unwrap();
}

#[test]
fn scrub_leaves_no_trace_of_a_value_still_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let store = store_with_neighbours(&path);
    store.checkpoint().unwrap();
    let mark = marker();
    let doomed = record_with(&mark);
    let kept = record_with(&marker());
    store
        .apply(&[
            Mutation::Insert(doomed.clone()),
            Mutation::Insert(kept.clone()),
        ])
        .unwrap();
    assert_eq!(holders(&path, &mark), ["wal"], "the marker was logged");

    store.apply(&[delete(&doomed)]).unwrap();
    assert_eq!(
        holders(&path, &mark),
        ["wal"],
        "before scrub the log still holds the page as it was"
    );
    store.scrub().unwrap();
    assert_eq!(holders(&path, &mark), Vec::<&str>::new());
    let got = store.get("customers", &[kept.meta.id], None).unwrap();
    assert_eq!(got, [kept]);
}

#[test]
fn scrub_fails_while_a_reader_holds_an_old_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let store = store_with_neighbours(&path);
    let mark = marker();
    let doomed = record_with(&mark);
    store.apply(&[Mutation::Insert(doomed.clone())]).unwrap();

    let reader = rusqlite::Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 41);
    store.apply(&[delete(&doomed)]).unwrap();

    let started = std::time::Instant::now();
    let err = store.scrub().unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "scrub gave up within seconds"
    );
    assert!(!holders(&path, &mark).is_empty(), "the log was not cleared");

    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    store.scrub().unwrap();
    assert_eq!(holders(&path, &mark), Vec::<&str>::new());
    // The store's own connections wait as long as before for other processes' locks.
    let settings = store.connection_settings().unwrap();
    assert_eq!(settings[0].busy_timeout_ms, 5_000);
}
