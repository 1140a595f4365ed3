//! `gembok audit verify`: walk the whole chain, compare it with the external checkpoint
//! copy, record the outcome, and deliver the alert a failure raises.
//!
//! The external copy defaults to `[audit] checkpoint_file` when it exists: it is what
//! catches events cut off the end together with the checkpoints stored after them.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use gembok_core::audit::{FileSink, VerifyReport};
use gembok_core::{Actor, AuditEvent, Outcome};
use serde_json::json;

use super::super::apikey::now_ms;
use crate::cli::OutputFormat;
use crate::exit::{fail, INTEGRITY};
use crate::monitoring::{attach_monitor, deliver_now, notifier, Collected};
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, checkpoints: Option<&Path>) -> Result<()> {
    let (vault, settings) = dir.open_with_settings()?;
    let monitor = attach_monitor(&vault, &settings)?;
    let notifier = notifier(&settings)?;
    let collected = Arc::new(Collected::default());
    if notifier.is_some() {
        monitor.add_sink(collected.clone());
    }
    let file = checkpoints.map(Path::to_path_buf).or_else(|| {
        settings
            .audit
            .checkpoint_file
            .clone()
            .filter(|p| p.exists())
    });
    let external = match &file {
        Some(p) => FileSink::read(p).with_context(|| format!("checkpoint file {}", p.display()))?,
        None => Vec::new(),
    };

    let started = Instant::now();
    let report = vault.audit().verify(&external)?;
    let seconds = started.elapsed().as_secs_f64();

    let event = match &report.problem {
        None => AuditEvent::new(&Actor::local_operator(), "audit.verify", now_ms())
            .code(&format!("through:{}", report.last_seq)),
        Some(p) => {
            let code = p
                .seq
                .map_or("broken".to_owned(), |s| format!("broken_at:{s}"));
            AuditEvent::new(&Actor::local_operator(), "audit.verify", now_ms())
                .outcome(Outcome::Failed, Some(&code))
        }
    };
    let recorded = vault.audit().record(event);
    if let Some(n) = &notifier {
        deliver_now(n, &collected.take())?;
    }

    let rate = report.events as f64 / seconds.max(1e-9);
    emit(
        out,
        &report_json(&report, seconds, rate, file.as_deref()),
        || report_text(&report, seconds, rate, file.as_deref()),
    );
    if let Some(p) = &report.problem {
        if recorded.is_err() {
            eprintln!("gembok: the failed verification could not be recorded in the audit log");
        }
        return Err(fail(
            INTEGRITY,
            match p.seq {
                Some(seq) => format!(
                    "audit log verification FAILED at event {seq}: {}",
                    p.message
                ),
                None => format!("audit log verification FAILED: {}", p.message),
            },
        ));
    }
    recorded.context("the verification could not be recorded in the audit log")?;
    Ok(())
}

fn report_json(
    r: &VerifyReport,
    seconds: f64,
    rate: f64,
    file: Option<&Path>,
) -> serde_json::Value {
    json!({
        "ok": r.ok(),
        "events": r.events,
        "checkpoints": r.checkpoints,
        "external_checkpoints": r.external_checkpoints,
        "checkpoint_file": file.map(|p| p.display().to_string()),
        "first_seq": r.first_seq,
        "last_seq": r.last_seq,
        "seconds": seconds,
        "events_per_second": rate.round(),
        "problem": r.problem.as_ref().map(|p| json!({"seq": p.seq, "message": p.message})),
    })
}

fn report_text(r: &VerifyReport, seconds: f64, rate: f64, file: Option<&Path>) -> String {
    let head = if r.ok() {
        "audit log verified"
    } else {
        "audit log checked up to the problem"
    };
    let span = if r.events == 0 {
        String::new()
    } else {
        format!(" ({}..{})", r.first_seq, r.first_seq + r.events - 1)
    };
    let external = match file {
        Some(p) => format!(", {} external from {}", r.external_checkpoints, p.display()),
        None => ", no external checkpoint file".to_owned(),
    };
    format!(
        "{head}: {}{span}, {}{external}, in {seconds:.2} s ({rate:.0} events/s)",
        count(r.events, "event"),
        count(r.checkpoints, "stored checkpoint")
    )
}

fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
