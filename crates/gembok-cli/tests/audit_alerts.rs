//! Audit monitoring from the real binary: the alert a failed `gembok audit verify`
//! sends to a webhook receiver on loopback, the settings `gembok serve` refuses, and
//! API-key changes made from the CLI landing in the audit log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod support;

use support::webhook::serve_one;
use support::{db, gembok, json, ok, put, stderr, vault};

/// A vault whose `[notify]` sends to a receiver on loopback; returns its listener.
fn webhook_vault(dir: &std::path::Path) -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    vault(
        dir,
        &format!(
            "\n[[notify.webhook]]\nurl = \"http://127.0.0.1:{port}/hook\"\nsecret_env = \"GEMBOK_TEST_HOOK_SECRET\"\nmax_attempts = 1\n"
        ),
    );
    listener
}

#[test]
fn a_failed_verification_sends_the_verify_failed_alert_to_the_webhook() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let listener = webhook_vault(dir);
    put(dir, "rina@contoh.co.id");
    put(dir, "budi@contoh.co.id");
    db(dir)
        .execute(
            "UPDATE audit_events SET body = CAST(replace(body,'local','LOCAL') AS BLOB) WHERE seq = 2",
            [],
        )
        .unwrap();
    let receiver = std::thread::spawn(move || serve_one(listener));
    let out = Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(["audit", "verify"])
        .env("GEMBOK_TEST_HOOK_SECRET", "a-test-signing-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    // The command waits for delivery before it exits, so the request has arrived.
    let body = receiver.join().unwrap();
    let n: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(n["kind"], "alert.verify_failed");
    let message = n["message"].as_str().unwrap();
    assert!(message.contains("verification failed"), "{message}");
    assert!(
        message.contains(" / verifikasi log audit gagal"),
        "{message}"
    );
    assert!(!body.contains("rina") && !body.contains("contoh"));

    // Without the secret in the environment the command refuses to run half-configured.
    let out = gembok(dir, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("GEMBOK_TEST_HOOK_SECRET"));
}

#[test]
fn api_key_changes_from_the_cli_are_in_the_audit_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "");
    let made = json(&ok(gembok(
        dir,
        &["--output", "json", "apikey", "create", "--role", "admin"],
    )));
    let id = made["id"].as_str().unwrap().to_owned();
    let key = made["key"].as_str().unwrap().to_owned();
    ok(gembok(dir, &["apikey", "revoke", &id]));
    let listed = ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "audit",
            "list",
            "--principal",
            &local_principal(dir),
        ],
    ));
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        !text.contains(&key),
        "the audit log must not hold the secret"
    );
    let actions: Vec<String> = json(&listed)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(actions.iter().any(|a| a == "apikey.create"), "{actions:?}");
    assert!(
        actions.iter().any(|a| a.starts_with("apikey.revoke")),
        "{actions:?}"
    );
    ok(gembok(dir, &["audit", "verify"]));
}

/// The principal the CLI records for this test process's user.
fn local_principal(dir: &Path) -> String {
    put(dir, "rina@contoh.co.id");
    let out = json(&ok(gembok(
        dir,
        &[
            "--output",
            "json",
            "audit",
            "list",
            "--action",
            "record.create",
            "--limit",
            "1",
        ],
    )));
    out["events"][0]["event"]["principal"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn serve_refuses_bad_monitor_settings_and_missing_notify_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    vault(dir, "\n[monitor]\nbulk_reed = 5\n");
    let out = gembok(
        dir,
        &["serve", "--insecure-http", "--listen", "127.0.0.1:0"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bulk_reed"), "{}", stderr(&out));

    let path = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "bulk_reed = 5",
        "dedup_minutes = 5\n[[notify.webhook]]\nurl = \"https://hooks.example.co.id/x\"\nsecret_env = \"GEMBOK_TEST_UNSET_SECRET\"",
    );
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--insecure-http", "--listen", "127.0.0.1:0"])
        .env_remove("GEMBOK_TEST_UNSET_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("GEMBOK_TEST_UNSET_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_sends_every_checkpoint_to_the_webhook_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let listener = webhook_vault(dir);
    let path = dir.join("gembok.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[audit]\ncheckpoint_every = 1\ncheckpoint_webhook = true\n"),
    )
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(serve_one(listener)));
    let mut server = Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--insecure-http", "--listen", "127.0.0.1:0"])
        .env("GEMBOK_TEST_HOOK_SECRET", "a-test-signing-secret")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    // A refused key is an audit event; with checkpoint_every = 1 it is checkpointed.
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    conn.write_all(b"GET /v1/schema HTTP/1.1\r\nhost: x\r\nauthorization: Bearer nope\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let body = rx.recv_timeout(std::time::Duration::from_secs(30));
    server.kill().unwrap();
    let _ = server.wait();
    let body = body.expect("the checkpoint reached the webhook within 30 s");
    let n: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(n["kind"], "audit.checkpoint");
    let line: Value = serde_json::from_str(n["message"].as_str().unwrap()).unwrap();
    assert!(line["seq"].as_u64().unwrap() >= 1);
    assert_eq!(line["hash"].as_str().unwrap().len(), 64);
    assert_eq!(line["signature"].as_str().unwrap().len(), 128);
}
