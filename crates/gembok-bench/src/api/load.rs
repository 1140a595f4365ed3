//! The load generator: its own runtime and threads, a fixed set of keep-alive
//! connections, and two ways of driving them.
//!
//! - Closed loop: every connection sends its next request as soon as the previous
//!   answer is in. This finds the highest throughput; latency then mostly measures
//!   queueing.
//! - Open loop: requests are due at a fixed rate, whatever the server does. Latency is
//!   measured from the time a request was *due*, not from when it was sent, so a server
//!   that stalls is charged for every request that had to wait (no coordinated
//!   omission). A request goes out on the first free connection once due; if all are
//!   busy it waits, and that wait counts. A plain thread releases requests when due
//!   (tokio's timer has a 1 ms resolution, which would add that much to every
//!   latency); whatever lateness remains is counted against the server too, and the
//!   report shows it separately as the send lag.
//!
//! Each phase runs a warm-up first whose requests are not recorded. Only requests sent
//! and answered inside the measured window count.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use hdrhistogram::Histogram;

use super::conn::{Conn, Connector, Negotiated};
use super::cpu::{self, CpuTimes};
use super::server::BenchServer;
use super::workload::{Op, Workload};
use super::ApiPlan;

/// Name of the load generator's runtime threads.
pub const LOADGEN_THREAD: &str = "gembok-loadgen";
/// Name of the thread that releases open-loop requests when they fall due.
const PACER_THREAD: &str = "gembok-pacer";

/// How a phase drove the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Closed { connections: usize },
    Open { rate: u32, connections: usize },
}

/// One measured phase.
#[derive(Clone, Debug)]
pub struct PhaseResult {
    pub op: Op,
    pub mode: Mode,
    /// Requests sent and answered inside the measured window.
    pub completed: u64,
    pub measured: Duration,
    /// Microseconds: from sending (closed loop) or from being due (open loop) to the
    /// whole answer read.
    pub latency: Histogram<u64>,
    /// Open loop only: microseconds from due to actually sent.
    pub send_lag: Option<Histogram<u64>>,
    /// CPU used during the measured window; `None` without `/proc`.
    pub cpu: Option<CpuTimes>,
}

impl PhaseResult {
    pub fn rate(&self) -> f64 {
        self.completed as f64 / self.measured.as_secs_f64().max(1e-9)
    }
}

/// A histogram of microseconds up to one minute, three significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant bounds are valid")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// What one connection's task measured.
struct Tally {
    count: u64,
    latency: Histogram<u64>,
    lag: Histogram<u64>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            count: 0,
            latency: histogram(),
            lag: histogram(),
        }
    }
}

/// Connect, check the answers, then run every phase of `plan`: the closed loop for
/// each operation, then the open loop for `get` if it is selected.
pub fn run_all(
    plan: &ApiPlan,
    srv: &BenchServer,
    work: Workload,
) -> Result<(Negotiated, Vec<PhaseResult>)> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.client_threads)
        .thread_name(LOADGEN_THREAD)
        .enable_all()
        .build()?;
    let work = Arc::new(work);
    let out = rt.block_on(async {
        let connector = Connector::new(&srv.cert, srv.addr, plan.protocol)?;
        let mut conns = Vec::with_capacity(plan.connections);
        let mut negotiated = None;
        for _ in 0..plan.connections {
            let (conn, n) = connector.connect().await?;
            negotiated.get_or_insert(n);
            conns.push(conn);
        }
        work.check(&mut conns[0]).await?;
        let mut phases = Vec::new();
        for &op in &plan.ops {
            eprintln!("api: {} (closed loop)", op.label());
            let (back, result) = closed(conns, Arc::clone(&work), op, plan).await?;
            conns = back;
            phases.push(result);
        }
        if plan.ops.contains(&Op::Get) {
            eprintln!("api: get by id at {} requests/s (open loop)", plan.rate);
            phases.push(open(conns, Arc::clone(&work), Op::Get, plan).await?);
        }
        let negotiated = negotiated.ok_or_else(|| anyhow::anyhow!("no connection"))?;
        Ok((negotiated, phases))
    });
    // Closes every connection, so the server can stop without waiting for them.
    rt.shutdown_timeout(Duration::from_secs(1));
    out
}

/// CPU used between `from` and `until`, sleeping until each.
async fn cpu_between(from: Instant, until: Instant) -> Option<CpuTimes> {
    tokio::time::sleep_until(from.into()).await;
    let a = cpu::sample();
    tokio::time::sleep_until(until.into()).await;
    Some(cpu::sample()?.since(a?))
}

/// Gather the tasks' tallies and connections back.
async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Conn, Result<Tally>)>>,
) -> Result<(Vec<Conn>, Tally)> {
    let mut conns = Vec::with_capacity(tasks.len());
    let mut total = Tally::new();
    for t in tasks {
        let (conn, tally) = t.await?;
        let tally = tally?;
        total.count += tally.count;
        total.latency.add(&tally.latency)?;
        total.lag.add(&tally.lag)?;
        conns.push(conn);
    }
    Ok((conns, total))
}

async fn closed(
    conns: Vec<Conn>,
    work: Arc<Workload>,
    op: Op,
    plan: &ApiPlan,
) -> Result<(Vec<Conn>, PhaseResult)> {
    let step = conns.len();
    let from = Instant::now() + plan.warmup;
    let until = from + plan.measure;
    let tasks = conns
        .into_iter()
        .enumerate()
        .map(|(first, mut conn)| {
            let work = Arc::clone(&work);
            tokio::spawn(async move {
                let mut tally = Tally::new();
                let mut n = first;
                let r = async {
                    loop {
                        let start = Instant::now();
                        if start >= until {
                            return Ok(());
                        }
                        let (status, _) = conn.send(work.request(op, n)?).await?;
                        let end = Instant::now();
                        if status != op.expected() {
                            bail!("{}: status {status}", op.label());
                        }
                        if start >= from && end <= until {
                            tally.count += 1;
                            tally.latency.saturating_record(micros(end - start));
                        }
                        n += step;
                    }
                }
                .await;
                (conn, r.map(|()| tally))
            })
        })
        .collect();
    let cpu = cpu_between(from, until).await;
    let (conns, tally) = collect(tasks).await?;
    let result = PhaseResult {
        op,
        mode: Mode::Closed { connections: step },
        completed: tally.count,
        measured: plan.measure,
        latency: tally.latency,
        send_lag: None,
        cpu,
    };
    Ok((conns, result))
}

async fn open(
    conns: Vec<Conn>,
    work: Arc<Workload>,
    op: Op,
    plan: &ApiPlan,
) -> Result<PhaseResult> {
    let connections = conns.len();
    let rate = f64::from(plan.rate);
    let warm = (plan.warmup.as_secs_f64() * rate).ceil() as u64;
    let total = warm + (plan.measure.as_secs_f64() * rate).ceil() as u64;
    let begin = Instant::now() + Duration::from_millis(10);
    let due_at = move |k: u64| begin + Duration::from_secs_f64(k as f64 / rate);
    let (tickets, inbox) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let pacer = std::thread::Builder::new()
        .name(PACER_THREAD.into())
        .spawn(move || pace(tickets, total, due_at))?;
    let inbox = Arc::new(tokio::sync::Mutex::new(inbox));
    let tasks = conns
        .into_iter()
        .map(|mut conn| {
            let work = Arc::clone(&work);
            let inbox = Arc::clone(&inbox);
            tokio::spawn(async move {
                let mut tally = Tally::new();
                let r = async {
                    loop {
                        // The first free connection takes the next due request.
                        let Some(k) = inbox.lock().await.recv().await else {
                            return Ok(());
                        };
                        let due = due_at(k);
                        let sent = Instant::now();
                        let index = usize::try_from(k).unwrap_or(usize::MAX);
                        let (status, _) = conn.send(work.request(op, index)?).await?;
                        let end = Instant::now();
                        if status != op.expected() {
                            bail!("{}: status {status}", op.label());
                        }
                        if k >= warm {
                            tally.count += 1;
                            tally.latency.saturating_record(micros(end - due));
                            tally
                                .lag
                                .saturating_record(micros(sent.saturating_duration_since(due)));
                        }
                    }
                }
                .await;
                (conn, r.map(|()| tally))
            })
        })
        .collect();
    let cpu = cpu_between(due_at(warm), due_at(total)).await;
    let (_conns, tally) = collect(tasks).await?;
    pacer
        .join()
        .map_err(|_| anyhow::anyhow!("the pacer thread panicked"))?;
    Ok(PhaseResult {
        op,
        mode: Mode::Open {
            rate: plan.rate,
            connections,
        },
        completed: tally.count,
        measured: plan.measure,
        latency: tally.latency,
        send_lag: Some(tally.lag),
        cpu,
    })
}

/// Hand out request numbers `0..total`, each when it falls due. A plain thread with
/// `std::thread::sleep` wakes within tens of microseconds of the deadline, where the
/// runtime's 1 ms timer would add up to a millisecond or two to every latency. Stops
/// early if every connection task has gone (an error ended the phase).
fn pace(
    tickets: tokio::sync::mpsc::UnboundedSender<u64>,
    total: u64,
    due_at: impl Fn(u64) -> Instant,
) {
    for k in 0..total {
        let wait = due_at(k).saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        if tickets.send(k).is_err() {
            return;
        }
    }
}
