//! Writes committed through the audit log by many threads at once, on a real SQLite
//! store: they share transactions, every caller still gets the outcome of its own
//! change (a refused compare-and-set fails alone, its neighbours land), no alert is
//! raised for a refusal, and the chain stays one valid chain with no gap.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gembok_core::audit::AuditObserver;
use gembok_core::{Actor, AuditConfig, AuditEvent, AuditLog, CoreError};
use gembok_crypto::AuditSigner;
use gembok_store::{Mutation, Store, StoreError};
use gembok_store_sqlite::SqliteStore;

const THREADS: usize = 16;
const WRITES: usize = 20;

#[derive(Default)]
struct Seen {
    transactions: AtomicUsize,
    events: AtomicUsize,
    alerts: AtomicUsize,
}

impl AuditObserver for Seen {
    fn committed(&self, events: &[(u64, AuditEvent)]) {
        self.transactions.fetch_add(1, Ordering::SeqCst);
        self.events.fetch_add(events.len(), Ordering::SeqCst);
    }
    fn audit_failed(&self) {
        self.alerts.fetch_add(1, Ordering::SeqCst);
    }
}

fn open(dir: &std::path::Path) -> (Arc<dyn Store>, Arc<AuditLog>, Arc<Seen>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("vault.db")).unwrap());
    let log = AuditLog::open(
        Arc::clone(&store),
        AuditSigner::generate().unwrap(),
        "write-group-test",
        AuditConfig::default(),
    )
    .unwrap();
    let seen = Arc::new(Seen::default());
    log.add_observer(seen.clone());
    (store, Arc::new(log), seen)
}

fn put(id: String) -> Mutation {
    Mutation::PutDoc {
        kind: "t".into(),
        id,
        body: b"{}".to_vec(),
    }
}

/// Every thread writes; `refused(thread, n)` picks the writes the store refuses: a
/// rewrap of a key that does not exist (grouped with the others), or on odd threads a
/// compare-and-set expecting a body the document never had (committed alone).
fn run(log: &Arc<AuditLog>, refused: fn(usize, usize) -> bool) -> Vec<bool> {
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let log = Arc::clone(log);
            std::thread::spawn(move || {
                (0..WRITES)
                    .map(|n| {
                        let bad = refused(t, n);
                        let cas = t % 2 == 1;
                        let m = match (bad, cas) {
                            (false, _) => put(format!("{t}-{n}")),
                            (true, false) => Mutation::RewrapKey {
                                purpose: "no-such-key".into(),
                                version: 1,
                                wrapped: vec![0; 40],
                            },
                            (true, true) => Mutation::PutDocIf {
                                kind: "t".into(),
                                id: "shared".into(),
                                body: b"{}".to_vec(),
                                expected: Some(b"never".to_vec()),
                            },
                        };
                        let event = AuditEvent::new(&Actor::system(), "doc.put", 1);
                        let outcome = log.commit(vec![m], vec![event]);
                        if bad {
                            let own = if cas {
                                matches!(outcome, Err(CoreError::Store(StoreError::Changed)))
                            } else {
                                matches!(outcome, Err(CoreError::NotFound))
                            };
                            assert!(own, "a refused write reports its own refusal: {outcome:?}");
                        } else {
                            outcome.unwrap();
                        }
                        bad
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect()
}

fn check_chain(log: &AuditLog, events: usize) {
    let report = log.verify(&[]).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(report.events, events as u64);
    assert_eq!(report.last_seq, events as u64, "no gap");
}

#[test]
fn concurrent_writes_share_transactions_and_build_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, seen) = open(dir.path());
    run(&log, |_, _| false);
    let total = THREADS * WRITES;
    assert_eq!(store.docs("t").unwrap().len(), total);
    assert_eq!(seen.events.load(Ordering::SeqCst), total);
    let transactions = seen.transactions.load(Ordering::SeqCst);
    assert!(transactions < total, "no write shared a transaction");
    assert_eq!(seen.alerts.load(Ordering::SeqCst), 0);
    check_chain(&log, total);
}

#[test]
fn a_refused_write_fails_alone_and_its_neighbours_land() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, seen) = open(dir.path());
    store
        .apply(&[Mutation::PutDoc {
            kind: "t".into(),
            id: "shared".into(),
            body: b"first".to_vec(),
        }])
        .unwrap();
    let outcomes = run(&log, |t, n| (t + n) % 4 == 0);
    let refused = outcomes.iter().filter(|bad| **bad).count();
    let landed = outcomes.len() - refused;
    assert!(refused > 0 && landed > 0);
    // Every good write is there, the shared document is untouched.
    let docs = store.docs("t").unwrap();
    assert_eq!(docs.len(), landed + 1);
    assert_eq!(store.doc("t", "shared").unwrap(), Some(b"first".to_vec()));
    // Refused writes left no event and raised no alert: the log was never at fault.
    assert_eq!(seen.events.load(Ordering::SeqCst), landed);
    assert_eq!(seen.alerts.load(Ordering::SeqCst), 0);
    check_chain(&log, landed);
}
