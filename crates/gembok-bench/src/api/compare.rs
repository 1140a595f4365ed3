//! `--compare-unaudited`: the same API run against an audited and an unaudited server
//! (auditing switched off, bench-only build), in one process, so that what auditing
//! costs over HTTPS is one ratio from one run.
//!
//! Rounds of four runs, each with a fresh server and vault, in the order audited,
//! unaudited, unaudited, audited: a machine that gets busier or quieter during the run
//! then affects both sides alike. The table gives each closed-loop operation's mean rate
//! on each side, the ratio, and the server CPU per request of each side; a second table
//! lists every run, so that a host whose speed drifts shows it (the healthz column,
//! which never touches the audit log, moves with the host alone).

use anyhow::Result;

use super::load::{Mode, PhaseResult};
use super::{run, ApiPlan, ApiReport};

/// Goal of the audit issue: audited throughput at least this share of unaudited.
pub const GOAL_AUDIT_RATIO: f64 = 0.7;

/// Sides of the four runs, in order (`true`: unaudited).
const ORDER: [bool; 4] = [false, true, true, false];

/// Run `plan` in `compare_rounds` rounds of four runs (both sides, ABBA) and describe
/// the comparison in Markdown.
pub fn run_compare(plan: &ApiPlan) -> Result<String> {
    let mut audited = Vec::new();
    let mut plain = Vec::new();
    let mut runs = Vec::new();
    let total = ORDER.len() * plan.compare_rounds;
    for (i, &unaudited) in ORDER.iter().cycle().take(total).enumerate() {
        let side = if unaudited { "unaudited" } else { "audited" };
        eprintln!("api compare: run {} of {total} ({side})", i + 1);
        let report = run(&ApiPlan {
            unaudited,
            ..plan.clone()
        })?;
        runs.push(run_row(i + 1, side, &report));
        if unaudited {
            plain.push(report);
        } else {
            audited.push(report);
        }
    }
    let mut out = markdown(&audited, &plain);
    out.push_str("\nEvery run, closed-loop requests per second:\n\n");
    out.push_str(&runs_header(plan));
    for row in runs {
        out.push_str(&row);
    }
    Ok(out)
}

/// Header of the per-run table: one column per closed-loop operation of the plan.
fn runs_header(plan: &ApiPlan) -> String {
    let labels: Vec<&str> = plan.ops.iter().map(|op| op.label()).collect();
    format!(
        "| run | side | {} |\n|---|---|{}\n",
        labels.join(" | "),
        "---:|".repeat(labels.len())
    )
}

/// One run's closed-loop rates, in the plan's order of operations.
fn run_row(n: usize, side: &str, report: &ApiReport) -> String {
    let rates: Vec<String> = report
        .plan
        .ops
        .iter()
        .map(|&op| side_rate(std::slice::from_ref(report), op))
        .collect();
    format!("| {n} | {side} | {} |\n", rates.join(" | "))
}

fn side_rate(reports: &[ApiReport], op: super::workload::Op) -> String {
    side(reports, op).map_or_else(|| "-".into(), |(rate, _)| format!("{rate:.0}"))
}

/// Mean rate and mean server CPU per request (µs) of one closed-loop operation.
fn side(reports: &[ApiReport], op: super::workload::Op) -> Option<(f64, Option<f64>)> {
    let phases: Vec<&PhaseResult> = reports
        .iter()
        .filter_map(|r| {
            r.phases
                .iter()
                .find(|p| p.op == op && matches!(p.mode, Mode::Closed { .. }))
        })
        .collect();
    if phases.is_empty() {
        return None;
    }
    let n = phases.len() as f64;
    let rate = phases.iter().map(|p| p.rate()).sum::<f64>() / n;
    let cpu: Option<Vec<f64>> = phases
        .iter()
        .map(|p| {
            let c = p.cpu?;
            (p.completed > 0).then(|| c.server.as_secs_f64() * 1e6 / p.completed as f64)
        })
        .collect();
    Some((rate, cpu.map(|v| v.iter().sum::<f64>() / n)))
}

fn markdown(audited: &[ApiReport], plain: &[ApiReport]) -> String {
    let first = audited.first().map(|r| &r.machine);
    let last = audited.last().map(|r| &r.machine);
    let mut out = format!(
        "Audited against unaudited, {} runs each (rounds of audited, unaudited, unaudited, \
         audited), load average {} before / {} after.\n\n\
         | operation | audited req/s | unaudited req/s | ratio | server CPU per request audited / unaudited |\n\
         |---|---:|---:|---:|---:|\n",
        audited.len(),
        first.map_or("unknown", |m| m.load_before.as_str()),
        last.map_or("unknown", |m| m.load_after.as_str()),
    );
    let ops = audited
        .first()
        .map(|r| r.plan.ops.clone())
        .unwrap_or_default();
    let mut reads_met = None;
    for op in ops {
        let (Some((a, a_cpu)), Some((p, p_cpu))) = (side(audited, op), side(plain, op)) else {
            continue;
        };
        let ratio = a / p.max(1e-9);
        if op != super::workload::Op::Healthz && op != super::workload::Op::Create {
            reads_met = Some(reads_met.unwrap_or(true) && ratio >= GOAL_AUDIT_RATIO);
        }
        let cpu = match (a_cpu, p_cpu) {
            (Some(a), Some(p)) => format!("{a:.0} µs / {p:.0} µs"),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "| {} | {a:.0} | {p:.0} | {ratio:.2} | {cpu} |\n",
            op.label()
        ));
    }
    if let Some(met) = reads_met {
        out.push_str(&format!(
            "\n- Goal reads audited >= {GOAL_AUDIT_RATIO} of unaudited: **{}**.\n",
            if met { "met" } else { "not met" }
        ));
    }
    out
}
