//! `gembok migrate-store` with the real binary: a vault made with `gembok init` in
//! SQLite moves into a fresh PostgreSQL database, is used there through
//! `--database-url`, and a second migration into the now full database is refused.
//! Under `CI=true` a missing server fails the test; elsewhere the test says it skipped.

mod support;

use std::process::Command;

use support::pg::FreshDb;
use support::{gembok, json, ok, put, stderr};

#[test]
fn migrate_store_moves_a_sqlite_vault_into_postgresql() {
    let Some(db) = FreshDb::create("migrate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    ok(gembok(&dir, &["init"]));
    let id = put(&dir, "rina@contoh.co.id");
    put(&dir, "budi@contoh.co.id");
    let sqlite = format!("sqlite://{}", dir.join("gembok.db").display());

    let out = ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "migrate-store",
            "--from",
            &sqlite,
            "--to",
            &db.url(),
        ],
    ));
    let report = json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["audit_chain"]["ok"], true);
    assert_eq!(report["sampled_records"], 2);
    let records = report["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "records")
        .unwrap()
        .clone();
    assert_eq!(records["count"], 2);
    assert_eq!(records["sha256"].as_str().unwrap().len(), 64);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("rina@"));

    // The same vault, now in PostgreSQL.
    let got = ok(Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(&dir)
        .env("GEMBOK_DATABASE_URL", db.url())
        .args(["--output", "json", "get", "customers", &id])
        .output()
        .unwrap());
    assert_eq!(json(&got)["fields"]["email"], "rina@contoh.co.id");

    // A full target is refused with its own exit code, and left as it was.
    let again = gembok(
        &dir,
        &["migrate-store", "--from", &sqlite, "--to", &db.url()],
    );
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));

    // A source that is not a vault is refused before anything is written.
    let empty = tmp.path().join("empty.db");
    rusqlite::Connection::open(&empty).unwrap();
    let other = tmp.path().join("other.db");
    let refused = gembok(
        &dir,
        &[
            "migrate-store",
            "--from",
            empty.to_str().unwrap(),
            "--to",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("not a Gembok vault"));
}
