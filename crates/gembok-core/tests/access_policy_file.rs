//! Custom roles from a policy file: the documented format works, and every mistake is
//! refused with a message that names the rule.

use gembok_core::access::decide::{action_allowed, field_visibility};
use gembok_core::access::{Purposes, ReadRight};
use gembok_core::{Action, CoreError, Policy, Schema, Visibility};

const COURIER: &str = r#"
[roles.courier]
purposes = ["shipping"]
[roles.courier.collections.customers]
read = { default = "none", name = "plain", address = "plain", phone = "masked" }
write = false
delete = false
export = false
"#;

#[test]
fn the_documented_courier_role_works() {
    let policy = Policy::from_toml(COURIER).unwrap();
    assert!(policy.has_role("courier"));
    assert!(policy.has_role("owner"), "built-in roles stay");
    let courier = policy.role("courier").unwrap();
    let schema = Schema::default_schema();
    let customers = schema.collection("customers").unwrap();
    let vis = |field: &str, purpose: &str| {
        let spec = customers.field(field).unwrap();
        field_visibility(courier, "customers", field, &spec.purposes, purpose)
    };
    assert_eq!(vis("name", "shipping"), Visibility::Plain);
    assert_eq!(vis("address", "shipping"), Visibility::Plain);
    assert_eq!(vis("phone", "shipping"), Visibility::Masked);
    assert_eq!(
        vis("postal_code", "shipping"),
        Visibility::Hidden,
        "default none"
    );
    assert_eq!(vis("email", "shipping"), Visibility::Hidden);
    assert_eq!(
        vis("name", "service"),
        Visibility::Hidden,
        "purpose not granted"
    );
    assert!(action_allowed(courier, Action::Read, Some("customers")).is_ok());
    assert!(action_allowed(courier, Action::Update, Some("customers")).is_err());
    assert!(action_allowed(courier, Action::Read, Some("orders")).is_err());
    assert!(action_allowed(courier, Action::SchemaRead, None).is_err());
}

#[test]
fn wildcards_and_admin_rights() {
    let policy = Policy::from_toml(
        r#"
[roles.auditor]
purposes = ["*"]
oversight_purposes = ["audit"]
schema_read = true
[roles.auditor.collections."*"]
read = { default = "masked" }
export = true
[roles.auditor.collections.events]
read = { default = "none" }
"#,
    )
    .unwrap();
    let r = policy.role("auditor").unwrap();
    assert_eq!(r.purposes, Purposes::Any);
    assert_eq!(r.read_right("orders", "amount"), ReadRight::Masked);
    assert_eq!(r.read_right("events", "action"), ReadRight::None);
    assert!(action_allowed(r, Action::Export, Some("orders")).is_ok());
    assert!(action_allowed(r, Action::Export, Some("events")).is_err());
    assert!(action_allowed(r, Action::SchemaRead, None).is_ok());
    assert!(action_allowed(r, Action::SchemaWrite, None).is_err());
    let schema = Schema::default_schema();
    let nik = schema
        .collection("customers")
        .unwrap()
        .field("nik")
        .unwrap();
    assert_eq!(
        field_visibility(r, "customers", "nik", &nik.purposes, "audit"),
        Visibility::Masked
    );
}

#[test]
fn an_empty_file_gives_the_builtin_roles() {
    assert_eq!(Policy::from_toml("").unwrap(), Policy::builtin());
}

#[test]
fn mistakes_are_refused() {
    let cases: &[(&str, &str)] = &[
        ("[rolez.x]\npurposes = []\n", "unknown field"),
        ("[roles.x]\npurpose = [\"service\"]\n", "unknown field"),
        (
            "[roles.x.collections.customers]\nwrit = true\n",
            "unknown field",
        ),
        (
            "[roles.x.collections.customers]\nread = { default = \"clear\" }\n",
            "unknown variant",
        ),
        ("[roles.Courier]\n", "role name"),
        ("[roles.admin]\npurposes = [\"service\"]\n", "built in"),
        ("[roles.x]\npurposes = [\"Service!\"]\n", "purpose"),
        ("[roles.x]\npurposes = [\"*\", \"service\"]\n", "only entry"),
        ("[roles.x]\noversight_purposes = [\"a b\"]\n", "purpose"),
        (
            "[roles.x.collections.Customers]\nwrite = true\n",
            "collection name",
        ),
        (
            "[roles.x.collections.customers]\nread = { \"Name\" = \"plain\" }\n",
            "field name",
        ),
        ("[roles.x]\nschema_write = \"yes\"\n", "invalid type"),
        ("not toml at all", "policy"),
    ];
    for (text, needle) in cases {
        let err = Policy::from_toml(text).unwrap_err();
        assert!(matches!(err, CoreError::InvalidInput(_)), "{text}: {err}");
        let msg = err.to_string();
        assert!(msg.starts_with("invalid input: policy"), "{text}: {msg}");
        assert!(msg.contains(needle), "{text}: `{msg}` lacks `{needle}`");
    }
}
