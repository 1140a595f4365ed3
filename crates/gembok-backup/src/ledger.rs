//! The erasure ledger outside the database: `erasure-ledger.jsonl` in the vault's data
//! directory, one line `{"subject": "...", "erased_at": ...}` per erased subject.
//!
//! The database keeps its own ledger, but a restore replaces the database with an older
//! copy whose ledger predates the erasures made since. This file survives that, so a
//! restore can erase those subjects again ([`gembok_core::Vault::reapply_ledger`]) with
//! the union of this file and the ledger of the database moved aside
//! ([`ledger_of_database`]). Lines hold a record id and a time, never personal data.
//!
//! Each append is one `write` of whole lines to a file opened for appending (mode 0600),
//! then fsync. A crash can leave a torn last line: reading ignores it, and the next
//! append cuts it off first so it never ends up between good lines.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gembok_core::lifecycle::{ErasureListener, LedgerEntry};
use gembok_core::Vault;
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;

use crate::BackupError;

/// The ledger file's name in a data directory.
pub const LEDGER_FILE: &str = "erasure-ledger.jsonl";

/// The ledger file of one data directory.
#[derive(Debug)]
pub struct FileLedger {
    path: PathBuf,
    /// Serialises this process's appends (the torn-tail repair reads then writes).
    lock: Mutex<()>,
    failures: AtomicU64,
}

impl FileLedger {
    /// The ledger of the data directory `dir` (the file need not exist yet).
    pub fn in_dir(dir: &Path) -> Self {
        FileLedger {
            path: dir.join(LEDGER_FILE),
            lock: Mutex::new(()),
            failures: AtomicU64::new(0),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends failed as a listener (the erasure itself stands; the database keeps it).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Append `entries`, one line each, and fsync.
    pub fn append(&self, entries: &[LedgerEntry]) -> Result<(), BackupError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut lines, e)
                .map_err(|_| BackupError::Invalid("cannot encode a ledger entry".into()))?;
            lines.push(b'\n');
        }
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let created = !self.path.exists();
        let mut file = open_append(&self.path)?;
        cut_torn_tail(&mut file, &self.path)?;
        file.write_all(&lines)
            .and_then(|()| file.sync_all())
            .map_err(BackupError::io(format!(
                "cannot write {}",
                self.path.display()
            )))?;
        if created {
            if let Some(dir) = self.path.parent() {
                File::open(dir)
                    .and_then(|d| d.sync_all())
                    .map_err(BackupError::io("cannot sync the data directory"))?;
            }
        }
        Ok(())
    }

    /// Every entry in the file (none when it is missing). A torn last line is left out;
    /// a bad line before the last means the file was damaged, and is an error.
    pub fn read(&self) -> Result<Vec<LedgerEntry>, BackupError> {
        let text = match fs::read(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(BackupError::io(format!(
                    "cannot read {}",
                    self.path.display()
                ))(e))
            }
        };
        let complete = text.ends_with(b"\n");
        let lines: Vec<&[u8]> = text
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect();
        let mut out = Vec::with_capacity(lines.len());
        for (n, line) in lines.iter().enumerate() {
            match serde_json::from_slice::<LedgerEntry>(line) {
                Ok(e) => out.push(e),
                Err(_) if n + 1 == lines.len() && !complete => {}
                Err(_) => {
                    return Err(BackupError::Damaged(format!(
                        "{} line {} is not a ledger entry",
                        self.path.display(),
                        n + 1
                    )))
                }
            }
        }
        Ok(out)
    }

    /// Append the entries of `entries` whose subject the file does not name yet;
    /// returns how many were added.
    pub fn add_missing(&self, entries: &[LedgerEntry]) -> Result<usize, BackupError> {
        let known: std::collections::BTreeSet<_> =
            self.read()?.into_iter().map(|e| e.subject).collect();
        let missing: Vec<LedgerEntry> = union(entries, &[])
            .into_iter()
            .filter(|e| !known.contains(&e.subject))
            .collect();
        self.append(&missing)?;
        Ok(missing.len())
    }
}

impl ErasureListener for FileLedger {
    fn erased(&self, entry: &LedgerEntry) {
        if let Err(e) = self.append(std::slice::from_ref(entry)) {
            self.failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(subject = %entry.subject, error = %e,
                "the erasure ledger file could not be written; the database ledger keeps it");
        }
    }
}

/// Every subject of `a` and `b` once, with its earliest erasure time, by subject id.
pub fn union(a: &[LedgerEntry], b: &[LedgerEntry]) -> Vec<LedgerEntry> {
    let mut by_subject = BTreeMap::new();
    for e in a.iter().chain(b) {
        by_subject
            .entry(e.subject)
            .and_modify(|t: &mut i64| *t = (*t).min(e.erased_at))
            .or_insert(e.erased_at);
    }
    by_subject
        .into_iter()
        .map(|(subject, erased_at)| LedgerEntry { subject, erased_at })
        .collect()
}

/// The ledger kept inside the SQLite database at `db` (with its `-wal` beside it, if
/// any), opened with the master key in `key_file`. The database is left untouched: a
/// copy in a private folder beside it is opened and removed again.
pub fn ledger_of_database(db: &Path, key_file: &Path) -> Result<Vec<LedgerEntry>, BackupError> {
    let master = MasterKey::load_file(key_file)?;
    let parent = db.parent().unwrap_or_else(|| Path::new("."));
    let work = tempfile::Builder::new()
        .prefix(".gembok-ledger-")
        .tempdir_in(parent)
        .map_err(BackupError::io("cannot make a work folder"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(work.path(), fs::Permissions::from_mode(0o700))
            .map_err(BackupError::io("cannot protect the work folder"))?;
    }
    let copy = work.path().join("gembok.db");
    fs::copy(db, &copy).map_err(BackupError::io(format!("cannot read {}", db.display())))?;
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    if wal.exists() {
        fs::copy(&wal, work.path().join("gembok.db-wal"))
            .map_err(BackupError::io(format!("cannot read {}", wal.display())))?;
    }
    let store = Arc::new(SqliteStore::open(&copy)?);
    let vault = Vault::open(store, master)?;
    Ok(vault.erasure_ledger()?)
}

fn open_append(path: &Path) -> Result<File, BackupError> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .map_err(BackupError::io(format!("cannot open {}", path.display())))
}

/// Cut a torn last line (no newline at the end) left by a crash.
fn cut_torn_tail(file: &mut File, path: &Path) -> Result<(), BackupError> {
    let io = || BackupError::io(format!("cannot repair {}", path.display()));
    let len = file.metadata().map_err(io())?.len();
    if len == 0 {
        return Ok(());
    }
    let mut last = [0u8];
    file.seek(SeekFrom::Start(len - 1)).map_err(io())?;
    file.read_exact(&mut last).map_err(io())?;
    if last[0] == b'\n' {
        return Ok(());
    }
    let mut text = Vec::new();
    file.seek(SeekFrom::Start(0)).map_err(io())?;
    file.read_to_end(&mut text).map_err(io())?;
    let keep = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    file.set_len(keep as u64).map_err(io())?;
    Ok(())
}

#[cfg(test)]
mod tests;
