//! SQLite-specific behaviour beyond the shared suite: persistence, connection
//! settings, refusing unknown databases, and corruption reported as `Integrity`.

mod support;

use gembok_store::{
    IndexEntry, KeyRecord, Mutation, SchemaVersion, SealedField, SealedRecord, Store, StoreError,
};
use gembok_store_sqlite::{schema_version, SqliteStore};
use std::path::{Path, PathBuf};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vault.db");
    (dir, path)
}

fn record(collection: &str, fields: &[(&str, u32, &[u8])]) -> SealedRecord {
    let fields: Vec<SealedField> = fields
        .iter()
        .map(|(name, key_version, ct)| SealedField {
            name: (*name).into(),
            key_version: *key_version,
            ciphertext: ct.to_vec(),
        })
        .collect();
    support::record_in(collection, fields)
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

#[test]
fn data_persists_across_reopen() {
    let (_dir, path) = temp_db();
    let rec = record(
        "customers",
        &[("email", 1, b"ct-email"), ("phone", 2, b"ct-phone")],
    );
    let key = KeyRecord {
        purpose: "data:customers".into(),
        version: 1,
        wrapped: b"wrapped".to_vec(),
        created_at: 5,
    };
    let schema = SchemaVersion {
        version: 1,
        document: "[collections.customers]".into(),
        applied_at: 6,
    };
    {
        let store = SqliteStore::open(&path).expect("open");
        store
            .apply(&[
                Mutation::Insert(rec.clone()),
                Mutation::PutIndex(IndexEntry {
                    collection: "customers".into(),
                    field: "email".into(),
                    digest: b"d".to_vec(),
                    record: rec.meta.id,
                }),
                Mutation::PutKey(key.clone()),
                Mutation::PutSchema(schema.clone()),
                Mutation::PutSetting {
                    name: "vault_id".into(),
                    value: b"v1".to_vec(),
                },
            ])
            .expect("apply");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(
        store.get("customers", &[rec.meta.id], None).unwrap(),
        std::slice::from_ref(&rec)
    );
    assert_eq!(
        store.find("customers", "email", b"d").unwrap(),
        [rec.meta.id]
    );
    assert_eq!(store.keys().unwrap(), [key]);
    assert_eq!(store.schemas().unwrap(), [schema]);
    assert_eq!(store.setting("vault_id").unwrap(), Some(b"v1".to_vec()));
}

#[test]
fn pragmas_are_in_effect_on_every_connection() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    let settings = store.connection_settings().expect("settings");
    assert_eq!(settings.len(), 5, "one writer and four readers");
    for s in &settings {
        assert_eq!(s.journal_mode, "wal");
        assert_eq!(s.synchronous, 2, "FULL");
        assert!(s.secure_delete);
        assert!(s.foreign_keys);
        assert!(!s.trusted_schema);
        assert_eq!(s.busy_timeout_ms, 5_000);
        assert_eq!(s.cache_size, -16_384);
    }
    // WAL is recorded in the file itself, so any other connection sees it too.
    let mode: String = raw(&path)
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_version_is_refused() {
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).expect("create"));
    raw(&path)
        .pragma_update(None, "user_version", schema_version() + 1)
        .unwrap();
    let err = SqliteStore::open(&path).expect_err("a newer database must be refused");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn other_sqlite_files_are_refused_and_left_alone() {
    let (_dir, path) = temp_db();
    raw(&path)
        .execute_batch(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY); INSERT INTO orders VALUES (1);",
        )
        .unwrap();
    let err = SqliteStore::open(&path).expect_err("foreign database");
    assert!(err.to_string().contains("not a Gembok database"), "{err}");
    let tables: i64 = raw(&path)
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "nothing was created in the foreign file");
}

#[test]
fn corrupt_fields_blob_reads_as_integrity_error() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    let rec = record("customers", &[("email", 1, b"ct")]);
    let healthy = record("customers", &[("email", 1, b"ct2")]);
    store
        .apply(&[
            Mutation::Insert(rec.clone()),
            Mutation::Insert(healthy.clone()),
        ])
        .unwrap();
    let corruptions: [&[u8]; 4] = [b"", b"\x01\x02", b"\x09garbage", &[1, 255, 255, 255, 255]];
    for blob in corruptions {
        raw(&path)
            .execute(
                "UPDATE records SET fields = ?1 WHERE id = ?2",
                rusqlite::params![blob, &rec.meta.id.as_bytes()[..]],
            )
            .unwrap();
        let got = store.get("customers", &[rec.meta.id], None);
        assert!(
            matches!(got, Err(StoreError::Integrity(_))),
            "{blob:?}: {got:?}"
        );
        let walked = store.below_key_version("customers", 5, None, 10);
        assert!(
            matches!(walked, Err(StoreError::Integrity(_))),
            "{walked:?}"
        );
        let update = store.apply(&[Mutation::UpdateFields {
            collection: "customers".into(),
            id: rec.meta.id,
            set: Vec::new(),
            remove: vec!["email".into()],
            updated_at: 2_000,
        }]);
        assert!(
            matches!(update, Err(StoreError::Integrity(_))),
            "{update:?}"
        );
    }
    // Metadata listing and other records are unaffected.
    assert_eq!(store.list("customers", None, 10).unwrap().len(), 2);
    assert_eq!(
        store.get("customers", &[healthy.meta.id], None).unwrap(),
        [healthy]
    );
}

#[test]
fn out_of_range_metadata_reads_as_integrity_error() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    let rec = record("customers", &[("email", 1, b"ct")]);
    store.apply(&[Mutation::Insert(rec.clone())]).unwrap();
    raw(&path)
        .execute("UPDATE records SET min_key_version = -1", [])
        .unwrap();
    let listed = store.list("customers", None, 10);
    assert!(
        matches!(listed, Err(StoreError::Integrity(_))),
        "{listed:?}"
    );
    raw(&path)
        .execute("UPDATE records SET min_key_version = 'text'", [])
        .unwrap();
    let got = store.get("customers", &[rec.meta.id], None);
    assert!(matches!(got, Err(StoreError::Integrity(_))), "{got:?}");
}

#[test]
fn damaged_pages_fail_the_integrity_check() {
    let (_dir, path) = temp_db();
    {
        let store = SqliteStore::open(&path).expect("open");
        let recs: Vec<Mutation> = (0..400)
            .map(|_| Mutation::Insert(record("customers", &[("email", 1, &[7u8; 200])])))
            .collect();
        store.apply(&recs).unwrap();
        store.check_integrity().expect("intact before damage");
        store.checkpoint().unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 20 * 4096, "database spans many pages");
    // Scribble over a page in the middle of the records table, header included.
    let page = 10 * 4096;
    bytes[page..page + 4096].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();

    let verdict = SqliteStore::open(&path).and_then(|s| s.check_integrity());
    assert!(
        matches!(verdict, Err(StoreError::Integrity(_))),
        "{verdict:?}"
    );
}
