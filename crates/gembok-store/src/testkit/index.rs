//! Conformance tests for blind-index entries: idempotent puts, exact-match finds in id
//! order, and removal.

use super::support::*;
use crate::{Mutation, Store};
use gembok_types::RecordId;

/// Putting the same entry twice (in one slice or two) stores it once.
pub fn put_index_is_idempotent(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    let entry = index("customers", "email", b"digest", rec.meta.id);
    apply_ok(store, &[entry.clone(), entry.clone()]);
    apply_ok(store, std::slice::from_ref(&entry));
    assert_eq!(
        store.find("customers", "email", b"digest").expect("find"),
        [rec.meta.id]
    );
}

/// `find` returns exactly the records whose (collection, field, digest) match, in id
/// order whatever order the entries were written in.
pub fn find_matches_exactly_in_id_order(store: &dyn Store) {
    let recs: Vec<_> = (0..6).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    let expected = sorted_ids(&recs[..4]);
    let mut puts = Vec::new();
    for id in expected.iter().rev() {
        puts.push(index("customers", "phone", b"\x00\xffshared", *id));
    }
    // Near misses: another digest, a prefix of it, another field, another collection.
    puts.push(index(
        "customers",
        "phone",
        b"\x00\xffother",
        recs[4].meta.id,
    ));
    puts.push(index("customers", "phone", b"\x00\xff", recs[4].meta.id));
    puts.push(index(
        "customers",
        "email",
        b"\x00\xffshared",
        recs[5].meta.id,
    ));
    puts.push(index("orders", "phone", b"\x00\xffshared", recs[5].meta.id));
    apply_ok(store, &puts);

    let found = store
        .find("customers", "phone", b"\x00\xffshared")
        .expect("find");
    assert_eq!(found, expected);
    assert_eq!(
        store.find("customers", "phone", b"\x00\xff").expect("find"),
        [recs[4].meta.id]
    );
    assert_eq!(
        store
            .find("orders", "phone", b"\x00\xffshared")
            .expect("find"),
        [recs[5].meta.id]
    );
    assert!(store
        .find("customers", "phone", b"absent")
        .expect("find")
        .is_empty());
    assert!(store
        .find("nowhere", "phone", b"\x00\xffshared")
        .expect("find")
        .is_empty());
}

/// `DeleteIndex` removes every entry of one field of one record, and only those.
pub fn delete_index_removes_one_field_of_one_record(store: &dyn Store) {
    let a = customer(1);
    let b = customer(1);
    insert_all(store, &[a.clone(), b.clone()]);
    apply_ok(
        store,
        &[
            index("customers", "email", b"e1", a.meta.id),
            index("customers", "email", b"e2", a.meta.id),
            index("customers", "email", b"e1", b.meta.id),
            index("customers", "phone", b"p1", a.meta.id),
        ],
    );
    let delete = |collection: &str, record: RecordId| Mutation::DeleteIndex {
        collection: collection.into(),
        field: "email".into(),
        record,
    };
    apply_ok(store, &[delete("customers", a.meta.id)]);
    assert_eq!(
        store.find("customers", "email", b"e1").expect("find"),
        [b.meta.id]
    );
    assert!(store
        .find("customers", "email", b"e2")
        .expect("find")
        .is_empty());
    assert_eq!(
        store.find("customers", "phone", b"p1").expect("find"),
        [a.meta.id]
    );
    // Removing entries that are not there is not an error.
    apply_ok(
        store,
        &[delete("customers", a.meta.id), delete("orders", b.meta.id)],
    );
    assert_eq!(
        store.find("customers", "email", b"e1").expect("find"),
        [b.meta.id]
    );
}
