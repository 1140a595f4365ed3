//! The vault the nodes share: made on a fresh PostgreSQL database through the real
//! `gembok` command, with an API key for the nodes' clients, staff accounts enrolled
//! through a node, and the audit chain checked afterwards. Also whether Redis is there
//! for the shared login limit.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use crate::node::Node;
use crate::support::pg::{required, FreshDb as Database};
use crate::support::{json, ok};

pub(crate) const REDIS: &str = "127.0.0.1:6379";
pub(crate) const PASSWORD: &str = "kopi-tubruk-senja-Jatinegara-42";

pub(crate) fn redis_reachable() -> bool {
    TcpStream::connect_timeout(&REDIS.parse().unwrap(), Duration::from_secs(2)).is_ok()
        || required("Redis at 127.0.0.1:6379")
}

pub(crate) fn gembok_pg(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .env("GEMBOK_DATABASE_URL", url)
        .args(args)
        .output()
        .expect("run gembok")
}

/// A vault on `db` with an API key that may create and read customers, and `extra`
/// appended to gembok.toml. Returns the data directory and the key.
pub(crate) fn vault(tmp: &Path, db: &Database, extra: &str) -> (PathBuf, String) {
    let dir = tmp.join("vault");
    ok(gembok_pg(&dir, &db.url(), &["init"]));
    let toml = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n{extra}\n")).unwrap();
    let made = json(&ok(gembok_pg(
        &dir,
        &db.url(),
        &[
            "--output",
            "json",
            "apikey",
            "create",
            "--role",
            "app",
            "--purposes",
            "service",
        ],
    )));
    (dir, made["key"].as_str().unwrap().to_owned())
}

/// A staff account with a password, enrolled through `node`.
pub(crate) fn staff(dir: &Path, db: &Database, node: &Node, email: &str) {
    let made = json(&ok(gembok_pg(
        dir,
        &db.url(),
        &[
            "--output", "json", "user", "add", email, "--role", "support",
        ],
    )));
    let body = serde_json::json!({
        "token": made["enrolment_token"].as_str().unwrap(),
        "password": PASSWORD,
    })
    .to_string();
    let (status, out) = node.call("POST", "/v1/auth/enrol", None, Some(&body));
    assert_eq!(status, 200, "{out}");
}

pub(crate) fn verify_audit(dir: &Path, db: &Database) -> Value {
    let v = json(&ok(gembok_pg(
        dir,
        &db.url(),
        &["--output", "json", "audit", "verify"],
    )));
    assert_eq!(v["ok"], true, "{v}");
    v
}

pub(crate) fn count_actions(db: &Database, action: &str) -> i64 {
    db.client()
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = $1",
            &[&action],
        )
        .unwrap()
        .get(0)
}
