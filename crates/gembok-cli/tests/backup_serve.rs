//! The backup job of `gembok serve`, end to end: with `[backup]` naming a good folder
//! and a destination that cannot be written, the server makes a backup in the first
//! just after start and sends the `backup_failed` alert for the second to the
//! `[notify]` webhook; `gembok backup status` and `prune` then see the backup.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;

use support::webhook::serve_one;
use support::{gembok, json, ok, vault};

#[test]
fn serve_backs_up_on_start_and_alerts_on_a_failing_destination() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let good = tmp.path().join("backups");
    // A regular file where a folder should be: every write there fails.
    let blocked = tmp.path().join("not-a-folder");
    std::fs::write(&blocked, b"x").unwrap();
    let identity = tmp.path().join("identity.txt");
    let keygen = ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "backup",
            "keygen",
            "--out",
            identity.to_str().unwrap(),
        ],
    ));
    let recipient = json(&keygen)["recipient"].as_str().unwrap().to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    vault(
        &dir,
        &format!(
            "\n[[notify.webhook]]\nurl = \"http://127.0.0.1:{port}/hook\"\n\
             secret_env = \"GEMBOK_TEST_HOOK_SECRET\"\nmax_attempts = 1\n\
             [backup]\nto = [{:?}, {:?}]\nrecipients = [{recipient:?}]\n",
            good.to_str().unwrap(),
            blocked.to_str().unwrap()
        ),
    );
    support::put(&dir, "rina@contoh.co.id");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(serve_one(listener)));
    let mut server = Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--insecure-http", "--listen", "127.0.0.1:0"])
        .env("GEMBOK_TEST_HOOK_SECRET", "a-test-signing-secret")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let body = rx.recv_timeout(Duration::from_secs(60));
    // The good destination is written before the failing one is tried.
    let deadline = Instant::now() + Duration::from_secs(30);
    let listed = loop {
        let out = gembok(&dir, &["--output", "json", "backup", "list"]);
        let n = json(&out)["backups"].as_array().map_or(0, Vec::len);
        if n > 0 || Instant::now() > deadline {
            break n;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    server.kill().unwrap();
    let _ = server.wait();
    let body = body.expect("the backup_failed alert reached the webhook within 60 s");
    let n: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(n["kind"], "alert.backup_failed", "{n}");
    assert!(
        n["message"].as_str().unwrap().contains("destination 2"),
        "{n}"
    );
    assert_eq!(listed, 1, "one backup in the good destination");
    let status = json(&ok(gembok(&dir, &["--output", "json", "backup", "status"])));
    assert_eq!(status["ok"], true);
    assert!(status["age_hours"].as_f64().unwrap() < 1.0);
    let pruned = json(&ok(gembok(
        &dir,
        &["--output", "json", "backup", "prune", "--dry-run"],
    )));
    assert_eq!(pruned["pruned"].as_array().unwrap().len(), 0);
    assert_eq!(pruned["kept"].as_array().unwrap().len(), 1);
}
