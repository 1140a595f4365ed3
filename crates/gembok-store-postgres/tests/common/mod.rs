//! A fresh PostgreSQL database per test, dropped afterwards even when the test
//! panics, and the rule for a missing server: under `CI=true` the test fails, anywhere
//! else it prints that it was skipped and returns.
//!
//! The server is `GEMBOK_TEST_PG` (default `postgres://postgres@127.0.0.1:5432`); the
//! administrative connection goes to its `postgres` database.
#![allow(dead_code)]

use gembok_store_postgres::PostgresStore;
use gembok_types::RecordId;

/// The server URL without a database name.
pub fn server() -> String {
    std::env::var("GEMBOK_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A random lower-case hex tag for database and application names.
fn tag() -> String {
    RecordId::generate().as_bytes()[6..]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A connection to the `postgres` database, or `None` (after printing why) when the
/// server is not reachable outside CI. Under `CI=true` it panics instead.
pub fn admin() -> Option<postgres::Client> {
    let url = format!("{}/postgres", server());
    match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(client) => Some(client),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL not reachable at {} under CI: {e}", server());
            }
            eprintln!("skipped: PostgreSQL not reachable at {}", server());
            None
        }
    }
}

/// A database that exists for the life of this value.
pub struct TestDb {
    pub name: String,
    /// The `application_name` the test's stores report, to find their sessions.
    pub app: String,
}

impl TestDb {
    /// Create `gembok_test_<random>`, or `None` when the server is not reachable.
    pub fn create() -> Option<Self> {
        let mut admin = admin()?;
        let tag = tag();
        let name = format!("gembok_test_{tag}");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        Some(Self {
            name,
            app: format!("gembok-test-{tag}"),
        })
    }

    /// The URL of this database, with the test's application name.
    pub fn url(&self) -> String {
        format!("{}/{}?application_name={}", server(), self.name, self.app)
    }

    pub fn store(&self) -> PostgresStore {
        PostgresStore::connect(&self.url()).expect("connect store")
    }

    /// A plain client on this database, for inspecting it directly.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&format!("{}/{}", server(), self.name), postgres::NoTls)
            .expect("connect test database")
    }

    /// End every session the store opened; returns how many were ended.
    pub fn terminate_store_sessions(&self) -> i64 {
        let mut admin = admin().expect("admin connection");
        let rows = admin
            .query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE application_name = $1",
                &[&self.app],
            )
            .expect("terminate sessions");
        rows[0].get(0)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(mut admin) = admin() {
            let dropped = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            if let Err(e) = dropped {
                eprintln!("could not drop test database {}: {e}", self.name);
            }
        }
    }
}

/// Create a fresh database, or return from the test when the server is absent.
#[macro_export]
macro_rules! fresh_db {
    () => {
        match common::TestDb::create() {
            Some(db) => db,
            None => return,
        }
    };
}
