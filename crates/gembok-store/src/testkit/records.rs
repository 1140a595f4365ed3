//! Conformance tests for inserting and loading records, and for the all-or-nothing
//! rule of [`Store::apply`].

use super::support::*;
use crate::{Mutation, SealedField, Store};
use gembok_types::RecordId;

/// An inserted record comes back exactly, field for field.
pub fn insert_then_get_all_fields(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    assert_eq!(get_one(store, "customers", rec.meta.id), Some(rec));
}

/// Fields given out of order are returned sorted by name.
pub fn insert_sorts_fields_by_name(store: &dyn Store) {
    let mut rec = customer(1);
    rec.fields.reverse();
    insert_all(store, std::slice::from_ref(&rec));
    let got = get_one(store, "customers", rec.meta.id).expect("record");
    let names: Vec<&str> = got.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["email", "name", "phone"]);
}

/// Large ciphertexts, empty ciphertexts, non-ASCII names and a record with no fields
/// all survive storage unchanged.
pub fn unusual_values_round_trip(store: &dyn Store) {
    let big = SealedField {
        name: "dokumen".into(),
        key_version: u32::MAX - 1,
        ciphertext: (0..1_048_576u32).map(|i| (i % 251) as u8).collect(),
    };
    let empty = SealedField {
        name: "catatan_\u{e9}".into(),
        key_version: 0,
        ciphertext: Vec::new(),
    };
    let full = record("files", vec![big, empty]);
    let bare = record("files", Vec::new());
    let mut other_subject = record("orders", vec![field("total", 3)]);
    other_subject.meta.subject = full.meta.id;
    other_subject.meta.created_at = -5;
    other_subject.meta.updated_at = i64::MAX;
    insert_all(store, &[full.clone(), bare.clone(), other_subject.clone()]);
    assert_eq!(get_one(store, "files", full.meta.id), Some(full));
    assert_eq!(get_one(store, "files", bare.meta.id), Some(bare));
    assert_eq!(
        get_one(store, "orders", other_subject.meta.id),
        Some(other_subject)
    );
}

/// `fields: Some(..)` returns only the named fields; unknown names are skipped and an
/// empty list returns the metadata with no fields.
pub fn get_chosen_fields(store: &dyn Store) {
    let rec = customer(2);
    insert_all(store, std::slice::from_ref(&rec));
    let id = [rec.meta.id];
    let cases: [(&[&str], &[&str]); 4] = [
        (&["phone", "email"], &["email", "phone"]),
        (&["name", "no_such_field"], &["name"]),
        (&["no_such_field"], &[]),
        (&[], &[]),
    ];
    for (asked, expected) in cases {
        let got = store.get("customers", &id, Some(asked)).expect("get");
        assert_eq!(got.len(), 1, "asked for {asked:?}");
        assert_eq!(
            got[0].meta, rec.meta,
            "metadata comes back whatever is asked"
        );
        let names: Vec<&str> = got[0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, expected, "asked for {asked:?}");
        for f in &got[0].fields {
            assert!(rec.fields.contains(f), "field {} changed", f.name);
        }
    }
}

/// Missing ids are left out and the order of the result follows the ids asked for,
/// not the id order or the insert order.
pub fn get_follows_id_order_and_skips_missing(store: &dyn Store) {
    let recs: Vec<_> = (0..4).map(|_| customer(1)).collect();
    insert_all(store, &recs);
    let missing = RecordId::generate();
    let asked = [
        recs[2].meta.id,
        missing,
        recs[0].meta.id,
        recs[3].meta.id,
        recs[1].meta.id,
    ];
    let got: Vec<RecordId> = store
        .get("customers", &asked, None)
        .expect("get")
        .iter()
        .map(|r| r.meta.id)
        .collect();
    assert_eq!(
        got,
        [
            recs[2].meta.id,
            recs[0].meta.id,
            recs[3].meta.id,
            recs[1].meta.id
        ]
    );
    assert!(store.get("customers", &[], None).expect("get").is_empty());
    assert!(
        store.get("orders", &asked, None).expect("get").is_empty(),
        "a record is only found in its own collection"
    );
}

/// Inserting an id that exists is a conflict and leaves the stored record untouched.
pub fn insert_duplicate_id_conflicts(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    let mut again = customer(7);
    again.meta.id = rec.meta.id;
    again.meta.subject = rec.meta.id;
    assert_conflict(
        store.apply(&[Mutation::Insert(again)]),
        "second insert of one id",
    );
    assert_eq!(get_one(store, "customers", rec.meta.id), Some(rec));
}

/// A slice that fails part-way changes nothing: not the inserts before the duplicate,
/// not their index entries, not a setting.
pub fn failed_apply_persists_nothing(store: &dyn Store) {
    let existing = customer(1);
    insert_all(store, std::slice::from_ref(&existing));
    let fresh: Vec<_> = (0..3).map(|_| customer(1)).collect();
    let mut duplicate = customer(1);
    duplicate.meta.id = existing.meta.id;
    let mut slice: Vec<Mutation> = fresh.iter().cloned().map(Mutation::Insert).collect();
    slice.push(index("customers", "email", b"digest-a", fresh[0].meta.id));
    slice.push(Mutation::PutSetting {
        name: "atomicity-probe".into(),
        value: b"set".to_vec(),
    });
    slice.push(Mutation::Insert(duplicate));
    assert_conflict(store.apply(&slice), "slice ending in a duplicate");

    let ids: Vec<RecordId> = fresh.iter().map(|r| r.meta.id).collect();
    assert!(store.get("customers", &ids, None).expect("get").is_empty());
    assert!(store
        .find("customers", "email", b"digest-a")
        .expect("find")
        .is_empty());
    assert_eq!(store.setting("atomicity-probe").expect("setting"), None);
    assert_eq!(store.count("customers").expect("count"), 1);

    // A later failure of another kind (NotFound) rolls back just the same.
    let late = customer(1);
    let slice = [
        Mutation::Insert(late.clone()),
        Mutation::Delete {
            collection: "customers".into(),
            id: RecordId::generate(),
        },
    ];
    assert_not_found(store.apply(&slice), "slice ending in a missing delete");
    assert_eq!(get_one(store, "customers", late.meta.id), None);
    // And the store still accepts the same work once it is valid.
    insert_all(store, &fresh);
    assert_eq!(store.count("customers").expect("count"), 4);
}

/// An empty slice is a successful no-op.
pub fn empty_apply_is_ok(store: &dyn Store) {
    apply_ok(store, &[]);
    assert_eq!(store.count("customers").expect("count"), 0);
}
