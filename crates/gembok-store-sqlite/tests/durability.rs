//! An acknowledged write survives the death of the process that made it.
//!
//! The test runs twice: as the parent it starts this same test binary as a child
//! (selected by an environment variable), which inserts records and prints an `ACK`
//! line after each `apply` returns; the parent kills the child with SIGKILL mid-stream,
//! then reopens the file and expects every acknowledged record.

use gembok_store::{Mutation, RecordMeta, SealedField, SealedRecord, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const CHILD_DB: &str = "GEMBOK_SQLITE_DURABILITY_CHILD_DB";
const ACKS_BEFORE_KILL: u64 = 150;

fn id(n: u64) -> RecordId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    bytes[8..].copy_from_slice(&[0xab; 8]);
    RecordId::from_bytes(bytes)
}

fn record(n: u64) -> SealedRecord {
    SealedRecord {
        meta: RecordMeta {
            collection: "customers".into(),
            id: id(n),
            subject: id(n),
            created_at: n as i64,
            updated_at: n as i64,
            min_key_version: 1,
        },
        fields: vec![SealedField {
            name: "email".into(),
            key_version: 1,
            ciphertext: n.to_le_bytes().repeat(8),
        }],
    }
}

/// The child's side: write until killed, acknowledging each durable commit. Bounded,
/// so an orphaned child still ends on its own.
fn child(path: &Path) {
    let store = SqliteStore::open(path).expect("child open");
    let mut out = std::io::stdout().lock();
    for n in 0..20_000u64 {
        store
            .apply(&[Mutation::Insert(record(n))])
            .expect("child insert");
        writeln!(out, "ACK {n}").expect("stdout");
        out.flush().expect("stdout");
    }
    std::thread::sleep(std::time::Duration::from_secs(30));
}

#[test]
fn acknowledged_writes_survive_process_kill() {
    if let Some(path) = std::env::var_os(CHILD_DB) {
        child(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "acknowledged_writes_survive_process_kill",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let mut last_ack = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("ACK ") {
            let n: u64 = n.parse().unwrap();
            last_ack = Some(n);
            if n + 1 >= ACKS_BEFORE_KILL {
                break;
            }
        }
    }
    child.kill().expect("kill child");
    child.wait().expect("reap child");
    let last_ack = last_ack.expect("child acknowledged writes");
    assert!(
        last_ack + 1 >= ACKS_BEFORE_KILL,
        "child stopped early at {last_ack}"
    );

    let store = SqliteStore::open(&path).expect("reopen after kill");
    store.check_integrity().expect("intact after kill");
    let acked: Vec<RecordId> = (0..=last_ack).map(id).collect();
    let found = store.get("customers", &acked, None).unwrap();
    assert_eq!(
        found.len(),
        acked.len(),
        "every acknowledged write survived"
    );
    assert_eq!(found.last().unwrap(), &record(last_ack));
    assert!(store.count("customers").unwrap() > last_ack);
}
