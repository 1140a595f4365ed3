//! `gembok requests list|add|close`: the queue of data-subject requests with their
//! deadlines (`[rights]`: UU PDP 3 x 24 hours unless configured otherwise). A request
//! holds the subject's id, never how to reach the requester.

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use gembok_core::lifecycle::{RequestKind, RequestStatus, RightsRequest};
use serde_json::{json, Value};

use super::apikey::now_ms;
use super::lifecycle::{access, open, parse_time, rfc3339, subject_id};
use crate::cli::OutputFormat;
use crate::exit::{fail, INVALID};
use crate::output::emit;
use crate::vaultdir::VaultDir;

#[derive(Subcommand, Debug)]
pub enum RequestsCommand {
    /// The requests, oldest first, with their deadlines; overdue ones are marked.
    List {
        /// Only requests still open.
        #[arg(long)]
        open: bool,
    },
    /// Record a request received from a data subject.
    Add {
        /// access, correction, erasure, restriction, portability, withdraw_consent or
        /// objection.
        #[arg(long)]
        kind: String,
        /// The subject's record id, once known.
        #[arg(long)]
        subject: Option<String>,
        /// Whose deadline applies: uu_pdp, gdpr, or one named in [rights.deadlines].
        #[arg(long, default_value = "uu_pdp")]
        regulation: String,
        /// When it arrived (RFC 3339; default now).
        #[arg(long)]
        received_at: Option<String>,
    },
    /// Close a request.
    Close {
        id: String,
        #[arg(long, value_enum)]
        status: CloseStatus,
        /// A short code saying how it ended, e.g. `done` or `identity_not_verified`.
        #[arg(long)]
        resolution: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CloseStatus {
    Completed,
    Rejected,
}

pub fn run(dir: &VaultDir, out: OutputFormat, command: RequestsCommand) -> Result<()> {
    let o = open(dir)?;
    let now = now_ms();
    match command {
        RequestsCommand::List { open } => {
            let list = o.gate.requests(&o.me, open).map_err(access)?;
            let rows: Vec<Value> = list.iter().map(|r| request_json(r, now)).collect();
            let overdue = list.iter().filter(|r| r.overdue(now)).count();
            emit(out, &json!({"requests": rows, "overdue": overdue}), || {
                list_text(&list, now)
            });
        }
        RequestsCommand::Add {
            kind,
            subject,
            regulation,
            received_at,
        } => {
            let kind = RequestKind::parse(&kind)?;
            let subject = subject.as_deref().map(subject_id).transpose()?;
            let received_at = received_at.as_deref().map(parse_time).transpose()?;
            let req = o
                .gate
                .open_request(
                    &o.me,
                    kind,
                    subject,
                    &regulation,
                    received_at,
                    &o.settings.lifecycle.rights,
                )
                .map_err(access)?;
            emit(out, &request_json(&req, now), || {
                format!(
                    "request {} recorded ({}); answer by {} / permintaan dicatat, jawab \
                     paling lambat {}{}",
                    req.id,
                    req.kind.as_str(),
                    rfc3339(req.deadline_at),
                    rfc3339(req.deadline_at),
                    if req.overdue(now) {
                        "\n  already OVERDUE / sudah LEWAT TENGGAT"
                    } else {
                        ""
                    }
                )
            });
        }
        RequestsCommand::Close {
            id,
            status,
            resolution,
        } => {
            if resolution.trim().is_empty() {
                return Err(fail(INVALID, "--resolution needs a short code"));
            }
            let status = match status {
                CloseStatus::Completed => RequestStatus::Completed,
                CloseStatus::Rejected => RequestStatus::Rejected,
            };
            let req = o
                .gate
                .close_request(&o.me, &id, status, &resolution)
                .map_err(access)?;
            emit(out, &request_json(&req, now), || {
                format!(
                    "request {} closed as {} ({}) / permintaan ditutup",
                    req.id,
                    status_str(req.status),
                    req.resolution.as_deref().unwrap_or("")
                )
            });
        }
    }
    Ok(())
}

fn status_str(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Open => "open",
        RequestStatus::Completed => "completed",
        RequestStatus::Rejected => "rejected",
    }
}

fn request_json(r: &RightsRequest, now: i64) -> Value {
    json!({
        "id": r.id,
        "kind": r.kind.as_str(),
        "subject": r.subject.map(|s| s.to_string()),
        "regulation": r.regulation,
        "received_at": r.received_at,
        "deadline_at": r.deadline_at,
        "deadline": rfc3339(r.deadline_at),
        "status": status_str(r.status),
        "completed_at": r.completed_at,
        "resolution": r.resolution,
        "overdue": r.overdue(now),
    })
}

fn list_text(list: &[RightsRequest], now: i64) -> String {
    if list.is_empty() {
        return "no requests / tidak ada permintaan".into();
    }
    let mut lines = vec![format!(
        "{:20}  {:16}  {:9}  {:8}  {:25}  subject",
        "id", "kind", "status", "law", "deadline / tenggat"
    )];
    for r in list {
        let deadline = if r.overdue(now) {
            format!("{} OVERDUE/LEWAT", rfc3339(r.deadline_at))
        } else {
            rfc3339(r.deadline_at)
        };
        lines.push(format!(
            "{:20}  {:16}  {:9}  {:8}  {:25}  {}",
            r.id,
            r.kind.as_str(),
            status_str(r.status),
            r.regulation,
            deadline,
            r.subject
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into())
        ));
    }
    lines.join("\n")
}
