//! Conformance tests for the audit chain's checkpoints and retention
//! ([`Mutation::PutAuditCheckpoint`], [`Mutation::PruneAudit`],
//! [`Store::audit_checkpoints`], [`Store::audit_seq_before`]).

use super::audit::{append, event, hash_of, plain, seqs};
use super::support::*;
use crate::{AuditCheckpoint, AuditQuery, Mutation, Store};
use gembok_types::RecordId;

fn checkpoint(seq: u64, signature: &str) -> AuditCheckpoint {
    AuditCheckpoint {
        seq,
        hash: hash_of(seq),
        time: T0 + seq as i64,
        key_id: format!("key-{signature}"),
        signature: ct(signature),
    }
}

fn put(c: &AuditCheckpoint) -> Mutation {
    Mutation::PutAuditCheckpoint(c.clone())
}

fn checkpoints(store: &dyn Store, after: u64, limit: usize) -> Vec<AuditCheckpoint> {
    store.audit_checkpoints(after, limit).expect("checkpoints")
}

/// Checkpoints come back exactly, oldest first after the cursor; one put at an
/// existing `seq` replaces it (in the same slice or later), and a checkpoint needs no
/// event at its `seq`.
pub fn audit_checkpoints_upsert_and_page(store: &dyn Store) {
    assert!(checkpoints(store, 0, 10).is_empty());
    let (c10, c20, c30) = (
        checkpoint(10, "a"),
        checkpoint(20, "b"),
        checkpoint(30, "c"),
    );
    apply_ok(store, &[put(&c30), put(&c10), put(&c20)]);
    assert_eq!(checkpoints(store, 0, 10), [c10.clone(), c20, c30.clone()]);
    let c20b = checkpoint(20, "b-again");
    let c40 = checkpoint(40, "d");
    apply_ok(store, &[put(&c40), put(&checkpoint(40, "x")), put(&c40)]);
    apply_ok(store, &[put(&c20b)]);
    assert_eq!(checkpoints(store, 0, 2), [c10, c20b.clone()]);
    assert_eq!(checkpoints(store, 20, 10), [c30.clone(), c40.clone()]);
    assert_eq!(checkpoints(store, 15, 1), [c20b]);
    assert!(checkpoints(store, 40, 10).is_empty());
    assert!(checkpoints(store, 0, 0).is_empty());
    assert_eq!(store.audit_head().expect("head"), None);
}

/// Pruning through `n` removes events, refs and checkpoints with `seq <= n` and keeps
/// the rest exactly; the chain then grows on from its head. Pruning past the end
/// empties it.
pub fn audit_prune_removes_through(store: &dyn Store) {
    let (all, odd) = (RecordId::generate(), RecordId::generate());
    let rows: Vec<_> = (1..=20u64)
        .map(|seq| {
            let refs = if seq % 2 == 1 {
                vec![all, odd]
            } else {
                vec![all]
            };
            event(seq, T0 + seq as i64, "api:k", "record.read", &refs)
        })
        .collect();
    let mut slice: Vec<Mutation> = rows.iter().map(append).collect();
    slice.extend([5, 10, 15, 20].map(|s| put(&checkpoint(s, "s"))));
    apply_ok(store, &slice);
    let by = |record: RecordId| {
        let q = AuditQuery {
            record: Some(record),
            ..AuditQuery::default()
        };
        seqs(&store.audit_query(&q, None, 100).expect("query"))
    };

    apply_ok(store, &[Mutation::PruneAudit { through: 0 }]);
    assert_eq!(store.audit_events(0, 100).expect("events"), rows);

    apply_ok(store, &[Mutation::PruneAudit { through: 10 }]);
    assert_eq!(store.audit_events(0, 100).expect("events"), rows[10..]);
    assert_eq!(by(all), (11..=20).rev().collect::<Vec<_>>());
    assert_eq!(by(odd), [19, 17, 15, 13, 11]);
    assert_eq!(seqs_of(&checkpoints(store, 0, 10)), [15, 20]);
    assert_eq!(store.audit_head().expect("head"), Some((20, hash_of(20))));
    assert_eq!(store.audit_seq_before(T0 + 12).expect("before"), Some(11));

    // Pruning and appending in one slice: the new event survives its own prune.
    apply_ok(
        store,
        &[Mutation::PruneAudit { through: 15 }, append(&plain(21))],
    );
    assert_eq!(
        seqs(&store.audit_events(0, 100).expect("events")),
        (16..=21).collect::<Vec<_>>()
    );
    assert_eq!(by(odd), [19, 17]);
    assert_eq!(seqs_of(&checkpoints(store, 0, 10)), [20]);

    apply_ok(store, &[Mutation::PruneAudit { through: 1000 }]);
    assert!(store.audit_events(0, 100).expect("events").is_empty());
    assert!(by(all).is_empty());
    assert!(checkpoints(store, 0, 10).is_empty());
    assert_eq!(store.audit_head().expect("head"), None);
    apply_ok(store, &[append(&plain(22))]);
    assert_eq!(store.audit_head().expect("head"), Some((22, hash_of(22))));
}

fn seqs_of(checkpoints: &[AuditCheckpoint]) -> Vec<u64> {
    checkpoints.iter().map(|c| c.seq).collect()
}

/// `audit_seq_before` answers the highest `seq` stamped strictly before the time,
/// even when times are not in `seq` order, and `None` when no event is that old.
pub fn audit_seq_before_finds_last_older_event(store: &dyn Store) {
    assert_eq!(store.audit_seq_before(i64::MAX).expect("before"), None);
    let times = [(1, 100), (2, 200), (3, 150), (4, 300), (5, 300)];
    let slice: Vec<Mutation> = times
        .iter()
        .map(|&(seq, t)| append(&event(seq, t, "api:k", "record.read", &[])))
        .collect();
    apply_ok(store, &slice);
    let cases = [
        (i64::MIN, None),
        (100, None),
        (101, Some(1)),
        (150, Some(1)),
        (151, Some(3)),
        (200, Some(3)),
        (201, Some(3)),
        (300, Some(3)),
        (301, Some(5)),
        (i64::MAX, Some(5)),
    ];
    for (before, want) in cases {
        assert_eq!(
            store.audit_seq_before(before).expect("before"),
            want,
            "before {before}"
        );
    }
}
