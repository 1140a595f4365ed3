//! `gembok-bench api`: the HTTPS API under load, against the cheapest endpoint of the
//! same server as the baseline, in one run.
//!
//! The server is the real `gembok-server` (TLS, authentication, limits, metrics, the
//! access gate) started in this process on `127.0.0.1:0` with a self-signed certificate,
//! rate limits off and a vault preloaded with generated customers ([`server`]). The load
//! generator runs in the same process but on its own tokio runtime with its own worker
//! threads, so on a small machine it competes with the server for the same cores; the
//! report says how much CPU each side used ([`cpu`]). It holds keep-alive TLS
//! connections ([`conn`]) and drives them closed-loop (as fast as answers come back) or
//! open-loop at a fixed rate ([`load`]); the requests themselves are built in
//! [`workload`] and the results printed by [`report`].

mod compare;
mod conn;
mod cpu;
mod load;
mod report;
mod server;
mod workload;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::ValueEnum;

use crate::args::Output;
pub use compare::run_compare;
pub use report::ApiReport;
use workload::Op;

/// Customers preloaded by `--quick`.
const QUICK_CUSTOMERS: usize = 2_000;
/// Seconds measured per phase by `--quick`.
const QUICK_SECONDS: f64 = 2.0;

/// The HTTP version the load generator speaks (offered through ALPN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// HTTP/1.1, one request at a time per connection.
    H1,
    /// HTTP/2, one request at a time per connection (same concurrency as `h1`).
    H2,
}

/// HTTPS API benchmark: requests per second and latency of the real server over TLS
/// with keep-alive, against `GET /healthz` of the same server as the baseline.
#[derive(Clone, Debug, clap::Args)]
pub struct ApiArgs {
    /// Customers preloaded into the vault before measuring.
    #[arg(long, default_value_t = 10_000, conflicts_with = "quick")]
    pub customers: usize,
    /// Concurrent keep-alive connections of the load generator.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Seconds measured for each operation (each also gets an unmeasured warm-up of a
    /// fifth of that, at most 2 s).
    #[arg(long, default_value_t = 10.0, conflicts_with = "quick")]
    pub seconds: f64,
    /// Requests per second of the open-loop get phase.
    #[arg(long, default_value_t = 1_000)]
    pub rate: u32,
    /// HTTP version.
    #[arg(long, value_enum, default_value_t = Protocol::H1)]
    pub protocol: Protocol,
    /// Worker threads of the server's runtime (its blocking pool comes on top).
    #[arg(long, default_value_t = 2)]
    pub server_threads: usize,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 2)]
    pub client_threads: usize,
    /// Smoke run: 2,000 customers and 2 s per operation.
    #[arg(long)]
    pub quick: bool,
    /// Run only these operations, comma separated (the healthz baseline always runs).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Op>,
    /// Seed of the generated customers and of the lookup order.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Markdown)]
    pub output: Output,
    /// Folder for the temporary vault (default: the system temp folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Switch the audit log off (bench-only build), to measure what auditing costs.
    #[arg(long)]
    pub unaudited: bool,
    /// Run audited and unaudited servers in turn (four runs, ABBA) and print the ratio
    /// of their throughputs (Markdown only).
    #[arg(long, conflicts_with = "unaudited")]
    pub compare_unaudited: bool,
    /// Rounds of four runs (ABBA each) for `--compare-unaudited`: on a host whose speed
    /// drifts, more rounds give steadier means, and the report lists every run.
    #[arg(long, default_value_t = 1, requires = "compare_unaudited")]
    pub compare_rounds: usize,
}

/// One API run with every default resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiPlan {
    pub customers: usize,
    pub connections: usize,
    pub measure: Duration,
    pub warmup: Duration,
    pub rate: u32,
    pub protocol: Protocol,
    pub server_threads: usize,
    pub client_threads: usize,
    /// Closed-loop operations in the order they run; `Healthz` always first.
    pub ops: Vec<Op>,
    pub seed: u64,
    pub dir: PathBuf,
    pub unaudited: bool,
    /// Rounds of the audited/unaudited comparison (four runs each).
    pub compare_rounds: usize,
}

impl ApiArgs {
    /// Resolve defaults and refuse plans that cannot run.
    pub fn plan(&self) -> Result<ApiPlan> {
        let customers = if self.quick {
            QUICK_CUSTOMERS
        } else {
            self.customers
        };
        let seconds = if self.quick {
            QUICK_SECONDS
        } else {
            self.seconds
        };
        if customers == 0 {
            bail!("--customers must be at least 1");
        }
        if self.connections == 0 || self.server_threads == 0 || self.client_threads == 0 {
            bail!("--connections, --server-threads and --client-threads must be at least 1");
        }
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3_600.0) {
            bail!("--seconds must be more than 0 and at most 3600");
        }
        if self.rate == 0 {
            bail!("--rate must be at least 1");
        }
        let measure = Duration::from_secs_f64(seconds);
        let mut ops = vec![Op::Healthz];
        let chosen = if self.only.is_empty() {
            Op::MEASURED.to_vec()
        } else {
            self.only.clone()
        };
        if self.compare_rounds == 0 || self.compare_rounds > 20 {
            bail!("--compare-rounds must be from 1 to 20");
        }
        ops.extend(Op::MEASURED.iter().filter(|o| chosen.contains(o)));
        Ok(ApiPlan {
            customers,
            connections: self.connections,
            measure,
            warmup: (measure / 5).min(Duration::from_secs(2)),
            rate: self.rate,
            protocol: self.protocol,
            server_threads: self.server_threads,
            client_threads: self.client_threads,
            ops,
            seed: self.seed,
            dir: self.dir.clone().unwrap_or_else(std::env::temp_dir),
            unaudited: self.unaudited,
            compare_rounds: self.compare_rounds,
        })
    }
}

/// Start the server, measure every operation of `plan`, stop the server.
pub fn run(plan: &ApiPlan) -> Result<ApiReport> {
    let mut machine = crate::report::Machine::probe();
    eprintln!("api: preloading {} customers", plan.customers);
    let srv = server::start(plan)?;
    let work = workload::Workload::new(&srv, plan)?;
    let result = load::run_all(plan, &srv, work);
    let stopped = srv.stop();
    let (negotiated, phases) = result?;
    stopped?;
    machine.load_after = crate::report::loadavg();
    Ok(ApiReport {
        machine,
        plan: plan.clone(),
        negotiated,
        phases,
    })
}

#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod tests;
