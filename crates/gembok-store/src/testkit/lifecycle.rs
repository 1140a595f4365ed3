//! Conformance tests for data-lifecycle work: finding every record of one data subject
//! (erasure, subject reports), walking records last changed before a time (retention),
//! and scrubbing the space deletions freed without losing what remains.

use super::support::*;
use crate::{Mutation, RecordMeta, SealedRecord, Store};
use gembok_types::RecordId;

/// A record of `collection` belonging to `subject`, last changed at `updated_at`.
fn owned(collection: &str, subject: RecordId, updated_at: i64) -> SealedRecord {
    let mut rec = record(collection, vec![field("note", 1), field("total", 1)]);
    rec.meta.subject = subject;
    rec.meta.updated_at = updated_at;
    rec
}

fn metas_in_id_order<'a>(records: impl IntoIterator<Item = &'a SealedRecord>) -> Vec<RecordMeta> {
    let mut out: Vec<RecordMeta> = records.into_iter().map(|r| r.meta.clone()).collect();
    out.sort_by_key(|m| m.id);
    out
}

fn delete(collection: &str, id: RecordId) -> Mutation {
    Mutation::Delete {
        collection: collection.into(),
        id,
    }
}

/// `subject_records` returns exactly one subject's records of one collection, as full
/// metadata in id order: other subjects, other collections and deleted records never
/// show up, and names are exact.
pub fn subject_records_lists_one_subject_in_one_collection(store: &dyn Store) {
    let alice = customer(1);
    let bob = customer(1);
    let (a, b) = (alice.meta.id, bob.meta.id);
    let alice_orders: Vec<SealedRecord> = (0..7).map(|i| owned("orders", a, T0 + i)).collect();
    let bob_orders: Vec<SealedRecord> = (0..4).map(|i| owned("orders", b, T0 + i)).collect();
    let alice_note = owned("notes", a, T0);
    insert_all(store, &[alice.clone(), bob.clone(), alice_note.clone()]);
    // Interleave the subjects so that an answer cut at the first foreign id fails.
    let mut mixed: Vec<SealedRecord> = alice_orders.iter().chain(&bob_orders).cloned().collect();
    mixed.sort_by_key(|r| r.meta.id);
    insert_all(store, &mixed);

    let got = store.subject_records("orders", a).expect("subject_records");
    assert_eq!(got, metas_in_id_order(&alice_orders));
    let got = store.subject_records("orders", b).expect("subject_records");
    assert_eq!(got, metas_in_id_order(&bob_orders));
    assert_eq!(
        store
            .subject_records("customers", a)
            .expect("subject_records"),
        vec![alice.meta.clone()],
        "a customer record is its own subject's"
    );
    assert_eq!(
        store.subject_records("notes", a).expect("subject_records"),
        vec![alice_note.meta.clone()]
    );
    assert!(store
        .subject_records("notes", b)
        .expect("subject_records")
        .is_empty());
    assert!(store
        .subject_records("nowhere", a)
        .expect("subject_records")
        .is_empty());
    assert!(store
        .subject_records("Orders", a)
        .expect("subject_records")
        .is_empty());
    assert!(store
        .subject_records("orders", RecordId::generate())
        .expect("subject_records")
        .is_empty());

    // Deleted records are gone; the rest keep their order.
    let gone = [alice_orders[0].meta.id, alice_orders[3].meta.id];
    apply_ok(
        store,
        &[delete("orders", gone[0]), delete("orders", gone[1])],
    );
    let left: Vec<&SealedRecord> = alice_orders
        .iter()
        .filter(|r| !gone.contains(&r.meta.id))
        .collect();
    assert_eq!(
        store.subject_records("orders", a).expect("subject_records"),
        metas_in_id_order(left)
    );
    apply_ok(store, &[delete("customers", a)]);
    assert!(store
        .subject_records("customers", a)
        .expect("subject_records")
        .is_empty());
    assert_eq!(
        store
            .subject_records("orders", b)
            .expect("subject_records")
            .len(),
        4
    );
}

/// Walk `updated_before` to the end in pages of `limit`, checking each page's size.
fn walk_updated_before(
    store: &dyn Store,
    collection: &str,
    before: i64,
    limit: usize,
) -> Vec<RecordMeta> {
    let mut seen: Vec<RecordMeta> = Vec::new();
    let mut after = None;
    // More pages than records means the cursor does not advance.
    for _ in 0..100 {
        let page = store
            .updated_before(collection, before, after, limit)
            .expect("updated_before");
        assert!(page.len() <= limit, "a page longer than its limit");
        let Some(last) = page.last() else {
            return seen;
        };
        after = Some(last.id);
        seen.extend(page);
    }
    panic!("updated_before never ran out of pages");
}

/// `updated_before` keeps records changed strictly before the bound, pages them in id
/// order with the `after` cursor and `limit`, stays in its collection, and follows
/// `UpdateFields` moving `updated_at` either way.
pub fn updated_before_walks_old_records(store: &dyn Store) {
    let subject = RecordId::generate();
    let recs: Vec<SealedRecord> = (0..12)
        .map(|i| owned("orders", subject, T0 + 1_000 * (i % 4)))
        .collect();
    let other: Vec<SealedRecord> = (0..3).map(|_| owned("notes", subject, T0)).collect();
    insert_all(store, &recs);
    insert_all(store, &other);
    let bound = T0 + 2_000;
    let older = |recs: &[SealedRecord], before: i64| {
        metas_in_id_order(recs.iter().filter(|r| r.meta.updated_at < before))
    };

    let expected = older(&recs, bound);
    assert_eq!(
        expected.len(),
        6,
        "records at exactly the bound are left out"
    );
    assert_eq!(walk_updated_before(store, "orders", bound, 4), expected);
    assert_eq!(walk_updated_before(store, "orders", bound, 1), expected);
    assert_eq!(walk_updated_before(store, "orders", bound, 1000), expected);
    assert!(store
        .updated_before("orders", T0, None, 100)
        .expect("updated_before")
        .is_empty());
    assert!(store
        .updated_before("orders", bound, None, 0)
        .expect("updated_before")
        .is_empty());
    assert!(store
        .updated_before("nowhere", bound, None, 100)
        .expect("updated_before")
        .is_empty());
    assert_eq!(
        walk_updated_before(store, "orders", i64::MAX, 5),
        metas_in_id_order(&recs)
    );
    assert_eq!(
        walk_updated_before(store, "notes", bound, 2),
        metas_in_id_order(&other)
    );

    // The cursor need not be a stored id, and excludes the id it names.
    let from_zero = store
        .updated_before("orders", bound, Some(RecordId::from_bytes([0; 16])), 100)
        .expect("updated_before");
    assert_eq!(from_zero, expected);
    assert!(store
        .updated_before("orders", bound, Some(RecordId::from_bytes([0xff; 16])), 100)
        .expect("updated_before")
        .is_empty());
    let after_second = store
        .updated_before("orders", bound, Some(expected[1].id), 3)
        .expect("updated_before");
    assert_eq!(after_second, expected[2..5]);

    // An update moves a record out of the window, another one into it.
    let (leaving, arriving) = (expected[0].id, older(&recs, i64::MAX)[11].id);
    let touch = |id: RecordId, updated_at: i64| Mutation::UpdateFields {
        collection: "orders".into(),
        id,
        set: vec![field("note", 2)],
        remove: Vec::new(),
        updated_at,
    };
    apply_ok(store, &[touch(leaving, bound), touch(arriving, T0 - 1)]);
    let now: Vec<RecordId> = walk_updated_before(store, "orders", bound, 4)
        .iter()
        .map(|m| m.id)
        .collect();
    assert!(!now.contains(&leaving), "updated at the bound: not older");
    let mut wanted: Vec<RecordId> = expected
        .iter()
        .map(|m| m.id)
        .filter(|id| *id != leaving)
        .chain((!expected.iter().any(|m| m.id == arriving)).then_some(arriving))
        .collect();
    wanted.sort();
    assert_eq!(now, wanted);
    let arrived = store
        .updated_before("orders", T0, None, 100)
        .expect("updated_before");
    assert_eq!(arrived.len(), 1);
    assert_eq!(arrived[0].id, arriving);
    assert_eq!(arrived[0].updated_at, T0 - 1);

    apply_ok(store, &[delete("orders", arriving)]);
    assert!(store
        .updated_before("orders", T0, None, 100)
        .expect("updated_before")
        .is_empty());
}

/// `scrub` succeeds on an empty store and on one with deletions behind it, more than
/// once, and everything that was not deleted stays readable and findable.
pub fn scrub_keeps_remaining_data_readable(store: &dyn Store) {
    store.scrub().expect("scrub of an empty store");
    let recs: Vec<SealedRecord> = (0..20).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    let mut writes = Vec::new();
    for (i, rec) in recs.iter().enumerate() {
        writes.push(index("customers", "email", &[i as u8; 32], rec.meta.id));
        writes.push(Mutation::PutDoc {
            kind: "note".into(),
            id: format!("{i:02}"),
            body: ct(&format!("doc {i}")),
        });
    }
    apply_ok(store, &writes);
    let gone: Vec<RecordId> = recs.iter().step_by(3).map(|r| r.meta.id).collect();
    let mut kept: Vec<SealedRecord> = recs
        .iter()
        .filter(|r| !gone.contains(&r.meta.id))
        .cloned()
        .collect();
    kept.sort_by_key(|r| r.meta.id);
    let mut deletes: Vec<Mutation> = gone.iter().map(|id| delete("customers", *id)).collect();
    deletes.push(Mutation::DeleteDoc {
        kind: "note".into(),
        id: "01".into(),
    });
    apply_ok(store, &deletes);

    store.scrub().expect("scrub after deletions");
    store.scrub().expect("scrub again");

    store.check_integrity().expect("integrity after scrub");
    assert_eq!(store.count("customers").expect("count"), kept.len() as u64);
    let ids: Vec<RecordId> = kept.iter().map(|r| r.meta.id).collect();
    assert_eq!(store.get("customers", &ids, None).expect("get"), kept);
    assert!(store.get("customers", &gone, None).expect("get").is_empty());
    for (i, rec) in recs.iter().enumerate() {
        let found = store
            .find("customers", "email", &[i as u8; 32])
            .expect("find");
        if gone.contains(&rec.meta.id) {
            assert!(found.is_empty(), "entries of deleted records are gone");
        } else {
            assert_eq!(found, vec![rec.meta.id]);
        }
    }
    let docs = store.docs("note").expect("docs");
    assert_eq!(docs.len(), recs.len() - 1);
    assert!(docs.iter().all(|(id, _)| id != "01"));
    assert_eq!(store.doc("note", "02").expect("doc"), Some(ct("doc 2")));

    // The store keeps working after a scrub.
    let late = customer(2);
    insert_all(store, std::slice::from_ref(&late));
    assert_eq!(get_one(store, "customers", late.meta.id), Some(late));
}
