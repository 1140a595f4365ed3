//! Conformance tests for [`Mutation::PutDocIf`], the compare-and-set that lets several
//! servers on one database count failures in the same document without losing one:
//! the comparison is exact, a mismatch fails the whole batch with
//! [`StoreError::Changed`], and concurrent read-modify-write loops add up exactly.

use super::support::*;
use crate::{Mutation, Store, StoreError};

fn put_if(id: &str, body: &[u8], expected: Option<&[u8]>) -> Mutation {
    Mutation::PutDocIf {
        kind: "counter".to_owned(),
        id: id.to_owned(),
        body: body.to_vec(),
        expected: expected.map(<[u8]>::to_vec),
    }
}

fn doc(store: &dyn Store, id: &str) -> Option<Vec<u8>> {
    store.doc("counter", id).expect("doc")
}

fn changed(result: Result<(), StoreError>) -> bool {
    matches!(result, Err(StoreError::Changed))
}

/// `None` creates only what is absent; `Some` replaces only the exact body; a mismatch
/// anywhere in a batch leaves every other write of the batch undone.
pub fn docs_put_if_compares_exactly(store: &dyn Store) {
    apply_ok(store, &[put_if("a", b"1", None)]);
    assert_eq!(doc(store, "a"), Some(b"1".to_vec()));
    assert!(changed(store.apply(&[put_if("a", b"x", None)])));
    assert!(changed(store.apply(&[put_if("a", b"x", Some(b"2"))])));
    assert!(changed(store.apply(&[put_if("a", b"x", Some(b"1 "))])));
    assert!(changed(store.apply(&[put_if("a", b"x", Some(b""))])));
    assert!(changed(store.apply(&[put_if("absent", b"x", Some(b"1"))])));
    assert_eq!(doc(store, "absent"), None);
    apply_ok(store, &[put_if("a", b"2", Some(b"1"))]);
    assert_eq!(doc(store, "a"), Some(b"2".to_vec()));

    let rec = record("customers", vec![field("name", 1)]);
    let batch = [
        Mutation::Insert(rec.clone()),
        put_if("b", b"new", None),
        put_if("a", b"3", Some(b"1")),
    ];
    assert!(changed(store.apply(&batch)), "a stale body fails the batch");
    assert_eq!(doc(store, "a"), Some(b"2".to_vec()));
    assert_eq!(doc(store, "b"), None, "nothing of the batch was applied");
    assert!(store
        .get("customers", &[rec.meta.id], None)
        .expect("get")
        .is_empty());
}

/// Eight threads each add 25 to one counter by read, compare-and-set, repeat on
/// `Changed`: the counter ends at exactly 200.
pub fn docs_put_if_loses_no_concurrent_update(store: &dyn Store) {
    const THREADS: u64 = 8;
    const ADDS: u64 = 25;
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..ADDS {
                    for attempt in 0.. {
                        assert!(attempt < 10_000, "compare-and-set never succeeded");
                        let old = doc(store, "n");
                        let n = old
                            .as_deref()
                            .map_or(0, |b| String::from_utf8_lossy(b).parse::<u64>().expect("n"));
                        let next = (n + 1).to_string();
                        match store.apply(&[put_if("n", next.as_bytes(), old.as_deref())]) {
                            Ok(()) => break,
                            Err(StoreError::Changed) => continue,
                            Err(e) => panic!("unexpected store error: {e}"),
                        }
                    }
                }
            });
        }
    });
    assert_eq!(
        doc(store, "n"),
        Some((THREADS * ADDS).to_string().into_bytes())
    );
}
