//! `gembok-bench-import`: import a generated CSV of customers (default 1,000,000 rows x
//! 8 columns) into a fresh vault with `gembok-ingest`, and load the same file into plain
//! SQLite with rusqlite, in the same run; report rows per second and peak memory of each.
//!
//! Each side runs in its own child process (this binary again, with `--side`), so the
//! peak resident memory it reports (`VmHWM`) is that side's alone. Sides take turns,
//! alternating which goes first, when `--runs` is more than one. Progress goes to
//! standard error, the Markdown report to standard output.
#![forbid(unsafe_code)]

mod csvgen;
mod sides;

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};

use crate::sides::Measurement;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Side {
    Vault,
    Sqlite,
    /// The baseline with the vault's bulk-load settings (cache, checkpoints).
    SqliteBulk,
}

/// Import benchmark: gembok-ingest into the vault against plain rusqlite.
#[derive(Debug, Parser)]
#[command(name = "gembok-bench-import", version)]
struct Args {
    /// Rows in the generated CSV.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Rows per transaction on both sides.
    #[arg(long, default_value_t = 5_000)]
    batch_size: usize,
    /// Runs of each side.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Seed of the generated customers.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Folder for the CSV and the databases (default: the system temp folder).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Internal: run one side on an existing CSV and print its measurement as JSON.
    #[arg(long, value_enum, hide = true)]
    side: Option<Side>,
    /// Internal: the CSV a side reads.
    #[arg(long, hide = true)]
    file: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.batch_size == 0 || args.batch_size > gembok_core::MAX_BATCH {
        bail!("--batch-size must be 1..={}", gembok_core::MAX_BATCH);
    }
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    if let (Some(side), Some(file)) = (args.side, &args.file) {
        let work = tempfile::tempdir_in(&base)?;
        let m = match side {
            Side::Vault => sides::vault(file, work.path(), args.batch_size)?,
            Side::Sqlite => sides::sqlite(file, work.path(), args.batch_size, false)?,
            Side::SqliteBulk => sides::sqlite(file, work.path(), args.batch_size, true)?,
        };
        println!("{}", serde_json::to_string(&m)?);
        return Ok(());
    }
    let work = tempfile::tempdir_in(&base)?;
    let csv = work.path().join("customers.csv");
    eprintln!("generating {} rows into {} ...", args.rows, csv.display());
    let bytes = csvgen::write(&csv, args.rows, args.seed)?;
    let load_before = load_average();
    let mut results: Vec<(Side, Measurement)> = Vec::new();
    for run in 0..args.runs.max(1) {
        let order = if run % 2 == 0 {
            [Side::Vault, Side::Sqlite, Side::SqliteBulk]
        } else {
            [Side::SqliteBulk, Side::Sqlite, Side::Vault]
        };
        for side in order {
            eprintln!("run {} of {}: {side:?} ...", run + 1, args.runs.max(1));
            results.push((side, child(side, &csv, &base, args.batch_size)?));
        }
    }
    print!("{}", report(&args, bytes, &load_before, &results));
    Ok(())
}

fn child(
    side: Side,
    csv: &std::path::Path,
    dir: &std::path::Path,
    batch: usize,
) -> Result<Measurement> {
    let me = std::env::current_exe()?;
    let name = match side {
        Side::Vault => "vault",
        Side::Sqlite => "sqlite",
        Side::SqliteBulk => "sqlite-bulk",
    };
    let out = Command::new(me)
        .args(["--side", name, "--batch-size", &batch.to_string()])
        .arg("--file")
        .arg(csv)
        .arg("--dir")
        .arg(dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot start a benchmark side")?;
    if !out.status.success() {
        bail!("the {name} side failed");
    }
    serde_json::from_slice(&out.stdout).context("a side printed no measurement")
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn report(args: &Args, bytes: u64, load_before: &str, results: &[(Side, Measurement)]) -> String {
    let mut s = format!(
        "Rows: {}, 8 columns, CSV {:.1} MB; batch {}; load average {} before, {} after\n\n",
        args.rows,
        bytes as f64 / 1e6,
        args.batch_size,
        load_before,
        load_average()
    );
    s.push_str("| side | accepted | total s | import s | rows/s (total) | rows/s (import) | peak RSS MB |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for (side, m) in results {
        s.push_str(&format!(
            "| {:?} | {} | {:.1} | {:.1} | {:.0} | {:.0} | {:.1} |\n",
            side,
            m.accepted,
            m.total_secs,
            m.import_secs,
            m.rows as f64 / m.total_secs,
            m.rows as f64 / m.import_secs,
            m.peak_rss_kb as f64 / 1024.0
        ));
    }
    s
}
