//! `gembok-bench-backup`: back up and restore a vault of generated customers (default
//! 1,000,000) with `gembok-backup`, against copying the same plaintext database with
//! SQLite's `VACUUM INTO`, in the same run; report seconds and MB/s of each.
//!
//! The vault is filled with `Vault::create_batch` (the bulk path `gembok import` uses),
//! closed and checkpointed, so every side reads the same settled file. MB/s is always
//! the size of that database file divided by the time, so the sides compare directly:
//! the backup also snapshots, checks, hashes, compresses and encrypts; the restore also
//! decrypts, decompresses, hashes, checks integrity, recounts every collection, opens
//! the vault with its key and verifies the audit chain. Progress goes to standard
//! error, the Markdown report to standard output.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use gembok_backup::dest::MANIFEST_SUFFIX;
use gembok_backup::{identity, Destination};
use gembok_core::{Actor, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_testdata::Generator;
use serde_json::Value;

/// Backup benchmark: gembok-backup create and restore against `VACUUM INTO`.
#[derive(Debug, Parser)]
#[command(name = "gembok-bench-backup", version)]
struct Args {
    /// Customers in the generated vault.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Customers per `create_batch` while filling the vault (not measured).
    #[arg(long, default_value_t = 5_000)]
    batch_size: usize,
    /// Runs of each measured step; the order alternates between runs.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Seed of the generated customers.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Folder for the vault, the copies and the backups (default: the system temp
    /// folder). It should be on the disk you want to measure.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// One measured step.
struct Step {
    name: &'static str,
    secs: f64,
    /// Size of what the step wrote (copy, archive or restored database).
    out_bytes: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(
        args.batch_size > 0 && args.batch_size <= gembok_core::MAX_BATCH,
        "--batch-size must be 1..={}",
        gembok_core::MAX_BATCH
    );
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let work = tempfile::Builder::new()
        .prefix("gembok-bench-backup-")
        .tempdir_in(&base)
        .with_context(|| format!("cannot create a folder in {}", base.display()))?;
    let root = work.path();
    let db = root.join("gembok.db");
    let key_file = root.join("master.key");
    let fill_secs = fill(&db, &key_file, &args)?;
    let db_bytes = std::fs::metadata(&db)?.len();
    eprintln!(
        "vault filled in {fill_secs:.1} s: {:.1} MB",
        db_bytes as f64 / 1e6
    );
    let id_file = root.join("backup.age");
    let recipient = identity::keygen(&id_file)?;
    let ids = identity::load_identities(&id_file)?;
    let master = MasterKey::load_file(&key_file)?;
    let dest_dir = root.join("backups");
    let dest = Destination::Local(dest_dir.clone());

    let mut steps = Vec::new();
    for run in 0..args.runs.max(1) {
        let plain_first = run % 2 == 0;
        for plain in [plain_first, !plain_first] {
            if plain {
                steps.push(vacuum_into(&db, &root.join(format!("plain-{run}.db")))?);
                continue;
            }
            eprintln!("run {}: backup ...", run + 1);
            let started = Instant::now();
            // Names carry the millisecond: runs a second apart never collide.
            let now = time::OffsetDateTime::now_utc() + time::Duration::seconds(run as i64);
            let created =
                gembok_backup::create(&db, &master, std::slice::from_ref(&recipient), &dest, now)?;
            steps.push(Step {
                name: "gembok backup create",
                secs: started.elapsed().as_secs_f64(),
                out_bytes: created.archive_bytes,
            });
            eprintln!("run {}: restore ...", run + 1);
            let archive = dest_dir.join(&created.name);
            let beside =
                std::fs::read(dest_dir.join(format!("{}{MANIFEST_SUFFIX}", created.name)))?;
            let target = root.join(format!("restored-{run}"));
            let started = Instant::now();
            let restored = gembok_backup::restore(
                &archive,
                Some(beside.as_slice()),
                &ids,
                &key_file,
                &target,
                false,
            )?;
            let secs = started.elapsed().as_secs_f64();
            ensure!(
                restored.verified.facts.counts.get("customers").copied() == Some(args.rows as u64),
                "the restored vault does not hold every customer"
            );
            steps.push(Step {
                name: "gembok restore",
                secs,
                out_bytes: std::fs::metadata(&restored.db_path)?.len(),
            });
            std::fs::remove_dir_all(&target)?;
            std::fs::remove_file(&archive)?;
        }
    }
    print!("{}", report(&args, db_bytes, &steps));
    Ok(())
}

/// A new vault at `db` with `args.rows` generated customers, closed and checkpointed.
fn fill(db: &Path, key_file: &Path, args: &Args) -> Result<f64> {
    let started = Instant::now();
    let master = MasterKey::create_file(key_file)?;
    let store = Arc::new(SqliteStore::open(db)?);
    let vault = Vault::initialize(store.clone(), master, DEFAULT_SCHEMA)?;
    let actor = Actor::local_operator();
    let mut gen = Generator::new(args.seed);
    let mut done = 0;
    while done < args.rows {
        let n = args.batch_size.min(args.rows - done);
        let batch: Vec<Value> = (0..n).map(|_| gen.customer_json()).collect();
        vault.create_batch(&actor, "customers", &batch)?;
        done += n;
        if done % 100_000 < n || done == args.rows {
            eprintln!("  filled {done}/{}", args.rows);
        }
    }
    drop(vault);
    store.checkpoint()?;
    drop(store);
    Ok(started.elapsed().as_secs_f64())
}

/// The baseline: SQLite's own consistent copy of the plaintext file.
fn vacuum_into(db: &Path, out: &Path) -> Result<Step> {
    eprintln!("VACUUM INTO ...");
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let started = Instant::now();
    conn.execute("VACUUM INTO ?1", [out.to_string_lossy()])?;
    let secs = started.elapsed().as_secs_f64();
    let out_bytes = std::fs::metadata(out)?.len();
    std::fs::remove_file(out)?;
    Ok(Step {
        name: "VACUUM INTO (plaintext copy)",
        secs,
        out_bytes,
    })
}

fn report(args: &Args, db_bytes: u64, steps: &[Step]) -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mb = db_bytes as f64 / 1e6;
    let mut s = format!(
        "Customers: {}; database {mb:.1} MB; load average {}\n\n",
        args.rows,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    s.push_str("| step | s | MB/s (database size / s) | output MB |\n");
    s.push_str("|---|---:|---:|---:|\n");
    for st in steps {
        s.push_str(&format!(
            "| {} | {:.2} | {:.1} | {:.1} |\n",
            st.name,
            st.secs,
            mb / st.secs,
            st.out_bytes as f64 / 1e6
        ));
    }
    s
}
