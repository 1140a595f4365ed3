//! Writes, deletes, listing, schema and key grants through the gate, and API-key
//! restrictions narrowing a role.

mod access_support;
mod common;

use access_support::*;
use gembok_core::{AccessError, CoreError, DEFAULT_SCHEMA};
use serde_json::json;

#[test]
fn writes_deletes_and_lists_follow_the_role() {
    let f = fixture();
    let c = f.customer;
    f.gate
        .update(
            &who("support"),
            "customers",
            c,
            &json!({"postal_code": "40115"}),
        )
        .unwrap();
    let (code, _) = denied(f.gate.delete(&who("support"), "customers", c));
    assert_eq!(code, "forbidden");
    let (_, reason) =
        denied(
            f.gate
                .update(&who("support"), "orders", f.order, &json!({"items": "x"})),
        );
    assert!(
        reason.contains("update records") && reason.contains("orders"),
        "{reason}"
    );
    denied(f.gate.create(
        &who("analyst"),
        "events",
        &json!({"customer": c.to_string(), "action": "x"}),
    ));
    denied(
        f.gate
            .create(&who("dpo"), "customers", &json!({"name": "Budi"})),
    );
    assert_eq!(
        f.gate
            .list(&who("analyst"), "events", None, 10)
            .unwrap()
            .len(),
        1
    );
    denied(f.gate.list(&who("analyst"), "customers", None, 10));
    f.gate.delete(&who("app"), "orders", f.order).unwrap();
    f.gate.delete(&who("dpo"), "customers", c).unwrap();
    let err = f
        .gate
        .get(&who("owner"), Some("service"), "customers", c, None)
        .unwrap_err();
    assert!(matches!(err, AccessError::Core(CoreError::NotFound)));
}

#[test]
fn key_restrictions_narrow_the_role() {
    let f = fixture();
    let mut billing_only = who("app");
    billing_only.purposes = Some(vec!["billing".into()]);
    let (code, reason) = denied(f.gate.get(
        &billing_only,
        Some("service"),
        "customers",
        f.customer,
        None,
    ));
    assert_eq!(code, "purpose_not_allowed");
    assert!(reason.contains("API key"), "{reason}");
    let order = f
        .gate
        .get(&billing_only, Some("billing"), "orders", f.order, None)
        .unwrap();
    assert_eq!(names(&order), ["amount", "customer"]);

    let mut orders_only = who("admin");
    orders_only.collections = Some(vec!["orders".into()]);
    denied(
        f.gate
            .get(&orders_only, Some("service"), "customers", f.customer, None),
    );
    denied(
        f.gate
            .create(&orders_only, "customers", &json!({"name": "Budi"})),
    );
    assert!(f
        .gate
        .get(&orders_only, Some("billing"), "orders", f.order, None)
        .is_ok());
    denied(f.gate.apply_schema(&orders_only, DEFAULT_SCHEMA, false));
}

#[test]
fn schema_rights() {
    let f = fixture();
    let (version, text) = f.gate.schema(&who("support")).unwrap();
    assert_eq!(version, 1);
    assert!(text.contains("[collections.customers]"));
    denied(f.gate.apply_schema(&who("support"), DEFAULT_SCHEMA, false));
    denied(f.gate.apply_schema(&who("dpo"), DEFAULT_SCHEMA, false));
    let diff = f
        .gate
        .apply_schema(&who("admin"), DEFAULT_SCHEMA, false)
        .unwrap();
    assert!(diff.is_empty());
    assert_eq!(f.gate.vault_info().schema_version, 1);
}

#[test]
fn key_grants_cannot_exceed_the_granter() {
    let f = fixture();
    let g = &f.gate;
    assert!(g
        .authorize_key_grant(&who("owner"), "owner", None, None)
        .is_ok());
    assert!(g
        .authorize_key_grant(&who("admin"), "app", None, None)
        .is_ok());
    denied(g.authorize_key_grant(&who("admin"), "owner", None, None));
    denied(g.authorize_key_grant(&who("support"), "support", None, None));
    let mut narrow = who("admin");
    narrow.collections = Some(vec!["orders".into(), "events".into()]);
    narrow.purposes = Some(vec!["billing".into()]);
    let orders = vec!["orders".to_owned()];
    let billing = vec!["billing".to_owned()];
    assert!(g
        .authorize_key_grant(&narrow, "app", Some(&orders), Some(&billing))
        .is_ok());
    denied(g.authorize_key_grant(&narrow, "app", None, Some(&billing)));
    denied(g.authorize_key_grant(&narrow, "app", Some(&orders), None));
    let customers = vec!["customers".to_owned()];
    denied(g.authorize_key_grant(&narrow, "app", Some(&customers), Some(&billing)));
}
