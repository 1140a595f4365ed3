//! `gembok backup keygen|create|verify|list|status|drill` and `gembok restore`: the
//! arguments and printing around `gembok-backup`, which does the work. A restore ends by
//! re-applying the erasure ledger, so an older backup does not bring erased customers
//! back.
//!
//! Destinations and recipients come from the flags or from `[backup]` in
//! `gembok.toml` (`to = "..."`, `recipients = ["age1..."]`). That section is read here
//! rather than in `config.rs` so the rest of the file's settings stay independent of
//! it. Backups cover SQLite vaults; a PostgreSQL vault is refused with a pointer to
//! `pg_dump`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use gembok_backup::dest::MANIFEST_SUFFIX;
use gembok_backup::{
    identity, ledger, BackupError, Destination, FileLedger, SignatureCheck, SignedManifest,
};
use gembok_core::{Actor, AuditEvent};
use gembok_crypto::MasterKey;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::cli::OutputFormat;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

/// Age past which `backup status` reports the newest backup as stale by default.
const STALE_DAYS: u64 = 7;

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
        /// Days after which the newest backup counts as stale.
        #[arg(long, default_value_t = STALE_DAYS)]
        max_age_days: u64,
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

/// `gembok restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The archive: a .gbk file or s3://bucket/prefix/NAME.gbk.
    pub backup: String,
    /// The new data directory (must be missing or empty unless --force).
    #[arg(long)]
    pub to: PathBuf,
    /// The age identity file made by `gembok backup keygen`.
    #[arg(long)]
    pub identity: PathBuf,
    /// The original master key file (default: the vault's, or one rebuilt with
    /// `gembok keys import-recovery`).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Restore into a non-empty folder; an existing database is moved aside.
    #[arg(long)]
    pub force: bool,
}

/// `[backup]` in gembok.toml.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BackupSection {
    to: Option<String>,
    #[serde(default)]
    recipients: Vec<String>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    backup: Option<toml::Value>,
}

fn section(dir: &VaultDir) -> Result<BackupSection> {
    let Ok(text) = std::fs::read_to_string(dir.root.join("gembok.toml")) else {
        return Ok(BackupSection::default());
    };
    let doc: Doc =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("gembok.toml: {}", e.message()))?;
    match doc.backup {
        Some(v) => v.try_into().map_err(|e: toml::de::Error| {
            anyhow::anyhow!("gembok.toml: [backup]: {}", e.message())
        }),
        None => Ok(BackupSection::default()),
    }
}

fn destination(dir: &VaultDir, to: Option<String>) -> Result<Destination> {
    let to = match to {
        Some(t) => t,
        None => section(dir)?.to.ok_or_else(|| {
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
        BackupCommand::Create { to, recipients } => {
            if postgres {
                return Err(exit::fail(
                    exit::INVALID,
                    "backups cover SQLite vaults only for now; back up PostgreSQL with pg_dump",
                ));
            }
            create(dir, out, to, recipients)
        }
        BackupCommand::Verify(args) => verify(dir, out, args),
        BackupCommand::List { to } => list(dir, out, to),
        BackupCommand::Status { to, max_age_days } => status(dir, out, to, max_age_days),
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

fn counts_text(facts: &gembok_backup::SnapshotFacts) -> String {
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
) -> Result<()> {
    let conf = section(dir)?;
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
    let created =
        gembok_backup::create(&dir.db_path(), &key, &recipients, &dest, now).map_err(coded)?;
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
fn key_or_vault(dir: &VaultDir, key_file: Option<PathBuf>) -> Result<Option<PathBuf>> {
    match key_file {
        Some(k) => Ok(Some(k)),
        None if dir.exists() => Ok(Some(dir.key_path()?)),
        None => Ok(None),
    }
}

/// A local copy of the archive named by `spec` and the manifest stored beside it.
/// The temporary folder keeps a download alive.
fn fetch(spec: &str) -> Result<(PathBuf, Option<Vec<u8>>, Option<tempfile::TempDir>)> {
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

/// `gembok restore`.
pub fn restore(dir: &VaultDir, out: OutputFormat, args: RestoreArgs) -> Result<()> {
    let ids = identity::load_identities(&args.identity).map_err(coded)?;
    let key = key_or_vault(dir, args.key_file)?.ok_or_else(|| {
        exit::fail(
            exit::INVALID,
            "no master key: give --key-file (rebuild one with `gembok keys import-recovery`)",
        )
    })?;
    let key = std::fs::canonicalize(&key).with_context(|| format!("{}", key.display()))?;
    let (archive, beside, _work) = fetch(&args.backup)?;
    let r = gembok_backup::restore(
        &archive,
        beside.as_deref(),
        &ids,
        &key,
        &args.to,
        args.force,
    )
    .map_err(coded)?;
    let target = VaultDir::new(&args.to);
    target.set_key_path(&key)?;
    let vault = target.open()?;
    let schema = vault
        .store()
        .schemas()?
        .pop()
        .context("the restored vault holds no schema")?;
    std::fs::write(target.schema_path(), schema.document)?;
    if !target.tls_files().0.exists() {
        target.generate_tls()?;
    }
    let ledger = reapply_ledger(&vault, &args.to, r.moved_aside.as_deref(), &key)?;
    let m = &r.verified.manifest.manifest;
    emit(
        out,
        &json!({"name": m.name, "data_dir": args.to.display().to_string(), "counts": r.verified.facts.counts,
                "moved_aside": r.moved_aside.as_ref().map(|p| p.display().to_string()),
                "ledger_subjects": ledger.subjects, "reerased_records": ledger.records}),
        || {
            let mut s = format!(
                "restored {} ({}) into {}: {}; it opens with {}.",
                m.name,
                m.created_at,
                args.to.display(),
                counts_text(&r.verified.facts),
                key.display()
            );
            if let Some(p) = &r.moved_aside {
                s.push_str(&format!(
                    "\nthe database that was there is now {}",
                    p.display()
                ));
            }
            if ledger.subjects > 0 {
                s.push_str(&format!(
                    "\nerasure ledger re-applied ({} erased subject(s)): {} record(s) erased \
                     again / {} data dihapus kembali",
                    ledger.subjects, ledger.records, ledger.records
                ));
            }
            s
        },
    );
    Ok(())
}

/// What re-applying the erasure ledger after a restore did.
struct Reapplied {
    subjects: usize,
    records: u64,
}

/// Erase again, in the restored vault, every subject of the ledger file in `root` and of
/// the ledger of the database moved aside: a backup older than an erasure must not bring
/// the subject back. The file then names every subject of the union.
fn reapply_ledger(
    vault: &gembok_core::Vault,
    root: &std::path::Path,
    moved_aside: Option<&std::path::Path>,
    key: &std::path::Path,
) -> Result<Reapplied> {
    let file = FileLedger::in_dir(root);
    let mut entries = file.read().map_err(coded)?;
    if let Some(aside) = moved_aside {
        match ledger::ledger_of_database(aside, key) {
            Ok(old) => entries = ledger::union(&entries, &old),
            Err(e) => eprintln!(
                "gembok: warning: the erasure ledger of {} cannot be read ({e}); only {} is \
                 re-applied / buku penghapusan basis data lama tidak terbaca",
                aside.display(),
                file.path().display()
            ),
        }
    }
    let entries = ledger::union(&entries, &[]);
    let records = vault.reapply_ledger(&Actor::local_operator(), &entries)?;
    file.add_missing(&entries).map_err(coded)?;
    Ok(Reapplied {
        subjects: entries.len(),
        records,
    })
}

fn list(dir: &VaultDir, out: OutputFormat, to: Option<String>) -> Result<()> {
    let dest = destination(dir, to)?;
    let entries = gembok_backup::list(&dest).map_err(coded)?;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"name": e.name, "created_at": e.manifest.as_ref().map(|m| m.manifest.created_at.clone()),
                   "counts": e.manifest.as_ref().map(|m| m.manifest.facts.counts.clone())})
        })
        .collect();
    emit(
        out,
        &json!({"destination": dest.describe(), "backups": rows}),
        || {
            if entries.is_empty() {
                return format!("no backup in {}", dest.describe());
            }
            entries
                .iter()
                .map(|e| match &e.manifest {
                    Some(m) => format!(
                        "{}  {}  {}",
                        e.name,
                        m.manifest.created_at,
                        counts_text(&m.manifest.facts)
                    ),
                    None => format!("{}  (manifest unreadable)", e.name),
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
    );
    Ok(())
}

fn newest(entries: &[gembok_backup::BackupEntry]) -> Option<&SignedManifest> {
    entries.iter().rev().find_map(|e| e.manifest.as_ref())
}

fn status(dir: &VaultDir, out: OutputFormat, to: Option<String>, max_age_days: u64) -> Result<()> {
    let dest = destination(dir, to)?;
    let entries = gembok_backup::list(&dest).map_err(coded)?;
    let Some(m) = newest(&entries) else {
        emit(
            out,
            &json!({"destination": dest.describe(), "count": 0, "ok": false}),
            || format!("no backup in {}", dest.describe()),
        );
        return Err(exit::fail(exit::OTHER, "no backup found"));
    };
    let age_ms = now_ms(OffsetDateTime::now_utc())
        .saturating_sub(m.manifest.created_at_ms)
        .max(0);
    let age_hours = age_ms as f64 / 3_600_000.0;
    let ok = (age_ms as u64) <= max_age_days * 86_400_000;
    emit(
        out,
        &json!({"destination": dest.describe(), "count": entries.len(), "last_success": m.manifest.created_at,
                "last_name": m.manifest.name, "age_hours": (age_hours * 10.0).round() / 10.0, "ok": ok}),
        || {
            format!(
                "{} backup(s) in {}; last success {} ({}), {:.1} hours ago{}",
                entries.len(),
                dest.describe(),
                m.manifest.created_at,
                m.manifest.name,
                age_hours,
                if ok { "" } else { " — STALE" }
            )
        },
    );
    if ok {
        Ok(())
    } else {
        Err(exit::fail(
            exit::OTHER,
            format!("the newest backup is older than {max_age_days} days"),
        ))
    }
}
