//! `import`: move a spreadsheet into a vault collection, row by row through the
//! schema, in resumable batches.
//!
//! [`plan()`] reads the file once (every reader check runs, so a broken file imports
//! nothing), detects its columns and proposes a mapping; [`import`] writes it. Every
//! row ends up accepted or rejected, and the summary always adds up:
//! `accepted + rejected = total`. Bad rows go to a rejects report (row, column, field,
//! rule, reason; never a value). Card numbers are never imported. A journal in the
//! vault, written in the same transaction as each batch, makes an interrupted import
//! continue where it stopped, without writing any row twice.

mod fingerprint;
mod journal;
mod plan;
mod rejects;
mod run;
mod segment;
mod validate;

use std::path::PathBuf;

pub use fingerprint::FileFingerprint;
pub use plan::{parse_map, plan, ColumnPlan, ImportPlan, MapOverride, PlanOptions};
pub use run::import;
#[cfg(test)]
pub(crate) use run::import_with;
pub use validate::Reject;

use crate::IngestError;

/// How an import runs.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Rows per vault transaction (at most `gembok_core::MAX_BATCH`).
    pub batch_size: usize,
    /// Check every row and write the rejects report, but write nothing to the vault.
    pub dry_run: bool,
    /// Where rejects reports are kept unless `rejects_path` says otherwise (the
    /// journal itself lives in the vault).
    pub reports_dir: PathBuf,
    /// Where the rejects report goes (default: in `reports_dir`).
    pub rejects_path: Option<PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            batch_size: 5_000,
            dry_run: false,
            reports_dir: PathBuf::from("imports"),
            rejects_path: None,
        }
    }
}

/// Where a test interrupts an import, to prove it resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailPoint {
    /// After batch `n`'s rejects are in the report, before the batch commits.
    BeforeCommit(usize),
    /// After batch `n` and its journal entry committed.
    AfterCommit(usize),
}

/// Stop at `point` when the caller asked to (tests only).
fn fail_at(fail: Option<FailPoint>, point: FailPoint) -> Result<(), IngestError> {
    if fail == Some(point) {
        return Err(IngestError::Journal("simulated interruption".into()));
    }
    Ok(())
}

/// How an import ended. `accepted + rejected == total`, always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub accepted: u64,
    pub rejected: u64,
    pub total: u64,
    /// The row an interrupted import continued after.
    pub resumed_from_row: Option<u64>,
    /// The journal says this file was already imported completely; nothing was done.
    pub already_complete: bool,
    pub dry_run: bool,
    pub rejects_report: Option<PathBuf>,
}
