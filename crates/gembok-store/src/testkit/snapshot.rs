//! Conformance tests for [`Store::snapshot`]: the view shows the store as it stood
//! when it was taken, whatever is written afterwards, refuses every write, and a walk
//! of every kind through it gives the same answer twice while writers keep going.
//! Backups and `migrate-store` copy a serving vault through this view.

use super::audit::{append, plain};
use super::support::*;
use crate::copy::{summarise, Kind};
use crate::{Mutation, Store, StoreError};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64};

fn doc(store: &dyn Store) -> Option<Vec<u8>> {
    store.doc("state", "one").expect("doc")
}

fn put_doc(body: &[u8]) -> Mutation {
    Mutation::PutDoc {
        kind: "state".to_owned(),
        id: "one".to_owned(),
        body: body.to_vec(),
    }
}

/// Records, index entries, documents, settings and audit events written after the
/// snapshot (and a delete) are not seen through it; the store itself sees them.
pub fn snapshot_sees_one_moment(store: &dyn Store) {
    let kept = customer(1);
    apply_ok(
        store,
        &[
            Mutation::Insert(kept.clone()),
            index("customers", "email", b"d1", kept.meta.id),
            put_doc(b"before"),
            Mutation::PutSetting {
                name: "s".to_owned(),
                value: b"before".to_vec(),
            },
            append(&plain(1)),
        ],
    );
    let snap = store.snapshot().expect("snapshot");

    let added = customer(1);
    apply_ok(
        store,
        &[
            Mutation::Insert(added.clone()),
            index("customers", "email", b"d1", added.meta.id),
            put_doc(b"after"),
            Mutation::PutSetting {
                name: "s".to_owned(),
                value: b"after".to_vec(),
            },
            append(&plain(2)),
        ],
    );
    apply_ok(
        store,
        &[Mutation::Delete {
            collection: "customers".to_owned(),
            id: kept.meta.id,
        }],
    );

    let snap = snap.as_ref();
    assert_eq!(snap.count("customers").expect("count"), 1);
    assert_eq!(get_one(snap, "customers", kept.meta.id), Some(kept.clone()));
    assert_eq!(get_one(snap, "customers", added.meta.id), None);
    let found = snap.find("customers", "email", b"d1").expect("find");
    assert_eq!(found, vec![kept.meta.id]);
    assert_eq!(doc(snap), Some(b"before".to_vec()));
    assert_eq!(
        snap.setting("s").expect("setting"),
        Some(b"before".to_vec())
    );
    assert_eq!(
        snap.audit_head().expect("head").map(|(seq, _)| seq),
        Some(1)
    );
    assert_eq!(snap.audit_events(0, 10).expect("events").len(), 1);
    snap.check_integrity().expect("integrity through the view");

    assert_eq!(store.count("customers").expect("count"), 1);
    assert_eq!(get_one(store, "customers", kept.meta.id), None);
    assert_eq!(doc(store), Some(b"after".to_vec()));
    assert_eq!(
        store.audit_head().expect("head").map(|(seq, _)| seq),
        Some(2)
    );
}

/// Writing through the view, scrubbing it or taking a snapshot of it is refused, and
/// leaves the store as it was.
pub fn snapshot_refuses_writes(store: &dyn Store) {
    apply_ok(store, &[put_doc(b"kept")]);
    let snap = store.snapshot().expect("snapshot");
    let refused = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Conflict(_)));
    assert!(refused(snap.apply(&[put_doc(b"written")])));
    assert!(refused(snap.apply(&[Mutation::Insert(customer(1))])));
    assert!(refused(snap.scrub()));
    assert!(
        snap.snapshot().is_err(),
        "a snapshot of a snapshot is refused"
    );
    drop(snap);
    assert_eq!(doc(store), Some(b"kept".to_vec()));
    assert_eq!(store.count("customers").expect("count"), 0);
    apply_ok(store, &[put_doc(b"after the view")]);
    assert_eq!(doc(store), Some(b"after the view".to_vec()));
}

/// While two threads insert records and append audit events, walking every kind
/// through one snapshot twice gives identical counts and hashes, which agree with
/// the view's own counts.
pub fn snapshot_walk_is_stable_under_writes(store: &dyn Store) {
    insert_all(store, &(0..50).map(|_| customer(1)).collect::<Vec<_>>());
    apply_ok(store, &[append(&plain(1))]);
    let stop = AtomicBool::new(false);
    let next_seq = AtomicU64::new(2);
    let written = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let writer = || {
            while !stop.load(Relaxed) && written.load(Relaxed) < 400 {
                let seq = next_seq.fetch_add(1, Relaxed);
                let rec = customer(1);
                let batch = [
                    index("customers", "email", &seq.to_be_bytes(), rec.meta.id),
                    Mutation::Insert(rec),
                    append(&plain(seq)),
                ];
                match store.apply(&batch) {
                    Ok(()) => {
                        written.fetch_add(1, Relaxed);
                    }
                    // Two writers may race for a seq; the loser just takes another.
                    Err(StoreError::Conflict(_)) => {}
                    Err(e) => panic!("{} write failed: {e}", store.backend()),
                }
            }
        };
        let a = scope.spawn(writer);
        let b = scope.spawn(writer);
        // The snapshot is taken while the writers are under way.
        while written.load(Relaxed) < 5 {
            std::thread::yield_now();
        }
        let snap = store.snapshot().expect("snapshot");
        let first: Vec<_> = Kind::ALL
            .iter()
            .map(|k| summarise(snap.as_ref(), *k).expect("walk"))
            .collect();
        let second: Vec<_> = Kind::ALL
            .iter()
            .map(|k| summarise(snap.as_ref(), *k).expect("walk"))
            .collect();
        assert_eq!(first, second, "two walks of one snapshot differ");
        let records = first.iter().find(|s| s.kind == Kind::Records).unwrap();
        let events = first.iter().find(|s| s.kind == Kind::AuditEvents).unwrap();
        assert_eq!(records.count, snap.count("customers").expect("count"));
        let listed = snap.audit_events(0, 100_000).expect("events").len();
        assert_eq!(events.count, listed as u64);
        drop(snap);
        stop.store(true, Relaxed);
        a.join().expect("writer a");
        b.join().expect("writer b");
    });
    let after = store.count("customers").expect("count");
    assert_eq!(after, 50 + written.load(Relaxed));
}
