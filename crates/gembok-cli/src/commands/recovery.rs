//! `gembok keys export-recovery|import-recovery`: the key recovery kit, around
//! `gembok_backup::recovery`.
//!
//! The passphrase comes from `GEMBOK_RECOVERY_PASSPHRASE`, else a prompt on the
//! terminal (asked twice on export), else one line of standard input. It is never
//! echoed, logged or put in an error.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use gembok_backup::age::secrecy::{ExposeSecret, SecretString};
use gembok_backup::recovery;
use serde_json::json;

use super::backup::coded;
use crate::cli::OutputFormat;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

const PASSPHRASE_ENV: &str = "GEMBOK_RECOVERY_PASSPHRASE";
const MIN_PASSPHRASE: usize = 12;

#[derive(Subcommand, Debug)]
pub enum RecoveryCommand {
    /// Write the master key recovery kit: under a passphrase, or as k-of-n shares.
    ExportRecovery {
        /// The kit file (with --shares: the prefix of `<out>.share-<i>-of-<n>`).
        #[arg(long)]
        out: PathBuf,
        /// Split into this many shares instead of using a passphrase.
        #[arg(long, requires = "threshold")]
        shares: Option<u8>,
        /// Shares needed to rebuild the key.
        #[arg(long, requires = "shares")]
        threshold: Option<u8>,
        /// The key file to export (default: the vault's).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Rebuild a master key file from a passphrase kit or from share files.
    ImportRecovery {
        /// The kit file, or at least k share files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The new key file to write (mode 0600; never over an existing file).
        #[arg(long)]
        out: PathBuf,
    },
}

fn passphrase(confirm: bool) -> Result<SecretString> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(SecretString::from(p));
    }
    if std::io::stdin().is_terminal() {
        let first = SecretString::from(rpassword::prompt_password("recovery passphrase: ")?);
        if confirm {
            let again = rpassword::prompt_password("again: ")?;
            if again != first.expose_secret() {
                return Err(exit::fail(exit::INVALID, "the passphrases differ"));
            }
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

pub fn run(dir: &VaultDir, out: OutputFormat, command: RecoveryCommand) -> Result<()> {
    match command {
        RecoveryCommand::ExportRecovery {
            out: file,
            shares,
            threshold,
            key_file,
        } => {
            let key = match key_file {
                Some(k) => k,
                None => dir.key_path()?,
            };
            if let (Some(n), Some(k)) = (shares, threshold) {
                let files = recovery::export_shares(&key, k, n, &file).map_err(coded)?;
                let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                emit(out, &json!({"shares": names, "threshold": k}), || {
                    format!(
                        "{n} shares written, any {k} rebuild the master key:\n  {}\n\
                         Give each to a different owner and store them apart; without the \
                         recovery kit a backup is useless.",
                        names.join("\n  ")
                    )
                });
                return Ok(());
            }
            let pass = passphrase(true)?;
            if pass.expose_secret().chars().count() < MIN_PASSPHRASE {
                return Err(exit::fail(
                    exit::INVALID,
                    format!("the passphrase must be at least {MIN_PASSPHRASE} characters"),
                ));
            }
            let id = recovery::export_passphrase(&key, pass, &file).map_err(coded)?;
            emit(
                out,
                &json!({"kit": file.display().to_string(), "key_id": id}),
                || {
                    format!(
                        "recovery kit for master key {id} written to {} (age, passphrase).\n\
                     Print it or copy it offline, keep the passphrase elsewhere; without the \
                     recovery kit a backup is useless.",
                        file.display()
                    )
                },
            );
            Ok(())
        }
        RecoveryCommand::ImportRecovery {
            files,
            out: key_out,
        } => {
            let is_share = std::fs::read_to_string(&files[0])
                .map(|t| t.starts_with("gembok-recovery-share-v1"))
                .unwrap_or(false);
            let id = if is_share {
                recovery::import_shares(&files, &key_out).map_err(coded)?
            } else {
                if files.len() != 1 {
                    return Err(exit::fail(exit::INVALID, "give one passphrase kit file"));
                }
                recovery::import_passphrase(&files[0], passphrase(false)?, &key_out)
                    .map_err(coded)?
            };
            emit(
                out,
                &json!({"key_file": key_out.display().to_string(), "key_id": id}),
                || {
                    format!(
                        "master key {id} rebuilt into {} (mode 0600); restore with \
                     `gembok restore BACKUP --key-file {}`",
                        key_out.display(),
                        key_out.display()
                    )
                },
            );
            Ok(())
        }
    }
}
