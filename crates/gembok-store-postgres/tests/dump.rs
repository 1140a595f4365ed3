//! A `pg_dump` of a vault holding generated customers contains none of their values
//! in clear: everything personal reaches PostgreSQL sealed.

mod common;

use gembok_core::Actor;
use gembok_core::{Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_testdata::Generator;
use std::sync::Arc;

#[test]
fn pg_dump_holds_no_plaintext() {
    let db = fresh_db!();
    let store = Arc::new(db.store());
    let vault = Vault::initialize(store, MasterKey::generate().unwrap(), DEFAULT_SCHEMA).unwrap();
    let mut g = Generator::new(2026);
    let rows: Vec<_> = (0..200).map(|_| g.customer_json()).collect();
    vault
        .create_batch(&Actor::system(), "customers", &rows)
        .unwrap();

    let mut needles = Vec::new();
    let schema = vault.schema();
    let collection = schema.collection("customers").unwrap();
    for row in &rows {
        for (field, raw) in row.as_object().unwrap() {
            let raw = raw.as_str().unwrap();
            needles.push(raw.to_owned());
            let spec = collection.field(field).unwrap().field_type;
            needles.push(spec.normalize(raw).unwrap().as_str().to_owned());
        }
    }
    needles.retain(|n| n.len() >= 6);
    assert!(needles.len() > 1000);

    let out = std::process::Command::new("pg_dump")
        .arg("--no-owner")
        .arg(format!("--dbname={}/{}", common::server(), db.name))
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = String::from_utf8(out.stdout).expect("plain dumps are text");
    assert!(
        dump.contains("COPY public.records"),
        "the dump holds the records"
    );
    assert!(
        dump.len() > 100_000,
        "200 sealed customers ({} bytes)",
        dump.len()
    );
    for needle in &needles {
        // bytea is dumped as hex, so look for the hex form too.
        let hex: String = needle.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(
            !dump.contains(needle.as_str()) && !dump.contains(&hex),
            "a stored value appears in clear in the dump"
        );
    }
}
