//! Tampering, moved ciphertexts, wrong keys, rotation and what the database files hold.

mod common;

use gembok_core::Actor;
use gembok_core::{CoreError, ErrorKind, View};
use gembok_crypto::MasterKey;
use gembok_store::{Mutation, Store};
use gembok_testdata::Generator;
use serde_json::json;

fn rewrite_field(
    store: &dyn Store,
    collection: &str,
    id: gembok_types::RecordId,
    field: &gembok_store::SealedField,
) {
    store
        .apply(&[Mutation::UpdateFields {
            collection: collection.into(),
            id,
            set: vec![field.clone()],
            remove: vec![],
            updated_at: 0,
        }])
        .unwrap();
}

#[test]
fn any_flipped_bit_is_an_integrity_error() {
    let t = common::vault();
    let id = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Agus Salim"}),
        )
        .unwrap();
    let original = t
        .store
        .get("customers", &[id], None)
        .unwrap()
        .remove(0)
        .fields
        .remove(0);
    for bit in 0..original.ciphertext.len() * 8 {
        let mut bad = original.clone();
        bad.ciphertext[bit / 8] ^= 1 << (bit % 8);
        rewrite_field(t.store.as_ref(), "customers", id, &bad);
        let err = t
            .vault
            .get(&Actor::system(), "customers", id, None, View::Masked)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity, "bit {bit}: {err}");
    }
    rewrite_field(t.store.as_ref(), "customers", id, &original);
    assert!(t
        .vault
        .get(&Actor::system(), "customers", id, None, View::Plain)
        .is_ok());
}

#[test]
fn a_ciphertext_moved_to_another_record_or_field_fails() {
    let t = common::vault();
    let a = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Agus", "email": "a@contoh.id"}),
        )
        .unwrap();
    let b = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Budi", "email": "b@contoh.id"}),
        )
        .unwrap();
    let a_fields = t
        .store
        .get("customers", &[a], None)
        .unwrap()
        .remove(0)
        .fields;
    let a_email = a_fields.iter().find(|f| f.name == "email").unwrap().clone();
    // Another record, same field.
    rewrite_field(t.store.as_ref(), "customers", b, &a_email);
    let err = t
        .vault
        .get(&Actor::system(), "customers", b, None, View::Plain)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    // Same record, another field.
    let mut as_name = a_email.clone();
    as_name.name = "name".into();
    rewrite_field(t.store.as_ref(), "customers", a, &as_name);
    let err = t
        .vault
        .get(&Actor::system(), "customers", a, None, View::Plain)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(!err.to_string().contains("contoh"));
}

#[test]
fn a_wrong_master_key_is_named_and_reveals_nothing() {
    let t = common::vault();
    t.vault
        .create(&Actor::system(), "customers", &json!({"name": "Agus"}))
        .unwrap();
    let other = MasterKey::generate().unwrap();
    let err = gembok_core::Vault::open(t.store.clone(), other)
        .err()
        .unwrap();
    assert!(matches!(err, CoreError::WrongMasterKey { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(common::reopen(&t).is_ok());
}

#[test]
fn rotation_of_data_and_master_keys_keeps_every_value() {
    let t = common::vault();
    let mut g = Generator::new(99);
    let rows: Vec<_> = (0..10_000).map(|_| g.customer_json()).collect();
    let mut ids = Vec::new();
    for chunk in rows.chunks(2_000) {
        ids.extend(
            t.vault
                .create_batch(&Actor::system(), "customers", chunk)
                .unwrap(),
        );
    }
    let before: Vec<_> = ids
        .iter()
        .map(|id| {
            t.vault
                .get(&Actor::system(), "customers", *id, None, View::Plain)
                .unwrap()
                .to_json()
        })
        .collect();
    let mut calls = 0;
    let report = t
        .vault
        .rotate_data_keys(&Actor::system(), &mut |_, _| calls += 1)
        .unwrap();
    assert_eq!(report.reencrypted, 10_000);
    assert!(calls > 1);
    assert!(
        report.removed_versions >= 3,
        "old versions dropped: {report:?}"
    );
    let versions: Vec<_> = t
        .store
        .keys()
        .unwrap()
        .into_iter()
        .filter(|k| k.purpose == "data:customers")
        .map(|k| k.version)
        .collect();
    assert_eq!(versions, vec![2]);

    let new_key_path = t.dir.path().join("master2.key");
    let new_master = MasterKey::create_file(&new_key_path).unwrap();
    t.vault.rotate_master(&Actor::system(), new_master).unwrap();
    // The old key no longer opens the vault; the new one does, with every value equal.
    assert!(common::reopen(&t).is_err());
    let reopened = gembok_core::Vault::open(
        t.store.clone(),
        MasterKey::load_file(&new_key_path).unwrap(),
    )
    .unwrap();
    for (id, want) in ids.iter().zip(&before) {
        let got = reopened
            .get(&Actor::system(), "customers", *id, None, View::Plain)
            .unwrap()
            .to_json();
        assert_eq!(&got, want);
    }
    let email = before[42]["fields"]["email"].as_str().unwrap();
    assert_eq!(
        reopened
            .find_ids(&Actor::system(), "customers", "email", email)
            .unwrap(),
        vec![ids[42]]
    );
}

#[test]
fn database_files_hold_no_plaintext() {
    let t = common::vault();
    let mut g = Generator::new(2024);
    let rows: Vec<_> = (0..200).map(|_| g.customer_json()).collect();
    t.vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap();
    let mut needles = Vec::new();
    for row in &rows {
        for (field, raw) in row.as_object().unwrap() {
            let raw = raw.as_str().unwrap();
            needles.push(raw.to_owned());
            let spec = t
                .vault
                .schema()
                .collection("customers")
                .unwrap()
                .field(field)
                .unwrap()
                .field_type;
            needles.push(spec.normalize(raw).unwrap().as_str().to_owned());
        }
    }
    needles.retain(|n| n.len() >= 6);
    let mut haystack = Vec::new();
    for f in t.store.files() {
        if let Ok(bytes) = std::fs::read(&f) {
            haystack.extend(bytes);
        }
    }
    assert!(haystack.len() > 10_000);
    for n in &needles {
        assert!(
            !haystack.windows(n.len()).any(|w| w == n.as_bytes()),
            "a stored value appears in clear in the database files"
        );
    }
}

#[test]
fn schema_changes_add_index_and_drop_with_consent() {
    let t = common::vault();
    let mut g = Generator::new(8);
    let rows: Vec<_> = (0..40).map(|_| g.customer_json()).collect();
    let ids = t
        .vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap();
    // Make npwp searchable: the index is built from stored values.
    let searchable = gembok_core::DEFAULT_SCHEMA.replace(
        "[collections.customers.fields.npwp]\ntype = \"npwp\"\nclass = \"sensitive\"\npurposes = [\"tax\"]",
        "[collections.customers.fields.npwp]\ntype = \"npwp\"\nclass = \"sensitive\"\npurposes = [\"tax\"]\nsearchable = true",
    );
    assert_ne!(searchable, gembok_core::DEFAULT_SCHEMA);
    t.vault
        .apply_schema(&Actor::system(), &searchable, false)
        .unwrap();
    let npwp = rows[5]["npwp"].as_str().unwrap();
    assert!(t
        .vault
        .find_ids(&Actor::system(), "customers", "npwp", npwp)
        .unwrap()
        .contains(&ids[5]));
    // Dropping a field needs consent, then purges it.
    let dropped = searchable.replace(
        "[collections.customers.fields.birth_date]\ntype = \"date\"\nclass = \"identity\"\npurposes = [\"identity_verification\"]\n",
        "",
    );
    let err = t
        .vault
        .apply_schema(&Actor::system(), &dropped, false)
        .unwrap_err();
    assert!(matches!(err, CoreError::SchemaChange(_)));
    t.vault
        .apply_schema(&Actor::system(), &dropped, true)
        .unwrap();
    assert_eq!(t.vault.info().schema_version, 3);
    let raw = t.store.get("customers", &[ids[0]], None).unwrap().remove(0);
    assert!(raw.fields.iter().all(|f| f.name != "birth_date"));
    let err = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Budi", "birth_date": "1990-01-01"}),
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::UndeclaredField { .. }));
    // The schema survives a reopen.
    let again = common::reopen(&t).unwrap();
    assert_eq!(again.info().schema_version, 3);
}
