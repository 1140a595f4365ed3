//! The API run's results as a Markdown table (with the goals of the issue) or one JSON
//! document holding the raw counts, so every rate and ratio can be recomputed.

use hdrhistogram::Histogram;
use serde_json::{json, Value};

use super::conn::Negotiated;
use super::load::{Mode, PhaseResult};
use super::workload::Op;
use super::{ApiPlan, Protocol};
use crate::report::{group, Machine};

/// Goal of the issue: closed-loop get by id at least this many requests per second.
pub const GOAL_GET_RATE: f64 = 10_000.0;
/// Goal of the issue: open-loop p99 of get by id under this many milliseconds.
pub const GOAL_P99_MS: f64 = 10.0;

/// A whole API run.
#[derive(Debug)]
pub struct ApiReport {
    pub machine: Machine,
    pub plan: ApiPlan,
    pub negotiated: Negotiated,
    pub phases: Vec<PhaseResult>,
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1_000.0
}

/// Requests per second the server could reach with all `cores` to itself at the CPU
/// per request it used: an upper bound, as if the load generator cost nothing and
/// nothing but CPU limited the server.
fn server_only_bound(ph: &PhaseResult, cores: usize) -> Option<f64> {
    let cpu = ph.cpu?.server.as_secs_f64();
    (cpu > 0.0 && ph.completed > 0).then(|| cores as f64 * ph.completed as f64 / cpu)
}

fn load_label(mode: Mode) -> String {
    match mode {
        Mode::Closed { connections } => format!("closed, {connections} conns"),
        Mode::Open { rate, connections } => {
            format!(
                "open, {} req/s, {connections} conns",
                group(f64::from(rate))
            )
        }
    }
}

impl ApiReport {
    fn baseline(&self) -> Option<&PhaseResult> {
        self.phases
            .iter()
            .find(|p| p.op == Op::Healthz && matches!(p.mode, Mode::Closed { .. }))
    }

    fn find(&self, op: Op, open: bool) -> Option<&PhaseResult> {
        self.phases
            .iter()
            .find(|p| p.op == op && matches!(p.mode, Mode::Open { .. }) == open)
    }

    /// (closed-loop get rate goal met, open-loop get p99 goal met); `None` where the
    /// phase did not run.
    pub fn goals(&self) -> (Option<bool>, Option<bool>) {
        (
            self.find(Op::Get, false).map(|p| p.rate() >= GOAL_GET_RATE),
            self.find(Op::Get, true)
                .map(|p| ms(&p.latency, 0.99) < GOAL_P99_MS),
        )
    }

    pub fn to_markdown(&self) -> String {
        let m = &self.machine;
        let p = &self.plan;
        let n = &self.negotiated;
        let mut out = format!(
            "Machine: {} ({} cores), load average {} before / {} after.\n\
             Server: gembok-server in this process, {} worker threads plus its blocking \
             pool; {} over {} ({}), ALPN {}; rate limits off; {} customers preloaded.\n\
             Load generator: same process, own runtime with {} worker threads, {} \
             keep-alive connections, one request at a time each; {:.1} s measured per \
             phase after {:.1} s of warm-up.\n\n\
             | operation | load | requests/s | p50 | p99 | vs healthz | server CPU per request | load generator CPU share |\n\
             |---|---|---:|---:|---:|---:|---:|---:|\n",
            m.cpu,
            m.nproc,
            m.load_before,
            m.load_after,
            p.server_threads,
            match p.protocol {
                Protocol::H1 => "HTTP/1.1",
                Protocol::H2 => "HTTP/2",
            },
            n.version,
            n.suite,
            n.alpn,
            group(p.customers as f64),
            p.client_threads,
            p.connections,
            p.measure.as_secs_f64(),
            p.warmup.as_secs_f64(),
        );
        let base = self.baseline().map(PhaseResult::rate);
        for ph in &self.phases {
            let ratio = match (ph.mode, base) {
                (Mode::Closed { .. }, Some(b)) => format!("{:.2}", ph.rate() / b.max(1e-9)),
                _ => "-".into(),
            };
            let (per_req, share) = match ph.cpu {
                Some(c) if ph.completed > 0 => {
                    let all = (c.server + c.client).as_secs_f64().max(1e-9);
                    (
                        format!(
                            "{:.0} µs",
                            c.server.as_secs_f64() * 1e6 / ph.completed as f64
                        ),
                        format!("{:.0} %", 100.0 * c.client.as_secs_f64() / all),
                    )
                }
                _ => ("-".into(), "-".into()),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {:.2} ms | {:.2} ms | {ratio} | {per_req} | {share} |\n",
                ph.op.label(),
                load_label(ph.mode),
                group(ph.rate()),
                ms(&ph.latency, 0.5),
                ms(&ph.latency, 0.99),
            ));
        }
        let verdict = |g: Option<bool>| match g {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "not measured",
        };
        let (rate_goal, p99_goal) = self.goals();
        out.push_str(&format!(
            "\nGoal get by id >= {} requests/s (closed loop): {}.\n\
             Goal get by id p99 < {GOAL_P99_MS} ms at {} requests/s (open loop): {}.\n",
            group(GOAL_GET_RATE),
            verdict(rate_goal),
            group(f64::from(p.rate)),
            verdict(p99_goal),
        ));
        if let Some(bound) = self
            .find(Op::Get, false)
            .and_then(|g| server_only_bound(g, m.nproc))
        {
            out.push_str(&format!(
                "\n- Get by id with the load generator's CPU given to the server: at most about \
                 {} requests/s on {} cores (server CPU per request alone; an upper bound).\n",
                group(bound),
                m.nproc,
            ));
        }
        for ph in &self.phases {
            if let Some(lag) = &ph.send_lag {
                out.push_str(&format!(
                    "\n- Open loop: latency counts from when each request was due. The load \
                     generator itself sent them {:.2} ms late at p50 and {:.2} ms at p99 \
                     (its pacer thread's wake-up and scheduling), included in the latency.\n",
                    ms(lag, 0.5),
                    ms(lag, 0.99),
                ));
            }
        }
        out
    }

    pub fn to_json(&self) -> Value {
        let m = &self.machine;
        let p = &self.plan;
        let base = self.baseline().map(PhaseResult::rate);
        let phases: Vec<Value> = self
            .phases
            .iter()
            .map(|ph| {
                let q = |h: &Histogram<u64>| {
                    json!({
                        "p50_ms": ms(h, 0.5),
                        "p90_ms": ms(h, 0.9),
                        "p99_ms": ms(h, 0.99),
                        "p999_ms": ms(h, 0.999),
                        "max_ms": h.max() as f64 / 1_000.0,
                    })
                };
                let (mode, rate) = match ph.mode {
                    Mode::Closed { .. } => ("closed", None),
                    Mode::Open { rate, .. } => ("open", Some(rate)),
                };
                json!({
                    "operation": ph.op.label(),
                    "mode": mode,
                    "target_rate": rate,
                    "requests": ph.completed,
                    "seconds": ph.measured.as_secs_f64(),
                    "requests_per_second": ph.rate(),
                    "ratio_to_healthz": match (ph.mode, base) {
                        (Mode::Closed { .. }, Some(b)) => Some(ph.rate() / b.max(1e-9)),
                        _ => None,
                    },
                    "latency": q(&ph.latency),
                    "send_lag": ph.send_lag.as_ref().map(q),
                    "server_cpu_seconds": ph.cpu.map(|c| c.server.as_secs_f64()),
                    "load_generator_cpu_seconds": ph.cpu.map(|c| c.client.as_secs_f64()),
                    "server_only_bound_per_second": server_only_bound(ph, m.nproc),
                })
            })
            .collect();
        let (rate_goal, p99_goal) = self.goals();
        json!({
            "machine": {
                "cpu": m.cpu,
                "nproc": m.nproc,
                "load_before": m.load_before,
                "load_after": m.load_after,
            },
            "customers": p.customers,
            "connections": p.connections,
            "server_threads": p.server_threads,
            "client_threads": p.client_threads,
            "protocol": self.negotiated.alpn,
            "tls_version": self.negotiated.version,
            "tls_suite": self.negotiated.suite,
            "seed": p.seed,
            "goal_get_rate": GOAL_GET_RATE,
            "goal_get_rate_met": rate_goal,
            "goal_p99_ms": GOAL_P99_MS,
            "goal_p99_met": p99_goal,
            "phases": phases,
        })
    }
}
