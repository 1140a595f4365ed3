//! Backend-specific tests of the schema: migrating is idempotent, concurrent
//! migrators on a fresh database all succeed, and databases this code must not touch
//! are refused.

mod common;

use gembok_store::{Store, StoreError};
use gembok_store_postgres::{schema_version, PostgresStore};

fn applied(db: &common::TestDb) -> Vec<i64> {
    db.client()
        .query(
            "SELECT version FROM gembok_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn tables(db: &common::TestDb) -> i64 {
    db.client()
        .query(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()[0]
        .get(0)
}

#[test]
fn migration_is_idempotent() {
    let db = fresh_db!();
    let first = db.store();
    let expected: Vec<i64> = (1..=i64::from(schema_version())).collect();
    assert_eq!(applied(&db), expected);
    let count = tables(&db);
    assert_eq!(count, 12, "11 tables of the schema plus gembok_migrations");
    drop(first);
    for _ in 0..3 {
        let again = db.store();
        again.check_integrity().unwrap();
    }
    assert_eq!(applied(&db), expected);
    assert_eq!(tables(&db), count);
}

#[test]
fn concurrent_connects_on_a_fresh_database_all_succeed() {
    let db = fresh_db!();
    let url = db.url();
    let barrier = std::sync::Barrier::new(4);
    let results: Vec<Result<PostgresStore, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (url, barrier) = (&url, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    PostgresStore::connect(url)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for result in &results {
        let store = result.as_ref().expect("every concurrent connect succeeds");
        store.check_integrity().unwrap();
    }
    let expected: Vec<i64> = (1..=i64::from(schema_version())).collect();
    assert_eq!(applied(&db), expected, "each step recorded exactly once");
}

#[test]
fn a_newer_schema_is_refused() {
    let db = fresh_db!();
    drop(db.store());
    db.client()
        .execute(
            "INSERT INTO gembok_migrations (version, applied_at) VALUES (999, 0)",
            &[],
        )
        .unwrap();
    match PostgresStore::connect(&db.url()) {
        Err(StoreError::Unavailable(msg)) => assert!(msg.contains("newer"), "{msg}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn a_foreign_records_table_is_refused() {
    let db = fresh_db!();
    db.client()
        .batch_execute("CREATE TABLE records (x INT)")
        .unwrap();
    match PostgresStore::connect(&db.url()) {
        Err(StoreError::Unavailable(msg)) => {
            assert!(msg.contains("not a Gembok database"), "{msg}")
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn check_integrity_notices_a_wrong_schema_version() {
    let db = fresh_db!();
    let store = db.store();
    store.check_integrity().unwrap();
    db.client()
        .execute("DELETE FROM gembok_migrations", &[])
        .unwrap();
    assert!(matches!(
        store.check_integrity(),
        Err(StoreError::Integrity(_))
    ));
}

#[test]
fn an_unreachable_server_is_unavailable_and_debug_hides_credentials() {
    let err = PostgresStore::connect("postgres://u:hunter2secret@127.0.0.1:1/db?connect_timeout=2")
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(!err.to_string().contains("hunter2secret"), "{err}");

    let db = fresh_db!();
    let store = db.store();
    let text = format!("{store:?}");
    assert!(text.contains(&db.name), "{text}");
    assert!(!text.contains("postgres@"), "{text}");
}

/// The local server speaks no TLS: asking for it fails cleanly instead of falling
/// back to plain text.
#[test]
fn tls_is_never_downgraded() {
    let db = fresh_db!();
    let url = format!("{}/{}?sslmode=require", common::server(), db.name);
    match PostgresStore::connect(&url) {
        Err(StoreError::Unavailable(msg)) => assert!(msg.contains("TLS"), "{msg}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
