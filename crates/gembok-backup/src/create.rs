//! Making a backup, and listing the backups a destination holds.
//!
//! `create` snapshots the store, checks that the key file given belongs to the vault
//! (the manifest is signed with that key's audit key), hashes the snapshot, signs the
//! manifest, encrypts the archive in a private temporary folder and uploads the
//! archive before its manifest. The clock is a parameter so names and ages can be
//! tested.

use std::path::Path;

use age::x25519;
use gembok_crypto::{AuditSigner, MasterKey};
use gembok_store::Store;
use time::OffsetDateTime;

use crate::dest::{Destination, ARCHIVE_SUFFIX, MANIFEST_SUFFIX};
use crate::manifest::{Manifest, SignedManifest, FORMAT};
use crate::{archive, snapshot, BackupError};

/// A backup just made.
#[derive(Debug)]
pub struct Created {
    pub name: String,
    pub manifest: SignedManifest,
    /// Size of the encrypted archive.
    pub archive_bytes: u64,
}

/// What a backup is taken from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// The SQLite database file of a vault (the online backup API).
    Sqlite(&'a Path),
    /// Any store, copied through the `Store` trait into a SQLite snapshot (PostgreSQL).
    Store(&'a dyn Store),
}

impl Source<'_> {
    /// The backend name a manifest records.
    fn backend(&self) -> &'static str {
        match self {
            Source::Sqlite(_) => "sqlite",
            Source::Store(_) => "postgres",
        }
    }
}

/// Back up the SQLite vault at `db` to `dest`, encrypted to `recipients` and signed
/// with the audit key of `master`, as of `now`.
pub fn create(
    db: &Path,
    master: &MasterKey,
    recipients: &[x25519::Recipient],
    dest: &Destination,
    now: OffsetDateTime,
) -> Result<Created, BackupError> {
    create_from(Source::Sqlite(db), master, recipients, dest, now)
}

/// Back up `source` to `dest`, encrypted to `recipients` and signed with the audit key
/// of `master`, as of `now`. The snapshot is always a SQLite file.
pub fn create_from(
    source: Source<'_>,
    master: &MasterKey,
    recipients: &[x25519::Recipient],
    dest: &Destination,
    now: OffsetDateTime,
) -> Result<Created, BackupError> {
    if recipients.is_empty() {
        return Err(BackupError::Invalid(
            "no backup recipient: give --recipient age1... or set [backup] recipients".into(),
        ));
    }
    let work = tempfile::tempdir().map_err(BackupError::io("cannot make a work folder"))?;
    let snap = work.path().join("snapshot.db");
    let facts = match source {
        Source::Sqlite(db) => snapshot::take_sqlite(db, &snap)?,
        Source::Store(store) => snapshot::take_store(store, &snap)?,
    };
    if facts.master_key_id != master.key_id() {
        return Err(BackupError::Invalid(format!(
            "the key file (id {}) does not belong to this vault (id {})",
            master.key_id(),
            facts.master_key_id
        )));
    }
    let (sha, bytes) = archive::hash_file(&snap)?;
    let name = archive_name(now);
    let manifest = Manifest {
        format: FORMAT.into(),
        name: name.clone(),
        created_at_ms: (now.unix_timestamp_nanos() / 1_000_000) as i64,
        created_at: now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        gembok_version: env!("CARGO_PKG_VERSION").into(),
        backend: source.backend().into(),
        store_schema_version: gembok_store_sqlite::schema_version(),
        facts,
        snapshot_sha256: sha,
        snapshot_bytes: bytes,
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        signing_key: String::new(),
    };
    let signed = manifest.sign(&AuditSigner::from_master(master)?)?;
    let archive_path = work.path().join(&name);
    archive::write(&archive_path, &signed, &snap, recipients)?;
    let archive_bytes = std::fs::metadata(&archive_path)
        .map_err(BackupError::io("cannot stat the archive"))?
        .len();
    dest.put_file(&name, &archive_path)?;
    dest.put_bytes(&format!("{name}{MANIFEST_SUFFIX}"), &signed.to_json()?)?;
    Ok(Created {
        name,
        manifest: signed,
        archive_bytes,
    })
}

/// `gembok-20261201T235149123Z.gbk`: sorts by time.
pub fn archive_name(now: OffsetDateTime) -> String {
    let t = now.to_offset(time::UtcOffset::UTC);
    format!(
        "gembok-{:04}{:02}{:02}T{:02}{:02}{:02}{:03}Z{ARCHIVE_SUFFIX}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// A backup as listed: its name and its manifest as stored beside it (not verified:
/// listing needs no identity; `verify` checks it).
#[derive(Debug)]
pub struct BackupEntry {
    pub name: String,
    pub manifest: Option<SignedManifest>,
}

/// The backups in `dest`, oldest first.
pub fn list(dest: &Destination) -> Result<Vec<BackupEntry>, BackupError> {
    dest.list()?
        .into_iter()
        .map(|name| {
            let manifest = dest
                .get_bytes(&format!("{name}{MANIFEST_SUFFIX}"))
                .ok()
                .and_then(|b| SignedManifest::from_json(&b).ok());
            Ok(BackupEntry { name, manifest })
        })
        .collect()
}
