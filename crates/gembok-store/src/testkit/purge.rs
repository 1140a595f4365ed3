//! Conformance test for purging a field (retention or a schema change dropping it):
//! gone from every record of the collection and from its blind index, nowhere else.

use super::support::*;
use crate::codec::min_key_version;
use crate::{Mutation, SealedRecord, Store};

/// `PurgeField` drops one field from every record of one collection, recomputes
/// `min_key_version`, removes that field's index entries, and leaves other fields,
/// other collections and `updated_at` alone.
pub fn purge_field_removes_it_everywhere(store: &dyn Store) {
    // The oldest key version sits on `phone`, so purging it raises min_key_version.
    let customers: Vec<SealedRecord> = (0..12)
        .map(|i| {
            let mut fields = vec![field("email", 3), field("name", 3)];
            if i % 3 != 0 {
                fields.push(field("phone", 1));
            }
            record("customers", fields)
        })
        .collect();
    let leads = record("leads", vec![field("phone", 1), field("email", 1)]);
    insert_all(store, &customers);
    insert_all(store, std::slice::from_ref(&leads));
    let mut puts = Vec::new();
    for rec in &customers {
        puts.push(index("customers", "phone", b"p", rec.meta.id));
        puts.push(index("customers", "email", b"e", rec.meta.id));
    }
    puts.push(index("leads", "phone", b"p", leads.meta.id));
    apply_ok(store, &puts);

    apply_ok(
        store,
        &[Mutation::PurgeField {
            collection: "customers".into(),
            field: "phone".into(),
        }],
    );

    let ids = sorted_ids(&customers);
    let after = store.get("customers", &ids, None).expect("get");
    assert_eq!(after.len(), customers.len());
    for rec in &after {
        let original = customers
            .iter()
            .find(|r| r.meta.id == rec.meta.id)
            .expect("known id");
        let expected: Vec<_> = original
            .fields
            .iter()
            .filter(|f| f.name != "phone")
            .cloned()
            .collect();
        assert_eq!(rec.fields, expected);
        assert_eq!(rec.meta.min_key_version, min_key_version(&expected));
        assert_eq!(rec.meta.min_key_version, 3);
        assert_eq!(rec.meta.updated_at, original.meta.updated_at);
    }
    assert!(store
        .find("customers", "phone", b"p")
        .expect("find")
        .is_empty());
    assert_eq!(store.find("customers", "email", b"e").expect("find"), ids);
    assert_eq!(get_one(store, "leads", leads.meta.id), Some(leads.clone()));
    assert_eq!(
        store.find("leads", "phone", b"p").expect("find"),
        [leads.meta.id]
    );
    // Purging a field no record has is not an error.
    apply_ok(
        store,
        &[Mutation::PurgeField {
            collection: "customers".into(),
            field: "phone".into(),
        }],
    );
}
