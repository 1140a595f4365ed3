//! `gembok migrate-store` with the real binary: a vault made with `gembok init` in
//! SQLite moves into a fresh PostgreSQL database, is used there through
//! `--database-url`, and a second migration into the now full database is refused.
//! Under `CI=true` a missing server fails the test; elsewhere the test says it skipped.

mod support;

use std::process::Command;

use support::{gembok, json, ok, put, stderr};

const ADMIN_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";

/// A fresh database that is dropped with this value, or `None` (skip) outside CI.
struct Db(String);

impl Db {
    fn create() -> Option<Self> {
        let mut admin = match postgres::Client::connect(ADMIN_URL, postgres::NoTls) {
            Ok(c) => c,
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("CI=true but PostgreSQL at 127.0.0.1:5432 is unreachable: {e}")
            }
            Err(_) => {
                eprintln!("skipped: no PostgreSQL at 127.0.0.1:5432 (set CI=true to require it)");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("gembok_migrate_{nanos:x}{:x}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Db(name))
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.0)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(ADMIN_URL, postgres::NoTls) {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0));
        }
    }
}

#[test]
fn migrate_store_moves_a_sqlite_vault_into_postgresql() {
    let Some(db) = Db::create() else { return };
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
