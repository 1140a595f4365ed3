//! Upgrades from databases left by steps 3 to 6: the audit tables, the lifecycle
//! indexes, the merge mark of `audit_refs` and the staging table of bulk loads each
//! arrive without losing what the older database held.

use super::super::*;
use super::left_by_step;

/// A database left by step 3 gains the audit tables, keeps its documents, and an
/// event appended after the upgrade reads back.
#[test]
fn step_three_database_gains_the_audit_chain() {
    use crate::SqliteStore;
    use gembok_store::{AuditRow, Mutation, Store};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = left_by_step(&path, 3);
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
        let conn = left_by_step(&path, 4);
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
        let conn = left_by_step(&path, 5);
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
        let conn = left_by_step(&path, 6);
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
