//! `gembok init`: a new vault with its key file and schema and, with `--owner EMAIL`,
//! the owner's staff account with its one-time enrolment token.

use std::path::Path;

use anyhow::{Context, Result};
use gembok_core::accounts::StaffEmail;
use gembok_core::{Schema, DEFAULT_SCHEMA};
use serde_json::json;

use super::user;
use crate::cli::OutputFormat;
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(
    dir: &VaultDir,
    out: OutputFormat,
    schema: Option<&Path>,
    key_file: Option<&Path>,
    owner: Option<&str>,
) -> Result<()> {
    let text = match schema {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => DEFAULT_SCHEMA.to_owned(),
    };
    Schema::parse(&text)?;
    // A bad address is refused before anything is created.
    if let Some(email) = owner {
        StaffEmail::parse(email).map_err(user::account_error)?;
    }
    let (vault, key_path) = dir.init(&text, key_file)?;
    let info = vault.info();
    let (cert, _) = dir.tls_files();
    let fingerprint = gembok_server::certificate_fingerprint(&cert)?;
    let created = match owner {
        Some(email) => {
            let accounts = user::open_accounts(dir, &vault, &dir.settings()?)
                .context("the vault was created, but not the owner account: run `gembok user add EMAIL --role owner`")?;
            Some(user::create_owner(&accounts, email).context(
                "the vault was created, but not the owner account: run `gembok user add EMAIL --role owner`",
            )?)
        }
        None => None,
    };
    let mut value = json!({
        "data_dir": dir.root.display().to_string(),
        "key_file": key_path.display().to_string(),
        "key_id": info.master_key_id,
        "vault_id": info.vault_id,
        "tls_certificate": cert.display().to_string(),
        "tls_fingerprint_sha256": fingerprint,
    });
    if let Some(c) = &created {
        value["owner"] = json!({
            "id": c.info.id,
            "email": c.info.email.expose(),
            "role": c.info.role.as_str(),
            "expires_at": c.expires_at,
        });
        value["enrolment_token"] = json!(c.enrolment_token.expose());
    }
    emit(out, &value, || {
        let owner_text = created.as_ref().map_or_else(String::new, |c| {
            format!(
                "\n\nOwner account {} created for {} (pending enrolment).\n{}",
                c.info.id,
                c.info.email.expose(),
                user::enrolment_help(c)
            )
        });
        format!(
                "Vault created in {}\n  master key {} (id {})\n  TLS certificate {} (SHA-256 {})\n\
                 Keep the key file off this machine's backups and store a copy offline:\n\
                 without it the data cannot be read, and with it anyone can read everything.{owner_text}",
                dir.root.display(),
                key_path.display(),
                info.master_key_id,
                cert.display(),
                fingerprint
            )
    });
    Ok(())
}
