//! The `gembok` binary: parse arguments, run one command, print, and exit with a code
//! scripts can rely on (0 ok, 1 other, 2 usage, 3 invalid data, 4 not found,
//! 5 integrity failure). All the work happens in the library crates.
#![forbid(unsafe_code)]

mod account_notices;
mod backup_settings;
mod cli;
mod commands;
mod config;
mod erasure_notices;
mod exit;
mod lifecycle_settings;
mod monitoring;
mod output;
mod scan;
mod vaultdir;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let format = cli.output;
    if let Err(err) = commands::run(cli) {
        let code = exit::code_for(&err);
        output::print_error(format, &err, code);
        std::process::exit(code);
    }
}
