//! Running an import as three stages on three threads: a reader checks rows and cuts
//! them into batches, a sealer checks each batch against the vault and seals it
//! (`Vault::seal_batch`), and the calling thread commits them, so parsing, sealing and
//! the database overlap. At most one batch waits for the sealer and one for the
//! commit, which bounds memory whatever the file size; a batch's plaintext rows are
//! wiped as soon as it is sealed.
//!
//! For each batch: rows the vault itself refuses (a reference to a customer that does
//! not exist) are moved to the rejects and the rest is sealed again; its rejects are
//! appended to the report (and synced); then its records and the journal that counts
//! the batch as done go to the vault in one transaction (`Vault::commit_sealed`). While it writes, the store is in bulk-load mode
//! (`Store::bulk_load`).

use gembok_core::Actor;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use gembok_core::{CoreError, ErrorKind, SealedBatch, Vault, MAX_BATCH};
use gembok_store::Store;
use serde_json::Value;

use super::journal::Journal;
use super::plan::ImportPlan;
use super::rejects::RejectsFile;
use super::segment::Segment;
use super::validate::RowCheck;
use super::{fail_at, FailPoint, ImportOptions, ImportSummary};
use crate::{Flow, IngestError, Workbook};

/// Rejects gathered before a batch is cut even when it has few good rows.
const MAX_REJECTS_PER_BATCH: usize = 10_000;

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
    // A dry run gets its own report, so it never touches an interrupted import's one.
    let kind = if opts.dry_run {
        "dry-run.rejects"
    } else {
        "rejects"
    };
    let rejects_path: PathBuf = opts.rejects_path.clone().unwrap_or_else(|| {
        opts.reports_dir.join(format!(
            "{}-{}.{kind}.csv",
            &sha[..16.min(sha.len())],
            plan.collection
        ))
    });
    let stored = if opts.dry_run {
        None
    } else {
        Journal::load(vault, sha, &plan.collection)?
    };
    let mut journal = match stored {
        Some(j) if j.mapping != mapping || j.sheet != plan.sheet_name => {
            return Err(IngestError::Journal(format!(
                "an earlier import of this file into `{}` used another mapping or sheet; \
                 run it again with the same mapping and sheet to finish it",
                plan.collection
            )));
        }
        Some(j) => j,
        None => Journal::new(sha, &plan.collection, &plan.sheet_name, mapping.clone()),
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
    if journal.done_through > 0 {
        summary.resumed_from_row = Some(journal.done_through);
    }
    let mut rejects = RejectsFile::open(&rejects_path, journal.rejects_len)?;
    journal.rejects_len = rejects.len();
    let _bulk = (!opts.dry_run)
        .then(|| BulkLoad::start(vault.store().as_ref()))
        .transpose()?;
    let batch = opts.batch_size.clamp(1, MAX_BATCH);
    let done_through = journal.done_through;
    let mut done = journal.accepted + journal.rejected;
    progress(done, plan.rows);
    std::thread::scope(|scope| -> Result<(), IngestError> {
        let (tx, rx) = sync_channel(1);
        let check = &check;
        scope.spawn(move || read_segments(plan, check, done_through, batch, tx));
        // The sealer checks and seals batch N+1 while this thread commits batch N.
        let (sealed_tx, sealed_rx) = sync_channel(1);
        let dry_run = opts.dry_run;
        scope.spawn(move || seal_segments(vault, plan, dry_run, rx, sealed_tx));
        for (n, msg) in sealed_rx.into_iter().enumerate() {
            let (mut seg, sealed) = msg?;
            match sealed {
                None => {
                    journal.accepted += seg.good.len() as u64;
                    journal.rejected += seg.rejected;
                    rejects.append(&seg.rejects)?;
                }
                Some(sealed) => {
                    write_segment(vault, fail, n, &mut seg, sealed, &mut journal, &mut rejects)?
                }
            }
            done += seg.rows;
            progress(done, plan.rows);
        }
        Ok(())
    })?;
    if !opts.dry_run {
        journal.complete = true;
        vault.create_batch_with_doc(
            &Actor::local_operator(),
            &plan.collection,
            &[],
            journal.doc()?,
        )?;
    }
    summary.accepted = journal.accepted;
    summary.rejected = journal.rejected;
    summary.total = journal.accepted + journal.rejected;
    Ok(summary)
}

/// The store in bulk-load mode for as long as an import writes, back to normal when
/// it ends, however it ends.
struct BulkLoad<'s>(&'s dyn Store);

impl<'s> BulkLoad<'s> {
    fn start(store: &'s dyn Store) -> Result<Self, IngestError> {
        store.bulk_load(true).map_err(CoreError::from)?;
        Ok(Self(store))
    }
}

impl Drop for BulkLoad<'_> {
    fn drop(&mut self) {
        // Only speed depends on it; an error here leaves the settings for the next
        // write to live with, and staged index entries (still found by searches) for
        // the next write or open to merge, and nothing to report.
        let _ = self.0.bulk_load(false);
    }
}

/// A batch ready to commit: its rows, and their sealed records (`None` in a dry run).
type Sealed = Result<(Segment, Option<SealedBatch>), IngestError>;

/// Seal each batch from the reader: rows the vault refuses (a reference to a customer
/// that does not exist) move to the batch's rejects and the rest is sealed again.
/// Stops at the first error, which it passes on.
fn seal_segments(
    vault: &Vault,
    plan: &ImportPlan,
    dry_run: bool,
    rx: Receiver<Result<Segment, IngestError>>,
    tx: SyncSender<Sealed>,
) {
    for msg in rx {
        let sealed = msg.and_then(|mut seg| {
            if dry_run {
                return Ok((seg, None));
            }
            let batch = seal_segment(vault, plan, &mut seg)?;
            seg.release_rows();
            Ok((seg, Some(batch)))
        });
        let failed = sealed.is_err();
        if tx.send(sealed).is_err() || failed {
            return;
        }
    }
}

fn seal_segment(
    vault: &Vault,
    plan: &ImportPlan,
    seg: &mut Segment,
) -> Result<SealedBatch, IngestError> {
    loop {
        match vault.seal_batch(&Actor::local_operator(), &plan.collection, &seg.good) {
            Ok(batch) => return Ok(batch),
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
}

/// Write one sealed batch: its rejects to the report, then its records together with
/// the journal that counts it as done, in one vault transaction.
fn write_segment(
    vault: &Vault,
    fail: Option<FailPoint>,
    n: usize,
    seg: &mut Segment,
    sealed: SealedBatch,
    journal: &mut Journal,
    rejects: &mut RejectsFile,
) -> Result<(), IngestError> {
    // The rejects are on disk before the journal that counts them commits; a resumed
    // import cuts the report back to the length the journal recorded.
    let rejects_len = rejects.append(&seg.rejects)?;
    seg.rejects.clear();
    let mut next = journal.clone();
    next.done_through = seg.through;
    next.accepted += sealed.len() as u64;
    next.rejected += seg.rejected;
    next.rejects_len = rejects_len;
    fail_at(fail, FailPoint::BeforeCommit(n))?;
    vault.commit_sealed(sealed, next.doc()?)?;
    *journal = next;
    fail_at(fail, FailPoint::AfterCommit(n))
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
