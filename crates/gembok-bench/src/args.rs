//! Command-line options and the run plan they resolve to.
//!
//! Parsing is kept apart from running so the defaults (`--quick`, the lookup count that
//! follows the row count) can be checked by unit tests without touching a disk.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Parser, ValueEnum};

/// Rows inserted by `--quick`.
pub const QUICK_ROWS: usize = 5_000;
/// Lookups per read benchmark unless `--lookups` says otherwise (capped by the row count).
const DEFAULT_LOOKUPS: usize = 10_000;

/// How results are printed on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// A Markdown table with the machine description.
    Markdown,
    /// One JSON document.
    Json,
}

/// One measured phase, for `--only`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Phase {
    Insert,
    Get,
    Find,
    Seal,
    /// The vault's insert steps timed one by one (largest batch size).
    Breakdown,
}

/// Gembok benchmark: vault operations against plain SQLite and raw AES-GCM baselines,
/// measured in one run on the same generated rows and printed as ratios.
#[derive(Debug, Parser)]
#[command(name = "gembok-bench", version)]
pub struct Args {
    /// Rows inserted for each batch size (every batch size gets fresh databases).
    #[arg(long, default_value_t = 50_000, conflicts_with = "quick")]
    pub rows: usize,
    /// Rows per transaction, comma separated; each size is a separate insert run.
    #[arg(long, value_delimiter = ',', default_values_t = [100, 1000])]
    pub batch_sizes: Vec<usize>,
    /// Smoke run: 5,000 rows and 1,000 lookups.
    #[arg(long)]
    pub quick: bool,
    /// Lookups per read benchmark (default: 10,000, at most the row count).
    #[arg(long)]
    pub lookups: Option<usize>,
    /// Seed of the generated rows and of the lookup order.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Run only these phases, comma separated (for profiling one of them). Reads still
    /// load their databases through an insert run; it is just not reported.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Phase>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Markdown)]
    pub output: Output,
    /// Folder for the temporary databases (default: the system temp folder). It should
    /// be on the disk you want to measure: a RAM disk makes every fsync free.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// A benchmark with options of its own instead of the vault/baseline phases.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Benchmarks that run instead of the default phases.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The HTTPS API under load against `GET /healthz` of the same server.
    Api(crate::api::ApiArgs),
}

/// What one run does, with every default resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub rows: usize,
    pub batch_sizes: Vec<usize>,
    pub lookups: usize,
    pub seed: u64,
    pub output: Output,
    pub dir: PathBuf,
    pub phases: Vec<Phase>,
}

impl Plan {
    pub fn runs(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }
}

impl Args {
    /// Resolve defaults and refuse plans that cannot run.
    pub fn plan(&self) -> Result<Plan> {
        let rows = if self.quick { QUICK_ROWS } else { self.rows };
        if rows == 0 {
            bail!("--rows must be at least 1");
        }
        if self.batch_sizes.is_empty() {
            bail!("--batch-sizes needs at least one size");
        }
        for &b in &self.batch_sizes {
            if b == 0 || b > gembok_core::MAX_BATCH {
                bail!(
                    "batch size {b} is outside 1..={} (the vault's batch limit)",
                    gembok_core::MAX_BATCH
                );
            }
        }
        let default_lookups = if self.quick { 1_000 } else { DEFAULT_LOOKUPS };
        let lookups = self.lookups.unwrap_or(default_lookups).min(rows);
        if lookups == 0 {
            bail!("--lookups must be at least 1");
        }
        Ok(Plan {
            rows,
            batch_sizes: self.batch_sizes.clone(),
            lookups,
            seed: self.seed,
            output: self.output,
            dir: self.dir.clone().unwrap_or_else(std::env::temp_dir),
            phases: if self.only.is_empty() {
                vec![
                    Phase::Insert,
                    Phase::Get,
                    Phase::Find,
                    Phase::Seal,
                    Phase::Breakdown,
                ]
            } else {
                self.only.clone()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(argv: &[&str]) -> Result<Plan> {
        let mut all = vec!["gembok-bench"];
        all.extend_from_slice(argv);
        Args::try_parse_from(all)?.plan()
    }

    #[test]
    fn defaults_follow_the_brief() {
        let p = plan(&[]).unwrap();
        assert_eq!(p.rows, 50_000);
        assert_eq!(p.batch_sizes, vec![100, 1000]);
        assert_eq!(p.lookups, 10_000);
        assert_eq!(p.output, Output::Markdown);
        assert!([
            Phase::Insert,
            Phase::Get,
            Phase::Find,
            Phase::Seal,
            Phase::Breakdown
        ]
        .iter()
        .all(|&ph| p.runs(ph)));
    }

    #[test]
    fn only_selects_phases() {
        let p = plan(&["--only", "find,seal"]).unwrap();
        assert!(p.runs(Phase::Find) && p.runs(Phase::Seal));
        assert!(!p.runs(Phase::Insert) && !p.runs(Phase::Get));
        assert!(plan(&["--only", "delete"]).is_err());
    }

    /// argv, then the expected rows, batch sizes, lookups and output.
    type Case<'a> = (&'a [&'a str], usize, &'a [usize], usize, Output);

    #[test]
    fn options_table() {
        let cases: &[Case<'_>] = &[
            (&["--quick"], 5_000, &[100, 1000], 1_000, Output::Markdown),
            (&["--rows", "300"], 300, &[100, 1000], 300, Output::Markdown),
            (
                &["--batch-sizes", "10,250,5000"],
                50_000,
                &[10, 250, 5000],
                10_000,
                Output::Markdown,
            ),
            (
                &["--lookups", "42", "--output", "json"],
                50_000,
                &[100, 1000],
                42,
                Output::Json,
            ),
            (
                &["--quick", "--lookups", "9000"],
                5_000,
                &[100, 1000],
                5_000,
                Output::Markdown,
            ),
        ];
        for (argv, rows, batches, lookups, output) in cases {
            let p = plan(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
            assert_eq!(p.rows, *rows, "{argv:?}");
            assert_eq!(p.batch_sizes, batches.to_vec(), "{argv:?}");
            assert_eq!(p.lookups, *lookups, "{argv:?}");
            assert_eq!(p.output, *output, "{argv:?}");
        }
    }

    #[test]
    fn impossible_plans_are_refused() {
        let bad: &[&[&str]] = &[
            &["--rows", "0"],
            &["--batch-sizes", "0"],
            &["--batch-sizes", "100,20000"],
            &["--lookups", "0"],
            &["--quick", "--rows", "10"],
            &["--output", "xml"],
        ];
        for argv in bad {
            assert!(plan(argv).is_err(), "{argv:?} should be refused");
        }
    }
}
