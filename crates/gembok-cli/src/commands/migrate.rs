//! `gembok migrate-store --from URL --to URL`: move a vault between SQLite and
//! PostgreSQL, then prove the move.
//!
//! The copy itself is `gembok_store::copy` (sealed values move byte for byte; nothing is
//! decrypted on the way). This command adds what needs the master key: the source must
//! open as a vault with it before anything is written, and afterwards the target must
//! open too, its audit chain must verify and a sample of every collection must
//! decrypt. Connection URLs are never printed, since they may hold a password.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use gembok_core::{Actor, CoreError, ErrorKind, Vault, View};
use gembok_crypto::MasterKey;
use gembok_store::copy::{copy_store, store_is_empty, verify_copy, CopyReport};
use gembok_store::Store;
use gembok_store_postgres::PostgresStore;
use gembok_store_sqlite::SqliteStore;
use serde_json::json;

use crate::cli::OutputFormat;
use crate::exit::{fail, INTEGRITY, INVALID, NOT_FOUND};
use crate::output::emit;
use crate::vaultdir::VaultDir;

/// Records per collection opened after the copy to prove they decrypt.
const SAMPLE: usize = 100;

/// Arguments of `gembok migrate-store`. Exit codes: 4 when the source is not a vault,
/// 3 when the target is not empty, 5 when the copy does not verify.
#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The vault to copy: `sqlite:///path/gembok.db`, a plain path, or
    /// `postgres://user@host/db` (prefer GEMBOK_MIGRATE_FROM to keep a password off the
    /// command line).
    #[arg(long, env = "GEMBOK_MIGRATE_FROM", hide_env_values = true)]
    pub from: String,
    /// The empty database to copy into, in the same forms.
    #[arg(long, env = "GEMBOK_MIGRATE_TO", hide_env_values = true)]
    pub to: String,
    /// The vault's master key file (default: the one `gembok.toml` names).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Location::Postgres(url.to_owned())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Location::Sqlite(PathBuf::from(path))
        }
    }

    /// What may be shown: the SQLite path, never a PostgreSQL URL.
    fn describe(&self) -> String {
        match self {
            Location::Sqlite(p) => format!("sqlite {}", p.display()),
            Location::Postgres(_) => "postgres".to_owned(),
        }
    }

    fn open(&self, role: &str) -> Result<Arc<dyn Store>> {
        match self {
            Location::Sqlite(path) => {
                let store = SqliteStore::open(path)
                    .with_context(|| format!("cannot open the {role} SQLite database"))?;
                Ok(Arc::new(store))
            }
            Location::Postgres(url) => {
                let store = PostgresStore::connect(url)
                    .with_context(|| format!("cannot open the {role} PostgreSQL database"))?;
                Ok(Arc::new(store))
            }
        }
    }
}

pub fn run(dir: &VaultDir, out: OutputFormat, args: MigrateArgs) -> Result<()> {
    let key_path = match &args.key_file {
        Some(p) => p.clone(),
        None => dir.key_path()?,
    };
    let load = || MasterKey::load_file(&key_path).context("master key file");
    let (from_at, to_at) = (Location::parse(&args.from), Location::parse(&args.to));
    if let Location::Sqlite(p) = &from_at {
        if !p.exists() {
            return Err(fail(
                NOT_FOUND,
                format!(
                    "no database at {} / tidak ada basis data di {}",
                    p.display(),
                    p.display()
                ),
            ));
        }
    }
    let from = from_at.open("source")?;
    match Vault::open(Arc::clone(&from), load()?) {
        Err(CoreError::NotInitialized) => {
            return Err(fail(
                NOT_FOUND,
                "the source is not a Gembok vault / sumber bukan brankas Gembok",
            ))
        }
        other => drop(other.context("cannot open the source vault")?),
    }
    let to = to_at.open("target")?;
    if !store_is_empty(to.as_ref())? {
        return Err(fail(
            INVALID,
            "the target database is not empty; migrate-store only copies into an empty one \
             / basis data tujuan tidak kosong; migrate-store hanya menyalin ke basis data kosong",
        ));
    }

    let human = out == OutputFormat::Human;
    let mut last = None;
    // One moment of the source: a server may keep serving it during the copy.
    let view = from
        .snapshot()
        .context("cannot take a snapshot of the source")?;
    copy_store(view.as_ref(), to.as_ref(), &mut |p| {
        if human && last != Some(p.kind) {
            eprintln!("copying {} ...", p.kind.name());
            last = Some(p.kind);
        }
    })
    .context("the copy failed")?;
    let report = verify_copy(view.as_ref(), to.as_ref())
        .context("the copy does not match its source / salinan tidak sama dengan sumbernya")?;
    drop(view);

    let vault = Vault::open(Arc::clone(&to), load()?).context("cannot open the copied vault")?;
    let chain = vault.audit().verify(&[])?;
    if let Some(p) = &chain.problem {
        return Err(fail(
            INTEGRITY,
            format!("the copied audit chain does not verify: {}", p.message),
        ));
    }
    let (opened, refused) = sample(&vault)?;

    let value = json!({
        "ok": true,
        "from": from_at.describe(),
        "to": to_at.describe(),
        "hashes_match": true,
        "kinds": report.kinds.iter().map(|k| json!({
            "kind": k.kind.name(), "count": k.count, "sha256": k.sha256_hex(),
        })).collect::<Vec<_>>(),
        "audit_chain": {"ok": true, "events": chain.events, "checkpoints": chain.checkpoints},
        "sampled_records": opened,
        "sample_refused": refused,
    });
    emit(out, &value, || {
        text(&report, &from_at, &to_at, chain.events, opened)
    });
    Ok(())
}

/// Open up to [`SAMPLE`] records of every collection. Subjects whose state refuses a
/// read (restriction) are counted, not failed: that refusal is the vault working.
fn sample(vault: &Vault) -> Result<(usize, usize)> {
    let actor = Actor::local_operator();
    let (mut opened, mut refused) = (0, 0);
    for c in vault.schema().collections() {
        let name = c.name.as_str();
        let ids: Vec<_> = vault
            .store()
            .list(name, None, SAMPLE)?
            .iter()
            .map(|m| m.id)
            .collect();
        let read = |ids: &[_]| vault.get_batch(&actor, name, ids, None, View::Plain);
        match read(&ids) {
            Ok(records) => opened += records.len(),
            Err(e) if e.kind() == ErrorKind::Refused => {
                for id in &ids {
                    match read(std::slice::from_ref(id)) {
                        Ok(records) => opened += records.len(),
                        Err(e) if e.kind() == ErrorKind::Refused => refused += 1,
                        Err(e) => return Err(e).context("a copied record does not open"),
                    }
                }
            }
            Err(e) => return Err(e).context("a copied record does not open"),
        }
    }
    Ok((opened, refused))
}

fn text(r: &CopyReport, from: &Location, to: &Location, events: u64, opened: usize) -> String {
    let mut out = format!(
        "vault copied from {} to {} and verified / brankas disalin dan diverifikasi\n",
        from.describe(),
        to.describe()
    );
    for k in &r.kinds {
        out.push_str(&format!(
            "  {:<18} {:>10}  sha256 {}  match\n",
            k.kind.name(),
            k.count,
            k.sha256_hex()
        ));
    }
    out.push_str(&format!(
        "audit chain ok ({events} events); {opened} sampled records decrypt"
    ));
    out
}
