//! Conformance tests for the small tables beside the records: wrapped keys, schema
//! versions, settings and the integrity check.

use super::support::*;
use crate::{KeyRecord, Mutation, SchemaVersion, Store};

fn key(purpose: &str, version: u32, wrapped: &[u8]) -> KeyRecord {
    KeyRecord {
        purpose: purpose.to_owned(),
        version,
        wrapped: wrapped.to_vec(),
        created_at: T0 + i64::from(version),
    }
}

fn schema(version: u32) -> SchemaVersion {
    SchemaVersion {
        version,
        document: format!("# skema versi {version}\n[collections.customers]\n"),
        applied_at: T0 + i64::from(version),
    }
}

/// Keys come back ordered by purpose then version; rewrap replaces only the wrapped
/// bytes; delete removes one version.
pub fn keys_put_rewrap_delete(store: &dyn Store) {
    assert!(store.keys().expect("keys").is_empty());
    let written = [
        key("index", 1, b"w-index-1"),
        key("data:orders", 1, b"w-orders-1"),
        key("data:customers", 2, b"w-cust-2"),
        key("data:customers", 1, b"w-cust-1"),
        key("data:customers", 10, b"w-cust-10"),
    ];
    let puts: Vec<Mutation> = written.iter().cloned().map(Mutation::PutKey).collect();
    apply_ok(store, &puts);
    let order: Vec<(String, u32)> = store
        .keys()
        .expect("keys")
        .into_iter()
        .map(|k| (k.purpose, k.version))
        .collect();
    let expected = [
        ("data:customers", 1),
        ("data:customers", 2),
        ("data:customers", 10),
        ("data:orders", 1),
        ("index", 1),
    ];
    assert_eq!(order, expected.map(|(p, v)| (p.to_owned(), v)));
    assert!(store.keys().expect("keys").contains(&written[1]));

    apply_ok(
        store,
        &[
            Mutation::RewrapKey {
                purpose: "data:customers".into(),
                version: 2,
                wrapped: b"rewrapped".to_vec(),
            },
            Mutation::DeleteKey {
                purpose: "data:customers".into(),
                version: 1,
            },
        ],
    );
    let keys = store.keys().expect("keys");
    assert_eq!(keys.len(), 4);
    let rewrapped = keys
        .iter()
        .find(|k| k.purpose == "data:customers" && k.version == 2)
        .expect("rewrapped key");
    assert_eq!(rewrapped.wrapped, b"rewrapped");
    assert_eq!(
        rewrapped.created_at,
        T0 + 2,
        "rewrap keeps the creation time"
    );
    assert!(!keys
        .iter()
        .any(|k| k.purpose == "data:customers" && k.version == 1));
}

/// A second key with the same (purpose, version) conflicts; rewrapping or deleting a
/// key that does not exist is `NotFound`; nothing changes in either case.
pub fn key_conflicts_and_missing_keys(store: &dyn Store) {
    let original = key("data:customers", 1, b"first");
    apply_ok(store, &[Mutation::PutKey(original.clone())]);
    assert_conflict(
        store.apply(&[Mutation::PutKey(key("data:customers", 1, b"second"))]),
        "duplicate key version",
    );
    assert_not_found(
        store.apply(&[Mutation::RewrapKey {
            purpose: "data:customers".into(),
            version: 2,
            wrapped: b"x".to_vec(),
        }]),
        "rewrap of a missing key",
    );
    assert_not_found(
        store.apply(&[Mutation::DeleteKey {
            purpose: "data:orders".into(),
            version: 1,
        }]),
        "delete of a missing key",
    );
    assert_eq!(store.keys().expect("keys"), [original]);
}

/// Schema versions come back in version order; a repeated version conflicts.
pub fn schemas_in_order_and_conflict(store: &dyn Store) {
    assert!(store.schemas().expect("schemas").is_empty());
    for version in 1..=3 {
        apply_ok(store, &[Mutation::PutSchema(schema(version))]);
    }
    apply_ok(
        store,
        &[
            Mutation::PutSchema(schema(4)),
            Mutation::PutSchema(schema(5)),
        ],
    );
    assert_eq!(
        store.schemas().expect("schemas"),
        (1..=5).map(schema).collect::<Vec<_>>()
    );
    let mut changed = schema(2);
    changed.document.push_str("# changed\n");
    assert_conflict(
        store.apply(&[Mutation::PutSchema(changed)]),
        "repeated schema version",
    );
    assert_eq!(store.schemas().expect("schemas")[1], schema(2));
}

/// Settings read back, overwrite in place, and are absent until written.
pub fn settings_put_overwrite_get(store: &dyn Store) {
    assert_eq!(store.setting("vault_id").expect("setting"), None);
    apply_ok(
        store,
        &[
            Mutation::PutSetting {
                name: "vault_id".into(),
                value: vec![0, 1, 2, 255],
            },
            Mutation::PutSetting {
                name: "empty".into(),
                value: Vec::new(),
            },
        ],
    );
    assert_eq!(
        store.setting("vault_id").expect("setting"),
        Some(vec![0, 1, 2, 255])
    );
    assert_eq!(store.setting("empty").expect("setting"), Some(Vec::new()));
    apply_ok(
        store,
        &[Mutation::PutSetting {
            name: "vault_id".into(),
            value: b"second".to_vec(),
        }],
    );
    assert_eq!(
        store.setting("vault_id").expect("setting"),
        Some(b"second".to_vec())
    );
    assert_eq!(store.setting("VAULT_ID").expect("setting"), None);
}

/// A healthy store passes its integrity check, empty and with data, and names itself.
pub fn check_integrity_ok(store: &dyn Store) {
    assert!(!store.backend().is_empty());
    store.check_integrity().expect("empty store is intact");
    insert_all(store, &[customer(1), customer(2)]);
    apply_ok(store, &[Mutation::PutKey(key("index", 1, b"k"))]);
    store.check_integrity().expect("store with data is intact");
}
