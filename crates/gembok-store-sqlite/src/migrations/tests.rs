//! The migration steps against real files: a fresh file reaches the latest schema, a
//! foreign file is refused, and a database left by each of steps 1 to 6 upgrades to
//! the latest with its rows kept and its new tables, indexes and marks in place.

use super::*;

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
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(STEPS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
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
        let conn = Connection::open(&path).unwrap();
        for step in &STEPS[..2] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
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

/// A database left by step 3 gains the audit tables, keeps its documents, and an
/// event appended after the upgrade reads back.
#[test]
fn step_three_database_gains_the_audit_chain() {
    use crate::SqliteStore;
    use gembok_store::{AuditRow, Mutation, Store};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        for step in &STEPS[..3] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute("INSERT INTO docs VALUES ('api_key', 'k', x'7b7d')", [])
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.doc("api_key", "k").unwrap(), Some(b"{}".to_vec()));
    assert_eq!(store.audit_head().unwrap(), None);
    let row = AuditRow {
        seq: 1,
        time: 5,
        principal: "local:root".into(),
        action: "vault.upgrade".into(),
        refs: Vec::new(),
        body: vec![1, 0, 255],
        hash: vec![3; 32],
    };
    store.apply(&[Mutation::AppendAudit(row.clone())]).unwrap();
    assert_eq!(store.audit_events(0, 10).unwrap(), [row]);
    let (version, _) = header(&Connection::open(&path).unwrap()).unwrap();
    assert_eq!(version, i64::from(latest_version()));
}

/// A database left by step 4 gains the lifecycle indexes, and its records are found
/// by subject and by age through them.
#[test]
fn step_four_database_gains_the_lifecycle_indexes() {
    use crate::SqliteStore;
    use gembok_store::{codec, Store};
    use gembok_types::RecordId;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let (subject, a, b) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    {
        let conn = Connection::open(&path).unwrap();
        for step in &STEPS[..4] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        let blob = codec::encode(&[]).unwrap();
        for (id, updated_at) in [(a, 10), (b, 20)] {
            conn.execute(
                "INSERT INTO records VALUES ('orders', ?1, ?2, 1, ?3, 1, ?4)",
                rusqlite::params![
                    &id.as_bytes()[..],
                    &subject.as_bytes()[..],
                    updated_at,
                    blob
                ],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(&path).unwrap();
    let mut both = vec![a, b];
    both.sort();
    let found: Vec<RecordId> = store
        .subject_records("orders", subject)
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(found, both);
    let old = store.updated_before("orders", 20, None, 10).unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].id, a);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(header(&conn).unwrap().0, i64::from(latest_version()));
    let indexes: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index'
             AND name IN ('records_by_subject', 'records_by_updated_at')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 2);
}

/// A database left by step 5 has every event's refs in `audit_refs` already: the
/// merge mark starts at its head, so its history is found and nothing is merged twice.
#[test]
fn step_five_database_marks_its_events_merged() {
    use crate::SqliteStore;
    use gembok_store::{AuditQuery, Store};
    use gembok_types::RecordId;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let a = RecordId::generate();
    {
        let conn = Connection::open(&path).unwrap();
        for step in &STEPS[..5] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        for seq in [1_i64, 2, 3] {
            conn.execute(
                "INSERT INTO audit_events VALUES (?1, 7, 'p', 'record.read', ?2, x'01', ?3)",
                rusqlite::params![seq, &a.as_bytes()[..], vec![0_u8; 32]],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO audit_refs VALUES (?1, ?2)",
                rusqlite::params![&a.as_bytes()[..], seq],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(&path).unwrap();
    let q = AuditQuery {
        record: Some(a),
        ..AuditQuery::default()
    };
    let seqs: Vec<u64> = store
        .audit_query(&q, None, 10)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, [3, 2, 1]);
    let conn = Connection::open(&path).unwrap();
    let mark: i64 = conn
        .query_row("SELECT seq FROM audit_refs_through", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mark, 3);
}

/// A database left by step 6 gains the staging table of bulk loads, empty, and keeps
/// its merge mark, so refs already merged are not merged again.
#[test]
fn step_six_database_gains_the_blind_index_staging() {
    use crate::SqliteStore;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        for step in &STEPS[..6] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute("UPDATE audit_refs_through SET seq = 41", [])
            .unwrap();
    }
    drop(SqliteStore::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    let staged: i64 = conn
        .query_row("SELECT count(*) FROM blind_staged", [], |r| r.get(0))
        .unwrap();
    assert_eq!(staged, 0);
    let mark: i64 = conn
        .query_row("SELECT seq FROM audit_refs_through", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mark, 41);
    let (version, _) = header(&conn).unwrap();
    assert_eq!(version, i64::from(latest_version()));
}
