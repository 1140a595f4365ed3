//! `gembok-bench`: measures the vault against plain baselines in one run and prints the
//! ratios (see `docs/BENCHMARKS.md`).
//!
//! This file only parses the options and prints the report; `run` sequences the
//! phases, each of which lives in its own module. Progress goes to standard error so
//! standard output holds just the report.
#![forbid(unsafe_code)]

mod args;
mod breakdown;
mod data;
mod insert;
mod plain;
mod read;
mod report;
mod run;
mod seal;
mod timing;

use anyhow::Result;
use clap::Parser;

use crate::args::{Args, Output};

fn main() -> Result<()> {
    let plan = Args::parse().plan()?;
    let report = run::run(&plan)?;
    match plan.output {
        Output::Markdown => print!("{}", report.to_markdown()),
        Output::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
    }
    Ok(())
}
