//! Conformance tests for audit appends from several threads: distinct positions all
//! land, and when threads race for the same position exactly one wins while the
//! others get `Conflict` (never a lost or doubled event, never another error).

use super::audit::{append, event, seqs};
use super::support::*;
use crate::{AuditQuery, Mutation, Store, StoreError};
use gembok_types::RecordId;
use std::sync::Barrier;

const THREADS: usize = 8;
const APPENDS_PER_THREAD: u64 = 25;

/// 8 threads each append 25 events at their own seqs (each with a record insert, all
/// naming one shared subject); all 200 events and records are there afterwards.
pub fn audit_concurrent_appends_all_land(store: &dyn Store) {
    let subject = RecordId::generate();
    let written: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS as u64)
            .map(|t| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 1..=APPENDS_PER_THREAD {
                        let seq = t * APPENDS_PER_THREAD + i;
                        let rec = customer(1);
                        let refs = [rec.meta.id, subject];
                        let row = event(seq, T0 + seq as i64, "api:k", "record.create", &refs);
                        apply_ok(store, &[Mutation::Insert(rec), append(&row)]);
                        mine.push(row);
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let total = THREADS as u64 * APPENDS_PER_THREAD;
    let mut want = written;
    want.sort_by_key(|r| r.seq);
    assert_eq!(seqs(&want), (1..=total).collect::<Vec<_>>());
    assert_eq!(store.audit_events(0, 1000).expect("events"), want);
    let head = store.audit_head().expect("head").expect("a head");
    assert_eq!(head.0, total);
    assert_eq!(store.count("customers").expect("count"), total);
    let q = AuditQuery {
        record: Some(subject),
        ..AuditQuery::default()
    };
    let found = store.audit_query(&q, None, 1000).expect("query");
    assert_eq!(found.len() as u64, total);
}

/// In each of 10 rounds, 8 threads released together append different events at the
/// same seq: exactly one succeeds, the others get `Conflict`, and the stored event is
/// the winner's.
pub fn audit_concurrent_same_seq_one_wins(store: &dyn Store) {
    const ROUNDS: u64 = 10;
    for seq in 1..=ROUNDS {
        let barrier = Barrier::new(THREADS);
        let outcomes: Vec<_> = std::thread::scope(|scope| {
            let barrier = &barrier;
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    scope.spawn(move || {
                        let row = event(seq, T0, &format!("api:t{t}"), "record.read", &[]);
                        barrier.wait();
                        (row.clone(), store.apply(&[append(&row)]))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("writer thread"))
                .collect()
        });
        let mut winners = Vec::new();
        for (row, result) in outcomes {
            match result {
                Ok(()) => winners.push(row),
                Err(StoreError::Conflict(_)) => {}
                Err(other) => panic!("racing append failed with {other:?}, not Conflict"),
            }
        }
        assert_eq!(winners.len(), 1, "round {seq}: one append must win");
        let stored = store.audit_events(seq - 1, 10).expect("events");
        assert_eq!(stored, winners, "round {seq}");
    }
}
