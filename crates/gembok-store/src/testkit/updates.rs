//! Conformance tests for changing and deleting records: field merges, the recomputed
//! `min_key_version`, and `NotFound` for records that are not there.

use super::support::*;
use crate::codec::NO_FIELDS_KEY_VERSION;
use crate::{Mutation, SealedField, Store};
use gembok_types::RecordId;

fn update(id: RecordId, set: Vec<SealedField>, remove: &[&str], updated_at: i64) -> Mutation {
    Mutation::UpdateFields {
        collection: "customers".into(),
        id,
        set,
        remove: remove.iter().map(|s| (*s).to_owned()).collect(),
        updated_at,
    }
}

/// `set` replaces or adds fields, `remove` drops them, unnamed fields stay as they
/// were, and only `updated_at` among the timestamps moves.
pub fn update_merges_and_removes_fields(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    let new_phone = SealedField {
        name: "phone".into(),
        key_version: 1,
        ciphertext: ct("new phone"),
    };
    apply_ok(
        store,
        &[update(
            rec.meta.id,
            vec![new_phone.clone(), field("address", 1)],
            &["name", "never_stored"],
            T0 + 1_000,
        )],
    );
    let got = get_one(store, "customers", rec.meta.id).expect("record");
    assert_eq!(
        got.fields,
        vec![field("address", 1), field("email", 1), new_phone]
    );
    assert_eq!(got.meta.updated_at, T0 + 1_000);
    assert_eq!(got.meta.created_at, rec.meta.created_at);
    assert_eq!(got.meta.subject, rec.meta.subject);
}

/// A name both removed and set ends up set (removal happens first).
pub fn update_set_wins_over_remove(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    apply_ok(
        store,
        &[update(
            rec.meta.id,
            vec![field("email", 2)],
            &["email"],
            T0 + 5,
        )],
    );
    let got = get_one(store, "customers", rec.meta.id).expect("record");
    assert!(got.fields.contains(&field("email", 2)));
    assert_eq!(got.fields.len(), 3);
}

/// `min_key_version` follows the fields: re-sealing the oldest field raises it, adding
/// an older field lowers it, and removing every field sets the no-fields value.
pub fn update_recomputes_min_key_version(store: &dyn Store) {
    let mut rec = customer(3);
    rec.fields[0] = field("email", 1);
    rec.meta.min_key_version = 1;
    insert_all(store, std::slice::from_ref(&rec));
    let id = rec.meta.id;
    let steps: [(Vec<SealedField>, &[&str], u32); 4] = [
        (vec![field("email", 4)], &[], 3),
        (vec![field("name", 4), field("phone", 4)], &[], 4),
        (vec![field("note", 2)], &[], 2),
        (
            Vec::new(),
            &["email", "name", "phone", "note"],
            NO_FIELDS_KEY_VERSION,
        ),
    ];
    for (i, (set, remove, expected)) in steps.into_iter().enumerate() {
        apply_ok(store, &[update(id, set, remove, T0 + i as i64)]);
        let got = get_one(store, "customers", id).expect("record");
        assert_eq!(got.meta.min_key_version, expected, "after step {i}");
        assert_eq!(got.meta.updated_at, T0 + i as i64, "after step {i}");
    }
    assert!(get_one(store, "customers", id)
        .expect("record")
        .fields
        .is_empty());
}

/// Updating or deleting a record that does not exist (or exists only in another
/// collection) is `NotFound`.
pub fn update_or_delete_missing_is_not_found(store: &dyn Store) {
    let rec = customer(1);
    insert_all(store, std::slice::from_ref(&rec));
    let missing = RecordId::generate();
    assert_not_found(
        store.apply(&[update(missing, vec![field("email", 1)], &[], T0)]),
        "update of a missing id",
    );
    assert_not_found(
        store.apply(&[Mutation::Delete {
            collection: "customers".into(),
            id: missing,
        }]),
        "delete of a missing id",
    );
    let wrong_collection = Mutation::Delete {
        collection: "orders".into(),
        id: rec.meta.id,
    };
    assert_not_found(
        store.apply(&[wrong_collection]),
        "delete in the wrong collection",
    );
    assert_eq!(get_one(store, "customers", rec.meta.id), Some(rec));
}

/// Delete removes the record and every index entry pointing to it, and nothing else.
pub fn delete_removes_record_and_index_entries(store: &dyn Store) {
    let gone = customer(1);
    let kept = customer(1);
    insert_all(store, &[gone.clone(), kept.clone()]);
    apply_ok(
        store,
        &[
            index("customers", "email", b"same", gone.meta.id),
            index("customers", "email", b"same", kept.meta.id),
            index("customers", "phone", b"p1", gone.meta.id),
        ],
    );
    apply_ok(
        store,
        &[Mutation::Delete {
            collection: "customers".into(),
            id: gone.meta.id,
        }],
    );
    assert_eq!(get_one(store, "customers", gone.meta.id), None);
    assert_eq!(
        get_one(store, "customers", kept.meta.id),
        Some(kept.clone())
    );
    assert_eq!(
        store.find("customers", "email", b"same").expect("find"),
        [kept.meta.id]
    );
    assert!(store
        .find("customers", "phone", b"p1")
        .expect("find")
        .is_empty());
    assert_eq!(store.count("customers").expect("count"), 1);
}

/// Mutations in one slice see the effects of the ones before them.
pub fn mutations_apply_in_order(store: &dyn Store) {
    let rec = customer(1);
    let id = rec.meta.id;
    apply_ok(
        store,
        &[
            Mutation::Insert(rec.clone()),
            update(id, vec![field("email", 2)], &["name"], T0 + 7),
            Mutation::Delete {
                collection: "customers".into(),
                id,
            },
            Mutation::Insert(rec.clone()),
            update(id, Vec::new(), &["phone"], T0 + 9),
        ],
    );
    let got = get_one(store, "customers", id).expect("record");
    assert_eq!(got.fields, vec![field("email", 1), field("name", 1)]);
    assert_eq!(got.meta.updated_at, T0 + 9);
}
