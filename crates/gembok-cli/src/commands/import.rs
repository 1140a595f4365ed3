//! `gembok import FILE --collection C`: show the proposed column mapping, ask, then
//! import with a progress bar and report `accepted + rejected = total`.

use std::path::PathBuf;

use anyhow::Result;
use gembok_ingest::import::{parse_map, ImportPlan, PlanOptions};
use gembok_ingest::{column_letters, ImportOptions, ImportSummary, IngestError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::cli::OutputFormat;
use crate::exit::{fail, INVALID, OTHER};
use crate::output::emit;
use crate::vaultdir::VaultDir;

/// The `import` arguments.
pub struct Args {
    pub file: PathBuf,
    pub collection: String,
    pub map: Vec<String>,
    pub dry_run: bool,
    pub yes: bool,
    pub sheet: Option<String>,
    pub rejects: Option<PathBuf>,
    pub batch_size: usize,
}

/// An ingest error with the exit code its kind calls for.
fn coded(e: IngestError) -> anyhow::Error {
    match e {
        IngestError::Vault(core) => core.into(),
        e if e.is_invalid_input() => fail(INVALID, e.to_string()),
        e => fail(OTHER, e.to_string()),
    }
}

pub fn run(dir: &VaultDir, out: OutputFormat, args: Args) -> Result<()> {
    let vault = dir.open()?;
    let overrides = parse_map(&args.map.join(",")).map_err(coded)?;
    let options = PlanOptions {
        sheet: args.sheet.clone(),
        ..PlanOptions::default()
    };
    let plan = gembok_ingest::plan(
        &args.file,
        &vault.schema(),
        &args.collection,
        &overrides,
        &options,
    )
    .map_err(coded)?;
    let human = out == OutputFormat::Human;
    if human {
        print!("{}", plan_text(&plan));
    }
    if !args.dry_run && !args.yes && !confirm(&plan)? {
        return Err(fail(OTHER, "import cancelled; nothing was imported"));
    }
    let opts = ImportOptions {
        batch_size: args.batch_size,
        dry_run: args.dry_run,
        reports_dir: dir.root.join("imports"),
        rejects_path: args.rejects.clone(),
    };
    let bar = ProgressBar::with_draw_target(Some(plan.rows), ProgressDrawTarget::stderr());
    if !human {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let summary = gembok_ingest::import(&vault, &plan, &opts, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let summary = summary.map_err(coded)?;
    emit(out, &summary_json(&summary), || {
        summary_text(&plan, &summary)
    });
    Ok(())
}

fn plan_text(plan: &ImportPlan) -> String {
    let mut s = format!(
        "{} ({}, {} rows{}) -> collection `{}`\n",
        plan.path.display(),
        plan.format.as_str(),
        plan.rows,
        if plan.has_header {
            ", header row"
        } else {
            ", no header row"
        },
        plan.collection
    );
    for c in &plan.columns {
        let header = c.header.as_deref().unwrap_or("-");
        let detected = c.detected.map_or("-", |t| t.as_str());
        let target = match &c.field {
            Some(f) => format!("-> {f}"),
            None => "   (not imported)".to_owned(),
        };
        let line = format!(
            "  {:4} {:24} {:12} {:24} {}",
            column_letters(c.index),
            header.chars().take(24).collect::<String>(),
            detected,
            target,
            c.note.as_deref().unwrap_or("")
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Ask on the terminal; without one, refuse rather than import unasked.
fn confirm(plan: &ImportPlan) -> Result<bool> {
    super::lifecycle::confirm(
        &format!("Import {} rows into `{}`?", plan.rows, plan.collection),
        "refusing to import without confirmation: no terminal to ask on; add --yes",
    )
}

fn summary_json(s: &ImportSummary) -> serde_json::Value {
    json!({
        "accepted": s.accepted,
        "rejected": s.rejected,
        "total": s.total,
        "dry_run": s.dry_run,
        "already_complete": s.already_complete,
        "resumed_from_row": s.resumed_from_row,
        "rejects_report": s.rejects_report.as_ref().map(|p| p.display().to_string()),
    })
}

fn summary_text(plan: &ImportPlan, s: &ImportSummary) -> String {
    let mut t = String::new();
    if s.already_complete {
        t.push_str("This file was already imported completely; nothing was done.\n");
    } else if let Some(row) = s.resumed_from_row {
        t.push_str(&format!("Resumed an interrupted import after row {row}.\n"));
    }
    let verb = if s.dry_run {
        "would be accepted"
    } else {
        "accepted"
    };
    t.push_str(&format!(
        "{} {verb} + {} rejected = {} total (collection `{}`)",
        s.accepted, s.rejected, s.total, plan.collection
    ));
    if s.rejected > 0 {
        if let Some(p) = &s.rejects_report {
            t.push_str(&format!(
                "\nRejected rows are listed in {} (row, column, rule, reason; no values).",
                p.display()
            ));
        }
    }
    if !s.dry_run && s.accepted > 0 {
        t.push_str("\nDelete the spreadsheet and its copies now that the data is in the vault.");
    }
    t
}
