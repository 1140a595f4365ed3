//! `gembok scan PATH...`: report the spreadsheets that hold customer data, column by
//! column, with one masked example each. Exits 1 when any personal data was found, so
//! a script or a cron job can alert on it.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use gembok_ingest::{column_letters, FileReport, Limits, PiiType, ScanReport};

use crate::cli::OutputFormat;

pub fn run(out: OutputFormat, paths: &[PathBuf]) -> Result<()> {
    let report = gembok_ingest::scan(paths, &Limits::default());
    let text = match out {
        OutputFormat::Json => report.to_json().to_string(),
        OutputFormat::Human => human(&report),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")?;
    stdout.flush()?;
    if report.found_personal_data() {
        std::process::exit(1);
    }
    Ok(())
}

fn title(f: &FileReport) -> String {
    match &f.sheet {
        Some(s) => format!("{} [{s}]", f.path.display()),
        None => f.path.display().to_string(),
    }
}

fn human(report: &ScanReport) -> String {
    let mut s = String::new();
    for f in &report.files {
        let t = match &f.table {
            Err(e) => {
                let _ = writeln!(s, "{}: cannot read: {e}\n", title(f));
                continue;
            }
            Ok(t) => t,
        };
        let format = f.format.map_or("?", |x| x.as_str());
        let _ = writeln!(s, "{} ({format}, {} rows)", title(f), t.rows);
        if t.columns.is_empty() {
            s.push_str("  (empty)\n\n");
            continue;
        }
        let width = t
            .columns
            .iter()
            .filter_map(|c| c.header.as_deref())
            .map(|h| h.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(6, 30);
        let _ = writeln!(
            s,
            "  col  {:width$}  {:12} {:>5} {:>7}  example",
            "header", "type", "conf", "cells"
        );
        for c in &t.columns {
            let header: String = c
                .header
                .as_deref()
                .unwrap_or("-")
                .chars()
                .take(width)
                .collect();
            let (ty, conf) = match c.pii {
                Some(p) => (p.as_str(), format!("{:.2}", c.confidence)),
                None => ("-", String::new()),
            };
            let line = format!(
                "  {:4} {header:width$}  {ty:12} {conf:>5} {:>7}  {}",
                column_letters(c.index),
                c.count,
                c.example.as_deref().unwrap_or("")
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        s.push('\n');
    }
    summary(report, &mut s);
    s.trim_end().to_owned()
}

fn summary(report: &ScanReport, s: &mut String) {
    let found: Vec<&FileReport> = report.with_personal_data().collect();
    let unreadable = report.files.iter().filter(|f| f.table.is_err()).count();
    let _ = writeln!(
        s,
        "Summary: {} sheet(s) scanned, {} with unprotected customer data{}.",
        report.files.len(),
        found.len(),
        if unreadable > 0 {
            format!(", {unreadable} could not be read")
        } else {
            String::new()
        }
    );
    for f in &found {
        let types: Vec<&str> = f.types().into_iter().map(PiiType::as_str).collect();
        let _ = writeln!(s, "  {}: {}", title(f), types.join(", "));
    }
    if found
        .iter()
        .any(|f| f.types().contains(&PiiType::CardNumber))
    {
        s.push_str(
            "Card numbers found: do not keep them at all; a payment gateway keeps cards, \
             you keep its reference.\n",
        );
    }
    if !found.is_empty() {
        s.push_str(
            "Move the rest into the vault with `gembok import FILE --collection customers`, \
             then delete the spreadsheet and its copies.\n",
        );
    }
}
