//! A `gembok put` killed in the middle of batched writes: the database stays intact and
//! every id it acknowledged reads back.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;

use gembok_core::{Vault, View};
use gembok_crypto::MasterKey;
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;

#[test]
fn killed_writer_loses_no_acknowledged_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let bin = env!("CARGO_BIN_EXE_gembok");
    let init = Command::new(bin)
        .arg("--data-dir")
        .arg(&dir)
        .arg("init")
        .output()
        .unwrap();
    assert!(init.status.success());

    let input = tmp.path().join("rows.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    let mut g = gembok_testdata::Generator::new(77);
    for _ in 0..60_000 {
        writeln!(f, "{}", g.customer_json()).unwrap();
    }
    f.flush().unwrap();
    drop(f);

    let mut child = Command::new(bin)
        .arg("--data-dir")
        .arg(&dir)
        .args(["put", "customers", "--batch-size", "250", "--data"])
        .arg(format!("@{}", input.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    while acked.len() < 2_000 {
        let line = lines.next().expect("writer ended early").unwrap();
        acked.push(line.parse::<RecordId>().unwrap());
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, mid-batch
    for line in lines {
        match line {
            Ok(l) => acked.push(l.parse().unwrap()),
            Err(_) => break,
        }
    }
    child.wait().unwrap();
    assert!(
        acked.len() < 60_000,
        "the writer finished before it was killed"
    );

    let store = Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    store.check_integrity().unwrap();
    let vault = Vault::open(
        store.clone(),
        MasterKey::load_file(&dir.join("master.key")).unwrap(),
    )
    .unwrap();
    for chunk in acked.chunks(1000) {
        let got = vault
            .get_batch(
                &gembok_core::Actor::system(),
                "customers",
                chunk,
                Some(&["name"]),
                View::Plain,
            )
            .unwrap();
        assert_eq!(got.len(), chunk.len(), "an acknowledged record is missing");
    }
    let count = vault.count("customers").unwrap();
    assert!(count >= acked.len() as u64);
    assert_eq!(count % 250, 0, "only whole batches are stored");
}
