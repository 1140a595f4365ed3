//! Consistent snapshots of a vault's store, and the facts a manifest records about one.
//!
//! SQLite: the online backup API copies every page in one step, inside one read
//! transaction, so a server writing at the same time (WAL mode) is neither blocked nor
//! seen half-way. The copy is then opened as a store of its own, checked
//! (`check_integrity`), counted and closed, so the file that gets hashed and archived is
//! exactly the file a restore will open. No SQL is written here: only the backup API
//! and the `Store` trait are used.
//!
//! Any other store (PostgreSQL) is copied into a new SQLite file with
//! `gembok_store::copy`, which is then archived exactly like a SQLite snapshot, so every
//! backup restores as a SQLite data directory. The copy reads through
//! [`Store::snapshot`]: one read-only transaction that sees the vault as it stood when
//! it began, so a server that keeps writing (every audited read appends an event) is
//! neither blocked nor seen half-way. The copy is then checked against a second walk
//! of the same view (`verify_copy`: count and SHA-256 of every kind).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gembok_core::Schema;
use gembok_store::copy::{copy_store, verify_copy};
use gembok_store::Store;
use gembok_store_sqlite::SqliteStore;
use rusqlite::backup::StepResult;
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::BackupError;

/// What a snapshot holds, read through the store (no values, no keys).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotFacts {
    pub vault_id: String,
    /// Id of the master key the snapshot's wrapped keys open with (not secret).
    pub master_key_id: String,
    pub schema_version: u32,
    /// Records per collection of the schema in force.
    pub counts: BTreeMap<String, u64>,
    /// The audit chain's last position and hash (hex), if any event exists.
    pub audit_head: Option<AuditHead>,
}

/// The last audit event of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

/// Copy the SQLite database at `db` into a new file `out` while other connections may
/// be writing, then check and describe the copy.
pub fn take_sqlite(db: &Path, out: &Path) -> Result<SnapshotFacts, BackupError> {
    if !db.exists() {
        return Err(BackupError::NotFound(format!(
            "no database at {}",
            db.display()
        )));
    }
    {
        let sql = |e: rusqlite::Error| BackupError::Destination(format!("snapshot: {e}"));
        let src = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        src.busy_timeout(Duration::from_secs(30)).map_err(sql)?;
        create_private(out)?;
        let mut dst = Connection::open(out).map_err(sql)?;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst).map_err(sql)?;
        // -1: every page in one step, so the copy is one consistent read transaction.
        let mut waits = 0;
        loop {
            match backup.step(-1).map_err(sql)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ if waits < 600 => {
                    waits += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    return Err(BackupError::Destination(
                        "snapshot: the database stayed locked for 30 s".into(),
                    ))
                }
            }
        }
    }
    describe_sqlite(out)
}

/// Copy `store` (any backend), as it stands at one moment, into the new SQLite file
/// `out` through the `Store` trait, check the copy against a second walk of the same
/// moment, then check and describe it.
pub fn take_store(store: &dyn Store, out: &Path) -> Result<SnapshotFacts, BackupError> {
    remove_sqlite(out)?;
    create_private(out)?;
    let result = copy_snapshot(store, out);
    if result.is_err() {
        // Never leave a half-made copy of sealed data behind.
        let _ = remove_sqlite(out);
    }
    result
}

fn copy_snapshot(store: &dyn Store, out: &Path) -> Result<SnapshotFacts, BackupError> {
    let view = store.snapshot()?;
    let copy = SqliteStore::open(out)?;
    copy_store(view.as_ref(), &copy, &mut |_| {})?;
    verify_copy(view.as_ref(), &copy)?;
    drop(view);
    copy.checkpoint()?;
    drop(copy);
    describe_sqlite(out)
}

/// Remove a SQLite file and its log files, if present.
fn remove_sqlite(path: &Path) -> Result<(), BackupError> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(BackupError::io(format!("cannot remove {}", p.display()))(e))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Open the snapshot file `path` as a store, check its integrity and read its facts.
/// The store is closed (its log folded back into the file) before returning.
pub fn describe_sqlite(path: &Path) -> Result<SnapshotFacts, BackupError> {
    let store = SqliteStore::open(path)?;
    store.check_integrity()?;
    let facts = describe(&store)?;
    store.checkpoint()?;
    drop(store);
    Ok(facts)
}

/// The facts of any store, through the `Store` trait only.
pub fn describe(store: &dyn Store) -> Result<SnapshotFacts, BackupError> {
    let text = |name: &str| -> Result<String, BackupError> {
        let value = store
            .setting(name)?
            .ok_or_else(|| BackupError::Damaged(format!("the snapshot has no {name}")))?;
        String::from_utf8(value)
            .map_err(|_| BackupError::Damaged(format!("the snapshot's {name} is not text")))
    };
    let vault_id = text("vault_id")?;
    let master_key_id = text("master_key_id")?;
    let schemas = store.schemas()?;
    let latest = schemas
        .last()
        .ok_or_else(|| BackupError::Damaged("the snapshot holds no schema".into()))?;
    let schema = Schema::parse(&latest.document)?;
    let mut counts = BTreeMap::new();
    for c in schema.collections() {
        let name = c.name.as_str().to_owned();
        counts.insert(name.clone(), store.count(&name)?);
    }
    let audit_head = store.audit_head()?.map(|(seq, hash)| AuditHead {
        seq,
        hash: hex::encode(hash),
    });
    Ok(SnapshotFacts {
        vault_id,
        master_key_id,
        schema_version: latest.version,
        counts,
        audit_head,
    })
}

/// Create `path` readable by its owner only before SQLite opens it: the snapshot holds
/// sealed values and blind indexes, which are not for other users of the machine.
pub(crate) fn create_private(path: &Path) -> Result<std::fs::File, BackupError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).read(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .map_err(BackupError::io(format!("cannot create {}", path.display())))
}
