//! Running an import: a reader thread checks rows and cuts them into batches while the
//! calling thread writes batches to the vault, so parsing and validation overlap with
//! sealing and the database. At most two batches wait between them, which bounds memory
//! whatever the file size.
//!
//! For each batch: its rejects are appended to the report, the journal marks the batch
//! pending, the good rows go to `Vault::create_batch` (one transaction), and the journal
//! marks the batch done. Rows the vault itself refuses (a reference to a customer that
//! does not exist) are moved to the rejects and the rest of the batch is written.

use gembok_core::Actor;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender};

use gembok_core::{CoreError, ErrorKind, Vault, MAX_BATCH};
use serde_json::Value;

use super::journal::{Journal, Pending};
use super::plan::ImportPlan;
use super::rejects::RejectsFile;
use super::validate::{wipe, Reject, RowCheck};
use super::{fail_at, resume, FailPoint, ImportOptions, ImportSummary};
use crate::{Flow, IngestError, Workbook};

/// Rejects gathered before a batch is cut even when it has few good rows.
const MAX_REJECTS_PER_BATCH: usize = 10_000;

/// Rows read and checked, ready to be written.
#[derive(Default)]
struct Segment {
    /// Row number of the last row covered.
    through: u64,
    rows: u64,
    good: Vec<Value>,
    good_rows: Vec<u64>,
    rejected: u64,
    rejects: Vec<Reject>,
}

impl Drop for Segment {
    fn drop(&mut self) {
        for v in &mut self.good {
            if let Value::Object(m) = v {
                wipe(m);
            }
        }
    }
}

impl Segment {
    /// Move the good rows at `indices` to the rejects with the vault's reason.
    fn refuse(&mut self, refused: &[(usize, String)]) {
        let bad: BTreeSet<usize> = refused.iter().map(|(i, _)| *i).collect();
        for (i, reason) in refused {
            self.rejects.push(Reject {
                row: self.good_rows[*i],
                column: None,
                field: String::new(),
                rule: "vault".into(),
                reason: reason.clone(),
            });
        }
        let mut keep_rows = Vec::with_capacity(self.good_rows.len());
        let mut keep = Vec::with_capacity(self.good.len());
        for (i, (mut v, row)) in self
            .good
            .drain(..)
            .zip(self.good_rows.drain(..))
            .enumerate()
        {
            if bad.contains(&i) {
                if let Value::Object(m) = &mut v {
                    wipe(m);
                }
            } else {
                keep.push(v);
                keep_rows.push(row);
            }
        }
        self.good = keep;
        self.good_rows = keep_rows;
        self.rejected += bad.len() as u64;
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Import the planned file into the vault.
pub fn import(
    vault: &Vault,
    plan: &ImportPlan,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary, IngestError> {
    import_with(vault, plan, opts, progress, None)
}

/// [`import`], stopping at `fail` (tests interrupt imports this way).
pub(crate) fn import_with(
    vault: &Vault,
    plan: &ImportPlan,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
    fail: Option<FailPoint>,
) -> Result<ImportSummary, IngestError> {
    if !plan.fingerprint.unchanged(&plan.path) {
        return Err(IngestError::Changed);
    }
    let schema = vault.schema();
    let coll = schema.collection(&plan.collection)?;
    let mapping = plan.mapping();
    let check = RowCheck::new(coll, &mapping)?;
    let sha = &plan.fingerprint.sha256;
    let journal_path = Journal::path(&opts.journal_dir, sha, &plan.collection);
    // A dry run gets its own report, so it never touches an interrupted import's one.
    let kind = if opts.dry_run {
        "dry-run.rejects"
    } else {
        "rejects"
    };
    let rejects_path: PathBuf = opts.rejects_path.clone().unwrap_or_else(|| {
        opts.journal_dir.join(format!(
            "{}-{}.{kind}.csv",
            &sha[..16.min(sha.len())],
            plan.collection
        ))
    });
    let fresh = Journal::new(sha, &plan.collection, &plan.sheet_name, mapping.clone());
    let mut journal = match (opts.dry_run, Journal::load(&journal_path)?) {
        (false, Some(j)) => {
            if j.mapping != mapping || j.sheet != plan.sheet_name {
                return Err(IngestError::Journal(format!(
                    "an earlier import of this file into `{}` used another mapping or sheet; \
                     run it again with the same mapping, or delete {} to start over",
                    plan.collection,
                    journal_path.display()
                )));
            }
            j
        }
        _ => fresh,
    };
    let mut summary = ImportSummary {
        dry_run: opts.dry_run,
        rejects_report: Some(rejects_path.clone()),
        ..ImportSummary::default()
    };
    if journal.complete {
        summary.accepted = journal.accepted;
        summary.rejected = journal.rejected;
        summary.total = journal.accepted + journal.rejected;
        summary.already_complete = true;
        return Ok(summary);
    }
    if journal.done_through > 0 || journal.pending.is_some() {
        summary.resumed_from_row = Some(journal.done_through);
    }
    if let Some(p) = journal.pending.take() {
        if resume::committed(vault, plan, &check, &journal, &p)? {
            settle(&mut journal, &p);
        }
        journal.store(&journal_path)?;
    }
    let mut rejects = RejectsFile::open(&rejects_path, journal.rejects_len)?;
    journal.rejects_len = rejects.len();
    let batch = opts.batch_size.clamp(1, MAX_BATCH);
    let done_through = journal.done_through;
    let mut done = journal.accepted + journal.rejected;
    progress(done, plan.rows);
    std::thread::scope(|scope| -> Result<(), IngestError> {
        let (tx, rx) = sync_channel(2);
        let check = &check;
        scope.spawn(move || read_segments(plan, check, done_through, batch, tx));
        for (n, msg) in rx.into_iter().enumerate() {
            let mut seg = msg?;
            if opts.dry_run {
                journal.accepted += seg.good.len() as u64;
                journal.rejected += seg.rejected;
                rejects.append(&seg.rejects)?;
            } else {
                write_segment(
                    vault,
                    plan,
                    fail,
                    n,
                    &mut seg,
                    &mut journal,
                    &journal_path,
                    &mut rejects,
                )?;
            }
            done += seg.rows;
            progress(done, plan.rows);
        }
        Ok(())
    })?;
    if !opts.dry_run {
        journal.complete = true;
        journal.store(&journal_path)?;
    }
    summary.accepted = journal.accepted;
    summary.rejected = journal.rejected;
    summary.total = journal.accepted + journal.rejected;
    Ok(summary)
}

/// Count a committed batch as done.
fn settle(journal: &mut Journal, p: &Pending) {
    journal.done_through = p.through;
    journal.accepted += p.accepted;
    journal.rejected += p.rejected;
    journal.rejects_len = p.rejects_len;
    journal.pending = None;
}

#[allow(clippy::too_many_arguments)]
fn write_segment(
    vault: &Vault,
    plan: &ImportPlan,
    fail: Option<FailPoint>,
    n: usize,
    seg: &mut Segment,
    journal: &mut Journal,
    journal_path: &std::path::Path,
    rejects: &mut RejectsFile,
) -> Result<(), IngestError> {
    loop {
        let rejects_len = rejects.append(&seg.rejects)?;
        seg.rejects.clear();
        let pending = Pending {
            through: seg.through,
            accepted: seg.good.len() as u64,
            rejected: seg.rejected,
            rejects_len,
            since_ms: now_ms(),
        };
        journal.pending = Some(pending.clone());
        journal.store(journal_path)?;
        fail_at(fail, FailPoint::AfterPending(n))?;
        if seg.good.is_empty() {
            break;
        }
        match vault.create_batch(&Actor::local_operator(), &plan.collection, &seg.good) {
            Ok(_) => break,
            Err(CoreError::Batch { errors, .. }) if !errors.is_empty() => {
                let refused: Vec<(usize, String)> =
                    errors.into_iter().map(|e| (e.row, e.message)).collect();
                seg.refuse(&refused);
            }
            Err(e) if seg.good.len() == 1 && e.kind() == ErrorKind::Invalid => {
                seg.refuse(&[(0, e.to_string())]);
            }
            Err(e) => return Err(e.into()),
        }
    }
    fail_at(fail, FailPoint::AfterCommit(n))?;
    let p = journal.pending.clone().unwrap_or_default();
    settle(journal, &p);
    journal.store(journal_path)
}

fn read_segments(
    plan: &ImportPlan,
    check: &RowCheck<'_>,
    done_through: u64,
    batch: usize,
    tx: SyncSender<Result<Segment, IngestError>>,
) {
    let mut seg = Segment::default();
    let result = (|| {
        let mut book = Workbook::open(&plan.path, &plan.limits)?;
        let mut header_pending = plan.has_header;
        book.for_each_row(plan.sheet, &mut |row| {
            if std::mem::take(&mut header_pending) || row.number <= done_through {
                return Ok(Flow::Continue);
            }
            seg.through = row.number;
            seg.rows += 1;
            match check.check(&row) {
                Ok(map) => {
                    seg.good.push(Value::Object(map));
                    seg.good_rows.push(row.number);
                }
                Err(problems) => {
                    seg.rejected += 1;
                    seg.rejects.extend(problems);
                }
            }
            let full = seg.good.len() >= batch || seg.rejects.len() >= MAX_REJECTS_PER_BATCH;
            if full && tx.send(Ok(std::mem::take(&mut seg))).is_err() {
                return Ok(Flow::Stop);
            }
            Ok(Flow::Continue)
        })
    })();
    let last = match result {
        Ok(()) if seg.rows > 0 => Ok(seg),
        Ok(()) => return,
        Err(e) => Err(e),
    };
    let _ = tx.send(last);
}
