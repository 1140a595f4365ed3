//! `gembok privacy notice|processing`: the privacy notice generated from the schema and
//! `[business]` (bilingual HTML or JSON), and the records of processing (one row per
//! schema field, JSON or CSV). Neither holds a customer's data.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};

use super::lifecycle::{access, deliver_document, open};
use crate::cli::OutputFormat;
use crate::exit::{fail, OTHER};
use crate::vaultdir::VaultDir;

#[derive(Subcommand, Debug)]
pub enum PrivacyCommand {
    /// The privacy notice in force (a new version is published when it changed).
    Notice {
        #[arg(long, value_enum, default_value_t = NoticeFormat::Html)]
        format: NoticeFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The records of processing: every field, its class, purposes, basis and retention.
    Processing {
        #[arg(long, value_enum, default_value_t = ProcessingFormat::Json)]
        format: ProcessingFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NoticeFormat {
    Html,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProcessingFormat {
    Json,
    Csv,
}

pub fn run(dir: &VaultDir, out: OutputFormat, command: PrivacyCommand) -> Result<()> {
    let o = open(dir)?;
    let profile = &o.settings.lifecycle.profile;
    match command {
        PrivacyCommand::Notice { format, out: file } => {
            if profile.name.is_empty() || profile.contact.is_empty() {
                eprintln!(
                    "gembok: warning: [business] name and contact are not set in gembok.toml; \
                     the notice does not say who to contact / nama dan kontak usaha belum diisi"
                );
            }
            let notice = o.gate.privacy_notice(profile).map_err(access)?;
            let bytes = match format {
                NoticeFormat::Html => gembok_render::privacy_notice_html(&notice).into_bytes(),
                NoticeFormat::Json => serde_json::to_vec_pretty(&notice)?,
            };
            deliver_document(out, file.as_deref(), &bytes)
        }
        PrivacyCommand::Processing { format, out: file } => {
            let rows = o.gate.processing_records(&o.me, profile).map_err(access)?;
            let bytes = match format {
                ProcessingFormat::Json => serde_json::to_vec_pretty(&rows)?,
                ProcessingFormat::Csv => gembok_render::processing_csv(&rows)
                    .map_err(|e| fail(OTHER, format!("cannot write the CSV: {e}")))?
                    .into_bytes(),
            };
            deliver_document(out, file.as_deref(), &bytes)
        }
    }
}
