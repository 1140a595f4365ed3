//! `gembok subject erase|report|state|restrict|hold|consent`: one data subject's rights
//! from the vault's own machine (UU PDP Art. 5-14): erasure, the report of everything
//! held, restriction of processing, legal hold and consent.
//!
//! An erasure is final, so without `--yes` it is confirmed on the terminal and refused
//! when there is none. It tells the erasure ledger file and `[[erasure.webhook]]` before
//! the command exits. Outputs name counts, ids, purposes and codes; only the report
//! holds values, because showing them to the subject is its point.

use std::path::PathBuf;

use anyhow::Result;
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use gembok_core::lifecycle::SubjectState;
use serde_json::{json, Value};

use super::lifecycle::{access, confirm, deliver_document, open, rfc3339, subject_id};
use crate::cli::OutputFormat;
use crate::erasure_notices::OneShot;
use crate::output::emit;
use crate::vaultdir::VaultDir;

#[derive(Subcommand, Debug)]
pub enum SubjectCommand {
    /// Erase every record of a data subject in every collection (cannot be undone).
    Erase {
        /// The subject's record id (a customer's id).
        id: String,
        /// Why: usually `dpo` (the subject asked) or `legal`.
        #[arg(long)]
        purpose: String,
        /// Erase without asking for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Everything held about a subject, with its access history (JSON or a bilingual page).
    Report {
        id: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        /// Write to this file (mode 0600) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restriction, legal hold and consent of a subject.
    State { id: String },
    /// Restrict processing of a subject (only `legal` and `dpo` may read it), or lift it.
    Restrict {
        id: String,
        #[arg(long)]
        lift: bool,
    },
    /// Put a subject under a legal hold (nothing of it is deleted), or release it.
    Hold(HoldArgs),
    /// Record a subject's consent for a purpose, or its withdrawal.
    Consent(ConsentArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
    Html,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("hold").required(true).args(["reason", "release"])))]
pub struct HoldArgs {
    pub id: String,
    /// A short code naming the matter (a case number), never personal data.
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub release: bool,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("decision").required(true).args(["grant", "withdraw"])))]
pub struct ConsentArgs {
    pub id: String,
    /// The purpose consented to, e.g. `marketing`.
    #[arg(long)]
    pub purpose: String,
    #[arg(long)]
    pub grant: bool,
    #[arg(long)]
    pub withdraw: bool,
    /// Where it was given or withdrawn: a short code such as `web_form` or `cs_call`.
    #[arg(long)]
    pub source: String,
    /// The privacy-notice version the subject was shown.
    #[arg(long)]
    pub notice_version: Option<u32>,
}

pub fn run(dir: &VaultDir, out: OutputFormat, command: SubjectCommand) -> Result<()> {
    let o = open(dir)?;
    match command {
        SubjectCommand::Erase { id, purpose, yes } => {
            let subject = subject_id(&id)?;
            if !yes
                && !confirm(
                    &format!(
                        "Erase every record of subject {subject}? This cannot be undone. / \
                         Hapus semua data subjek {subject}? Tidak dapat dibatalkan."
                    ),
                    "refusing to erase without confirmation: no terminal to ask on; add --yes \
                     / penghapusan butuh konfirmasi: tambahkan --yes",
                )?
            {
                emit(
                    out,
                    &json!({"subject": subject.to_string(), "erased": false}),
                    || "nothing erased / tidak ada yang dihapus".into(),
                );
                return Ok(());
            }
            let hooks = OneShot::attach(&o.vault, &dir.root, &o.settings)?;
            let result = o.gate.erase_subject(&o.me, subject, &purpose);
            hooks.finish();
            let report = result.map_err(access)?;
            emit(
                out,
                &json!({"subject": subject.to_string(), "erased": true,
                        "erased_at": report.erased_at, "records": report.records,
                        "total": report.total()}),
                || {
                    let mut s = format!(
                        "erased subject {subject}: {} record(s) / {} data dihapus",
                        report.total(),
                        report.total()
                    );
                    for (c, n) in &report.records {
                        s.push_str(&format!("\n  {c:12} {n}"));
                    }
                    s
                },
            );
        }
        SubjectCommand::Report {
            id,
            format,
            out: file,
        } => {
            let subject = subject_id(&id)?;
            let report = o.gate.subject_report(&o.me, subject).map_err(access)?;
            let bytes = match format {
                ReportFormat::Json => {
                    let mut b = serde_json::to_vec_pretty(&report.to_json())?;
                    b.push(b'\n');
                    b
                }
                ReportFormat::Html => {
                    let notice = o
                        .gate
                        .privacy_notice(&o.settings.lifecycle.profile)
                        .map_err(access)?;
                    gembok_render::subject_report_html(&report, &notice).into_bytes()
                }
            };
            deliver_document(out, file.as_deref(), &bytes)?;
        }
        SubjectCommand::State { id } => {
            let subject = subject_id(&id)?;
            let state = o.gate.subject_state(&o.me, subject).map_err(access)?;
            print_state(out, &id, &state, None);
        }
        SubjectCommand::Restrict { id, lift } => {
            let subject = subject_id(&id)?;
            let state = o
                .gate
                .set_restriction(&o.me, subject, !lift)
                .map_err(access)?;
            let note = if lift {
                "restriction lifted / pembatasan dicabut"
            } else {
                "processing restricted: only `legal` and `dpo` may read / pemrosesan dibatasi"
            };
            print_state(out, &id, &state, Some(note));
        }
        SubjectCommand::Hold(a) => {
            let subject = subject_id(&a.id)?;
            let reason = if a.release { None } else { a.reason.as_deref() };
            let state = o
                .gate
                .set_legal_hold(&o.me, subject, reason)
                .map_err(access)?;
            let note = if a.release {
                "legal hold released / penahanan hukum dilepas"
            } else {
                "legal hold set: nothing of it is deleted / penahanan hukum dipasang"
            };
            print_state(out, &a.id, &state, Some(note));
        }
        SubjectCommand::Consent(a) => {
            let subject = subject_id(&a.id)?;
            let state = o
                .gate
                .record_consent(
                    &o.me,
                    subject,
                    &a.purpose,
                    a.grant,
                    &a.source,
                    a.notice_version,
                )
                .map_err(access)?;
            let note = if a.grant {
                "consent recorded / persetujuan dicatat"
            } else {
                "consent withdrawn / persetujuan ditarik"
            };
            print_state(out, &a.id, &state, Some(note));
        }
    }
    Ok(())
}

fn state_json(id: &str, s: &SubjectState) -> Value {
    let consents: serde_json::Map<String, Value> = s
        .consents
        .iter()
        .map(|(p, h)| (p.clone(), json!({"granted": s.consented(p), "history": h})))
        .collect();
    json!({
        "subject": id.trim(),
        "restricted_since": s.restricted_since,
        "legal_hold": s.hold.as_ref().map(|h| json!({"since": h.since, "reason": h.reason})),
        "consents": consents,
    })
}

fn print_state(out: OutputFormat, id: &str, s: &SubjectState, note: Option<&str>) {
    emit(out, &state_json(id, s), || {
        let mut lines = Vec::new();
        if let Some(n) = note {
            lines.push(n.to_owned());
        }
        lines.push(format!("subject {}", id.trim()));
        lines.push(match s.restricted_since {
            Some(t) => format!("  restricted / dibatasi   since {}", rfc3339(t)),
            None => "  restricted / dibatasi   no".into(),
        });
        lines.push(match &s.hold {
            Some(h) => format!(
                "  legal hold / penahanan  {} since {}",
                h.reason,
                rfc3339(h.since)
            ),
            None => "  legal hold / penahanan  no".into(),
        });
        if s.consents.is_empty() {
            lines.push("  consent / persetujuan   none on record".into());
        }
        for (purpose, history) in &s.consents {
            if let Some(last) = history.last() {
                lines.push(format!(
                    "  consent {purpose:12} {} {} via {}",
                    if last.granted { "granted" } else { "withdrawn" },
                    rfc3339(last.time),
                    last.source
                ));
            }
        }
        lines.join("\n")
    });
}
