//! The migration steps against real files: a fresh file reaches the latest schema, a
//! foreign file is refused, and a database left by each of steps 1 to 6 upgrades to
//! the latest with its rows kept and its new tables, indexes and marks in place (steps
//! 3 to 6, the audit log's and the lifecycle's, in [`later_steps`]).

use super::*;

mod later_steps;

/// A file as a Gembok of schema step `n` left it: the first `n` steps applied and the
/// file stamped with that version, ready for the test to add its rows.
fn left_by_step(path: &std::path::Path, n: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for step in &STEPS[..n] {
        conn.execute_batch(step.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", n).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    conn
}

#[test]
fn fresh_database_reaches_latest_and_is_stamped() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    assert_eq!(
        header(&conn).unwrap(),
        (i64::from(latest_version()), APPLICATION_ID)
    );
    // Running again is a no-op.
    migrate(&mut conn).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 13);
}

#[test]
fn foreign_files_are_refused() {
    let mut other_app = Connection::open_in_memory().unwrap();
    other_app
        .pragma_update(None, "application_id", 1234)
        .unwrap();
    assert!(matches!(
        migrate(&mut other_app),
        Err(StoreError::Unavailable(_))
    ));

    let mut unstamped = Connection::open_in_memory().unwrap();
    unstamped.execute_batch("CREATE TABLE t (x)").unwrap();
    let err = migrate(&mut unstamped).unwrap_err();
    assert!(err.to_string().contains("not a Gembok database"), "{err}");
}

/// A database left by step 1, with blind-index entries in the old layout, upgrades
/// with every entry findable and every record's key list in place, so deletes still
/// remove the moved entries.
#[test]
fn step_one_database_upgrades_with_its_entries() {
    use crate::SqliteStore;
    use gembok_store::{codec, Mutation, Store};
    use gembok_types::RecordId;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let (a, b, c) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    {
        let conn = left_by_step(&path, 1);
        let blob = codec::encode(&[]).unwrap();
        for (collection, id) in [("customers", a), ("customers", b), ("orders", c)] {
            conn.execute(
                "INSERT INTO records VALUES (?1, ?2, ?2, 1, 1, 1, ?3)",
                rusqlite::params![collection, &id.as_bytes()[..], blob],
            )
            .unwrap();
        }
        let entries: [(&str, &str, &[u8], RecordId); 5] = [
            ("customers", "email", b"\x00\xff", a),
            ("customers", "email", b"\x00\xff", b),
            ("customers", "email", b"\x00", a),
            ("customers", "phone", b"p", a),
            ("orders", "email", b"\x00\xff", c),
        ];
        for (collection, field, digest, id) in entries {
            conn.execute(
                "INSERT INTO blind_index VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![collection, field, digest, &id.as_bytes()[..]],
            )
            .unwrap();
        }
    }

    let store = SqliteStore::open(&path).unwrap();
    let mut both = vec![a, b];
    both.sort();
    assert_eq!(store.find("customers", "email", b"\x00\xff").unwrap(), both);
    assert_eq!(store.find("customers", "email", b"\x00").unwrap(), [a]);
    assert_eq!(store.find("customers", "phone", b"p").unwrap(), [a]);
    let orders = store
        .find_records("orders", "email", b"\x00\xff", None)
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].meta.id, c);

    store
        .apply(&[Mutation::Delete {
            collection: "customers".into(),
            id: a,
        }])
        .unwrap();
    assert_eq!(store.find("customers", "email", b"\x00\xff").unwrap(), [b]);
    assert!(store
        .find("customers", "email", b"\x00")
        .unwrap()
        .is_empty());
    assert!(store.find("customers", "phone", b"p").unwrap().is_empty());
    assert_eq!(store.find("orders", "email", b"\x00\xff").unwrap(), [c]);
    store.check_integrity().unwrap();

    let conn = Connection::open(&path).unwrap();
    let (version, _) = header(&conn).unwrap();
    assert_eq!(version, i64::from(latest_version()));
    let lists: i64 = conn
        .query_row("SELECT count(*) FROM index_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lists, 2, "b and c keep their key lists, a's is gone");
    let old_index: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'blind_index_by_record'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old_index, 0);
}

/// A database left by step 2 gains the documents table and keeps its settings.
#[test]
fn step_two_database_gains_documents() {
    use crate::SqliteStore;
    use gembok_store::{Mutation, Store};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = left_by_step(&path, 2);
        conn.execute("INSERT INTO settings VALUES ('vault_id', x'01')", [])
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.setting("vault_id").unwrap(), Some(vec![1]));
    assert!(store.docs("api_key").unwrap().is_empty());
    store
        .apply(&[Mutation::PutDoc {
            kind: "api_key".into(),
            id: "k".into(),
            body: b"{}".to_vec(),
        }])
        .unwrap();
    assert_eq!(store.doc("api_key", "k").unwrap(), Some(b"{}".to_vec()));
    let (version, _) = header(&Connection::open(&path).unwrap()).unwrap();
    assert_eq!(version, i64::from(latest_version()));
}
