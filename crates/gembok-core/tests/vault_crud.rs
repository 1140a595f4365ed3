//! Create, read, search, update and delete through the vault on SQLite.

mod common;

use gembok_core::Actor;
use gembok_core::{CoreError, ErrorKind, View, Visibility};
use gembok_testdata::Generator;
use serde_json::json;

#[test]
fn create_get_plain_and_masked() {
    let t = common::vault();
    let id = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Siti  Rahmawati", "email": "Siti.R@Gmail.com", "phone": "0812-3456-7890",
                    "nik": "3174054505900002", "postal_code": "12940"}),
        )
        .unwrap();
    let rec = t
        .vault
        .get(&Actor::system(), "customers", id, None, View::Plain)
        .unwrap();
    assert_eq!(rec.subject, id, "a customer is its own subject");
    assert_eq!(rec.fields["name"].as_str(), "Siti Rahmawati");
    assert_eq!(rec.fields["phone"].as_str(), "+6281234567890");
    assert!(rec.fields["email"].as_str().ends_with("@gmail.com"));

    let masked = t
        .vault
        .get(&Actor::system(), "customers", id, None, View::Masked)
        .unwrap();
    let nik = masked.fields["nik"].as_str();
    assert!(
        !nik.contains("450590"),
        "birth digits must be hidden: {nik}"
    );
    assert_ne!(masked.fields["phone"].as_str(), "+6281234567890");

    let only = t
        .vault
        .get(
            &Actor::system(),
            "customers",
            id,
            Some(&["email"]),
            View::Plain,
        )
        .unwrap();
    assert_eq!(only.fields.keys().collect::<Vec<_>>(), vec!["email"]);

    let hide_nik = |f: &str| {
        if f == "nik" {
            Visibility::Hidden
        } else {
            Visibility::Plain
        }
    };
    let partial = t
        .vault
        .get(
            &Actor::system(),
            "customers",
            id,
            None,
            View::PerField(&hide_nik),
        )
        .unwrap();
    assert!(!partial.fields.contains_key("nik"));
    assert!(partial.fields.contains_key("name"));
    let dbg = format!("{partial:?}");
    assert!(
        !dbg.contains("Rahmawati") && !dbg.contains("81234"),
        "{dbg}"
    );
}

#[test]
fn undeclared_missing_and_invalid_fields_are_refused() {
    let t = common::vault();
    let err = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Budi", "shoe_size": "42"}),
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::UndeclaredField { ref field, .. } if field == "shoe_size"));
    let err = t
        .vault
        .create(&Actor::system(), "customers", &json!({"email": "a@b.co"}))
        .unwrap_err();
    assert!(matches!(err, CoreError::MissingField(ref f) if f == "name"));
    let err = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Budi", "nik": "1074054505900002"}),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(!err.to_string().contains("1074054505900002"));
    let err = t
        .vault
        .create(&Actor::system(), "customers", &json!({"name": 42}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(t
        .vault
        .create(&Actor::system(), "nope", &json!({}))
        .is_err());
    assert_eq!(t.vault.count("customers").unwrap(), 0);
}

#[test]
fn card_numbers_are_never_stored() {
    let t = common::vault();
    let c = t
        .vault
        .create(&Actor::system(), "customers", &json!({"name": "Budi"}))
        .unwrap();
    for items in [
        "kartu 4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "378282246310005",
    ] {
        let err = t
            .vault
            .create(
                &Actor::system(),
                "orders",
                &json!({"customer": c.to_string(), "amount": {"amount": 1000, "currency": "IDR"}, "items": items}),
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{items}");
        assert!(!err.to_string().contains("1111"), "{err}");
    }
    assert_eq!(t.vault.count("orders").unwrap(), 0);
}

#[test]
fn a_failed_batch_writes_nothing() {
    let t = common::vault();
    let mut g = Generator::new(7);
    let mut rows: Vec<_> = (0..50).map(|_| g.customer_json()).collect();
    rows[37]["email"] = json!("not-an-email");
    let err = t
        .vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap_err();
    match err {
        CoreError::Batch { errors, total } => {
            assert_eq!(total, 50);
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].row, 37);
            assert!(errors[0].message.contains("email"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(t.vault.count("customers").unwrap(), 0);
    rows[37] = g.customer_json();
    assert_eq!(
        t.vault
            .create_batch(&Actor::system(), "customers", &rows)
            .unwrap()
            .len(),
        50
    );
    assert_eq!(t.vault.count("customers").unwrap(), 50);
}

#[test]
fn find_uses_normalised_values_and_follows_updates() {
    let t = common::vault();
    let mut g = Generator::new(11);
    let rows: Vec<_> = (0..300).map(|_| g.customer_json()).collect();
    let ids = t
        .vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap();
    let target = 123;
    let email = rows[target]["email"].as_str().unwrap().to_uppercase();
    let found = t
        .vault
        .find(
            &Actor::system(),
            "customers",
            "email",
            &email,
            None,
            View::Plain,
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, ids[target]);

    t.vault
        .update(
            &Actor::system(),
            "customers",
            ids[target],
            &json!({"email": "pindah@contoh.co.id"}),
        )
        .unwrap();
    assert!(t
        .vault
        .find_ids(&Actor::system(), "customers", "email", &email)
        .unwrap()
        .is_empty());
    assert_eq!(
        t.vault
            .find_ids(
                &Actor::system(),
                "customers",
                "email",
                "pindah@contoh.co.id"
            )
            .unwrap(),
        vec![ids[target]]
    );
    t.vault
        .update(
            &Actor::system(),
            "customers",
            ids[target],
            &json!({"email": null}),
        )
        .unwrap();
    assert!(t
        .vault
        .find_ids(
            &Actor::system(),
            "customers",
            "email",
            "pindah@contoh.co.id"
        )
        .unwrap()
        .is_empty());
    let err = t
        .vault
        .update(
            &Actor::system(),
            "customers",
            ids[target],
            &json!({"name": null}),
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::MissingField(_)));
    let err = t
        .vault
        .find_ids(&Actor::system(), "customers", "name", "Budi")
        .unwrap_err();
    assert!(matches!(err, CoreError::NotSearchable(_)));

    t.vault
        .delete(&Actor::system(), "customers", ids[0])
        .unwrap();
    assert!(matches!(
        t.vault
            .get(&Actor::system(), "customers", ids[0], None, View::Plain),
        Err(CoreError::NotFound)
    ));
    assert!(matches!(
        t.vault.delete(&Actor::system(), "customers", ids[0]),
        Err(CoreError::NotFound)
    ));
    let phone = rows[0]["phone"].as_str().unwrap();
    assert!(!t
        .vault
        .find_ids(&Actor::system(), "customers", "phone", phone)
        .unwrap()
        .contains(&ids[0]));
}

#[test]
fn orders_name_their_subject_and_references_must_exist() {
    let t = common::vault();
    let mut g = Generator::new(3);
    let c = t
        .vault
        .create(&Actor::system(), "customers", &g.customer_json())
        .unwrap();
    let o = t
        .vault
        .create(&Actor::system(), "orders", &g.order_json(&c.to_string()))
        .unwrap();
    let rec = t
        .vault
        .get(&Actor::system(), "orders", o, None, View::Plain)
        .unwrap();
    assert_eq!(rec.subject, c);
    assert_eq!(rec.to_json()["fields"]["amount"]["currency"], "IDR");
    assert_eq!(
        t.vault
            .find_ids(&Actor::system(), "orders", "customer", &c.to_string())
            .unwrap(),
        vec![o]
    );

    let ghost = gembok_types::RecordId::generate().to_string();
    let err = t
        .vault
        .create(&Actor::system(), "orders", &g.order_json(&ghost))
        .unwrap_err();
    assert!(
        matches!(err, CoreError::DanglingReference { .. }),
        "{err:?}"
    );
    let err = t
        .vault
        .update(&Actor::system(), "orders", o, &json!({"customer": ghost}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
}

#[test]
fn passwords_verify_but_never_read_back() {
    let t = common::vault();
    let id = t
        .vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Dewi", "password": "kopi-gayo-pagi-hari"}),
        )
        .unwrap();
    assert!(t
        .vault
        .verify_password(
            &Actor::system(),
            "customers",
            id,
            "password",
            "kopi-gayo-pagi-hari"
        )
        .unwrap());
    assert!(!t
        .vault
        .verify_password(
            &Actor::system(),
            "customers",
            id,
            "password",
            "kopi-gayo-pagi-hari!"
        )
        .unwrap());
    let rec = t
        .vault
        .get(&Actor::system(), "customers", id, None, View::Plain)
        .unwrap();
    let shown = rec.fields["password"].as_str();
    assert!(
        !shown.contains("kopi") && !shown.contains("argon2"),
        "{shown}"
    );
    assert!(t
        .vault
        .verify_password(&Actor::system(), "customers", id, "name", "x")
        .is_err());
}

#[test]
fn list_pages_through_metadata() {
    let t = common::vault();
    let mut g = Generator::new(5);
    let rows: Vec<_> = (0..25).map(|_| g.customer_json()).collect();
    let mut ids = t
        .vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap();
    ids.sort();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = t
            .vault
            .list(&Actor::system(), "customers", after, 10)
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.extend(page.iter().map(|m| m.id));
    }
    assert_eq!(seen, ids);
}
