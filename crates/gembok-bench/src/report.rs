//! Results and how they are shown: a Markdown table or one JSON document.
//!
//! A measurement keeps raw counts and durations; rates and ratios are derived when
//! printing, so the JSON carries everything needed to recompute them.

use std::time::Duration;

use serde_json::{json, Value};

use crate::timing::Pair;

/// The ratio every vault/baseline pair should reach (the goal in the issue).
pub const GOAL_RATIO: f64 = 0.5;

/// One operation measured on both sides over the same amount of work.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub operation: &'static str,
    /// Rows per transaction for inserts; `None` where batching does not apply.
    pub batch: Option<usize>,
    /// What is counted: `rows`, `ops` or `seals`.
    pub unit: &'static str,
    /// Units of work done by each side.
    pub count: u64,
    pub time: Pair,
}

impl Measurement {
    pub fn vault_rate(&self) -> f64 {
        rate(self.count, self.time.vault)
    }

    pub fn baseline_rate(&self) -> f64 {
        rate(self.count, self.time.baseline)
    }

    /// Vault throughput divided by baseline throughput (1.0 = as fast as plain).
    pub fn ratio(&self) -> f64 {
        self.vault_rate() / self.baseline_rate()
    }
}

fn rate(count: u64, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64().max(1e-9)
}

/// Where the numbers came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub nproc: usize,
    pub sqlite: String,
    /// `/proc/loadavg` at the start and end of the run: a busy machine shows here.
    pub load_before: String,
    pub load_after: String,
}

impl Machine {
    pub fn probe() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpu,
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            sqlite: rusqlite::version().to_owned(),
            load_before: loadavg(),
            load_after: String::new(),
        }
    }
}

/// The three load averages, or `unknown`.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub machine: Machine,
    pub rows: usize,
    pub lookups: usize,
    pub seed: u64,
    pub measurements: Vec<Measurement>,
    /// Extra observations (sub-phase timings, checks), one line each.
    pub notes: Vec<String>,
}

impl Report {
    /// Operations whose ratio is under the goal.
    pub fn below_goal(&self) -> Vec<&Measurement> {
        self.measurements
            .iter()
            .filter(|m| m.ratio() < GOAL_RATIO)
            .collect()
    }

    pub fn to_markdown(&self) -> String {
        let m = &self.machine;
        let mut out = format!(
            "Machine: {} ({} cores), SQLite {}, load average {} before / {} after.\n\
             Rows: {}, lookups: {}, seed: {}.\n\n\
             | operation | batch | vault | baseline | ratio |\n\
             |---|---:|---:|---:|---:|\n",
            m.cpu,
            m.nproc,
            m.sqlite,
            m.load_before,
            m.load_after,
            group(self.rows as f64),
            group(self.lookups as f64),
            self.seed
        );
        for x in &self.measurements {
            out.push_str(&format!(
                "| {} | {} | {} {}/s | {} {}/s | {:.2} |\n",
                x.operation,
                x.batch.map_or("-".into(), |b| b.to_string()),
                group(x.vault_rate()),
                x.unit,
                group(x.baseline_rate()),
                x.unit,
                x.ratio()
            ));
        }
        let below = self.below_goal();
        if below.is_empty() {
            out.push_str(&format!("\nGoal (every ratio >= {GOAL_RATIO}): met.\n"));
        } else {
            let names: Vec<String> = below.iter().map(|x| label(x)).collect();
            out.push_str(&format!(
                "\nGoal (every ratio >= {GOAL_RATIO}): NOT met for {}.\n",
                names.join(", ")
            ));
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                out.push_str(&format!("- {n}\n"));
            }
        }
        out
    }

    pub fn to_json(&self) -> Value {
        let m = &self.machine;
        let results: Vec<Value> = self
            .measurements
            .iter()
            .map(|x| {
                json!({
                    "operation": x.operation,
                    "batch": x.batch,
                    "unit": x.unit,
                    "count": x.count,
                    "vault_seconds": x.time.vault.as_secs_f64(),
                    "baseline_seconds": x.time.baseline.as_secs_f64(),
                    "vault_per_second": x.vault_rate(),
                    "baseline_per_second": x.baseline_rate(),
                    "ratio": x.ratio(),
                })
            })
            .collect();
        json!({
            "machine": {
                "cpu": m.cpu,
                "nproc": m.nproc,
                "sqlite": m.sqlite,
                "load_before": m.load_before,
                "load_after": m.load_after,
            },
            "rows": self.rows,
            "lookups": self.lookups,
            "seed": self.seed,
            "goal_ratio": GOAL_RATIO,
            "goal_met": self.below_goal().is_empty(),
            "results": results,
            "notes": self.notes,
        })
    }
}

fn label(m: &Measurement) -> String {
    match m.batch {
        Some(b) => format!("{} (batch {b})", m.operation),
        None => m.operation.to_owned(),
    }
}

/// A rate rounded to a whole number with thousands separators: `1,234,567`.
pub fn group(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let ms = |v: u64, b: u64| Pair {
            vault: Duration::from_millis(v),
            baseline: Duration::from_millis(b),
        };
        Report {
            machine: Machine {
                cpu: "Test CPU".into(),
                nproc: 2,
                sqlite: "3.0.0".into(),
                load_before: "0.10 0.20 0.30".into(),
                load_after: "1.00 1.00 1.00".into(),
            },
            rows: 50_000,
            lookups: 10_000,
            seed: 1,
            measurements: vec![
                Measurement {
                    operation: "insert",
                    batch: Some(1000),
                    unit: "rows",
                    count: 50_000,
                    time: ms(2_000, 1_000),
                },
                Measurement {
                    operation: "get by id",
                    batch: None,
                    unit: "ops",
                    count: 10_000,
                    time: ms(400, 100),
                },
            ],
            notes: vec!["a note".into()],
        }
    }

    #[test]
    fn group_table() {
        let cases = [
            (0.0, "0"),
            (999.4, "999"),
            (1_000.0, "1,000"),
            (12_345.6, "12,346"),
            (1_234_567.0, "1,234,567"),
            (-5.0, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(group(x), want, "{x}");
        }
    }

    #[test]
    fn markdown_has_the_table_and_flags_ratios_under_the_goal() {
        let md = sample().to_markdown();
        assert!(md.contains("| operation | batch | vault | baseline | ratio |"));
        assert!(
            md.contains("| insert | 1000 | 25,000 rows/s | 50,000 rows/s | 0.50 |"),
            "{md}"
        );
        assert!(
            md.contains("| get by id | - | 25,000 ops/s | 100,000 ops/s | 0.25 |"),
            "{md}"
        );
        assert!(md.contains("NOT met for get by id."), "{md}");
        assert!(md.contains("Test CPU (2 cores)"));
        assert!(md.contains("- a note"));
    }

    #[test]
    fn json_carries_raw_numbers_and_the_verdict() {
        let j = sample().to_json();
        assert_eq!(j["goal_met"], false);
        assert_eq!(j["results"][0]["ratio"], 0.5);
        assert_eq!(j["results"][1]["batch"], Value::Null);
        assert_eq!(j["results"][1]["vault_per_second"], 25_000.0);
        assert_eq!(j["machine"]["nproc"], 2);
    }
}
