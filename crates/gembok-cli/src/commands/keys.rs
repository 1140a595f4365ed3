//! `gembok keys rotate|rotate-master`.

use anyhow::Result;
use gembok_core::Actor;
use gembok_crypto::MasterKey;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::cli::{KeysCommand, OutputFormat};
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, command: KeysCommand) -> Result<()> {
    let vault = dir.open()?;
    match command {
        KeysCommand::Rotate => {
            // indicatif draws nothing when stderr is not a terminal.
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("re-encrypting {bar:40} {pos}/{len} records ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let report = vault.rotate_data_keys(&Actor::local_operator(), &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            let versions: serde_json::Map<String, serde_json::Value> = report
                .new_versions
                .iter()
                .map(|(c, v)| (c.clone(), json!(v)))
                .collect();
            emit(
                out,
                &json!({"versions": versions, "reencrypted": report.reencrypted, "removed_versions": report.removed_versions}),
                || {
                    format!(
                        "rotated data keys ({}); {} records re-encrypted; {} old key versions removed",
                        report
                            .new_versions
                            .iter()
                            .map(|(c, v)| format!("{c} v{v}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        report.reencrypted,
                        report.removed_versions
                    )
                },
            );
        }
        KeysCommand::RotateMaster { new_key_file } => {
            let old_path = dir.key_path()?;
            let new_master = MasterKey::create_file(&new_key_file)?;
            let new_id = new_master.key_id();
            vault.rotate_master(&Actor::local_operator(), new_master)?;
            dir.set_key_path(&new_key_file)?;
            emit(
                out,
                &json!({"key_file": new_key_file.display().to_string(), "key_id": new_id}),
                || {
                    format!(
                        "master key rotated: the vault now opens with {} (id {new_id}).\n\
                         The old key file {} no longer opens this vault but still opens older\n\
                         backups: keep it with them, or destroy both.",
                        new_key_file.display(),
                        old_path.display()
                    )
                },
            );
        }
        // Routed to `recovery` before the vault is opened; kept here for completeness.
        KeysCommand::Recovery(command) => super::recovery::run(dir, out, command)?,
    }
    Ok(())
}
