//! The policy's decisions as tables: every built-in role x collection x field x purpose
//! of the default schema, every role x collection x action, and custom roles from TOML.

use gembok_core::access::decide::{action_allowed, field_visibility};
use gembok_core::access::{ReadRight, BUILTIN_ROLES};
use gembok_core::{Action, Policy, Schema, Visibility};

/// The read rights the module doc promises, written out independently of the code.
fn expected_read(role: &str, collection: &str, field: &str) -> ReadRight {
    match (role, collection, field) {
        ("owner" | "admin" | "dpo" | "app", _, _) => ReadRight::Plain,
        ("support", "customers", "name") => ReadRight::Plain,
        ("support", "customers" | "orders", _) => ReadRight::Masked,
        ("analyst", "events" | "orders", _) => ReadRight::Masked,
        _ => ReadRight::None,
    }
}

fn expected_purpose(role: &str, purpose: &str) -> bool {
    match role {
        "support" => ["service", "shipping", "billing"].contains(&purpose),
        "analyst" => purpose == "analytics",
        _ => true,
    }
}

fn expected_oversight(role: &str, purpose: &str) -> bool {
    role == "dpo" && (purpose == "dpo" || purpose == "legal")
}

/// Actions per role and collection: R read, S search, L list, C create, U update,
/// D delete, E export.
fn expected_actions(role: &str, collection: &str) -> &'static str {
    match (role, collection) {
        ("owner" | "admin", _) => "RSLCUDE",
        ("dpo", _) => "RSLDE",
        ("app", _) => "RSLCUD",
        ("support", "customers") => "RSLCU",
        ("support", "orders") => "RSL",
        ("analyst", "events" | "orders") => "RSL",
        _ => "",
    }
}

/// Administrative actions per role: r schema read, w schema write, k manage keys.
fn expected_admin(role: &str) -> &'static str {
    match role {
        "owner" | "admin" => "rwk",
        _ => "r",
    }
}

const RECORD_ACTIONS: [(char, Action); 7] = [
    ('R', Action::Read),
    ('S', Action::Search),
    ('L', Action::List),
    ('C', Action::Create),
    ('U', Action::Update),
    ('D', Action::Delete),
    ('E', Action::Export),
];

fn all_purposes(schema: &Schema) -> Vec<String> {
    let mut ps: Vec<String> = schema
        .collections()
        .flat_map(|c| c.fields.values())
        .flat_map(|f| f.purposes.iter().map(|p| p.as_str().to_owned()))
        .chain(["dpo", "legal", "fraud_check"].map(String::from))
        .collect();
    ps.sort();
    ps.dedup();
    ps
}

#[test]
fn every_builtin_role_field_and_purpose_of_the_default_schema() {
    let policy = Policy::builtin();
    let schema = Schema::default_schema();
    let purposes = all_purposes(&schema);
    let mut checked = 0;
    let mut visible = 0;
    for role_name in BUILTIN_ROLES {
        let role = policy.role(role_name).unwrap();
        for coll in schema.collections() {
            for (fname, spec) in &coll.fields {
                for purpose in &purposes {
                    let right = expected_read(role_name, coll.name.as_str(), fname.as_str());
                    let declared = spec.purposes.iter().any(|p| p.as_str() == purpose);
                    let reaches = expected_oversight(role_name, purpose)
                        || (expected_purpose(role_name, purpose) && declared);
                    let want = if reaches {
                        right.into()
                    } else {
                        Visibility::Hidden
                    };
                    let got = field_visibility(
                        role,
                        coll.name.as_str(),
                        fname.as_str(),
                        &spec.purposes,
                        purpose,
                    );
                    assert_eq!(got, want, "{role_name} {}.{fname} for {purpose}", coll.name);
                    checked += 1;
                    visible += usize::from(got != Visibility::Hidden);
                }
            }
        }
    }
    assert_eq!(checked, 6 * 16 * purposes.len());
    assert!(visible > 0 && visible < checked);
}

#[test]
fn hand_checked_rows() {
    use Visibility::{Hidden, Masked, Plain};
    let policy = Policy::builtin();
    let schema = Schema::default_schema();
    let rows = [
        ("support", "customers", "name", "service", Plain),
        ("support", "customers", "phone", "shipping", Masked),
        ("support", "customers", "address", "shipping", Masked),
        ("support", "customers", "address", "service", Hidden),
        ("support", "customers", "nik", "service", Hidden),
        ("support", "customers", "email", "marketing", Hidden),
        ("support", "orders", "amount", "billing", Masked),
        ("support", "events", "action", "analytics", Hidden),
        ("analyst", "events", "action", "analytics", Masked),
        ("analyst", "orders", "amount", "analytics", Hidden),
        ("analyst", "customers", "name", "analytics", Hidden),
        ("dpo", "customers", "npwp", "dpo", Plain),
        ("dpo", "customers", "npwp", "legal", Plain),
        ("dpo", "customers", "npwp", "tax", Plain),
        ("dpo", "customers", "npwp", "service", Hidden),
        ("owner", "customers", "npwp", "dpo", Hidden),
        ("owner", "customers", "nik", "legal", Plain),
        ("owner", "customers", "email", "marketing", Plain),
        ("app", "orders", "payment_ref", "billing", Plain),
        ("app", "orders", "payment_ref", "fraud_check", Hidden),
    ];
    for (role, coll, field, purpose, want) in rows {
        let spec = schema.collection(coll).unwrap().field(field).unwrap();
        let got = field_visibility(
            policy.role(role).unwrap(),
            coll,
            field,
            &spec.purposes,
            purpose,
        );
        assert_eq!(got, want, "{role} {coll}.{field} for {purpose}");
    }
}

#[test]
fn every_builtin_role_collection_and_action() {
    let policy = Policy::builtin();
    let schema = Schema::default_schema();
    for role_name in BUILTIN_ROLES {
        let role = policy.role(role_name).unwrap();
        for coll in schema.collections() {
            let letters = expected_actions(role_name, coll.name.as_str());
            for (letter, action) in RECORD_ACTIONS {
                let got = action_allowed(role, action, Some(coll.name.as_str()));
                assert_eq!(
                    got.is_ok(),
                    letters.contains(letter),
                    "{role_name} {action:?} on {}",
                    coll.name
                );
                if let Err(d) = got {
                    assert_eq!(d.code, "forbidden");
                    assert!(d.reason.contains(role_name), "{}", d.reason);
                    assert!(d.reason.contains(coll.name.as_str()), "{}", d.reason);
                }
            }
        }
        let admin = expected_admin(role_name);
        for (letter, action) in [
            ('r', Action::SchemaRead),
            ('w', Action::SchemaWrite),
            ('k', Action::ManageKeys),
        ] {
            assert_eq!(
                action_allowed(role, action, None).is_ok(),
                admin.contains(letter),
                "{role_name} {action:?}"
            );
        }
    }
}

#[test]
fn record_actions_without_a_collection_ask_about_any_collection() {
    let policy = Policy::builtin();
    let support = policy.role("support").unwrap();
    assert!(action_allowed(support, Action::Update, None).is_ok());
    assert!(action_allowed(support, Action::Delete, None).is_err());
    let analyst = policy.role("analyst").unwrap();
    assert!(action_allowed(analyst, Action::Create, None).is_err());
    assert!(action_allowed(analyst, Action::Read, None).is_ok());
}

#[test]
fn only_the_owner_grants_owner_keys() {
    let policy = Policy::from_toml(
        "[roles.keymaster]\nmanage_keys = true\n[roles.clerk]\npurposes = [\"service\"]\n",
    )
    .unwrap();
    let rows = [
        ("owner", "owner", true),
        ("owner", "admin", true),
        ("admin", "owner", false),
        ("admin", "admin", true),
        ("admin", "app", true),
        ("keymaster", "app", true),
        ("keymaster", "clerk", true),
        ("keymaster", "admin", false),
        ("keymaster", "keymaster", false),
        ("dpo", "app", false),
        ("app", "app", false),
        ("owner", "nobody", false),
    ];
    for (granter, target, want) in rows {
        assert_eq!(
            policy.may_grant(granter, target),
            want,
            "{granter} -> {target}"
        );
    }
}
