//! Reports on the data held, through the real binary: the minimisation report of
//! fields never read, and the privacy documents (records of processing, privacy
//! notice) made from the schema and the business settings.

use crate::support::{gembok, json, ok, vault};
use crate::{customer, run_json, EMAIL};

#[test]
fn the_minimisation_report_lists_fields_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let id = customer(dir);
    ok(gembok(
        dir,
        &[
            "get",
            "customers",
            &id,
            "--fields",
            "name",
            "--purpose",
            "service",
        ],
    ));
    let r = run_json(dir, &["report", "minimisation", "--days", "30"]);
    assert_eq!(r["days"], 30);
    assert!(r["reads"].as_u64().unwrap() >= 1, "{r}");
    let unread: Vec<&str> = r["unread_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(unread.contains(&"customers.email"), "{unread:?}");
    assert!(unread.contains(&"orders.amount"), "{unread:?}");
    assert!(!unread.contains(&"customers.name"), "{unread:?}");
    assert!(!r.to_string().contains(EMAIL));
    let bad = gembok(dir, &["report", "minimisation", "--days", "0"]);
    assert_eq!(bad.status.code(), Some(3));
}

#[test]
fn the_privacy_documents_come_from_the_schema_and_the_business() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(
        dir,
        "\n[business]\nname = \"Toko Sinar\"\ncontact = \"privasi@sinar.co.id\"\n\
         [[business.processors]]\nname = \"Kurir Kilat\"\nservice_en = \"parcel delivery\"\n\
         service_id = \"pengiriman paket\"\nclasses = [\"identity\"]\ncountry = \"ID\"\n",
    );
    let fields = 16; // customers 9, orders 4, events 3 in the default schema
    let csv_path = tmp.path().join("processing.csv");
    ok(gembok(
        dir,
        &[
            "privacy",
            "processing",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("collection,field,class"), "{csv}");
    assert_eq!(lines.len(), fields + 1, "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("customers,email,contact")),
        "{csv}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("customers,address,identity") && l.contains("Kurir Kilat")));
    let rows = json(&ok(gembok(
        dir,
        &["privacy", "processing", "--format", "json"],
    )));
    assert_eq!(rows.as_array().unwrap().len(), fields);

    let notice = json(&ok(gembok(dir, &["privacy", "notice", "--format", "json"])));
    assert_eq!(notice["business"]["name"], "Toko Sinar");
    assert_eq!(notice["version"], 1);
    assert_eq!(notice["response_hours"], 72);
    let html = String::from_utf8(ok(gembok(dir, &["privacy", "notice"])).stdout).unwrap();
    assert!(html.contains("Toko Sinar") && html.contains("Kurir Kilat"));
    let again = json(&ok(gembok(dir, &["privacy", "notice", "--format", "json"])));
    assert_eq!(again["version"], 1, "an unchanged notice keeps its version");
}
