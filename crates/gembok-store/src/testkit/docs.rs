//! Conformance tests for small documents ([`Mutation::PutDoc`], [`Store::doc`],
//! [`Store::docs`]): kinds kept apart, ids in byte order, bodies byte for byte, and
//! documents committing with the rest of a transaction.

use super::support::*;
use crate::{Mutation, Store};

fn put(kind: &str, id: &str, body: &[u8]) -> Mutation {
    Mutation::PutDoc {
        kind: kind.to_owned(),
        id: id.to_owned(),
        body: body.to_vec(),
    }
}

fn del(kind: &str, id: &str) -> Mutation {
    Mutation::DeleteDoc {
        kind: kind.to_owned(),
        id: id.to_owned(),
    }
}

fn doc(store: &dyn Store, kind: &str, id: &str) -> Option<Vec<u8>> {
    store.doc(kind, id).expect("doc")
}

fn ids(store: &dyn Store, kind: &str) -> Vec<String> {
    store
        .docs(kind)
        .expect("docs")
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// Put creates and replaces, delete removes (and is a no-op when nothing is there),
/// kinds that share a prefix stay apart, and bodies round-trip exactly.
pub fn docs_put_replace_delete(store: &dyn Store) {
    assert_eq!(doc(store, "api_key", "a"), None);
    assert!(store.docs("api_key").expect("docs").is_empty());
    let odd = ct("odd body");
    apply_ok(
        store,
        &[
            put("api_key", "b", b"{\"n\":1}"),
            put("api_key", "a", &odd),
            put("api_key_hash", "a", b"other kind"),
            put("api_key", "empty", b""),
        ],
    );
    assert_eq!(doc(store, "api_key", "a"), Some(odd.clone()));
    assert_eq!(
        doc(store, "api_key_hash", "a"),
        Some(b"other kind".to_vec())
    );
    assert_eq!(doc(store, "api_key", "empty"), Some(Vec::new()));
    assert_eq!(doc(store, "api_ke", "a"), None);
    assert_eq!(
        store.docs("api_key").expect("docs"),
        vec![
            ("a".to_owned(), odd),
            ("b".to_owned(), b"{\"n\":1}".to_vec()),
            ("empty".to_owned(), Vec::new()),
        ]
    );
    assert_eq!(ids(store, "api_key_hash"), ["a"]);

    apply_ok(
        store,
        &[
            put("api_key", "a", b"replaced"),
            del("api_key", "b"),
            del("api_key", "never-there"),
        ],
    );
    assert_eq!(doc(store, "api_key", "a"), Some(b"replaced".to_vec()));
    assert_eq!(doc(store, "api_key", "b"), None);
    assert_eq!(ids(store, "api_key"), ["a", "empty"]);
    assert_eq!(ids(store, "api_key_hash"), ["a"], "other kinds untouched");
}

/// `docs` lists ids in byte order whatever the order they were written in.
pub fn docs_listed_in_id_order(store: &dyn Store) {
    let mut written: Vec<String> = (0..200u32)
        .map(|i| format!("{:08x}", i.wrapping_mul(2_654_435_761)))
        .chain(["B", "a", "a0", "\u{e4}", "Z9", "0"].map(String::from))
        .collect();
    let muts: Vec<Mutation> = written
        .iter()
        .map(|id| put("k", id, id.as_bytes()))
        .collect();
    apply_ok(store, &muts);
    written.sort();
    let listed = store.docs("k").expect("docs");
    assert_eq!(
        listed.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        written
    );
    assert!(listed
        .iter()
        .all(|(id, body)| id.as_bytes() == body.as_slice()));
}

/// A document written in a transaction that fails is not there afterwards; one
/// written with a record in a transaction that succeeds is.
pub fn docs_commit_with_their_transaction(store: &dyn Store) {
    let rec = record("customers", vec![field("name", 1)]);
    apply_ok(
        store,
        &[Mutation::Insert(rec.clone()), put("api_key", "k1", b"one")],
    );
    assert_eq!(doc(store, "api_key", "k1"), Some(b"one".to_vec()));
    let err = store.apply(&[
        put("api_key", "k2", b"two"),
        put("api_key", "k1", b"changed"),
        del("api_key", "k1"),
        Mutation::Insert(rec),
    ]);
    assert!(err.is_err(), "a duplicate insert must fail the batch");
    assert_eq!(doc(store, "api_key", "k2"), None);
    assert_eq!(doc(store, "api_key", "k1"), Some(b"one".to_vec()));
}
