//! `gembok audit list` and `gembok audit export`: the log read back, a filtered page
//! newest first, or everything oldest first as JSON lines.
//!
//! Export prints each event's canonical bytes exactly as the chain hashed them, with
//! its position and hash, so anyone holding the export can recompute every link.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use gembok_core::audit::StoredEvent;
use gembok_core::{Actor, AuditEvent};
use gembok_store::AuditQuery;
use gembok_types::RecordId;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::super::apikey::now_ms;
use crate::cli::OutputFormat;
use crate::exit::{fail, INTEGRITY, INVALID};
use crate::output::emit;
use crate::vaultdir::VaultDir;

/// Events per page of an export.
const EXPORT_PAGE: usize = 1000;

/// The filters of `audit list`, as typed.
pub struct Filter {
    pub principal: Option<String>,
    pub action: Option<String>,
    pub record: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl Filter {
    fn query(self) -> Result<AuditQuery> {
        let record = self
            .record
            .map(|r| r.parse::<RecordId>())
            .transpose()
            .map_err(|e| fail(INVALID, format!("--record: {e}")))?;
        Ok(AuditQuery {
            principal: self.principal,
            action: self.action,
            record,
            since: self.since.map(|t| parse_time("--since", &t)).transpose()?,
            until: self.until.map(|t| parse_time("--until", &t)).transpose()?,
        })
    }
}

fn parse_time(flag: &str, text: &str) -> Result<i64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        fail(
            INVALID,
            format!("{flag}: not an RFC 3339 time (e.g. 2026-12-01T09:00:00+07:00)"),
        )
    })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| fail(INVALID, format!("{flag}: time out of range")))
}

fn show_time(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

pub fn list(
    dir: &VaultDir,
    out: OutputFormat,
    filter: Filter,
    limit: usize,
    before: Option<u64>,
) -> Result<()> {
    let query = filter.query()?;
    let vault = dir.open()?;
    let page = vault.audit().query(&query, before, limit)?;
    let mut event = AuditEvent::new(&Actor::local_operator(), "audit.read", now_ms())
        .code(&format!("count:{}", page.events.len()));
    if let Some(r) = query.record {
        event = event.records([r]);
    }
    vault.audit().record(event)?;
    let events: Vec<Value> = page
        .events
        .iter()
        .map(|e| json!({"seq": e.seq, "hash": hex::encode(&e.hash), "event": e.event}))
        .collect();
    emit(out, &json!({"events": events, "next": page.next}), || {
        table(&page.events, page.next)
    });
    Ok(())
}

fn table(events: &[StoredEvent], next: Option<u64>) -> String {
    if events.is_empty() {
        return "no audit events match".to_owned();
    }
    let who = events
        .iter()
        .map(|e| e.event.principal.len())
        .max()
        .unwrap_or(0)
        .max(9);
    let what = events
        .iter()
        .map(|e| e.event.action.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let mut s = format!(
        "{:>8}  {:25}  {:who$}  {:what$}  {:7}  DETAIL",
        "SEQ", "TIME", "PRINCIPAL", "ACTION", "OUTCOME"
    );
    for e in events {
        let ev = &e.event;
        let outcome = serde_json::to_value(ev.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let line = format!(
            "\n{:>8}  {:25}  {:who$}  {:what$}  {:7}  {}",
            e.seq,
            show_time(ev.time),
            ev.principal,
            ev.action,
            outcome,
            detail(ev)
        );
        s.push_str(line.trim_end());
    }
    if let Some(n) = next {
        s.push_str(&format!("\n(more: --before {n})"));
    }
    s
}

/// Collection, records and code of an event: ids and names only.
fn detail(ev: &AuditEvent) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &ev.collection {
        parts.push(c.clone());
    }
    match ev.records.len() {
        0 => {}
        1 => parts.push(ev.records[0].to_string()),
        n => parts.push(format!("{} +{} more", ev.records[0], n - 1)),
    }
    if !ev.fields.is_empty() {
        parts.push(format!("fields {}", ev.fields.join(",")));
    }
    if let Some(p) = &ev.purpose {
        parts.push(format!("purpose {p}"));
    }
    if let Some(c) = &ev.code {
        parts.push(c.clone());
    }
    parts.join("  ")
}

pub fn export(dir: &VaultDir, out: OutputFormat, after: u64, file: Option<&Path>) -> Result<()> {
    let vault = dir.open()?;
    let sink: Box<dyn Write> = match file {
        Some(p) => Box::new(create_private(p)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::new(sink);
    let mut cursor = after;
    let mut count = 0u64;
    loop {
        // The stored rows, not re-encoded events: the export shows the very bytes hashed.
        let rows = vault.store().audit_events(cursor, EXPORT_PAGE)?;
        let Some(last) = rows.last() else { break };
        cursor = last.seq;
        for row in &rows {
            AuditEvent::decode(&row.body)?;
            let body = std::str::from_utf8(&row.body)
                .map_err(|_| fail(INTEGRITY, format!("audit event {} is not text", row.seq)))?;
            writeln!(
                w,
                "{{\"seq\":{},\"hash\":\"{}\",\"event\":{body}}}",
                row.seq,
                hex::encode(&row.hash)
            )?;
            count += 1;
        }
    }
    w.flush()?;
    drop(w);
    let event = AuditEvent::new(&Actor::local_operator(), "audit.export", now_ms())
        .code(&format!("count:{count}"));
    vault.audit().record(event)?;
    if let Some(p) = file {
        std::fs::File::open(p)?.sync_all()?;
        emit(
            out,
            &json!({"file": p.display().to_string(), "events": count, "through": cursor}),
            || {
                format!(
                    "exported {count} audit events (through event {cursor}) to {}",
                    p.display()
                )
            },
        );
    }
    Ok(())
}

/// A new or truncated file only its owner can read: the log names who read which record.
fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .with_context(|| format!("cannot write {}", path.display()))
}
