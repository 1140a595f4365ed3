//! The two sides. The vault side is exactly what `gembok import --yes` does: plan (one
//! pass over the file: reader checks, detection, SHA-256) and import (checked rows,
//! sealed, blind-indexed, written in batches with the resume journal). The baseline
//! reads the same file with the same streaming CSV reader and inserts the eight columns
//! as plain text with rusqlite, one transaction per batch, into a table shaped like the
//! other benchmark's baseline (WAL, `synchronous=FULL`, indexes on email, phone, nik).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use gembok_core::{Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_ingest::import::PlanOptions;
use gembok_ingest::read::CsvRows;
use gembok_ingest::{ImportOptions, Limits};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// What one side measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct Measurement {
    pub rows: u64,
    pub accepted: u64,
    /// From opening the file to the last commit.
    pub total_secs: f64,
    /// The writing pass alone (the vault's plan pass excluded).
    pub import_secs: f64,
    /// Peak resident memory of the process (`VmHWM`).
    pub peak_rss_kb: u64,
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

pub fn vault(csv: &Path, dir: &Path, batch: usize) -> Result<Measurement> {
    let store = Arc::new(SqliteStore::open(&dir.join("gembok.db"))?);
    let vault = Vault::initialize(store, MasterKey::generate()?, DEFAULT_SCHEMA)?;
    let started = Instant::now();
    let plan = gembok_ingest::plan(
        csv,
        &vault.schema(),
        "customers",
        &[],
        &PlanOptions::default(),
    )?;
    let planned = Instant::now();
    let opts = ImportOptions {
        batch_size: batch,
        reports_dir: dir.join("imports"),
        ..ImportOptions::default()
    };
    let mut last = 0;
    let s = gembok_ingest::import(&vault, &plan, &opts, &mut |done, total| {
        if done >= last + 100_000 || done == total {
            last = done;
            eprintln!("  vault: {done}/{total}");
        }
    })?;
    let total_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(s.accepted + s.rejected == s.total, "counts do not add up");
    anyhow::ensure!(
        vault.count("customers")? == s.accepted,
        "vault count differs"
    );
    Ok(Measurement {
        rows: s.total,
        accepted: s.accepted,
        total_secs,
        import_secs: planned.elapsed().as_secs_f64(),
        peak_rss_kb: peak_rss_kb(),
    })
}

/// Page cache of the `SqliteBulk` baseline, in KiB. Its indexes take random keys,
/// so a cache this large is what made plain SQLite fastest here; the vault's store no
/// longer needs one (it stages its index entries during an import).
const BASELINE_BULK_CACHE_KIB: i64 = 96 * 1024;

/// The baseline; `bulk` gives it the vault's checkpoint interval during an import and
/// a large page cache ([`BASELINE_BULK_CACHE_KIB`]).
pub fn sqlite(csv: &Path, dir: &Path, batch: usize, bulk: bool) -> Result<Measurement> {
    let mut conn = Connection::open(dir.join("plain.db"))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    anyhow::ensure!(
        mode.eq_ignore_ascii_case("wal"),
        "baseline is not in WAL mode"
    );
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA cache_size = -16384;
         CREATE TABLE customers (
            id BLOB PRIMARY KEY NOT NULL, name TEXT, email TEXT, phone TEXT, birth_date TEXT,
            address TEXT, postal_code TEXT, nik TEXT, npwp TEXT) WITHOUT ROWID;
         CREATE INDEX customers_email ON customers (email);
         CREATE INDEX customers_phone ON customers (phone);
         CREATE INDEX customers_nik ON customers (nik);",
    )?;
    if bulk {
        conn.pragma_update(None, "cache_size", -BASELINE_BULK_CACHE_KIB)?;
        let _: i64 = conn.pragma_update_and_check(
            None,
            "wal_autocheckpoint",
            gembok_store_sqlite::BULK_WAL_AUTOCHECKPOINT,
            |r| r.get(0),
        )?;
    }
    let started = Instant::now();
    let file = std::fs::File::open(csv).context("cannot open the CSV")?;
    let mut rows = CsvRows::new(file, None, &Limits::default())?;
    rows.next_row()?; // the header
    let mut n = 0u64;
    let mut done = false;
    while !done {
        let tx = conn.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO customers (id, name, email, phone, birth_date, address, postal_code, nik, npwp)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for _ in 0..batch {
                let Some(r) = rows.next_row()? else {
                    done = true;
                    break;
                };
                let id = RecordId::generate();
                st.execute(params![
                    &id.as_bytes()[..],
                    r.cell(0),
                    r.cell(1),
                    r.cell(2),
                    r.cell(3),
                    r.cell(4),
                    r.cell(5),
                    r.cell(6),
                    r.cell(7)
                ])?;
                n += 1;
            }
        }
        tx.commit()?;
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(Measurement {
        rows: n,
        accepted: n,
        total_secs: secs,
        import_secs: secs,
        peak_rss_kb: peak_rss_kb(),
    })
}
