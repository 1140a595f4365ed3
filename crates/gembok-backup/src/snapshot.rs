//! Consistent snapshots of a vault's store, and the facts a manifest records about one.
//!
//! SQLite: the online backup API copies every page in one step, inside one read
//! transaction, so a server writing at the same time (WAL mode) is neither blocked nor
//! seen half-way. The copy is then opened as a store of its own, checked
//! (`check_integrity`), counted and closed, so the file that gets hashed and archived is
//! exactly the file a restore will open. No SQL is written here: only the backup API
//! and the `Store` trait are used.
//!
//! Any other store (PostgreSQL) is copied through the `Store` trait into a new SQLite
//! file with `gembok_store::copy`, which is then archived exactly like a SQLite
//! snapshot, so every backup restores as a SQLite data directory. The trait offers no
//! snapshot transaction, so the copy is taken kind by kind; consistency comes from
//! walking the source a second time (`verify_copy`: count and SHA-256 of every kind)
//! and accepting the copy only when both walks agree, which proves the copy equals the
//! source as it stood over the whole copy. A vault that changes during the copy (every
//! read adds an audit event) is copied again, up to [`COPY_ATTEMPTS`] times, then the
//! backup is refused rather than archived half-way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gembok_core::Schema;
use gembok_store::copy::{copy_store, verify_copy};
use gembok_store::{Store, StoreError};
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

/// Copies of a changing store tried before a backup is refused.
pub const COPY_ATTEMPTS: usize = 3;

/// Copy `store` (any backend) into the new SQLite file `out` through the `Store` trait,
/// check the copy against a second walk of the source, then check and describe it.
pub fn take_store(store: &dyn Store, out: &Path) -> Result<SnapshotFacts, BackupError> {
    for attempt in 1..=COPY_ATTEMPTS {
        remove_sqlite(out)?;
        create_private(out)?;
        let copy = SqliteStore::open(out)?;
        copy_store(store, &copy, &mut |_| {})?;
        match verify_copy(store, &copy) {
            Ok(_) => {
                copy.checkpoint()?;
                drop(copy);
                return describe_sqlite(out);
            }
            // Only the kind is named: the source changed while it was copied.
            Err(StoreError::Integrity(what)) => {
                tracing::info!(attempt, what, "the vault changed during the backup copy");
            }
            Err(e) => return Err(e.into()),
        }
    }
    remove_sqlite(out)?;
    Err(BackupError::Refused(format!(
        "the vault changed during each of {COPY_ATTEMPTS} copies; back it up at a quieter \
         time / brankas berubah selama penyalinan; cadangkan saat lebih sepi"
    )))
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
