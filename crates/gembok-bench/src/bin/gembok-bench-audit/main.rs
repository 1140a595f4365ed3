//! `gembok-bench-audit`: what the audit log costs, and how fast it verifies.
//!
//! Two vaults on two SQLite files get the same customers: one audits as always, the
//! other has auditing switched off (possible only in this bench build, through the
//! `bench-unaudited` feature of `gembok-core`). Many threads then read (get by id,
//! masked) and, separately, write (create one record per call) against each vault in
//! turn, alternating which goes first, and the throughputs are compared as a ratio in
//! the same run. Reads are measured concurrently on purpose: an audited read waits for
//! its event to be durable, and the group commit shares one fsync among every read in
//! flight, so a single thread reading in a loop would measure the disk, not the
//! design. Deferred reads (`Vault::get_deferred`) are measured as well: as many tasks
//! on a two-thread tokio runtime, each awaiting its durability ticket, which is how the
//! server reads. Finally the audited vault's log is filled to `--verify-events` events and
//! `verify` is timed. Progress goes to standard error, the Markdown report to standard
//! output.
#![forbid(unsafe_code)]

mod load;

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use gembok_core::{Actor, AuditEvent, Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_testdata::Generator;
use gembok_types::RecordId;

use crate::load::{Op, Side, RUNTIME_THREADS};

/// Audit cost benchmark.
#[derive(Debug, Parser)]
#[command(name = "gembok-bench-audit", version)]
struct Args {
    /// Customers loaded into each vault.
    #[arg(long, default_value_t = 20_000)]
    rows: usize,
    /// Concurrent threads per measurement (tasks for deferred reads).
    #[arg(long, default_value_t = 64)]
    threads: usize,
    /// Seconds per measurement round.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Rounds per side and operation (sides alternate which goes first).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Events in the log when `verify` is timed.
    #[arg(long, default_value_t = 1_000_000)]
    verify_events: u64,
    /// Seed of the generated customers.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Measure only these operations (for profiling one of them).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Op::Read, Op::ReadDeferred, Op::Write])]
    only: Vec<Op>,
}

fn open(dir: &std::path::Path, name: &str, audited: bool) -> Result<Arc<Vault>> {
    let key = MasterKey::generate()?;
    let store = Arc::new(SqliteStore::open(&dir.join(format!("{name}.db")))?);
    let mut vault = Vault::initialize(store, key, DEFAULT_SCHEMA)?;
    if !audited {
        vault.disable_audit_for_benchmark();
    }
    Ok(Arc::new(vault))
}

/// The three load averages, from `/proc/loadavg` (the machine is shared).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn load(vault: &Vault, rows: &[serde_json::Value]) -> Result<Vec<RecordId>> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(1000) {
        ids.extend(vault.create_batch(&Actor::system(), "customers", chunk)?);
    }
    Ok(ids)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir().context("temp dir")?;
    let mut gen = Generator::new(args.seed);
    let rows: Vec<_> = (0..args.rows).map(|_| gen.customer_json()).collect();
    let extra: Vec<_> = (0..20_000).map(|_| gen.customer_json()).collect();
    eprintln!("loading {} customers into each vault", args.rows);
    let audited = Side::new("audited", open(dir.path(), "audited", true)?);
    let plain = Side::new("unaudited", open(dir.path(), "unaudited", false)?);
    let audited_ids = load(&audited.vault, &rows)?;
    let plain_ids = load(&plain.vault, &rows)?;
    let audited = audited.with_ids(audited_ids);
    let plain = plain.with_ids(plain_ids);

    let load_before = loadavg();
    let mut report = String::new();
    report.push_str("| operation | audited ops/s | unaudited ops/s | ratio |\n|---|---|---|---|\n");
    for &op in &args.only {
        let (mut a_total, mut p_total) = (0.0, 0.0);
        for round in 0..args.rounds {
            let order: [&Side; 2] = if round % 2 == 0 {
                [&audited, &plain]
            } else {
                [&plain, &audited]
            };
            for side in order {
                let rate = side.measure(op, args.threads, args.seconds, &extra)?;
                eprintln!("{op:?} {} round {round}: {rate:.0} ops/s", side.name);
                if std::ptr::eq(side, &audited) {
                    a_total += rate;
                } else {
                    p_total += rate;
                }
            }
        }
        let (a, p) = (a_total / args.rounds as f64, p_total / args.rounds as f64);
        let how = match op {
            Op::ReadDeferred => format!(
                "{} tasks on {RUNTIME_THREADS} runtime threads",
                args.threads
            ),
            _ => format!("{} threads", args.threads),
        };
        report.push_str(&format!(
            "| {op:?} ({how}) | {a:.0} | {p:.0} | {:.2} |\n",
            a / p
        ));
    }

    report.push_str(&format!(
        "\nLoad average (1, 5, 15 min) {load_before} before the measurements, {} after.\n",
        loadavg()
    ));
    eprintln!("filling the audit log to {} events", args.verify_events);
    let log = audited.vault.audit();
    let actor = Actor {
        principal: "key_bench".into(),
        role: "app".into(),
        ..Actor::default()
    };
    let event = |i: i64| {
        // Real clock time, as live events have: the time index grows at its end.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        AuditEvent::new(&actor, "record.read", now + i / 1_000_000)
            .collection("customers")
            .records([RecordId::generate()])
            .fields(["name", "email", "phone"])
    };
    for size in [1i64, 64, 512] {
        let start = Instant::now();
        let n = 200;
        for _ in 0..n {
            log.commit(Vec::new(), (0..size).map(event).collect())?;
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
        report.push_str(&format!(
            "\nOne audit commit of {size} events (one thread): {ms:.2} ms\n"
        ));
    }
    while log.head_seq() < args.verify_events {
        let batch: Vec<AuditEvent> = (0..5000).map(event).collect();
        log.commit(Vec::new(), batch)?;
    }
    let start = Instant::now();
    let verified = log.verify(&[])?;
    let secs = start.elapsed().as_secs_f64();
    anyhow::ensure!(verified.ok(), "the benchmark's own chain did not verify");
    report.push_str(&format!(
        "\n`audit verify`: {} events and {} checkpoints in {secs:.2} s = {:.0} events/s\n",
        verified.events,
        verified.checkpoints,
        verified.events as f64 / secs
    ));
    print!("{report}");
    Ok(())
}
