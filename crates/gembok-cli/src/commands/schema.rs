//! `gembok schema check|apply`.

use anyhow::{Context, Result};
use gembok_core::Actor;
use gembok_core::{Schema, SchemaDiff};
use serde_json::json;

use crate::cli::{OutputFormat, SchemaCommand};
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, command: SchemaCommand) -> Result<()> {
    match command {
        SchemaCommand::Check { file } => {
            let text = read(&file)?;
            let schema = Schema::parse(&text)?;
            let diff = if dir.exists() {
                Some(dir.open()?.plan_schema(&text)?)
            } else {
                None
            };
            let collections: Vec<String> =
                schema.collections().map(|c| c.name.to_string()).collect();
            emit(
                out,
                &json!({"valid": true, "collections": collections, "changes": diff.as_ref().map(changes)}),
                || {
                    let mut s = format!(
                        "schema is valid: {} collection(s): {}",
                        collections.len(),
                        collections.join(", ")
                    );
                    if let Some(d) = &diff {
                        s.push_str(&describe(d));
                    }
                    s
                },
            );
            Ok(())
        }
        SchemaCommand::Apply { file, allow_drop } => {
            let text = read(&file)?;
            let vault = dir.open()?;
            let diff = vault.apply_schema(&Actor::local_operator(), &text, allow_drop)?;
            if !diff.is_empty() {
                std::fs::write(dir.schema_path(), &text)?;
            }
            let version = vault.info().schema_version;
            emit(
                out,
                &json!({"schema_version": version, "changes": changes(&diff)}),
                || format!("schema version {version}{}", describe(&diff)),
            );
            Ok(())
        }
    }
}

fn read(file: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn changes(diff: &SchemaDiff) -> Vec<String> {
    diff.changes.iter().map(ToString::to_string).collect()
}

fn describe(diff: &SchemaDiff) -> String {
    if diff.is_empty() {
        return "\nno changes against the vault".to_owned();
    }
    let mut s = String::from("\nchanges against the vault:");
    for c in &diff.changes {
        s.push_str(&format!("\n  - {c}"));
    }
    s
}
