//! `gembok restore`: verify a backup and restore it into a new data directory, then
//! re-apply the erasure ledger, so an older backup does not bring erased customers
//! back. With `--database-url` (a PostgreSQL vault) the restored SQLite snapshot is
//! copied into that empty database through the store and checked kind by kind, and
//! the data directory keeps only the settings, key path and TLS files.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use gembok_backup::{identity, ledger, FileLedger};
use gembok_core::Actor;
use gembok_store::copy::{copy_store, store_is_empty, verify_copy};
use gembok_store::Store;
use gembok_store_postgres::PostgresStore;
use gembok_store_sqlite::SqliteStore;
use serde_json::json;

use super::backup::{coded, counts_text, fetch, key_or_vault};
use crate::cli::OutputFormat;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

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

/// `gembok restore`.
pub fn run(dir: &VaultDir, out: OutputFormat, args: RestoreArgs) -> Result<()> {
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
    let url = dir.database_url().map(str::to_owned);
    if let Some(url) = &url {
        into_postgres(&r.db_path, url)?;
    }
    let target = VaultDir::new(&args.to).with_database_url(url);
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

/// Copy the restored, verified SQLite snapshot at `db` into the empty PostgreSQL
/// database at `url`, check the copy kind by kind, then remove the SQLite file: the
/// data directory of a PostgreSQL vault holds no database.
fn into_postgres(db: &std::path::Path, url: &str) -> Result<()> {
    let pg: Arc<dyn Store> = Arc::new(
        PostgresStore::connect(url)
            .context("cannot open the PostgreSQL database given by --database-url")?,
    );
    if !store_is_empty(pg.as_ref())? {
        return Err(exit::fail(
            exit::INVALID,
            "the PostgreSQL database is not empty; restore into an empty one \
             / basis data PostgreSQL tidak kosong; pulihkan ke basis data kosong",
        ));
    }
    {
        let snap = SqliteStore::open(db)?;
        copy_store(&snap, pg.as_ref(), &mut |_| {}).context("copying into PostgreSQL failed")?;
        verify_copy(&snap, pg.as_ref()).map_err(|e| {
            exit::fail(
                exit::INTEGRITY,
                format!("the PostgreSQL copy does not match the backup: {e}"),
            )
        })?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
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
