//! `gembok backup list|status|prune`: what a destination holds, whether its newest
//! good backup is recent enough, and removing what the retention policy no longer
//! keeps.

use anyhow::Result;
use gembok_backup::retention::{self, KeepPolicy};
use gembok_backup::SignedManifest;
use gembok_core::{Actor, AuditEvent};
use gembok_crypto::{AuditSigner, MasterKey};
use serde_json::json;
use time::OffsetDateTime;

use super::{coded, counts_text, destination, key_or_vault, now_ms};
use crate::backup_settings::BackupSettings;
use crate::cli::OutputFormat;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub(super) fn list(dir: &VaultDir, out: OutputFormat, to: Option<String>) -> Result<()> {
    let dest = destination(dir, to)?;
    let entries = gembok_backup::list(&dest).map_err(coded)?;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"name": e.name, "created_at": e.manifest.as_ref().map(|m| m.manifest.created_at.clone()),
                   "counts": e.manifest.as_ref().map(|m| m.manifest.facts.counts.clone())})
        })
        .collect();
    emit(
        out,
        &json!({"destination": dest.describe(), "backups": rows}),
        || {
            if entries.is_empty() {
                return format!("no backup in {}", dest.describe());
            }
            entries
                .iter()
                .map(|e| match &e.manifest {
                    Some(m) => format!(
                        "{}  {}  {}",
                        e.name,
                        m.manifest.created_at,
                        counts_text(&m.manifest.facts)
                    ),
                    None => format!("{}  (manifest unreadable)", e.name),
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
    );
    Ok(())
}

/// The newest backup whose manifest is signed by this vault's audit key, when the key
/// file is at hand; else the newest with a readable manifest.
fn newest<'a>(
    dir: &VaultDir,
    entries: &'a [gembok_backup::BackupEntry],
) -> Option<&'a SignedManifest> {
    let vault_key = key_or_vault(dir, None)
        .ok()
        .flatten()
        .and_then(|k| MasterKey::load_file(&k).ok())
        .and_then(|m| AuditSigner::from_master(&m).ok())
        .map(|s| s.public_key());
    entries
        .iter()
        .rev()
        .filter_map(|e| e.manifest.as_ref())
        .find(|m| vault_key.is_none() || m.verify(vault_key.as_ref()).is_ok())
}

pub(super) fn status(
    dir: &VaultDir,
    out: OutputFormat,
    to: Option<String>,
    max_age_days: Option<u64>,
) -> Result<()> {
    let max_age_days = match max_age_days {
        Some(d) => d,
        None => BackupSettings::load(&dir.root)?.job.stale_after.as_secs() / 86_400,
    };
    let dest = destination(dir, to)?;
    let entries = gembok_backup::list(&dest).map_err(coded)?;
    let Some(m) = newest(dir, &entries) else {
        emit(
            out,
            &json!({"destination": dest.describe(), "count": entries.len(), "ok": false}),
            || {
                format!(
                    "no good backup in {} / tidak ada cadangan yang baik",
                    dest.describe()
                )
            },
        );
        return Err(exit::fail(exit::OTHER, "no backup found"));
    };
    let age_ms = now_ms(OffsetDateTime::now_utc())
        .saturating_sub(m.manifest.created_at_ms)
        .max(0);
    let age_hours = age_ms as f64 / 3_600_000.0;
    let ok = (age_ms as u64) <= max_age_days * 86_400_000;
    emit(
        out,
        &json!({"destination": dest.describe(), "count": entries.len(), "last_success": m.manifest.created_at,
                "last_name": m.manifest.name, "age_hours": (age_hours * 10.0).round() / 10.0, "ok": ok}),
        || {
            format!(
                "{} backup(s) in {}; last success {} ({}), {:.1} hours ago / {:.1} jam yang lalu{}",
                entries.len(),
                dest.describe(),
                m.manifest.created_at,
                m.manifest.name,
                age_hours,
                age_hours,
                if ok { "" } else { " — STALE / USANG" }
            )
        },
    );
    if ok {
        Ok(())
    } else {
        Err(exit::fail(
            exit::OTHER,
            format!("the newest backup is older than {max_age_days} days"),
        ))
    }
}

pub(super) fn prune(
    dir: &VaultDir,
    out: OutputFormat,
    to: Option<String>,
    dry_run: bool,
) -> Result<()> {
    let keep: KeepPolicy = BackupSettings::load(&dir.root)?.job.keep;
    let dest = destination(dir, to)?;
    let plan = retention::prune(&dest, keep, dry_run).map_err(coded)?;
    if !dry_run && !plan.prune.is_empty() && dir.exists() {
        let vault = dir.open()?;
        let event = AuditEvent::new(
            &Actor::local_operator(),
            "backup.prune",
            now_ms(OffsetDateTime::now_utc()),
        )
        .code(&format!("removed:{}", plan.prune.len()));
        vault.audit().record(event)?;
    }
    emit(
        out,
        &json!({"destination": dest.describe(), "dry_run": dry_run, "kept": plan.keep, "pruned": plan.prune,
                "keep_daily": keep.daily, "keep_weekly": keep.weekly, "keep_monthly": keep.monthly}),
        || {
            let verb = if dry_run {
                "would delete / akan dihapus"
            } else {
                "deleted / dihapus"
            };
            let mut s = format!(
                "{}: keeping {} backup(s) ({} daily, {} weekly, {} monthly); {} {verb}",
                dest.describe(),
                plan.keep.len(),
                keep.daily,
                keep.weekly,
                keep.monthly,
                plan.prune.len()
            );
            for name in &plan.prune {
                s.push_str(&format!("\n  {name}"));
            }
            s
        },
    );
    Ok(())
}
