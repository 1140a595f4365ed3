//! Deferred reads on a real SQLite vault: the records come out of their [`Durable`] only
//! once the read's event is durable; when the log cannot be written the reader gets
//! `AuditUnavailable` and nothing; many reads in flight on few threads, mixed with
//! synchronous reads and writes, still build one valid, gapless chain.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use gembok_core::audit::AuditObserver;
use gembok_core::{Actor, AuditEvent, CoreError, Durable, Record, Vault, View};
use gembok_types::RecordId;
use serde_json::json;

/// Wakes the thread that polls.
struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Poll every future on this one thread until all are done, as a tiny executor would.
fn join_all<T: Unpin>(mut pending: Vec<Durable<T>>) -> Vec<Result<T, CoreError>> {
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut out: Vec<Option<Result<T, CoreError>>> = pending.iter().map(|_| None).collect();
    while out.iter().any(Option::is_none) {
        for (slot, fut) in out.iter_mut().zip(pending.iter_mut()) {
            if slot.is_none() {
                if let Poll::Ready(r) = Pin::new(fut).poll(&mut cx) {
                    *slot = Some(r);
                }
            }
        }
        if out.iter().any(Option::is_none) {
            std::thread::park_timeout(std::time::Duration::from_millis(50));
        }
    }
    out.into_iter().map(Option::unwrap).collect()
}

/// A name part without digits (names may hold only letters).
fn letters(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

fn customers(vault: &Vault, n: usize) -> Vec<RecordId> {
    let rows: Vec<_> = (0..n)
        .map(|i| json!({"name": format!("Pelanggan Tunda {}", letters(i)), "email": format!("tunda{i}@contoh.co.id")}))
        .collect();
    vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap()
}

#[derive(Default)]
struct Failures(AtomicUsize);

impl AuditObserver for Failures {
    fn committed(&self, _: &[(u64, AuditEvent)]) {}
    fn audit_failed(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_deferred_read_whose_event_cannot_be_written_returns_an_error_and_no_data() {
    let t = common::vault();
    let failures = Arc::new(Failures::default());
    t.vault.audit().add_observer(failures.clone());
    let a = Actor::system();
    let id = customers(&t.vault, 1)[0];
    let raw = rusqlite::Connection::open(t.dir.path().join("gembok.db")).unwrap();
    raw.execute_batch("CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit disk full'); END;")
        .unwrap();

    let get = t
        .vault
        .get_deferred(&a, "customers", id, None, View::Plain)
        .unwrap();
    // The Debug form of a held result shows no value either.
    assert!(!format!("{get:?}").contains("Tunda"));
    let err = get.wait().unwrap_err();
    assert!(matches!(err, CoreError::AuditUnavailable), "{err}");
    assert!(!err.to_string().contains("Tunda"), "{err}");

    let found = t
        .vault
        .find_deferred(
            &a,
            "customers",
            "email",
            "tunda0@contoh.co.id",
            None,
            View::Plain,
        )
        .unwrap();
    let many = t
        .vault
        .get_batch_deferred(&a, "customers", &[id, id], None, View::Plain)
        .unwrap();
    for r in join_all(vec![found, many]) {
        assert!(matches!(r, Err(CoreError::AuditUnavailable)));
    }
    assert_eq!(
        failures.0.load(Ordering::SeqCst),
        3,
        "observers hear of each"
    );

    // The log works again: the same read is served, after its event is durable.
    raw.execute_batch("DROP TRIGGER no_audit;").unwrap();
    let before = t.vault.audit().head_seq();
    let rec = t
        .vault
        .get_deferred(&a, "customers", id, None, View::Plain)
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(rec.id, id);
    assert_eq!(t.vault.audit().head_seq(), before + 1);
    assert!(t.vault.audit().verify(&[]).unwrap().ok());
}

#[test]
fn a_deferred_read_of_no_record_is_not_found_once_durable() {
    let t = common::vault();
    let before = t.vault.audit().head_seq();
    let missing = t
        .vault
        .get_deferred(
            &Actor::system(),
            "customers",
            RecordId::generate(),
            None,
            View::Masked,
        )
        .unwrap();
    assert!(matches!(missing.wait(), Err(CoreError::NotFound)));
    assert_eq!(t.vault.audit().head_seq(), before + 1);
}

#[test]
fn many_concurrent_deferred_reads_build_one_valid_chain() {
    let t = common::vault();
    let vault = Arc::new(t.vault);
    let ids = Arc::new(customers(&vault, 64));
    let head = vault.audit().head_seq();
    const THREADS: usize = 4;
    const ROUNDS: usize = 5;
    const IN_FLIGHT: usize = 64;
    let readers: Vec<_> = (0..THREADS)
        .map(|n| {
            let (vault, ids) = (Arc::clone(&vault), Arc::clone(&ids));
            std::thread::spawn(move || {
                let a = Actor {
                    principal: format!("key_reader{n}"),
                    ..Actor::system()
                };
                for round in 0..ROUNDS {
                    // Every read of a round is in flight at once on this one thread.
                    let pending: Vec<Durable<Record>> = (0..IN_FLIGHT)
                        .map(|i| {
                            let id = ids[(n * 7 + round * 3 + i) % ids.len()];
                            vault
                                .get_deferred(&a, "customers", id, None, View::Masked)
                                .unwrap()
                        })
                        .collect();
                    for (i, r) in join_all(pending).into_iter().enumerate() {
                        let id = ids[(n * 7 + round * 3 + i) % ids.len()];
                        assert_eq!(r.unwrap().id, id);
                    }
                }
            })
        })
        .collect();
    // Synchronous reads and writes at the same time share the queue and the chain.
    let writer = {
        let (vault, ids) = (Arc::clone(&vault), Arc::clone(&ids));
        std::thread::spawn(move || {
            let a = Actor::system();
            for i in 0..20 {
                vault
                    .create(
                        &a,
                        "customers",
                        &json!({"name": format!("Baru {}", letters(i))}),
                    )
                    .unwrap();
                vault
                    .get(&a, "customers", ids[i], None, View::Masked)
                    .unwrap();
            }
        })
    };
    for r in readers {
        r.join().unwrap();
    }
    writer.join().unwrap();

    let report = vault.audit().verify(&[]).unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(report.first_seq, 1);
    let expected = (THREADS * ROUNDS * IN_FLIGHT + 40) as u64;
    assert_eq!(report.last_seq, head + expected);
    assert_eq!(report.events, report.last_seq, "no gap");
    let page = vault
        .audit()
        .query(
            &gembok_store::AuditQuery {
                principal: Some("key_reader0".into()),
                ..Default::default()
            },
            None,
            1000,
        )
        .unwrap();
    assert_eq!(page.events.len(), ROUNDS * IN_FLIGHT);
    assert!(page.events.iter().all(|e| e.event.action == "record.read"));
}
