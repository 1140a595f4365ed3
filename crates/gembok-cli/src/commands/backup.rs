//! `gembok backup keygen|create|verify|list|status|prune|drill`: the arguments and
//! printing around `gembok-backup`, which does the work (`list`, `status` and `prune`
//! are in `backup/stored.rs`; `gembok restore` is in `restore.rs`).
//!
//! Destinations, recipients and retention come from the flags or from `[backup]` in
//! `gembok.toml` (see `backup_settings.rs`); without `--to` the first destination is
//! used. A PostgreSQL vault (`--database-url`) is copied through the store into a
//! SQLite snapshot, so its backups restore like any other.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use gembok_backup::dest::MANIFEST_SUFFIX;
use gembok_backup::{identity, BackupError, Destination, SignatureCheck, Source};
use gembok_core::{Actor, AuditEvent};
use gembok_crypto::MasterKey;
use serde_json::json;
use time::OffsetDateTime;

use crate::backup_settings::BackupSettings;
use crate::cli::OutputFormat;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

mod stored;
use stored::{list, prune, status};

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Write a new age identity for backups (keep it offline) and print its recipient.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Snapshot the vault (also while the server runs), compress, encrypt and store it.
    Create {
        /// A folder or s3://bucket/prefix (default: `[backup] to`).
        #[arg(long)]
        to: Option<String>,
        /// An age recipient (age1...); repeat for more (default: `[backup] recipients`).
        #[arg(long = "recipient")]
        recipients: Vec<String>,
    },
    /// Decrypt a backup and check hash, signature, integrity and record counts.
    Verify(VerifyArgs),
    /// List the backups in a destination, oldest first.
    List {
        #[arg(long)]
        to: Option<String>,
    },
    /// The newest backup and its age; exits 1 when there is none or it is stale.
    Status {
        #[arg(long)]
        to: Option<String>,
        /// Days after which the newest backup counts as stale (default: `[backup]
        /// stale_days`, 7).
        #[arg(long)]
        max_age_days: Option<u64>,
    },
    /// Delete the backups retention no longer keeps (`[backup] keep_daily`, 7;
    /// `keep_weekly`, 4; `keep_monthly`, 6).
    Prune {
        #[arg(long)]
        to: Option<String>,
        /// Only list what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Restore the newest backup into a temporary folder, verify it and time it.
    Drill {
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        identity: PathBuf,
        /// Master key file (default: the vault's).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The archive: a .gbk file or s3://bucket/prefix/NAME.gbk.
    pub backup: String,
    /// The age identity file made by `gembok backup keygen`.
    #[arg(long)]
    pub identity: PathBuf,
    /// Master key file to check the signature and audit chain against (default: the
    /// vault's, when the data directory holds one).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

fn destination(dir: &VaultDir, to: Option<String>) -> Result<Destination> {
    let to = match to {
        Some(t) => t,
        None => BackupSettings::load(&dir.root)?
            .to
            .into_iter()
            .next()
            .ok_or_else(|| {
                exit::fail(
                    exit::INVALID,
                    "no destination: give --to or set [backup] to",
                )
            })?,
    };
    Destination::parse(&to).map_err(coded)
}

/// The backup error as a coded failure: 5 when the backup is not trustworthy.
pub fn coded(e: BackupError) -> anyhow::Error {
    let code = match &e {
        e if e.is_integrity() => exit::INTEGRITY,
        BackupError::NotFound(_) => exit::NOT_FOUND,
        BackupError::Invalid(_) | BackupError::Recovery(_) => exit::INVALID,
        BackupError::Core(_) | BackupError::Crypto(_) | BackupError::Store(_) => {
            return anyhow::Error::new(e)
        }
        _ => exit::OTHER,
    };
    exit::fail(code, e.to_string())
}

pub fn run(
    dir: &VaultDir,
    out: OutputFormat,
    command: BackupCommand,
    postgres: bool,
) -> Result<()> {
    match command {
        BackupCommand::Keygen { out: file } => {
            let r = identity::keygen(&file).map_err(coded)?;
            emit(
                out,
                &json!({"identity": file.display().to_string(), "recipient": r.to_string()}),
                || {
                    format!(
                        "{r}\nidentity written to {} (mode 0600): keep it offline, away from the \
                     backups; give the recipient above to `gembok backup create --recipient`.",
                        file.display()
                    )
                },
            );
            Ok(())
        }
        BackupCommand::Create { to, recipients } => create(dir, out, to, recipients, postgres),
        BackupCommand::Verify(args) => verify(dir, out, args),
        BackupCommand::List { to } => list(dir, out, to),
        BackupCommand::Status { to, max_age_days } => status(dir, out, to, max_age_days),
        BackupCommand::Prune { to, dry_run } => prune(dir, out, to, dry_run),
        BackupCommand::Drill {
            to,
            identity: id,
            key_file,
        } => {
            let dest = destination(dir, to)?;
            let ids = identity::load_identities(&id).map_err(coded)?;
            let key = key_or_vault(dir, key_file)?.context("no key file: give --key-file")?;
            let d = gembok_backup::drill(&dest, &ids, &key).map_err(coded)?;
            let facts = &d.restored.verified.facts;
            emit(
                out,
                &json!({"backup": d.name, "download_ms": d.download.as_millis() as u64,
                        "restore_ms": d.restore.as_millis() as u64, "counts": facts.counts,
                        "audit_events": d.restored.verified.audit_events}),
                || {
                    format!(
                        "drill passed: {} restored and verified in {:.2} s (download {:.2} s); {}",
                        d.name,
                        d.restore.as_secs_f64(),
                        d.download.as_secs_f64(),
                        counts_text(facts)
                    )
                },
            );
            Ok(())
        }
    }
}

pub(crate) fn counts_text(facts: &gembok_backup::SnapshotFacts) -> String {
    facts
        .counts
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create(
    dir: &VaultDir,
    out: OutputFormat,
    to: Option<String>,
    recipients: Vec<String>,
    postgres: bool,
) -> Result<()> {
    let conf = BackupSettings::load(&dir.root)?;
    let recipients = if recipients.is_empty() {
        conf.recipients.clone()
    } else {
        recipients
    };
    let recipients = recipients
        .iter()
        .map(|r| identity::parse_recipient(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(coded)?;
    let dest = destination(dir, to)?;
    let vault = dir.open()?;
    let key = MasterKey::load_file(&dir.key_path()?)?;
    let now = OffsetDateTime::now_utc();
    let db = dir.db_path();
    let source = if postgres {
        Source::Store(vault.store().as_ref())
    } else {
        Source::Sqlite(&db)
    };
    let created =
        gembok_backup::create_from(source, &key, &recipients, &dest, now).map_err(coded)?;
    let event =
        AuditEvent::new(&Actor::local_operator(), "backup.create", now_ms(now)).code(&created.name);
    vault.audit().record(event)?;
    let m = &created.manifest.manifest;
    emit(
        out,
        &json!({"name": created.name, "destination": dest.describe(), "archive_bytes": created.archive_bytes,
                "snapshot_sha256": m.snapshot_sha256, "counts": m.facts.counts}),
        || {
            format!(
                "backup {} written to {} ({} bytes encrypted to {} recipient(s)); {}",
                created.name,
                dest.describe(),
                created.archive_bytes,
                m.recipients.len(),
                counts_text(&m.facts)
            )
        },
    );
    Ok(())
}

fn now_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The key file given, else the vault's when the data directory holds a vault.
pub(crate) fn key_or_vault(dir: &VaultDir, key_file: Option<PathBuf>) -> Result<Option<PathBuf>> {
    match key_file {
        Some(k) => Ok(Some(k)),
        None if dir.exists() => Ok(Some(dir.key_path()?)),
        None => Ok(None),
    }
}

/// A local copy of the archive named by `spec` and the manifest stored beside it.
/// The temporary folder keeps a download alive.
pub(crate) fn fetch(spec: &str) -> Result<(PathBuf, Option<Vec<u8>>, Option<tempfile::TempDir>)> {
    if let Some(rest) = spec.strip_prefix("s3://") {
        let (prefix, name) = rest
            .rsplit_once('/')
            .ok_or_else(|| exit::fail(exit::INVALID, "s3://bucket/prefix/NAME.gbk expected"))?;
        let dest = Destination::parse(&format!("s3://{prefix}")).map_err(coded)?;
        let work = tempfile::tempdir()?;
        let local = work.path().join(name);
        dest.get_file(name, &local).map_err(coded)?;
        let beside = dest.get_bytes(&format!("{name}{MANIFEST_SUFFIX}")).ok();
        return Ok((local, beside, Some(work)));
    }
    let path = PathBuf::from(spec);
    let beside = std::fs::read(format!("{spec}{MANIFEST_SUFFIX}")).ok();
    Ok((path, beside, None))
}

fn verify(dir: &VaultDir, out: OutputFormat, args: VerifyArgs) -> Result<()> {
    let ids = identity::load_identities(&args.identity).map_err(coded)?;
    let key = key_or_vault(dir, args.key_file)?;
    let (archive, beside, _work) = fetch(&args.backup)?;
    let v =
        gembok_backup::verify(&archive, beside.as_deref(), &ids, key.as_deref()).map_err(coded)?;
    let against = match v.signature {
        SignatureCheck::VaultKey => "the vault's audit key",
        SignatureCheck::EmbeddedKey => {
            "the key recorded in the manifest only (no vault key given: this proves the \
             manifest intact, not who made it)"
        }
    };
    let m = &v.manifest.manifest;
    emit(
        out,
        &json!({"name": m.name, "ok": true, "signature": match v.signature {
                    SignatureCheck::VaultKey => "vault_key", SignatureCheck::EmbeddedKey => "embedded_key" },
                "counts": v.facts.counts, "audit_events": v.audit_events,
                "manifest_beside": beside.is_some(), "created_at": m.created_at}),
        || {
            let mut s = format!(
                "backup {} ({}) is intact: decrypted, SHA-256 matches, integrity check passed; {}.\n\
                 signature checked against {against}",
                m.name,
                m.created_at,
                counts_text(&v.facts)
            );
            if let Some(n) = v.audit_events {
                s.push_str(&format!("\naudit chain verified ({n} events)"));
            }
            if beside.is_none() {
                s.push_str("\n(no manifest beside the archive: the one inside was used)");
            }
            s
        },
    );
    Ok(())
}
