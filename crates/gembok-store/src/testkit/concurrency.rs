//! Conformance tests for sharing one store between threads: concurrent writers lose
//! nothing, and readers running beside them only ever see whole transactions.

use super::support::*;
use crate::{Mutation, SealedRecord, Store};
use gembok_types::RecordId;

const THREADS: usize = 8;
const INSERTS_PER_THREAD: usize = 50;

/// 8 threads each apply 50 single-insert transactions; all 400 records are readable
/// afterwards and nothing else appeared.
pub fn concurrent_inserts_all_readable(store: &dyn Store) {
    let written: Vec<Vec<SealedRecord>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(move || {
                    let mut mine = Vec::with_capacity(INSERTS_PER_THREAD);
                    for _ in 0..INSERTS_PER_THREAD {
                        let rec = customer(1);
                        apply_ok(store, &[Mutation::Insert(rec.clone())]);
                        mine.push(rec);
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let all: Vec<SealedRecord> = written.into_iter().flatten().collect();
    assert_eq!(all.len(), THREADS * INSERTS_PER_THREAD);
    assert_eq!(store.count("customers").expect("count") as usize, all.len());
    let ids: Vec<RecordId> = all.iter().map(|r| r.meta.id).collect();
    let got = store.get("customers", &ids, None).expect("get");
    assert_eq!(got, all);
}

/// While one thread inserts records in pairs (record and its index entry in one
/// transaction), readers never see a record without its entry or a half-written pair.
pub fn readers_see_whole_transactions(store: &dyn Store) {
    const PAIRS: usize = 60;
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let done = &done;
        let readers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(move || {
                    let mut checks = 0usize;
                    while !done.load(std::sync::atomic::Ordering::Acquire) || checks == 0 {
                        let indexed = store.find("customers", "email", b"pair").expect("find");
                        let count = store.count("customers").expect("count") as usize;
                        // Counted after finding, so the count can only have grown.
                        assert!(
                            count >= 2 * indexed.len(),
                            "index entry without its records"
                        );
                        assert_eq!(count % 2, 0, "half of a two-record transaction");
                        let found = store.get("customers", &indexed, None).expect("get");
                        assert_eq!(found.len(), indexed.len(), "indexed record not readable");
                        checks += 1;
                    }
                    checks
                })
            })
            .collect();
        for _ in 0..PAIRS {
            let a = customer(1);
            let b = customer(1);
            let slice = [
                index("customers", "email", b"pair", a.meta.id),
                Mutation::Insert(a),
                Mutation::Insert(b),
            ];
            apply_ok(store, &slice);
        }
        done.store(true, std::sync::atomic::Ordering::Release);
        for reader in readers {
            assert!(reader.join().expect("reader thread") > 0);
        }
    });
    assert_eq!(
        store
            .find("customers", "email", b"pair")
            .expect("find")
            .len(),
        PAIRS
    );
}
