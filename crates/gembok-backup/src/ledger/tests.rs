//! The ledger file on disk: round trip, permissions, a torn tail from a crash, damage
//! in the middle, and the ledger read out of a database that is left as it was.

use std::sync::Arc;

use gembok_core::{Actor, Vault, DEFAULT_SCHEMA};
use gembok_types::RecordId;
use serde_json::json;

use super::*;

fn entry(n: u8, t: i64) -> LedgerEntry {
    let id: RecordId = format!("0190f5d2-7c4e-7a00-8000-0000000000{n:02x}")
        .parse()
        .unwrap();
    LedgerEntry {
        subject: id,
        erased_at: t,
    }
}

#[test]
fn entries_round_trip_as_private_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = FileLedger::in_dir(dir.path());
    assert!(ledger.read().unwrap().is_empty(), "a missing file is empty");
    ledger.append(&[entry(1, 10)]).unwrap();
    ledger.append(&[entry(2, 20), entry(3, 30)]).unwrap();
    assert_eq!(
        ledger.read().unwrap(),
        vec![entry(1, 10), entry(2, 20), entry(3, 30)]
    );
    let text = fs::read_to_string(dir.path().join(LEDGER_FILE)).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        first,
        json!({"subject": entry(1, 10).subject.to_string(), "erased_at": 10})
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(ledger.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_torn_last_line_is_ignored_and_cut_before_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = FileLedger::in_dir(dir.path());
    ledger.append(&[entry(1, 10)]).unwrap();
    let mut f = OpenOptions::new().append(true).open(ledger.path()).unwrap();
    f.write_all(br#"{"subject": "0190f5d2-7c4e-7a"#).unwrap();
    drop(f);
    assert_eq!(ledger.read().unwrap(), vec![entry(1, 10)]);
    ledger.append(&[entry(2, 20)]).unwrap();
    assert_eq!(ledger.read().unwrap(), vec![entry(1, 10), entry(2, 20)]);
    let text = fs::read_to_string(ledger.path()).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn a_bad_line_before_the_last_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = FileLedger::in_dir(dir.path());
    ledger.append(&[entry(1, 10)]).unwrap();
    let mut f = OpenOptions::new().append(true).open(ledger.path()).unwrap();
    f.write_all(b"garbage\n").unwrap();
    drop(f);
    ledger.append(&[entry(2, 20)]).unwrap();
    let err = ledger.read().unwrap_err();
    assert!(matches!(err, BackupError::Damaged(_)), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn union_keeps_each_subject_once_with_its_earliest_time() {
    let u = union(&[entry(2, 50), entry(1, 10)], &[entry(2, 20), entry(3, 30)]);
    assert_eq!(u, vec![entry(1, 10), entry(2, 20), entry(3, 30)]);
    let dir = tempfile::tempdir().unwrap();
    let ledger = FileLedger::in_dir(dir.path());
    ledger.append(&[entry(1, 10)]).unwrap();
    assert_eq!(ledger.add_missing(&u).unwrap(), 2);
    assert_eq!(ledger.add_missing(&u).unwrap(), 0);
    assert_eq!(ledger.read().unwrap().len(), 3);
}

#[test]
fn the_listener_and_the_database_ledger_agree_and_the_database_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    let db = dir.path().join("gembok.db");
    let master = MasterKey::create_file(&key).unwrap();
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let vault = Vault::initialize(store.clone(), master, DEFAULT_SCHEMA).unwrap();
    let ledger = Arc::new(FileLedger::in_dir(dir.path()));
    vault.add_erasure_listener(ledger.clone());
    let actor = Actor::local_operator();
    let id = vault
        .create(
            &actor,
            "customers",
            &json!({"name": "Dewi Lestari", "email": "dewi.lestari@contoh.co.id"}),
        )
        .unwrap();
    let report = vault.erase_subject(&actor, id).unwrap();
    assert_eq!(report.total(), 1);
    let in_file = ledger.read().unwrap();
    assert_eq!(in_file.len(), 1);
    assert_eq!(in_file[0].subject, id);
    assert_eq!(ledger.failures(), 0);
    let text = fs::read_to_string(ledger.path()).unwrap();
    assert!(!text.contains("dewi") && !text.contains("Dewi"), "{text}");
    drop(vault);
    store.checkpoint().unwrap();
    drop(store);

    let before = fs::read(&db).unwrap();
    let from_db = ledger_of_database(&db, &key).unwrap();
    assert_eq!(from_db, in_file);
    assert_eq!(fs::read(&db).unwrap(), before, "the database was modified");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".gembok-ledger-")
        })
        .collect();
    assert!(leftovers.is_empty(), "the work copy was left behind");

    let other = tempfile::tempdir().unwrap();
    let wrong = other.path().join("other.key");
    MasterKey::create_file(&wrong).unwrap();
    assert!(ledger_of_database(&db, &wrong).is_err());
}
