//! Schema parsing, checking and diffing.

use super::*;

fn with_field(extra: &str) -> String {
    format!(
        r#"
[collections.customers]
subject = "self"
[collections.customers.fields.name]
type = "name"
class = "identity"
purposes = ["service"]
required = true
{extra}
"#
    )
}

#[test]
fn default_schema_is_valid_and_complete() {
    let s = Schema::default_schema();
    let customers = s.collection("customers").unwrap();
    for f in [
        "name",
        "email",
        "phone",
        "birth_date",
        "address",
        "postal_code",
        "nik",
        "npwp",
        "password",
    ] {
        assert!(customers.field(f).is_ok(), "customers.{f} missing");
    }
    let orders = s.collection("orders").unwrap();
    for f in ["customer", "amount", "items", "payment_ref"] {
        assert!(orders.field(f).is_ok(), "orders.{f} missing");
    }
    assert_eq!(orders.subject_collection().unwrap().as_str(), "customers");
    let events = s.collection("events").unwrap();
    assert_eq!(events.retention, Some(Retention::Days(90)));
    assert!(events
        .fields
        .values()
        .all(|f| f.class == DataClass::Behavior));
}

#[test]
fn undeclared_field_is_named() {
    let s = Schema::default_schema();
    let err = s
        .collection("customers")
        .unwrap()
        .field("shoe_size")
        .unwrap_err();
    assert!(err.to_string().contains("shoe_size"), "{err}");
}

#[test]
fn fields_need_a_purpose() {
    let text =
        with_field("[collections.customers.fields.email]\ntype = \"email\"\nclass = \"contact\"\n");
    let err = Schema::parse(&text).unwrap_err();
    assert!(err.to_string().contains("no purpose"), "{err}");
}

#[test]
fn passwords_cannot_be_searchable() {
    let text = with_field(
        "[collections.customers.fields.pw]\ntype = \"password\"\nclass = \"account\"\npurposes = [\"authentication\"]\nsearchable = true\n",
    );
    assert!(Schema::parse(&text).is_err());
}

#[test]
fn unknown_keys_types_and_classes_are_refused() {
    for bad in [
        "[collections.customers.fields.x]\ntype = \"shoe\"\nclass = \"identity\"\npurposes = [\"a\"]\n",
        "[collections.customers.fields.x]\ntype = \"text\"\nclass = \"secret\"\npurposes = [\"a\"]\n",
        "[collections.customers.fields.x]\ntype = \"text\"\nclass = \"identity\"\npurposes = [\"a\"]\ncolour = 1\n",
        "[collections.customers.fields.X]\ntype = \"text\"\nclass = \"identity\"\npurposes = [\"a\"]\n",
        "[collections.customers.fields.x]\ntype = \"text\"\nclass = \"identity\"\npurposes = [\"a\"]\nretention = \"forever\"\n",
    ] {
        assert!(Schema::parse(&with_field(bad)).is_err(), "accepted: {bad}");
    }
}

#[test]
fn subject_field_must_be_a_required_reference() {
    let text = r#"
[collections.customers]
subject = "self"
[collections.customers.fields.name]
type = "name"
class = "identity"
purposes = ["service"]
[collections.orders]
subject = "customer"
[collections.orders.fields.customer]
type = "reference"
class = "transaction"
references = "customers"
purposes = ["billing"]
"#;
    let err = Schema::parse(text).unwrap_err();
    assert!(err.to_string().contains("required reference"), "{err}");
    let fixed = text.replace(
        "purposes = [\"billing\"]",
        "purposes = [\"billing\"]\nrequired = true",
    );
    assert!(Schema::parse(&fixed).is_ok());
    let dangling = fixed.replace("references = \"customers\"", "references = \"people\"");
    assert!(Schema::parse(&dangling).is_err());
}

#[test]
fn retention_parses_units_and_bounds() {
    assert_eq!(Retention::parse("90d"), Ok(Retention::Days(90)));
    assert_eq!(Retention::parse("6m"), Ok(Retention::Months(6)));
    assert_eq!(Retention::parse("10y"), Ok(Retention::Years(10)));
    for bad in ["0d", "d", "10", "101y", "1w", "-1d", "١٠d"] {
        assert!(Retention::parse(bad).is_err(), "accepted {bad}");
    }
}

#[test]
fn diff_classifies_changes() {
    let old = Schema::default_schema();
    let added = DEFAULT_SCHEMA.to_owned()
        + "\n[collections.customers.fields.nickname]\ntype = \"name\"\nclass = \"identity\"\npurposes = [\"service\"]\n";
    let new = Schema::parse(&added).unwrap();
    let diff = SchemaDiff::between(&old, &new);
    assert_eq!(
        diff.changes,
        vec![SchemaChange::AddField {
            collection: "customers".into(),
            field: "nickname".into()
        }]
    );
    assert!(diff.check(false).is_ok());

    let dropped = SchemaDiff::between(&new, &old);
    assert!(matches!(
        dropped.changes[0],
        SchemaChange::RemoveField { .. }
    ));
    assert!(dropped.check(false).is_err());
    assert!(dropped.check(true).is_ok());

    let retyped = Schema::parse(&DEFAULT_SCHEMA.replace(
        "[collections.customers.fields.npwp]\ntype = \"npwp\"",
        "[collections.customers.fields.npwp]\ntype = \"text\"",
    ))
    .unwrap();
    let diff = SchemaDiff::between(&old, &retyped);
    assert!(diff.check(true).is_err());
    assert!(SchemaDiff::between(&old, &old).is_empty());
}

#[test]
fn purposes_carry_a_legal_basis_and_descriptions() {
    let s = Schema::default_schema();
    assert!(s.needs_consent("marketing"));
    assert!(!s.needs_consent("service"));
    assert!(!s.needs_consent("analytics"));
    // Every purpose a field names, plus the oversight ones, has an entry.
    for c in s.collections() {
        for f in c.fields.values() {
            for p in &f.purposes {
                let spec = s.purpose(p.as_str()).expect("declared or built in");
                assert!(!spec.en.is_empty() && !spec.id.is_empty());
            }
        }
    }
    assert!(s.purpose("dpo").is_some() && s.purpose("legal").is_some());

    let custom = DEFAULT_SCHEMA.replace(
        "[purposes.analytics]\nbasis = \"legitimate_interest\"",
        "[purposes.analytics]\nbasis = \"consent\"\nen = \"Measuring visits\"\nid = \"Mengukur kunjungan\"",
    );
    let s = Schema::parse(&custom).unwrap();
    assert!(s.needs_consent("analytics"));
    assert_eq!(s.purpose("analytics").unwrap().id, "Mengukur kunjungan");

    let unknown_no_text = DEFAULT_SCHEMA.to_owned() + "\n[purposes.loyalty]\nbasis = \"consent\"\n";
    assert!(Schema::parse(&unknown_no_text).is_err());
    let bad_basis = DEFAULT_SCHEMA.replace("basis = \"consent\"", "basis = \"because\"");
    assert!(Schema::parse(&bad_basis).is_err());
    let stray_key = DEFAULT_SCHEMA.replace(
        "[purposes.marketing]\nbasis = \"consent\"",
        "[purposes.marketing]\nbasis = \"consent\"\nsecret = 1",
    );
    assert!(Schema::parse(&stray_key).is_err());
}
