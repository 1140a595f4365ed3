//! `gembok init`: a new vault with its key file and schema.

use std::path::Path;

use anyhow::{Context, Result};
use gembok_core::{Schema, DEFAULT_SCHEMA};
use serde_json::json;

use crate::cli::OutputFormat;
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(
    dir: &VaultDir,
    out: OutputFormat,
    schema: Option<&Path>,
    key_file: Option<&Path>,
) -> Result<()> {
    let text = match schema {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => DEFAULT_SCHEMA.to_owned(),
    };
    Schema::parse(&text)?;
    let (vault, key_path) = dir.init(&text, key_file)?;
    let info = vault.info();
    let (cert, _) = dir.tls_files();
    let fingerprint = gembok_server::certificate_fingerprint(&cert)?;
    emit(
        out,
        &json!({
            "data_dir": dir.root.display().to_string(),
            "key_file": key_path.display().to_string(),
            "key_id": info.master_key_id,
            "vault_id": info.vault_id,
            "tls_certificate": cert.display().to_string(),
            "tls_fingerprint_sha256": fingerprint,
        }),
        || {
            format!(
                "Vault created in {}\n  master key {} (id {})\n  TLS certificate {} (SHA-256 {})\n\
                 Keep the key file off this machine's backups and store a copy offline:\n\
                 without it the data cannot be read, and with it anyone can read everything.",
                dir.root.display(),
                key_path.display(),
                info.master_key_id,
                cert.display(),
                fingerprint
            )
        },
    );
    Ok(())
}
