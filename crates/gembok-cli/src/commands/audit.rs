//! `gembok audit verify|list|export|prune`: the audit log from the vault's own machine,
//! by its operator (who acts as the owner). Reading the log is itself recorded, as the
//! API does; verification records its outcome so the monitor can raise an alert.

mod read;
mod verify;

use anyhow::Result;
use gembok_core::Actor;
use serde_json::json;

use super::apikey::now_ms;
use crate::cli::{AuditCommand, OutputFormat};
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, command: AuditCommand) -> Result<()> {
    match command {
        AuditCommand::Verify { checkpoints } => verify::run(dir, out, checkpoints.as_deref()),
        AuditCommand::List {
            principal,
            action,
            record,
            since,
            until,
            limit,
            before,
        } => read::list(
            dir,
            out,
            read::Filter {
                principal,
                action,
                record,
                since,
                until,
            },
            limit,
            before,
        ),
        AuditCommand::Export { after, file } => read::export(dir, out, after, file.as_deref()),
        AuditCommand::Prune => prune(dir, out),
    }
}

fn prune(dir: &VaultDir, out: OutputFormat) -> Result<()> {
    let (vault, settings) = dir.open_with_settings()?;
    let report = vault.audit().prune(&Actor::local_operator(), now_ms())?;
    let days = settings.audit.retention_days;
    emit(
        out,
        &json!({"removed": report.removed, "anchor_seq": report.anchor_seq, "retention_days": days}),
        || {
            if report.removed == 0 {
                format!("no audit events older than {days} days; nothing removed")
            } else {
                format!(
                    "removed {} audit events older than {days} days; the chain now starts after event {}",
                    report.removed, report.anchor_seq
                )
            }
        },
    );
    Ok(())
}
