//! The API report's Markdown rows, goal verdicts and JSON, on made-up phases.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use super::conn::Negotiated;
use super::cpu::CpuTimes;
use super::load::histogram;
use super::load::{Mode, PhaseResult};
use super::report::ApiReport;
use super::workload::Op;
use super::{ApiPlan, Protocol};
use crate::report::Machine;

fn phase(op: Op, mode: Mode, completed: u64, p50_us: u64, p99_us: u64) -> PhaseResult {
    let mut latency = histogram();
    // 98 requests at p50, 2 at p99: the 99th percentile is the slow value.
    latency.record_n(p50_us, 98).unwrap();
    latency.record_n(p99_us, 2).unwrap();
    PhaseResult {
        op,
        mode,
        completed,
        measured: Duration::from_secs(10),
        latency,
        send_lag: matches!(mode, Mode::Open { .. }).then(histogram),
        cpu: Some(CpuTimes {
            server: Duration::from_millis(completed / 10),
            client: Duration::from_millis(completed / 10),
        }),
    }
}

fn sample(get_rate: u64, open_p99_us: u64) -> ApiReport {
    let closed = Mode::Closed { connections: 32 };
    let open = Mode::Open {
        rate: 1_000,
        connections: 32,
    };
    ApiReport {
        machine: Machine {
            cpu: "Test CPU".into(),
            nproc: 2,
            sqlite: "3.0.0".into(),
            load_before: "0.10 0.20 0.30".into(),
            load_after: "1.00 1.00 1.00".into(),
        },
        plan: ApiPlan {
            customers: 10_000,
            connections: 32,
            measure: Duration::from_secs(10),
            warmup: Duration::from_secs(2),
            rate: 1_000,
            protocol: Protocol::H1,
            server_threads: 2,
            client_threads: 2,
            ops: vec![Op::Healthz, Op::Get],
            seed: 1,
            dir: PathBuf::from("/tmp"),
            unaudited: false,
            compare_rounds: 1,
        },
        negotiated: Negotiated {
            version: "TLSv1_3".into(),
            suite: "TLS13_AES_256_GCM_SHA384".into(),
            alpn: "http/1.1".into(),
        },
        phases: vec![
            phase(Op::Healthz, closed, 400_000, 500, 1_500),
            phase(Op::Get, closed, get_rate * 10, 2_000, 4_000),
            phase(Op::Get, open, 10_000, 1_000, open_p99_us),
        ],
    }
}

#[test]
fn markdown_rows_ratios_and_cpu() {
    let md = sample(12_000, 3_000).to_markdown();
    assert!(
        md.contains(
            "| healthz (baseline) | closed, 32 conns | 40,000 | 0.50 ms | 1.50 ms | 1.00 | 100 µs | 50 % |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| get by id | closed, 32 conns | 12,000 | 2.00 ms | 4.00 ms | 0.30 |"),
        "{md}"
    );
    assert!(
        md.contains("| get by id | open, 1,000 req/s, 32 conns | 1,000 | 1.00 ms | 3.00 ms | - |"),
        "{md}"
    );
    assert!(md.contains("HTTP/1.1 over TLSv1_3 (TLS13_AES_256_GCM_SHA384)"));
    assert!(md.contains("10,000 customers preloaded"));
    assert!(md.contains("Open loop: latency counts from when each request was due"));
    // 120,000 gets on 12 s of server CPU: 100 µs each, so 20,000/s on 2 cores.
    assert!(
        md.contains("at most about 20,000 requests/s on 2 cores"),
        "{md}"
    );
}

#[test]
fn goals_table() {
    // (closed-loop get rate, open-loop p99 in µs, rate goal, p99 goal)
    let cases = [
        (12_000, 3_000, true, true),
        (9_999, 3_000, false, true),
        (10_000, 10_000, true, false),
        (20_000, 9_990, true, true),
    ];
    for (rate, p99, want_rate, want_p99) in cases {
        let r = sample(rate, p99);
        assert_eq!(r.goals(), (Some(want_rate), Some(want_p99)), "{rate} {p99}");
        let md = r.to_markdown();
        let line =
            |goal: &str, met: bool| format!("{goal}: {}.", if met { "met" } else { "NOT met" });
        assert!(md.contains(&line("(closed loop)", want_rate)), "{md}");
        assert!(md.contains(&line("(open loop)", want_p99)), "{md}");
    }
    let mut r = sample(12_000, 3_000);
    r.phases.truncate(1);
    assert_eq!(r.goals(), (None, None));
    assert!(r.to_markdown().contains("not measured"));
}

#[test]
fn json_carries_raw_numbers() {
    // Under 2,048 µs the histogram is exact; above, it reports the top of a bucket.
    let j = sample(12_000, 1_500).to_json();
    assert_eq!(j["phases"][0]["requests"], 400_000);
    assert_eq!(j["phases"][1]["requests_per_second"], 12_000.0);
    assert_eq!(j["phases"][1]["ratio_to_healthz"], 0.3);
    assert_eq!(j["phases"][2]["mode"], "open");
    assert_eq!(j["phases"][2]["target_rate"], 1_000);
    assert_eq!(j["phases"][2]["ratio_to_healthz"], Value::Null);
    assert_eq!(j["phases"][2]["latency"]["p99_ms"], 1.5);
    assert_eq!(j["phases"][0]["send_lag"], Value::Null);
    assert_eq!(j["goal_get_rate_met"], true);
    assert_eq!(j["protocol"], "http/1.1");
    assert_eq!(j["machine"]["nproc"], 2);
}
