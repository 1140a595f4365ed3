//! `gembok apikey` and the refusals of `gembok serve`, end to end.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn gembok(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run gembok")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn api_keys_are_shown_once_listed_without_secrets_and_revocable() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let init = json(&gembok(&dir, &["--output", "json", "init"]));
    assert!(init["tls_fingerprint_sha256"]
        .as_str()
        .unwrap()
        .contains(':'));

    let made = json(&gembok(
        &dir,
        &[
            "--output",
            "json",
            "apikey",
            "create",
            "--role",
            "app",
            "--purposes",
            "service",
            "--expires",
            "30d",
        ],
    ));
    let key = made["key"].as_str().unwrap();
    let id = made["id"].as_str().unwrap();
    assert!(key.starts_with("gembok_") && key.len() > 50);

    let listed = gembok(&dir, &["--output", "json", "apikey", "list"]);
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        text.contains(id) && !text.contains(key),
        "the list must not hold the secret"
    );

    let rotated = json(&gembok(
        &dir,
        &[
            "--output",
            "json",
            "apikey",
            "rotate",
            id,
            "--grace-hours",
            "1",
        ],
    ));
    assert_ne!(rotated["key"], made["key"]);
    let revoked = json(&gembok(&dir, &["--output", "json", "apikey", "revoke-all"]));
    assert!(revoked["revoked"].as_u64().unwrap() >= 2);

    for bad in [
        vec!["apikey", "create", "--role", "app", "--expires", "2y"],
        vec!["apikey", "create", "--role", "wizard"],
        vec![
            "apikey",
            "create",
            "--role",
            "app",
            "--allow-ip",
            "not-a-cidr",
        ],
    ] {
        let out = gembok(&dir, &bad);
        assert!(!out.status.success(), "accepted {bad:?}");
    }
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    assert!(gembok(&dir, &["init"]).status.success());
    let out = gembok(&dir, &["serve", "--insecure-http", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback"), "{err}");
}
