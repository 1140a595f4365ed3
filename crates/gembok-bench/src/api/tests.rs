//! The API benchmark's option handling, and one tiny end-to-end run.

use super::*;
use crate::args::{Args, Command};
use clap::Parser;

fn plan(argv: &[&str]) -> Result<ApiPlan> {
    let mut all = vec!["gembok-bench", "api"];
    all.extend_from_slice(argv);
    match Args::try_parse_from(all)?.command {
        Some(Command::Api(a)) => a.plan(),
        None => bail!("no api subcommand"),
    }
}

#[test]
fn defaults_and_quick() {
    let p = plan(&[]).unwrap();
    assert_eq!(
        (p.customers, p.connections, p.rate, p.protocol),
        (10_000, 32, 1_000, Protocol::H1)
    );
    assert_eq!(p.measure, Duration::from_secs(10));
    assert_eq!(p.warmup, Duration::from_secs(2));
    assert_eq!(p.ops, vec![Op::Healthz, Op::Get, Op::Find, Op::Create]);
    let q = plan(&["--quick"]).unwrap();
    assert_eq!((q.customers, q.measure), (2_000, Duration::from_secs(2)));
    assert_eq!(q.warmup, Duration::from_millis(400));
}

#[test]
fn options_table() {
    // argv, then the expected operations, connections and protocol.
    type Case<'a> = (&'a [&'a str], &'a [Op], usize, Protocol);
    let cases: &[Case<'_>] = &[
        (
            &["--only", "get"],
            &[Op::Healthz, Op::Get],
            32,
            Protocol::H1,
        ),
        // Order is the fixed order, whatever the command line says; no duplicates.
        (
            &["--only", "create,find,create"],
            &[Op::Healthz, Op::Find, Op::Create],
            32,
            Protocol::H1,
        ),
        (
            &["--connections", "4", "--protocol", "h2"],
            &[Op::Healthz, Op::Get, Op::Find, Op::Create],
            4,
            Protocol::H2,
        ),
    ];
    for (argv, ops, conns, proto) in cases {
        let p = plan(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        assert_eq!(p.ops, ops.to_vec(), "{argv:?}");
        assert_eq!((p.connections, p.protocol), (*conns, *proto), "{argv:?}");
    }
}

#[test]
fn impossible_plans_are_refused() {
    let bad: &[&[&str]] = &[
        &["--customers", "0"],
        &["--connections", "0"],
        &["--seconds", "0"],
        &["--seconds", "-1"],
        &["--seconds", "NaN"],
        &["--rate", "0"],
        &["--server-threads", "0"],
        &["--only", "delete"],
        &["--protocol", "h3"],
        &["--quick", "--customers", "10"],
    ];
    for argv in bad {
        assert!(plan(argv).is_err(), "{argv:?} should be refused");
    }
}

/// A tiny run against the real server: every phase completes without a single failed
/// request (the harness stops at the first), the open loop answers exactly the requests
/// that were due, and the temporary vault is gone afterwards. Nothing about speed is
/// asserted.
#[test]
fn a_tiny_run_measures_every_phase() {
    let dir = tempfile::tempdir().unwrap();
    let plan = ApiPlan {
        customers: 40,
        connections: 3,
        measure: Duration::from_millis(300),
        warmup: Duration::from_millis(50),
        rate: 200,
        protocol: Protocol::H1,
        server_threads: 1,
        client_threads: 1,
        ops: vec![Op::Healthz, Op::Get, Op::Find, Op::Create],
        seed: 3,
        dir: dir.path().to_owned(),
        unaudited: false,
        compare_rounds: 1,
    };
    let report = run(&plan).unwrap();
    let ops: Vec<(Op, bool)> = report
        .phases
        .iter()
        .map(|p| (p.op, p.send_lag.is_some()))
        .collect();
    assert_eq!(
        ops,
        vec![
            (Op::Healthz, false),
            (Op::Get, false),
            (Op::Find, false),
            (Op::Create, false),
            (Op::Get, true),
        ]
    );
    assert!(report.phases.iter().all(|p| p.completed > 0));
    let open = report.phases.last().unwrap();
    assert_eq!(open.completed, 60, "300 ms at 200 requests/s");
    assert_eq!(open.latency.len(), 60);
    assert_eq!(report.negotiated.alpn, "http/1.1");
    assert!(report.negotiated.version.contains("TLS"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn http2_is_negotiated_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let plan = ApiPlan {
        customers: 10,
        connections: 2,
        measure: Duration::from_millis(100),
        warmup: Duration::from_millis(20),
        rate: 100,
        protocol: Protocol::H2,
        server_threads: 1,
        client_threads: 1,
        ops: vec![Op::Healthz, Op::Get],
        seed: 4,
        dir: dir.path().to_owned(),
        unaudited: false,
        compare_rounds: 1,
    };
    let report = run(&plan).unwrap();
    assert_eq!(report.negotiated.alpn, "h2");
    assert_eq!(report.phases.len(), 3);
    assert_eq!(report.phases[2].completed, 10);
}

#[test]
fn the_audit_comparison_runs_both_sides_and_gives_a_ratio_per_operation() {
    let dir = tempfile::tempdir().unwrap();
    let two = ApiPlan {
        customers: 10,
        connections: 2,
        measure: Duration::from_millis(100),
        warmup: Duration::from_millis(20),
        rate: 100,
        protocol: Protocol::H1,
        server_threads: 1,
        client_threads: 1,
        ops: vec![Op::Healthz, Op::Get, Op::Find],
        seed: 5,
        dir: dir.path().to_owned(),
        unaudited: false,
        compare_rounds: 1,
    };
    let text = run_compare(&two).unwrap();
    assert!(text.contains("2 runs each"), "{text}");
    for label in [Op::Healthz.label(), Op::Get.label(), Op::Find.label()] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("| {label} |"))),
            "{label}: {text}"
        );
    }
    assert!(text.contains("Goal reads audited >= 0.7"), "{text}");
    let sides: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" | ").nth(1))
        .filter(|s| *s == "audited" || *s == "unaudited")
        .collect();
    assert_eq!(
        sides,
        ["audited", "unaudited", "unaudited", "audited"],
        "{text}"
    );
    assert!(plan(&["--compare-unaudited", "--unaudited"]).is_err());
    assert!(plan(&["--compare-unaudited", "--compare-rounds", "0"]).is_err());
    assert!(plan(&["--compare-rounds", "2"]).is_err());
    assert_eq!(
        plan(&["--compare-unaudited", "--compare-rounds", "3"])
            .unwrap()
            .compare_rounds,
        3
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
