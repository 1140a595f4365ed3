//! `gembok retention run` and `gembok report minimisation`: the schema's retention
//! periods enforced now (or counted, with `--dry-run`), and the fields and purposes
//! nobody used lately. Both print counts and names of fields, never a value.
//!
//! A retention run can erase inactive subjects (`[retention] inactive_years`), so it
//! registers the erasure ledger file and `[[erasure.webhook]]` like `subject erase`.

use anyhow::Result;
use clap::Subcommand;
use gembok_core::lifecycle::RetentionOptions;
use serde_json::json;

use super::apikey::now_ms;
use super::lifecycle::{access, open, rfc3339};
use crate::cli::OutputFormat;
use crate::erasure_notices::OneShot;
use crate::exit::{fail, INVALID};
use crate::output::emit;
use crate::vaultdir::VaultDir;

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Delete what is past its retention period now (the server does it on its own
    /// every `[retention] every_hours`).
    Run {
        /// Count what would go; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Fields nobody read and purposes nobody used: candidates to stop collecting.
    Minimisation {
        /// Days to look back.
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
}

pub fn run(dir: &VaultDir, out: OutputFormat, command: RetentionCommand) -> Result<()> {
    let RetentionCommand::Run { dry_run } = command;
    let o = open(dir)?;
    let opts = RetentionOptions {
        now: now_ms(),
        dry_run,
        inactive_after: o.settings.lifecycle.inactive_after,
    };
    let hooks = OneShot::attach(&o.vault, &dir.root, &o.settings)?;
    let result = o.gate.run_retention(&o.me, opts);
    hooks.finish();
    let r = result.map_err(access)?;
    emit(
        out,
        &json!({"dry_run": r.dry_run, "records": r.records, "total_records": r.total_records(),
                "fields": r.fields, "inactive_subjects": r.inactive_subjects, "held": r.held}),
        || {
            let verb = if r.dry_run {
                "would delete / akan dihapus"
            } else {
                "deleted / dihapus"
            };
            let mut lines = vec![format!("retention: {} record(s) {verb}", r.total_records())];
            for (c, n) in &r.records {
                lines.push(format!("  {c:24} {n} record(s)"));
            }
            for (f, n) in &r.fields {
                lines.push(format!("  {f:24} {n} value(s)"));
            }
            lines.push(format!(
                "  inactive subjects / subjek tidak aktif: {}",
                r.inactive_subjects
            ));
            lines.push(format!(
                "  kept under legal hold / ditahan: {} record(s)",
                r.held
            ));
            lines.join("\n")
        },
    );
    Ok(())
}

pub fn report(dir: &VaultDir, out: OutputFormat, command: ReportCommand) -> Result<()> {
    let ReportCommand::Minimisation { days } = command;
    if days == 0 || days > 3650 {
        return Err(fail(INVALID, "--days must be 1 to 3650"));
    }
    let o = open(dir)?;
    let r = o
        .gate
        .minimisation_report(&o.me, now_ms(), days)
        .map_err(access)?;
    emit(
        out,
        &json!({"since": r.since, "days": r.days, "reads": r.reads,
                "unread_fields": r.unread_fields, "unused_purposes": r.unused_purposes}),
        || {
            let mut lines = vec![format!(
                "minimisation since {} ({} days, {} reads looked at) / minimisasi data",
                rfc3339(r.since),
                r.days,
                r.reads
            )];
            lines.push(format!(
                "fields never read / kolom tidak pernah dibaca ({}):",
                r.unread_fields.len()
            ));
            lines.extend(r.unread_fields.iter().map(|f| format!("  {f}")));
            lines.push(format!(
                "purposes never used / tujuan tidak pernah dipakai ({}):",
                r.unused_purposes.len()
            ));
            lines.extend(r.unused_purposes.iter().map(|p| format!("  {p}")));
            lines.push(
                "Consider no longer collecting these. / Pertimbangkan untuk berhenti \
                 mengumpulkannya."
                    .into(),
            );
            lines.join("\n")
        },
    );
    Ok(())
}
