//! Verifying a backup, restoring it into a new data directory, and the restore drill.
//!
//! Every layer is checked before the snapshot is trusted: age decryption (identity,
//! chunk authentication, truncation), the snapshot's SHA-256 against the manifest, the
//! manifest's signature, the manifest beside the archive against the one inside, the
//! store's integrity check and record counts against the manifest, and, when the
//! master key is given, that the vault opens and its audit chain verifies. A restore
//! does all of that in a private folder inside the target and moves the database into
//! place only at the end, so a refused backup leaves nothing behind.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use age::Identity;
use gembok_core::Vault;
use gembok_crypto::{AuditSigner, MasterKey};
use gembok_store_sqlite::SqliteStore;

use crate::dest::{Destination, MANIFEST_SUFFIX};
use crate::manifest::{SignatureCheck, SignedManifest};
use crate::snapshot::{self, SnapshotFacts};
use crate::{archive, BackupError};

/// File name of the database in a data directory.
const DB_FILE: &str = "gembok.db";

/// What verification found.
#[derive(Debug)]
pub struct Verified {
    pub manifest: SignedManifest,
    pub signature: SignatureCheck,
    /// Facts recounted from the snapshot itself.
    pub facts: SnapshotFacts,
    /// Audit events checked when the master key was given.
    pub audit_events: Option<u64>,
}

/// Check the archive at `archive` (with its manifest as stored beside it, if any).
/// With the master `key_file`, the signature is checked against its audit key and the
/// vault is opened; without, only against the key the manifest records.
pub fn verify(
    archive: &Path,
    beside: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    key_file: Option<&Path>,
) -> Result<Verified, BackupError> {
    let work = tempfile::tempdir().map_err(BackupError::io("cannot make a work folder"))?;
    let snap = work.path().join(DB_FILE);
    open_checked(archive, beside, identities, key_file, &snap)
}

fn open_checked(
    archive_path: &Path,
    beside: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    key_file: Option<&Path>,
    snap: &Path,
) -> Result<Verified, BackupError> {
    let master = key_file.map(MasterKey::load_file).transpose()?;
    let master = master.as_ref();
    let opened = archive::read(archive_path, identities, snap)?;
    let signed = opened.manifest;
    if let Some(m) = master {
        if signed.manifest.facts.master_key_id != m.key_id() {
            return Err(BackupError::Invalid(format!(
                "this backup opens with master key id {}; the key file given has id {}",
                signed.manifest.facts.master_key_id,
                m.key_id()
            )));
        }
    }
    let vault_key = master
        .map(AuditSigner::from_master)
        .transpose()?
        .map(|s| s.public_key());
    let signature = signed.verify(vault_key.as_ref())?;
    if let Some(bytes) = beside {
        let outside = SignedManifest::from_json(bytes)?;
        outside.verify(vault_key.as_ref())?;
        if outside != signed {
            return Err(BackupError::Manifest(
                "the manifest beside the archive differs from the one inside".into(),
            ));
        }
    }
    let facts = snapshot::describe_sqlite(snap)?;
    if facts != signed.manifest.facts {
        return Err(BackupError::Manifest(
            "the snapshot's record counts or audit head differ from the manifest".into(),
        ));
    }
    let audit_events = match key_file {
        Some(k) => Some(check_vault(snap, k)?),
        None => None,
    };
    Ok(Verified {
        manifest: signed,
        signature,
        facts,
        audit_events,
    })
}

/// Open the snapshot as a vault with the key in `key_file` and verify its audit chain.
fn check_vault(snap: &Path, key_file: &Path) -> Result<u64, BackupError> {
    let master = MasterKey::load_file(key_file)?;
    let store = Arc::new(SqliteStore::open(snap)?);
    let vault = Vault::open(store.clone(), master)?;
    let report = vault.audit().verify(&[])?;
    if let Some(p) = report.problem {
        return Err(BackupError::Damaged(format!(
            "the audit chain does not verify{}: {}",
            p.seq
                .map(|s| format!(" at position {s}"))
                .unwrap_or_default(),
            p.message
        )));
    }
    drop(vault);
    store.checkpoint()?;
    Ok(report.events)
}

/// A restored data directory.
#[derive(Debug)]
pub struct Restored {
    pub verified: Verified,
    /// The database file now in the target directory.
    pub db_path: PathBuf,
    /// Where a database that was in the way was moved (with `force`).
    pub moved_aside: Option<PathBuf>,
}

/// Verify the archive and restore it into the data directory `target`, which must be
/// missing or empty (but for an erasure ledger file) unless `force`. The vault must open
/// with the key in `key_file`.
pub fn restore(
    archive_path: &Path,
    beside: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    key_file: &Path,
    target: &Path,
    force: bool,
) -> Result<Restored, BackupError> {
    // The erasure ledger file alone does not make a folder occupied: it is copied into
    // an empty folder precisely so the restore re-applies it.
    let occupied = match fs::read_dir(target) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .any(|e| e.file_name() != crate::ledger::LEDGER_FILE),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(BackupError::io(format!("cannot read {}", target.display()))(e)),
    };
    if occupied && !force {
        return Err(BackupError::Refused(format!(
            "{} is not empty; restore into a new folder, or pass --force to put the \
             backup in place (an existing database is moved aside, not deleted)",
            target.display()
        )));
    }
    create_private_dir(target)?;
    let work = tempfile::Builder::new()
        .prefix(".gembok-restore-")
        .tempdir_in(target)
        .map_err(BackupError::io("cannot make a work folder in the target"))?;
    let snap = work.path().join(DB_FILE);
    let verified = open_checked(archive_path, beside, identities, Some(key_file), &snap)?;
    let db_path = target.join(DB_FILE);
    let mut moved_aside = None;
    if db_path.exists() {
        let aside = target.join(format!("{DB_FILE}.before-restore-{}", std::process::id()));
        fs::rename(&db_path, &aside).map_err(BackupError::io(format!(
            "cannot move {} aside",
            db_path.display()
        )))?;
        for suffix in ["-wal", "-shm"] {
            let side = target.join(format!("{DB_FILE}{suffix}"));
            if side.exists() {
                let to = target.join(format!("{}{suffix}", aside.display()));
                fs::rename(&side, to).map_err(BackupError::io("cannot move the old log aside"))?;
            }
        }
        moved_aside = Some(aside);
    }
    fs::rename(&snap, &db_path).map_err(BackupError::io(format!(
        "cannot put {} in place",
        db_path.display()
    )))?;
    fs::File::open(target)
        .and_then(|d| d.sync_all())
        .map_err(BackupError::io("cannot sync the target folder"))?;
    Ok(Restored {
        verified,
        db_path,
        moved_aside,
    })
}

/// What a drill found.
#[derive(Debug)]
pub struct Drilled {
    pub name: String,
    /// Fetching the archive from the destination.
    pub download: Duration,
    /// Verifying and restoring it.
    pub restore: Duration,
    pub restored: Restored,
}

/// Restore the newest backup of `dest` into a temporary folder, verify it, and time it.
pub fn drill(
    dest: &Destination,
    identities: &[Box<dyn Identity>],
    key_file: &Path,
) -> Result<Drilled, BackupError> {
    let name = dest
        .list()?
        .pop()
        .ok_or_else(|| BackupError::NotFound(format!("no backup in {}", dest.describe())))?;
    let work = tempfile::tempdir().map_err(BackupError::io("cannot make a work folder"))?;
    let started = Instant::now();
    let local = work.path().join(&name);
    dest.get_file(&name, &local)?;
    let beside = dest.get_bytes(&format!("{name}{MANIFEST_SUFFIX}"))?;
    let download = started.elapsed();
    let started = Instant::now();
    let restored = restore(
        &local,
        Some(&beside),
        identities,
        key_file,
        &work.path().join("vault"),
        false,
    )?;
    Ok(Drilled {
        name,
        download,
        restore: started.elapsed(),
        restored,
    })
}

fn create_private_dir(dir: &Path) -> Result<(), BackupError> {
    fs::create_dir_all(dir).map_err(BackupError::io(format!("cannot create {}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(BackupError::io(format!("cannot protect {}", dir.display())))?;
    }
    Ok(())
}
