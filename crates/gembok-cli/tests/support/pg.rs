//! A fresh PostgreSQL database per test on the local server, dropped (with its
//! connections) when the value is. Under `CI=true` a missing server fails the test;
//! elsewhere the test says it skipped.

pub const ADMIN_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";

/// A database of its own for one test.
pub struct FreshDb {
    name: String,
}

/// Fail under `CI=true`, else say the test skipped; `false` either way it returns.
pub fn required(what: &str) -> bool {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but {what} is unreachable");
    }
    eprintln!("skipped: {what} is unreachable (set CI=true to require it)");
    false
}

impl FreshDb {
    /// Create `gembok_{tag}_...`, or `None` (skip) when no server is reachable.
    pub fn create(tag: &str) -> Option<Self> {
        let Ok(mut admin) = postgres::Client::connect(ADMIN_URL, postgres::NoTls) else {
            required("PostgreSQL at 127.0.0.1:5432");
            return None;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("gembok_{tag}_{nanos:x}{:x}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(FreshDb { name })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }

    pub fn client(&self) -> postgres::Client {
        let url = format!(
            "host=127.0.0.1 port=5432 user=postgres dbname={}",
            self.name
        );
        postgres::Client::connect(&url, postgres::NoTls).unwrap()
    }

    /// Terminate every connection to this database from a separate admin connection.
    pub fn terminate_connections(&self) -> i64 {
        let mut admin = postgres::Client::connect(ADMIN_URL, postgres::NoTls).unwrap();
        let rows = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&self.name],
            )
            .unwrap();
        rows.len() as i64
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(ADMIN_URL, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
