//! Erasure through the real binary: `gembok subject erase` tells the ledger file and a
//! webhook receiver on loopback (subject id only), and a restore of a backup older than
//! the erasure erases the subject again, from the ledger of the database it replaced
//! or from the ledger file copied into an empty folder.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use support::{gembok, json, ok, stderr, vault};

const A_EMAIL: &str = "ayu.pratiwi@contoh.co.id";
const B_EMAIL: &str = "bayu.nugroho@contoh.co.id";
const LEDGER: &str = "erasure-ledger.jsonl";

fn put(dir: &Path, collection: &str, data: &str) -> String {
    let out = ok(gembok(
        dir,
        &["--output", "json", "put", collection, "--data", data],
    ));
    json(&out)["id"].as_str().unwrap().to_owned()
}

/// A vault with backups configured, customers A (with an order) and B; returns
/// (A, B, A's order, identity file).
fn setup(tmp: &Path, dir: &Path) -> (String, String, String, String) {
    let identity = tmp.join("identity.txt");
    let keygen = ok(gembok(
        dir,
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
    let backups = tmp.join("backups");
    vault(
        dir,
        &format!(
            "\n[backup]\nto = {:?}\nrecipients = [{recipient:?}]\n",
            backups.to_str().unwrap()
        ),
    );
    let a = put(
        dir,
        "customers",
        &format!(r#"{{"name": "Ayu Pratiwi", "email": "{A_EMAIL}"}}"#),
    );
    let b = put(
        dir,
        "customers",
        &format!(r#"{{"name": "Bayu Nugroho", "email": "{B_EMAIL}"}}"#),
    );
    let order = put(
        dir,
        "orders",
        &format!(r#"{{"customer": "{a}", "amount": {{"amount": 250000, "currency": "IDR"}}}}"#),
    );
    (a, b, order, identity.to_str().unwrap().to_owned())
}

fn backup(dir: &Path, tmp: &Path) -> String {
    let created = ok(gembok(dir, &["--output", "json", "backup", "create"]));
    let name = json(&created)["name"].as_str().unwrap().to_owned();
    tmp.join("backups").join(name).to_str().unwrap().to_owned()
}

fn find(dir: &Path, collection: &str, query: &str) -> Vec<Value> {
    let out = ok(gembok(
        dir,
        &["--output", "json", "find", collection, query],
    ));
    json(&out).as_array().unwrap().clone()
}

fn assert_a_gone_b_intact(dir: &Path, a: &str, b: &str, order: &str) {
    let get_a = gembok(dir, &["get", "customers", a]);
    assert_eq!(get_a.status.code(), Some(4), "{}", stderr(&get_a));
    assert_eq!(
        gembok(dir, &["get", "orders", order]).status.code(),
        Some(4)
    );
    assert!(find(dir, "customers", &format!("email={A_EMAIL}")).is_empty());
    assert!(find(dir, "orders", &format!("customer={a}")).is_empty());
    let got_b = json(&ok(gembok(
        dir,
        &["--output", "json", "get", "customers", b],
    )));
    assert_eq!(got_b["fields"]["email"], B_EMAIL, "{got_b}");
    assert_eq!(find(dir, "customers", &format!("email={B_EMAIL}")).len(), 1);
}

fn ledger_subjects(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(LEDGER))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["subject"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn an_older_backup_restored_in_place_does_not_bring_an_erased_customer_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let (a, b, order, identity) = setup(tmp.path(), &dir);
    let archive = backup(&dir, tmp.path());

    let erased = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "subject",
            "erase",
            &a,
            "--purpose",
            "dpo",
            "--yes",
        ],
    )));
    assert_eq!(erased["records"], json!({"customers": 1, "orders": 1}));
    assert_eq!(ledger_subjects(&dir), vec![a.clone()]);
    let ledger = std::fs::read_to_string(dir.join(LEDGER)).unwrap();
    assert!(!ledger.contains(A_EMAIL) && !ledger.contains("Ayu"));
    let mode = std::fs::metadata(dir.join(LEDGER))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_a_gone_b_intact(&dir, &a, &b, &order);

    // The ledger file is lost too: the database moved aside still knows.
    std::fs::remove_file(dir.join(LEDGER)).unwrap();
    let restored = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "restore",
            &archive,
            "--to",
            dir.to_str().unwrap(),
            "--identity",
            &identity,
            "--force",
        ],
    )));
    assert!(restored["moved_aside"].is_string(), "{restored}");
    assert_eq!(restored["ledger_subjects"], 1);
    assert_eq!(restored["reerased_records"], 2);
    assert_a_gone_b_intact(&dir, &a, &b, &order);
    assert_eq!(
        ledger_subjects(&dir),
        vec![a.clone()],
        "the file is rebuilt"
    );
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with(".gembok-"));
    assert!(!leftovers, "a work folder was left in the data directory");

    // Restoring once more finds nothing left to erase.
    let again = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "restore",
            &archive,
            "--to",
            dir.to_str().unwrap(),
            "--identity",
            &identity,
            "--force",
        ],
    )));
    assert_eq!(
        again["reerased_records"], 2,
        "the backup still holds A: erased again"
    );
    assert_a_gone_b_intact(&dir, &a, &b, &order);
}

#[test]
fn a_ledger_file_copied_into_an_empty_folder_is_reapplied_on_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let (a, b, order, identity) = setup(tmp.path(), &dir);
    let archive = backup(&dir, tmp.path());
    ok(gembok(
        &dir,
        &["subject", "erase", &a, "--purpose", "dpo", "--yes"],
    ));

    let fresh = tmp.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    std::fs::copy(dir.join(LEDGER), fresh.join(LEDGER)).unwrap();
    let restored = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "restore",
            &archive,
            "--to",
            fresh.to_str().unwrap(),
            "--identity",
            &identity,
        ],
    )));
    assert_eq!(restored["moved_aside"], Value::Null);
    assert_eq!(restored["reerased_records"], 2);
    assert_a_gone_b_intact(&fresh, &a, &b, &order);

    // Without the file, a fresh restore brings A back: the file is what carries it.
    let bare = tmp.path().join("bare");
    let plain = json(&ok(gembok(
        &dir,
        &[
            "--output",
            "json",
            "restore",
            &archive,
            "--to",
            bare.to_str().unwrap(),
            "--identity",
            &identity,
        ],
    )));
    assert_eq!(plain["reerased_records"], 0);
    ok(gembok(&bare, &["get", "customers", &a]));
}

/// A plain HTTP receiver on loopback answering 200; sends each body on.
fn receiver() -> (u16, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("content-length:") {
                    length = line.split_once(':').unwrap().1.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            // Passed on before answering, so it is in the channel once the sender
            // has its answer.
            let _ = tx.send(body);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (port, rx)
}

fn gembok_env(dir: &Path, args: &[&str], env: (&str, &str)) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gembok"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env(env.0, env.1)
        .output()
        .expect("run gembok")
}

#[test]
fn subject_erase_tells_the_erasure_webhook_before_it_exits() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (port, rx) = receiver();
    vault(
        dir,
        &format!(
            "\n[[erasure.webhook]]\nurl = \"http://127.0.0.1:{port}/erased\"\n\
             secret_env = \"GEMBOK_TEST_ERASURE_SECRET\"\nmax_attempts = 1\n"
        ),
    );
    let a = put(
        dir,
        "customers",
        &format!(r#"{{"name": "Ayu Pratiwi", "email": "{A_EMAIL}"}}"#),
    );

    // Without the secret the command stops before erasing anything.
    let no_secret = gembok(dir, &["subject", "erase", &a, "--purpose", "dpo", "--yes"]);
    assert_ne!(no_secret.status.code(), Some(0));
    assert!(
        stderr(&no_secret).contains("GEMBOK_TEST_ERASURE_SECRET"),
        "{}",
        stderr(&no_secret)
    );
    ok(gembok(dir, &["get", "customers", &a]));

    let out = gembok_env(
        dir,
        &["subject", "erase", &a, "--purpose", "dpo", "--yes"],
        ("GEMBOK_TEST_ERASURE_SECRET", "erasure-secret"),
    );
    ok(out);
    // The process has exited: the delivery happened before.
    let body = rx.try_recv().expect("delivered before the command exited");
    let text = String::from_utf8(body).unwrap();
    let n: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(n["kind"], "subject.erased");
    let message: Value = serde_json::from_str(n["message"].as_str().unwrap()).unwrap();
    assert_eq!(message["subject"], a.as_str());
    assert!(message["erased_at"].as_i64().unwrap() > 0);
    assert!(!text.contains(A_EMAIL) && !text.contains("Ayu"), "{text}");
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "sent once"
    );
}
