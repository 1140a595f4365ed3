//! Reads through the gate on a real vault (SQLite): what each role actually gets back,
//! purposes, fields outside a purpose, and refusals before any data is touched.

mod access_support;
mod common;

use access_support::*;
use gembok_core::{AccessError, CoreError, Policy};
use gembok_types::RecordId;
use serde_json::json;

#[test]
fn each_role_sees_what_its_purpose_and_rights_allow() {
    let f = fixture();
    let c = f.customer;
    let owner = f
        .gate
        .get(&who("owner"), Some("service"), "customers", c, None)
        .unwrap();
    assert_eq!(names(&owner), ["email", "name", "phone"]);
    assert!(["email", "name", "phone"]
        .iter()
        .all(|n| is_plain(&owner, n)));
    assert_eq!(owner.fields["phone"].as_str(), PHONE);

    let support = f
        .gate
        .get(&who("support"), Some("service"), "customers", c, None)
        .unwrap();
    assert_eq!(names(&support), ["email", "name", "phone"]);
    assert_eq!(support.fields["name"].as_str(), NAME);
    assert!(!is_plain(&support, "phone") && !is_plain(&support, "email"));
    assert_ne!(support.fields["phone"].as_str(), PHONE);
    assert!(!support.fields["email"].as_str().contains("siti.r"));

    let shipping = f
        .gate
        .get(&who("support"), Some("shipping"), "customers", c, None)
        .unwrap();
    assert_eq!(
        names(&shipping),
        ["address", "name", "phone", "postal_code"]
    );
    assert!(!shipping.fields["address"].as_str().contains("Melati"));

    let dpo = f
        .gate
        .get(&who("dpo"), Some("dpo"), "customers", c, None)
        .unwrap();
    assert_eq!(
        names(&dpo),
        [
            "address",
            "birth_date",
            "email",
            "name",
            "nik",
            "phone",
            "postal_code"
        ]
    );
    assert_eq!(dpo.fields["nik"].as_str(), NIK);
    assert_eq!(dpo.fields["address"].as_str(), ADDRESS);

    let events = f
        .gate
        .search(
            &who("analyst"),
            Some("analytics"),
            "events",
            "customer",
            &c.to_string(),
            None,
        )
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(names(&events[0]), ["action", "customer", "detail"]);
    assert!(!is_plain(&events[0], "action"));
}

#[test]
fn a_purpose_is_required_well_formed_and_allowed() {
    let f = fixture();
    let c = f.customer;
    let (code, _) = denied(f.gate.get(&who("owner"), None, "customers", c, None));
    assert_eq!(code, "purpose_required");
    let (code, reason) =
        denied(
            f.gate
                .get(&who("owner"), Some("Bad Purpose<>"), "customers", c, None),
        );
    assert_eq!(code, "purpose_not_allowed");
    assert!(!reason.contains("Bad Purpose"), "{reason}");
    let (code, reason) =
        denied(
            f.gate
                .get(&who("support"), Some("marketing"), "customers", c, None),
        );
    assert_eq!(code, "purpose_not_allowed");
    assert!(
        reason.contains("support") && reason.contains("marketing"),
        "{reason}"
    );
    let (code, _) = denied(
        f.gate
            .search(&who("app"), None, "customers", "phone", PHONE, None),
    );
    assert_eq!(code, "purpose_required");
}

#[test]
fn fields_outside_the_purpose_are_hidden_and_nothing_visible_is_refused() {
    let f = fixture();
    let c = f.customer;
    // Address is declared for shipping only: an owner reading for service does not get it.
    let r = f
        .gate
        .get(
            &who("owner"),
            Some("service"),
            "customers",
            c,
            Some(&["name", "address"]),
        )
        .unwrap();
    assert_eq!(names(&r), ["name"]);
    let (code, reason) = denied(f.gate.get(
        &who("owner"),
        Some("service"),
        "customers",
        c,
        Some(&["address"]),
    ));
    assert_eq!(code, "forbidden");
    assert!(reason.contains("no requested field"), "{reason}");
    // The analyst's only purpose is declared by no order field.
    let (code, reason) =
        denied(
            f.gate
                .get(&who("analyst"), Some("analytics"), "orders", f.order, None),
        );
    assert_eq!(code, "forbidden");
    assert!(!reason.contains("150000"));
    // Naming an undeclared field is a plain input error, not a silent omission.
    let err = f
        .gate
        .get(
            &who("owner"),
            Some("service"),
            "customers",
            c,
            Some(&["shoe_size"]),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        AccessError::Core(CoreError::UndeclaredField { .. })
    ));
}

#[test]
fn refusals_come_before_existence() {
    let f = fixture();
    let missing = RecordId::generate();
    let (code, _) = denied(f.gate.get(
        &who("analyst"),
        Some("analytics"),
        "customers",
        missing,
        None,
    ));
    assert_eq!(code, "forbidden");
    let err = f
        .gate
        .get(&who("owner"), Some("service"), "customers", missing, None)
        .unwrap_err();
    assert!(matches!(err, AccessError::Core(CoreError::NotFound)));
    let (code, reason) =
        denied(
            f.gate
                .get(&who("nobody"), Some("service"), "customers", missing, None),
        );
    assert_eq!(code, "forbidden");
    assert!(reason.contains("not defined"), "{reason}");
}

#[test]
fn searching_needs_the_searched_field_visible() {
    let f = fixture();
    let found = f
        .gate
        .search(
            &who("support"),
            Some("service"),
            "customers",
            "phone",
            "0812 3456 7890",
            None,
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, f.customer);
    assert_ne!(found[0].fields["phone"].as_str(), PHONE);
    let (code, reason) = denied(f.gate.search(
        &who("support"),
        Some("service"),
        "customers",
        "nik",
        NIK,
        None,
    ));
    assert_eq!(code, "forbidden");
    assert!(
        reason.contains("customers.nik") && !reason.contains(NIK),
        "{reason}"
    );
}

#[test]
fn a_custom_role_through_the_gate() {
    let policy = Policy::from_toml(
        r#"
[roles.courier]
purposes = ["shipping"]
[roles.courier.collections.customers]
read = { default = "none", name = "plain", address = "plain", phone = "masked" }
"#,
    )
    .unwrap();
    let f = fixture_with(policy);
    let r = f
        .gate
        .get(
            &who("courier"),
            Some("shipping"),
            "customers",
            f.customer,
            None,
        )
        .unwrap();
    assert_eq!(names(&r), ["address", "name", "phone"]);
    assert_eq!(r.fields["address"].as_str(), ADDRESS);
    assert_ne!(r.fields["phone"].as_str(), PHONE);
    denied(f.gate.update(
        &who("courier"),
        "customers",
        f.customer,
        &json!({"name": "X"}),
    ));
}
