//! Conformance tests for walking a collection: cursor pagination, the key-rotation
//! scan and counts, each kept within its collection.

use super::support::*;
use crate::{RecordMeta, SealedRecord, Store};
use gembok_types::RecordId;

/// Every page of `list` holds at most `limit` records in id order, the `after` cursor
/// continues exactly where the last page stopped, and other collections never show up.
pub fn list_paginates_with_cursor(store: &dyn Store) {
    let recs: Vec<SealedRecord> = (0..23).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    let others: Vec<SealedRecord> = (0..5)
        .map(|_| record("orders", vec![field("total", 1)]))
        .collect();
    insert_all(store, &others);

    let mut seen: Vec<RecordMeta> = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.list("customers", after, 10).expect("list");
        assert!(page.len() <= 10);
        pages += 1;
        assert!(
            pages <= 4,
            "the cursor does not advance past the page it names"
        );
        match page.last() {
            Some(last) => after = Some(last.id),
            None => break,
        }
        seen.extend(page);
    }
    assert_eq!(pages, 4, "pages of 10, 10, 3 then an empty one");
    let ids: Vec<RecordId> = seen.iter().map(|m| m.id).collect();
    assert_eq!(ids, sorted_ids(&recs));
    for meta in &seen {
        let original = recs
            .iter()
            .find(|r| r.meta.id == meta.id)
            .expect("known id");
        assert_eq!(meta, &original.meta);
    }

    let orders: Vec<RecordId> = store
        .list("orders", None, 100)
        .expect("list")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(orders, sorted_ids(&others));
    assert!(store.list("customers", None, 0).expect("list").is_empty());
    assert!(store.list("nowhere", None, 10).expect("list").is_empty());
}

/// The cursor need not be a stored id: anything between two ids works.
pub fn list_cursor_between_ids(store: &dyn Store) {
    let recs: Vec<SealedRecord> = (0..5).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    let ids = sorted_ids(&recs);
    let from_zero = store
        .list("customers", Some(RecordId::from_bytes([0; 16])), 100)
        .expect("list");
    assert_eq!(from_zero.len(), 5);
    let from_max = store
        .list("customers", Some(RecordId::from_bytes([0xff; 16])), 100)
        .expect("list");
    assert!(from_max.is_empty());
    let after_second: Vec<RecordId> = store
        .list("customers", Some(ids[1]), 2)
        .expect("list")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(after_second, ids[2..4]);
}

/// `below_key_version` returns full records whose `min_key_version` is strictly below
/// the bound, in id order, paged by the cursor, from one collection only.
pub fn below_key_version_walks_old_records(store: &dyn Store) {
    let old: Vec<SealedRecord> = (0..7).map(|_| customer(1)).collect();
    let mixed: Vec<SealedRecord> = (0..3)
        .map(|_| record("customers", vec![field("email", 3), field("name", 2)]))
        .collect();
    let current: Vec<SealedRecord> = (0..4).map(|_| customer(3)).collect();
    let other = record("orders", vec![field("total", 1)]);
    insert_all(store, &old);
    insert_all(store, &mixed);
    insert_all(store, &current);
    insert_all(store, std::slice::from_ref(&other));

    let mut walked = Vec::new();
    let mut after = None;
    for _ in 0..10 {
        let page = store
            .below_key_version("customers", 3, after, 4)
            .expect("below_key_version");
        assert!(page.len() <= 4);
        let Some(last) = page.last() else { break };
        after = Some(last.meta.id);
        walked.extend(page);
    }
    // Ten pages of four would hold 40 records; more means the cursor is stuck and the
    // comparison below fails on the repeats.
    let expected: Vec<SealedRecord> = {
        let mut all: Vec<SealedRecord> = old.iter().chain(&mixed).cloned().collect();
        all.sort_by_key(|r| r.meta.id);
        all
    };
    assert_eq!(
        walked, expected,
        "full records below version 3, in id order"
    );

    let below_two: Vec<RecordId> = store
        .below_key_version("customers", 2, None, 100)
        .expect("below_key_version")
        .iter()
        .map(|r| r.meta.id)
        .collect();
    assert_eq!(below_two, sorted_ids(&old));
    assert!(store
        .below_key_version("customers", 1, None, 100)
        .expect("below_key_version")
        .is_empty());
    assert!(store
        .below_key_version("customers", 3, None, 0)
        .expect("below_key_version")
        .is_empty());
}

/// `count` counts one collection and follows inserts and deletes.
pub fn count_per_collection(store: &dyn Store) {
    assert_eq!(store.count("customers").expect("count"), 0);
    let recs: Vec<SealedRecord> = (0..9).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    insert_all(
        store,
        &[record("orders", Vec::new()), record("orders", Vec::new())],
    );
    assert_eq!(store.count("customers").expect("count"), 9);
    assert_eq!(store.count("orders").expect("count"), 2);
    assert_eq!(
        store.count("Customers").expect("count"),
        0,
        "names are exact"
    );
    apply_ok(
        store,
        &[crate::Mutation::Delete {
            collection: "customers".into(),
            id: recs[4].meta.id,
        }],
    );
    assert_eq!(store.count("customers").expect("count"), 8);
}
