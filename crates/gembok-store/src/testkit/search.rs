//! Conformance tests for [`Store::find_records`]: the records a blind-index lookup
//! names, loaded with a field selection in the same call.

use super::support::*;
use crate::{Mutation, SealedRecord, Store};
use gembok_types::RecordId;

fn find_records(
    store: &dyn Store,
    collection: &str,
    field: &str,
    digest: &[u8],
    fields: Option<&[&str]>,
) -> Vec<SealedRecord> {
    match store.find_records(collection, field, digest, fields) {
        Ok(found) => found,
        Err(e) => panic!("{} find_records failed: {e}", store.backend()),
    }
}

/// Matching records come back whole (or with the chosen fields, as `get` would give
/// them) in id order, whatever order the entries were written in; near misses on the
/// digest, the field or the collection do not match.
pub fn find_records_matches_exactly_in_id_order(store: &dyn Store) {
    let recs: Vec<_> = (0..5u32).map(|i| customer(1 + i % 2)).collect();
    let order = record("orders", vec![field("phone", 1)]);
    let mut all = recs.clone();
    all.push(order.clone());
    insert_all(store, &all);
    let expected = sorted_ids(&recs[..3]);
    let mut puts: Vec<Mutation> = expected
        .iter()
        .rev()
        .map(|id| index("customers", "phone", b"\x00\xffshared", *id))
        .collect();
    puts.push(index("customers", "phone", b"\x00\xff", recs[3].meta.id));
    puts.push(index(
        "customers",
        "email",
        b"\x00\xffshared",
        recs[4].meta.id,
    ));
    puts.push(index("orders", "phone", b"\x00\xffshared", order.meta.id));
    apply_ok(store, &puts);

    let selections: [Option<&[&str]>; 4] = [
        None,
        Some(&["phone"]),
        Some(&["name", "unknown", "email"]),
        Some(&[]),
    ];
    for fields in selections {
        let found = find_records(store, "customers", "phone", b"\x00\xffshared", fields);
        let ids: Vec<RecordId> = found.iter().map(|r| r.meta.id).collect();
        assert_eq!(ids, expected, "{fields:?}");
        let loaded = store.get("customers", &expected, fields).expect("get");
        assert_eq!(found, loaded, "{fields:?}: find_records differs from get");
    }
    let prefix = find_records(store, "customers", "phone", b"\x00\xff", None);
    assert_eq!(prefix, [recs[3].clone()]);
    let other = find_records(store, "orders", "phone", b"\x00\xffshared", None);
    assert_eq!(other, [order]);
    for (collection, field, digest) in [
        ("customers", "phone", &b"absent"[..]),
        ("customers", "nik", b"\x00\xffshared"),
        ("nowhere", "phone", b"\x00\xffshared"),
    ] {
        assert!(
            find_records(store, collection, field, digest, None).is_empty(),
            "{collection}.{field}"
        );
    }
}

/// Entries whose record is missing, or lives in another collection, are left out;
/// deleted records, removed entries and updated fields show at once.
pub fn find_records_follows_records_and_entries(store: &dyn Store) {
    let kept = customer(1);
    let deleted = customer(1);
    let unindexed = customer(1);
    let elsewhere = record("orders", vec![field("email", 1)]);
    insert_all(
        store,
        &[
            kept.clone(),
            deleted.clone(),
            unindexed.clone(),
            elsewhere.clone(),
        ],
    );
    let never_inserted = RecordId::generate();
    apply_ok(
        store,
        &[
            index("customers", "email", b"d", kept.meta.id),
            index("customers", "email", b"d", deleted.meta.id),
            index("customers", "email", b"d", unindexed.meta.id),
            index("customers", "email", b"d", never_inserted),
            index("customers", "email", b"d", elsewhere.meta.id),
        ],
    );
    let mut expected = vec![kept.clone(), deleted.clone(), unindexed.clone()];
    expected.sort_by_key(|r| r.meta.id);
    assert_eq!(
        find_records(store, "customers", "email", b"d", None),
        expected
    );

    let new_email = field("email", 7);
    apply_ok(
        store,
        &[
            Mutation::Delete {
                collection: "customers".into(),
                id: deleted.meta.id,
            },
            Mutation::DeleteIndex {
                collection: "customers".into(),
                field: "email".into(),
                record: unindexed.meta.id,
            },
            Mutation::UpdateFields {
                collection: "customers".into(),
                id: kept.meta.id,
                set: vec![new_email.clone()],
                remove: vec!["phone".into()],
                updated_at: T0 + 1,
            },
        ],
    );
    let found = find_records(store, "customers", "email", b"d", Some(&["email", "phone"]));
    assert_eq!(found.len(), 1, "only the kept record is left");
    assert_eq!(found[0].meta.id, kept.meta.id);
    assert_eq!(found[0].meta.updated_at, T0 + 1);
    assert_eq!(found[0].meta.min_key_version, 1);
    assert_eq!(found[0].fields, [new_email]);
}
