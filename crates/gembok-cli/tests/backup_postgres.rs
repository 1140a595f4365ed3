//! Backups of a vault on PostgreSQL through the real binary: the vault is copied
//! through the store into a SQLite snapshot, archived and restored, and every record
//! is equal after restoring into a SQLite data directory and into a second, empty
//! PostgreSQL database. Each test makes fresh databases; under `CI=true` a missing
//! server fails the test, elsewhere the test says it skipped.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use gembok_store::copy::{summarise, Kind};
use gembok_store::Store;
use support::pg::FreshDb;
use support::{json, ok};

/// `gembok` on `dir`, with the vault in PostgreSQL at `pg` when given.
fn run(dir: &Path, pg: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gembok"));
    c.arg("--data-dir").arg(dir).args(args);
    match pg {
        Some(u) => c.env("GEMBOK_DATABASE_URL", u),
        None => c.env_remove("GEMBOK_DATABASE_URL"),
    };
    c.output().expect("run gembok")
}

/// `gembok restore ARCHIVE --to TO` with the vault's identity and key file, into
/// PostgreSQL at `pg` when given.
fn restore(s: &Setup, pg: Option<&str>, archive: &Path, to: &Path) -> Output {
    let key = s.dir.join("master.key");
    let args = [
        "restore",
        archive.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
        "--identity",
        s.identity.to_str().unwrap(),
        "--key-file",
        key.to_str().unwrap(),
    ];
    run(&s.dir, pg, &args)
}

/// Every customer, in clear, by id.
fn customers(dir: &Path, pg: Option<&str>, ids: &[String]) -> Vec<serde_json::Value> {
    ids.iter()
        .map(|id| {
            let got = ok(run(dir, pg, &["--output", "json", "get", "customers", id]));
            json(&got)["fields"].clone()
        })
        .collect()
}

/// Count and content hash of the stored records, blind index, keys and schemas.
fn stored(store: &dyn Store) -> Vec<(u64, String)> {
    [Kind::Keys, Kind::Schemas, Kind::Records, Kind::IndexEntries]
        .into_iter()
        .map(|k| {
            let s = summarise(store, k).unwrap();
            (s.count, s.sha256_hex())
        })
        .collect()
}

fn pg_store(db: &FreshDb) -> Arc<dyn Store> {
    Arc::new(gembok_store_postgres::PostgresStore::connect(&db.url()).unwrap())
}

/// A vault initialised on PostgreSQL and a backup identity, under one folder.
struct Setup {
    dir: std::path::PathBuf,
    backups: std::path::PathBuf,
    identity: std::path::PathBuf,
    recipient: String,
}

fn setup(tmp: &Path, pg: &str) -> Setup {
    let dir = tmp.join("vault");
    let identity = tmp.join("identity.txt");
    ok(run(&dir, Some(pg), &["init"]));
    let out = identity.to_str().unwrap();
    let keygen = ok(run(
        &dir,
        None,
        &["--output", "json", "backup", "keygen", "--out", out],
    ));
    let recipient = json(&keygen)["recipient"].as_str().unwrap().to_owned();
    Setup {
        dir,
        backups: tmp.join("backups"),
        identity,
        recipient,
    }
}

#[test]
fn a_postgresql_vault_backs_up_and_restores_every_record() {
    let Some(source_db) = FreshDb::create("bk_src") else {
        return;
    };
    let Some(target_db) = FreshDb::create("bk_dst") else {
        return;
    };
    let (src, dst) = (source_db.url(), target_db.url());
    let tmp = tempfile::tempdir().unwrap();
    let setup = setup(tmp.path(), &src);
    let (dir, backups, recipient) = (
        setup.dir.clone(),
        setup.backups.clone(),
        setup.recipient.clone(),
    );
    let people = [
        ("Wayan Sudirta", "wayan@contoh.co.id", "081234567801"),
        ("Siti Rahayu", "siti.rahayu@contoh.co.id", "081234567802"),
        ("Budi Santoso", "budi.santoso@contoh.co.id", "081234567803"),
    ];
    let ids: Vec<String> = people
        .iter()
        .map(|(name, email, phone)| {
            let data = format!(r#"{{"name": "{name}", "email": "{email}", "phone": "{phone}"}}"#);
            let put = ok(run(
                &dir,
                Some(&src),
                &["--output", "json", "put", "customers", "--data", &data],
            ));
            json(&put)["id"].as_str().unwrap().to_owned()
        })
        .collect();
    let before = customers(&dir, Some(&src), &ids);

    let created = ok(run(
        &dir,
        Some(&src),
        &[
            "--output",
            "json",
            "backup",
            "create",
            "--to",
            backups.to_str().unwrap(),
            "--recipient",
            &recipient,
        ],
    ));
    assert_eq!(json(&created)["counts"]["customers"], 3);
    let name = json(&created)["name"].as_str().unwrap().to_owned();
    let archive = backups.join(&name);
    let bytes = std::fs::read(&archive).unwrap();
    for (n, e, _) in people {
        for v in [n, e] {
            assert!(
                !bytes.windows(v.len()).any(|w| w == v.as_bytes()),
                "{v} in clear"
            );
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(backups.join(format!("{name}.manifest.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["manifest"]["backend"], "postgres");

    // Into a SQLite data directory.
    let restored = tmp.path().join("restored");
    ok(restore(&setup, None, &archive, &restored));
    assert_eq!(customers(&restored, None, &ids), before);
    let sqlite = gembok_store_sqlite::SqliteStore::open(&restored.join("gembok.db")).unwrap();
    assert_eq!(stored(&sqlite), stored(pg_store(&source_db).as_ref()));
    let found = ok(run(
        &restored,
        None,
        &[
            "--output",
            "json",
            "find",
            "customers",
            "email=siti.rahayu@contoh.co.id",
        ],
    ));
    assert!(String::from_utf8_lossy(&found.stdout).contains(&ids[1]));

    // Into an empty PostgreSQL database.
    let restored_pg = tmp.path().join("restored-pg");
    ok(restore(&setup, Some(&dst), &archive, &restored_pg));
    assert!(
        !restored_pg.join("gembok.db").exists(),
        "the data lives in PostgreSQL"
    );
    assert_eq!(customers(&restored_pg, Some(&dst), &ids), before);
    assert_eq!(
        stored(pg_store(&target_db).as_ref()),
        stored(pg_store(&source_db).as_ref())
    );
    ok(run(&restored_pg, Some(&dst), &["audit", "verify"]));
    // A second restore into the now full database is refused.
    let again = restore(&setup, Some(&dst), &archive, &tmp.path().join("again"));
    assert_eq!(again.status.code(), Some(3), "{}", support::stderr(&again));
}

/// `n` spelt with the letters a-j for its digits: names hold no digits.
fn word(n: u64) -> String {
    n.to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect()
}

/// `backup create` on `dir` into `backups`; the parsed JSON answer.
fn backup_create(dir: &Path, pg: &str, backups: &Path, recipient: &str) -> serde_json::Value {
    let created = ok(run(
        dir,
        Some(pg),
        &[
            "--output",
            "json",
            "backup",
            "create",
            "--to",
            backups.to_str().unwrap(),
            "--recipient",
            recipient,
        ],
    ));
    json(&created)
}

/// While two writers keep adding customers (every write also appends audit events), a
/// backup copies the vault as it stood at one moment: it is taken at the first try,
/// and the restored vault's audit chain verifies and holds exactly the counted records.
#[test]
fn a_busy_postgresql_vault_backs_up_as_one_moment() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let Some(db) = FreshDb::create("bk_busy") else {
        return;
    };
    let src = db.url();
    let tmp = tempfile::tempdir().unwrap();
    let setup = setup(tmp.path(), &src);
    let (dir, backups, identity, recipient) = (
        setup.dir.clone(),
        setup.backups.clone(),
        setup.identity.clone(),
        setup.recipient.clone(),
    );
    // Enough customers that a copy takes a while.
    const BASE: u64 = 3_000;
    let csv = tmp.path().join("customers.csv");
    let mut rows = String::from("name,email,phone\n");
    for i in 0..BASE {
        rows.push_str(&format!(
            "Pelanggan {},p{i}@contoh.co.id,0812{i:08}\n",
            word(i)
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    let args = [
        "import",
        csv.to_str().unwrap(),
        "--collection",
        "customers",
        "--yes",
    ];
    ok(run(&dir, Some(&src), &args));

    let stop = AtomicBool::new(false);
    let written = AtomicU64::new(0);
    let (created, overlapped) = std::thread::scope(|scope| {
        for w in 0..2u64 {
            let (dir, src, stop, written) = (&dir, &src, &stop, &written);
            scope.spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let data = format!(
                        r#"{{"name": "Penulis {} {}", "phone": "0813{w}{n:07}"}}"#,
                        word(w),
                        word(n)
                    );
                    ok(run(dir, Some(src), &["put", "customers", "--data", &data]));
                    written.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            });
        }
        while written.load(Ordering::Relaxed) < 2 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // A backup that happened to see no write is taken again (at most 5 times).
        let mut last = None;
        for _ in 0..5 {
            let before = written.load(Ordering::Relaxed);
            let created = backup_create(&dir, &src, &backups, &recipient);
            let overlapped = written.load(Ordering::Relaxed) > before;
            last = Some((created, overlapped));
            if overlapped {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
        last.unwrap()
    });
    assert!(overlapped, "no write landed during any of five backups");
    let counted = created["counts"]["customers"].as_u64().unwrap();
    let total = BASE + written.load(Ordering::Relaxed);
    assert!(
        (BASE..=total).contains(&counted),
        "{counted} outside {BASE}..={total}"
    );

    let name = created["name"].as_str().unwrap();
    let archive = backups.join(name);
    let identity = identity.to_str().unwrap();
    ok(run(
        &dir,
        None,
        &[
            "backup",
            "verify",
            archive.to_str().unwrap(),
            "--identity",
            identity,
        ],
    ));
    let restored = tmp.path().join("restored");
    ok(restore(&setup, None, &archive, &restored));
    ok(run(&restored, None, &["audit", "verify"]));
    let sqlite = gembok_store_sqlite::SqliteStore::open(&restored.join("gembok.db")).unwrap();
    assert_eq!(sqlite.count("customers").unwrap(), counted);
    drop(sqlite);
}
