//! Backend-specific tests of the retry loop: killed connections are replaced, and
//! serialization conflicts are repeated until they pass or fail cleanly.

mod common;

use gembok_store::{Mutation, RecordMeta, SealedField, SealedRecord, Store, StoreError};
use gembok_types::RecordId;

fn customer() -> SealedRecord {
    let id = RecordId::generate();
    SealedRecord {
        meta: RecordMeta {
            collection: "customers".into(),
            id,
            subject: id,
            created_at: 1,
            updated_at: 1,
            min_key_version: 1,
        },
        fields: vec![field("name", b"\x01ct")],
    }
}

fn field(name: &str, ct: &[u8]) -> SealedField {
    SealedField {
        name: name.into(),
        key_version: 1,
        ciphertext: ct.to_vec(),
    }
}

fn update(id: RecordId, name: &str, ct: &[u8], at: i64) -> Mutation {
    Mutation::UpdateFields {
        collection: "customers".into(),
        id,
        set: vec![field(name, ct)],
        remove: Vec::new(),
        updated_at: at,
    }
}

#[test]
fn terminated_connections_are_replaced() {
    let db = fresh_db!();
    let store = db.store();
    let first = customer();
    store.apply(&[Mutation::Insert(first.clone())]).unwrap();
    // Several idle connections, so that more than one of them is dead afterwards.
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| store.count("customers").unwrap());
        }
    });
    let before = store.retries();
    for round in 0..3 {
        assert!(db.terminate_store_sessions() > 0, "round {round}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(store.count("customers").unwrap(), 1 + round);
        assert!(db.terminate_store_sessions() > 0, "round {round}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        store.apply(&[Mutation::Insert(customer())]).unwrap();
        let got = store.get("customers", &[first.meta.id], None).unwrap();
        assert_eq!(got, std::slice::from_ref(&first));
    }
    assert!(
        store.retries() >= before + 6,
        "each killed session cost a retry"
    );
}

/// A transaction that holds the record's row and commits a change while the store's
/// update waits makes the store's first try fail with a serialization error; the
/// retry sees the committed row and succeeds, keeping both changes.
#[test]
fn a_serialization_failure_is_retried() {
    let db = fresh_db!();
    let store = db.store();
    let rec = customer();
    let id = rec.meta.id;
    store.apply(&[Mutation::Insert(rec)]).unwrap();

    let mut other = db.client();
    let mut tx = other
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::Serializable)
        .start()
        .unwrap();
    tx.execute(
        "UPDATE records SET created_at = 42 WHERE id = $1",
        &[&&id.as_bytes()[..]],
    )
    .unwrap();
    let result = std::thread::scope(|s| {
        let waiting = s.spawn(|| store.apply(&[update(id, "email", b"\x02e", 7)]));
        // Commit only once the store's UPDATE waits on the row lock.
        let mut watcher = db.client();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while watcher
            .query(
                "SELECT 1 FROM pg_stat_activity
                 WHERE application_name = $1 AND wait_event_type = 'Lock'",
                &[&db.app],
            )
            .unwrap()
            .is_empty()
        {
            assert!(std::time::Instant::now() < deadline, "store never waited");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        tx.commit().unwrap();
        waiting.join().unwrap()
    });
    result.expect("the conflicting update is retried and succeeds");
    assert!(
        store.retries() >= 1,
        "the first try failed and was repeated"
    );
    let got = store.get("customers", &[id], None).unwrap();
    assert_eq!(got[0].meta.created_at, 42, "the other commit is kept");
    assert_eq!(got[0].meta.updated_at, 7);
    let names: Vec<&str> = got[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["email", "name"]);
}

/// Two stores (two pools) update the same record at once: every update either
/// commits or fails with a clean `Unavailable`, and the committed ones are all there.
#[test]
fn concurrent_updates_of_one_record_commit_or_fail_cleanly() {
    const ROUNDS: usize = 25;
    let db = fresh_db!();
    let (a, b) = (db.store(), db.store());
    let rec = customer();
    let id = rec.meta.id;
    a.apply(&[Mutation::Insert(rec)]).unwrap();
    let outcomes: Vec<(String, Result<(), StoreError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = [("a", &a), ("b", &b)]
            .into_iter()
            .map(|(who, store)| {
                s.spawn(move || {
                    (0..ROUNDS)
                        .map(|i| {
                            let name = format!("{who}{i:02}");
                            let r = store.apply(&[update(id, &name, b"\x03", i as i64)]);
                            (name, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let stored = a.get("customers", &[id], None).unwrap().remove(0);
    let mut committed = 0;
    for (name, outcome) in &outcomes {
        let present = stored.fields.iter().any(|f| &f.name == name);
        match outcome {
            Ok(()) => {
                committed += 1;
                assert!(present, "committed update {name} is missing");
            }
            Err(StoreError::Unavailable(msg)) => {
                assert!(!present, "failed update {name} was applied");
                assert!(msg.contains("conflicting"), "{msg}");
            }
            Err(other) => panic!("unclean error: {other:?}"),
        }
    }
    assert!(committed >= ROUNDS, "most updates commit ({committed})");
    assert_eq!(stored.fields.len(), committed + 1);
}

/// A connection that dies while COMMIT runs leaves the outcome unknown: the store
/// reports `Unavailable` saying so and does not repeat the transaction, which could
/// otherwise apply it twice. A deferred trigger ends the session inside COMMIT.
#[test]
fn a_connection_lost_during_commit_is_not_retried() {
    let db = fresh_db!();
    let store = db.store();
    db.client()
        .batch_execute(
            "CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
             CREATE CONSTRAINT TRIGGER die_on_commit AFTER INSERT ON settings
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
             WHEN (NEW.name = 'boom') EXECUTE FUNCTION die();",
        )
        .unwrap();
    let before = store.retries();
    let result = store.apply(&[Mutation::PutSetting {
        name: "boom".into(),
        value: vec![1],
    }]);
    match result {
        Err(StoreError::Unavailable(msg)) => assert!(msg.contains("during COMMIT"), "{msg}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(
        store.retries(),
        before,
        "an unknown outcome is never repeated"
    );
    // The store keeps working on a new connection.
    store
        .apply(&[Mutation::PutSetting {
            name: "calm".into(),
            value: vec![2],
        }])
        .unwrap();
    assert_eq!(store.setting("calm").unwrap(), Some(vec![2]));
}

/// A snapshot whose connection is killed cannot go on from another snapshot: its reads
/// fail with `Unavailable` instead of answering from a later moment, and the store
/// itself carries on with new connections.
#[test]
fn a_killed_snapshot_fails_and_the_store_carries_on() {
    let db = fresh_db!();
    let store = db.store();
    store.apply(&[Mutation::Insert(customer())]).unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.count("customers").unwrap(), 1);
    store.apply(&[Mutation::Insert(customer())]).unwrap();
    assert!(db.terminate_store_sessions() > 0);
    std::thread::sleep(std::time::Duration::from_millis(100));
    match snap.count("customers") {
        Err(StoreError::Unavailable(_)) => {}
        other => panic!("a killed snapshot answered {other:?}"),
    }
    drop(snap);
    assert_eq!(store.count("customers").unwrap(), 2);
    let again = store.snapshot().unwrap();
    assert_eq!(again.count("customers").unwrap(), 2);
}
