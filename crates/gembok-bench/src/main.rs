//! `gembok-bench`: measures the vault against plain baselines in one run and prints the
//! ratios (see `docs/BENCHMARKS.md`).
//!
//! This file only parses the options and prints the report; `run` sequences the
//! phases, each of which lives in its own module. Progress goes to standard error so
//! standard output holds just the report. `gembok-bench api` runs the HTTPS API
//! benchmark instead (module `api`), with options of its own.
#![forbid(unsafe_code)]

mod api;
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

use crate::args::{Args, Command, Output};

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(Command::Api(api)) = &args.command {
        if api.compare_unaudited {
            print!("{}", api::run_compare(&api.plan()?)?);
            return Ok(());
        }
        let report = api::run(&api.plan()?)?;
        match api.output {
            Output::Markdown => print!("{}", report.to_markdown()),
            Output::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
        }
        return Ok(());
    }
    let plan = args.plan()?;
    let report = run::run(&plan)?;
    match plan.output {
        Output::Markdown => print!("{}", report.to_markdown()),
        Output::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
    }
    Ok(())
}
