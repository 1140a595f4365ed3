//! `gembok demo`: the guided tour. A throw-away vault, a few thousand generated
//! Indonesian customers, a search by e-mail, a masked and a plain read, and proof that
//! the database files hold none of the values in clear.

use gembok_core::Actor;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Result};
use gembok_core::{Vault, View, DEFAULT_SCHEMA};
use gembok_testdata::Generator;
use indicatif::ProgressBar;
use serde_json::{json, Value};

use crate::cli::OutputFormat;
use crate::output::{emit, record_text};
use crate::scan::scan_files;
use crate::vaultdir::VaultDir;

pub fn run(out: OutputFormat, customers: usize, keep: Option<&Path>) -> Result<()> {
    if customers == 0 {
        bail!("--customers must be at least 1");
    }
    let temp = tempfile::Builder::new().prefix("gembok-demo-").tempdir()?;
    let root = keep.unwrap_or(temp.path());
    let dir = VaultDir::new(root);
    let human = out == OutputFormat::Human;
    let say = |s: &str| {
        if human {
            println!("{s}");
        }
    };
    say("Gembok demo: every value encrypted, every field typed.\n");
    let (vault, key_path) = dir.init(DEFAULT_SCHEMA, None)?;
    say(&format!(
        "1. New vault in {} (master key {}, mode 0600)",
        root.display(),
        key_path.display()
    ));

    let mut gen = Generator::new(2026);
    let rows: Vec<Value> = (0..customers).map(|_| gen.customer_json()).collect();
    let started = Instant::now();
    let bar = ProgressBar::new(customers as u64);
    let mut ids = Vec::with_capacity(customers);
    for chunk in rows.chunks(1000) {
        ids.extend(vault.create_batch(&Actor::local_operator(), "customers", chunk)?);
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    say(&format!(
        "2. Stored {customers} generated customers in {secs:.2} s ({:.0} records/s): 8 fields each, \
         validated, normalised and sealed with AES-256-GCM",
        customers as f64 / secs
    ));

    let pick = customers / 2;
    let email = rows[pick]["email"]
        .as_str()
        .unwrap_or_default()
        .to_uppercase();
    let found = vault.find_ids(&Actor::local_operator(), "customers", "email", &email)?;
    say("3. Searched customers by e-mail, typed in capitals (the blind index sees the normalised value)");
    say(&format!("   matches: {}", found.len()));
    let Some(id) = found.first().copied() else {
        bail!("the demo customer was not found by e-mail");
    };
    let masked = vault.get(
        &Actor::local_operator(),
        "customers",
        id,
        None,
        View::Masked,
    )?;
    let plain = vault.get(&Actor::local_operator(), "customers", id, None, View::Plain)?;
    say("4. What a support agent sees (masked):");
    say(&indent(&record_text(&masked)));
    say("   What the owner sees (plain):");
    say(&indent(&record_text(&plain)));

    let needles = needles(&vault, &rows)?;
    let files = vault_files(&dir);
    let report = scan_files(&files, &needles)?;
    say(&format!(
        "5. Scanned {} bytes of {} database files for {} stored values (as typed and normalised): {} found in clear",
        report.bytes,
        files.len(),
        needles.len(),
        report.hits
    ));
    if report.hits > 0 {
        bail!("plaintext found in the database files");
    }
    if keep.is_none() {
        say("\nThe demo vault was temporary and has been removed. Run `gembok init` for a real one.");
    }
    emit(
        out,
        &json!({
            "customers": customers,
            "records_per_second": (customers as f64 / secs).round(),
            "found_by_email": found.len(),
            "masked": masked.to_json(),
            "scanned_bytes": report.bytes,
            "values_checked": needles.len(),
            "plaintext_hits": report.hits,
        }),
        String::new,
    );
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("   {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every stored value as typed and as normalised (short values would match by chance).
fn needles(vault: &Vault, rows: &[Value]) -> Result<Vec<String>> {
    let schema = vault.schema();
    let customers = schema.collection("customers")?;
    let mut out = Vec::new();
    for row in rows {
        for (field, raw) in row.as_object().into_iter().flatten() {
            let Some(raw) = raw.as_str() else { continue };
            let spec = customers.field(field)?;
            out.push(raw.to_owned());
            if let Ok(n) = spec.field_type.normalize(raw) {
                out.push(n.as_str().to_owned());
            }
        }
    }
    out.retain(|n| n.len() >= 6);
    out.sort();
    out.dedup();
    Ok(out)
}

fn vault_files(dir: &VaultDir) -> Vec<std::path::PathBuf> {
    let db = dir.db_path();
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| std::path::PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}
