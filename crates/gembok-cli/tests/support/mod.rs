//! Helpers shared by the audit tests: run the real `gembok` binary on a data
//! directory, read its JSON output, and open the vault's database directly.
#![allow(dead_code)]

pub mod pg;
pub mod webhook;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub fn gembok(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run gembok")
}

pub fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A vault with `extra` appended to its gembok.toml.
pub fn vault(dir: &Path, extra: &str) {
    ok(gembok(dir, &["init"]));
    let path = dir.join("gembok.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(extra);
    std::fs::write(&path, text).unwrap();
}

pub fn put(dir: &Path, email: &str) -> String {
    let data = format!(r#"{{"name": "Rina Wulandari", "email": "{email}"}}"#);
    let out = ok(gembok(
        dir,
        &["--output", "json", "put", "customers", "--data", &data],
    ));
    json(&out)["id"].as_str().unwrap().to_owned()
}

pub fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("gembok.db")).unwrap()
}
