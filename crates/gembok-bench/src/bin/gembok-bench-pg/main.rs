//! `gembok-bench-pg`: the vault on PostgreSQL against plain PostgreSQL and against
//! PostgreSQL's own pgcrypto encryption of the same fields, in one run.
//!
//! A fresh database is made on the server (`--url`, default the machine's
//! 127.0.0.1:5432), holding the vault's tables and the two baseline tables (see
//! `baseline`). The same generated customers are inserted into all three in batches,
//! then `--threads` threads read by id and, separately, look up by e-mail against each
//! side in turn for `--seconds`, alternating the order between rounds. The vault is the
//! real build: every read is audited durably. The database is dropped at the end.
//! Progress goes to standard error, the Markdown report to standard output.
#![forbid(unsafe_code)]

mod baseline;
mod load;

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use gembok_core::{Actor, Vault, View, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_postgres::PostgresStore;
use gembok_testdata::Generator;
use gembok_types::RecordId;

use baseline::{Conn, Kind, FIELDS};
use load::{throughput, Worker};

/// PostgreSQL benchmark.
#[derive(Debug, Parser)]
#[command(name = "gembok-bench-pg", version)]
struct Args {
    /// Server to use: a database named `gembok_bench_<pid>` is made there and dropped.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    url: String,
    /// Customers inserted into each side.
    #[arg(long, default_value_t = 20_000)]
    rows: usize,
    /// Rows per insert transaction.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Concurrent threads (one connection each) for reads and lookups.
    #[arg(long, default_value_t = 16)]
    threads: usize,
    /// Seconds per measurement round.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Rounds per side and operation.
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    #[arg(long, default_value_t = 11)]
    seed: u64,
}

fn with_db(url: &str, db: &str) -> String {
    match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => format!("{url}/{db}"),
    }
}

fn text_fields(v: &serde_json::Value) -> [String; 8] {
    FIELDS.map(|f| v[f].as_str().map(str::to_owned).unwrap_or_default())
}

struct Sides {
    vault: Arc<Vault>,
    /// The same vault opened a second time with auditing off (bench build only), to
    /// show what the audit log costs on PostgreSQL.
    unaudited: Arc<Vault>,
    vault_ids: Arc<Vec<RecordId>>,
    plain_ids: Arc<Vec<Vec<u8>>>,
    crypto_ids: Arc<Vec<Vec<u8>>>,
    emails: Arc<Vec<String>>,
    url: String,
}

fn actor(t: usize) -> Actor {
    Actor {
        principal: format!("key_bench{t}"),
        role: "app".into(),
        purpose: Some("service".into()),
        ..Actor::default()
    }
}

impl Sides {
    fn worker(&self, side: &str, op: &str, t: usize) -> Result<Worker> {
        let emails = self.emails.clone();
        Ok(match (side, op) {
            ("vault" | "unaudited", "get") => {
                let v = if side == "vault" {
                    self.vault.clone()
                } else {
                    self.unaudited.clone()
                };
                let (ids, a) = (self.vault_ids.clone(), actor(t));
                Box::new(move |i| {
                    std::hint::black_box(v.get(
                        &a,
                        "customers",
                        ids[i % ids.len()],
                        None,
                        View::Plain,
                    )?);
                    Ok(())
                })
            }
            ("vault" | "unaudited", _) => {
                let v = if side == "vault" {
                    self.vault.clone()
                } else {
                    self.unaudited.clone()
                };
                let a = actor(t);
                Box::new(move |i| {
                    let found = v.find(
                        &a,
                        "customers",
                        "email",
                        &emails[i % emails.len()],
                        None,
                        View::Plain,
                    )?;
                    anyhow::ensure!(!found.is_empty(), "vault e-mail not found");
                    Ok(())
                })
            }
            (kind, op) => {
                let (k, ids) = if kind == "plain" {
                    (Kind::Plain, self.plain_ids.clone())
                } else {
                    (Kind::PgCrypto, self.crypto_ids.clone())
                };
                let mut conn = Conn::open(&self.url, k)?;
                if op == "get" {
                    Box::new(move |i| conn.get(&ids[i % ids.len()]).map(drop))
                } else {
                    Box::new(move |i| conn.find(&emails[i % emails.len()]).map(drop))
                }
            }
        })
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let db = format!("gembok_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(&args.url, postgres::NoTls)
        .context("cannot reach PostgreSQL at --url")?;
    admin.batch_execute(&format!("CREATE DATABASE {db}"))?;
    let url = with_db(&args.url, &db);
    let result = run(&args, &url);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))?;
    print!("{}", result?);
    Ok(())
}

fn run(args: &Args, url: &str) -> Result<String> {
    let mut gen = Generator::new(args.seed);
    let json: Vec<_> = (0..args.rows).map(|_| gen.customer_json()).collect();
    let text: Vec<[String; 8]> = json.iter().map(text_fields).collect();
    baseline::create_tables(url)?;
    let dir = tempfile::tempdir()?;
    let key_path = dir.path().join("master.key");
    let store = Arc::new(PostgresStore::connect(url)?);
    let vault = Arc::new(Vault::initialize(
        store.clone(),
        MasterKey::create_file(&key_path)?,
        DEFAULT_SCHEMA,
    )?);
    let mut unaudited = Vault::open(store, MasterKey::load_file(&key_path)?)?;
    unaudited.disable_audit_for_benchmark();

    let mut report = format!(
        "{} customers, inserts in transactions of {}, reads with {} threads, {} s x {} rounds\n\n\
         | operation | vault ops/s | vault unaudited ops/s | plain ops/s | pgcrypto ops/s | vault / plain | vault / pgcrypto |\n\
         |---|---|---|---|---|---|---|\n",
        args.rows, args.batch, args.threads, args.seconds, args.rounds
    );
    eprintln!("inserting {} customers into each side", args.rows);
    let mut vault_ids = Vec::new();
    let system = Actor::system();
    let t_vault = time(|| {
        for chunk in json.chunks(args.batch) {
            vault_ids.extend(vault.create_batch(&system, "customers", chunk)?);
        }
        Ok(())
    })?;
    let (mut plain_ids, mut crypto_ids) = (Vec::new(), Vec::new());
    let mut plain = Conn::open(url, Kind::Plain)?;
    let t_plain = time(|| {
        for chunk in text.chunks(args.batch) {
            plain_ids.extend(plain.insert_batch(chunk)?);
        }
        Ok(())
    })?;
    let mut crypto = Conn::open(url, Kind::PgCrypto)?;
    let t_crypto = time(|| {
        for chunk in text.chunks(args.batch) {
            crypto_ids.extend(crypto.insert_batch(chunk)?);
        }
        Ok(())
    })?;
    let rate = |secs: f64| args.rows as f64 / secs;
    report.push_str(&row(
        "insert (1 thread)",
        [rate(t_vault), f64::NAN, rate(t_plain), rate(t_crypto)],
    ));

    let sides = Sides {
        vault,
        unaudited: Arc::new(unaudited),
        vault_ids: Arc::new(vault_ids),
        plain_ids: Arc::new(plain_ids),
        crypto_ids: Arc::new(crypto_ids),
        emails: Arc::new(text.iter().map(|r| r[1].clone()).collect()),
        url: url.to_owned(),
    };
    for op in ["get", "find"] {
        let mut totals = [0.0f64; 4];
        for round in 0..args.rounds {
            let mut order = [
                (0, "vault"),
                (1, "unaudited"),
                (2, "plain"),
                (3, "pgcrypto"),
            ];
            order.rotate_left(round % 4);
            for (slot, side) in order {
                let r = throughput(args.threads, args.seconds, &|t| sides.worker(side, op, t))?;
                eprintln!("{op} {side} round {round}: {r:.0} ops/s");
                totals[slot] += r;
            }
        }
        let n = args.rounds as f64;
        let label = if op == "get" {
            "get by id"
        } else {
            "find by e-mail"
        };
        report.push_str(&row(
            &format!("{label} ({} threads)", args.threads),
            totals.map(|t| t / n),
        ));
    }
    Ok(report)
}

fn time(f: impl FnOnce() -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed().as_secs_f64())
}

/// One table row from [vault, vault unaudited, plain, pgcrypto] rates.
fn row(label: &str, [vault, unaudited, plain, crypto]: [f64; 4]) -> String {
    let unaudited = if unaudited.is_nan() {
        "-".to_owned()
    } else {
        format!("{unaudited:.0}")
    };
    format!(
        "| {label} | {vault:.0} | {unaudited} | {plain:.0} | {crypto:.0} | {:.2} | {:.2} |\n",
        vault / plain,
        vault / crypto
    )
}
